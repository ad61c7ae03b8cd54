/* llc.c - IEEE 802.2 LLC, with SNAP (RFC 1042) carrying an EtherType. */
#include "../src/dissector.h"
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

const dissector_t dissector_llc = {
    .name = "llc",
    .title = "IEEE 802.2 LLC",
    .osi = 2,
    .id = PROTO_llc,
    .fields = llc_fields,
    .nfields = NFIELDS(llc_fields),
    .dissect = llc_dissect,
    .summary = llc_summary,
};
