/* test_http.c - HTTP/1.x start lines and headers in one segment: ports,
 * the heuristic, declined body segments, hostile start lines; every
 * request-target form and the lenient spacing of RFC 9112; messages cut by
 * the snaplen; and, through the flow table, pipelined messages in one
 * segment (up to the per-frame bound, then marked and counted), a cut
 * pipeline, and a connection whose start was not captured. */
#include "flow.h"
#include "unit.h"

#define ETH_IP 34  /* Ethernet 14 + IPv4 20 */
#define HTTP_AT 54 /* + TCP 20: where the payload starts */
#define FRAME_MAX 10000

/* Ethernet + IPv4 + TCP (sport > dport, PSH ACK) around the payload
 * `s`; returns the frame length. */
static unsigned build(unsigned char *f, unsigned sport, unsigned dport, const char *s)
{
    static const unsigned char head[HTTP_AT] = {
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00,
        0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0, 0x50, 0x18, 0x02, 0x00, 0, 0, 0, 0,
    };
    unsigned n = (unsigned)strlen(s);
    memcpy(f, head, sizeof head);
    unsigned char *ip = f + 14;
    ip[2] = (unsigned char)((40 + n) >> 8);
    ip[3] = (unsigned char)(40 + n);
    unsigned sum = 0;
    for (unsigned i = 0; i < 20; i += 2)
        sum += (unsigned)(ip[i] << 8 | ip[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    ip[10] = (unsigned char)(~sum >> 8);
    ip[11] = (unsigned char)~sum;
    f[ETH_IP] = (unsigned char)(sport >> 8);
    f[ETH_IP + 1] = (unsigned char)sport;
    f[ETH_IP + 2] = (unsigned char)(dport >> 8);
    f[ETH_IP + 3] = (unsigned char)dport;
    memcpy(f + HTTP_AT, s, n);
    return HTTP_AT + n;
}

static unsigned char frame[FRAME_MAX];

static record_t *dissect(unsigned sport, unsigned dport, const char *s)
{
    unsigned n = build(frame, sport, dport, s);
    return unit_dissect(frame, n, 1);
}

static const char get_req[] = "GET /index.html HTTP/1.1\r\n"
                              "hOST:  www.example.com \r\n"
                              "User-Agent: unit\r\n"
                              "CONTENT-length:\t12\r\n"
                              "content-TYPE: text/plain; charset=utf-8\t\r\n"
                              "\r\n"
                              "hello world!";

static void test_request(void)
{
    record_t *r = dissect(51234, 80, get_req);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http data");
    const layer_t *h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_OK);
    CHECK_EQ(h->osi, 7);
    CHECK_STR(unit_str(r, h, "kind"), "request");
    CHECK_STR(unit_str(r, h, "method"), "GET");
    CHECK_STR(unit_str(r, h, "uri"), "/index.html");
    CHECK_STR(unit_str(r, h, "version"), "HTTP/1.1");
    CHECK_STR(unit_str(r, h, "host"), "www.example.com");
    CHECK_EQ(unit_uint(r, h, "content_length"), 12);
    CHECK_STR(unit_str(r, h, "content_type"), "text/plain; charset=utf-8");
    CHECK_EQ(unit_uint(r, h, "headers_complete"), 1);
    CHECK(unit_field(r, h, "status") == NULL);
    /* the layer is the header block; the body is data */
    unsigned hdr = (unsigned)(strstr(get_req, "\r\n\r\n") - get_req) + 4;
    CHECK_EQ(h->off, HTTP_AT);
    CHECK_EQ(h->len, hdr);
    const layer_t *d = unit_layer(r, "data", 0);
    CHECK(d && d->off == HTTP_AT + hdr && d->len == 12);
    /* field spans: the trimmed value's bytes */
    const field_t *host = unit_field(r, h, "host");
    unsigned at = (unsigned)(strstr(get_req, "www.") - get_req);
    CHECK(host && host->off == HTTP_AT + at && host->len == 15);
    const field_t *uri = unit_field(r, h, "uri");
    CHECK(uri && uri->off == HTTP_AT + 4 && uri->len == 11);
    CHECK_STR(unit_summary(r, h), "HTTP GET /index.html");
}

static void test_response(void)
{
    record_t *r = dissect(8080, 51234, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
    const layer_t *h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_OK);
    CHECK_STR(unit_str(r, h, "kind"), "response");
    CHECK_STR(unit_str(r, h, "version"), "HTTP/1.1");
    CHECK_EQ(unit_uint(r, h, "status"), 404);
    CHECK_STR(unit_str(r, h, "reason"), "Not Found");
    CHECK_EQ(unit_uint(r, h, "content_length"), 0);
    CHECK(unit_field(r, h, "method") == NULL);
    CHECK(unit_field(r, h, "host") == NULL);
    CHECK(unit_field(r, h, "content_type") == NULL);
    const field_t *st = unit_field(r, h, "status");
    CHECK(st && st->off == HTTP_AT + 9 && st->len == 3);
    CHECK_STR(unit_summary(r, h), "HTTP 404 Not Found");
    /* bare LF line ends, HTTP/1.0, no reason phrase */
    r = dissect(3128, 51234, "HTTP/1.0 200\nContent-Type: text/html\n\n<html>");
    h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_OK);
    CHECK_EQ(unit_uint(r, h, "status"), 200);
    CHECK_STR(unit_str(r, h, "reason"), "");
    CHECK_STR(unit_str(r, h, "content_type"), "text/html");
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 6);
    CHECK_STR(unit_summary(r, h), "HTTP 200");
}

