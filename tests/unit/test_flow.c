/* test_flow.c - the flow table: direction decided once, tuple reuse,
 * idle timeouts, eviction when full, UDP conn_state, reassembly of a
 * DNS message split over two TCP segments, the ladder kept for one flow
 * only, and the per-flow memory. */
#include "flow_table.h"
#include "unit.h"

static flow_table_t *ft;
static engine_hooks_t hooks;
static uint64_t frame_no;
static int64_t now_ns;
static int bad_sum; /* tcp_frame/udp_frame: write a wrong checksum */

/* Ethernet + IPv4 + TCP (no options) with `plen` payload bytes. */
static unsigned tcp_frame(unsigned char *f, uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp,
                          uint32_t seq, uint32_t ack, uint8_t flags, const void *payload,
                          unsigned plen)
{
    memset(f, 0, 54);
    f[12] = 0x08;
    unsigned char *ip = f + 14, *t = ip + 20;
    ip[0] = 0x45;
    ip[2] = (unsigned char)((40 + plen) >> 8);
    ip[3] = (unsigned char)(40 + plen);
    ip[8] = 64;
    ip[9] = 6;
    for (int i = 0; i < 4; i++) {
        ip[12 + i] = (unsigned char)(src >> (24 - 8 * i));
        ip[16 + i] = (unsigned char)(dst >> (24 - 8 * i));
        t[4 + i] = (unsigned char)(seq >> (24 - 8 * i));
        t[8 + i] = (unsigned char)(ack >> (24 - 8 * i));
    }
    t[0] = (unsigned char)(sp >> 8);
    t[1] = (unsigned char)sp;
    t[2] = (unsigned char)(dp >> 8);
    t[3] = (unsigned char)dp;
    t[12] = 5 << 4;
    t[13] = flags;
    t[14] = 0x10;
    if (plen)
        memcpy(t + 20, payload, plen);
    unit_fix_l4_sum(ip, bad_sum);
    return 54 + plen;
}

/* Ethernet + IPv4 + UDP with `plen` payload bytes. */
static unsigned udp_frame(unsigned char *f, uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp,
                          unsigned plen)
{
    memset(f, 0, 42 + plen);
    f[12] = 0x08;
    unsigned char *ip = f + 14, *u = ip + 20;
    ip[0] = 0x45;
    ip[2] = (unsigned char)((28 + plen) >> 8);
    ip[3] = (unsigned char)(28 + plen);
    ip[8] = 64;
    ip[9] = 17;
    for (int i = 0; i < 4; i++) {
        ip[12 + i] = (unsigned char)(src >> (24 - 8 * i));
        ip[16 + i] = (unsigned char)(dst >> (24 - 8 * i));
    }
    u[0] = (unsigned char)(sp >> 8);
    u[1] = (unsigned char)sp;
    u[2] = (unsigned char)(dp >> 8);
    u[3] = (unsigned char)dp;
    u[5] = (unsigned char)(8 + plen);
    unit_fix_l4_sum(ip, bad_sum);
    return 42 + plen;
}

static record_t *feed(const unsigned char *f, unsigned n, int64_t dt_ms)
{
    now_ns += dt_ms * 1000000LL;
    flow_tick(ft, now_ns);
    unit_rec.frame = ++frame_no;
    engine_dissect(&unit_rec, f, n, n, 1, &hooks);
    return &unit_rec;
}

static void reset_table_ladder(uint32_t max, uint32_t ladder_id)
{
    char err[128];
    flow_table_free(ft);
    ft = flow_table_new(max, ladder_id, err, sizeof err);
    hooks.layer = flow_layer_hook;
    hooks.ctx = ft;
    frame_no = 0;
    now_ns = 1700000000LL * 1000000000LL;
}

static void reset_table(uint32_t max)
{
    reset_table_ladder(max, 1);
}

#define A 0x0a000001u
#define B 0x0a000002u

