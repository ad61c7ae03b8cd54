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

/* ---- -X, -A: tcpdump's formats ---------------------------------------- */

/* Where the link-level header ends: after the link layers the frame
 * starts with (Ethernet, its 802.1Q tags, LLC/SNAP, Linux SLL ...), as
 * tcpdump's link printers count it. */
static uint32_t link_header_len(const record_t *r)
{
    uint32_t end = 0;
    for (unsigned i = 0; i < r->nlayers; i++) {
        const layer_t *l = &r->layers[i];
        if (l->depth || l->src || l->osi != 2)
            break;
        end = l->off + l->len;
    }
    return end;
}

/* tcpdump's "graphic" characters: printable ASCII but the space */
static bool is_graph(uint8_t c)
{
    return c > 0x20 && c < 0x7f;
}

#define XHEX_WIDTH 40 /* tcpdump: 8 groups of " xxxx" */

/* One line of -X, tcpdump's hex_and_ascii_print: "\t0x0010:  4500 0054
 * ...  E..T..", the hex padded to 40 columns (colours by layer, when
 * on, take no column). */
static void xline(outbuf_t *ob, const render_ctx_t *rc, const record_t *r, uint32_t off,
                  uint32_t n, uint32_t shown_off)
{
    ob_puts(ob, "\t0x");
    ob_hex(ob, shown_off, 4);
    ob_puts(ob, ": ");
    int owner[HEX_PER_LINE];
    for (uint32_t k = 0; k < n; k++)
        owner[k] = rc->color ? owner_of(r, 0, off + k) : -1;
    int cur = -2;
    for (uint32_t k = 0; k < n; k++) {
        if (k % 2 == 0)
            ob_putc(ob, ' ');
        if (rc->color && owner[k] != cur) {
            ob_puts(ob, owner[k] >= 0 ? layer_color(&r->layers[owner[k]]) : COLOR_RESET);
            cur = owner[k];
        }
        ob_hex8(ob, r->data[off + k]);
    }
    if (rc->color && cur != -2)
        ob_puts(ob, COLOR_RESET);
    unsigned width = n / 2 * 5 + (n % 2) * 3;
    for (unsigned w = width; w < XHEX_WIDTH + 2; w++)
        ob_putc(ob, ' ');
    cur = -2;
    for (uint32_t k = 0; k < n; k++) {
        if (rc->color && owner[k] != cur) {
            ob_puts(ob, owner[k] >= 0 ? layer_color(&r->layers[owner[k]]) : COLOR_RESET);
            cur = owner[k];
        }
        uint8_t ch = r->data[off + k];
        ob_putc(ob, is_graph(ch) ? (char)ch : '.');
    }
    if (rc->color && cur != -2)
        ob_puts(ob, COLOR_RESET);
    ob_putc(ob, '\n');
}

void render_hex_ascii(outbuf_t *ob, const render_ctx_t *rc, const record_t *r, bool link)
{
    uint32_t start = link ? 0 : link_header_len(r);
    if (start >= r->caplen)
        return;
    for (uint32_t off = start; off < r->caplen; off += HEX_PER_LINE) {
        uint32_t n = r->caplen - off < HEX_PER_LINE ? r->caplen - off : HEX_PER_LINE;
        xline(ob, rc, r, off, n, off - start);
    }
}

/* -A, tcpdump's ascii_print: printable characters, tabs, spaces and
 * newlines as they are, anything else as '.', and a carriage return
 * dropped where a newline follows it (or where it ends the data, or
 * all but ends it). */
void render_ascii(outbuf_t *ob, const record_t *r, bool link)
{
    uint32_t start = link ? 0 : link_header_len(r);
    if (start >= r->caplen)
        return;
    const uint8_t *p = r->data;
    for (uint32_t i = start; i < r->caplen; i++) {
        uint8_t ch = p[i];
        if (ch == '\r') {
            if (r->caplen - i - 1 > 1 && p[i + 1] != '\n')
                ob_putc(ob, '.');
        } else {
            ob_putc(ob, is_graph(ch) || ch == '\t' || ch == ' ' || ch == '\n' ? (char)ch : '.');
        }
    }
    ob_putc(ob, '\n');
}
