/* stream.c - TCP stream reassembly into application messages (stream.h). */
#include "stream.h"

#define SEQ_DIFF(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)))

static const char NOTE_BROKEN[] = "not reassembled: bytes of this stream are missing from the capture";
static const char NOTE_CUT[] = "payload cut by the snaplen: reassembly of this stream stops here";
static const char NOTE_RETRANS[] = "retransmitted bytes, dissected when first seen";
static const char NOTE_HELD[] = "out-of-order segment, held until the bytes before it arrive";
static const char NOTE_BODY[] = "message body";
static const char NOTE_NOT_START[] = "not at the start of a message";
static const char NOTE_STARTS[] = "start of a message that continues in a later segment";
static const char NOTE_PART[] = "segment of a message reassembled from several segments";
static const char NOTE_TOO_LONG[] = "message longer than the stream reassembly cap";
static const char NOTE_NO_ROOM[] = "reassembled message too large to carry in the record";
#define STR_(v) #v
#define STR(v) STR_(v)
static const char NOTE_OVER[] = "messages over the " STR(REC_MAX_MESSAGES)
                                " a frame holds: not dissected (counted in the statistics)";

/* Items one more message may need: itself, its body, and what may end
 * the segment after it (the messages over the bound, a partial message). */
#define ITEMS_PER_MESSAGE 4

static void queue(dctx_t *x, cursor_t c, const dissector_t *d, const char *note, uint8_t src)
{
    /* callers keep ITEMS_PER_MESSAGE in hand (may_queue_message), so the
     * guard never drops an item */
    if (x->nitems < DCTX_MAX_ITEMS) {
        pdu_item_t *it = &x->items[x->nitems++];
        it->c = c;
        it->d = d;
        it->note = note;
        it->src = src;
    }
}

/* May one more message be dissected in this frame?  Past the bound its
 * bytes are shown as data with NOTE_OVER, and counted. */
static bool may_queue_message(const dctx_t *x, unsigned msgs)
{
    return msgs < REC_MAX_MESSAGES && x->nitems + ITEMS_PER_MESSAGE <= DCTX_MAX_ITEMS;
}

/* The window [off, off + n) of cursor `base` (absolute offsets). */
static cursor_t window(const cursor_t *base, uint32_t off, uint32_t n)
{
    cursor_t w = *base;
    w.start = w.off = off;
    w.rend = off + n;
    w.end = w.rend < base->end ? w.rend : base->end;
    if (w.end < w.start)
        w.end = w.start;
    w.trunc = false;
    return w;
}

static void queue_data(dctx_t *x, const cursor_t *p, uint32_t off, uint32_t end, const char *note)
{
    if (end > off)
        queue(x, window(p, off, end - off), &dissector_data, note, x->src);
}

/* Our tag on a pool buffer: a stream stays at one place in the flow
 * table while it exists, and gives its buffer back when it ends. */
static uint64_t owner_of(const stream_t *st)
{
    return (uint64_t)(uintptr_t)st;
}

/* Its pending bytes, or NULL when it has none (or its buffer was taken
 * for another stream since). */
static reasm_buf_t *held(const stream_t *st, reasm_pool_t *pool)
{
    reasm_buf_t *b = st->buf ? &pool->bufs[st->buf - 1] : NULL;
    return b && b->in_use && b->owner == owner_of(st) ? b : NULL;
}

/* A pool buffer for bytes from sequence number seq on. */
static reasm_buf_t *take_buf(stream_t *st, reasm_pool_t *pool, uint32_t seq, int64_t now)
{
    reasm_buf_t *b = reasm_get(pool, owner_of(st), now);
    st->buf = (uint16_t)(b - pool->bufs + 1);
    b->base_seq = seq;
    return b;
}

void stream_release(stream_t *st, reasm_pool_t *pool)
{
    reasm_buf_t *b = held(st, pool);
    if (b)
        reasm_put(b);
    st->buf = 0;
}

static void go_broken(stream_t *st, reasm_pool_t *pool, stream_stats_t *ss)
{
    if (!st->broken) {
        st->broken = true;
        ss->gaps++;
    }
    stream_release(st, pool);
}

/* Start over at sequence number seq: nothing pending, not in a body. */
static void restart(stream_t *st, reasm_pool_t *pool, uint32_t seq)
{
    stream_release(st, pool);
    st->broken = false;
    st->unsynced = false;
    st->in_body = false;
    st->next = seq;
}

