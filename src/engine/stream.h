/* stream.h - one direction of a TCP connection, reassembled into the
 * messages of its application protocol (HTTP header blocks, DNS messages
 * with their length prefix), Wireshark's tcp_dissect_pdus in spirit.
 *
 * A message that starts and ends inside one segment is dissected in place;
 * one that spans segments is collected in a pool buffer (REASM_BUF_CAP,
 * the stream's cap) and dissected at the segment that completes it, from
 * a copy in the record that lists the frames it came from.  Retransmitted
 * bytes are dissected once; out-of-order segments are held until the hole
 * before them fills; bytes missing from the capture (the peer acknowledged
 * data never seen) end reassembly for that direction, with a mark.
 */
#ifndef STRATA_STREAM_H
#define STRATA_STREAM_H

#include "dissector.h"
#include "reasm.h"

typedef struct stream {
    /* (one per direction of every TCP flow: what only matters while bytes
     * are pending, their sequence number included, is in the buffer) */
    uint32_t next;       /* next sequence number expected */
    uint32_t body_end;   /* sequence number just after the current body */
    uint16_t buf;        /* 1 + index in the pool of the buffer given to
                            this stream last (pending bytes), 0 none */
    bool init;
    bool broken;         /* a gap or a full buffer ended reassembly */
    bool unsynced;       /* not at a message start (unknown body length) */
    bool in_body;        /* bytes before body_end are a message body */
} stream_t;

typedef struct stream_stats {
    uint64_t messages;     /* messages reassembled from several segments */
    uint64_t gaps;         /* directions whose reassembly a gap ended */
    uint64_t overflows;    /* messages beyond the stream's cap */
    uint64_t over_frame;   /* messages not dissected: over the
                              REC_MAX_MESSAGES one frame holds */
} stream_stats_t;

/* Offer one segment's payload (x->payload, sequence number seq) for
 * reassembly by `app`.  Queues what the engine is to dissect next in
 * x->items.  A stream must not move in memory while it holds a buffer
 * of `pool` (its address tags the buffer). */
void stream_segment(stream_t *st, reasm_pool_t *pool, stream_stats_t *ss, const dissector_t *app,
                    uint32_t seq, bool syn, record_t *r, dctx_t *x, int64_t now);
/* The peer acknowledged up to `ack`: bytes before it that were never
 * seen are a gap. */
void stream_ack(stream_t *st, reasm_pool_t *pool, stream_stats_t *ss, uint32_t ack);
/* Give its buffer back to the pool (the stream ends). */
void stream_release(stream_t *st, reasm_pool_t *pool);

#endif
