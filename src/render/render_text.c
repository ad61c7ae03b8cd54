/* render_text.c - the one-line view (tcpdump's spirit) and the layered
 * -v view that names the OSI layer of every header. */
#include <string.h>

#include "dissector.h"
#include "render.h"
#include "tcp_state.h"

void render_ctx_init(render_ctx_t *rc)
{
    memset(rc, 0, sizeof *rc);
    rc->tz_from = rc->tz_until = 0; /* empty: the first time looks the zone up */
    rc->ts_style = TS_LOCAL;
    rc->ts_digits = 6;
}

/* v (< 10^n) as exactly n decimal digits ending at end */
static void put_digits(char *end, uint32_t v, unsigned n)
{
    while (n--) {
        *--end = (char)('0' + v % 10);
        v /= 10;
    }
}

static void put_frac(outbuf_t *ob, const render_ctx_t *rc, uint32_t nsec)
{
    char t[10];
    t[0] = '.';
    if (rc->ts_digits == 9) {
        put_digits(t + 10, nsec % 1000000000u, 9);
        ob_write(ob, t, 10);
    } else {
        put_digits(t + 7, nsec / 1000 % 1000000u, 6);
        ob_write(ob, t, 7);
    }
}

/* Zones change their UTC offset only on a quarter hour (DST, and the
 * odd half-hour zone), so one localtime_r per quarter hour of packet
 * time is exact: within it, local time is packet time plus the offset. */
#define TZ_SPAN 900
#define TS_SANE (1LL << 40) /* seconds: some 35,000 years either side of 1970 */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return q - ((a % b) != 0 && ((a < 0) != (b < 0)));
}

static void tz_refresh(render_ctx_t *rc, int64_t sec)
{
    int64_t from = floor_div(sec, TZ_SPAN) * TZ_SPAN;
    time_t t = (time_t)from;
    struct tm tm;
    rc->tz_offset = localtime_r(&t, &tm) ? tm.tm_gmtoff : 0;
    rc->tz_from = from;
    rc->tz_until = from + TZ_SPAN;
}

/* Civil date from days since 1970-01-01 (the proleptic Gregorian
 * calendar, by 400-year eras of 146097 days). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    uint64_t doe = (uint64_t)(z - era * 146097);                       /* [0, 146096] */
    uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* [0, 365] */
    uint64_t mp = (5 * doy + 2) / 153;                                   /* [0, 11] */
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* -ttt, -ttttt: the time since the previous or the first packet, as
 * tcpdump 4.99 prints it: a sign ('-' when earlier, else a space), then
 * hours, minutes and seconds of the day that many seconds after the
 * epoch (a gap of a day or more wraps), then the fraction.  The gap is
 * taken between the times as shown (microseconds, unless nanoseconds are
 * shown), as tcpdump reads them. */
static void put_delta(outbuf_t *ob, const render_ctx_t *rc, int64_t sec, uint32_t nsec)
{
    int64_t rsec = sec;
    uint32_t rnsec = nsec;
    if (rc->ts_seen) {
        rsec = rc->ts_style == TS_DELTA ? rc->prev_sec : rc->first_sec;
        rnsec = rc->ts_style == TS_DELTA ? rc->prev_nsec : rc->first_nsec;
    }
    bool nano = rc->ts_digits == 9;
    int64_t unit = nano ? 1000000000 : 1000000;
    int64_t frac = nano ? (int64_t)(nsec % 1000000000u) - (int64_t)(rnsec % 1000000000u)
                        : (int64_t)(nsec / 1000 % 1000000u) - (int64_t)(rnsec / 1000 % 1000000u);
    int64_t ds;
    if (__builtin_sub_overflow(sec, rsec, &ds))
        ds = sec < rsec ? INT64_MIN + 1 : INT64_MAX;
    if (frac < 0) {
        frac += unit;
        ds = ds == INT64_MIN ? ds : ds - 1;
    }
    /* now the gap is ds + frac/unit, with 0 <= frac < unit */
    uint64_t secs = (uint64_t)ds;
    char sign = ' ';
    if (ds < 0) {
        sign = '-';
        secs = (uint64_t)(-(ds + 1)) + (frac == 0);
        frac = frac ? unit - frac : 0;
    }
    unsigned sod = (unsigned)(secs % 86400);
    char t[19];
    t[0] = sign;
    put_digits(t + 3, sod / 3600, 2);
    t[3] = ':';
    put_digits(t + 6, sod / 60 % 60, 2);
    t[6] = ':';
    put_digits(t + 9, sod % 60, 2);
    t[9] = '.';
    unsigned nd = nano ? 9 : 6;
    put_digits(t + 10 + nd, (uint32_t)frac, nd);
    ob_write(ob, t, 10 + nd);
}

