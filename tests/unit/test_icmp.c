/* test_icmp.c - ICMPv4 and ICMPv6: echo, errors with nested quotes,
 * Neighbor Discovery and its options, checksums, hostile lengths. */
#include "unit.h"

static const unsigned char A1[4] = {10, 0, 0, 1}, A2[4] = {10, 0, 0, 2};
static const unsigned char GW[4] = {10, 0, 0, 254};
static const unsigned char L1[16] = {0xfe, 0x80, [15] = 1}; /* fe80::1 */
static const unsigned char L2[16] = {0xfe, 0x80, [15] = 2}; /* fe80::2 */
static const unsigned char G1[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}; /* 2001:db8::1 */
static const unsigned char G2[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2}; /* 2001:db8::2 */
static const unsigned char MAC[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};

static unsigned sum16(const unsigned char *p, unsigned n, unsigned sum)
{
    for (unsigned i = 0; i < n; i++)
        sum += i & 1 ? p[i] : (unsigned)p[i] << 8;
    return sum;
}

static void put_sum(unsigned char *at, unsigned sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    at[0] = (unsigned char)(sum >> 8);
    at[1] = (unsigned char)sum;
}

/* An IPv4 header at p claiming total length tot. */
static void ip4_hdr(unsigned char *p, const unsigned char *src, const unsigned char *dst,
                    unsigned char proto, unsigned tot)
{
    static const unsigned char h[12] = {0x45, 0, 0, 0, 0x12, 0x34, 0x00, 0x00, 64, 0, 0, 0};
    memcpy(p, h, 12);
    p[2] = (unsigned char)(tot >> 8);
    p[3] = (unsigned char)tot;
    p[9] = proto;
    memcpy(p + 12, src, 4);
    memcpy(p + 16, dst, 4);
    put_sum(p + 10, sum16(p, 20, 0));
}

/* An IPv6 header at p. */
static void ip6_hdr(unsigned char *p, const unsigned char *src, const unsigned char *dst,
                    unsigned char nxt, unsigned plen)
{
    memset(p, 0, 40);
    p[0] = 0x60;
    p[4] = (unsigned char)(plen >> 8);
    p[5] = (unsigned char)plen;
    p[6] = nxt;
    p[7] = 255;
    memcpy(p + 8, src, 16);
    memcpy(p + 24, dst, 16);
}

/* Ethernet + IPv4 (proto 1) + an ICMP message with its checksum set. */
static unsigned icmp4(unsigned char *f, const unsigned char *src, const unsigned char *dst,
                      const void *msg, unsigned n)
{
    static const unsigned char eth[14] = {0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77,
                                          0x88, 0x99, 0xaa, 0x08, 0x00};
    memcpy(f, eth, 14);
    ip4_hdr(f + 14, src, dst, 1, 20 + n);
    memcpy(f + 34, msg, n);
    f[36] = f[37] = 0;
    put_sum(f + 36, sum16(f + 34, n, 0));
    return 34 + n;
}

/* Ethernet + IPv6 (next header 58) + an ICMPv6 message with its checksum
 * over the pseudo header (RFC 8200 section 8.1). */
static unsigned icmp6(unsigned char *f, const unsigned char *src, const unsigned char *dst,
                      const void *msg, unsigned n)
{
    static const unsigned char eth[14] = {0x33, 0x33, 0, 0, 0, 1, 0, 0x11, 0x22, 0x33, 0x44,
                                          0x55, 0x86, 0xdd};
    memcpy(f, eth, 14);
    ip6_hdr(f + 14, src, dst, 58, n);
    memcpy(f + 54, msg, n);
    f[56] = f[57] = 0;
    unsigned sum = sum16(src, 16, 0);
    sum = sum16(dst, 16, sum) + n + 58;
    put_sum(f + 56, sum16(f + 54, n, sum));
    return 54 + n;
}

