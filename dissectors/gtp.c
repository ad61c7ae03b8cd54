/* gtp.c - GPRS Tunnelling Protocol, user plane (GTP-U, 3GPP TS 29.281),
 * UDP port 2152: the mobile network's tunnel for a subscriber's packets.
 *
 * 8 bytes (section 5.1): flags (version 1, protocol type 1 = GTP, E, S
 * and PN: an extension header, sequence number or N-PDU number follows),
 * message type, length (of what follows these 8 bytes), tunnel endpoint
 * id (TEID).  When any of E, S, PN is set, 4 more bytes: sequence number,
 * N-PDU number, next extension header type; then the extension headers
 * (section 5.2), each a length in 4-byte words, contents and the type of
 * the next.  A T-PDU (message type 255) carries a subscriber's packet,
 * IPv4 or IPv6 by its first nibble, dissected all the way up.  The
 * information elements of the signalling messages (echo, error
 * indication, end marker ...) are left as data.
 *
 * OSI layer 7: to the network that carries it, GTP-U is an application on
 * a UDP port (tshark shows it after UDP, Zeek names it as the UDP
 * connection's service); the subscriber's packet follows with its own
 * layers.
 */
#include "dissector.h"

#define GTP_HDR_LEN 8
#define GTP_OPT_LEN 4 /* sequence number, N-PDU number, next extension type */
#define GTP_VERSION(f) ((f) >> 5)
#define GTP_PT(f) (((f) >> 4) & 1)
#define GTP_E(f) (((f) >> 2) & 1)
#define GTP_S(f) (((f) >> 1) & 1)
#define GTP_PN(f) ((f)&1)
#define GTP_MSG_TPDU 255
#define GTP_MAX_EXT 16 /* extension headers walked before the chain is refused */

enum {
    GTP_FLAGS, GTP_VERSION_F, GTP_PT_F, GTP_E_F, GTP_S_F, GTP_PN_F, GTP_MSG, GTP_LEN, GTP_TEID,
    GTP_SEQ, GTP_NPDU, GTP_NEXT, GTP_EXTS, GTP_EXT, GTP_EXT_TYPE, GTP_EXT_LEN,
};
static const field_def_t gtp_fields[] = {
    [GTP_FLAGS] = FIELD("flags", FT_UINT, "gtp.flags", "Flags", .flags = FF_HEX),
    [GTP_VERSION_F] = FIELD("version", FT_UINT, "gtp.flags.version", "Version"),
    [GTP_PT_F] = FIELD("pt", FT_UINT, "gtp.flags.payload", "Protocol type (1: GTP, 0: GTP')"),
    [GTP_E_F] = FIELD("e", FT_BOOL, "gtp.flags.e", "Extension header present"),
    [GTP_S_F] = FIELD("s", FT_BOOL, "gtp.flags.s", "Sequence number present"),
    [GTP_PN_F] = FIELD("pn", FT_BOOL, "gtp.flags.pn", "N-PDU number present"),
    [GTP_MSG] = FIELD("msg_type", FT_UINT, "gtp.message", "Message type"),
    [GTP_LEN] = FIELD("len", FT_UINT, "gtp.length", "Length (after the first 8 bytes)"),
    [GTP_TEID] = FIELD("teid", FT_UINT, "gtp.teid", "Tunnel endpoint identifier",
                       .flags = FF_HEX),
    [GTP_SEQ] = FIELD("seq", FT_UINT, "gtp.seq_number", "Sequence number"),
    [GTP_NPDU] = FIELD("npdu", FT_UINT, "gtp.npdu_number", "N-PDU number"),
    [GTP_NEXT] = FIELD("next_ext", FT_UINT, "gtp.ext_hdr.next", "Next extension header type",
                       .flags = FF_HEX),
    [GTP_EXTS] = FIELD("ext", FT_ARRAY, "gtp.ext_hdr", "Extension headers"),
    [GTP_EXT] = FIELD("hdr", FT_OBJECT, "gtp.ext_hdr.hdr", "Extension header"),
    [GTP_EXT_TYPE] = FIELD("type", FT_UINT, "gtp.ext_hdr_type", "Extension header type",
                           .flags = FF_HEX),
    [GTP_EXT_LEN] = FIELD("len", FT_UINT, "gtp.ext_hdr.length",
                          "Extension header length (4-byte words)"),
};

/* TS 29.281 section 6.1 */
static const char *msg_name(uint8_t t)
{
    switch (t) {
    case 1: return "echo request";
    case 2: return "echo response";
    case 26: return "error indication";
    case 31: return "supported extension headers notification";
    case 253: return "tunnel status";
    case 254: return "end marker";
    case GTP_MSG_TPDU: return "T-PDU";
    default: return NULL;
    }
}

/* TS 29.281 section 5.2.1 (figure 5.2.1-3) */
static const char *ext_name(uint8_t t)
{
    switch (t) {
    case 0x00: return "no more extension headers";
    case 0x20: return "service class indicator";
    case 0x40: return "UDP port";
    case 0x81: return "RAN container";
    case 0x82: return "long PDCP PDU number";
    case 0x83: return "Xw RAN container";
    case 0x84: return "NR RAN container";
    case 0x85: return "PDU session container";
    case 0xc0: return "PDCP PDU number";
    default: return NULL;
    }
}

/* The extension header chain starting with type `next`, inside the
 * message window m. */
