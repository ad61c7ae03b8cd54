/* tui_panes.c - the main screen: the packet list, the selected packet's
 * OSI stack beside its fields, and its bytes coloured by layer.
 *
 * Everything drawn comes from records (the one-line view of
 * render_text.c for the info column, the dissectors' summaries for the
 * stack, the field tables for the tree); packet bytes reach the terminal
 * only as hex or as printable ASCII ('.' for the rest). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "tui_int.h"

/* ---- small helpers ------------------------------------------------------ */

/* s at (y, x), at most w cells, control and non-ASCII bytes as '.'. */
void put_clipped(int y, int x, int w, const char *s, attr_t a)
{
    if (w <= 0)
        return;
    attrset(a);
    move(y, x);
    for (int i = 0; i < w && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        addch(c >= 32 && c < 127 ? c : '.');
    }
    attrset(A_NORMAL);
}

/* Fill the rest of a row with the attribute (a selected row's bar). */
void tui_fill_row(int y, int x, int w, attr_t a)
{
    attrset(a);
    for (int i = x; i < w; i++)
        mvaddch(y, i, ' ');
    attrset(A_NORMAL);
}

static void title_bar(tui_t *t, int y, int x, int w, const char *s, bool focus)
{
    attr_t a = focus ? tui_attr(t, C_TITLE) : A_REVERSE | A_DIM;
    if (!t->color)
        a = focus ? A_REVERSE | A_BOLD : A_REVERSE;
    tui_fill_row(y, x, x + w, a);
    put_clipped(y, x, w, s, a);
}

enum tui_color layer_tui_color(const layer_t *l)
{
    if (l->status != LS_OK)
        return C_ERR;
    if (l->depth)
        return C_QUOTE;
    if (l->proto == &dissector_data)
        return C_DATA;
    switch (l->osi) {
    case 1:
    case 2: return C_LINK;
    case 3: return C_NET;
    case 4: return C_TRANS;
    default: return C_APP;
    }
}

/* The innermost protocol of a packet's own stack (data left aside). */
static const layer_t *innermost(const record_t *r)
{
    const layer_t *best = NULL;
    for (unsigned i = 0; i < r->nlayers; i++) {
        const layer_t *l = &r->layers[i];
        if (l->depth == 0 && (l->proto != &dissector_data || !best))
            best = l;
    }
    return best;
}

enum tui_color proto_tui_color(const record_t *r)
{
    const layer_t *l = innermost(r);
    if (!l)
        return C_DATA;
    if (r->malformed)
        return C_ERR;
    const char *n = l->proto->name;
    if (strcmp(n, "dns") == 0)
        return C_DNS;
    if (strncmp(n, "icmp", 4) == 0)
        return C_ICMP;
    if (strcmp(n, "arp") == 0)
        return C_ARP;
    return layer_tui_color(l);
}

static void fmt_addr(const field_t *f, char *out, size_t n)
{
    char buf[64];
    outbuf_t ob;
    ob_init(&ob, buf, sizeof buf - 1, -1);
    if (f->type == FT_IPV4)
        ob_ipv4(&ob, f->v.b);
    else if (f->type == FT_IPV6)
        ob_ipv6(&ob, f->v.b);
    else if (f->type == FT_MAC)
        ob_mac(&ob, f->v.b);
    buf[ob.len] = '\0';
    snprintf(out, n, "%s", buf);
}

