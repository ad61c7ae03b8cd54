/* tcp.c - Transmission Control Protocol (RFC 9293).
 *
 * Fixed header (RFC 9293 section 3.1), then the options (section 3.2,
 * plus window scale and timestamps from RFC 7323, SACK from RFC 2018),
 * each an object in `options`.  `len` is the payload of this segment: the
 * reported IP payload less the header.  The payload goes to the port
 * tables only when it is a whole segment of our own stack: a segment in
 * an IP fragment or quoted inside an ICMP error stays data.
 */
#include "dissector.h"

#define TCP_MIN_HDR 20
#define TCP_DOFF(w) ((w) >> 12)       /* data offset, in 32-bit words */
#define TCP_FLAGS(w) ((w)&0x1ff)      /* NS (RFC 3540) and the 8 control bits */

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WSCALE 3
#define TCPOPT_SACK_OK 4
#define TCPOPT_SACK 5
#define TCPOPT_TS 8
#define TCP_MAX_WSCALE 14 /* RFC 7323 section 2.3: larger shifts count as 14 */
#define IPPROTO_TCP_NUM 6 /* in the pseudo header */


/* The fields, declared once; display-filter names are Wireshark's (the
 * raw sequence numbers are its *_raw fields: strata does not make them
 * relative in the record). */
enum {
    TCP_SPORT, TCP_DPORT, TCP_SEQ, TCP_ACK, TCP_HDR_LEN, TCP_FLAGS, TCP_FLAGS_STR, TCP_WIN,
    TCP_CHECKSUM, TCP_URG_PTR, TCP_LEN, TCP_CHECKSUM_OK, TCP_OPTIONS, TCP_OPTION, TCP_OPT_KIND, TCP_OPT_LEN,
    TCP_OPT_MSS, TCP_OPT_WSCALE, TCP_OPT_SACK_BLOCKS, TCP_OPT_SACK_BLOCK, TCP_OPT_SACK_LEFT,
    TCP_OPT_SACK_RIGHT, TCP_OPT_TSVAL, TCP_OPT_TSECR,
};
static const field_def_t tcp_fields[] = {
    [TCP_SPORT] = FIELD("sport", FT_UINT, "tcp.srcport", "Source port", .role = ROLE_SRC_PORT),
    [TCP_DPORT] = FIELD("dport", FT_UINT, "tcp.dstport", "Destination port", .role = ROLE_DST_PORT),
    [TCP_SEQ] = FIELD("seq", FT_UINT, "tcp.seq_raw", "Sequence number"),
    [TCP_ACK] = FIELD("ack", FT_UINT, "tcp.ack_raw", "Acknowledgment number"),
    [TCP_HDR_LEN] = FIELD("hdr_len", FT_UINT, "tcp.hdr_len", "Header length (bytes)"),
    [TCP_FLAGS] = FIELD("flags", FT_UINT, "tcp.flags", "Flags", .flags = FF_HEX),
    [TCP_FLAGS_STR] = FIELD("flags_str", FT_STR, "tcp.flags.str", "Flags (tcpdump letters)"),
    [TCP_WIN] = FIELD("win", FT_UINT, "tcp.window_size_value", "Window (unscaled)"),
    [TCP_CHECKSUM] = FIELD("checksum", FT_UINT, "tcp.checksum", "Checksum", .flags = FF_HEX),
    [TCP_URG_PTR] = FIELD("urg_ptr", FT_UINT, "tcp.urgent_pointer", "Urgent pointer"),
    [TCP_LEN] = FIELD("len", FT_UINT, "tcp.len", "Payload length"),
    [TCP_CHECKSUM_OK] = FIELD("checksum_ok", FT_BOOL, "tcp.checksum_ok", "Checksum correct"),
    [TCP_OPTIONS] = FIELD("options", FT_ARRAY, "tcp.options", "Options"),
    [TCP_OPTION] = FIELD("option", FT_OBJECT, "tcp.option", "Option"),
    [TCP_OPT_KIND] = FIELD("kind", FT_UINT, "tcp.option_kind", "Kind"),
    [TCP_OPT_LEN] = FIELD("len", FT_UINT, "tcp.option_len", "Length"),
    [TCP_OPT_MSS] = FIELD("mss", FT_UINT, "tcp.options.mss_val", "Maximum segment size"),
    [TCP_OPT_WSCALE] = FIELD("wscale", FT_UINT, "tcp.options.wscale.shift", "Window scale shift"),
    [TCP_OPT_SACK_BLOCKS] = FIELD("blocks", FT_ARRAY, "tcp.options.sack", "SACK blocks"),
    [TCP_OPT_SACK_BLOCK] = FIELD("block", FT_OBJECT, "tcp.options.sack.block", "SACK block"),
    [TCP_OPT_SACK_LEFT] = FIELD("left", FT_UINT, "tcp.options.sack_le", "Left edge"),
    [TCP_OPT_SACK_RIGHT] = FIELD("right", FT_UINT, "tcp.options.sack_re", "Right edge"),
    [TCP_OPT_TSVAL] = FIELD("tsval", FT_UINT, "tcp.options.timestamp.tsval", "Timestamp value"),
    [TCP_OPT_TSECR] = FIELD("tsecr", FT_UINT, "tcp.options.timestamp.tsecr", "Timestamp echo reply"),
};

