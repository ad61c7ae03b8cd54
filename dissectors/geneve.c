/* geneve.c - Generic Network Virtualization Encapsulation (RFC 8926),
 * UDP port 6081.
 *
 * 8 bytes (section 3.4): version (0), length of the options in 4-byte
 * words, O (control packet) and C (critical options present) bits, the
 * protocol type of the payload (an EtherType: 0x6558 an Ethernet frame),
 * a 24-bit VNI, a reserved byte; then the options, each a class, a type
 * (its top bit: critical), a length in 4-byte words and its data
 * (section 3.5).  The payload follows and is dissected all the way up.
 *
 * OSI layer 7: like VXLAN, an application on a UDP port to the network
 * that carries it (tshark shows it after UDP); the inner packet's layers
 * follow with their own OSI layers.
 */
#include "dissector.h"

#define GENEVE_HDR_LEN 8
#define GENEVE_VERSION(b) ((b) >> 6)
#define GENEVE_OPT_WORDS(b) ((b)&0x3f)
#define GENEVE_F_O 0x80
#define GENEVE_F_C 0x40
#define GENEVE_OPT_CRITICAL 0x80 /* in the option type */
#define GENEVE_OPT_WORDS_OF(b) ((b)&0x1f)

enum {
    GENEVE_VERSION_F, GENEVE_OPT_LEN, GENEVE_FLAGS, GENEVE_O, GENEVE_C, GENEVE_PROTO,
    GENEVE_VNI, GENEVE_OPTIONS, GENEVE_OPTION, GENEVE_OPT_CLASS, GENEVE_OPT_TYPE,
    GENEVE_OPT_LENGTH,
};
static const field_def_t geneve_fields[] = {
    [GENEVE_VERSION_F] = FIELD("version", FT_UINT, "geneve.version", "Version"),
    [GENEVE_OPT_LEN] = FIELD("opt_len", FT_UINT, "geneve.options_len",
                             "Options length (bytes)"),
    [GENEVE_FLAGS] = FIELD("flags", FT_UINT, "geneve.flags", "Flags", .flags = FF_HEX),
    [GENEVE_O] = FIELD("oam", FT_BOOL, "geneve.flags.oam", "Control (OAM) packet"),
    [GENEVE_C] = FIELD("critical", FT_BOOL, "geneve.flags.critical", "Critical options present"),
    [GENEVE_PROTO] = FIELD("proto_type", FT_UINT, "geneve.proto_type", "Protocol type",
                           .flags = FF_HEX),
    [GENEVE_VNI] = FIELD("vni", FT_UINT, "geneve.vni", "Virtual network identifier"),
    [GENEVE_OPTIONS] = FIELD("options", FT_ARRAY, "geneve.options", "Options"),
    [GENEVE_OPTION] = FIELD("option", FT_OBJECT, "geneve.option", "Option"),
    [GENEVE_OPT_CLASS] = FIELD("class", FT_UINT, "geneve.option.class", "Option class",
                               .flags = FF_HEX),
    [GENEVE_OPT_TYPE] = FIELD("type", FT_UINT, "geneve.option.type", "Option type",
                              .flags = FF_HEX),
    [GENEVE_OPT_LENGTH] = FIELD("len", FT_UINT, "geneve.option.length",
                                "Option length (bytes, with its 4-byte header)"),
};

/* Option classes (IANA "Geneve Option Class"), as tcpdump names them. */
static const char *opt_class_name(uint16_t cls)
{
    switch (cls) {
    case 0x0100: return "Linux";
    case 0x0101: return "Open vSwitch";
    case 0x0102: return "Open Virtual Networking (OVN)";
    case 0x0103: return "In-band Network Telemetry (INT)";
    case 0x0104: return "VMware";
    default:
        if (cls <= 0x00ff)
            return "standard";
        if (cls >= 0xfff0)
            return "experimental";
        return NULL;
    }
}

