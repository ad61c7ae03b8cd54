/* icmpv6.c - ICMP for IPv6 (RFC 4443) and Neighbor Discovery (RFC 4861).
 *
 * Error messages (types 1-4) quote as much of the invoking packet as
 * fits (RFC 4443 section 2.4 (c)); the quote is dissected as nested
 * layers, one level deeper.  ND messages carry options (RFC 4861 section
 * 4.6) walked into the array `options`.  The checksum covers a pseudo
 * header (RFC 8200 section 8.1) built from the enclosing IPv6 layer.
 */
#include "dissector.h"

#define ICMP6_HDR_LEN 4 /* type, code, checksum: the rest depends on type */
#define ICMP6_ERR_LEN 8
#define ICMP6_ECHO_LEN 8
#define ND_RS_LEN 8
#define ND_RA_LEN 16
#define ND_NS_LEN 24
#define ND_NA_LEN 24
#define ND_REDIRECT_LEN 40
#define MLD_LEN 24 /* RFC 2710 section 3 */
#define ND_OPT_UNIT 8
#define ICMP6_WORD 8 /* RFC 4884 length unit for ICMPv6 */
#define IPPROTO_ICMPV6 58

enum icmp6_type {
    ICMP6_UNREACH = 1,
    ICMP6_TOOBIG = 2,
    ICMP6_TIMXCEED = 3,
    ICMP6_PARAMPROB = 4,
    ICMP6_ECHO = 128,
    ICMP6_ECHOREPLY = 129,
    MLD_QUERY = 130,
    MLD_REPORT = 131,
    MLD_DONE = 132,
    ND_RS = 133,
    ND_RA = 134,
    ND_NS = 135,
    ND_NA = 136,
    ND_REDIRECT = 137,
    MLD2_REPORT = 143, /* RFC 3810 */
};

enum nd_opt {
    ND_OPT_SLL = 1,
    ND_OPT_TLL = 2,
    ND_OPT_PREFIX = 3,
    ND_OPT_REDIRECTED = 4,
    ND_OPT_MTU = 5,
    ND_OPT_RDNSS = 25, /* RFC 8106 */
};
#define ND_OPT_PREFIX_LEN 32

/* RFC 4861 section 4.2 (M, O), RFC 6275 (H), RFC 4191 (Prf) */
#define RA_M(f) (((f) >> 7) & 1)
#define RA_O(f) (((f) >> 6) & 1)
#define RA_H(f) (((f) >> 5) & 1)
#define RA_PRF(f) (((f) >> 3) & 3)
/* RFC 4861 section 4.4 */
#define NA_R(w) (((w) >> 31) & 1)
#define NA_S(w) (((w) >> 30) & 1)
#define NA_O(w) (((w) >> 29) & 1)
/* RFC 4861 section 4.6.2 */
#define PI_L(f) (((f) >> 7) & 1)
#define PI_A(f) (((f) >> 6) & 1)

/* The fields, declared once; display-filter names are Wireshark's where
 * it has one (its icmpv6.length and icmpv6.opt.length count 8-byte units;
 * strata's orig_len and option len are in bytes). */
