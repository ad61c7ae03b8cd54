/* registry.h - dispatch tables built from the dissectors' own bindings. */
#ifndef STRATA_REGISTRY_H
#define STRATA_REGISTRY_H

#include "dissector.h"

/* Every dissector, by index (PROTO_<name>, the order of dissectors/dissectors.def). */
extern const dissector_t *const registry_all[];
extern const unsigned registry_count;

/* Build the tables; returns 0, or -1 with a message in `err` when two
 * dissectors claim the same key (a programming error caught by tests). */
int registry_init(char *err, unsigned errlen);
const dissector_t *registry_lookup(unsigned table, uint32_t key);
/* Heuristic dissectors for payloads of a transport, in registry order. */
const dissector_t *registry_heuristic(unsigned table, const cursor_t *payload);
/* The dispatch rule for a payload, in its one place (the engine and the
 * flow tracker both use it; a protocol pinned on the flow comes first and
 * is the caller's): the table at `key`, then at `key2` (for ports: the
 * lower port, then the higher), then for TCP/UDP payloads the
 * heuristics in registry order.  NULL: nobody claims it (data). */
const dissector_t *registry_dispatch(unsigned table, uint32_t key, uint32_t key2,
                                     const cursor_t *payload);
const dissector_t *registry_by_name(const char *name);
/* A field by its display-filter name ("tcp.srcport"): its dissector and
 * index.  For resolving a name once (a filter, a test), never per packet. */
bool registry_field(const char *filter, const dissector_t **d, unsigned *id);

/* The dissector used for bytes nobody claims. */
extern const dissector_t dissector_data;

#endif