void row_columns(tui_t *t, const record_t *r, char *src, size_t srclen, char *dst, size_t dstlen,
                 char *info, size_t infolen, const char **proto)
{
    src[0] = dst[0] = '\0';
    /* the addresses of the innermost network layer of the packet's own
     * stack (a tunnelled packet's own), else the link layer's */
    for (unsigned i = 0; i < r->nlayers; i++) {
        const layer_t *l = &r->layers[i];
        if (l->depth)
            continue;
        const field_t *s = layer_role(r, l, ROLE_SRC_ADDR), *d = layer_role(r, l, ROLE_DST_ADDR);
        if (s && d) {
            fmt_addr(s, src, srclen);
            fmt_addr(d, dst, dstlen);
        } else if (!src[0] && l->osi == 2) {
            for (unsigned k = l->f_first; k < (unsigned)l->f_first + l->f_count; k++) {
                const field_t *f = &r->fields[k];
                if (!f->def || f->type != FT_MAC)
                    continue;
                if (strcmp(f->def->name, "src") == 0 || strcmp(f->def->name, "sha") == 0)
                    fmt_addr(f, src, srclen);
                else if (strcmp(f->def->name, "dst") == 0 || strcmp(f->def->name, "tha") == 0)
                    fmt_addr(f, dst, dstlen);
            }
        }
    }
    const layer_t *in = innermost(r);
    *proto = in ? in->proto->name : "-";
    /* the info column: the one-line view, without the addresses the
     * columns already show */
    static char line[8192];
    outbuf_t ob;
    ob_init(&ob, line, sizeof line - 1, -1);
    render_line(&ob, &t->rctx, r);
    line[ob.len] = '\0';
    char *p = line;
    if (strncmp(p, "IP ", 3) == 0 || strncmp(p, "IP6 ", 4) == 0) {
        char *c = strstr(p, ": ");
        if (c)
            p = c + 2;
    }
    size_t n = strcspn(p, "\n");
    p[n] = '\0';
    /* the columns show addresses only: the ports of the transport layer
     * on the innermost IP packet (the one the line starts from) lead the
     * info, as Wireshark's do */
    const field_t *sp = NULL, *dp = NULL;
    for (unsigned i = 0; i + 1 < r->nlayers; i++) {
        const layer_t *l = &r->layers[i], *tl = &r->layers[i + 1];
        if (l->depth || l->osi != 3 || l->status != LS_OK || !layer_role(r, l, ROLE_SRC_ADDR))
            continue;
        sp = tl->depth ? NULL : layer_role(r, tl, ROLE_SRC_PORT);
        dp = tl->depth ? NULL : layer_role(r, tl, ROLE_DST_PORT);
    }
    if (sp && dp && p != line)
        snprintf(info, infolen, "%llu > %llu: %s", (unsigned long long)sp->v.u,
                 (unsigned long long)dp->v.u, p);
    else
        snprintf(info, infolen, "%s", p);
}

/* ---- layout ------------------------------------------------------------- */

void panes_layout(tui_t *t)
{
    int avail = t->rows - 1;
    t->list_h = avail * 2 / 5;
    if (t->list_h < 4)
        t->list_h = 4;
    t->bytes_h = avail / 4;
    if (t->bytes_h < 3)
        t->bytes_h = 3;
    t->mid_h = avail - t->list_h - t->bytes_h;
    if (t->mid_h < 3) {
        t->mid_h = 3;
        t->bytes_h = avail - t->list_h - t->mid_h;
    }
    t->list_y = 0;
    t->mid_y = t->list_h;
    t->bytes_y = t->list_h + t->mid_h;
    t->stack_w = t->cols * 11 / 20;
}

/* ---- the selected packet ------------------------------------------------ */

static void stack_add(tui_t *t, int layer, uint8_t osi, uint8_t indent)
{
    if (t->nstack >= TUI_MAX_STACK_ROWS)
        return;
    t->stack[t->nstack++] = (stack_row_t){.layer = layer, .osi = osi, .indent = indent};
}

/* Chains of the record: a new one starts where the OSI layer falls back
 * (a tunnel's inner packet) or the depth grows (an ICMP error's quote). */
static int chain_of(const record_t *r, int *chain)
{
    int c = 0;
    for (unsigned i = 0; i < r->nlayers; i++) {
        const layer_t *l = &r->layers[i];
        if (i > 0) {
            const layer_t *p = &r->layers[i - 1];
            if (l->depth > p->depth || (l->depth == p->depth && l->osi < p->osi && l->osi <= 3 &&
                                        p->osi >= 3))
                c++;
        }
        chain[i] = c;
    }
    return c + 1;
}

/* Chain c's layers, top (innermost) first, each followed by the chain
 * it carries, indented under it. */
