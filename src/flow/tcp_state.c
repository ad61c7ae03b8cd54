/* tcp_state.c - TCP connection tracking (see tcp_state.h).
 *
 * One segment feeds three views that are kept apart because their rules
 * differ:
 *
 *  - RFC 793 states (RFC 9293 3.3.2, figure 6) of both sides as a passive
 *    monitor can infer them, and the handshake/teardown events;
 *  - Zeek's view (TCPSessionAdapter::Process, learned from its source, not
 *    copied): endpoint states, history letters, sizes, conn_state;
 *  - Wireshark's per-segment analysis (tcp_analyze_sequence_number).
 *
 * Choices where the sources leave room:
 *  - A side leaves SYN_SENT for ESTABLISHED when it sends the ACK of the
 *    peer's SYN (not when the SYN-ACK reaches it), and enters TIME_WAIT
 *    when it sends the ACK of the peer's FIN; a FIN's receiver enters
 *    CLOSE_WAIT when it acknowledges the FIN.  ACK-driven changes of the
 *    receiver (FIN_WAIT_2, TIME_WAIT from CLOSING, CLOSED from LAST_ACK,
 *    ESTABLISHED from SYN_RECEIVED) happen on the segment carrying the ACK.
 *  - Mid-stream start (no SYN before the first data, ACK or FIN): both
 *    sides ESTABLISHED, no handshake events, no RTT.
 *  - A SYN-ACK seen first: its receiver is taken to be in SYN_SENT (its
 *    SYN was missed); the SYN-ACK is "handshake 2/3", the ACK 3/3, no RTT.
 *    A SYN answered by data without a SYN-ACK: the SYN-ACK was missed, the
 *    data's sender is ESTABLISHED, and 3/3 is the SYN sender's next ACK.
 *  - Simultaneous open: the first SYN is 1/3, the crossing SYN 2/3, and
 *    3/3 the segment after which both sides are ESTABLISHED.
 *  - A repeated SYN (or SYN-ACK) is no new step: its event is
 *    "retransmission" (Wireshark's mark), as Zeek does not count it either.
 *  - Teardown steps are named by meaning: 1 the first FIN, 2 the ACK of
 *    it, 3 the other side's FIN, 4 the ACK of that.  Each is reported once;
 *    a segment doing several (FIN+ACK acknowledging the first FIN) reports
 *    the highest (3/4).  In a simultaneous close the second FIN (not
 *    acknowledging the first) is 3/4, both sides go to CLOSING, and the
 *    two ACKs are 2/4 and 4/4 in whatever order they come.
 *  - RST (any state, either side): both sides CLOSED, event "reset".
 *  - Zeek's bad-checksum letter 'c' is never produced (no checksums are
 *    verified); Zeek's mid-connection role flip (a SYN answering a SYN-ACK
 *    sent by the originator) cannot happen here: roles are fixed by the
 *    caller, only the endpoint states follow Zeek.
 *  - Content gaps ('g') come from a reduced reassembler: contiguous data
 *    plus one block above a hole.  Wireshark's fast and spurious
 *    retransmissions are reported as retransmission; "window full",
 *    "ACKed unseen segment" and "zero window probe ACK" are not reported
 *    (the last still stops a duplicate-ACK mark, as in Wireshark).
 */
#include "tcp_state.h"

#include <string.h>

#define SEQ_TOO_FAR 1048576          /* Zeek's TOO_LARGE_SEQ_DELTA */
#define OOO_DEFAULT_NS 3000000LL     /* Wireshark: out-of-order window, no RTT */
#define FAST_RETRANS_NS 20000000LL   /* Wireshark: fast retransmission window */

/* Zeek's history packet classes (TCP_Endpoint.h HIST_*) */
enum { H_SYN = 0x1, H_FIN = 0x2, H_RST = 0x4, H_FIN_RST = 0x8, H_DATA = 0x10, H_ACK = 0x20,
       H_MULTI = 0x40 };

/* RFC 1982 serial-number difference a - b of 32-bit sequence numbers. */
static int32_t sdiff(uint32_t a, uint32_t b)
{
    uint32_t d = a - b;
    return d < 0x80000000u ? (int32_t)d : -(int32_t)~d - 1;
}

const char tcp_ev_retransmission[] = "retransmission";

/* ---- names ------------------------------------------------------------ */

const char *tcp_state_name(unsigned state)
{
    static const char *const n[TCPS_COUNT] = {
        "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
        "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"};
    return state < TCPS_COUNT ? n[state] : "?";
}

const char *tcp_zeek_state_name(unsigned zstate)
{
    static const char *const n[] = {"INACTIVE", "SYN_SENT", "SYN_ACK_SENT", "PARTIAL",
                                    "ESTABLISHED", "CLOSED", "RESET"};
    return zstate < sizeof n / sizeof n[0] ? n[zstate] : "?";
}

const char *tcp_analysis_name(unsigned bit)
{
    static const char *const n[TA_COUNT] = {
        "retransmission", "out_of_order", "dup_ack", "zero_window", "keep_alive",
        "keep_alive_ack", "window_update", "lost_segment", "zero_window_probe"};
    return bit < TA_COUNT ? n[bit] : "?";
}

/* ---- history (Zeek Connection::CheckHistory, ScaledHistoryEntry) ------- */

