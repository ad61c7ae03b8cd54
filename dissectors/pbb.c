/* pbb.c - IEEE 802.1ah Provider Backbone Bridges: the I-TAG (EtherType
 * 0x88e7), usually after a backbone VLAN tag (B-TAG, 0x88a8).  Its four
 * bytes are the priority, drop eligibility, use-customer-addresses bit,
 * two reserved fields and the 24-bit service instance identifier; the
 * customer's Ethernet frame follows (C-DA, C-SA, its EtherType), handed
 * to the Ethernet dissector as a fixed child (802.1ah clause 9.7). */
#include "dissector.h"

#define ITAG_PCP(t) ((t) >> 29)
#define ITAG_DEI(t) (((t) >> 28) & 1)
#define ITAG_UCA(t) (((t) >> 27) & 1)
#define ITAG_ISID(t) ((t)&0xffffff)

enum { PBB_PCP, PBB_DEI, PBB_UCA, PBB_ISID };
static const field_def_t pbb_fields[] = {
    [PBB_PCP] = FIELD("pcp", FT_UINT, "ieee8021ah.priority", "Priority"),
    [PBB_DEI] = FIELD("dei", FT_UINT, "ieee8021ah.drop", "Drop eligible"),
    [PBB_UCA] = FIELD("uca", FT_UINT, "ieee8021ah.nca", "Use customer addresses"),
    [PBB_ISID] = FIELD("isid", FT_UINT, "ieee8021ah.isid", "Service instance identifier (I-SID)"),
};

static int pbb_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint32_t tag = cur_u32be(c);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_uint(x, PBB_PCP, start, 1, ITAG_PCP(tag));
    fld_uint(x, PBB_DEI, start, 1, ITAG_DEI(tag));
    fld_uint(x, PBB_UCA, start, 1, ITAG_UCA(tag));
    fld_uint(x, PBB_ISID, start + 1, 3, ITAG_ISID(tag));
    dx_next(x, c, TBL_NONE, 0, 0);
    x->next_direct = &dissector_eth;
    return LS_OK;
}

static void pbb_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    ob_puts(ob, "PBB isid ");
    ob_u64(ob, layer_u64(r, l, PBB_ISID));
    ob_puts(ob, " p ");
    ob_u64(ob, layer_u64(r, l, PBB_PCP));
}

static const binding_t pbb_bindings[] = {
    {TBL_ETHERTYPE, 0x88e7},
};

const dissector_t dissector_pbb = {
    .name = "pbb",
    .title = "802.1ah backbone service instance tag",
    .osi = 2,
    .id = PROTO_pbb,
    .fields = pbb_fields,
    .nfields = NFIELDS(pbb_fields),
    .dissect = pbb_dissect,
    .summary = pbb_summary,
    .bindings = pbb_bindings,
    .nbindings = sizeof pbb_bindings / sizeof pbb_bindings[0],
};
