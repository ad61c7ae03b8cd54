/* flow_table.h - between the flow table (flow_table.c: slots, timeout
 * lists, create/expire/evict, the spill file) and the per-protocol
 * tracking on top of it (flow_track.c: TCP state, counting, reassembly
 * hand-off, service pinning), as Zeek keeps its session table apart from
 * its TCP adapter and its ConnSize counting.  Not for other modules:
 * they use flow.h. */
#ifndef STRATA_FLOW_TABLE_H
#define STRATA_FLOW_TABLE_H

#include "flow.h"
#include "ipfrag.h"
#include "reasm.h"
#include "stream.h"

/* Timeout classes, each a list of its flows, most recent first. */
enum tclass { TC_TCP_OPEN, TC_TCP_CLOSED, TC_OTHER, TC_COUNT };

/* UDP history: ^, D, d, and C/c on a log scale (1, 10, ... 10^9) */
#define UDP_HISTORY_MAX 24

typedef struct flow_key {
    uint8_t a[16], b[16]; /* a: the lower endpoint (address, then port) */
    uint16_t pa, pb;      /* ports; for ICMP the type family and the id */
    uint8_t proto, family;
    uint8_t pad[2];
} flow_key_t;

/* One tracked flow, ordered by size: --max-flows of these are allocated
 * at once, so every byte here counts that many times.  What the summary
 * record adds (names, addresses in order, conn_state) is worked out when
 * the flow ends; a ladder's segments live in the table's ladder store. */
typedef struct flow {
    flow_key_t key;
    uint32_t hash;
    int32_t prev, next;   /* the list of its timeout class, most recent first */
    uint32_t id;          /* 1, 2, ... in order of first packet */
    uint32_t tunnel;      /* id of the flow carrying this one, or 0 */
    uint16_t orig_p, resp_p; /* as the record shows them (ICMP: request and reply type) */
    uint8_t tclass;
    bool in_use;
    bool orig_is_a;       /* the originator is endpoint a of the key */
    int64_t first_ts, last_ts;
    uint64_t pkts[2], ip_bytes[2]; /* [0] from the originator, [1] from the responder */
    const dissector_t *service;
    union {
        struct {           /* UDP, ICMP */
            uint64_t bytes[2];      /* payload bytes per side */
            uint32_t n_bad_csum[2]; /* UDP: bad checksums per side */
            uint8_t hlen;
            char hist[UDP_HISTORY_MAX + 1]; /* UDP: Zeek's letters in order */
        };
        struct {           /* TCP (its byte counts come from the sequence numbers) */
            uint32_t analysis[TA_COUNT]; /* segments with each mark */
            uint32_t td_base[2];         /* tcpdump's relative-number bases */
            bool td_known;
            stream_t st[2];              /* reassembly per direction (0 from orig) */
            tcp_conn_t tcp;
        };
    };
} flow_t;

struct flow_table {
    uint32_t max;
    uint32_t nslots;      /* power of two, >= 2 * max */
    int32_t *slots;       /* flow index + 1, 0 empty */
    flow_t *flows;
    int32_t free_head;    /* released flows chained through next */
    uint32_t unused;      /* flows [unused, max) were never handed out */
    int32_t head[TC_COUNT], tail[TC_COUNT];
    uint32_t next_id;
    FILE *spill;          /* finished records, at (id - 1) * sizeof (flow_rec_t) */
    bool spill_failed;
    char *spill_buf;
    /* finished records not yet written (SPILL_PEND at most) */
    flow_rec_t *spill_pend;
    uint32_t spill_npend;
    int64_t now;
    int32_t current;      /* the flow of the packet being dissected, or -1 */
    uint32_t ladder_id;   /* the flow whose segments are kept, 0 none */
    bool absolute_seq;    /* -S: no relative sequence numbers */
    flow_ladder_t *ladder;
    flow_stats_t st;
    reasm_pool_t streams; /* buffers for TCP messages spanning segments */
    stream_stats_t sst;
    ipfrag_table_t frags;
    bool frags_ok;
};

/* ---- the table (flow_table.c) ---- */
uint32_t flow_key_hash(const flow_key_t *k);
/* The index of the flow with key k (hash h), or -1. */
int32_t flow_lookup(const flow_table_t *ft, const flow_key_t *k, uint32_t h);
/* A new flow for k, evicting one when the table is full; its id, times
 * and ports are set, the rest zero. */
int32_t flow_create(flow_table_t *ft, const flow_key_t *k, uint32_t h, bool orig_is_a);
/* Take flow i out of the table, writing its record (enum flow_end). */
void flow_release(flow_table_t *ft, int32_t i, uint8_t end);
/* Flow i had a packet: most recent of timeout class tc. */
void flow_touch(flow_table_t *ft, int32_t i, uint8_t tc);
/* The records of the flows that left the table so far (the spill file),
 * in order of id; the table goes on. */
int flow_foreach_spilled(flow_table_t *ft, void (*each)(void *arg, const flow_rec_t *rec), void *arg);

/* ---- per protocol (flow_track.c) ---- */
/* The summary record of flow f as it ends; its reassembly buffers go back
 * to the pool. */
void flow_track_end(flow_table_t *ft, flow_t *f, uint8_t end, flow_rec_t *out);

#endif
