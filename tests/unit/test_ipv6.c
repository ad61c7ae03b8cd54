/* test_ipv6.c - IPv6 fixed header, extension header chains, fragments,
 * hostile lengths and chains. */
#include "unit.h"

static const unsigned char eth_hdr[14] = {
    0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x86, 0xdd,
};

/* version 6, tclass 0xb8 (DSCP 46), flow label 0x12345, hlim 64,
 * 2001:db8::1 -> 2001:db8::2; payload length and next header filled in */
static const unsigned char ip6_hdr[40] = {
    0x6b, 0x81, 0x23, 0x45, 0, 0, 0, 64,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
};

/* Ethernet + IPv6 (next header nxt, payload length plen) + payload. */
static unsigned build(unsigned char *f, unsigned char nxt, unsigned plen, const void *pl,
                      unsigned n)
{
    memcpy(f, eth_hdr, 14);
    memcpy(f + 14, ip6_hdr, 40);
    f[14 + 4] = (unsigned char)(plen >> 8);
    f[14 + 5] = (unsigned char)plen;
    f[14 + 6] = nxt;
    memcpy(f + 54, pl, n);
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

/* Elements of the top-level array `name`, or -1. */
static int array_len(const record_t *r, const layer_t *l, const char *name)
{
    const field_t *a = l ? unit_field(r, l, name) : NULL;
    if (!a || a->type != FT_ARRAY)
        return -1;
    int n = 0;
    unsigned end = (unsigned)a->v.u - 1; /* the END marker */
    for (unsigned i = (unsigned)(a - r->fields) + 1; i < end; i = field_next(r, i))
        n++;
    return n;
}

static void test_basic(void)
{
    unsigned char f[64];
    unsigned n = build(f, 253, 8, "\1\2\3\4\5\6\7\10", 8);
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv6 data");
    const layer_t *ip = unit_layer(r, "ipv6", 0);
    CHECK(ip && ip->status == LS_OK);
    CHECK_EQ(ip ? ip->osi : 0xdeadbeefu, 3);
    CHECK_EQ(ip ? ip->off : 0xdeadbeefu, 14);
    CHECK_EQ(ip ? ip->len : 0xdeadbeefu, 40);
    CHECK_EQ(unit_uint(r, ip, "version"), 6);
    CHECK_EQ(unit_uint(r, ip, "tclass"), 0xb8);
    CHECK_EQ(unit_uint(r, ip, "dscp"), 46);
    CHECK_EQ(unit_uint(r, ip, "flow_label"), 0x12345);
    CHECK_EQ(unit_uint(r, ip, "plen"), 8);
    CHECK_EQ(unit_uint(r, ip, "nxt"), 253);
    CHECK_EQ(unit_uint(r, ip, "hlim"), 64);
    const field_t *src = unit_field(r, ip, "src"), *dst = unit_field(r, ip, "dst");
    CHECK(src && src->type == FT_IPV6 && src->off == 22 && src->len == 16);
    CHECK(dst && dst->type == FT_IPV6 && dst->off == 38);
    CHECK(src && memcmp(src->v.b, ip6_hdr + 8, 16) == 0);
    CHECK(dst && dst->v.b[15] == 2 && dst->v.b[0] == 0x20);
    CHECK_EQ(off_of(unit_field(r, ip, "hlim")), 21);
    CHECK_EQ(array_len(r, ip, "ext"), -1);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 8);
    CHECK_STR(unit_summary(r, ip), "IPv6 next proto 253, hlim 64, length 8");

    /* Ethernet padding after the packet is not payload */
    unsigned char g[70] = {0};
    memcpy(g, f, n);
    r = unit_dissect(g, sizeof g, 1);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 8);

    /* raw IP (LINKTYPE_RAW) picks IPv6 by the version nibble */
    r = unit_dissect(f + 14, n - 14, 101);
    CHECK_STR(unit_stack(r), "ipv6 data");
}

/* hop-by-hop (PadN) -> routing (type 2, 24 bytes) -> fragment (offset 0,
 * M) -> destination options -> ICMPv6 echo request */
static const unsigned char chain[] = {
    43, 0, 0x01, 0x04, 0, 0, 0, 0,
    44, 2, 2, 1, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9,
    60, 0xff, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, /* reserved byte ignored */
    58, 0, 0x01, 0x04, 0, 0, 0, 0,
    128, 0, 0x00, 0x00, 0x00, 0x03, 0x00, 0x01, 'a', 'b', 'c', 'd',
};

