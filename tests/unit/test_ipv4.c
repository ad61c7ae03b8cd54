/* test_ipv4.c - IPv4 header, options, checksum, fragments, hostile lengths. */
#include "unit.h"

/* Ethernet + IPv4 (id 0x1234, DF, TTL 64, proto 17) + 8 bytes UDP-ish */
static const unsigned char eth_ip[] = {
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x40, 0x00, 0x40, 0xfe, 0x00, 0x00,
    0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
    1, 2, 3, 4, 5, 6, 7, 8,
};

static void fix_checksum(unsigned char *ip, unsigned hlen)
{
    ip[10] = ip[11] = 0;
    unsigned sum = 0;
    for (unsigned i = 0; i < hlen; i += 2)
        sum += (unsigned)(ip[i] << 8 | ip[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    ip[10] = (unsigned char)(sum >> 8);
    ip[11] = (unsigned char)sum;
}

static void test_basic(void)
{
    unsigned char f[sizeof eth_ip];
    memcpy(f, eth_ip, sizeof f);
    fix_checksum(f + 14, 20);
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 data");
    const layer_t *ip = unit_layer(r, "ipv4", 0);
    CHECK_EQ(unit_uint(r, ip, "ttl"), 64);
    CHECK_EQ(unit_uint(r, ip, "id"), 0x1234);
    CHECK_EQ(unit_uint(r, ip, "df"), 1);
    CHECK_EQ(unit_uint(r, ip, "mf"), 0);
    CHECK_EQ(unit_uint(r, ip, "proto_num"), 254);
    CHECK_EQ(unit_uint(r, ip, "len"), 28);
    CHECK_EQ(unit_uint(r, ip, "checksum_ok"), 1);
    CHECK_EQ(ip->off, 14);
    CHECK_EQ(ip->len, 20);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 8);
    f[14 + 8] = 63; /* TTL changed: checksum now wrong */
    r = unit_dissect(f, sizeof f, 1);
    CHECK_EQ(unit_uint(r, unit_layer(r, "ipv4", 0), "checksum_ok"), 0);
}

static void test_hdr_len_4(void)
{
    unsigned char f[sizeof eth_ip];
    memcpy(f, eth_ip, sizeof f);
    f[14] = 0x44;
    record_t *r = unit_dissect(f, sizeof f, 1);
    const layer_t *ip = unit_layer(r, "ipv4", 0);
    CHECK(ip && ip->status == LS_ERROR);
    CHECK_STR(err_name(ip->err), "bad_ip_hdr_len");
    CHECK_EQ(r->nlayers, 2);
}

static void test_total_len_lies(void)
{
    unsigned char f[sizeof eth_ip];
    memcpy(f, eth_ip, sizeof f);
    f[16] = 0x05; /* total length 0x51c: beyond the frame */
    record_t *r = unit_dissect(f, sizeof f, 1);
    const layer_t *ip = unit_layer(r, "ipv4", 0);
    /* as tshark: the packet is what the frame holds, dissected to its end,
     * and the layer where dissection ends carries the error */
    CHECK(ip && ip->status == LS_OK);
    CHECK_STR(unit_field(r, ip, "len") ? unit_field(r, ip, "len")->note : "", "beyond the frame");
    const layer_t *last = &r->layers[r->nlayers - 1];
    CHECK(last != ip && last->status == LS_ERROR);
    CHECK_STR(err_name(last->err), "bad_ip_len");
    CHECK(r->malformed);
    /* a total length beyond a frame holding the header alone: nothing
     * to go on with, IPv4 itself is in error */
    r = unit_dissect(f, 34, 1);
    ip = unit_layer(r, "ipv4", 0);
    CHECK(ip && ip->status == LS_ERROR);
    CHECK_STR(err_name(ip->err), "bad_ip_len");
    /* the same frame cut by a snaplen is not an error, only truncated */
    memcpy(f, eth_ip, sizeof f);
    r = unit_dissect_len(f, 30, sizeof f, 1);
    ip = unit_layer(r, "ipv4", 0);
    CHECK(ip && ip->status == LS_TRUNCATED);
}

static void test_options_and_fragments(void)
{
    /* IHL 7: NOP, RTRALT(4 bytes: 0x94 04 00 00), EOL, pad; then MF set */
    unsigned char f[14 + 28 + 4] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
        0x47, 0, 0, 32, 0, 7, 0x20, 0x00, 1, 17, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
        0x01, 0x94, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
        9, 9, 9, 9,
    };
    fix_checksum(f + 14, 28);
    record_t *r = unit_dissect(f, sizeof f, 1);
    const layer_t *ip = unit_layer(r, "ipv4", 0);
    CHECK(ip && ip->status == LS_OK);
    CHECK_EQ(unit_uint(r, ip, "mf"), 1);
    CHECK_EQ(unit_uint(r, ip, "checksum_ok"), 1);
    CHECK_EQ(ip->len, 28);
    /* later fragment (offset 8 bytes): never handed to UDP */
    f[14 + 6] = 0x00;
    f[14 + 7] = 0x01;
    r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 data");
    CHECK_EQ(unit_uint(r, unit_layer(r, "ipv4", 0), "frag_offset"), 8);
    /* option length 1: bad */
    f[14 + 22] = 0x01;
    r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(err_name(unit_layer(r, "ipv4", 0)->err), "bad_ip_option");
}

static void test_sweep(void)
{
    unit_sweep(eth_ip, sizeof eth_ip, 1);
    unit_sweep(eth_ip + 14, sizeof eth_ip - 14, 101);
}

int main(void)
{
    unit_init();
    RUN(test_basic);
    RUN(test_hdr_len_4);
    RUN(test_total_len_lies);
    RUN(test_options_and_fragments);
    RUN(test_sweep);
    return unit_done();
}
