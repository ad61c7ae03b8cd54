/* tui_filter.h - the display filter (src/filter/filter.h) as the TUI
 * holds it: an opaque pointer. */
#ifndef STRATA_TUI_FILTER_H
#define STRATA_TUI_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "filter.h"

static inline void *tui_filter_compile(const char *expr, char *err, size_t errlen, int *col)
{
    return dfilter_compile(expr, err, errlen, col);
}

static inline bool tui_filter_match(const void *f, const record_t *r, flow_table_t *ft)
{
    return dfilter_match((const dfilter_t *)f, r, ft);
}

static inline bool tui_filter_needs_fields(const void *f)
{
    return f && dfilter_needs_fields((const dfilter_t *)f);
}

static inline void tui_filter_free(void *f)
{
    if (f)
        dfilter_free((dfilter_t *)f);
}

#endif
