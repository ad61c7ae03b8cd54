/* test_arp.c - ARP requests and replies, RARP, other address types,
 * absurd lengths, truncation. */
#include "unit.h"

/* Ethernet broadcast + ARP request who-has 10.0.0.2 tell 10.0.0.1,
 * padded to the 60-byte Ethernet minimum */
static const unsigned char arp_req[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 10, 0, 0, 1,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 0, 0, 2,
};

/* ARP reply 10.0.0.2 is-at 66:77:88:99:aa:bb, unpadded */
static const unsigned char arp_rep[42] = {
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02,
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 10, 0, 0, 2,
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 10, 0, 0, 1,
};

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

/* The field's address bytes equal `want`, and its span is [off, off+n). */
static int addr_is(const record_t *r, const layer_t *l, const char *name, const void *want,
                   unsigned n, unsigned off)
{
    const field_t *f = l ? unit_field(r, l, name) : NULL;
    return f && f->off == off && f->len == n && memcmp(f->v.b, want, n) == 0;
}

static void test_request(void)
{
    record_t *r = unit_dissect(arp_req, sizeof arp_req, 1);
    CHECK_STR(unit_stack(r), "eth arp"); /* the padding is not data */
    const layer_t *a = unit_layer(r, "arp", 0);
    CHECK(a && a->status == LS_OK);
    CHECK_EQ(a ? a->osi : 0xdeadbeefu, 3);
    CHECK_EQ(a ? a->off : 0xdeadbeefu, 14);
    CHECK_EQ(a ? a->len : 0xdeadbeefu, 28);
    CHECK_EQ(unit_uint(r, a, "op"), 1);
    CHECK_EQ(unit_uint(r, a, "htype"), 1);
    CHECK_EQ(unit_uint(r, a, "ptype"), 0x0800);
    CHECK_EQ(unit_uint(r, a, "hlen"), 6);
    CHECK_EQ(unit_uint(r, a, "plen"), 4);
    CHECK(addr_is(r, a, "sha", "\x00\x11\x22\x33\x44\x55", 6, 22));
    CHECK(addr_is(r, a, "spa", "\x0a\x00\x00\x01", 4, 28));
    CHECK(addr_is(r, a, "tha", "\x00\x00\x00\x00\x00\x00", 6, 32));
    CHECK(addr_is(r, a, "tpa", "\x0a\x00\x00\x02", 4, 38));
    CHECK_EQ(off_of(unit_field(r, a, "op")), 20);
    CHECK_STR(unit_summary(r, a), "ARP request who-has 10.0.0.2 tell 10.0.0.1");
    CHECK(!r->truncated && !r->malformed);
}

static void test_reply(void)
{
    record_t *r = unit_dissect(arp_rep, sizeof arp_rep, 1);
    CHECK_STR(unit_stack(r), "eth arp");
    const layer_t *a = unit_layer(r, "arp", 0);
    CHECK_EQ(unit_uint(r, a, "op"), 2);
    CHECK(addr_is(r, a, "sha", "\x66\x77\x88\x99\xaa\xbb", 6, 22));
    CHECK(addr_is(r, a, "tpa", "\x0a\x00\x00\x01", 4, 38));
    CHECK_STR(unit_summary(r, a), "ARP reply 10.0.0.2 is-at 66:77:88:99:aa:bb");
}

static void test_rarp(void)
{
    unsigned char f[sizeof arp_req];
    memcpy(f, arp_req, sizeof f);
    f[12] = 0x80;
    f[13] = 0x35; /* RARP EtherType */
    f[21] = 3;    /* reverse request: who is tha */
    memcpy(f + 32, "\x00\x11\x22\x33\x44\x55", 6);
    record_t *r = unit_dissect(f, sizeof f, 1);
    const layer_t *a = unit_layer(r, "arp", 0);
    CHECK(a && a->status == LS_OK);
    CHECK_EQ(unit_uint(r, a, "op"), 3);
    CHECK_STR(unit_summary(r, a), "RARP request who-is 00:11:22:33:44:55 tell 00:11:22:33:44:55");
}

