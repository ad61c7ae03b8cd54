/* icmp.c - Internet Control Message Protocol for IPv4 (RFC 792).
 *
 * The 8-byte header is one layer.  Echo and information payloads are
 * data; an error message (unreachable, source quench, redirect, time
 * exceeded, parameter problem) quotes the invoking IPv4 header and at
 * least 8 bytes of its payload (RFC 792, RFC 1812 section 4.3.2.3), which
 * are dissected as nested layers, one level deeper.  The checksum
 * (RFC 1071) covers the whole message.
 */
#include "../src/dissector.h"

#define ICMP_HDR_LEN 8
#define ICMP_TSTAMP_LEN 20 /* RFC 792: three 32-bit timestamps */
#define ICMP_MASK_LEN 12   /* RFC 950 appendix I */
#define ICMP_WORD 4        /* RFC 4884 length unit */

enum icmp_type {
    ICMP_ECHOREPLY = 0,
    ICMP_UNREACH = 3,
    ICMP_SOURCEQUENCH = 4,
    ICMP_REDIRECT = 5,
    ICMP_ECHO = 8,
    ICMP_ROUTERADVERT = 9, /* RFC 1256 */
    ICMP_ROUTERSOLICIT = 10,
    ICMP_TIMXCEED = 11,
    ICMP_PARAMPROB = 12,
    ICMP_TSTAMP = 13,
    ICMP_TSTAMPREPLY = 14,
    ICMP_IREQ = 15,
    ICMP_IREQREPLY = 16,
    ICMP_MASKREQ = 17, /* RFC 950 */
    ICMP_MASKREPLY = 18,
};

#define ICMP_UNREACH_PROTOCOL 2
#define ICMP_UNREACH_PORT 3
#define ICMP_UNREACH_NEEDFRAG 4 /* RFC 1191: next-hop MTU in bytes 6-7 */

static bool is_error(uint8_t type)
{
    return type == ICMP_UNREACH || type == ICMP_SOURCEQUENCH || type == ICMP_REDIRECT ||
           type == ICMP_TIMXCEED || type == ICMP_PARAMPROB;
}

static const char *icmp_type_name(uint8_t type)
{
    switch (type) {
    case ICMP_ECHOREPLY: return "echo reply";
    case ICMP_UNREACH: return "destination unreachable";
    case ICMP_SOURCEQUENCH: return "source quench";
    case ICMP_REDIRECT: return "redirect";
    case ICMP_ECHO: return "echo request";
    case ICMP_ROUTERADVERT: return "router advertisement";
    case ICMP_ROUTERSOLICIT: return "router solicitation";
    case ICMP_TIMXCEED: return "time exceeded";
    case ICMP_PARAMPROB: return "parameter problem";
    case ICMP_TSTAMP: return "timestamp request";
    case ICMP_TSTAMPREPLY: return "timestamp reply";
    case ICMP_IREQ: return "information request";
    case ICMP_IREQREPLY: return "information reply";
    case ICMP_MASKREQ: return "address mask request";
    case ICMP_MASKREPLY: return "address mask reply";
    default: return NULL;
    }
}

/* The second half of the header, [start+4, start+8), by type.  Returns
 * the message's fixed length when it is longer than 8 bytes, else 8. */
static uint32_t icmp_rest(dctx_t *x, cursor_t *c, uint8_t type, uint8_t code, uint32_t at)
{
    switch (type) {
    case ICMP_ECHO: case ICMP_ECHOREPLY: case ICMP_IREQ: case ICMP_IREQREPLY:
    case ICMP_TSTAMP: case ICMP_TSTAMPREPLY: case ICMP_MASKREQ: case ICMP_MASKREPLY:
        fld_uint(x, "id", at, 2, cur_u16be(c));
        fld_uint(x, "seq", at + 2, 2, cur_u16be(c));
        if (type == ICMP_TSTAMP || type == ICMP_TSTAMPREPLY)
            return ICMP_TSTAMP_LEN;
        if (type == ICMP_MASKREQ || type == ICMP_MASKREPLY)
            return ICMP_MASK_LEN;
        return ICMP_HDR_LEN;
    case ICMP_REDIRECT: {
        uint8_t gw[4];
        cur_bytes(c, gw, 4);
        fld_ipv4(x, "gateway", at, gw);
        return ICMP_HDR_LEN;
    }
    case ICMP_ROUTERADVERT:
        fld_uint(x, "num_addrs", at, 1, cur_u8(c));
        fld_uint(x, "addr_entry_size", at + 1, 1, cur_u8(c));
        fld_uint(x, "lifetime", at + 2, 2, cur_u16be(c));
        return ICMP_HDR_LEN;
    case ICMP_UNREACH: case ICMP_TIMXCEED: case ICMP_PARAMPROB: {
        uint8_t ptr = cur_u8(c);
        uint8_t words = cur_u8(c); /* RFC 4884: quoted datagram length */
        uint16_t mtu = cur_u16be(c);
        if (type == ICMP_PARAMPROB)
            fld_uint(x, "pointer", at, 1, ptr);
        if (words)
            fld_uint(x, "orig_len", at + 1, 1, words * ICMP_WORD);
        if (type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG)
            fld_uint(x, "mtu", at + 2, 2, mtu);
        return ICMP_HDR_LEN;
    }
    default:
        cur_skip(c, 4);
        return ICMP_HDR_LEN;
    }
}

