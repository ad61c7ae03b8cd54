/* ipv6.c - Internet Protocol version 6 (RFC 8200).
 *
 * The fixed header, then the extension headers (hop-by-hop, routing,
 * fragment, destination options; RFC 8200 section 4) walked to the upper
 * protocol and recorded as the array `ext` inside this layer.  Only a
 * first fragment (offset 0) is handed to the upper protocol, as ipv4.c
 * does; later fragments are data.
 */
#include "dissector.h"

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

/* The fields, declared once; display-filter names are Wireshark's where
 * it has one (it names the extension headers' common fields per header
 * type; strata has one `ext` array for them all). */
enum {
    IPV6_VERSION, IPV6_TCLASS, IPV6_DSCP, IPV6_ECN, IPV6_FLOW_LABEL, IPV6_PLEN, IPV6_NXT,
    IPV6_HLIM, IPV6_SRC, IPV6_DST, IPV6_EXT, IPV6_EXT_HDR, IPV6_EXT_TYPE, IPV6_EXT_NXT,
    IPV6_EXT_LEN, IPV6_FRAG_OFFSET, IPV6_FRAG_M, IPV6_FRAG_ID, IPV6_RT_TYPE, IPV6_RT_SEGS_LEFT,
    IPV6_UPPER,
};
static const field_def_t ipv6_fields[] = {
    [IPV6_VERSION] = FIELD("version", FT_UINT, "ipv6.version", "Version"),
    [IPV6_TCLASS] = FIELD("tclass", FT_UINT, "ipv6.tclass", "Traffic class", .flags = FF_HEX),
    [IPV6_DSCP] = FIELD("dscp", FT_UINT, "ipv6.tclass.dscp", "Differentiated services codepoint"),
    [IPV6_ECN] = FIELD("ecn", FT_UINT, "ipv6.tclass.ecn", "Explicit congestion notification"),
    [IPV6_FLOW_LABEL] = FIELD("flow_label", FT_UINT, "ipv6.flow", "Flow label", .flags = FF_HEX),
    [IPV6_PLEN] = FIELD("plen", FT_UINT, "ipv6.plen", "Payload length"),
    [IPV6_NXT] = FIELD("nxt", FT_UINT, "ipv6.nxt", "Next header"),
    [IPV6_HLIM] = FIELD("hlim", FT_UINT, "ipv6.hlim", "Hop limit"),
    [IPV6_SRC] = FIELD("src", FT_IPV6, "ipv6.src", "Source address", .role = ROLE_SRC_ADDR),
    [IPV6_DST] = FIELD("dst", FT_IPV6, "ipv6.dst", "Destination address", .role = ROLE_DST_ADDR),
    [IPV6_EXT] = FIELD("ext", FT_ARRAY, "ipv6.ext", "Extension headers"),
    [IPV6_EXT_HDR] = FIELD("header", FT_OBJECT, "ipv6.ext.header", "Extension header"),
    [IPV6_EXT_TYPE] = FIELD("type", FT_UINT, "ipv6.ext.type", "Header type"),
    [IPV6_EXT_NXT] = FIELD("nxt", FT_UINT, "ipv6.ext.nxt", "Next header"),
    [IPV6_EXT_LEN] = FIELD("len", FT_UINT, "ipv6.ext.len", "Length (bytes)"),
    [IPV6_FRAG_OFFSET] = FIELD("offset", FT_UINT, "ipv6.fragment.offset", "Fragment offset (bytes)"),
    [IPV6_FRAG_M] = FIELD("m", FT_BOOL, "ipv6.fragment.more", "More fragments"),
    [IPV6_FRAG_ID] = FIELD("id", FT_UINT, "ipv6.fragment.id", "Identification", .flags = FF_HEX),
    [IPV6_RT_TYPE] = FIELD("routing_type", FT_UINT, "ipv6.routing.type", "Routing type"),
    [IPV6_RT_SEGS_LEFT] = FIELD("segs_left", FT_UINT, "ipv6.routing.segleft", "Segments left"),
    [IPV6_UPPER] = FIELD("upper", FT_UINT, "ipv6.upper", "Upper-layer protocol",
                         .role = ROLE_NEXT_PROTO),
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
        fld_uint(x, IPV6_FRAG_OFFSET, at + 2, 2, IP6_FRAG_OFF(offm));
        fld_bool(x, IPV6_FRAG_M, at + 3, 1, IP6_FRAG_M(offm));
        fld_uint(x, IPV6_FRAG_ID, at + 4, 4, id);
        /* RFC 6946: an atomic fragment (offset 0, M 0) is a whole packet */
        if (IP6_FRAG_OFF(offm) != 0 || IP6_FRAG_M(offm))
            x->ip_fragment = true;
        w->later_frag = IP6_FRAG_OFF(offm) != 0;
    } else if (type == NH_ROUTING) {
        uint8_t rtype = cur_u8(pkt);
        uint8_t segs = cur_u8(pkt);
        fld_uint(x, IPV6_RT_TYPE, at + 2, 1, rtype);
        fld_uint(x, IPV6_RT_SEGS_LEFT, at + 3, 1, segs);
        if (segs != 0) {
            x->ip.rh_pending = true; /* dst is not the final destination */
            /* types 0 (RFC 2460, deprecated) and 2 (RFC 6275) list the
             * addresses to visit, the final destination last: the one the
             * pseudo header of a checksum takes (RFC 8200 section 8.1) */
            uint32_t naddr = cur_peek_u8(pkt, at + 1) / 2u;
            if ((rtype == 0 || rtype == 2) && naddr) {
                uint32_t a = at + 8 + (naddr - 1) * 16;
                cursor_t probe = *pkt;
                for (unsigned i = 0; i < 16; i++)
                    x->ip.final_dst[i] = cur_peek_u8(&probe, a + i);
                x->ip.has_final_dst = !probe.trunc;
            }
        }
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
            arr = fld_array(x, IPV6_EXT, pkt->off);
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
        field_t *o = fld_object(x, IPV6_EXT_HDR, at);
        fld_note(fld_uint(x, IPV6_EXT_TYPE, w->nh_off, 1, w->nh), ext_name(w->nh));
        fld_note(fld_uint(x, IPV6_EXT_NXT, at, 1, next), ipproto_name(next));
        fld_uint(x, IPV6_EXT_LEN, at + 1, w->nh == NH_FRAGMENT ? 0 : 1, elen);
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
    ip_facts_t *facts = &x->ip; /* for the flow tracker */
    *facts = (ip_facts_t){0};
    uint8_t first = got ? cur_peek_u8(c, start) : 0;
    uint32_t vtf = cur_u32be(c);
    uint16_t plen = cur_u16be(c);
    field_t *plen_f = NULL;
    uint8_t nxt = cur_u8(c);
    uint8_t hlim = cur_u8(c);
    uint8_t src[16], dst[16];
    cur_bytes(c, src, 16);
    cur_bytes(c, dst, 16);
    dx_span(x, c, start);
    /* a field only when its bytes were captured (a read after a failed
     * one would come from the wrong offset) */
    if (got >= 1)
        fld_uint(x, IPV6_VERSION, start, 1, IP6_VERSION(first));
    if (got >= 4) {
        uint32_t tc = IP6_TCLASS(vtf);
        fld_uint(x, IPV6_TCLASS, start, 2, tc);
        fld_uint(x, IPV6_DSCP, start, 2, IP6_DSCP(tc));
        fld_uint(x, IPV6_ECN, start + 1, 1, IP6_ECN(tc));
        fld_uint(x, IPV6_FLOW_LABEL, start + 1, 3, IP6_FLOW_LABEL(vtf));
    }
    if (got >= 6) {
        plen_f = fld_uint(x, IPV6_PLEN, start + 4, 2, plen);
        facts->len = IP6_HDR_LEN + (uint32_t)plen;
    }
    if (got >= 7) {
        fld_note(fld_uint(x, IPV6_NXT, start + 6, 1, nxt), ipproto_name(nxt));
        facts->proto = nxt; /* until the extension headers name the upper one */
    }
    if (got >= 8)
        fld_uint(x, IPV6_HLIM, start + 7, 1, hlim);
    if (got >= 24) {
        fld_ipv6(x, IPV6_SRC, start + 8, src);
        memcpy(facts->src, src, 16);
    }
    if (got >= IP6_HDR_LEN) {
        fld_ipv6(x, IPV6_DST, start + 24, dst);
        memcpy(facts->dst, dst, 16);
        facts->version = 6;
    }
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
        /* a quoted packet inside ICMPv6 claims more than the quote holds;
         * anywhere else the payload length lies and, as tshark does, the
         * packet is what the frame holds: dissected up to its end, which
         * carries bad_ipv6_len */
        if (!x->allow_short) {
            if (avail == 0)
                return dx_error(x, ERR_bad_ipv6_len); /* nothing to go on with */
            fld_note(plen_f, "beyond the frame");
            x->payload_err = ERR_bad_ipv6_len;
        } else {
            cut = true;
        }
        len = avail;
    }
    cursor_t pkt;
    cur_sub(c, len, &pkt);
    ext_walk_t w = {nxt, start + 6, false};
    int st = walk_ext(x, &pkt, &w, cut, start);
    if (st != LS_TRUNCATED) /* truncated() spanned to the cut */
        dx_span(x, &pkt, start);
    if (st != LS_OK)
        return st;
    fld_note(fld_uint(x, IPV6_UPPER, w.nh_off, 1, w.nh), ipproto_name(w.nh));
    facts->proto = w.nh;
    if (w.later_frag)
        dx_next(x, &pkt, TBL_NONE, 0, 0); /* a later fragment: data */
    else
        dx_next(x, &pkt, TBL_IPPROTO, w.nh, w.nh);
    return LS_OK;
}

