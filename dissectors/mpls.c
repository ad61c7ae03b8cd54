/* mpls.c - MPLS label stack entries (RFC 3032 section 2.1; TC renamed
 * from EXP by RFC 5462).  One layer per entry, as vlan.c has one per tag:
 * an entry without the bottom-of-stack bit hands the rest to the next
 * entry.  What follows the bottom entry has no type field; as Wireshark
 * and tcpdump do, its first nibble decides: 4 IPv4, 6 IPv6, 0 a
 * pseudowire control word (RFC 4385 section 3) followed by an Ethernet
 * frame (RFC 4448), anything else data.  The control word belongs to the
 * bottom entry's layer.  MPLS sits between layers 2 and 3 ("2.5"): osi 2.
 */
#include "dissector.h"

#define MPLS_LABEL(e) ((e) >> 12)
#define MPLS_TC(e) (((e) >> 9) & 7)
#define MPLS_BOS(e) (((e) >> 8) & 1)
#define MPLS_TTL(e) ((e)&0xff)
/* RFC 4385 section 3: 0000, flags (4 bits) and FRG (2), length (6),
 * sequence number (16) */
#define PWCW_FLAGS(w) (((w) >> 22) & 0x3f)
#define PWCW_LEN(w) (((w) >> 16) & 0x3f)
#define PWCW_SEQ(w) ((w)&0xffff)

enum { MPLS_LABEL_F, MPLS_TC_F, MPLS_BOS_F, MPLS_TTL_F, MPLS_CW_FLAGS, MPLS_CW_LEN, MPLS_CW_SEQ };
static const field_def_t mpls_fields[] = {
    [MPLS_LABEL_F] = FIELD("label", FT_UINT, "mpls.label", "Label"),
    [MPLS_TC_F] = FIELD("tc", FT_UINT, "mpls.exp", "Traffic class (EXP)"),
    [MPLS_BOS_F] = FIELD("bos", FT_BOOL, "mpls.bottom", "Bottom of stack"),
    [MPLS_TTL_F] = FIELD("ttl", FT_UINT, "mpls.ttl", "Time to live"),
    [MPLS_CW_FLAGS] = FIELD("cw_flags", FT_UINT, "pwmcw.flags", "PW control word flags and FRG",
                            .flags = FF_HEX),
    [MPLS_CW_LEN] = FIELD("cw_len", FT_UINT, "pwmcw.length", "PW control word length"),
    [MPLS_CW_SEQ] = FIELD("cw_seq", FT_UINT, "pweth.cw.sequence_number",
                          "PW control word sequence number"),
};

/* Reserved label values (RFC 3032 section 2.1, RFC 6790, RFC 5586,
 * RFC 3429). */
static const char *label_name(uint32_t label)
{
    switch (label) {
    case 0: return "IPv4 explicit null";
    case 1: return "router alert";
    case 2: return "IPv6 explicit null";
    case 3: return "implicit null";
    case 7: return "entropy label indicator";
    case 13: return "generic associated channel label";
    case 14: return "OAM alert";
    default: return NULL;
    }
}

static int mpls_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint32_t e = cur_u32be(c);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_note(fld_uint(x, MPLS_LABEL_F, start, 3, MPLS_LABEL(e)), label_name(MPLS_LABEL(e)));
    fld_uint(x, MPLS_TC_F, start + 2, 1, MPLS_TC(e));
    fld_bool(x, MPLS_BOS_F, start + 2, 1, MPLS_BOS(e));
    fld_uint(x, MPLS_TTL_F, start + 3, 1, MPLS_TTL(e));
    if (!MPLS_BOS(e)) {
        dx_next(x, c, TBL_NONE, 0, 0);
        x->next_direct = &dissector_mpls;
        return LS_OK;
    }
    if (!cur_left(c)) {
        dx_next(x, c, TBL_NONE, 0, 0); /* data, when the wire had more */
        return LS_OK;
    }
    uint8_t nibble = cur_peek_u8(c, c->off) >> 4;
    switch (nibble) {
    case 4:
        dx_next(x, c, TBL_ETHERTYPE, 0x0800, 0x0800);
        break;
    case 6:
        dx_next(x, c, TBL_ETHERTYPE, 0x86dd, 0x86dd);
        break;
    case 0: {
        if (cur_rleft(c) < 4) { /* too short for a control word */
            dx_next(x, c, TBL_NONE, 0, 0);
            break;
        }
        uint32_t at = c->off;
        uint32_t w = cur_u32be(c);
        if (c->trunc)
            return dx_truncated(x, c, start);
        dx_span(x, c, start);
        fld_uint(x, MPLS_CW_FLAGS, at, 2, PWCW_FLAGS(w));
        fld_uint(x, MPLS_CW_LEN, at + 1, 1, PWCW_LEN(w));
        fld_uint(x, MPLS_CW_SEQ, at + 2, 2, PWCW_SEQ(w));
        dx_next(x, c, TBL_NONE, 0, 0);
        x->next_direct = &dissector_eth;
        break;
    }
    default:
        dx_next(x, c, TBL_NONE, 0, 0);
        break;
    }
    return LS_OK;
}

/* tcpdump's form: "MPLS (label 16, tc 0, [S], ttl 64)"; a label below
 * another is written as tcpdump writes a stack, under the one name:
 * "MPLS (label 100, tc 1, ttl 63) (label 200, tc 0, [S], ttl 63)" */
static void mpls_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    bool below = l > r->layers && l[-1].proto == l->proto && l[-1].depth == l->depth;
    ob_puts(ob, below ? "(label " : "MPLS (label ");
    ob_u64(ob, layer_u64(r, l, MPLS_LABEL_F));
    ob_puts(ob, ", tc ");
    ob_u64(ob, layer_u64(r, l, MPLS_TC_F));
    if (layer_u64(r, l, MPLS_BOS_F))
        ob_puts(ob, ", [S]");
    ob_puts(ob, ", ttl ");
    ob_u64(ob, layer_u64(r, l, MPLS_TTL_F));
    ob_putc(ob, ')');
}

static const binding_t mpls_bindings[] = {
    {TBL_ETHERTYPE, 0x8847},  /* unicast */
    {TBL_ETHERTYPE, 0x8848},  /* multicast (RFC 5332) */
    {TBL_PPP_PROTO, 0x0281},  /* MPLS over PPP (RFC 3032 section 4.3) */
    {TBL_PPP_PROTO, 0x0283},
};

const dissector_t dissector_mpls = {
    .name = "mpls",
    .title = "MPLS",
    .osi = 2,
    .id = PROTO_mpls,
    .fields = mpls_fields,
    .nfields = NFIELDS(mpls_fields),
    .dissect = mpls_dissect,
    .summary = mpls_summary,
    .bindings = mpls_bindings,
    .nbindings = sizeof mpls_bindings / sizeof mpls_bindings[0],
    .line_prefix = true,
};
