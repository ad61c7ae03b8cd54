/* test_tunnel.c - the UDP tunnels (VXLAN, Geneve, Teredo, GTP-U, AYIYA)
 * and IP in IP: headers, the packets they carry dissected all the way up
 * at the top level, hostile lengths, truncation, and what the flow
 * tracker makes of a tunnelled connection. */
#include "flow_table.h"
#include "frames.h"

#define ETH_IP 34   /* Ethernet 14 + IPv4 20 */
#define ETH_IP_UDP 42 /* ... + UDP 8: where a UDP tunnel header starts */

/* Ethernet + IPv4 10.0.0.1 > 10.0.0.2 + UDP sport > dport around the n
 * bytes of `payload`; returns the frame length. */
static unsigned udp_frame(unsigned char *f, unsigned sport, unsigned dport,
                          const unsigned char *payload, unsigned n)
{
    unsigned char u[1600];
    put16(u, sport);
    put16(u + 2, dport);
    put16(u + 4, 8 + n);
    put16(u + 6, 0);
    memcpy(u + 8, payload, n);
    return unit_eth_ipv4(f, 17, 0, u, 8 + n);
}

static const char *error_of(const record_t *r, const char *proto)
{
    const layer_t *l = unit_layer(r, proto, 0);
    return l && l->status == LS_ERROR ? err_name(l->err) : "(no error)";
}

/* ---- VXLAN ---------------------------------------------------------------- */

static void test_vxlan(void)
{
    unsigned char v[128], f[192];
    static const unsigned char h[8] = {0x08, 0, 0, 0, 0, 0, 100, 0};
    memcpy(v, h, 8);
    unsigned n = 8 + inner_frame(v + 8);
    unsigned len = udp_frame(f, 45149, 4789, v, n);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp vxlan eth ipv4 udp dns");
    const layer_t *l = unit_layer(r, "vxlan", 0);
    CHECK(l && l->status == LS_OK && l->osi == 7 && l->off == ETH_IP_UDP && l->len == 8);
    CHECK_EQ(unit_uint(r, l, "flags"), 0x0800);
    CHECK_EQ(unit_uint(r, l, "vni_valid"), 1);
    CHECK_EQ(unit_uint(r, l, "vni"), 100);
    CHECK_EQ(unit_uint(r, l, "group_policy_id"), 0xdeadbeef);
    CHECK_STR(unit_summary(r, l), "VXLAN, flags [I], vni 100");
    {
        /* the TUI's info column (rc.innermost): the line from the
         * tunnelled packet's own IP packet on, the carriers left out */
        char buf[512];
        outbuf_t ob;
        render_ctx_t rc;
        render_ctx_init(&rc);
        rc.ts_style = TS_NONE;
        rc.innermost = true;
        ob_init(&ob, buf, sizeof buf - 1, -1);
        render_line(&ob, &rc, r);
        buf[ob.len] = '\0';
        CHECK_STR(buf, "IP 172.16.0.1.1234 > 172.16.0.2.53: UDP, length 12: DNS query\n");
    }
    /* the inner frame's layers keep their own OSI layers, unquoted */
    const layer_t *e = unit_layer(r, "eth", 1), *u = unit_layer(r, "udp", 1);
    CHECK(e && e->osi == 2 && e->depth == 0 && e->off == ETH_IP_UDP + 8);
    CHECK(u && u->osi == 4 && u->depth == 0);
    CHECK(!r->truncated && !r->malformed);
    unit_sweep(f, len, 1);

    /* Group Based Policy: G, D, A and the group policy id */
    static const unsigned char gbp[8] = {0x88, 0x48, 0, 100, 0x2d, 0xc6, 0xc1, 0};
    memcpy(v, gbp, 8);
    r = unit_dissect(f, udp_frame(f, 45149, 4789, v, n), 1);
    l = unit_layer(r, "vxlan", 0);
    CHECK_EQ(unit_uint(r, l, "gbp_ext"), 1);
    CHECK_EQ(unit_uint(r, l, "dont_learn"), 1);
    CHECK_EQ(unit_uint(r, l, "policy_applied"), 1);
    CHECK_EQ(unit_uint(r, l, "group_policy_id"), 100);
    CHECK_EQ(unit_uint(r, l, "vni"), 3000001);
    CHECK_STR(unit_summary(r, l), "VXLAN, flags [G,I,D,A], group 100, vni 3000001");

    /* cut inside the header */
    r = unit_dissect_len(f, ETH_IP_UDP + 5, len, 1);
    l = unit_layer(r, "vxlan", 0);
    CHECK(l && l->status == LS_TRUNCATED && unit_uint(r, l, "flags") == 0x8848);
}