static void test_post(void)
{
    record_t *r = dissect(51234, 8000,
                          "POST /api/v1/items?x=1 HTTP/1.1\r\nHost: api\r\n"
                          "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http data");
    const layer_t *h = unit_layer(r, "http", 0);
    CHECK_STR(unit_str(r, h, "method"), "POST");
    CHECK_STR(unit_str(r, h, "uri"), "/api/v1/items?x=1");
    CHECK_STR(unit_str(r, h, "host"), "api");
    CHECK_STR(unit_str(r, h, "content_type"), "application/json");
    CHECK_EQ(unit_uint(r, h, "content_length"), 7);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 7);
    CHECK_STR(unit_summary(r, h), "HTTP POST /api/v1/items?x=1");
}

static void test_no_blank_line(void)
{
    /* the header block continues in the next segment: report what is here */
    static const char s[] = "GET /a HTTP/1.1\r\nHost: x.test\r\nAccept: */*\r\nContent-Length: 1";
    record_t *r = dissect(51234, 80, s);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
    const layer_t *h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_OK);
    CHECK_STR(unit_str(r, h, "host"), "x.test");
    CHECK_EQ(unit_uint(r, h, "headers_complete"), 0);
    /* the unfinished last line is header bytes, but its value is not whole */
    CHECK(unit_field(r, h, "content_length") == NULL);
    CHECK_EQ(h->len, sizeof s - 1);
    /* the same cut by the snaplen inside a line is truncation */
    unsigned n = build(frame, 51234, 80, s);
    r = unit_dissect_len(frame, HTTP_AT + 20, n, 1);
    h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_TRUNCATED);
    CHECK_STR(unit_str(r, h, "method"), "GET");
}

static void test_body_continuation(void)
{
    record_t *r = dissect(80, 51234, "ml>\r\n<body>more of the page</body>\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 36);
    CHECK(!r->malformed);
    /* no line end at all */
    r = dissect(80, 51234, "\x89PNG binary body");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    /* a request with a method we do not list is still a request on a
     * port, when the whole line is one by the letter */
    r = dissect(51234, 80, "MKCALENDAR /cal/ HTTP/1.1\r\nHost: d\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "method"), "MKCALENDAR");
    r = dissect(51234, 80, "BIND http://d.test/a HTTP/1.1\r\n\r\n");
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "uri"), "http://d.test/a");
    /* ... but not on another port (the heuristic knows only the list) */
    r = dissect(51234, 12345, "MKCALENDAR /cal/ HTTP/1.1\r\nHost: d\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    /* the methods Wireshark knows are known on any port */
    r = dissect(51234, 12345, "PROPFIND /dav/ HTTP/1.1\r\nHost: d\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "method"), "PROPFIND");
    r = dissect(40000, 5005, "SUBSCRIBE /evt/CmnIfCfg HTTP/1.1\r\nHOST: 10.0.0.138:5005\r\n\r\n");
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "host"), "10.0.0.138:5005");
}

