/* genflows.c - writes a pcap of generated traffic to stdout for the
 * memory test: TCP sessions of 10 packets (three-way handshake, two
 * requests and two responses, four-way teardown) between distinct
 * five-tuples, `concurrent` sessions interleaved at a time, 10 us apart.
 *
 * usage: genflows NPACKETS [CONCURRENT]  > file.pcap */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

struct session {
    uint32_t id;      /* distinct for every session: addresses and ports */
    unsigned step;    /* 0..9 */
    uint32_t cseq, sseq;
};

/* One packet of session s at its current step into buf; its length. */
static unsigned packet(const struct session *s, uint8_t *buf)
{
    /* step: 0 S, 1 S., 2 ., 3 P. (c), 4 P. (s), 5 P. (c), 6 P. (s), 7 F. (c), 8 F. (s), 9 . (c) */
    static const uint8_t flags[10] = {0x02, 0x12, 0x10, 0x18, 0x18, 0x18, 0x18, 0x11, 0x11, 0x10};
    static const uint8_t from_client[10] = {1, 0, 1, 1, 0, 1, 0, 1, 0, 1};
    unsigned st = s->step, plen = (st >= 3 && st <= 6) ? 40 : 0;
    int c = from_client[st];
    uint32_t cip = 0x0a000000u | (s->id & 0xffffu), sip = 0x0b000000u | ((s->id >> 16) & 0xffffu);
    uint16_t cport = (uint16_t)(1024 + (s->id % 60000)), sport = 80;
    memset(buf, 0, 14 + 20 + 20 + plen);
    uint8_t *e = buf, *ip = buf + 14, *tcp = ip + 20;
    memcpy(e, c ? "\x02\0\0\0\0\2" : "\x02\0\0\0\0\1", 6);
    memcpy(e + 6, c ? "\x02\0\0\0\0\1" : "\x02\0\0\0\0\2", 6);
    put16(e + 12, 0x0800);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(40 + plen));
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, c ? cip : sip);
    put32(ip + 16, c ? sip : cip);
    put16(tcp, c ? cport : sport);
    put16(tcp + 2, c ? sport : cport);
    /* sequence numbers: the client sends 40 bytes at steps 3 and 5 */
    static const uint32_t coff[10] = {0, 0, 1, 1, 41, 41, 81, 81, 81, 82};
    static const uint32_t soff[10] = {0, 0, 1, 1, 1, 41, 41, 81, 81, 82};
    put32(tcp + 4, c ? s->cseq + coff[st] : s->sseq + soff[st]);
    if (flags[st] & 0x10)
        put32(tcp + 8, c ? s->sseq + soff[st] : s->cseq + coff[st]);
    tcp[12] = 5 << 4;
    tcp[13] = flags[st];
    put16(tcp + 14, 502);
    for (unsigned i = 0; i < plen; i++)
        tcp[20 + i] = (uint8_t)('a' + i % 26);
    return 14 + 40 + plen;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: genflows NPACKETS [CONCURRENT] > file.pcap\n", stderr);
        return 2;
    }
    unsigned long long n = strtoull(argv[1], NULL, 10);
    unsigned conc = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 64;
    if (conc == 0)
        conc = 1;
    struct session *s = calloc(conc, sizeof *s);
    if (!s)
        return 1;
    uint32_t next_id = 0;
    for (unsigned i = 0; i < conc; i++) {
        s[i].id = next_id++;
        s[i].cseq = 1000u * s[i].id;
        s[i].sseq = 7000u * s[i].id + 5;
    }
    static uint8_t hdr[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                              0xff, 0xff, 0, 0, 1, 0, 0, 0};
    fwrite(hdr, 1, sizeof hdr, stdout);
    uint64_t t_us = 1700000000ull * 1000000ull;
    uint8_t pkt[256], rec[16];
    for (unsigned long long i = 0; i < n; i++) {
        struct session *cur = &s[i % conc];
        unsigned len = packet(cur, pkt);
        uint32_t sec = (uint32_t)(t_us / 1000000u), usec = (uint32_t)(t_us % 1000000u);
        memcpy(rec, &sec, 4);
        memcpy(rec + 4, &usec, 4);
        memcpy(rec + 8, &len, 4);
        memcpy(rec + 12, &len, 4);
        fwrite(rec, 1, 16, stdout);
        fwrite(pkt, 1, len, stdout);
        t_us += 10;
        if (++cur->step == 10) {
            cur->step = 0;
            cur->id = next_id++;
            cur->cseq = 1000u * cur->id;
            cur->sseq = 7000u * cur->id + 5;
        }
    }
    free(s);
    return fflush(stdout) == 0 ? 0 : 1;
}
