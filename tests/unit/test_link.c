/* test_link.c - link layers: Ethernet II, 802.3 + LLC/SNAP, VLAN stacks,
 * Linux SLL/SLL2, BSD null/loop, raw IP, unknown link types. */
#include "unit.h"

/* a minimal IPv4 header (proto 253, experimental) with no payload */
#define IP4 0x45, 0, 0, 20, 0, 1, 0, 0, 64, 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2

static void test_ethernet_ii(void)
{
    const unsigned char f[] = {1, 2, 3, 4, 5, 6, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x08, 0x00, IP4};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth ipv4");
    const layer_t *e = unit_layer(r, "eth", 0);
    const field_t *dst = unit_field(r, e, "dst"), *src = unit_field(r, e, "src");
    CHECK(dst && dst->v.b[0] == 1 && dst->v.b[5] == 6 && dst->off == 0);
    CHECK(src && src->v.b[0] == 0xa && src->off == 6);
    CHECK_EQ(unit_uint(r, e, "type"), 0x0800);
    CHECK_EQ(e->osi, 2);
    CHECK_EQ(e->len, 14);
}

static void test_vlan_stack(void)
{
    /* 802.1ad S-tag 100 (pcp 5), 802.1Q C-tag 200, then IPv4 */
    const unsigned char f[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x88, 0xa8, 0xa0, 0x64, 0x81,
                               0x00, 0x00, 0xc8, 0x08, 0x00, IP4};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth vlan vlan ipv4");
    CHECK_EQ(unit_uint(r, unit_layer(r, "eth", 0), "type"), 0x88a8);
    const layer_t *s = unit_layer(r, "vlan", 0), *c = unit_layer(r, "vlan", 1);
    CHECK_EQ(unit_uint(r, s, "id"), 100);
    CHECK_EQ(unit_uint(r, s, "pcp"), 5);
    CHECK_EQ(unit_uint(r, s, "type"), 0x8100);
    CHECK_EQ(unit_uint(r, c, "id"), 200);
    CHECK_EQ(unit_uint(r, c, "type"), 0x0800);
    unit_sweep(f, sizeof f, 1);
}

static void test_vlan_then_length(void)
{
    /* an 802.1Q tag whose inner type is an 802.3 length: LLC/SNAP follows */
    const unsigned char f[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0x00, 0x00, 0x76,
                               0x00, 28, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, IP4};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth vlan llc ipv4");
    CHECK_EQ(unit_uint(r, unit_layer(r, "vlan", 0), "type"), 0x0800);
    CHECK_EQ(unit_uint(r, unit_layer(r, "vlan", 0), "length"), 28);
    unit_sweep(f, sizeof f, 1);
}

static void test_8023_llc_snap(void)
{
    /* 802.3 length 28: LLC AA AA 03, SNAP OUI 0, pid 0x0800, IPv4 (20) */
    const unsigned char f[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x00, 28, 0xaa, 0xaa, 0x03,
                               0, 0, 0, 0x08, 0x00, IP4, 0, 0, 0, 0};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth llc ipv4");
    CHECK_EQ(unit_uint(r, unit_layer(r, "eth", 0), "type"), 0x0800);
    CHECK_EQ(unit_uint(r, unit_layer(r, "eth", 0), "length"), 28);
    CHECK_EQ(unit_uint(r, unit_layer(r, "llc", 0), "pid"), 0x0800);
    /* plain LLC (STP: DSAP/SSAP 0x42): type 0, payload is data */
    const unsigned char stp[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x00, 7, 0x42, 0x42, 0x03,
                                 0, 0, 0, 0};
    r = unit_dissect(stp, sizeof stp, 1);
    CHECK_STR(unit_stack(r), "eth llc data");
    CHECK_EQ(unit_uint(r, unit_layer(r, "eth", 0), "type"), 0);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 4);
    CHECK_EQ(unit_uint(r, unit_layer(r, "llc", 0), "control"), 0x03);
    /* an I-format frame (NetBIOS): a 2-byte control, little-endian */
    const unsigned char iframe[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x00, 7, 0xf0, 0xf1, 0x02,
                                    0x05, 'h', 'e', 'y'};
    r = unit_dissect(iframe, sizeof iframe, 1);
    CHECK_STR(unit_stack(r), "eth llc data");
    CHECK_EQ(unit_uint(r, unit_layer(r, "llc", 0), "control"), 0x0502);
    CHECK_EQ(unit_field(r, unit_layer(r, "llc", 0), "control")->len, 2);
    CHECK_EQ(unit_layer(r, "llc", 0)->len, 4);
    unit_sweep(iframe, sizeof iframe, 1);
    /* a length beyond the frame is an error, not a read past the end */
    unsigned char lie[sizeof stp];
    memcpy(lie, stp, sizeof lie);
    lie[13] = 200;
    r = unit_dissect(lie, sizeof lie, 1);
    CHECK_STR(err_name(unit_layer(r, "eth", 0)->err), "bad_eth_len");
    unit_sweep(f, sizeof f, 1);
}

