/* PLACEHOLDER: being written. */
#include "../src/dissector.h"

static int ipv6_dissect(dctx_t *x, cursor_t *c)
{
    (void)x;
    (void)c;
    return LS_OK;
}

const dissector_t dissector_ipv6 = {
    .name = "ipv6",
    .title = "ipv6",
    .osi = 3,
    .dissect = ipv6_dissect,
};
