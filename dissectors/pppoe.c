/* pppoe.c - PPP over Ethernet (RFC 2516): the discovery stage (EtherType
 * 0x8863: PADI, PADO, PADR, PADS, PADT carrying tags) and the session
 * stage (0x8864: the same 6-byte header, then a PPP frame without address
 * and control bytes, handed to `ppp` as a fixed child).
 *
 * Both EtherTypes come here; the stage is told by the code, which RFC 2516
 * section 4 sets to 0x00 for session data and to a non-zero value for
 * every discovery packet (tcpdump's print-pppoe.c decides the same way).
 * That also serves LINKTYPE_PPP_ETHER, which has no EtherType.
 *
 * The length counts the payload after the header; bytes after it are
 * Ethernet padding.  A length beyond the frame is an error, as is a tag
 * running past the payload.
 */
#include "dissector.h"

#define PPPOE_VER(b) ((b) >> 4)
#define PPPOE_TYPE(b) ((b)&0x0f)
#define PPPOE_CODE_SESSION 0x00
#define PPPOE_TAG_EOL 0x0000
#define PPPOE_TAG_HDR 4
#define PPPOE_HEX_MAX 64 /* bytes of an opaque tag value shown in hex */

enum {
    PPPOE_VERSION, PPPOE_TYPE_F, PPPOE_CODE, PPPOE_SESSION_ID, PPPOE_LEN, PPPOE_TAGS,
    PPPOE_TAG, PPPOE_TAG_TYPE, PPPOE_TAG_LEN, PPPOE_SERVICE_NAME, PPPOE_AC_NAME,
    PPPOE_HOST_UNIQ, PPPOE_AC_COOKIE, PPPOE_VENDOR_ID, PPPOE_RELAY_SESSION_ID,
    PPPOE_MAX_PAYLOAD, PPPOE_SERVICE_NAME_ERROR, PPPOE_AC_SYSTEM_ERROR, PPPOE_GENERIC_ERROR,
};
static const field_def_t pppoe_fields[] = {
    [PPPOE_VERSION] = FIELD("version", FT_UINT, "pppoe.version", "Version"),
    [PPPOE_TYPE_F] = FIELD("type", FT_UINT, "pppoe.type", "Type"),
    [PPPOE_CODE] = FIELD("code", FT_UINT, "pppoe.code", "Code", .flags = FF_HEX),
    [PPPOE_SESSION_ID] = FIELD("session_id", FT_UINT, "pppoe.session_id", "Session ID",
                               .flags = FF_HEX),
    [PPPOE_LEN] = FIELD("len", FT_UINT, "pppoe.payload_length", "Payload length"),
    [PPPOE_TAGS] = FIELD("tags", FT_ARRAY, "pppoed.tags", "Tags"),
    [PPPOE_TAG] = FIELD("tag", FT_OBJECT, "pppoed.tags.tag", "Tag"),
    [PPPOE_TAG_TYPE] = FIELD("type", FT_UINT, "pppoed.tag", "Tag type", .flags = FF_HEX),
    [PPPOE_TAG_LEN] = FIELD("len", FT_UINT, "pppoed.tag_length", "Tag length"),
    [PPPOE_SERVICE_NAME] = FIELD("service_name", FT_STR, "pppoed.tags.service_name",
                                 "Service-Name"),
    [PPPOE_AC_NAME] = FIELD("ac_name", FT_STR, "pppoed.tags.ac_name", "AC-Name"),
    [PPPOE_HOST_UNIQ] = FIELD("host_uniq", FT_STR, "pppoed.tags.host_uniq", "Host-Uniq (hex)"),
    [PPPOE_AC_COOKIE] = FIELD("ac_cookie", FT_STR, "pppoed.tags.ac_cookie", "AC-Cookie (hex)"),
    [PPPOE_VENDOR_ID] = FIELD("vendor_id", FT_UINT, "pppoed.tags.vendor_id", "Vendor id"),
    [PPPOE_RELAY_SESSION_ID] = FIELD("relay_session_id", FT_STR, "pppoed.tags.relay_session_id",
                                     "Relay-Session-Id (hex)"),
    [PPPOE_MAX_PAYLOAD] = FIELD("max_payload", FT_UINT, "pppoed.tags.max_payload",
                                "PPP-Max-Payload"),
    [PPPOE_SERVICE_NAME_ERROR] = FIELD("service_name_error", FT_STR,
                                       "pppoed.tags.service_name_error", "Service-Name-Error"),
    [PPPOE_AC_SYSTEM_ERROR] = FIELD("ac_system_error", FT_STR, "pppoed.tags.ac_system_error",
                                    "AC-System-Error"),
    [PPPOE_GENERIC_ERROR] = FIELD("generic_error", FT_STR, "pppoed.tags.generic_error",
                                  "Generic-Error"),
};

