/* test_tcp.c - TCP header, flags as tcpdump prints them, options,
 * payload dispatch, hostile offsets and option lengths, truncation. */
#include "unit.h"

#define ETH_IP 34 /* Ethernet 14 + IPv4 20: where TCP starts */

/* Ethernet + IPv4 around `n` bytes (unit.h); returns the frame length. */
static unsigned build_ip(unsigned char *f, unsigned proto, unsigned ff, const unsigned char *tcp,
                         unsigned n)
{
    return unit_eth_ipv4(f, proto, ff, tcp, n);
}

static unsigned build(unsigned char *f, unsigned ff, const unsigned char *tcp, unsigned n)
{
    return build_ip(f, 6, ff, tcp, n);
}

/* A TCP header 51234 > 80, seq 1000, ack 2000, win 512, with data offset
 * `doff` words and the 9 flag bits `flags`, then `extra` bytes. */
static unsigned tcp(unsigned char *t, unsigned sport, unsigned dport, unsigned doff,
                    unsigned flags, const void *extra, unsigned nextra)
{
    const unsigned char h[20] = {
        (unsigned char)(sport >> 8), (unsigned char)sport,
        (unsigned char)(dport >> 8), (unsigned char)dport,
        0, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0,
        (unsigned char)(doff << 4 | flags >> 8), (unsigned char)flags,
        0x02, 0x00, 0xbe, 0xef, 0x00, 0x07,
    };
    memcpy(t, h, 20);
    if (nextra)
        memcpy(t + 20, extra, nextra);
    return 20 + nextra;
}

/* Ethernet + IPv6 (2001:db8::1 > 2001:db8::2, next header 6) around `n`
 * bytes of TCP. */
static unsigned build6(unsigned char *f, const unsigned char *tcp, unsigned n)
{
    static const unsigned char head[54] = {
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x86, 0xdd,
        0x60, 0, 0, 0, 0, 0, 6, 64,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
    };
    memcpy(f, head, sizeof head);
    f[18] = (unsigned char)(n >> 8);
    f[19] = (unsigned char)n;
    memcpy(f + sizeof head, tcp, n);
    return (unsigned)sizeof head + n;
}

/* Field `name` in the nth object of array `arr` (NULL when absent). */
static const field_t *elem(const record_t *r, const field_t *arr, unsigned nth, const char *name)
{
    if (!arr || arr->type != FT_ARRAY)
        return NULL;
    unsigned ai = (unsigned)(arr - r->fields), end = field_next(r, ai) - 1;
    for (unsigned i = ai + 1; i < end; i = field_next(r, i)) {
        if (nth-- != 0)
            continue;
        for (unsigned j = i + 1; j < field_next(r, i) - 1; j = field_next(r, j))
            if (unit_named(&r->fields[j], name))
                return &r->fields[j];
        return NULL;
    }
    return NULL;
}

static unsigned count(const record_t *r, const field_t *arr)
{
    if (!arr || arr->type != FT_ARRAY)
        return 9999;
    unsigned ai = (unsigned)(arr - r->fields), n = 0;
    for (unsigned i = ai + 1; i < field_next(r, ai) - 1; i = field_next(r, i))
        n++;
    return n;
}

static unsigned long long ev(const field_t *f)
{
    return f ? f->v.u : 0xdeadbeefULL;
}

/* mss 1460, sackOK, TS val 1 ecr 0, nop, wscale 7 (a Linux SYN-ACK) */
static const unsigned char syn_opts[] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};

