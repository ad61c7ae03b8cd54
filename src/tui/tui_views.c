/* tui_views.c - the sub-views: connections (the flow table), a
 * connection's ladder, its stream, and the help.  q or Esc goes back one
 * level. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "registry.h"
#include "render_flows.h"
#include "tui_int.h"
#include "tui_ladder.h"

/* ---- connections -------------------------------------------------------- */

const char *port_class(uint16_t port)
{
    if (port == 0)
        return "reserved";
    if (port < 1024)
        return "well-known";
    if (port < 49152)
        return "registered";
    return "dynamic";
}

enum conn_col {
    CC_ID = 1, CC_PROTO, CC_CLIENT, CC_SERVER, CC_CSTATE, CC_SSTATE, CC_CONN, CC_HIST,
    CC_CPKTS, CC_SPKTS, CC_CBYTES, CC_SBYTES, CC_DUR, CC_COUNT
};
static const char *const col_name[CC_COUNT] = {
    "", "id", "proto", "client", "server", "client state", "server state", "conn_state",
    "history", "c pkts", "s pkts", "c bytes", "s bytes", "duration",
};

static void on_conn(void *arg, const flow_rec_t *rec)
{
    tui_t *t = arg;
    if (t->nconns >= TUI_MAX_CONNS)
        return;
    if (t->nconns == t->conns_cap) {
        uint32_t n = t->conns_cap ? t->conns_cap * 2 : 256;
        conn_row_t *nb = realloc(t->conns, n * sizeof *nb);
        if (!nb)
            return;
        t->conns = nb;
        t->conns_cap = n;
    }
    t->conns[t->nconns++].r = *rec;
}

static int sort_col;

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_conn(const void *pa, const void *pb)
{
    const flow_rec_t *a = &((const conn_row_t *)pa)->r, *b = &((const conn_row_t *)pb)->r;
    int c = 0;
    switch (sort_col < 0 ? -sort_col : sort_col) {
    case CC_PROTO: c = cmp_u64(a->proto, b->proto); break;
    case CC_CLIENT: c = memcmp(a->orig_h, b->orig_h, 16); if (!c) c = cmp_u64(a->orig_p, b->orig_p); break;
    case CC_SERVER: c = memcmp(a->resp_h, b->resp_h, 16); if (!c) c = cmp_u64(a->resp_p, b->resp_p); break;
    case CC_CSTATE: c = cmp_u64(a->tb_state[0], b->tb_state[0]); break;
    case CC_SSTATE: c = cmp_u64(a->tb_state[1], b->tb_state[1]); break;
    case CC_CONN: c = strcmp(a->conn_state, b->conn_state); break;
    case CC_HIST: c = strcmp(a->history, b->history); break;
    case CC_CPKTS: c = cmp_u64(a->orig_pkts, b->orig_pkts); break;
    case CC_SPKTS: c = cmp_u64(a->resp_pkts, b->resp_pkts); break;
    case CC_CBYTES: c = cmp_u64(a->orig_bytes, b->orig_bytes); break;
    case CC_SBYTES: c = cmp_u64(a->resp_bytes, b->resp_bytes); break;
    case CC_DUR: c = cmp_u64((uint64_t)(a->last_ts - a->first_ts), (uint64_t)(b->last_ts - b->first_ts)); break;
    default: break;
    }
    if (!c)
        c = cmp_u64(a->id, b->id);
    return sort_col < 0 ? -c : c;
}

void conns_refresh(tui_t *t)
{
    uint32_t keep = t->nconns && t->conn_cur < (int)t->nconns ? t->conns[t->conn_cur].r.id : 0;
    t->nconns = 0;
    if (flow_snapshot(t->flows, on_conn, t) < 0)
        tui_message(t, true, "the flows that left the table could not be read back");
    sort_col = t->conn_sort;
    qsort(t->conns, t->nconns, sizeof *t->conns, cmp_conn);
    t->conn_cur = 0;
    for (uint32_t i = 0; i < t->nconns; i++)
        if (t->conns[i].r.id == keep)
            t->conn_cur = (int)i;
    t->conns_stale = false;
}