/* Null-safe accessors, so that a missing field or layer fails a check
 * instead of crashing the test. */
static unsigned long long off_of(const field_t *f)
{
    return f ? f->off : 0xdeadbeefULL;
}

static const char *err_of(const layer_t *l)
{
    return l ? err_name(l->err) : "(no layer)";
}

/* The nth field named `name` anywhere in the layer (also nested). */
static const field_t *nth_field(const record_t *r, const layer_t *l, const char *name, int nth)
{
    for (unsigned i = l ? l->f_first : 0; l && i < (unsigned)l->f_first + l->f_count; i++)
        if (unit_named(&r->fields[i], name) && nth-- == 0)
            return &r->fields[i];
    return NULL;
}

static unsigned long long nth_uint(const record_t *r, const layer_t *l, const char *name, int nth)
{
    const field_t *f = nth_field(r, l, name, nth);
    return f ? f->v.u : 0xdeadbeefULL;
}

static int bytes_are(const field_t *f, const void *want, unsigned n)
{
    return f && memcmp(f->v.b, want, n) == 0;
}

/* Depths of all layers as digits ("00011"). */
static const char *depths(const record_t *r)
{
    static char buf[REC_MAX_LAYERS + 1];
    unsigned i;
    for (i = 0; i < r->nlayers; i++)
        buf[i] = (char)('0' + r->layers[i].depth);
    buf[i] = '\0';
    return buf;
}

/* ---- ICMPv4 ---- */

static const unsigned char echo_req[16] = {8, 0, 0, 0, 0, 3, 0, 1, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};

static void test_icmp_echo(void)
{
    unsigned char f[128];
    unsigned n = icmp4(f, A1, A2, echo_req, sizeof echo_req);
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 icmp data");
    const layer_t *ic = unit_layer(r, "icmp", 0);
    CHECK(ic && ic->status == LS_OK);
    CHECK_EQ(ic ? ic->osi : 0xdeadbeefu, 3);
    CHECK_EQ(ic ? ic->off : 0xdeadbeefu, 34);
    CHECK_EQ(ic ? ic->len : 0xdeadbeefu, 8);
    CHECK_EQ(unit_uint(r, ic, "type"), 8);
    CHECK_EQ(unit_uint(r, ic, "code"), 0);
    CHECK_EQ(unit_uint(r, ic, "id"), 3);
    CHECK_EQ(unit_uint(r, ic, "seq"), 1);
    CHECK_EQ(unit_uint(r, ic, "checksum"), (unsigned)(f[36] << 8 | f[37]));
    CHECK_EQ(unit_uint(r, ic, "checksum_ok"), 1);
    CHECK_EQ(off_of(unit_field(r, ic, "seq")), 40);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 8);
    CHECK_STR(unit_summary(r, ic), "ICMP echo request id 3 seq 1");

    f[n - 1] ^= 1; /* payload changed: checksum now wrong */
    r = unit_dissect(f, n, 1);
    CHECK_EQ(unit_uint(r, unit_layer(r, "icmp", 0), "checksum_ok"), 0);

    /* cut by the snaplen: no verdict on the checksum */
    r = unit_dissect_len(f, n - 2, n, 1);
    ic = unit_layer(r, "icmp", 0);
    CHECK(ic && ic->status == LS_OK);
    CHECK(unit_field(r, ic, "checksum_ok") == NULL);

    /* the first fragment of a longer echo: the checksum covers bytes
     * that are not here, so no verdict */
    n = icmp4(f, A1, A2, echo_req, sizeof echo_req);
    f[14 + 6] = 0x20; /* MF */
    r = unit_dissect(f, n, 1);
    ic = unit_layer(r, "icmp", 0);
    CHECK_EQ(unit_uint(r, ic, "id"), 3);
    CHECK(ic && unit_field(r, ic, "checksum_ok") == NULL);

    unsigned char rep[sizeof echo_req];
    memcpy(rep, echo_req, sizeof rep);
    rep[0] = 0;
    n = icmp4(f, A2, A1, rep, sizeof rep);
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_summary(r, unit_layer(r, "icmp", 0)), "ICMP echo reply id 3 seq 1");
}

