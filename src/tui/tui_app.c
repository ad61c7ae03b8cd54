/* tui_app.c - the TUI's terminal, loop, index and keys.
 *
 * A file opens at once: the loop indexes it a slice at a time
 * (TUI_STEP_MS) between looks at the keyboard, keeping one 64-bit word
 * a packet (its record's offset and pcapng interface) and feeding the
 * flow table, so the connections view is complete; a packet is read
 * again (capture_read_at) and dissected again when it is shown.  A live
 * capture runs in live.c's poll() loop with the terminal as its extra
 * descriptor; packets are copied into a bounded ring (the oldest leave,
 * counted) while every packet still feeds the flow table.
 *
 * The terminal is restored however the program ends: q, Ctrl-C,
 * SIGTERM (flags the loop reads), and a crash signal (endwin, then the
 * signal again with its default action). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tui_int.h"
#include "tui_filter.h"

static volatile sig_atomic_t tui_stop;
static volatile sig_atomic_t curses_on;

static void on_stop(int sig)
{
    (void)sig;
    tui_stop = 1;
}

static const int crash_signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
#define NCRASH (sizeof crash_signals / sizeof crash_signals[0])
static struct sigaction crash_old[NCRASH];

/* A crash: give the terminal back, then let the signal do what it did
 * before (die, or a sanitizer's report) by raising it again. */
static void on_crash(int sig)
{
    if (curses_on) {
        curses_on = 0;
        endwin();
    }
    for (size_t i = 0; i < NCRASH; i++)
        if (crash_signals[i] == sig)
            sigaction(sig, &crash_old[i], NULL);
    raise(sig);
}

static void install_crash_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_crash;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (size_t i = 0; i < NCRASH; i++)
        sigaction(crash_signals[i], &sa, &crash_old[i]);
}

static void install_stop_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tui_message(tui_t *t, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->message, sizeof t->message, fmt, ap);
    va_end(ap);
    t->message_err = error;
    t->dirty = true;
}

/* ---- colours -------------------------------------------------------- */

/* 256 colours: distinct hues; 8: the basic ones; none (or NO_COLOR):
 * attributes only, so the layers still differ (bold, underline, dim). */
static void colors_init(tui_t *t)
{
    const char *nc = getenv("NO_COLOR");
    t->color = has_colors() && !(nc && *nc);
    if (!t->color)
        return;
    start_color();
    use_default_colors();
    t->ncolors = COLORS;
    bool rich = COLORS >= 256;
    struct {
        short fg, bg;
    } def[C_COUNT] = {
        [C_LINK] = {COLOR_BLUE, -1},   [C_NET] = {COLOR_GREEN, -1},
        [C_TRANS] = {COLOR_YELLOW, -1}, [C_APP] = {COLOR_MAGENTA, -1},
        [C_DATA] = {rich ? 244 : COLOR_WHITE, -1}, [C_QUOTE] = {COLOR_CYAN, -1},
        [C_ERR] = {COLOR_RED, -1},     [C_BAR] = {COLOR_BLACK, COLOR_CYAN},
        [C_TITLE] = {COLOR_WHITE, COLOR_BLUE}, [C_CLIENT] = {COLOR_RED, -1},
        [C_SERVER] = {COLOR_BLUE, -1}, [C_DNS] = {rich ? 39 : COLOR_CYAN, -1},
        [C_ICMP] = {rich ? 208 : COLOR_RED, -1}, [C_ARP] = {rich ? 141 : COLOR_MAGENTA, -1},
    };
    if (rich) {
        def[C_LINK].fg = 75;
        def[C_NET].fg = 114;
        def[C_TRANS].fg = 221;
        def[C_APP].fg = 213;
        def[C_SERVER].fg = 75;
        def[C_CLIENT].fg = 203;
    }
    for (int c = 1; c < C_COUNT; c++)
        init_pair((short)c, def[c].fg, def[c].bg);
}

attr_t tui_attr(const tui_t *t, enum tui_color c)
{
    if (c == C_NONE)
        return A_NORMAL;
    if (t->color) {
        attr_t a = COLOR_PAIR(c);
        if (c == C_DATA && t->ncolors < 256)
            a |= A_DIM;
        if (c == C_TITLE || c == C_ERR)
            a |= A_BOLD;
        return a;
    }
    switch (c) {
    case C_LINK: return A_NORMAL;
    case C_NET: return A_BOLD;
    case C_TRANS: return A_UNDERLINE;
    case C_APP: return A_BOLD | A_UNDERLINE;
    case C_DATA: return A_DIM;
    case C_QUOTE: return A_DIM | A_UNDERLINE;
    case C_ERR: return A_BOLD;
    case C_BAR: case C_TITLE: return A_REVERSE;
    case C_CLIENT: return A_NORMAL;
    case C_SERVER: return A_BOLD;
    default: return A_NORMAL;
    }
}