enum {
    ICMP6_TYPE, ICMP6_CODE, ICMP6_CHECKSUM, ICMP6_CHECKSUM_OK, ICMP6_ECHO_ID, ICMP6_ECHO_SEQ,
    ICMP6_MTU, ICMP6_POINTER, ICMP6_ORIG_LEN, ICMP6_MLD_MAX_RESP, ICMP6_MLD_GROUP,
    ICMP6_RA_HOP_LIMIT, ICMP6_RA_FLAGS, ICMP6_RA_M, ICMP6_RA_O, ICMP6_RA_H, ICMP6_RA_PRF,
    ICMP6_RA_LIFETIME, ICMP6_RA_REACHABLE, ICMP6_RA_RETRANS, ICMP6_NA_R, ICMP6_NA_S, ICMP6_NA_O,
    ICMP6_NS_TARGET, ICMP6_NA_TARGET, ICMP6_RD_TARGET, ICMP6_RD_DST, ICMP6_OPTIONS, ICMP6_OPTION,
    ICMP6_OPT_TYPE, ICMP6_OPT_LEN, ICMP6_OPT_SLL, ICMP6_OPT_TLL, ICMP6_OPT_PREFIX_LEN,
    ICMP6_OPT_PREFIX_L, ICMP6_OPT_PREFIX_A, ICMP6_OPT_VALID_LIFETIME, ICMP6_OPT_PREF_LIFETIME,
    ICMP6_OPT_PREFIX, ICMP6_OPT_MTU, ICMP6_OPT_RDNSS_LIFETIME,
};
static const field_def_t icmpv6_fields[] = {
    [ICMP6_TYPE] = FIELD("type", FT_UINT, "icmpv6.type", "Type"),
    [ICMP6_CODE] = FIELD("code", FT_UINT, "icmpv6.code", "Code"),
    [ICMP6_CHECKSUM] = FIELD("checksum", FT_UINT, "icmpv6.checksum", "Checksum", .flags = FF_HEX),
    [ICMP6_CHECKSUM_OK] = FIELD("checksum_ok", FT_BOOL, "icmpv6.checksum_ok", "Checksum correct"),
    [ICMP6_ECHO_ID] = FIELD("id", FT_UINT, "icmpv6.echo.identifier", "Identifier"),
    [ICMP6_ECHO_SEQ] = FIELD("seq", FT_UINT, "icmpv6.echo.sequence_number", "Sequence number"),
    [ICMP6_MTU] = FIELD("mtu", FT_UINT, "icmpv6.mtu", "MTU"),
    [ICMP6_POINTER] = FIELD("pointer", FT_UINT, "icmpv6.pointer", "Pointer"),
    [ICMP6_ORIG_LEN] = FIELD("orig_len", FT_UINT, "icmpv6.length",
                             "Length of the original datagram (bytes)"),
    [ICMP6_MLD_MAX_RESP] = FIELD("max_resp_delay", FT_UINT, "icmpv6.mld.maximum_response_delay",
                                 "Maximum response delay (ms)"),
    [ICMP6_MLD_GROUP] = FIELD("group", FT_IPV6, "icmpv6.mld.multicast_address",
                              "Multicast address"),
    [ICMP6_RA_HOP_LIMIT] = FIELD("cur_hop_limit", FT_UINT, "icmpv6.nd.ra.cur_hop_limit",
                                 "Current hop limit"),
    [ICMP6_RA_FLAGS] = FIELD("flags", FT_UINT, "icmpv6.nd.ra.flag", "Flags", .flags = FF_HEX),
    [ICMP6_RA_M] = FIELD("m", FT_BOOL, "icmpv6.nd.ra.flag.m", "Managed address configuration"),
    [ICMP6_RA_O] = FIELD("o", FT_BOOL, "icmpv6.nd.ra.flag.o", "Other configuration"),
    [ICMP6_RA_H] = FIELD("h", FT_BOOL, "icmpv6.nd.ra.flag.h", "Home agent"),
    [ICMP6_RA_PRF] = FIELD("prf", FT_UINT, "icmpv6.nd.ra.flag.prf", "Default router preference"),
    [ICMP6_RA_LIFETIME] = FIELD("router_lifetime", FT_UINT, "icmpv6.nd.ra.router_lifetime",
                                "Router lifetime (s)"),
    [ICMP6_RA_REACHABLE] = FIELD("reachable_time", FT_UINT, "icmpv6.nd.ra.reachable_time",
                                 "Reachable time (ms)"),
    [ICMP6_RA_RETRANS] = FIELD("retrans_timer", FT_UINT, "icmpv6.nd.ra.retrans_timer",
                               "Retrans timer (ms)"),
    [ICMP6_NA_R] = FIELD("r", FT_BOOL, "icmpv6.nd.na.flag.r", "Router"),
    [ICMP6_NA_S] = FIELD("s", FT_BOOL, "icmpv6.nd.na.flag.s", "Solicited"),
    [ICMP6_NA_O] = FIELD("o", FT_BOOL, "icmpv6.nd.na.flag.o", "Override"),
    [ICMP6_NS_TARGET] = FIELD("target", FT_IPV6, "icmpv6.nd.ns.target_address", "Target address"),
    [ICMP6_NA_TARGET] = FIELD("target", FT_IPV6, "icmpv6.nd.na.target_address", "Target address"),
    [ICMP6_RD_TARGET] = FIELD("target", FT_IPV6, "icmpv6.nd.rd.target_address", "Target address"),
    [ICMP6_RD_DST] = FIELD("dst", FT_IPV6, "icmpv6.nd.rd.destination_address",
                           "Destination address"),
    [ICMP6_OPTIONS] = FIELD("options", FT_ARRAY, "icmpv6.options", "Options"),
    [ICMP6_OPTION] = FIELD("option", FT_OBJECT, "icmpv6.opt", "Option"),
    [ICMP6_OPT_TYPE] = FIELD("type", FT_UINT, "icmpv6.opt.type", "Type"),
    [ICMP6_OPT_LEN] = FIELD("len", FT_UINT, "icmpv6.opt.length", "Length (bytes)"),
    [ICMP6_OPT_SLL] = FIELD("sll", FT_MAC, "icmpv6.opt.src_linkaddr", "Source link-layer address"),
    [ICMP6_OPT_TLL] = FIELD("tll", FT_MAC, "icmpv6.opt.target_linkaddr",
                            "Target link-layer address"),
    [ICMP6_OPT_PREFIX_LEN] = FIELD("prefix_len", FT_UINT, "icmpv6.opt.prefix.length",
                                   "Prefix length"),
    [ICMP6_OPT_PREFIX_L] = FIELD("l", FT_BOOL, "icmpv6.opt.prefix.flag.l", "On-link"),
    [ICMP6_OPT_PREFIX_A] = FIELD("a", FT_BOOL, "icmpv6.opt.prefix.flag.a",
                                 "Autonomous address configuration"),
    [ICMP6_OPT_VALID_LIFETIME] = FIELD("valid_lifetime", FT_UINT,
                                       "icmpv6.opt.prefix.valid_lifetime", "Valid lifetime (s)"),
    [ICMP6_OPT_PREF_LIFETIME] = FIELD("preferred_lifetime", FT_UINT,
                                      "icmpv6.opt.prefix.preferred_lifetime",
                                      "Preferred lifetime (s)"),
    [ICMP6_OPT_PREFIX] = FIELD("prefix", FT_IPV6, "icmpv6.opt.prefix", "Prefix"),
    [ICMP6_OPT_MTU] = FIELD("mtu", FT_UINT, "icmpv6.opt.mtu", "MTU"),
    [ICMP6_OPT_RDNSS_LIFETIME] = FIELD("lifetime", FT_UINT, "icmpv6.opt.rdnss.lifetime",
                                       "Lifetime (s)"),
};

