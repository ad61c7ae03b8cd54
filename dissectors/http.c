/* PLACEHOLDER: being written. */
#include "../src/dissector.h"

static int http_dissect(dctx_t *x, cursor_t *c)
{
    (void)x;
    (void)c;
    return LS_OK;
}

const dissector_t dissector_http = {
    .name = "http",
    .title = "http",
    .osi = 3,
    .dissect = http_dissect,
};