static void hist_add(tcp_conn_t *c, unsigned dir, char up)
{
    if (c->hlen < TCP_HISTORY_MAX) {
        c->history[c->hlen++] = dir ? (char)(up - 'A' + 'a') : up;
        c->history[c->hlen] = '\0';
    }
}

/* Record the letter the first time its class is seen in that direction;
 * true when the class had been seen before. */
static bool hist_check(tcp_conn_t *c, unsigned dir, uint32_t cls, char up)
{
    uint32_t bit = cls << (dir ? 16 : 0);
    if (c->hist_seen & bit)
        return true;
    c->hist_seen |= bit;
    hist_add(c, dir, up);
    return false;
}

/* The letter again after 1, 10, 100, ... occurrences. */
static void hist_scaled(tcp_conn_t *c, unsigned dir, uint32_t *count, char up)
{
    uint32_t v = ++*count;
    while (v && v % 10 == 0)
        v /= 10;
    if (v == 1)
        hist_add(c, dir, up);
}

/* Zeek update_history; rel is the segment's sequence offset. */
static void z_history(tcp_conn_t *c, unsigned d, const tcp_seg_t *s, int64_t rel)
{
    tcp_endpoint_t *e = &c->ep[d];
    uint16_t f = s->flags;
    int bits = !!(f & TCPF_SYN) + !!(f & TCPF_FIN) + !!(f & TCPF_RST);
    if (bits > 1) {
        if ((f & TCPF_FIN) && (f & TCPF_RST))
            hist_check(c, d, H_FIN_RST, 'I');
        else
            hist_check(c, d, H_MULTI, 'Q');
    } else if (f & TCPF_SYN) {
        /* S, H, F and R repeat when their sequence number moved */
        char code = (f & TCPF_ACK) ? 'H' : 'S';
        if (hist_check(c, d, H_SYN, code) && rel != e->hist_syn)
            hist_add(c, d, code);
        e->hist_syn = rel;
    } else if (f & TCPF_FIN) {
        if (hist_check(c, d, H_FIN, 'F') && rel + s->len != e->hist_fin)
            hist_add(c, d, 'F');
        e->hist_fin = rel + s->len;
    } else if (f & TCPF_RST) {
        if (hist_check(c, d, H_RST, 'R') && rel != e->hist_rst)
            hist_add(c, d, 'R');
        e->hist_rst = rel;
    } else if (s->len) {
        hist_check(c, d, H_DATA, 'D');
    } else if (f & TCPF_ACK) {
        hist_check(c, d, H_ACK, 'A');
    }
}

/* ---- Zeek's endpoints ------------------------------------------------- */

static void zset(tcp_endpoint_t *e, uint8_t st)
{
    if (st == e->zstate)
        return;
    e->zprev = e->zstate;
    e->zstate = st;
    if (st == ZEP_CLOSED || st == ZEP_RESET)
        e->did_close = true;
}

static void z_reinit(tcp_endpoint_t *e, uint32_t start, uint32_t last)
{
    e->zstart = e->zack = start;
    e->zack_off = 0;
    e->zlast = last;
    e->zlast_off = (uint32_t)(last - start);
}

/* Zeek init_endpoint: (re)start the sequence space of the sender.  Without
 * a SYN the start is one before the first byte, as if a SYN had been seen. */
static void z_init_endpoint(tcp_endpoint_t *e, const tcp_seg_t *s, uint32_t end)
{
    bool syn = s->flags & TCPF_SYN;
    switch (e->zstate) {
    case ZEP_INACTIVE:
        if (syn)
            z_reinit(e, s->seq, end);
        else
            z_reinit(e, s->seq - 1, s->seq);
        break;
    case ZEP_SYN_SENT:
    case ZEP_SYN_ACK_SENT:
        if (syn && s->seq != e->zstart)
            z_reinit(e, s->seq, end);
        break;
    case ZEP_ESTABLISHED:
    case ZEP_PARTIAL:
        if (syn)
            z_reinit(e, s->seq, end);
        break;
    case ZEP_RESET:
        if (syn && e->zprev == ZEP_INACTIVE)
            z_reinit(e, s->seq, end);
        break;
    default:
        break;
    }
}

/* Zeek update_last_seq: advance, or count a retransmission ('T'). */
static void z_update_last(tcp_conn_t *c, unsigned d, const tcp_seg_t *s, uint32_t end)
{
    tcp_endpoint_t *e = &c->ep[d];
    int32_t dl = sdiff(end, e->zlast);
    if ((s->flags & (TCPF_SYN | TCPF_RST)) && (dl > SEQ_TOO_FAR || dl < -SEQ_TOO_FAR))
        return;
    if ((s->flags & TCPF_FIN) && e->zlast == e->zstart + 1) {
        e->zlast = end; /* only the SYN so far: trust the FIN (> 2 GB) */
        e->zlast_off = (uint32_t)(end - e->zstart);
    } else if (e->zstate == ZEP_RESET) {
        /* no sequence number is trusted after a RST */
    } else if (dl > 0) {
        e->zlast = end;
        e->zlast_off += dl;
    } else if (s->len > 0) {
        hist_scaled(c, d, &e->n_retrans, 'T');
    }
}

static void z_update_ack(tcp_endpoint_t *e, uint32_t ack)
{
    int32_t da = sdiff(ack, e->zack);
    if (ack == 0 && da > SEQ_TOO_FAR)
        return; /* a broken ACK rather than a wrap landing on 0 */
    if (da > 0) {
        e->zack = ack;
        e->zack_off += da;
    }
}

