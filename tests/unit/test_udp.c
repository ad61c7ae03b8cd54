/* test_udp.c - UDP header, exact payload window, hostile lengths,
 * fragments, truncation. */
#include "unit.h"

#define ETH_IP 34 /* Ethernet 14 + IPv4 20: where UDP starts */

/* Ethernet + IPv4 around `n` bytes (unit.h); returns the frame length. */
static unsigned build_ip(unsigned char *f, unsigned proto, unsigned ff, const unsigned char *udp,
                         unsigned n)
{
    return unit_eth_ipv4(f, proto, ff, udp, n);
}

static unsigned build(unsigned char *f, unsigned ff, const unsigned char *udp, unsigned n)
{
    return build_ip(f, 17, ff, udp, n);
}

/* Ethernet + IPv6 (2001:db8::1 > 2001:db8::2, next header 17) around
 * `n` bytes of UDP. */
static unsigned build6(unsigned char *f, const unsigned char *udp, unsigned n)
{
    static const unsigned char head[54] = {
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x86, 0xdd,
        0x60, 0, 0, 0, 0, 0, 17, 64,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
    };
    memcpy(f, head, sizeof head);
    f[18] = (unsigned char)(n >> 8);
    f[19] = (unsigned char)n;
    memcpy(f + sizeof head, udp, n);
    return (unsigned)sizeof head + n;
}

/* UDP header with length field `ulen`, checksum 0xabcd, then `extra`. */
static unsigned udp(unsigned char *u, unsigned sport, unsigned dport, unsigned ulen,
                    const void *extra, unsigned nextra)
{
    const unsigned char h[8] = {
        (unsigned char)(sport >> 8), (unsigned char)sport, (unsigned char)(dport >> 8),
        (unsigned char)dport,        (unsigned char)(ulen >> 8), (unsigned char)ulen,
        0xab,                        0xcd,
    };
    memcpy(u, h, 8);
    if (nextra)
        memcpy(u + 8, extra, nextra);
    return 8 + nextra;
}

static const char payload29[] = "abcdefghijklmnopqrstuvwxyz012";

static void test_basic(void)
{
    unsigned char u[64], f[128];
    unsigned n = build(f, 0, u, udp(u, 40000, 40001, 37, payload29, 29));
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp data");
    const layer_t *l = unit_layer(r, "udp", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_EQ(l->osi, 4);
    CHECK_EQ(l->off, ETH_IP);
    CHECK_EQ(l->len, 8);
    CHECK_EQ(unit_uint(r, l, "sport"), 40000);
    CHECK_EQ(unit_uint(r, l, "dport"), 40001);
    CHECK_EQ(unit_uint(r, l, "len"), 37);
    CHECK_EQ(unit_uint(r, l, "checksum"), 0xabcd);
    const field_t *fl = unit_field(r, l, "len");
    CHECK(fl && fl->off == ETH_IP + 4 && fl->len == 2);
    const field_t *sp = unit_field(r, l, "sport");
    CHECK(sp && sp->note && strcmp(sp->note, "registered") == 0);
    const layer_t *d = unit_layer(r, "data", 0);
    CHECK(d && d->off == ETH_IP + 8 && d->len == 29);
    CHECK_STR(unit_summary(r, l), "UDP, length 29");
}

static void test_exact_payload(void)
{
    /* UDP length 20: the IP payload's 17 trailing bytes are not UDP data */
    unsigned char u[64], f[128];
    unsigned n = build(f, 0, u, udp(u, 40000, 40001, 20, payload29, 29));
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp data");
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 12);
    CHECK_STR(unit_summary(r, unit_layer(r, "udp", 0)), "UDP, length 12");
    /* length exactly 8: no payload, no data layer */
    n = build(f, 0, u, udp(u, 40000, 40001, 8, NULL, 0));
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp");
    /* an HTTP request over UDP is not found by the TCP heuristic */
    n = build(f, 0, u, udp(u, 12345, 40001, 8 + 18, "GET / HTTP/1.1\r\n\r\n", 18));
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp data");
}

