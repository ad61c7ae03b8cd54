/* sll.h - shared by the two Linux cooked-capture dissectors. */
#ifndef STRATA_SLL_H
#define STRATA_SLL_H

#include "dissector.h"

#define SLL_ARPHRD_NETLINK 824
#define SLL_PROTO_802_2 0x0004

/* The fields of both versions, declared once in sll.c: one table, so that
 * the shared summary reads either layer by the same indices (Wireshark's
 * sll dissector has one set of fields for both, too; ifindex is SLL2's). */
enum { SLL_PKTTYPE, SLL_HATYPE, SLL_HALEN, SLL_SRC, SLL_TYPE, SLL_IFINDEX, SLL_NFIELDS };
extern const field_def_t sll_fields[SLL_NFIELDS];

const char *sll_pkttype_name(uint32_t t);
void sll_dispatch(dctx_t *x, cursor_t *c, uint16_t arphrd, uint16_t proto);
void sll_summary(const record_t *r, const layer_t *l, outbuf_t *ob);
void sll_link_summary(const record_t *r, const layer_t *l, link_ctx_t *lc, outbuf_t *ob);

#endif