/* port unreachable quoting 10.0.0.1:5353 -> 10.0.0.2:53 UDP */
static unsigned port_unreach(unsigned char *f)
{
    unsigned char m[8 + 28] = {3, 3, 0, 0, 0, 0, 0, 0};
    ip4_hdr(m + 8, A1, A2, 17, 48); /* the datagram had 20 bytes of data */
    static const unsigned char udp[8] = {0x14, 0xe9, 0x00, 0x35, 0x00, 0x1c, 0, 0};
    memcpy(m + 28, udp, 8);
    return icmp4(f, A2, A1, m, sizeof m);
}

static void test_icmp_unreach(void)
{
    unsigned char f[128];
    unsigned n = port_unreach(f);
    record_t *r = unit_dissect(f, n, 1);
    CHECK(strncmp(unit_stack(r), "eth ipv4 icmp ipv4 udp", 22) == 0);
    CHECK(strncmp(depths(r), "00011", 5) == 0);
    const layer_t *ic = unit_layer(r, "icmp", 0);
    CHECK(ic && ic->status == LS_OK);
    CHECK_EQ(ic ? ic->len : 0xdeadbeefu, 8);
    CHECK_EQ(unit_uint(r, ic, "type"), 3);
    CHECK_EQ(unit_uint(r, ic, "code"), 3);
    CHECK_EQ(unit_uint(r, ic, "checksum_ok"), 1);
    CHECK(unit_field(r, ic, "id") == NULL);
    const layer_t *q = unit_layer(r, "ipv4", 1);
    CHECK(q && q->status == LS_OK && q->depth == 1 && q->off == 42);
    CHECK(bytes_are(unit_field(r, q, "dst"), A2, 4));
    CHECK_EQ(unit_uint(r, q, "len"), 48); /* claims more than quoted: fine */
    CHECK_STR(unit_summary(r, ic), "ICMP 10.0.0.2 udp port 53 unreachable");
    CHECK(!r->malformed);

    /* need to fragment, RFC 1191 next-hop MTU */
    f[34 + 1] = 4;
    f[34 + 6] = 0x05;
    f[34 + 7] = 0x78;
    r = unit_dissect(f, n, 1);
    ic = unit_layer(r, "icmp", 0);
    CHECK_EQ(unit_uint(r, ic, "mtu"), 1400);
    CHECK_STR(unit_summary(r, ic), "ICMP 10.0.0.2 unreachable - need to frag (mtu 1400)");
    f[34 + 1] = 1;
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_summary(r, unit_layer(r, "icmp", 0)), "ICMP host 10.0.0.2 unreachable");
}

static void test_icmp_time_exceeded_truncated_quote(void)
{
    /* the quote holds only 12 bytes of the IPv4 header */
    unsigned char m[8 + 12] = {11, 0};
    unsigned char ip[20];
    ip4_hdr(ip, A1, A2, 6, 60);
    memcpy(m + 8, ip, 12);
    unsigned char f[128];
    unsigned n = icmp4(f, GW, A1, m, sizeof m);
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 icmp ipv4");
    const layer_t *ic = unit_layer(r, "icmp", 0);
    CHECK(ic && ic->status == LS_OK);
    CHECK_EQ(unit_uint(r, ic, "type"), 11);
    CHECK_EQ(unit_uint(r, ic, "checksum_ok"), 1);
    const layer_t *q = unit_layer(r, "ipv4", 1);
    CHECK(q && q->status == LS_TRUNCATED && q->depth == 1);
    CHECK_STR(unit_summary(r, ic), "ICMP time exceeded in-transit");
    /* without a usable quote the unreachable summary falls back */
    f[34] = 3;
    f[35] = 3;
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_summary(r, unit_layer(r, "icmp", 0)), "ICMP destination unreachable code 3");
}

