/* ipfrag.c - IPv4 fragment reassembly (see ipfrag.h). */
#include "ipfrag.h"

#include <string.h>

#include "timeutil.h"

static const char NOTE_HELD[] = "IPv4 fragment, held for reassembly";

bool ipfrag_init(ipfrag_table_t *t)
{
    memset(t, 0, sizeof *t);
    return reasm_pool_init(&t->pool, FRAG_MAX_PENDING);
}

void ipfrag_free(ipfrag_table_t *t)
{
    reasm_pool_free(&t->pool);
}

static void drop(frag_pending_t *p)
{
    reasm_put(p->buf);
    p->buf = NULL;
    p->used = false;
}

void ipfrag_layer(ipfrag_table_t *t, record_t *r, dctx_t *x, layer_t *l, int64_t now)
{
    const ip_facts_t *ip = &x->ip; /* the header just dissected */
    uint32_t off = ip->frag_offset;
    if ((!ip->mf && !off) || !x->has_payload || l->src != 0)
        return;
    if (ip->version != 4)
        return;
    t->st.fragments++;
    uint16_t id = ip->id;
    uint8_t proto = ip->proto;

    /* time out old datagrams, find ours or the oldest slot */
    frag_pending_t *mine = NULL, *freeslot = NULL, *oldest = NULL;
    for (unsigned i = 0; i < FRAG_MAX_PENDING; i++) {
        frag_pending_t *p = &t->p[i];
        if (p->used && ts_diff(now, p->first_ts) > FRAG_TIMEOUT_SEC * NS_PER_SEC) {
            drop(p);
            t->st.timed_out++;
        }
        if (!p->used) {
            if (!freeslot)
                freeslot = p;
            continue;
        }
        if (p->id == id && p->proto == proto && !memcmp(p->src, ip->src, 4) &&
            !memcmp(p->dst, ip->dst, 4))
            mine = p;
        if (!oldest || p->first_ts < oldest->first_ts)
            oldest = p;
    }
    if (!mine) {
        if (!freeslot) {
            drop(oldest);
            t->st.dropped++;
            freeslot = oldest;
        }
        mine = freeslot;
        memset(mine, 0, sizeof *mine);
        mine->used = true;
        mine->id = id;
        mine->proto = proto;
        memcpy(mine->src, ip->src, 4);
        memcpy(mine->dst, ip->dst, 4);
        mine->first_ts = now;
        mine->tag = ++t->next_tag;
        mine->buf = reasm_get(&t->pool, mine->tag, now);
    }

    cursor_t p = x->payload;
    uint32_t have = cur_left(&p), want = cur_rleft(&p);
    const uint8_t *bytes = cur_view(&p, have);
    if (have < want || !bytes || !reasm_insert(mine->buf, (uint32_t)off, bytes, have)) {
        /* cut by the snaplen, or beyond 64 KiB: it can never complete */
        drop(mine);
        t->st.dropped++;
        return;
    }
    reasm_add_frame(mine->buf, r->frame);
    if (!ip->mf)
        mine->total = (uint32_t)off + have;
    if (mine->total && reasm_contiguous(mine->buf) >= mine->total) {
        reasm_buf_t *b = mine->buf;
        int src = record_add_source(r, "ipv4 fragments", b->data, mine->total, b->frames,
                                    b->nframes, b->frames_cut);
        drop(mine);
        if (src < 0)
            return;
        t->st.reassembled++;
        uint32_t n = r->sources[src].len;
        x->payload = cur_init(r->sources[src].data, n, n);
        x->payload_src = (uint8_t)src;
        x->has_payload = true;
        x->next_direct = NULL;
        x->next_table = TBL_IPPROTO;
        x->next_key = x->next_key2 = proto;
        x->ip_fragment = false;
        return;
    }
    if (off != 0 && x->nitems < DCTX_MAX_ITEMS) {
        pdu_item_t *it = &x->items[x->nitems++];
        it->c = x->payload;
        it->d = &dissector_data;
        it->note = NOTE_HELD;
        it->src = x->src;
    }
}
