/* vntag.c - Cisco VN-Tag (EtherType 0x8926; the 802.1Qbh pre-standard
 * tag of a fabric extender): direction, pointer, the destination VIF (or
 * VIF list when the pointer bit is set), looped, a reserved bit, version,
 * the source VIF, then the inner EtherType, which may be an 802.3 length
 * as after an 802.1Q tag. */
#include "dissector.h"
#include "llc.h"

#define VNT_DIR(t) ((t) >> 31)
#define VNT_PTR(t) (((t) >> 30) & 1)
#define VNT_DVIF(t) (((t) >> 16) & 0x3fff)
#define VNT_LOOPED(t) (((t) >> 15) & 1)
#define VNT_VERSION(t) (((t) >> 12) & 3)
#define VNT_SVIF(t) ((t)&0x0fff)

enum { VNT_DIR_F, VNT_PTR_F, VNT_DVIF_F, VNT_LOOPED_F, VNT_VERSION_F, VNT_SVIF_F, VNT_LENGTH,
       VNT_TYPE };
static const field_def_t vntag_fields[] = {
    [VNT_DIR_F] = FIELD("dir", FT_BOOL, "vntag.dir", "Direction: from the bridge"),
    [VNT_PTR_F] = FIELD("ptr", FT_BOOL, "vntag.ptr", "Pointer (dst_vif is a VIF list)"),
    [VNT_DVIF_F] = FIELD("dst_vif", FT_UINT, "vntag.dst", "Destination VIF or VIF list"),
    [VNT_LOOPED_F] = FIELD("looped", FT_BOOL, "vntag.looped", "Looped"),
    [VNT_VERSION_F] = FIELD("version", FT_UINT, "vntag.version", "Version"),
    [VNT_SVIF_F] = FIELD("src_vif", FT_UINT, "vntag.src", "Source VIF"),
    [VNT_LENGTH] = FIELD("length", FT_UINT, "vntag.len", "802.3 length"),
    [VNT_TYPE] = FIELD("type", FT_UINT, "vntag.etype", "EtherType", .flags = FF_HEX),
};

static int vntag_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint32_t tag = cur_u32be(c);
    uint16_t type = cur_u16be(c);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_bool(x, VNT_DIR_F, start, 1, VNT_DIR(tag));
    fld_bool(x, VNT_PTR_F, start, 1, VNT_PTR(tag));
    fld_uint(x, VNT_DVIF_F, start, 2, VNT_DVIF(tag));
    fld_bool(x, VNT_LOOPED_F, start + 2, 1, VNT_LOOPED(tag));
    fld_uint(x, VNT_VERSION_F, start + 2, 1, VNT_VERSION(tag));
    fld_uint(x, VNT_SVIF_F, start + 2, 2, VNT_SVIF(tag));
    return llc_type_or_length(x, c, start + 4, type, VNT_LENGTH, VNT_TYPE);
}

static void vntag_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    ob_puts(ob, "VN-Tag ");
    ob_puts(ob, layer_u64(r, l, VNT_PTR_F) ? "dst list " : "dst ");
    ob_u64(ob, layer_u64(r, l, VNT_DVIF_F));
    ob_puts(ob, " src ");
    ob_u64(ob, layer_u64(r, l, VNT_SVIF_F));
    if (layer_u64(r, l, VNT_LOOPED_F))
        ob_puts(ob, " looped");
}

static const binding_t vntag_bindings[] = {
    {TBL_ETHERTYPE, 0x8926},
};

const dissector_t dissector_vntag = {
    .name = "vntag",
    .title = "VN-Tag",
    .osi = 2,
    .id = PROTO_vntag,
    .fields = vntag_fields,
    .nfields = NFIELDS(vntag_fields),
    .dissect = vntag_dissect,
    .summary = vntag_summary,
    .bindings = vntag_bindings,
    .nbindings = sizeof vntag_bindings / sizeof vntag_bindings[0],
};