static void stack_chain(tui_t *t, const record_t *r, const int *chain, int nchains, int c,
                        uint8_t indent)
{
    for (int i = (int)r->nlayers - 1; i >= 0; i--) {
        if (chain[i] != c)
            continue;
        stack_add(t, i, r->layers[i].osi, indent);
        /* the chain that starts right after this layer is carried by it */
        if (i + 1 < (int)r->nlayers && chain[i + 1] == c + 1 && c + 1 < nchains)
            stack_chain(t, r, chain, nchains, c + 1, (uint8_t)(indent + 1));
    }
}

static void stack_build(tui_t *t)
{
    const record_t *r = t->rec_sel;
    t->nstack = 0;
    static int chain[REC_MAX_LAYERS];
    int nchains = chain_of(r, chain);
    /* chain 0 by OSI layer, 7 down to 1, the absent ones as placeholders */
    for (int osi = 7; osi >= 1; osi--) {
        bool any = false;
        for (int i = (int)r->nlayers - 1; i >= 0; i--) {
            if (chain[i] != 0 || r->layers[i].osi != osi)
                continue;
            any = true;
            stack_add(t, i, (uint8_t)osi, 0);
            if (i + 1 < (int)r->nlayers && chain[i + 1] == 1 && nchains > 1)
                stack_chain(t, r, chain, nchains, 1, 1);
        }
        if (!any)
            stack_add(t, -1, (uint8_t)osi, 0);
    }
    /* the innermost layer shown first */
    t->stack_cur = 0;
    for (int k = 0; k < t->nstack; k++)
        if (t->stack[k].layer >= 0) {
            t->stack_cur = k;
            break;
        }
    t->stack_top = 0;
}

void panes_select(tui_t *t)
{
    uint64_t n = tui_nrows(t), first = tui_first_row(t);
    if (n <= first) {
        t->sel_ok = false;
        t->sel_seq = UINT64_MAX;
        return;
    }
    if (t->cur < first)
        t->cur = first;
    if (t->cur >= n)
        t->cur = n - 1;
    uint64_t seq = tui_seq_of(t, t->cur);
    if (seq == t->sel_seq && t->sel_ok)
        return;
    t->sel_seq = seq;
    t->sel_ok = false;
    cap_packet_t pkt;
    if (!tui_get_packet(t, seq, &pkt))
        return;
    if (pkt.caplen > t->sel_cap) {
        uint8_t *nb = realloc(t->sel_buf, pkt.caplen);
        if (!nb)
            return;
        t->sel_buf = nb;
        t->sel_cap = pkt.caplen;
    }
    if (pkt.caplen)
        memcpy(t->sel_buf, pkt.data, pkt.caplen);
    record_t *r = t->rec_sel;
    r->lean = false;
    r->no_checksums = t->cfg->no_checksums;
    r->frame = tui_frame_no(t, seq);
    r->ts_sec = pkt.ts_sec;
    r->ts_nsec = pkt.ts_nsec;
    engine_dissect(r, t->sel_buf, pkt.caplen, pkt.len, pkt.linktype, &t->peek);
    t->sel_ok = true;
    stack_build(t);
    memset(t->collapsed, 0, sizeof t->collapsed);
    t->field_cur = t->field_top = 0;
    t->bytes_top = 0;
}

/* ---- packet list -------------------------------------------------------- */

