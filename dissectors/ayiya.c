/* ayiya.c - Anything In Anything (draft-massar-v6ops-ayiya), UDP 5072:
 * the tunnel broker protocol SixXS's AICCU used to carry IPv6 over UDP.
 *
 * 8 bytes: identity length (2^n bytes) and type, signature length (in
 * 4-byte words) and hash method, authentication method and operation
 * code, the next header (an IP protocol number), the sender's clock
 * (seconds since 1970); then the identity and the signature.  A Forward
 * message (opcode 1) carries a packet of the next header's protocol (41:
 * IPv6), dissected all the way up; other operations carry none (tshark
 * does the same).
 *
 * OSI layer 7: to the network that carries it, AYIYA is an application on
 * a UDP port (tshark shows it after UDP); the packet it forwards follows
 * with its own layers.
 */
#include "dissector.h"

#define AYIYA_HDR_LEN 8
#define AYIYA_HI(b) ((b) >> 4)
#define AYIYA_LO(b) ((b)&0x0f)
#define AYIYA_OP_FORWARD 1

enum {
    AYIYA_ID_LEN, AYIYA_ID_TYPE, AYIYA_SIG_LEN, AYIYA_HASH, AYIYA_AUTH, AYIYA_OPCODE,
    AYIYA_NEXT, AYIYA_EPOCH,
};
static const field_def_t ayiya_fields[] = {
    [AYIYA_ID_LEN] = FIELD("id_len", FT_UINT, "ayiya.idlen",
                           "Identity length (the identity has 2^id_len bytes)"),
    [AYIYA_ID_TYPE] = FIELD("id_type", FT_UINT, "ayiya.idtype", "Identity type"),
    [AYIYA_SIG_LEN] = FIELD("sig_len", FT_UINT, "ayiya.siglen", "Signature length (4-byte words)"),
    [AYIYA_HASH] = FIELD("hash_method", FT_UINT, "ayiya.hashmethod", "Hash method"),
    [AYIYA_AUTH] = FIELD("auth_method", FT_UINT, "ayiya.authmethod", "Authentication method"),
    [AYIYA_OPCODE] = FIELD("opcode", FT_UINT, "ayiya.opcode", "Operation code"),
    [AYIYA_NEXT] = FIELD("next_header", FT_UINT, "ayiya.nextheader", "Next header"),
    [AYIYA_EPOCH] = FIELD("epoch", FT_UINT, "ayiya.epoch", "Sender's time (seconds since 1970)"),
};

static const char *const id_types[3] = {"none", "integer", "ASCII string"};
static const char *const hash_methods[3] = {"none", "MD5", "SHA-1"};
static const char *const auth_methods[3] = {"none", "shared secret", "public key"};
static const char *const opcodes[8] = {
    "heartbeat", "forward", "echo request", "echo request and forward",
    "echo response", "MOTD", "query request", "query response",
};

static const char *name_of(const char *const *names, unsigned n, unsigned v)
{
    return v < n ? names[v] : NULL;
}

static int ayiya_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint8_t b0 = cur_u8(c);
    uint8_t b1 = cur_u8(c);
    uint8_t b2 = cur_u8(c);
    uint8_t next = cur_u8(c);
    uint32_t epoch = cur_u32be(c);
    if (c->trunc)
        return dx_truncated(x, c, start);
    uint32_t idlen = 1u << AYIYA_HI(b0), siglen = AYIYA_HI(b1) * 4u;
    unsigned op = AYIYA_LO(b2);
    fld_uint(x, AYIYA_ID_LEN, start, 1, AYIYA_HI(b0));
    fld_note(fld_uint(x, AYIYA_ID_TYPE, start, 1, AYIYA_LO(b0)),
             name_of(id_types, 3, AYIYA_LO(b0)));
    fld_uint(x, AYIYA_SIG_LEN, start + 1, 1, AYIYA_HI(b1));
    fld_note(fld_uint(x, AYIYA_HASH, start + 1, 1, AYIYA_LO(b1)),
             name_of(hash_methods, 3, AYIYA_LO(b1)));
    fld_note(fld_uint(x, AYIYA_AUTH, start + 2, 1, AYIYA_HI(b2)),
             name_of(auth_methods, 3, AYIYA_HI(b2)));
    fld_note(fld_uint(x, AYIYA_OPCODE, start + 2, 1, op), name_of(opcodes, 8, op));
    fld_note(fld_uint(x, AYIYA_NEXT, start + 3, 1, next), ipproto_name(next));
    fld_uint(x, AYIYA_EPOCH, start + 4, 4, epoch);
    /* the identity and the signature belong to the header */
    if (idlen + siglen > cur_rleft(c) && !x->allow_short) {
        dx_span(x, c, start);
        return dx_error(x, ERR_bad_ayiya_len);
    }
    if (!cur_skip(c, idlen + siglen))
        return dx_truncated(x, c, start);
    dx_span(x, c, start);
    if (op == AYIYA_OP_FORWARD)
        dx_next(x, c, TBL_IPPROTO, next, next);
    else
        dx_next(x, c, TBL_NONE, 0, 0);
    return LS_OK;
}

/* "AYIYA forward, next IPv6-in-IP" */
static void ayiya_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    ob_puts(ob, "AYIYA");
    const field_t *op = layer_field(r, l, AYIYA_OPCODE);
    if (!op)
        return;
    ob_putc(ob, ' ');
    if (op->note) {
        ob_puts(ob, op->note);
    } else {
        ob_puts(ob, "opcode ");
        ob_u64(ob, op->v.u);
    }
    const field_t *n = layer_field(r, l, AYIYA_NEXT);
    if (n && op->v.u == AYIYA_OP_FORWARD) {
        ob_puts(ob, ", next ");
        if (n->note) {
            ob_puts(ob, n->note);
        } else {
            ob_puts(ob, "proto ");
            ob_u64(ob, n->v.u);
        }
    }
}

static const binding_t ayiya_bindings[] = {
    {TBL_UDP_PORT, 5072}, /* IANA "ayiya" */
};

const dissector_t dissector_ayiya = {
    .name = "ayiya",
    .title = "AYIYA",
    .osi = 7,
    .id = PROTO_ayiya,
    .fields = ayiya_fields,
    .nfields = NFIELDS(ayiya_fields),
    .dissect = ayiya_dissect,
    .summary = ayiya_summary,
    .bindings = ayiya_bindings,
    .nbindings = sizeof ayiya_bindings / sizeof ayiya_bindings[0],
};
