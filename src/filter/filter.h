/* filter.h - the display filter: Wireshark's display-filter language over
 * strata's records (-Y on the command line, `f` in the TUI).
 *
 *   dns                          a protocol: the record has that layer
 *   tcp.port == 80               a field compared (either port, as Wireshark)
 *   ip.addr == 10.0.0.0/8        CIDR, either address
 *   dns.qry.name contains "ex"   substring; `matches` is a POSIX regex
 *   tcp.flags.syn                a field alone: present (booleans: and set)
 *   tcp.state == SYN_SENT        flow facts (tcp.state, flow.id, flow.dir,
 *                                flow.conn_state, ...)
 *   osi == 7                     some layer at that OSI layer
 *   not / ! , and / && , or / || , ( )
 *
 * Names are resolved once, by dfilter_compile, through the field registry;
 * dfilter_match compares field definitions by pointer and never a name,
 * allocates nothing and prints nothing (it runs once per packet). */
#ifndef STRATA_FILTER_H
#define STRATA_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

typedef struct dfilter dfilter_t;
struct flow_table;

/* Compile EXPR (the registry must be initialised: registry_init).  NULL
 * on error: a one-line message in err, the 1-based column in *errcol
 * (one past the end when the expression ended too soon). */
dfilter_t *dfilter_compile(const char *expr, char *err, size_t errlen, int *errcol);
/* Does the dissected record match?  ft may be NULL (then flow facts other
 * than those in r->flow are false: flow.conn_state needs the table, and
 * the table only knows it for the packet it has just tracked).  The flow
 * facts (tcp.state, flow.id, ...) come from r->flow, which only the flow
 * tracker fills: a packet re-dissected without it has none.  On a lean
 * record (r->lean) every field test is false: see dfilter_needs_fields.
 * Allocates nothing, prints nothing (but `matches` calls regexec). */
bool dfilter_match(const dfilter_t *f, const record_t *r, const struct flow_table *ft);
void dfilter_free(dfilter_t *f);
/* Does the filter need field values (so a lean record will not do)? */
bool dfilter_needs_fields(const dfilter_t *f);

#endif
