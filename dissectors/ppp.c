/* ppp.c - the Point-to-Point Protocol header (RFC 1661 section 2), and
 * Cisco HDLC framing, which the same link types carry.
 *
 * PPP: the HDLC-like address and control bytes 0xff 0x03 (RFC 1662
 * section 3.1) when present (they may be compressed away, and PPPoE never
 * sends them), then the protocol field, one byte when compressed (RFC 1661
 * section 6.5: a protocol's low octet is odd, its high octet even, so an
 * odd first byte is a whole field).  The protocol goes to the
 * TBL_PPP_PROTO table (IPv4 0x0021, IPv6 0x0057, MPLS 0x0281, LCP 0xc021
 * in lcp.c); the other control protocols (IPCP, PAP, CHAP, ...) are named
 * in a note and left as data.
 *
 * Reached as LINKTYPE_PPP (9), LINKTYPE_PPP_HDLC (50), as the PPP of a
 * PPPoE session and by EtherType 0x880b (PPP in GRE, RFC 2637).
 * LINKTYPE_C_HDLC (104), and LINKTYPE_PPP_HDLC frames whose first byte is
 * a Cisco HDLC address (0x0f unicast, 0x8f broadcast), are Cisco HDLC:
 * address, control, then an EtherType.
 */
#include "dissector.h"

#define LINKTYPE_PPP_HDLC 50
#define LINKTYPE_C_HDLC 104
#define PPP_ADDR_ALL 0xff
#define PPP_CTL_UI 0x03
#define CHDLC_UNICAST 0x0f
#define CHDLC_BROADCAST 0x8f
#define CHDLC_SLARP 0x8035

enum { PPP_ADDRESS, PPP_CONTROL, PPP_PROTOCOL, CHDLC_ADDRESS, CHDLC_CONTROL, CHDLC_TYPE };
static const field_def_t ppp_fields[] = {
    [PPP_ADDRESS] = FIELD("address", FT_UINT, "ppp.address", "Address", .flags = FF_HEX),
    [PPP_CONTROL] = FIELD("control", FT_UINT, "ppp.control", "Control", .flags = FF_HEX),
    [PPP_PROTOCOL] = FIELD("protocol", FT_UINT, "ppp.protocol", "Protocol", .flags = FF_HEX),
    [CHDLC_ADDRESS] = FIELD("address", FT_UINT, "chdlc.address", "Cisco HDLC address",
                            .flags = FF_HEX),
    [CHDLC_CONTROL] = FIELD("control", FT_UINT, "chdlc.control", "Cisco HDLC control",
                            .flags = FF_HEX),
    [CHDLC_TYPE] = FIELD("type", FT_UINT, "chdlc.protocol", "Cisco HDLC protocol (EtherType)",
                         .flags = FF_HEX),
};

/* IANA PPP DLL protocol numbers */
static const char *ppp_proto_name(uint32_t proto)
{
    switch (proto) {
    case 0x0021: return "IPv4";
    case 0x0023: return "OSI";
    case 0x0029: return "AppleTalk";
    case 0x002b: return "IPX";
    case 0x002d: return "Van Jacobson compressed TCP/IP";
    case 0x002f: return "Van Jacobson uncompressed TCP/IP";
    case 0x0031: return "bridging PDU";
    case 0x003d: return "multilink";
    case 0x0057: return "IPv6";
    case 0x00fb: return "single-link compressed datagram";
    case 0x00fd: return "compressed datagram";
    case 0x0281: return "MPLS unicast";
    case 0x0283: return "MPLS multicast";
    case 0x8021: return "IPCP";
    case 0x802b: return "IPXCP";
    case 0x8031: return "BCP";
    case 0x8057: return "IPV6CP";
    case 0x80fb: return "single-link CCP";
    case 0x80fd: return "CCP";
    case 0x8281: return "MPLSCP";
    case 0xc021: return "LCP";
    case 0xc023: return "PAP";
    case 0xc025: return "LQR";
    case 0xc029: return "CBCP";
    case 0xc223: return "CHAP";
    case 0xc227: return "EAP";
    default: return NULL;
    }
}

