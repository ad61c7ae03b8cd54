/* flow.c - the flow table (see flow.h).
 *
 * Rules taken from Zeek (learned, not copied): the originator is the
 * sender of the first SYN; a flow first seen with a SYN-ACK, or mid-stream
 * with the first sender on the likely server port, has its roles decided
 * the other way round and its history starts with '^'; a SYN on a tuple
 * whose connection is over starts a new flow with a new id.
 */
#include "flow.h"

#include "ipfrag.h"
#include "registry.h"
#include "stream.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_SEC 1000000000LL
#define TIMEOUT_TCP_OPEN (300 * NS_PER_SEC)   /* established or opening */
#define TIMEOUT_TCP_CLOSED (5 * NS_PER_SEC)   /* closed or reset */
#define TIMEOUT_OTHER (60 * NS_PER_SEC)       /* UDP, ICMP */
#define EXPIRE_MAX_PER_PACKET 8               /* expiry work one packet may do */
#define STREAM_POOL_BUFS 256                  /* streams reassembling at once */
#define SPILL_BUF (64 * 1024)                 /* stdio buffer of the spill file */

enum tclass { TC_TCP_OPEN, TC_TCP_CLOSED, TC_OTHER, TC_COUNT };
static const int64_t class_timeout[TC_COUNT] = {TIMEOUT_TCP_OPEN, TIMEOUT_TCP_CLOSED, TIMEOUT_OTHER};

typedef struct flow_key {
    uint8_t a[16], b[16]; /* a: the lower endpoint (address, then port) */
    uint16_t pa, pb;      /* ports; for ICMP the type family and the id */
    uint8_t proto, family;
    uint8_t pad[2];
} flow_key_t;

typedef struct flow {
    flow_key_t key;
    uint32_t hash;
    int32_t prev, next;   /* the list of its timeout class, most recent first */
    uint8_t tclass;
    bool in_use;
    bool orig_is_a;       /* the originator is endpoint a of the key */
    const dissector_t *service;
    flow_rec_t rec;       /* counters kept in place; finished at the end */
    tcp_conn_t tcp;
    stream_t st[2];       /* TCP: reassembly per direction (0 from orig) */
    uint32_t ladder_seen; /* segments offered to the ladder */
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
    FILE *spill;          /* finished records, at (id - 1) * sizeof */
    bool spill_failed;
    size_t recsize;       /* bytes of each record in the spill file */
    char *spill_buf;
    int64_t now;
    int32_t current;      /* the flow of the packet being dissected, or -1 */
    flow_stats_t st;
    reasm_pool_t streams; /* buffers for TCP messages spanning segments */
    stream_stats_t sst;
    ipfrag_table_t frags;
    bool frags_ok;
};

/* ---- hashing and lists ------------------------------------------------ */