static const char *tcpopt_name(uint8_t kind)
{
    switch (kind) {
    case 0: return "eol";
    case 1: return "nop";
    case 2: return "mss";
    case 3: return "wscale";
    case 4: return "sackOK";
    case 5: return "sack";
    case 8: return "TS";
    case 19: return "md5";     /* RFC 2385 */
    case 28: return "uto";     /* RFC 5482 */
    case 29: return "tcp-ao";  /* RFC 5925 */
    case 30: return "mptcp";   /* RFC 8684 */
    case 34: return "tfo";     /* RFC 7413 */
    default: return NULL;
    }
}

/* The values of the options we interpret, when the length is the one the
 * RFC gives; otherwise only kind and len are recorded.  The option lies
 * wholly in captured bytes (checked by the caller). */
static void option_values(dctx_t *x, cursor_t *c, uint8_t kind, uint32_t at, uint32_t olen)
{
    if (kind == TCPOPT_MSS && olen == 4) {
        fld_uint(x, TCP_OPT_MSS, at + 2, 2, cur_u16be(c));
    } else if (kind == TCPOPT_WSCALE && olen == 3) {
        uint8_t shift = cur_u8(c);
        field_t *f = fld_uint(x, TCP_OPT_WSCALE, at + 2, 1, shift);
        if (shift > TCP_MAX_WSCALE)
            fld_note(f, "above 14, used as 14 (RFC 7323 section 2.3)");
        if (!x->l4.has_wscale) {
            x->l4.has_wscale = true;
            x->l4.wscale = shift;
        }
    } else if (kind == TCPOPT_SACK && (olen - 2) % 8 == 0) {
        field_t *arr = fld_array(x, TCP_OPT_SACK_BLOCKS, at + 2);
        for (uint32_t b = at + 2; b < at + olen; b += 8) {
            field_t *o = fld_object(x, TCP_OPT_SACK_BLOCK, b);
            fld_uint(x, TCP_OPT_SACK_LEFT, b, 4, cur_u32be(c));
            fld_uint(x, TCP_OPT_SACK_RIGHT, b + 4, 4, cur_u32be(c));
            fld_end(x, o, b + 8);
        }
        fld_end(x, arr, at + olen);
    } else if (kind == TCPOPT_TS && olen == 10) {
        fld_uint(x, TCP_OPT_TSVAL, at + 2, 4, cur_u32be(c));
        fld_uint(x, TCP_OPT_TSECR, at + 6, 4, cur_u32be(c));
    }
}

/* Walk the options in [c->off, end), all captured; false on a length
 * under 2 or running past the header (RFC 9293 section 3.2). */
