/* data.c - bytes no dissector claims. */
#include <string.h>

#include "dissector.h"

enum { DATA_LEN, DATA_NOTE };
static const field_def_t data_fields[] = {
    [DATA_LEN] = FIELD("len", FT_UINT, "data.len", "Length"),
    [DATA_NOTE] = FIELD("note", FT_STR, "data.note", "Why not dissected"),
};

static int data_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint32_t have = cur_left(c), want = cur_rleft(c);
    /* "len" is what the wire carried; the captured part may be shorter */
    fld_uint(x, DATA_LEN, start, have, want);
    if (x->data_note)
        fld_str(x, DATA_NOTE, start, 0, x->data_note, (uint32_t)strlen(x->data_note));
    cur_skip(c, have);
    dx_span(x, c, start);
    return have < want ? LS_TRUNCATED : LS_OK;
}

static void data_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t n = 0;
    layer_uint(r, l, DATA_LEN, &n);
    ob_puts(ob, "data ");
    ob_u64(ob, n);
    ob_puts(ob, n == 1 ? " byte" : " bytes");
}

const dissector_t dissector_data = {
    .name = "data",
    .title = "Data",
    .osi = 7,
    .id = PROTO_data,
    .fields = data_fields,
    .nfields = NFIELDS(data_fields),
    .dissect = data_dissect,
    .summary = data_summary,
};
