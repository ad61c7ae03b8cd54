/* render.h - renderers: they read records and write text; they never
 * look at packet bytes except to dump them in hex (-x). */
#ifndef STRATA_RENDER_H
#define STRATA_RENDER_H

#include <time.h>

#include "outbuf.h"
#include "record.h"

enum ts_style {
    TS_LOCAL,  /* HH:MM:SS.ffffff (default, local time as tcpdump) */
    TS_NONE,   /* -t */
    TS_EPOCH,  /* -tt: seconds since the epoch */
    TS_DATE,   /* -tttt: YYYY-MM-DD HH:MM:SS.ffffff */
    TS_DELTA,  /* -ttt: since the previous packet, " HH:MM:SS.ffffff" */
    TS_SINCE_FIRST, /* -ttttt: since the first packet, the same way */
};

typedef struct render_ctx {
    enum ts_style ts_style;
    unsigned ts_digits;  /* 6, or 9 for nanosecond captures */
    bool quiet;          /* -q */
    bool innermost;      /* a tunnelled packet's line from its own (the
                            innermost) IP packet on, the carriers left out
                            (the TUI's info column, as Wireshark's) */
    bool color;          /* ANSI colours, one per layer */
    bool link;           /* -e: the link-level header on each line */
    /* local time without a libc call per packet: the zone's UTC offset,
     * valid for packet times in [tz_from, tz_until) */
    int64_t tz_from, tz_until;
    int64_t tz_offset;   /* seconds east of UTC */
    /* the text of the last second shown ("HH:MM:SS", with -tttt the date
     * too): packets come many to a second */
    int64_t sec_cached;
    uint8_t sec_len;     /* 0: nothing cached */
    char sec_text[40];
    /* -ttt, -ttttt: the first packet's time and the previous one's
     * (render_ts_seen keeps them) */
    bool ts_seen;
    int64_t first_sec, prev_sec;
    uint32_t first_nsec, prev_nsec;
} render_ctx_t;

void render_ctx_init(render_ctx_t *rc);
void render_ts(outbuf_t *ob, render_ctx_t *rc, int64_t sec, uint32_t nsec);
void render_line(outbuf_t *ob, render_ctx_t *rc, const record_t *r);
void render_verbose(outbuf_t *ob, render_ctx_t *rc, const record_t *r);
void render_json(outbuf_t *ob, const record_t *r);
void render_hex(outbuf_t *ob, const render_ctx_t *rc, const record_t *r);
/* tcpdump's -X (-XX: with the link-level header) and -A (-AA): the
 * bytes after the link-level header in hex and ASCII, or as ASCII text,
 * after the packet's line. */
void render_hex_ascii(outbuf_t *ob, const render_ctx_t *rc, const record_t *r, bool link);
void render_ascii(outbuf_t *ob, const record_t *r, bool link);

/* Every packet shown passes here after it is rendered: the time
 * references of -ttt and -ttttt. */
static inline void render_ts_seen(render_ctx_t *rc, int64_t sec, uint32_t nsec)
{
    if (!rc->ts_seen) {
        rc->ts_seen = true;
        rc->first_sec = sec;
        rc->first_nsec = nsec;
    }
    rc->prev_sec = sec;
    rc->prev_nsec = nsec;
}

/* ANSI colour for a layer of the record (by OSI layer, quoted ones
 * dimmer), and the reset sequence. */
const char *layer_color(const layer_t *l);
#define COLOR_RESET "\033[0m"

#endif
