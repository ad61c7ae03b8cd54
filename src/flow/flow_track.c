/* flow_track.c - what a packet does to its flow (see flow.h): the
 * canonical key, TCP state and analysis marks, counting per side,
 * reassembly hand-off and service pinning, and the summary record at the
 * end.  The table the flows live in is flow_table.c.
 *
 * Rules taken from Zeek (learned, not copied): the originator is decided
 * when a flow is created, by Zeek's WantConnection (see zeek_flip()
 * below and likely_ports.h); a flip puts '^' first in its history; a SYN
 * on a tuple whose connection is over starts a new flow with a new id.
 */
#include "flow_table.h"

#include <string.h>

#include "likely_ports.h"
#include "registry.h"

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* The summary record of flow f as it stands, the flow left as it is. */
static void flow_summary(const flow_t *f, uint8_t end, flow_rec_t *r)
{
    memset(r, 0, sizeof *r); /* padding too: the record goes to a file */
    r->id = f->id;
    r->tunnel = f->tunnel;
    r->proto = f->key.proto;
    r->family = f->key.family;
    r->end = end;
    r->valid = 1;
    r->orig_p = f->orig_p;
    r->resp_p = f->resp_p;
    memcpy(r->orig_h, f->orig_is_a ? f->key.a : f->key.b, 16);
    memcpy(r->resp_h, f->orig_is_a ? f->key.b : f->key.a, 16);
    r->first_ts = f->first_ts;
    r->last_ts = f->last_ts;
    r->orig_pkts = f->pkts[0];
    r->resp_pkts = f->pkts[1];
    r->orig_ip_bytes = f->ip_bytes[0];
    r->resp_ip_bytes = f->ip_bytes[1];
    r->rtt_ns = -1;
    if (f->key.proto == 6) {
        copy_str(r->conn_state, sizeof r->conn_state, tcp_conn_state(&f->tcp));
        copy_str(r->history, sizeof r->history, f->tcp.history);
        r->orig_bytes = tcp_conn_bytes(&f->tcp, 0);
        r->resp_bytes = tcp_conn_bytes(&f->tcp, 1);
        r->rtt_ns = f->tcp.rtt_ns;
        r->state[0] = f->tcp.ep[0].state;
        r->state[1] = f->tcp.ep[1].state;
        r->tb_state[0] = f->tcp.tb.started ? f->tcp.tb.st[0] : TCPS_UNKNOWN;
        r->tb_state[1] = f->tcp.tb.started ? f->tcp.tb.st[1] : TCPS_UNKNOWN;
        memcpy(r->analysis, f->analysis, sizeof r->analysis);
    } else if (f->key.proto == 17) {
        /* Zeek's conn_state for UDP (base/protocols/conn/main.zeek): SF
         * when both sides sent, S0 when only the originator did, SHR when
         * only the responder did (roles flipped), else OTH */
        r->orig_bytes = f->bytes[0];
        r->resp_bytes = f->bytes[1];
        copy_str(r->conn_state, sizeof r->conn_state,
                 r->orig_pkts ? (r->resp_pkts ? "SF" : "S0") : (r->resp_pkts ? "SHR" : "OTH"));
        copy_str(r->history, sizeof r->history, f->hist);
    } else {
        r->orig_bytes = f->bytes[0];
        r->resp_bytes = f->bytes[1];
        copy_str(r->conn_state, sizeof r->conn_state, "OTH");
        r->history[0] = '\0';
    }
    if (f->service)
        copy_str(r->service, sizeof r->service, f->service->name);
}

void flow_track_end(flow_table_t *ft, flow_t *f, uint8_t end, flow_rec_t *r)
{
    flow_summary(f, end, r);
    if (f->key.proto == 6) {
        stream_release(&f->st[0], &ft->streams);
        stream_release(&f->st[1], &ft->streams);
    }
}

int flow_snapshot(flow_table_t *ft, void (*each)(void *arg, const flow_rec_t *rec), void *arg)
{
    int rc = 0;
    if (ft->st.expired || ft->st.evicted || ft->st.reused) {
        /* flows that left the table are in the spill file (or pending) */
        if (flow_foreach_spilled(ft, each, arg) < 0)
            rc = -1;
    }
    flow_rec_t rec;
    for (uint32_t i = 0; i < ft->unused; i++) {
        if (!ft->flows[i].in_use)
            continue;
        flow_summary(&ft->flows[i], FE_OPEN, &rec);
        each(arg, &rec);
    }
    return rc;
}