static void list_draw(tui_t *t)
{
    int w = t->cols, h = t->list_h - 1;
    int addr_w = w >= 120 ? 24 : w >= 100 ? 18 : 15;
    char line[2048];
    snprintf(line, sizeof line, "%-7s %-10s %-*s %-*s %-6s %5s %s", "No.", "Time", addr_w, "Source",
             addr_w, "Destination", "Proto", "Len", "Info");
    title_bar(t, t->list_y, 0, w, line, t->focus == PANE_LIST);
    uint64_t n = tui_nrows(t), first = tui_first_row(t);
    if (n <= first) {
        put_clipped(t->list_y + 1, 1, w - 1,
                    t->dfilter ? "(no packet matches the display filter yet)" : "(no packets yet)", A_DIM);
        return;
    }
    if (t->live && t->follow)
        t->cur = n - 1;
    if (t->cur < first)
        t->cur = first;
    if (t->cur >= n)
        t->cur = n - 1;
    if (t->top < first)
        t->top = first;
    if (t->cur < t->top)
        t->top = t->cur;
    if (t->cur >= t->top + (uint64_t)h)
        t->top = t->cur - (uint64_t)h + 1;
    for (int k = 0; k < h; k++) {
        uint64_t row = t->top + (uint64_t)k;
        if (row >= n)
            break;
        uint64_t seq = tui_seq_of(t, row);
        int y = t->list_y + 1 + k;
        record_t *r = t->rec_tmp;
        if (!tui_dissect(t, seq, r)) {
            snprintf(line, sizeof line, "%-7llu (gone)", (unsigned long long)tui_frame_no(t, seq));
            put_clipped(y, 0, w, line, A_DIM);
            continue;
        }
        char src[64], dst[64], info[1024], proto[16];
        const char *pname;
        row_columns(t, r, src, sizeof src, dst, sizeof dst, info, sizeof info, &pname);
        size_t pl = strlen(pname);
        if (pl >= sizeof proto)
            pl = sizeof proto - 1;
        for (size_t i = 0; i < pl; i++)
            proto[i] = (char)(pname[i] >= 'a' && pname[i] <= 'z' ? pname[i] - 32 : pname[i]);
        proto[pl] = '\0';
        int64_t ds = r->ts_sec - t->first_sec;
        int64_t dn = (int64_t)r->ts_nsec - (int64_t)t->first_nsec;
        if (dn < 0) {
            ds--;
            dn += 1000000000;
        }
        char tbuf[32];
        snprintf(tbuf, sizeof tbuf, "%lld.%06lld", (long long)ds, (long long)(dn / 1000));
        snprintf(line, sizeof line, "%-7llu %-10s %-*.*s %-*.*s %-6s %5u %s", (unsigned long long)tui_frame_no(t, seq),
                 tbuf, addr_w, addr_w, src, addr_w, addr_w, dst, proto, r->len, info);
        attr_t a = tui_attr(t, proto_tui_color(r));
        if (row == t->cur) {
            a = (t->color ? a : A_NORMAL) | A_REVERSE;
            tui_fill_row(y, 0, w, a);
        }
        put_clipped(y, 0, w, line, a);
    }
}

/* ---- OSI stack ---------------------------------------------------------- */

static const char *const osi_name[8] = {"",           "L1 Physical",    "L2 Data link",
                                        "L3 Network", "L4 Transport",   "L5 Session",
                                        "L6 Presentation", "L7 Application"};
static const char *const tcpip_name[8] = {"", "link", "link", "internet", "transport",
                                          "application", "application", "application"};

static void absent_note(const record_t *r, unsigned osi, char *out, size_t n)
{
    switch (osi) {
    case 7: snprintf(out, n, "(none in this packet)"); break;
    /* TCP/IP leaves both to the application (RFC 1122 1.1.3) */
    case 6: snprintf(out, n, "(not in TCP/IP: the app's job)"); break;
    case 5: snprintf(out, n, "(not in TCP/IP: the app's job)"); break;
    case 4: snprintf(out, n, "(no transport layer)"); break;
    case 3: snprintf(out, n, "(no network layer)"); break;
    case 2: snprintf(out, n, "(no link layer)"); break;
    default:
        snprintf(out, n, "(the wire: %u bytes, %u captured)", r->len, r->caplen);
    }
}

static void layer_text(const record_t *r, const layer_t *l, char *out, size_t n)
{
    outbuf_t ob;
    ob_init(&ob, out, n - 1, -1);
    /* the summaries name their protocol ("TCP Flags [S] ..."); a
     * transport layer's ports come first, which the one-line view writes
     * beside the addresses ("TCP 51234 -> 80: Flags [S] ...", the name
     * said once) */
    const field_t *sp = layer_role(r, l, ROLE_SRC_PORT), *dp = layer_role(r, l, ROLE_DST_PORT);
    const char *title = l->proto->title ? l->proto->title : l->proto->name;
    size_t at = 0;
    if (sp && dp) {
        ob_puts(&ob, title);
        ob_putc(&ob, ' ');
        ob_u64(&ob, sp->v.u);
        ob_puts(&ob, " -> ");
        ob_u64(&ob, dp->v.u);
        ob_puts(&ob, ": ");
        at = ob.len;
    }
    if (l->proto->summary)
        l->proto->summary(r, l, &ob);
    else
        ob_puts(&ob, title);
    size_t tl = strlen(title);
    if (at && ob.len >= at + tl && memcmp(out + at, title, tl) == 0) {
        size_t skip = tl;
        while (at + skip < ob.len && (out[at + skip] == ',' || out[at + skip] == ' '))
            skip++;
        memmove(out + at, out + at + skip, ob.len - at - skip);
        ob.len -= skip;
    }
    if (l->status == LS_TRUNCATED)
        ob_puts(&ob, " [truncated]");
    else if (l->status == LS_ERROR) {
        ob_puts(&ob, " [error: ");
        ob_puts(&ob, err_name(l->err));
        ob_putc(&ob, ']');
    }
    out[ob.len] = '\0';
}