static void fmt_host(const flow_rec_t *r, const uint8_t *h, uint16_t port, char *out, size_t n)
{
    char a[64];
    outbuf_t ob;
    ob_init(&ob, a, sizeof a - 1, -1);
    if (r->family == 6)
        ob_ipv6(&ob, h);
    else
        ob_ipv4(&ob, h);
    a[ob.len] = '\0';
    if (r->proto == 6 || r->proto == 17)
        snprintf(out, n, r->family == 6 ? "[%s]:%u" : "%s:%u", a, port);
    else
        snprintf(out, n, "%s", a);
}

/* An endpoint's state as a textbook draws it ("-" when not known, or
 * not TCP). */
static const char *tb_name(const flow_rec_t *r, unsigned side)
{
    if (r->proto != 6 || r->tb_state[side] >= TCPS_COUNT)
        return "-";
    return tcp_state_name(r->tb_state[side]);
}

static void conns_draw(tui_t *t)
{
    if (t->conns_stale && (t->live || !t->eof)) {
        static int64_t last;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t now = ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        if (now - last > 1000) {
            conns_refresh(t);
            last = now;
        }
    }
    int w = t->cols, h = t->rows - 3;
    char line[1024];
    int aw = w >= 120 ? 22 : 17;
    snprintf(line, sizeof line, " Connections (%u)%s  sort: %s%s   Enter: ladder  s: stream  1-9,0,-,=: sort column  r: reverse",
             t->nconns, t->eof || t->live ? "" : " so far", col_name[t->conn_sort < 0 ? -t->conn_sort : t->conn_sort],
             t->conn_sort < 0 ? " (desc)" : "");
    fill_row_title(t, 0, line);
    snprintf(line, sizeof line, "%5s %-5s %-*s %-*s %-11s %-11s %-6s %-10s %6s %6s %8s %8s %s", "id", "proto", aw,
             "client (port class)", aw, "server (port class)", "client", "server", "conn", "history", "c pkts",
             "s pkts", "c bytes", "s bytes", "dur");
    put_clipped(1, 0, w, line, A_BOLD | A_UNDERLINE);
    if (t->conn_cur >= (int)t->nconns)
        t->conn_cur = t->nconns ? (int)t->nconns - 1 : 0;
    if (t->conn_cur < t->conn_top)
        t->conn_top = t->conn_cur;
    if (t->conn_cur >= t->conn_top + h / 2)
        t->conn_top = t->conn_cur - h / 2 + 1;
    /* two lines a connection: the five-tuple with its counts, then the
     * roles' port classes */
    for (int k = 0; k * 2 < h; k++) {
        int i = t->conn_top + k;
        if (i >= (int)t->nconns)
            break;
        const flow_rec_t *r = &t->conns[i].r;
        char c[80], s[80];
        fmt_host(r, r->orig_h, r->orig_p, c, sizeof c);
        fmt_host(r, r->resp_h, r->resp_p, s, sizeof s);
        bool tcp = r->proto == 6;
        double dur = (double)(r->last_ts - r->first_ts) / 1e9;
        snprintf(line, sizeof line, "%5u %-5s %-*.*s %-*.*s %-11s %-11s %-6s %-10s %6llu %6llu %8llu %8llu %.3fs",
                 r->id, flow_proto_name(r->proto), aw, aw, c, aw, aw, s, tb_name(r, 0), tb_name(r, 1), r->conn_state, r->history[0] ? r->history : "-",
                 (unsigned long long)r->orig_pkts, (unsigned long long)r->resp_pkts,
                 (unsigned long long)r->orig_bytes, (unsigned long long)r->resp_bytes, dur);
        int y = 2 + k * 2;
        attr_t a = tui_attr(t, tcp ? C_TRANS : r->proto == 17 ? C_DNS : C_ICMP);
        if (i == t->conn_cur) {
            a |= A_REVERSE;
            tui_fill_row(y, 0, w, a);
        }
        put_clipped(y, 0, w, line, a);
        if (r->proto == 6 || r->proto == 17)
            snprintf(line, sizeof line, "%11s client port %u %s, server port %u %s%s%s", "", r->orig_p,
                     port_class(r->orig_p), r->resp_p, port_class(r->resp_p),
                     r->service[0] ? ", service " : "", r->service);
        else
            snprintf(line, sizeof line, "%11s %s", "", "no ports");
        put_clipped(y + 1, 0, w, line, A_DIM);
    }
}

