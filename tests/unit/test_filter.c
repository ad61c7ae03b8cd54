/* test_filter.c - the display filter: parse errors with their columns,
 * every operator, names with several occurrences, CIDR, strings,
 * precedence, flow facts. */
#include "filter.h"
#include "tcp_state.h"
#include "unit.h"

/* Compile EXPR and match it against r; -1 when it does not compile. */
static int run(const char *expr, const record_t *r)
{
    char err[256];
    int col;
    dfilter_t *f = dfilter_compile(expr, err, sizeof err, &col);
    if (!f) {
        fprintf(stderr, "  '%s': column %d: %s\n", expr, col, err);
        return -1;
    }
    int m = dfilter_match(f, r, NULL);
    dfilter_free(f);
    return m;
}

/* The column of EXPR's error (0 when it compiles) and its message. */
static int error_col(const char *expr, char *err, size_t n)
{
    int col = 0;
    dfilter_t *f = dfilter_compile(expr, err, n, &col);
    if (f) {
        dfilter_free(f);
        return 0;
    }
    return col;
}

/* A UDP datagram 10.0.0.1:5353 > 10.0.0.2:53 carrying a DNS response for
 * www.example.com with two A answers (TTL 60 and 300). */
static record_t *dns_response(void)
{
    static const unsigned char dns[] = {
        0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
        3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
        0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34,
        0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 93, 184, 216, 35,
    };
    unsigned char udp[8 + sizeof dns];
    udp[0] = 0x14; udp[1] = 0xe9; /* 5353 */
    udp[2] = 0; udp[3] = 53;
    udp[4] = 0; udp[5] = (unsigned char)sizeof udp;
    udp[6] = 0; udp[7] = 0; /* no checksum */
    memcpy(udp + 8, dns, sizeof dns);
    static unsigned char f[256];
    unsigned n = unit_eth_ipv4(f, 17, 0, udp, sizeof udp);
    return unit_dissect(f, n, 1);
}

/* A TCP SYN 10.0.0.1:51234 > 10.0.0.2:80. */
static record_t *tcp_syn(void)
{
    unsigned char tcp[20] = {0xc8, 0x22, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff};
    static unsigned char f[128];
    unsigned n = unit_eth_ipv4(f, 6, 0x4000, tcp, sizeof tcp);
    unit_fix_l4_sum(f + 14, 0);
    return unit_dissect(f, n, 1);
}

/* IPv6 fd99::1 > fd99::2:... UDP 1000 > 2000, 4 bytes of data. */
static record_t *udp6(void)
{
    static unsigned char f[] = {
        0x02, 0x53, 0x54, 0x00, 0x00, 0x02, 0x02, 0x53, 0x54, 0x00, 0x00, 0x01, 0x86, 0xdd,
        0x60, 0, 0, 0, 0, 12, 17, 64,
        0xfd, 0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        0xfd, 0x99, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2,
        0x03, 0xe8, 0x07, 0xd0, 0, 12, 0, 0, 'a', 'b', 'c', 'd',
    };
    return unit_dissect(f, sizeof f, 1);
}

static void test_protocols(void)
{
    record_t *r = dns_response();
    CHECK_EQ(run("dns", r), 1);
    CHECK_EQ(run("udp", r), 1);
    CHECK_EQ(run("ip", r), 1);
    CHECK_EQ(run("ipv4", r), 1);
    CHECK_EQ(run("eth", r), 1);
    CHECK_EQ(run("frame", r), 1);
    CHECK_EQ(run("tcp", r), 0);
    CHECK_EQ(run("http", r), 0);
    CHECK_EQ(run("ipv6", r), 0);
}

