/* reasm.h - reassembly buffers: a fixed pool of fixed-size buffers, each
 * tracking which byte ranges it holds (RFC 815's hole list, kept as the
 * list of filled ranges).  Used for IPv4 fragments (ipfrag.c) and TCP
 * streams (stream.c).
 *
 * Overlaps: the bytes that arrived first are kept; a later arrival only
 * fills what is still missing ("the later-arriving fragment loses").
 */
#ifndef STRATA_REASM_H
#define STRATA_REASM_H

#include <stdbool.h>
#include <stdint.h>

#define REASM_BUF_CAP 65536   /* bytes one buffer holds: an IP datagram's maximum */
#define REASM_MAX_RANGES 16   /* filled ranges a buffer tracks */
#define REASM_MAX_FRAMES 32   /* frames remembered as contributors */

typedef struct reasm_buf {
    bool in_use;
    uint8_t nranges;
    uint16_t nframes;
    uint64_t owner;           /* opaque tag of the user (stream, datagram) */
    int64_t last_used;        /* for eviction of the least recently used */
    uint32_t start[REASM_MAX_RANGES], end[REASM_MAX_RANGES]; /* sorted, disjoint */
    uint64_t frames[REASM_MAX_FRAMES];
    bool frames_cut;          /* more contributors than remembered */
    uint32_t base_seq;        /* the user's number of data[0] (a stream's sequence number) */
    uint8_t *data;            /* REASM_BUF_CAP bytes */
} reasm_buf_t;

typedef struct reasm_pool {
    uint32_t n;
    reasm_buf_t *bufs;
    uint8_t *mem;
} reasm_pool_t;

/* Allocate the pool once; false when out of memory. */
bool reasm_pool_init(reasm_pool_t *p, uint32_t nbufs);
void reasm_pool_free(reasm_pool_t *p);
/* A free buffer, or the least recently used one taken from its owner
 * (whose owner then finds the tag changed).  Never NULL for n > 0. */
reasm_buf_t *reasm_get(reasm_pool_t *p, uint64_t owner, int64_t now);
void reasm_put(reasm_buf_t *b);
void reasm_clear(reasm_buf_t *b);

/* Copy `n` bytes for offsets [off, off + n) into the buffer, only where
 * nothing is held yet.  Returns false when the bytes do not fit (beyond
 * the cap, or too many separate ranges): the caller gives up. */
bool reasm_insert(reasm_buf_t *b, uint32_t off, const uint8_t *bytes, uint32_t n);
/* Bytes held contiguously from offset 0. */
uint32_t reasm_contiguous(const reasm_buf_t *b);
/* Drop the first n bytes (they were consumed); offsets shift down. */
void reasm_consume(reasm_buf_t *b, uint32_t n);
void reasm_add_frame(reasm_buf_t *b, uint64_t frame);

#endif