static const char *icmp6_type_name(uint8_t type)
{
    switch (type) {
    case ICMP6_UNREACH: return "destination unreachable";
    case ICMP6_TOOBIG: return "packet too big";
    case ICMP6_TIMXCEED: return "time exceeded";
    case ICMP6_PARAMPROB: return "parameter problem";
    case ICMP6_ECHO: return "echo request";
    case ICMP6_ECHOREPLY: return "echo reply";
    case MLD_QUERY: return "multicast listener query";
    case MLD_REPORT: return "multicast listener report";
    case MLD_DONE: return "multicast listener done";
    case ND_RS: return "router solicitation";
    case ND_RA: return "router advertisement";
    case ND_NS: return "neighbor solicitation";
    case ND_NA: return "neighbor advertisement";
    case ND_REDIRECT: return "redirect";
    case MLD2_REPORT: return "multicast listener report v2";
    default: return NULL;
    }
}

static const char *nd_opt_name(uint8_t type)
{
    switch (type) {
    case ND_OPT_SLL: return "source link-layer address";
    case ND_OPT_TLL: return "target link-layer address";
    case ND_OPT_PREFIX: return "prefix information";
    case ND_OPT_REDIRECTED: return "redirected header";
    case ND_OPT_MTU: return "MTU";
    case ND_OPT_RDNSS: return "recursive DNS server";
    default: return NULL;
    }
}

