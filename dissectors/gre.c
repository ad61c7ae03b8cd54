/* gre.c - Generic Routing Encapsulation (IP protocol 47).
 *
 * Version 0: RFC 2784, with the key and sequence number of RFC 2890 and
 * the routing field of RFC 1701 (checksum and offset present when C or R
 * is set, then key, sequence number, routing entries).  Version 1: the
 * enhanced GRE of PPTP (RFC 2637 section 4.1), whose key is the payload
 * length and the peer's call id, with an acknowledgment number when A is
 * set; it carries PPP (0x880b).  The protocol type is an EtherType: the
 * payload goes to the EtherType table (0x0800 IPv4, 0x86dd IPv6, 0x6558
 * an Ethernet frame, 0x88be/0x22eb ERSPAN, which reads the flags word left
 * in ctx->gre_flags).
 *
 * OSI layer 3: GRE is an IP protocol that carries another network-layer
 * packet (or a frame) between two routers, one more header of the
 * network layer, as tshark shows it right after IP; the tunnelled packet
 * then follows with its own layers.
 */
#include "dissector.h"

#define GRE_F_C 0x8000   /* checksum (and offset) present */
#define GRE_F_R 0x4000   /* routing (and checksum, offset) present, RFC 1701 */
#define GRE_F_K 0x2000   /* key present */
#define GRE_F_S 0x1000   /* sequence number present */
#define GRE_F_SSR 0x0800 /* strict source route, RFC 1701 */
#define GRE_F_A 0x0080   /* version 1: acknowledgment number present */
#define GRE_RECUR(f) (((f) >> 8) & 7)
#define GRE_VERSION(f) ((f) & 7)
#define GRE_PROTO_PPP 0x880b
#define GRE_MAX_SRE 32 /* routing entries walked before the list is refused */

enum {
    GRE_FLAGS, GRE_C, GRE_R, GRE_K, GRE_S, GRE_SSR, GRE_RECURSION, GRE_A, GRE_VERSION_F,
    GRE_PROTO, GRE_CHECKSUM, GRE_OFFSET, GRE_KEY, GRE_PAYLOAD_LEN, GRE_CALL_ID, GRE_SEQ,
    GRE_ACK, GRE_ROUTING, GRE_SRE, GRE_SRE_AF, GRE_SRE_OFFSET, GRE_SRE_LEN, GRE_CHECKSUM_OK,
};
static const field_def_t gre_fields[] = {
    [GRE_FLAGS] = FIELD("flags", FT_UINT, "gre.flags_and_version", "Flags and version",
                        .flags = FF_HEX),
    [GRE_C] = FIELD("checksum_bit", FT_BOOL, "gre.flags.checksum", "Checksum present"),
    [GRE_R] = FIELD("routing_bit", FT_BOOL, "gre.flags.routing", "Routing present"),
    [GRE_K] = FIELD("key_bit", FT_BOOL, "gre.flags.key", "Key present"),
    [GRE_S] = FIELD("seq_bit", FT_BOOL, "gre.flags.sequence_number", "Sequence number present"),
    [GRE_SSR] = FIELD("strict_route_bit", FT_BOOL, "gre.flags.strict_source_route",
                      "Strict source route"),
    [GRE_RECURSION] = FIELD("recursion", FT_UINT, "gre.flags.recursion_control",
                            "Recursion control"),
    [GRE_A] = FIELD("ack_bit", FT_BOOL, "gre.flags.ack", "Acknowledgment present"),
    [GRE_VERSION_F] = FIELD("version", FT_UINT, "gre.flags.version", "Version"),
    [GRE_PROTO] = FIELD("proto_type", FT_UINT, "gre.proto", "Protocol type", .flags = FF_HEX),
    [GRE_CHECKSUM] = FIELD("checksum", FT_UINT, "gre.checksum", "Checksum", .flags = FF_HEX),
    [GRE_OFFSET] = FIELD("offset", FT_UINT, "gre.offset", "Routing offset"),
    [GRE_KEY] = FIELD("key", FT_UINT, "gre.key", "Key", .flags = FF_HEX),
    [GRE_PAYLOAD_LEN] = FIELD("payload_len", FT_UINT, "gre.key.payload_length",
                              "Payload length"),
    [GRE_CALL_ID] = FIELD("call_id", FT_UINT, "gre.key.call_id", "Call ID"),
    [GRE_SEQ] = FIELD("seq", FT_UINT, "gre.sequence_number", "Sequence number"),
    [GRE_ACK] = FIELD("ack", FT_UINT, "gre.ack_number", "Acknowledgment number"),
    [GRE_ROUTING] = FIELD("routing", FT_ARRAY, "gre.routing", "Routing (source route entries)"),
    [GRE_SRE] = FIELD("sre", FT_OBJECT, "gre.routing.sre", "Source route entry"),
    [GRE_SRE_AF] = FIELD("af", FT_UINT, "gre.routing.address_family", "Address family"),
    [GRE_SRE_OFFSET] = FIELD("sre_offset", FT_UINT, "gre.routing.sre_offset", "SRE offset"),
    [GRE_SRE_LEN] = FIELD("sre_len", FT_UINT, "gre.routing.src_length", "SRE length"),
    [GRE_CHECKSUM_OK] = FIELD("checksum_ok", FT_BOOL, "gre.checksum_ok", "Checksum correct"),
};