static void test_heuristic(void)
{
    record_t *r = dissect(40000, 12345, "DELETE /item/7 HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
    const layer_t *h = unit_layer(r, "http", 0);
    CHECK_STR(unit_str(r, h, "method"), "DELETE");
    CHECK_STR(unit_str(r, h, "host"), "h");
    r = dissect(12345, 40000, "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
    CHECK_STR(unit_summary(r, unit_layer(r, "http", 0)), "HTTP 204 No Content");
    /* not HTTP: data */
    r = dissect(40000, 12345, "SSH-2.0-OpenSSH_9.6\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    r = dissect(40000, 12345, "GETX / HTTP/1.1\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    r = dissect(40000, 12345, "get / HTTP/1.1\r\n\r\n"); /* methods are case-sensitive */
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    /* on any port a whole start line needs its version (tshark's
     * heuristic wants "HTTP/1.1" at one end of it) */
    r = dissect(40000, 12345, "GET /x\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    r = dissect(40000, 12345, "GET /x HTTP/1.1 extra\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
}

/* A message cut by the snapshot length: the start line and each complete
 * header line are dissected, the layer is truncated. */
static void test_cut(void)
{
    static const char req[] = "GET /a/b?c=1 HTTP/1.1\r\nHost: cut.test\r\nUser-Agent: unit\r\n"
                              "Content-Length: 0\r\n\r\n";
    unsigned n = build(frame, 51234, 80, req);
    unsigned at_ua = HTTP_AT + (unsigned)(strstr(req, "User-Agent") - req);
    record_t *r = unit_dissect_len(frame, at_ua + 5, n, 1);
    const layer_t *h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_TRUNCATED);
    CHECK(r->truncated && !r->malformed);
    CHECK_STR(unit_str(r, h, "kind"), "request");
    CHECK_STR(unit_str(r, h, "method"), "GET");
    CHECK_STR(unit_str(r, h, "uri"), "/a/b?c=1");
    CHECK_STR(unit_str(r, h, "version"), "HTTP/1.1");
    CHECK_STR(unit_str(r, h, "host"), "cut.test");
    CHECK(unit_field(r, h, "content_length") == NULL);
    CHECK(unit_field(r, h, "headers_complete") == NULL);
    CHECK_EQ(h->off + h->len, at_ua + 5); /* the layer spans what was captured */
    CHECK_STR(unit_summary(r, h), "HTTP GET /a/b?c=1");
    /* cut inside the start line: its complete words */
    r = unit_dissect_len(frame, HTTP_AT + 13, n, 1); /* "GET /a/b?c=1 " */
    h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_TRUNCATED);
    CHECK_STR(unit_str(r, h, "uri"), "/a/b?c=1");
    CHECK(unit_field(r, h, "version") == NULL);
    r = unit_dissect_len(frame, HTTP_AT + 9, n, 1); /* "GET /a/b?" */
    h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_TRUNCATED);
    CHECK_STR(unit_str(r, h, "method"), "GET");
    CHECK(unit_field(r, h, "uri") == NULL); /* not a whole value */
    CHECK_STR(unit_summary(r, h), "HTTP GET");
    r = unit_dissect_len(frame, HTTP_AT + 2, n, 1); /* "GE": cannot tell */
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    /* a response */
    static const char rsp[] = "HTTP/1.1 301 Moved Permanently\r\nContent-Length: 162\r\n"
                              "Location: http://x.test/\r\n\r\n";
    n = build(frame, 80, 51234, rsp);
    r = unit_dissect_len(frame, n - 10, n, 1);
    h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_TRUNCATED);
    CHECK_STR(unit_str(r, h, "kind"), "response");
    CHECK_STR(unit_str(r, h, "version"), "HTTP/1.1");
    CHECK_EQ(unit_uint(r, h, "status"), 301);
    CHECK_STR(unit_str(r, h, "reason"), "Moved Permanently");
    CHECK_EQ(unit_uint(r, h, "content_length"), 162);
    r = unit_dissect_len(frame, HTTP_AT + 15, n, 1); /* "HTTP/1.1 301 Mo" */
    h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_TRUNCATED);
    CHECK_EQ(unit_uint(r, h, "status"), 301);
    CHECK(unit_field(r, h, "reason") == NULL);
    r = unit_dissect_len(frame, HTTP_AT + 11, n, 1); /* "HTTP/1.1 30" */
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    /* the segment (not the capture) ends inside the start line: the
     * message goes on in the next segment, nothing is truncated */
    r = dissect(51234, 80, "OPTIONS * HTTP/1");
    h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_OK && !r->truncated);
    CHECK_STR(unit_str(r, h, "uri"), "*");
    CHECK_EQ(unit_uint(r, h, "headers_complete"), 0);
}

