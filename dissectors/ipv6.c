/* ipv6.c - Internet Protocol version 6 (RFC 8200).
 *
 * The fixed header, then the extension headers (hop-by-hop, routing,
 * fragment, destination options; RFC 8200 section 4) walked to the upper
 * protocol and recorded as the array `ext` inside this layer.  Only a
 * first fragment (offset 0) is handed to the upper protocol, as ipv4.c
 * does; later fragments are data.
 */
#include "../src/dissector.h"

#define IP6_HDR_LEN 40
#define IP6_VERSION(b) ((b) >> 4) /* of the first byte */
#define IP6_TCLASS(w) (((w) >> 20) & 0xff)
#define IP6_FLOW_LABEL(w) ((w)&0xfffff)
#define IP6_DSCP(tc) ((tc) >> 2)
#define IP6_ECN(tc) ((tc)&3)
/* RFC 8200 section 4.3: Hdr Ext Len in 8-octet units, less the first 8 */
#define IP6_EXT_LEN(hl) (((uint32_t)(hl) + 1) * 8)
/* RFC 8200 section 4.5: 13-bit offset in 8-octet units, then Res, M */
#define IP6_FRAG_OFF(w) ((uint32_t)(w)&0xfff8u)
#define IP6_FRAG_M(w) ((w)&1)
#define IP6_FRAG_HDR_LEN 8
/* More extension headers than any sane packet carries; also bounds the
 * fields one packet can add. */
#define IP6_MAX_EXT 16

enum ip6_nh {
    NH_HOPOPTS = 0,
    NH_ROUTING = 43,
    NH_FRAGMENT = 44,
    NH_DSTOPTS = 60,
};

static bool is_ext(uint8_t nh)
{
    return nh == NH_HOPOPTS || nh == NH_ROUTING || nh == NH_FRAGMENT || nh == NH_DSTOPTS;
}

static const char *ext_name(uint8_t nh)
{
    switch (nh) {
    case NH_HOPOPTS: return "hop-by-hop";
    case NH_ROUTING: return "routing";
    case NH_FRAGMENT: return "fragment";
    case NH_DSTOPTS: return "destination options";
    default: return NULL;
    }
}

/* Where the walk ended up. */
typedef struct ext_walk {
    uint8_t nh;      /* protocol after the extension headers */
    uint32_t nh_off; /* offset of the Next Header byte that names it */
    bool later_frag; /* a non-first fragment: no upper header here */
} ext_walk_t;

/* The type-specific part of one extension header at [at, at+elen). */
static void ext_body(dctx_t *x, cursor_t *pkt, uint8_t type, uint32_t at, ext_walk_t *w)
{
    if (type == NH_FRAGMENT) {
        uint16_t offm = cur_u16be(pkt);
        uint32_t id = cur_u32be(pkt);
        fld_uint(x, "offset", at + 2, 2, IP6_FRAG_OFF(offm));
        fld_bool(x, "m", at + 3, 1, IP6_FRAG_M(offm));
        fld_hex(x, "id", at + 4, 4, id);
        /* RFC 6946: an atomic fragment (offset 0, M 0) is a whole packet */
        if (IP6_FRAG_OFF(offm) != 0 || IP6_FRAG_M(offm))
            x->ip_fragment = true;
        w->later_frag = IP6_FRAG_OFF(offm) != 0;
    } else if (type == NH_ROUTING) {
        uint8_t rtype = cur_u8(pkt);
        uint8_t segs = cur_u8(pkt);
        fld_uint(x, "routing_type", at + 2, 1, rtype);
        fld_uint(x, "segs_left", at + 3, 1, segs);
    }
}

/* Walk the extension headers in pkt starting with w->nh.  `cut` says the
 * packet was clamped to a short ICMP quote: running past it is then
 * truncation, not a lie. */
static int walk_ext(dctx_t *x, cursor_t *pkt, ext_walk_t *w, bool cut, uint32_t start)
{
    field_t *arr = NULL;
    int st = LS_OK;
    for (unsigned n = 0; is_ext(w->nh) && !w->later_frag; n++) {
        if (n == IP6_MAX_EXT) {
            st = dx_error(x, ERR_ipv6_ext_too_many);
            break;
        }
        if (!arr)
            arr = fld_array(x, "ext", pkt->off);
        uint32_t at = pkt->off, wire = cur_rleft(pkt);
        uint8_t next = cur_u8(pkt);
        uint8_t hl = cur_u8(pkt);
        uint32_t elen = w->nh == NH_FRAGMENT ? IP6_FRAG_HDR_LEN : IP6_EXT_LEN(hl);
        if (wire < 2 || (!pkt->trunc && elen > wire)) {
            st = cut ? dx_truncated(x, pkt, start) : dx_error(x, ERR_bad_ipv6_ext);
            break;
        }
        if (pkt->trunc || !cur_has(pkt, elen - 2)) {
            st = dx_truncated(x, pkt, start);
            break;
        }
        field_t *o = fld_object(x, NULL, at);
        fld_note(fld_uint(x, "type", w->nh_off, 1, w->nh), ext_name(w->nh));
        fld_note(fld_uint(x, "nxt", at, 1, next), ipproto_name(next));
        fld_uint(x, "len", at + 1, w->nh == NH_FRAGMENT ? 0 : 1, elen);
        ext_body(x, pkt, w->nh, at, w);
        fld_end(x, o, at + elen);
        cur_skip(pkt, at + elen - pkt->off); /* captured: cur_has above */
        w->nh = next;
        w->nh_off = at;
    }
    if (arr)
        fld_end(x, arr, pkt->off);
    return st;
}

