/* flow_table.c - the flow table (see flow.h): slots, timeout lists,
 * create, expire, evict, release to the spill file, and reading the
 * records back.  What a flow is made of and how a packet moves it is
 * flow_track.c's (flow_table.h between them). */
#include "flow_table.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TIMEOUT_TCP_OPEN (300 * NS_PER_SEC)   /* established or opening */
#define TIMEOUT_TCP_CLOSED (5 * NS_PER_SEC)   /* closed or reset */
#define TIMEOUT_OTHER (60 * NS_PER_SEC)       /* UDP, ICMP */
#define EXPIRE_MAX_PER_PACKET 8               /* expiry work one packet may do */
#define STREAM_POOL_BUFS 256                  /* streams reassembling at once */
#define SPILL_BUF (64 * 1024)                 /* stdio buffer of the spill file (reading) */
#define SPILL_PEND 2048                       /* finished records written at once */

static const int64_t class_timeout[TC_COUNT] = {TIMEOUT_TCP_OPEN, TIMEOUT_TCP_CLOSED, TIMEOUT_OTHER};

/* ---- hashing and lists ------------------------------------------------ */

uint32_t flow_key_hash(const flow_key_t *k)
{
    /* the key's five 64-bit words, each folded in with a multiply, then
     * a final mix so that the low bits (the slot) depend on every byte */
    _Static_assert(sizeof *k % 8 == 0, "flow_key_t is whole 64-bit words");
    uint64_t h = 0x243f6a8885a308d3ull, w;
    const unsigned char *p = (const unsigned char *)k;
    for (size_t i = 0; i < sizeof *k; i += 8) {
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 32;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

static void list_remove(flow_table_t *ft, int32_t i)
{
    flow_t *f = &ft->flows[i];
    if (f->prev >= 0)
        ft->flows[f->prev].next = f->next;
    else
        ft->head[f->tclass] = f->next;
    if (f->next >= 0)
        ft->flows[f->next].prev = f->prev;
    else
        ft->tail[f->tclass] = f->prev;
    f->prev = f->next = -1;
}

static void list_push_front(flow_table_t *ft, int32_t i, uint8_t tc)
{
    flow_t *f = &ft->flows[i];
    f->tclass = tc;
    f->prev = -1;
    f->next = ft->head[tc];
    if (f->next >= 0)
        ft->flows[f->next].prev = i;
    else
        ft->tail[tc] = i;
    ft->head[tc] = i;
}

static int32_t slot_find(const flow_table_t *ft, const flow_key_t *k, uint32_t h)
{
    uint32_t mask = ft->nslots - 1;
    for (uint32_t s = h & mask;; s = (s + 1) & mask) {
        int32_t v = ft->slots[s];
        if (v == 0)
            return -1;
        const flow_t *f = &ft->flows[v - 1];
        if (f->hash == h && memcmp(&f->key, k, sizeof *k) == 0)
            return (int32_t)s;
    }
}

/* Remove slot s, shifting later members of its probe run back (linear
 * probing without tombstones). */
static void slot_delete(flow_table_t *ft, uint32_t s)
{
    uint32_t mask = ft->nslots - 1;
    ft->slots[s] = 0;
    for (uint32_t j = (s + 1) & mask; ft->slots[j]; j = (j + 1) & mask) {
        uint32_t home = ft->flows[ft->slots[j] - 1].hash & mask;
        /* move j back to s when its home is not in (s, j] cyclically */
        bool between = s <= j ? (home > s && home <= j) : (home > s || home <= j);
        if (!between) {
            ft->slots[s] = ft->slots[j];
            ft->slots[j] = 0;
            s = j;
        }
    }
}

/* ---- create and finish ------------------------------------------------- */

flow_table_t *flow_table_new(uint32_t max_flows, uint32_t ladder_id, char *err, size_t errlen)
{
    flow_table_t *ft = calloc(1, sizeof *ft);
    if (!ft)
        goto oom;
    ft->ladder_id = ladder_id;
    if (ladder_id && !(ft->ladder = calloc(1, sizeof *ft->ladder)))
        goto oom;
    if (max_flows < 1)
        max_flows = 1;
    ft->max = max_flows;
    ft->nslots = 16;
    while (ft->nslots < 2u * max_flows)
        ft->nslots <<= 1;
    /* calloc of a large block maps zero pages: resident memory grows only
     * as flows are used, up to the cap, and never beyond it */
    ft->slots = calloc(ft->nslots, sizeof *ft->slots);
    ft->flows = calloc(max_flows, sizeof *ft->flows);
    ft->spill = tmpfile();
    if (!ft->slots || !ft->flows || !reasm_pool_init(&ft->streams, STREAM_POOL_BUFS))
        goto oom;
    if (!ipfrag_init(&ft->frags))
        goto oom;
    ft->frags_ok = true;
    if (!ft->spill) {
        snprintf(err, errlen, "cannot create a temporary file for flow records");
        flow_table_free(ft);
        return NULL;
    }
    /* the spill file's buffer is ours, allocated now, not on first use */
    ft->spill_buf = malloc(SPILL_BUF);
    ft->spill_pend = malloc(SPILL_PEND * sizeof *ft->spill_pend);
    if (!ft->spill_buf || !ft->spill_pend)
        goto oom;
    setvbuf(ft->spill, ft->spill_buf, _IOFBF, SPILL_BUF);
    /* flows are handed out from the untouched end first, so that pages of
     * the table become resident only as flows are used */
    ft->free_head = -1;
    ft->unused = 0;
    for (int t = 0; t < TC_COUNT; t++)
        ft->head[t] = ft->tail[t] = -1;
    ft->next_id = 1;
    ft->current = -1;
    ft->st.max_flows = max_flows;
    return ft;
oom:
    snprintf(err, errlen, "not enough memory for a flow table of %u flows", max_flows);
    flow_table_free(ft);
    return NULL;
}

void flow_table_free(flow_table_t *ft)
{
    if (!ft)
        return;
    if (ft->spill)
        fclose(ft->spill);
    free(ft->spill_buf);
    free(ft->spill_pend);
    reasm_pool_free(&ft->streams);
    if (ft->frags_ok)
        ipfrag_free(&ft->frags);
    free(ft->slots);
    free(ft->flows);
    free(ft->ladder);
    free(ft);
}

const flow_stats_t *flow_table_stats(flow_table_t *ft)
{
    ft->st.stream_messages = ft->sst.messages;
    ft->st.stream_gaps = ft->sst.gaps;
    ft->st.stream_overflows = ft->sst.overflows;
    ft->st.stream_over_frame = ft->sst.over_frame;
    ft->st.frag_reassembled = ft->frags.st.reassembled;
    ft->st.frag_timed_out = ft->frags.st.timed_out;
    ft->st.frag_dropped = ft->frags.st.dropped;
    return &ft->st;
}

void flow_table_absolute_seq(flow_table_t *ft, bool on)
{
    ft->absolute_seq = on;
}

const flow_ladder_t *flow_ladder(const flow_table_t *ft, uint32_t id)
{
    return id && id == ft->ladder_id ? ft->ladder : NULL;
}

static int rec_by_id(const void *a, const void *b)
{
    uint32_t x = ((const flow_rec_t *)a)->id, y = ((const flow_rec_t *)b)->id;
    return (x > y) - (x < y);
}

static void spill_pwrite(flow_table_t *ft, const flow_rec_t *r, size_t nrec)
{
    size_t n = nrec * sizeof *r;
    off_t at = (off_t)(r->id - 1) * (off_t)sizeof *r;
    const char *p = (const char *)r;
    while (n && !ft->spill_failed) {
        ssize_t k = pwrite(fileno(ft->spill), p, n, at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            ft->spill_failed = true;
            break;
        }
        p += k;
        at += k;
        n -= (size_t)k;
    }
}

/* Write the pending records at their places, (id - 1) * sizeof
 * (flow_rec_t): sorted by id, one pwrite per run of consecutive ids. */
static void spill_flush(flow_table_t *ft)
{
    flow_rec_t *b = ft->spill_pend;
    size_t n = ft->spill_npend;
    ft->spill_npend = 0;
    if (!n || ft->spill_failed)
        return;
    qsort(b, n, sizeof *b, rec_by_id);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && b[j].id == b[j - 1].id + 1; j++)
            ;
        spill_pwrite(ft, &b[i], j - i);
    }
}