/* Zeek's state machine, one function per endpoint state. */
static void z_inactive(tcp_conn_t *c, unsigned d, const tcp_seg_t *s)
{
    tcp_endpoint_t *e = &c->ep[d], *p = &c->ep[!d];
    uint16_t f = s->flags;
    if (f & TCPF_SYN) {
        if (d == 0) {
            zset(e, (f & TCPF_ACK) ? ZEP_SYN_ACK_SENT : ZEP_SYN_SENT);
        } else {
            if (!(f & TCPF_ACK) && p->zstate == ZEP_SYN_ACK_SENT) {
                c->is_partial = false; /* Zeek flips roles here; we do not */
                zset(p, ZEP_ESTABLISHED);
            }
            if (p->zstate == ZEP_SYN_SENT)
                zset(p, ZEP_ESTABLISHED);
            zset(e, ZEP_ESTABLISHED);
        }
    }
    if (f & TCPF_FIN)
        zset(e, ZEP_CLOSED);
    if (f & TCPF_RST)
        zset(e, ZEP_RESET);
    if (e->zstate != ZEP_INACTIVE)
        return;
    if (d == 1 && s->len == 0 && c->ep[0].zstate == ZEP_SYN_SENT)
        return; /* an ACK of the SYN before the SYN-ACK: not partial */
    if ((f & TCPF_ACK) && p->zstate == ZEP_ESTABLISHED) {
        zset(e, ZEP_ESTABLISHED); /* only the SYN was missed */
        c->is_partial = false;
    } else {
        zset(e, ZEP_PARTIAL);
    }
}

static void z_syn_sent(tcp_endpoint_t *e, uint16_t f)
{
    if (f & TCPF_FIN)
        zset(e, ZEP_CLOSED);
    if (f & TCPF_RST)
        zset(e, ZEP_RESET);
}

static void z_established(tcp_endpoint_t *e, tcp_endpoint_t *p, uint16_t f)
{
    if ((f & TCPF_SYN) && !(f & TCPF_ACK) && e->zstate == ZEP_PARTIAL && p->zstate == ZEP_INACTIVE)
        zset(e, ZEP_SYN_SENT);
    if ((f & TCPF_FIN) && !(f & TCPF_RST)) {
        zset(e, ZEP_CLOSED);
        if (p->zstate == ZEP_RESET && p->zprev == ZEP_CLOSED)
            zset(p, ZEP_CLOSED); /* the peer's FIN then RST: a normal close */
    }
    if (f & TCPF_RST)
        zset(e, ZEP_RESET);
}

static void z_closed(tcp_endpoint_t *e, const tcp_endpoint_t *p, uint16_t f)
{
    if ((f & TCPF_RST) && p->zstate != ZEP_CLOSED)
        zset(e, ZEP_RESET);
}

/* ---- content gaps (Zeek TCP_Reassembler, reduced) ---------------------- */

static bool z_clean(const tcp_endpoint_t *e)
{
    return e->zstate == ZEP_ESTABLISHED || (e->zstate == ZEP_CLOSED && e->zprev == ZEP_ESTABLISHED);
}

static void z_gap(tcp_conn_t *c, unsigned d, int64_t len)
{
    if (len > 0 && z_clean(&c->ep[d]) && z_clean(&c->ep[!d]))
        hist_scaled(c, d, &c->ep[d].n_gap, 'G');
}

/* Side d's payload [seq, seq + len) in offsets was captured whole. */
static void z_data(tcp_endpoint_t *e, int64_t seq, int64_t len)
{
    int64_t up = seq + len;
    if (seq < e->zack_off) {
        if (up <= e->zack_off)
            return; /* delivered and acknowledged already */
        seq = e->zack_off;
    }
    if (up <= e->trim)
        return;
    if (seq <= e->reasm) {
        if (up > e->reasm)
            e->reasm = up;
        if (e->blk && e->blk_lo <= e->reasm) {
            if (e->blk_hi > e->reasm)
                e->reasm = e->blk_hi;
            e->blk = false;
        }
    } else if (!e->blk) {
        e->blk = true;
        e->blk_lo = seq;
        e->blk_hi = up;
    } else {
        e->blk_lo = seq < e->blk_lo ? seq : e->blk_lo;
        e->blk_hi = up > e->blk_hi ? up : e->blk_hi;
    }
}

/* The peer acknowledged side d's stream up to offset ack: whatever up to
 * there was never delivered is a content gap. */
static void z_acked(tcp_conn_t *c, unsigned d, int64_t ack)
{
    tcp_endpoint_t *e = &c->ep[d];
    if (e->fin_sent && ack >= e->zfin_off)
        ack = e->zfin_off - 1;
    if (ack <= e->trim)
        return;
    e->trim = ack;
    if (ack <= e->reasm || (ack <= 2 && c->is_partial))
        return;
    if (e->blk && e->blk_lo < ack) {
        z_gap(c, d, e->blk_lo - e->reasm);
        e->reasm = e->blk_hi;
        e->blk = false;
    }
    if (ack > e->reasm) {
        z_gap(c, d, ack - e->reasm);
        e->reasm = ack;
    }
}

