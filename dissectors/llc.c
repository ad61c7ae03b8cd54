/* llc.c - IEEE 802.2 LLC, with SNAP (RFC 1042) carrying an EtherType. */
#include "dissector.h"
#include "llc.h"

#define LLC_SAP_SNAP 0xaa

/* The fields, declared once (an 802.3 frame's "length" and "type" belong
 * to the Ethernet or VLAN layer: see llc_length_frame). */
enum { LLC_DSAP, LLC_SSAP, LLC_CONTROL, LLC_OUI, LLC_PID };
static const field_def_t llc_fields[] = {
    [LLC_DSAP] = FIELD("dsap", FT_UINT, "llc.dsap", "DSAP", .flags = FF_HEX),
    [LLC_SSAP] = FIELD("ssap", FT_UINT, "llc.ssap", "SSAP", .flags = FF_HEX),
    [LLC_CONTROL] = FIELD("control", FT_UINT, "llc.control", "Control", .flags = FF_HEX),
    [LLC_OUI] = FIELD("oui", FT_UINT, "llc.oui", "SNAP organization code", .flags = FF_HEX),
    [LLC_PID] = FIELD("pid", FT_UINT, "llc.pid", "SNAP protocol ID", .flags = FF_HEX),
};

int llc_length_frame(dctx_t *x, cursor_t *c, uint32_t field_off, uint16_t length,
                     unsigned length_id, unsigned type_id)
{
    /* 802.3 clause 3.2.6: a length, then LLC; padding may follow */
    fld_uint(x, length_id, field_off, 2, length);
    uint32_t inner = 0;
    if (cur_peek_u8(c, c->off) == LLC_SAP_SNAP && cur_peek_u8(c, c->off + 1) == LLC_SAP_SNAP &&
        cur_peek_u8(c, c->off + 2) == 0x03 && cur_peek_u8(c, c->off + 3) == 0 &&
        cur_peek_u8(c, c->off + 4) == 0 && cur_peek_u8(c, c->off + 5) == 0)
        inner = (uint32_t)(cur_peek_u8(c, c->off + 6) << 8) | cur_peek_u8(c, c->off + 7);
    c->trunc = false; /* peeking is not reading: LLC reports its own */
    fld_note(fld_uint(x, type_id, field_off, 0, inner),
             inner ? ethertype_name(inner) : "802.3 length");
    cursor_t llc;
    if (!cur_sub(c, length, &llc))
        return dx_error(x, ERR_bad_eth_len);
    dx_next(x, &llc, TBL_NONE, 0, 0);
    x->next_direct = &dissector_llc;
    return LS_OK;
}

static int llc_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint8_t dsap = cur_u8(c), ssap = cur_u8(c), ctl = cur_u8(c);
    if (c->trunc) {
        dx_span(x, c, start);
        return LS_TRUNCATED;
    }
    fld_uint(x, LLC_DSAP, start, 1, dsap);
    fld_uint(x, LLC_SSAP, start + 1, 1, ssap);
    /* U-format frames have a 1-byte control, I/S-format 2 bytes, read
     * little-endian as Wireshark's llc.control and tcpdump show them */
    uint8_t ctl2 = (ctl & 3) != 3 ? cur_u8(c) : 0;
    if ((ctl & 3) != 3 && !c->trunc)
        fld_uint(x, LLC_CONTROL, start + 2, 2, (uint32_t)ctl2 << 8 | ctl);
    else
        fld_uint(x, LLC_CONTROL, start + 2, 1, ctl);
    if (dsap == LLC_SAP_SNAP && ssap == LLC_SAP_SNAP) {
        uint32_t oui_off = c->off;
        uint32_t oui = (uint32_t)cur_u8(c) << 16;
        oui |= cur_u16be(c);
        uint16_t pid = cur_u16be(c);
        dx_span(x, c, start);
        if (c->trunc)
            return LS_TRUNCATED;
        fld_uint(x, LLC_OUI, oui_off, 3, oui);
        fld_note(fld_uint(x, LLC_PID, oui_off + 3, 2, pid), oui == 0 ? ethertype_name(pid) : NULL);
        if (oui == 0)
            dx_next(x, c, TBL_ETHERTYPE, pid, pid);
        else
            dx_next(x, c, TBL_NONE, 0, 0);
        return LS_OK;
    }
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    dx_next(x, c, TBL_NONE, 0, 0);
    return LS_OK;
}

static void llc_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t dsap = 0, ssap = 0, pid;
    layer_uint(r, l, LLC_DSAP, &dsap);
    layer_uint(r, l, LLC_SSAP, &ssap);
    if (layer_uint(r, l, LLC_PID, &pid)) {
        ob_puts(ob, "LLC/SNAP pid 0x");
        ob_hex(ob, pid, 4);
        return;
    }
    ob_puts(ob, "LLC dsap 0x");
    ob_hex(ob, dsap, 2);
    ob_puts(ob, " ssap 0x");
    ob_hex(ob, ssap, 2);
}

/* -e, as tcpdump 4.99 (print-llc.c, snap_print): "LLC, dsap STP (0x42)
 * Individual, ssap STP (0x42) Command, ctrl 0x03", then for SNAP ": oui
 * Ethernet (0x000000), ethertype IPv4 (0x0800), length 28", with
 * tcpdump's names of the SAPs, the organizations and the protocol IDs. */
static const char *sap_name(uint64_t sap)
{
    switch (sap) {
    case 0x00: return "Null";
    case 0x02: return "802.1B I";
    case 0x04: return "SNA";
    case 0x06: return "IP";
    case 0x0e: return "ProWay NM";
    case 0x42: return "STP";
    case 0x4e: return "RS511";
    case 0x7e: return "ISO8208";
    case 0x8e: return "ProWay";
    case 0xaa: return "SNAP";
    case 0xe0: return "IPX";
    case 0xf0: return "NetBeui";
    case 0xfe: return "OSI";
    default: return "Unknown";
    }
}

