/* registry.h - dispatch tables built from the dissectors' own bindings. */
#ifndef STRATA_REGISTRY_H
#define STRATA_REGISTRY_H

#include "dissector.h"

/* Every dissector, by index (the order of dissectors/dissectors.def). */
extern const dissector_t *const registry_all[];
extern const unsigned registry_count;

/* Build the tables; returns 0, or -1 with a message in `err` when two
 * dissectors claim the same key (a programming error caught by tests). */
int registry_init(char *err, unsigned errlen);
const dissector_t *registry_lookup(unsigned table, uint32_t key);
/* Heuristic dissectors for payloads of a transport, in registry order. */
const dissector_t *registry_heuristic(unsigned table, const cursor_t *payload);
unsigned registry_index(const dissector_t *d);
const dissector_t *registry_by_name(const char *name);

/* The dissector used for bytes nobody claims. */
extern const dissector_t dissector_data;

#endif
