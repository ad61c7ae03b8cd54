/* unit.h - a small harness for dissector unit tests on byte arrays.
 *
 * Each test file defines test functions and a main that calls them through
 * RUN(); CHECK failures are counted and reported with file:line. */
#ifndef STRATA_UNIT_H
#define STRATA_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "record.h"
#include "registry.h"
#include "dissector.h"
#include "render.h"

static int unit_failed, unit_checks;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        unit_checks++;                                                              \
        if (!(cond)) {                                                              \
            unit_failed++;                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                           \
    } while (0)

#define CHECK_EQ(a, b)                                                                  \
    do {                                                                                \
        unit_checks++;                                                                  \
        unsigned long long va_ = (unsigned long long)(a), vb_ = (unsigned long long)(b); \
        if (va_ != vb_) {                                                               \
            unit_failed++;                                                              \
            fprintf(stderr, "%s:%d: %s == %llu, expected %llu\n", __FILE__, __LINE__, #a, \
                    va_, vb_);                                                          \
        }                                                                               \
    } while (0)

#define CHECK_STR(a, b)                                                                  \
    do {                                                                                 \
        unit_checks++;                                                                   \
        const char *sa_ = (a), *sb_ = (b);                                               \
        if (!sa_ || strcmp(sa_, sb_) != 0) {                                             \
            unit_failed++;                                                               \
            fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
                    sa_ ? sa_ : "(null)", sb_);                                          \
        }                                                                                \
    } while (0)