/* A finished record waits with others (flows that end together mostly
 * began together): no seek and no write per record. */
static void spill_write(flow_table_t *ft, const flow_rec_t *r)
{
    if (ft->spill_failed)
        return;
    if (ft->spill_npend == SPILL_PEND)
        spill_flush(ft);
    ft->spill_pend[ft->spill_npend++] = *r;
}

void flow_release(flow_table_t *ft, int32_t i, uint8_t end)
{
    flow_t *f = &ft->flows[i];
    flow_rec_t rec;
    flow_track_end(ft, f, end, &rec);
    spill_write(ft, &rec);
    int32_t s = slot_find(ft, &f->key, f->hash);
    if (s >= 0)
        slot_delete(ft, (uint32_t)s);
    list_remove(ft, i);
    f->in_use = false;
    f->next = ft->free_head;
    ft->free_head = i;
    ft->st.active--;
}

void flow_tick(flow_table_t *ft, int64_t now_ns)
{
    ft->now = now_ns;
    ft->current = -1; /* a new frame */
    unsigned work = 0;
    for (int t = 0; t < TC_COUNT; t++) {
        while (work < EXPIRE_MAX_PER_PACKET && ft->tail[t] >= 0) {
            flow_t *f = &ft->flows[ft->tail[t]];
            if (ts_diff(now_ns, f->last_ts) <= class_timeout[t])
                break;
            flow_release(ft, ft->tail[t], FE_TIMEOUT);
            ft->st.expired++;
            work++;
        }
    }
}

