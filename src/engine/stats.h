/* stats.h - end-of-run counts (printed on stderr after the capture). */
#ifndef STRATA_STATS_H
#define STRATA_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "record.h"

#define STATS_MAX_PROTOS 64

typedef struct stats {
    uint64_t packets;
    uint64_t bytes;
    uint64_t per_proto[STATS_MAX_PROTOS]; /* packets with that protocol, by registry index */
    uint64_t truncated;  /* packets with a truncated layer */
    uint64_t malformed;  /* packets with a layer in error */
    uint64_t overflow;   /* records that could not hold every field */
    uint64_t bad_checksums; /* TCP/UDP checksums verified and wrong */
    uint64_t capped;     /* packets a dissector stopped reading at a named bound */
    uint64_t unknown_linktype;
    bool filtered;       /* a display filter (-Y) chose the packets shown */
    uint64_t shown;      /* ... and these it let through (the owner counts) */
} stats_t;

void stats_add(stats_t *s, const record_t *r);
void stats_print(const stats_t *s, FILE *out);

#endif