/* Zeek TCPSessionAdapter::Process for one segment. */
static void z_update(tcp_conn_t *c, unsigned d, const tcp_seg_t *s)
{
    tcp_endpoint_t *e = &c->ep[d], *p = &c->ep[!d];
    uint16_t f = s->flags;
    bool syn = f & TCPF_SYN, fin = f & TCPF_FIN, rst = f & TCPF_RST, ack = f & TCPF_ACK;
    if (!e->seen) { /* SetPartialStatus, on each side's first packet */
        if (d == 0)
            c->is_partial = !syn || ack;
        else if (!c->is_partial)
            c->is_partial = !syn;
    }
    uint32_t seg_len = (rst ? 0 : s->len) + syn + fin; /* RST data is no stream */
    uint32_t end = s->seq + seg_len;
    z_init_endpoint(e, s, end);
    int64_t rel = e->zlast_off + sdiff(s->seq, e->zlast);
    z_history(c, d, s, rel);
    if (s->win == 0 && !rst && p->zstate != ZEP_CLOSED && e->zstate != ZEP_RESET)
        hist_scaled(c, d, &e->n_zero_win, 'W');
    if (fin)
        e->zfin_off = rel + seg_len;
    int64_t rel_ack = 0;
    if (ack) {
        if (p->zstate == ZEP_INACTIVE) {
            rel_ack = 1;
            z_reinit(p, s->ack - 1, s->ack - 1); /* as if its SYN was seen */
        } else {
            rel_ack = p->zack_off + sdiff(s->ack, p->zack);
            if (rel_ack < 0)
                rel_ack = 0;
            else if (!rst)
                z_update_ack(p, s->ack);
        }
    }
    z_update_last(c, d, s, end);
    switch (e->zstate) {
    case ZEP_INACTIVE: z_inactive(c, d, s); break;
    case ZEP_SYN_SENT:
    case ZEP_SYN_ACK_SENT: z_syn_sent(e, f); break;
    case ZEP_ESTABLISHED:
    case ZEP_PARTIAL: z_established(e, p, f); break;
    case ZEP_CLOSED: z_closed(e, p, f); break;
    default: break; /* RESET: nothing changes any more */
    }
    if (ack)
        z_acked(c, !d, rel_ack);
    if (s->len && !rst && rel >= 0 && !s->truncated)
        z_data(e, rel + syn, s->len);
}

/* ---- Wireshark's analysis --------------------------------------------- */

static uint16_t ws_retrans_kind(const tcp_conn_t *c, const tcp_endpoint_t *f,
                                const tcp_endpoint_t *r, const tcp_seg_t *s)
{
    if (r->dup_acks >= 2 && r->last_ack == s->seq && s->ts_ns - r->last_ts < FAST_RETRANS_NS)
        return TA_RETRANSMISSION; /* fast retransmission */
    int64_t ooo = c->rtt_ns > 0 ? c->rtt_ns : OOO_DEFAULT_NS;
    if (s->ts_ns - f->ws_next_ts < ooo && f->ws_next != s->seq + s->len)
        return TA_OUT_OF_ORDER;
    return TA_RETRANSMISSION; /* spurious ones included */
}

static uint16_t ws_analyze(tcp_conn_t *c, unsigned d, const tcp_seg_t *s)
{
    tcp_endpoint_t *f = &c->ep[d], *r = &c->ep[!d];
    uint16_t fl = s->flags, a = 0;
    bool ctl = fl & (TCPF_SYN | TCPF_FIN | TCPF_RST), known = f->ws_next_known;
    if (s->len == 1 && known && s->seq == f->ws_next && r->seen && r->last_win == 0) {
        a = TA_ZERO_WINDOW_PROBE;
    } else {
        if (s->win == 0 && !ctl)
            a |= TA_ZERO_WINDOW;
        if (known && sdiff(s->seq, f->ws_next) > 0 && !(fl & TCPF_RST))
            a |= TA_LOST_SEGMENT;
        if (s->len <= 1 && known && s->seq == f->ws_next - 1 && !ctl)
            a |= TA_KEEP_ALIVE;
        bool same = s->len == 0 && !ctl && known && f->seen && s->seq == f->ws_next &&
                    s->ack == f->last_ack;
        if (same && s->win && s->win != f->last_win)
            a |= TA_WINDOW_UPDATE;
        if (same && s->win && s->win == f->last_win && (r->ws_flags & TA_KEEP_ALIVE)) {
            a |= TA_KEEP_ALIVE_ACK;
        } else if (same && s->win == 0 && f->last_win == 0 && (r->ws_flags & TA_ZERO_WINDOW_PROBE)) {
            /* the ACK of a zero window probe: no duplicate ACK */
        } else if (same && s->win && s->win == f->last_win) {
            f->dup_acks++;
            a |= TA_DUP_ACK;
        }
    }
    if (s->ack != f->last_ack)
        f->dup_acks = 0;
    if ((s->len || (fl & (TCPF_SYN | TCPF_FIN))) && known && sdiff(s->seq, f->ws_next) < 0 &&
        !(a & TA_KEEP_ALIVE))
        a |= ws_retrans_kind(c, f, r, s);
    uint32_t nxt = s->seq + s->len + ((fl & (TCPF_SYN | TCPF_FIN)) ? 1 : 0);
    if ((!known || sdiff(nxt, f->ws_next) > 0) && !(a & TA_ZERO_WINDOW_PROBE)) {
        f->ws_next = nxt;
        f->ws_next_known = true;
        f->ws_next_ts = s->ts_ns;
    }
    f->last_win = s->win;
    f->last_ack = s->ack;
    f->ws_flags = a;
    return a;
}

