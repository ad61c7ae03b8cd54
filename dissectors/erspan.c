/* erspan.c - Encapsulated Remote SPAN (draft-foschiano-erspan): a frame
 * mirrored by a switch, sent to an analyser inside GRE (protocol type
 * 0x88be for types I and II, 0x22eb for type III).
 *
 * Type I has no header of its own: a GRE header with no flag set (and so
 * no sequence number) followed by the frame.  Type II (version 1) is 8
 * bytes: VLAN, class of service, encapsulation, truncation bit, session
 * id and a port index.  Type III (version 2) is 12 bytes, with a
 * timestamp, security group tag, frame type, hardware id, direction and
 * granularity, then an optional 8-byte platform sub-header.  Which type
 * it is depends on the GRE flags (ctx->gre_flags), as tshark decides it.
 * The mirrored Ethernet frame follows, dissected all the way up.
 *
 * OSI layer 3: the ERSPAN header belongs to the GRE tunnel that carries
 * the mirrored frame across routed networks, not to that frame.
 */
#include "dissector.h"

#define ERSPAN_VERSION(w) ((w) >> 12)
#define ERSPAN_VLAN(w) ((w)&0x0fff)
#define ERSPAN_COS(w) ((w) >> 13)
#define ERSPAN_EN(w) (((w) >> 11) & 3) /* type II encap; type III BSO */
#define ERSPAN_T(w) (((w) >> 10) & 1)
#define ERSPAN_SESSION(w) ((w)&0x03ff)
#define ERSPAN_INDEX(w) ((w)&0x000fffff)
#define ERSPAN3_P(w) ((w) >> 15)
#define ERSPAN3_FT(w) (((w) >> 10) & 0x1f)
#define ERSPAN3_HW(w) (((w) >> 4) & 0x3f)
#define ERSPAN3_D(w) (((w) >> 3) & 1)
#define ERSPAN3_GRA(w) (((w) >> 1) & 3)
#define ERSPAN3_O(w) ((w)&1)
#define ERSPAN3_PLATFORM(w) ((w) >> 26)
#define ERSPAN_V_TYPE2 1
#define ERSPAN_V_TYPE3 2
#define ERSPAN3_SUBHDR_LEN 8

enum {
    ERSPAN_TYPE, ERSPAN_VERSION_F, ERSPAN_VLAN_F, ERSPAN_COS_F, ERSPAN_ENCAP, ERSPAN_BSO,
    ERSPAN_TRUNC, ERSPAN_SESSION_F, ERSPAN_INDEX_F, ERSPAN_TIMESTAMP, ERSPAN_SGT, ERSPAN_P,
    ERSPAN_FT, ERSPAN_HW, ERSPAN_DIRECTION, ERSPAN_GRA, ERSPAN_O, ERSPAN_PLATFORM_ID,
};
static const field_def_t erspan_fields[] = {
    [ERSPAN_TYPE] = FIELD("type", FT_UINT, "erspan.type", "ERSPAN type (I, II, III)"),
    [ERSPAN_VERSION_F] = FIELD("version", FT_UINT, "erspan.version", "Version"),
    [ERSPAN_VLAN_F] = FIELD("vlan", FT_UINT, "erspan.vlan", "VLAN of the mirrored frame"),
    [ERSPAN_COS_F] = FIELD("cos", FT_UINT, "erspan.cos", "Class of service"),
    [ERSPAN_ENCAP] = FIELD("encap", FT_UINT, "erspan.encap", "Original VLAN encapsulation"),
    [ERSPAN_BSO] = FIELD("bso", FT_UINT, "erspan.bso", "Bad/short/oversized frame"),
    [ERSPAN_TRUNC] = FIELD("frame_truncated", FT_BOOL, "erspan.truncated",
                           "Mirrored frame cut to fit the MTU"),
    [ERSPAN_SESSION_F] = FIELD("session_id", FT_UINT, "erspan.spanid", "Session ID"),
    [ERSPAN_INDEX_F] = FIELD("index", FT_UINT, "erspan.index", "Port index"),
    [ERSPAN_TIMESTAMP] = FIELD("timestamp", FT_UINT, "erspan.timestamp", "Timestamp"),
    [ERSPAN_SGT] = FIELD("sgt", FT_UINT, "erspan.sgt", "Security group tag"),
    [ERSPAN_P] = FIELD("p", FT_BOOL, "erspan.p", "Ethernet PDU (no preamble/FCS)"),
    [ERSPAN_FT] = FIELD("frame_type", FT_UINT, "erspan.ft", "Frame type"),
    [ERSPAN_HW] = FIELD("hw_id", FT_UINT, "erspan.hw", "Hardware ID"),
    [ERSPAN_DIRECTION] = FIELD("direction", FT_UINT, "erspan.direction", "Direction"),
    [ERSPAN_GRA] = FIELD("granularity", FT_UINT, "erspan.gra", "Timestamp granularity"),
    [ERSPAN_O] = FIELD("subheader", FT_BOOL, "erspan.o", "Platform sub-header present"),
    [ERSPAN_PLATFORM_ID] = FIELD("platform_id", FT_UINT, "erspan.platid", "Platform ID"),
};

static const char *const encap_names[4] = {
    "untagged", "ISL", "802.1Q", "VLAN tag preserved in frame",
};
static const char *const gra_names[4] = {
    "100 microseconds", "100 nanoseconds", "IEEE 1588", "custom",
};