/* Length of the type's fixed part (after which options or data come). */
static uint32_t fixed_len(uint8_t type)
{
    switch (type) {
    case ICMP6_UNREACH: case ICMP6_TOOBIG: case ICMP6_TIMXCEED: case ICMP6_PARAMPROB:
        return ICMP6_ERR_LEN;
    case ICMP6_ECHO: case ICMP6_ECHOREPLY: return ICMP6_ECHO_LEN;
    case MLD_QUERY: case MLD_REPORT: case MLD_DONE: return MLD_LEN;
    case ND_RS: return ND_RS_LEN;
    case ND_RA: return ND_RA_LEN;
    case ND_NS: return ND_NS_LEN;
    case ND_NA: return ND_NA_LEN;
    case ND_REDIRECT: return ND_REDIRECT_LEN;
    default: return ICMP6_HDR_LEN;
    }
}

static void add_addr(dctx_t *x, cursor_t *c, unsigned id)
{
    uint8_t a[16];
    uint32_t at = c->off;
    cur_bytes(c, a, 16);
    fld_ipv6(x, id, at, a);
}

/* The fixed part after type/code/checksum, all captured. */
static void icmp6_body(dctx_t *x, cursor_t *c, uint8_t type)
{
    uint32_t at = c->off;
    switch (type) {
    case ICMP6_ECHO: case ICMP6_ECHOREPLY: {
        uint16_t id = cur_u16be(c);
        fld_uint(x, ICMP6_ECHO_ID, at, 2, id);
        x->l4.icmp_id = id; /* for the flow tracker */
        fld_uint(x, ICMP6_ECHO_SEQ, at + 2, 2, cur_u16be(c));
        break;
    }
    case ICMP6_TOOBIG:
        fld_uint(x, ICMP6_MTU, at, 4, cur_u32be(c));
        break;
    case ICMP6_PARAMPROB:
        fld_uint(x, ICMP6_POINTER, at, 4, cur_u32be(c));
        break;
    case MLD_QUERY: case MLD_REPORT: case MLD_DONE:
        fld_uint(x, ICMP6_MLD_MAX_RESP, at, 2, cur_u16be(c));
        cur_skip(c, 2);
        add_addr(x, c, ICMP6_MLD_GROUP);
        break;
    case ND_RA: {
        fld_uint(x, ICMP6_RA_HOP_LIMIT, at, 1, cur_u8(c));
        uint8_t f = cur_u8(c);
        fld_uint(x, ICMP6_RA_FLAGS, at + 1, 1, f);
        fld_bool(x, ICMP6_RA_M, at + 1, 1, RA_M(f));
        fld_bool(x, ICMP6_RA_O, at + 1, 1, RA_O(f));
        fld_bool(x, ICMP6_RA_H, at + 1, 1, RA_H(f));
        fld_uint(x, ICMP6_RA_PRF, at + 1, 1, RA_PRF(f));
        fld_uint(x, ICMP6_RA_LIFETIME, at + 2, 2, cur_u16be(c));
        fld_uint(x, ICMP6_RA_REACHABLE, at + 4, 4, cur_u32be(c));
        fld_uint(x, ICMP6_RA_RETRANS, at + 8, 4, cur_u32be(c));
        break;
    }
    case ND_NA: {
        uint32_t w = cur_u32be(c);
        fld_bool(x, ICMP6_NA_R, at, 1, NA_R(w));
        fld_bool(x, ICMP6_NA_S, at, 1, NA_S(w));
        fld_bool(x, ICMP6_NA_O, at, 1, NA_O(w));
        add_addr(x, c, ICMP6_NA_TARGET);
        break;
    }
    case ND_NS: case ND_REDIRECT:
        cur_skip(c, 4); /* reserved */
        add_addr(x, c, type == ND_NS ? ICMP6_NS_TARGET : ICMP6_RD_TARGET);
        if (type == ND_REDIRECT)
            add_addr(x, c, ICMP6_RD_DST);
        break;
    case ICMP6_UNREACH: case ICMP6_TIMXCEED: {
        uint8_t words = cur_u8(c); /* RFC 4884: quoted packet length */
        if (words)
            fld_uint(x, ICMP6_ORIG_LEN, at, 1, words * ICMP6_WORD);
        cur_skip(c, 3);
        break;
    }
    default: /* RS, MLDv2, unknown: reserved or counts */
        cur_skip(c, fixed_len(type) - ICMP6_HDR_LEN);
        break;
    }
}