/* RFC 9112 section 3.2: origin-form, absolute-form, authority-form (for
 * CONNECT) and asterisk-form (for OPTIONS). */
static void test_target_forms(void)
{
    static const struct {
        const char *line, *method, *uri;
    } forms[] = {
        {"GET /where?q=now HTTP/1.1", "GET", "/where?q=now"},
        {"GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1", "GET",
         "http://www.example.org/pub/WWW/TheProject.html"},
        {"CONNECT www.example.com:80 HTTP/1.1", "CONNECT", "www.example.com:80"},
        {"CONNECT [2001:db8::1]:443 HTTP/1.1", "CONNECT", "[2001:db8::1]:443"},
        {"OPTIONS * HTTP/1.1", "OPTIONS", "*"},
        {"POST HTTPS://Api.Example/v1 HTTP/1.0", "POST", "HTTPS://Api.Example/v1"},
    };
    char buf[256];
    for (unsigned i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        snprintf(buf, sizeof buf, "%s\r\nHost: h\r\n\r\n", forms[i].line);
        for (unsigned port = 0; port < 2; port++) { /* bound port, heuristic */
            record_t *r = dissect(51234, port ? 23456 : 3128, buf);
            const layer_t *h = unit_layer(r, "http", 0);
            CHECK(h && h->status == LS_OK);
            CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
            CHECK_STR(unit_str(r, h, "method"), forms[i].method);
            CHECK_STR(unit_str(r, h, "uri"), forms[i].uri);
            CHECK_STR(unit_str(r, h, "host"), "h");
        }
    }
    /* an extension method takes origin-form and absolute-form only */
    CHECK_STR(unit_stack(dissect(51234, 80, "FOO * HTTP/1.1\r\n\r\n")), "eth ipv4 tcp data");
    CHECK_STR(unit_stack(dissect(51234, 80, "FOO h.test:443 HTTP/1.1\r\n\r\n")),
              "eth ipv4 tcp data");
    CHECK_STR(unit_stack(dissect(51234, 80, "FOO  /x HTTP/1.1\r\n\r\n")), "eth ipv4 tcp data");
}