static int erspan_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    /* only GRE carries ERSPAN: an Ethernet frame of type 0x88be is data */
    const record_t *r = x->rec;
    if (r->nlayers < 2 || r->layers[r->nlayers - 2].proto != &dissector_gre)
        return LS_DECLINE;
    if (x->gre_flags == 0) {
        /* type I: the GRE header is all there is */
        fld_note(fld_uint(x, ERSPAN_TYPE, start, 0, 1), "no ERSPAN header");
        dx_span(x, c, start);
        x->next_direct = &dissector_eth;
        dx_next(x, c, TBL_NONE, 0, 0);
        return LS_OK;
    }
    uint16_t w0 = cur_u16be(c);
    uint16_t w1 = cur_u16be(c);
    if (c->trunc) {
        if (c->off >= start + 2)
            fld_uint(x, ERSPAN_VERSION_F, start, 1, ERSPAN_VERSION(w0));
        return dx_truncated(x, c, start);
    }
    unsigned v = ERSPAN_VERSION(w0);
    if (v != ERSPAN_V_TYPE2 && v != ERSPAN_V_TYPE3) {
        fld_uint(x, ERSPAN_VERSION_F, start, 1, v);
        dx_span(x, c, start);
        return dx_error(x, ERR_bad_erspan_version);
    }
    bool t3 = v == ERSPAN_V_TYPE3;
    uint32_t w2 = cur_u32be(c);
    uint16_t sgt = 0, w4 = 0;
    if (t3) {
        sgt = cur_u16be(c);
        w4 = cur_u16be(c);
    }
    if (c->trunc)
        return dx_truncated(x, c, start);
    fld_uint(x, ERSPAN_TYPE, start, 0, t3 ? 3 : 2);
    fld_note(fld_uint(x, ERSPAN_VERSION_F, start, 1, v), t3 ? "type III" : "type II");
    fld_uint(x, ERSPAN_VLAN_F, start, 2, ERSPAN_VLAN(w0));
    fld_uint(x, ERSPAN_COS_F, start + 2, 1, ERSPAN_COS(w1));
    if (t3)
        fld_uint(x, ERSPAN_BSO, start + 2, 1, ERSPAN_EN(w1));
    else
        fld_note(fld_uint(x, ERSPAN_ENCAP, start + 2, 1, ERSPAN_EN(w1)),
                 encap_names[ERSPAN_EN(w1)]);
    fld_bool(x, ERSPAN_TRUNC, start + 2, 1, ERSPAN_T(w1));
    fld_uint(x, ERSPAN_SESSION_F, start + 2, 2, ERSPAN_SESSION(w1));
    if (!t3) {
        fld_uint(x, ERSPAN_INDEX_F, start + 4, 4, ERSPAN_INDEX(w2));
    } else {
        fld_uint(x, ERSPAN_TIMESTAMP, start + 4, 4, w2);
        fld_uint(x, ERSPAN_SGT, start + 8, 2, sgt);
        fld_bool(x, ERSPAN_P, start + 10, 1, ERSPAN3_P(w4));
        fld_uint(x, ERSPAN_FT, start + 10, 1, ERSPAN3_FT(w4));
        fld_uint(x, ERSPAN_HW, start + 10, 2, ERSPAN3_HW(w4));
        fld_note(fld_uint(x, ERSPAN_DIRECTION, start + 11, 1, ERSPAN3_D(w4)),
                 ERSPAN3_D(w4) ? "egress" : "ingress");
        fld_note(fld_uint(x, ERSPAN_GRA, start + 11, 1, ERSPAN3_GRA(w4)),
                 gra_names[ERSPAN3_GRA(w4)]);
        fld_bool(x, ERSPAN_O, start + 11, 1, ERSPAN3_O(w4));
        if (ERSPAN3_O(w4)) {
            uint32_t at = c->off;
            uint32_t p = cur_u32be(c);
            cur_skip(c, ERSPAN3_SUBHDR_LEN - 4);
            if (c->trunc)
                return dx_truncated(x, c, start);
            fld_uint(x, ERSPAN_PLATFORM_ID, at, 1, ERSPAN3_PLATFORM(p));
        }
    }
    dx_span(x, c, start);
    x->next_direct = &dissector_eth; /* the mirrored frame */
    dx_next(x, c, TBL_NONE, 0, 0);
    return LS_OK;
}

/* "ERSPAN type II, session 100, vlan 10" */
static void erspan_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    static const char *const types[4] = {"", "I", "II", "III"};
    uint64_t t = layer_u64(r, l, ERSPAN_TYPE), v = 0;
    ob_puts(ob, "ERSPAN");
    if (t >= 1 && t <= 3) {
        ob_puts(ob, " type ");
        ob_puts(ob, types[t]);
    } else if (layer_uint(r, l, ERSPAN_VERSION_F, &v)) {
        ob_puts(ob, " version ");
        ob_u64(ob, v);
    }
    if (layer_uint(r, l, ERSPAN_SESSION_F, &v)) {
        ob_puts(ob, ", session ");
        ob_u64(ob, v);
    }
    if (layer_uint(r, l, ERSPAN_VLAN_F, &v)) {
        ob_puts(ob, ", vlan ");
        ob_u64(ob, v);
    }
}

/* GRE protocol types (GRE hands its payload to the EtherType table; the
 * dissector declines anything not carried by GRE). */
static const binding_t erspan_bindings[] = {
    {TBL_ETHERTYPE, 0x88be}, /* types I and II */
    {TBL_ETHERTYPE, 0x22eb}, /* type III */
};

const dissector_t dissector_erspan = {
    .name = "erspan",
    .title = "ERSPAN",
    .osi = 3,
    .id = PROTO_erspan,
    .fields = erspan_fields,
    .nfields = NFIELDS(erspan_fields),
    .dissect = erspan_dissect,
    .summary = erspan_summary,
    .bindings = erspan_bindings,
    .nbindings = sizeof erspan_bindings / sizeof erspan_bindings[0],
};
