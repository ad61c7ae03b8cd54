/* reasm.c - the reassembly buffer pool (see reasm.h). */
#include "reasm.h"

#include <stdlib.h>
#include <string.h>

bool reasm_pool_init(reasm_pool_t *p, uint32_t nbufs)
{
    memset(p, 0, sizeof *p);
    p->bufs = calloc(nbufs ? nbufs : 1, sizeof *p->bufs);
    /* one block for all the data; pages are touched only when used */
    p->mem = calloc(nbufs ? nbufs : 1, REASM_BUF_CAP);
    if (!p->bufs || !p->mem) {
        reasm_pool_free(p);
        return false;
    }
    p->n = nbufs;
    for (uint32_t i = 0; i < nbufs; i++)
        p->bufs[i].data = p->mem + (size_t)i * REASM_BUF_CAP;
    return true;
}

void reasm_pool_free(reasm_pool_t *p)
{
    free(p->bufs);
    free(p->mem);
    p->bufs = NULL;
    p->mem = NULL;
    p->n = 0;
}

void reasm_clear(reasm_buf_t *b)
{
    b->nranges = 0;
    b->nframes = 0;
    b->frames_cut = false;
}

reasm_buf_t *reasm_get(reasm_pool_t *p, uint64_t owner, int64_t now)
{
    reasm_buf_t *lru = NULL;
    for (uint32_t i = 0; i < p->n; i++) {
        reasm_buf_t *b = &p->bufs[i];
        if (!b->in_use) {
            lru = b;
            break;
        }
        if (!lru || b->last_used < lru->last_used)
            lru = b;
    }
    if (!lru)
        return NULL;
    reasm_clear(lru);
    lru->in_use = true;
    lru->owner = owner;
    lru->last_used = now;
    return lru;
}

void reasm_put(reasm_buf_t *b)
{
    if (b) {
        reasm_clear(b);
        b->in_use = false;
    }
}

bool reasm_insert(reasm_buf_t *b, uint32_t off, const uint8_t *bytes, uint32_t n)
{
    if (n == 0)
        return true;
    if (off >= REASM_BUF_CAP || n > REASM_BUF_CAP - off)
        return false;
    uint32_t s = off, e = off + n;
    /* copy only into the gaps between held ranges (first arrival wins) */
    uint32_t pos = s;
    for (unsigned i = 0; i < b->nranges && pos < e; i++) {
        if (b->end[i] <= pos)
            continue;
        if (b->start[i] >= e)
            break;
        if (b->start[i] > pos)
            memcpy(b->data + pos, bytes + (pos - s), b->start[i] - pos);
        pos = b->end[i] > pos ? b->end[i] : pos;
    }
    if (pos < e)
        memcpy(b->data + pos, bytes + (pos - s), e - pos);
    /* merge [s, e) into the sorted list */
    uint32_t ns[REASM_MAX_RANGES + 1], ne[REASM_MAX_RANGES + 1];
    unsigned k = 0, i = 0;
    while (i < b->nranges && b->end[i] < s) {
        ns[k] = b->start[i];
        ne[k++] = b->end[i++];
    }
    uint32_t ms = s, me = e;
    while (i < b->nranges && b->start[i] <= me) {
        if (b->start[i] < ms)
            ms = b->start[i];
        if (b->end[i] > me)
            me = b->end[i];
        i++;
    }
    ns[k] = ms;
    ne[k++] = me;
    while (i < b->nranges) {
        ns[k] = b->start[i];
        ne[k++] = b->end[i++];
    }
    if (k > REASM_MAX_RANGES)
        return false;
    memcpy(b->start, ns, k * sizeof ns[0]);
    memcpy(b->end, ne, k * sizeof ne[0]);
    b->nranges = (uint8_t)k;
    return true;
}

uint32_t reasm_contiguous(const reasm_buf_t *b)
{
    return b->nranges && b->start[0] == 0 ? b->end[0] : 0;
}

void reasm_consume(reasm_buf_t *b, uint32_t n)
{
    if (n == 0)
        return;
    uint32_t top = b->nranges ? b->end[b->nranges - 1] : 0;
    if (n >= top) {
        b->nranges = 0;
        return;
    }
    memmove(b->data, b->data + n, top - n);
    unsigned k = 0;
    for (unsigned i = 0; i < b->nranges; i++) {
        if (b->end[i] <= n)
            continue;
        b->start[k] = b->start[i] > n ? b->start[i] - n : 0;
        b->end[k] = b->end[i] - n;
        k++;
    }
    b->nranges = (uint8_t)k;
}

void reasm_add_frame(reasm_buf_t *b, uint64_t frame)
{
    if (b->nframes && b->frames[b->nframes - 1] == frame)
        return;
    if (b->nframes < REASM_MAX_FRAMES)
        b->frames[b->nframes++] = frame;
    else
        b->frames_cut = true;
}