/* ---- RFC 793 states and events ---------------------------------------- */

/* The segment acknowledges the byte at seq (a SYN or a FIN). */
static bool acks(const tcp_seg_t *s, uint32_t seq)
{
    return (s->flags & TCPF_ACK) && sdiff(s->ack, seq + 1) >= 0;
}

static bool in_handshake(uint8_t st)
{
    return st == TCPS_SYN_SENT || st == TCPS_SYN_RECEIVED;
}

/* A SYN from side d: the handshake step it makes, 0 if none. */
static int rfc_syn(tcp_conn_t *c, unsigned d, const tcp_seg_t *s)
{
    tcp_endpoint_t *S = &c->ep[d], *R = &c->ep[!d];
    bool fresh = S->state == TCPS_CLOSED || S->state == TCPS_LISTEN;
    if (fresh || !S->syn_sent) {
        S->syn_sent = true;
        S->syn_seq = s->seq;
    }
    if (!(s->flags & TCPF_ACK)) {
        if (!fresh)
            return 0; /* a repeated SYN */
        S->state = TCPS_SYN_SENT;
        if (R->state == TCPS_SYN_SENT) {
            R->state = TCPS_SYN_RECEIVED; /* simultaneous open */
            return 2;
        }
        return 1;
    }
    if (!fresh && S->state != TCPS_SYN_SENT)
        return 0; /* a repeated SYN-ACK */
    if (R->state == TCPS_CLOSED || R->state == TCPS_LISTEN)
        R->state = TCPS_SYN_SENT; /* its SYN was not captured */
    S->state = TCPS_SYN_RECEIVED;
    return 2;
}

/* An ACK from side d: handshake completion and the teardown step (2 or 4)
 * when it acknowledges the peer's FIN. */
static int rfc_ack(tcp_conn_t *c, unsigned d, const tcp_seg_t *s)
{
    tcp_endpoint_t *S = &c->ep[d], *R = &c->ep[!d];
    if (!R->syn_sent || acks(s, R->syn_seq)) {
        S->acked_syn = true;
        if (in_handshake(R->state))
            R->syn_acked = true;
    }
    if (S->state == TCPS_CLOSED && !S->syn_sent && !S->rst_sent && s->len &&
        R->state == TCPS_SYN_SENT && S->acked_syn)
        S->state = TCPS_ESTABLISHED; /* data answering the SYN: its SYN-ACK was missed */
    if (in_handshake(R->state) && R->syn_acked && R->acked_syn)
        R->state = TCPS_ESTABLISHED;
    if (in_handshake(S->state) && S->syn_acked && S->acked_syn)
        S->state = TCPS_ESTABLISHED;
    if (!R->fin_sent || !acks(s, R->fin_seq))
        return 0;
    if (S->state == TCPS_ESTABLISHED)
        S->state = TCPS_CLOSE_WAIT;
    else if (S->state == TCPS_FIN_WAIT_2)
        S->state = TCPS_TIME_WAIT;
    if (R->state == TCPS_FIN_WAIT_1)
        R->state = TCPS_FIN_WAIT_2;
    else if (R->state == TCPS_CLOSING)
        R->state = TCPS_TIME_WAIT;
    else if (R->state == TCPS_LAST_ACK)
        R->state = TCPS_CLOSED;
    return c->first_fin == (!d) + 1u ? 2 : 4;
}

/* A FIN from side d: the teardown step (1 or 3), 0 if not a new one. */
static int rfc_fin(tcp_conn_t *c, unsigned d, const tcp_seg_t *s)
{
    tcp_endpoint_t *S = &c->ep[d], *R = &c->ep[!d];
    bool first = !S->fin_sent;
    uint8_t before = S->state;
    S->fin_sent = true;
    S->fin_seq = s->seq + s->len;
    switch (S->state) {
    case TCPS_SYN_SENT:
    case TCPS_SYN_RECEIVED:
    case TCPS_ESTABLISHED:
        /* the peer's FIN not acknowledged yet: a simultaneous close */
        S->state = R->fin_sent ? TCPS_CLOSING : TCPS_FIN_WAIT_1;
        break;
    case TCPS_CLOSE_WAIT: S->state = TCPS_LAST_ACK; break;
    default: break;
    }
    if (!first || S->state == before)
        return 0;
    if (R->state == TCPS_FIN_WAIT_1)
        R->state = TCPS_CLOSING;
    if (c->first_fin)
        return 3;
    c->first_fin = (uint8_t)(d + 1);
    return 1;
}