static void test_operators(void)
{
    record_t *r = dns_response();
    CHECK_EQ(run("udp.dstport == 53", r), 1);
    CHECK_EQ(run("udp.dstport eq 53", r), 1);
    CHECK_EQ(run("udp.dstport==53", r), 1);
    CHECK_EQ(run("udp.dstport == 0x35", r), 1);
    CHECK_EQ(run("udp.dstport != 53", r), 0);
    CHECK_EQ(run("udp.dstport ne 54", r), 1);
    CHECK_EQ(run("udp.dstport < 54", r), 1);
    CHECK_EQ(run("udp.dstport lt 53", r), 0);
    CHECK_EQ(run("udp.dstport <= 53", r), 1);
    CHECK_EQ(run("udp.dstport le 52", r), 0);
    CHECK_EQ(run("udp.dstport > 52", r), 1);
    CHECK_EQ(run("udp.dstport gt 53", r), 0);
    CHECK_EQ(run("udp.dstport >= 53", r), 1);
    CHECK_EQ(run("udp.dstport ge 54", r), 0);
    CHECK_EQ(run("udp.port == 5353", r), 1); /* either port */
    CHECK_EQ(run("udp.port == 53", r), 1);
    CHECK_EQ(run("udp.port == 54", r), 0);
    CHECK_EQ(run("udp.port in {80 443 53}", r), 1);
    CHECK_EQ(run("udp.port in {80, 443}", r), 0);
    CHECK_EQ(run("udp.dstport in {50..60}", r), 1);
    CHECK_EQ(run("udp.dstport in {54..60}", r), 0);
    CHECK_EQ(run("ip.src == 10.0.0.1", r), 1);
    CHECK_EQ(run("ip.dst == 10.0.0.1", r), 0);
    CHECK_EQ(run("ip.addr == 10.0.0.2", r), 1);
    CHECK_EQ(run("ip.src > 10.0.0.0", r), 1);
    CHECK_EQ(run("eth.src == 00:11:22:33:44:55", r), 1);
    CHECK_EQ(run("eth.src == 00-11-22-33-44-55", r), 1);
    CHECK_EQ(run("eth.addr == 66:77:88:99:aa:bb", r), 1);
    CHECK_EQ(run("eth.dst == 00:11:22:33:44:55", r), 0);
    CHECK_EQ(run("frame.len == 107", r), 1);
    CHECK_EQ(run("frame.len > 107", r), 0);
    CHECK_EQ(run("osi == 7", r), 1);
    CHECK_EQ(run("osi == 1", r), 0);
    CHECK_EQ(run("dns.flags.response == 1", r), 1);
    CHECK_EQ(run("dns.flags.recdesired", r), 1);
    CHECK_EQ(run("dns.flags.authoritative", r), 1); /* alone: present (Wireshark) */
    CHECK_EQ(run("dns.flags.authoritative == 1", r), 0);
    CHECK_EQ(run("dns.flags.authoritative == false", r), 1);
    CHECK_EQ(run("dns.id", r), 1);                  /* a number alone: present */
    CHECK_EQ(run("tcp.srcport", r), 0);
}

static void test_strings(void)
{
    record_t *r = dns_response();
    CHECK_EQ(run("dns.qry.name == \"www.example.com\"", r), 1);
    CHECK_EQ(run("dns.qry.name == www.example.com", r), 1);
    CHECK_EQ(run("dns.qry.name == \"www.example\"", r), 0);
    CHECK_EQ(run("dns.qry.name contains \"example\"", r), 1);
    CHECK_EQ(run("dns.qry.name contains \"Example\"", r), 0);
    CHECK_EQ(run("dns.qry.name contains \"\"", r), 1);
    CHECK_EQ(run("dns.qry.name matches \"^www\\\\.[a-z]+\\\\.com$\"", r), 1);
    CHECK_EQ(run("dns.qry.name matches \"EXAMPLE\"", r), 1); /* caseless, as Wireshark */
    CHECK_EQ(run("dns.qry.name ~ \"^example\"", r), 0);
    CHECK_EQ(run("dns.qry.name < \"x\"", r), 1);
    CHECK_EQ(run("dns.qry.name > \"x\"", r), 0);
}

