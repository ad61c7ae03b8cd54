/* http.c - HTTP/1.x messages (RFC 9112), one TCP segment at a time.
 *
 * The layer is the start line and the header block of a message that
 * begins in this segment: its span runs through the blank line when the
 * segment holds it.  The body bytes after the blank line are handed on as
 * `data` (reassembly and bodies come later), so the hex view colours the
 * header block and the body apart.
 *
 * A payload that starts with a known method and a space, or with
 * "HTTP/1.", is ours (that is also the heuristic); its start line must
 * then parse, or the layer is an error.  Reached through a port, a request
 * line with any other method token (WebDAV's PROPFIND, ...) is accepted
 * when the whole line parses; anything else is a body continuation and
 * declined, so it shows as data.
 */
#include "../src/dissector.h"

/* RFC 9112 section 2.3 leaves line lengths to the recipient: the cap on
 * one start or header line, beyond which the message is an error. */
#define HTTP_MAX_LINE 8192
/* Digits of Content-Length we accept (anything longer is not a length
 * a segment's message can mean, and would overflow). */
#define HTTP_MAX_CLEN_DIGITS 18
#define HTTP_VERSION_LEN 8 /* "HTTP/" DIGIT "." DIGIT (RFC 9112 section 2.3) */

#define M(s) {s, sizeof s - 1}
static const struct {
    const char *s;
    uint32_t n;
} http_starts[] = {
    /* RFC 9110 section 9.3 methods, RFC 5789 PATCH; then a status line */
    M("GET "),   M("POST "),    M("HEAD "),  M("PUT "),     M("DELETE "),
    M("OPTIONS "), M("PATCH "), M("TRACE "), M("CONNECT "), M("HTTP/1."),
};
#undef M

enum { LINE_OK, LINE_OPEN, LINE_LONG };

/* The fields, declared once; display-filter names are Wireshark's where
 * it has one (a request's version and a response's are apart, as there). */
enum {
    HTTP_KIND, HTTP_METHOD, HTTP_URI, HTTP_REQ_VERSION, HTTP_RESP_VERSION, HTTP_STATUS,
    HTTP_REASON, HTTP_HOST, HTTP_CONTENT_TYPE, HTTP_CONTENT_LENGTH, HTTP_HEADERS_COMPLETE,
};
static const field_def_t http_fields[] = {
    [HTTP_KIND] = FIELD("kind", FT_STR, "http.kind", "Message kind"),
    [HTTP_METHOD] = FIELD("method", FT_STR, "http.request.method", "Request method"),
    [HTTP_URI] = FIELD("uri", FT_STR, "http.request.uri", "Request URI"),
    [HTTP_REQ_VERSION] = FIELD("version", FT_STR, "http.request.version", "Request version"),
    [HTTP_RESP_VERSION] = FIELD("version", FT_STR, "http.response.version", "Response version"),
    [HTTP_STATUS] = FIELD("status", FT_UINT, "http.response.code", "Status code"),
    [HTTP_REASON] = FIELD("reason", FT_STR, "http.response.phrase", "Reason phrase"),
    [HTTP_HOST] = FIELD("host", FT_STR, "http.host", "Host"),
    [HTTP_CONTENT_TYPE] = FIELD("content_type", FT_STR, "http.content_type", "Content type"),
    [HTTP_CONTENT_LENGTH] = FIELD("content_length", FT_UINT, "http.content_length",
                                  "Content length"),
    [HTTP_HEADERS_COMPLETE] = FIELD("headers_complete", FT_BOOL, "http.headers_complete",
                                    "Header block complete"),
};

/* One line of the message: a view of its bytes without CR LF. */
typedef struct line {
    const uint8_t *p;
    uint32_t off, n;
} line_t;

static bool known_start(const cursor_t *c)
{
    for (unsigned i = 0; i < sizeof http_starts / sizeof http_starts[0]; i++)
        if (cur_starts_with(c, http_starts[i].s, http_starts[i].n))
            return true;
    return false;
}

static bool http_heuristic(const cursor_t *c)
{
    return known_start(c);
}

/* The next line, ending in LF or CR LF (RFC 9112 section 2.2 lets a
 * recipient accept a bare LF).  LINE_OPEN: no line end in the captured
 * bytes; LINE_LONG: the line is over the cap.  Moves only on LINE_OK. */