/* RFC 2516 section 5, RFC 4938 (PADM, PADN), RFC 5578 (PADG, PADC, PADQ) */
static const char *code_name(uint32_t code)
{
    switch (code) {
    case 0x00: return "session data";
    case 0x07: return "PADO";
    case 0x09: return "PADI";
    case 0x0a: return "PADG";
    case 0x0b: return "PADC";
    case 0x0c: return "PADQ";
    case 0x19: return "PADR";
    case 0x65: return "PADS";
    case 0xa7: return "PADT";
    case 0xd3: return "PADM";
    case 0xd4: return "PADN";
    default: return NULL;
    }
}

/* How a tag's value is shown: its field, as text, as hex, or a number. */
enum { TV_NONE, TV_TEXT, TV_HEX, TV_U32, TV_U16 };
typedef struct tag_kind {
    const char *name;
    uint8_t field;
    uint8_t how;
} tag_kind_t;

/* RFC 2516 appendix A and the IANA PPPoE TAG registry */
static tag_kind_t tag_kind(uint32_t type)
{
    switch (type) {
    case 0x0000: return (tag_kind_t){"End-Of-List", 0, TV_NONE};
    case 0x0101: return (tag_kind_t){"Service-Name", PPPOE_SERVICE_NAME, TV_TEXT};
    case 0x0102: return (tag_kind_t){"AC-Name", PPPOE_AC_NAME, TV_TEXT};
    case 0x0103: return (tag_kind_t){"Host-Uniq", PPPOE_HOST_UNIQ, TV_HEX};
    case 0x0104: return (tag_kind_t){"AC-Cookie", PPPOE_AC_COOKIE, TV_HEX};
    case 0x0105: return (tag_kind_t){"Vendor-Specific", PPPOE_VENDOR_ID, TV_U32};
    case 0x0106: return (tag_kind_t){"Credits", 0, TV_NONE};
    case 0x0107: return (tag_kind_t){"Metrics", 0, TV_NONE};
    case 0x0108: return (tag_kind_t){"Sequence Number", 0, TV_NONE};
    case 0x0109: return (tag_kind_t){"Credit Scale Factor", 0, TV_NONE};
    case 0x0110: return (tag_kind_t){"Relay-Session-Id", PPPOE_RELAY_SESSION_ID, TV_HEX};
    case 0x0111: return (tag_kind_t){"HURL", 0, TV_NONE};
    case 0x0112: return (tag_kind_t){"MOTM", 0, TV_NONE};
    case 0x0120: return (tag_kind_t){"PPP-Max-Payload", PPPOE_MAX_PAYLOAD, TV_U16};
    case 0x0121: return (tag_kind_t){"IP_Route_Add", 0, TV_NONE};
    case 0x0201: return (tag_kind_t){"Service-Name-Error", PPPOE_SERVICE_NAME_ERROR, TV_TEXT};
    case 0x0202: return (tag_kind_t){"AC-System-Error", PPPOE_AC_SYSTEM_ERROR, TV_TEXT};
    case 0x0203: return (tag_kind_t){"Generic-Error", PPPOE_GENERIC_ERROR, TV_TEXT};
    default: return (tag_kind_t){NULL, 0, TV_NONE};
    }
}