static bool walk_options(dctx_t *x, cursor_t *c, uint32_t end)
{
    field_t *arr = fld_array(x, TCP_OPTIONS, c->off);
    bool ok = true;
    while (c->off < end) {
        uint32_t at = c->off;
        uint8_t kind = cur_u8(c);
        uint32_t olen = 1;
        if (kind != TCPOPT_EOL && kind != TCPOPT_NOP) {
            olen = at + 1 < end ? cur_u8(c) : 0;
            if (olen < 2 || at + olen > end) {
                ok = false;
                break;
            }
        }
        field_t *o = fld_object(x, TCP_OPTION, at);
        fld_note(fld_uint(x, TCP_OPT_KIND, at, 1, kind), tcpopt_name(kind));
        fld_uint(x, TCP_OPT_LEN, at, olen, olen);
        option_values(x, c, kind, at, olen);
        fld_end(x, o, at + olen);
        cur_skip(c, at + olen - c->off);
        if (kind == TCPOPT_EOL)
            break; /* the rest is padding */
    }
    fld_end(x, arr, end);
    c->off = end;
    return ok;
}

static void add_flags_str(dctx_t *x, uint32_t off, uint16_t flags)
{
    char letters[8];
    unsigned n = tcp_flag_letters(flags, letters);
    if (n)
        fld_str(x, TCP_FLAGS_STR, off, 2, letters, n);
    else
        fld_str(x, TCP_FLAGS_STR, off, 2, "none", 4);
}

static int tcp_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint32_t seglen = cur_rleft(c); /* the segment as the IP layer reported it */
    uint32_t have = cur_left(c);
    uint16_t sport = cur_u16be(c);
    uint16_t dport = cur_u16be(c);
    uint32_t seq = cur_u32be(c);
    uint32_t ack = cur_u32be(c);
    uint16_t offflags = cur_u16be(c);
    uint16_t win = cur_u16be(c);
    uint16_t sum = cur_u16be(c);
    uint16_t urg = cur_u16be(c);
    uint32_t hlen = TCP_DOFF(offflags) * 4u;
    uint16_t flags = TCP_FLAGS(offflags);

    /* Reads are in order, so a field was read iff its bytes were captured;
     * a truncated header keeps the ones that were (an ICMP quote's 8). */
#define TCP_GOT(o, n) ((o) + (n) <= have)
    l4_facts_t *facts = &x->l4; /* for the flow tracker */
    *facts = (l4_facts_t){0};
    if (TCP_GOT(0, 4)) {
        fld_note(fld_uint(x, TCP_SPORT, start, 2, sport), port_note(sport));
        fld_note(fld_uint(x, TCP_DPORT, start + 2, 2, dport), port_note(dport));
        x->transport = 6;
        facts->ports = true;
        facts->sport = sport;
        facts->dport = dport;
    }
    if (TCP_GOT(4, 4)) {
        fld_uint(x, TCP_SEQ, start + 4, 4, seq);
        facts->seq = seq;
    }
    if (TCP_GOT(8, 4)) {
        fld_uint(x, TCP_ACK, start + 8, 4, ack);
        facts->ack = ack;
    }
    if (TCP_GOT(12, 2)) {
        fld_uint(x, TCP_HDR_LEN, start + 12, 1, hlen);
        fld_uint(x, TCP_FLAGS, start + 12, 2, flags);
        add_flags_str(x, start + 12, flags);
        facts->flags = flags;
    }
    if (TCP_GOT(14, 2)) {
        fld_uint(x, TCP_WIN, start + 14, 2, win);
        facts->win = win;
    }
    if (TCP_GOT(16, 2))
        fld_uint(x, TCP_CHECKSUM, start + 16, 2, sum);
    if (TCP_GOT(18, 2))
        fld_uint(x, TCP_URG_PTR, start + 18, 2, urg);
