/* eth.c - Ethernet II and IEEE 802.3 framing (LINKTYPE_ETHERNET).
 *
 * The two-byte field after the addresses is an EtherType when it is
 * 0x0600 or more, and an 802.3 length when it is 1500 or less (IEEE
 * 802.3 clause 3.2.6); a length frame carries LLC, handed to `llc`.
 */
#include "dissector.h"
#include "llc.h"

#define ETH_HDR_LEN 14

/* The fields, declared once.  `type` of an 802.3 frame is the EtherType
 * its LLC/SNAP header carries, else 0 (llc_length_frame adds it). */
enum { ETH_DST, ETH_SRC, ETH_LENGTH, ETH_TYPE };
static const field_def_t eth_fields[] = {
    [ETH_DST] = FIELD("dst", FT_MAC, "eth.dst", "Destination"),
    [ETH_SRC] = FIELD("src", FT_MAC, "eth.src", "Source"),
    [ETH_LENGTH] = FIELD("length", FT_UINT, "eth.len", "802.3 length"),
    [ETH_TYPE] = FIELD("type", FT_UINT, "eth.type", "EtherType", .flags = FF_HEX),
};

static int eth_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint8_t dst[6], src[6];
    cur_bytes(c, dst, 6);
    cur_bytes(c, src, 6);
    uint16_t type = cur_u16be(c);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_mac(x, ETH_DST, start, dst);
    fld_mac(x, ETH_SRC, start + 6, src);
    return llc_type_or_length(x, c, start + 12, type, ETH_LENGTH, ETH_TYPE);
}

static void eth_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    const field_t *s = layer_field(r, l, ETH_SRC), *d = layer_field(r, l, ETH_DST);
    const field_t *t = layer_field(r, l, ETH_TYPE);
    ob_puts(ob, "Ethernet ");
    if (s && d) {
        ob_mac(ob, s->v.b);
        ob_puts(ob, " > ");
        ob_mac(ob, d->v.b);
    }
    if (t) {
        ob_puts(ob, ", ethertype 0x");
        ob_hex(ob, t->v.u, 4);
        if (t->note) {
            ob_puts(ob, " (");
            ob_puts(ob, t->note);
            ob_putc(ob, ')');
        }
    } else {
        ob_puts(ob, ", 802.3");
    }
}

/* -e, as tcpdump 4.99 (print-ether.c): "SRC > DST, ethertype IPv4
 * (0x0800), length 74", the length being the frame's on the wire; an
 * 802.3 frame shows its length field (or the bytes there are, if
 * fewer).  A tag's type is followed by the tag (vlan.c). */
static void eth_link_summary(const record_t *r, const layer_t *l, link_ctx_t *lc, outbuf_t *ob)
{
    const field_t *s = layer_field(r, l, ETH_SRC), *d = layer_field(r, l, ETH_DST);
    const field_t *len = layer_field(r, l, ETH_LENGTH), *t = layer_field(r, l, ETH_TYPE);
    lc->length = r->len > ETH_HDR_LEN ? r->len - ETH_HDR_LEN : 0;
    if (s && d) {
        ob_mac(ob, s->v.b);
        ob_puts(ob, " > ");
        ob_mac(ob, d->v.b);
        ob_puts(ob, ", ");
    }
    if (len) {
        if (len->v.u < lc->length)
            lc->length = (uint32_t)len->v.u;
        ob_puts(ob, "802.3, length ");
        ob_u64(ob, lc->length);
    } else if (t) {
        put_ethertype_tcpdump(ob, (uint32_t)t->v.u);
        ob_puts(ob, ", length ");
        ob_u64(ob, r->len);
    }
    lc->sep = ": ";
}

static const binding_t eth_bindings[] = {
    {TBL_LINKTYPE, 1},       /* LINKTYPE_ETHERNET */
    {TBL_ETHERTYPE, 0x6558}, /* Transparent Ethernet bridging: a frame in GRE, Geneve */
};

const dissector_t dissector_eth = {
    .name = "eth",
    .title = "Ethernet",
    .osi = 2,
    .id = PROTO_eth,
    .fields = eth_fields,
    .nfields = NFIELDS(eth_fields),
    .dissect = eth_dissect,
    .summary = eth_summary,
    .link_summary = eth_link_summary,
    .bindings = eth_bindings,
    .nbindings = sizeof eth_bindings / sizeof eth_bindings[0],
};