static void test_ext_chain(void)
{
    unsigned char f[128];
    unsigned n = build(f, 0, sizeof chain, chain, sizeof chain);
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv6 icmpv6 data");
    const layer_t *ip = unit_layer(r, "ipv6", 0);
    CHECK(ip && ip->status == LS_OK);
    CHECK_EQ(ip ? ip->len : 0xdeadbeefu, 40 + 8 + 24 + 8 + 8);
    CHECK_EQ(unit_uint(r, ip, "nxt"), 0); /* of the fixed header */
    CHECK_EQ(unit_uint(r, ip, "upper"), 58);
    CHECK_EQ(array_len(r, ip, "ext"), 4);
    CHECK_EQ(nth_uint(r, ip, "type", 0), 0);
    CHECK_EQ(nth_uint(r, ip, "type", 1), 43);
    CHECK_EQ(nth_uint(r, ip, "type", 2), 44);
    CHECK_EQ(nth_uint(r, ip, "type", 3), 60);
    CHECK_EQ(nth_uint(r, ip, "len", 0), 8);
    CHECK_EQ(nth_uint(r, ip, "len", 1), 24);
    CHECK_EQ(nth_uint(r, ip, "len", 2), 8);
    CHECK_EQ(nth_uint(r, ip, "segs_left", 0), 1);
    CHECK_EQ(nth_uint(r, ip, "offset", 0), 0);
    CHECK_EQ(nth_uint(r, ip, "m", 0), 1);
    CHECK_EQ(nth_uint(r, ip, "id", 0), 0xdeadbeef);
    /* each ext object spans its header; its type field the byte naming it */
    const field_t *ext = unit_field(r, ip, "ext");
    CHECK(ext && ext->off == 54 && ext->len == 48);
    CHECK_EQ(off_of(nth_field(r, ip, "type", 1)), 54);
    CHECK_EQ(off_of(nth_field(r, ip, "id", 0)), 54 + 32 + 4);
    const layer_t *ic = unit_layer(r, "icmpv6", 0);
    CHECK(ic && ic->off == 54 + 48);
    CHECK_EQ(unit_uint(r, ic, "id"), 3);
    CHECK_STR(unit_summary(r, ip), "IPv6 next ICMPv6, hlim 64, length 60, fragment id 0xdeadbeef offset 0+");
}

static void test_later_fragment(void)
{
    unsigned char f[128];
    unsigned n = build(f, 0, sizeof chain, chain, sizeof chain);
    f[54 + 32 + 2] = 0x05; /* offset 0x5a8 = 1448 bytes, M 0 */
    f[54 + 32 + 3] = 0xa8;
    record_t *r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv6 data");
    const layer_t *ip = unit_layer(r, "ipv6", 0);
    CHECK(ip && ip->status == LS_OK);
    CHECK_EQ(array_len(r, ip, "ext"), 3); /* nothing walked past it */
    CHECK_EQ(nth_uint(r, ip, "offset", 0), 1448);
    CHECK_EQ(nth_uint(r, ip, "m", 0), 0);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), sizeof chain - 40);
    CHECK_STR(unit_summary(r, ip), "IPv6 next IPv6 destination options, hlim 64, length 60, "
                              "fragment id 0xdeadbeef offset 1448");
}

