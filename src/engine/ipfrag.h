/* ipfrag.h - IPv4 fragment reassembly (RFC 791 section 3.2, with RFC
 * 815's hole bookkeeping in reasm.c).  A datagram is dissected whole at
 * the fragment that completes it; overlapping bytes keep the fragment that
 * came first (the later-arriving fragment loses).  Bounded: at most
 * FRAG_MAX_PENDING datagrams of up to 64 KiB each are pending, the oldest
 * is dropped to make room, and a datagram not complete within
 * FRAG_TIMEOUT_SEC of its first fragment is dropped. */
#ifndef STRATA_IPFRAG_H
#define STRATA_IPFRAG_H

#include "dissector.h"
#include "reasm.h"

#define FRAG_MAX_PENDING 64
#define FRAG_TIMEOUT_SEC 30 /* Linux's ipfrag_time */

typedef struct frag_pending {
    bool used;
    uint8_t proto;
    uint16_t id;
    uint8_t src[4], dst[4];
    uint32_t total;       /* datagram payload length once the last fragment came, else 0 */
    int64_t first_ts;
    uint64_t tag;
    reasm_buf_t *buf;
} frag_pending_t;

typedef struct ipfrag_stats {
    uint64_t fragments, reassembled, timed_out, dropped;
} ipfrag_stats_t;

typedef struct ipfrag_table {
    reasm_pool_t pool;
    frag_pending_t p[FRAG_MAX_PENDING];
    uint64_t next_tag;
    ipfrag_stats_t st;
} ipfrag_table_t;

bool ipfrag_init(ipfrag_table_t *t);
void ipfrag_free(ipfrag_table_t *t);
/* For an IPv4 layer of a fragment: hold its bytes; at the last missing
 * piece, hand the whole datagram on (x->payload from a record source). */
void ipfrag_layer(ipfrag_table_t *t, record_t *r, dctx_t *x, layer_t *l, int64_t now);

#endif
