/* ipv4.c - Internet Protocol version 4 (RFC 791).
 *
 * Header checksum verified (RFC 1071) into checksum_ok; options walked
 * and named (RFC 791 section 3.1, IANA ip-parameters); fragments flagged:
 * only the first fragment (offset 0) is handed to the upper protocol,
 * later fragments are data.
 */
#include "dissector.h"

#define IP4_VERSION(b) ((b) >> 4)
#define IP4_IHL(b) ((b)&0x0f)
#define IP4_DSCP(b) ((b) >> 2)
#define IP4_ECN(b) ((b)&3)
#define IP4_DF(ff) (((ff) >> 14) & 1)
#define IP4_MF(ff) (((ff) >> 13) & 1)
#define IP4_RF(ff) (((ff) >> 15) & 1)
#define IP4_FRAG_OFF(ff) (((ff)&0x1fff) * 8u)
#define IP4_MIN_HDR 20

#define IPOPT_EOL 0
#define IPOPT_NOP 1

/* The fields, declared once; display-filter names are Wireshark's where
 * it has one. */
enum {
    IPV4_VERSION, IPV4_HDR_LEN, IPV4_TOS, IPV4_DSCP, IPV4_ECN, IPV4_LEN, IPV4_ID, IPV4_RF,
    IPV4_DF, IPV4_MF, IPV4_FRAG_OFFSET, IPV4_TTL, IPV4_PROTO_NUM, IPV4_CHECKSUM, IPV4_SRC,
    IPV4_DST, IPV4_CHECKSUM_OK, IPV4_OPTIONS, IPV4_OPTION, IPV4_OPT_TYPE, IPV4_OPT_LEN,
};
static const field_def_t ipv4_fields[] = {
    [IPV4_VERSION] = FIELD("version", FT_UINT, "ip.version", "Version"),
    [IPV4_HDR_LEN] = FIELD("hdr_len", FT_UINT, "ip.hdr_len", "Header length (bytes)"),
    [IPV4_TOS] = FIELD("tos", FT_UINT, "ip.dsfield", "Type of service", .flags = FF_HEX),
    [IPV4_DSCP] = FIELD("dscp", FT_UINT, "ip.dsfield.dscp", "Differentiated services codepoint"),
    [IPV4_ECN] = FIELD("ecn", FT_UINT, "ip.dsfield.ecn", "Explicit congestion notification"),
    [IPV4_LEN] = FIELD("len", FT_UINT, "ip.len", "Total length"),
    [IPV4_ID] = FIELD("id", FT_UINT, "ip.id", "Identification", .flags = FF_HEX),
    [IPV4_RF] = FIELD("rf", FT_BOOL, "ip.flags.rb", "Reserved bit"),
    [IPV4_DF] = FIELD("df", FT_BOOL, "ip.flags.df", "Don't fragment"),
    [IPV4_MF] = FIELD("mf", FT_BOOL, "ip.flags.mf", "More fragments"),
    [IPV4_FRAG_OFFSET] = FIELD("frag_offset", FT_UINT, "ip.frag_offset", "Fragment offset (bytes)"),
    [IPV4_TTL] = FIELD("ttl", FT_UINT, "ip.ttl", "Time to live"),
    [IPV4_PROTO_NUM] = FIELD("proto_num", FT_UINT, "ip.proto", "Protocol",
                             .role = ROLE_NEXT_PROTO),
    [IPV4_CHECKSUM] = FIELD("checksum", FT_UINT, "ip.checksum", "Header checksum",
                            .flags = FF_HEX),
    [IPV4_SRC] = FIELD("src", FT_IPV4, "ip.src", "Source address", .role = ROLE_SRC_ADDR),
    [IPV4_DST] = FIELD("dst", FT_IPV4, "ip.dst", "Destination address", .role = ROLE_DST_ADDR),
    [IPV4_CHECKSUM_OK] = FIELD("checksum_ok", FT_BOOL, "ip.checksum_ok", "Header checksum correct"),
    [IPV4_OPTIONS] = FIELD("options", FT_ARRAY, "ip.options", "Options"),
    [IPV4_OPTION] = FIELD("option", FT_OBJECT, "ip.option", "Option"),
    [IPV4_OPT_TYPE] = FIELD("type", FT_UINT, "ip.opt.type", "Type"),
    [IPV4_OPT_LEN] = FIELD("len", FT_UINT, "ip.opt.len", "Length"),
};