/* ---- packets: the file index and the live ring -------------------------- */

/* One packet more in the index; with a capture filter, its record
 * number as well (4 bytes more a packet, only then).  False when out of
 * memory, or at the 32-bit numbers' end (*full). */
static bool ix_push(tui_t *t, uint64_t off, uint32_t iface, uint64_t recno, bool *full)
{
    *full = t->nix >= UINT32_MAX || recno > UINT32_MAX;
    if (*full)
        return false;
    if (t->nix == t->ixcap) {
        uint64_t n = t->ixcap ? t->ixcap * 2 : 65536;
        uint64_t *nb = realloc(t->ix, n * sizeof *nb);
        if (!nb)
            return false;
        t->ix = nb;
        if (t->bpf_text[0]) {
            uint32_t *nn = realloc(t->ixno, n * sizeof *nn);
            if (!nn)
                return false;
            t->ixno = nn;
        }
        t->ixcap = n;
    }
    uint64_t ifc = iface >= IX_IFACE_NONE ? IX_IFACE_NONE : iface;
    if (t->ixno)
        t->ixno[t->nix] = (uint32_t)recno;
    t->ix[t->nix++] = (off & ((1ULL << IX_OFF_BITS) - 1)) | ifc << IX_OFF_BITS;
    return true;
}

uint64_t tui_frame_no(const tui_t *t, uint64_t seq)
{
    if (!t->live && t->ixno && seq < t->nix)
        return t->ixno[seq];
    return seq + 1;
}

static bool shown_push(tui_t *t, uint64_t seq)
{
    if (t->nshown == t->shown_cap) {
        uint64_t n = t->shown_cap ? t->shown_cap * 2 : 4096;
        uint32_t *nb = realloc(t->shown, n * sizeof *nb);
        if (!nb)
            return false;
        t->shown = nb;
        t->shown_cap = n;
    }
    if (t->nshown == 0)
        t->shown_origin = t->live ? seq : 0;
    t->shown[t->nshown++] = (uint32_t)(seq - t->shown_origin);
    return true;
}

static const ring_slot_t *ring_find(const tui_t *t, uint64_t seq)
{
    if (!t->slot_n)
        return NULL;
    const ring_slot_t *first = &t->slots[t->slot_head];
    if (seq < first->seq || seq >= first->seq + t->slot_n)
        return NULL;
    return &t->slots[(t->slot_head + (seq - first->seq)) % t->nslots_cap];
}

/* The packet numbered seq (0-based): 1, or 0 when it is gone (the live
 * ring let it go) or cannot be read again. */
int tui_get_packet(tui_t *t, uint64_t seq, cap_packet_t *pkt)
{
    if (t->live) {
        const ring_slot_t *s = ring_find(t, seq);
        if (!s)
            return 0;
        pkt->data = t->bytes + s->at;
        pkt->caplen = s->caplen;
        pkt->len = s->len;
        pkt->linktype = s->linktype;
        pkt->ts_sec = s->ts_sec;
        pkt->ts_nsec = s->ts_nsec;
        pkt->index = seq + 1;
        return 1;
    }
    if (seq >= t->nix)
        return 0;
    uint64_t w = t->ix[seq];
    uint32_t ifc = (uint32_t)(w >> IX_OFF_BITS);
    char err[256];
    if (capture_read_at(t->src.cap, w & ((1ULL << IX_OFF_BITS) - 1),
                        ifc == IX_IFACE_NONE ? CAP_NO_IFACE : ifc, pkt, err, sizeof err) != CAP_PACKET) {
        tui_message(t, true, "packet %llu: %s", (unsigned long long)tui_frame_no(t, seq), err);
        return 0;
    }
    pkt->index = tui_frame_no(t, seq);
    return 1;
}

/* Read packet seq again and dissect it (no flow state: the flow table
 * has seen it once already). */
bool tui_dissect(tui_t *t, uint64_t seq, record_t *r)
{
    cap_packet_t pkt;
    if (!tui_get_packet(t, seq, &pkt))
        return false;
    r->lean = false;
    r->no_checksums = t->cfg->no_checksums;
    r->frame = tui_frame_no(t, seq);
    r->ts_sec = pkt.ts_sec;
    r->ts_nsec = pkt.ts_nsec;
    engine_dissect(r, pkt.data, pkt.caplen, pkt.len, pkt.linktype, &t->peek);
    return true;
}