static void test_other_types(void)
{
    /* Ethernet hardware, IPv6 protocol addresses (plen 16): op only */
    unsigned char f[14 + 8 + 44] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06,
        0x00, 0x01, 0x86, 0xdd, 6, 16, 0x00, 0x01,
    };
    record_t *r = unit_dissect(f, sizeof f, 1);
    const layer_t *a = unit_layer(r, "arp", 0);
    CHECK(a && a->status == LS_OK);
    CHECK_EQ(unit_uint(r, a, "op"), 1);
    CHECK_EQ(unit_uint(r, a, "ptype"), 0x86dd);
    CHECK_EQ(unit_uint(r, a, "plen"), 16);
    CHECK(unit_field(r, a, "sha") == NULL);
    CHECK(unit_field(r, a, "tpa") == NULL);
    CHECK_EQ(a ? a->len : 0xdeadbeefu, 8 + 44);
    CHECK_STR(unit_summary(r, a), "ARP request, htype 1 ptype 0x86dd");
    /* the same with the addresses cut by the snaplen */
    r = unit_dissect_len(f, 40, sizeof f, 1);
    a = unit_layer(r, "arp", 0);
    CHECK(a && a->status == LS_TRUNCATED);
    CHECK_EQ(unit_uint(r, a, "op"), 1);
}

static void test_absurd_lengths(void)
{
    unsigned char f[sizeof arp_req];
    const layer_t *a;
    record_t *r;

    /* hlen 255, plen 255: 1020 bytes of addresses in a 60-byte frame */
    memcpy(f, arp_req, sizeof f);
    f[18] = 255;
    f[19] = 255;
    r = unit_dissect(f, sizeof f, 1);
    a = unit_layer(r, "arp", 0);
    CHECK(a && a->status == LS_ERROR);
    CHECK_STR(err_of(a), "bad_arp");
    CHECK_EQ(unit_uint(r, a, "hlen"), 255);
    CHECK_EQ(r->nlayers, 2);

    /* another hardware type (IEEE 802, 6) with 200-byte addresses */
    memcpy(f, arp_req, sizeof f);
    f[15] = 6;
    f[18] = 200;
    r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(err_of(unit_layer(r, "arp", 0)), "bad_arp");
    f[18] = 6; /* with sane lengths it is fine, addresses not decoded */
    r = unit_dissect(f, sizeof f, 1);
    a = unit_layer(r, "arp", 0);
    CHECK(a && a->status == LS_OK);
    CHECK(unit_field(r, a, "sha") == NULL);

    /* Ethernet hardware with 8-byte addresses: fits the frame, but lies */
    memcpy(f, arp_req, sizeof f);
    f[18] = 8;
    r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(err_of(unit_layer(r, "arp", 0)), "bad_arp");

    /* IPv4 protocol with 16-byte addresses */
    memcpy(f, arp_req, sizeof f);
    f[19] = 16;
    r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(err_of(unit_layer(r, "arp", 0)), "bad_arp");

    /* a frame that was 19 bytes on the wire: the fixed part is short */
    r = unit_dissect(arp_req, 19, 1);
    a = unit_layer(r, "arp", 0);
    CHECK(a && a->status == LS_ERROR);
    CHECK_STR(err_of(a), "bad_arp");

    /* cut by the snaplen inside the fixed part: truncated, with the fields
     * that were captured */
    r = unit_dissect_len(arp_req, 19, sizeof arp_req, 1);
    a = unit_layer(r, "arp", 0);
    CHECK(a && a->status == LS_TRUNCATED);
    CHECK_EQ(unit_uint(r, a, "ptype"), 0x0800);
    CHECK_EQ(unit_uint(r, a, "hlen"), 6);
    CHECK(unit_field(r, a, "op") == NULL);
    CHECK_EQ(a ? a->len : 0xdeadbeefu, 5);

    /* cut inside the addresses: sha and spa only */
    r = unit_dissect_len(arp_req, 14 + 8 + 12, sizeof arp_req, 1);
    a = unit_layer(r, "arp", 0);
    CHECK(a && a->status == LS_TRUNCATED);
    CHECK(addr_is(r, a, "spa", "\x0a\x00\x00\x01", 4, 28));
    CHECK(unit_field(r, a, "tha") == NULL);
    CHECK(r->truncated);
    CHECK_EQ(a ? a->len : 0xdeadbeefu, 8 + 12);
    /* cut inside tpa */
    r = unit_dissect_len(arp_req, 14 + 8 + 18, sizeof arp_req, 1);
    a = unit_layer(r, "arp", 0);
    CHECK(addr_is(r, a, "tha", "\x00\x00\x00\x00\x00\x00", 6, 32));
    CHECK(unit_field(r, a, "tpa") == NULL);
}

static void test_sweep(void)
{
    unit_sweep(arp_req, sizeof arp_req, 1);
    unit_sweep(arp_rep, sizeof arp_rep, 1);
}

int main(void)
{
    unit_init();
    RUN(test_request);
    RUN(test_reply);
    RUN(test_rarp);
    RUN(test_other_types);
    RUN(test_absurd_lengths);
    RUN(test_sweep);
    return unit_done();
}