static void test_sll_and_sll2(void)
{
    const unsigned char sll[] = {0, 4, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00, IP4};
    record_t *r = unit_dissect(sll, sizeof sll, 113);
    CHECK_STR(unit_stack(r), "sll ipv4");
    CHECK_EQ(unit_uint(r, unit_layer(r, "sll", 0), "pkttype"), 4);
    CHECK_EQ(unit_uint(r, unit_layer(r, "sll", 0), "type"), 0x0800);
    const unsigned char sll2[] = {0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, IP4};
    r = unit_dissect(sll2, sizeof sll2, 276);
    CHECK_STR(unit_stack(r), "sll2 ipv4");
    CHECK_EQ(unit_uint(r, unit_layer(r, "sll2", 0), "pkttype"), 0);
    CHECK_EQ(unit_uint(r, unit_layer(r, "sll2", 0), "ifindex"), 3);
    CHECK_EQ(unit_uint(r, unit_layer(r, "sll2", 0), "type"), 0x0800);
    unit_sweep(sll, sizeof sll, 113);
    unit_sweep(sll2, sizeof sll2, 276);
}

static void test_null_and_loop(void)
{
    const unsigned char le[] = {2, 0, 0, 0, IP4};
    record_t *r = unit_dissect(le, sizeof le, 0);
    CHECK_STR(unit_stack(r), "null ipv4");
    CHECK_EQ(unit_uint(r, unit_layer(r, "null", 0), "family"), 2);
    const unsigned char be[] = {0, 0, 0, 2, IP4}; /* written by a big-endian host */
    r = unit_dissect(be, sizeof be, 0);
    CHECK_EQ(unit_uint(r, unit_layer(r, "null", 0), "family"), 2);
    CHECK_STR(unit_stack(r), "null ipv4");
    r = unit_dissect(be, sizeof be, 108); /* LOOP: always network order */
    CHECK_STR(unit_stack(r), "null ipv4");
    const unsigned char v6fam[] = {30, 0, 0, 0, 0x60, 0, 0, 0, 0, 0, 59, 64,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    r = unit_dissect(v6fam, sizeof v6fam, 0);
    CHECK_EQ(unit_uint(r, unit_layer(r, "null", 0), "family"), 30);
    CHECK(unit_layer(r, "ipv6", 0) != NULL);
    unit_sweep(le, sizeof le, 0);
}

static void test_raw_ip(void)
{
    const unsigned char ip[] = {IP4};
    record_t *r = unit_dissect(ip, sizeof ip, 101);
    CHECK_STR(unit_stack(r), "ipv4");
    r = unit_dissect(ip, sizeof ip, 228);
    CHECK_STR(unit_stack(r), "ipv4");
    r = unit_dissect(ip, sizeof ip, 229); /* said to be IPv6: version mismatch */
    CHECK(unit_layer(r, "ipv6", 0) && unit_layer(r, "ipv6", 0)->status == LS_ERROR);
    unit_sweep(ip, sizeof ip, 101);
}

static void test_unknown_linktype(void)
{
    const unsigned char f[] = {1, 2, 3};
    record_t *r = unit_dissect(f, sizeof f, 147); /* LINKTYPE_USER0 */
    CHECK(r->unknown_linktype);
    CHECK_STR(unit_stack(r), "data");
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 3);
}

static void test_registry_unique(void)
{
    char err[128];
    CHECK_EQ(registry_init(err, sizeof err), 0);
    CHECK(registry_lookup(TBL_ETHERTYPE, 0x0800) == registry_by_name("ipv4"));
    CHECK(registry_lookup(TBL_LINKTYPE, 1) == registry_by_name("eth"));
    CHECK(registry_lookup(TBL_UDP_PORT, 53) == registry_by_name("dns"));
    CHECK(registry_lookup(TBL_TCP_PORT, 80) == registry_by_name("http"));
}

static void test_ipv6_text(void)
{
    /* RFC 5952 as inet_ntop prints it */
    static const struct { unsigned char a[16]; const char *s; } cases[] = {
        {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "2001:db8::1"},
        {{0}, "::"},
        {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "::1"},
        {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1}, "::ffff:10.0.0.1"},
        {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, "2001:db8:0:1::1"},
        {{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}, "2001:db8::1:0:0:1"},
        {{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "fe80::"},
        {{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0}, "2001:db8:1:1:1:1:1:0"},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        outbuf_t ob;
        ob_init(&ob, buf, sizeof buf - 1, -1);
        ob_ipv6(&ob, cases[i].a);
        buf[ob.len] = 0;
        CHECK_STR(buf, cases[i].s);
    }
}

int main(void)
{
    unit_init();
    RUN(test_ethernet_ii);
    RUN(test_vlan_stack);
    RUN(test_8023_llc_snap);
    RUN(test_vlan_then_length);
    RUN(test_sll_and_sll2);
    RUN(test_null_and_loop);
    RUN(test_raw_ip);
    RUN(test_unknown_linktype);
    RUN(test_registry_unique);
    RUN(test_ipv6_text);
    return unit_done();
}