static void test_syn_ack_options(void)
{
    unsigned char t[64], f[128];
    unsigned n = build(f, 0x4000, t, tcp(t, 51234, 80, 10, 0x12, syn_opts, sizeof syn_opts));
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp");
    const layer_t *l = unit_layer(r, "tcp", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_EQ(l->osi, 4);
    CHECK_EQ(l->off, ETH_IP);
    CHECK_EQ(l->len, 40);
    CHECK_EQ(unit_uint(r, l, "sport"), 51234);
    CHECK_EQ(unit_uint(r, l, "dport"), 80);
    CHECK_EQ(unit_uint(r, l, "seq"), 1000);
    CHECK_EQ(unit_uint(r, l, "ack"), 2000);
    CHECK_EQ(unit_uint(r, l, "flags"), 0x12);
    CHECK_STR(unit_str(r, l, "flags_str"), "S.");
    CHECK_EQ(unit_uint(r, l, "win"), 512);
    CHECK_EQ(unit_uint(r, l, "len"), 0);
    CHECK_EQ(unit_uint(r, l, "hdr_len"), 40);
    CHECK_EQ(unit_uint(r, l, "checksum"), 0xbeef);
    CHECK_EQ(unit_uint(r, l, "urg_ptr"), 7);
    const field_t *sp = unit_field(r, l, "sport");
    CHECK(sp && sp->off == ETH_IP && sp->len == 2 && sp->note && strcmp(sp->note, "dynamic") == 0);
    const field_t *dp = unit_field(r, l, "dport");
    CHECK(dp && dp->off == ETH_IP + 2 && dp->note && strcmp(dp->note, "well-known: http") == 0);
    const field_t *ack = unit_field(r, l, "ack");
    CHECK(ack && ack->off == ETH_IP + 8 && ack->len == 4);

    const field_t *o = unit_field(r, l, "options");
    CHECK_EQ(count(r, o), 5);
    CHECK_EQ(ev(elem(r, o, 0, "kind")), 2);
    CHECK_EQ(ev(elem(r, o, 0, "len")), 4);
    CHECK_EQ(ev(elem(r, o, 0, "mss")), 1460);
    CHECK_EQ(ev(elem(r, o, 1, "kind")), 4);
    CHECK_EQ(ev(elem(r, o, 1, "len")), 2);
    CHECK_EQ(ev(elem(r, o, 2, "kind")), 8);
    CHECK_EQ(ev(elem(r, o, 2, "len")), 10);
    CHECK_EQ(ev(elem(r, o, 2, "tsval")), 1);
    CHECK_EQ(ev(elem(r, o, 2, "tsecr")), 0);
    CHECK_EQ(ev(elem(r, o, 3, "kind")), 1);
    CHECK_EQ(ev(elem(r, o, 3, "len")), 1);
    CHECK_EQ(ev(elem(r, o, 4, "kind")), 3);
    CHECK_EQ(ev(elem(r, o, 4, "wscale")), 7);
    const field_t *ts = elem(r, o, 2, "tsval");
    CHECK(ts && ts->off == ETH_IP + 28 && ts->len == 4);
    CHECK_STR(unit_summary(r, l), "TCP Flags [S.], seq 1000, ack 2000, win 512, options [mss "
                             "1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");
}

/* Flag combinations: tcpdump's letters in tcpdump's order (F S R P . U
 * E W, print-tcp.c), as tcpdump 4.99.3 prints them; NS has no letter. */
static void test_flags_str(void)
{
    static const struct {
        unsigned flags;
        const char *str;
    } cases[] = {
        {0x002, "S"}, {0x012, "S."}, {0x018, "P."}, {0x011, "F."},
        {0x004, "R"}, {0x014, "R."}, {0x029, "FPU"}, {0x000, "none"},
        {0x03f, "FSRP.U"}, {0x0ff, "FSRP.UEW"}, {0x1ff, "FSRP.UEW"}, {0x100, "none"},
        {0x040, "E"}, {0x080, "W"}, {0x0c2, "SEW"}, {0x052, "S.E"},
        {0x030, ".U"}, {0x003, "FS"}, {0x019, "FP."},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char t[64], f[128];
        unsigned n = build(f, 0, t, tcp(t, 51234, 80, 5, cases[i].flags, NULL, 0));
        record_t *r = unit_dissect(f, n, 1);
        const layer_t *l = unit_layer(r, "tcp", 0);
        CHECK_EQ(unit_uint(r, l, "flags"), cases[i].flags);
        CHECK_STR(unit_str(r, l, "flags_str"), cases[i].str);
    }
    /* tcpdump shows seq only when the segment uses sequence space, ack
     * only with ACK, urg with URG */
    unsigned char t[64], f[128];
    unsigned n = build(f, 0, t, tcp(t, 51234, 80, 5, 0x29, NULL, 0));
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_summary(r, unit_layer(r, "tcp", 0)),
              "TCP Flags [FPU], seq 1000, win 512, urg 7, length 0");
    n = build(f, 0, t, tcp(t, 51234, 80, 5, 0x10, NULL, 0));
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_summary(r, unit_layer(r, "tcp", 0)), "TCP Flags [.], ack 2000, win 512, length 0");
}