static void test_bad_len(void)
{
    unsigned char u[64], f[128];
    unsigned n = build(f, 0, u, udp(u, 40000, 40001, 7, payload29, 29));
    record_t *r = unit_dissect(f, n, 1);
    const layer_t *l = unit_layer(r, "udp", 0);
    CHECK(l && l->status == LS_ERROR);
    CHECK_STR(l ? err_name(l->err) : "", "bad_udp_len");
    CHECK_STR(unit_stack(r), "eth ipv4 udp");
    CHECK_EQ(unit_uint(r, l, "len"), 7);
    CHECK_STR(unit_summary(r, l), "UDP, bad length 7");
    /* length beyond the IP payload (37 + 1): the payload is the bytes
     * IP carried, dissected (as tshark does), and its layer carries the
     * error; the length field is noted */
    n = build(f, 0, u, udp(u, 40000, 40001, 38, payload29, 29));
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp data");
    l = unit_layer(r, "udp", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_STR(unit_summary(r, l), "UDP, length 30 (beyond the IP payload)");
    const layer_t *d = unit_layer(r, "data", 0);
    CHECK(d && d->status == LS_ERROR);
    CHECK_STR(d ? err_name(d->err) : "", "bad_udp_len");
    CHECK_EQ(unit_uint(r, d, "len"), 29);
    CHECK(r->malformed);
    /* ... even when the frame is also cut by a snaplen */
    r = unit_dissect_len(f, ETH_IP + 10, n, 1);
    CHECK_STR(err_name(unit_layer(r, "data", 0)->err), "bad_udp_len");
    /* nothing beyond the header: the UDP layer carries it */
    n = build(f, 0, u, udp(u, 40000, 40001, 38, NULL, 0));
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp");
    CHECK_STR(err_name(unit_layer(r, "udp", 0)->err), "bad_udp_len");
    unit_sweep(f, n, 1);
}

static void test_first_fragment(void)
{
    /* MF set: the UDP length covers the whole datagram (1480), more than
     * this fragment carries; not an error, and the payload stays data */
    unsigned char u[64], f[128];
    unsigned n = build(f, 0x2000, u, udp(u, 53, 40001, 1480, payload29, 29));
    record_t *r = unit_dissect(f, n, 1);
    const layer_t *l = unit_layer(r, "udp", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_STR(unit_stack(r), "eth ipv4 udp data");
    CHECK_EQ(unit_uint(r, l, "len"), 1480);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 29);
}

static void test_truncated(void)
{
    unsigned char u[64], f[128];
    unsigned n = build(f, 0, u, udp(u, 40000, 40001, 37, payload29, 29));
    record_t *r = unit_dissect_len(f, ETH_IP + 5, n, 1);
    const layer_t *l = unit_layer(r, "udp", 0);
    CHECK(l && l->status == LS_TRUNCATED);
    CHECK(r->truncated);
    CHECK_EQ(unit_uint(r, l, "dport"), 40001);
    CHECK(unit_field(r, l, "len") == NULL);
    CHECK_EQ(l->len, 5);
    CHECK_STR(unit_summary(r, l), "UDP");
    /* header whole, payload cut: UDP is fine, data is truncated */
    r = unit_dissect_len(f, ETH_IP + 12, n, 1);
    CHECK_EQ(unit_layer(r, "udp", 0)->status, LS_OK);
    const layer_t *d = unit_layer(r, "data", 0);
    CHECK(d && d->status == LS_TRUNCATED);
    CHECK_EQ(unit_uint(r, d, "len"), 29);
}

static void test_ipv6(void)
{
    unsigned char u[64], f[128];
    unsigned n = build6(f, u, udp(u, 40000, 40001, 37, payload29, 29));
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv6 udp data");
    const layer_t *l = unit_layer(r, "udp", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_EQ(l->off, 54);
    CHECK_EQ(unit_uint(r, l, "sport"), 40000);
    CHECK_EQ(unit_uint(r, l, "dport"), 40001);
    CHECK_EQ(unit_uint(r, l, "len"), 37);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 29);
    n = build6(f, u, udp(u, 40000, 40001, 38, payload29, 29));
    r = unit_dissect(f, n, 1);
    CHECK_EQ(unit_layer(r, "udp", 0)->status, LS_OK);
    CHECK_STR(err_name(unit_layer(r, "data", 0)->err), "bad_udp_len");
    unit_sweep(f, n, 1);
}

/* ICMP port unreachable quoting an IPv4 header and the first `q` bytes
 * of a UDP datagram whose length field says 37. */
static unsigned build_quote(unsigned char *f, unsigned dport, unsigned q)
{
    unsigned char m[128] = {3, 3, 0, 0, 0, 0, 0, 0,
                            0x45, 0, 0, 57, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1};
    unsigned char u[64];
    udp(u, 40000, dport, 37, payload29, 29);
    memcpy(m + 28, u, q);
    return build_ip(f, 1, 0, m, 28 + q);
}

static void test_icmp_quote(void)
{
    /* the usual 8 bytes: the length is more than the quote holds, which
     * is no error there; nothing goes up */
    unsigned char f[160];
    unsigned n = build_quote(f, 40001, 8);
    record_t *r = unit_dissect(f, n, 1);
    const layer_t *l = unit_layer(r, "udp", 0);
    CHECK(l && l->status == LS_OK);
    CHECK(l && l->depth == 1);
    CHECK_EQ(unit_uint(r, l, "len"), 37);
    CHECK_EQ(unit_uint(r, l, "dport"), 40001);
    CHECK(!r->malformed);
    CHECK_STR(unit_stack(r), "eth ipv4 icmp ipv4 udp");
    /* a whole quoted DNS query stays data: quotes never go up */
    n = build_quote(f, 53, 37);
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 icmp ipv4 udp data");
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 29);
    unit_sweep(f, n, 1);
}