/* A field of the layer, also inside the `ext` objects. */
static const field_t *any_field(const record_t *r, const layer_t *l, unsigned id)
{
    for (unsigned i = l->f_first; i < (unsigned)l->f_first + l->f_count; i++)
        if (FIELD_IS(&r->fields[i], ipv6_fields, id))
            return &r->fields[i];
    return NULL;
}

static void ipv6_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t hlim = 0, plen = 0;
    layer_uint(r, l, IPV6_HLIM, &hlim);
    layer_uint(r, l, IPV6_PLEN, &plen);
    const field_t *up = layer_field(r, l, IPV6_UPPER);
    if (!up)
        up = layer_field(r, l, IPV6_NXT);
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
    const field_t *off = any_field(r, l, IPV6_FRAG_OFFSET), *m = any_field(r, l, IPV6_FRAG_M);
    const field_t *id = any_field(r, l, IPV6_FRAG_ID);
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
    {TBL_PPP_PROTO, 0x0057}, /* RFC 5072 */
};

const dissector_t dissector_ipv6 = {
    .name = "ipv6",
    .title = "IPv6",
    .osi = 3,
    .id = PROTO_ipv6,
    .fields = ipv6_fields,
    .nfields = NFIELDS(ipv6_fields),
    .dissect = ipv6_dissect,
    .summary = ipv6_summary,
    .bindings = ipv6_bindings,
    .nbindings = sizeof ipv6_bindings / sizeof ipv6_bindings[0],
};
