/* http.c - HTTP/1.x messages (RFC 9112), one TCP segment at a time.
 *
 * The layer is the start line and the header block of a message that
 * begins in this segment: its span runs through the blank line when the
 * segment holds it.  The body bytes after the blank line are handed on as
 * `data` (reassembly and bodies come later), so the hex view colours the
 * header block and the body apart.
 *
 * What is a message: a start line must look like one (RFC 9112 sections
 * 3 and 4): a method Wireshark knows followed by white space, or
 * "HTTP/" DIGIT "." DIGIT, white space and three digits.  The same test
 * decides where reassembly may start again after a gap (stream.c,
 * pdu_resync), so a body or another protocol's bytes on port 80 are not
 * taken for a message.  Reached through a port, a request line with a
 * method we do not know (an extension method) is accepted only when the
 * whole line is one by the strict grammar: an upper-case token, an
 * origin-form or absolute-form target and an HTTP-version, each after a
 * single space.
 *
 * Once the start is recognised, the line is read leniently, as RFC 9112
 * section 3 allows (and tshark, which splits it on runs of spaces): words
 * are separated by runs of spaces and tabs, every request-target form of
 * section 3.2 is taken (origin,
 * absolute, authority for CONNECT, asterisk for OPTIONS), a request line
 * without a version is HTTP/0.9's, and a target holding spaces (a client
 * that did not encode them) runs from the method to the version.
 *
 * What the captured bytes hold is dissected: the start line's complete
 * words and every complete header line.  A message that runs past the
 * captured bytes (the snapshot length) ends `truncated`; one that runs
 * past the segment (it continues in the next) is reported as far as it
 * goes, with headers_complete false.
 */
#include "dissector.h"

/* RFC 9112 section 2.3 leaves line lengths to the recipient: the cap on
 * one start or header line, beyond which the message is an error. */
#define HTTP_MAX_LINE 8192
/* Digits of Content-Length we accept (anything longer is not a length
 * a segment's message can mean, and would overflow). */
#define HTTP_MAX_CLEN_DIGITS 18
#define HTTP_VERSION_LEN 8 /* "HTTP/" DIGIT "." DIGIT (RFC 9112 section 2.3) */
#define HTTP_MAX_METHOD 16 /* the longest known method (BASELINE-CONTROL) */

#define M(s) {s, sizeof s - 1}
/* The request methods Wireshark's HTTP dissector knows (its
 * is_http_request_or_reply, case-sensitive as RFC 9110 section 9.1 has
 * it): RFC 9110 section 9.3, PATCH (RFC 5789), WebDAV (RFC 4918, RFC
 * 3253 versioning), UPnP GENA, DASL SEARCH, MS-RPCH and MS-SSTP. */