/* ---- Geneve --------------------------------------------------------------- */

static void test_geneve(void)
{
    unsigned char v[160], f[224];
    /* 3 words of options: class 0x0102 type 0x80 (critical) with 4 bytes,
     * class 0x0104 type 5 with none; then an Ethernet frame */
    static const unsigned char h[20] = {0x03, 0x00, 0x65, 0x58, 0, 0, 100, 0,
                                        0x01, 0x02, 0x80, 0x01, 0, 0, 0, 7,
                                        0x01, 0x04, 0x05, 0x00};
    memcpy(v, h, 20);
    unsigned n = 20 + inner_frame(v + 20);
    unsigned len = udp_frame(f, 50000, 6081, v, n);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp geneve eth ipv4 udp dns");
    const layer_t *l = unit_layer(r, "geneve", 0);
    CHECK(l && l->status == LS_OK && l->osi == 7 && l->len == 20);
    CHECK_EQ(unit_uint(r, l, "version"), 0);
    CHECK_EQ(unit_uint(r, l, "opt_len"), 12);
    CHECK_EQ(unit_uint(r, l, "proto_type"), 0x6558);
    CHECK_EQ(unit_uint(r, l, "vni"), 100);
    const field_t *o = l ? unit_field(r, l, "options") : NULL;
    CHECK(o && o->type == FT_ARRAY);
    if (o) {
        /* [ {class, type, len}, {class, type, len} ] */
        CHECK(o[1].type == FT_OBJECT && o[2].v.u == 0x0102 && o[3].v.u == 0x80 && o[4].v.u == 8);
        CHECK(o[6].type == FT_OBJECT && o[7].v.u == 0x0104 && o[9].v.u == 4);
    }
    CHECK_STR(unit_summary(r, l),
              "Geneve, vni 100, proto Transparent Ethernet bridging, options 12 bytes");
    unit_sweep(f, len, 1);

    /* IPv4 directly (protocol type 0x0800), C bit */
    static const unsigned char h4[8] = {0x00, 0x40, 0x08, 0x00, 0x12, 0x34, 0x56, 0};
    memcpy(v, h4, 8);
    n = 8 + ip4(v + 8, 1, echo_request(), ECHO_LEN);
    r = unit_dissect(f, udp_frame(f, 50000, 6081, v, n), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp geneve ipv4 icmp data");
    l = unit_layer(r, "geneve", 0);
    CHECK_EQ(unit_uint(r, l, "critical"), 1);
    CHECK_EQ(unit_uint(r, l, "vni"), 0x123456);

    /* an option running past the options */
    memcpy(v, h, 20);
    v[11] = 0x03;
    r = unit_dissect(f, udp_frame(f, 50000, 6081, v, 20), 1);
    CHECK_STR(error_of(r, "geneve"), "bad_geneve_option");
    /* options longer than the datagram */
    v[0] = 0x3f;
    r = unit_dissect(f, udp_frame(f, 50000, 6081, v, 20), 1);
    CHECK_STR(error_of(r, "geneve"), "bad_geneve_len");
    /* version 1 */
    v[0] = 0x43;
    r = unit_dissect(f, udp_frame(f, 50000, 6081, v, 20), 1);
    CHECK_STR(error_of(r, "geneve"), "bad_geneve_version");
    /* cut inside the options: truncated */
    memcpy(v, h, 20);
    len = udp_frame(f, 50000, 6081, v, 20);
    r = unit_dissect_len(f, ETH_IP_UDP + 13, len, 1);
    l = unit_layer(r, "geneve", 0);
    CHECK(l && l->status == LS_TRUNCATED);
}

/* ---- Teredo --------------------------------------------------------------- */

static void test_teredo(void)
{
    unsigned char v[192], f[256];
    unsigned char icmp6[8] = {128, 0, 0, 0, 0, 9, 0, 1};
    unsigned n = ip6(v, 58, icmp6, 8);
    unsigned len = udp_frame(f, 3544, 51000, v, n);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp teredo ipv6 icmpv6");
    const layer_t *l = unit_layer(r, "teredo", 0);
    CHECK(l && l->status == LS_OK && l->osi == 7 && l->len == 0 && l->f_count == 0);
    CHECK_STR(unit_summary(r, l), "Teredo");
    l = unit_layer(r, "ipv6", 0);
    CHECK(l && l->depth == 0 && l->off == ETH_IP_UDP);

    /* origin indication: port 40000 and 198.51.100.7, bits inverted */
    static const unsigned char orig[8] = {0, 0, 0x63, 0xbf, 0x39, 0xcc, 0x9b, 0xf8};
    memcpy(v, orig, 8);
    n = 8 + ip6(v + 8, 58, icmp6, 8);
    len = udp_frame(f, 3544, 51000, v, n);
    r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp teredo ipv6 icmpv6");
    l = unit_layer(r, "teredo", 0);
    CHECK(l && l->len == 8);
    CHECK_EQ(unit_uint(r, l, "origin_port"), 40000);
    const field_t *a = l ? unit_field(r, l, "origin_addr") : NULL;
    CHECK(a && a->v.b[0] == 198 && a->v.b[1] == 51 && a->v.b[2] == 100 && a->v.b[3] == 7);
    CHECK_STR(unit_summary(r, l), "Teredo, origin 198.51.100.7:40000");
    unit_sweep(f, len, 1);

    /* authentication (client id "abc", value "xy", nonce, confirmation),
     * origin, then an IPv6 bubble (no next header) */
    static const unsigned char auth[21] = {0, 1, 3, 2, 'a', 'b', 'c', 'x', 'y',
                                           1, 2, 3, 4, 5, 6, 7, 8, 0};
    memcpy(v, auth, 18);
    memcpy(v + 18, orig, 8);
    n = 26 + ip6(v + 26, 59, NULL, 0);
    len = udp_frame(f, 51000, 3544, v, n);
    r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp teredo ipv6");
    l = unit_layer(r, "teredo", 0);
    CHECK(l && l->len == 26);
    CHECK_EQ(unit_uint(r, l, "auth"), 1);
    CHECK_EQ(unit_uint(r, l, "auth_id_len"), 3);
    CHECK_EQ(unit_uint(r, l, "auth_value_len"), 2);
    CHECK_EQ(unit_uint(r, l, "nonce"), 0x0102030405060708ULL);
    CHECK_EQ(unit_uint(r, l, "confirmation"), 0);
    CHECK_STR(unit_summary(r, l), "Teredo, auth, origin 198.51.100.7:40000");
    unit_sweep(f, len, 1);

    /* not IPv6 behind the headers, or nothing to tell by: data */
    static const unsigned char notv6[12] = {0x45, 'h', 'e', 'l', 'l', 'o'};
    r = unit_dissect(f, udp_frame(f, 51000, 3544, notv6, 12), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp data");
    memcpy(v, auth, 18);
    v[18] = 0x45;
    r = unit_dissect(f, udp_frame(f, 51000, 3544, v, 20), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp data");
    /* authentication lengths beyond the datagram */
    memcpy(v, auth, 18);
    v[2] = 200;
    r = unit_dissect(f, udp_frame(f, 51000, 3544, v, 60), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp data");
    /* the headers cut by the snaplen: a truncated teredo layer */
    memcpy(v, auth, 18);
    memcpy(v + 18, orig, 8);
    n = 26 + ip6(v + 26, 59, NULL, 0);
    len = udp_frame(f, 51000, 3544, v, n);
    r = unit_dissect_len(f, ETH_IP_UDP + 12, len, 1);
    l = unit_layer(r, "teredo", 0);
    CHECK(l && l->status == LS_TRUNCATED);
}

/* ---- GTP-U ---------------------------------------------------------------- */

static void test_gtp(void)
{
    unsigned char v[192], f[256];
    /* E set: seq 0, N-PDU 0, next 0x85; a PDU session container of one
     * word (next: none); then IPv4 */
    static const unsigned char h[16] = {0x34, 0xff, 0, 0, 0, 0, 0, 0x11,
                                        0, 0, 0, 0x85, 0x01, 0x00, 0x05, 0x00};
    memcpy(v, h, 16);
    unsigned n = 16 + ip4(v + 16, 1, echo_request(), ECHO_LEN);
    put16(v + 2, n - 8);
    unsigned len = udp_frame(f, 2152, 2152, v, n);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp gtp ipv4 icmp data");
    const layer_t *l = unit_layer(r, "gtp", 0);
    CHECK(l && l->status == LS_OK && l->osi == 7 && l->len == 16);
    CHECK_EQ(unit_uint(r, l, "version"), 1);
    CHECK_EQ(unit_uint(r, l, "pt"), 1);
    CHECK_EQ(unit_uint(r, l, "e"), 1);
    CHECK_EQ(unit_uint(r, l, "msg_type"), 255);
    CHECK_EQ(unit_uint(r, l, "len"), n - 8);
    CHECK_EQ(unit_uint(r, l, "teid"), 0x11);
    CHECK_EQ(unit_uint(r, l, "seq"), 0xdeadbeef); /* S clear: not counted */
    CHECK_EQ(unit_uint(r, l, "next_ext"), 0x85);
    const field_t *x = l ? unit_field(r, l, "ext") : NULL;
    CHECK(x && x->type == FT_ARRAY && x[1].type == FT_OBJECT && x[2].v.u == 0x85 &&
          x[3].v.u == 1 && x[4].v.u == 0);
    CHECK_STR(unit_summary(r, l), "GTPv1-U T-PDU, teid 0x11");
    const layer_t *in = unit_layer(r, "ipv4", 1);
    CHECK(in && in->depth == 0 && in->off == ETH_IP_UDP + 16);
    unit_sweep(f, len, 1);

    /* no optional fields; IPv6 inside */
    static const unsigned char h6[8] = {0x30, 0xff, 0, 0, 0, 0, 0, 0x11};
    unsigned char icmp6[8] = {128, 0, 0, 0, 0, 9, 0, 1};
    memcpy(v, h6, 8);
    n = 8 + ip6(v + 8, 58, icmp6, 8);
    put16(v + 2, n - 8);
    r = unit_dissect(f, udp_frame(f, 2152, 2152, v, n), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp gtp ipv6 icmpv6");

    /* an echo request (S, seq 77): its information elements are data */
    static const unsigned char e[14] = {0x32, 0x01, 0, 6, 0, 0, 0, 0, 0, 77, 0, 0, 0x0e, 0};
    r = unit_dissect(f, udp_frame(f, 2152, 2152, e, 14), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp gtp data");
    l = unit_layer(r, "gtp", 0);
    CHECK_EQ(unit_uint(r, l, "seq"), 77);
    CHECK_STR(unit_summary(r, l), "GTPv1-U echo request, teid 0x0, seq 77");

    /* lengths that lie */
    memcpy(v, h6, 8);
    n = 8 + ip4(v + 8, 1, echo_request(), ECHO_LEN);
    put16(v + 2, 500);
    r = unit_dissect(f, udp_frame(f, 2152, 2152, v, n), 1);
    CHECK_STR(error_of(r, "gtp"), "bad_gtp_len");
    CHECK_STR(unit_stack(r), "eth ipv4 udp gtp");
    /* optional fields announced, length under 4 */
    static const unsigned char short_opt[10] = {0x32, 0xff, 0, 2, 0, 0, 0, 1, 0, 0};
    r = unit_dissect(f, udp_frame(f, 2152, 2152, short_opt, 10), 1);
    CHECK_STR(error_of(r, "gtp"), "bad_gtp_len");
    /* an extension header of length 0, and one beyond the message */
    memcpy(v, h, 16);
    n = 16 + ip4(v + 16, 1, echo_request(), ECHO_LEN);
    put16(v + 2, n - 8);
    v[12] = 0;
    r = unit_dissect(f, udp_frame(f, 2152, 2152, v, n), 1);
    CHECK_STR(error_of(r, "gtp"), "bad_gtp_ext");
    v[12] = 50;
    r = unit_dissect(f, udp_frame(f, 2152, 2152, v, n), 1);
    CHECK_STR(error_of(r, "gtp"), "bad_gtp_ext");
    /* a chain that never ends inside the message: the message runs out */
    v[12] = 1;
    v[15] = 0x85;
    put16(v + 2, 8);
    r = unit_dissect(f, udp_frame(f, 2152, 2152, v, 16), 1);
    CHECK_STR(error_of(r, "gtp"), "bad_gtp_ext");
    /* version 2 on the GTP-U port */
    static const unsigned char v2[12] = {0x48, 0xff, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0};
    r = unit_dissect(f, udp_frame(f, 2152, 2152, v2, 12), 1);
    CHECK_STR(error_of(r, "gtp"), "bad_gtp_version");
    /* cut inside the extension header: truncated */
    memcpy(v, h, 16);
    n = 16 + ip4(v + 16, 1, echo_request(), ECHO_LEN);
    put16(v + 2, n - 8);
    len = udp_frame(f, 2152, 2152, v, n);
    r = unit_dissect_len(f, ETH_IP_UDP + 14, len, 1);
    l = unit_layer(r, "gtp", 0);
    CHECK(l && l->status == LS_TRUNCATED);
    x = l ? unit_field(r, l, "ext") : NULL;
    CHECK(x && x->type == FT_ARRAY); /* closed, even when cut */
}

/* ---- AYIYA ---------------------------------------------------------------- */

static void test_ayiya(void)
{
    unsigned char v[192], f[256];
    /* identity 2^4 = 16 bytes (integer), signature 5 words (SHA-1), auth
     * shared secret, forward, next header 41, epoch 1234567890 */
    static const unsigned char h[8] = {0x41, 0x52, 0x11, 41, 0x49, 0x96, 0x02, 0xd2};
    memcpy(v, h, 8);
    memset(v + 8, 0xab, 16 + 20);
    unsigned n = 44 + ip6(v + 44, 17, dns_udp(), DNS_UDP_LEN);
    unsigned len = udp_frame(f, 5072, 5072, v, n);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp ayiya ipv6 udp dns");
    const layer_t *l = unit_layer(r, "ayiya", 0);
    CHECK(l && l->status == LS_OK && l->osi == 7 && l->len == 44);
    CHECK_EQ(unit_uint(r, l, "id_len"), 4);
    CHECK_EQ(unit_uint(r, l, "id_type"), 1);
    CHECK_EQ(unit_uint(r, l, "sig_len"), 5);
    CHECK_EQ(unit_uint(r, l, "hash_method"), 2);
    CHECK_EQ(unit_uint(r, l, "auth_method"), 1);
    CHECK_EQ(unit_uint(r, l, "opcode"), 1);
    CHECK_EQ(unit_uint(r, l, "next_header"), 41);
    CHECK_EQ(unit_uint(r, l, "epoch"), 1234567890);
    CHECK_STR(unit_summary(r, l), "AYIYA forward, next IPv6-in-IP");
    CHECK(unit_layer(r, "udp", 1) && unit_layer(r, "udp", 1)->depth == 0);
    unit_sweep(f, len, 1);

    /* a heartbeat carries nothing to dissect */
    v[2] = 0x10;
    r = unit_dissect(f, udp_frame(f, 5072, 5072, v, 44), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp ayiya");
    CHECK_STR(unit_summary(r, unit_layer(r, "ayiya", 0)), "AYIYA heartbeat");
    /* identity and signature beyond the datagram */
    v[1] = 0xf2;
    r = unit_dissect(f, udp_frame(f, 5072, 5072, v, 44), 1);
    CHECK_STR(error_of(r, "ayiya"), "bad_ayiya_len");
}

/* ---- IP in IP ------------------------------------------------------------- */

static void test_ip_in_ip(void)
{
    unsigned char v[192], f[256];
    /* IPv4 in IPv4 (protocol 4) carrying UDP/DNS */
    unsigned n = ip4(v, 17, dns_udp(), DNS_UDP_LEN);
    unsigned len = unit_eth_ipv4(f, 4, 0, v, n);
    record_t *r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 ipv4 udp dns");
    const layer_t *l = unit_layer(r, "ipv4", 1);
    CHECK(l && l->depth == 0 && l->osi == 3 && l->off == ETH_IP);
    unit_sweep(f, len, 1);
    /* IPv6 in IPv4 (41) */
    n = ip6(v, 17, dns_udp(), DNS_UDP_LEN);
    len = unit_eth_ipv4(f, 41, 0, v, n);
    r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 ipv6 udp dns");
    unit_sweep(f, len, 1);

    /* an ICMP error quoting an IP-in-IP packet: the quote (outer and
     * inner header) is nested, the frame's own stack is not */
    unsigned char q[64], m[96];
    unsigned qn = ip4(q, 4, v, ip4(v, 17, dns_udp(), DNS_UDP_LEN));
    static const unsigned char err[8] = {3, 1, 0, 0, 0, 0, 0, 0};
    memcpy(m, err, 8);
    memcpy(m + 8, q, qn < 48 ? qn : 48);
    put16(m + 2, ~sum16(m, 56, 0) & 0xffff);
    len = unit_eth_ipv4(f, 1, 0, m, 56);
    r = unit_dissect(f, len, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 icmp ipv4 ipv4 udp");
    CHECK(r->layers[1].depth == 0 && r->layers[2].depth == 0);
    CHECK(r->layers[3].depth == 1 && r->layers[4].depth == 1 && r->layers[5].depth == 1);
    CHECK(!r->malformed);
    unit_sweep(f, len, 1);
}

/* ---- the flow tracker ----------------------------------------------------- */

static flow_table_t *ft;
static engine_hooks_t hooks;
static int64_t now_ns = 1700000000LL * 1000000000LL;

static record_t *feed(const unsigned char *f, unsigned n)
{
    now_ns += 1000000;
    flow_tick(ft, now_ns);
    unit_rec.frame++;
    engine_dissect(&unit_rec, f, n, n, 1, &hooks);
    return &unit_rec;
}

static unsigned rec_n;
static flow_rec_t recs[8];
static void collect(void *arg, const flow_rec_t *rec)
{
    (void)arg;
    if (rec_n < 8)
        recs[rec_n++] = *rec;
}

/* VXLAN carrying TCP: the outer UDP datagram has a flow of its own (the
 * tunnel pinned as its service), the inner connection another, keyed by
 * the inner addresses and ports; the packet's flow is the inner one, and
 * its transport layer is the inner tcp. */
static void test_flows(void)
{
    char err[128];
    ft = flow_table_new(64, 0, err, sizeof err);
    CHECK(ft != NULL);
    if (!ft)
        return;
    hooks.layer = flow_layer_hook;
    hooks.ctx = ft;
    unit_rec.frame = 0;
    unsigned char v[160], f[224], t[20];
    static const unsigned char h[8] = {0x08, 0, 0, 0, 0, 0, 100, 0};
    static const unsigned char eh[14] = {0x0a, 0, 0, 0, 0, 2, 0x0a, 0, 0, 0, 0, 1, 0x08, 0x00};
    /* a TCP SYN 172.16.0.1:40000 > 172.16.0.2:80 (checksum not checked
     * for the state machine) */
    memset(t, 0, 20);
    put16(t, 40000);
    put16(t + 2, 80);
    t[7] = 1;
    t[12] = 5 << 4;
    t[13] = 0x02;
    t[14] = 0x20;
    memcpy(v, h, 8);
    memcpy(v + 8, eh, 14);
    unsigned n = 22 + ip4(v + 22, 6, t, 20);
    record_t *r = feed(f, udp_frame(f, 50000, 4789, v, n));
    CHECK_STR(unit_stack(r), "eth ipv4 udp vxlan eth ipv4 tcp");
    CHECK(r->flow.present && r->flow.tcp);
    CHECK_EQ(r->flow.id, 2); /* the outer UDP flow is 1 */
    CHECK_EQ(r->flow.layer, 6);
    CHECK_EQ(r->flow.dir, 0);
    /* an inner DNS datagram in the same tunnel */
    memcpy(v + 8, eh, 14);
    n = 22 + ip4(v + 22, 17, dns_udp(), DNS_UDP_LEN);
    r = feed(f, udp_frame(f, 50000, 4789, v, n));
    CHECK_STR(unit_stack(r), "eth ipv4 udp vxlan eth ipv4 udp dns");
    CHECK(r->flow.present && !r->flow.tcp);
    CHECK_EQ(r->flow.id, 3);
    CHECK_EQ(r->flow.layer, 6);
    /* an inner ICMP message: the packet's flow stays the outer one */
    n = 22 + ip4(v + 22, 1, echo_request(), ECHO_LEN);
    r = feed(f, udp_frame(f, 50000, 4789, v, n));
    CHECK(r->flow.present && !r->flow.tcp);
    CHECK_EQ(r->flow.id, 1);
    CHECK_EQ(r->flow.layer, 2);

    flow_finish(ft);
    rec_n = 0;
    CHECK_EQ(flow_foreach(ft, collect, NULL), 0);
    CHECK_EQ(rec_n, 4);
    CHECK(recs[0].proto == 17 && recs[0].resp_p == 4789 && recs[0].orig_pkts == 3);
    CHECK_STR(recs[0].service, "vxlan");
    CHECK(recs[1].proto == 6 && recs[1].orig_p == 40000 && recs[1].resp_p == 80);
    CHECK(recs[1].orig_h[0] == 172 && recs[1].orig_pkts == 1);
    CHECK(recs[2].proto == 17 && recs[2].resp_p == 53);
    CHECK_STR(recs[2].service, "dns");
    CHECK(recs[3].proto == 1);
    flow_table_free(ft);
}

int main(void)
{
    unit_init();
    RUN(test_vxlan);
    RUN(test_geneve);
    RUN(test_teredo);
    RUN(test_gtp);
    RUN(test_ayiya);
    RUN(test_ip_in_ip);
    RUN(test_flows);
    return unit_done();
}
