/* tui_filter.h - the display filter (src/filter/filter.h) as the TUI
 * holds it: an opaque pointer. */
#ifndef STRATA_TUI_FILTER_H
#define STRATA_TUI_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#if __has_include("filter.h")
#include "filter.h"
#else
/* until src/filter/ is in the tree: every expression is refused */
typedef struct dfilter dfilter_t;
static inline dfilter_t *dfilter_compile(const char *expr, char *err, size_t errlen, int *col)
{
    (void)expr;
    snprintf(err, errlen, "this strata is built without the display filter");
    *col = 1;
    return NULL;
}
static inline bool dfilter_match(const dfilter_t *f, const record_t *r, const struct flow_table *ft)
{
    (void)f, (void)r, (void)ft;
    return false;
}
static inline void dfilter_free(dfilter_t *f)
{
    (void)f;
}
#endif

static inline void *tui_filter_compile(const char *expr, char *err, size_t errlen, int *col)
{
    return dfilter_compile(expr, err, errlen, col);
}

static inline bool tui_filter_match(const void *f, const record_t *r, flow_table_t *ft)
{
    return dfilter_match((const dfilter_t *)f, r, ft);
}

static inline void tui_filter_free(void *f)
{
    if (f)
        dfilter_free((dfilter_t *)f);
}

#endif