#define RUN(fn)                 \
    do {                        \
        int before_ = unit_failed; \
        fn();                   \
        fprintf(stderr, "%s %s\n", unit_failed == before_ ? "ok  " : "FAIL", #fn); \
    } while (0)

static record_t unit_rec;

static inline void unit_init(void)
{
    char err[128];
    if (registry_init(err, sizeof err) != 0) {
        fprintf(stderr, "registry: %s\n", err);
        exit(2);
    }
}

static inline int unit_done(void)
{
    printf("%d checks, %d failed\n", unit_checks, unit_failed);
    return unit_failed ? 1 : 0;
}

/* Dissect bytes as a frame of `linktype`.  The bytes are copied into a
 * heap buffer of exactly the frame's size so that AddressSanitizer
 * catches any read past the captured end. */
static inline record_t *unit_dissect_len(const void *bytes, unsigned caplen, unsigned len,
                                         unsigned linktype)
{
    static unsigned char *copy;
    free(copy);
    copy = malloc(caplen ? caplen : 1);
    memcpy(copy, bytes, caplen);
    engine_dissect(&unit_rec, copy, caplen, len, linktype, NULL);
    return &unit_rec;
}

static inline record_t *unit_dissect(const void *bytes, unsigned n, unsigned linktype)
{
    return unit_dissect_len(bytes, n, n, linktype);
}

/* Ethernet + IPv4 (10.0.0.1 > 10.0.0.2, id 0x1234, TTL 64, protocol
 * `proto`, flags/fragment word `ff`, a correct header checksum) around the
 * n bytes of `payload`; returns the frame length (UNIT_ETH_IP + n). */
#define UNIT_ETH_IP 34
static inline unsigned unit_eth_ipv4(unsigned char *f, unsigned proto, unsigned ff,
                                     const unsigned char *payload, unsigned n)
{
    static const unsigned char head[UNIT_ETH_IP] = {
        0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00,
        0x45, 0, 0, 0, 0x12, 0x34, 0, 0, 64, 0, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    };
    memcpy(f, head, sizeof head);
    unsigned char *ip = f + 14;
    ip[2] = (unsigned char)((20 + n) >> 8);
    ip[3] = (unsigned char)(20 + n);
    ip[6] = (unsigned char)(ff >> 8);
    ip[7] = (unsigned char)ff;
    ip[9] = (unsigned char)proto;
    unsigned sum = 0;
    for (unsigned i = 0; i < 20; i += 2)
        sum += (unsigned)(ip[i] << 8 | ip[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    ip[10] = (unsigned char)(~sum >> 8);
    ip[11] = (unsigned char)~sum;
    if (n)
        memcpy(f + UNIT_ETH_IP, payload, n);
    return UNIT_ETH_IP + n;
}

/* Write the correct TCP or UDP checksum (RFC 1071 over the pseudo header
 * and the whole segment) into the IPv4 packet at `ip`, whose header and
 * total length are already set; `bad` makes it wrong on purpose. */
static inline void unit_fix_l4_sum(unsigned char *ip, int bad)
{
    unsigned hl = (ip[0] & 15u) * 4, tot = (unsigned)(ip[2] << 8 | ip[3]), proto = ip[9];
    unsigned char *seg = ip + hl;
    unsigned len = tot - hl, at = proto == 6 ? 16 : 6;
    seg[at] = seg[at + 1] = 0;
    uint32_t sum = proto + len;
    for (unsigned i = 12; i < 20; i += 2)
        sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
    for (unsigned i = 0; i < len; i += 2)
        sum += (uint32_t)(seg[i] << 8 | (i + 1 < len ? seg[i + 1] : 0));
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    unsigned v = ~sum & 0xffff;
    if (proto == 17 && v == 0)
        v = 0xffff; /* RFC 768: a computed 0 is sent as all ones */
    if (bad)
        v ^= 0x0101;
    seg[at] = (unsigned char)(v >> 8);
    seg[at + 1] = (unsigned char)v;
}

/* The n-th (0-based) layer of protocol `proto`, or NULL. */
static inline const layer_t *unit_layer(const record_t *r, const char *proto, int nth)
{
    for (unsigned i = 0; i < r->nlayers; i++)
        if (strcmp(r->layers[i].proto->name, proto) == 0 && nth-- == 0)
            return &r->layers[i];
    return NULL;
}

/* Is this field named `name`?  (Tests find fields by name; strata itself
 * never does on its per-packet path.) */
static inline int unit_named(const field_t *f, const char *name)
{
    return f->def && strcmp(f->def->name, name) == 0;
}

/* A top-level field of a layer by name, or NULL, found by walking the
 * layer; checks on the way that the registry's O(1) index of its def
 * finds the same field. */
static inline const field_t *unit_field(const record_t *r, const layer_t *l, const char *name)
{
    unsigned end = (unsigned)l->f_first + l->f_count;
    for (unsigned i = l->f_first; i < end; i = field_next(r, i)) {
        const field_t *f = &r->fields[i];
        if (!unit_named(f, name))
            continue;
        unsigned id = (unsigned)(f->def - l->proto->fields);
        CHECK(id < l->proto->nfields && layer_field(r, l, id) == f);
        return f;
    }
    return NULL;
}

static inline unsigned long long unit_uint(const record_t *r, const layer_t *l, const char *name)
{
    const field_t *f = l ? unit_field(r, l, name) : NULL;
    if (!f || (f->type != FT_UINT && f->type != FT_BOOL))
        return 0xdeadbeefULL;
    return f->v.u;
}

static inline const char *unit_str(const record_t *r, const layer_t *l, const char *name)
{
    const field_t *f = l ? unit_field(r, l, name) : NULL;
    return f && f->type == FT_STR ? field_str(r, f) : NULL;
}

/* The protocol names of all layers joined by spaces ("eth ipv4 tcp"). */
static inline const char *unit_stack(const record_t *r)
{
    static char buf[512];
    size_t n = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < r->nlayers && n + 32 < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? " " : "", r->layers[i].proto->name);
    return buf;
}

/* Cut a frame at every length from 0 to n and dissect each: under the
 * sanitizers any read past the captured end aborts the test. */
static inline void unit_sweep(const void *bytes, unsigned n, unsigned linktype)
{
    /* the bytes the whole frame's layers claim: a cut before their end
     * must be said (a layer truncated, or in error when a length then
     * contradicts what is left); a cut in bytes no layer claims (padding)
     * need not */
    record_t *r = unit_dissect_len(bytes, n, n, linktype);
    uint32_t claimed = 0;
    for (unsigned i = 0; i < r->nlayers; i++) {
        const layer_t *l = &r->layers[i];
        if (l->src == 0 && l->off + l->len > claimed)
            claimed = l->off + l->len;
    }
    for (unsigned cut = 0; cut < n; cut++) {
        r = unit_dissect_len(bytes, cut, n, linktype);
        if (cut < claimed && !(r->truncated || r->malformed)) {
            CHECK(r->truncated || r->malformed);
            fprintf(stderr, "     (frame of %u bytes cut at %u, layers claim %u: nothing marked)\n", n,
                    cut, claimed);
            break;
        }
    }
}


/* A layer's one-line summary, as the one-line view writes it ("" when the
 * layer is NULL or has no summary). */
static inline const char *unit_summary(const record_t *r, const layer_t *l)
{
    static char buf[1024];
    outbuf_t ob;
    ob_init(&ob, buf, sizeof buf - 1, -1);
    if (l && l->proto->summary)
        l->proto->summary(r, l, &ob);
    buf[ob.len] = '\0';
    return buf;
}

#endif
