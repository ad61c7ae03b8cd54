/* callcount.c - an LD_PRELOAD shim that counts calls to the allocator, to
 * the printf family, to the string comparisons (strcmp, strncmp) and to
 * the local-time conversions, and reports the totals on exit to the file
 * named by $CALLCOUNT_OUT.  tests/per-packet-calls.sh runs strata on N and
 * on many more packets of the same capture: equal totals prove the
 * per-packet path allocates nothing, formats without printf, finds no
 * field by comparing names and asks libc for local time only once in a
 * while (not per packet). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned long n_alloc, n_printf, n_strcmp, n_localtime;

#define REAL(name, type) static type real_##name; if (!real_##name) real_##name = (type)dlsym(RTLD_NEXT, #name)

/* dlsym itself may call calloc before the real one is known: serve those
 * few early requests from a static arena. */
static char early[4096];
static size_t early_used;
static int resolving;

void *malloc(size_t n)
{
    typedef void *(*fn)(size_t);
    static fn real;
    if (!real) {
        resolving = 1;
        real = (fn)dlsym(RTLD_NEXT, "malloc");
        resolving = 0;
    }
    n_alloc++;
    return real(n);
}

void *calloc(size_t a, size_t b)
{
    typedef void *(*fn)(size_t, size_t);
    static fn real;
    if (!real) {
        if (resolving || early_used == 0) {
            size_t n = (a * b + 15) & ~(size_t)15;
            if (early_used + n <= sizeof early) {
                void *p = early + early_used;
                early_used += n;
                memset(p, 0, n);
                if (resolving)
                    return p;
            }
        }
        resolving = 1;
        real = (fn)dlsym(RTLD_NEXT, "calloc");
        resolving = 0;
    }
    n_alloc++;
    return real(a, b);
}

void *realloc(void *p, size_t n)
{
    typedef void *(*fn)(void *, size_t);
    static fn real;
    if (!real)
        real = (fn)dlsym(RTLD_NEXT, "realloc");
    n_alloc++;
    return real(p, n);
}

void free(void *p)
{
    typedef void (*fn)(void *);
    static fn real;
    if ((char *)p >= early && (char *)p < early + sizeof early)
        return;
    if (!real)
        real = (fn)dlsym(RTLD_NEXT, "free");
    real(p);
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    typedef int (*fn)(FILE *, const char *, va_list);
    static fn real;
    if (!real)
        real = (fn)dlsym(RTLD_NEXT, "vfprintf");
    n_printf++;
    return real(f, fmt, ap);
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(f, fmt, ap);
    va_end(ap);
    return r;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return r;
}

int vsnprintf(char *s, size_t n, const char *fmt, va_list ap)
{
    typedef int (*fn)(char *, size_t, const char *, va_list);
    static fn real;
    if (!real)
        real = (fn)dlsym(RTLD_NEXT, "vsnprintf");
    n_printf++;
    return real(s, n, fmt, ap);
}

int snprintf(char *s, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(s, n, fmt, ap);
    va_end(ap);
    return r;
}

int vsprintf(char *s, const char *fmt, va_list ap)
{
    typedef int (*fn)(char *, const char *, va_list);
    static fn real;
    if (!real)
        real = (fn)dlsym(RTLD_NEXT, "vsprintf");
    n_printf++;
    return real(s, fmt, ap);
}

int sprintf(char *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsprintf(s, fmt, ap);
    va_end(ap);
    return r;
}

int strcmp(const char *a, const char *b)
{
    n_strcmp++;
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p && *p == *q) {
        p++;
        q++;
    }
    return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
    n_strcmp++;
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    for (; n; n--, p++, q++)
        if (*p != *q || !*p)
            return *p - *q;
    return 0;
}

struct tm *localtime_r(const time_t *t, struct tm *tm)
{
    typedef struct tm *(*fn)(const time_t *, struct tm *);
    static fn real;
    if (!real)
        real = (fn)dlsym(RTLD_NEXT, "localtime_r");
    n_localtime++;
    return real(t, tm);
}

struct tm *localtime(const time_t *t)
{
    static struct tm tm;
    return localtime_r(t, &tm);
}

__attribute__((destructor)) static void report(void)
{
    const char *out = getenv("CALLCOUNT_OUT");
    if (!out)
        return;
    FILE *f = fopen(out, "w");
    if (!f)
        return;
    /* fprintf here would count itself; the totals were taken above */
    unsigned long a = n_alloc, p = n_printf, c = n_strcmp, t = n_localtime;
    fprintf(f, "alloc %lu printf %lu strcmp %lu localtime %lu\n", a, p, c, t);
    fclose(f);
}