static const char *ipopt_name(uint8_t type)
{
    switch (type) {
    case 0: return "EOL";
    case 1: return "NOP";
    case 7: return "RR";
    case 68: return "TS";
    case 130: return "SEC";
    case 131: return "LSRR";
    case 133: return "ESEC";
    case 134: return "CIPSO";
    case 136: return "SID";
    case 137: return "SSRR";
    case 148: return "RTRALT";
    default: return NULL;
    }
}

/* Walk the options in [c->off, end); false on a bad length. */
static bool walk_options(dctx_t *x, cursor_t *c, uint32_t end)
{
    field_t *arr = fld_array(x, IPV4_OPTIONS, c->off);
    bool ok = true;
    while (c->off < end) {
        uint32_t at = c->off;
        uint8_t type = cur_u8(c);
        uint32_t olen = 1;
        if (type != IPOPT_EOL && type != IPOPT_NOP) {
            olen = cur_u8(c);
            if (olen < 2 || at + olen > end) {
                ok = false;
                break;
            }
            cur_skip(c, olen - 2);
        }
        field_t *o = fld_object(x, IPV4_OPTION, at);
        fld_note(fld_uint(x, IPV4_OPT_TYPE, at, 1, type), ipopt_name(type));
        fld_uint(x, IPV4_OPT_LEN, at, olen, olen);
        fld_end(x, o, at + olen);
        if (type == IPOPT_EOL)
            break;
    }
    fld_end(x, arr, end);
    c->off = end;
    return ok;
}

static int ipv4_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    ip_facts_t *facts = &x->ip; /* for the flow tracker and the reassembler */
    *facts = (ip_facts_t){0};
    uint8_t vihl = cur_u8(c);
    uint8_t tos = cur_u8(c);
    uint16_t tot = cur_u16be(c);
    uint16_t id = cur_u16be(c);
    uint16_t ff = cur_u16be(c);
    uint8_t ttl = cur_u8(c);
    uint8_t proto = cur_u8(c);
    uint16_t sum = cur_u16be(c);
    uint8_t src[4], dst[4];
    cur_bytes(c, src, 4);
    cur_bytes(c, dst, 4);
    dx_span(x, c, start);
    if (c->trunc) {
        if (c->off > start)
            fld_uint(x, IPV4_VERSION, start, 1, IP4_VERSION(vihl));
        return LS_TRUNCATED;
    }
    uint32_t hlen = IP4_IHL(vihl) * 4u;
    fld_uint(x, IPV4_VERSION, start, 1, IP4_VERSION(vihl));
    fld_uint(x, IPV4_HDR_LEN, start, 1, hlen);
    fld_uint(x, IPV4_TOS, start + 1, 1, tos);
    fld_uint(x, IPV4_DSCP, start + 1, 1, IP4_DSCP(tos));
    fld_uint(x, IPV4_ECN, start + 1, 1, IP4_ECN(tos));
    field_t *len_f = fld_uint(x, IPV4_LEN, start + 2, 2, tot);
    fld_uint(x, IPV4_ID, start + 4, 2, id);
    fld_bool(x, IPV4_RF, start + 6, 1, IP4_RF(ff));
    fld_bool(x, IPV4_DF, start + 6, 1, IP4_DF(ff));
    fld_bool(x, IPV4_MF, start + 6, 1, IP4_MF(ff));
    fld_uint(x, IPV4_FRAG_OFFSET, start + 6, 2, IP4_FRAG_OFF(ff));
    fld_uint(x, IPV4_TTL, start + 8, 1, ttl);
    fld_note(fld_uint(x, IPV4_PROTO_NUM, start + 9, 1, proto), ipproto_name(proto));
    fld_uint(x, IPV4_CHECKSUM, start + 10, 2, sum);
    fld_ipv4(x, IPV4_SRC, start + 12, src);
    fld_ipv4(x, IPV4_DST, start + 16, dst);
    facts->len = tot;
    facts->id = id;
    facts->mf = IP4_MF(ff);
    facts->frag_offset = (uint16_t)IP4_FRAG_OFF(ff);
    facts->proto = proto;
    memcpy(facts->src, src, 4);
    memcpy(facts->dst, dst, 4);
    facts->version = 4;

    if (IP4_VERSION(vihl) != 4)
        return dx_error(x, ERR_bad_ip_version);
    if (hlen < IP4_MIN_HDR)
        return dx_error(x, ERR_bad_ip_hdr_len);

    /* The packet's extent: total length, or (TCP segmentation offload
     * writes 0 there) what the frame reported. */
    c->off = start;
    uint32_t avail = cur_rleft(c);
    uint32_t plen = tot;
    if (tot == 0)
        plen = avail;
    if (plen < hlen)
        return dx_error(x, tot == 0 ? ERR_bad_ip_hdr_len : ERR_bad_ip_len);
    if (plen > avail) {
        /* a quoted header inside ICMP legitimately claims more than the
         * quote carries; anywhere else the total length lies and, as
         * tshark does, the packet is what the frame holds: dissected up
         * to its end, which carries bad_ip_len */
        if (!x->allow_short) {
            if (avail <= hlen)
                return dx_error(x, ERR_bad_ip_len); /* nothing to go on with */
            fld_note(len_f, "beyond the frame");
            x->payload_err = ERR_bad_ip_len;
        }
        plen = avail;
    }
    cursor_t pkt;
    cur_sub(c, plen, &pkt);
    cur_skip(&pkt, IP4_MIN_HDR);
    if (!cur_has(&pkt, hlen - IP4_MIN_HDR)) {
        dx_span(x, &pkt, start);
        return LS_TRUNCATED;
    }
    if (!x->rec->no_checksums)
        fld_bool(x, IPV4_CHECKSUM_OK, start + 10, 2, cur_sum16(&pkt, start, hlen, 0) == 0xffff);
    x->layer->off = start;
    x->layer->len = hlen;
    if (hlen > IP4_MIN_HDR && !walk_options(x, &pkt, start + hlen))
        return dx_error(x, ERR_bad_ip_option);

    uint32_t frag = IP4_FRAG_OFF(ff);
    x->ip_fragment = frag != 0 || IP4_MF(ff);
    if (frag != 0)
        dx_next(x, &pkt, TBL_NONE, 0, 0); /* a later fragment: data */
    else
        dx_next(x, &pkt, TBL_IPPROTO, proto, proto);
    return LS_OK;
}