static uint32_t key_hash(const flow_key_t *k)
{
    /* FNV-1a over the key bytes */
    const uint8_t *p = (const uint8_t *)k;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof *k; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
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

flow_table_t *flow_table_new(uint32_t max_flows, bool keep_ladder, char *err, size_t errlen)
{
    flow_table_t *ft = calloc(1, sizeof *ft);
    if (!ft)
        goto oom;
    ft->recsize = keep_ladder ? sizeof(flow_rec_t) : offsetof(flow_rec_t, ladder);
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
    if (!ft->spill_buf)
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
    reasm_pool_free(&ft->streams);
    if (ft->frags_ok)
        ipfrag_free(&ft->frags);
    free(ft->slots);
    free(ft->flows);
    free(ft);
}

const flow_stats_t *flow_table_stats(flow_table_t *ft)
{
    ft->st.stream_messages = ft->sst.messages;
    ft->st.stream_gaps = ft->sst.gaps;
    ft->st.stream_overflows = ft->sst.overflows;
    ft->st.frag_reassembled = ft->frags.st.reassembled;
    ft->st.frag_timed_out = ft->frags.st.timed_out;
    ft->st.frag_dropped = ft->frags.st.dropped;
    return &ft->st;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Fill in the parts of the record that are derived at the end. */
static void rec_complete(flow_t *f, uint8_t end)
{
    flow_rec_t *r = &f->rec;
    r->end = end;
    r->valid = 1;
    if (f->key.proto == 6) {
        copy_str(r->conn_state, sizeof r->conn_state, tcp_conn_state(&f->tcp));
        copy_str(r->history, sizeof r->history, f->tcp.history);
        r->orig_bytes = tcp_conn_bytes(&f->tcp, 0);
        r->resp_bytes = tcp_conn_bytes(&f->tcp, 1);
        r->rtt_ns = f->tcp.rtt_ns;
        r->state[0] = f->tcp.ep[0].state;
        r->state[1] = f->tcp.ep[1].state;
    } else if (f->key.proto == 17) {
        /* Zeek: SF when both sides sent, S0 when only the originator did;
         * history D/d for payload from each side */
        copy_str(r->conn_state, sizeof r->conn_state, r->resp_pkts ? "SF" : "S0");
        size_t n = 0;
        if (r->orig_pkts)
            r->history[n++] = 'D';
        if (r->resp_pkts)
            r->history[n++] = 'd';
        r->history[n] = '\0';
    } else {
        copy_str(r->conn_state, sizeof r->conn_state, "OTH");
        r->history[0] = '\0';
    }
    if (f->service)
        copy_str(r->service, sizeof r->service, f->service->name);
}

static void spill_write(flow_table_t *ft, const flow_rec_t *r)
{
    if (ft->spill_failed)
        return;
    if (fseeko(ft->spill, (off_t)(r->id - 1) * (off_t)ft->recsize, SEEK_SET) != 0 ||
        fwrite(r, ft->recsize, 1, ft->spill) != 1)
        ft->spill_failed = true;
}

/* Take flow i out of the table, writing its record. */
static void flow_release(flow_table_t *ft, int32_t i, uint8_t end)
{
    flow_t *f = &ft->flows[i];
    rec_complete(f, end);
    spill_write(ft, &f->rec);
    stream_release(&f->st[0]);
    stream_release(&f->st[1]);
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
            if (ts_diff(now_ns, f->rec.last_ts) <= class_timeout[t])
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

static int32_t flow_create(flow_table_t *ft, const flow_key_t *k, uint32_t h, bool orig_is_a)
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
    f->rec.id = ft->next_id++;
    f->rec.proto = k->proto;
    f->rec.family = k->family;
    f->rec.rtt_ns = -1;
    const uint8_t *oh = orig_is_a ? k->a : k->b, *rh = orig_is_a ? k->b : k->a;
    memcpy(f->rec.orig_h, oh, 16);
    memcpy(f->rec.resp_h, rh, 16);
    f->rec.orig_p = orig_is_a ? k->pa : k->pb;
    f->rec.resp_p = orig_is_a ? k->pb : k->pa;
    f->rec.first_ts = f->rec.last_ts = ft->now;
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
    else
        ft->st.icmp++;
    return i;
}

/* ---- from the record to a key ------------------------------------------ */

/* The network layer the transport layer l rides on. */
static const layer_t *net_layer_of(const record_t *r, const layer_t *l)
{
    for (const layer_t *p = l; p-- > r->layers;)
        if (p->depth == 0 && (p->proto == &dissector_ipv4 || p->proto == &dissector_ipv6))
            return p;
    return NULL;
}

static bool get_addrs(const record_t *r, const layer_t *net, uint8_t src[16], uint8_t dst[16],
                      uint8_t *family)
{
    const field_t *s = layer_field(r, net, "src"), *d = layer_field(r, net, "dst");
    if (!s || !d)
        return false;
    memset(src, 0, 16);
    memset(dst, 0, 16);
    if (s->type == FT_IPV4) {
        memcpy(src, s->v.b, 4);
        memcpy(dst, d->v.b, 4);
        *family = 4;
    } else {
        memcpy(src, s->v.b, 16);
        memcpy(dst, d->v.b, 16);
        *family = 6;
    }
    return true;
}

/* Class of a port for the server-side guess: lower is more server-like
 * (RFC 6335: 1-1023 system, 1024-49151 user, 49152- dynamic). */
static int port_class(uint16_t p)
{
    return p == 0 ? 3 : p < 1024 ? 0 : p < 49152 ? 1 : 2;
}

/* Build the canonical key; *sender_is_a says which end sent this packet. */
static void make_key(flow_key_t *k, uint8_t proto, uint8_t family, const uint8_t src[16],
                     uint16_t sport, const uint8_t dst[16], uint16_t dport, bool *sender_is_a)
{
    memset(k, 0, sizeof *k);
    k->proto = proto;
    k->family = family;
    int c = memcmp(src, dst, 16);
    bool s_first = c < 0 || (c == 0 && sport <= dport);
    memcpy(k->a, s_first ? src : dst, 16);
    memcpy(k->b, s_first ? dst : src, 16);
    k->pa = s_first ? sport : dport;
    k->pb = s_first ? dport : sport;
    *sender_is_a = s_first;
}

/* ---- per packet ---------------------------------------------------------- */

static bool syn_wscale(const record_t *r, const layer_t *l, uint8_t *ws)
{
    const field_t *opts = layer_field(r, l, "options");
    if (!opts || opts->type != FT_ARRAY)
        return false;
    unsigned end = (unsigned)opts->v.u;
    for (unsigned i = (unsigned)(opts - r->fields) + 1; i < end; i++) {
        const field_t *f = &r->fields[i];
        if (f->name && strcmp(f->name, "wscale") == 0 && f->type == FT_UINT) {
            *ws = (uint8_t)f->v.u;
            return true;
        }
    }
    return false;
}

static void ladder_add(flow_t *f, const seg_fact_t *s)
{
    flow_rec_t *r = &f->rec;
    uint32_t n = f->ladder_seen++;
    if (n < FLOW_LADDER_HEAD) {
        r->ladder[n] = *s;
        r->ladder_n = (uint8_t)(n + 1);
        return;
    }
    /* the tail is a ring over the last FLOW_LADDER_TAIL segments */
    r->ladder[FLOW_LADDER_HEAD + (n - FLOW_LADDER_HEAD) % FLOW_LADDER_TAIL] = *s;
    uint32_t tail = n + 1 - FLOW_LADDER_HEAD;
    r->ladder_n = (uint8_t)(FLOW_LADDER_HEAD + (tail < FLOW_LADDER_TAIL ? tail : FLOW_LADDER_TAIL));
}

static void touch(flow_table_t *ft, int32_t i, uint8_t tc)
{
    list_remove(ft, i);
    list_push_front(ft, i, tc);
}

static void account(flow_t *f, bool from_orig, uint32_t ip_len, uint32_t payload, int64_t now)
{
    flow_rec_t *r = &f->rec;
    if (now > r->last_ts)
        r->last_ts = now; /* the latest packet, whatever the capture's order */
    if (from_orig) {
        r->orig_pkts++;
        r->orig_ip_bytes += ip_len;
        if (f->key.proto != 6)
            r->orig_bytes += payload;
    } else {
        r->resp_pkts++;
        r->resp_ip_bytes += ip_len;
        if (f->key.proto != 6)
            r->resp_bytes += payload;
    }
}

static uint32_t ip_len_of(const record_t *r, const layer_t *net)
{
    if (net->proto == &dissector_ipv4)
        return (uint32_t)layer_u64(r, net, "len");
    return 40 + (uint32_t)layer_u64(r, net, "plen");
}

/* The payload goes to the application protocol of the flow: the one
 * pinned on it, else the port tables (lower port first), else the
 * heuristics; a protocol with message boundaries (pdu_len) is
 * reassembled across segments. */
static void reassemble(flow_table_t *ft, flow_t *f, const tcp_seg_t *seg, record_t *r, dctx_t *x,
                       const layer_t *l)
{
    stream_t *st = &f->st[seg->dir];
    if ((seg->flags & TCPF_SYN) && !st->init) {
        st->init = true;
        st->next = seg->seq + 1;
    }
    if (seg->flags & TCPF_ACK)
        stream_ack(&f->st[seg->dir ^ 1], &ft->sst, seg->ack, r->frame);
    if (seg->len == 0 || !x->has_payload)
        return;
    const dissector_t *app = f->service;
    if (!app) {
        uint16_t lo = f->key.pa < f->key.pb ? f->key.pa : f->key.pb;
        uint16_t hi = f->key.pa < f->key.pb ? f->key.pb : f->key.pa;
        app = registry_lookup(TBL_TCP_PORT, lo);
        if (!app)
            app = registry_lookup(TBL_TCP_PORT, hi);
        if (!app)
            app = registry_heuristic(TBL_TCP_PORT, &x->payload);
    }
    if (app && app->pdu_len) {
        uint64_t owner = ((uint64_t)f->rec.id << 1) | seg->dir;
        stream_segment(st, &ft->streams, &ft->sst, owner, app, seg->seq,
                       (seg->flags & TCPF_SYN) != 0, r, x, ft->now);
    } else if (f->service) {
        x->next_direct = f->service; /* pinned first (engine.c order) */
    }
    (void)l;
}

static void track_tcp(flow_table_t *ft, record_t *r, dctx_t *x, layer_t *l, const layer_t *net,
                      bool count)
{
    uint8_t src[16], dst[16], family;
    if (!get_addrs(r, net, src, dst, &family))
        return;
    tcp_seg_t seg = {0};
    if (!layer_field(r, l, "sport") || !layer_field(r, l, "dport"))
        return; /* cut before its ports */
    uint16_t sport = (uint16_t)layer_u64(r, l, "sport"), dport = (uint16_t)layer_u64(r, l, "dport");
    seg.flags = (uint16_t)layer_u64(r, l, "flags");
    seg.seq = (uint32_t)layer_u64(r, l, "seq");
    seg.ack = (uint32_t)layer_u64(r, l, "ack");
    seg.win = (uint32_t)layer_u64(r, l, "win");
    seg.len = (uint32_t)layer_u64(r, l, "len");
    seg.ts_ns = ft->now;
    /* payload cut by the snaplen: Zeek cannot deliver it (a gap) */
    seg.truncated = x->has_payload && cur_left(&x->payload) < seg.len;
    if (seg.flags & TCPF_SYN)
        seg.has_wscale = syn_wscale(r, l, &seg.wscale);

    flow_key_t k;
    bool sender_is_a;
    make_key(&k, 6, family, src, sport, dst, dport, &sender_is_a);
    uint32_t h = key_hash(&k);
    int32_t s = slot_find(ft, &k, h);
    bool pure_syn = (seg.flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN;
    int32_t i = s >= 0 ? ft->slots[s] - 1 : -1;
    if (i >= 0 && pure_syn && l->status == LS_OK && tcp_conn_is_reuse(&ft->flows[i].tcp, &seg)) {
        /* a new connection on a finished tuple: a new flow (Zeek) */
        flow_release(ft, i, FE_REUSED);
        ft->st.reused++;
        i = -1;
    }
    if (i < 0) {
        bool flipped;
        bool syn = seg.flags & TCPF_SYN, ack = seg.flags & TCPF_ACK;
        if (syn && !ack) {
            flipped = false; /* the SYN's sender originates */
        } else if (syn && ack) {
            flipped = true;  /* a SYN-ACK first: its receiver originated */
        } else {
            /* mid-stream: the side on the likely server port responds */
            flipped = port_class(sport) < port_class(dport);
        }
        bool orig_is_a = flipped ? !sender_is_a : sender_is_a;
        i = flow_create(ft, &k, h, orig_is_a);
        tcp_conn_init(&ft->flows[i].tcp, flipped);
    }
    flow_t *f = &ft->flows[i];
    bool from_orig = f->orig_is_a == sender_is_a;
    seg.dir = from_orig ? 0 : 1;
    tcp_result_t res;
    /* a header cut short or contradicting itself is placed in its flow
     * (its ports are known) but does not move the state machine */
    bool whole = l->status == LS_OK && count;
    if (whole) {
        tcp_conn_update(&f->tcp, &seg, &res);
    } else {
        res.state_before = res.state_after = f->tcp.ep[seg.dir].state;
        res.event = NULL;
        res.analysis = 0;
        res.rtt_ns = -1;
    }
    if (count)
        account(f, from_orig, ip_len_of(r, net), seg.len, ft->now);
    f->rec.nsegs++;
    if (!f->rec.isn_known[seg.dir]) {
        f->rec.isn_known[seg.dir] = true;
        f->rec.isn[seg.dir] = seg.seq;
    }
    for (unsigned b = 0; b < TA_COUNT; b++)
        if (res.analysis & (1u << b))
            f->rec.analysis[b]++;
    seg_fact_t fact = {r->frame, ft->now, seg.seq, seg.ack, seg.len, seg.flags,
                       res.analysis, seg.dir, res.state_before, res.state_after, res.event};
    ladder_add(f, &fact);
    const tcp_endpoint_t *o = &f->tcp.ep[0], *p = &f->tcp.ep[1];
    bool closed = (o->state == TCPS_CLOSED || o->state == TCPS_TIME_WAIT) &&
                  (p->state == TCPS_CLOSED || p->state == TCPS_TIME_WAIT) &&
                  (o->fin_sent || o->rst_sent || p->fin_sent || p->rst_sent);
    touch(ft, i, closed ? TC_TCP_CLOSED : TC_TCP_OPEN);

    r->flow.present = true;
    r->flow.tcp = true;
    r->flow.id = f->rec.id;
    r->flow.dir = seg.dir;
    r->flow.state = res.state_after;
    r->flow.state_before = res.state_before;
    r->flow.peer_state = f->tcp.ep[seg.dir ^ 1].state;
    r->flow.analysis = res.analysis;
    r->flow.event = res.event;
    r->flow.orig_port = f->rec.orig_p;
    r->flow.resp_port = f->rec.resp_p;
    r->flow.rtt_ns = res.rtt_ns;

    ft->current = i;
    if (!whole)
        return;
    /* the analysis marks belong to the tcp layer (it is still current) */
    if (res.analysis) {
        field_t *arr = fld_array(x, "analysis", l->off);
        for (unsigned b = 0; b < TA_COUNT; b++)
            if (res.analysis & (1u << b))
                fld_str(x, NULL, l->off, 0, tcp_analysis_name(b),
                        (uint32_t)strlen(tcp_analysis_name(b)));
        fld_end(x, arr, l->off);
    }
    if (res.rtt_ns >= 0)
        fld_uint(x, "handshake_rtt_us", l->off, 0, (uint64_t)(res.rtt_ns / 1000));
    if (!x->ip_fragment)
        reassemble(ft, f, &seg, r, x, l);
}

static void track_udp(flow_table_t *ft, record_t *r, layer_t *l, const layer_t *net, bool count)
{
    uint8_t src[16], dst[16], family;
    if (!get_addrs(r, net, src, dst, &family))
        return;
    if (!layer_field(r, l, "sport") || !layer_field(r, l, "dport"))
        return; /* cut before its ports */
    uint16_t sport = (uint16_t)layer_u64(r, l, "sport"), dport = (uint16_t)layer_u64(r, l, "dport");
    uint64_t ulen = layer_u64(r, l, "len");
    flow_key_t k;
    bool sender_is_a;
    make_key(&k, 17, family, src, sport, dst, dport, &sender_is_a);
    uint32_t h = key_hash(&k);
    int32_t s = slot_find(ft, &k, h);
    int32_t i;
    if (s >= 0) {
        i = ft->slots[s] - 1;
    } else {
        bool flipped = port_class(sport) < port_class(dport);
        i = flow_create(ft, &k, h, flipped ? !sender_is_a : sender_is_a);
    }
    flow_t *f = &ft->flows[i];
    bool from_orig = f->orig_is_a == sender_is_a;
    if (count)
        account(f, from_orig, ip_len_of(r, net), ulen >= 8 ? (uint32_t)(ulen - 8) : 0, ft->now);
    touch(ft, i, TC_OTHER);
    r->flow.present = true;
    r->flow.tcp = false;
    r->flow.id = f->rec.id;
    r->flow.dir = from_orig ? 0 : 1;
    r->flow.state = 0xff;
    r->flow.event = NULL;
    r->flow.orig_port = f->rec.orig_p;
    r->flow.resp_port = f->rec.resp_p;
    r->flow.rtt_ns = -1;
    ft->current = i;
}

/* ICMP "type families": a request type and its reply type form one
 * family, named by the request type (RFC 792, RFC 4443, RFC 4861). */
static bool icmp_family(bool v6, uint8_t type, uint8_t *req, uint8_t *rep, bool *is_reply)
{
    static const uint8_t v4[][2] = {{8, 0}, {13, 14}, {15, 16}, {17, 18}, {10, 9}};
    static const uint8_t v6p[][2] = {{128, 129}, {133, 134}, {135, 136}, {130, 131}};
    const uint8_t(*t)[2] = v6 ? v6p : v4;
    size_t n = v6 ? sizeof v6p / sizeof v6p[0] : sizeof v4 / sizeof v4[0];
    for (size_t i = 0; i < n; i++) {
        if (type == t[i][0] || type == t[i][1]) {
            *req = t[i][0];
            *rep = t[i][1];
            *is_reply = type == t[i][1];
            return true;
        }
    }
    *req = *rep = type; /* errors and others: a family of their own */
    *is_reply = false;
    return false;
}

static void track_icmp(flow_table_t *ft, record_t *r, layer_t *l, const layer_t *net, bool v6)
{
    uint8_t src[16], dst[16], family;
    if (!get_addrs(r, net, src, dst, &family))
        return;
    uint8_t type = (uint8_t)layer_u64(r, l, "type"), req, rep;
    bool is_reply;
    icmp_family(v6, type, &req, &rep, &is_reply);
    uint16_t id = (uint16_t)layer_u64(r, l, "id");
    /* key: the addresses, the family in both port slots and the id, so a
     * request and its reply meet; ports are restored for the record */
    flow_key_t k;
    bool sender_is_a;
    make_key(&k, v6 ? 58 : 1, family, src, 0, dst, 0, &sender_is_a);
    k.pa = req;
    k.pb = id;
    uint32_t h = key_hash(&k);
    int32_t s = slot_find(ft, &k, h);
    int32_t i;
    if (s >= 0) {
        i = ft->slots[s] - 1;
    } else {
        i = flow_create(ft, &k, h, is_reply ? !sender_is_a : sender_is_a);
        ft->flows[i].rec.orig_p = req;
        ft->flows[i].rec.resp_p = rep;
    }
    flow_t *f = &ft->flows[i];
    bool from_orig = f->orig_is_a == sender_is_a;
    uint32_t iplen = ip_len_of(r, net);
    account(f, from_orig, iplen, 0, ft->now);
    touch(ft, i, TC_OTHER);
}

void flow_layer_hook(void *ctx, record_t *r, dctx_t *x, layer_t *l)
{
    flow_table_t *ft = ctx;
    if (l->status != LS_OK && l->proto != &dissector_tcp && l->proto != &dissector_udp)
        return; /* of a broken layer only the transport's ports are used */
    if (l->osi == 7 && l->proto != &dissector_data && ft->current >= 0) {
        /* pin the application protocol on the flow (Zeek's "service") */
        flow_t *f = &ft->flows[ft->current];
        if (!f->service)
            f->service = l->proto;
        return;
    }
    if (l->proto == &dissector_ipv4 && x->ip_fragment) {
        ipfrag_layer(&ft->frags, r, x, l, ft->now);
        return;
    }
    bool tcp = l->proto == &dissector_tcp, udp = l->proto == &dissector_udp;
    bool icmp = l->proto == &dissector_icmp, icmp6 = l->proto == &dissector_icmpv6;
    if (!(tcp || udp || icmp || icmp6))
        return;
    const layer_t *net = net_layer_of(r, l);
    if (!net)
        return;
    /* an IPv4 fragment not yet whole is placed in its flow but counted
     * once, when it is whole (IPv6 fragments are not reassembled: their
     * first one counts) */
    bool count = !(x->ip_fragment && net->proto == &dissector_ipv4 && l->src == 0);
    if (tcp)
        track_tcp(ft, r, x, l, net, count);
    else if (udp)
        track_udp(ft, r, l, net, count);
    else
        track_icmp(ft, r, l, net, icmp6);
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
    if (ft->spill_failed || fflush(ft->spill) != 0 || fseeko(ft->spill, 0, SEEK_SET) != 0)
        return -1;
    flow_rec_t rec;
    for (uint32_t id = 1; id < ft->next_id; id++) {
        if (fread(&rec, ft->recsize, 1, ft->spill) != 1)
            return -1;
        if (ft->recsize < sizeof rec)
            rec.ladder_n = 0;
        if (rec.valid)
            each(arg, &rec);
    }
    return 0;
}