static void test_handshake_and_direction(void)
{
    reset_table(16);
    unsigned char f[128];
    /* a SYN-ACK seen first: its receiver (A) is the originator */
    record_t *r = feed(f, tcp_frame(f, B, A, 80, 40000, 500, 101, 0x12, NULL, 0), 1);
    CHECK(r->flow.present);
    CHECK_EQ(r->flow.id, 1);
    CHECK_EQ(r->flow.dir, 1); /* sent by the responder */
    r = feed(f, tcp_frame(f, A, B, 40000, 80, 101, 501, 0x10, NULL, 0), 1);
    CHECK_EQ(r->flow.id, 1);
    CHECK_EQ(r->flow.dir, 0);
    /* a new SYN on the same tuple after a reset: a new flow */
    feed(f, tcp_frame(f, A, B, 40000, 80, 101, 501, 0x04, NULL, 0), 1);
    r = feed(f, tcp_frame(f, A, B, 40000, 80, 9000, 0, 0x02, NULL, 0), 1);
    CHECK_EQ(r->flow.id, 2);
    CHECK_STR(r->flow.event, "handshake 1/3");
    CHECK_EQ(flow_table_stats(ft)->reused, 1);
}

static void test_eviction_and_timeout(void)
{
    reset_table(4);
    unsigned char f[128];
    for (uint16_t p = 0; p < 10; p++)
        feed(f, tcp_frame(f, A, B, (uint16_t)(50000 + p), 80, 1, 0, 0x02, NULL, 0), 1);
    const flow_stats_t *s = flow_table_stats(ft);
    CHECK_EQ(s->created, 10);
    CHECK_EQ(s->evicted, 6);
    CHECK_EQ(s->max_active, 4);
    /* 6 minutes later every TCP flow (open: 5 min) has timed out */
    feed(f, tcp_frame(f, A, B, 60000, 80, 1, 0, 0x02, NULL, 0), 6 * 60 * 1000);
    s = flow_table_stats(ft);
    CHECK_EQ(s->expired, 4);
    CHECK_EQ(s->active, 1);
}

static unsigned seen_ids, last_id;
static char last_state[8], last_hist[48];
static void collect(void *arg, const flow_rec_t *rec)
{
    (void)arg;
    seen_ids++;
    last_id = rec->id;
    strcpy(last_state, rec->conn_state);
    strcpy(last_hist, rec->history);
}

static void test_records_in_order(void)
{
    reset_table(2);
    unsigned char f[128];
    for (uint16_t p = 0; p < 5; p++)
        feed(f, tcp_frame(f, A, B, (uint16_t)(50000 + p), 80, 1, 0, 0x02, NULL, 0), 1);
    flow_finish(ft);
    seen_ids = 0;
    CHECK_EQ(flow_foreach(ft, collect, NULL), 0);
    CHECK_EQ(seen_ids, 5);
    CHECK_EQ(last_id, 5);
    CHECK_STR(last_state, "S0"); /* a SYN and nothing else */
    CHECK_STR(last_hist, "S");
}

static void test_dns_over_tcp_reassembled(void)
{
    reset_table(8);
    unsigned char f[256];
    /* a DNS query for a.b (29 bytes) with its length prefix, split 10 + 21 */
    static const unsigned char msg[] = {0, 29, 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                        1, 'a', 1, 'b', 0, 0, 1, 0, 1,
                                        0, 0, 0, 0, 0, 0, 0, 0};
    feed(f, tcp_frame(f, A, B, 40000, 53, 100, 0, 0x02, NULL, 0), 1);
    feed(f, tcp_frame(f, B, A, 53, 40000, 700, 101, 0x12, NULL, 0), 1);
    feed(f, tcp_frame(f, A, B, 40000, 53, 101, 701, 0x10, NULL, 0), 1);
    record_t *r = feed(f, tcp_frame(f, A, B, 40000, 53, 101, 701, 0x18, msg, 10), 1);
    CHECK(unit_layer(r, "dns", 0) == NULL); /* not whole yet */
    CHECK(unit_layer(r, "data", 0) != NULL);
    r = feed(f, tcp_frame(f, A, B, 40000, 53, 111, 701, 0x18, msg + 10, sizeof msg - 10), 1);
    const layer_t *d = unit_layer(r, "dns", 0);
    CHECK(d != NULL);
    CHECK(d && d->src == 1);
    CHECK_EQ(r->sources[1].nframes, 2);
    CHECK_EQ(r->sources[1].frames[0], 4);
    CHECK_EQ(r->sources[1].frames[1], 5);
    CHECK_EQ(unit_uint(r, d, "id"), 0x1234);
    /* the same bytes again: a retransmission, not dissected twice */
    r = feed(f, tcp_frame(f, A, B, 40000, 53, 111, 701, 0x18, msg + 10, sizeof msg - 10), 1);
    CHECK(unit_layer(r, "dns", 0) == NULL);
}

