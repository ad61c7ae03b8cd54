/* PLACEHOLDER: being written. */
#include "../src/dissector.h"

static int icmpv6_dissect(dctx_t *x, cursor_t *c)
{
    (void)x;
    (void)c;
    return LS_OK;
}

const dissector_t dissector_icmpv6 = {
    .name = "icmpv6",
    .title = "icmpv6",
    .osi = 3,
    .dissect = icmpv6_dissect,
};