static const char *oui_name(uint64_t oui)
{
    switch (oui) {
    case 0x000000: return "Ethernet";
    case 0x00000c: return "Cisco";
    case 0x00005e: return "IANA";
    case 0x000081: return "Nortel Networks SONMP";
    case 0x0000f8: return "Cisco bridged";
    case 0x0004ea: return "HP-Labs";
    case 0x00049f: return "Freescale";
    case 0x001018: return "Broadcom";
    case 0x00120f: return "IEEE 802.3 Private";
    case 0x0012bb: return "ANSI/TIA";
    case 0x0015ad: return "Netronome";
    case 0x001b21: return "DCBX";
    case 0x002320: return "Nicira Networks";
    case 0x002481: return "HP";
    case 0x0080c2: return "Ethernet bridged";
    case 0x009069: return "Juniper";
    case 0x00a03e: return "ATM Forum";
    case 0x00e004: return "PMC-Sierra";
    case 0x00e02f: return "DOCSIS Spanning Tree";
    case 0x080007: return "Appletalk";
    case 0x080009: return "Hewlett-Packard";
    case 0x5c16c7: return "Big Switch Networks";
    case 0x748771: return "Infoblox Inc";
    case 0xb0d2f5: return "Vello Systems";
    default: return "Unknown";
    }
}

static const char *pid_name(uint64_t oui, uint64_t pid)
{
    if (oui == 0x000000 || oui == 0x0000f8 || oui == 0x080007)
        return ethertype_tcpdump_name((uint32_t)pid);
    if (oui == 0x00000c) {
        switch (pid) {
        case 0x2000: return "CDP";
        case 0x2003: return "VTP";
        case 0x2004: return "DTP";
        case 0x0111: return "UDLD";
        case 0x010b: return "PVST";
        default: return "Unknown";
        }
    }
    if (oui == 0x0080c2) {
        static const char *const bridged[] = {
            NULL, "Ethernet + FCS", "802.4 + FCS", "Token Ring + FCS", "FDDI + FCS",
            "802.6 + FCS", NULL, "Ethernet w/o FCS", "802.4 w/o FCS", "Token Ring w/o FCS",
            "FDDI w/o FCS", "802.6 w/o FCS", NULL, NULL, "BPDU",
        };
        const char *n = pid < sizeof bridged / sizeof bridged[0] ? bridged[pid] : NULL;
        return n ? n : "Unknown";
    }
    return "Unknown";
}

static void llc_link_summary(const record_t *r, const layer_t *l, link_ctx_t *lc, outbuf_t *ob)
{
    uint64_t dsap = 0, ssap = 0, ctl = 0, oui = 0, pid = 0;
    layer_uint(r, l, LLC_DSAP, &dsap);
    layer_uint(r, l, LLC_SSAP, &ssap);
    if (dsap == 0xff && ssap == 0xff) {
        /* no LLC at all: Novell's raw 802.3 starts with the IPX checksum */
        ob_puts(ob, "IPX 802.3");
        lc->sep = ": ";
        return;
    }
    const field_t *cf = layer_field(r, l, LLC_CONTROL);
    if (cf)
        ctl = cf->v.u;
    ob_puts(ob, "LLC, dsap ");
    ob_puts(ob, sap_name(dsap & ~1u));
    ob_puts(ob, " (0x");
    ob_hex(ob, dsap & ~1u, 2);
    ob_puts(ob, dsap & 1 ? ") Group, ssap " : ") Individual, ssap ");
    ob_puts(ob, sap_name(ssap & ~1u));
    ob_puts(ob, " (0x");
    ob_hex(ob, ssap & ~1u, 2);
    ob_puts(ob, ssap & 1 ? ") Response, ctrl 0x" : ") Command, ctrl 0x");
    ob_hex(ob, ctl, cf && cf->len == 2 ? 4 : 2);
    uint32_t hdr = cf && cf->len == 2 ? 4 : 3;
    lc->length = lc->length > hdr ? lc->length - hdr : 0;
    lc->sep = ": ";
    if (!layer_uint(r, l, LLC_PID, &pid))
        return;
    layer_uint(r, l, LLC_OUI, &oui);
    ob_puts(ob, ": oui ");
    ob_puts(ob, oui_name(oui));
    ob_puts(ob, " (0x");
    ob_hex(ob, oui, 6);
    ob_puts(ob, oui == 0 ? "), ethertype " : "), pid ");
    ob_puts(ob, pid_name(oui, pid));
    ob_puts(ob, " (0x");
    ob_hex(ob, pid, 4);
    lc->length = lc->length > 5 ? lc->length - 5 : 0;
    ob_puts(ob, "), length ");
    ob_u64(ob, lc->length);
}

const dissector_t dissector_llc = {
    .name = "llc",
    .title = "IEEE 802.2 LLC",
    .osi = 2,
    .id = PROTO_llc,
    .fields = llc_fields,
    .nfields = NFIELDS(llc_fields),
    .dissect = llc_dissect,
    .summary = llc_summary,
    .link_summary = llc_link_summary,
};

int llc_type_or_length(dctx_t *x, cursor_t *c, uint32_t field_off, uint16_t type,
                       unsigned length_id, unsigned type_id)
{
    if (type <= LLC_MAX_LENGTH)
        return llc_length_frame(x, c, field_off, type, length_id, type_id);
    fld_note(fld_uint(x, type_id, field_off, 2, type), ethertype_name(type));
    dx_next(x, c, TBL_ETHERTYPE, type, type);
    return LS_OK;
}
