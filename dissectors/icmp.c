/* icmp.c - Internet Control Message Protocol for IPv4 (RFC 792).
 *
 * The 8-byte header is one layer.  Echo and information payloads are
 * data; an error message (unreachable, source quench, redirect, time
 * exceeded, parameter problem) quotes the invoking IPv4 header and at
 * least 8 bytes of its payload (RFC 792, RFC 1812 section 4.3.2.3), which
 * are dissected as nested layers, one level deeper.  The checksum
 * (RFC 1071) covers the whole message.
 */
#include "dissector.h"

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

/* The fields, declared once; display-filter names are Wireshark's where
 * it has one. */
enum {
    ICMP_F_TYPE, ICMP_F_CODE, ICMP_F_CHECKSUM, ICMP_F_ID, ICMP_F_SEQ, ICMP_F_GATEWAY,
    ICMP_F_NUM_ADDRS, ICMP_F_ADDR_ENTRY_SIZE, ICMP_F_LIFETIME, ICMP_F_POINTER, ICMP_F_ORIG_LEN,
    ICMP_F_MTU, ICMP_F_ORIGINATE, ICMP_F_RECEIVE, ICMP_F_TRANSMIT, ICMP_F_MASK,
    ICMP_F_CHECKSUM_OK,
};
static const field_def_t icmp_fields[] = {
    [ICMP_F_TYPE] = FIELD("type", FT_UINT, "icmp.type", "Type"),
    [ICMP_F_CODE] = FIELD("code", FT_UINT, "icmp.code", "Code"),
    [ICMP_F_CHECKSUM] = FIELD("checksum", FT_UINT, "icmp.checksum", "Checksum", .flags = FF_HEX),
    [ICMP_F_ID] = FIELD("id", FT_UINT, "icmp.ident", "Identifier"),
    [ICMP_F_SEQ] = FIELD("seq", FT_UINT, "icmp.seq", "Sequence number"),
    [ICMP_F_GATEWAY] = FIELD("gateway", FT_IPV4, "icmp.redir_gw", "Gateway address"),
    [ICMP_F_NUM_ADDRS] = FIELD("num_addrs", FT_UINT, "icmp.num_addrs", "Number of addresses"),
    [ICMP_F_ADDR_ENTRY_SIZE] = FIELD("addr_entry_size", FT_UINT, "icmp.addr_entry_size",
                                     "Address entry size (words)"),
    [ICMP_F_LIFETIME] = FIELD("lifetime", FT_UINT, "icmp.lifetime", "Lifetime (seconds)"),
    [ICMP_F_POINTER] = FIELD("pointer", FT_UINT, "icmp.pointer", "Pointer"),
    [ICMP_F_ORIG_LEN] = FIELD("orig_len", FT_UINT, "icmp.length.original_datagram",
                              "Length of original datagram (bytes)"),
    [ICMP_F_MTU] = FIELD("mtu", FT_UINT, "icmp.mtu", "Next-hop MTU"),
    [ICMP_F_ORIGINATE] = FIELD("originate", FT_UINT, "icmp.originate_timestamp",
                               "Originate timestamp (ms)"),
    [ICMP_F_RECEIVE] = FIELD("receive", FT_UINT, "icmp.receive_timestamp", "Receive timestamp (ms)"),
    [ICMP_F_TRANSMIT] = FIELD("transmit", FT_UINT, "icmp.transmit_timestamp",
                              "Transmit timestamp (ms)"),
    [ICMP_F_MASK] = FIELD("mask", FT_IPV4, "icmp.address_mask", "Address mask"),
    [ICMP_F_CHECKSUM_OK] = FIELD("checksum_ok", FT_BOOL, "icmp.checksum_ok", "Checksum correct"),
};

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
    case ICMP_TSTAMP: case ICMP_TSTAMPREPLY: case ICMP_MASKREQ: case ICMP_MASKREPLY: {
        uint16_t id = cur_u16be(c);
        fld_uint(x, ICMP_F_ID, at, 2, id);
        x->l4.icmp_id = id;
        fld_uint(x, ICMP_F_SEQ, at + 2, 2, cur_u16be(c));
        if (type == ICMP_TSTAMP || type == ICMP_TSTAMPREPLY)
            return ICMP_TSTAMP_LEN;
        if (type == ICMP_MASKREQ || type == ICMP_MASKREPLY)
            return ICMP_MASK_LEN;
        return ICMP_HDR_LEN;
    }
    case ICMP_REDIRECT: {
        uint8_t gw[4];
        cur_bytes(c, gw, 4);
        fld_ipv4(x, ICMP_F_GATEWAY, at, gw);
        return ICMP_HDR_LEN;
    }
    case ICMP_ROUTERADVERT:
        fld_uint(x, ICMP_F_NUM_ADDRS, at, 1, cur_u8(c));
        fld_uint(x, ICMP_F_ADDR_ENTRY_SIZE, at + 1, 1, cur_u8(c));
        fld_uint(x, ICMP_F_LIFETIME, at + 2, 2, cur_u16be(c));
        return ICMP_HDR_LEN;
    case ICMP_UNREACH: case ICMP_TIMXCEED: case ICMP_PARAMPROB: {
        uint8_t ptr = cur_u8(c);
        uint8_t words = cur_u8(c); /* RFC 4884: quoted datagram length */
        uint16_t mtu = cur_u16be(c);
        if (type == ICMP_PARAMPROB)
            fld_uint(x, ICMP_F_POINTER, at, 1, ptr);
        if (words)
            fld_uint(x, ICMP_F_ORIG_LEN, at + 1, 1, words * ICMP_WORD);
        if (type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG)
            fld_uint(x, ICMP_F_MTU, at + 2, 2, mtu);
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
        fld_uint(x, ICMP_F_ORIGINATE, at, 4, cur_u32be(c));
        fld_uint(x, ICMP_F_RECEIVE, at + 4, 4, cur_u32be(c));
        fld_uint(x, ICMP_F_TRANSMIT, at + 8, 4, cur_u32be(c));
    } else if (type == ICMP_MASKREQ || type == ICMP_MASKREPLY) {
        uint8_t mask[4];
        cur_bytes(c, mask, 4);
        fld_ipv4(x, ICMP_F_MASK, at, mask);
    }
}