/* ---- stream ------------------------------------------------------------- */

/* Does the record's innermost transport layer belong to flow r?  Its
 * direction (0 from the client) in *dir, its payload in *off, *len and
 * its sequence number in *seq. */
static bool seg_of(const record_t *rec, const flow_rec_t *r, int *dir, uint32_t *off, uint32_t *len,
                   uint32_t *seq)
{
    int tl = -1;
    for (unsigned i = 1; i < rec->nlayers; i++) {
        const layer_t *l = &rec->layers[i];
        if (l->depth == 0 && l->osi == 4 && layer_role(rec, l, ROLE_SRC_PORT) &&
            layer_role(rec, &rec->layers[i - 1], ROLE_SRC_ADDR))
            tl = (int)i;
    }
    if (tl < 0)
        return false;
    const layer_t *l = &rec->layers[tl], *nl = &rec->layers[tl - 1];
    if ((r->proto == 6) != (strcmp(l->proto->name, "tcp") == 0) ||
        (r->proto == 17) != (strcmp(l->proto->name, "udp") == 0))
        return false;
    const field_t *sa = layer_role(rec, nl, ROLE_SRC_ADDR), *da = layer_role(rec, nl, ROLE_DST_ADDR);
    const field_t *sp = layer_role(rec, l, ROLE_SRC_PORT), *dp = layer_role(rec, l, ROLE_DST_PORT);
    if (!sa || !da || !sp || !dp)
        return false;
    size_t alen = sa->type == FT_IPV4 ? 4 : 16;
    if ((alen == 4) != (r->family == 4))
        return false;
    if (memcmp(sa->v.b, r->orig_h, alen) == 0 && memcmp(da->v.b, r->resp_h, alen) == 0 &&
        sp->v.u == r->orig_p && dp->v.u == r->resp_p)
        *dir = 0;
    else if (memcmp(sa->v.b, r->resp_h, alen) == 0 && memcmp(da->v.b, r->orig_h, alen) == 0 &&
             sp->v.u == r->resp_p && dp->v.u == r->orig_p)
        *dir = 1;
    else
        return false;
    uint32_t end = l->off + l->len;
    uint32_t plen = 0;
    uint64_t v;
    if (r->proto == 6) {
        const dissector_t *d;
        unsigned id_len, id_seq;
        if (registry_field("tcp.len", &d, &id_len) && layer_uint(rec, l, id_len, &v))
            plen = (uint32_t)v;
        *seq = registry_field("tcp.seq_raw", &d, &id_seq) && layer_uint(rec, l, id_seq, &v) ? (uint32_t)v : 0;
    } else {
        plen = rec->caplen > end ? rec->caplen - end : 0;
        const field_t *ul = NULL;
        const dissector_t *d;
        unsigned id;
        if (registry_field("udp.length", &d, &id) && (ul = layer_field(rec, l, id)) && ul->v.u >= 8 &&
            ul->v.u - 8 < plen)
            plen = (uint32_t)(ul->v.u - 8);
        *seq = 0;
    }
    if (l->src)
        return false; /* a reassembled transport: not the frame's bytes */
    if (end > rec->caplen)
        end = rec->caplen;
    if (plen > rec->caplen - end)
        plen = rec->caplen - end;
    *off = end;
    *len = plen;
    return true;
}