static void ipv4_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t proto = 0, len = 0, frag = 0, mf = 0, id = 0, ttl = 0;
    layer_uint(r, l, IPV4_PROTO_NUM, &proto);
    layer_uint(r, l, IPV4_LEN, &len);
    layer_uint(r, l, IPV4_FRAG_OFFSET, &frag);
    layer_uint(r, l, IPV4_MF, &mf);
    layer_uint(r, l, IPV4_ID, &id);
    layer_uint(r, l, IPV4_TTL, &ttl);
    const field_t *pf = layer_field(r, l, IPV4_PROTO_NUM);
    ob_puts(ob, "IPv4 ");
    if (pf && pf->note) {
        ob_puts(ob, pf->note);
    } else {
        ob_puts(ob, "proto ");
        ob_u64(ob, proto);
    }
    ob_puts(ob, ", ttl ");
    ob_u64(ob, ttl);
    ob_puts(ob, ", length ");
    ob_u64(ob, len);
    if (frag || mf) {
        ob_puts(ob, ", fragment id 0x");
        ob_hex(ob, id, 4);
        ob_puts(ob, " offset ");
        ob_u64(ob, frag);
        if (mf)
            ob_puts(ob, "+");
    }
}

static const binding_t ipv4_bindings[] = {
    {TBL_ETHERTYPE, 0x0800},
    {TBL_IPPROTO, 4}, /* IPv4 in IP (RFC 2003) */
    {TBL_PPP_PROTO, 0x0021}, /* RFC 1332 */
};

const dissector_t dissector_ipv4 = {
    .name = "ipv4",
    .title = "IPv4",
    .osi = 3,
    .id = PROTO_ipv4,
    .fields = ipv4_fields,
    .nfields = NFIELDS(ipv4_fields),
    .dissect = ipv4_dissect,
    .summary = ipv4_summary,
    .bindings = ipv4_bindings,
    .nbindings = sizeof ipv4_bindings / sizeof ipv4_bindings[0],
};
