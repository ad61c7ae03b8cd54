/* test_dns.c - DNS messages through eth -> ipv4 -> udp/tcp -> dns: records,
 * compression, data formats, mDNS bits, EDNS, TCP framing, hostile names
 * and counts, and a cut at every length of each valid frame. */
#include "unit.h"

/* ---- building messages and frames ---- */

typedef struct msg {
    unsigned char b[1500];
    unsigned n;
} msg_t;

static void put8(msg_t *m, unsigned v)
{
    m->b[m->n++] = (unsigned char)v;
}

static void put16(msg_t *m, unsigned v)
{
    put8(m, v >> 8);
    put8(m, v & 0xff);
}

static void put32(msg_t *m, unsigned long v)
{
    put16(m, (unsigned)(v >> 16));
    put16(m, (unsigned)(v & 0xffff));
}

static void putraw(msg_t *m, const char *s, unsigned n)
{
    memcpy(m->b + m->n, s, n);
    m->n += n;
}

/* Labels of a dotted name; `tail` < 0 ends with the root, else with a
 * compression pointer to offset `tail`. */
static void putname(msg_t *m, const char *dotted, int tail)
{
    while (*dotted) {
        const char *dot = strchr(dotted, '.');
        unsigned n = dot ? (unsigned)(dot - dotted) : (unsigned)strlen(dotted);
        put8(m, n);
        putraw(m, dotted, n);
        dotted += n + (dot ? 1 : 0);
    }
    if (tail < 0)
        put8(m, 0);
    else
        put16(m, 0xc000u | (unsigned)tail);
}

static void hdr(msg_t *m, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns,
                unsigned ar)
{
    m->n = 0;
    put16(m, id);
    put16(m, flags);
    put16(m, qd);
    put16(m, an);
    put16(m, ns);
    put16(m, ar);
}

/* type, class, TTL and RDLENGTH after a record's name */
static void rr(msg_t *m, unsigned type, unsigned cls, unsigned long ttl, unsigned rdlen)
{
    put16(m, type);
    put16(m, cls);
    put32(m, ttl);
    put16(m, rdlen);
}

static unsigned char frame[1600];