static void stream_build(tui_t *t, const flow_rec_t *fr)
{
    if (!t->stream) {
        t->stream = malloc(TUI_STREAM_CAP);
        t->stream_dir = malloc(TUI_STREAM_CAP);
        if (!t->stream || !t->stream_dir) {
            tui_message(t, true, "out of memory");
            return;
        }
    }
    t->stream_len = 0;
    t->stream_top = 0;
    uint64_t n = t->live ? t->seq_next : t->nix;
    uint64_t first = t->live ? (t->slot_n ? t->slots[t->slot_head].seq : n) : 0;
    bool have_next[2] = {false, false};
    uint32_t next[2] = {0, 0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (uint64_t seq = first; seq < n && t->stream_len < TUI_STREAM_CAP; seq++) {
        if ((seq & 255) == 255) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            if (t1.tv_sec - t0.tv_sec >= 3) {
                tui_message(t, true, "stream: stopped after 3 s at packet %llu", (unsigned long long)seq);
                break;
            }
        }
        record_t *rec = t->rec_tmp;
        if (!tui_dissect(t, seq, rec))
            continue;
        int dir;
        uint32_t off, len, sq;
        if (!seg_of(rec, fr, &dir, &off, &len, &sq) || !len)
            continue;
        const uint8_t *p = rec->data + off;
        if (fr->proto == 6) {
            /* in order, retransmitted bytes once */
            if (have_next[dir]) {
                int32_t d = (int32_t)(sq - next[dir]);
                if (d < 0) {
                    if ((uint32_t)-d >= len)
                        continue;
                    p += -d;
                    len -= (uint32_t)-d;
                    sq = next[dir];
                }
            }
            have_next[dir] = true;
            next[dir] = sq + len;
        }
        uint32_t room = TUI_STREAM_CAP - t->stream_len;
        if (len > room)
            len = room;
        memcpy(t->stream + t->stream_len, p, len);
        memset(t->stream_dir + t->stream_len, dir, len);
        t->stream_len += len;
    }
}

static void stream_draw(tui_t *t)
{
    int w = t->cols, h = t->rows - 2;
    char line[600];
    const flow_rec_t *fr = t->nconns ? &t->conns[t->conn_cur].r : NULL;
    char c[80] = "", s[80] = "";
    if (fr) {
        fmt_host(fr, fr->orig_h, fr->orig_p, c, sizeof c);
        fmt_host(fr, fr->resp_h, fr->resp_p, s, sizeof s);
    }
    snprintf(line, sizeof line, " Stream of connection %u: client %s, server %s; %u bytes  (x: %s, q: back)",
             fr ? fr->id : 0, c, s, t->stream_len, t->stream_hex ? "text" : "hex");
    fill_row_title(t, 0, line);
    attr_t ac = tui_attr(t, C_CLIENT), as = tui_attr(t, C_SERVER);
    if (t->stream_hex) {
        int lines = (int)((t->stream_len + 15) / 16);
        if (t->stream_top > lines - h)
            t->stream_top = lines - h;
        if (t->stream_top < 0)
            t->stream_top = 0;
        for (int k = 0; k < h; k++) {
            int ln = t->stream_top + k;
            if (ln >= lines)
                break;
            char off[16];
            snprintf(off, sizeof off, "%08x  ", (unsigned)ln * 16);
            put_clipped(1 + k, 0, w, off, A_DIM);
            for (int b = 0; b < 16; b++) {
                uint32_t i = (uint32_t)ln * 16 + (uint32_t)b;
                if (i >= t->stream_len)
                    break;
                attr_t a = t->stream_dir[i] ? as : ac;
                char hx[4];
                snprintf(hx, sizeof hx, "%02x", t->stream[i]);
                put_clipped(1 + k, 10 + b * 3, 2, hx, a);
                char ch[2] = {t->stream[i] >= 32 && t->stream[i] < 127 ? (char)t->stream[i] : '.', 0};
                if (10 + 16 * 3 + 1 + b < w)
                    put_clipped(1 + k, 10 + 16 * 3 + 1 + b, 1, ch, a);
            }
        }
        return;
    }
    /* text: lines broken at newlines, a change of direction or the width */
    int y = 1, x = 0, line_no = 0;
    for (uint32_t i = 0; i < t->stream_len && y <= h; i++) {
        uint8_t ch = t->stream[i];
        bool brk = ch == '\n' || x >= w || (i && t->stream_dir[i] != t->stream_dir[i - 1] && x > 0);
        if (brk) {
            line_no++;
            if (line_no > t->stream_top)
                y++;
            x = 0;
            if (ch == '\n')
                continue;
        }
        if (ch == '\r')
            continue;
        if (line_no >= t->stream_top && y <= h) {
            attrset(t->stream_dir[i] ? as : ac);
            mvaddch(y, x, ch >= 32 && ch < 127 ? ch : ch == '\t' ? ' ' : '.');
            attrset(A_NORMAL);
        }
        x++;
    }
}