/* The options in [c->off, end): each must fit inside them. */
static int walk_options(dctx_t *x, cursor_t *c, uint32_t end, uint32_t start)
{
    field_t *arr = fld_array(x, GENEVE_OPTIONS, c->off);
    int st = LS_OK;
    while (c->off < end) {
        uint32_t at = c->off;
        uint16_t cls = cur_u16be(c);
        uint8_t type = cur_u8(c);
        uint8_t lb = cur_u8(c);
        if (c->trunc) {
            st = dx_truncated(x, c, start);
            break;
        }
        uint32_t len = 4 + GENEVE_OPT_WORDS_OF(lb) * 4u;
        if (len > end - at) {
            st = dx_error(x, ERR_bad_geneve_option);
            break;
        }
        field_t *o = fld_object(x, GENEVE_OPTION, at);
        fld_note(fld_uint(x, GENEVE_OPT_CLASS, at, 2, cls), opt_class_name(cls));
        fld_note(fld_uint(x, GENEVE_OPT_TYPE, at + 2, 1, type),
                 type & GENEVE_OPT_CRITICAL ? "critical" : NULL);
        fld_uint(x, GENEVE_OPT_LENGTH, at + 3, 1, len);
        fld_end(x, o, at + len);
        if (!cur_skip(c, len - 4)) {
            st = dx_truncated(x, c, start);
            break;
        }
    }
    fld_end(x, arr, c->off < end ? c->off : end);
    return st;
}

static int geneve_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint8_t b0 = cur_u8(c);
    uint8_t flags = cur_u8(c);
    uint16_t proto = cur_u16be(c);
    uint32_t vni = cur_u32be(c) >> 8; /* then a reserved byte */
    if (c->trunc) {
        if (c->off > start)
            fld_uint(x, GENEVE_VERSION_F, start, 1, GENEVE_VERSION(b0));
        return dx_truncated(x, c, start);
    }
    uint32_t optlen = GENEVE_OPT_WORDS(b0) * 4u;
    fld_uint(x, GENEVE_VERSION_F, start, 1, GENEVE_VERSION(b0));
    if (GENEVE_VERSION(b0) != 0) {
        /* another version's header cannot be read as this one */
        dx_span(x, c, start);
        return dx_error(x, ERR_bad_geneve_version);
    }
    fld_uint(x, GENEVE_OPT_LEN, start, 1, optlen);
    fld_uint(x, GENEVE_FLAGS, start + 1, 1, flags);
    fld_bool(x, GENEVE_O, start + 1, 1, flags & GENEVE_F_O);
    fld_bool(x, GENEVE_C, start + 1, 1, flags & GENEVE_F_C);
    fld_note(fld_uint(x, GENEVE_PROTO, start + 2, 2, proto),
             proto == 0x6558 ? "Transparent Ethernet bridging" : ethertype_name(proto));
    fld_uint(x, GENEVE_VNI, start + 4, 3, vni);
    dx_span(x, c, start);
    if (optlen > cur_rleft(c) && !x->allow_short)
        return dx_error(x, ERR_bad_geneve_len);
    if (optlen) {
        uint32_t end = c->off + optlen;
        int st = walk_options(x, c, end, start);
        if (st != LS_OK)
            return st;
        dx_span(x, c, start);
    }
    dx_next(x, c, TBL_ETHERTYPE, proto, proto);
    return LS_OK;
}

/* "Geneve, vni 100, proto Transparent Ethernet bridging, options 12 bytes" */
static void geneve_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t v = 0;
    ob_puts(ob, "Geneve");
    if (layer_uint(r, l, GENEVE_O, &v) && v)
        ob_puts(ob, " (control)");
    if (layer_uint(r, l, GENEVE_VNI, &v)) {
        ob_puts(ob, ", vni ");
        ob_u64(ob, v);
    }
    const field_t *p = layer_field(r, l, GENEVE_PROTO);
    if (p) {
        ob_puts(ob, ", proto ");
        put_note_or_hex(ob, p, 4);
    }
    if (layer_uint(r, l, GENEVE_OPT_LEN, &v) && v) {
        ob_puts(ob, ", options ");
        ob_u64(ob, v);
        ob_puts(ob, " bytes");
    }
}

static const binding_t geneve_bindings[] = {
    {TBL_UDP_PORT, 6081}, /* IANA */
};

const dissector_t dissector_geneve = {
    .name = "geneve",
    .title = "Geneve",
    .osi = 7,
    .id = PROTO_geneve,
    .fields = geneve_fields,
    .nfields = NFIELDS(geneve_fields),
    .dissect = geneve_dissect,
    .summary = geneve_summary,
    .bindings = geneve_bindings,
    .nbindings = sizeof geneve_bindings / sizeof geneve_bindings[0],
};