static void test_multiple(void)
{
    record_t *r = dns_response();
    /* two answers: any occurrence matches ==; != is "none equals" */
    CHECK_EQ(run("dns.resp.ttl == 60", r), 1);
    CHECK_EQ(run("dns.resp.ttl == 300", r), 1);
    CHECK_EQ(run("dns.resp.ttl == 61", r), 0);
    CHECK_EQ(run("dns.resp.ttl != 60", r), 0);
    CHECK_EQ(run("dns.resp.ttl != 61", r), 1);
    CHECK_EQ(run("dns.resp.ttl > 200", r), 1);
    CHECK_EQ(run("dns.resp.ttl < 60", r), 0);
    CHECK_EQ(run("not dns.resp.ttl == 60", r), 0);
    /* Wireshark 4's === (every occurrence) and !== (some occurrence) */
    CHECK_EQ(run("dns.resp.ttl === 60", r), 0);
    CHECK_EQ(run("dns.resp.ttl all_eq 60", r), 0);
    CHECK_EQ(run("dns.resp.class === 1", r), 1);
    CHECK_EQ(run("dns.resp.ttl !== 60", r), 1);
    CHECK_EQ(run("dns.resp.ttl any_ne 300", r), 1);
    CHECK_EQ(run("dns.resp.class !== 1", r), 0);
    CHECK_EQ(run("dns.resp.ttl any_eq 300", r), 1);
    CHECK_EQ(run("dns.resp.ttl all_ne 300", r), 0);
    CHECK_EQ(run("tcp.port === 80", r), 0);
    CHECK_EQ(run("tcp.port !== 80", r), 0);
    /* a field the packet lacks: every comparison false, != too */
    CHECK_EQ(run("tcp.port != 80", r), 0);
    CHECK_EQ(run("!(tcp.port == 80)", r), 1);
}

static void test_addresses(void)
{
    record_t *r = dns_response();
    CHECK_EQ(run("ip.addr == 10.0.0.0/8", r), 1);
    CHECK_EQ(run("ip.src == 10.0.0.0/31", r), 1);
    CHECK_EQ(run("ip.src == 10.0.0.0/32", r), 0);
    CHECK_EQ(run("ip.dst == 10.0.0.0/31", r), 0);
    CHECK_EQ(run("ip.addr == 11.0.0.0/8", r), 0);
    CHECK_EQ(run("ip.addr == 0.0.0.0/0", r), 1);
    CHECK_EQ(run("ip.addr != 10.0.0.0/8", r), 0);
    CHECK_EQ(run("ip.addr != 192.168.0.0/16", r), 1);
    r = udp6();
    CHECK_EQ(run("ipv6", r), 1);
    CHECK_EQ(run("ip", r), 0);
    CHECK_EQ(run("ipv6.addr == fd99::/64", r), 1);
    CHECK_EQ(run("ipv6.src == fd99::/64", r), 1);
    CHECK_EQ(run("ipv6.dst == fd99::/64", r), 0); /* fd99:0:0:1::2 */
    CHECK_EQ(run("ipv6.dst == fd99:0:0:1::/64", r), 1);
    CHECK_EQ(run("ipv6.dst == fd99:0:0:1::2", r), 1);
    CHECK_EQ(run("ipv6.src == fd99::1", r), 1);
    CHECK_EQ(run("ipv6.addr == fd98::/16", r), 0);
    CHECK_EQ(run("ipv6.addr == fd98::/15", r), 1);
    CHECK_EQ(run("eth.src == 02:53:54:00:00:01", r), 1);
    CHECK_EQ(run("eth.src == 0253.5400.0001", r), 1);
    CHECK_EQ(run("udp.port == 2000 && ipv6.src == fd99::1", r), 1);
}