void render_ts(outbuf_t *ob, render_ctx_t *rc, int64_t sec, uint32_t nsec)
{
    switch (rc->ts_style) {
    case TS_NONE:
        return;
    case TS_EPOCH:
        ob_i64(ob, sec);
        put_frac(ob, rc, nsec);
        return;
    case TS_DELTA:
    case TS_SINCE_FIRST:
        put_delta(ob, rc, sec, nsec);
        return;
    case TS_LOCAL:
    case TS_DATE:
        break;
    }
    if (rc->sec_len && sec == rc->sec_cached) {
        ob_write(ob, rc->sec_text, rc->sec_len);
        put_frac(ob, rc, nsec);
        return;
    }
    int64_t y = 1900, days = 0;
    unsigned m = 1, d = 0, sod = 0;
    if (sec > -TS_SANE && sec < TS_SANE) {
        if (sec < rc->tz_from || sec >= rc->tz_until)
            tz_refresh(rc, sec);
        int64_t local = sec + rc->tz_offset;
        days = floor_div(local, 86400);
        sod = (unsigned)(local - days * 86400);
        civil_from_days(days, &y, &m, &d);
    } else {
        /* a corrupt timestamp far from any real date: libc's word, as is */
        time_t t = (time_t)sec;
        struct tm tm;
        if (localtime_r(&t, &tm)) {
            y = (int64_t)tm.tm_year + 1900;
            m = (unsigned)tm.tm_mon + 1;
            d = (unsigned)tm.tm_mday;
            sod = (unsigned)(tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
        }
    }
    /* the second's text, built once in a buffer of its own and cached */
    outbuf_t sb;
    ob_init(&sb, rc->sec_text, sizeof rc->sec_text, -1);
    if (rc->ts_style == TS_DATE) {
        ob_u64_pad(&sb, (uint64_t)y, 4, '0');
        ob_putc(&sb, '-');
        ob_u64_pad(&sb, m, 2, '0');
        ob_putc(&sb, '-');
        ob_u64_pad(&sb, d, 2, '0');
        ob_putc(&sb, ' ');
    }
    ob_u64_pad(&sb, sod / 3600, 2, '0');
    ob_putc(&sb, ':');
    ob_u64_pad(&sb, sod / 60 % 60, 2, '0');
    ob_putc(&sb, ':');
    ob_u64_pad(&sb, sod % 60, 2, '0');
    rc->sec_len = (uint8_t)sb.len;
    rc->sec_cached = sec;
    ob_write(ob, rc->sec_text, rc->sec_len);
    put_frac(ob, rc, nsec);
}

static void put_status(outbuf_t *ob, const layer_t *l)
{
    if (l->status == LS_TRUNCATED) {
        ob_puts(ob, " [truncated]");
    } else if (l->status == LS_ERROR) {
        ob_puts(ob, " [error: ");
        ob_puts(ob, err_name(l->err));
        ob_putc(ob, ']');
    }
}

/* "reassembled from frames 4,5,7" for the first layer of a source */
static void put_reassembled(outbuf_t *ob, const record_t *r, const layer_t *l)
{
    if (!l->src || (l > r->layers && l[-1].src == l->src))
        return;
    const rec_source_t *s = &r->sources[l->src];
    ob_puts(ob, " [reassembled from frame");
    ob_puts(ob, s->nframes == 1 ? " " : "s ");
    for (unsigned i = 0; i < s->nframes; i++) {
        if (i)
            ob_putc(ob, ',');
        ob_u64(ob, s->frames[i]);
    }
    if (s->frames_cut)
        ob_puts(ob, ",...");
    ob_putc(ob, ']');
}

static void put_summary(outbuf_t *ob, const record_t *r, const layer_t *l)
{
    if (l->proto->summary)
        l->proto->summary(r, l, ob);
    else
        ob_puts(ob, l->proto->name);
    put_status(ob, l);
    put_reassembled(ob, r, l);
}

static void put_addr(outbuf_t *ob, const field_t *f)
{
    if (f->type == FT_IPV4)
        ob_ipv4(ob, f->v.b);
    else if (f->type == FT_IPV6)
        ob_ipv6(ob, f->v.b);
}

/* After a TCP segment: its analysis marks, the step it is in the
 * connection's life and the textbook states that moved,
 * "[handshake 1/3] client CLOSED -> SYN_SENT, server -> SYN_RECEIVED". */
static void put_flow_suffix(outbuf_t *ob, const record_t *r)
{
    if (!r->flow.present || !r->flow.tcp)
        return;
    for (unsigned b = 0; b < TA_COUNT; b++)
        if (r->flow.analysis & (1u << b)) {
            ob_puts(ob, " [");
            ob_puts(ob, tcp_analysis_name(b));
            ob_putc(ob, ']');
        }
    /* a retransmission is shown by its mark above (the same pointer, no
     * string comparison) */
    if (r->flow.event && r->flow.event != tcp_ev_retransmission) {
        ob_puts(ob, " [");
        ob_puts(ob, r->flow.event);
        ob_putc(ob, ']');
    }
    /* whose textbook state moved: the sender's with where it came from,
     * then the receiver's, "client ESTABLISHED -> FIN_WAIT_1, server ->
     * CLOSE_WAIT" */
    static const char *const role[2] = {"client ", "server "};
    const rec_flow_t *fl = &r->flow;
    unsigned snd = fl->dir & 1u, rcv = !snd;
    bool comma = false;
    if (fl->tb_after[snd] != fl->tb_before[snd]) {
        ob_putc(ob, ' ');
        ob_puts(ob, role[snd]);
        ob_puts(ob, tcp_tb_state_name(fl->tb_before[snd]));
        ob_puts(ob, " -> ");
        ob_puts(ob, tcp_tb_state_name(fl->tb_after[snd]));
        comma = true;
    }
    if (fl->tb_after[rcv] != fl->tb_before[rcv]) {
        ob_puts(ob, comma ? ", " : " ");
        ob_puts(ob, role[rcv]);
        ob_puts(ob, "-> ");
        ob_puts(ob, tcp_tb_state_name(fl->tb_after[rcv]));
    }
}

/* -e: the link-level headers as tcpdump -e prints them, from the first
 * layer on while each is a link layer with an -e text that was read
 * whole (a raw IP frame, which has none, shows "ip" as tcpdump's does).
 * Returns the index of the first layer left to the rest of the line;
 * *sep is what goes before that rest (NULL: nothing was written). */
static unsigned put_link_headers(outbuf_t *ob, const record_t *r, const char **sep)
{
    link_ctx_t lc = {.length = r->len, .sep = NULL};
    unsigned i = 0;
    for (; i < r->nlayers; i++) {
        const layer_t *l = &r->layers[i];
        if (l->depth || l->osi != 2 || !l->proto->link_summary || l->status != LS_OK)
            break;
        if (lc.sep)
            ob_puts(ob, lc.sep);
        l->proto->link_summary(r, l, &lc, ob);
    }
    if (i == 0 && r->nlayers && r->layers[0].osi == 3 && !r->unknown_linktype) {
        ob_puts(ob, "ip");
        lc.sep = ": ";
    }
    *sep = lc.sep;
    return i;
}

/* "IP src.port > dst.port" from the network layer at index i and the
 * ports of the transport layer right above it, after `lead` (NULL: the
 * "IP "/"IP6 " tcpdump writes; -e gives the link separator instead);
 * false, with nothing written, when the layer has no IP addresses. */
static bool put_endpoints(outbuf_t *ob, const record_t *r, unsigned i, const char *lead)
{
    const layer_t *nl = &r->layers[i];
    const field_t *src = layer_role(r, nl, ROLE_SRC_ADDR), *dst = layer_role(r, nl, ROLE_DST_ADDR);
    if (!src || !dst || (src->type != FT_IPV4 && src->type != FT_IPV6))
        return false;
    const layer_t *tl = i + 1 < r->nlayers ? &r->layers[i + 1] : NULL;
    const field_t *sp = tl && tl->depth == 0 ? layer_role(r, tl, ROLE_SRC_PORT) : NULL;
    const field_t *dp = tl && tl->depth == 0 ? layer_role(r, tl, ROLE_DST_PORT) : NULL;
    bool ports = sp && dp;
    ob_puts(ob, lead ? lead : src->type == FT_IPV4 ? "IP " : "IP6 ");
    put_addr(ob, src);
    if (ports) {
        ob_putc(ob, '.');
        ob_u64(ob, sp->v.u);
    }
    ob_puts(ob, " > ");
    put_addr(ob, dst);
    if (ports) {
        ob_putc(ob, '.');
        ob_u64(ob, dp->v.u);
    }
    return true;
}

/* One line: timestamp, the summaries of the link encapsulations flagged
 * line_prefix (MPLS, PPPoE), "IP src.port > dst.port:" from the outermost
 * network layer and the transport ports, then the summaries of the
 * layers above the network layer, the innermost last.  With -q only the
 * innermost summary.  A frame without a network layer shows its link
 * layers' summaries instead.  With -e the link-level headers come first,
 * as tcpdump -e shows them, and "IP " is left out as tcpdump leaves it
 * out (the EtherType just said it). */
void render_line(outbuf_t *ob, render_ctx_t *rc, const record_t *r)
{
    if (rc->ts_style != TS_NONE) {
        render_ts(ob, rc, r->ts_sec, r->ts_nsec);
        ob_putc(ob, ' ');
    }
    const char *link_sep = NULL;
    unsigned from = rc->link ? put_link_headers(ob, r, &link_sep) : 0;
    int net = -1;
    for (unsigned i = 0; i < r->nlayers; i++) {
        if (r->layers[i].osi >= 3 && r->layers[i].depth == 0) {
            net = (int)i;
            break;
        }
    }
    if (r->nlayers == 0) {
        ob_puts(ob, "empty frame\n");
        return;
    }
    if (net < 0) {
        /* link layers only (or data on an unknown link type); from an
         * encapsulation tcpdump names on its own (PPPoE, a label stack)
         * when there is one: the encapsulation, then what it carries
         * innermost ("PPPoE  [ses 0x11] LCP, Echo-Request ...") */
        bool prefixed = false;
        if (!rc->link)
            for (unsigned i = 0; i < r->nlayers; i++)
                if (r->layers[i].depth == 0 && r->layers[i].proto->line_prefix) {
                    from = i;
                    prefixed = true;
                    break;
                }
        if (prefixed) {
            unsigned i = from, last = from;
            for (unsigned k = from; k < r->nlayers; k++)
                if (r->layers[k].depth == 0)
                    last = k;
            for (; i < r->nlayers && r->layers[i].proto->line_prefix; i++) {
                ob_puts(ob, i > from ? " " : "");
                put_summary(ob, r, &r->layers[i]);
            }
            if (last >= i) {
                ob_putc(ob, ' ');
                put_summary(ob, r, &r->layers[last]);
            }
            ob_putc(ob, '\n');
            return;
        }
        for (unsigned i = from; i < r->nlayers; i++) {
            ob_puts(ob, i > from ? ": " : link_sep ? link_sep : "");
            put_summary(ob, r, &r->layers[i]);
        }
        if (r->unknown_linktype) {
            ob_puts(ob, " (link type ");
            ob_u64(ob, r->linktype);
            ob_puts(ob, " not dissected)");
        }
        ob_putc(ob, '\n');
        return;
    }
    /* link encapsulations tcpdump names before the network layer (MPLS
     * labels, a PPPoE session) */
    for (int i = 0; i < net && !rc->innermost; i++) {
        const layer_t *l = &r->layers[i];
        if (l->depth == 0 && l->proto->line_prefix) {
            if (link_sep) { /* -e: after the link headers; still no "IP " */
                ob_puts(ob, link_sep);
                link_sep = "";
            }
            put_summary(ob, r, l);
            ob_putc(ob, ' ');
        }
    }
    if (rc->quiet || rc->innermost) {
        /* -q: the addresses of the innermost IP packet (a tunnel's) */
        for (unsigned i = (unsigned)net + 1; i < r->nlayers; i++) {
            const layer_t *l = &r->layers[i];
            if (l->depth == 0 && l->osi == 3 && l->status == LS_OK &&
                layer_role(r, l, ROLE_SRC_ADDR))
                net = (int)i;
        }
    }
    const layer_t *nl = &r->layers[net];
    unsigned first = (unsigned)net;
    bool ip = put_endpoints(ob, r, (unsigned)net, link_sep);
    if (ip) {
        ob_puts(ob, ": ");
        first = (unsigned)net + 1;
        if (first >= r->nlayers || nl->status != LS_OK) {
            /* the network layer is all there is */
            first = (unsigned)net;
        }
    }
    /* layers from `first` on at depth 0; quoted layers are left to the
     * summary of the layer that quotes them */
    unsigned last = first;
    for (unsigned i = first; i < r->nlayers; i++)
        if (r->layers[i].depth == 0)
            last = i;
    bool any = false;
    if (!ip && link_sep)
        ob_puts(ob, link_sep);
    for (unsigned i = rc->quiet ? last : first; i < r->nlayers; i++) {
        const layer_t *l = &r->layers[i];
        if (l->depth)
            continue;
        if (any)
            ob_puts(ob, ": ");
        any = true;
        /* an IP packet inside a tunnel: its addresses and ports */
        if (i > (unsigned)net && l->osi == 3 && l->status == LS_OK && put_endpoints(ob, r, i, NULL))
            continue;
        put_summary(ob, r, l);
    }
    put_flow_suffix(ob, r);
    ob_putc(ob, '\n');
}

/* ---- -v ------------------------------------------------------------- */

static const char *const osi_names[8] = {
    "", "L1 Physical", "L2 Data link", "L3 Network", "L4 Transport",
    "L5 Session", "L6 Presentation", "L7 Application",
};

/* The -v label of each OSI layer: its name in 18 columns, then the
 * TCP/IP (RFC 1122) four-layer model's layer it falls in, in 14 more. */
static const char osi_labels[8][33] = {
    "                  []            ",
    "  L1 Physical     [link]        ",
    "  L2 Data link    [link]        ",
    "  L3 Network      [internet]    ",
    "  L4 Transport    [transport]   ",
    "  L5 Session      [application] ",
    "  L6 Presentation [application] ",
    "  L7 Application  [application] ",
};

static void put_osi_label(outbuf_t *ob, unsigned osi)
{
    ob_write(ob, osi_labels[osi], 32);
}

static void put_value(outbuf_t *ob, const record_t *r, unsigned *i, unsigned end);

/* Fields [i, end) as "name value" pairs separated by ", ". */
static void put_fields(outbuf_t *ob, const record_t *r, unsigned i, unsigned end, bool named)
{
    bool first = true;
    while (i < end) {
        const field_t *f = &r->fields[i];
        if (f->type == FT_END) {
            i++;
            continue;
        }
        if (!first)
            ob_puts(ob, ", ");
        first = false;
        if (named) { /* the name, from the precomputed "name": key */
            ob_write(ob, f->def->key + 1, f->def->keylen - 3u);
            ob_putc(ob, ' ');
        }
        put_value(ob, r, &i, end);
    }
}

static void put_value(outbuf_t *ob, const record_t *r, unsigned *i, unsigned end)
{
    const field_t *f = &r->fields[*i];
    unsigned next = field_next(r, *i);
    switch (f->type) {
    case FT_UINT:
        if (f->def->flags & FF_HEX) {
            ob_puts(ob, "0x");
            ob_hex(ob, f->v.u, f->len >= 2 ? f->len * 2 : 2);
        } else {
            ob_u64(ob, f->v.u);
        }
        break;
    case FT_BOOL: ob_puts(ob, f->v.u ? "yes" : "no"); break;
    case FT_STR:
        ob_putc(ob, '"');
        ob_safe_str(ob, field_str(r, f), f->s_len);
        ob_putc(ob, '"');
        break;
    case FT_MAC: ob_mac(ob, f->v.b); break;
    case FT_IPV4: ob_ipv4(ob, f->v.b); break;
    case FT_IPV6: ob_ipv6(ob, f->v.b); break;
    case FT_ARRAY:
        ob_putc(ob, '[');
        put_fields(ob, r, *i + 1, next < end ? next - 1 : end, false);
        ob_putc(ob, ']');
        break;
    case FT_OBJECT:
        ob_putc(ob, '{');
        put_fields(ob, r, *i + 1, next < end ? next - 1 : end, true);
        ob_putc(ob, '}');
        break;
    default:
        break;
    }
    if (f->note) {
        ob_puts(ob, " (");
        ob_puts(ob, f->note);
        ob_putc(ob, ')');
    }
    *i = next;
}

/* -v: the flow this segment or datagram belongs to, who is client and
 * who is server, and (TCP) both endpoints' states. */
static void put_flow_line(outbuf_t *ob, const record_t *r, const layer_t *tl)
{
    const layer_t *nl = NULL;
    for (const layer_t *p = tl; p-- > r->layers;)
        if (p->depth == 0 && p->osi == 3) {
            nl = p;
            break;
        }
    const field_t *src = nl ? layer_role(r, nl, ROLE_SRC_ADDR) : NULL;
    const field_t *dst = nl ? layer_role(r, nl, ROLE_DST_ADDR) : NULL;
    if (!src || !dst)
        return;
    const rec_flow_t *fl = &r->flow;
    const field_t *ch = fl->dir == 0 ? src : dst, *sv = fl->dir == 0 ? dst : src;
    put_osi_label(ob, 4);
    ob_puts(ob, "flow ");
    ob_u64(ob, fl->id);
    ob_puts(ob, ": client ");
    put_addr(ob, ch);
    ob_putc(ob, ':');
    ob_u64(ob, fl->orig_port);
    ob_puts(ob, " (");
    ob_puts(ob, port_note(fl->orig_port));
    ob_puts(ob, ") -> server ");
    put_addr(ob, sv);
    ob_putc(ob, ':');
    ob_u64(ob, fl->resp_port);
    ob_puts(ob, " (");
    ob_puts(ob, port_note(fl->resp_port));
    ob_puts(ob, fl->dir == 0 ? "), sent by the client" : "), sent by the server");
    if (fl->tcp) {
        /* both as a textbook draws them (the ladder's and the note's view) */
        ob_puts(ob, "; client ");
        ob_puts(ob, tcp_tb_state_name(fl->tb_after[0]));
        ob_puts(ob, ", server ");
        ob_puts(ob, tcp_tb_state_name(fl->tb_after[1]));
        if (fl->event) {
            ob_puts(ob, "; ");
            ob_puts(ob, fl->event);
        }
        if (fl->rtt_ns >= 0) {
            ob_puts(ob, "; handshake RTT ");
            ob_u64(ob, (uint64_t)(fl->rtt_ns / 1000));
            ob_puts(ob, " us");
        }
    }
    ob_putc(ob, '\n');
}

static void put_absent(outbuf_t *ob, unsigned osi, bool after_transport)
{
    put_osi_label(ob, osi);
    if ((osi == 5 || osi == 6) && after_transport)
        ob_puts(ob, "(none in TCP/IP: the application layer does this itself)\n");
    else
        ob_puts(ob, "(none in this packet)\n");
}

void render_verbose(outbuf_t *ob, render_ctx_t *rc, const record_t *r)
{
    ob_puts(ob, "frame ");
    ob_u64(ob, r->frame);
    /* a gap (-ttt, -ttttt) brings its sign, a space when positive */
    ob_puts(ob, rc->ts_style == TS_DELTA || rc->ts_style == TS_SINCE_FIRST ? ":" : ": ");
    enum ts_style saved = rc->ts_style;
    if (saved == TS_NONE || saved == TS_LOCAL)
        rc->ts_style = TS_DATE;
    render_ts(ob, rc, r->ts_sec, r->ts_nsec);
    rc->ts_style = saved;
    ob_putc(ob, '\n');

    put_osi_label(ob, 1);
    ob_u64(ob, r->len);
    ob_puts(ob, " bytes on the wire, ");
    ob_u64(ob, r->caplen);
    ob_puts(ob, " captured");
    if (r->caplen < r->len)
        ob_puts(ob, " (cut by the snaplen)");
    ob_puts(ob, ", link type ");
    ob_u64(ob, r->linktype);
    ob_putc(ob, '\n');

    unsigned shown = 1; /* highest OSI layer printed so far */
    bool transport = false;
    for (unsigned i = 0; i < r->nlayers; i++) {
        const layer_t *l = &r->layers[i];
        if (l->depth == 0) {
            if (l->osi < shown) {
                /* a tunnelled packet: its own stack starts over */
                shown = l->osi - 1u;
                transport = false;
            }
            for (unsigned o = shown + 1; o < l->osi; o++)
                put_absent(ob, o, transport);
            if (l->osi > shown)
                shown = l->osi;
            if (l->osi == 4)
                transport = true;
        }
        if (l->depth) {
            ob_puts(ob, "    quoted ");
            ob_puts(ob, osi_names[l->osi]);
            ob_puts(ob, ": ");
        } else {
            put_osi_label(ob, l->osi);
        }
        if (rc->color)
            ob_puts(ob, layer_color(l));
        ob_puts(ob, l->proto->title);
        if (rc->color)
            ob_puts(ob, COLOR_RESET);
        put_reassembled(ob, r, l);
        if (l->f_count) {
            ob_puts(ob, ": ");
            put_fields(ob, r, l->f_first, (unsigned)l->f_first + l->f_count, true);
        }
        put_status(ob, l);
        ob_putc(ob, '\n');
        if (l->depth == 0 && l->osi == 4 && r->flow.present && r->flow.layer == i)
            put_flow_line(ob, r, l); /* after the layer the flow is of */
    }
    if (r->nlayers && r->layers[r->nlayers - 1].status == LS_OK && shown < 7 && transport) {
        for (unsigned o = shown + 1; o <= 7; o++)
            put_absent(ob, o, transport);
    }
    if (r->unknown_linktype) {
        ob_puts(ob, "  (link type ");
        ob_u64(ob, r->linktype);
        ob_puts(ob, " is not one strata dissects)\n");
    }
    ob_putc(ob, '\n');
}

const char *layer_color(const layer_t *l)
{
    if (l->depth)
        return "\033[2;36m";
    switch (l->osi) {
    case 2: return "\033[34m";  /* blue */
    case 3: return "\033[32m";  /* green */
    case 4: return "\033[33m";  /* yellow */
    default:
        return l->proto == &dissector_data ? "\033[90m" : "\033[35m";
    }
}