/* Protocol types with a meaning of their own in GRE, then EtherTypes. */
static const char *gre_proto_name(uint32_t proto)
{
    switch (proto) {
    case 0x0000: return "keepalive";
    case 0x6558: return "Transparent Ethernet bridging";
    case 0x880b: return "PPP";
    case 0x88be: return "ERSPAN";
    case 0x22eb: return "ERSPAN type III";
    default: return ethertype_name(proto);
    }
}

/* RFC 1701 section 2.2.1: source route entries (address family, SRE
 * offset, SRE length, routing information) up to the NULL entry (family
 * 0, length 0).  An entry beyond the packet is an error; beyond the
 * captured bytes a cut. */
static int walk_routing(dctx_t *x, cursor_t *c, uint32_t start)
{
    field_t *arr = fld_array(x, GRE_ROUTING, c->off);
    int st = LS_OK;
    for (unsigned n = 0;; n++) {
        uint32_t at = c->off;
        if (n == GRE_MAX_SRE || cur_rleft(c) < 4) {
            st = dx_error(x, ERR_bad_gre_routing);
            break;
        }
        uint16_t af = cur_u16be(c);
        uint8_t off = cur_u8(c);
        uint8_t len = cur_u8(c);
        if (c->trunc) {
            st = dx_truncated(x, c, start);
            break;
        }
        field_t *o = fld_object(x, GRE_SRE, at);
        fld_uint(x, GRE_SRE_AF, at, 2, af);
        fld_uint(x, GRE_SRE_OFFSET, at + 2, 1, off);
        fld_uint(x, GRE_SRE_LEN, at + 3, 1, len);
        fld_end(x, o, at + 4u + len);
        if (af == 0 && len == 0)
            break;
        if (len > cur_rleft(c)) {
            st = dx_error(x, ERR_bad_gre_routing);
            break;
        }
        if (!cur_skip(c, len)) {
            st = dx_truncated(x, c, start);
            break;
        }
    }
    fld_end(x, arr, c->off);
    return st;
}

