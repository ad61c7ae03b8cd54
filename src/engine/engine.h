/* engine.h - one frame in, one record out. */
#ifndef STRATA_ENGINE_H
#define STRATA_ENGINE_H

#include "dissector.h"
#include "record.h"

/* What the stateful modules (the flow tracker) plug in: called after
 * every layer of the frame's own stack (depth 0), before its payload is
 * dispatched; for a truncated or erroneous layer too (l->status says so),
 * after which nothing more is dissected.  The hook may add
 * fields to that layer (it is still the current one) and may steer the
 * payload through the dctx (reassembly, a protocol pinned on the flow). */
typedef struct engine_hooks {
    void (*layer)(void *ctx, record_t *r, dctx_t *x, layer_t *l);
    void *ctx;
} engine_hooks_t;

/* Dissect a frame into `r` (reset first).  Never reads outside
 * data[0..caplen); never allocates.  hooks may be NULL. */
void engine_dissect(record_t *r, const uint8_t *data, uint32_t caplen, uint32_t len,
                    uint32_t linktype, const engine_hooks_t *hooks);

#endif