/* The fixed part after the 8-byte header (timestamps, mask). */
static void icmp_tail(dctx_t *x, cursor_t *c, uint8_t type)
{
    uint32_t at = c->off;
    if (type == ICMP_TSTAMP || type == ICMP_TSTAMPREPLY) {
        /* RFC 792: milliseconds since midnight UT */
        fld_uint(x, "originate", at, 4, cur_u32be(c));
        fld_uint(x, "receive", at + 4, 4, cur_u32be(c));
        fld_uint(x, "transmit", at + 8, 4, cur_u32be(c));
    } else if (type == ICMP_MASKREQ || type == ICMP_MASKREPLY) {
        uint8_t mask[4];
        cur_bytes(c, mask, 4);
        fld_ipv4(x, "mask", at, mask);
    }
}

static int icmp_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off, got = cur_left(c), wire = cur_rleft(c);
    uint8_t type = cur_u8(c);
    uint8_t code = cur_u8(c);
    uint16_t sum = cur_u16be(c);
    if (got >= 1)
        fld_note(fld_uint(x, "type", start, 1, type), icmp_type_name(type));
    if (got >= 2)
        fld_uint(x, "code", start + 1, 1, code);
    if (got >= 4)
        fld_hex(x, "checksum", start + 2, 2, sum);
    if (wire < ICMP_HDR_LEN && !x->allow_short)
        return dx_error(x, ERR_bad_icmp);
    if (!cur_has(c, ICMP_HDR_LEN - 4))
        return dx_truncated(x, c, start);
    uint32_t fixed = icmp_rest(x, c, type, code, start + 4);
    if (wire < fixed && !x->allow_short)
        return dx_error(x, ERR_bad_icmp);
    if (fixed > ICMP_HDR_LEN) {
        if (!cur_has(c, fixed - ICMP_HDR_LEN))
            return dx_truncated(x, c, start);
        icmp_tail(x, c, type);
    }
    dx_span(x, c, start);
    /* the checksum needs every byte: a quote holds only the start, and
     * a fragment only a piece */
    if (got == wire && !x->allow_short && !x->ip_fragment)
        fld_bool(x, "checksum_ok", start + 2, 2, cur_sum16(c, start, wire, 0) == 0xffff);

    uint64_t qlen = 0;
    if (is_error(type) && x->layer->depth == 0) {
        /* RFC 4884: with a length, the quote ends there and extensions
         * follow; they are left undissected */
        cursor_t quote = *c;
        if (layer_uint(x->rec, x->layer, "orig_len", &qlen) && qlen <= cur_rleft(c))
            cur_sub(c, (uint32_t)qlen, &quote);
        dx_next(x, &quote, TBL_NONE, 0, 0);
        x->next_direct = &dissector_ipv4;
        x->next_nested = true;
    } else {
        /* echo payload, router entries, or an error quoted inside a quote */
        dx_next(x, c, TBL_NONE, 0, 0);
    }
    return LS_OK;
}

/* The layer quoted right after `l` (one level deeper) if it is `d`. */
static const layer_t *quoted(const record_t *r, const layer_t *l, const dissector_t *d)
{
    const layer_t *q = l + 1;
    if (q >= r->layers + r->nlayers || q->depth != l->depth + 1 || q->proto != d)
        return NULL;
    return q;
}

/* "net %s unreachable", "%s unreachable - source route failed", ...:
 * the words around the address for the unreachable codes (RFC 792,
 * RFC 1122 section 3.2.2.1, RFC 1812 section 5.2.7.1). */
static const struct {
    const char *pre, *post;
} unreach_words[] = {
    {"net ", ""},  {"host ", ""}, {"", ""}, {"", ""}, {"", " - need to frag"},
    {"", " - source route failed"},       {"net ", " - unknown"},
    {"host ", " - unknown"},              {"", " - source host isolated"},
    {"net ", " - admin prohibited"},      {"host ", " - admin prohibited"},
    {"net ", " - tos prohibited"},        {"host ", " - tos prohibited"},
    {"host ", " - admin prohibited filter"},
    {"host ", " - host precedence violation"},
    {"host ", " - precedence cutoff"},
};