/* The decoded part of one option of olen bytes at `at` (type and length
 * already read). */
static void nd_option_body(dctx_t *x, cursor_t *c, uint8_t type, uint32_t at, uint32_t olen)
{
    if ((type == ND_OPT_SLL || type == ND_OPT_TLL) && olen == ND_OPT_UNIT) {
        /* Ethernet: 6 bytes of address (RFC 2464 section 6) */
        uint8_t mac[6];
        cur_bytes(c, mac, 6);
        fld_mac(x, type == ND_OPT_SLL ? ICMP6_OPT_SLL : ICMP6_OPT_TLL, at + 2, mac);
    } else if (type == ND_OPT_PREFIX && olen == ND_OPT_PREFIX_LEN) {
        fld_uint(x, ICMP6_OPT_PREFIX_LEN, at + 2, 1, cur_u8(c));
        uint8_t f = cur_u8(c);
        fld_bool(x, ICMP6_OPT_PREFIX_L, at + 3, 1, PI_L(f));
        fld_bool(x, ICMP6_OPT_PREFIX_A, at + 3, 1, PI_A(f));
        fld_uint(x, ICMP6_OPT_VALID_LIFETIME, at + 4, 4, cur_u32be(c));
        fld_uint(x, ICMP6_OPT_PREF_LIFETIME, at + 8, 4, cur_u32be(c));
        cur_skip(c, 4);
        add_addr(x, c, ICMP6_OPT_PREFIX);
    } else if (type == ND_OPT_MTU && olen == ND_OPT_UNIT) {
        cur_skip(c, 2);
        fld_uint(x, ICMP6_OPT_MTU, at + 4, 4, cur_u32be(c));
    } else if (type == ND_OPT_RDNSS && olen >= ND_OPT_UNIT) {
        cur_skip(c, 2);
        fld_uint(x, ICMP6_OPT_RDNSS_LIFETIME, at + 4, 4, cur_u32be(c));
    }
}

/* ND options up to the end of the message.  Each is at least 8 bytes, so
 * the walk is bounded by the message length. */
static int nd_options(dctx_t *x, cursor_t *c, uint32_t start)
{
    field_t *arr = fld_array(x, ICMP6_OPTIONS, c->off);
    int st = LS_OK;
    while (cur_rleft(c) > 0) {
        uint32_t at = c->off, wire = cur_rleft(c);
        uint8_t type = cur_u8(c);
        uint8_t units = cur_u8(c);
        uint32_t olen = units * ND_OPT_UNIT;
        /* in a quote the message is cut short: only truncated */
        if (wire < 2 || (!c->trunc && (olen == 0 || olen > wire))) {
            st = x->allow_short && olen ? dx_truncated(x, c, start) : dx_error(x, ERR_bad_nd_option);
            break;
        }
        if (c->trunc || !cur_has(c, olen - 2)) {
            st = dx_truncated(x, c, start);
            break;
        }
        field_t *o = fld_object(x, ICMP6_OPTION, at);
        fld_note(fld_uint(x, ICMP6_OPT_TYPE, at, 1, type), nd_opt_name(type));
        fld_uint(x, ICMP6_OPT_LEN, at + 1, 1, olen);
        nd_option_body(x, c, type, at, olen);
        fld_end(x, o, at + olen);
        cur_skip(c, at + olen - c->off); /* captured: cur_has above */
    }
    fld_end(x, arr, c->off < c->end ? c->off : c->end);
    return st;
}

/* RFC 4443 section 2.3: the checksum over the pseudo header (RFC 8200
 * section 8.1) and the message.  Only when the enclosing header is IPv6
 * with its addresses, no routing header still to visit (the pseudo header
 * would need the final destination), and every byte is captured. */
static void checksum_check(dctx_t *x, cursor_t *c, uint32_t start, uint32_t n)
{
    uint32_t sum;
    if (x->ip.version != 6 || !dx_pseudo_sum(x, IPPROTO_ICMPV6, n, &sum))
        return;
    fld_bool(x, ICMP6_CHECKSUM_OK, start + 2, 2, cur_sum16(c, start, n, sum) == 0xffff);
}