/* After a message: its body (known length) or an unknown one. */
static void after_message(stream_t *st, uint32_t msg_end_seq, uint32_t skip_after)
{
    if (skip_after == UINT32_MAX) {
        st->unsynced = true; /* body until a segment starts a message */
    } else if (skip_after) {
        st->in_body = true;
        st->body_end = msg_end_seq + skip_after;
    }
}

/* The messages over the bound, walked but not dissected: [*over0, pos)
 * of the frame, shown as one data window when the walk ends. */
static void flush_over(dctx_t *x, const cursor_t *p, uint32_t *over0, uint32_t pos)
{
    if (*over0 != UINT32_MAX)
        queue_data(x, p, *over0, pos, NOTE_OVER);
    *over0 = UINT32_MAX;
}

/* In-order bytes [pos, end) of the frame, sequence number `seq` at pos,
 * nothing pending: whole messages in place, a partial one kept.  When the
 * snaplen cut the segment (the wire had bytes up to rend > end), a
 * partial message is dissected as far as the captured bytes go (it ends
 * truncated) and nothing is kept: the caller starts over after it. */
static void in_place(stream_t *st, reasm_pool_t *pool, const dissector_t *app, uint32_t seq,
                     uint32_t pos, uint32_t end, uint32_t rend, const cursor_t *p, record_t *r,
                     dctx_t *x, int64_t now, stream_stats_t *ss)
{
    unsigned msgs = 0;
    uint32_t over0 = UINT32_MAX;
    while (pos < end) {
        if (st->in_body) {
            int32_t left = SEQ_DIFF(st->body_end, seq);
            if (left > 0) {
                uint32_t k = rend - pos < (uint32_t)left ? rend - pos : (uint32_t)left;
                if (over0 == UINT32_MAX)
                    queue_data(x, p, pos, pos + k, NOTE_BODY);
                pos += k;
                seq += k;
                continue;
            }
            st->in_body = false;
        }
        if (st->unsynced) {
            flush_over(x, p, &over0, pos);
            queue_data(x, p, pos, rend, NOTE_BODY);
            return;
        }
        cursor_t w = window(p, pos, end - pos);
        uint32_t skip_after = 0;
        int32_t L = app->pdu_len(&w, &skip_after);
        if (L < 0) {
            flush_over(x, p, &over0, pos);
            st->unsynced = true;
            queue_data(x, p, pos, rend, NOTE_NOT_START);
            return;
        }
        if (L > 0 && (uint32_t)L <= end - pos) {
            if (over0 == UINT32_MAX && may_queue_message(x, msgs)) {
                queue(x, window(p, pos, (uint32_t)L), app, NULL, x->src);
                msgs++;
            } else {
                if (over0 == UINT32_MAX)
                    over0 = pos;
                ss->over_frame++;
            }
            pos += (uint32_t)L;
            seq += (uint32_t)L;
            after_message(st, seq, skip_after);
            continue;
        }
        flush_over(x, p, &over0, pos);
        if (rend > end) {
            /* cut by the snaplen inside this message: what there is */
            queue(x, window(p, pos, rend - pos), app, NULL, x->src);
            return;
        }
        if (L > (int32_t)REASM_BUF_CAP) {
            ss->overflows++;
            st->unsynced = true;
            queue_data(x, p, pos, end, NOTE_TOO_LONG);
            return;
        }
        /* the message continues in a later segment: keep its start */
        reasm_buf_t *b = take_buf(st, pool, seq, now);
        reasm_insert(b, 0, p->base + pos, end - pos);
        reasm_add_frame(b, r->frame);
        queue_data(x, p, pos, end, NOTE_STARTS);
        return;
    }
    flush_over(x, p, &over0, pos);
    if (pos < rend)
        queue_data(x, p, pos, rend, NOTE_CUT); /* the snaplen cut a message boundary */
}

