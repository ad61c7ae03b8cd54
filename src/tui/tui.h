/* tui.h - strata --tui: the packet list, each packet's OSI stack, its
 * fields and bytes by layer, and the connections, from a file or live.
 *
 * tui_app.c owns the terminal, the loop, the index and the keys;
 * tui_panes.c draws the main screen's panes; tui_views.c the sub-views
 * (connections, ladder, stream, help). */
#ifndef STRATA_TUI_H
#define STRATA_TUI_H

#include <stdbool.h>
#include <stdint.h>

#include "live.h"

typedef struct tui_config {
    const char *read_file;          /* -r, or NULL for a live capture */
    const char *bpf;                /* capture filter (trailing arguments), or NULL */
    const char *display_filter;     /* -Y, or NULL */
    const struct live_options *live;
    uint32_t max_flows;             /* 0: FLOW_DEFAULT_MAX */
    uint32_t ring;                  /* live: packets kept for the list; 0: default */
    bool no_checksums;              /* -K */
} tui_config_t;

/* Run the TUI until the user quits; the exit status. */
int tui_main(const tui_config_t *cfg);

#endif
