/* vxlan.c - Virtual eXtensible LAN (RFC 7348), UDP port 4789: an
 * Ethernet frame carried across an IP network, tagged with a 24-bit
 * network identifier (VNI).
 *
 * 8 bytes: flags (the I bit says the VNI is valid; the Group Based Policy
 * extension, draft-smith-vxlan-group-policy, adds G, D and A and a 16-bit
 * group policy id in the bytes RFC 7348 reserves), the VNI, a reserved
 * byte.  The inner frame follows and is dissected all the way up.
 *
 * OSI layer 7: to the network that carries it, VXLAN is an application on
 * a UDP port (tshark shows it after UDP, Zeek names it as the UDP
 * connection's service), although what it carries is a layer-2 frame; the
 * inner frame's layers follow with their own OSI layers.
 */
#include "dissector.h"

#define VXLAN_HDR_LEN 8
#define VXLAN_F_G 0x8000 /* group based policy extension */
#define VXLAN_F_I 0x0800 /* the VNI is valid */
#define VXLAN_F_D 0x0040 /* don't learn */
#define VXLAN_F_A 0x0008 /* policy applied */

enum { VXLAN_FLAGS, VXLAN_G, VXLAN_I, VXLAN_D, VXLAN_A, VXLAN_GBP, VXLAN_VNI };
static const field_def_t vxlan_fields[] = {
    [VXLAN_FLAGS] = FIELD("flags", FT_UINT, "vxlan.flags", "Flags", .flags = FF_HEX),
    [VXLAN_G] = FIELD("gbp_ext", FT_BOOL, "vxlan.flag_g", "Group based policy extension"),
    [VXLAN_I] = FIELD("vni_valid", FT_BOOL, "vxlan.flag_i", "VNI valid (I flag)"),
    [VXLAN_D] = FIELD("dont_learn", FT_BOOL, "vxlan.flag_d", "Don't learn"),
    [VXLAN_A] = FIELD("policy_applied", FT_BOOL, "vxlan.flag_a", "Policy applied"),
    [VXLAN_GBP] = FIELD("group_policy_id", FT_UINT, "vxlan.gbp", "Group policy ID"),
    [VXLAN_VNI] = FIELD("vni", FT_UINT, "vxlan.vni", "VXLAN network identifier"),
};

static int vxlan_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint16_t flags = cur_u16be(c);
    uint16_t gbp = cur_u16be(c);
    uint32_t vni = cur_u32be(c) >> 8; /* then a reserved byte */
    if (c->trunc) {
        if (c->off >= start + 2)
            fld_uint(x, VXLAN_FLAGS, start, 2, flags);
        return dx_truncated(x, c, start);
    }
    bool g = flags & VXLAN_F_G;
    fld_uint(x, VXLAN_FLAGS, start, 2, flags);
    fld_bool(x, VXLAN_I, start, 1, flags & VXLAN_F_I);
    if (g) {
        fld_bool(x, VXLAN_G, start, 1, true);
        fld_bool(x, VXLAN_D, start + 1, 1, flags & VXLAN_F_D);
        fld_bool(x, VXLAN_A, start + 1, 1, flags & VXLAN_F_A);
        fld_uint(x, VXLAN_GBP, start + 2, 2, gbp);
    }
    fld_uint(x, VXLAN_VNI, start + 4, 3, vni);
    dx_span(x, c, start);
    x->next_direct = &dissector_eth;
    dx_next(x, c, TBL_NONE, 0, 0);
    return LS_OK;
}

/* "VXLAN, flags [I], vni 100" (tcpdump's print-vxlan.c words) */
static void vxlan_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t flags = 0, v = 0;
    ob_puts(ob, "VXLAN");
    if (!layer_uint(r, l, VXLAN_FLAGS, &flags))
        return;
    static const struct {
        uint16_t bit;
        char letter;
    } letters[] = {{VXLAN_F_G, 'G'}, {VXLAN_F_I, 'I'}, {VXLAN_F_D, 'D'}, {VXLAN_F_A, 'A'}};
    ob_puts(ob, ", flags [");
    bool any = false;
    for (unsigned i = 0; i < sizeof letters / sizeof letters[0]; i++) {
        if (!(flags & letters[i].bit) || (letters[i].bit != VXLAN_F_I && !(flags & VXLAN_F_G)))
            continue;
        if (any)
            ob_putc(ob, ',');
        ob_putc(ob, letters[i].letter);
        any = true;
    }
    ob_putc(ob, ']');
    if (layer_uint(r, l, VXLAN_GBP, &v)) {
        ob_puts(ob, ", group ");
        ob_u64(ob, v);
    }
    if (layer_uint(r, l, VXLAN_VNI, &v)) {
        ob_puts(ob, ", vni ");
        ob_u64(ob, v);
    }
}

static const binding_t vxlan_bindings[] = {
    {TBL_UDP_PORT, 4789}, /* IANA */
};

const dissector_t dissector_vxlan = {
    .name = "vxlan",
    .title = "VXLAN",
    .osi = 7,
    .id = PROTO_vxlan,
    .fields = vxlan_fields,
    .nfields = NFIELDS(vxlan_fields),
    .dissect = vxlan_dissect,
    .summary = vxlan_summary,
    .bindings = vxlan_bindings,
    .nbindings = sizeof vxlan_bindings / sizeof vxlan_bindings[0],
};