static void test_precedence(void)
{
    record_t *r = dns_response();
    /* not binds tighter than and, and than or */
    CHECK_EQ(run("not tcp and udp", r), 1);        /* (not tcp) and udp */
    CHECK_EQ(run("not udp and tcp", r), 0);
    CHECK_EQ(run("not (udp and tcp)", r), 1);
    CHECK_EQ(run("tcp and udp or dns", r), 1);     /* (tcp and udp) or dns */
    CHECK_EQ(run("dns or udp and tcp", r), 1);     /* dns or (udp and tcp) */
    CHECK_EQ(run("(dns or udp) and tcp", r), 0);
    CHECK_EQ(run("!tcp && !http", r), 1);
    CHECK_EQ(run("tcp || !udp", r), 0);
    CHECK_EQ(run("not not dns", r), 1);
    CHECK_EQ(run("((((dns))))", r), 1);
}

static void test_tcp_and_flow(void)
{
    record_t *r = tcp_syn();
    CHECK_EQ(run("tcp.port == 80", r), 1);
    CHECK_EQ(run("tcp.port == 51234", r), 1);
    CHECK_EQ(run("tcp.flags.syn", r), 1);
    CHECK_EQ(run("tcp.flags.syn == 1", r), 1);
    CHECK_EQ(run("tcp.flags.ack", r), 1); /* Wireshark: present, set or not */
    CHECK_EQ(run("tcp.flags.ack == 1", r), 0);
    CHECK_EQ(run("tcp.flags.ack == 0", r), 1);
    CHECK_EQ(run("tcp.flags.syn == 1 and not tcp.flags.ack == 1", r), 1);
    CHECK_EQ(run("ip.flags.df == 1", r), 1);
    /* without the tracker the record has no flow facts: all false */
    CHECK_EQ(run("tcp.state == SYN_SENT", r), 0);
    CHECK_EQ(run("flow.id == 1", r), 0);
    r->flow.present = true;
    r->flow.tcp = true;
    r->flow.id = 3;
    r->flow.dir = 0;
    r->flow.state = TCPS_SYN_SENT;
    r->flow.peer_state = TCPS_LISTEN;
    r->flow.analysis = TA_RETRANSMISSION;
    CHECK_EQ(run("tcp.state == SYN_SENT", r), 1);
    CHECK_EQ(run("tcp.state == syn_sent", r), 1);
    CHECK_EQ(run("tcp.state == ESTABLISHED", r), 0);
    CHECK_EQ(run("tcp.state != ESTABLISHED", r), 1);
    CHECK_EQ(run("flow.peer_state == LISTEN", r), 1);
    CHECK_EQ(run("flow.id == 3", r), 1);
    CHECK_EQ(run("flow.id in {1 2}", r), 0);
    CHECK_EQ(run("flow.dir == \"orig\"", r), 1);
    CHECK_EQ(run("flow.dir == resp", r), 0);
    CHECK_EQ(run("tcp.analysis.retransmission", r), 1);
    CHECK_EQ(run("tcp.analysis.duplicate_ack", r), 0);
    CHECK_EQ(run("flow.conn_state == \"S0\"", r), 0); /* no table given */
    CHECK_EQ(run("osi == 4 and osi == 2", r), 1);
}

