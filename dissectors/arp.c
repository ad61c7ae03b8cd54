/* arp.c - Address Resolution Protocol (RFC 826), Reverse ARP (RFC 903)
 * and Inverse ARP (RFC 2390).
 *
 * The fixed part says how long the four addresses are (hlen, plen); only
 * Ethernet/IPv4 ARP (htype 1, ptype 0x0800) has its addresses decoded.
 * Ethernet padding after the message is not handed on.
 */
#include "dissector.h"

#define ARP_FIXED_LEN 8
#define ARP_HTYPE_ETHER 1       /* IANA arp-parameters: Ethernet (10Mb) */
#define ARP_PTYPE_IPV4 0x0800
#define ARP_ETHER_HLEN 6
#define ARP_IPV4_PLEN 4

/* The fields, declared once. */
enum { ARP_HTYPE, ARP_PTYPE, ARP_HLEN, ARP_PLEN, ARP_OP, ARP_SHA, ARP_SPA, ARP_THA, ARP_TPA };
static const field_def_t arp_fields[] = {
    [ARP_HTYPE] = FIELD("htype", FT_UINT, "arp.hw.type", "Hardware type"),
    [ARP_PTYPE] = FIELD("ptype", FT_UINT, "arp.proto.type", "Protocol type", .flags = FF_HEX),
    [ARP_HLEN] = FIELD("hlen", FT_UINT, "arp.hw.size", "Hardware size"),
    [ARP_PLEN] = FIELD("plen", FT_UINT, "arp.proto.size", "Protocol size"),
    [ARP_OP] = FIELD("op", FT_UINT, "arp.opcode", "Opcode"),
    [ARP_SHA] = FIELD("sha", FT_MAC, "arp.src.hw_mac", "Sender MAC address"),
    [ARP_SPA] = FIELD("spa", FT_IPV4, "arp.src.proto_ipv4", "Sender IP address"),
    [ARP_THA] = FIELD("tha", FT_MAC, "arp.dst.hw_mac", "Target MAC address"),
    [ARP_TPA] = FIELD("tpa", FT_IPV4, "arp.dst.proto_ipv4", "Target IP address"),
};

enum arp_op {
    ARP_OP_REQUEST = 1,
    ARP_OP_REPLY = 2,
    ARP_OP_RREQUEST = 3,  /* RFC 903 */
    ARP_OP_RREPLY = 4,
    ARP_OP_INREQUEST = 8, /* RFC 2390 */
    ARP_OP_INREPLY = 9,
    ARP_OP_NAK = 10,      /* RFC 1577 (ATMARP) */
};

static const char *arp_op_name(uint32_t op)
{
    switch (op) {
    case ARP_OP_REQUEST: return "request";
    case ARP_OP_REPLY: return "reply";
    case ARP_OP_RREQUEST: return "reverse request";
    case ARP_OP_RREPLY: return "reverse reply";
    case ARP_OP_INREQUEST: return "inverse request";
    case ARP_OP_INREPLY: return "inverse reply";
    case ARP_OP_NAK: return "NAK";
    default: return NULL;
    }
}

/* The four Ethernet/IPv4 addresses at [c->off, +20); fields only for
 * those fully captured. */
static int arp_ether_ipv4(dctx_t *x, cursor_t *c, uint32_t start)
{
    uint32_t at = c->off, got = cur_left(c);
    uint8_t sha[6], spa[4], tha[6], tpa[4];
    cur_bytes(c, sha, sizeof sha);
    cur_bytes(c, spa, sizeof spa);
    cur_bytes(c, tha, sizeof tha);
    cur_bytes(c, tpa, sizeof tpa);
    bool cut = c->trunc;
    if (cut)
        dx_truncated(x, c, start);
    else
        dx_span(x, c, start);
    if (got >= 6)
        fld_mac(x, ARP_SHA, at, sha);
    if (got >= 10)
        fld_ipv4(x, ARP_SPA, at + 6, spa);
    if (got >= 16)
        fld_mac(x, ARP_THA, at + 10, tha);
    if (got >= 20)
        fld_ipv4(x, ARP_TPA, at + 16, tpa);
    return cut ? LS_TRUNCATED : LS_OK;
}

