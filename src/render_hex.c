/* render_hex.c - -x: hex and ASCII of the captured bytes, each byte
 * marked with the layer it belongs to: coloured by layer on a terminal,
 * and every line tagged with the layers its bytes fall in. */
#include "dissector.h"
#include "render.h"

#define HEX_PER_LINE 16
#define HEX_MAX_TAGS 8

/* The innermost layer of source `src` whose own span holds byte `at`,
 * or -1 (padding, trailers and bytes after a truncated layer). */
static int owner_of(const record_t *r, unsigned src, uint32_t at)
{
    for (int i = (int)r->nlayers - 1; i >= 0; i--) {
        const layer_t *l = &r->layers[i];
        if (l->src == src && at >= l->off && at - l->off < l->len)
            return i;
    }
    return -1;
}

static void dump(outbuf_t *ob, const render_ctx_t *rc, const record_t *r, unsigned src,
                 const uint8_t *data, uint32_t len)
{
    for (uint32_t base = 0; base < len; base += HEX_PER_LINE) {
        uint32_t n = len - base < HEX_PER_LINE ? len - base : HEX_PER_LINE;
        int owner[HEX_PER_LINE];
        for (uint32_t k = 0; k < n; k++)
            owner[k] = owner_of(r, src, base + k);

        ob_puts(ob, "  ");
        ob_hex(ob, base, 4);
        ob_puts(ob, "  ");
        int cur = -2;
        for (uint32_t k = 0; k < HEX_PER_LINE; k++) {
            if (k == 8)
                ob_putc(ob, ' ');
            if (k >= n) {
                ob_puts(ob, "   ");
                continue;
            }
            if (rc->color && owner[k] != cur) {
                ob_puts(ob, owner[k] >= 0 ? layer_color(&r->layers[owner[k]]) : COLOR_RESET);
                cur = owner[k];
            }
            ob_hex8(ob, data[base + k]);
            ob_putc(ob, ' ');
        }
        if (rc->color && cur != -2)
            ob_puts(ob, COLOR_RESET);
        ob_puts(ob, " |");
        cur = -2;
        for (uint32_t k = 0; k < n; k++) {
            if (rc->color && owner[k] != cur) {
                ob_puts(ob, owner[k] >= 0 ? layer_color(&r->layers[owner[k]]) : COLOR_RESET);
                cur = owner[k];
            }
            uint8_t ch = data[base + k];
            ob_putc(ob, ch >= 0x20 && ch < 0x7f ? (char)ch : '.');
        }
        if (rc->color && cur != -2)
            ob_puts(ob, COLOR_RESET);
        ob_putc(ob, '|');
        for (uint32_t k = n; k < HEX_PER_LINE; k++)
            ob_putc(ob, ' ');

        /* tags: the layers on this line, in order, once each */
        ob_puts(ob, "  ");
        int tags[HEX_MAX_TAGS];
        unsigned ntags = 0;
        for (uint32_t k = 0; k < n; k++) {
            if (ntags && tags[ntags - 1] == owner[k])
                continue;
            bool seen = false;
            for (unsigned t = 0; t < ntags; t++)
                seen = seen || tags[t] == owner[k];
            if (!seen && ntags < HEX_MAX_TAGS)
                tags[ntags++] = owner[k];
        }
        for (unsigned t = 0; t < ntags; t++) {
            if (t)
                ob_putc(ob, ' ');
            if (tags[t] < 0) {
                ob_puts(ob, "-");
                continue;
            }
            const layer_t *l = &r->layers[tags[t]];
            if (rc->color)
                ob_puts(ob, layer_color(l));
            ob_puts(ob, l->proto->name);
            if (rc->color)
                ob_puts(ob, COLOR_RESET);
        }
        ob_putc(ob, '\n');
    }
}

void render_hex(outbuf_t *ob, const render_ctx_t *rc, const record_t *r)
{
    dump(ob, rc, r, 0, r->data, r->caplen);
    /* bytes reassembled from several frames, dissected at this one */
    for (unsigned s = 1; s < r->nsources; s++) {
        const rec_source_t *src = &r->sources[s];
        ob_puts(ob, "  reassembled ");
        ob_puts(ob, src->kind);
        ob_puts(ob, ", ");
        ob_u64(ob, src->len);
        ob_puts(ob, " bytes from frames");
        for (unsigned i = 0; i < src->nframes; i++) {
            ob_putc(ob, i ? ',' : ' ');
            ob_u64(ob, src->frames[i]);
        }
        if (src->frames_cut)
            ob_puts(ob, ",...");
        ob_puts(ob, ":\n");
        dump(ob, rc, r, s, src->data, src->len);
    }
}