uint64_t tui_nrows(const tui_t *t)
{
    if (t->dfilter)
        return t->nshown;
    return t->live ? t->seq_next : t->nix;
}

/* The first row still there (live: the oldest packet of the ring). */
uint64_t tui_first_row(const tui_t *t)
{
    if (!t->live)
        return 0;
    uint64_t base = t->slot_n ? t->slots[t->slot_head].seq : t->seq_next;
    if (!t->dfilter)
        return base;
    uint64_t lo = 0, hi = t->nshown;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (t->shown_origin + t->shown[mid] < base)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint64_t tui_seq_of(const tui_t *t, uint64_t row)
{
    return t->dfilter ? t->shown_origin + t->shown[row] : row;
}

/* Live with a display filter: drop the rows of packets that have left
 * the ring once they are many (or before the 32-bit offsets could run
 * out), the list's positions moving with them, and move the origin up
 * to the ring's oldest packet. */
static void shown_prune(tui_t *t)
{
    if (!t->live || !t->dfilter || !t->nshown)
        return;
    uint64_t k = tui_first_row(t);
    uint64_t base = t->slot_n ? t->slots[t->slot_head].seq : t->seq_next;
    bool far = t->seq_next - t->shown_origin > (1ULL << 31);
    if (!far && (k < 4096 || k < t->nshown / 2))
        return;
    uint32_t d = (uint32_t)(base - t->shown_origin);
    for (uint64_t i = k; i < t->nshown; i++)
        t->shown[i - k] = t->shown[i] - d;
    t->nshown -= k;
    t->shown_origin = base;
    t->top = t->top > k ? t->top - k : 0;
    t->cur = t->cur > k ? t->cur - k : 0;
}

static int64_t ts_ns_of(int64_t sec, uint32_t nsec)
{
    int64_t ns;
    if (__builtin_mul_overflow(sec, 1000000000LL, &ns) || __builtin_add_overflow(ns, (int64_t)nsec, &ns))
        ns = sec < 0 ? INT64_MIN : INT64_MAX;
    return ns;
}

/* Every packet passes here once, in order: the flow table, the display
 * filter (with the flow facts of that moment), the first timestamp. */
static void feed(tui_t *t, uint64_t seq, const cap_packet_t *pkt)
{
    record_t *r = t->rec_ix;
    r->lean = !tui_filter_needs_fields(t->dfilter);
    r->no_checksums = t->cfg->no_checksums;
    r->frame = t->live ? seq + 1 : pkt->index;
    r->ts_sec = pkt->ts_sec;
    r->ts_nsec = pkt->ts_nsec;
    if (!t->first_ts_known) {
        t->first_ts_known = true;
        t->first_sec = pkt->ts_sec;
        t->first_nsec = pkt->ts_nsec;
    }
    flow_tick(t->flows, ts_ns_of(pkt->ts_sec, pkt->ts_nsec));
    engine_dissect(r, pkt->data, pkt->caplen, pkt->len, pkt->linktype, &t->hooks);
    if (t->dfilter && t->fscan == seq) {
        if (tui_filter_match(t->dfilter, r, t->flows))
            shown_push(t, seq);
        t->fscan = seq + 1;
    }
    t->conns_stale = true;
}

/* One slice of indexing: until the file ends or TUI_STEP_MS pass. */
static void index_step(tui_t *t)
{
    int64_t deadline = now_ms() + TUI_STEP_MS;
    cap_packet_t pkt;
    char err[512];
    for (unsigned n = 0;; n++) {
        if ((n & 63) == 63 && now_ms() >= deadline)
            break;
        int r = capture_next(t->src.cap, &pkt, err, sizeof err);
        if (r == CAP_EOF) {
            t->eof = true;
            break;
        }
        if (r == CAP_ERROR) {
            tui_message(t, true, "%s: %s (the packets before it are shown)", t->src.name, err);
            snprintf(t->index_err, sizeof t->index_err, "%s", err);
            t->eof = true;
            break;
        }
        uint64_t seq = t->nix;
        bool full = false;
        if (!ix_push(t, pkt.offset, pkt.iface, pkt.index, &full)) {
            tui_message(t, true, "%s: indexing stopped at packet %llu",
                        full ? "more packets than 32-bit numbers hold" : "out of memory",
                        (unsigned long long)seq);
            t->eof = true;
            break;
        }
        t->ix_bytes = pkt.offset;
        feed(t, seq, &pkt);
    }
    if (t->eof)
        t->ix_bytes = (uint64_t)(t->size > 0 ? t->size : 0);
    t->dirty = true;
}

/* A filter set after packets were indexed: test them again, a slice at
 * a time, replayed through a flow table of their own (the main one has
 * moved on) so that flow facts are those of each packet's moment.  Once
 * the replay has caught up, the indexing pass tests new packets with the
 * main table. */
static void filter_step(tui_t *t)
{
    int64_t deadline = now_ms() + TUI_STEP_MS;
    uint64_t end = t->live ? t->seq_next : t->nix;
    uint64_t base = tui_first_row(t);
    if (t->live && !t->dfilter)
        return;
    if (t->live) {
        base = t->slot_n ? t->slots[t->slot_head].seq : t->seq_next;
        if (t->fscan < base)
            t->fscan = base;
    }
    for (unsigned n = 0; t->fscan < end; n++) {
        if ((n & 15) == 15 && now_ms() >= deadline)
            break;
        cap_packet_t pkt;
        if (tui_get_packet(t, t->fscan, &pkt)) {
            record_t *r = t->rec_tmp;
            r->lean = false;
            r->no_checksums = t->cfg->no_checksums;
            r->frame = tui_frame_no(t, t->fscan);
            r->ts_sec = pkt.ts_sec;
            r->ts_nsec = pkt.ts_nsec;
            if (t->fflows)
                flow_tick(t->fflows, ts_ns_of(pkt.ts_sec, pkt.ts_nsec));
            engine_dissect(r, pkt.data, pkt.caplen, pkt.len, pkt.linktype, t->fflows ? &t->fhooks : NULL);
            if (tui_filter_match(t->dfilter, r, t->fflows))
                shown_push(t, t->fscan);
        }
        t->fscan++;
    }
    if (t->fscan >= end) {
        flow_table_free(t->fflows);
        t->fflows = NULL;
    }
    t->dirty = true;
}

static bool filter_pending(const tui_t *t)
{
    return t->dfilter && t->fscan < (t->live ? t->seq_next : t->nix);
}

/* Set the display filter (empty: none); on a parse error the old one
 * stays and the message names the column. */
static void set_filter(tui_t *t, const char *expr)
{
    while (*expr == ' ')
        expr++;
    if (!*expr) {
        tui_filter_free(t->dfilter);
        t->dfilter = NULL;
        flow_table_free(t->fflows);
        t->fflows = NULL;
        t->filter_text[0] = '\0';
        t->nshown = 0;
        t->top = t->cur = tui_first_row(t);
        tui_message(t, false, "display filter cleared");
        return;
    }
    char err[256];
    int col = 0;
    void *f = tui_filter_compile(expr, err, sizeof err, &col);
    if (!f) {
        tui_message(t, true, "filter error at column %d: %s (filter unchanged)", col, err);
        return;
    }
    tui_filter_free(t->dfilter);
    t->dfilter = f;
    snprintf(t->filter_text, sizeof t->filter_text, "%s", expr);
    t->nshown = 0;
    t->fscan = t->live ? (t->slot_n ? t->slots[t->slot_head].seq : t->seq_next) : 0;
    flow_table_free(t->fflows);
    t->fflows = NULL;
    if (t->fscan < (t->live ? t->seq_next : t->nix)) {
        t->fflows = flow_table_new(t->cfg->max_flows ? t->cfg->max_flows : FLOW_DEFAULT_MAX, 0, err,
                                   sizeof err);
        t->fhooks.layer = flow_layer_hook;
        t->fhooks.ctx = t->fflows;
    }
    t->top = t->cur = 0;
    t->sel_seq = UINT64_MAX;
    tui_message(t, false, "display filter: %s", expr);
}

/* Set the capture filter (BPF, tcpdump syntax; empty: none).  A file is
 * opened again with it and indexed again from the start, a slice at a
 * time (the flow table, the selection and the display filter's matches
 * start over; the display filter stays); a live capture sets it on its
 * handle and keeps the packets already in the ring.  An expression
 * libpcap cannot compile leaves the old filter as it was. */
/* libpcap's reason, without capture.c's "invalid filter 'EXPR': " before
 * it (the expression is in the prompt, F shows it again). */
static const char *pcap_reason(const char *err)
{
    if (strncmp(err, "invalid filter '", 16) == 0) {
        const char *p = strstr(err + 16, "': ");
        if (p)
            return p + 3;
    }
    return err;
}

static void set_bpf(tui_t *t, const char *expr)
{
    while (*expr == ' ')
        expr++;
    char text[TUI_PROMPT];
    snprintf(text, sizeof text, "%s", expr);
    size_t len = strlen(text);
    while (len && text[len - 1] == ' ')
        text[--len] = '\0';
    char err[512];
    if (t->live) {
        /* "" compiles to accept-all: clearing it */
        if (capture_set_filter(t->src.cap, text, err, sizeof err) != 0) {
            tui_message(t, true, "capture filter: %s (unchanged)", pcap_reason(err));
            return;
        }
        snprintf(t->bpf_text, sizeof t->bpf_text, "%s", text);
        tui_message(t, false, text[0] ? "capture filter: %s (new packets)" : "capture filter cleared%s",
                    text);
        return;
    }
    capture_t *cap = capture_open_file(t->cfg->read_file, err, sizeof err);
    if (!cap) {
        tui_message(t, true, "%s: %s (capture filter unchanged)", t->src.name, err);
        return;
    }
    if (text[0] && capture_set_filter(cap, text, err, sizeof err) != 0) {
        capture_close(cap);
        tui_message(t, true, "capture filter: %s (unchanged)", pcap_reason(err));
        return;
    }
    flow_table_t *flows = flow_table_new(t->cfg->max_flows ? t->cfg->max_flows : FLOW_DEFAULT_MAX, 0, err,
                                         sizeof err);
    if (!flows) {
        capture_close(cap);
        tui_message(t, true, "%s (capture filter unchanged)", err);
        return;
    }
    capture_close(t->src.cap);
    t->src.cap = cap;
    flow_table_free(t->flows);
    t->flows = flows;
    t->hooks.ctx = t->peek.ctx = flows;
    snprintf(t->bpf_text, sizeof t->bpf_text, "%s", text);
    /* the index, from the start */
    free(t->ix);
    free(t->ixno);
    t->ix = NULL;
    t->ixno = NULL;
    t->nix = t->ixcap = 0;
    t->eof = false;
    t->ix_bytes = 0;
    t->index_err[0] = '\0';
    t->first_ts_known = false;
    t->nflows_done = 0;
    /* the display filter's matches, found again as the file is indexed */
    t->nshown = 0;
    t->fscan = 0;
    flow_table_free(t->fflows);
    t->fflows = NULL;
    /* the selection and what hangs on the flow table */
    t->top = t->cur = 0;
    t->sel_seq = UINT64_MAX;
    t->sel_ok = false;
    t->nconns = 0;
    t->conn_cur = t->conn_top = 0;
    t->conns_stale = true;
    t->stream_len = 0;
    t->follow = true;
    tui_message(t, false, text[0] ? "capture filter: %s (indexing again)" : "capture filter cleared%s", text);
}

/* ---- live -------------------------------------------------------------- */

static void ring_drop_oldest(tui_t *t)
{
    ring_slot_t *s = &t->slots[t->slot_head];
    t->bytes_used -= s->caplen;
    t->slot_head = (t->slot_head + 1) % t->nslots_cap;
    t->slot_n--;
    t->ring_dropped++;
    shown_prune(t);
}

/* A copy of the packet at the ring's head (the bytes wrap as a whole
 * packet: one that does not fit before the end starts at 0). */
static void ring_add(tui_t *t, uint64_t seq, const cap_packet_t *pkt)
{
    uint32_t n = pkt->caplen;
    if (n > t->bytes_cap)
        n = (uint32_t)t->bytes_cap;
    size_t at = t->bytes_head;
    if (at + n > t->bytes_cap)
        at = 0;
    /* make room: slots, and the bytes [at, at + n) */
    while (t->slot_n == t->nslots_cap)
        ring_drop_oldest(t);
    while (t->slot_n) {
        const ring_slot_t *o = &t->slots[t->slot_head];
        bool overlaps = o->at < at + n && at < o->at + o->caplen;
        if (!overlaps)
            break;
        ring_drop_oldest(t);
    }
    memcpy(t->bytes + at, pkt->data, n);
    t->bytes_head = at + n;
    t->bytes_used += n;
    ring_slot_t *s = &t->slots[(t->slot_head + t->slot_n) % t->nslots_cap];
    s->seq = seq;
    s->at = at;
    s->caplen = n;
    s->len = pkt->len;
    s->linktype = pkt->linktype;
    s->ts_sec = pkt->ts_sec;
    s->ts_nsec = pkt->ts_nsec;
    t->slot_n++;
}

static int live_packet(void *user, const cap_packet_t *pkt)
{
    tui_t *t = user;
    uint64_t seq = t->seq_next;
    ring_add(t, seq, pkt);
    t->seq_next++;
    feed(t, seq, pkt);
    return 0;
}

static void draw(tui_t *t);
static void handle_key(tui_t *t, int ch);

static int64_t last_draw;

static int live_batch(void *user)
{
    tui_t *t = user;
    if (tui_stop || t->quit)
        return 1;
    if (filter_pending(t))
        filter_step(t);
    int64_t now = now_ms();
    if (now - last_draw >= TUI_REDRAW_MS) {
        cap_stats_t st;
        char err[256];
        if (capture_stats(t->src.cap, &st, err, sizeof err) == 0)
            t->kernel_drop = st.drop + st.ifdrop;
        draw(t);
        last_draw = now;
    }
    return 0;
}

static int live_keys(void *user)
{
    tui_t *t = user;
    int ch;
    while ((ch = getch()) != ERR)
        handle_key(t, ch);
    if (t->quit || tui_stop)
        return 1;
    if (t->dirty) {
        draw(t);
        last_draw = now_ms();
    }
    return 0;
}

/* ---- prompts ----------------------------------------------------------- */

enum prompt_kind { PR_NONE, PR_FILTER, PR_BPF, PR_SEARCH };
static enum prompt_kind prompt_kind;
static char prompt_buf[TUI_PROMPT];
static size_t prompt_len;

static void prompt_start(tui_t *t, enum prompt_kind k, const char *init)
{
    prompt_kind = k;
    snprintf(prompt_buf, sizeof prompt_buf, "%s", init);
    prompt_len = strlen(prompt_buf);
    t->message[0] = '\0';
    t->dirty = true;
}

/* Search the info column for `s` from the row after the current one,
 * wrapping once. */
static void search_next(tui_t *t, bool from_next)
{
    if (!t->search[0])
        return;
    uint64_t n = tui_nrows(t), first = tui_first_row(t);
    if (n <= first)
        return;
    uint64_t total = n - first;
    uint64_t start = t->cur < first ? first : t->cur;
    for (uint64_t k = from_next ? 1 : 0; k <= total; k++) {
        uint64_t row = first + (start - first + k) % total;
        record_t *r = t->rec_tmp;
        if (!tui_dissect(t, tui_seq_of(t, row), r))
            continue;
        char src[64], dst[64], info[1024];
        const char *proto;
        row_columns(t, r, src, sizeof src, dst, sizeof dst, info, sizeof info, &proto);
        if (strcasestr(info, t->search)) {
            t->cur = row;
            t->follow = false;
            tui_message(t, false, "found \"%s\" in packet %llu", t->search,
                        (unsigned long long)tui_frame_no(t, tui_seq_of(t, row)));
            return;
        }
    }
    tui_message(t, true, "\"%s\" not found", t->search);
}

static void prompt_key(tui_t *t, int ch)
{
    t->dirty = true;
    if (ch == 27) {
        prompt_kind = PR_NONE;
        return;
    }
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
        enum prompt_kind k = prompt_kind;
        prompt_kind = PR_NONE;
        if (k == PR_FILTER) {
            set_filter(t, prompt_buf);
        } else if (k == PR_BPF) {
            set_bpf(t, prompt_buf);
        } else if (prompt_buf[0]) {
            snprintf(t->search, sizeof t->search, "%s", prompt_buf);
            search_next(t, true);
        }
        return;
    }
    if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        if (prompt_len)
            prompt_buf[--prompt_len] = '\0';
        return;
    }
    if (ch == 21) { /* Ctrl-U */
        prompt_len = 0;
        prompt_buf[0] = '\0';
        return;
    }
    if (ch >= 32 && ch < 127 && prompt_len + 1 < sizeof prompt_buf) {
        prompt_buf[prompt_len++] = (char)ch;
        prompt_buf[prompt_len] = '\0';
    }
}