static const char *rfc_update(tcp_conn_t *c, unsigned d, const tcp_seg_t *s, tcp_result_t *out)
{
    static const char *const hs_ev[4] = {NULL, "handshake 1/3", "handshake 2/3", "handshake 3/3"};
    static const char *const td_ev[5] = {NULL, "teardown 1/4", "teardown 2/4", "teardown 3/4",
                                         "teardown 4/4"};
    tcp_endpoint_t *S = &c->ep[d], *R = &c->ep[!d];
    uint16_t f = s->flags;
    if (f & TCPF_RST) {
        S->rst_sent = true;
        if (f & TCPF_FIN) {
            S->fin_sent = true; /* Zeek counts the FIN (sizes) */
            S->fin_seq = s->seq + s->len;
        }
        S->state = R->state = TCPS_CLOSED;
        c->opened = true;
        return "reset";
    }
    if (!c->opened && !(f & TCPF_SYN) && ((f & (TCPF_ACK | TCPF_FIN)) || s->len)) {
        S->state = R->state = TCPS_ESTABLISHED; /* first seen mid-stream */
        c->opened = true;
    }
    int hs = 0;
    unsigned steps = 0;
    if (f & TCPF_SYN) {
        hs = rfc_syn(c, d, s);
        c->opened = true;
    }
    if (f & TCPF_ACK)
        steps |= 1u << rfc_ack(c, d, s);
    if (f & TCPF_FIN)
        steps |= 1u << rfc_fin(c, d, s);
    steps &= ~1u & ~(unsigned)c->teardown_done;

    const char *ev = NULL;
    if (hs > c->handshake_step) {
        c->handshake_step = (uint8_t)hs;
        ev = hs_ev[hs];
        if (hs == 1)
            c->syn_ts = s->ts_ns;
    }
    if (c->handshake_step && c->handshake_step < 3 && S->state >= TCPS_ESTABLISHED &&
        R->state >= TCPS_ESTABLISHED) {
        c->handshake_step = 3;
        ev = hs_ev[3];
        if (c->syn_ts >= 0)
            out->rtt_ns = c->rtt_ns = s->ts_ns - c->syn_ts;
    }
    if (steps) {
        unsigned top = steps & 16 ? 4 : steps & 8 ? 3 : steps & 4 ? 2 : 1;
        c->teardown_done |= (uint8_t)steps;
        ev = td_ev[top];
    }
    return ev;
}

/* ---- the textbook view (see tcp_state.h) -------------------------------- */

const char *tcp_tb_state_name(unsigned state)
{
    return state == TCPS_UNKNOWN ? "UNKNOWN" : tcp_state_name(state);
}

void tcp_tb_init(tcp_tb_t *t, unsigned hints)
{
    memset(t, 0, sizeof *t);
    t->hints = (uint8_t)hints;
    t->st[0] = TCPS_CLOSED;
    t->st[1] = (hints & TB_SILENT_SERVER) ? TCPS_UNKNOWN
               : (hints & TB_NO_LISTENER) ? TCPS_CLOSED
                                          : TCPS_LISTEN;
}

const char *tcp_tb_start_call(const tcp_tb_t *t, unsigned side)
{
    if (side == 0)
        return NULL;
    if (t->hints & TB_SILENT_SERVER)
        return "never answered: down, or a firewall dropped the SYN";
    if (t->hints & TB_NO_LISTENER)
        return "no socket listens on the port";
    return "listen()";
}

/* A RST sent by side d (RFC 793 3.4 "Reset Processing"): the sender is
 * CLOSED; the receiver too, except a server that came to SYN_RECEIVED
 * from LISTEN, which returns to LISTEN. */
static void tb_rst(tcp_tb_t *t, const tcp_tb_seq_t *q, unsigned d, tcp_tb_step_t *out)
{
    uint8_t *S = &t->st[d], *R = &t->st[!d];
    if (d == 1 && !q->syn[1] && (*S == TCPS_SYN_RECEIVED || *S == TCPS_CLOSED))
        out->call[d] = "the kernel answers RST: nothing listens";
    *S = TCPS_CLOSED;
    switch (*R) {
    case TCPS_SYN_SENT:
        *R = TCPS_CLOSED;
        out->call[!d] = "connect() fails: ECONNREFUSED";
        break;
    case TCPS_SYN_RECEIVED:
        *R = d == 0 ? TCPS_LISTEN : TCPS_CLOSED;
        break;
    case TCPS_LISTEN:
    case TCPS_CLOSED:
        break;
    case TCPS_TIME_WAIT:
        *R = TCPS_CLOSED;
        break;
    default:
        *R = TCPS_CLOSED;
        out->call[!d] = "read() fails: ECONNRESET";
        break;
    }
}

/* The ACK field of a segment from side d reaching side r = !d. */
static void tb_ack(tcp_tb_t *t, const tcp_tb_seq_t *q, unsigned d, bool syn, uint32_t ack,
                   tcp_tb_step_t *out)
{
    unsigned r = !d;
    uint8_t *S = &t->st[d], *R = &t->st[r];
    bool acks_syn = q->syn[r] && sdiff(ack, q->syn_seq[r] + 1) >= 0;
    bool acks_fin = q->fin[r] && sdiff(ack, q->fin_seq[r] + 1) >= 0;
    switch (*R) {
    case TCPS_SYN_SENT:
        /* the SYN-ACK; or any segment acknowledging the SYN (the SYN-ACK
         * was not captured) */
        if (acks_syn || (syn && !q->syn[r])) {
            *R = TCPS_ESTABLISHED;
            out->call[r] = "connect() returns";
        }
        break;
    case TCPS_SYN_RECEIVED:
        if (acks_syn || !q->syn[r]) {
            *R = TCPS_ESTABLISHED;
            out->call[r] = r == 1 ? "accept() returns" : "connect() returns";
        }
        break;
    case TCPS_FIN_WAIT_1:
        if (acks_fin)
            *R = TCPS_FIN_WAIT_2;
        break;
    case TCPS_CLOSING:
        if (acks_fin)
            *R = TCPS_TIME_WAIT;
        break;
    case TCPS_LAST_ACK:
        if (acks_fin)
            *R = TCPS_CLOSED;
        break;
    default:
        break;
    }
    /* the sender acknowledging the peer's SYN was past its SYN_SENT (its
     * SYN-ACK was not captured) */
    if (*S == TCPS_SYN_SENT && !syn && acks_syn)
        *S = TCPS_ESTABLISHED;
}

