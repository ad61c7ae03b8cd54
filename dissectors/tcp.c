/* PLACEHOLDER: being written. */
#include "../src/dissector.h"

static int tcp_dissect(dctx_t *x, cursor_t *c)
{
    (void)x;
    (void)c;
    return LS_OK;
}

const dissector_t dissector_tcp = {
    .name = "tcp",
    .title = "tcp",
    .osi = 3,
    .dissect = tcp_dissect,
};