static int icmp_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off, got = cur_left(c), wire = cur_rleft(c);
    x->l4 = (l4_facts_t){0}; /* for the flow tracker */
    uint8_t type = cur_u8(c);
    uint8_t code = cur_u8(c);
    uint16_t sum = cur_u16be(c);
    if (got >= 1) {
        fld_note(fld_uint(x, ICMP_F_TYPE, start, 1, type), icmp_type_name(type));
        x->l4.icmp_type = type;
    }
    if (got >= 2)
        fld_uint(x, ICMP_F_CODE, start + 1, 1, code);
    if (got >= 4)
        fld_uint(x, ICMP_F_CHECKSUM, start + 2, 2, sum);
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
    if (got == wire && !x->allow_short && !x->ip_fragment && !x->rec->no_checksums)
        fld_bool(x, ICMP_F_CHECKSUM_OK, start + 2, 2, cur_sum16(c, start, wire, 0) == 0xffff);

    uint64_t qlen = 0;
    if (is_error(type) && x->layer->depth == 0) {
        /* RFC 4884: with a length, the quote ends there and extensions
         * follow; they are left undissected */
        cursor_t quote = *c;
        if (type == ICMP_UNREACH || type == ICMP_TIMXCEED || type == ICMP_PARAMPROB)
            qlen = (uint64_t)cur_peek_u8(c, start + 5) * ICMP_WORD; /* as icmp_rest read it */
        if (qlen && qlen <= cur_rleft(c))
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
    const field_t *dst = ip ? layer_role(r, ip, ROLE_DST_ADDR) : NULL;
    if (!dst || code >= sizeof unreach_words / sizeof unreach_words[0]) {
        ob_puts(ob, "ICMP destination unreachable code ");
        ob_u64(ob, code);
        return;
    }
    ob_puts(ob, "ICMP ");
    ob_puts(ob, unreach_words[code].pre);
    ob_ipv4(ob, dst->v.b);
    uint64_t proto = 0, port = 0, mtu = 0;
    const field_t *pf = layer_role(r, ip, ROLE_NEXT_PROTO);
    if (pf && pf->type == FT_UINT)
        proto = pf->v.u;
    if (code == ICMP_UNREACH_PROTOCOL) {
        ob_puts(ob, " protocol ");
        ob_u64(ob, proto);
    } else if (code == ICMP_UNREACH_PORT) {
        ob_puts(ob, proto == 6 ? " tcp port" : proto == 17 ? " udp port" : " port");
        const layer_t *t = ip + 1;
        const field_t *pt = NULL;
        if (t < r->layers + r->nlayers && t->depth == ip->depth)
            pt = layer_role(r, t, ROLE_DST_PORT);
        if (pt && (pt->type == FT_UINT || pt->type == FT_BOOL)) {
            port = pt->v.u;
            ob_putc(ob, ' ');
            ob_u64(ob, port);
        }
    }
    ob_puts(ob, " unreachable");
    ob_puts(ob, unreach_words[code].post);
    if (code == ICMP_UNREACH_NEEDFRAG && layer_uint(r, l, ICMP_F_MTU, &mtu) && mtu) {
        ob_puts(ob, " (mtu ");
        ob_u64(ob, mtu);
        ob_putc(ob, ')');
    }
}

static void id_seq(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t id = 0, seq = 0;
    layer_uint(r, l, ICMP_F_ID, &id);
    layer_uint(r, l, ICMP_F_SEQ, &seq);
    ob_puts(ob, " id ");
    ob_u64(ob, id);
    ob_puts(ob, " seq ");
    ob_u64(ob, seq);
}

static void icmp_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t type = 0, code = 0, v = 0;
    layer_uint(r, l, ICMP_F_TYPE, &type);
    layer_uint(r, l, ICMP_F_CODE, &code);
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
        const field_t *dst = ip ? layer_role(r, ip, ROLE_DST_ADDR) : NULL;
        ob_puts(ob, code >= 2 ? "ICMP redirect-tos " : "ICMP redirect ");
        if (dst) {
            ob_ipv4(ob, dst->v.b);
            ob_putc(ob, ' ');
        }
        ob_puts(ob, code & 1 ? "to host " : "to net ");
        if ((f = layer_field(r, l, ICMP_F_GATEWAY)))
            ob_ipv4(ob, f->v.b);
        return;
    }
    case ICMP_PARAMPROB:
        ob_puts(ob, "ICMP parameter problem");
        if (code == 0 && layer_uint(r, l, ICMP_F_POINTER, &v)) {
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
        if ((f = layer_field(r, l, ICMP_F_MASK))) {
            ob_puts(ob, "ICMP address mask is ");
            ob_ipv4(ob, f->v.b);
            return;
        }
        break;
    case ICMP_ROUTERADVERT:
        ob_puts(ob, "ICMP router advertisement lifetime ");
        layer_uint(r, l, ICMP_F_LIFETIME, &v);
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
    .id = PROTO_icmp,
    .fields = icmp_fields,
    .nfields = NFIELDS(icmp_fields),
    .dissect = icmp_dissect,
    .summary = icmp_summary,
    .bindings = icmp_bindings,
    .nbindings = sizeof icmp_bindings / sizeof icmp_bindings[0],
};