static void fix_ip_checksum(unsigned char *ip)
{
    unsigned sum = 0;
    ip[10] = ip[11] = 0;
    for (unsigned i = 0; i < 20; i += 2)
        sum += (unsigned)(ip[i] << 8 | ip[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    sum = ~sum & 0xffff;
    ip[10] = (unsigned char)(sum >> 8);
    ip[11] = (unsigned char)sum;
}

#define ETH_IP 34  /* Ethernet + IPv4 header */
#define UDP_DNS 42 /* where a DNS message starts over UDP */
#define TCP_DNS 54 /* where the length prefix starts over TCP */

/* Ethernet + IPv4 + (UDP or TCP with PSH|ACK) around `payload`. */
static unsigned wrap(const unsigned char *payload, unsigned n, unsigned proto, unsigned sport,
                     unsigned dport)
{
    static const unsigned char eth_ip[ETH_IP] = {
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00,
        0x45, 0x00, 0, 0, 0x12, 0x34, 0x40, 0x00, 0x40, 0, 0, 0,
        0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
    };
    unsigned l4 = proto == 6 ? 20 : 8, tot = 20 + l4 + n;
    memcpy(frame, eth_ip, ETH_IP);
    unsigned char *ip = frame + 14, *t = frame + ETH_IP;
    ip[2] = (unsigned char)(tot >> 8);
    ip[3] = (unsigned char)tot;
    ip[9] = (unsigned char)proto;
    fix_ip_checksum(ip);
    memset(t, 0, l4);
    t[0] = (unsigned char)(sport >> 8);
    t[1] = (unsigned char)sport;
    t[2] = (unsigned char)(dport >> 8);
    t[3] = (unsigned char)dport;
    if (proto == 6) {
        t[7] = 1;     /* seq 1 */
        t[11] = 1;    /* ack 1 */
        t[12] = 0x50; /* data offset 5 */
        t[13] = 0x18; /* PSH ACK */
        t[14] = 0xff;
    } else {
        t[4] = (unsigned char)((8 + n) >> 8);
        t[5] = (unsigned char)(8 + n);
    }
    memcpy(t + l4, payload, n);
    return ETH_IP + l4 + n;
}

static unsigned udp(const msg_t *m)
{
    return wrap(m->b, m->n, 17, 40000, 53);
}

/* A DNS message over TCP: the two-byte length, then the message. */
static unsigned tcp(const msg_t *m)
{
    unsigned char p[1502];
    p[0] = (unsigned char)(m->n >> 8);
    p[1] = (unsigned char)m->n;
    memcpy(p + 2, m->b, m->n);
    return wrap(p, m->n + 2, 6, 53, 40001);
}

/* ---- reading the record ---- */

static const layer_t *dns_of(const record_t *r)
{
    return unit_layer(r, "dns", 0);
}

/* The i-th object of array `arr` in the DNS layer, as a field index, or 0. */
static unsigned elem(const record_t *r, const char *arr, unsigned i)
{
    const layer_t *l = dns_of(r);
    const field_t *a = l ? unit_field(r, l, arr) : NULL;
    if (!a || a->type != FT_ARRAY)
        return 0;
    unsigned ai = (unsigned)(a - r->fields), end = field_next(r, ai) - 1;
    for (unsigned j = ai + 1; j < end; j = field_next(r, j))
        if (i-- == 0)
            return r->fields[j].type == FT_OBJECT ? j : 0;
    return 0;
}

static unsigned count(const record_t *r, const char *arr)
{
    unsigned n = 0;
    while (elem(r, arr, n))
        n++;
    return n;
}

static const field_t *member(const record_t *r, unsigned obj, const char *name)
{
    if (!obj)
        return NULL;
    unsigned end = field_next(r, obj) - 1;
    for (unsigned j = obj + 1; j < end; j = field_next(r, j))
        if (unit_named(&r->fields[j], name))
            return &r->fields[j];
    return NULL;
}

static const char *mstr(const record_t *r, const char *arr, unsigned i, const char *name)
{
    const field_t *f = member(r, elem(r, arr, i), name);
    return f && f->type == FT_STR ? field_str(r, f) : NULL;
}

static unsigned long long muint(const record_t *r, const char *arr, unsigned i, const char *name)
{
    const field_t *f = member(r, elem(r, arr, i), name);
    return f && (f->type == FT_UINT || f->type == FT_BOOL) ? f->v.u : 0xdeadbeefULL;
}

static const char *summary(const record_t *r)
{
    return unit_summary(r, dns_of(r));
}

static const char *dns_err(const record_t *r)
{
    const layer_t *l = dns_of(r);
    if (!l)
        return "(no dns layer)";
    if (l->status == LS_TRUNCATED)
        return "(truncated)";
    return l->status == LS_ERROR ? err_name(l->err) : "(ok)";
}

/* Cut at every length: never a crash (ASan), and once the DNS layer is
 * reached, a cut message is truncated, never an error; the layer's own
 * fields stay well formed enough for its summary. */
static void sweep(unsigned n, unsigned dns_start)
{
    unit_sweep(frame, n, 1);
    unsigned char copy[sizeof frame];
    memcpy(copy, frame, n);
    for (unsigned cut = dns_start; cut < n; cut++) {
        record_t *r = unit_dissect_len(copy, cut, n, 1);
        const layer_t *l = dns_of(r);
        CHECK(l && l->status == LS_TRUNCATED);
        summary(r);
    }
    record_t *r = unit_dissect(copy, n, 1);
    CHECK(dns_of(r) && dns_of(r)->status == LS_OK);
}

/* ---- valid messages ---- */

static void test_query_a(void)
{
    msg_t m;
    hdr(&m, 0x1234, 0x0100, 1, 0, 0, 0);
    putname(&m, "example.com", -1);
    put16(&m, 1);
    put16(&m, 1);
    unsigned n = udp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp dns");
    const layer_t *l = dns_of(r);
    CHECK(l && l->status == LS_OK && l->osi == 7);
    CHECK_EQ(l->off, UDP_DNS);
    CHECK_EQ(l->len, m.n);
    CHECK_EQ(unit_uint(r, l, "id"), 0x1234);
    CHECK_EQ(unit_uint(r, l, "qr"), 0);
    CHECK_EQ(unit_uint(r, l, "opcode"), 0);
    CHECK_EQ(unit_uint(r, l, "rd"), 1);
    CHECK_EQ(unit_uint(r, l, "ra"), 0);
    CHECK_EQ(unit_uint(r, l, "qdcount"), 1);
    CHECK_EQ(unit_uint(r, l, "ancount"), 0);
    CHECK_EQ(count(r, "questions"), 1);
    CHECK_EQ(count(r, "answers"), 0);
    CHECK(unit_field(r, l, "answers") != NULL);
    CHECK_STR(mstr(r, "questions", 0, "name"), "example.com");
    CHECK_EQ(muint(r, "questions", 0, "type"), 1);
    CHECK_EQ(muint(r, "questions", 0, "class"), 1);
    const field_t *nf = member(r, elem(r, "questions", 0), "name");
    CHECK(nf && nf->off == UDP_DNS + 12 && nf->len == 13);
    CHECK(member(r, elem(r, "questions", 0), "qu") == NULL); /* not mDNS */
    CHECK_STR(summary(r), "DNS A? example.com");
    sweep(n, UDP_DNS);
}

/* www.example.com -> CNAME cdn.example.com -> A, all names compressed. */
static void build_cname_chain(msg_t *m)
{
    hdr(m, 0xbeef, 0x8180, 1, 2, 0, 0);
    putname(m, "www.example.com", -1); /* at 12; "example" at 16 */
    put16(m, 1);
    put16(m, 1);
    put16(m, 0xc00c); /* at 33 */
    rr(m, 5, 1, 300, 6);
    putname(m, "cdn", 16); /* at 45 */
    put16(m, 0xc000 | 45);
    rr(m, 1, 1, 60, 4);
    putraw(m, "\x5d\xb8\xd8\x22", 4);
}

static void test_cname_chain(void)
{
    msg_t m;
    build_cname_chain(&m);
    unsigned n = udp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    const layer_t *l = dns_of(r);
    CHECK(l && l->status == LS_OK);
    CHECK_EQ(unit_uint(r, l, "qr"), 1);
    CHECK_EQ(unit_uint(r, l, "ra"), 1);
    CHECK_EQ(unit_uint(r, l, "rcode"), 0);
    CHECK_EQ(count(r, "answers"), 2);
    CHECK_STR(mstr(r, "answers", 0, "name"), "www.example.com");
    CHECK_EQ(muint(r, "answers", 0, "type"), 5);
    CHECK_EQ(muint(r, "answers", 0, "ttl"), 300);
    CHECK_STR(mstr(r, "answers", 0, "data"), "cdn.example.com");
    CHECK_STR(mstr(r, "answers", 1, "name"), "cdn.example.com");
    CHECK_EQ(muint(r, "answers", 1, "class"), 1);
    CHECK_STR(mstr(r, "answers", 1, "data"), "93.184.216.34");
    /* a compressed name's span is its own two bytes */
    const field_t *nf = member(r, elem(r, "answers", 1), "name");
    CHECK(nf && nf->off == UDP_DNS + 51 && nf->len == 2);
    CHECK_STR(summary(r), "DNS response A? www.example.com: CNAME cdn.example.com, A 93.184.216.34");
    sweep(n, UDP_DNS);
}

static void test_aaaa(void)
{
    msg_t m;
    hdr(&m, 1, 0x8180, 1, 2, 0, 0);
    putname(&m, "v6.test", -1);
    put16(&m, 28);
    put16(&m, 1);
    put16(&m, 0xc00c);
    rr(&m, 28, 1, 3600, 16);
    putraw(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    put16(&m, 0xc00c);
    rr(&m, 28, 1, 3600, 16); /* two equal zero runs: the first is compressed */
    putraw(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\x01\0\0\0\0\0\x01", 16);
    unsigned n = udp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_STR(mstr(r, "answers", 0, "data"), "2001:db8::1");
    CHECK_STR(mstr(r, "answers", 1, "data"), "2001:db8::1:0:0:1");
    CHECK_STR(summary(r), "DNS response AAAA? v6.test: AAAA 2001:db8::1, AAAA 2001:db8::1:0:0:1");
    sweep(n, UDP_DNS);
}

static void test_mx_txt(void)
{
    msg_t m;
    hdr(&m, 2, 0x8580, 1, 2, 0, 0);
    putname(&m, "example.com", -1);
    put16(&m, 15);
    put16(&m, 1);
    put16(&m, 0xc00c);
    rr(&m, 15, 1, 100, 7);
    put16(&m, 10);
    putname(&m, "mx", 12);
    put16(&m, 0xc00c);
    rr(&m, 16, 1, 100, 13); /* two strings, one with a byte to escape */
    put8(&m, 6);
    putraw(&m, "v=spf1", 6);
    put8(&m, 5);
    putraw(&m, "-all\x01", 5);
    unsigned n = udp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_EQ(unit_uint(r, dns_of(r), "aa"), 1);
    CHECK_STR(mstr(r, "answers", 0, "data"), "10 mx.example.com");
    CHECK_STR(mstr(r, "answers", 1, "data"), "v=spf1 -all\x01"); /* as sent */
    CHECK_STR(summary(r), "DNS response MX? example.com: MX 10 mx.example.com, TXT v=spf1 -all\\x01");
    sweep(n, UDP_DNS);
    /* a character-string running past its RDLENGTH */
    m.b[m.n - 6] = 6;
    n = udp(&m);
    r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "dns_bad_rdlen");
}

/* NXDOMAIN with an SOA in the authority section: an unknown-to-us layout
 * shown as its length. */
static void test_nxdomain(void)
{
    msg_t m;
    hdr(&m, 3, 0x8183, 1, 0, 1, 0);
    putname(&m, "nope.example.com", -1);
    put16(&m, 15);
    put16(&m, 1);
    put16(&m, 0xc000 | 17); /* example.com */
    rr(&m, 6, 1, 900, 26);
    putname(&m, "ns", 17); /* MNAME, RNAME, then five 32-bit numbers */
    put8(&m, 0);
    for (unsigned long v = 1; v <= 5; v++)
        put32(&m, v);
    unsigned n = udp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    const layer_t *l = dns_of(r);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_EQ(unit_uint(r, l, "rcode"), 3);
    CHECK_EQ(unit_uint(r, l, "nscount"), 1);
    CHECK_EQ(count(r, "answers"), 0);
    CHECK_EQ(count(r, "authorities"), 1);
    CHECK_STR(mstr(r, "authorities", 0, "name"), "example.com");
    CHECK_STR(mstr(r, "authorities", 0, "data"), "<26 bytes>");
    CHECK_STR(summary(r), "DNS response MX? nope.example.com: NXDomain");
    sweep(n, UDP_DNS);
}

static void test_unknown_type_and_root(void)
{
    msg_t m;
    hdr(&m, 4, 0x8400, 1, 1, 0, 0);
    put8(&m, 0); /* the root */
    put16(&m, 2);
    put16(&m, 1);
    put8(&m, 0);
    rr(&m, 0x1234, 3, 5, 5);
    putraw(&m, "abcde", 5);
    unsigned n = udp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_STR(mstr(r, "questions", 0, "name"), "<root>");
    CHECK_STR(mstr(r, "answers", 0, "name"), "<root>");
    CHECK_EQ(muint(r, "answers", 0, "type"), 0x1234);
    CHECK_EQ(muint(r, "answers", 0, "class"), 3);
    CHECK_STR(mstr(r, "answers", 0, "data"), "<5 bytes>");
    CHECK_STR(summary(r), "DNS response NS? <root>: TYPE4660 <5 bytes>");
    sweep(n, UDP_DNS);
    /* the query side, and a query with no question */
    hdr(&m, 4, 0x0000, 1, 0, 0, 0);
    put8(&m, 0);
    put16(&m, 2);
    put16(&m, 1);
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(summary(r), "DNS NS? <root>");
    hdr(&m, 4, 0x2800, 0, 0, 0, 0); /* opcode 5: UPDATE */
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_EQ(unit_uint(r, dns_of(r), "opcode"), 5);
    CHECK_STR(summary(r), "DNS Update query");
}

/* Odd bytes inside a label are escaped as Wireshark does; a dot inside a
 * label (mDNS instance names) stays a dot, as in tshark. */
static void test_escapes(void)
{
    msg_t m;
    hdr(&m, 5, 0, 1, 0, 0, 0);
    put8(&m, 3);
    putraw(&m, "a.b", 3);
    put8(&m, 5);
    putraw(&m, "c\\\x7f\t\xc3", 5);
    put8(&m, 0);
    put16(&m, 16);
    put16(&m, 1);
    record_t *r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(mstr(r, "questions", 0, "name"), "a.b.c\\\\177\\t\xc3");
    CHECK_STR(summary(r), "DNS TXT? a.b.c\\\\177\\t\\xc3");
}

/* mDNS (RFC 6762): the class's top bit is QU in a question, cache-flush
 * in a record; on port 53 it stays part of the class. */
static void test_mdns(void)
{
    msg_t m;
    hdr(&m, 0, 0x8400, 1, 1, 0, 0);
    putname(&m, "_ipp._tcp.local", -1);
    put16(&m, 12);
    put16(&m, 0x8001);
    put16(&m, 0xc00c);
    rr(&m, 12, 0x8001, 120, 13);
    putname(&m, "My Printer", 12);
    unsigned n = wrap(m.b, m.n, 17, 5353, 5353);
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_EQ(muint(r, "questions", 0, "class"), 1);
    CHECK_EQ(muint(r, "questions", 0, "qu"), 1);
    CHECK_EQ(muint(r, "answers", 0, "class"), 1);
    CHECK_EQ(muint(r, "answers", 0, "cache_flush"), 1);
    CHECK_STR(mstr(r, "answers", 0, "data"), "My Printer._ipp._tcp.local");
    sweep(n, UDP_DNS);
    /* a one-shot query from an ephemeral port (RFC 6762 5.1) is mDNS too */
    r = unit_dissect(frame, wrap(m.b, m.n, 17, 40000, 5353), 1);
    CHECK_EQ(muint(r, "questions", 0, "qu"), 1);
    n = udp(&m);
    r = unit_dissect(frame, n, 1);
    CHECK_EQ(muint(r, "answers", 0, "class"), 0x8001);
    CHECK(member(r, elem(r, "answers", 0), "cache_flush") == NULL);
}

/* EDNS0 (RFC 6891): OPT in the additional section. */
static void test_edns(void)
{
    msg_t m;
    hdr(&m, 6, 0x0120, 1, 0, 0, 1);
    putname(&m, "example.org", -1);
    put16(&m, 1);
    put16(&m, 1);
    put8(&m, 0);
    rr(&m, 41, 1232, 0x00008000UL, 0); /* version 0, DO */
    unsigned n = udp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    const layer_t *l = dns_of(r);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_EQ(unit_uint(r, l, "ad"), 1);
    CHECK_EQ(unit_uint(r, l, "edns_udp_size"), 1232);
    CHECK_EQ(unit_uint(r, l, "edns_version"), 0);
    CHECK_EQ(unit_uint(r, l, "edns_do"), 1);
    CHECK_EQ(muint(r, "additionals", 0, "type"), 41);
    CHECK_STR(mstr(r, "additionals", 0, "data"), "<0 bytes>");
    CHECK_STR(summary(r), "DNS A? example.org");
    sweep(n, UDP_DNS);
}

/* Bytes after the counted records go to data. */
static void test_trailing(void)
{
    msg_t m;
    hdr(&m, 7, 0x0100, 1, 0, 0, 0);
    putname(&m, "a.b", -1);
    put16(&m, 1);
    put16(&m, 1);
    putraw(&m, "\0\0\0", 3);
    record_t *r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp dns data");
    CHECK_EQ(dns_of(r)->len, m.n - 3);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 3);
}

/* RFC 1035 4.2.2: over TCP a two-byte length comes first. */
static void test_tcp(void)
{
    msg_t m;
    build_cname_chain(&m);
    unsigned n = tcp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp dns");
    const layer_t *l = dns_of(r);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_EQ(unit_uint(r, l, "tcp_len"), m.n);
    CHECK_EQ(l->off, TCP_DNS);
    CHECK_EQ(l->len, m.n + 2);
    CHECK_STR(mstr(r, "answers", 0, "data"), "cdn.example.com");
    CHECK_STR(mstr(r, "answers", 1, "data"), "93.184.216.34");
    CHECK_STR(summary(r), "DNS response A? www.example.com: CNAME cdn.example.com, A 93.184.216.34");
    sweep(n, TCP_DNS);

    /* the length says more than this segment has: read it, truncated */
    frame[TCP_DNS + 1] = (unsigned char)(m.n + 40);
    r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "(truncated)");
    CHECK_EQ(count(r, "answers"), 2);
    /* shorter than a header */
    frame[TCP_DNS + 1] = 11;
    r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "dns_bad_len");
    CHECK_EQ(unit_uint(r, dns_of(r), "tcp_len"), 11);
    /* a length that ends the message early: its records run out */
    frame[TCP_DNS + 1] = 40;
    r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "dns_bad_count");
    /* a second message in the same segment is left to data */
    unsigned char two[2 * 64];
    msg_t q;
    hdr(&q, 8, 0x0100, 1, 0, 0, 0);
    putname(&q, "x.y", -1);
    put16(&q, 1);
    put16(&q, 1);
    two[0] = 0;
    two[1] = (unsigned char)q.n;
    memcpy(two + 2, q.b, q.n);
    memcpy(two + 2 + q.n, two, q.n + 2);
    r = unit_dissect(frame, wrap(two, 2 * (q.n + 2), 6, 40002, 53), 1);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp dns data");
    CHECK_STR(mstr(r, "questions", 0, "name"), "x.y");
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), q.n + 2);
}