/* ---- from the record to a key ------------------------------------------ */

/* The addresses of the IP header the transport layer rides on, from the
 * facts its dissector left (false before both were read). */
static bool get_addrs(const dctx_t *x, uint8_t src[16], uint8_t dst[16], uint8_t *family)
{
    if (!x->ip.version)
        return false;
    memcpy(src, x->ip.src, 16);
    memcpy(dst, x->ip.dst, 16);
    *family = x->ip.version;
    return true;
}

/* Does the first packet of a new flow come from its responder?  Zeek's
 * TCPAnalyzer::WantConnection (packet_analysis/protocol/tcp/TCP.cc) and
 * UDPAnalyzer::WantConnection (udp/UDP.cc), as IPBasedAnalyzer::NewConn
 * applies them (ip/IPBasedAnalyzer.cc), over Zeek's default
 * likely_server_ports (likely_ports.c):
 *   - UDP, and TCP without SYN or with SYN-ACK: flipped when the source
 *     port is a likely server port and the destination port is not;
 *   - TCP without SYN, both ports likely: flipped when the source port is
 *     the lower one;
 *   - TCP SYN without ACK: never;
 *   - never when the packet goes to the IPv4 limited broadcast address. */
static bool zeek_flip(uint8_t proto, uint16_t flags, uint16_t sport, uint16_t dport,
                      uint8_t family, const uint8_t dst[16])
{
    static const uint8_t bcast[4] = {255, 255, 255, 255};
    if (family == 4 && memcmp(dst, bcast, 4) == 0)
        return false;
    bool ls = likely_server_port(proto, sport), ld = likely_server_port(proto, dport);
    if (proto == 6) {
        bool syn = flags & TCPF_SYN, ack = flags & TCPF_ACK;
        if (syn && !ack)
            return false;
        if (!syn && ls && ld)
            return sport < dport;
    }
    return ls && !ld;
}

/* Build the canonical key; *sender_is_a says which end sent this packet. */
static void make_key(flow_key_t *k, uint8_t proto, uint8_t family, const uint8_t src[16],
                     uint16_t sport, const uint8_t dst[16], uint16_t dport, bool *sender_is_a)
{
    memset(k, 0, sizeof *k);
    k->proto = proto;
    k->family = family;
    int c = memcmp(src, dst, 16);
    bool s_first = c < 0 || (c == 0 && sport <= dport);
    memcpy(k->a, s_first ? src : dst, 16);
    memcpy(k->b, s_first ? dst : src, 16);
    k->pa = s_first ? sport : dport;
    k->pb = s_first ? dport : sport;
    *sender_is_a = s_first;
}

/* ---- per packet ---------------------------------------------------------- */

/* Fields the tracker adds to a TCP layer (Wireshark's tcp.analysis). */
enum { FLOWF_ANALYSIS, FLOWF_ANALYSIS_MARK, FLOWF_RTT };
static const field_def_t flow_fields[] = {
    [FLOWF_ANALYSIS] = FIELD("analysis", FT_ARRAY, "tcp.analysis.flags", "Analysis marks"),
    [FLOWF_ANALYSIS_MARK] = FIELD("mark", FT_STR, "tcp.analysis.flag", "Analysis mark"),
    [FLOWF_RTT] = FIELD("handshake_rtt_us", FT_UINT, "tcp.analysis.initial_rtt",
                        "Handshake round-trip time (us)"),
};

static void ladder_add(flow_ladder_t *L, const seg_fact_t *s)
{
    L->nsent[s->dir & 1u]++;
    uint32_t n = L->nsegs++;
    if (n < FLOW_LADDER_HEAD) {
        L->seg[n] = *s;
        L->n = (uint8_t)(n + 1);
        return;
    }
    /* the tail is a ring over the last FLOW_LADDER_TAIL segments */
    L->seg[FLOW_LADDER_HEAD + (n - FLOW_LADDER_HEAD) % FLOW_LADDER_TAIL] = *s;
    uint32_t tail = n + 1 - FLOW_LADDER_HEAD;
    L->n = (uint8_t)(FLOW_LADDER_HEAD + (tail < FLOW_LADDER_TAIL ? tail : FLOW_LADDER_TAIL));
}