/* Words on white space boundaries (RFC 9112 section 3: a recipient MAY). */
static void test_spacing(void)
{
    record_t *r = dissect(51234, 80, "GET  /x \t HTTP/1.1  \r\nHost:h\r\n\r\n");
    const layer_t *h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_OK);
    CHECK_STR(unit_str(r, h, "uri"), "/x");
    CHECK_STR(unit_str(r, h, "version"), "HTTP/1.1");
    CHECK_STR(unit_str(r, h, "host"), "h");
    CHECK(unit_field(r, h, "uri")->off == HTTP_AT + 5);
    /* HTTP/0.9: no version, no headers */
    r = dissect(51234, 80, "GET /old\r\n");
    h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_OK);
    CHECK_STR(unit_str(r, h, "uri"), "/old");
    CHECK(unit_field(r, h, "version") == NULL);
    CHECK_EQ(unit_uint(r, h, "headers_complete"), 1);
    CHECK_EQ(h->len, 10);
    /* a target with unencoded spaces runs to the version */
    r = dissect(51234, 80, "GET /my file.txt HTTP/1.0\r\n\r\n");
    h = unit_layer(r, "http", 0);
    CHECK_STR(unit_str(r, h, "uri"), "/my file.txt");
    CHECK_STR(unit_str(r, h, "version"), "HTTP/1.0");
    /* a tab after the method */
    r = dissect(51234, 80, "HEAD\t/ HTTP/1.1\r\n\r\n");
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "method"), "HEAD");
    /* status lines */
    r = dissect(80, 51234, "HTTP/1.1  200   OK then \r\n\r\n");
    h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_OK);
    CHECK_EQ(unit_uint(r, h, "status"), 200);
    CHECK_STR(unit_str(r, h, "reason"), "OK then ");
    CHECK(unit_field(r, h, "status")->off == HTTP_AT + 10);
    r = dissect(80, 51234, "HTTP/1.0 404\r\n\r\n");
    CHECK_EQ(unit_uint(r, unit_layer(r, "http", 0), "status"), 404);
    /* lower-case methods are other methods (RFC 9110 9.1), and not
     * registered ones: not a message, as for tshark */
    CHECK_STR(unit_stack(dissect(51234, 80, "get / HTTP/1.1\r\n\r\n")), "eth ipv4 tcp data");
    CHECK_STR(unit_stack(dissect(51234, 80, "Get / HTTP/1.1\r\n\r\n")), "eth ipv4 tcp data");
}

/* Bodies and other protocols on port 80 are not messages. */
static void test_not_a_message(void)
{
    static const char *const bodies[] = {
        "this is a body HTTP/1.1\r\n",
        "x / HTTP/1.1\r\n\r\n",
        "<p>GET / HTTP/1.1</p>\r\n",
        "{\"a\": \"GET / HTTP/1.1\"}\r\n",
        "HTTP/2 200\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", /* a TLS ClientHello */
        "SSH-2.0-OpenSSH_9.6\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", /* HTTP/2's preface: another protocol */
    };
    for (unsigned i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        record_t *r = dissect(80, 51234, bodies[i]);
        CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
        CHECK(!r->malformed);
    }
}

static void expect_error(record_t *r, const char *err)
{
    const layer_t *h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_ERROR);
    CHECK_STR(h ? err_name(h->err) : "", err);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
    CHECK(r->malformed);
}

