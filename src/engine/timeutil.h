/* timeutil.h - capture timestamps in nanoseconds since the epoch. */
#ifndef STRATA_TIMEUTIL_H
#define STRATA_TIMEUTIL_H

#include <stdint.h>

#define NS_PER_SEC 1000000000LL

/* a - b for timestamps in ns, saturated: corrupt captures carry any time */
static inline int64_t ts_diff(int64_t a, int64_t b)
{
    int64_t d;
    if (__builtin_sub_overflow(a, b, &d))
        return a < b ? INT64_MIN : INT64_MAX;
    return d;
}

#endif
