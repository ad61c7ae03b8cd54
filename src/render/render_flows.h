/* render_flows.h - flow summaries: JSON Lines, the aligned table, the
 * ladder diagram of one connection. */
#ifndef STRATA_RENDER_FLOWS_H
#define STRATA_RENDER_FLOWS_H

#include "flow.h"
#include "render.h"

/* A flow record's proto as the contract names it: "tcp", "udp", "icmp",
 * "icmpv6", and for IP tunnels' carriers "gre" or "ipip". */
const char *flow_proto_name(uint8_t p);
void render_flow_json(outbuf_t *ob, const flow_rec_t *r);

/* The table is aligned in two passes: measure every row, then print. */
typedef struct flow_widths {
    uint8_t w[16];
} flow_widths_t;
void flow_table_widths_init(flow_widths_t *w);
void flow_table_measure(flow_widths_t *w, render_ctx_t *rc, const flow_rec_t *r);
void flow_table_header(outbuf_t *ob, const flow_widths_t *w);
void flow_table_row(outbuf_t *ob, const flow_widths_t *w, render_ctx_t *rc, const flow_rec_t *r);

/* --flow ID: client on the left, server on the right, the rows of
 * ladder.h (both endpoints' textbook states where they change, the socket
 * calls, the marks); a UDP flow's datagrams; L holds the flow's segments
 * (NULL: none kept). */
void render_flow_ladder(outbuf_t *ob, const flow_rec_t *r, const flow_ladder_t *L);

#endif
