/* engine.c - walks a frame through the dissectors, outermost first.
 *
 * Dispatch order for a payload (fixed, and documented in the README):
 *   1. a fixed child the parent names (an ICMP error's quoted IP header,
 *      the Ethernet frame inside VXLAN or 802.1ah, PPP inside PPPoE ...),
 *   2. the table and key the parent gives: for ports the lower port
 *      first, then the higher,
 *   3. the heuristics registered for that transport, in registry order,
 *   4. `data` for whatever bytes are left.
 * Steps 2-4 are registry_dispatch().  A TCP payload is the flow
 * tracker's to hand on (flow_track.c): the protocol pinned on its flow
 * first, then the same registry_dispatch(), with stream reassembly.
 */
#include "engine.h"

#include "dissector.h"
#include "registry.h"

#include <string.h>

static layer_t *layer_open(record_t *r, const dissector_t *d, uint32_t off, uint8_t depth)
{
    layer_t *l = &r->layers[r->nlayers++];
    l->proto = d;
    l->osi = d->osi;
    l->status = LS_OK;
    l->err = ERR_none;
    l->depth = depth;
    l->off = off;
    l->len = 0;
    l->f_first = r->nfields;
    l->f_count = 0;
    l->slot_base = r->nslots;
    r->nslots = (uint16_t)(r->nslots + d->nfields);
    memset(&r->slots[l->slot_base], 0xff, d->nfields * sizeof r->slots[0]);
    return l;
}

static const dissector_t *next_dissector(const dctx_t *x)
{
    if (x->next_direct)
        return x->next_direct;
    return registry_dispatch(x->next_table, x->next_key, x->next_key2, &x->payload);
}

void engine_dissect(record_t *r, const uint8_t *data, uint32_t caplen, uint32_t len,
                    uint32_t linktype, const engine_hooks_t *hooks)
{
    record_reset(r);
    r->data = data;
    r->caplen = caplen;
    r->len = len;
    r->linktype = linktype;
    r->sources[0].data = data;
    r->sources[0].len = caplen;

    cursor_t c = cur_init(data, caplen, len);
    dctx_t x = {0};
    x.field_cap = r->lean ? 0 : REC_MAX_FIELDS;
    x.rec = r;
    uint8_t depth = 0, src = 0;
    unsigned inherited = ERR_none; /* the parent's payload_err for this layer */
    /* windows queued by a hook, dissected one chain after another (not
     * zeroed: only items[0, x.nitems) are ever read) */
    pdu_item_t queue[DCTX_MAX_ITEMS];
    x.items = queue;
    unsigned qi = 0;

    const dissector_t *d = registry_lookup(TBL_LINKTYPE, linktype);
    if (!d) {
        r->unknown_linktype = true;
        d = &dissector_data;
    }
    for (;;) {
        if (r->nlayers >= REC_MAX_LAYERS) {
            layer_t *last = &r->layers[r->nlayers - 1];
            last->status = LS_ERROR;
            last->err = ERR_too_many_layers;
            r->malformed = true;
            break;
        }
        uint32_t strmark = r->strlen;
        layer_t *l = layer_open(r, d, c.off, depth);
        l->src = src;
        x.layer = l;
        x.nest = 0;
        x.err = ERR_none;
        x.next_table = TBL_NONE;
        x.next_key = x.next_key2 = 0;
        x.next_direct = NULL;
        x.next_nested = false;
        x.has_payload = false;
        x.payload_err = ERR_none;
        x.allow_short = depth > 0;
        x.src = x.payload_src = src;
        unsigned queued = x.nitems;
        c.trunc = false;

        cursor_t before = c;
        int st = d->dissect(&x, &c);
        x.data_note = NULL;
        if (st == LS_DECLINE && d != &dissector_data) {
            r->nlayers--;
            r->nfields = l->f_first;
            r->nslots = l->slot_base;
            r->strlen = strmark;
            c = before;
            d = &dissector_data;
            continue;
        }
        /* A parent's length field said more than the bytes there (its
         * payload_err): the layer was dissected over the bytes there and
         * the error, found first, goes down the chain to the layer where
         * dissection ends, which carries it (the contract: dissection
         * stops after a layer in error). */
        unsigned carry = inherited;
        inherited = ERR_none;
        if (carry && (st == LS_ERROR || st == LS_TRUNCATED)) {
            st = LS_ERROR;
            x.err = carry;
            carry = ERR_none;
        }
        l->status = (uint8_t)st;
        bool broken = st == LS_ERROR || st == LS_TRUNCATED;
        if (st == LS_ERROR) {
            l->err = (uint8_t)x.err;
            r->malformed = true;
        } else if (st == LS_TRUNCATED) {
            r->truncated = true;
        }
        /* the hook sees a broken layer too (a flow is known by its ports) */
        if (hooks && depth == 0 && !d->silent)
            hooks->layer(hooks->ctx, r, &x, l);
        if (broken)
            x.has_payload = false; /* nothing is dispatched after it ... */
        if (x.nitems != queued)
            x.has_payload = false; /* the hook took the payload over */
        if (carry && !(x.has_payload && cur_rleft(&x.payload) > 0)) {
            l->status = LS_ERROR; /* the chain ends here: this layer says it */
            l->err = (uint8_t)carry;
            r->malformed = true;
            broken = true;
            x.has_payload = false;
            carry = ERR_none;
        }
        if (d->silent && !broken) {
            /* a dispatch-only layer leaves no trace in the record */
            r->nlayers--;
            r->nfields = l->f_first;
            r->nslots = l->slot_base;
        }
        const dissector_t *n = NULL;
        if (x.has_payload) {
            c = x.payload;
            src = x.payload_src;
            if (cur_rleft(&c) > 0) {
                if (x.next_nested)
                    depth++;
                n = next_dissector(&x);
                if (!n)
                    n = &dissector_data;
                inherited = carry ? carry : x.payload_err;
            }
        }
        if (!n) {
            /* this chain is over (... but the windows queued before it
             * still are): the next queued window, if any */
            if (qi >= x.nitems)
                break;
            pdu_item_t *it = &queue[qi++];
            c = it->c;
            src = it->src;
            n = it->d;
            x.data_note = it->note;
        }
        d = n;
    }
}