static const struct {
    const char *s;
    uint32_t n;
} http_methods[] = { /* by length: a lookup stops past its length */
    M("GET"),         M("PUT"),         M("POST"),        M("HEAD"),        M("COPY"),
    M("LOCK"),        M("MOVE"),        M("POLL"),        M("BCOPY"),       M("BMOVE"),
    M("MKCOL"),       M("TRACE"),       M("PATCH"),       M("LABEL"),       M("MERGE"),
    M("DELETE"),      M("SEARCH"),      M("UNLOCK"),      M("REPORT"),      M("UPDATE"),
    M("NOTIFY"),      M("BDELETE"),     M("CONNECT"),     M("OPTIONS"),     M("CHECKIN"),
    M("PROPFIND"),    M("CHECKOUT"),    M("CCM_POST"),    M("SUBSCRIBE"),   M("PROPPATCH"),
    M("BPROPFIND"),   M("BPROPPATCH"),  M("UNCHECKOUT"),  M("MKACTIVITY"),  M("MKWORKSPACE"),
    M("RPC_CONNECT"), M("RPC_IN_DATA"), M("UNSUBSCRIBE"), M("RPC_OUT_DATA"),
    M("VERSION-CONTROL"), M("BASELINE-CONTROL"), M("SSTP_DUPLEX_POST"),
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

/* One line of the message: a view of its bytes without CR LF.  `open`:
 * no line end in the bytes, the view is what there is of the line. */
typedef struct line {
    const uint8_t *p;
    uint32_t off, n;
    bool open;
} line_t;

/* What the first bytes of a payload look like (decided on at most
 * HTTP_MAX_METHOD + 1 of them, or "HTTP/1.1 200"). */
enum look { LOOK_NO, LOOK_REQUEST, LOOK_RESPONSE, LOOK_MAYBE /* the bytes end too soon */ };

/* A parsed start line: spans relative to the line (end > start when
 * present). */
typedef struct start_line {
    uint8_t kind;              /* LOOK_REQUEST or LOOK_RESPONSE */
    bool bad;                  /* does not parse: ERR_http_bad_start_line */
    uint32_t m0, m1;           /* method, or a response's version */
    uint32_t t0, t1;           /* request-target */
    uint32_t v0, v1;           /* a request's version */
    uint32_t r0, r1;           /* reason phrase */
    bool has_reason;
    int status;                /* -1 when not read */
} start_line_t;

static bool is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_ows(uint8_t ch)
{
    return ch == ' ' || ch == '\t';
}

static bool is_version(const uint8_t *p, uint32_t n)
{
    return n == HTTP_VERSION_LEN && memcmp(p, "HTTP/", 5) == 0 && is_digit(p[5]) &&
           p[6] == '.' && is_digit(p[7]);
}

static bool known_method(const uint8_t *p, uint32_t n)
{
    for (unsigned i = 0; i < sizeof http_methods / sizeof http_methods[0]; i++) {
        if (http_methods[i].n > n)
            break;
        if (http_methods[i].n == n && memcmp(http_methods[i].s, p, n) == 0)
            return true;
    }
    return false;
}

/* Could p[0, n) be the beginning of a known method? */
static bool method_prefix(const uint8_t *p, uint32_t n)
{
    for (unsigned i = 0; i < sizeof http_methods / sizeof http_methods[0]; i++)
        if (http_methods[i].n > n && memcmp(http_methods[i].s, p, n) == 0)
            return true;
    return false;
}

/* A character of the methods we know (upper-case letters, "_", "-"). */
static bool is_method_char(uint8_t ch)
{
    return (ch >= 'A' && ch <= 'Z') || ch == '_' || ch == '-';
}

/* "HTTP/" DIGIT "." DIGIT 1*( SP / HTAB ) 3DIGIT, or as much of it as
 * the n bytes hold (LOOK_MAYBE). */
static int look_response(const uint8_t *p, uint32_t n)
{
    static const char pat[] = "HTTP/d.d";
    uint32_t i = 0;
    for (; i < HTTP_VERSION_LEN; i++) {
        if (i == n)
            return LOOK_MAYBE;
        if (pat[i] == 'd' ? !is_digit(p[i]) : p[i] != (uint8_t)pat[i])
            return LOOK_NO;
    }
    if (i == n)
        return LOOK_MAYBE;
    if (!is_ows(p[i]))
        return LOOK_NO;
    while (i < n && is_ows(p[i]))
        i++;
    for (uint32_t k = 0; k < 3; k++, i++) {
        if (i == n)
            return LOOK_MAYBE;
        if (!is_digit(p[i]))
            return LOOK_NO;
    }
    return LOOK_RESPONSE;
}

static int look_at(const cursor_t *c)
{
    uint32_t n = cur_left(c);
    if (n == 0)
        return LOOK_MAYBE;
    const uint8_t *p = c->base + c->off; /* n captured bytes, indexed below n */
    if (p[0] < 'A' || p[0] > 'Z')
        return LOOK_NO; /* most bodies end here */
    if (p[0] == 'H') {
        int r = look_response(p, n);
        if (r != LOOK_NO)
            return r;
    }
    uint32_t t = 1;
    while (t < n && t <= HTTP_MAX_METHOD && is_method_char(p[t]))
        t++;
    if (t == n)
        return t <= HTTP_MAX_METHOD && method_prefix(p, t) ? LOOK_MAYBE : LOOK_NO;
    return is_ows(p[t]) && known_method(p, t) ? LOOK_REQUEST : LOOK_NO;
}

/* The next line, ending in LF or CR LF (RFC 9112 section 2.2 lets a
 * recipient accept a bare LF).  LINE_OPEN: no line end in the captured
 * bytes (ln is what there is); LINE_LONG: the line is over the cap.
 * Moves only on LINE_OK. */
static int next_line(cursor_t *c, line_t *ln)
{
    uint32_t lf = cur_find(c, '\n');
    if (lf == UINT32_MAX) {
        uint32_t left = cur_left(c);
        if (left > HTTP_MAX_LINE)
            return LINE_LONG;
        ln->off = c->off;
        ln->p = c->base + c->off; /* the captured rest, indexed below n */
        ln->n = left;
        ln->open = true;
        return LINE_OPEN;
    }
    uint32_t n = lf - c->off;
    if (n > HTTP_MAX_LINE)
        return LINE_LONG;
    ln->off = c->off;
    ln->p = cur_view(c, n + 1);
    ln->n = n;
    ln->open = false;
    if (n > 0 && ln->p[n - 1] == '\r')
        ln->n--;
    return LINE_OK;
}

/* End of the word at i (the next space, tab or the line's end). */
static uint32_t word_end(const line_t *ln, uint32_t i)
{
    while (i < ln->n && !is_ows(ln->p[i]))
        i++;
    return i;
}

static uint32_t skip_ows(const line_t *ln, uint32_t i)
{
    while (i < ln->n && is_ows(ln->p[i]))
        i++;
    return i;
}

/* absolute-form's scheme (RFC 3986 section 3.1) and "://": an http(s)
 * URI has an authority (RFC 9110 section 4.2), and "host:port" alone is
 * authority-form, CONNECT's */
static bool has_scheme(const uint8_t *p, uint32_t n)
{
    if (n == 0 || !((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z'))
        return false;
    for (uint32_t i = 1; i < n; i++) {
        uint8_t ch = p[i];
        if (ch == ':')
            return n - i > 3 && p[i + 1] == '/' && p[i + 2] == '/';
        if (!(((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || is_digit(ch) || ch == '+' ||
              ch == '-' || ch == '.'))
            return false;
    }
    return false;
}

/* request-line = method SP request-target SP HTTP-version, by the letter
 * (RFC 9112 section 3), for a method we do not know: an upper-case token
 * (every registered method is), a target in origin-form or absolute-form
 * of visible characters (section 3.2), single spaces. */
static bool strict_request(const line_t *ln, start_line_t *s)
{
    const uint8_t *p = ln->p;
    uint32_t m = 0;
    while (m < ln->n && ((p[m] >= 'A' && p[m] <= 'Z') || p[m] == '-' || p[m] == '_'))
        m++;
    if (ln->open || m == 0 || m >= ln->n || p[m] != ' ' || ln->n < m + 2 + HTTP_VERSION_LEN)
        return false;
    uint32_t v = ln->n - HTTP_VERSION_LEN;
    if (p[v - 1] != ' ' || !is_version(p + v, HTTP_VERSION_LEN) || v - 1 <= m + 1)
        return false;
    for (uint32_t i = m + 1; i < v - 1; i++)
        if (p[i] <= ' ' || p[i] >= 0x7f)
            return false;
    if (p[m + 1] != '/' && !has_scheme(p + m + 1, v - 1 - (m + 1)))
        return false;
    *s = (start_line_t){.kind = LOOK_REQUEST, .m0 = 0, .m1 = m, .t0 = m + 1, .t1 = v - 1,
                        .v0 = v, .v1 = ln->n, .status = -1};
    return true;
}

/* A request line whose method is known, read on white space boundaries
 * (RFC 9112 section 3: a recipient MAY).  An open line gives the words
 * that end before the captured bytes do. */
static void lenient_request(const line_t *ln, start_line_t *s)
{
    s->m1 = word_end(ln, 0);
    uint32_t i = skip_ows(ln, s->m1);
    if (ln->open) {
        uint32_t e = word_end(ln, i);
        if (e < ln->n && e > i) {
            s->t0 = i;
            s->t1 = e;
        }
        return;
    }
    uint32_t e = ln->n;
    while (e > i && is_ows(ln->p[e - 1]))
        e--;
    if (e == i) {
        s->bad = true; /* no request-target */
        return;
    }
    uint32_t w = e;
    while (w > i && !is_ows(ln->p[w - 1]))
        w--;
    if (w == i) {
        /* method SP target: HTTP/0.9's simple request (RFC 1945 4.1);
         * method SP version has lost its target */
        if (is_version(ln->p + i, e - i)) {
            s->bad = true;
            return;
        }
        s->t0 = i;
        s->t1 = e;
        return;
    }
    if (!is_version(ln->p + w, e - w)) {
        s->bad = true;
        return;
    }
    s->v0 = w;
    s->v1 = e;
    while (w > i && is_ows(ln->p[w - 1]))
        w--;
    s->t0 = i;
    s->t1 = w;
}

/* status-line = HTTP-version SP status-code SP [ reason-phrase ]
 * (section 4), spaces and tabs taken as runs; a line without the SP
 * after the code is tolerated. */
static void lenient_status(const line_t *ln, start_line_t *s)
{
    s->m1 = ln->n < HTTP_VERSION_LEN ? ln->n : HTTP_VERSION_LEN;
    uint32_t i = skip_ows(ln, s->m1);
    if (i + 3 > ln->n)
        return; /* open: the code is not in the bytes */
    const uint8_t *p = ln->p + i;
    s->status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    i += 3;
    if (i < ln->n && !is_ows(ln->p[i])) {
        s->status = -1;
        s->bad = true;
        return;
    }
    if (ln->open)
        return;
    s->has_reason = true;
    s->r0 = skip_ows(ln, i);
    s->r1 = ln->n;
}

/* The start line of a payload that looked like `look` (LOOK_NO: only an
 * extension method's strict request line).  False: not a message. */
static bool parse_start(const line_t *ln, int look, start_line_t *s)
{
    *s = (start_line_t){.kind = (uint8_t)look, .status = -1};
    if (look == LOOK_REQUEST)
        lenient_request(ln, s);
    else if (look == LOOK_RESPONSE)
        lenient_status(ln, s);
    else
        return strict_request(ln, s);
    return true;
}

static bool http_heuristic(const cursor_t *c)
{
    /* on any TCP port: a start line that is whole must have a version
     * (tshark's heuristic wants "HTTP/1.1" at either end of it) */
    int look = look_at(c);
    if (look != LOOK_REQUEST && look != LOOK_RESPONSE)
        return false;
    cursor_t w = *c;
    line_t ln;
    start_line_t s;
    int lr = next_line(&w, &ln);
    if (lr == LINE_OPEN)
        return true;
    return lr == LINE_OK && parse_start(&ln, look, &s) && !s.bad &&
           (look == LOOK_RESPONSE || s.v1 > s.v0);
}

static void add_str(dctx_t *x, unsigned id, const line_t *ln, uint32_t from, uint32_t to)
{
    fld_str(x, id, ln->off + from, to - from, (const char *)ln->p + from, to - from);
}

static void add_start(dctx_t *x, const line_t *ln, const start_line_t *s)
{
    if (s->kind == LOOK_REQUEST) {
        fld_str(x, HTTP_KIND, ln->off, ln->n, "request", 7);
        add_str(x, HTTP_METHOD, ln, s->m0, s->m1);
        if (s->t1 > s->t0)
            add_str(x, HTTP_URI, ln, s->t0, s->t1);
        if (s->v1 > s->v0)
            add_str(x, HTTP_REQ_VERSION, ln, s->v0, s->v1);
        return;
    }
    fld_str(x, HTTP_KIND, ln->off, ln->n, "response", 8);
    if (s->m1 == HTTP_VERSION_LEN)
        add_str(x, HTTP_RESP_VERSION, ln, 0, HTTP_VERSION_LEN);
    if (s->status >= 0) {
        uint32_t at = skip_ows(ln, HTTP_VERSION_LEN);
        fld_uint(x, HTTP_STATUS, ln->off + at, 3, (uint64_t)s->status);
    }
    if (s->has_reason)
        add_str(x, HTTP_REASON, ln, s->r0, s->r1);
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

/* Index of `ch` in p[from, n), or n. */
static uint32_t find_in(const uint8_t *p, uint32_t from, uint32_t n, uint8_t ch)
{
    while (from < n && p[from] != ch)
        from++;
    return from;
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

/* The bytes ran out inside a line: cut by the snapshot length (the layer
 * is truncated), or by the end of the segment (the message goes on in
 * the next one: what was read stands). */
static int line_open(dctx_t *x, cursor_t *c, uint32_t start)
{
    bool cut = cur_left(c) < cur_rleft(c);
    cur_skip(c, cur_left(c));
    dx_span(x, c, start);
    if (cut)
        return LS_TRUNCATED;
    fld_bool(x, HTTP_HEADERS_COMPLETE, c->off, 0, false);
    return LS_OK;
}

static int line_long(dctx_t *x, cursor_t *c, uint32_t start)
{
    cur_skip(c, cur_left(c)); /* the overlong line is still ours */
    dx_span(x, c, start);
    return dx_error(x, ERR_http_line_too_long);
}

static int http_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    int look = look_at(c);
    if (look == LOOK_MAYBE)
        return LS_DECLINE; /* too few bytes to tell: data */
    line_t ln;
    int lr = next_line(c, &ln);
    start_line_t s;
    if (lr == LINE_LONG)
        return look == LOOK_NO ? LS_DECLINE : line_long(x, c, start);
    if (!parse_start(&ln, look, &s))
        return LS_DECLINE; /* a body, or another protocol on the port */
    add_start(x, &ln, &s);
    if (s.bad) {
        dx_span(x, c, start);
        return dx_error(x, ERR_http_bad_start_line);
    }
    if (lr == LINE_OPEN)
        return line_open(x, c, start);

    unsigned seen = 0;
    /* an HTTP/0.9 request is its line alone (RFC 1945 section 4.1) */
    bool complete = s.kind == LOOK_REQUEST && s.v1 == s.v0;
    while (!complete && cur_rleft(c) > 0) {
        lr = next_line(c, &ln);
        if (lr == LINE_LONG)
            return line_long(x, c, start);
        if (lr == LINE_OPEN) {
            /* a line cut by the snaplen is truncation; one cut by the
             * segment's end continues in the next segment: it is header
             * bytes, but its value is not whole, so it is not parsed */
            return line_open(x, c, start);
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
    int look = look_at(&c);
    if (look == LOOK_MAYBE)
        return cur_rleft(&c) > cur_left(&c) ? -1 : 0;
    uint64_t clen = 0;
    bool has_clen = false, chunked = false;
    line_t ln;
    start_line_t s;
    int lr = next_line(&c, &ln);
    if (lr == LINE_LONG)
        return look == LOOK_NO ? -1 : (int32_t)cur_left(c0); /* the dissector reports it */
    if (lr == LINE_OPEN)
        return look == LOOK_NO ? -1 : 0;
    if (!parse_start(&ln, look, &s))
        return -1;
    if (s.kind == LOOK_REQUEST && !s.bad && s.v1 == s.v0)
        return (int32_t)(c.off - c0->off); /* HTTP/0.9: the line, no headers, no body */
    for (;;) {
        lr = next_line(&c, &ln);
        if (lr == LINE_OPEN)
            return 0;
        if (lr == LINE_LONG)
            return (int32_t)cur_left(c0); /* the dissector reports it */
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
    bool response = s.kind == LOOK_RESPONSE;
    int status = s.status;
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
