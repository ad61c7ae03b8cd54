/* PLACEHOLDER: being written. */
#include "../src/dissector.h"

static int arp_dissect(dctx_t *x, cursor_t *c)
{
    (void)x;
    (void)c;
    return LS_OK;
}

const dissector_t dissector_arp = {
    .name = "arp",
    .title = "arp",
    .osi = 3,
    .dissect = arp_dissect,
};
