/* raw.c - raw IP link types: the frame starts with the IP header.
 * LINKTYPE_RAW (101, and the DLT_RAW values 12 and 14 some old files
 * carry) picks IPv4 or IPv6 by the version nibble; LINKTYPE_IPV4 (228)
 * and LINKTYPE_IPV6 (229) say it outright.  There is no link header, so
 * this dissector only steers and leaves no layer. */
#include "dissector.h"

static int raw_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t lt = x->rec->linktype;
    uint32_t type;
    if (lt == 228) {
        type = 0x0800;
    } else if (lt == 229) {
        type = 0x86dd;
    } else {
        uint8_t v = cur_peek_u8(c, c->off) >> 4;
        if (c->trunc)
            return LS_TRUNCATED;
        type = v == 6 ? 0x86dd : 0x0800;
    }
    dx_next(x, c, TBL_ETHERTYPE, type, type);
    return LS_OK;
}

static const binding_t raw_bindings[] = {
    {TBL_LINKTYPE, 101}, {TBL_LINKTYPE, 12}, {TBL_LINKTYPE, 14},
    {TBL_LINKTYPE, 228}, {TBL_LINKTYPE, 229},
};

const dissector_t dissector_raw = {
    .name = "raw",
    .title = "Raw IP",
    .osi = 2,
    .id = PROTO_raw, /* no fields: it only steers */
    .dissect = raw_dissect,
    .bindings = raw_bindings,
    .nbindings = sizeof raw_bindings / sizeof raw_bindings[0],
    .silent = true,
};
