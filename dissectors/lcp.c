/* lcp.c - the PPP Link Control Protocol (RFC 1661 section 5), PPP
 * protocol 0xc021: how the two ends of a PPP link (a PPPoE session, a
 * PPTP tunnel, a serial line) agree on its options, test it and close it.
 *
 * A packet is code, identifier, length (of the whole packet), then by
 * code: the options (Configure-Request/Ack/Nak/Reject, section 6), a
 * magic number (Echo-Request/Reply, Discard-Request), the rejected
 * protocol (Protocol-Reject), or data.  Bytes after `length` are padding
 * (section 5).
 */
#include "dissector.h"

#define LCP_HDR_LEN 4
#define LCP_OPT_HDR 2

enum {
    LCP_CODE, LCP_ID, LCP_LENGTH, LCP_MAGIC, LCP_REJ_PROTO, LCP_DATA_LEN,
    LCP_OPTIONS, LCP_OPTION, LCP_OPT_TYPE, LCP_OPT_LEN, LCP_OPT_MRU, LCP_OPT_AUTH,
    LCP_OPT_MAGIC,
};
static const field_def_t lcp_fields[] = {
    [LCP_CODE] = FIELD("code", FT_UINT, "ppp.code", "Code"),
    [LCP_ID] = FIELD("id", FT_UINT, "ppp.identifier", "Identifier"),
    [LCP_LENGTH] = FIELD("length", FT_UINT, "ppp.length", "Length"),
    [LCP_MAGIC] = FIELD("magic", FT_UINT, "lcp.magic_number", "Magic number", .flags = FF_HEX),
    [LCP_REJ_PROTO] = FIELD("rejected_protocol", FT_UINT, "lcp.rej_proto", "Rejected protocol",
                            .flags = FF_HEX),
    [LCP_DATA_LEN] = FIELD("data_len", FT_UINT, NULL, "Data length"),
    [LCP_OPTIONS] = FIELD("options", FT_ARRAY, NULL, "Options"),
    [LCP_OPTION] = FIELD("option", FT_OBJECT, "lcp.opt", "Option"),
    [LCP_OPT_TYPE] = FIELD("type", FT_UINT, "lcp.opt.type", "Type"),
    [LCP_OPT_LEN] = FIELD("len", FT_UINT, "lcp.opt.length", "Length"),
    [LCP_OPT_MRU] = FIELD("mru", FT_UINT, "lcp.opt.mru", "Maximum receive unit"),
    [LCP_OPT_AUTH] = FIELD("auth_protocol", FT_UINT, "lcp.opt.auth_protocol",
                           "Authentication protocol", .flags = FF_HEX),
    [LCP_OPT_MAGIC] = FIELD("magic", FT_UINT, "lcp.opt.magic_number", "Magic number",
                            .flags = FF_HEX),
};

/* RFC 1661 section 5, RFC 1570 (Identification, Time-Remaining) */
static const char *code_name(uint32_t code)
{
    static const char *const n[] = {
        NULL, "Conf-Request", "Conf-Ack", "Conf-Nack", "Conf-Reject", "Term-Request",
        "Term-Ack", "Code-Reject", "Prot-Reject", "Echo-Request", "Echo-Reply",
        "Disc-Request", "Ident", "Time-Rem",
    };
    return code < sizeof n / sizeof n[0] ? n[code] : NULL;
}

/* RFC 1661 section 6 and the IANA LCP option registry (the common ones) */
static const char *option_name(uint32_t type)
{
    switch (type) {
    case 1: return "MRU";
    case 2: return "ACCM";
    case 3: return "Auth-Prot";
    case 4: return "QA";
    case 5: return "Magic-Num";
    case 7: return "PFC";
    case 8: return "ACFC";
    case 13: return "Callback";
    case 17: return "MRRU";
    case 19: return "Endpoint-Discriminator";
    default: return NULL;
    }
}

