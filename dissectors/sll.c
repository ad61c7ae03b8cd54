/* sll.c - Linux "cooked" capture headers: LINKTYPE_LINUX_SLL (113) and,
 * in sll2.c, LINKTYPE_LINUX_SLL2 (276).  The protocol field is an
 * EtherType except for a few Linux-specific values (packet(7)). */
#include "dissector.h"
#include "sll.h"

const field_def_t sll_fields[SLL_NFIELDS] = {
    [SLL_PKTTYPE] = FIELD("pkttype", FT_UINT, "sll.pkttype", "Packet type"),
    [SLL_HATYPE] = FIELD("hatype", FT_UINT, "sll.hatype", "Link-layer address type"),
    [SLL_HALEN] = FIELD("halen", FT_UINT, "sll.halen", "Link-layer address length"),
    [SLL_SRC] = FIELD("src", FT_MAC, "sll.src.eth", "Source"),
    [SLL_TYPE] = FIELD("type", FT_UINT, "sll.etype", "Protocol", .flags = FF_HEX),
    [SLL_IFINDEX] = FIELD("ifindex", FT_UINT, "sll.ifindex", "Interface index"),
};

static const char *const pkttype_names[] = {
    "to us", "broadcast", "multicast", "to other host", "outgoing",
};

const char *sll_pkttype_name(uint32_t t)
{
    return t < sizeof pkttype_names / sizeof pkttype_names[0] ? pkttype_names[t] : NULL;
}

/* Hand the payload on by protocol; returns false when the protocol is
 * not an EtherType (netlink, CAN, raw 802.3 ...). */
void sll_dispatch(dctx_t *x, cursor_t *c, uint16_t arphrd, uint16_t proto)
{
    if (arphrd == SLL_ARPHRD_NETLINK) {
        dx_next(x, c, TBL_NONE, 0, 0);
    } else if (proto == SLL_PROTO_802_2) {
        dx_next(x, c, TBL_NONE, 0, 0);
        x->next_direct = &dissector_llc;
    } else if (proto >= 0x0600) {
        dx_next(x, c, TBL_ETHERTYPE, proto, proto);
    } else {
        dx_next(x, c, TBL_NONE, 0, 0);
    }
}

static int sll_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint16_t pkttype = cur_u16be(c);
    uint16_t arphrd = cur_u16be(c);
    uint16_t alen = cur_u16be(c);
    uint8_t addr[8];
    cur_bytes(c, addr, 8);
    uint16_t proto = cur_u16be(c);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_note(fld_uint(x, SLL_PKTTYPE, start, 2, pkttype), sll_pkttype_name(pkttype));
    fld_uint(x, SLL_HATYPE, start + 2, 2, arphrd);
    fld_uint(x, SLL_HALEN, start + 4, 2, alen);
    if (alen == 6)
        fld_mac(x, SLL_SRC, start + 6, addr);
    fld_note(fld_uint(x, SLL_TYPE, start + 14, 2, proto), ethertype_name(proto));
    sll_dispatch(x, c, arphrd, proto);
    return LS_OK;
}

void sll_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    const field_t *pt = layer_field(r, l, SLL_PKTTYPE);
    const field_t *src = layer_field(r, l, SLL_SRC);
    const field_t *t = layer_field(r, l, SLL_TYPE);
    ob_puts(ob, l->proto->name[3] == '2' ? "SLL2 " : "SLL ");
    if (pt && pt->note)
        ob_puts(ob, pt->note);
    if (src) {
        ob_puts(ob, " from ");
        ob_mac(ob, src->v.b);
    }
    if (t) {
        ob_puts(ob, ", type 0x");
        ob_hex(ob, t->v.u, 4);
    }
}

/* -e, as tcpdump 4.99 (print-sll.c): the packet type as tcpdump names
 * it, right-aligned in 3 columns for SLL ("Out", " In"), left-aligned
 * for SLL2, whose interface index follows; the address when it is 6
 * bytes, the protocol and the frame's length: " In 02:53:54:00:00:01
 * ethertype IPv4 (0x0800), length 98".  (tcpdump puts the name of the
 * interface before an SLL2 header, as the machine reading the file
 * names that index; strata shows the index alone.) */
void sll_link_summary(const record_t *r, const layer_t *l, link_ctx_t *lc, outbuf_t *ob)
{
    static const char *const names[] = {"In", "B", "M", "P", "Out"};
    bool v2 = l->proto->id == PROTO_sll2;
    uint64_t pt = 5, ifindex = 0;
    layer_uint(r, l, SLL_PKTTYPE, &pt);
    const char *name = pt < 5 ? names[pt] : "?";
    size_t n = strlen(name);
    if (!v2)
        ob_write(ob, "   ", 3 - n);
    ob_puts(ob, name);
    if (v2) {
        ob_write(ob, "   ", 4 - n);
        layer_uint(r, l, SLL_IFINDEX, &ifindex);
        ob_puts(ob, "ifindex ");
        ob_u64(ob, ifindex);
    }
    ob_putc(ob, ' ');
    const field_t *src = layer_field(r, l, SLL_SRC);
    if (src) {
        ob_mac(ob, src->v.b);
        ob_putc(ob, ' ');
    }
    uint64_t type = 0;
    layer_uint(r, l, SLL_TYPE, &type);
    if (type == 0x0001) {
        ob_puts(ob, "802.3");
    } else if (type == SLL_PROTO_802_2) {
        ob_puts(ob, "802.2");
    } else if (type <= 1500) {
        ob_puts(ob, "ethertype Unknown (0x");
        ob_hex(ob, type, 4);
        ob_putc(ob, ')');
    } else {
        put_ethertype_tcpdump(ob, (uint32_t)type);
    }
    ob_puts(ob, ", length ");
    ob_u64(ob, r->len);
    uint32_t hdr = v2 ? 20 : 16;
    lc->length = r->len > hdr ? r->len - hdr : 0;
    lc->cooked = true;
    lc->sep = ": ";
}

static const binding_t sll_bindings[] = {
    {TBL_LINKTYPE, 113},
};

const dissector_t dissector_sll = {
    .name = "sll",
    .title = "Linux cooked capture",
    .osi = 2,
    .id = PROTO_sll,
    .fields = sll_fields,
    .nfields = NFIELDS(sll_fields),
    .dissect = sll_dissect,
    .summary = sll_summary,
    .link_summary = sll_link_summary,
    .bindings = sll_bindings,
    .nbindings = 1,
};