/* Dissect every message now complete at the front of the buffer. */
static void from_buffer(stream_t *st, reasm_pool_t *pool, reasm_buf_t *b, stream_stats_t *ss,
                        const dissector_t *app, record_t *r, dctx_t *x, const cursor_t *p,
                        uint32_t seg_off, uint32_t seg_end)
{
    uint32_t contig = reasm_contiguous(b);
    cursor_t all = cur_init(b->data, contig, contig);
    uint32_t done = 0, starts[REC_MAX_MESSAGES], lens[REC_MAX_MESSAGES], n = 0;
    /* the messages over the bound: [over0, upto) of the buffer */
    uint32_t over0 = UINT32_MAX, upto = 0;
    bool drop_rest = false;
    while (done < contig) {
        if (st->in_body) {
            int32_t left = SEQ_DIFF(st->body_end, b->base_seq + done);
            if (left > 0) {
                uint32_t k = contig - done < (uint32_t)left ? contig - done : (uint32_t)left;
                done += k;
                continue;
            }
            st->in_body = false;
        }
        if (st->unsynced) {
            drop_rest = true;
            break;
        }
        cursor_t w = window(&all, done, contig - done);
        uint32_t skip_after = 0;
        int32_t L = app->pdu_len(&w, &skip_after);
        if (L < 0 || L > (int32_t)REASM_BUF_CAP) {
            if (L > 0)
                ss->overflows++;
            st->unsynced = true;
            drop_rest = true;
            break;
        }
        if (L == 0 || (uint32_t)L > contig - done)
            break;
        /* (the n kept so far are queued after the walk, with a note for
         * this segment and one for the messages over the bound) */
        if (over0 == UINT32_MAX && n < REC_MAX_MESSAGES && x->nitems + n + 3 <= DCTX_MAX_ITEMS) {
            starts[n] = done;
            lens[n++] = (uint32_t)L;
            ss->messages++;
        } else {
            if (over0 == UINT32_MAX)
                over0 = done;
            ss->over_frame++;
        }
        done += (uint32_t)L;
        upto = done;
        after_message(st, b->base_seq + done, skip_after);
    }
    if (upto == 0) {
        queue_data(x, p, seg_off, seg_end, st->unsynced ? NOTE_BODY : NOTE_STARTS);
    } else {
        int src = record_add_source(r, "tcp stream", b->data, upto, b->frames, b->nframes,
                                    b->frames_cut);
        queue_data(x, p, seg_off, seg_end, src < 0 ? NOTE_NO_ROOM : NOTE_PART);
        if (src >= 0) {
            cursor_t s = cur_init(r->sources[src].data, upto, upto);
            for (uint32_t i = 0; i < n; i++)
                queue(x, window(&s, starts[i], lens[i]), app, NULL, (uint8_t)src);
            if (over0 != UINT32_MAX)
                queue(x, window(&s, over0, upto - over0), &dissector_data, NOTE_OVER,
                      (uint8_t)src);
        }
    }
    if (drop_rest)
        done = contig;
    if (done == 0)
        return; /* still collecting: the frames listed so far stay */
    reasm_consume(b, done);
    b->base_seq += done;
    if (b->nranges == 0 || drop_rest) {
        stream_release(st, pool);
    } else {
        b->nframes = 0;
        reasm_add_frame(b, r->frame); /* what is left began in this frame */
    }
}

