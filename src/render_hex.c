/* render_hex.c - -x: hex and ASCII of the captured bytes, each byte
 * marked with the layer it belongs to: coloured by layer on a terminal,
 * and every line tagged with the layers its bytes fall in. */
#include "dissector.h"
#include "render.h"

#define HEX_PER_LINE 16
#define HEX_MAX_TAGS 8

/* The innermost layer whose own span holds byte `at`, or -1 (padding,
 * trailers and bytes after a truncated layer). */
static int owner_of(const record_t *r, uint32_t at)
{
    for (int i = (int)r->nlayers - 1; i >= 0; i--) {
        const layer_t *l = &r->layers[i];
        if (at >= l->off && at - l->off < l->len)
            return i;
    }
    return -1;
}

void render_hex(outbuf_t *ob, const render_ctx_t *rc, const record_t *r)
{
    for (uint32_t base = 0; base < r->caplen; base += HEX_PER_LINE) {
        uint32_t n = r->caplen - base < HEX_PER_LINE ? r->caplen - base : HEX_PER_LINE;
        int owner[HEX_PER_LINE];
        for (uint32_t k = 0; k < n; k++)
            owner[k] = owner_of(r, base + k);

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
            ob_hex8(ob, r->data[base + k]);
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
            uint8_t ch = r->data[base + k];
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