static int chdlc_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint8_t addr = cur_u8(c), ctl = cur_u8(c);
    uint16_t type = cur_u16be(c);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_note(fld_uint(x, CHDLC_ADDRESS, start, 1, addr),
             addr == CHDLC_UNICAST ? "unicast" : addr == CHDLC_BROADCAST ? "broadcast" : NULL);
    fld_uint(x, CHDLC_CONTROL, start + 1, 1, ctl);
    fld_note(fld_uint(x, CHDLC_TYPE, start + 2, 2, type),
             type == CHDLC_SLARP ? "SLARP" : ethertype_name(type));
    /* SLARP (Cisco's keepalive and address resolution) takes RARP's
     * EtherType: not ours to hand to the RARP dissector */
    if (type == CHDLC_SLARP)
        dx_next(x, c, TBL_NONE, 0, 0);
    else
        dx_next(x, c, TBL_ETHERTYPE, type, type);
    return LS_OK;
}

static int ppp_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint32_t lt = x->rec->linktype;
    uint8_t b0 = cur_peek_u8(c, c->off), b1 = cur_peek_u8(c, c->off + 1);
    c->trunc = false; /* peeking is not reading */
    /* only the frame's own link header can be Cisco HDLC */
    if (x->layer == &x->rec->layers[0] && start == 0 &&
        (lt == LINKTYPE_C_HDLC ||
         (lt == LINKTYPE_PPP_HDLC && (b0 == CHDLC_UNICAST || b0 == CHDLC_BROADCAST))))
        return chdlc_dissect(x, c);
    if (cur_left(c) >= 2 && b0 == PPP_ADDR_ALL && b1 == PPP_CTL_UI) {
        fld_uint(x, PPP_ADDRESS, start, 1, b0);
        fld_uint(x, PPP_CONTROL, start + 1, 1, b1);
        cur_skip(c, 2);
    }
    uint32_t at = c->off;
    uint32_t proto = cur_u8(c);
    if (!(proto & 1))
        proto = proto << 8 | cur_u8(c);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_note(fld_uint(x, PPP_PROTOCOL, at, c->off - at, proto), ppp_proto_name(proto));
    dx_next(x, c, TBL_PPP_PROTO, proto, proto);
    return LS_OK;
}

static void ppp_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    const field_t *t = layer_field(r, l, CHDLC_TYPE);
    if (t) {
        const field_t *a = layer_field(r, l, CHDLC_ADDRESS);
        ob_puts(ob, "CHDLC ");
        if (a && a->note) {
            ob_puts(ob, a->note);
        } else {
            ob_puts(ob, "address 0x");
            ob_hex(ob, a ? a->v.u : 0, 2);
        }
        ob_puts(ob, ", ethertype 0x");
        ob_hex(ob, t->v.u, 4);
        if (t->note) {
            ob_puts(ob, " (");
            ob_puts(ob, t->note);
            ob_putc(ob, ')');
        }
        return;
    }
    const field_t *p = layer_field(r, l, PPP_PROTOCOL);
    ob_puts(ob, "PPP");
    if (!p)
        return;
    if (p->note) {
        ob_putc(ob, ' ');
        ob_puts(ob, p->note);
        ob_puts(ob, " (0x");
        ob_hex(ob, p->v.u, 4);
        ob_putc(ob, ')');
    } else {
        ob_puts(ob, " protocol 0x");
        ob_hex(ob, p->v.u, 4);
    }
}

static const binding_t ppp_bindings[] = {
    {TBL_LINKTYPE, 9},                 /* LINKTYPE_PPP */
    {TBL_LINKTYPE, LINKTYPE_PPP_HDLC}, /* RFC 1662 framing, or Cisco HDLC */
    {TBL_LINKTYPE, LINKTYPE_C_HDLC},
    {TBL_ETHERTYPE, 0x880b},           /* PPP (GRE version 1, PPTP) */
};

const dissector_t dissector_ppp = {
    .name = "ppp",
    .title = "PPP",
    .osi = 2,
    .id = PROTO_ppp,
    .fields = ppp_fields,
    .nfields = NFIELDS(ppp_fields),
    .dissect = ppp_dissect,
    .summary = ppp_summary,
    .bindings = ppp_bindings,
    .nbindings = sizeof ppp_bindings / sizeof ppp_bindings[0],
};
