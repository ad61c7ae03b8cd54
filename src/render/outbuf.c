/* outbuf.c - printf-free formatting into caller-owned buffers. */
#include "outbuf.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void ob_init(outbuf_t *ob, char *buf, size_t cap, int fd)
{
    ob->buf = buf;
    ob->cap = cap;
    ob->len = 0;
    ob->fd = fd;
    ob->full = false;
    ob->failed = false;
}

void ob_flush(outbuf_t *ob)
{
    if (ob->fd < 0)
        return;
    size_t done = 0;
    while (done < ob->len && !ob->failed) {
        ssize_t w = write(ob->fd, ob->buf + done, ob->len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            ob->failed = true;
            break;
        }
        done += (size_t)w;
    }
    ob->len = 0;
}

void ob_write_slow(outbuf_t *ob, const char *s, size_t n)
{
    while (n) {
        size_t room = ob->cap - ob->len;
        if (room == 0) {
            if (ob->fd < 0) {
                ob->full = true;
                return;
            }
            ob_flush(ob);
            if (ob->failed) {
                ob->len = 0; /* keep going silently; caller checks failed */
            }
            room = ob->cap - ob->len;
        }
        size_t k = n < room ? n : room;
        memcpy(ob->buf + ob->len, s, k);
        ob->len += k;
        s += k;
        n -= k;
    }
}

void ob_copy_var(char *d, const char *s, size_t n)
{
    /* most run-time lengths are short (names, keys, notes): two
     * overlapping fixed-size copies instead of a call to memcpy */
    if (n > 16) {
        memcpy(d, s, n);
    } else if (n >= 8) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

/* "00" .. "99": two digits per step instead of one division each. */
static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* v in decimal, right-aligned ending at end; returns the first digit. */
static char *fmt_u32(char *end, uint32_t v)
{
    char *p = end;
    while (v >= 100) {
        unsigned d = (v % 100) * 2;
        v /= 100;
        *--p = digit_pairs[d + 1];
        *--p = digit_pairs[d];
    }
    if (v >= 10) {
        unsigned d = v * 2;
        *--p = digit_pairs[d + 1];
        *--p = digit_pairs[d];
    } else {
        *--p = (char)('0' + v);
    }
    return p;
}

static char *fmt_u64(char *end, uint64_t v)
{
    if (v <= UINT32_MAX)
        return fmt_u32(end, (uint32_t)v); /* 32-bit divisions: most numbers */
    char *p = end;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100) * 2;
        v /= 100;
        *--p = digit_pairs[d + 1];
        *--p = digit_pairs[d];
    }
    if (v >= 10) {
        unsigned d = (unsigned)v * 2;
        *--p = digit_pairs[d + 1];
        *--p = digit_pairs[d];
    } else {
        *--p = (char)('0' + v);
    }
    return p;
}

static inline unsigned ndigits32(uint32_t v)
{
    if (v < 100)
        return v < 10 ? 1 : 2;
    if (v < 10000)
        return v < 1000 ? 3 : 4;
    if (v < 1000000)
        return v < 100000 ? 5 : 6;
    if (v < 100000000)
        return v < 10000000 ? 7 : 8;
    return v < 1000000000 ? 9 : 10;
}

void ob_u64_any(outbuf_t *ob, uint64_t v)
{
    if (v <= UINT32_MAX && ob->cap - ob->len >= 10) {
        /* the digits straight into the buffer, right to left */
        unsigned n = ndigits32((uint32_t)v);
        fmt_u32(ob->buf + ob->len + n, (uint32_t)v);
        ob->len += n;
        return;
    }
    char tmp[24];
    char *p = fmt_u64(tmp + sizeof tmp, v);
    ob_write(ob, p, (size_t)(tmp + sizeof tmp - p));
}

void ob_i64(outbuf_t *ob, int64_t v)
{
    if (v < 0) {
        ob_putc(ob, '-');
        ob_u64(ob, (uint64_t)0 - (uint64_t)v);
    } else {
        ob_u64(ob, (uint64_t)v);
    }
}

void ob_u64_pad(outbuf_t *ob, uint64_t v, unsigned width, char pad)
{
    char tmp[48];
    char *end = tmp + sizeof tmp;
    char *p = fmt_u64(end, v);
    for (unsigned n = (unsigned)(end - p); n < width; n++) {
        if (p > tmp)
            *--p = pad;
        else
            ob_putc(ob, pad); /* a width wider than tmp */
    }
    ob_write(ob, p, (size_t)(end - p));
}

static const char hexdig[] = "0123456789abcdef";