/* A FIN sent by side d, then its arrival. */
static void tb_fin(tcp_tb_t *t, const tcp_tb_seq_t *q, unsigned d, bool ackf, uint32_t ack,
                   tcp_tb_step_t *out)
{
    unsigned r = !d;
    uint8_t *S = &t->st[d], *R = &t->st[r];
    bool peer_fin = q->fin[r];
    bool peer_fin_acked = peer_fin && ackf && sdiff(ack, q->fin_seq[r] + 1) >= 0;
    switch (*S) {
    case TCPS_SYN_RECEIVED:
    case TCPS_ESTABLISHED:
        *S = TCPS_FIN_WAIT_1;
        out->call[d] = "close()";
        break;
    case TCPS_CLOSE_WAIT:
        /* a FIN not acknowledging the peer's was sent before that one
         * arrived: the FINs crossed (simultaneous close) */
        if (peer_fin && !peer_fin_acked) {
            *S = TCPS_CLOSING;
            out->call[d] = "close(), the FINs crossed (simultaneous close)";
        } else {
            *S = TCPS_LAST_ACK;
            out->call[d] = "close()";
        }
        break;
    case TCPS_UNKNOWN:
        *S = peer_fin ? TCPS_LAST_ACK : TCPS_FIN_WAIT_1;
        out->call[d] = "close()";
        break;
    default:
        break; /* a repeated FIN: no new step */
    }
    switch (*R) {
    case TCPS_SYN_RECEIVED:
    case TCPS_ESTABLISHED:
        *R = TCPS_CLOSE_WAIT;
        break;
    case TCPS_FIN_WAIT_1:
        *R = TCPS_CLOSING;
        break;
    case TCPS_FIN_WAIT_2:
        *R = TCPS_TIME_WAIT;
        break;
    case TCPS_UNKNOWN:
        if (q->fin[r])
            return;
        *R = TCPS_CLOSE_WAIT;
        break;
    default:
        return;
    }
    out->call[r] = "read() returns 0";
}

void tcp_tb_seq_note(tcp_tb_seq_t *q, unsigned dir, uint16_t flags, uint32_t seq, uint32_t len)
{
    unsigned d = dir & 1u;
    if ((flags & TCPF_RST))
        return;
    if ((flags & TCPF_SYN) && !q->syn[d]) {
        q->syn[d] = true;
        q->syn_seq[d] = seq;
    }
    if (flags & TCPF_FIN) {
        q->fin[d] = true;
        q->fin_seq[d] = seq + len; /* as tcp_state's endpoints keep it */
    }
}

void tcp_tb_update(tcp_tb_t *t, const tcp_tb_seq_t *q, unsigned dir, uint16_t flags,
                   uint32_t ack, tcp_tb_step_t *out)
{
    unsigned d = dir & 1u, r = !d;
    bool syn = flags & TCPF_SYN, ackf = flags & TCPF_ACK, fin = flags & TCPF_FIN;
    out->call[0] = out->call[1] = NULL;
    out->via[0] = out->via[1] = TCPS_NONE;
    if (!t->started) {
        t->started = true;
        if (!syn) {
            /* first seen mid-stream: nothing says what the states were */
            t->st[0] = t->st[1] = TCPS_UNKNOWN;
        } else if (ackf && d == 1) {
            t->st[0] = TCPS_SYN_SENT; /* the SYN-ACK says: its SYN was not captured */
        }
    }
    out->before[0] = t->st[0];
    out->before[1] = t->st[1];
    uint8_t *S = &t->st[d], *R = &t->st[r];
    if (flags & TCPF_RST) {
        tb_rst(t, q, d, out);
    } else {
        if (syn) {
            if (!ackf) {
                if (*S == TCPS_CLOSED) {
                    *S = TCPS_SYN_SENT;
                    out->call[d] = "connect()";
                }
                if (*R == TCPS_LISTEN || *R == TCPS_SYN_SENT)
                    *R = TCPS_SYN_RECEIVED; /* SYN_SENT: a simultaneous open */
            } else if (*S == TCPS_LISTEN || *S == TCPS_UNKNOWN) {
                *S = TCPS_SYN_RECEIVED; /* the SYN it answers was not captured */
            }
        }
        if (ackf)
            tb_ack(t, q, d, syn, ack, out);
        uint8_t mid[2] = {t->st[0], t->st[1]};
        if (fin)
            tb_fin(t, q, d, ackf, ack, out);
        for (unsigned k = 0; k < 2; k++)
            if (mid[k] != out->before[k] && mid[k] != t->st[k])
                out->via[k] = mid[k];
    }
    if (t->hints & TB_SILENT_SERVER)
        t->st[1] = TCPS_UNKNOWN;
    out->after[0] = t->st[0];
    out->after[1] = t->st[1];
}

/* ---- the interface ---------------------------------------------------- */

void tcp_conn_init(tcp_conn_t *c, bool flipped)
{
    memset(c, 0, sizeof *c);
    c->flipped = flipped;
    c->syn_ts = c->rtt_ns = -1;
    for (unsigned i = 0; i < 2; i++)
        c->ep[i].reasm = c->ep[i].trim = 1; /* offset 1: the first data byte */
    if (flipped)
        hist_add(c, 0, '^');
    tcp_tb_init(&c->tb, 0);
}