/* ---- drawing ----------------------------------------------------------- */

static void status_draw(tui_t *t)
{
    int y = t->rows - 1;
    attr_t bar = tui_attr(t, C_BAR);
    attrset(bar);
    mvhline(y, 0, ' ', t->cols);
    char s[1536];
    if (prompt_kind != PR_NONE) {
        snprintf(s, sizeof s, "%s%s",
                 prompt_kind == PR_FILTER ? "display filter: "
                 : prompt_kind == PR_BPF  ? "capture filter (BPF): "
                                          : "search: ",
                 prompt_buf);
        put_clipped(y, 0, t->cols, s, bar);
        int x = (int)strlen(s);
        curs_set(1);
        move(y, x < t->cols ? x : t->cols - 1);
        attrset(A_NORMAL);
        return;
    }
    curs_set(0);
    char prog[64] = "";
    if (!t->live && !t->eof && t->size > 0)
        snprintf(prog, sizeof prog, " indexing %d%%", (int)(t->ix_bytes * 100 / (uint64_t)t->size));
    if (filter_pending(t))
        snprintf(prog + strlen(prog), sizeof prog - strlen(prog), " filtering %d%%",
                 (int)(t->fscan * 100 / ((t->live ? t->seq_next : t->nix) + 1)));
    uint64_t nread = t->live ? t->seq_next : t->nix;
    uint64_t nshown = t->dfilter ? t->nshown - tui_first_row(t) : nread - tui_first_row(t);
    int n = snprintf(s, sizeof s, " %s | read %llu | shown %llu", t->src.name,
                     (unsigned long long)nread, (unsigned long long)nshown);
    if (t->live)
        n += snprintf(s + n, sizeof s - (size_t)n, " | dropped %llu | left ring %llu",
                      (unsigned long long)t->kernel_drop, (unsigned long long)t->ring_dropped);
    if (t->bpf_text[0])
        n += snprintf(s + n, sizeof s - (size_t)n, " | capture: %s", t->bpf_text);
    if (t->dfilter)
        n += snprintf(s + n, sizeof s - (size_t)n, " | filter: %s", t->filter_text);
    n += snprintf(s + n, sizeof s - (size_t)n, "%s |", prog);
    if (t->index_err[0] && !t->message[0])
        n += snprintf(s + n, sizeof s - (size_t)n, " stopped: %s |", t->index_err);
    if (t->message[0])
        snprintf(s + n, sizeof s - (size_t)n, " %s", t->message);
    else
        snprintf(s + n, sizeof s - (size_t)n, " ?:help q:quit f:filter F:capture filter /:search c:conns Tab:pane");
    put_clipped(y, 0, t->cols, s, t->message[0] && t->message_err ? bar | A_BOLD : bar);
    attrset(A_NORMAL);
}