/* The value of a tag whose n bytes at w's read position were captured. */
static void tag_value(dctx_t *x, cursor_t *w, tag_kind_t k, uint32_t n)
{
    static const char hexd[] = "0123456789abcdef";
    uint32_t at = w->off;
    cursor_t v;
    cur_sub(w, n, &v); /* n fits: checked by the caller */
    switch (k.how) {
    case TV_TEXT: {
        const uint8_t *p = cur_view(&v, n);
        if (p)
            fld_str(x, k.field, at, n, (const char *)p, n);
        break;
    }
    case TV_HEX: {
        strb_t b;
        strb_begin(x, &b);
        for (uint32_t i = 0; i < n && i < PPPOE_HEX_MAX; i++) {
            uint8_t byte = cur_u8(&v);
            strb_addc(&b, hexd[byte >> 4]);
            strb_addc(&b, hexd[byte & 15]);
        }
        if (n > PPPOE_HEX_MAX)
            strb_add(&b, "...", 3);
        strb_field(x, &b, k.field, at, n);
        break;
    }
    case TV_U32:
        if (n >= 4)
            fld_uint(x, k.field, at, 4, cur_u32be(&v));
        break;
    case TV_U16:
        if (n == 2)
            fld_uint(x, k.field, at, 2, cur_u16be(&v));
        break;
    default:
        break;
    }
}

/* The discovery tags in window w (the payload the length declares). */
static int walk_tags(dctx_t *x, cursor_t *w)
{
    int st = LS_OK;
    field_t *arr = fld_array(x, PPPOE_TAGS, w->off);
    while (cur_rleft(w) > 0) {
        uint32_t at = w->off;
        if (cur_rleft(w) < PPPOE_TAG_HDR) {
            st = dx_error(x, ERR_bad_pppoe_tag);
            break;
        }
        uint16_t type = cur_u16be(w);
        uint16_t tlen = cur_u16be(w);
        if (w->trunc) {
            st = LS_TRUNCATED;
            break;
        }
        if (tlen > cur_rleft(w)) {
            st = dx_error(x, ERR_bad_pppoe_tag);
            break;
        }
        tag_kind_t k = tag_kind(type);
        field_t *o = fld_object(x, PPPOE_TAG, at);
        fld_note(fld_uint(x, PPPOE_TAG_TYPE, at, 2, type), k.name);
        fld_uint(x, PPPOE_TAG_LEN, at + 2, 2, tlen);
        bool whole = cur_left(w) >= tlen;
        if (whole)
            tag_value(x, w, k, tlen);
        fld_end(x, o, at + PPPOE_TAG_HDR + tlen);
        if (!whole) {
            st = LS_TRUNCATED;
            break;
        }
        if (type == PPPOE_TAG_EOL)
            break;
    }
    fld_end(x, arr, w->off < w->end ? w->off : w->end);
    return st;
}

static int pppoe_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint8_t vt = cur_u8(c);
    uint8_t code = cur_u8(c);
    uint16_t sid = cur_u16be(c);
    uint16_t len = cur_u16be(c);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_uint(x, PPPOE_VERSION, start, 1, PPPOE_VER(vt));
    fld_uint(x, PPPOE_TYPE_F, start, 1, PPPOE_TYPE(vt));
    fld_note(fld_uint(x, PPPOE_CODE, start + 1, 1, code), code_name(code));
    fld_uint(x, PPPOE_SESSION_ID, start + 2, 2, sid);
    fld_uint(x, PPPOE_LEN, start + 4, 2, len);
    if (PPPOE_VER(vt) != 1 || PPPOE_TYPE(vt) != 1)
        return dx_error(x, ERR_bad_pppoe_hdr);
    cursor_t pl;
    if (!cur_sub(c, len, &pl))
        return dx_error(x, ERR_bad_pppoe_len);
    if (code == PPPOE_CODE_SESSION) {
        dx_next(x, &pl, TBL_NONE, 0, 0);
        x->next_direct = &dissector_ppp;
        return LS_OK;
    }
    int st = walk_tags(x, &pl);
    if (st == LS_TRUNCATED)
        return dx_truncated(x, &pl, start);
    dx_span(x, &pl, start);
    return st;
}