/* ---- hostile names, counts and lengths ---- */

static const char *query_err(msg_t *m, unsigned qd)
{
    m->b[5] = (unsigned char)qd;
    return dns_err(unit_dissect(frame, udp(m), 1));
}

static void test_pointers(void)
{
    msg_t m;
    /* a pointer to itself */
    hdr(&m, 9, 0, 1, 0, 0, 0);
    put16(&m, 0xc00c);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_STR(query_err(&m, 1), "dns_ptr_loop");
    record_t *r = unit_dissect(frame, udp(&m), 1);
    CHECK_EQ(count(r, "questions"), 1); /* its end is known: the question stays */
    CHECK_STR(mstr(r, "questions", 0, "name"), "<name loop>");
    CHECK_EQ(muint(r, "questions", 0, "type"), 1);
    CHECK_EQ(muint(r, "questions", 0, "class"), 1);
    CHECK_STR(summary(r), "DNS A? <name loop>");
    /* a forward pointer (to the name of the next question) is followed */
    hdr(&m, 9, 0, 2, 0, 0, 0);
    put16(&m, 0xc000 | 18);
    put16(&m, 1);
    put16(&m, 1);
    putname(&m, "a", -1);
    put16(&m, 1);
    put16(&m, 1);
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_STR(mstr(r, "questions", 0, "name"), "a");
    CHECK_STR(mstr(r, "questions", 1, "name"), "a");
    /* two pointers ping-ponging: a record's name points back into the
     * RDATA before it, which points forward to the name again */
    hdr(&m, 9, 0x8000, 0, 3, 0, 0);
    put8(&m, 0);
    rr(&m, 0xff00, 1, 0, 2);
    put16(&m, 0xc000 | 25); /* at 23, to 25 */
    put16(&m, 0xc000 | 23); /* at 25, to 23 */
    rr(&m, 1, 1, 7, 4);
    putraw(&m, "\1\2\3\4", 4);
    put8(&m, 0);
    rr(&m, 1, 1, 8, 4);
    putraw(&m, "\5\6\7\10", 4);
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_ptr_loop");
    CHECK_EQ(count(r, "answers"), 3);
    CHECK_EQ(muint(r, "answers", 0, "type"), 0xff00);
    CHECK_STR(mstr(r, "answers", 1, "name"), "<name loop>");
    CHECK_EQ(muint(r, "answers", 1, "type"), 1);
    CHECK_EQ(muint(r, "answers", 1, "class"), 1);
    CHECK_EQ(muint(r, "answers", 1, "ttl"), 7);
    CHECK_STR(mstr(r, "answers", 1, "data"), "1.2.3.4");
    CHECK_STR(mstr(r, "answers", 2, "name"), "<root>"); /* the walk went on */
    CHECK_STR(mstr(r, "answers", 2, "data"), "5.6.7.8");
    CHECK_STR(summary(r), "DNS response: TYPE65280 <2 bytes>, A 1.2.3.4, A 5.6.7.8");
    /* a pointer back into the name it came from: the walk would go
     * round until the length cap */
    hdr(&m, 9, 0x8000, 0, 2, 0, 0);
    put8(&m, 0);
    rr(&m, 0xff00, 1, 0, 4);
    putname(&m, "z", 23); /* at 23: 1 z, pointer at 25 to 23 */
    put16(&m, 0xc000 | 23);
    rr(&m, 1, 1, 0, 4);
    putraw(&m, "\1\2\3\4", 4);
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_ptr_loop");
    CHECK_STR(mstr(r, "answers", 1, "name"), "<name loop>");
    CHECK_STR(mstr(r, "answers", 1, "data"), "1.2.3.4");
    /* a backwards pointer to a label: fine */
    hdr(&m, 9, 0, 2, 0, 0, 0);
    putname(&m, "x.y", -1); /* at 12: 1 x 1 y 0 */
    put16(&m, 1);
    put16(&m, 1);
    put16(&m, 0xc000 | 14); /* at 21, to "y" at 14 */
    put16(&m, 1);
    put16(&m, 1);
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_STR(mstr(r, "questions", 1, "name"), "y");
    /* pointers count from the message, not from the TCP length prefix:
     * offset 0 is the id, read here as the label "a" and the root */
    hdr(&m, 0x0161, 0, 1, 0, 0, 0);
    put16(&m, 0xc000);
    put16(&m, 1);
    put16(&m, 1);
    r = unit_dissect(frame, tcp(&m), 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_STR(mstr(r, "questions", 0, "name"), "a");
}

static void test_labels(void)
{
    msg_t m;
    char l63[64];
    memset(l63, 'a', 63);
    /* a length byte of 64 is label type 0x40, and 0x80 is reserved */
    hdr(&m, 10, 0, 1, 0, 0, 0);
    put8(&m, 64);
    putraw(&m, l63, 63);
    putraw(&m, "a", 1);
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_STR(query_err(&m, 1), "dns_bad_label");
    m.b[12] = 0x80;
    CHECK_STR(query_err(&m, 1), "dns_bad_label");
    /* 255 wire bytes exactly: 3 x 63 + 61, 253 characters dotted */
    hdr(&m, 10, 0, 1, 0, 0, 0);
    for (int i = 0; i < 3; i++) {
        put8(&m, 63);
        putraw(&m, l63, 63);
    }
    put8(&m, 61);
    putraw(&m, l63, 61);
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 1);
    record_t *r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "(ok)");
    const char *name = mstr(r, "questions", 0, "name");
    CHECK(name && strlen(name) == 253);
    /* one more byte: 256 */
    hdr(&m, 10, 0, 1, 0, 0, 0);
    for (int i = 0; i < 3; i++) {
        put8(&m, 63);
        putraw(&m, l63, 63);
    }
    put8(&m, 62);
    putraw(&m, l63, 62);
    put8(&m, 0);
    put16(&m, 1);
    put16(&m, 28);
    putname(&m, "next", -1);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_STR(query_err(&m, 2), "dns_name_too_long");
    /* its labels end with the root: the question stays, and the next */
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_EQ(count(r, "questions"), 2);
    CHECK_STR(mstr(r, "questions", 0, "name"), "<name too long>");
    CHECK_EQ(muint(r, "questions", 0, "class"), 28);
    CHECK_STR(mstr(r, "questions", 1, "name"), "next");
    /* ... unless they run past the message: its end is not known */
    m.n -= 10;
    m.b[5] = 1;
    r = unit_dissect(frame, wrap(m.b, m.n - 5, 17, 40000, 53), 1); /* no root */
    CHECK_STR(dns_err(r), "dns_name_too_long");
    CHECK_EQ(count(r, "questions"), 0);

    /* labels reached through pointers count too: question k is "a" and
     * a pointer to question k-1, so k+1 labels; k = 127 makes 257 bytes */
    hdr(&m, 10, 0, 128, 0, 0, 0);
    unsigned prev = m.n;
    putname(&m, "a", -1);
    put16(&m, 1);
    put16(&m, 1);
    for (int k = 1; k < 128; k++) {
        unsigned here = m.n;
        putname(&m, "a", (int)prev);
        put16(&m, 1);
        put16(&m, 1);
        prev = here;
    }
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_name_too_long");
    CHECK_EQ(count(r, "questions"), 128); /* the 128th, too long, keeps its type */
    name = mstr(r, "questions", 126, "name");
    CHECK(name && strlen(name) == 253);
    CHECK_STR(mstr(r, "questions", 127, "name"), "<name too long>");
    CHECK_EQ(muint(r, "questions", 127, "type"), 1);

    /* a chain of bare pointers in the RDATA of a record of unknown type:
     * pointer k points at pointer k-1, the first at the root; the
     * answers' names point at pointers 128 and 129: 128 hops are fine,
     * the walk gives up past them */
    hdr(&m, 10, 0x8000, 0, 3, 0, 0);
    put8(&m, 0);
    rr(&m, 0xff00, 1, 0, 1 + 2 * 130);
    prev = m.n;
    put8(&m, 0);
    unsigned ptr[130];
    for (int k = 0; k < 130; k++) {
        ptr[k] = m.n;
        put16(&m, 0xc000 | prev);
        prev = ptr[k];
    }
    put16(&m, 0xc000 | ptr[126]); /* 128 hops, this one's own included */
    rr(&m, 1, 1, 1, 4);
    putraw(&m, "\1\2\3\4", 4);
    put16(&m, 0xc000 | ptr[127]); /* 129 hops */
    rr(&m, 1, 1, 2, 4);
    putraw(&m, "\5\6\7\10", 4);
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_ptr_loop");
    CHECK_EQ(count(r, "answers"), 3);
    CHECK_STR(mstr(r, "answers", 1, "name"), "<root>");
    CHECK_STR(mstr(r, "answers", 2, "name"), "<name loop>");
    CHECK_STR(mstr(r, "answers", 2, "data"), "5.6.7.8");
}

