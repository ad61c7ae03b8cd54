/* flow.h - the flow table: every TCP, UDP and ICMP conversation, its
 * direction decided once, its TCP state, and its summary record.
 *
 * The table itself is flow_table.c; the per-protocol tracking on top of
 * it (TCP state, counting, reassembly hand-off) is flow_track.c.
 *
 * A fixed-size table allocated once (--max-flows): canonical keys (lower
 * address/port first), idle timeouts per class (TCP open 5 min, TCP
 * closed or reset 5 s, UDP/ICMP 1 min) with a cap on expiry work per
 * packet, eviction of the oldest flow when full, all counted.  A flow
 * that leaves the table is written as a fixed-size record to a spill file
 * at the slot of its id, so the end-of-run summary comes out in order of
 * first packet while memory stays flat, however long the capture.
 */
#ifndef STRATA_FLOW_H
#define STRATA_FLOW_H

#include <stdio.h>

#include "dissector.h"
#include "outbuf.h"
#include "record.h"
#include "tcp_state.h"
#include "timeutil.h"

#define FLOW_DEFAULT_MAX 65536
#define FLOW_LADDER_HEAD 16  /* first segments kept for the ladder */
#define FLOW_LADDER_TAIL 16  /* and the last ones */

/* How a record left the table: still there when the capture ended, idle
 * past its timeout, evicted to make room, or ended by a new SYN. */
enum flow_end { FE_OPEN = 0, FE_TIMEOUT, FE_EVICTED, FE_REUSED };

/* One segment's (or UDP datagram's) key facts, for the ladder diagram
 * (ladder.h turns them into rows). */
typedef struct seg_fact {
    uint64_t frame;
    int64_t ts_ns;
    uint32_t seq, ack, len; /* UDP: len only (payload bytes) */
    uint16_t flags;
    uint16_t analysis;
    uint8_t dir;
    uint8_t state_before, state_after; /* the sender's (tcp_conn_t rules) */
    uint8_t tb[2];     /* the textbook view after it: client, server */
    uint8_t via[2];    /* ... and a state passed on the way (TCPS_NONE) */
    const char *event; /* static string or NULL */
    const char *call[2]; /* the socket call it implies: client, server */
} seg_fact_t;

/* The segments of the one flow a ladder is drawn for (--flow ID): kept
 * apart from the table, so that no other flow pays for them. */
typedef struct flow_ladder {
    uint32_t nsegs;      /* TCP segments (UDP datagrams) seen */
    uint32_t nsent[2];   /* ... of them from the client, the server */
    bool udp;            /* the flow is UDP: datagrams, no states */
    uint32_t isn[2];     /* first sequence number of orig, resp */
    bool isn_known[2];
    uint8_t n;           /* entries of seg in use */
    seg_fact_t seg[FLOW_LADDER_HEAD + FLOW_LADDER_TAIL]; /* the tail a ring */
} flow_ladder_t;

/* The summary of a flow as written at its end (and spilled to disk);
 * ordered by size, as the spill file holds one per flow. */
typedef struct flow_rec {
    uint32_t id;
    uint8_t proto;       /* 6, 17, 1, 58 */
    uint8_t family;      /* 4 or 6 */
    uint8_t end;         /* enum flow_end */
    uint8_t valid;
    uint16_t orig_p, resp_p;
    uint8_t tb_state[2]; /* TCP: both sides' states as a textbook draws them
                            (tcp_tb_t), TCPS_UNKNOWN when not known */
    uint32_t tunnel;     /* id of the flow whose packets carried this one
                            (VXLAN, Geneve, Teredo, GTP-U, AYIYA over UDP), or 0 */
    uint32_t analysis[TA_COUNT]; /* segments with each mark */
    int64_t first_ts, last_ts; /* ns */
    uint64_t orig_pkts, resp_pkts, orig_bytes, resp_bytes;
    uint64_t orig_ip_bytes, resp_ip_bytes;
    int64_t rtt_ns;      /* TCP handshake RTT, or -1 */
    uint8_t orig_h[16], resp_h[16];
    uint8_t state[2];    /* TCP: final RFC 793 state of orig, resp */
    char conn_state[8];
    char history[TCP_HISTORY_MAX + 1];
    char service[12];
} flow_rec_t;

typedef struct flow_stats {
    uint64_t created, expired, evicted, reused;
    uint64_t tcp, udp, icmp;
    uint64_t ip_tunnels;   /* GRE and IP-in-IP carriers (no ports) */
    uint32_t max_active, active;
    uint32_t max_flows;
    uint64_t stream_messages, stream_gaps, stream_overflows, stream_over_frame;
    uint64_t frag_reassembled, frag_timed_out, frag_dropped;
} flow_stats_t;

typedef struct flow_table flow_table_t;

/* NULL (with the reason in err) when the table cannot be allocated.
 * ladder_id: the flow whose segments are kept for its ladder (--flow ID;
 * ids are given in order of first packet), 0 for none. */
flow_table_t *flow_table_new(uint32_t max_flows, uint32_t ladder_id, char *err, size_t errlen);
void flow_table_free(flow_table_t *ft);
/* -S: leave TCP sequence numbers absolute in the one-line view. */
void flow_table_absolute_seq(flow_table_t *ft, bool on);

/* The engine hook: called after every depth-0 layer, also one marked
 * truncated or in error (its flow is still known by its addresses and
 * ports); acts on ipv4 (fragments), tcp, udp, icmp and icmpv6 layers
 * (see engine.h). */
void flow_layer_hook(void *ft, record_t *r, dctx_t *x, layer_t *l);
/* An engine hook that changes nothing: for a packet dissected again
 * after the table has seen it (the TUI shows packets that way), the
 * relative TCP sequence numbers of its flow, if the flow is still in the
 * table (tcpdump's bases: the first segment with ACK of the connection);
 * no event, no state change, no analysis (those belong to the moment the
 * packet was first tracked). */
void flow_peek_hook(void *ft, record_t *r, dctx_t *x, layer_t *l);
/* Before each packet (required): expire idle flows against the packet's
 * time and start the packet's bookkeeping. */
void flow_tick(flow_table_t *ft, int64_t now_ns);

/* End of run: every flow still in the table is finished (FE_OPEN). */
void flow_finish(flow_table_t *ft);
/* After flow_finish: offer every record in order of id (first packet);
 * may be called again (two passes for an aligned table).  Returns -1 on
 * an I/O error of the spill file. */
int flow_foreach(flow_table_t *ft, void (*each)(void *arg, const flow_rec_t *rec), void *arg);
/* While the capture goes on (the TUI's connections view): every flow so
 * far, those that left the table (in order of id) then those in it (in
 * table order, end FE_OPEN), the table left as it is.  -1 when the spill
 * file could not be read (the flows in the table are still offered). */
int flow_snapshot(flow_table_t *ft, void (*each)(void *arg, const flow_rec_t *rec), void *arg);
/* The number of flows ever created (ids run 1..n). */
uint32_t flow_count(const flow_table_t *ft);
const flow_stats_t *flow_table_stats(flow_table_t *ft);
/* The segments kept for flow `id`, or NULL when they were not kept (it
 * was not the table's ladder_id). */
const flow_ladder_t *flow_ladder(const flow_table_t *ft, uint32_t id);
/* Zeek's conn_state of flow `id` as it stands after the packet just
 * tracked (a static string), or NULL when `id` is not that packet's flow
 * (the table keeps no index by id). */
const char *flow_conn_state_now(const flow_table_t *ft, uint32_t id);

#endif
