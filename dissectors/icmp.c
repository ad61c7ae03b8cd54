/* PLACEHOLDER: being written. */
#include "../src/dissector.h"

static int icmp_dissect(dctx_t *x, cursor_t *c)
{
    (void)x;
    (void)c;
    return LS_OK;
}

const dissector_t dissector_icmp = {
    .name = "icmp",
    .title = "icmp",
    .osi = 3,
    .dissect = icmp_dissect,
};