/* A response: question "a.b" A IN at 12 (names point at 12), then
 * answers added by the caller. */
static void resp(msg_t *m, unsigned an)
{
    hdr(m, 12, 0x8180, 1, an, 0, 0);
    putname(m, "a.b", -1);
    put16(m, 1);
    put16(m, 1);
}

/* An A record named by the bytes `name` (n of them). */
static void a_rr(msg_t *m, const char *name, unsigned n, unsigned long ttl, const char *addr)
{
    putraw(m, name, n);
    rr(m, 1, 1, ttl, 4);
    putraw(m, addr, 4);
}

static void test_markers(void)
{
    msg_t m;
    /* a pointer beyond the message: the record keeps its fields, the
     * next one is read */
    resp(&m, 2);
    a_rr(&m, "\xc1\x00", 2, 60, "\1\2\3\4");
    a_rr(&m, "\xc0\x0c", 2, 61, "\5\6\7\10");
    record_t *r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_bad_ptr");
    CHECK_EQ(count(r, "answers"), 2);
    CHECK_STR(mstr(r, "answers", 0, "name"), "<bad pointer>");
    CHECK_EQ(muint(r, "answers", 0, "type"), 1);
    CHECK_EQ(muint(r, "answers", 0, "class"), 1);
    CHECK_EQ(muint(r, "answers", 0, "ttl"), 60);
    CHECK_STR(mstr(r, "answers", 0, "data"), "1.2.3.4");
    CHECK_STR(mstr(r, "answers", 1, "name"), "a.b");
    CHECK_STR(summary(r), "DNS response A? a.b: A 1.2.3.4, A 5.6.7.8");
    /* the end of the message is beyond it too */
    m.b[22] = (unsigned char)m.n;
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_bad_ptr");
    CHECK_STR(mstr(r, "answers", 0, "name"), "<bad pointer>");
    /* the last byte is inside, but as a label (8) it runs out of it */
    m.b[22] = (unsigned char)(m.n - 1);
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_bad_ptr");
    CHECK_STR(mstr(r, "answers", 0, "name"), "<bad pointer>");

    /* label types 0x40 and 0x80 reached through a pointer: the end is
     * known, the record stays */
    resp(&m, 3);
    put8(&m, 0);
    rr(&m, 0xff00, 1, 0, 4); /* RDATA at 32: 1 z, then the bad label */
    putraw(&m, "\1z\x41\0", 4);
    a_rr(&m, "\xc0\x20", 2, 60, "\1\2\3\4");
    a_rr(&m, "\xc0\x0c", 2, 61, "\5\6\7\10");
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_bad_label");
    CHECK_EQ(count(r, "answers"), 3);
    CHECK_STR(mstr(r, "answers", 1, "name"), "<bad label type>");
    CHECK_EQ(muint(r, "answers", 1, "ttl"), 60);
    CHECK_STR(mstr(r, "answers", 1, "data"), "1.2.3.4");
    CHECK_STR(mstr(r, "answers", 2, "name"), "a.b");
    m.b[34] = 0x80;
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_bad_label");
    CHECK_STR(mstr(r, "answers", 1, "name"), "<bad label type>");
    CHECK_STR(mstr(r, "answers", 2, "data"), "5.6.7.8");
    /* ... in place, before the name's end: nothing after can be placed */
    resp(&m, 2);
    a_rr(&m, "\1z\x80", 3, 60, "\1\2\3\4");
    a_rr(&m, "\xc0\x0c", 2, 61, "\5\6\7\10");
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_bad_label");
    CHECK_EQ(count(r, "answers"), 0);
    CHECK_EQ(count(r, "questions"), 1);

    /* a name over 255 bytes through a pointer */
    char l63[64];
    memset(l63, 'b', 63);
    resp(&m, 2);
    put8(&m, 0);
    rr(&m, 0xff00, 1, 0, 4 * 64 + 1); /* RDATA at 32: 4 x 63, 257 bytes */
    for (int i = 0; i < 4; i++) {
        put8(&m, 63);
        putraw(&m, l63, 63);
    }
    put8(&m, 0);
    a_rr(&m, "\1x\xc0\x20", 4, 60, "\1\2\3\4");
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_name_too_long");
    CHECK_STR(mstr(r, "answers", 1, "name"), "<name too long>");
    CHECK_STR(mstr(r, "answers", 1, "data"), "1.2.3.4");

    /* names in RDATA: the marker is the data, the record stays */
    resp(&m, 3);
    putraw(&m, "\xc0\x0c", 2);
    rr(&m, 5, 1, 60, 2);
    putraw(&m, "\xc0\x21", 2); /* CNAME at 33 -> itself */
    putraw(&m, "\xc0\x0c", 2);
    rr(&m, 15, 1, 60, 4);
    putraw(&m, "\0\12\xc3\0", 4); /* MX 10 -> beyond */
    a_rr(&m, "\xc0\x0c", 2, 61, "\5\6\7\10");
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_ptr_loop"); /* the first one's */
    CHECK_EQ(count(r, "answers"), 3);
    CHECK_STR(mstr(r, "answers", 0, "data"), "<name loop>");
    CHECK_STR(mstr(r, "answers", 1, "data"), "10 <bad pointer>");
    CHECK_STR(mstr(r, "answers", 2, "data"), "5.6.7.8");
    CHECK_STR(summary(r), "DNS response A? a.b: CNAME <name loop>, MX 10 <bad pointer>, "
                          "A 5.6.7.8");
    /* JSON: the markers are plain strings */
    unit_sweep(frame, udp(&m), 1);
}