static int arp_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off, got = cur_left(c), wire = cur_rleft(c);
    uint16_t htype = cur_u16be(c);
    uint16_t ptype = cur_u16be(c);
    uint8_t hlen = cur_u8(c);
    uint8_t plen = cur_u8(c);
    uint16_t op = cur_u16be(c);
    dx_span(x, c, start);
    /* a field is added only when its bytes were captured: a read after a
     * failed one would come from the wrong offset */
    if (got >= 2)
        fld_uint(x, ARP_HTYPE, start, 2, htype);
    if (got >= 4)
        fld_note(fld_uint(x, ARP_PTYPE, start + 2, 2, ptype), ethertype_name(ptype));
    if (got >= 5)
        fld_uint(x, ARP_HLEN, start + 4, 1, hlen);
    if (got >= 6)
        fld_uint(x, ARP_PLEN, start + 5, 1, plen);
    if (got >= 8)
        fld_note(fld_uint(x, ARP_OP, start + 6, 2, op), arp_op_name(op));
    if (c->trunc) /* short on the wire, or only in the capture */
        return wire < ARP_FIXED_LEN ? dx_error(x, ERR_bad_arp) : dx_truncated(x, c, start);

    /* RFC 826: sha, spa, tha, tpa follow, of hlen and plen bytes each */
    uint32_t addrs = 2u * ((uint32_t)hlen + plen);
    if (addrs > cur_rleft(c))
        return dx_error(x, ERR_bad_arp);
    bool ether = htype == ARP_HTYPE_ETHER, ipv4 = ptype == ARP_PTYPE_IPV4;
    if ((ether && hlen != ARP_ETHER_HLEN) || (ipv4 && plen != ARP_IPV4_PLEN))
        return dx_error(x, ERR_bad_arp);
    if (ether && ipv4)
        return arp_ether_ipv4(x, c, start);
    /* other hardware or protocol types: the addresses are only spanned */
    cur_skip(c, addrs);
    dx_span(x, c, start);
    return c->trunc ? LS_TRUNCATED : LS_OK;
}

static void arp_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t op = 0, htype = 0, ptype = 0;
    layer_uint(r, l, ARP_OP, &op);
    layer_uint(r, l, ARP_HTYPE, &htype);
    layer_uint(r, l, ARP_PTYPE, &ptype);
    const field_t *sha = layer_field(r, l, ARP_SHA), *spa = layer_field(r, l, ARP_SPA);
    const field_t *tha = layer_field(r, l, ARP_THA), *tpa = layer_field(r, l, ARP_TPA);
    bool all = sha && spa && tha && tpa;

    if (all && op == ARP_OP_REQUEST) {
        ob_puts(ob, "ARP request who-has ");
        ob_ipv4(ob, tpa->v.b);
        ob_puts(ob, " tell ");
        ob_ipv4(ob, spa->v.b);
    } else if (all && op == ARP_OP_REPLY) {
        ob_puts(ob, "ARP reply ");
        ob_ipv4(ob, spa->v.b);
        ob_puts(ob, " is-at ");
        ob_mac(ob, sha->v.b);
    } else if (all && (op == ARP_OP_RREQUEST || op == ARP_OP_INREQUEST)) {
        /* RFC 903 / RFC 2390: the hardware address is known, the
         * protocol address is asked for */
        ob_puts(ob, op == ARP_OP_RREQUEST ? "RARP request who-is " : "InARP request who-is ");
        ob_mac(ob, tha->v.b);
        ob_puts(ob, " tell ");
        ob_mac(ob, sha->v.b);
    } else if (all && (op == ARP_OP_RREPLY || op == ARP_OP_INREPLY)) {
        ob_puts(ob, op == ARP_OP_RREPLY ? "RARP reply " : "InARP reply ");
        ob_mac(ob, tha->v.b);
        ob_puts(ob, " at ");
        ob_ipv4(ob, tpa->v.b);
    } else {
        const field_t *of = layer_field(r, l, ARP_OP);
        ob_puts(ob, "ARP ");
        if (of && of->note) {
            ob_puts(ob, of->note);
        } else {
            ob_puts(ob, "op ");
            ob_u64(ob, op);
        }
        if (!all) {
            ob_puts(ob, ", htype ");
            ob_u64(ob, htype);
            ob_puts(ob, " ptype 0x");
            ob_hex(ob, ptype, 4);
        }
    }
}

static const binding_t arp_bindings[] = {
    {TBL_ETHERTYPE, 0x0806}, /* ARP */
    {TBL_ETHERTYPE, 0x8035}, /* RARP (RFC 903): the same message format */
};

const dissector_t dissector_arp = {
    .name = "arp",
    .title = "Address Resolution Protocol",
    .osi = 3,
    .id = PROTO_arp,
    .fields = arp_fields,
    .nfields = NFIELDS(arp_fields),
    .dissect = arp_dissect,
    .summary = arp_summary,
    .bindings = arp_bindings,
    .nbindings = sizeof arp_bindings / sizeof arp_bindings[0],
};