static void test_icmp_rfc4884(void)
{
    /* time exceeded with an RFC 4884 length of 7 words: the quote is the
     * 28 bytes, the 8-byte extension structure after it is not quoted */
    unsigned char m[8 + 28 + 8] = {11, 0, 0, 0, 0, 7, 0, 0};
    ip4_hdr(m + 8, A1, A2, 17, 28);
    static const unsigned char udp[8] = {0x14, 0xe9, 0x00, 0x35, 0x00, 0x08, 0, 0};
    memcpy(m + 28, udp, 8);
    m[36] = 0x20; /* extension header, version 2 */
    unsigned char f[128];
    unsigned n = icmp4(f, GW, A1, m, sizeof m);
    record_t *r = unit_dissect(f, n, 1);
    CHECK(strncmp(unit_stack(r), "eth ipv4 icmp ipv4 udp", 22) == 0);
    const layer_t *ic = unit_layer(r, "icmp", 0);
    CHECK_EQ(unit_uint(r, ic, "orig_len"), 28);
    const layer_t *u = unit_layer(r, "udp", 0);
    CHECK(u && u->depth == 1);
    /* nothing after the quote is dissected: the last layer ends at 70 */
    const layer_t *last = &r->layers[r->nlayers - 1];
    CHECK(last->off + last->len <= 34 + 8 + 28);
    CHECK(!r->malformed);

    /* a length beyond the message: ignored, the whole rest is quoted */
    f[34 + 5] = 200;
    r = unit_dissect(f, n, 1);
    CHECK_EQ(unit_uint(r, unit_layer(r, "icmp", 0), "orig_len"), 800);
    CHECK(strncmp(unit_stack(r), "eth ipv4 icmp ipv4 udp", 22) == 0);
}

static void test_icmp_redirect_and_timestamp(void)
{
    unsigned char m[8 + 28] = {5, 1, 0, 0, 10, 0, 0, 254};
    ip4_hdr(m + 8, A1, A2, 17, 28);
    unsigned char f[128];
    unsigned n = icmp4(f, GW, A1, m, sizeof m);
    record_t *r = unit_dissect(f, n, 1);
    const layer_t *ic = unit_layer(r, "icmp", 0);
    CHECK(bytes_are(unit_field(r, ic, "gateway"), GW, 4));
    CHECK_STR(unit_summary(r, ic), "ICMP redirect 10.0.0.2 to host 10.0.0.254");

    static const unsigned char ts[20] = {13, 0, 0, 0, 0, 7, 0, 2, 0, 0, 0x01, 0x00};
    n = icmp4(f, A1, A2, ts, sizeof ts);
    r = unit_dissect(f, n, 1);
    ic = unit_layer(r, "icmp", 0);
    CHECK(ic && ic->status == LS_OK);
    CHECK_EQ(ic ? ic->len : 0xdeadbeefu, 20);
    CHECK_EQ(unit_uint(r, ic, "originate"), 256);
    CHECK_EQ(unit_uint(r, ic, "transmit"), 0);
    CHECK_STR(unit_summary(r, ic), "ICMP timestamp request id 7 seq 2");
}