static void test_payload(void)
{
    unsigned char t[64], f[128];
    /* 5 bytes to an unbound port pair: data, exactly the payload */
    unsigned n = build(f, 0, t, tcp(t, 40000, 40001, 5, 0x18, "hello", 5));
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    const layer_t *l = unit_layer(r, "tcp", 0);
    CHECK_EQ(unit_uint(r, l, "len"), 5);
    CHECK_EQ(l->len, 20);
    const layer_t *d = unit_layer(r, "data", 0);
    CHECK(d && d->off == ETH_IP + 20 && d->len == 5);
    CHECK_STR(unit_summary(r, l), "TCP Flags [P.], seq 1000:1005, ack 2000, win 512, length 5");
    /* Ethernet padding after the IP packet is not TCP payload */
    unsigned char g[128];
    memcpy(g, f, n);
    memset(g + n, 0, 6);
    r = unit_dissect(g, n + 6, 1);
    CHECK_EQ(unit_uint(r, unit_layer(r, "tcp", 0), "len"), 5);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 5);
    /* port 80 goes to the port table (HTTP), whichever side it is on */
    n = build(f, 0, t, tcp(t, 80, 40000, 5, 0x18, "HTTP/1.1 200 OK\r\n\r\n", 19));
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
    /* but not from inside a first IP fragment (MF set) */
    n = build(f, 0x2000, t, tcp(t, 80, 40000, 5, 0x18, "HTTP/1.1 200 OK\r\n\r\n", 19));
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
}

static void test_sack_and_unknown(void)
{
    /* nop, nop, sack {1:2}{3:4}; then an unknown kind 30 of 6 bytes, eol */
    static const unsigned char sack[] = {1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4};
    unsigned char t[64], f[128];
    unsigned n = build(f, 0, t, tcp(t, 51234, 80, 10, 0x10, sack, sizeof sack));
    record_t *r = unit_dissect(f, n, 1);
    const layer_t *l = unit_layer(r, "tcp", 0);
    CHECK(l && l->status == LS_OK);
    const field_t *o = unit_field(r, l, "options");
    CHECK_EQ(count(r, o), 3);
    CHECK_EQ(ev(elem(r, o, 2, "kind")), 5);
    CHECK_EQ(ev(elem(r, o, 2, "len")), 18);
    const field_t *b = elem(r, o, 2, "blocks");
    CHECK_EQ(count(r, b), 2);
    CHECK_EQ(ev(elem(r, b, 0, "left")), 1);
    CHECK_EQ(ev(elem(r, b, 0, "right")), 2);
    CHECK_EQ(ev(elem(r, b, 1, "left")), 3);
    CHECK_EQ(ev(elem(r, b, 1, "right")), 4);
    CHECK_STR(unit_summary(r, l), "TCP Flags [.], ack 2000, win 512, options [nop,nop,sack 2 "
                             "{1:2}{3:4}], length 0");

    static const unsigned char unk[] = {30, 6, 1, 2, 3, 4, 0, 9, 9, 9, 2, 5};
    n = build(f, 0, t, tcp(t, 51234, 80, 8, 0x10, unk, sizeof unk));
    r = unit_dissect(f, n, 1);
    l = unit_layer(r, "tcp", 0);
    CHECK(l && l->status == LS_OK);
    o = unit_field(r, l, "options");
    CHECK_EQ(count(r, o), 2); /* after EOL the rest is padding */
    CHECK_EQ(ev(elem(r, o, 0, "kind")), 30);
    CHECK_EQ(ev(elem(r, o, 0, "len")), 6);
    CHECK_EQ(ev(elem(r, o, 1, "kind")), 0);
    CHECK_STR(unit_summary(r, l), "TCP Flags [.], ack 2000, win 512, options [mptcp,eol], length 0");

    /* an MSS option of the wrong length keeps kind and len, no value */
    static const unsigned char badmss[] = {2, 3, 5, 1};
    n = build(f, 0, t, tcp(t, 51234, 80, 6, 0x02, badmss, sizeof badmss));
    r = unit_dissect(f, n, 1);
    l = unit_layer(r, "tcp", 0);
    o = unit_field(r, l, "options");
    CHECK_EQ(ev(elem(r, o, 0, "len")), 3);
    CHECK(elem(r, o, 0, "mss") == NULL);
    CHECK_EQ(ev(elem(r, o, 1, "kind")), 1);
}

