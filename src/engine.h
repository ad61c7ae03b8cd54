/* engine.h - one frame in, one record out. */
#ifndef STRATA_ENGINE_H
#define STRATA_ENGINE_H

#include "record.h"

/* Dissect a frame into `r` (reset first).  Never reads outside
 * data[0..caplen); never allocates. */
void engine_dissect(record_t *r, const uint8_t *data, uint32_t caplen, uint32_t len,
                    uint32_t linktype);

#endif