static int icmpv6_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off, got = cur_left(c), wire = cur_rleft(c);
    uint8_t type = cur_u8(c);
    uint8_t code = cur_u8(c);
    uint16_t sum = cur_u16be(c);
    x->l4 = (l4_facts_t){0}; /* for the flow tracker */
    if (got >= 1) {
        fld_note(fld_uint(x, ICMP6_TYPE, start, 1, type), icmp6_type_name(type));
        x->l4.icmp_type = type;
    }
    if (got >= 2)
        fld_uint(x, ICMP6_CODE, start + 1, 1, code);
    if (got >= ICMP6_HDR_LEN)
        fld_uint(x, ICMP6_CHECKSUM, start + 2, 2, sum);
    uint32_t fixed = fixed_len(type); /* 4 when not even the type is known */
    if (wire < fixed && !x->allow_short)
        return dx_error(x, ERR_bad_icmpv6);
    if (c->trunc || !cur_has(c, fixed - ICMP6_HDR_LEN))
        return dx_truncated(x, c, start);
    icmp6_body(x, c, type);
    /* the checksum needs every byte: not in a quote or a fragment */
    if (got == wire && !x->allow_short && !x->ip_fragment)
        checksum_check(x, c, start, wire);

    if (type >= ND_RS && type <= ND_REDIRECT) {
        int st = nd_options(x, c, start);
        if (st != LS_TRUNCATED) /* truncated() spanned to the cut */
            dx_span(x, c, start);
        return st;
    }
    dx_span(x, c, start);
    uint64_t qlen = 0;
    if (type >= ICMP6_UNREACH && type <= ICMP6_PARAMPROB && x->layer->depth == 0) {
        /* RFC 4884: with a length, the quote ends there and extensions
         * follow; they are left undissected */
        cursor_t quote = *c;
        if (layer_uint(x->rec, x->layer, ICMP6_ORIG_LEN, &qlen) && qlen <= cur_rleft(c))
            cur_sub(c, (uint32_t)qlen, &quote);
        dx_next(x, &quote, TBL_NONE, 0, 0);
        x->next_direct = &dissector_ipv6;
        x->next_nested = true;
    } else {
        /* echo data, MLDv2 records, or an error quoted inside a quote */
        dx_next(x, c, TBL_NONE, 0, 0);
    }
    return LS_OK;
}

/* A field anywhere in the layer, also inside `options`. */
static const field_t *any_field(const record_t *r, const layer_t *l, unsigned id)
{
    for (unsigned i = l->f_first; i < (unsigned)l->f_first + l->f_count; i++)
        if (FIELD_IS(&r->fields[i], icmpv6_fields, id))
            return &r->fields[i];
    return NULL;
}

/* The value of the numeric field playing `role` in a layer of another
 * protocol (as layer_uint reads one of a layer's own). */
static bool role_uint(const record_t *r, const layer_t *l, unsigned role, uint64_t *out)
{
    const field_t *f = layer_role(r, l, role);
    if (!f || (f->type != FT_UINT && f->type != FT_BOOL))
        return false;
    *out = f->v.u;
    return true;
}

static const char *const unreach_reason[] = {
    " - no route", " - admin prohibited", " - beyond scope", " - address unreachable",
    "", " - source address failed policy", " - reject route",
    " - source routing header error",  /* RFC 6554 */
    " - headers too long",             /* RFC 8883 */
};

static void unreach_summary(const record_t *r, const layer_t *l, uint64_t code, outbuf_t *ob)
{
    const layer_t *ip = l + 1;
    const field_t *dst = NULL;
    if (ip < r->layers + r->nlayers && ip->depth == l->depth + 1 && ip->proto == &dissector_ipv6)
        dst = layer_role(r, ip, ROLE_DST_ADDR);
    if (!dst || code >= sizeof unreach_reason / sizeof unreach_reason[0]) {
        ob_puts(ob, "ICMP6 destination unreachable code ");
        ob_u64(ob, code);
        return;
    }
    ob_puts(ob, "ICMP6 ");
    ob_ipv6(ob, dst->v.b);
    if (code == 4) { /* port unreachable */
        uint64_t proto = 0, port;
        role_uint(r, ip, ROLE_NEXT_PROTO, &proto);
        ob_puts(ob, proto == 6 ? " tcp port" : proto == 17 ? " udp port" : " port");
        const layer_t *t = ip + 1;
        if (t < r->layers + r->nlayers && t->depth == ip->depth &&
            role_uint(r, t, ROLE_DST_PORT, &port)) {
            ob_putc(ob, ' ');
            ob_u64(ob, port);
        }
    }
    ob_puts(ob, " unreachable");
    ob_puts(ob, unreach_reason[code]);
}