void stream_segment(stream_t *st, reasm_pool_t *pool, stream_stats_t *ss, const dissector_t *app, uint32_t seq, bool syn, record_t *r, dctx_t *x,
                    int64_t now)
{
    cursor_t p = x->payload;
    uint32_t len = cur_rleft(&p), have = cur_left(&p), off = p.off;
    uint32_t dseq = syn ? seq + 1 : seq; /* a SYN takes one sequence number */
    if (!st->init) {
        st->init = true;
        st->next = dseq;
    }
    /* can reassembly start again here? (HTTP: a segment that begins with
     * a request or status line; never for a bare length prefix) */
    bool starts = false;
    if (app->pdu_resync) {
        cursor_t w = window(&p, off, have);
        uint32_t k;
        starts = app->pdu_len(&w, &k) >= 0;
    }
    if (st->broken) {
        if (!starts) {
            queue_data(x, &p, off, off + len, NOTE_BROKEN);
            return;
        }
        restart(st, pool, dseq);
    }
    if (have < len) {
        /* cut by the snaplen: the messages in the captured bytes are
         * still dissected, the last as far as it goes (it ends
         * truncated); then wait for the next start */
        if (starts) {
            restart(st, pool, dseq);
            in_place(st, pool, app, dseq, off, off + have, off + len, &p, r, x, now, ss);
            restart(st, pool, dseq + len);
            st->unsynced = true;
            return;
        }
        if (app->pdu_resync) {
            restart(st, pool, dseq + len);
            st->unsynced = true;
        } else {
            go_broken(st, pool, ss);
        }
        queue_data(x, &p, off, off + len, NOTE_CUT);
        return;
    }
    if (st->in_body && !held(st, pool) && SEQ_DIFF(dseq, st->body_end) < 0 &&
        SEQ_DIFF(dseq, st->next) >= 0) {
        /* body bytes are body in whatever order they come (bytes seen
         * before are retransmitted: below) */
        uint32_t k = (uint32_t)SEQ_DIFF(st->body_end, dseq);
        if (k > len)
            k = len;
        queue_data(x, &p, off, off + k, NOTE_BODY);
        if (SEQ_DIFF(dseq + k, st->next) > 0)
            st->next = dseq + k;
        if (k == len)
            return;
        dseq += k;
        off += k;
        len -= k;
        st->in_body = false;
    }
    int32_t rel = SEQ_DIFF(dseq, st->next);
    if ((int64_t)rel + (int64_t)len <= 0) {
        queue_data(x, &p, off, off + len, NOTE_RETRANS);
        return;
    }
    if (rel > 0 && starts) {
        /* bytes before this segment are missing, and it starts a message:
         * begin again here rather than wait (a late copy of the missing
         * bytes is then shown as retransmitted) */
        ss->gaps++;
        restart(st, pool, dseq);
        rel = 0;
    }
    if (rel > 0) {
        /* ahead of what we expect: hold it until the hole fills */
        reasm_buf_t *hb = held(st, pool);
        if (!hb)
            hb = take_buf(st, pool, st->next, now);
        uint32_t at = (uint32_t)SEQ_DIFF(dseq, hb->base_seq);
        if (!reasm_insert(hb, at, p.base + off, len)) {
            go_broken(st, pool, ss);
            queue_data(x, &p, off, off + len, NOTE_BROKEN);
            return;
        }
        reasm_add_frame(hb, r->frame);
        hb->last_used = now;
        queue_data(x, &p, off, off + len, NOTE_HELD);
        return;
    }
    uint32_t trim = rel < 0 ? (uint32_t)-rel : 0; /* bytes seen before */
    queue_data(x, &p, off, off + trim, NOTE_RETRANS);
    if (st->unsynced) {
        /* after a body of unknown length: a new message only where a
         * segment starts one */
        if (!starts || trim) {
            queue_data(x, &p, off + trim, off + len, NOTE_BODY);
            st->next = dseq + len;
            return;
        }
        restart(st, pool, dseq);
    }
    reasm_buf_t *b = held(st, pool);
    if (!b) {
        if (st->buf) {
            /* our buffer was taken for another stream (counted as a gap) */
            st->buf = 0;
            go_broken(st, pool, ss);
            queue_data(x, &p, off + trim, off + len, NOTE_BROKEN);
            return;
        }
        st->next = dseq + len;
        in_place(st, pool, app, dseq + trim, off + trim, off + len, off + len, &p, r, x, now, ss);
        return;
    }
    uint32_t at = (uint32_t)SEQ_DIFF(dseq + trim, b->base_seq);
    if (!reasm_insert(b, at, p.base + off + trim, len - trim)) {
        ss->overflows++;
        go_broken(st, pool, ss);
        queue_data(x, &p, off + trim, off + len, NOTE_TOO_LONG);
        return;
    }
    reasm_add_frame(b, r->frame);
    b->last_used = now;
    st->next = b->base_seq + reasm_contiguous(b);
    from_buffer(st, pool, b, ss, app, r, x, &p, off + trim, off + len);
}

void stream_ack(stream_t *st, reasm_pool_t *pool, stream_stats_t *ss, uint32_t ack)
{
    if (!st->init || st->broken)
        return;
    int32_t missing = SEQ_DIFF(ack, st->next);
    if (missing <= 1) /* 1: the ACK of a FIN */
        return;
    if (!held(st, pool) && (st->unsynced || (st->in_body && SEQ_DIFF(ack, st->body_end) <= 0))) {
        st->next = ack; /* the unseen bytes were body: nothing to dissect */
        return;
    }
    go_broken(st, pool, ss);
}