/* The record bound: DNS_MAX_RECORDS (128) read, the rest noted. */
static void test_many_records(void)
{
    msg_t m;
    hdr(&m, 13, 0, 130, 0, 0, 0);
    for (int i = 0; i < 130; i++) {
        put8(&m, 0);
        put16(&m, 1);
        put16(&m, 1);
    }
    unsigned n = udp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_EQ(count(r, "questions"), 128);
    CHECK_EQ(unit_uint(r, dns_of(r), "records_unread"), 2);
    CHECK(r->capped);
    CHECK(!r->overflow);
    CHECK_STR(unit_stack(r), "eth ipv4 udp dns"); /* the unread records are the message's */
    CHECK_EQ(dns_of(r)->len, m.n);
    sweep(n, UDP_DNS); /* a cut in the unread records is truncated too */
    /* exactly the bound: all read */
    m.b[5] = 128;
    r = unit_dissect(frame, wrap(m.b, m.n - 10, 17, 40000, 53), 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_EQ(count(r, "questions"), 128);
    CHECK(unit_field(r, dns_of(r), "records_unread") == NULL);
    CHECK(!r->capped);
    /* the bound spans the sections: 100 questions and 30 answers */
    hdr(&m, 13, 0x8000, 100, 30, 0, 0);
    for (int i = 0; i < 100; i++) {
        put8(&m, 0);
        put16(&m, 1);
        put16(&m, 1);
    }
    for (int i = 0; i < 30; i++)
        a_rr(&m, "", 1, (unsigned long)i, "\1\2\3\4"); /* the root: one zero byte */
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "(ok)");
    CHECK_EQ(count(r, "questions"), 100);
    CHECK_EQ(count(r, "answers"), 28);
    CHECK_EQ(muint(r, "answers", 27, "ttl"), 27);
    CHECK_EQ(unit_uint(r, dns_of(r), "records_unread"), 2);
    CHECK(r->capped);
    /* counts beyond the bytes left end when they do, under the bound */
    hdr(&m, 13, 0x8000, 0, 200, 0, 0);
    for (int i = 0; i < 3; i++)
        a_rr(&m, "", 1, (unsigned long)i, "\1\2\3\4");
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_bad_count");
    CHECK_EQ(count(r, "answers"), 3);
    CHECK(unit_field(r, dns_of(r), "records_unread") == NULL);
    CHECK(!r->capped);
}

