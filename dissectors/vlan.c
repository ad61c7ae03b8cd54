/* vlan.c - IEEE 802.1Q customer tags and 802.1ad service tags; one layer
 * per tag, so a QinQ stack shows as two vlan layers. */
#include "dissector.h"
#include "llc.h"

#define VLAN_PCP(tci) ((tci) >> 13)
#define VLAN_DEI(tci) (((tci) >> 12) & 1)
#define VLAN_VID(tci) ((tci) & 0x0fff)

/* The fields, declared once.  `type` after an 802.3 length is the
 * EtherType its LLC/SNAP header carries, else 0 (as for eth). */
enum { VLAN_ID, VLAN_PCP, VLAN_DEI, VLAN_LENGTH, VLAN_TYPE };
static const field_def_t vlan_fields[] = {
    [VLAN_ID] = FIELD("id", FT_UINT, "vlan.id", "VLAN identifier"),
    [VLAN_PCP] = FIELD("pcp", FT_UINT, "vlan.priority", "Priority"),
    [VLAN_DEI] = FIELD("dei", FT_UINT, "vlan.dei", "Drop eligible"),
    [VLAN_LENGTH] = FIELD("length", FT_UINT, "vlan.len", "802.3 length"),
    [VLAN_TYPE] = FIELD("type", FT_UINT, "vlan.etype", "EtherType", .flags = FF_HEX),
};

static int vlan_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint16_t tci = cur_u16be(c);
    uint16_t type = cur_u16be(c);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_uint(x, VLAN_ID, start, 2, VLAN_VID(tci));
    fld_uint(x, VLAN_PCP, start, 1, VLAN_PCP(tci));
    fld_uint(x, VLAN_DEI, start, 1, VLAN_DEI(tci));
    return llc_type_or_length(x, c, start + 2, type, VLAN_LENGTH, VLAN_TYPE);
}

static void vlan_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t id = 0, pcp = 0;
    layer_uint(r, l, VLAN_ID, &id);
    layer_uint(r, l, VLAN_PCP, &pcp);
    ob_puts(ob, "vlan ");
    ob_u64(ob, id);
    ob_puts(ob, " p ");
    ob_u64(ob, pcp);
}

/* -e, as tcpdump 4.99: "vlan 100, p 0[, DEI], " and the type inside,
 * "ethertype IPv4 (0x0800)", then ", "; an 802.3 length inside shows as
 * "802.3" run into the LLC text that follows, as tcpdump prints it.
 * Behind Linux SLL the type has no number (print-sll.c): "ethertype
 * IPv4". */
static void vlan_link_summary(const record_t *r, const layer_t *l, link_ctx_t *lc, outbuf_t *ob)
{
    uint64_t id = 0, pcp = 0, dei = 0;
    layer_uint(r, l, VLAN_ID, &id);
    layer_uint(r, l, VLAN_PCP, &pcp);
    layer_uint(r, l, VLAN_DEI, &dei);
    const field_t *len = layer_field(r, l, VLAN_LENGTH), *t = layer_field(r, l, VLAN_TYPE);
    lc->length = lc->length > 4 ? lc->length - 4 : 0;
    ob_puts(ob, "vlan ");
    ob_u64(ob, id);
    ob_puts(ob, ", p ");
    ob_u64(ob, pcp);
    ob_puts(ob, dei ? ", DEI, " : ", ");
    if (len && len->v.u < lc->length)
        lc->length = (uint32_t)len->v.u;
    lc->sep = ", ";
    if (lc->cooked) {
        ob_puts(ob, "ethertype ");
        ob_puts(ob, len || !t ? "Unknown" : ethertype_tcpdump_name((uint32_t)t->v.u));
    } else if (len) {
        ob_puts(ob, "802.3");
        lc->sep = "";
    } else if (t) {
        put_ethertype_tcpdump(ob, (uint32_t)t->v.u);
    }
}

static const binding_t vlan_bindings[] = {
    {TBL_ETHERTYPE, 0x8100}, /* 802.1Q */
    {TBL_ETHERTYPE, 0x88a8}, /* 802.1ad */
    {TBL_ETHERTYPE, 0x9100}, /* pre-standard QinQ */
};

const dissector_t dissector_vlan = {
    .name = "vlan",
    .title = "802.1Q VLAN",
    .osi = 2,
    .id = PROTO_vlan,
    .fields = vlan_fields,
    .nfields = NFIELDS(vlan_fields),
    .dissect = vlan_dissect,
    .summary = vlan_summary,
    .link_summary = vlan_link_summary,
    .bindings = vlan_bindings,
    .nbindings = sizeof vlan_bindings / sizeof vlan_bindings[0],
};