/* Evict one flow to make room: the oldest closed TCP flow, else the
 * oldest UDP/ICMP one, else the oldest open TCP one. */
static void evict_one(flow_table_t *ft)
{
    static const int order[TC_COUNT] = {TC_TCP_CLOSED, TC_OTHER, TC_TCP_OPEN};
    for (int k = 0; k < TC_COUNT; k++) {
        int32_t i = ft->tail[order[k]];
        if (i >= 0) {
            flow_release(ft, i, FE_EVICTED);
            ft->st.evicted++;
            return;
        }
    }
}

int32_t flow_lookup(const flow_table_t *ft, const flow_key_t *k, uint32_t h)
{
    int32_t s = slot_find(ft, k, h);
    return s >= 0 ? ft->slots[s] - 1 : -1;
}

void flow_touch(flow_table_t *ft, int32_t i, uint8_t tc)
{
    list_remove(ft, i);
    list_push_front(ft, i, tc);
}

int32_t flow_create(flow_table_t *ft, const flow_key_t *k, uint32_t h, bool orig_is_a)
{
    int32_t i;
    if (ft->free_head < 0 && ft->unused < ft->max) {
        i = (int32_t)ft->unused++;
    } else {
        if (ft->free_head < 0)
            evict_one(ft);
        i = ft->free_head;
        ft->free_head = ft->flows[i].next;
    }
    flow_t *f = &ft->flows[i];
    memset(f, 0, sizeof *f);
    f->key = *k;
    f->hash = h;
    f->in_use = true;
    f->orig_is_a = orig_is_a;
    f->id = ft->next_id++;
    f->orig_p = orig_is_a ? k->pa : k->pb;
    f->resp_p = orig_is_a ? k->pb : k->pa;
    f->first_ts = f->last_ts = ft->now;
    uint32_t mask = ft->nslots - 1, s = h & mask;
    while (ft->slots[s])
        s = (s + 1) & mask;
    ft->slots[s] = i + 1;
    list_push_front(ft, i, k->proto == 6 ? TC_TCP_OPEN : TC_OTHER);
    ft->st.created++;
    ft->st.active++;
    if (ft->st.active > ft->st.max_active)
        ft->st.max_active = ft->st.active;
    if (k->proto == 6)
        ft->st.tcp++;
    else if (k->proto == 17)
        ft->st.udp++;
    else if (k->proto == 1 || k->proto == 58)
        ft->st.icmp++;
    else
        ft->st.ip_tunnels++;
    return i;
}

void flow_finish(flow_table_t *ft)
{
    for (int t = 0; t < TC_COUNT; t++)
        while (ft->tail[t] >= 0)
            flow_release(ft, ft->tail[t], FE_OPEN);
}

uint32_t flow_count(const flow_table_t *ft)
{
    return ft->next_id - 1;
}

int flow_foreach(flow_table_t *ft, void (*each)(void *arg, const flow_rec_t *rec), void *arg)
{
    spill_flush(ft);
    if (ft->spill_failed || fseeko(ft->spill, 0, SEEK_SET) != 0)
        return -1;
    flow_rec_t rec;
    for (uint32_t id = 1; id < ft->next_id; id++) {
        if (fread(&rec, sizeof rec, 1, ft->spill) != 1)
            return -1;
        if (rec.valid)
            each(arg, &rec);
    }
    return 0;
}

int flow_foreach_spilled(flow_table_t *ft, void (*each)(void *arg, const flow_rec_t *rec), void *arg)
{
    spill_flush(ft);
    if (ft->spill_failed || fseeko(ft->spill, 0, SEEK_SET) != 0)
        return -1;
    flow_rec_t rec;
    /* ids of flows still in the table are holes (or past the end) */
    for (uint32_t id = 1; id < ft->next_id; id++) {
        if (fread(&rec, sizeof rec, 1, ft->spill) != 1)
            break;
        if (rec.valid && rec.id == id)
            each(arg, &rec);
    }
    clearerr(ft->spill);
    return 0;
}