void ob_hex(outbuf_t *ob, uint64_t v, unsigned min_digits)
{
    char tmp[16];
    int i = sizeof tmp;
    do {
        tmp[--i] = hexdig[v & 15];
        v >>= 4;
    } while (v);
    for (unsigned n = (unsigned)(sizeof tmp - (size_t)i); n < min_digits; n++)
        ob_putc(ob, '0');
    ob_write(ob, tmp + i, sizeof tmp - (size_t)i);
}

void ob_hex8(outbuf_t *ob, uint8_t v)
{
    char t[2] = {hexdig[v >> 4], hexdig[v & 15]};
    ob_write(ob, t, 2);
}

void ob_mac(outbuf_t *ob, const uint8_t m[6])
{
    for (int i = 0; i < 6; i++) {
        if (i)
            ob_putc(ob, ':');
        ob_hex8(ob, m[i]);
    }
}

void ob_ipv4(outbuf_t *ob, const uint8_t a[4])
{
    /* straight into the buffer when a whole address fits */
    char tmp[16];
    bool direct = ob->cap - ob->len >= 15;
    char *const start = direct ? ob->buf + ob->len : tmp;
    char *p = start;
    for (int i = 0; i < 4; i++) {
        unsigned v = a[i];
        if (i)
            *p++ = '.';
        if (v >= 100) {
            *p++ = (char)('0' + v / 100);
            v %= 100;
            *p++ = digit_pairs[v * 2];
            *p++ = digit_pairs[v * 2 + 1];
        } else if (v >= 10) {
            *p++ = digit_pairs[v * 2];
            *p++ = digit_pairs[v * 2 + 1];
        } else {
            *p++ = (char)('0' + v);
        }
    }
    if (direct)
        ob->len += (size_t)(p - start);
    else
        ob_write_slow(ob, tmp, (size_t)(p - tmp));
}

/* RFC 5952: lower case, no leading zeros, the longest run (>= 2) of zero
 * groups compressed (the first such run on ties), IPv4-mapped and
 * IPv4-compatible forms written as inet_ntop writes them. */
void ob_ipv6(outbuf_t *ob, const uint8_t a[16])
{
    uint16_t g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (uint16_t)((a[2 * i] << 8) | a[2 * i + 1]);
    int best = -1, bestlen = 0;
    for (int i = 0; i < 8;) {
        if (g[i] == 0) {
            int j = i;
            while (j < 8 && g[j] == 0)
                j++;
            if (j - i > bestlen) {
                best = i;
                bestlen = j - i;
            }
            i = j;
        } else {
            i++;
        }
    }
    if (bestlen < 2)
        best = -1;
    for (int i = 0; i < 8; i++) {
        if (best >= 0 && i >= best && i < best + bestlen) {
            if (i == best)
                ob_putc(ob, ':');
            if (i == best + bestlen - 1 && i == 7)
                ob_putc(ob, ':');
            continue;
        }
        if (i)
            ob_putc(ob, ':');
        /* glibc's inet_ntop: embedded IPv4 for ::a.b.c.d (not ::1 or ::)
         * and ::ffff:a.b.c.d */
        if (i == 6 && best == 0 &&
            (bestlen == 6 || (bestlen == 5 && g[5] == 0xffff))) {
            ob_ipv4(ob, a + 12);
            return;
        }
        ob_hex(ob, g[i], 1);
    }
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void ob_json_str(outbuf_t *ob, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = u[i];
        switch (ch) {
        case '"': ob_write(ob, "\\\"", 2); break;
        case '\\': ob_write(ob, "\\\\", 2); break;
        case '\n': ob_write(ob, "\\n", 2); break;
        case '\r': ob_write(ob, "\\r", 2); break;
        case '\t': ob_write(ob, "\\t", 2); break;
        default:
            if (ch >= 0x80) {
                /* valid UTF-8 passes through; any other byte from the wire
                 * is shown as the code point of the same value */
                size_t k = utf8_len(u + i, n - i);
                if (k) {
                    ob_write(ob, s + i, k);
                    i += k - 1;
                    break;
                }
            }
            if (ch < 0x20 || ch >= 0x7f) {
                ob_write(ob, "\\u00", 4);
                ob_hex8(ob, ch);
            } else {
                ob_putc(ob, (char)ch);
            }
        }
    }
}

void ob_safe_str(outbuf_t *ob, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch >= 0x7f || ch == '\\') {
            ob_write(ob, "\\x", 2);
            ob_hex8(ob, ch);
        } else {
            ob_putc(ob, (char)ch);
        }
    }
}