static void test_hostile(void)
{
    /* a start line that looks like one and then does not parse: the
     * words that did are kept */
    record_t *r = dissect(51234, 80, "GET  HTTP/1.1\r\n\r\n"); /* no request-target */
    expect_error(r, "http_bad_start_line");
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "method"), "GET");
    CHECK(unit_field(r, unit_layer(r, "http", 0), "uri") == NULL);
    expect_error(dissect(51234, 80, "GET \r\n\r\n"), "http_bad_start_line");
    expect_error(dissect(51234, 80, "GET /x HTTP/1.1 extra\r\n\r\n"), "http_bad_start_line");
    expect_error(dissect(51234, 80, "GET /x HTTP/x\r\n\r\n"), "http_bad_start_line");
    r = dissect(80, 40000, "HTTP/1.1 200OK\r\n\r\n");
    expect_error(r, "http_bad_start_line");
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "version"), "HTTP/1.1");
    CHECK(unit_field(r, unit_layer(r, "http", 0), "status") == NULL);
    /* what does not look like a start line is not a message: data */
    CHECK_STR(unit_stack(dissect(80, 40000, "HTTP/1.1 2x0 OK\r\n\r\n")), "eth ipv4 tcp data");
    CHECK_STR(unit_stack(dissect(80, 40000, "HTTP/1.x 200 OK\r\n\r\n")), "eth ipv4 tcp data");
    CHECK_STR(unit_stack(dissect(80, 40000, "HTTP/1.1\r\n\r\n")), "eth ipv4 tcp data");
    /* a line over the cap: in the start line and in a header */
    static char s[9300];
    strcpy(s, "GET /");
    memset(s + 5, 'a', 9000);
    strcpy(s + 9005, " HTTP/1.1\r\n\r\n");
    r = dissect(51234, 80, s);
    expect_error(r, "http_line_too_long");
    CHECK_EQ(unit_layer(r, "http", 0)->len, strlen(s)); /* the layer keeps its bytes */
    strcpy(s, "HTTP/1.1 200 OK\r\nSet-Cookie: ");
    size_t k = strlen(s);
    memset(s + k, 'b', 8500);
    strcpy(s + k + 8500, "\r\n\r\n");
    expect_error(dissect(80, 51234, s), "http_line_too_long");
    /* no line end within the cap at all */
    memset(s, 'c', 9000);
    memcpy(s, "GET /", 5);
    s[9000] = '\0';
    expect_error(dissect(51234, 80, s), "http_line_too_long");
    /* odd header lines are skipped, not fatal */
    r = dissect(51234, 80, "GET / HTTP/1.1\r\n folded\r\nno colon\r\n: empty\r\n"
                                     "Host:\r\nContent-Length: 1x\r\n\r\n");
    const layer_t *h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_OK);
    CHECK_STR(unit_str(r, h, "host"), "");
    CHECK(unit_field(r, h, "content_length") == NULL);
}

/* ---- through the flow table: stream reassembly of a connection ---- */

static flow_table_t *ft;
static engine_hooks_t hooks;
static uint64_t frame_no;

static void flows_reset(void)
{
    char err[128];
    flow_table_free(ft);
    ft = flow_table_new(64, 0, err, sizeof err);
    CHECK(ft != NULL);
    hooks.layer = flow_layer_hook;
    hooks.ctx = ft;
    frame_no = 0;
}

/* A segment of the connection 10.0.0.1:51234 <-> 10.0.0.2:80 (to_server
 * or back), with its payload, cut to `caplen` bytes when not 0. */
static record_t *seg(bool to_server, uint32_t seq, uint8_t flags, const void *payload, unsigned n,
                     unsigned caplen)
{
    static unsigned char f[FRAME_MAX];
    unsigned len = HTTP_AT + n;
    CHECK(len <= sizeof f);
    memset(f, 0, HTTP_AT);
    f[12] = 0x08;
    unsigned char *ip = f + 14, *t = ip + 20;
    ip[0] = 0x45;
    ip[2] = (unsigned char)((40 + n) >> 8);
    ip[3] = (unsigned char)(40 + n);
    ip[8] = 64;
    ip[9] = 6;
    ip[12] = ip[16] = 10;
    ip[15] = to_server ? 1 : 2;
    ip[19] = to_server ? 2 : 1;
    unsigned sp = to_server ? 51234 : 80, dp = to_server ? 80 : 51234;
    t[0] = (unsigned char)(sp >> 8);
    t[1] = (unsigned char)sp;
    t[2] = (unsigned char)(dp >> 8);
    t[3] = (unsigned char)dp;
    for (int i = 0; i < 4; i++)
        t[4 + i] = (unsigned char)(seq >> (24 - 8 * i));
    t[12] = 5 << 4;
    t[13] = flags;
    t[14] = 0x40;
    memcpy(f + HTTP_AT, payload, n);
    flow_tick(ft, (int64_t)(1700000000 + frame_no) * 1000000000LL);
    unit_rec.frame = ++frame_no;
    engine_dissect(&unit_rec, f, caplen ? caplen : len, len, 1, &hooks);
    return &unit_rec;
}