static void put_hex_value(outbuf_t *ob, const record_t *r, const field_t *f)
{
    /* tcpdump writes opaque values as 0x and upper-case hex */
    const char *s = field_str(r, f);
    ob_puts(ob, " 0x");
    for (unsigned i = 0; i < f->s_len; i++)
        ob_putc(ob, s[i] >= 'a' && s[i] <= 'f' ? (char)(s[i] - 'a' + 'A') : s[i]);
}

/* tcpdump's form: "PPPoE  [ses 0x11]" for session data, "PPPoE PADI
 * [Service-Name] [Host-Uniq 0x64138518]" for discovery. */
static void pppoe_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    const field_t *code = layer_field(r, l, PPPOE_CODE);
    uint64_t sid = layer_u64(r, l, PPPOE_SESSION_ID);
    ob_puts(ob, "PPPoE");
    if (!code)
        return;
    ob_putc(ob, ' '); /* session data: tcpdump's code name is empty, the
                         space stays ("PPPoE  [ses 0x11]") */
    if (code->v.u != PPPOE_CODE_SESSION) {
        if (code->note) {
            ob_puts(ob, code->note);
        } else {
            ob_puts(ob, "code 0x");
            ob_hex(ob, code->v.u, 2);
        }
    }
    if (code->v.u == PPPOE_CODE_SESSION || sid) {
        ob_puts(ob, " [ses 0x");
        ob_hex(ob, sid, 1);
        ob_putc(ob, ']');
    }
    bool open = false;
    unsigned end = (unsigned)l->f_first + l->f_count;
    for (unsigned i = l->f_first; i < end && i < r->nfields; i++) {
        const field_t *f = &r->fields[i];
        if (FIELD_IS(f, pppoe_fields, PPPOE_TAG_TYPE)) {
            ob_puts(ob, open ? "] [" : " [");
            open = true;
            if (f->note) {
                ob_puts(ob, f->note);
            } else {
                ob_puts(ob, "tag 0x");
                ob_hex(ob, f->v.u, 4);
            }
        } else if (open && f->type == FT_STR && f->s_len) {
            if (FIELD_IS(f, pppoe_fields, PPPOE_HOST_UNIQ) ||
                FIELD_IS(f, pppoe_fields, PPPOE_AC_COOKIE) ||
                FIELD_IS(f, pppoe_fields, PPPOE_RELAY_SESSION_ID)) {
                put_hex_value(ob, r, f);
            } else {
                ob_puts(ob, " \"");
                ob_safe_str(ob, field_str(r, f), f->s_len);
                ob_putc(ob, '"');
            }
        }
    }
    if (open)
        ob_putc(ob, ']');
}

static const binding_t pppoe_bindings[] = {
    {TBL_ETHERTYPE, 0x8863}, /* discovery */
    {TBL_ETHERTYPE, 0x8864}, /* session */
    {TBL_LINKTYPE, 51},      /* LINKTYPE_PPP_ETHER */
};

const dissector_t dissector_pppoe = {
    .name = "pppoe",
    .title = "PPPoE",
    .osi = 2,
    .id = PROTO_pppoe,
    .fields = pppoe_fields,
    .nfields = NFIELDS(pppoe_fields),
    .dissect = pppoe_dissect,
    .summary = pppoe_summary,
    .bindings = pppoe_bindings,
    .nbindings = sizeof pppoe_bindings / sizeof pppoe_bindings[0],
    .line_prefix = true,
};