#undef TCP_GOT
    if (c->trunc) {
        c->off = c->end;
        dx_span(x, c, start);
        return LS_TRUNCATED;
    }

    if (hlen < TCP_MIN_HDR) {
        dx_span(x, c, start);
        return dx_error(x, ERR_bad_tcp_off);
    }
    if (hlen > seglen) {
        /* a quoted segment is cut by the quote, not by a lie in its header */
        if (!x->allow_short) {
            dx_span(x, c, start);
            return dx_error(x, ERR_bad_tcp_off);
        }
        c->off = c->end;
        dx_span(x, c, start);
        return LS_TRUNCATED;
    }
    uint32_t len = seglen - hlen;
    fld_uint(x, TCP_LEN, start + hlen, 0, len); /* derived: no bytes of its own */
    facts->len = len;
    /* the checksum covers the pseudo header and the whole segment: only
     * when all of it was captured (an ICMP error may quote all of one) and
     * it is not a piece of a fragmented datagram */
    uint32_t psum;
    if (have >= seglen && !x->ip_fragment && dx_pseudo_sum(x, IPPROTO_TCP_NUM, seglen, &psum)) {
        bool ok = cur_sum16(c, start, seglen, psum) == 0xffff;
        fld_bool(x, TCP_CHECKSUM_OK, start + 16, 2, ok);
        if (x->layer->depth == 0) { /* a quoted one is not this packet's */
            facts->bad_checksum = !ok;
            x->rec->bad_checksums += !ok;
        }
    }
    if (!cur_has(c, hlen - TCP_MIN_HDR)) {
        c->off = c->end;
        dx_span(x, c, start);
        return LS_TRUNCATED;
    }
    bool ok = hlen == TCP_MIN_HDR || walk_options(x, c, start + hlen);
    x->layer->off = start;
    x->layer->len = hlen;
    if (!ok)
        return dx_error(x, ERR_bad_tcp_option);

    if (len == 0)
        return LS_OK;
    if (x->allow_short || x->ip_fragment) {
        dx_next(x, c, TBL_NONE, 0, 0); /* not a whole segment of ours: data */
        return LS_OK;
    }
    uint32_t lo = sport < dport ? sport : dport;
    uint32_t hi = sport < dport ? dport : sport;
    dx_next(x, c, TBL_TCP_PORT, lo, hi);
    return LS_OK;
}

/* "sack 2 {1:2}{3:4}" from a SACK option object's `blocks` array, the
 * edges relative to `base` (0: absolute). */
static void summary_sack(const record_t *r, unsigned arr, uint32_t base, outbuf_t *ob)
{
    unsigned end = field_next(r, arr) - 1, n = 0;
    for (unsigned i = arr + 1; i < end; i = field_next(r, i))
        n++;
    ob_puts(ob, "sack ");
    ob_u64(ob, n);
    ob_putc(ob, ' ');
    for (unsigned i = arr + 1; i < end; i = field_next(r, i)) {
        /* each block object holds exactly left, right */
        ob_putc(ob, '{');
        ob_u64(ob, (uint32_t)(r->fields[i + 1].v.u - base));
        ob_putc(ob, ':');
        ob_u64(ob, (uint32_t)(r->fields[i + 2].v.u - base));
        ob_putc(ob, '}');
    }
}

/* One option object in tcpdump's words: "mss 1460", "TS val 1 ecr 0". */
static void summary_option(const record_t *r, unsigned obj, uint32_t sack_base, outbuf_t *ob)
{
    unsigned end = field_next(r, obj) - 1;
    const field_t *kind = NULL, *val = NULL, *ecr = NULL;
    unsigned blocks = 0;
    for (unsigned i = obj + 1; i < end; i = field_next(r, i)) {
        const field_t *f = &r->fields[i];
        if (FIELD_IS(f, tcp_fields, TCP_OPT_KIND))
            kind = f;
        else if (FIELD_IS(f, tcp_fields, TCP_OPT_TSECR))
            ecr = f;
        else if (FIELD_IS(f, tcp_fields, TCP_OPT_SACK_BLOCKS))
            blocks = i;
        else if (!FIELD_IS(f, tcp_fields, TCP_OPT_LEN))
            val = f; /* mss, wscale or tsval */
    }
    if (!kind)
        return;
    uint64_t k = kind->v.u;
    if (k == TCPOPT_SACK && blocks) {
        summary_sack(r, blocks, sack_base, ob);
        return;
    }
    if (k == TCPOPT_TS && val && ecr) {
        ob_puts(ob, "TS val ");
        ob_u64(ob, val->v.u);
        ob_puts(ob, " ecr ");
        ob_u64(ob, ecr->v.u);
        return;
    }
    const char *name = tcpopt_name((uint8_t)k);
    if (name) {
        ob_puts(ob, name);
    } else {
        ob_puts(ob, "opt-");
        ob_u64(ob, k);
    }
    if (val) {
        ob_putc(ob, ' ');
        ob_u64(ob, val->v.u);
    } else if (k == TCPOPT_MSS || k == TCPOPT_WSCALE || k == TCPOPT_SACK || k == TCPOPT_TS) {
        ob_puts(ob, " [bad opt]"); /* a known option with the wrong length */
    }
}

