/* frames.h - what the encapsulation tests (test_gre.c, test_tunnel.c,
 * test_encap_l2.c) build frames and read results with: big-endian
 * writers, the Internet checksum, inner IPv4/IPv6 packets, an ICMP echo and
 * a DNS-over-UDP payload. */
#ifndef STRATA_UNIT_FRAMES_H
#define STRATA_UNIT_FRAMES_H

#include "unit.h"

static inline void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static inline void put32(unsigned char *p, unsigned long v)
{
    put16(p, (unsigned)(v >> 16));
    put16(p + 2, (unsigned)(v & 0xffff));
}

/* The RFC 1071 sum of p[0..n) added to `sum`, folded to 16 bits (not
 * complemented: ~sum16(...) & 0xffff is the checksum to write). */
static inline unsigned sum16(const unsigned char *p, unsigned n, unsigned sum)
{
    for (unsigned i = 0; i < n; i++)
        sum += i & 1 ? p[i] : (unsigned)p[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

/* An inner IPv4 packet 172.16.0.1 > 172.16.0.2 (id 7, TTL 64, correct
 * header checksum) around the n bytes of protocol `proto`; returns 20 + n. */
static inline unsigned ip4(unsigned char *p, unsigned proto, const void *payload, unsigned n)
{
    static const unsigned char h[20] = {0x45, 0, 0, 0, 0, 7, 0, 0, 64, 0, 0, 0,
                                        172, 16, 0, 1, 172, 16, 0, 2};
    memcpy(p, h, 20);
    put16(p + 2, 20 + n);
    p[9] = (unsigned char)proto;
    put16(p + 10, ~sum16(p, 20, 0) & 0xffff);
    if (n)
        memcpy(p + 20, payload, n);
    return 20 + n;
}

/* An inner IPv6 packet 2001:db8::1 > 2001:db8::2 around the n bytes of
 * next header `nxt`; returns 40 + n. */
static inline unsigned ip6(unsigned char *p, unsigned nxt, const void *payload, unsigned n)
{
    memset(p, 0, 40);
    p[0] = 0x60;
    put16(p + 4, n);
    p[6] = (unsigned char)nxt;
    p[7] = 64;
    p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 1;
    p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 2;
    if (n)
        memcpy(p + 40, payload, n);
    return 40 + n;
}

/* An ICMP echo request (id 1, seq 2, 8 bytes of data): 16 bytes. */
#define ECHO_LEN 16
static inline const unsigned char *echo_request(void)
{
    static const unsigned char b[ECHO_LEN] = {8,   0,   0xf7, 0xfb, 0,   1,   0,   2,
                                              'a', 'b', 'c',  'd',  'e', 'f', 'g', 'h'};
    return b;
}

/* UDP 1234 > 53 around a 12-byte DNS query header (no checksum): 20 bytes. */
#define DNS_UDP_LEN 20
static inline const unsigned char *dns_udp(void)
{
    static const unsigned char b[DNS_UDP_LEN] = {0x04, 0xd2, 0, 53, 0, 20, 0, 0,
                                                 0x12, 0x34, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    return b;
}

/* An Ethernet frame around IPv4/UDP/DNS; returns its length. */
static inline unsigned inner_frame(unsigned char *p)
{
    static const unsigned char h[14] = {0x0a, 0, 0, 0, 0, 2, 0x0a, 0, 0, 0, 0, 1, 0x08, 0x00};
    memcpy(p, h, 14);
    return 14 + ip4(p + 14, 17, dns_udp(), DNS_UDP_LEN);
}

#endif
