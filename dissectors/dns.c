/* PLACEHOLDER: being written. */
#include "../src/dissector.h"

static int dns_dissect(dctx_t *x, cursor_t *c)
{
    (void)x;
    (void)c;
    return LS_OK;
}

const dissector_t dissector_dns = {
    .name = "dns",
    .title = "dns",
    .osi = 3,
    .dissect = dns_dissect,
};
