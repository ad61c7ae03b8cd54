/* render_flows.c - flow records: JSON Lines ("type":"flow"), the aligned
 * --flows table, and the --flow ID ladder diagram.  They read flow_rec_t
 * and, for the ladder, the rows ladder.c makes of the kept segments. */
#include <string.h>

#include "dissector.h"
#include "ladder.h"
#include "render_flows.h"

const char *flow_proto_name(uint8_t p)
{
    switch (p) {
    case 6: return "tcp";
    case 17: return "udp";
    case 1: return "icmp";
    case 58: return "icmpv6";
    case 47: return "gre";   /* an IP tunnel's carrier (flow_track.c) */
    case 4:
    case 41: return "ipip";
    default: return "other";
    }
}

static void put_host(outbuf_t *ob, const flow_rec_t *r, const uint8_t *h)
{
    if (r->family == 4)
        ob_ipv4(ob, h);
    else
        ob_ipv6(ob, h);
}

static void put_ts9(outbuf_t *ob, int64_t ns)
{
    int64_t sec = ns / 1000000000LL, frac = ns % 1000000000LL;
    if (frac < 0) {
        frac += 1000000000LL;
        sec--;
    }
    ob_i64(ob, sec);
    ob_putc(ob, '.');
    ob_u64_pad(ob, (uint64_t)frac, 9, '0');
}

/* A duration in seconds with microseconds, "-" first when negative
 * (timestamps of a capture need not increase). */
static void put_secs6(outbuf_t *ob, int64_t ns)
{
    uint64_t u;
    if (ns < 0) {
        ob_putc(ob, '-');
        u = ns == INT64_MIN ? (uint64_t)INT64_MAX : (uint64_t)-ns;
    } else {
        u = (uint64_t)ns;
    }
    ob_u64(ob, u / 1000000000u);
    ob_putc(ob, '.');
    ob_u64_pad(ob, (u % 1000000000u) / 1000u, 6, '0');
}

static const char *const end_names[] = {"capture_end", "timeout", "evicted", "reused"};

void render_flow_json(outbuf_t *ob, const flow_rec_t *r)
{
    ob_puts(ob, "{\"type\":\"flow\",\"id\":");
    ob_u64(ob, r->id);
    ob_puts(ob, ",\"proto\":\"");
    ob_puts(ob, flow_proto_name(r->proto));
    ob_puts(ob, "\",\"orig_h\":\"");
    put_host(ob, r, r->orig_h);
    ob_puts(ob, "\",\"orig_p\":");
    ob_u64(ob, r->orig_p);
    ob_puts(ob, ",\"resp_h\":\"");
    put_host(ob, r, r->resp_h);
    ob_puts(ob, "\",\"resp_p\":");
    ob_u64(ob, r->resp_p);
    ob_puts(ob, ",\"first_ts\":\"");
    put_ts9(ob, r->first_ts);
    ob_puts(ob, "\",\"last_ts\":\"");
    put_ts9(ob, r->last_ts);
    ob_puts(ob, "\",\"duration\":\"");
    put_ts9(ob, ts_diff(r->last_ts, r->first_ts));
    ob_puts(ob, "\",\"orig_pkts\":");
    ob_u64(ob, r->orig_pkts);
    ob_puts(ob, ",\"resp_pkts\":");
    ob_u64(ob, r->resp_pkts);
    ob_puts(ob, ",\"orig_bytes\":");
    ob_u64(ob, r->orig_bytes);
    ob_puts(ob, ",\"resp_bytes\":");
    ob_u64(ob, r->resp_bytes);
    ob_puts(ob, ",\"orig_ip_bytes\":");
    ob_u64(ob, r->orig_ip_bytes);
    ob_puts(ob, ",\"resp_ip_bytes\":");
    ob_u64(ob, r->resp_ip_bytes);
    ob_puts(ob, ",\"conn_state\":\"");
    ob_puts(ob, r->conn_state);
    ob_puts(ob, "\",\"history\":\"");
    ob_puts(ob, r->history);
    ob_putc(ob, '"');
    if (r->service[0]) {
        ob_puts(ob, ",\"service\":\"");
        ob_puts(ob, r->service);
        ob_putc(ob, '"');
    }
    if (r->tunnel) {
        ob_puts(ob, ",\"tunnel\":");
        ob_u64(ob, r->tunnel);
    }
    if (r->proto == 6) {
        ob_puts(ob, ",\"orig_state\":\"");
        ob_puts(ob, tcp_state_name(r->state[0]));
        ob_puts(ob, "\",\"resp_state\":\"");
        ob_puts(ob, tcp_state_name(r->state[1]));
        ob_putc(ob, '"');
        if (r->rtt_ns >= 0) {
            ob_puts(ob, ",\"handshake_rtt_us\":");
            ob_u64(ob, (uint64_t)(r->rtt_ns / 1000));
        }
        ob_puts(ob, ",\"analysis\":{");
        bool first = true;
        for (unsigned b = 0; b < TA_COUNT; b++) {
            if (!r->analysis[b])
                continue;
            if (!first)
                ob_putc(ob, ',');
            first = false;
            ob_putc(ob, '"');
            ob_puts(ob, tcp_analysis_name(b));
            ob_puts(ob, "\":");
            ob_u64(ob, r->analysis[b]);
        }
        ob_putc(ob, '}');
    }
    ob_puts(ob, ",\"end\":\"");
    ob_puts(ob, end_names[r->end < 4 ? r->end : 0]);
    ob_puts(ob, "\"}\n");
}

