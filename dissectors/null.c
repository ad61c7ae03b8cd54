/* null.c - BSD loopback encapsulation: LINKTYPE_NULL (0), a 4-byte
 * address family in the capturing host's byte order, and LINKTYPE_LOOP
 * (108), the same in network byte order. */
#include "dissector.h"

#define LINKTYPE_NULL 0
#define LINKTYPE_LOOP 108
#define AF_INET_ALL 2

enum { NULL_FAMILY };
static const field_def_t null_fields[] = {
    [NULL_FAMILY] = FIELD("family", FT_UINT, "null.family", "Address family"),
};

/* AF_INET6 differs between systems: Linux 10, BSDs 24, FreeBSD 28,
 * macOS 30 (as Wireshark's and tcpdump's loopback printers accept). */
static bool af_is_inet6(uint32_t af)
{
    return af == 10 || af == 24 || af == 28 || af == 30;
}

static int null_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint32_t fam;
    if (x->rec->linktype == LINKTYPE_LOOP) {
        fam = cur_u32be(c);
    } else {
        fam = cur_u32le(c);
        /* written by a big-endian host: the family sits in the top half */
        if ((fam & 0xffff) == 0 && fam != 0)
            fam = ((fam >> 24) & 0xff) | ((fam >> 8) & 0xff00);
    }
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    const char *note = fam == AF_INET_ALL ? "IPv4" : af_is_inet6(fam) ? "IPv6" : NULL;
    fld_note(fld_uint(x, NULL_FAMILY, start, 4, fam), note);
    if (fam == AF_INET_ALL)
        dx_next(x, c, TBL_ETHERTYPE, 0x0800, 0x0800);
    else if (af_is_inet6(fam))
        dx_next(x, c, TBL_ETHERTYPE, 0x86dd, 0x86dd);
    else
        dx_next(x, c, TBL_NONE, 0, 0);
    return LS_OK;
}

static void null_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t fam = 0;
    layer_uint(r, l, NULL_FAMILY, &fam);
    ob_puts(ob, "loopback family ");
    ob_u64(ob, fam);
}

/* -e, as tcpdump 4.99 (print-null.c): "AF IPv4 (2), length 88", with
 * tcpdump's names of the BSD address families. */
static void null_link_summary(const record_t *r, const layer_t *l, link_ctx_t *lc, outbuf_t *ob)
{
    uint64_t fam = 0;
    layer_uint(r, l, NULL_FAMILY, &fam);
    const char *name;
    switch (fam) {
    case 2: name = "IPv4"; break;
    case 6: name = "NS"; break;
    case 7: name = "ISO"; break;
    case 16: name = "Appletalk"; break;
    case 23: name = "IPX"; break;
    case 24: case 28: case 30: name = "IPv6"; break;
    default: name = "Unknown"; break;
    }
    ob_puts(ob, "AF ");
    ob_puts(ob, name);
    ob_puts(ob, " (");
    ob_u64(ob, fam);
    ob_puts(ob, "), length ");
    ob_u64(ob, r->len);
    lc->length = r->len > 4 ? r->len - 4 : 0;
    lc->sep = ": ";
}

static const binding_t null_bindings[] = {
    {TBL_LINKTYPE, LINKTYPE_NULL},
    {TBL_LINKTYPE, LINKTYPE_LOOP},
};

const dissector_t dissector_null = {
    .name = "null",
    .title = "BSD loopback",
    .osi = 2,
    .id = PROTO_null,
    .fields = null_fields,
    .nfields = NFIELDS(null_fields),
    .dissect = null_dissect,
    .summary = null_summary,
    .link_summary = null_link_summary,
    .bindings = null_bindings,
    .nbindings = 2,
};