static void unreach_summary(const record_t *r, const layer_t *l, uint64_t code, outbuf_t *ob)
{
    const layer_t *ip = quoted(r, l, &dissector_ipv4);
    const field_t *dst = ip ? layer_field(r, ip, "dst") : NULL;
    if (!dst || code >= sizeof unreach_words / sizeof unreach_words[0]) {
        ob_puts(ob, "ICMP destination unreachable code ");
        ob_u64(ob, code);
        return;
    }
    ob_puts(ob, "ICMP ");
    ob_puts(ob, unreach_words[code].pre);
    ob_ipv4(ob, dst->v.b);
    uint64_t proto = 0, port = 0, mtu = 0;
    layer_uint(r, ip, "proto_num", &proto);
    if (code == ICMP_UNREACH_PROTOCOL) {
        ob_puts(ob, " protocol ");
        ob_u64(ob, proto);
    } else if (code == ICMP_UNREACH_PORT) {
        ob_puts(ob, proto == 6 ? " tcp port" : proto == 17 ? " udp port" : " port");
        const layer_t *t = ip + 1;
        if (t < r->layers + r->nlayers && t->depth == ip->depth &&
            layer_uint(r, t, "dport", &port)) {
            ob_putc(ob, ' ');
            ob_u64(ob, port);
        }
    }
    ob_puts(ob, " unreachable");
    ob_puts(ob, unreach_words[code].post);
    if (code == ICMP_UNREACH_NEEDFRAG && layer_uint(r, l, "mtu", &mtu) && mtu) {
        ob_puts(ob, " (mtu ");
        ob_u64(ob, mtu);
        ob_putc(ob, ')');
    }
}

static void id_seq(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t id = 0, seq = 0;
    layer_uint(r, l, "id", &id);
    layer_uint(r, l, "seq", &seq);
    ob_puts(ob, " id ");
    ob_u64(ob, id);
    ob_puts(ob, " seq ");
    ob_u64(ob, seq);
}

static void icmp_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t type = 0, code = 0, v = 0;
    layer_uint(r, l, "type", &type);
    layer_uint(r, l, "code", &code);
    const field_t *f;
    switch (type) {
    case ICMP_UNREACH:
        unreach_summary(r, l, code, ob);
        return;
    case ICMP_TIMXCEED:
        ob_puts(ob, code == 0 ? "ICMP time exceeded in-transit"
                    : code == 1 ? "ICMP ip reassembly time exceeded"
                                : "ICMP time exceeded");
        return;
    case ICMP_REDIRECT: {
        const layer_t *ip = quoted(r, l, &dissector_ipv4);
        const field_t *dst = ip ? layer_field(r, ip, "dst") : NULL;
        ob_puts(ob, code >= 2 ? "ICMP redirect-tos " : "ICMP redirect ");
        if (dst) {
            ob_ipv4(ob, dst->v.b);
            ob_putc(ob, ' ');
        }
        ob_puts(ob, code & 1 ? "to host " : "to net ");
        if ((f = layer_field(r, l, "gateway")))
            ob_ipv4(ob, f->v.b);
        return;
    }
    case ICMP_PARAMPROB:
        ob_puts(ob, "ICMP parameter problem");
        if (code == 0 && layer_uint(r, l, "pointer", &v)) {
            ob_puts(ob, " - octet ");
            ob_u64(ob, v);
        }
        return;
    case ICMP_ECHO: case ICMP_ECHOREPLY: case ICMP_TSTAMP: case ICMP_TSTAMPREPLY:
    case ICMP_IREQ: case ICMP_IREQREPLY:
        ob_puts(ob, "ICMP ");
        ob_puts(ob, icmp_type_name((uint8_t)type));
        id_seq(r, l, ob);
        return;
    case ICMP_MASKREPLY:
        if ((f = layer_field(r, l, "mask"))) {
            ob_puts(ob, "ICMP address mask is ");
            ob_ipv4(ob, f->v.b);
            return;
        }
        break;
    case ICMP_ROUTERADVERT:
        ob_puts(ob, "ICMP router advertisement lifetime ");
        layer_uint(r, l, "lifetime", &v);
        ob_u64(ob, v);
        return;
    default:
        break;
    }
    ob_puts(ob, "ICMP ");
    if (icmp_type_name((uint8_t)type)) {
        ob_puts(ob, icmp_type_name((uint8_t)type));
    } else {
        ob_puts(ob, "type ");
        ob_u64(ob, type);
        ob_puts(ob, " code ");
        ob_u64(ob, code);
    }
}

static const binding_t icmp_bindings[] = {
    {TBL_IPPROTO, 1},
};

const dissector_t dissector_icmp = {
    .name = "icmp",
    .title = "ICMP",
    .osi = 3,
    .dissect = icmp_dissect,
    .summary = icmp_summary,
    .bindings = icmp_bindings,
    .nbindings = sizeof icmp_bindings / sizeof icmp_bindings[0],
};
