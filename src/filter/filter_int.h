/* filter_int.h - the compiled form of a display filter, shared by the
 * compiler (filter_compile.c) and the matcher (filter_match.c). */
#ifndef STRATA_FILTER_INT_H
#define STRATA_FILTER_INT_H

#include <regex.h>
#include <stdint.h>
#include <string.h>

#include "dissector.h"
#include "filter.h"

/* Where a name's values come from. */
enum fkind {
    FK_REG,          /* fields of the registry, by definition */
    FK_BIT,          /* a bit of a registry field (tcp.flags.syn) */
    FK_FRAME_LEN,    /* frame.len */
    FK_FRAME_CAPLEN, /* frame.cap_len */
    FK_FRAME_NUMBER, /* frame.number */
    FK_OSI,          /* osi: one value per layer */
    FK_TCP_STATE,    /* the sender's RFC 793 state after the segment */
    FK_TCP_STATE_BEFORE,
    FK_PEER_STATE,   /* the receiver's */
    FK_FLOW_ID,
    FK_FLOW_DIR,     /* 0 orig, 1 resp */
    FK_CONN_STATE,   /* Zeek's conn_state now (needs the flow table) */
    FK_FLOW_EVENT,   /* the handshake/teardown note, when there is one */
    FK_ANALYSIS,     /* a TCP analysis mark (tcp.analysis.retransmission) */
};

#define FREF_DEFS_MAX 4 /* tcp.port: tcp.srcport and tcp.dstport */

/* A name resolved: which values it stands for, of one type (enum
 * field_type: FT_UINT, FT_BOOL, FT_STR, FT_MAC, FT_IPV4, FT_IPV6). */
typedef struct fref {
    uint8_t kind;    /* enum fkind */
    uint8_t type;
    uint8_t ndefs;
    uint64_t protos; /* FK_REG, FK_BIT: bit per dissector id holding a def */
    const field_def_t *defs[FREF_DEFS_MAX];
    uint64_t mask;   /* FK_BIT, FK_ANALYSIS */
} fref_t;

enum fop {
    OP_EXISTS, /* the name alone */
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
    OP_CONTAINS, OP_MATCHES,
    OP_RANGE,  /* in {lo..hi}: lo <= v <= hi */
    OP_ALL_EQ, /* === (all_eq): present, and every occurrence equals */
    OP_ANY_NE, /* !== (any_ne): some occurrence differs */
};

/* The constant a value is compared with, parsed for the field's type. */
typedef struct fconst {
    uint64_t u, hi;    /* numbers and booleans; hi for OP_RANGE */
    uint8_t b[16];     /* MAC, IPv4, IPv6 */
    unsigned prefix;   /* addresses: bits compared by ==, != (CIDR) */
    char *s;           /* strings (owned) */
    size_t slen;
    regex_t re;        /* OP_MATCHES */
    bool re_ok;
} fconst_t;

enum nkind { N_AND, N_OR, N_NOT, N_TRUE, N_PROTO, N_CMP };

typedef struct fnode {
    uint8_t kind; /* enum nkind */
    uint8_t op;   /* enum fop, N_CMP */
    struct fnode *a, *b;
    uint64_t protos; /* N_PROTO: bit per dissector id */
    fref_t ref;
    fconst_t c;
} fnode_t;

struct dfilter {
    fnode_t *root;
    bool needs_fields;
};

void dfilter_node_free(fnode_t *n);

/* Does needle occur in hay?  (memmem is a GNU extension.) */
static inline bool mem_has(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
    const unsigned char *h = hay;
    if (nlen == 0)
        return true;
    for (size_t i = 0; i + nlen <= hlen; i++)
        if (h[i] == *(const unsigned char *)needle && memcmp(h + i, needle, nlen) == 0)
            return true;
    return false;
}

#endif