static void stack_draw(tui_t *t)
{
    int x = 0, w = t->stack_w, y0 = t->mid_y, h = t->mid_h - 1;
    title_bar(t, y0, x, w, " TCP/IP      OSI stack (Application down to Physical)", t->focus == PANE_STACK);
    if (!t->sel_ok)
        return;
    const record_t *r = t->rec_sel;
    if (t->stack_cur < t->stack_top)
        t->stack_top = t->stack_cur;
    if (t->stack_cur >= t->stack_top + h)
        t->stack_top = t->stack_cur - h + 1;
    for (int k = 0; k < h; k++) {
        int i = t->stack_top + k;
        if (i >= t->nstack)
            break;
        const stack_row_t *sr = &t->stack[i];
        char text[512], line[700];
        attr_t a;
        if (sr->layer < 0) {
            absent_note(r, sr->osi, text, sizeof text);
            a = A_DIM;
        } else {
            const layer_t *l = &r->layers[sr->layer];
            layer_text(r, l, text, sizeof text);
            a = tui_attr(t, layer_tui_color(l));
        }
        snprintf(line, sizeof line, " %-11s %-16s%*s%s%s", sr->indent ? "" : tcpip_name[sr->osi],
                 sr->indent ? "" : osi_name[sr->osi], sr->indent * 2, "", sr->indent ? "\\_ " : "", text);
        if (sr->indent) { /* a nested layer names its OSI layer after the branch */
            snprintf(line, sizeof line, " %-11s %*s\\_ %s %s", tcpip_name[sr->osi], sr->indent * 2, "",
                     osi_name[sr->osi], text);
        }
        int y = y0 + 1 + k;
        if (i == t->stack_cur) {
            a |= A_REVERSE;
            tui_fill_row(y, x, x + w, a);
        }
        put_clipped(y, x, w, line, a);
    }
}

/* ---- fields ------------------------------------------------------------- */

#define MAX_FIELD_ROWS REC_MAX_FIELDS
typedef struct frow {
    uint16_t idx;
    uint8_t level;
} frow_t;

static const layer_t *sel_layer(const tui_t *t)
{
    if (!t->sel_ok || t->stack_cur < 0 || t->stack_cur >= t->nstack)
        return NULL;
    int li = t->stack[t->stack_cur].layer;
    return li < 0 ? NULL : &t->rec_sel->layers[li];
}

/* The visible rows of the selected layer's field tree. */
static int field_rows(const tui_t *t, frow_t *rows)
{
    const layer_t *l = sel_layer(t);
    if (!l)
        return 0;
    const record_t *r = t->rec_sel;
    unsigned end = (unsigned)l->f_first + l->f_count;
    unsigned ends[32];
    int depth = 0, n = 0;
    for (unsigned i = l->f_first; i < end && i < r->nfields;) {
        while (depth && i >= ends[depth - 1])
            depth--;
        const field_t *f = &r->fields[i];
        if (!f->def) { /* an END marker */
            i++;
            continue;
        }
        rows[n++] = (frow_t){.idx = (uint16_t)i, .level = (uint8_t)depth};
        if (f->type == FT_ARRAY || f->type == FT_OBJECT) {
            unsigned next = field_next(r, i);
            if (t->collapsed[i / 8] & (1u << (i % 8))) {
                i = next;
                continue;
            }
            if (depth < 32)
                ends[depth++] = next;
        }
        i++;
    }
    return n;
}