/* Segments are kept for the ladder's flow and no other. */
static void test_ladder_one_flow(void)
{
    reset_table_ladder(8, 2);
    unsigned char f[128];
    feed(f, tcp_frame(f, A, B, 40000, 80, 100, 0, 0x02, NULL, 0), 1);        /* flow 1 */
    feed(f, tcp_frame(f, A, B, 40001, 80, 7000, 0, 0x02, NULL, 0), 1);       /* flow 2 */
    feed(f, tcp_frame(f, B, A, 80, 40001, 900, 7001, 0x12, NULL, 0), 1);     /* flow 2 */
    feed(f, tcp_frame(f, A, B, 40000, 80, 100, 0, 0x02, NULL, 0), 1);        /* flow 1 */
    record_t *r = feed(f, tcp_frame(f, A, B, 40001, 80, 7000, 0, 0x02, NULL, 0), 1000);
    CHECK_EQ(r->flow.id, 2);
    CHECK(r->flow.event == tcp_ev_retransmission);
    flow_finish(ft);
    CHECK(flow_ladder(ft, 1) == NULL);
    const flow_ladder_t *L = flow_ladder(ft, 2);
    CHECK(L != NULL);
    if (!L)
        return;
    CHECK_EQ(L->nsegs, 3);
    CHECK_EQ(L->n, 3);
    CHECK_EQ(L->isn[0], 7000);
    CHECK_EQ(L->isn[1], 900);
    CHECK_EQ(L->seg[0].frame, 2);
    CHECK_EQ(L->seg[1].frame, 3);
    CHECK_EQ(L->seg[1].dir, 1);
    CHECK_EQ(L->seg[2].frame, 5);
    CHECK_STR(L->seg[0].event, "handshake 1/3");
    /* without --flow nothing is kept */
    reset_table_ladder(8, 0);
    feed(f, tcp_frame(f, A, B, 40000, 80, 100, 0, 0x02, NULL, 0), 1);
    flow_finish(ft);
    CHECK(flow_ladder(ft, 1) == NULL);
}

static unsigned n_flows;
static char hist_of[8][48], state_of[8][8];
static void collect_all(void *arg, const flow_rec_t *rec)
{
    (void)arg;
    if (rec->id >= 1 && rec->id < 8) {
        strcpy(hist_of[rec->id], rec->history);
        strcpy(state_of[rec->id], rec->conn_state);
    }
    n_flows++;
}

/* Bad checksums: Zeek's C/c on a log scale (1, 10, 100, ...), the packet
 * still tracked; UDP history in the order of events, with ^ on a flip
 * and Zeek's UDP conn_state (SF, S0, SHR). */