static void account(flow_t *f, bool from_orig, uint32_t ip_len, uint32_t payload, int64_t now)
{
    if (now > f->last_ts)
        f->last_ts = now; /* the latest packet, whatever the capture's order */
    unsigned side = from_orig ? 0 : 1;
    f->pkts[side]++;
    f->ip_bytes[side] += ip_len;
    if (f->key.proto != 6)
        f->bytes[side] += payload; /* TCP's come from its sequence numbers */
}

/* The payload goes to the application protocol of the flow: the one
 * pinned on it, else the port tables (lower port first), else the
 * heuristics; a protocol with message boundaries (pdu_len) is
 * reassembled across segments. */
static void reassemble(flow_table_t *ft, flow_t *f, const tcp_seg_t *seg, record_t *r, dctx_t *x,
                       const layer_t *l)
{
    stream_t *st = &f->st[seg->dir];
    if ((seg->flags & TCPF_SYN) && !st->init) {
        st->init = true;
        st->next = seg->seq + 1;
    }
    if (seg->flags & TCPF_ACK)
        stream_ack(&f->st[seg->dir ^ 1], &ft->streams, &ft->sst, seg->ack);
    if (seg->len == 0 || !x->has_payload)
        return;
    const dissector_t *app = f->service;
    if (!app) {
        uint16_t lo = f->key.pa < f->key.pb ? f->key.pa : f->key.pb;
        uint16_t hi = f->key.pa < f->key.pb ? f->key.pb : f->key.pa;
        app = registry_dispatch(TBL_TCP_PORT, lo, hi, &x->payload);
    }
    if (app && app->pdu_len) {
        stream_segment(st, &ft->streams, &ft->sst, app, seg->seq, (seg->flags & TCPF_SYN) != 0, r,
                       x, ft->now);
    } else if (f->service) {
        x->next_direct = f->service; /* pinned first (engine.c order) */
    }
    (void)l;
}

/* A new flow met in a packet after another flow's layer (the outer UDP
 * flow of a VXLAN, Geneve, Teredo, GTP-U or AYIYA tunnel) is carried by
 * that flow: Zeek's tunnel_parents. */
static void note_tunnel(flow_table_t *ft, int32_t i)
{
    if (ft->current >= 0 && ft->current != i)
        ft->flows[i].tunnel = ft->flows[ft->current].id;
}

/* Zeek flipped a TCP connection's roles after its first packets (see
 * tcp_state.c z_inactive): what the flow keeps per side trades places. */
static void flip_roles(flow_t *f)
{
    f->orig_is_a = !f->orig_is_a;
    uint16_t p = f->orig_p;
    f->orig_p = f->resp_p;
    f->resp_p = p;
    uint64_t n = f->pkts[0];
    f->pkts[0] = f->pkts[1];
    f->pkts[1] = n;
    n = f->ip_bytes[0];
    f->ip_bytes[0] = f->ip_bytes[1];
    f->ip_bytes[1] = n;
    uint32_t b = f->td_base[0];
    f->td_base[0] = f->td_base[1];
    f->td_base[1] = b;
    stream_t st = f->st[0];
    f->st[0] = f->st[1];
    f->st[1] = st;
}

/* tcpdump's relative sequence numbers (print-tcp.c, tcp_print): only
 * segments with ACK take part; the first of a connection, and any with
 * SYN (a SYN-ACK), records the bases (this side's seq, the other side's
 * ack - 1) and is shown with absolute numbers; the others are shown
 * relative to the bases, SACK blocks relative to the receiver's.
 * tcpdump remembers a tuple forever; we remember it as long as its flow
 * (a flow expired or evicted mid-connection starts over). */