/* ---- help --------------------------------------------------------------- */

static const char *const help_text[] = {
    "strata --tui: every packet's OSI stack, its fields and bytes by layer, and each connection",
    "",
    "Main screen (packet list, OSI stack | fields, bytes):",
    "  Up/Down, k/j        move in the focused pane",
    "  PgUp/PgDn, Space    a page up or down (also Ctrl-B / Ctrl-F)",
    "  g, Home / G, End    first / last packet (G and End follow new packets live)",
    "  Tab, Shift-Tab      next / previous pane; Left/Right, h/l the same",
    "  Enter               list: to the stack; stack: to the fields; fields: fold or unfold",
    "  /                   search the info column; n: the next match",
    "  f                   display filter (tcp.port == 80, dns, ...); empty clears it",
    "  F                   capture filter, BPF as tcpdump's (udp, tcp port 80, ...): a file is",
    "                      indexed again with it, live it applies to new packets; empty clears it",
    "  c                   connections",
    "  ?                   this help",
    "  q, Esc              quit (in a sub-view: back one level); Ctrl-C quits too",
    "  mouse click         select a row or pane",
    "",
    "Connections:",
    "  Up/Down, PgUp/PgDn, g/G   move",
    "  1..9, 0, -, =       sort by a column (id proto client server client-state",
    "                      server-state conn_state history c-pkts s-pkts c-bytes s-bytes);",
    "                      the same key again reverses; r reverses",
    "  Enter               the connection's ladder: both endpoints' states, segment by segment",
    "  s                   the connection's stream: both directions, client and server coloured",
    "  q, Esc              back",
    "",
    "Ladder and stream:",
    "  Up/Down, PgUp/PgDn, g/G   scroll",
    "  Left/Right, h/l     ladder: scroll sideways (the notes: socket calls, events)",
    "  x                   stream: text or hex",
    "  q, Esc              back to the connections",
    "",
    "Colours: link blue, network green, transport yellow, application magenta, data grey,",
    "quoted or tunnelled layers cyan, errors red.  NO_COLOR turns colours off.",
    "Status bar: source, packets read, shown, dropped (live), the capture filter, the display filter.",
};

static void help_draw(tui_t *t)
{
    int n = (int)(sizeof help_text / sizeof help_text[0]);
    int h = t->rows - 2;
    fill_row_title(t, 0, " Help (q: back)");
    if (t->help_top > n - h)
        t->help_top = n - h;
    if (t->help_top < 0)
        t->help_top = 0;
    for (int k = 0; k < h && t->help_top + k < n; k++)
        put_clipped(1 + k, 0, t->cols, help_text[t->help_top + k], A_NORMAL);
}

/* ---- dispatch ----------------------------------------------------------- */