/* ---- the table -------------------------------------------------------- */

enum col { C_ID, C_PROTO, C_OH, C_OP, C_RH, C_RP, C_START, C_DUR, C_OPK, C_RPK, C_OBY, C_RBY,
           C_STATE, C_HIST, C_SVC, C_NCOLS };
static const char *const col_names[C_NCOLS] = {
    "id", "proto", "orig_h", "orig_p", "resp_h", "resp_p", "first_ts", "duration",
    "orig_pkts", "resp_pkts", "orig_bytes", "resp_bytes", "conn_state", "history", "service",
};
/* numbers are right-aligned */
static const bool col_right[C_NCOLS] = {
    [C_ID] = true, [C_OP] = true, [C_RP] = true, [C_DUR] = true, [C_OPK] = true,
    [C_RPK] = true, [C_OBY] = true, [C_RBY] = true,
};

/* Format one cell into a scratch buffer. */
static size_t cell(const flow_rec_t *r, enum col c, render_ctx_t *rc, char *buf, size_t cap)
{
    outbuf_t ob;
    ob_init(&ob, buf, cap, -1);
    switch (c) {
    case C_ID: ob_u64(&ob, r->id); break;
    case C_PROTO: ob_puts(&ob, flow_proto_name(r->proto)); break;
    case C_OH: put_host(&ob, r, r->orig_h); break;
    case C_OP: ob_u64(&ob, r->orig_p); break;
    case C_RH: put_host(&ob, r, r->resp_h); break;
    case C_RP: ob_u64(&ob, r->resp_p); break;
    case C_START:
        render_ts(&ob, rc, r->first_ts / 1000000000LL, (uint32_t)(r->first_ts % 1000000000LL));
        break;
    case C_DUR: put_secs6(&ob, ts_diff(r->last_ts, r->first_ts)); break;
    case C_OPK: ob_u64(&ob, r->orig_pkts); break;
    case C_RPK: ob_u64(&ob, r->resp_pkts); break;
    case C_OBY: ob_u64(&ob, r->orig_bytes); break;
    case C_RBY: ob_u64(&ob, r->resp_bytes); break;
    case C_STATE: ob_puts(&ob, r->conn_state); break;
    case C_HIST: ob_puts(&ob, r->history[0] ? r->history : "-"); break;
    case C_SVC: ob_puts(&ob, r->service[0] ? r->service : "-"); break;
    default: break;
    }
    return ob.len;
}

void flow_table_widths_init(flow_widths_t *w)
{
    for (int c = 0; c < C_NCOLS; c++)
        w->w[c] = (uint8_t)strlen(col_names[c]);
}

void flow_table_measure(flow_widths_t *w, render_ctx_t *rc, const flow_rec_t *r)
{
    char buf[64];
    for (int c = 0; c < C_NCOLS; c++) {
        size_t n = cell(r, (enum col)c, rc, buf, sizeof buf);
        if (n > w->w[c])
            w->w[c] = (uint8_t)n;
    }
}

static void put_cell(outbuf_t *ob, const char *s, size_t n, int c, const flow_widths_t *w)
{
    size_t pad = w->w[c] > n ? w->w[c] - n : 0;
    if (col_right[c])
        for (size_t i = 0; i < pad; i++)
            ob_putc(ob, ' ');
    ob_write(ob, s, n);
    if (c + 1 < C_NCOLS) {
        if (!col_right[c])
            for (size_t i = 0; i < pad; i++)
                ob_putc(ob, ' ');
        ob_puts(ob, "  ");
    }
}

void flow_table_header(outbuf_t *ob, const flow_widths_t *w)
{
    for (int c = 0; c < C_NCOLS; c++)
        put_cell(ob, col_names[c], strlen(col_names[c]), c, w);
    ob_putc(ob, '\n');
}