static void relative_seq(flow_table_t *ft, flow_t *f, const tcp_seg_t *s, record_t *r,
                         const layer_t *l)
{
    r->flow.rel = false;
    if (ft->absolute_seq || !(s->flags & TCPF_ACK))
        return;
    unsigned d = s->dir & 1u;
    if (!f->td_known || (s->flags & TCPF_SYN)) {
        f->td_known = true;
        f->td_base[d] = s->seq;
        f->td_base[d ^ 1] = s->ack - 1;
        return;
    }
    r->flow.rel = true;
    r->flow.rel_layer = (uint8_t)(l - r->layers);
    r->flow.rel_seq = s->seq - f->td_base[d];
    r->flow.rel_ack = s->ack - f->td_base[d ^ 1];
    r->flow.rel_sack_base = f->td_base[d ^ 1];
}

static void track_tcp(flow_table_t *ft, record_t *r, dctx_t *x, layer_t *l, bool count)
{
    uint8_t src[16], dst[16], family;
    if (!get_addrs(x, src, dst, &family))
        return;
    const l4_facts_t *t = &x->l4;
    if (!t->ports)
        return; /* cut before its ports */
    uint16_t sport = t->sport, dport = t->dport;
    tcp_seg_t seg = {0};
    seg.flags = t->flags;
    seg.seq = t->seq;
    seg.ack = t->ack;
    seg.win = t->win;
    seg.len = t->len;
    seg.ts_ns = ft->now;
    seg.bad_checksum = t->bad_checksum;
    /* payload cut by the snaplen: Zeek cannot deliver it (a gap) */
    seg.truncated = x->has_payload && cur_left(&x->payload) < seg.len;
    if (seg.flags & TCPF_SYN) {
        seg.has_wscale = t->has_wscale;
        seg.wscale = t->wscale;
    }

    flow_key_t k;
    bool sender_is_a;
    make_key(&k, 6, family, src, sport, dst, dport, &sender_is_a);
    uint32_t h = flow_key_hash(&k);
    int32_t i = flow_lookup(ft, &k, h);
    bool pure_syn = (seg.flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN;
    if (i >= 0 && pure_syn && l->status == LS_OK && tcp_conn_is_reuse(&ft->flows[i].tcp, &seg)) {
        /* a new connection on a finished tuple: a new flow (Zeek) */
        flow_release(ft, i, FE_REUSED);
        ft->st.reused++;
        i = -1;
    }
    if (i < 0) {
        bool flipped = zeek_flip(6, seg.flags, sport, dport, family, dst);
        bool orig_is_a = flipped ? !sender_is_a : sender_is_a;
        i = flow_create(ft, &k, h, orig_is_a);
        tcp_conn_init(&ft->flows[i].tcp, flipped);
        note_tunnel(ft, i);
    }
    flow_t *f = &ft->flows[i];
    bool from_orig = f->orig_is_a == sender_is_a;
    seg.dir = from_orig ? 0 : 1;
    tcp_result_t res;
    /* a header cut short or contradicting itself is placed in its flow
     * (its ports are known) but does not move the state machine */
    bool whole = l->status == LS_OK && count;
    if (whole) {
        tcp_conn_update(&f->tcp, &seg, &res);
        if (res.flip) {
            flip_roles(f);
            from_orig = !from_orig;
            seg.dir ^= 1;
        }
    } else {
        res.state_before = res.state_after = f->tcp.ep[seg.dir].state;
        res.event = NULL;
        res.analysis = 0;
        res.rtt_ns = -1;
        for (unsigned side = 0; side < 2; side++) {
            res.tb.before[side] = res.tb.after[side] =
                f->tcp.tb.started ? f->tcp.tb.st[side] : TCPS_UNKNOWN;
            res.tb.call[side] = NULL;
            res.tb.via[side] = TCPS_NONE;
        }
    }
    if (count)
        account(f, from_orig, x->ip.len, seg.len, ft->now);
    for (unsigned b = 0; b < TA_COUNT; b++)
        if (res.analysis & (1u << b))
            f->analysis[b]++;
    if (f->id == ft->ladder_id) {
        flow_ladder_t *L = ft->ladder;
        if (!L->isn_known[seg.dir]) {
            L->isn_known[seg.dir] = true;
            L->isn[seg.dir] = seg.seq;
        }
        seg_fact_t fact = {r->frame, ft->now, seg.seq, seg.ack, seg.len, seg.flags,
                           res.analysis, seg.dir, res.state_before, res.state_after,
                           {res.tb.after[0], res.tb.after[1]}, {res.tb.via[0], res.tb.via[1]},
                           res.event,
                           {res.tb.call[0], res.tb.call[1]}};
        ladder_add(L, &fact);
    }
    const tcp_endpoint_t *o = &f->tcp.ep[0], *p = &f->tcp.ep[1];
    bool closed = (o->state == TCPS_CLOSED || o->state == TCPS_TIME_WAIT) &&
                  (p->state == TCPS_CLOSED || p->state == TCPS_TIME_WAIT) &&
                  (o->fin_sent || o->rst_sent || p->fin_sent || p->rst_sent);
    flow_touch(ft, i, closed ? TC_TCP_CLOSED : TC_TCP_OPEN);

    r->flow.present = true;
    r->flow.tcp = true;
    r->flow.id = f->id;
    r->flow.layer = (uint16_t)(l - r->layers);
    r->flow.dir = seg.dir;
    r->flow.state = res.state_after;
    r->flow.state_before = res.state_before;
    r->flow.peer_state = res.tb.after[seg.dir ^ 1];
    memcpy(r->flow.tb_before, res.tb.before, 2);
    memcpy(r->flow.tb_after, res.tb.after, 2);
    r->flow.analysis = res.analysis;
    r->flow.event = res.event;
    r->flow.orig_port = f->orig_p;
    r->flow.resp_port = f->resp_p;
    r->flow.rtt_ns = res.rtt_ns;
    relative_seq(ft, f, &seg, r, l);

    ft->current = i;
    if (!whole)
        return;
    /* the analysis marks belong to the tcp layer (it is still current) */
    if (res.analysis) {
        field_t *arr = fld_new(x, &flow_fields[FLOWF_ANALYSIS], FT_ARRAY, l->off, 0);
        for (unsigned b = 0; b < TA_COUNT; b++)
            if (res.analysis & (1u << b))
                fld_str_def(x, &flow_fields[FLOWF_ANALYSIS_MARK], l->off, 0, tcp_analysis_name(b),
                            (uint32_t)strlen(tcp_analysis_name(b)));
        fld_end(x, arr, l->off);
    }
    if (res.rtt_ns >= 0) {
        field_t *rtt = fld_new(x, &flow_fields[FLOWF_RTT], FT_UINT, l->off, 0);
        if (rtt)
            rtt->v.u = (uint64_t)(res.rtt_ns / 1000);
    }
    if (!x->ip_fragment)
        reassemble(ft, f, &seg, r, x, l);
}

/* A UDP history letter, upper case for the originator (0). */
static void udp_hist(flow_t *f, unsigned dir, char up)
{
    if (f->hlen < UDP_HISTORY_MAX) {
        f->hist[f->hlen++] = dir && up != '^' ? (char)(up - 'A' + 'a') : up;
        f->hist[f->hlen] = '\0';
    }
}

static void track_udp(flow_table_t *ft, record_t *r, const dctx_t *x, bool count)
{
    uint8_t src[16], dst[16], family;
    if (!get_addrs(x, src, dst, &family))
        return;
    if (!x->l4.ports)
        return; /* cut before its ports */
    uint16_t sport = x->l4.sport, dport = x->l4.dport;
    uint64_t ulen = x->l4.len;
    flow_key_t k;
    bool sender_is_a;
    make_key(&k, 17, family, src, sport, dst, dport, &sender_is_a);
    uint32_t h = flow_key_hash(&k);
    int32_t i = flow_lookup(ft, &k, h);
    if (i < 0) {
        bool flipped = zeek_flip(17, 0, sport, dport, family, dst);
        i = flow_create(ft, &k, h, flipped ? !sender_is_a : sender_is_a);
        if (flipped)
            udp_hist(&ft->flows[i], 0, '^');
        note_tunnel(ft, i);
    }
    flow_t *f = &ft->flows[i];
    bool from_orig = f->orig_is_a == sender_is_a;
    if (count) {
        unsigned d = from_orig ? 0 : 1;
        /* Zeek's UDPSessionAdapter::HandleBadChecksum, then CheckHistory
         * 'D'/'d' once per side (Zeek drops the datagram after a bad
         * checksum; we count it: see the TCP note in tcp_state.c) */
        if (x->l4.bad_checksum && zeek_scaled_due(&f->n_bad_csum[d]))
            udp_hist(f, d, 'C');
        if (!(d ? f->pkts[1] : f->pkts[0]))
            udp_hist(f, d, 'D');
        account(f, from_orig, x->ip.len, ulen >= 8 ? (uint32_t)(ulen - 8) : 0, ft->now);
        if (f->id == ft->ladder_id) {
            seg_fact_t fact = {0};
            fact.frame = r->frame;
            fact.ts_ns = ft->now;
            fact.len = ulen >= 8 ? (uint32_t)(ulen - 8) : 0;
            fact.dir = (uint8_t)d;
            fact.tb[0] = fact.tb[1] = TCPS_UNKNOWN;
            fact.via[0] = fact.via[1] = TCPS_NONE;
            ft->ladder->udp = true;
            ladder_add(ft->ladder, &fact);
        }
    }
    flow_touch(ft, i, TC_OTHER);
    r->flow.present = true;
    r->flow.tcp = false;
    r->flow.id = f->id;
    r->flow.layer = (uint16_t)(x->layer - r->layers);
    r->flow.dir = from_orig ? 0 : 1;
    r->flow.state = 0xff;
    r->flow.event = NULL;
    r->flow.orig_port = f->orig_p;
    r->flow.resp_port = f->resp_p;
    r->flow.rtt_ns = -1;
    ft->current = i;
}

/* ICMP "type families": a request type and its reply type form one
 * family, named by the request type (RFC 792, RFC 4443, RFC 4861). */
static bool icmp_family(bool v6, uint8_t type, uint8_t *req, uint8_t *rep, bool *is_reply)
{
    static const uint8_t v4[][2] = {{8, 0}, {13, 14}, {15, 16}, {17, 18}, {10, 9}};
    static const uint8_t v6p[][2] = {{128, 129}, {133, 134}, {135, 136}, {130, 131}};
    const uint8_t(*t)[2] = v6 ? v6p : v4;
    size_t n = v6 ? sizeof v6p / sizeof v6p[0] : sizeof v4 / sizeof v4[0];
    for (size_t i = 0; i < n; i++) {
        if (type == t[i][0] || type == t[i][1]) {
            *req = t[i][0];
            *rep = t[i][1];
            *is_reply = type == t[i][1];
            return true;
        }
    }
    *req = *rep = type; /* errors and others: a family of their own */
    *is_reply = false;
    return false;
}

static void track_icmp(flow_table_t *ft, const dctx_t *x, bool v6)
{
    uint8_t src[16], dst[16], family;
    if (!get_addrs(x, src, dst, &family))
        return;
    uint8_t type = x->l4.icmp_type, req, rep;
    bool is_reply;
    icmp_family(v6, type, &req, &rep, &is_reply);
    uint16_t id = x->l4.icmp_id;
    /* key: the addresses, the family in both port slots and the id, so a
     * request and its reply meet; ports are restored for the record */
    flow_key_t k;
    bool sender_is_a;
    make_key(&k, v6 ? 58 : 1, family, src, 0, dst, 0, &sender_is_a);
    k.pa = req;
    k.pb = id;
    uint32_t h = flow_key_hash(&k);
    int32_t i = flow_lookup(ft, &k, h);
    if (i < 0) {
        i = flow_create(ft, &k, h, is_reply ? !sender_is_a : sender_is_a);
        ft->flows[i].orig_p = req;
        ft->flows[i].resp_p = rep;
        note_tunnel(ft, i);
    }
    flow_t *f = &ft->flows[i];
    bool from_orig = f->orig_is_a == sender_is_a;
    account(f, from_orig, x->ip.len, 0, ft->now);
    flow_touch(ft, i, TC_OTHER);
}

/* An IP tunnel (GRE, ERSPAN on GRE, IPv4/IPv6 in IPv4/IPv6) has no
 * ports: its carrier is a flow of the outer address pair and IP protocol
 * (as Zeek keys its IP and GRE tunnels by the outer addresses), with the
 * sender of its first packet as originator, OTH, and the flows inside it
 * name it as their tunnel. */
static void track_ip_tunnel(flow_table_t *ft, const dctx_t *x, uint8_t proto, bool count)
{
    uint8_t src[16], dst[16], family;
    if (!get_addrs(x, src, dst, &family))
        return;
    flow_key_t k;
    bool sender_is_a;
    make_key(&k, proto, family, src, 0, dst, 0, &sender_is_a);
    uint32_t h = flow_key_hash(&k);
    int32_t i = flow_lookup(ft, &k, h);
    if (i < 0) {
        i = flow_create(ft, &k, h, sender_is_a);
        note_tunnel(ft, i); /* a tunnel inside a tunnel */
    }
    flow_t *f = &ft->flows[i];
    if (count)
        account(f, f->orig_is_a == sender_is_a, x->ip.len, 0, ft->now);
    flow_touch(ft, i, TC_OTHER);
    ft->current = i;
}

void flow_peek_hook(void *ctx, record_t *r, dctx_t *x, layer_t *l)
{
    const flow_table_t *ft = ctx;
    if (l->proto != &dissector_tcp || l->status != LS_OK || ft->absolute_seq)
        return;
    uint8_t src[16], dst[16], family;
    const l4_facts_t *t = &x->l4;
    if (!get_addrs(x, src, dst, &family) || !t->ports)
        return;
    /* tcpdump prints the segment that sets the bases (the first with
     * ACK, a SYN-ACK) and those without ACK with absolute numbers */
    if (!(t->flags & TCPF_ACK) || (t->flags & TCPF_SYN))
        return;
    flow_key_t k;
    bool sender_is_a;
    make_key(&k, 6, family, src, t->sport, dst, t->dport, &sender_is_a);
    int32_t i = flow_lookup(ft, &k, flow_key_hash(&k));
    if (i < 0 || !ft->flows[i].td_known)
        return;
    const flow_t *f = &ft->flows[i];
    unsigned d = sender_is_a == f->orig_is_a ? 0 : 1;
    r->flow.present = true;
    r->flow.tcp = true;
    r->flow.dir = (uint8_t)d;
    r->flow.id = f->id;
    r->flow.state = r->flow.state_before = f->tcp.ep[d].state;
    r->flow.rel = true;
    r->flow.rel_layer = (uint8_t)(l - r->layers);
    r->flow.rel_seq = t->seq - f->td_base[d];
    r->flow.rel_ack = t->ack - f->td_base[d ^ 1];
    r->flow.rel_sack_base = f->td_base[d ^ 1];
}

void flow_layer_hook(void *ctx, record_t *r, dctx_t *x, layer_t *l)
{
    flow_table_t *ft = ctx;
    if (l->status != LS_OK && l->proto != &dissector_tcp && l->proto != &dissector_udp)
        return; /* of a broken layer only the transport's ports are used */
    if (l->osi == 7 && l->proto != &dissector_data && ft->current >= 0) {
        /* pin the application protocol on the flow (Zeek's "service") */
        flow_t *f = &ft->flows[ft->current];
        if (!f->service)
            f->service = l->proto;
        return;
    }
    if (l->proto == &dissector_ipv4 && x->ip_fragment) {
        ipfrag_layer(&ft->frags, r, x, l, ft->now);
        return;
    }
    if (l->proto == &dissector_gre) {
        track_ip_tunnel(ft, x, 47, true);
        return;
    }
    if ((l->proto == &dissector_ipv4 || l->proto == &dissector_ipv6) &&
        (x->ip.proto == 4 || x->ip.proto == 41) && !x->ip_fragment) {
        track_ip_tunnel(ft, x, x->ip.proto, true);
        return;
    }
    bool tcp = l->proto == &dissector_tcp, udp = l->proto == &dissector_udp;
    bool icmp = l->proto == &dissector_icmp, icmp6 = l->proto == &dissector_icmpv6;
    if (!(tcp || udp || icmp || icmp6))
        return;
    /* an IPv4 fragment not yet whole is placed in its flow but counted
     * once, when it is whole (IPv6 fragments are not reassembled: their
     * first one counts) */
    bool count = !(x->ip_fragment && x->ip.version == 4 && l->src == 0);
    if (tcp)
        track_tcp(ft, r, x, l, count);
    else if (udp)
        track_udp(ft, r, x, count);
    else
        track_icmp(ft, x, icmp6);
}