static void test_icmp_hostile(void)
{
    unsigned char f[128];
    record_t *r;
    const layer_t *ic;

    /* 4 bytes of ICMP in the IP packet: shorter than the header */
    unsigned n = icmp4(f, A1, A2, echo_req, 4);
    r = unit_dissect(f, n, 1);
    ic = unit_layer(r, "icmp", 0);
    CHECK(ic && ic->status == LS_ERROR);
    CHECK_STR(err_of(ic), "bad_icmp");
    CHECK_EQ(unit_uint(r, ic, "type"), 8);

    /* a timestamp request of 8 bytes */
    static const unsigned char ts[8] = {13, 0, 0, 0, 0, 7, 0, 2};
    n = icmp4(f, A1, A2, ts, sizeof ts);
    r = unit_dissect(f, n, 1);
    CHECK_STR(err_of(unit_layer(r, "icmp", 0)), "bad_icmp");

    /* an error quoting an error: the inner one is not nested again */
    unsigned char m[8 + 20 + 8 + 20] = {3, 1};
    ip4_hdr(m + 8, A1, A2, 1, 56);
    m[28] = 11;
    ip4_hdr(m + 36, A2, GW, 17, 28);
    n = icmp4(f, GW, A1, m, sizeof m);
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 icmp ipv4 icmp data");
    CHECK_STR(depths(r), "000111");
    CHECK(!r->malformed);
}

/* ---- ICMPv6 ---- */

static void test_icmp6_echo(void)
{
    unsigned char m[12] = {128, 0, 0, 0, 0, 3, 0, 1, 'p', 'i', 'n', 'g'};
    unsigned char f[128];
    unsigned n = icmp6(f, G1, G2, m, sizeof m);
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv6 icmpv6 data");
    const layer_t *ic = unit_layer(r, "icmpv6", 0);
    CHECK(ic && ic->status == LS_OK);
    CHECK_EQ(ic ? ic->osi : 0xdeadbeefu, 3);
    CHECK_EQ(ic ? ic->off : 0xdeadbeefu, 54);
    CHECK_EQ(ic ? ic->len : 0xdeadbeefu, 8);
    CHECK_EQ(unit_uint(r, ic, "type"), 128);
    CHECK_EQ(unit_uint(r, ic, "code"), 0);
    CHECK_EQ(unit_uint(r, ic, "id"), 3);
    CHECK_EQ(unit_uint(r, ic, "seq"), 1);
    CHECK_EQ(unit_uint(r, ic, "checksum_ok"), 1);
    CHECK_STR(unit_summary(r, ic), "ICMP6 echo request id 3 seq 1");
    f[14 + 39] = 3; /* another destination: the pseudo header differs */
    r = unit_dissect(f, n, 1);
    CHECK_EQ(unit_uint(r, unit_layer(r, "icmpv6", 0), "checksum_ok"), 0);

    m[0] = 129;
    n = icmp6(f, G2, G1, m, sizeof m);
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_summary(r, unit_layer(r, "icmpv6", 0)), "ICMP6 echo reply id 3 seq 1");
}