static void test_hostile_chains(void)
{
    unsigned char f[512], pl[400];
    record_t *r;
    const layer_t *ip;
    unsigned n;

    /* hop-by-hop says 24 bytes, the payload has 16 */
    static const unsigned char longhbh[16] = {59, 2, 1, 12};
    n = build(f, 0, 16, longhbh, 16);
    r = unit_dissect(f, n, 1);
    ip = unit_layer(r, "ipv6", 0);
    CHECK(ip && ip->status == LS_ERROR);
    CHECK_STR(err_of(ip), "bad_ipv6_ext");
    CHECK_EQ(array_len(r, ip, "ext"), 0);
    CHECK_EQ(r->nlayers, 2);

    /* a chain that runs off the end: a destination options header says
     * another extension header follows, and the payload ends */
    static const unsigned char offend[8] = {60, 0, 1, 4};
    n = build(f, 60, 8, offend, 8);
    r = unit_dissect(f, n, 1);
    ip = unit_layer(r, "ipv6", 0);
    CHECK_STR(err_of(ip), "bad_ipv6_ext");
    CHECK_EQ(array_len(r, ip, "ext"), 1);

    /* the same chain inside a longer frame whose payload length stops at
     * 8: still an error, the bytes past the payload are not the packet's */
    unsigned char g[80];
    memcpy(g, f, n);
    memset(g + n, 0, sizeof g - n);
    r = unit_dissect(g, sizeof g, 1);
    CHECK_STR(err_of(unit_layer(r, "ipv6", 0)), "bad_ipv6_ext");

    /* cut by the snaplen inside the extension header: only truncated */
    n = build(f, 0, sizeof chain, chain, sizeof chain);
    r = unit_dissect_len(f, 54 + 20, n, 1);
    ip = unit_layer(r, "ipv6", 0);
    CHECK(ip && ip->status == LS_TRUNCATED);
    CHECK_EQ(array_len(r, ip, "ext"), 1);
    CHECK_EQ(ip ? ip->len : 0xdeadbeefu, 20 + 40);

    /* 16 destination options headers are walked, 17 are too many: a
     * payload of 20 of them, the chain ended by "no next header" after
     * the 16th, then after the 17th */
    memset(pl, 0, sizeof pl);
    for (unsigned i = 0; i < 20; i++) {
        pl[i * 8] = 60;
        pl[i * 8 + 2] = 1; /* PadN */
        pl[i * 8 + 3] = 4;
    }
    pl[15 * 8] = 59;
    n = build(f, 60, 20 * 8, pl, 20 * 8);
    r = unit_dissect(f, n, 1);
    ip = unit_layer(r, "ipv6", 0);
    CHECK(ip && ip->status == LS_OK);
    CHECK_EQ(array_len(r, ip, "ext"), 16);
    CHECK_EQ(unit_uint(r, ip, "upper"), 59);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 4 * 8);
    pl[15 * 8] = 60;
    pl[16 * 8] = 59;
    n = build(f, 60, 20 * 8, pl, 20 * 8);
    r = unit_dissect(f, n, 1);
    ip = unit_layer(r, "ipv6", 0);
    CHECK(ip && ip->status == LS_ERROR);
    CHECK_STR(err_of(ip), "ipv6_ext_too_many");
}

static void test_hostile_lengths(void)
{
    unsigned char f[128];
    record_t *r;
    const layer_t *ip;
    unsigned n = build(f, 253, 8, "\1\2\3\4\5\6\7\10", 8);

    /* payload length beyond the frame */
    f[14 + 4] = 0x01;
    r = unit_dissect(f, n, 1);
    ip = unit_layer(r, "ipv6", 0);
    CHECK(ip && ip->status == LS_OK);
    CHECK_EQ(unit_uint(r, ip, "plen"), 264);
    /* dissected over the bytes there (as tshark), the end carries it */
    CHECK_STR(err_of(&r->layers[r->nlayers - 1]), "bad_ipv6_len");
    CHECK(&r->layers[r->nlayers - 1] != ip);

    /* payload length 0 (jumbogram, segmentation offload): the rest */
    f[14 + 4] = 0;
    f[14 + 5] = 0;
    r = unit_dissect(f, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv6 data");
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 8);

    /* version 4 under EtherType 0x86dd */
    f[14] = 0x45;
    r = unit_dissect(f, n, 1);
    ip = unit_layer(r, "ipv6", 0);
    CHECK_STR(err_of(ip), "bad_ip_version");
    CHECK_EQ(unit_uint(r, ip, "version"), 4);

    /* a frame 30 bytes long on the wire cannot hold the fixed header;
     * cut by a snaplen it is only truncated, with what was captured */
    n = build(f, 253, 8, "\1\2\3\4\5\6\7\10", 8);
    r = unit_dissect(f, 14 + 30, 1);
    CHECK_STR(err_of(unit_layer(r, "ipv6", 0)), "bad_ipv6_len");
    r = unit_dissect_len(f, 14 + 30, n, 1);
    ip = unit_layer(r, "ipv6", 0);
    CHECK(ip && ip->status == LS_TRUNCATED);
    CHECK_EQ(unit_uint(r, ip, "hlim"), 64);
    CHECK(unit_field(r, ip, "src") != NULL);
    CHECK(unit_field(r, ip, "dst") == NULL);
    CHECK_EQ(ip ? ip->len : 0xdeadbeefu, 30);
}

static void test_sweep(void)
{
    unsigned char f[128];
    unsigned n = build(f, 0, sizeof chain, chain, sizeof chain);
    unit_sweep(f, n, 1);
    unit_sweep(f + 14, n - 14, 101);
    n = build(f, 253, 8, "\1\2\3\4\5\6\7\10", 8);
    unit_sweep(f, n, 1);
}

int main(void)
{
    unit_init();
    RUN(test_basic);
    RUN(test_ext_chain);
    RUN(test_later_fragment);
    RUN(test_hostile_chains);
    RUN(test_hostile_lengths);
    RUN(test_sweep);
    return unit_done();
}