/* A UDP length beyond the IP payload: DNS is read over the bytes there,
 * as tshark does, and carries the UDP error. */
static void test_udp_length_lies(void)
{
    msg_t m;
    resp(&m, 1);
    a_rr(&m, "\xc0\x0c", 2, 60, "\1\2\3\4");
    unsigned n = udp(&m);
    frame[ETH_IP + 5] = (unsigned char)(8 + m.n + 10);
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp dns");
    CHECK_EQ(unit_layer(r, "udp", 0)->status, LS_OK);
    CHECK_STR(dns_err(r), "bad_udp_len");
    CHECK_STR(mstr(r, "answers", 0, "data"), "1.2.3.4");
    CHECK_STR(summary(r), "DNS response A? a.b: A 1.2.3.4");
    CHECK(r->malformed);
    /* a message needing the missing bytes: the records that are there */
    m.b[7] = 2;
    n = udp(&m);
    frame[ETH_IP + 5] = (unsigned char)(8 + m.n + 10);
    r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "bad_udp_len");
    CHECK_EQ(count(r, "answers"), 1);
    /* ... and cut by the capture as well */
    r = unit_dissect_len(frame, n - 3, n, 1);
    CHECK_STR(dns_err(r), "bad_udp_len");
    /* the fragment and ICMP-quote cases stay data (test_udp.c) */
}

