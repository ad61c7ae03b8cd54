/* flow_query.c - facts about a flow as it is now, for readers outside the
 * flow modules (the display filter). */
#include "flow_table.h"

const char *flow_conn_state_now(const flow_table_t *ft, uint32_t id)
{
    if (!ft || ft->current < 0 || ft->flows[ft->current].id != id)
        return NULL;
    const flow_t *f = &ft->flows[ft->current];
    if (f->key.proto == 6)
        return tcp_conn_state(&f->tcp);
    if (f->key.proto == 17) /* as flow_track_end says it */
        return f->pkts[0] ? (f->pkts[1] ? "SF" : "S0") : (f->pkts[1] ? "SHR" : "OTH");
    return "OTH";
}