static void tcp_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t flags = 0, seq = 0, ack = 0, win = 0, urg = 0, len = 0;
    layer_uint(r, l, TCP_FLAGS, &flags);
    layer_uint(r, l, TCP_SEQ, &seq);
    layer_uint(r, l, TCP_ACK, &ack);
    layer_uint(r, l, TCP_WIN, &win);
    layer_uint(r, l, TCP_URG_PTR, &urg);
    bool has_len = layer_uint(r, l, TCP_LEN, &len);
    const field_t *fs = layer_field(r, l, TCP_FLAGS_STR);
    ob_puts(ob, "TCP");
    if (!fs)
        return; /* too little of the header to say more */
    /* tcpdump's relative numbers, when the flow tracker worked them out
     * for this layer (not with -S, not inside an ICMP quote) */
    uint32_t sack_base = 0;
    if (r->flow.present && r->flow.rel && &r->layers[r->flow.rel_layer] == l) {
        seq = r->flow.rel_seq;
        ack = r->flow.rel_ack;
        sack_base = r->flow.rel_sack_base;
    }
    ob_puts(ob, " Flags [");
    ob_puts(ob, field_str(r, fs));
    ob_putc(ob, ']');
    /* tcpdump shows seq when the segment occupies sequence space */
    if (len > 0) {
        ob_puts(ob, ", seq ");
        ob_u64(ob, seq);
        ob_putc(ob, ':');
        ob_u64(ob, (seq + len) & 0xffffffffu);
    } else if (flags & (TH_SYN | TH_FIN | TH_RST)) {
        ob_puts(ob, ", seq ");
        ob_u64(ob, seq);
    }
    if (flags & TH_ACK) {
        ob_puts(ob, ", ack ");
        ob_u64(ob, ack);
    }
    if (layer_field(r, l, TCP_WIN)) {
        ob_puts(ob, ", win ");
        ob_u64(ob, win);
    }
    if (flags & TH_URG) {
        ob_puts(ob, ", urg ");
        ob_u64(ob, urg);
    }
    const field_t *opts = layer_field(r, l, TCP_OPTIONS);
    if (opts && opts->type == FT_ARRAY) {
        unsigned arr = (unsigned)(opts - r->fields);
        unsigned end = field_next(r, arr) - 1;
        ob_puts(ob, ", options [");
        for (unsigned i = arr + 1; i < end; i = field_next(r, i)) {
            if (i > arr + 1)
                ob_putc(ob, ',');
            summary_option(r, i, sack_base, ob);
        }
        ob_putc(ob, ']');
    }
    if (has_len) {
        ob_puts(ob, ", length ");
        ob_u64(ob, len);
    }
}

static const binding_t tcp_bindings[] = {
    {TBL_IPPROTO, 6},
};

const dissector_t dissector_tcp = {
    .name = "tcp",
    .title = "TCP",
    .osi = 4,
    .id = PROTO_tcp,
    .fields = tcp_fields,
    .nfields = NFIELDS(tcp_fields),
    .dissect = tcp_dissect,
    .summary = tcp_summary,
    .bindings = tcp_bindings,
    .nbindings = sizeof tcp_bindings / sizeof tcp_bindings[0],
};
