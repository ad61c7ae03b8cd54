/* record.c - the per-frame record and the field adders dissectors use. */
#include <string.h>

#include "dissector.h"
#include "record.h"

static const char *const err_names[ERR_COUNT] = {
#define ERR(name) #name,
#include "errors.def"
#undef ERR
};

const char *err_name(unsigned code)
{
    return code < ERR_COUNT ? err_names[code] : "unknown";
}

void record_reset(record_t *r)
{
    /* only the counters: the arrays are overwritten as they fill */
    r->nlayers = 0;
    r->nfields = 0;
    r->nslots = 0;
    r->strlen = 1; /* offset 0 holds the empty string */
    r->str[0] = '\0';
    r->overflow = false;
    r->unknown_linktype = false;
    r->truncated = false;
    r->malformed = false;
    r->bad_checksums = 0;
    r->capped = false;
    r->flow.present = false;
    r->flow.rel = false;
    r->nsources = 1;
    r->reasm_used = 0;
}

int record_add_source(record_t *r, const char *kind, const uint8_t *bytes, uint32_t len,
                      const uint64_t *frames, uint16_t nframes, bool frames_cut)
{
    if (r->nsources >= REC_MAX_SOURCES || len > REC_REASM_CAP - r->reasm_used)
        return -1;
    rec_source_t *s = &r->sources[r->nsources];
    memcpy(r->reasm + r->reasm_used, bytes, len);
    s->data = r->reasm + r->reasm_used;
    s->len = len;
    s->kind = kind;
    if (nframes > REC_SRC_FRAMES) {
        nframes = REC_SRC_FRAMES;
        frames_cut = true;
    }
    memcpy(s->frames, frames, nframes * sizeof frames[0]);
    s->nframes = nframes;
    s->frames_cut = frames_cut;
    r->reasm_used += len;
    return r->nsources++;
}

field_t *fld_new(dctx_t *x, const field_def_t *def, uint8_t type, uint32_t off, uint32_t len)
{
    const dissector_t *d = x->layer->proto;
    uintptr_t p = (uintptr_t)def, lo = (uintptr_t)d->fields;
    unsigned id = def && p >= lo && p < lo + d->nfields * sizeof *def
                      ? (unsigned)((p - lo) / sizeof *def)
                      : FIELD_DEFS_MAX;
    return fld_push(x, def, id, type, off, len);
}

/* The def at index id of the current layer's table, and the index. */
#define DEF(x, id) fld_def(x, id), (id)


void strb_begin(dctx_t *x, strb_t *b)
{
    b->rec = x->rec;
    b->start = x->rec->strlen;
    b->n = 0;
    b->full = false;
    b->lean = x->rec->lean; /* no field will hold it: nothing to copy */
}

void strb_add(strb_t *b, const char *s, uint32_t n)
{
    record_t *r = b->rec;
    if (b->lean)
        return;
    /* keep one byte for the terminating NUL; strings are capped at 65535 */
    uint32_t room = REC_STRBUF - 1 - (b->start + b->n);
    if (b->start + b->n >= REC_STRBUF - 1)
        room = 0;
    if (room > 65535 - b->n)
        room = 65535 - b->n;
    if (n > room) {
        n = room;
        b->full = true;
        r->overflow = true;
    }
    memcpy(r->str + b->start + b->n, s, n);
    b->n += n;
}

void strb_addc(strb_t *b, char ch)
{
    strb_add(b, &ch, 1);
}

void strb_add_u64(strb_t *b, uint64_t v)
{
    char tmp[24];
    int i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    strb_add(b, tmp + i, (uint32_t)(sizeof tmp - (size_t)i));
}

static field_t *strb_field_def(dctx_t *x, strb_t *b, const field_def_t *def, uint32_t off,
                               uint32_t len)
{
    record_t *r = x->rec;
    if (b->start + b->n < REC_STRBUF)
        r->str[b->start + b->n] = '\0';
    field_t *f = fld_new(x, def, FT_STR, off, len);
    if (!f)
        return NULL;
    f->s_off = b->start;
    f->s_len = (uint16_t)b->n;
    r->strlen = b->start + b->n + 1;
    if (r->strlen > REC_STRBUF)
        r->strlen = REC_STRBUF;
    return f;
}

field_t *strb_field(dctx_t *x, strb_t *b, unsigned id, uint32_t off, uint32_t len)
{
    return strb_field_def(x, b, &x->layer->proto->fields[id], off, len);
}

field_t *fld_str_def(dctx_t *x, const field_def_t *def, uint32_t off, uint32_t len, const char *s,
                     uint32_t n)
{
    if (x->rec->lean)
        return NULL;
    strb_t b;
    strb_begin(x, &b);
    strb_add(&b, s, n);
    return strb_field_def(x, &b, def, off, len);
}

field_t *fld_str(dctx_t *x, unsigned id, uint32_t off, uint32_t len, const char *s, uint32_t n)
{
    return fld_str_def(x, &x->layer->proto->fields[id], off, len, s, n);
}

void fld_drop(dctx_t *x, field_t *open)
{
    if (!open)
        return;
    record_t *r = x->rec;
    unsigned idx = (unsigned)(open - r->fields);
    if (idx >= r->nfields)
        return;
    x->nest = (uint8_t)open->s_len;
    if (x->nest == 0) {
        /* the container itself may hold its def's slot */
        layer_t *l = x->layer;
        for (unsigned i = 0; i < l->proto->nfields; i++)
            if (r->slots[l->slot_base + i] >= idx && r->slots[l->slot_base + i] != SLOT_NONE)
                r->slots[l->slot_base + i] = SLOT_NONE;
    }
    x->layer->f_count = (uint16_t)(x->layer->f_count - (r->nfields - idx));
    r->nfields = (uint16_t)idx;
}

field_t *fld_array(dctx_t *x, unsigned id, uint32_t off)
{
    return fld_push(x, DEF(x, id), FT_ARRAY, off, 0);
}

field_t *fld_object(dctx_t *x, unsigned id, uint32_t off)
{
    return fld_push(x, DEF(x, id), FT_OBJECT, off, 0);
}

void fld_end(dctx_t *x, field_t *open, uint32_t end_off)
{
    if (!open) {
        return;
    }
    field_t *e = fld_push(x, NULL, FIELD_DEFS_MAX, FT_END, end_off, 0);
    if (!e) {
        /* no room for the END marker: drop the container and its contents
         * so that the record stays well formed */
        fld_drop(x, open);
        return;
    }
    x->nest = (uint8_t)open->s_len;
    open->v.u = x->rec->nfields;
    open->len = end_off > open->off ? end_off - open->off : 0;
}

void dx_span(dctx_t *x, const cursor_t *c, uint32_t start)
{
    /* a header cut by the capture owns every byte that was captured */
    uint32_t end = c->trunc || c->off > c->end ? c->end : c->off;
    x->layer->off = start;
    x->layer->len = end > start ? end - start : 0;
}
