/* cursor.h - the one bounds-checked way to read packet bytes.
 *
 * A cursor is a window [start, end) of the frame plus the "reported" end
 * (rend): end is where the captured bytes stop, rend is where the protocol
 * says its data stops (IP total length, UDP length, ...).  rend may lie
 * beyond end when the frame was cut by the snaplen.
 *
 * Every read checks against end.  A read past end returns 0, reads
 * nothing and sets the sticky `trunc` flag; the dissector checks the flag
 * once per header and ends its layer as truncated.  Offsets are absolute
 * offsets into the frame so that field spans need no translation.
 */
#ifndef STRATA_CURSOR_H
#define STRATA_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct cursor {
    const uint8_t *base; /* first byte of the frame */
    uint32_t start;      /* absolute offset of this window */
    uint32_t off;        /* absolute read position */
    uint32_t end;        /* captured end (absolute, exclusive) */
    uint32_t rend;       /* reported end (absolute, exclusive), >= end */
    bool trunc;          /* a read ran past the captured bytes */
} cursor_t;

static inline cursor_t cur_init(const uint8_t *base, uint32_t caplen, uint32_t len)
{
    cursor_t c = {base, 0, 0, caplen, len < caplen ? caplen : len, false};
    return c;
}

/* Captured bytes left from the read position. */
static inline uint32_t cur_left(const cursor_t *c)
{
    return c->off < c->end ? c->end - c->off : 0;
}

/* Reported bytes left from the read position (what the wire had). */
static inline uint32_t cur_rleft(const cursor_t *c)
{
    return c->off < c->rend ? c->rend - c->off : 0;
}

static inline bool cur_has(cursor_t *c, uint32_t n)
{
    /* once a read has failed every later one fails too, so a field read
     * after the cut can never take a byte from the wrong offset */
    if (!c->trunc && cur_left(c) >= n)
        return true;
    c->trunc = true;
    return false;
}

static inline uint8_t cur_u8(cursor_t *c)
{
    if (!cur_has(c, 1))
        return 0;
    return c->base[c->off++];
}

static inline uint16_t cur_u16be(cursor_t *c)
{
    if (!cur_has(c, 2))
        return 0;
    uint16_t v = (uint16_t)((c->base[c->off] << 8) | c->base[c->off + 1]);
    c->off += 2;
    return v;
}

static inline uint16_t cur_u16le(cursor_t *c)
{
    if (!cur_has(c, 2))
        return 0;
    uint16_t v = (uint16_t)(c->base[c->off] | (c->base[c->off + 1] << 8));
    c->off += 2;
    return v;
}

static inline uint32_t cur_u32be(cursor_t *c)
{
    if (!cur_has(c, 4))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 4;
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline uint32_t cur_u32le(cursor_t *c)
{
    if (!cur_has(c, 4))
        return 0;
    const uint8_t *p = c->base + c->off;
    c->off += 4;
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

/* Copy n bytes out; on truncation dst is zero-filled and nothing is consumed. */
static inline bool cur_bytes(cursor_t *c, void *dst, uint32_t n)
{
    if (!cur_has(c, n)) {
        memset(dst, 0, n);
        return false;
    }
    memcpy(dst, c->base + c->off, n);
    c->off += n;
    return true;
}

static inline bool cur_skip(cursor_t *c, uint32_t n)
{
    if (!cur_has(c, n)) {
        c->off = c->end;
        return false;
    }
    c->off += n;
    return true;
}

/* Peek at absolute offset `at` without moving; 0 and trunc when outside
 * the window.  For name decompression and heuristics. */
static inline uint8_t cur_peek_u8(cursor_t *c, uint32_t at)
{
    if (at < c->start || at >= c->end) {
        c->trunc = true;
        return 0;
    }
    return c->base[at];
}

/* Compare the next bytes with a literal without moving (heuristics). */
static inline bool cur_starts_with(const cursor_t *c, const char *lit, uint32_t n)
{
    return cur_left(c) >= n && memcmp(c->base + c->off, lit, n) == 0;
}

/* Find byte `b` at or after the read position within the captured window;
 * returns its absolute offset or UINT32_MAX. */
static inline uint32_t cur_find(const cursor_t *c, uint8_t b)
{
    uint32_t left = cur_left(c);
    if (!left)
        return UINT32_MAX;
    const uint8_t *p = memchr(c->base + c->off, b, left);
    return p ? (uint32_t)(p - c->base) : UINT32_MAX;
}

/* A read-only view of n captured bytes at the read position (or NULL) for
 * copying strings into the record; the caller never indexes past n. */
static inline const uint8_t *cur_view(cursor_t *c, uint32_t n)
{
    if (!cur_has(c, n))
        return NULL;
    const uint8_t *p = c->base + c->off;
    c->off += n;
    return p;
}

/* RFC 1071 one's-complement sum of the captured bytes [start, start+n)
 * added to `sum` (an odd last byte is padded with zero), folded to 16
 * bits.  A message checks out when the sum over it is 0xffff. */
static inline uint32_t cur_sum16(cursor_t *c, uint32_t start, uint32_t n, uint32_t sum)
{
    if (start >= c->start && start <= c->end && n <= c->end - start) {
        /* all inside the window: one check, then 16-bit words summed in
         * 64 bits and folded once at the end */
        const uint8_t *p = c->base + start;
        uint64_t acc = sum;
        uint32_t i = 0;
        for (; i + 1 < n; i += 2)
            acc += (uint32_t)p[i] << 8 | p[i + 1];
        if (i < n)
            acc += (uint32_t)p[i] << 8;
        while (acc >> 16)
            acc = (acc & 0xffff) + (acc >> 16);
        return (uint32_t)acc;
    }
    for (uint32_t i = 0; i < n; i += 2) {
        sum += (uint32_t)cur_peek_u8(c, start + i) << 8;
        if (i + 1 < n)
            sum += cur_peek_u8(c, start + i + 1);
        sum = (sum & 0xffff) + (sum >> 16);
    }
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

/* Sub-window of declared length n starting at the read position; the
 * parent moves past it.  Returns false (and an empty window) when n runs
 * beyond the parent's reported end: a length field that contradicts its
 * parent.  The captured end is clamped, so a short capture stays legal. */
static inline bool cur_sub(cursor_t *c, uint32_t n, cursor_t *sub)
{
    *sub = *c;
    sub->start = c->off;
    sub->trunc = false;
    if (n > cur_rleft(c)) {
        sub->end = sub->rend = c->off;
        return false;
    }
    sub->rend = c->off + n;
    if (sub->end > sub->rend)
        sub->end = sub->rend;
    if (sub->end < sub->start)
        sub->end = sub->start;
    c->off += n;
    return true;
}

/* The rest of the window from the read position as its own window. */
static inline cursor_t cur_rest(const cursor_t *c)
{
    cursor_t r = *c;
    r.start = c->off;
    r.trunc = false;
    if (r.end < r.start)
        r.end = r.start;
    return r;
}

#endif