static int gre_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint16_t flags = cur_u16be(c);
    uint16_t proto = cur_u16be(c);
    if (c->trunc) {
        if (c->off >= start + 2) /* the flags word was captured */
            fld_uint(x, GRE_FLAGS, start, 2, flags);
        return dx_truncated(x, c, start);
    }
    x->gre_flags = flags;
    unsigned version = GRE_VERSION(flags);
    bool pptp = version == 1 && proto == GRE_PROTO_PPP; /* RFC 2637's layout */
    fld_uint(x, GRE_FLAGS, start, 2, flags);
    fld_bool(x, GRE_C, start, 1, flags & GRE_F_C);
    fld_bool(x, GRE_R, start, 1, flags & GRE_F_R);
    fld_bool(x, GRE_K, start, 1, flags & GRE_F_K);
    fld_bool(x, GRE_S, start, 1, flags & GRE_F_S);
    fld_bool(x, GRE_SSR, start, 1, flags & GRE_F_SSR);
    fld_uint(x, GRE_RECURSION, start, 1, GRE_RECUR(flags));
    if (pptp)
        fld_bool(x, GRE_A, start + 1, 1, flags & GRE_F_A);
    fld_uint(x, GRE_VERSION_F, start + 1, 1, version);
    fld_note(fld_uint(x, GRE_PROTO, start + 2, 2, proto), gre_proto_name(proto));
    dx_span(x, c, start);
    if (version > 1) /* RFC 2784: 0; RFC 2637 (PPTP): 1 */
        return dx_error(x, ERR_bad_gre_version);

    /* the optional fields, in their order on the wire */
    if (flags & (GRE_F_C | GRE_F_R)) {
        uint32_t at = c->off;
        uint16_t sum = cur_u16be(c);
        uint16_t off = cur_u16be(c);
        if (c->trunc)
            return dx_truncated(x, c, start);
        fld_uint(x, GRE_CHECKSUM, at, 2, sum);
        fld_uint(x, GRE_OFFSET, at + 2, 2, off);
    }
    uint32_t payload_len = 0;
    if (flags & GRE_F_K) {
        uint32_t at = c->off;
        uint32_t key = cur_u32be(c);
        if (c->trunc)
            return dx_truncated(x, c, start);
        if (pptp) {
            payload_len = key >> 16;
            fld_uint(x, GRE_PAYLOAD_LEN, at, 2, payload_len);
            fld_uint(x, GRE_CALL_ID, at + 2, 2, key & 0xffff);
        } else {
            fld_uint(x, GRE_KEY, at, 4, key);
        }
    }
    if (flags & GRE_F_S) {
        uint32_t at = c->off;
        uint32_t seq = cur_u32be(c);
        if (c->trunc)
            return dx_truncated(x, c, start);
        fld_uint(x, GRE_SEQ, at, 4, seq);
    }
    if (pptp && (flags & GRE_F_A)) {
        uint32_t at = c->off;
        uint32_t ack = cur_u32be(c);
        if (c->trunc)
            return dx_truncated(x, c, start);
        fld_uint(x, GRE_ACK, at, 4, ack);
    }
    if (flags & GRE_F_R) {
        int st = walk_routing(x, c, start);
        if (st != LS_OK)
            return st;
    }
    dx_span(x, c, start);

    /* RFC 2784 section 2.5: the checksum covers the GRE header and its
     * payload; it can be checked only on a whole packet (not a fragment
     * nor a quote, and all of it captured). */
    if ((flags & GRE_F_C) && !x->ip_fragment && !x->allow_short && c->end >= c->rend)
        fld_bool(x, GRE_CHECKSUM_OK, start + 4, 2,
                 cur_sum16(c, start, c->rend - start, 0) == 0xffff);

    cursor_t payload = cur_rest(c);
    if (pptp && (flags & GRE_F_K)) {
        /* RFC 2637: the payload length excludes the GRE header */
        if (payload_len > cur_rleft(c) && !x->allow_short)
            return dx_error(x, ERR_bad_gre_len);
        if (payload_len <= cur_rleft(c))
            cur_sub(c, payload_len, &payload);
    }
    if (x->ip_fragment) {
        /* a piece of a packet: the tunnelled one is not whole */
        dx_next(x, &payload, TBL_NONE, 0, 0);
        return LS_OK;
    }
    dx_next(x, &payload, TBL_ETHERTYPE, proto, proto);
    return LS_OK;
}

/* "GREv0, key 0x1, seq 5, proto IPv4", "GREv1, call 6, seq 34, ack 17,
 * proto PPP" (tcpdump's print-gre.c words). */
static void gre_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t v = 0;
    ob_puts(ob, "GREv");
    ob_u64(ob, layer_u64(r, l, GRE_VERSION_F));
    if (layer_uint(r, l, GRE_KEY, &v)) {
        ob_puts(ob, ", key 0x");
        ob_hex(ob, v, 1);
    }
    if (layer_uint(r, l, GRE_CALL_ID, &v)) {
        ob_puts(ob, ", call ");
        ob_u64(ob, v);
    }
    if (layer_uint(r, l, GRE_SEQ, &v)) {
        ob_puts(ob, ", seq ");
        ob_u64(ob, v);
    }
    if (layer_uint(r, l, GRE_ACK, &v)) {
        ob_puts(ob, ", ack ");
        ob_u64(ob, v);
    }
    const field_t *p = layer_field(r, l, GRE_PROTO);
    if (p) {
        ob_puts(ob, ", proto ");
        put_note_or_hex(ob, p, 4);
    }
    if (layer_uint(r, l, GRE_CHECKSUM_OK, &v) && !v)
        ob_puts(ob, ", bad checksum");
}

static const binding_t gre_bindings[] = {
    {TBL_IPPROTO, 47},
};

const dissector_t dissector_gre = {
    .name = "gre",
    .title = "GRE",
    .osi = 3,
    .id = PROTO_gre,
    .fields = gre_fields,
    .nfields = NFIELDS(gre_fields),
    .dissect = gre_dissect,
    .summary = gre_summary,
    .bindings = gre_bindings,
    .nbindings = sizeof gre_bindings / sizeof gre_bindings[0],
};
