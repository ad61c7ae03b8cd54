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
    r->strlen = 1; /* offset 0 holds the empty string */
    r->str[0] = '\0';
    r->overflow = false;
    r->unknown_linktype = false;
    r->truncated = false;
    r->malformed = false;
    r->flow.present = false;
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

const field_t *layer_field(const record_t *r, const layer_t *l, const char *name)
{
    unsigned end = (unsigned)l->f_first + l->f_count;
    for (unsigned i = l->f_first; i < end; i = field_next(r, i)) {
        const field_t *f = &r->fields[i];
        if (f->name && strcmp(f->name, name) == 0)
            return f;
    }
    return NULL;
}

bool layer_uint(const record_t *r, const layer_t *l, const char *name, uint64_t *out)
{
    const field_t *f = layer_field(r, l, name);
    if (!f || (f->type != FT_UINT && f->type != FT_BOOL))
        return false;
    *out = f->v.u;
    return true;
}

unsigned field_next(const record_t *r, unsigned i)
{
    const field_t *f = &r->fields[i];
    if (f->type != FT_ARRAY && f->type != FT_OBJECT)
        return i + 1;
    /* v.u of a container holds the index just past its END marker */
    return (unsigned)f->v.u;
}

static field_t *fld_new(dctx_t *x, const char *name, uint8_t type, uint32_t off, uint32_t len)
{
    record_t *r = x->rec;
    if (r->nfields >= REC_MAX_FIELDS) {
        r->overflow = true;
        return NULL;
    }
    field_t *f = &r->fields[r->nfields++];
    x->layer->f_count++;
    f->name = name;
    f->note = NULL;
    f->type = type;
    f->flags = 0;
    f->s_off = 0;
    f->s_len = 0;
    f->off = off;
    f->len = len;
    memset(&f->v, 0, sizeof f->v);
    return f;
}

field_t *fld_uint(dctx_t *x, const char *name, uint32_t off, uint32_t len, uint64_t v)
{
    field_t *f = fld_new(x, name, FT_UINT, off, len);
    if (f)
        f->v.u = v;
    return f;
}

field_t *fld_hex(dctx_t *x, const char *name, uint32_t off, uint32_t len, uint64_t v)
{
    field_t *f = fld_uint(x, name, off, len, v);
    if (f)
        f->flags |= FF_HEX;
    return f;
}

field_t *fld_int(dctx_t *x, const char *name, uint32_t off, uint32_t len, int64_t v)
{
    field_t *f = fld_new(x, name, FT_INT, off, len);
    if (f)
        f->v.i = v;
    return f;
}

field_t *fld_bool(dctx_t *x, const char *name, uint32_t off, uint32_t len, bool v)
{
    field_t *f = fld_new(x, name, FT_BOOL, off, len);
    if (f)
        f->v.u = v;
    return f;
}

field_t *fld_mac(dctx_t *x, const char *name, uint32_t off, const uint8_t mac[6])
{
    field_t *f = fld_new(x, name, FT_MAC, off, 6);
    if (f)
        memcpy(f->v.b, mac, 6);
    return f;
}

field_t *fld_ipv4(dctx_t *x, const char *name, uint32_t off, const uint8_t a[4])
{
    field_t *f = fld_new(x, name, FT_IPV4, off, 4);
    if (f)
        memcpy(f->v.b, a, 4);
    return f;
}

field_t *fld_ipv6(dctx_t *x, const char *name, uint32_t off, const uint8_t a[16])
{
    field_t *f = fld_new(x, name, FT_IPV6, off, 16);
    if (f)
        memcpy(f->v.b, a, 16);
    return f;
}

void strb_begin(dctx_t *x, strb_t *b)
{
    b->rec = x->rec;
    b->start = x->rec->strlen;
    b->n = 0;
    b->full = false;
}

void strb_add(strb_t *b, const char *s, uint32_t n)
{
    record_t *r = b->rec;
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

field_t *strb_field(dctx_t *x, strb_t *b, const char *name, uint32_t off, uint32_t len)
{
    record_t *r = x->rec;
    if (b->start + b->n < REC_STRBUF)
        r->str[b->start + b->n] = '\0';
    field_t *f = fld_new(x, name, FT_STR, off, len);
    if (!f)
        return NULL;
    f->s_off = b->start;
    f->s_len = (uint16_t)b->n;
    r->strlen = b->start + b->n + 1;
    if (r->strlen > REC_STRBUF)
        r->strlen = REC_STRBUF;
    return f;
}

field_t *fld_str(dctx_t *x, const char *name, uint32_t off, uint32_t len, const char *s, uint32_t n)
{
    strb_t b;
    strb_begin(x, &b);
    strb_add(&b, s, n);
    return strb_field(x, &b, name, off, len);
}

void fld_drop(dctx_t *x, field_t *open)
{
    if (!open)
        return;
    record_t *r = x->rec;
    unsigned idx = (unsigned)(open - r->fields);
    if (idx >= r->nfields)
        return;
    x->layer->f_count = (uint16_t)(x->layer->f_count - (r->nfields - idx));
    r->nfields = (uint16_t)idx;
}

field_t *fld_array(dctx_t *x, const char *name, uint32_t off)
{
    field_t *f = fld_new(x, name, FT_ARRAY, off, 0);
    if (f)
        f->v.u = x->rec->nfields; /* fixed by fld_end */
    return f;
}

field_t *fld_object(dctx_t *x, const char *name, uint32_t off)
{
    field_t *f = fld_new(x, name, FT_OBJECT, off, 0);
    if (f)
        f->v.u = x->rec->nfields;
    return f;
}

void fld_end(dctx_t *x, field_t *open, uint32_t end_off)
{
    if (!open) {
        return;
    }
    field_t *e = fld_new(x, NULL, FT_END, end_off, 0);
    if (!e) {
        /* no room for the END marker: drop the container and its contents
         * so that the record stays well formed */
        fld_drop(x, open);
        return;
    }
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
