/* stats.c - counting what the renderers saw; printed once at the end. */
#include "stats.h"

#include "registry.h"

void stats_add(stats_t *s, const record_t *r)
{
    s->packets++;
    s->bytes += r->len;
    uint64_t seen = 0; /* each protocol counts once per packet */
    for (unsigned i = 0; i < r->nlayers; i++) {
        if (r->layers[i].depth)
            continue;
        unsigned idx = r->layers[i].proto->id;
        if (idx < STATS_MAX_PROTOS && !(seen & (1ull << idx))) {
            seen |= 1ull << idx;
            s->per_proto[idx]++;
        }
    }
    s->truncated += r->truncated;
    s->malformed += r->malformed;
    s->overflow += r->overflow;
    s->bad_checksums += r->bad_checksums;
    s->capped += r->capped;
    s->unknown_linktype += r->unknown_linktype;
}

void stats_print(const stats_t *s, FILE *out)
{
    fprintf(out, "%llu packet%s read", (unsigned long long)s->packets, s->packets == 1 ? "" : "s");
    if (s->filtered)
        fprintf(out, " (%llu shown)", (unsigned long long)s->shown);
    bool first = true;
    for (unsigned i = 0; i < registry_count && i < STATS_MAX_PROTOS; i++) {
        if (!s->per_proto[i])
            continue;
        fprintf(out, "%s %s %llu", first ? ":" : ",", registry_all[i]->name,
                (unsigned long long)s->per_proto[i]);
        first = false;
    }
    fprintf(out, "\n%llu truncated, %llu malformed", (unsigned long long)s->truncated,
            (unsigned long long)s->malformed);
    if (s->unknown_linktype)
        fprintf(out, ", %llu on unknown link types", (unsigned long long)s->unknown_linktype);
    if (s->overflow)
        fprintf(out, ", %llu with more fields than a record holds",
                (unsigned long long)s->overflow);
    /* on the sending host these are mostly offloaded checksums, filled in
     * by the network card after the capture (see README) */
    if (s->bad_checksums)
        fprintf(out, ", %llu bad TCP/UDP checksum%s", (unsigned long long)s->bad_checksums,
                s->bad_checksums == 1 ? "" : "s");
    if (s->capped)
        fprintf(out, ", %llu read only up to a parser bound", (unsigned long long)s->capped);
    fputc('\n', out);
}