/* The options of a Configure packet, in the window w the length gives. */
static int walk_options(dctx_t *x, cursor_t *w)
{
    int st = LS_OK;
    field_t *arr = fld_array(x, LCP_OPTIONS, w->off);
    while (cur_rleft(w) > 0) {
        uint32_t at = w->off;
        uint8_t type = cur_u8(w);
        uint8_t len = cur_u8(w);
        if (w->trunc) {
            st = cur_rleft(w) ? LS_TRUNCATED : dx_error(x, ERR_bad_lcp_option);
            break;
        }
        if (len < LCP_OPT_HDR || (uint32_t)(len - LCP_OPT_HDR) > cur_rleft(w)) {
            st = dx_error(x, ERR_bad_lcp_option);
            break;
        }
        field_t *o = fld_object(x, LCP_OPTION, at);
        fld_note(fld_uint(x, LCP_OPT_TYPE, at, 1, type), option_name(type));
        fld_uint(x, LCP_OPT_LEN, at + 1, 1, len);
        uint32_t n = len - LCP_OPT_HDR;
        cursor_t v;
        cur_sub(w, n, &v);
        bool whole = cur_left(&v) >= n;
        if (whole && type == 1 && n == 2)
            fld_uint(x, LCP_OPT_MRU, at + 2, 2, cur_u16be(&v));
        else if (whole && type == 3 && n >= 2)
            fld_uint(x, LCP_OPT_AUTH, at + 2, 2, cur_u16be(&v));
        else if (whole && type == 5 && n == 4)
            fld_uint(x, LCP_OPT_MAGIC, at + 2, 4, cur_u32be(&v));
        fld_end(x, o, at + len);
        if (!whole) {
            st = LS_TRUNCATED;
            break;
        }
    }
    fld_end(x, arr, w->off < w->end ? w->off : w->end);
    return st;
}

static int lcp_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint8_t code = cur_u8(c);
    uint8_t id = cur_u8(c);
    uint16_t len = cur_u16be(c);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_note(fld_uint(x, LCP_CODE, start, 1, code), code_name(code));
    fld_uint(x, LCP_ID, start + 1, 1, id);
    fld_uint(x, LCP_LENGTH, start + 2, 2, len);
    cursor_t body;
    if (len < LCP_HDR_LEN || !cur_sub(c, len - LCP_HDR_LEN, &body))
        return dx_error(x, ERR_bad_lcp_len);
    uint32_t at = body.off;
    int st = LS_OK;
    switch (code) {
    case 1: case 2: case 3: case 4: /* Configure-* */
        st = walk_options(x, &body);
        break;
    case 9: case 10: case 11: case 12: case 13: /* Echo, Discard, Ident, Time-Remaining */
        if (cur_rleft(&body) >= 4) {
            uint32_t magic = cur_u32be(&body);
            if (body.trunc)
                return dx_truncated(x, &body, start);
            fld_uint(x, LCP_MAGIC, at, 4, magic);
        }
        break;
    case 8: /* Protocol-Reject: the protocol, then the rejected packet */
        if (cur_rleft(&body) >= 2) {
            uint16_t p = cur_u16be(&body);
            if (body.trunc)
                return dx_truncated(x, &body, start);
            fld_uint(x, LCP_REJ_PROTO, at, 2, p);
        }
        break;
    default:
        break;
    }
    if (st != LS_OK && st != LS_TRUNCATED)
        return st;
    uint32_t rest = cur_rleft(&body);
    if (rest && code != 1 && code != 2 && code != 3 && code != 4)
        fld_uint(x, LCP_DATA_LEN, body.off, rest, rest);
    if (st == LS_TRUNCATED || cur_left(&body) < rest)
        return dx_truncated(x, &body, start);
    cur_skip(&body, rest);
    dx_span(x, &body, start);
    return LS_OK;
}

/* tcpdump's form: "LCP, Echo-Request (0x09), id 1, length 10", the
 * length counting the PPP protocol field before the packet as tcpdump's
 * does (print-ppp.c) */
static void lcp_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    const field_t *code = layer_field(r, l, LCP_CODE);
    ob_puts(ob, "LCP");
    if (!code)
        return;
    ob_puts(ob, ", ");
    ob_puts(ob, code->note ? code->note : "unknown");
    ob_puts(ob, " (0x");
    ob_hex(ob, code->v.u, 2);
    ob_putc(ob, ')');
    uint64_t v;
    if (layer_uint(r, l, LCP_ID, &v)) {
        ob_puts(ob, ", id ");
        ob_u64(ob, v);
    }
    if (layer_uint(r, l, LCP_LENGTH, &v)) {
        ob_puts(ob, ", length ");
        ob_u64(ob, v + 2);
    }
}

static const binding_t lcp_bindings[] = {
    {TBL_PPP_PROTO, 0xc021},
};

const dissector_t dissector_lcp = {
    .name = "lcp",
    .title = "PPP Link Control Protocol",
    .osi = 2,
    .id = PROTO_lcp,
    .fields = lcp_fields,
    .nfields = NFIELDS(lcp_fields),
    .dissect = lcp_dissect,
    .summary = lcp_summary,
    .bindings = lcp_bindings,
    .nbindings = sizeof lcp_bindings / sizeof lcp_bindings[0],
};