static void expect_error(const unsigned char *f, unsigned n, const char *err)
{
    record_t *r = unit_dissect(f, n, 1);
    const layer_t *l = unit_layer(r, "tcp", 0);
    CHECK(l && l->status == LS_ERROR);
    CHECK_STR(l ? err_name(l->err) : "", err);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp");
    CHECK(r->malformed);
}

static void test_hostile(void)
{
    unsigned char t[64], f[128];
    unsigned n = build(f, 0, t, tcp(t, 51234, 80, 4, 0x02, NULL, 0));
    expect_error(f, n, "bad_tcp_off");
    n = build(f, 0, t, tcp(t, 51234, 80, 0, 0x02, NULL, 0));
    expect_error(f, n, "bad_tcp_off");
    /* data offset 15 (60 bytes) in a 24-byte segment */
    n = build(f, 0, t, tcp(t, 51234, 80, 15, 0x02, "\1\1\1\1", 4));
    expect_error(f, n, "bad_tcp_off");
    /* ... which a snaplen cannot excuse: still beyond the reported length */
    record_t *r = unit_dissect_len(f, n - 2, n, 1);
    CHECK_STR(err_name(unit_layer(r, "tcp", 0)->err), "bad_tcp_off");
    /* option lengths 0 and 1, and one running past the header */
    n = build(f, 0, t, tcp(t, 51234, 80, 6, 0x02, "\2\0\0\0", 4));
    expect_error(f, n, "bad_tcp_option");
    n = build(f, 0, t, tcp(t, 51234, 80, 6, 0x02, "\2\1\0\0", 4));
    expect_error(f, n, "bad_tcp_option");
    n = build(f, 0, t, tcp(t, 51234, 80, 6, 0x02, "\1\10\12\0", 4));
    expect_error(f, n, "bad_tcp_option");
    /* a kind with no room left for its length byte */
    n = build(f, 0, t, tcp(t, 51234, 80, 6, 0x02, "\1\1\1\2", 4));
    expect_error(f, n, "bad_tcp_option");
    /* a bad option keeps the fixed fields */
    r = unit_dissect(f, n, 1);
    CHECK_EQ(unit_uint(r, unit_layer(r, "tcp", 0), "dport"), 80);
}

static void test_truncated(void)
{
    unsigned char t[64], f[128];
    unsigned n = build(f, 0, t, tcp(t, 51234, 80, 10, 0x12, syn_opts, sizeof syn_opts));
    /* cut inside the options: fixed fields kept */
    record_t *r = unit_dissect_len(f, ETH_IP + 30, n, 1);
    const layer_t *l = unit_layer(r, "tcp", 0);
    CHECK(l && l->status == LS_TRUNCATED);
    CHECK(r->truncated);
    CHECK_EQ(unit_uint(r, l, "win"), 512);
    CHECK_EQ(unit_uint(r, l, "len"), 0);
    CHECK_EQ(l->off, ETH_IP);
    CHECK_EQ(l->len, 30);
    /* cut after 9 bytes: ports and seq, no ack */
    r = unit_dissect_len(f, ETH_IP + 9, n, 1);
    l = unit_layer(r, "tcp", 0);
    CHECK(l && l->status == LS_TRUNCATED);
    CHECK_EQ(unit_uint(r, l, "sport"), 51234);
    CHECK_EQ(unit_uint(r, l, "seq"), 1000);
    CHECK(unit_field(r, l, "ack") == NULL);
    CHECK(unit_field(r, l, "flags_str") == NULL);
    CHECK_EQ(l->len, 9);
    CHECK_STR(unit_summary(r, l), "TCP");
}