static unsigned count(const record_t *r, const char *proto)
{
    unsigned n = 0;
    while (unit_layer(r, proto, (int)n))
        n++;
    return n;
}

#define ISN 1000u
#define PSH_ACK 0x18

/* The client's SYN: the stream starts at ISN + 1. */
static void handshake(void)
{
    flows_reset();
    seg(true, ISN, 0x02, "", 0, 0);
}

/* n pipelined requests (GET, or POST with a 5-byte body), one after the
 * other, into buf; returns the length. */
static unsigned pipeline(char *buf, size_t cap, unsigned n, bool post)
{
    size_t k = 0;
    for (unsigned i = 0; i < n && k + 96 < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k,
                              post ? "POST /p/%u HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nb=%03u"
                                   : "GET /item/%u HTTP/1.1\r\nHost: h\r\n\r\n",
                              i, i % 1000);
    return (unsigned)k;
}

static void test_pipelined(void)
{
    static char buf[8192];
    /* twelve requests in one segment: twelve messages */
    handshake();
    unsigned n = pipeline(buf, sizeof buf, 12, false);
    record_t *r = seg(true, ISN + 1, PSH_ACK, buf, n, 0);
    CHECK_EQ(count(r, "http"), 12);
    CHECK_EQ(count(r, "data"), 0);
    CHECK_STR(unit_str(r, unit_layer(r, "http", 11), "uri"), "/item/11");
    CHECK(!r->malformed && !r->truncated);
    CHECK_EQ(flow_table_stats(ft)->stream_over_frame, 0);
    /* twelve POSTs, each with its body */
    handshake();
    n = pipeline(buf, sizeof buf, 12, true);
    r = seg(true, ISN + 1, PSH_ACK, buf, n, 0);
    CHECK_EQ(count(r, "http"), 12);
    CHECK_EQ(count(r, "data"), 12);
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 11), "len"), 5);
    CHECK_STR(unit_str(r, unit_layer(r, "http", 11), "uri"), "/p/11");
    /* HTTP/0.9 requests: a line each */
    handshake();
    r = seg(true, ISN + 1, PSH_ACK, "GET /a\r\nGET /b\r\n", 16, 0);
    CHECK_EQ(count(r, "http"), 2);
    CHECK_STR(unit_str(r, unit_layer(r, "http", 1), "uri"), "/b");
    /* a hundred: the first REC_MAX_MESSAGES, then one data layer that
     * says why, and the rest counted */
    handshake();
    n = pipeline(buf, sizeof buf, 100, false);
    r = seg(true, ISN + 1, PSH_ACK, buf, n, 0);
    CHECK_EQ(count(r, "http"), REC_MAX_MESSAGES);
    CHECK_EQ(count(r, "data"), 1);
    const layer_t *d = unit_layer(r, "data", 0);
    CHECK(d && d == &r->layers[r->nlayers - 1]);
    CHECK(d && strstr(unit_str(r, d, "note"), "over the 64 a frame holds") != NULL);
    CHECK_EQ(d->off + d->len, HTTP_AT + n); /* every byte is accounted for */
    CHECK_EQ(flow_table_stats(ft)->stream_over_frame, 100 - REC_MAX_MESSAGES);
    /* the stream stays in step: the next request is dissected */
    r = seg(true, ISN + 1 + n, PSH_ACK, "GET /next HTTP/1.1\r\n\r\n", 22, 0);
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "uri"), "/next");
    /* a hundred reassembled from two segments: the same bound */
    handshake();
    n = pipeline(buf, sizeof buf, 100, true);
    unsigned half = n / 2 + 7;
    r = seg(true, ISN + 1, PSH_ACK, buf, half, 0);
    CHECK(count(r, "http") > 0);
    unsigned first = count(r, "http");
    r = seg(true, ISN + 1 + half, PSH_ACK, buf + half, n - half, 0);
    CHECK_EQ(count(r, "http") + first, first + REC_MAX_MESSAGES < 100 ? first + REC_MAX_MESSAGES
                                                                        : 100);
    CHECK(flow_table_stats(ft)->stream_over_frame == 100 - first - count(r, "http"));
}