static void icmpv6_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t type = 0, code = 0, a = 0, b = 0;
    layer_uint(r, l, ICMP6_TYPE, &type);
    layer_uint(r, l, ICMP6_CODE, &code);
    unsigned tgt_id = type == ND_NS ? ICMP6_NS_TARGET : type == ND_NA ? ICMP6_NA_TARGET
                                                                      : ICMP6_RD_TARGET;
    const field_t *tgt = layer_field(r, l, tgt_id), *f;
    switch (type) {
    case ICMP6_UNREACH:
        unreach_summary(r, l, code, ob);
        return;
    case ICMP6_TIMXCEED:
        ob_puts(ob, code == 0 ? "ICMP6 time exceeded in-transit"
                    : code == 1 ? "ICMP6 reassembly time exceeded"
                                : "ICMP6 time exceeded");
        return;
    default:
        break;
    }
    ob_puts(ob, "ICMP6 ");
    if (!icmp6_type_name((uint8_t)type)) {
        ob_puts(ob, "type ");
        ob_u64(ob, type);
        ob_puts(ob, " code ");
        ob_u64(ob, code);
        return;
    }
    ob_puts(ob, icmp6_type_name((uint8_t)type));
    if ((type == ICMP6_ECHO || type == ICMP6_ECHOREPLY) && layer_uint(r, l, ICMP6_ECHO_ID, &a) &&
        layer_uint(r, l, ICMP6_ECHO_SEQ, &b)) {
        ob_puts(ob, " id ");
        ob_u64(ob, a);
        ob_puts(ob, " seq ");
        ob_u64(ob, b);
    } else if (type == ICMP6_TOOBIG && layer_uint(r, l, ICMP6_MTU, &a)) {
        ob_puts(ob, " mtu ");
        ob_u64(ob, a);
    } else if (type == ICMP6_PARAMPROB && layer_uint(r, l, ICMP6_POINTER, &a)) {
        ob_puts(ob, " code ");
        ob_u64(ob, code);
        ob_puts(ob, " pointer ");
        ob_u64(ob, a);
    } else if (type == ND_NS && tgt) {
        ob_puts(ob, " who has ");
        ob_ipv6(ob, tgt->v.b);
    } else if (type == ND_NA && tgt) {
        ob_putc(ob, ' ');
        ob_ipv6(ob, tgt->v.b);
        if ((f = any_field(r, l, ICMP6_OPT_TLL)) && f->type == FT_MAC) {
            ob_puts(ob, " is at ");
            ob_mac(ob, f->v.b);
        }
    } else if (type == ND_RA && layer_uint(r, l, ICMP6_RA_HOP_LIMIT, &a) &&
               layer_uint(r, l, ICMP6_RA_LIFETIME, &b)) {
        ob_puts(ob, " hop limit ");
        ob_u64(ob, a);
        ob_puts(ob, " lifetime ");
        ob_u64(ob, b);
    } else if (type == ND_REDIRECT && tgt && (f = layer_field(r, l, ICMP6_RD_DST))) {
        ob_putc(ob, ' ');
        ob_ipv6(ob, f->v.b);
        ob_puts(ob, " to ");
        ob_ipv6(ob, tgt->v.b);
    }
}

static const binding_t icmpv6_bindings[] = {
    {TBL_IPPROTO, IPPROTO_ICMPV6},
};

const dissector_t dissector_icmpv6 = {
    .name = "icmpv6",
    .title = "ICMPv6",
    .osi = 3,
    .id = PROTO_icmpv6,
    .fields = icmpv6_fields,
    .nfields = NFIELDS(icmpv6_fields),
    .dissect = icmpv6_dissect,
    .summary = icmpv6_summary,
    .bindings = icmpv6_bindings,
    .nbindings = sizeof icmpv6_bindings / sizeof icmpv6_bindings[0],
};