static void test_checksum_letters_and_udp_history(void)
{
    reset_table(8);
    unsigned char f[128];
    bad_sum = 1;
    record_t *r = feed(f, tcp_frame(f, A, B, 40000, 80, 100, 0, 0x02, NULL, 0), 1);
    const layer_t *t = unit_layer(r, "tcp", 0);
    CHECK(t && unit_field(r, t, "checksum_ok") && !unit_field(r, t, "checksum_ok")->v.u);
    CHECK_EQ(r->bad_checksums, 1);
    bad_sum = 0;
    r = feed(f, tcp_frame(f, B, A, 80, 40000, 500, 101, 0x12, NULL, 0), 1);
    t = unit_layer(r, "tcp", 0);
    CHECK(t && unit_field(r, t, "checksum_ok") && unit_field(r, t, "checksum_ok")->v.u);
    CHECK_EQ(r->bad_checksums, 0);
    CHECK_STR(tcp_state_name(r->flow.state), "SYN_RECEIVED"); /* the bad SYN counted */
    bad_sum = 1;
    for (int i = 0; i < 10; i++) /* 10 more bad ones: C again at the 10th */
        feed(f, tcp_frame(f, A, B, 40000, 80, 101, 501, 0x10, NULL, 0), 1);
    bad_sum = 0;
    /* UDP: the originator first (flow 2); a server port first (flow 3,
     * flipped, only the responder speaks: SHR); both (flow 4) */
    feed(f, udp_frame(f, A, B, 40000, 53, 4), 1);
    feed(f, udp_frame(f, B, A, 53, 40001, 4), 1);
    bad_sum = 1;
    feed(f, udp_frame(f, B, A, 53, 40002, 4), 1);
    bad_sum = 0;
    feed(f, udp_frame(f, A, B, 40002, 53, 4), 1);
    flow_finish(ft);
    n_flows = 0;
    CHECK_EQ(flow_foreach(ft, collect_all, NULL), 0);
    CHECK_EQ(n_flows, 4);
    CHECK_STR(hist_of[1], "CShAC");
    CHECK_STR(hist_of[2], "D");
    CHECK_STR(state_of[2], "S0");
    CHECK_STR(hist_of[3], "^d");
    CHECK_STR(state_of[3], "SHR");
    CHECK_STR(hist_of[4], "^cdD");
    CHECK_STR(state_of[4], "SF");
}

/* What one tracked flow costs: its entry plus its two slots (issue 7
 * measured 2456 bytes before the ladder moved out of the flows). */
/* A frame of tcp_frame() carried in IPv4 from C to D: IP-in-IP (proto 4)
 * or GRE (proto 47, version 0, EtherType 0x0800) when `gre`. */
static unsigned tunnelled(unsigned char *out, const unsigned char *in, unsigned n, uint32_t c,
                          uint32_t d, int gre)
{
    unsigned hdr = 14 + 20 + (gre ? 4 : 0), inner = n - 14;
    memset(out, 0, hdr);
    out[12] = 0x08;
    unsigned char *ip = out + 14;
    ip[0] = 0x45;
    ip[2] = (unsigned char)((hdr - 14 + inner) >> 8);
    ip[3] = (unsigned char)(hdr - 14 + inner);
    ip[8] = 64;
    ip[9] = gre ? 47 : 4;
    for (int i = 0; i < 4; i++) {
        ip[12 + i] = (unsigned char)(c >> (24 - 8 * i));
        ip[16 + i] = (unsigned char)(d >> (24 - 8 * i));
    }
    if (gre)
        ip[20 + 2] = 0x08; /* protocol type 0x0800 */
    memcpy(out + hdr, in + 14, inner);
    return hdr + inner;
}

static uint32_t tunnel_of[8];
static char proto_of[8];
static void collect_tunnels(void *arg, const flow_rec_t *rec)
{
    (void)arg;
    if (rec->id < 8) {
        tunnel_of[rec->id] = rec->tunnel;
        proto_of[rec->id] = (char)rec->proto;
    }
}

/* GRE and IP-in-IP have no ports: their carrier is a flow of the outer
 * address pair, and the connection inside names it as its tunnel. */
static void test_ip_tunnels(void)
{
    reset_table(16);
    unsigned char in[128], f[192];
    const uint32_t C = 0xc0a80001u, D = 0xc0a80002u;
    unsigned n = tcp_frame(in, A, B, 40000, 80, 1, 0, 0x02, NULL, 0);
    feed(f, tunnelled(f, in, n, C, D, 1), 1);
    n = tcp_frame(in, B, A, 80, 40000, 9, 2, 0x12, NULL, 0);
    feed(f, tunnelled(f, in, n, D, C, 1), 1);
    n = tcp_frame(in, A, B, 40001, 22, 1, 0, 0x02, NULL, 0);
    record_t *r = feed(f, tunnelled(f, in, n, C, D, 0), 1);
    CHECK(r->flow.present && r->flow.tcp);
    flow_finish(ft);
    memset(tunnel_of, 0, sizeof tunnel_of);
    CHECK_EQ(flow_foreach(ft, collect_tunnels, NULL), 0);
    CHECK_EQ(proto_of[1], 47);      /* the GRE carrier, first seen first */
    CHECK_EQ(tunnel_of[1], 0);
    CHECK_EQ(proto_of[2], 6);
    CHECK_EQ(tunnel_of[2], 1);      /* the connection inside it */
    CHECK_EQ(proto_of[3], 4);       /* IP-in-IP */
    CHECK_EQ(tunnel_of[4], 3);
}