static int field_rows_count(const tui_t *t)
{
    static frow_t rows[MAX_FIELD_ROWS];
    return field_rows(t, rows);
}

static void field_value(const record_t *r, const field_t *f, char *out, size_t n)
{
    outbuf_t ob;
    ob_init(&ob, out, n - 1, -1);
    switch (f->type) {
    case FT_UINT:
        if (f->def->flags & FF_HEX) {
            ob_puts(&ob, "0x");
            ob_hex(&ob, f->v.u, 1);
        } else {
            ob_u64(&ob, f->v.u);
        }
        break;
    case FT_BOOL: ob_puts(&ob, f->v.u ? "true" : "false"); break;
    case FT_STR: ob_safe_str(&ob, field_str(r, f), f->s_len); break;
    case FT_MAC: ob_mac(&ob, f->v.b); break;
    case FT_IPV4: ob_ipv4(&ob, f->v.b); break;
    case FT_IPV6: ob_ipv6(&ob, f->v.b); break;
    default: break;
    }
    if (f->note) {
        ob_puts(&ob, " (");
        ob_puts(&ob, f->note);
        ob_putc(&ob, ')');
    }
    out[ob.len] = '\0';
}

static const field_t *sel_field(const tui_t *t)
{
    static frow_t rows[MAX_FIELD_ROWS];
    int n = field_rows(t, rows);
    if (t->field_cur < 0 || t->field_cur >= n)
        return NULL;
    return &t->rec_sel->fields[rows[t->field_cur].idx];
}

static void fields_draw(tui_t *t)
{
    int x = t->stack_w + 1, w = t->cols - x, y0 = t->mid_y, h = t->mid_h - 1;
    mvvline(y0, t->stack_w, '|', t->mid_h);
    const layer_t *l = sel_layer(t);
    char title[256];
    snprintf(title, sizeof title, " Fields%s%s%s", l ? ": " : "", l ? (l->proto->title ? l->proto->title : l->proto->name) : "",
             l ? "  (Enter: fold)" : "");
    title_bar(t, y0, x, w, title, t->focus == PANE_FIELDS);
    if (!l) {
        if (t->sel_ok)
            put_clipped(y0 + 1, x + 1, w - 1, "(select a layer present in the packet)", A_DIM);
        return;
    }
    static frow_t rows[MAX_FIELD_ROWS];
    int n = field_rows(t, rows);
    if (t->field_cur >= n)
        t->field_cur = n ? n - 1 : 0;
    if (t->field_cur < t->field_top)
        t->field_top = t->field_cur;
    if (t->field_cur >= t->field_top + h)
        t->field_top = t->field_cur - h + 1;
    const record_t *r = t->rec_sel;
    for (int k = 0; k < h && t->field_top + k < n; k++) {
        const frow_t *fr = &rows[t->field_top + k];
        const field_t *f = &r->fields[fr->idx];
        char val[512], line[900];
        bool cont = f->type == FT_ARRAY || f->type == FT_OBJECT;
        if (cont)
            val[0] = '\0';
        else
            field_value(r, f, val, sizeof val);
        const char *mark = cont ? (t->collapsed[fr->idx / 8] & (1u << (fr->idx % 8)) ? "[+] " : "[-] ") : "";
        snprintf(line, sizeof line, "%*s%s%s%s%s", fr->level * 2, "", mark,
                 f->def->title ? f->def->title : f->def->name, cont ? "" : ": ", val);
        int y = y0 + 1 + k;
        attr_t a = A_NORMAL;
        if (t->field_top + k == t->field_cur && t->focus == PANE_FIELDS) {
            a = A_REVERSE;
            tui_fill_row(y, x, t->cols, a);
        } else if (t->field_top + k == t->field_cur) {
            a = A_BOLD;
        }
        put_clipped(y, x, w, line, a);
    }
}

/* ---- bytes -------------------------------------------------------------- */

