/* flow_report.h - the end-of-run flow summary: --flows (table or JSON
 * Lines), --sort, --flow ID (ladder), and the flow statistics line. */
#ifndef STRATA_FLOW_REPORT_H
#define STRATA_FLOW_REPORT_H

#include <stdio.h>

#include "flow.h"
#include "render.h"

enum flow_sort { SORT_START = 0, SORT_BYTES, SORT_PKTS, SORT_DURATION };

typedef struct flow_report_opts {
    bool flows;          /* --flows / --flows-only */
    bool json;           /* JSON Lines instead of the table */
    enum flow_sort sort;
    uint32_t ladder_id;  /* --flow ID, 0 for none */
} flow_report_opts_t;

/* Parse a --sort argument; false when unknown. */
bool flow_sort_parse(const char *s, enum flow_sort *out);
/* Finish the table and write the summaries asked for; -1 (with a
 * message on stderr naming `what`) when the flow records cannot be read
 * back or the ladder's flow does not exist. */
int flow_report(flow_table_t *ft, const flow_report_opts_t *o, outbuf_t *ob, render_ctx_t *rc,
                const char *what);
void flow_stats_print(flow_table_t *ft, FILE *out);

#endif