void flow_table_row(outbuf_t *ob, const flow_widths_t *w, render_ctx_t *rc, const flow_rec_t *r)
{
    char buf[64];
    for (int c = 0; c < C_NCOLS; c++) {
        size_t n = cell(r, (enum col)c, rc, buf, sizeof buf);
        put_cell(ob, buf, n, c, w);
    }
    ob_putc(ob, '\n');
}

/* ---- the ladder --------------------------------------------------------- */

#define LADDER_ARROW 44
#define LADDER_STATE 13
#define LADDER_LEFT 22 /* frame and time */

/* Spaces up to column col of a line that began at start (in a scratch
 * buffer: a full one stops, a flushing one is never used here). */
static void pad_to(outbuf_t *ob, size_t start, size_t col)
{
    while (ob->len >= start && ob->len - start < col && !ob->full)
        ob_putc(ob, ' ');
}

/* "; " between the parts of a row's note. */
static void note_sep(outbuf_t *l, bool *first)
{
    ob_puts(l, *first ? "" : "; ");
    *first = false;
}

static void ladder_notes(outbuf_t *l, const ladder_row_t *row)
{
    static const char *const side[2] = {"client: ", "server: "};
    bool first = true;
    if (row->event && row->event != tcp_ev_retransmission) {
        note_sep(l, &first);
        ob_puts(l, row->event);
    }
    /* the sender's call first: it is the cause */
    for (unsigned k = 0; k < 2; k++) {
        unsigned who = k == 0 ? row->dir : !row->dir;
        if (row->call[who]) {
            note_sep(l, &first);
            ob_puts(l, side[who]);
            ob_puts(l, row->call[who]);
        }
        if (row->via[who] != TCPS_NONE) {
            note_sep(l, &first);
            ob_puts(l, side[who]);
            ob_puts(l, "via ");
            ob_puts(l, tcp_tb_state_name(row->via[who]));
            ob_puts(l, " (ACK+FIN)");
        }
    }
    for (unsigned b = 0; b < TA_COUNT; b++)
        if (row->analysis & (1u << b)) {
            ob_puts(l, first ? "[" : " [");
            first = false;
            ob_puts(l, tcp_analysis_name(b));
            ob_putc(l, ']');
        }
}

/* One state column: the state's name, or nothing when it did not move
 * (a repeated name says nothing new). */
static void ladder_state(outbuf_t *l, const ladder_row_t *row, unsigned side)
{
    size_t col = l->len;
    if (row->kind == LR_START || row->moved[side])
        ob_puts(l, tcp_tb_state_name(row->state[side]));
    pad_to(l, col, LADDER_STATE + 1);
}