static char hist_one[48], state_one[8];
static uint16_t orig_p_one;
static uint64_t orig_pkts_one;
static void collect_one(void *arg, const flow_rec_t *rec)
{
    (void)arg;
    strcpy(hist_one, rec->history);
    strcpy(state_one, rec->conn_state);
    orig_p_one = rec->orig_p;
    orig_pkts_one = rec->orig_pkts;
}

/* Zeek's later flip (TCPSessionAdapter::UpdateInactiveState): a SYN-ACK
 * seen first between two ports that are not likely server ports keeps
 * its sender as originator, until the SYN it answered arrives from the
 * responder; then the roles flip, '^' after the letters written so far. */
static void test_syn_after_its_syn_ack(void)
{
    reset_table(4);
    unsigned char f[128];
    feed(f, tcp_frame(f, A, B, 40000, 50000, 900, 101, 0x12, NULL, 0), 1);
    record_t *r = feed(f, tcp_frame(f, B, A, 50000, 40000, 100, 0, 0x02, NULL, 0), 1);
    CHECK_EQ(r->flow.dir, 0); /* its sender is the originator now */
    r = feed(f, tcp_frame(f, B, A, 50000, 40000, 101, 901, 0x10, NULL, 0), 1);
    CHECK_EQ(r->flow.dir, 0);
    feed(f, tcp_frame(f, B, A, 50000, 40000, 101, 901, 0x18, "hello", 5), 1);
    r = feed(f, tcp_frame(f, A, B, 40000, 50000, 901, 106, 0x10, NULL, 0), 1);
    CHECK_EQ(r->flow.dir, 1);
    feed(f, tcp_frame(f, B, A, 50000, 40000, 106, 901, 0x11, NULL, 0), 1);
    feed(f, tcp_frame(f, A, B, 40000, 50000, 901, 107, 0x11, NULL, 0), 1);
    feed(f, tcp_frame(f, B, A, 50000, 40000, 107, 902, 0x10, NULL, 0), 1);
    flow_finish(ft);
    CHECK_EQ(flow_foreach(ft, collect_one, NULL), 0);
    CHECK_STR(hist_one, "Hs^ADaFf");
    CHECK_STR(state_one, "SF");
    CHECK_EQ(orig_p_one, 50000);
    CHECK_EQ(orig_pkts_one, 5);
}

static void test_per_flow_size(void)
{
    size_t per_flow = sizeof(flow_t) + 2 * sizeof(int32_t);
    printf("per-flow memory: %zu bytes (flow_t %zu, tcp_conn_t %zu, stream_t %zu); "
           "spill record %zu bytes\n",
           per_flow, sizeof(flow_t), sizeof(tcp_conn_t), sizeof(stream_t), sizeof(flow_rec_t));
    CHECK(per_flow <= 624); /* issue 7 aimed at 512: see the closing note */
    CHECK(sizeof(flow_rec_t) <= 224);
}

int main(void)
{
    unit_init();
    RUN(test_handshake_and_direction);
    RUN(test_eviction_and_timeout);
    RUN(test_records_in_order);
    RUN(test_dns_over_tcp_reassembled);
    RUN(test_ladder_one_flow);
    RUN(test_checksum_letters_and_udp_history);
    RUN(test_ip_tunnels);
    RUN(test_syn_after_its_syn_ack);
    RUN(test_per_flow_size);
    flow_table_free(ft);
    return unit_done();
}
