/* outbuf.h - formatting into a caller-owned buffer, without printf.
 *
 * The per-packet path formats through these functions only: no
 * allocation, no printf family.  An outbuf either flushes to a file
 * descriptor when it fills (fd >= 0) or, for a fixed scratch buffer
 * (fd < 0), silently stops at its capacity and sets `full`.
 */
#ifndef STRATA_OUTBUF_H
#define STRATA_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct outbuf {
    char *buf;
    size_t cap, len;
    int fd;       /* flush target, or -1 */
    bool full;    /* scratch buffer ran out */
    bool failed;  /* a write to fd failed (EPIPE, ENOSPC, ...) */
} outbuf_t;

void ob_init(outbuf_t *ob, char *buf, size_t cap, int fd);
void ob_flush(outbuf_t *ob);
/* The general case of ob_write: a flush on the way, or a scratch buffer
 * running out. */
void ob_write_slow(outbuf_t *ob, const char *s, size_t n);

/* The common case inline: the bytes fit, one copy (and for ob_puts of a
 * literal the compiler knows the length). */
/* A copy of a length known only at run time, in the buffer's room. */
void ob_copy_var(char *d, const char *s, size_t n);

static inline void ob_write(outbuf_t *ob, const char *s, size_t n)
{
    if (n <= ob->cap - ob->len) {
        if (__builtin_constant_p(n))
            __builtin_memcpy(ob->buf + ob->len, s, n);
        else
            ob_copy_var(ob->buf + ob->len, s, n);
        ob->len += n;
        return;
    }
    ob_write_slow(ob, s, n);
}

static inline void ob_puts(outbuf_t *ob, const char *s)
{
    ob_write(ob, s, __builtin_strlen(s));
}

static inline void ob_putc(outbuf_t *ob, char c)
{
    if (ob->len < ob->cap) {
        ob->buf[ob->len++] = c;
        return;
    }
    ob_write_slow(ob, &c, 1);
}
void ob_u64_any(outbuf_t *ob, uint64_t v);
/* v in decimal; one digit (flags, counts, versions: most values) inline */
static inline void ob_u64(outbuf_t *ob, uint64_t v)
{
    if (v < 10 && ob->len < ob->cap) {
        ob->buf[ob->len++] = (char)('0' + v);
        return;
    }
    ob_u64_any(ob, v);
}
void ob_i64(outbuf_t *ob, int64_t v);
void ob_u64_pad(outbuf_t *ob, uint64_t v, unsigned width, char pad);
void ob_hex(outbuf_t *ob, uint64_t v, unsigned min_digits); /* lower case, no 0x */
void ob_hex8(outbuf_t *ob, uint8_t v);                       /* two digits */
void ob_mac(outbuf_t *ob, const uint8_t m[6]);
void ob_ipv4(outbuf_t *ob, const uint8_t a[4]);
void ob_ipv6(outbuf_t *ob, const uint8_t a[16]); /* RFC 5952 */
/* A string as JSON string contents (no quotes added). */
void ob_json_str(outbuf_t *ob, const char *s, size_t n);
/* A string with control and non-ASCII bytes shown as \xNN (for text). */
void ob_safe_str(outbuf_t *ob, const char *s, size_t n);

#endif