static void ladder_line(outbuf_t *ob, const flow_rec_t *r, const ladder_row_t *row)
{
    char lbuf[384];
    outbuf_t l;
    ob_init(&l, lbuf, sizeof lbuf, -1);
    if (row->kind == LR_SKIPPED) {
        ob_puts(ob, "  ... ");
        ob_u64(ob, row->skipped);
        ob_puts(ob, " segments not kept ...\n");
        return;
    }
    if (row->kind == LR_START) {
        pad_to(&l, 0, LADDER_LEFT);
        if (r->proto != 6) {
            return; /* UDP: its note was written above the columns */
        } else {
            ladder_state(&l, row, 0);
            pad_to(&l, 0, LADDER_LEFT + LADDER_STATE + 1 + LADDER_ARROW + 1);
            ladder_state(&l, row, 1);
            bool first = true;
            if (row->call[1]) {
                note_sep(&l, &first);
                ob_puts(&l, "server: ");
                ob_puts(&l, row->call[1]);
            }
            if (row->note) {
                note_sep(&l, &first);
                ob_puts(&l, row->note);
            }
        }
    } else {
        /* what stands out gets a '!' in the margin */
        ob_puts(&l, row->marks ? "! #" : "  #");
        ob_u64(&l, row->frame);
        pad_to(&l, 0, 10);
        ob_putc(&l, '+');
        put_secs6(&l, ts_diff(row->ts_ns, r->first_ts));
        pad_to(&l, 0, LADDER_LEFT);
        ladder_state(&l, row, 0);
        char abuf[96];
        outbuf_t a;
        ob_init(&a, abuf, sizeof abuf, -1);
        ob_putc(&a, ' ');
        if (row->kind == LR_DATAGRAM) {
            ob_puts(&a, "datagram, ");
            ob_u64(&a, row->len);
            ob_puts(&a, row->len == 1 ? " byte" : " bytes");
        } else {
            ob_puts(&a, row->flags);
            ob_puts(&a, " seq ");
            ob_u64(&a, row->seq);
            if (row->len) {
                ob_putc(&a, ':');
                ob_u64(&a, (uint32_t)(row->seq + row->len));
            }
            if (row->has_ack) {
                ob_puts(&a, " ack ");
                ob_u64(&a, row->ack);
            }
            if (row->len) {
                ob_puts(&a, " len ");
                ob_u64(&a, row->len);
            }
        }
        ob_putc(&a, ' ');
        size_t body = a.len < LADDER_ARROW - 4 ? a.len : LADDER_ARROW - 4;
        size_t dashes = LADDER_ARROW - 2 - body;
        /* a retransmission is drawn with '=', a reset ends in 'x' */
        char dash = row->marks & LM_RETRANSMISSION ? '=' : '-';
        if (row->dir == 0) {
            for (size_t i = 0; i < dashes / 2; i++)
                ob_putc(&l, dash);
            ob_write(&l, abuf, body);
            for (size_t i = dashes / 2; i < dashes; i++)
                ob_putc(&l, dash);
            ob_puts(&l, row->marks & LM_RESET ? "-x" : dash == '=' ? "=>" : "->");
        } else {
            ob_puts(&l, row->marks & LM_RESET ? "x-" : dash == '=' ? "<=" : "<-");
            for (size_t i = 0; i < dashes / 2; i++)
                ob_putc(&l, dash);
            ob_write(&l, abuf, body);
            for (size_t i = dashes / 2; i < dashes; i++)
                ob_putc(&l, dash);
        }
        ob_putc(&l, ' ');
        if (row->kind == LR_SEGMENT)
            ladder_state(&l, row, 1);
        else
            pad_to(&l, 0, LADDER_LEFT + LADDER_STATE + 1 + LADDER_ARROW + 1 + LADDER_STATE + 1);
        ladder_notes(&l, row);
    }
    while (l.len && lbuf[l.len - 1] == ' ')
        l.len--;
    ob_write(ob, lbuf, l.len);
    ob_putc(ob, '\n');
}

void render_flow_ladder(outbuf_t *ob, const flow_rec_t *r, const flow_ladder_t *L)
{
    ob_puts(ob, "flow ");
    ob_u64(ob, r->id);
    ob_puts(ob, ": ");
    ob_puts(ob, flow_proto_name(r->proto));
    ob_puts(ob, " client ");
    put_host(ob, r, r->orig_h);
    ob_putc(ob, ':');
    ob_u64(ob, r->orig_p);
    ob_puts(ob, " -> server ");
    put_host(ob, r, r->resp_h);
    ob_putc(ob, ':');
    ob_u64(ob, r->resp_p);
    ob_puts(ob, ", conn_state ");
    ob_puts(ob, r->conn_state);
    ob_puts(ob, ", history ");
    ob_puts(ob, r->history[0] ? r->history : "-");
    ob_putc(ob, '\n');
    if (r->proto != 6 && r->proto != 17) {
        ob_puts(ob, "  (a ladder is drawn for TCP and UDP flows only: ");
        ob_u64(ob, r->orig_pkts);
        ob_puts(ob, " packets from the client, ");
        ob_u64(ob, r->resp_pkts);
        ob_puts(ob, " from the server)\n");
        return;
    }
    if (r->proto == 6) {
        ob_puts(ob, "  (both sides' states as a textbook draws them, moving when a segment is sent "
                    "and when it arrives,\n"
                    "   written where they change; sequence numbers relative to each side's first;\n"
                    "   ! marks a retransmission (=>), a reset (x), a zero window or a gap (lost_segment))\n");
    }
    ladder_row_t rows[LADDER_MAX_ROWS];
    size_t n = ladder_rows(L, rows, LADDER_MAX_ROWS);
    if (r->proto == 17) {
        ob_puts(ob, "  (");
        ob_puts(ob, rows[0].note ? rows[0].note : "UDP");
        ob_puts(ob, ")\n");
    }
    char hdr[160];
    outbuf_t h;
    ob_init(&h, hdr, sizeof hdr, -1);
    ob_puts(&h, "  frame");
    pad_to(&h, 0, 10);
    ob_puts(&h, "time");
    pad_to(&h, 0, LADDER_LEFT);
    ob_puts(&h, "client");
    pad_to(&h, 0, LADDER_LEFT + LADDER_STATE + 1 + LADDER_ARROW + 1);
    ob_puts(&h, "server\n");
    ob_write(ob, hdr, h.len);
    for (size_t i = 0; i < n; i++)
        ladder_line(ob, r, &rows[i]);
}