static int walk_ext(dctx_t *x, cursor_t *m, uint8_t next, uint32_t start)
{
    field_t *arr = fld_array(x, GTP_EXTS, m->off);
    int st = LS_OK;
    for (unsigned n = 0; next != 0; n++) {
        uint32_t at = m->off;
        /* announced but not there, or a chain longer than any real one */
        if (n == GTP_MAX_EXT || cur_rleft(m) == 0) {
            st = dx_error(x, ERR_bad_gtp_ext);
            break;
        }
        uint8_t words = cur_u8(m);
        uint32_t len = words * 4u;
        if (!m->trunc && (len == 0 || len - 1 > cur_rleft(m))) {
            st = dx_error(x, ERR_bad_gtp_ext);
            break;
        }
        cur_skip(m, len - 2);
        uint8_t type = next;
        next = cur_u8(m);
        if (m->trunc) {
            st = dx_truncated(x, m, start);
            break;
        }
        field_t *o = fld_object(x, GTP_EXT, at);
        fld_note(fld_uint(x, GTP_EXT_TYPE, at, 0, type), ext_name(type));
        fld_uint(x, GTP_EXT_LEN, at, 1, words);
        fld_note(fld_uint(x, GTP_NEXT, at + len - 1, 1, next), ext_name(next));
        fld_end(x, o, at + len);
    }
    fld_end(x, arr, m->off);
    return st;
}

static int gtp_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint8_t flags = cur_u8(c);
    uint8_t type = cur_u8(c);
    uint16_t len = cur_u16be(c);
    uint32_t teid = cur_u32be(c);
    if (c->trunc) {
        if (c->off > start)
            fld_uint(x, GTP_FLAGS, start, 1, flags);
        return dx_truncated(x, c, start);
    }
    fld_uint(x, GTP_FLAGS, start, 1, flags);
    fld_uint(x, GTP_VERSION_F, start, 1, GTP_VERSION(flags));
    fld_uint(x, GTP_PT_F, start, 1, GTP_PT(flags));
    if (GTP_VERSION(flags) != 1 || GTP_PT(flags) != 1) {
        /* GTPv0, GTPv2 or GTP' on the GTP-U port: not this header */
        dx_span(x, c, start);
        return dx_error(x, ERR_bad_gtp_version);
    }
    bool opt = flags & 7;
    fld_bool(x, GTP_E_F, start, 1, GTP_E(flags));
    fld_bool(x, GTP_S_F, start, 1, GTP_S(flags));
    fld_bool(x, GTP_PN_F, start, 1, GTP_PN(flags));
    fld_note(fld_uint(x, GTP_MSG, start + 1, 1, type), msg_name(type));
    fld_uint(x, GTP_LEN, start + 2, 2, len);
    fld_uint(x, GTP_TEID, start + 4, 4, teid);
    dx_span(x, c, start);

    /* the message: `len` bytes after the first 8 */
    if ((opt && len < GTP_OPT_LEN) || (len > cur_rleft(c) && !x->allow_short))
        return dx_error(x, ERR_bad_gtp_len);
    cursor_t m = cur_rest(c);
    if (len <= cur_rleft(c))
        cur_sub(c, len, &m);
    if (opt) {
        uint32_t at = m.off;
        uint16_t seq = cur_u16be(&m);
        uint8_t npdu = cur_u8(&m);
        uint8_t next = cur_u8(&m);
        if (m.trunc)
            return dx_truncated(x, &m, start);
        /* the three are present together; each counts only when its
         * flag says so (TS 29.281 section 5.1) */
        if (GTP_S(flags))
            fld_uint(x, GTP_SEQ, at, 2, seq);
        if (GTP_PN(flags))
            fld_uint(x, GTP_NPDU, at + 2, 1, npdu);
        if (GTP_E(flags)) {
            fld_note(fld_uint(x, GTP_NEXT, at + 3, 1, next), ext_name(next));
            int st = walk_ext(x, &m, next, start);
            if (st != LS_OK)
                return st;
        }
        dx_span(x, &m, start);
    }
    if (type != GTP_MSG_TPDU || cur_left(&m) == 0) {
        dx_next(x, &m, TBL_NONE, 0, 0); /* information elements: data */
        return LS_OK;
    }
    /* a T-PDU: the subscriber's packet, by its IP version */
    uint8_t v = cur_peek_u8(&m, m.off) >> 4;
    x->next_direct = v == 4 ? &dissector_ipv4 : v == 6 ? &dissector_ipv6 : NULL;
    dx_next(x, &m, TBL_NONE, 0, 0);
    return LS_OK;
}

/* "GTPv1-U T-PDU, teid 0x1, seq 10461" */
static void gtp_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t v = 0;
    ob_puts(ob, "GTPv1-U");
    const field_t *t = layer_field(r, l, GTP_MSG);
    if (t) {
        ob_putc(ob, ' ');
        if (t->note) {
            ob_puts(ob, t->note);
        } else {
            ob_puts(ob, "message type ");
            ob_u64(ob, t->v.u);
        }
    }
    if (layer_uint(r, l, GTP_TEID, &v)) {
        ob_puts(ob, ", teid 0x");
        ob_hex(ob, v, 1);
    }
    if (layer_uint(r, l, GTP_SEQ, &v)) {
        ob_puts(ob, ", seq ");
        ob_u64(ob, v);
    }
}

static const binding_t gtp_bindings[] = {
    {TBL_UDP_PORT, 2152}, /* GTP-U, TS 29.281 section 4.4.2 */
};

const dissector_t dissector_gtp = {
    .name = "gtp",
    .title = "GTP-U",
    .osi = 7,
    .id = PROTO_gtp,
    .fields = gtp_fields,
    .nfields = NFIELDS(gtp_fields),
    .dissect = gtp_dissect,
    .summary = gtp_summary,
    .bindings = gtp_bindings,
    .nbindings = sizeof gtp_bindings / sizeof gtp_bindings[0],
};