static void test_ipv6(void)
{
    unsigned char t[64], f[160];
    unsigned n = build6(f, t, tcp(t, 51234, 80, 10, 0x02, syn_opts, sizeof syn_opts));
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv6 tcp");
    const layer_t *l = unit_layer(r, "tcp", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_EQ(l->off, 54);
    CHECK_EQ(l->len, 40);
    CHECK_EQ(unit_uint(r, l, "sport"), 51234);
    CHECK_EQ(unit_uint(r, l, "dport"), 80);
    CHECK_EQ(unit_uint(r, l, "seq"), 1000);
    CHECK_EQ(unit_uint(r, l, "ack"), 2000);
    CHECK_EQ(unit_uint(r, l, "flags"), 2);
    CHECK_STR(unit_str(r, l, "flags_str"), "S");
    CHECK_EQ(unit_uint(r, l, "win"), 512);
    CHECK_EQ(unit_uint(r, l, "len"), 0);
    CHECK_EQ(ev(elem(r, unit_field(r, l, "options"), 0, "mss")), 1460);
    unit_sweep(f, n, 1);
    /* payload on IPv6 goes to the port table too */
    n = build6(f, t, tcp(t, 51234, 80, 5, 0x18, "GET / HTTP/1.1\r\n\r\n", 18));
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv6 tcp http");
    CHECK_EQ(unit_uint(r, unit_layer(r, "tcp", 0), "len"), 18);
}

/* ICMP port unreachable quoting IPv4 and the first 8 bytes of TCP (RFC
 * 792): ports and seq are shown, the rest is truncated by the quote. */
static void test_icmp_quote(void)
{
    unsigned char m[128] = {3, 3, 0, 0, 0, 0, 0, 0,
                            0x45, 0, 0, 60, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1};
    unsigned char t[64], f[200];
    tcp(t, 51234, 80, 10, 0x02, syn_opts, sizeof syn_opts);
    memcpy(m + 28, t, 8);
    unsigned n = build_ip(f, 1, 0, m, 36);
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 icmp ipv4 tcp");
    const layer_t *l = unit_layer(r, "tcp", 0);
    CHECK(l && l->status == LS_TRUNCATED && l->depth == 1);
    CHECK_EQ(unit_uint(r, l, "sport"), 51234);
    CHECK_EQ(unit_uint(r, l, "dport"), 80);
    CHECK_EQ(unit_uint(r, l, "seq"), 1000);
    CHECK(unit_field(r, l, "ack") == NULL);
    /* a quote holding the whole header and some data: the data never
     * goes up to HTTP */
    memcpy(m + 28, t, 40);
    memcpy(m + 68, "GET / HTTP/1.1\r\n", 16);
    m[8 + 3] = 76;
    n = build_ip(f, 1, 0, m, 84);
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 icmp ipv4 tcp data");
    l = unit_layer(r, "tcp", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_EQ(unit_uint(r, l, "len"), 16);
    unit_sweep(f, n, 1);
}

static void test_sweep(void)
{
    unsigned char t[64], f[128];
    unsigned n = build(f, 0, t, tcp(t, 51234, 80, 10, 0x12, syn_opts, sizeof syn_opts));
    unit_sweep(f, n, 1);
    n = build(f, 0, t, tcp(t, 40000, 40001, 5, 0x18, "hello", 5));
    unit_sweep(f, n, 1);
    unit_sweep(f + 14, n - 14, 101); /* LINKTYPE_RAW */
}

/* checksum_ok: over the pseudo header and the whole segment, absent when
 * the segment was not captured whole */
static void test_checksum(void)
{
    unsigned char t[64], f[128];
    const unsigned char data[3] = {'a', 'b', 'c'};
    unsigned n = build(f, 0, t, tcp(t, 51234, 80, 5, 0x18, data, 3));
    unit_fix_l4_sum(f + 14, 0);
    record_t *r = unit_dissect(f, n, 1);
    const layer_t *l = unit_layer(r, "tcp", 0);
    CHECK(unit_field(r, l, "checksum_ok") && unit_field(r, l, "checksum_ok")->v.u == 1);
    unit_fix_l4_sum(f + 14, 1);
    r = unit_dissect(f, n, 1);
    l = unit_layer(r, "tcp", 0);
    CHECK(unit_field(r, l, "checksum_ok") && unit_field(r, l, "checksum_ok")->v.u == 0);
    CHECK_EQ(r->bad_checksums, 1);
    r = unit_dissect_len(f, n - 1, n, 1);
    CHECK(unit_field(r, unit_layer(r, "tcp", 0), "checksum_ok") == NULL);
}

int main(void)
{
    unit_init();
    RUN(test_checksum);
    RUN(test_syn_ack_options);
    RUN(test_flags_str);
    RUN(test_payload);
    RUN(test_sack_and_unknown);
    RUN(test_hostile);
    RUN(test_truncated);
    RUN(test_ipv6);
    RUN(test_icmp_quote);
    RUN(test_sweep);
    return unit_done();
}