void tcp_conn_update(tcp_conn_t *c, const tcp_seg_t *s, tcp_result_t *out)
{
    unsigned d = s->dir & 1u;
    tcp_endpoint_t *e = &c->ep[d];
    out->state_before = e->state;
    out->rtt_ns = -1;
    /* Zeek's TCP_Endpoint::ChecksumError: 'C'/'c' after 1, 10, 100, ...
     * bad checksums.  Zeek then drops the segment; we go on, because a
     * capture taken on the sending host holds checksums the network card
     * fills in later (offloading), and dropping them would lose the
     * connection (Zeek users pass -C for such captures). */
    if (s->bad_checksum)
        hist_scaled(c, d, &e->n_bad_csum, 'C');
    out->analysis = ws_analyze(c, d, s);
    out->event = rfc_update(c, d, s, out);
    /* the SYNs and FINs as the endpoints hold them (this segment's too) */
    tcp_tb_seq_t q;
    for (unsigned k = 0; k < 2; k++) {
        q.syn[k] = c->ep[k].syn_sent;
        q.syn_seq[k] = c->ep[k].syn_seq;
        q.fin[k] = c->ep[k].fin_sent && !c->ep[k].rst_sent;
        q.fin_seq[k] = c->ep[k].fin_seq;
    }
    tcp_tb_update(&c->tb, &q, d, s->flags, s->ack, &out->tb);
    z_update(c, d, s);
    if (!out->event && (out->analysis & TA_RETRANSMISSION))
        out->event = tcp_ev_retransmission;
    out->state_after = e->state;
    e->seen = true;
    e->last_ts = s->ts_ns;
}

uint64_t tcp_conn_bytes(const tcp_conn_t *c, unsigned dir)
{
    const tcp_endpoint_t *e = &c->ep[dir & 1u], *p = &c->ep[!(dir & 1u)];
    bool no_data_acked = e->zack_off == 0 || e->zack_off == 1;
    if (e->zprev == ZEP_SYN_SENT && e->zstate == ZEP_RESET && p->zstate == ZEP_INACTIVE &&
        !no_data_acked)
        return 0; /* a half-open connection found and aborted */
    int64_t size = e->zlast_off > e->zack_off ? e->zlast_off : e->zack_off;
    if (size <= 0)
        return 0;
    size--; /* the SYN (or the place of one) */
    if (e->fin_sent && size > 0)
        size--;
    return (uint64_t)size;
}

/* Zeek's RSTOS0 test: the history matches /^\^?S[^HAFGIQ]*R.*$/. */
static bool syn_then_rst(const char *h)
{
    if (*h == '^')
        h++;
    if (*h++ != 'S')
        return false;
    for (; *h; h++) {
        if (*h == 'R')
            return true;
        if (strchr("HAFGIQ", *h))
            return false;
    }
    return false;
}

const char *tcp_conn_state(const tcp_conn_t *c)
{
    uint8_t os = c->ep[0].zstate, rs = c->ep[1].zstate;
    bool o_inactive = os == ZEP_INACTIVE || os == ZEP_PARTIAL;
    bool r_inactive = rs == ZEP_INACTIVE || rs == ZEP_PARTIAL;
    if (rs == ZEP_RESET) {
        if (os == ZEP_SYN_SENT || os == ZEP_SYN_ACK_SENT ||
            (os == ZEP_RESET && tcp_conn_bytes(c, 0) == 0 && tcp_conn_bytes(c, 1) == 0))
            return "REJ";
        return o_inactive ? "RSTRH" : "RSTR";
    }
    if (os == ZEP_RESET)
        return !r_inactive ? "RSTO" : syn_then_rst(c->history) ? "RSTOS0" : "OTH";
    if (rs == ZEP_CLOSED && os == ZEP_CLOSED)
        return "SF";
    if (os == ZEP_CLOSED)
        return r_inactive ? "SH" : "S2";
    if (rs == ZEP_CLOSED)
        return o_inactive ? "SHR" : "S3";
    if (os == ZEP_SYN_SENT && rs == ZEP_INACTIVE)
        return "S0";
    if (os == ZEP_ESTABLISHED && rs == ZEP_ESTABLISHED)
        return "S1";
    return "OTH";
}

bool tcp_conn_reusable(const tcp_conn_t *c)
{
    return c->ep[0].did_close || c->ep[1].did_close; /* Zeek IsClosed() */
}

bool tcp_conn_is_reuse(const tcp_conn_t *c, const tcp_seg_t *s)
{
    if (!(s->flags & TCPF_SYN))
        return false;
    const tcp_endpoint_t *o = &c->ep[0], *r = &c->ep[1];
    if (s->flags & TCPF_ACK) {
        if (o->zstate != ZEP_INACTIVE)
            return false; /* not a half connection */
        o = r;
    }
    if (tcp_conn_reusable(c))
        return true;
    if (s->seq == o->zstart)
        return false; /* the same SYN again */
    /* a SYN answering a SYN-ACK seen first (the reversal Zeek flips) */
    return (s->flags & TCPF_ACK) || o->zstate != ZEP_SYN_ACK_SENT || r->zstate != ZEP_INACTIVE ||
           s->seq != r->zstart;
}