static void test_sweep(void)
{
    unsigned char u[64], f[128];
    unsigned n = build(f, 0, u, udp(u, 40000, 40001, 37, payload29, 29));
    unit_sweep(f, n, 1);
    unit_sweep(f + 14, n - 14, 101);
    n = build(f, 0x2000, u, udp(u, 40000, 40001, 1480, payload29, 29));
    unit_sweep(f, n, 1);
}

/* checksum_ok: over the pseudo header and the whole datagram; absent when
 * the checksum is 0 (none sent) or the datagram was not captured whole */
static void test_checksum(void)
{
    unsigned char u[64], f[128];
    const unsigned char data[5] = {1, 2, 3, 4, 5};
    unsigned n = build(f, 0, u, udp(u, 5353, 53, 13, data, 5));
    unit_fix_l4_sum(f + 14, 0);
    record_t *r = unit_dissect(f, n, 1);
    const layer_t *l = unit_layer(r, "udp", 0);
    CHECK(unit_field(r, l, "checksum_ok") && unit_field(r, l, "checksum_ok")->v.u == 1);
    CHECK_EQ(r->bad_checksums, 0);
    unit_fix_l4_sum(f + 14, 1);
    r = unit_dissect(f, n, 1);
    l = unit_layer(r, "udp", 0);
    CHECK(unit_field(r, l, "checksum_ok") && unit_field(r, l, "checksum_ok")->v.u == 0);
    CHECK_EQ(r->bad_checksums, 1);
    r = unit_dissect_len(f, n - 1, n, 1); /* one byte short */
    CHECK(unit_field(r, unit_layer(r, "udp", 0), "checksum_ok") == NULL);
    f[ETH_IP + 6] = f[ETH_IP + 7] = 0; /* none sent */
    r = unit_dissect(f, n, 1);
    CHECK(unit_field(r, unit_layer(r, "udp", 0), "checksum_ok") == NULL);
}

int main(void)
{
    unit_init();
    RUN(test_basic);
    RUN(test_checksum);
    RUN(test_exact_payload);
    RUN(test_bad_len);
    RUN(test_first_fragment);
    RUN(test_truncated);
    RUN(test_ipv6);
    RUN(test_icmp_quote);
    RUN(test_sweep);
    return unit_done();
}