static void bytes_draw(tui_t *t)
{
    int y0 = t->bytes_y, h = t->bytes_h - 1, w = t->cols;
    const layer_t *l = sel_layer(t);
    const record_t *r = t->rec_sel;
    unsigned src = l ? l->src : 0;
    char title[200];
    if (t->sel_ok && src)
        snprintf(title, sizeof title, " Bytes: %s (%u bytes, reassembled)", r->sources[src].kind,
                 r->sources[src].len);
    else if (t->sel_ok)
        snprintf(title, sizeof title, " Bytes: frame %llu (%u captured), by layer colour",
                 (unsigned long long)r->frame, r->caplen);
    else
        snprintf(title, sizeof title, " Bytes");
    title_bar(t, y0, 0, w, title, t->focus == PANE_BYTES);
    if (!t->sel_ok)
        return;
    const uint8_t *data = src ? r->sources[src].data : t->sel_buf;
    uint32_t len = src ? r->sources[src].len : r->caplen;
    if (len > t->bytemap_cap) {
        uint8_t *nb = realloc(t->bytemap, len);
        if (!nb)
            return;
        t->bytemap = nb;
        t->bytemap_cap = len;
    }
    /* each byte takes the colour of the innermost layer covering it */
    memset(t->bytemap, C_DATA, len);
    for (unsigned i = 0; i < r->nlayers; i++) {
        const layer_t *li = &r->layers[i];
        if (li->src != src || li->off >= len)
            continue;
        uint32_t e = li->len > len - li->off ? len : li->off + li->len;
        memset(t->bytemap + li->off, layer_tui_color(li), e - li->off);
    }
    const field_t *f = t->focus == PANE_FIELDS || t->focus == PANE_BYTES ? sel_field(t) : NULL;
    int per = 16;
    int lines = (int)((len + 15) / 16);
    if (t->bytes_top > lines - h)
        t->bytes_top = lines - h;
    if (t->bytes_top < 0)
        t->bytes_top = 0;
    /* keep the selected field (or layer) in sight */
    uint32_t want = f && f->len ? f->off : l ? l->off : 0;
    static uint64_t last_key = UINT64_MAX;
    uint64_t key = ((uint64_t)t->stack_cur << 32) ^ (uint64_t)t->field_cur ^ t->sel_seq;
    if (key != last_key) {
        last_key = key;
        int wl = (int)(want / 16);
        if (wl < t->bytes_top || wl >= t->bytes_top + h)
            t->bytes_top = wl;
    }
    for (int k = 0; k < h; k++) {
        int line = t->bytes_top + k;
        if (line >= lines)
            break;
        int y = y0 + 1 + k;
        char off[16];
        snprintf(off, sizeof off, "%04x  ", (unsigned)line * 16);
        put_clipped(y, 0, w, off, A_DIM);
        for (int b = 0; b < per; b++) {
            uint32_t i = (uint32_t)line * 16 + (uint32_t)b;
            int hx = 6 + b * 3 + (b >= 8 ? 1 : 0);
            int ax = 6 + 16 * 3 + 2 + b;
            if (i >= len)
                break;
            attr_t a = tui_attr(t, (enum tui_color)t->bytemap[i]);
            if (l && i >= l->off && i < l->off + l->len && l->src == src)
                a |= A_BOLD;
            if (f && f->len && i >= f->off && i < f->off + f->len)
                a |= A_REVERSE;
            char hex[4];
            snprintf(hex, sizeof hex, "%02x", data[i]);
            if (hx + 2 <= w)
                put_clipped(y, hx, 2, hex, a);
            char c[2] = {data[i] >= 32 && data[i] < 127 ? (char)data[i] : '.', 0};
            if (ax < w)
                put_clipped(y, ax, 1, c, a);
        }
    }
}

static int field_rows_count(const tui_t *t);

/* The middle pane as tall as the stack and the fields need (within the
 * layout's share), the rest to the bytes. */
static void fit_middle(tui_t *t)
{
    if (!t->sel_ok)
        return;
    int need = t->nstack > field_rows_count(t) ? t->nstack : field_rows_count(t);
    need += 1;
    if (need < 4)
        need = 4;
    if (need < t->mid_h) {
        t->bytes_h += t->mid_h - need;
        t->mid_h = need;
        t->bytes_y = t->mid_y + t->mid_h;
    }
}