static void test_icmp6_nd(void)
{
    unsigned char f[160];
    record_t *r;
    const layer_t *ic;

    /* neighbor solicitation for fe80::1 with a source link-layer option */
    unsigned char ns[32] = {135, 0, 0, 0, 0, 0, 0, 0};
    memcpy(ns + 8, L1, 16);
    ns[24] = 1;
    ns[25] = 1;
    memcpy(ns + 26, MAC, 6);
    unsigned n = icmp6(f, L2, L1, ns, sizeof ns);
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv6 icmpv6");
    ic = unit_layer(r, "icmpv6", 0);
    CHECK(ic && ic->status == LS_OK);
    CHECK_EQ(ic ? ic->len : 0xdeadbeefu, 32);
    CHECK(bytes_are(unit_field(r, ic, "target"), L1, 16));
    CHECK_EQ(off_of(unit_field(r, ic, "target")), 62);
    const field_t *sll = nth_field(r, ic, "sll", 0);
    CHECK(sll && sll->type == FT_MAC && sll->off == 80 && bytes_are(sll, MAC, 6));
    CHECK_EQ(nth_uint(r, ic, "len", 0), 8);
    CHECK_EQ(unit_uint(r, ic, "checksum_ok"), 1);
    CHECK_STR(unit_summary(r, ic), "ICMP6 neighbor solicitation who has fe80::1");

    /* neighbor advertisement, solicited and override, with a target
     * link-layer option */
    unsigned char na[32] = {136, 0, 0, 0, 0x60, 0, 0, 0};
    memcpy(na + 8, L1, 16);
    na[24] = 2;
    na[25] = 1;
    memcpy(na + 26, MAC, 6);
    n = icmp6(f, L1, L2, na, sizeof na);
    r = unit_dissect(f, n, 1);
    ic = unit_layer(r, "icmpv6", 0);
    CHECK(ic && ic->status == LS_OK);
    CHECK_EQ(unit_uint(r, ic, "r"), 0);
    CHECK_EQ(unit_uint(r, ic, "s"), 1);
    CHECK_EQ(unit_uint(r, ic, "o"), 1);
    CHECK(bytes_are(nth_field(r, ic, "tll", 0), MAC, 6));
    CHECK_STR(unit_summary(r, ic), "ICMP6 neighbor advertisement fe80::1 is at 00:11:22:33:44:55");

    /* router advertisement: M flag, hop limit 64, lifetime 1800, with
     * source link-layer, MTU and prefix information options */
    unsigned char ra[16 + 8 + 8 + 32] = {134, 0, 0, 0, 64, 0x80, 0x07, 0x08, 0, 0, 0x75, 0x30};
    unsigned char *o = ra + 16;
    o[0] = 1, o[1] = 1, memcpy(o + 2, MAC, 6);
    o += 8;
    o[0] = 5, o[1] = 1, o[6] = 0x05, o[7] = 0xdc;
    o += 8;
    o[0] = 3, o[1] = 4, o[2] = 64, o[3] = 0xc0;
    o[4] = 0x00, o[5] = 0x27, o[6] = 0x8d, o[7] = 0x00; /* 2592000 */
    o[8] = 0x00, o[9] = 0x09, o[10] = 0x3a, o[11] = 0x80; /* 604800 */
    memcpy(o + 16, G1, 8);
    n = icmp6(f, L1, L2, ra, sizeof ra);
    r = unit_dissect(f, n, 1);
    ic = unit_layer(r, "icmpv6", 0);
    CHECK(ic && ic->status == LS_OK);
    CHECK_EQ(unit_uint(r, ic, "cur_hop_limit"), 64);
    CHECK_EQ(unit_uint(r, ic, "m"), 1);
    CHECK_EQ(unit_uint(r, ic, "o"), 0);
    CHECK_EQ(unit_uint(r, ic, "router_lifetime"), 1800);
    CHECK_EQ(unit_uint(r, ic, "reachable_time"), 30000);
    CHECK_EQ(nth_uint(r, ic, "mtu", 0), 1500);
    CHECK_EQ(nth_uint(r, ic, "prefix_len", 0), 64);
    CHECK_EQ(nth_uint(r, ic, "l", 0), 1);
    CHECK_EQ(nth_uint(r, ic, "a", 0), 1);
    CHECK_EQ(nth_uint(r, ic, "valid_lifetime", 0), 2592000);
    CHECK_EQ(nth_uint(r, ic, "preferred_lifetime", 0), 604800);
    CHECK(bytes_are(nth_field(r, ic, "prefix", 0), "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\0", 16));
    CHECK_EQ(nth_uint(r, ic, "type", 3), 3); /* the 4th "type": the prefix option */
    CHECK_EQ(unit_uint(r, ic, "checksum_ok"), 1);
    CHECK_STR(unit_summary(r, ic), "ICMP6 router advertisement hop limit 64 lifetime 1800");

    /* redirect to fe80::1 for 2001:db8::2 */
    unsigned char rd[40] = {137, 0};
    memcpy(rd + 8, L1, 16);
    memcpy(rd + 24, G2, 16);
    n = icmp6(f, L2, L1, rd, sizeof rd);
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_summary(r, unit_layer(r, "icmpv6", 0)), "ICMP6 redirect 2001:db8::2 to fe80::1");
}

