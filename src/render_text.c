/* render_text.c - the one-line view (tcpdump's spirit) and the layered
 * -v view that names the OSI layer of every header. */
#include <string.h>

#include "dissector.h"
#include "render.h"
#include "tcp_state.h"

void render_ctx_init(render_ctx_t *rc)
{
    memset(rc, 0, sizeof *rc);
    rc->ts_style = TS_LOCAL;
    rc->ts_digits = 6;
}

static void put_frac(outbuf_t *ob, const render_ctx_t *rc, uint32_t nsec)
{
    ob_putc(ob, '.');
    if (rc->ts_digits == 9)
        ob_u64_pad(ob, nsec, 9, '0');
    else
        ob_u64_pad(ob, nsec / 1000, 6, '0');
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
    case TS_LOCAL:
    case TS_DATE:
        break;
    }
    if (!rc->tm_valid || rc->tm_sec != sec) {
        time_t t = (time_t)sec;
        if (!localtime_r(&t, &rc->tm))
            memset(&rc->tm, 0, sizeof rc->tm);
        rc->tm_sec = sec;
        rc->tm_valid = true;
    }
    const struct tm *tm = &rc->tm;
    if (rc->ts_style == TS_DATE) {
        ob_u64_pad(ob, (uint64_t)(tm->tm_year + 1900), 4, '0');
        ob_putc(ob, '-');
        ob_u64_pad(ob, (uint64_t)(tm->tm_mon + 1), 2, '0');
        ob_putc(ob, '-');
        ob_u64_pad(ob, (uint64_t)tm->tm_mday, 2, '0');
        ob_putc(ob, ' ');
    }
    ob_u64_pad(ob, (uint64_t)tm->tm_hour, 2, '0');
    ob_putc(ob, ':');
    ob_u64_pad(ob, (uint64_t)tm->tm_min, 2, '0');
    ob_putc(ob, ':');
    ob_u64_pad(ob, (uint64_t)tm->tm_sec, 2, '0');
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

/* After a TCP segment: its analysis marks and the step it is in the
 * connection's life, "[handshake 1/3] CLOSED -> SYN_SENT". */
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
    if (r->flow.event && strcmp(r->flow.event, "retransmission") != 0) {
        ob_puts(ob, " [");
        ob_puts(ob, r->flow.event);
        ob_putc(ob, ']');
    }
    if (r->flow.state != r->flow.state_before) {
        ob_putc(ob, ' ');
        ob_puts(ob, tcp_state_name(r->flow.state_before));
        ob_puts(ob, " -> ");
        ob_puts(ob, tcp_state_name(r->flow.state));
    }
}

/* One line: timestamp, "IP src.port > dst.port:" from the outermost
 * network layer and the transport ports, then the summaries of the
 * layers above the network layer, the innermost last.  With -q only the
 * innermost summary.  A frame without a network layer shows its link
 * layers' summaries instead. */
void render_line(outbuf_t *ob, render_ctx_t *rc, const record_t *r)
{
    if (rc->ts_style != TS_NONE) {
        render_ts(ob, rc, r->ts_sec, r->ts_nsec);
        ob_putc(ob, ' ');
    }
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
        /* link layers only (or data on an unknown link type) */
        for (unsigned i = 0; i < r->nlayers; i++) {
            if (i)
                ob_puts(ob, ": ");
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
    const layer_t *nl = &r->layers[net];
    const field_t *src = layer_field(r, nl, "src"), *dst = layer_field(r, nl, "dst");
    bool ip = src && dst && (src->type == FT_IPV4 || src->type == FT_IPV6);
    unsigned first = (unsigned)net;
    if (ip) {
        /* ports from the transport layer right above, when there is one */
        const layer_t *tl = (unsigned)net + 1 < r->nlayers ? &r->layers[net + 1] : NULL;
        uint64_t sport = 0, dport = 0;
        bool ports = tl && tl->depth == 0 && layer_uint(r, tl, "sport", &sport) &&
                     layer_uint(r, tl, "dport", &dport);
        ob_puts(ob, src->type == FT_IPV4 ? "IP " : "IP6 ");
        put_addr(ob, src);
        if (ports) {
            ob_putc(ob, '.');
            ob_u64(ob, sport);
        }
        ob_puts(ob, " > ");
        put_addr(ob, dst);
        if (ports) {
            ob_putc(ob, '.');
            ob_u64(ob, dport);
        }
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
    for (unsigned i = rc->quiet ? last : first; i < r->nlayers; i++) {
        const layer_t *l = &r->layers[i];
        if (l->depth)
            continue;
        if (any)
            ob_puts(ob, ": ");
        put_summary(ob, r, l);
        any = true;
    }
    put_flow_suffix(ob, r);
    ob_putc(ob, '\n');
}

/* ---- -v ------------------------------------------------------------- */

static const char *const osi_names[8] = {
    "", "L1 Physical", "L2 Data link", "L3 Network", "L4 Transport",
    "L5 Session", "L6 Presentation", "L7 Application",
};
/* the TCP/IP (RFC 1122) four layers each OSI layer falls in */
static const char *const tcpip_names[8] = {
    "", "link", "link", "internet", "transport", "application", "application", "application",
};

static void put_osi_label(outbuf_t *ob, unsigned osi)
{
    size_t start = ob->len;
    ob_puts(ob, "  ");
    ob_puts(ob, osi_names[osi]);
    ob_pad_to(ob, start, 18);
    ob_putc(ob, '[');
    ob_puts(ob, tcpip_names[osi]);
    ob_putc(ob, ']');
    ob_pad_to(ob, start, 32);
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
        if (f->flags & FF_HIDE_V) {
            i = field_next(r, i);
            continue;
        }
        if (!first)
            ob_puts(ob, ", ");
        first = false;
        if (named && f->name) {
            ob_puts(ob, f->name);
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
        if (f->flags & FF_HEX) {
            ob_puts(ob, "0x");
            ob_hex(ob, f->v.u, f->len >= 2 ? f->len * 2 : 2);
        } else {
            ob_u64(ob, f->v.u);
        }
        break;
    case FT_INT: ob_i64(ob, f->v.i); break;
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
    const field_t *src = nl ? layer_field(r, nl, "src") : NULL;
    const field_t *dst = nl ? layer_field(r, nl, "dst") : NULL;
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
        uint8_t cst = fl->dir == 0 ? fl->state : fl->peer_state;
        uint8_t sst = fl->dir == 0 ? fl->peer_state : fl->state;
        ob_puts(ob, "; client ");
        ob_puts(ob, tcp_state_name(cst));
        ob_puts(ob, ", server ");
        ob_puts(ob, tcp_state_name(sst));
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
    ob_puts(ob, ": ");
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
        if (l->depth == 0 && l->osi == 4 && r->flow.present)
            put_flow_line(ob, r, l);
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
        return strcmp(l->proto->name, "data") == 0 ? "\033[90m" : "\033[35m";
    }
}
