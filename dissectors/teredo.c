/* teredo.c - Teredo, IPv6 over UDP through NATs (RFC 4380), UDP 3544.
 *
 * An IPv6 packet, optionally preceded by an authentication indicator
 * (0x0001, client id and authentication value lengths, the two values,
 * an 8-byte nonce and a confirmation byte, section 5.1.1) and an origin
 * indication (0x0000, the client's mapped port and IPv4 address, both
 * obfuscated by inverting every bit, section 5.1.1; shown here as they
 * really are).  The payload is taken as Teredo only when what follows
 * those headers looks like IPv6 (version 6): anything else on port 3544
 * stays data.
 *
 * OSI layer 7: to the IPv4 network that carries it, Teredo is an
 * application on a UDP port (tshark shows it after UDP); the IPv6 packet
 * it carries follows with its own layers.
 */
#include "dissector.h"

#define TEREDO_AUTH 0x0001
#define TEREDO_ORIGIN 0x0000
#define TEREDO_NONCE_LEN 8

enum {
    TEREDO_AUTH_F, TEREDO_ID_LEN, TEREDO_AU_LEN, TEREDO_NONCE, TEREDO_CONF,
    TEREDO_ORIG_PORT, TEREDO_ORIG_ADDR,
};
static const field_def_t teredo_fields[] = {
    [TEREDO_AUTH_F] = FIELD("auth", FT_BOOL, "teredo.auth", "Authentication header present"),
    [TEREDO_ID_LEN] = FIELD("auth_id_len", FT_UINT, "teredo.auth.idlen",
                            "Client identifier length"),
    [TEREDO_AU_LEN] = FIELD("auth_value_len", FT_UINT, "teredo.auth.aulen",
                            "Authentication value length"),
    [TEREDO_NONCE] = FIELD("nonce", FT_UINT, "teredo.auth.nonce", "Nonce", .flags = FF_HEX),
    [TEREDO_CONF] = FIELD("confirmation", FT_UINT, "teredo.auth.conf", "Confirmation byte"),
    [TEREDO_ORIG_PORT] = FIELD("origin_port", FT_UINT, "teredo.orig.port",
                               "Origin UDP port (de-obfuscated)"),
    [TEREDO_ORIG_ADDR] = FIELD("origin_addr", FT_IPV4, "teredo.orig.addr",
                               "Origin IPv4 address (de-obfuscated)"),
};

static int teredo_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    /* First walk without adding anything: is this Teredo at all? */
    cursor_t w = *c;
    bool auth = false, origin = false;
    uint8_t idlen = 0, aulen = 0;
    uint32_t auth_at = start, orig_at = start;
    if (cur_left(&w) >= 2 && cur_peek_u8(&w, w.off) == 0 && cur_peek_u8(&w, w.off + 1) == 1) {
        auth = true;
        cur_skip(&w, 2);
        idlen = cur_u8(&w);
        aulen = cur_u8(&w);
        uint32_t rest = (uint32_t)idlen + aulen + TEREDO_NONCE_LEN + 1;
        if (!w.trunc && rest > cur_rleft(&w))
            return LS_DECLINE; /* an "indicator" longer than the datagram */
        cur_skip(&w, rest);
    }
    if (!w.trunc && cur_left(&w) >= 2 && cur_peek_u8(&w, w.off) == 0 &&
        cur_peek_u8(&w, w.off + 1) == 0) {
        origin = true;
        orig_at = w.off;
        if (cur_rleft(&w) < 8)
            return LS_DECLINE;
        cur_skip(&w, 8);
    }
    bool cut = w.trunc || cur_left(&w) == 0;
    if (cut && !auth && !origin)
        return LS_DECLINE; /* nothing to tell it by */
    if (!cut && (cur_peek_u8(&w, w.off) >> 4) != 6)
        return LS_DECLINE; /* not IPv6: not Teredo */

    if (auth) {
        cur_skip(c, 2);
        cur_skip(c, 2);
        fld_bool(x, TEREDO_AUTH_F, auth_at, 2, true);
        if (!c->trunc) {
            fld_uint(x, TEREDO_ID_LEN, auth_at + 2, 1, idlen);
            fld_uint(x, TEREDO_AU_LEN, auth_at + 3, 1, aulen);
        }
        cur_skip(c, (uint32_t)idlen + aulen);
        uint32_t at = c->off;
        uint32_t hi = cur_u32be(c), lo = cur_u32be(c);
        uint8_t conf = cur_u8(c);
        if (c->trunc)
            return dx_truncated(x, c, start);
        fld_uint(x, TEREDO_NONCE, at, TEREDO_NONCE_LEN, (uint64_t)hi << 32 | lo);
        fld_uint(x, TEREDO_CONF, at + TEREDO_NONCE_LEN, 1, conf);
    }
    if (origin) {
        cur_skip(c, 2);
        uint16_t port = cur_u16be(c);
        uint8_t a[4];
        cur_bytes(c, a, 4);
        if (c->trunc)
            return dx_truncated(x, c, start);
        for (unsigned i = 0; i < 4; i++)
            a[i] = (uint8_t)~a[i];
        fld_uint(x, TEREDO_ORIG_PORT, orig_at + 2, 2, (uint16_t)~port);
        fld_ipv4(x, TEREDO_ORIG_ADDR, orig_at + 4, a);
    }
    if (c->trunc || (cut && cur_left(c) == 0 && cur_rleft(c) > 0))
        return dx_truncated(x, c, start);
    dx_span(x, c, start);
    x->next_direct = &dissector_ipv6;
    dx_next(x, c, TBL_NONE, 0, 0);
    return LS_OK;
}

/* "Teredo, auth, origin 192.0.2.45:40000" */
static void teredo_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    ob_puts(ob, "Teredo");
    if (layer_field(r, l, TEREDO_AUTH_F))
        ob_puts(ob, ", auth");
    const field_t *a = layer_field(r, l, TEREDO_ORIG_ADDR);
    uint64_t port = 0;
    if (a && layer_uint(r, l, TEREDO_ORIG_PORT, &port)) {
        ob_puts(ob, ", origin ");
        ob_ipv4(ob, a->v.b);
        ob_putc(ob, ':');
        ob_u64(ob, port);
    }
}

static const binding_t teredo_bindings[] = {
    {TBL_UDP_PORT, 3544}, /* IANA */
};

const dissector_t dissector_teredo = {
    .name = "teredo",
    .title = "Teredo",
    .osi = 7,
    .id = PROTO_teredo,
    .fields = teredo_fields,
    .nfields = NFIELDS(teredo_fields),
    .dissect = teredo_dissect,
    .summary = teredo_summary,
    .bindings = teredo_bindings,
    .nbindings = sizeof teredo_bindings / sizeof teredo_bindings[0],
};