static void test_icmp6_nd_hostile(void)
{
    unsigned char f[160];
    record_t *r;
    const layer_t *ic;
    unsigned char ns[40] = {135, 0};
    memcpy(ns + 8, L1, 16);
    ns[24] = 1;
    ns[25] = 1;
    memcpy(ns + 26, MAC, 6);

    /* a second option of length 0 */
    ns[32] = 14;
    ns[33] = 0;
    unsigned n = icmp6(f, L2, L1, ns, sizeof ns);
    r = unit_dissect(f, n, 1);
    ic = unit_layer(r, "icmpv6", 0);
    CHECK(ic && ic->status == LS_ERROR);
    CHECK_STR(err_of(ic), "bad_nd_option");
    CHECK(nth_field(r, ic, "sll", 0) != NULL); /* the good one is kept */

    /* an option running past the message */
    ns[33] = 2;
    n = icmp6(f, L2, L1, ns, sizeof ns);
    r = unit_dissect(f, n, 1);
    CHECK_STR(err_of(unit_layer(r, "icmpv6", 0)), "bad_nd_option");
    /* ... but cut only by the snaplen it is truncated */
    ns[33] = 1;
    n = icmp6(f, L2, L1, ns, sizeof ns);
    r = unit_dissect_len(f, n - 3, n, 1);
    ic = unit_layer(r, "icmpv6", 0);
    CHECK(ic && ic->status == LS_TRUNCATED);
    CHECK_EQ(ic ? ic->len : 0xdeadbeefu, 40 - 3);

    /* a neighbor solicitation too short for its target */
    n = icmp6(f, L2, L1, ns, 20);
    r = unit_dissect(f, n, 1);
    ic = unit_layer(r, "icmpv6", 0);
    CHECK(ic && ic->status == LS_ERROR);
    CHECK_STR(err_of(ic), "bad_icmpv6");
}