static void draw(tui_t *t)
{
    getmaxyx(stdscr, t->rows, t->cols);
    erase();
    if (t->rows < 6 || t->cols < 20) {
        mvaddstr(0, 0, "terminal too small");
    } else if (t->view == VIEW_MAIN) {
        panes_layout(t);
        panes_draw(t);
    } else {
        views_draw(t);
    }
    if (t->rows >= 2)
        status_draw(t);
    refresh();
    t->dirty = false;
}

/* ---- keys -------------------------------------------------------------- */

static void handle_key(tui_t *t, int ch)
{
    if (prompt_kind != PR_NONE) {
        prompt_key(t, ch);
        return;
    }
    t->dirty = true;
    if (ch == KEY_RESIZE) {
        return;
    }
    if (ch != KEY_MOUSE)
        t->message[0] = '\0';
    if (ch == KEY_MOUSE) {
        MEVENT ev;
        if (getmouse(&ev) == OK && (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED))) {
            if (t->view == VIEW_MAIN)
                panes_click(t, ev.y, ev.x);
            else
                views_click(t, ev.y, ev.x);
        }
        return;
    }
    if (t->view != VIEW_MAIN) {
        views_key(t, ch);
        return;
    }
    switch (ch) {
    case 'q':
    case 27:
        t->quit = true;
        return;
    case '?':
        t->view = VIEW_HELP;
        t->help_top = 0;
        return;
    case 'c':
        t->view = VIEW_CONNS;
        conns_refresh(t);
        return;
    case 'f':
        prompt_start(t, PR_FILTER, t->filter_text);
        return;
    case 'F':
        prompt_start(t, PR_BPF, t->bpf_text);
        return;
    case '/':
        prompt_start(t, PR_SEARCH, "");
        return;
    case 'n':
        search_next(t, true);
        return;
    case '\t':
        t->focus = (enum pane)((t->focus + 1) % PANE_COUNT);
        return;
    case KEY_BTAB:
        t->focus = (enum pane)((t->focus + PANE_COUNT - 1) % PANE_COUNT);
        return;
    default:
        panes_key(t, ch);
    }
}

