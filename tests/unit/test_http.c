/* test_http.c - HTTP/1.x start lines and headers in one segment: ports,
 * the heuristic, declined body segments, hostile start lines. */
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

static const char *summary(const record_t *r, const layer_t *l)
{
    static char buf[512];
    outbuf_t ob;
    ob_init(&ob, buf, sizeof buf - 1, -1);
    if (l && l->proto->summary)
        l->proto->summary(r, l, &ob);
    buf[ob.len] = '\0';
    return buf;
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
    CHECK_STR(summary(r, h), "HTTP GET /index.html");
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
    CHECK_STR(summary(r, h), "HTTP 404 Not Found");
    /* bare LF line ends, HTTP/1.0, no reason phrase */
    r = dissect(3128, 51234, "HTTP/1.0 200\nContent-Type: text/html\n\n<html>");
    h = unit_layer(r, "http", 0);
    CHECK(h && h->status == LS_OK);
    CHECK_EQ(unit_uint(r, h, "status"), 200);
    CHECK_STR(unit_str(r, h, "reason"), "");
    CHECK_STR(unit_str(r, h, "content_type"), "text/html");
    CHECK_EQ(unit_uint(r, unit_layer(r, "data", 0), "len"), 6);
    CHECK_STR(summary(r, h), "HTTP 200");
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
    CHECK_STR(summary(r, h), "HTTP POST /api/v1/items?x=1");
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
    /* a request with a method we do not list is still a request on a port */
    r = dissect(51234, 80, "PROPFIND /dav/ HTTP/1.1\r\nHost: d\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp http");
    CHECK_STR(unit_str(r, unit_layer(r, "http", 0), "method"), "PROPFIND");
    /* ... but not on another port (the heuristic knows only the list) */
    r = dissect(51234, 12345, "PROPFIND /dav/ HTTP/1.1\r\nHost: d\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
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
    CHECK_STR(summary(r, unit_layer(r, "http", 0)), "HTTP 204 No Content");
    /* not HTTP: data */
    r = dissect(40000, 12345, "SSH-2.0-OpenSSH_9.6\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    r = dissect(40000, 12345, "GETX / HTTP/1.1\r\n\r\n");
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
    r = dissect(40000, 12345, "get / HTTP/1.1\r\n\r\n"); /* methods are case-sensitive */
    CHECK_STR(unit_stack(r), "eth ipv4 tcp data");
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
    /* the heuristic matched, the start line does not parse */
    expect_error(dissect(40000, 12345, "GET /x\r\n\r\n"), "http_bad_start_line");
    expect_error(dissect(40000, 12345, "GET  HTTP/1.1\r\n\r\n"), "http_bad_start_line");
    expect_error(dissect(40000, 12345, "GET /x HTTP/1.1 extra\r\n\r\n"), "http_bad_start_line");
    expect_error(dissect(80, 40000, "HTTP/1.1 2x0 OK\r\n\r\n"), "http_bad_start_line");
    expect_error(dissect(80, 40000, "HTTP/1.1 200OK\r\n\r\n"), "http_bad_start_line");
    expect_error(dissect(80, 40000, "HTTP/1.x 200 OK\r\n\r\n"), "http_bad_start_line");
    /* a line over the cap: in the start line and in a header */
    static char s[9300];
    strcpy(s, "GET /");
    memset(s + 5, 'a', 9000);
    strcpy(s + 9005, " HTTP/1.1\r\n\r\n");
    record_t *r = dissect(51234, 80, s);
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
    RUN(test_sweep);
    return unit_done();
}