/* A pipelined segment cut by the snaplen: the whole messages in the
 * captured bytes, then the cut one, truncated. */
static void test_pipelined_cut(void)
{
    static char buf[4096];
    handshake();
    unsigned n = pipeline(buf, sizeof buf, 12, false);
    unsigned one = (unsigned)(strstr(buf, "GET /item/1 ") - buf); /* one message's length */
    record_t *r = seg(true, ISN + 1, PSH_ACK, buf, n, HTTP_AT + 5 * one + 12);
    CHECK_EQ(count(r, "http"), 6);
    const layer_t *h = unit_layer(r, "http", 5);
    CHECK(h && h->status == LS_TRUNCATED);
    CHECK_STR(unit_str(r, h, "method"), "GET");
    CHECK(unit_layer(r, "http", 4)->status == LS_OK);
    CHECK(r->truncated);
    /* the stream waits for the next message start */
    r = seg(true, ISN + 1 + n, PSH_ACK, "GET /after HTTP/1.1\r\n\r\n", 23, 0);
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "uri"), "/after");
    /* cut inside a POST's body: the body is data, truncated */
    handshake();
    n = pipeline(buf, sizeof buf, 2, true);
    unsigned body = (unsigned)(strstr(buf, "b=000") - buf);
    r = seg(true, ISN + 1, PSH_ACK, buf, n, HTTP_AT + body + 2);
    CHECK_EQ(count(r, "http"), 1);
    CHECK(unit_layer(r, "data", 0) && unit_layer(r, "data", 0)->status == LS_TRUNCATED);
}

/* A connection whose start was not captured: no SYN, the first segment
 * seen is in the middle of a body; the first message start after it is
 * dissected, and a response seen first is one too. */
static void test_midstream(void)
{
    flows_reset();
    static const char body[] = "tail of a body that began before the capture\r\n";
    record_t *r = seg(false, 777000, PSH_ACK, body, sizeof body - 1, 0);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd";
    r = seg(false, 777000 + sizeof body - 1, PSH_ACK, rsp, sizeof rsp - 1, 0);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http data");
    CHECK_EQ(unit_uint(r, unit_layer(r, "http", 0), "status"), 200);
    /* a body that looks like a request is still the body */
    static const char rsp2[] = "HTTP/1.1 200 OK\r\nContent-Length: 24\r\n\r\n";
    unsigned at = 777000 + sizeof body - 1 + sizeof rsp - 1;
    r = seg(false, at, PSH_ACK, rsp2, sizeof rsp2 - 1, 0);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
    r = seg(false, at + sizeof rsp2 - 1, PSH_ACK, "GET /not HTTP/1.1\r\n\r\n\r\n\r\n", 24, 0);
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    /* the first segment seen from the client starts a request */
    r = seg(true, 5000, PSH_ACK, "GET /mid HTTP/1.1\r\nHost: m\r\n\r\n", 31, 0);
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "uri"), "/mid");
}

static void test_sweep(void)
{
    unsigned n = build(frame, 51234, 80, get_req);
    unit_sweep(frame, n, 1);
    n = build(frame, 80, 51234, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    unit_sweep(frame, n, 1);
    n = build(frame, 40000, 12345, "GET /x HTTP/1.1\nHost: y\n");
    unit_sweep(frame, n, 1);
}

int main(void)
{
    unit_init();
    RUN(test_request);
    RUN(test_response);
    RUN(test_post);
    RUN(test_no_blank_line);
    RUN(test_body_continuation);
    RUN(test_heuristic);
    RUN(test_hostile);
    RUN(test_cut);
    RUN(test_target_forms);
    RUN(test_spacing);
    RUN(test_not_a_message);
    RUN(test_pipelined);
    RUN(test_pipelined_cut);
    RUN(test_midstream);
    RUN(test_sweep);
    flow_table_free(ft);
    return unit_done();
}