void fill_row_title(tui_t *t, int y, const char *s)
{
    attr_t a = tui_attr(t, C_TITLE);
    attrset(a);
    mvhline(y, 0, ' ', t->cols);
    put_clipped(y, 0, t->cols, s, a);
}

void views_draw(tui_t *t)
{
    switch (t->view) {
    case VIEW_CONNS: conns_draw(t); break;
    case VIEW_LADDER: ladder_draw(t); break;
    case VIEW_STREAM: stream_draw(t); break;
    case VIEW_HELP: help_draw(t); break;
    default: break;
    }
}

static int scroll_delta(tui_t *t, int ch)
{
    int page = t->rows - 4;
    switch (ch) {
    case KEY_UP: case 'k': return -1;
    case KEY_DOWN: case 'j': return 1;
    case KEY_PPAGE: case 2: return -page;
    case KEY_NPAGE: case 6: case ' ': return page;
    case 'g': case KEY_HOME: return -1000000000;
    case 'G': case KEY_END: return 1000000000;
    default: return 0;
    }
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void conns_open_selected(tui_t *t, enum view v)
{
    if (!t->nconns)
        return;
    const flow_rec_t *r = &t->conns[t->conn_cur].r;
    if (v == VIEW_STREAM) {
        stream_build(t, r);
    } else {
        t->ladder_id = r->id;
        t->ladder_top = 0;
        ladder_build(t, r);
    }
    t->view = v;
}

bool views_key(tui_t *t, int ch)
{
    if (ch == 'q' || ch == 27) {
        t->view = t->view == VIEW_LADDER || t->view == VIEW_STREAM ? VIEW_CONNS : VIEW_MAIN;
        return true;
    }
    int d = scroll_delta(t, ch);
    switch (t->view) {
    case VIEW_HELP:
        t->help_top += d;
        if (t->help_top < 0)
            t->help_top = 0;
        return true;
    case VIEW_CONNS:
        if (d) {
            t->conn_cur = clampi(t->conn_cur + d, 0, t->nconns ? (int)t->nconns - 1 : 0);
            return true;
        }
        if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
            conns_open_selected(t, VIEW_LADDER);
            return true;
        }
        if (ch == 's') {
            conns_open_selected(t, VIEW_STREAM);
            return true;
        }
        if (ch == 'r') {
            t->conn_sort = -t->conn_sort;
            conns_refresh(t);
            return true;
        }
        if (ch == '?') {
            t->view = VIEW_HELP;
            return true;
        }
        {
            static const char keys[] = "1234567890-=";
            const char *p = ch > 0 && ch < 128 ? strchr(keys, ch) : NULL;
            if (p && *p) {
                int col = (int)(p - keys) + 1;
                if (col >= CC_COUNT)
                    col = CC_COUNT - 1;
                t->conn_sort = t->conn_sort == col ? -col : col;
                conns_refresh(t);
                return true;
            }
        }
        return false;
    case VIEW_STREAM:
        if (ch == 'x') {
            t->stream_hex = !t->stream_hex;
            t->stream_top = 0;
            return true;
        }
        t->stream_top += d;
        if (t->stream_top < 0)
            t->stream_top = 0;
        return true;
    case VIEW_LADDER:
        if (ch == KEY_RIGHT || ch == 'l')
            t->ladder_left += 16;
        if ((ch == KEY_LEFT || ch == 'h') && (t->ladder_left -= 16) < 0)
            t->ladder_left = 0;
        t->ladder_top += d;
        if (t->ladder_top < 0)
            t->ladder_top = 0;
        return true;
    default:
        return false;
    }
}

bool views_click(tui_t *t, int y, int x)
{
    (void)x;
    if (t->view == VIEW_CONNS && y >= 2) {
        int i = t->conn_top + (y - 2) / 2;
        if (i < (int)t->nconns)
            t->conn_cur = i;
        return true;
    }
    return false;
}