/* The message names the column; the filter is NULL. */
static void test_errors(void)
{
    char err[256];
    CHECK_EQ(error_col("tcp.port ==", err, sizeof err), 12);
    CHECK_STR(err, "expected a value after '=='");
    /* regular expressions that would make regcomp take gigabytes */
    CHECK_EQ(error_col("dns.qry.name matches \"a+++\"", err, sizeof err), 22);
    CHECK(strstr(err, "three quantifiers in a row") != NULL);
    CHECK_EQ(error_col("dns.qry.name matches \"(a{300})\"", err, sizeof err), 22);
    CHECK_EQ(error_col("dns.qry.name matches \"((((((((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)\"",
                       err, sizeof err), 22);
    CHECK(strstr(err, "too many repetitions") != NULL);
    CHECK_EQ(error_col("dns.qry.name matches \"^w+w[.+*]+x{2,3}\"", err, sizeof err), 0);
    CHECK_EQ(error_col("tcp.prot == 80", err, sizeof err), 1);
    CHECK_STR(err, "unknown field 'tcp.prot'");
    CHECK_EQ(error_col("dns and tcp.prot", err, sizeof err), 9);
    CHECK_STR(err, "unknown protocol or field 'tcp.prot'");
    CHECK_EQ(error_col("(tcp or udp", err, sizeof err), 12);
    CHECK_EQ(error_col("tcp or udp)", err, sizeof err), 11);
    CHECK_EQ(error_col("tcp and", err, sizeof err), 8);
    CHECK_EQ(error_col("", err, sizeof err), 1);
    CHECK_EQ(error_col("   ", err, sizeof err), 4);
    CHECK_EQ(error_col("tcp.port == 80 udp", err, sizeof err), 16);
    CHECK_EQ(error_col("tcp.port 80", err, sizeof err), 10);
    CHECK_EQ(error_col("tcp.port == abc", err, sizeof err), 13);
    CHECK_EQ(error_col("tcp.port contains \"x\"", err, sizeof err), 10);
    CHECK_EQ(error_col("ip.src == 10.0.0.0/33", err, sizeof err), 11);
    CHECK_EQ(error_col("ip.src == 10.0.0", err, sizeof err), 11);
    CHECK_EQ(error_col("ipv6.src == 10.0.0.1", err, sizeof err), 13);
    CHECK_EQ(error_col("eth.src == 00:11:22", err, sizeof err), 12);
    CHECK_EQ(error_col("dns.qry.name == \"abc", err, sizeof err), 17);
    CHECK_STR(err, "unterminated string");
    CHECK_EQ(error_col("dns.qry.name matches \"(\"", err, sizeof err), 22);
    CHECK_EQ(error_col("tcp.port @ 80", err, sizeof err), 10);
    CHECK_EQ(error_col("tcp.port in 80", err, sizeof err), 13);
    CHECK_EQ(error_col("tcp.port in {", err, sizeof err), 14);
    CHECK_EQ(error_col("tcp.state == SYN_SOMETHING", err, sizeof err), 14);
    CHECK_EQ(error_col("== 80", err, sizeof err), 1);
    CHECK_EQ(error_col("not", err, sizeof err), 4);
    CHECK_EQ(error_col("dns.questions == 1", err, sizeof err), 15);
    /* deep nesting is refused, not a stack overflow */
    char deep[600];
    memset(deep, '(', 300);
    memcpy(deep + 300, "dns", 4);
    CHECK(error_col(deep, err, sizeof err) > 0);
    memset(deep, '!', 599);
    deep[599] = '\0';
    CHECK(error_col(deep, err, sizeof err) > 0);
    dfilter_t *f = dfilter_compile("tcp", NULL, 0, NULL); /* no message wanted */
    CHECK(f != NULL);
    dfilter_free(f);
    CHECK(dfilter_compile("tcp.", NULL, 0, NULL) == NULL);
}

static void test_needs_fields(void)
{
    char err[64];
    int col;
    const char *lean[] = {"tcp", "dns or udp", "osi == 7", "tcp.state == ESTABLISHED",
                          "flow.id == 1", "frame.len > 60", "not ipv6"};
    const char *full[] = {"tcp.port == 80", "dns and ip.src == 1.2.3.4", "tcp.flags.syn"};
    for (size_t i = 0; i < sizeof lean / sizeof lean[0]; i++) {
        dfilter_t *f = dfilter_compile(lean[i], err, sizeof err, &col);
        CHECK(f && !dfilter_needs_fields(f));
        dfilter_free(f);
    }
    for (size_t i = 0; i < sizeof full / sizeof full[0]; i++) {
        dfilter_t *f = dfilter_compile(full[i], err, sizeof err, &col);
        CHECK(f && dfilter_needs_fields(f));
        dfilter_free(f);
    }
}

int main(void)
{
    unit_init();
    RUN(test_protocols);
    RUN(test_operators);
    RUN(test_strings);
    RUN(test_multiple);
    RUN(test_addresses);
    RUN(test_precedence);
    RUN(test_tcp_and_flow);
    RUN(test_errors);
    RUN(test_needs_fields);
    return unit_done();
}
