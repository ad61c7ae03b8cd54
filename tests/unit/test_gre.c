/* test_gre.c - GRE versions 0 and 1 (PPTP), its optional fields, the
 * checksum, the routing list, ERSPAN types I, II and III, the packets
 * they carry dissected all the way up, hostile lengths and truncation. */
#include "frames.h"

#define ETH_IP 34 /* Ethernet 14 + IPv4 20: where GRE starts */

static void test_v0_key_seq_checksum(void)
{
    unsigned char g[128], f[192];
    /* C, K, S: checksum + reserved, key, sequence number, then IPv4 */
    put16(g, 0xb000);
    put16(g + 2, 0x0800);
    put32(g + 4, 0);
    put32(g + 8, 0x1234);
    put32(g + 12, 99);
    unsigned n = 16 + ip4(g + 16, 1, echo_request(), ECHO_LEN);
    put16(g + 4, ~sum16(g, n, 0) & 0xffff);
    unsigned len = unit_eth_ipv4(f, 47, 0, g, n);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre ipv4 icmp data");
    const layer_t *l = unit_layer(r, "gre", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_EQ(l->osi, 3);
    CHECK_EQ(l->off, ETH_IP);
    CHECK_EQ(l->len, 16);
    CHECK_EQ(unit_uint(r, l, "flags"), 0xb000);
    CHECK_EQ(unit_uint(r, l, "checksum_bit"), 1);
    CHECK_EQ(unit_uint(r, l, "key_bit"), 1);
    CHECK_EQ(unit_uint(r, l, "seq_bit"), 1);
    CHECK_EQ(unit_uint(r, l, "version"), 0);
    CHECK_EQ(unit_uint(r, l, "proto_type"), 0x0800);
    CHECK_EQ(unit_uint(r, l, "key"), 0x1234);
    CHECK_EQ(unit_uint(r, l, "seq"), 99);
    CHECK_EQ(unit_uint(r, l, "checksum_ok"), 1);
    CHECK_EQ(unit_uint(r, l, "ack"), 0xdeadbeef); /* version 0 has none */
    CHECK_STR(unit_summary(r, l), "GREv0, key 0x1234, seq 99, proto IPv4");
    /* the tunnelled packet: its own layers, at the top level, not quoted */
    const layer_t *in = unit_layer(r, "ipv4", 1);
    CHECK(in && in->status == LS_OK && in->depth == 0 && in->osi == 3);
    CHECK_EQ(in->off, ETH_IP + 16);
    const field_t *src = in ? unit_field(r, in, "src") : NULL;
    CHECK(src && src->v.b[0] == 172 && src->v.b[3] == 1);
    const layer_t *ic = unit_layer(r, "icmp", 0);
    CHECK(ic && ic->depth == 0 && unit_uint(r, ic, "seq") == 2);

    /* one byte of the payload changed: the checksum no longer holds */
    f[len - 1] ^= 0x55;
    r = unit_dissect(f, len, 1);
    l = unit_layer(r, "gre", 0);
    CHECK_EQ(unit_uint(r, l, "checksum_ok"), 0);
    CHECK_STR(unit_summary(r, l), "GREv0, key 0x1234, seq 99, proto IPv4, bad checksum");
    /* cut by the snaplen: nothing to verify, the field is absent */
    r = unit_dissect_len(f, len - 4, len, 1);
    l = unit_layer(r, "gre", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_EQ(unit_uint(r, l, "checksum_ok"), 0xdeadbeef);
    unit_sweep(f, len, 1);
}

static void test_v0_ipv6_and_bridged(void)
{
    unsigned char g[160], f[224];
    /* 0x6558: an Ethernet frame, dissected up to DNS */
    put16(g, 0x2000);
    put16(g + 2, 0x6558);
    put32(g + 4, 0xfde8);
    unsigned n = 8 + inner_frame(g + 8);
    unsigned len = unit_eth_ipv4(f, 47, 0, g, n);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre eth ipv4 udp dns");
    const layer_t *e = unit_layer(r, "eth", 1);
    CHECK(e && e->osi == 2 && e->depth == 0 && e->off == ETH_IP + 8);
    CHECK_STR(unit_summary(r, unit_layer(r, "gre", 0)),
              "GREv0, key 0xfde8, proto Transparent Ethernet bridging");
    unit_sweep(f, len, 1);

    /* 0x86dd: IPv6 (no next header, no payload) */
    static const unsigned char v6[40] = {0x60, 0, 0, 0, 0, 0, 59, 64,
                                         0x20, 0x01, 0x0d, 0xb8, [23] = 1,
                                         0x20, 0x01, 0x0d, 0xb8, [39] = 2};
    put16(g, 0);
    put16(g + 2, 0x86dd);
    memcpy(g + 4, v6, sizeof v6);
    len = unit_eth_ipv4(f, 47, 0, g, 4 + sizeof v6);
    r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre ipv6");
    /* an unknown protocol type: data; a keepalive (0, empty): nothing */
    put16(g + 2, 0x1234);
    r = unit_dissect(f, unit_eth_ipv4(f, 47, 0, g, 4 + sizeof v6), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre data");
    put16(g + 2, 0);
    r = unit_dissect(f, unit_eth_ipv4(f, 47, 0, g, 4), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre");
    CHECK_STR(unit_summary(r, unit_layer(r, "gre", 0)), "GREv0, proto keepalive");
}

static void test_v1_pptp(void)
{
    unsigned char g[64], f[128];
    /* K, S, A, version 1, PPP: payload length 8, call 6, seq 34, ack 17 */
    static const unsigned char h[16] = {0x30, 0x81, 0x88, 0x0b, 0, 8, 0, 6,
                                        0, 0, 0, 34, 0, 0, 0, 17};
    static const unsigned char ppp[8] = {0xff, 0x03, 0x80, 0xfd, 6, 4, 0, 4};
    memcpy(g, h, 16);
    memcpy(g + 16, ppp, 8);
    unsigned len = unit_eth_ipv4(f, 47, 0, g, 24);
    record_t *r = unit_dissect(f, len, 1);
    const layer_t *l = unit_layer(r, "gre", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_EQ(l->len, 16);
    CHECK_EQ(unit_uint(r, l, "version"), 1);
    CHECK_EQ(unit_uint(r, l, "ack_bit"), 1);
    CHECK_EQ(unit_uint(r, l, "payload_len"), 8);
    CHECK_EQ(unit_uint(r, l, "call_id"), 6);
    CHECK_EQ(unit_uint(r, l, "seq"), 34);
    CHECK_EQ(unit_uint(r, l, "ack"), 17);
    CHECK_EQ(unit_uint(r, l, "key"), 0xdeadbeef); /* the key is split */
    CHECK_STR(unit_summary(r, l), "GREv1, call 6, seq 34, ack 17, proto PPP");
    /* whatever is bound to 0x880b, the 8 payload bytes go to it */
    const layer_t *next = r->nlayers > 3 ? &r->layers[3] : NULL;
    CHECK(next && next->off == ETH_IP + 16);
    unit_sweep(f, len, 1);

    /* an acknowledgment alone: no payload */
    static const unsigned char ackonly[12] = {0x20, 0x81, 0x88, 0x0b, 0, 0, 0, 6, 0, 0, 0, 26};
    r = unit_dissect(f, unit_eth_ipv4(f, 47, 0, ackonly, 12), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre");
    CHECK_STR(unit_summary(r, unit_layer(r, "gre", 0)), "GREv1, call 6, ack 26, proto PPP");

    /* a payload length beyond the packet: an error */
    g[5] = 200;
    r = unit_dissect(f, unit_eth_ipv4(f, 47, 0, g, 24), 1);
    l = unit_layer(r, "gre", 0);
    CHECK(l && l->status == LS_ERROR);
    CHECK_STR(err_name(l->err), "bad_gre_len");
    CHECK_STR(unit_stack(r), "eth ipv4 gre");
    /* a shorter payload length: only those bytes go on */
    g[5] = 4;
    r = unit_dissect(f, unit_eth_ipv4(f, 47, 0, g, 24), 1);
    const layer_t *last = &r->layers[r->nlayers - 1];
    CHECK(last->off + last->len <= ETH_IP + 16 + 4);
}

static void test_routing(void)
{
    unsigned char g[96], f[160];
    /* R: checksum/offset, then an IPv4 SRE of 8 bytes and the NULL SRE */
    static const unsigned char h[24] = {0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0,
                                        0x08, 0x00, 0, 8, 10, 0, 0, 1, 10, 0, 0, 2,
                                        0, 0, 0, 0};
    memcpy(g, h, 24);
    unsigned n = 24 + ip4(g + 24, 1, echo_request(), ECHO_LEN);
    unsigned len = unit_eth_ipv4(f, 47, 0, g, n);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre ipv4 icmp data");
    const layer_t *l = unit_layer(r, "gre", 0);
    CHECK(l && l->len == 24);
    const field_t *rt = l ? unit_field(r, l, "routing") : NULL;
    CHECK(rt && rt->type == FT_ARRAY);
    if (rt) {
        const field_t *sre = rt + 1, *af = rt + 2, *slen = rt + 4;
        CHECK(sre->type == FT_OBJECT && unit_named(af, "af") && af->v.u == 0x0800);
        CHECK(unit_named(slen, "sre_len") && slen->v.u == 8);
    }
    unit_sweep(f, len, 1);

    /* an SRE longer than the packet */
    g[11] = 200;
    r = unit_dissect(f, unit_eth_ipv4(f, 47, 0, g, n), 1);
    l = unit_layer(r, "gre", 0);
    CHECK(l && l->status == LS_ERROR);
    CHECK_STR(err_name(l->err), "bad_gre_routing");
    /* no NULL SRE before the end of the packet */
    g[11] = 8;
    r = unit_dissect(f, unit_eth_ipv4(f, 47, 0, g, 20), 1);
    l = unit_layer(r, "gre", 0);
    CHECK(l && l->status == LS_ERROR);
    CHECK_STR(err_name(l->err), "bad_gre_routing");
    /* cut inside the routing list: truncated */
    r = unit_dissect_len(f, ETH_IP + 14, len, 1);
    l = unit_layer(r, "gre", 0);
    CHECK(l && l->status == LS_TRUNCATED);
}

static void test_version_and_fragments(void)
{
    unsigned char g[64], f[128];
    put16(g, 0x0005); /* version 5 */
    put16(g + 2, 0x0800);
    unsigned n = 4 + ip4(g + 4, 1, echo_request(), ECHO_LEN);
    record_t *r = unit_dissect(f, unit_eth_ipv4(f, 47, 0, g, n), 1);
    const layer_t *l = unit_layer(r, "gre", 0);
    CHECK(l && l->status == LS_ERROR);
    CHECK_STR(err_name(l->err), "bad_gre_version");
    CHECK_STR(unit_stack(r), "eth ipv4 gre");

    /* the first fragment of a GRE packet: the inner packet is not whole */
    put16(g, 0);
    r = unit_dissect(f, unit_eth_ipv4(f, 47, 0x2000, g, n), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre data");
    /* the GRE header cut short */
    unsigned len = unit_eth_ipv4(f, 47, 0, g, n);
    for (unsigned cut = ETH_IP; cut < ETH_IP + 4; cut++) {
        r = unit_dissect_len(f, cut, len, 1);
        l = unit_layer(r, "gre", 0);
        CHECK(cut == ETH_IP ? l == NULL || l->status == LS_TRUNCATED
                            : l && l->status == LS_TRUNCATED);
    }
}

/* ---- ERSPAN ------------------------------------------------------------ */

static void test_erspan(void)
{
    unsigned char g[160], f[224];
    /* type I: all GRE flags clear, the frame right after */
    put16(g, 0);
    put16(g + 2, 0x88be);
    unsigned n = 4 + inner_frame(g + 4);
    unsigned len = unit_eth_ipv4(f, 47, 0, g, n);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre erspan eth ipv4 udp dns");
    const layer_t *l = unit_layer(r, "erspan", 0);
    CHECK(l && l->len == 0 && l->osi == 3);
    CHECK_EQ(unit_uint(r, l, "type"), 1);
    CHECK_STR(unit_summary(r, l), "ERSPAN type I");
    unit_sweep(f, len, 1);

    /* type II: S, sequence, 8 bytes (version 1, vlan 10, cos 5, encap 2,
     * session 77, index 42) */
    static const unsigned char t2[16] = {0x10, 0x00, 0x88, 0xbe, 0, 0, 0, 7,
                                         0x10, 0x0a, 0xb0, 0x4d, 0, 0, 0, 42};
    memcpy(g, t2, 16);
    n = 16 + inner_frame(g + 16);
    len = unit_eth_ipv4(f, 47, 0, g, n);
    r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre erspan eth ipv4 udp dns");
    l = unit_layer(r, "erspan", 0);
    CHECK(l && l->len == 8 && l->off == ETH_IP + 8);
    CHECK_EQ(unit_uint(r, l, "type"), 2);
    CHECK_EQ(unit_uint(r, l, "version"), 1);
    CHECK_EQ(unit_uint(r, l, "vlan"), 10);
    CHECK_EQ(unit_uint(r, l, "cos"), 5);
    CHECK_EQ(unit_uint(r, l, "encap"), 2);
    CHECK_EQ(unit_uint(r, l, "frame_truncated"), 0);
    CHECK_EQ(unit_uint(r, l, "session_id"), 77);
    CHECK_EQ(unit_uint(r, l, "index"), 42);
    CHECK_STR(unit_summary(r, l), "ERSPAN type II, session 77, vlan 10");
    unit_sweep(f, len, 1);

    /* type III with the platform sub-header (0x22eb) */
    static const unsigned char t3[28] = {0x10, 0x00, 0x22, 0xeb, 0, 0, 0, 8,
                                         0x20, 0x14, 0x6d, 0x2c, 0xde, 0xad, 0xbe, 0xef,
                                         0x10, 0xe1, 0x80, 0x5b, 0x0c, 0, 0, 9, 1, 2, 3, 4};
    memcpy(g, t3, 28);
    n = 28 + inner_frame(g + 28);
    len = unit_eth_ipv4(f, 47, 0, g, n);
    r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 gre erspan eth ipv4 udp dns");
    l = unit_layer(r, "erspan", 0);
    CHECK(l && l->len == 20);
    CHECK_EQ(unit_uint(r, l, "type"), 3);
    CHECK_EQ(unit_uint(r, l, "vlan"), 20);
    CHECK_EQ(unit_uint(r, l, "cos"), 3);
    CHECK_EQ(unit_uint(r, l, "bso"), 1);
    CHECK_EQ(unit_uint(r, l, "frame_truncated"), 1);
    CHECK_EQ(unit_uint(r, l, "session_id"), 300);
    CHECK_EQ(unit_uint(r, l, "timestamp"), 0xdeadbeef);
    CHECK_EQ(unit_uint(r, l, "sgt"), 4321);
    CHECK_EQ(unit_uint(r, l, "p"), 1);
    CHECK_EQ(unit_uint(r, l, "hw_id"), 5);
    CHECK_EQ(unit_uint(r, l, "direction"), 1);
    CHECK_EQ(unit_uint(r, l, "granularity"), 1);
    CHECK_EQ(unit_uint(r, l, "subheader"), 1);
    CHECK_EQ(unit_uint(r, l, "platform_id"), 3);
    unit_sweep(f, len, 1);

    /* an unknown version */
    g[8] = 0x30;
    r = unit_dissect(f, unit_eth_ipv4(f, 47, 0, g, n), 1);
    l = unit_layer(r, "erspan", 0);
    CHECK(l && l->status == LS_ERROR);
    CHECK_STR(err_name(l->err), "bad_erspan_version");

    /* EtherType 0x88be straight on Ethernet is not ERSPAN (only GRE
     * carries it): data */
    unsigned char e[64] = {0x0a, 0, 0, 0, 0, 2, 0x0a, 0, 0, 0, 0, 1, 0x88, 0xbe};
    memcpy(e + 14, t2 + 8, 8);
    r = unit_dissect(e, 40, 1);
    CHECK_STR(unit_stack(r), "eth data");
}

/* ---- inside an ICMP error --------------------------------------------- */

static void test_quoted(void)
{
    /* an ICMP error quoting an IPv4 packet that carries GRE (IPv4 inside):
     * all quoted, and the quote's lengths may run past it */
    unsigned char g[64], q[128], m[160], f[224];
    put16(g, 0);
    put16(g + 2, 0x0800);
    unsigned n = 4 + ip4(g + 4, 1, echo_request(), ECHO_LEN);
    unsigned qn = ip4(q, 47, g, n);
    static const unsigned char err[8] = {3, 1, 0, 0, 0, 0, 0, 0};
    memcpy(m, err, 8);
    memcpy(m + 8, q, 36); /* a quote cut inside the inner IPv4 header */
    put16(m + 2, ~sum16(m, 44, 0) & 0xffff);
    (void)qn;
    unsigned len = unit_eth_ipv4(f, 1, 0, m, 44);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 icmp ipv4 gre ipv4");
    const layer_t *l = unit_layer(r, "gre", 0);
    CHECK(l && l->depth == 1 && l->status == LS_OK);
    l = unit_layer(r, "ipv4", 2);
    CHECK(l && l->depth == 1 && l->status == LS_TRUNCATED);
    CHECK(!r->malformed);
    unit_sweep(f, len, 1);
}

int main(void)
{
    unit_init();
    RUN(test_v0_key_seq_checksum);
    RUN(test_v0_ipv6_and_bridged);
    RUN(test_v1_pptp);
    RUN(test_routing);
    RUN(test_version_and_fragments);
    RUN(test_erspan);
    RUN(test_quoted);
    return unit_done();
}
