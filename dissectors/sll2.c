/* sll2.c - LINKTYPE_LINUX_SLL2 (276): protocol first, then interface
 * index, hardware type, packet type and the link-layer address. */
#include "dissector.h"
#include "sll.h"

static int sll2_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint16_t proto = cur_u16be(c);
    cur_u16be(c); /* reserved */
    uint32_t ifindex = cur_u32be(c);
    uint16_t arphrd = cur_u16be(c);
    uint8_t pkttype = cur_u8(c);
    uint8_t alen = cur_u8(c);
    uint8_t addr[8];
    cur_bytes(c, addr, 8);
    dx_span(x, c, start);
    if (c->trunc)
        return LS_TRUNCATED;
    fld_note(fld_uint(x, SLL_TYPE, start, 2, proto), ethertype_name(proto));
    fld_uint(x, SLL_IFINDEX, start + 4, 4, ifindex);
    fld_uint(x, SLL_HATYPE, start + 8, 2, arphrd);
    fld_note(fld_uint(x, SLL_PKTTYPE, start + 10, 1, pkttype), sll_pkttype_name(pkttype));
    fld_uint(x, SLL_HALEN, start + 11, 1, alen);
    if (alen == 6)
        fld_mac(x, SLL_SRC, start + 12, addr);
    sll_dispatch(x, c, arphrd, proto);
    return LS_OK;
}

static const binding_t sll2_bindings[] = {
    {TBL_LINKTYPE, 276},
};

const dissector_t dissector_sll2 = {
    .name = "sll2",
    .title = "Linux cooked capture v2",
    .osi = 2,
    .id = PROTO_sll2,
    .fields = sll_fields, /* shared with sll (sll.h) */
    .nfields = NFIELDS(sll_fields),
    .dissect = sll2_dissect,
    .summary = sll_summary,
    .link_summary = sll_link_summary,
    .bindings = sll2_bindings,
    .nbindings = 1,
};
