/* ladder.c - a connection's ladder rows (see ladder.h).
 *
 * The states come from the one textbook state machine in tcp_state.c
 * (tcp_tb_update): as the flow tracker computed them segment by segment,
 * or, when the whole connection shows what a single pass could not know
 * (the server refused the SYN, or never answered), by running the kept
 * segments through it again with that knowledge. */
#include "ladder.h"

#include <string.h>

/* The kept segment shown at position i (the tail is a ring). */
static const seg_fact_t *kept(const flow_ladder_t *L, unsigned i)
{
    unsigned k = i;
    if (i >= FLOW_LADDER_HEAD && L->nsegs > FLOW_LADDER_HEAD + FLOW_LADDER_TAIL)
        k = FLOW_LADDER_HEAD +
            (unsigned)((L->nsegs - FLOW_LADDER_HEAD + (i - FLOW_LADDER_HEAD)) % FLOW_LADDER_TAIL);
    return &L->seg[k];
}

static bool pure_syn(uint16_t flags)
{
    return (flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) == TCPF_SYN;
}

unsigned ladder_hints(const flow_ladder_t *L)
{
    if (!L || L->udp || L->n == 0 || !pure_syn(kept(L, 0)->flags) || kept(L, 0)->dir != 0)
        return 0;
    if (L->nsent[1] == 0)
        return TB_SILENT_SERVER;
    /* the server's first segment, after nothing but the client's SYNs */
    for (unsigned i = 0; i < L->n && i < FLOW_LADDER_HEAD; i++) {
        const seg_fact_t *s = kept(L, i);
        if (s->dir == 0) {
            if (!pure_syn(s->flags))
                return 0;
            continue;
        }
        return (s->flags & TCPF_RST) && !(s->flags & TCPF_SYN) ? TB_NO_LISTENER : 0;
    }
    return 0;
}

static void start_row(const flow_ladder_t *L, unsigned hints, ladder_row_t *row)
{
    memset(row, 0, sizeof *row);
    row->kind = LR_START;
    row->via[0] = row->via[1] = TCPS_NONE;
    if (L && L->udp) {
        row->state[0] = row->state[1] = TCPS_UNKNOWN;
        row->note = "UDP, SOCK_DGRAM: no connection, no handshake, no states; each sendto() "
                    "is one datagram, each recvfrom() takes one";
        return;
    }
    tcp_tb_t tb;
    tcp_tb_init(&tb, hints);
    row->state[0] = tb.st[0];
    row->state[1] = tb.st[1];
    row->call[1] = tcp_tb_start_call(&tb, 1);
    const seg_fact_t *first = L && L->n ? kept(L, 0) : NULL;
    if (first && !(first->flags & TCPF_SYN) && !(first->flags & TCPF_RST)) {
        row->state[0] = row->state[1] = TCPS_UNKNOWN;
        row->call[1] = NULL;
        row->note = "first seen mid-stream: the states before are not known";
    } else if (first && (first->flags & TCPF_SYN) && (first->flags & TCPF_ACK)) {
        row->state[0] = TCPS_SYN_SENT;
        row->note = "first seen at the SYN-ACK: the client's SYN was not captured";
    } else if (first && (first->flags & TCPF_RST)) {
        row->state[0] = row->state[1] = TCPS_UNKNOWN;
        row->call[1] = NULL;
        row->note = "first seen at a reset: the states before are not known";
    }
}

/* Each side's base for relative numbers: its first sequence number, or
 * lower, an acknowledgment number the other side sent for it (a flow
 * first seen mid-stream can show an ACK before the data it covers). */
static void rel_bases(const flow_ladder_t *L, uint32_t base[2])
{
    for (unsigned d = 0; d < 2; d++)
        base[d] = L->isn_known[d] ? L->isn[d] : 0;
    for (unsigned i = 0; i < L->n; i++) {
        const seg_fact_t *s = kept(L, i);
        unsigned o = !s->dir;
        if (!(s->flags & TCPF_ACK))
            continue;
        if (!L->isn_known[o] || (int32_t)(s->ack - base[o]) < 0)
            base[o] = s->ack;
    }
}

size_t ladder_rows(const flow_ladder_t *L, ladder_row_t *rows, size_t cap)
{
    size_t n = 0;
    if (cap == 0)
        return 0;
    unsigned hints = ladder_hints(L);
    start_row(L, hints, &rows[n++]);
    if (!L)
        return n;
    tcp_tb_t tb;
    tcp_tb_seq_t q;
    tcp_tb_init(&tb, hints);
    memset(&q, 0, sizeof q);
    uint8_t prev[2] = {rows[0].state[0], rows[0].state[1]};
    uint32_t base[2];
    rel_bases(L, base);
    for (unsigned i = 0; i < L->n && n < cap; i++) {
        if (i == FLOW_LADDER_HEAD && L->nsegs > (uint32_t)L->n) {
            ladder_row_t *g = &rows[n++];
            memset(g, 0, sizeof *g);
            g->kind = LR_SKIPPED;
            g->via[0] = g->via[1] = TCPS_NONE;
            g->skipped = L->nsegs - L->n;
            g->state[0] = prev[0];
            g->state[1] = prev[1];
            if (n >= cap)
                break;
        }
        const seg_fact_t *s = kept(L, i);
        ladder_row_t *row = &rows[n++];
        memset(row, 0, sizeof *row);
        row->dir = s->dir;
        row->via[0] = row->via[1] = TCPS_NONE;
        row->frame = s->frame;
        row->ts_ns = s->ts_ns;
        row->len = s->len;
        if (L->udp) {
            row->kind = LR_DATAGRAM;
            row->state[0] = row->state[1] = TCPS_UNKNOWN;
            continue;
        }
        row->kind = LR_SEGMENT;
        unsigned nl = tcp_flag_letters(s->flags, row->flags);
        if (nl == 0)
            memcpy(row->flags, "none", 5);
        else
            row->flags[nl] = '\0';
        row->seq = s->seq - base[s->dir];
        row->has_ack = (s->flags & TCPF_ACK) != 0;
        row->ack = row->has_ack ? s->ack - base[s->dir ^ 1] : 0;
        if (hints) {
            tcp_tb_step_t st;
            tcp_tb_seq_note(&q, s->dir, s->flags, s->seq, s->len);
            tcp_tb_update(&tb, &q, s->dir, s->flags, s->ack, &st);
            memcpy(row->state, st.after, 2);
            memcpy(row->via, st.via, 2);
            row->call[0] = st.call[0];
            row->call[1] = st.call[1];
        } else {
            memcpy(row->state, s->tb, 2);
            memcpy(row->via, s->via, 2);
            row->call[0] = s->call[0];
            row->call[1] = s->call[1];
        }
        row->event = s->event;
        row->analysis = s->analysis;
        if (s->analysis & TA_RETRANSMISSION)
            row->marks |= LM_RETRANSMISSION;
        if (s->flags & TCPF_RST)
            row->marks |= LM_RESET;
        if (s->analysis & TA_ZERO_WINDOW)
            row->marks |= LM_ZERO_WINDOW;
        if (s->analysis & TA_LOST_SEGMENT)
            row->marks |= LM_GAP;
        for (unsigned k = 0; k < 2; k++) {
            row->moved[k] = row->state[k] != prev[k];
            prev[k] = row->state[k];
        }
    }
    return n;
}