static void test_icmp6_errors(void)
{
    unsigned char f[200];
    record_t *r;
    const layer_t *ic, *q;

    /* port unreachable quoting 2001:db8::1:5353 -> 2001:db8::2:53, the
     * quoted packet claiming more than the quote holds */
    unsigned char m[8 + 40 + 8] = {1, 4};
    ip6_hdr(m + 8, G1, G2, 17, 100);
    static const unsigned char udp[8] = {0x14, 0xe9, 0x00, 0x35, 0x00, 0x64, 0, 0};
    memcpy(m + 48, udp, 8);
    unsigned n = icmp6(f, G2, G1, m, sizeof m);
    r = unit_dissect(f, n, 1);
    CHECK(strncmp(unit_stack(r), "eth ipv6 icmpv6 ipv6 udp", 24) == 0);
    CHECK(strncmp(depths(r), "00011", 5) == 0);
    ic = unit_layer(r, "icmpv6", 0);
    CHECK(ic && ic->status == LS_OK && ic->len == 8);
    CHECK_EQ(unit_uint(r, ic, "checksum_ok"), 1);
    q = unit_layer(r, "ipv6", 1);
    CHECK(q && q->status == LS_OK && q->depth == 1);
    CHECK_EQ(unit_uint(r, q, "plen"), 100);
    CHECK_STR(unit_summary(r, ic), "ICMP6 2001:db8::2 udp port 53 unreachable");
    CHECK(!r->malformed);

    /* no route */
    m[1] = 0;
    n = icmp6(f, G2, G1, m, sizeof m);
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_summary(r, unit_layer(r, "icmpv6", 0)), "ICMP6 2001:db8::2 unreachable - no route");

    /* packet too big; the quoted packet's hop-by-hop header runs past the
     * quote: the quote is truncated, not wrong */
    unsigned char tb[8 + 40 + 4] = {2, 0, 0, 0, 0, 0, 0x05, 0x00};
    ip6_hdr(tb + 8, G1, G2, 0, 1240);
    tb[48] = 17;
    tb[49] = 1; /* 16 bytes */
    n = icmp6(f, G2, G1, tb, sizeof tb);
    r = unit_dissect(f, n, 1);
    ic = unit_layer(r, "icmpv6", 0);
    CHECK_EQ(unit_uint(r, ic, "mtu"), 1280);
    CHECK_STR(unit_summary(r, ic), "ICMP6 packet too big mtu 1280");
    q = unit_layer(r, "ipv6", 1);
    CHECK(q && q->status == LS_TRUNCATED);
    CHECK(!r->malformed);

    /* time exceeded with an RFC 4884 length of 6 units of 8 bytes: the
     * 48-byte quote, then an extension structure that is not quoted */
    unsigned char tx[8 + 48 + 8] = {3, 0, 0, 0, 6};
    ip6_hdr(tx + 8, G1, G2, 17, 16);
    static const unsigned char udp16[8] = {0x14, 0xe9, 0x00, 0x35, 0x00, 0x10, 0, 0};
    memcpy(tx + 48, udp16, 8);
    tx[56] = 0x20;
    n = icmp6(f, G2, G1, tx, sizeof tx);
    r = unit_dissect(f, n, 1);
    ic = unit_layer(r, "icmpv6", 0);
    CHECK_EQ(unit_uint(r, ic, "orig_len"), 48);
    CHECK(strncmp(unit_stack(r), "eth ipv6 icmpv6 ipv6 udp", 24) == 0);
    const layer_t *last = &r->layers[r->nlayers - 1];
    CHECK(last->off + last->len <= 54 + 8 + 48);
    CHECK(!r->malformed);

    /* time exceeded quoting a truncated IPv6 header */
    unsigned char te[8 + 20] = {3, 0}, hdr[40];
    ip6_hdr(hdr, G1, G2, 58, 64);
    memcpy(te + 8, hdr, 20); /* only its first 20 bytes quoted */
    n = icmp6(f, G2, G1, te, sizeof te);
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv6 icmpv6 ipv6");
    CHECK(unit_layer(r, "ipv6", 1) && unit_layer(r, "ipv6", 1)->status == LS_TRUNCATED);
    CHECK_STR(unit_summary(r, unit_layer(r, "icmpv6", 0)), "ICMP6 time exceeded in-transit");
}

static void test_sweep(void)
{
    unsigned char f[200];
    unsigned n = icmp4(f, A1, A2, echo_req, sizeof echo_req);
    unit_sweep(f, n, 1);
    n = port_unreach(f);
    unit_sweep(f, n, 1);
    unit_sweep(f + 14, n - 14, 101);

    unsigned char ns[32] = {135, 0};
    memcpy(ns + 8, L1, 16);
    ns[24] = 1;
    ns[25] = 1;
    memcpy(ns + 26, MAC, 6);
    n = icmp6(f, L2, L1, ns, sizeof ns);
    unit_sweep(f, n, 1);

    unsigned char m[8 + 40 + 8] = {1, 4};
    ip6_hdr(m + 8, G1, G2, 17, 100);
    m[48 + 3] = 53;
    n = icmp6(f, G2, G1, m, sizeof m);
    unit_sweep(f, n, 1);
    unit_sweep(f + 14, n - 14, 101);
}

int main(void)
{
    unit_init();
    RUN(test_icmp_echo);
    RUN(test_icmp_unreach);
    RUN(test_icmp_time_exceeded_truncated_quote);
    RUN(test_icmp_rfc4884);
    RUN(test_icmp_redirect_and_timestamp);
    RUN(test_icmp_hostile);
    RUN(test_icmp6_echo);
    RUN(test_icmp6_nd);
    RUN(test_icmp6_nd_hostile);
    RUN(test_icmp6_errors);
    RUN(test_sweep);
    return unit_done();
}