/* An IP total length beyond the frame: the message is dissected over the
 * bytes there, as tshark does, and carries the first error found. */
static void test_ip_length_lies(void)
{
    msg_t m;
    resp(&m, 1);
    a_rr(&m, "\xc0\x0c", 2, 60, "\1\2\3\4");
    unsigned n = udp(&m);
    unsigned tot = n - 14 + 100;
    frame[14 + 2] = (unsigned char)(tot >> 8);
    frame[14 + 3] = (unsigned char)tot;
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(unit_stack(r), "eth ipv4 udp dns");
    CHECK_EQ(unit_layer(r, "ipv4", 0)->status, LS_OK);
    CHECK_EQ(unit_layer(r, "udp", 0)->status, LS_OK);
    CHECK_STR(dns_err(r), "bad_ip_len");
    CHECK_STR(mstr(r, "answers", 0, "data"), "1.2.3.4");
    CHECK(r->malformed);
    /* the UDP length lies as well: the IP error, found first, is said */
    frame[ETH_IP + 5] = (unsigned char)(8 + m.n + 10);
    r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "bad_ip_len");
    CHECK_STR(mstr(r, "answers", 0, "data"), "1.2.3.4");
    unit_sweep(frame, n, 1);
}

static void test_counts(void)
{
    msg_t m;
    /* qdcount 65535 with one question in a complete message */
    hdr(&m, 11, 0, 0xffff, 0, 0, 0);
    putname(&m, "a.b", -1);
    put16(&m, 1);
    put16(&m, 1);
    unsigned n = udp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "dns_bad_count");
    CHECK_EQ(count(r, "questions"), 1);
    CHECK_STR(mstr(r, "questions", 0, "name"), "a.b");
    CHECK(unit_field(r, dns_of(r), "answers") == NULL);
    /* the same message cut by the capture: only truncated */
    r = unit_dissect_len(frame, n - 1, n, 1);
    CHECK_STR(dns_err(r), "(truncated)");
    /* an answer count past the end, the record cut in its fixed part */
    hdr(&m, 11, 0x8000, 0, 1, 0, 0);
    putname(&m, "a.b", -1);
    put16(&m, 1);
    put16(&m, 1);
    CHECK_STR(dns_err(unit_dissect(frame, udp(&m), 1)), "dns_bad_count");
    /* shorter than a header over UDP */
    r = unit_dissect(frame, wrap(m.b, 11, 17, 40000, 53), 1);
    CHECK_STR(dns_err(r), "dns_bad_len");
}

