/* llc.h - shared by the dissectors whose type field may be an IEEE 802.3
 * length (Ethernet, and an 802.1Q tag's inner type). */
#ifndef STRATA_LLC_H
#define STRATA_LLC_H

#include "dissector.h"

/* The two bytes at field_off were a length (<= 1500): add "length" and
 * "type" (the EtherType a SNAP header with OUI 0 carries, else 0) to the
 * current layer and hand the `length` bytes that follow to LLC.  The two
 * fields are the caller's: length_id and type_id index its own table. */
int llc_length_frame(dctx_t *x, cursor_t *c, uint32_t field_off, uint16_t length,
                     unsigned length_id, unsigned type_id);

/* The two bytes at field_off, `type`, end an Ethernet-like header: up to
 * 1500 an 802.3 length (llc_length_frame), from 0x0600 an EtherType,
 * added as type_id (named) with the rest dispatched by it. */
#define LLC_MAX_LENGTH 1500
int llc_type_or_length(dctx_t *x, cursor_t *c, uint32_t field_off, uint16_t type,
                       unsigned length_id, unsigned type_id);

#endif