static int ipv6_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off, got = cur_left(c), wire = cur_rleft(c);
    uint8_t first = got ? cur_peek_u8(c, start) : 0;
    uint32_t vtf = cur_u32be(c);
    uint16_t plen = cur_u16be(c);
    uint8_t nxt = cur_u8(c);
    uint8_t hlim = cur_u8(c);
    uint8_t src[16], dst[16];
    cur_bytes(c, src, 16);
    cur_bytes(c, dst, 16);
    dx_span(x, c, start);
    /* a field only when its bytes were captured (a read after a failed
     * one would come from the wrong offset) */
    if (got >= 1)
        fld_uint(x, "version", start, 1, IP6_VERSION(first));
    if (got >= 4) {
        uint32_t tc = IP6_TCLASS(vtf);
        fld_hex(x, "tclass", start, 2, tc);
        fld_uint(x, "dscp", start, 2, IP6_DSCP(tc));
        fld_uint(x, "ecn", start + 1, 1, IP6_ECN(tc));
        fld_hex(x, "flow_label", start + 1, 3, IP6_FLOW_LABEL(vtf));
    }
    if (got >= 6)
        fld_uint(x, "plen", start + 4, 2, plen);
    if (got >= 7)
        fld_note(fld_uint(x, "nxt", start + 6, 1, nxt), ipproto_name(nxt));
    if (got >= 8)
        fld_uint(x, "hlim", start + 7, 1, hlim);
    if (got >= 24)
        fld_ipv6(x, "src", start + 8, src);
    if (got >= IP6_HDR_LEN)
        fld_ipv6(x, "dst", start + 24, dst);
    if (got >= 1 && IP6_VERSION(first) != 6)
        return dx_error(x, ERR_bad_ip_version);
    if (c->trunc) {
        /* a frame too short on the wire for the fixed header is broken;
         * a short quote or snaplen only truncated */
        if (wire < IP6_HDR_LEN && !x->allow_short)
            return dx_error(x, ERR_bad_ipv6_len);
        return dx_truncated(x, c, start);
    }

    /* The packet's extent: the payload length, or (jumbogram, RFC 2675,
     * or segmentation offload writing 0) what the frame reported. */
    uint32_t avail = cur_rleft(c);
    uint32_t len = plen ? plen : avail;
    bool cut = false;
    if (len > avail) {
        /* a quoted packet inside ICMPv6 claims more than the quote holds */
        if (!x->allow_short)
            return dx_error(x, ERR_bad_ipv6_len);
        len = avail;
        cut = true;
    }
    cursor_t pkt;
    cur_sub(c, len, &pkt);
    ext_walk_t w = {nxt, start + 6, false};
    int st = walk_ext(x, &pkt, &w, cut, start);
    if (st != LS_TRUNCATED) /* truncated() spanned to the cut */
        dx_span(x, &pkt, start);
    if (st != LS_OK)
        return st;
    fld_note(fld_uint(x, "upper", w.nh_off, 1, w.nh), ipproto_name(w.nh));
    if (w.later_frag)
        dx_next(x, &pkt, TBL_NONE, 0, 0); /* a later fragment: data */
    else
        dx_next(x, &pkt, TBL_IPPROTO, w.nh, w.nh);
    return LS_OK;
}

/* A field of the layer by name, also inside the `ext` objects. */
static const field_t *any_field(const record_t *r, const layer_t *l, const char *name)
{
    for (unsigned i = l->f_first; i < (unsigned)l->f_first + l->f_count; i++)
        if (r->fields[i].name && strcmp(r->fields[i].name, name) == 0)
            return &r->fields[i];
    return NULL;
}

static void ipv6_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t hlim = 0, plen = 0;
    layer_uint(r, l, "hlim", &hlim);
    layer_uint(r, l, "plen", &plen);
    const field_t *up = layer_field(r, l, "upper");
    if (!up)
        up = layer_field(r, l, "nxt");
    ob_puts(ob, "IPv6 next ");
    if (up && up->note) {
        ob_puts(ob, up->note);
    } else {
        ob_puts(ob, "proto ");
        ob_u64(ob, up ? up->v.u : 0);
    }
    ob_puts(ob, ", hlim ");
    ob_u64(ob, hlim);
    ob_puts(ob, ", length ");
    ob_u64(ob, plen);
    const field_t *off = any_field(r, l, "offset"), *m = any_field(r, l, "m");
    const field_t *id = any_field(r, l, "id");
    if (off && m && id && (off->v.u || m->v.u)) {
        ob_puts(ob, ", fragment id 0x");
        ob_hex(ob, id->v.u, 8);
        ob_puts(ob, " offset ");
        ob_u64(ob, off->v.u);
        if (m->v.u)
            ob_putc(ob, '+');
    }
}

static const binding_t ipv6_bindings[] = {
    {TBL_ETHERTYPE, 0x86dd},
    {TBL_IPPROTO, 41}, /* IPv6 in IP (RFC 4213 section 3.5) */
};

const dissector_t dissector_ipv6 = {
    .name = "ipv6",
    .title = "IPv6",
    .osi = 3,
    .dissect = ipv6_dissect,
    .summary = ipv6_summary,
    .bindings = ipv6_bindings,
    .nbindings = sizeof ipv6_bindings / sizeof ipv6_bindings[0],
};
