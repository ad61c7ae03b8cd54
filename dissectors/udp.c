/* PLACEHOLDER: being written. */
#include "../src/dissector.h"

static int udp_dissect(dctx_t *x, cursor_t *c)
{
    (void)x;
    (void)c;
    return LS_OK;
}

const dissector_t dissector_udp = {
    .name = "udp",
    .title = "udp",
    .osi = 3,
    .dissect = udp_dissect,
};