static int next_line(cursor_t *c, line_t *ln)
{
    uint32_t lf = cur_find(c, '\n');
    if (lf == UINT32_MAX)
        return cur_left(c) > HTTP_MAX_LINE ? LINE_LONG : LINE_OPEN;
    uint32_t n = lf - c->off;
    if (n > HTTP_MAX_LINE)
        return LINE_LONG;
    ln->off = c->off;
    ln->p = cur_view(c, n + 1);
    ln->n = n;
    if (n > 0 && ln->p[n - 1] == '\r')
        ln->n--;
    return LINE_OK;
}

/* tchar of RFC 9110 section 5.6.2 */
static bool is_tchar(uint8_t ch)
{
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
        return true;
    return ch && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static bool is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_ows(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

/* Index of `ch` in p[from, n), or n. */
static uint32_t find_in(const uint8_t *p, uint32_t from, uint32_t n, uint8_t ch)
{
    while (from < n && p[from] != ch)
        from++;
    return from;
}

static bool is_version(const uint8_t *p, uint32_t n)
{
    return n == HTTP_VERSION_LEN && memcmp(p, "HTTP/", 5) == 0 && is_digit(p[5]) &&
           p[6] == '.' && is_digit(p[7]);
}

static void add_str(dctx_t *x, unsigned id, const line_t *ln, uint32_t from, uint32_t to)
{
    fld_str(x, id, ln->off + from, to - from, (const char *)ln->p + from, to - from);
}

/* request-line = method SP request-target SP HTTP-version (section 3) */
static bool parse_request(dctx_t *x, const line_t *ln)
{
    const uint8_t *p = ln->p;
    uint32_t m = find_in(p, 0, ln->n, ' ');
    if (m == 0 || m == ln->n)
        return false;
    for (uint32_t i = 0; i < m; i++)
        if (!is_tchar(p[i]))
            return false;
    uint32_t t = find_in(p, m + 1, ln->n, ' ');
    if (t == m + 1 || t == ln->n || !is_version(p + t + 1, ln->n - t - 1))
        return false;
    fld_str(x, HTTP_KIND, ln->off, ln->n, "request", 7);
    add_str(x, HTTP_METHOD, ln, 0, m);
    add_str(x, HTTP_URI, ln, m + 1, t);
    add_str(x, HTTP_REQ_VERSION, ln, t + 1, ln->n);
    return true;
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ]
 * (section 4); a missing second SP with no reason is tolerated. */
static bool parse_status(dctx_t *x, const line_t *ln)
{
    const uint8_t *p = ln->p;
    uint32_t v = HTTP_VERSION_LEN;
    if (ln->n < v + 4 || !is_version(p, v) || p[v] != ' ')
        return false;
    if (!is_digit(p[v + 1]) || !is_digit(p[v + 2]) || !is_digit(p[v + 3]))
        return false;
    if (ln->n > v + 4 && p[v + 4] != ' ')
        return false;
    unsigned status = (unsigned)(p[v + 1] - '0') * 100 + (unsigned)(p[v + 2] - '0') * 10 +
                      (unsigned)(p[v + 3] - '0');
    uint32_t r = ln->n > v + 4 ? v + 5 : ln->n;
    fld_str(x, HTTP_KIND, ln->off, ln->n, "response", 8);
    add_str(x, HTTP_RESP_VERSION, ln, 0, v);
    fld_uint(x, HTTP_STATUS, ln->off + v + 1, 3, status);
    add_str(x, HTTP_REASON, ln, r, ln->n);
    return true;
}

/* A field name against a lower-case literal; names are case-insensitive
 * (RFC 9110 section 5.1). */
static inline bool name_is(const uint8_t *p, uint32_t n, const char *lit)
{
    if (n != __builtin_strlen(lit)) /* most names differ in length */
        return false;
    uint32_t i = 0;
    for (; i < n && lit[i]; i++) {
        uint8_t ch = p[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (uint8_t)(ch - 'A' + 'a');
        if (ch != (uint8_t)lit[i])
            return false;
    }
    return i == n && lit[i] == '\0';
}

enum { SEEN_HOST = 1, SEEN_CLEN = 2, SEEN_CTYPE = 4 };

/* field-line = field-name ":" OWS field-value OWS (section 5).  Only the
 * fields of the contract are recorded, the first of each. */
static void parse_header(dctx_t *x, const line_t *ln, unsigned *seen)
{
    const uint8_t *p = ln->p;
    /* an obs-fold continuation (section 5.2) belongs to the line before */
    if (is_ows(p[0]))
        return;
    uint32_t colon = find_in(p, 0, ln->n, ':');
    if (colon == ln->n)
        return; /* not a field line: not ours to judge here */
    uint32_t v0 = colon + 1, v1 = ln->n;
    while (v0 < v1 && is_ows(p[v0]))
        v0++;
    while (v1 > v0 && is_ows(p[v1 - 1]))
        v1--;
    if (!(*seen & SEEN_HOST) && name_is(p, colon, "host")) {
        *seen |= SEEN_HOST;
        add_str(x, HTTP_HOST, ln, v0, v1);
    } else if (!(*seen & SEEN_CTYPE) && name_is(p, colon, "content-type")) {
        *seen |= SEEN_CTYPE;
        add_str(x, HTTP_CONTENT_TYPE, ln, v0, v1);
    } else if (!(*seen & SEEN_CLEN) && name_is(p, colon, "content-length")) {
        /* 1*DIGIT (RFC 9110 section 8.6); anything else is not recorded */
        if (v1 == v0 || v1 - v0 > HTTP_MAX_CLEN_DIGITS)
            return;
        uint64_t v = 0;
        for (uint32_t i = v0; i < v1; i++) {
            if (!is_digit(p[i]))
                return;
            v = v * 10 + (uint64_t)(p[i] - '0');
        }
        *seen |= SEEN_CLEN;
        fld_uint(x, HTTP_CONTENT_LENGTH, ln->off + v0, v1 - v0, v);
    }
}

static int http_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    bool committed = known_start(c);
    line_t ln;
    int lr = next_line(c, &ln);
    if (!committed && lr != LINE_OK)
        return LS_DECLINE;
    if (lr == LINE_LONG) {
        cur_skip(c, cur_left(c)); /* the overlong line is still ours */
        dx_span(x, c, start);
        return dx_error(x, ERR_http_line_too_long);
    }
    if (lr == LINE_OPEN) {
        /* the start line runs past the bytes we have (a snaplen cut, or
         * a segment whose message was not reassembled) */
        return dx_truncated(x, c, start);
    }
    bool ok = ln.n >= 5 && memcmp(ln.p, "HTTP/", 5) == 0 ? parse_status(x, &ln)
                                                          : parse_request(x, &ln);
    if (!ok) {
        if (!committed)
            return LS_DECLINE; /* a body line that happens to end in LF */
        dx_span(x, c, start);
        return dx_error(x, ERR_http_bad_start_line);
    }

    unsigned seen = 0;
    bool complete = false;
    while (cur_rleft(c) > 0) {
        lr = next_line(c, &ln);
        if (lr == LINE_LONG) {
            cur_skip(c, cur_left(c)); /* the overlong line is still ours */
            dx_span(x, c, start);
            return dx_error(x, ERR_http_line_too_long);
        }
        if (lr == LINE_OPEN) {
            /* a line cut by the snaplen is truncation; one cut by the
             * segment's end continues in the next segment: it is header
             * bytes, but its value is not whole, so it is not parsed */
            bool cut = cur_left(c) < cur_rleft(c);
            cur_skip(c, cur_left(c));
            dx_span(x, c, start);
            if (cut)
                return LS_TRUNCATED;
            break;
        }
        if (ln.n == 0) {
            complete = true;
            break;
        }
        parse_header(x, &ln, &seen);
    }
    fld_bool(x, HTTP_HEADERS_COMPLETE, c->off, 0, complete);
    dx_span(x, c, start);
    if (complete)
        dx_next(x, c, TBL_NONE, 0, 0); /* the body, if any, as data */
    return LS_OK;
}

/* For stream reassembly (stream.c): the length of the header block that
 * starts here, 0 while its end is not in the bytes yet, -1 when these
 * bytes do not start a message; *skip_after is the body that follows
 * (RFC 9112 section 6.3): Content-Length, none for 1xx/204/304 and for a
 * request without one, unknown (UINT32_MAX) when chunked or when a
 * response's body runs to the close.  A HEAD response's Content-Length
 * would be taken as a body: without pairing requests and responses
 * there is no telling. */
static int32_t http_pdu_len(const cursor_t *c0, uint32_t *skip_after)
{
    cursor_t c = *c0;
    *skip_after = 0;
    if (!known_start(&c))
        return -1;
    bool response = cur_starts_with(&c, "HTTP/1.", 7);
    uint64_t clen = 0;
    bool has_clen = false, chunked = false;
    unsigned status = 0;
    line_t ln;
    for (bool first = true;; first = false) {
        int lr = next_line(&c, &ln);
        if (lr == LINE_OPEN)
            return 0;
        if (lr == LINE_LONG)
            return (int32_t)cur_left(c0); /* the dissector reports it */
        if (first) {
            if (response && ln.n >= 12 && is_digit(ln.p[9]) && is_digit(ln.p[10]) && is_digit(ln.p[11]))
                status = (unsigned)((ln.p[9] - '0') * 100 + (ln.p[10] - '0') * 10 + (ln.p[11] - '0'));
            continue;
        }
        if (ln.n == 0)
            break;
        uint32_t colon = find_in(ln.p, 0, ln.n, ':');
        uint32_t v0 = colon + 1;
        while (v0 < ln.n && is_ows(ln.p[v0]))
            v0++;
        if (colon < ln.n && name_is(ln.p, colon, "content-length")) {
            has_clen = true;
            clen = 0;
            for (uint32_t i = v0; i < ln.n && is_digit(ln.p[i]) && clen < UINT32_MAX; i++)
                clen = clen * 10 + (uint64_t)(ln.p[i] - '0');
        } else if (colon < ln.n && name_is(ln.p, colon, "transfer-encoding")) {
            /* chunked is the final coding when present (RFC 9112 6.1) */
            for (uint32_t i = v0; i + 7 <= ln.n; i++)
                if (name_is(ln.p + i, 7, "chunked"))
                    chunked = true;
        }
    }
    if (response && (status / 100 == 1 || status == 204 || status == 304))
        *skip_after = 0;
    else if (chunked)
        *skip_after = UINT32_MAX;
    else if (has_clen)
        *skip_after = clen < UINT32_MAX ? (uint32_t)clen : UINT32_MAX;
    else
        *skip_after = response ? UINT32_MAX : 0;
    return (int32_t)(c.off - c0->off);
}

/* " value" of a string field, when present and not empty. */
static void put_str(const record_t *r, const layer_t *l, unsigned id, outbuf_t *ob)
{
    const field_t *f = layer_field(r, l, id);
    if (f && f->type == FT_STR && f->s_len) {
        ob_putc(ob, ' ');
        ob_safe_str(ob, field_str(r, f), f->s_len);
    }
}

static void http_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t status = 0;
    ob_puts(ob, "HTTP");
    if (layer_uint(r, l, HTTP_STATUS, &status)) {
        ob_putc(ob, ' ');
        ob_u64(ob, status);
        put_str(r, l, HTTP_REASON, ob);
    } else {
        put_str(r, l, HTTP_METHOD, ob);
        put_str(r, l, HTTP_URI, ob);
    }
}

static const binding_t http_bindings[] = {
    {TBL_TCP_PORT, 80},
    {TBL_TCP_PORT, 8000},
    {TBL_TCP_PORT, 8080},
    {TBL_TCP_PORT, 3128}, /* Squid's proxy port */
};

const dissector_t dissector_http = {
    .name = "http",
    .title = "HTTP",
    .osi = 7,
    .id = PROTO_http,
    .fields = http_fields,
    .nfields = NFIELDS(http_fields),
    .dissect = http_dissect,
    .summary = http_summary,
    .bindings = http_bindings,
    .nbindings = sizeof http_bindings / sizeof http_bindings[0],
    .heuristic = http_heuristic,
    .pdu_len = http_pdu_len,
    .pdu_resync = true,
    .heur_table = TBL_TCP_PORT,
};