/* ---- setup ------------------------------------------------------------- */

static int run_file(tui_t *t)
{
    int64_t last = 0;
    while (!t->quit && !tui_stop) {
        bool busy = !t->eof || filter_pending(t);
        if (!t->eof)
            index_step(t);
        if (filter_pending(t))
            filter_step(t);
        timeout(busy ? 0 : 250);
        int ch = getch();
        while (ch != ERR) {
            handle_key(t, ch);
            if (t->quit)
                break;
            timeout(0);
            ch = getch();
        }
        int64_t now = now_ms();
        if (t->dirty && (!busy || now - last >= 100 || prompt_kind != PR_NONE)) {
            draw(t);
            last = now;
        }
    }
    return 0;
}

static int run_live(tui_t *t)
{
    live_hooks_t h = {
        .packet = live_packet,
        .batch = live_batch,
        .report = NULL,
        .user = t,
        .extra_fd = STDIN_FILENO,
        .extra = live_keys,
        .max_wait_ms = TUI_REDRAW_MS,
    };
    timeout(0);
    draw(t);
    if (live_run(t->src.cap, &h, t->err, sizeof t->err) < 0)
        return -1;
    return 0;
}

int tui_main(const tui_config_t *cfg)
{
    static tui_t app;
    static record_t rec_ix, rec_sel, rec_tmp;
    tui_t *t = &app;
    t->cfg = cfg;
    t->rec_ix = &rec_ix;
    t->rec_sel = &rec_sel;
    t->rec_tmp = &rec_tmp;
    t->sel_seq = UINT64_MAX;
    t->follow = true;
    t->conn_sort = 1;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fputs("strata: --tui needs a terminal\n", stderr);
        return 2;
    }
    char err[768];
    if (source_open(&t->src, cfg->live, cfg->read_file, cfg->bpf, err, sizeof err) != 0) {
        fprintf(stderr, "strata: %s\n", err);
        return 1;
    }
    t->live = capture_is_live(t->src.cap);
    if (cfg->bpf && *cfg->bpf)
        snprintf(t->bpf_text, sizeof t->bpf_text, "%s", cfg->bpf);
    if (!t->live && !capture_seekable(t->src.cap)) {
        fprintf(stderr, "strata: %s: --tui reads a file's packets again when it shows them: "
                        "give it a regular file, not a pipe\n", t->src.name);
        source_close(&t->src, err, sizeof err);
        return 1;
    }
    if (!t->live && cfg->read_file) {
        struct stat st;
        if (stat(cfg->read_file, &st) == 0)
            t->size = st.st_size;
    }
    t->flows = flow_table_new(cfg->max_flows ? cfg->max_flows : FLOW_DEFAULT_MAX, 0, err, sizeof err);
    if (!t->flows) {
        fprintf(stderr, "strata: %s\n", err);
        source_close(&t->src, err, sizeof err);
        return 1;
    }
    t->hooks.layer = flow_layer_hook;
    t->hooks.ctx = t->flows;
    t->peek.layer = flow_peek_hook;
    t->peek.ctx = t->flows;
    if (t->live) {
        t->nslots_cap = cfg->ring ? cfg->ring : TUI_LIVE_RING;
        t->slots = calloc(t->nslots_cap, sizeof *t->slots);
        t->bytes_cap = TUI_LIVE_BYTES;
        t->bytes = malloc(t->bytes_cap);
        if (!t->slots || !t->bytes) {
            fputs("strata: out of memory\n", stderr);
            return 1;
        }
    }
    render_ctx_init(&t->rctx);
    t->rctx.ts_style = TS_NONE;
    t->rctx.innermost = true; /* the info column: a tunnelled packet's own */
    if (cfg->display_filter && *cfg->display_filter) {
        int col = 0;
        void *f = tui_filter_compile(cfg->display_filter, err, sizeof err, &col);
        if (!f) {
            fprintf(stderr, "strata: -Y: column %d: %s\n", col, err);
            return 2;
        }
        t->dfilter = f;
        snprintf(t->filter_text, sizeof t->filter_text, "%s", cfg->display_filter);
    }

    install_crash_handlers();
    if (!t->live)
        install_stop_handlers(); /* live.c has its own, which end its loop */
    if (!initscr()) {
        fputs("strata: cannot initialise the terminal\n", stderr);
        return 1;
    }
    curses_on = 1;
    cbreak(); /* Ctrl-C stays a signal */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED, NULL);
    mouseinterval(0);
    colors_init(t);
    getmaxyx(stdscr, t->rows, t->cols);
    draw(t);

    int rc = t->live ? run_live(t) : run_file(t);

    curses_on = 0;
    endwin();
    if (rc < 0)
        fprintf(stderr, "strata: %s\n", t->err);
    if (t->live) {
        fprintf(stderr, "%llu packets captured, %llu left the TUI's ring\n",
                (unsigned long long)t->seq_next, (unsigned long long)t->ring_dropped);
    }
    tui_filter_free(t->dfilter);
    flow_table_free(t->fflows);
    source_close(&t->src, err, sizeof err);
    flow_table_free(t->flows);
    free(t->ix);
    free(t->ixno);
    free(t->shown);
    free(t->slots);
    free(t->bytes);
    free(t->conns);
    free(t->stream);
    free(t->stream_dir);
    return rc < 0 ? 1 : 0;
}