static void test_rdlength(void)
{
    msg_t m;
    build_cname_chain(&m);
    m.b[m.n - 5] = 5; /* the A record's RDLENGTH 5: beyond the message */
    unsigned n = udp(&m);
    record_t *r = unit_dissect(frame, n, 1);
    CHECK_STR(dns_err(r), "dns_bad_rdlen");
    CHECK_STR(mstr(r, "answers", 0, "data"), "cdn.example.com");
    /* only beyond the captured bytes: truncated */
    m.b[m.n - 5] = 4;
    n = udp(&m);
    r = unit_dissect_len(frame, n - 2, n, 1);
    CHECK_STR(dns_err(r), "(truncated)");
    CHECK_EQ(count(r, "answers"), 1); /* the answer cut short leaves no object */
    CHECK_STR(summary(r), "DNS response A? www.example.com: CNAME cdn.example.com");
    r = unit_dissect_len(frame, UDP_DNS + 20, n, 1); /* inside the question's name */
    CHECK_STR(summary(r), "DNS response: NoError");
    CHECK_EQ(count(r, "questions"), 0); /* the question cut short leaves no object */
    /* an A record of 3 bytes contradicts its type */
    m.b[m.n - 5] = 3;
    m.n--;
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_bad_rdlen");
    /* a CNAME running past its RDLENGTH */
    build_cname_chain(&m);
    m.b[44] = 4;
    r = unit_dissect(frame, udp(&m), 1);
    CHECK_STR(dns_err(r), "dns_bad_rdlen");
}

int main(void)
{
    unit_init();
    RUN(test_query_a);
    RUN(test_cname_chain);
    RUN(test_aaaa);
    RUN(test_mx_txt);
    RUN(test_nxdomain);
    RUN(test_unknown_type_and_root);
    RUN(test_escapes);
    RUN(test_mdns);
    RUN(test_edns);
    RUN(test_trailing);
    RUN(test_tcp);
    RUN(test_pointers);
    RUN(test_labels);
    RUN(test_markers);
    RUN(test_many_records);
    RUN(test_udp_length_lies);
    RUN(test_ip_length_lies);
    RUN(test_counts);
    RUN(test_rdlength);
    return unit_done();
}