void panes_draw(tui_t *t)
{
    panes_select(t);
    fit_middle(t);
    list_draw(t);
    panes_select(t); /* the list may have moved the cursor (live) */
    stack_draw(t);
    fields_draw(t);
    bytes_draw(t);
}

/* ---- keys --------------------------------------------------------------- */

static void list_move(tui_t *t, int64_t d)
{
    uint64_t n = tui_nrows(t), first = tui_first_row(t);
    if (n <= first)
        return;
    int64_t c = (int64_t)t->cur + d;
    if (c < (int64_t)first)
        c = (int64_t)first;
    if (c >= (int64_t)n)
        c = (int64_t)n - 1;
    t->cur = (uint64_t)c;
    t->follow = t->cur == n - 1 && d > 0;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

bool panes_key(tui_t *t, int ch)
{
    int page = 0;
    switch (t->focus) {
    case PANE_LIST: page = t->list_h - 2; break;
    case PANE_STACK:
    case PANE_FIELDS: page = t->mid_h - 2; break;
    default: page = t->bytes_h - 2;
    }
    if (page < 1)
        page = 1;
    int d = 0;
    switch (ch) {
    case KEY_UP: case 'k': d = -1; break;
    case KEY_DOWN: case 'j': d = 1; break;
    case KEY_PPAGE: case 2: d = -page; break;
    case KEY_NPAGE: case 6: case ' ': d = page; break;
    case 'g': case KEY_HOME: d = -1000000000; break;
    case 'G': case KEY_END: d = 1000000000; break;
    case KEY_LEFT: case 'h':
        if (t->focus > PANE_LIST)
            t->focus = (enum pane)(t->focus - 1);
        return true;
    case KEY_RIGHT: case 'l':
        if (t->focus + 1 < PANE_COUNT)
            t->focus = (enum pane)(t->focus + 1);
        return true;
    case '\n': case '\r': case KEY_ENTER:
        if (t->focus == PANE_LIST)
            t->focus = PANE_STACK;
        else if (t->focus == PANE_STACK)
            t->focus = PANE_FIELDS;
        else if (t->focus == PANE_FIELDS) {
            const field_t *f = sel_field(t);
            if (f && (f->type == FT_ARRAY || f->type == FT_OBJECT)) {
                unsigned i = (unsigned)(f - t->rec_sel->fields);
                t->collapsed[i / 8] ^= (uint8_t)(1u << (i % 8));
            }
        }
        return true;
    default:
        return false;
    }
    switch (t->focus) {
    case PANE_LIST:
        if (ch == 'G' || ch == KEY_END) {
            list_move(t, 1000000000);
            t->follow = true;
        } else {
            list_move(t, d);
        }
        break;
    case PANE_STACK:
        t->stack_cur = clampi(t->stack_cur + d, 0, t->nstack ? t->nstack - 1 : 0);
        t->field_cur = t->field_top = 0;
        memset(t->collapsed, 0, sizeof t->collapsed);
        break;
    case PANE_FIELDS: {
        static frow_t rows[MAX_FIELD_ROWS];
        int n = field_rows(t, rows);
        t->field_cur = clampi(t->field_cur + d, 0, n ? n - 1 : 0);
        break;
    }
    default:
        t->bytes_top = clampi(t->bytes_top + d, 0, 1 << 24);
    }
    return true;
}

bool panes_click(tui_t *t, int y, int x)
{
    if (y > t->list_y && y < t->list_y + t->list_h) {
        t->focus = PANE_LIST;
        uint64_t row = t->top + (uint64_t)(y - t->list_y - 1);
        if (row < tui_nrows(t)) {
            t->cur = row;
            t->follow = false;
        }
        return true;
    }
    if (y > t->mid_y && y < t->mid_y + t->mid_h) {
        int k = y - t->mid_y - 1;
        if (x < t->stack_w) {
            t->focus = PANE_STACK;
            if (t->stack_top + k < t->nstack) {
                t->stack_cur = t->stack_top + k;
                t->field_cur = t->field_top = 0;
            }
        } else {
            t->focus = PANE_FIELDS;
            t->field_cur = t->field_top + k;
        }
        return true;
    }
    if (y >= t->bytes_y && y < t->rows - 1) {
        t->focus = PANE_BYTES;
        return true;
    }
    return false;
}
