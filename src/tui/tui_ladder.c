/* tui_ladder.c - a connection's ladder in the TUI.
 *
 * The flow table keeps the segments of one flow only (the one named when
 * the table is made, as --flow ID does), so the ladder of the connection
 * picked is worked out by replaying the packets through a second table
 * made for it, then drawn by render_flow_ladder: the same ladder as
 * `strata --flow ID`, one renderer for both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render_flows.h"
#include "tui_ladder.h"

#define LADDER_TEXT_CAP (1u << 20)
#define LADDER_MAX_LINES 65536
#define LADDER_REPLAY_SECS 5

static char *text;
static uint32_t text_len;
static uint32_t *line_at;
static int nlines;

struct find {
    uint32_t id;
    flow_rec_t rec;
    bool found;
};

static void on_rec(void *arg, const flow_rec_t *r)
{
    struct find *f = arg;
    if (r->id == f->id) {
        f->rec = *r;
        f->found = true;
    }
}

static void set_text(const char *s, uint32_t n)
{
    text_len = n < LADDER_TEXT_CAP ? n : LADDER_TEXT_CAP - 1;
    memcpy(text, s, text_len);
    text[text_len] = '\0';
    nlines = 0;
    uint32_t start = 0;
    for (uint32_t i = 0; i <= text_len && nlines < LADDER_MAX_LINES; i++) {
        if (i == text_len || text[i] == '\n') {
            if (i > start || i < text_len)
                line_at[nlines++] = start;
            if (i < text_len)
                text[i] = '\0';
            start = i + 1;
        }
    }
}

void ladder_build(tui_t *t, const flow_rec_t *r)
{
    if (!text) {
        text = malloc(LADDER_TEXT_CAP);
        line_at = malloc(LADDER_MAX_LINES * sizeof *line_at);
        if (!text || !line_at) {
            tui_message(t, true, "out of memory");
            return;
        }
    }
    nlines = 0;
    char err[256];
    /* ids are handed out in order of first packet: replaying the same
     * packets into a table of the same size gives the flow its id again
     * (live: only the packets still in the ring, so it is found by its
     * five-tuple instead) */
    flow_table_t *ft = flow_table_new(t->cfg->max_flows ? t->cfg->max_flows : FLOW_DEFAULT_MAX,
                                      t->live ? 0 : r->id, err, sizeof err);
    if (!ft) {
        tui_message(t, true, "ladder: %s", err);
        return;
    }
    engine_hooks_t hooks = {.layer = flow_layer_hook, .ctx = ft};
    uint64_t n = t->live ? t->seq_next : t->nix;
    uint64_t first = t->live ? (t->slot_n ? t->slots[t->slot_head].seq : n) : 0;
    time_t t0 = time(NULL);
    record_t *rec = t->rec_tmp;
    bool cut = false;
    for (uint64_t seq = first; seq < n; seq++) {
        if ((seq & 1023) == 1023 && time(NULL) - t0 >= LADDER_REPLAY_SECS) {
            cut = true;
            break;
        }
        cap_packet_t pkt;
        if (!tui_get_packet(t, seq, &pkt))
            continue;
        rec->lean = true;
        rec->no_checksums = t->cfg->no_checksums;
        rec->frame = tui_frame_no(t, seq);
        rec->ts_sec = pkt.ts_sec;
        rec->ts_nsec = pkt.ts_nsec;
        int64_t ns;
        if (__builtin_mul_overflow(pkt.ts_sec, 1000000000LL, &ns) ||
            __builtin_add_overflow(ns, (int64_t)pkt.ts_nsec, &ns))
            ns = INT64_MAX;
        flow_tick(ft, ns);
        engine_dissect(rec, pkt.data, pkt.caplen, pkt.len, pkt.linktype, &hooks);
    }
    flow_finish(ft);
    struct find f = {.id = r->id};
    flow_foreach(ft, on_rec, &f);
    const flow_ladder_t *L = flow_ladder(ft, r->id);
    static char buf[LADDER_TEXT_CAP];
    outbuf_t ob;
    ob_init(&ob, buf, sizeof buf - 256, -1);
    if (f.found && (L || r->proto != 6) && !t->live) {
        render_flow_ladder(&ob, &f.rec, L);
    } else {
        ob_puts(&ob, t->live ? "the ladder of a live connection is not drawn yet (the ring may have let its "
                               "first packets go)\n"
                             : "the connection was not found again\n");
    }
    if (cut)
        ob_puts(&ob, "(stopped reading after 5 s: the ladder is of the packets read so far)\n");
    set_text(buf, (uint32_t)ob.len);
    flow_table_free(ft);
    t->ladder_top = 0;
    t->ladder_left = 0;
}

void ladder_draw(tui_t *t)
{
    char title[128];
    snprintf(title, sizeof title, " Ladder of connection %u  (q: back, arrows: scroll)", t->ladder_id);
    fill_row_title(t, 0, title);
    int h = t->rows - 2;
    if (t->ladder_top > nlines - h)
        t->ladder_top = nlines - h;
    if (t->ladder_top < 0)
        t->ladder_top = 0;
    for (int k = 0; k < h && t->ladder_top + k < nlines; k++) {
        const char *s = text + line_at[t->ladder_top + k];
        attr_t a = A_NORMAL;
        if (strstr(s, "retransmission") || strstr(s, "reset") || strstr(s, "zero_window") ||
            strstr(s, "lost_segment") || strstr(s, " R"))
            a = tui_attr(t, C_ERR);
        else if (strstr(s, "-->") || strstr(s, "->  "))
            a = tui_attr(t, C_CLIENT);
        else if (strstr(s, "<--"))
            a = tui_attr(t, C_SERVER);
        else if (k + t->ladder_top < 3)
            a = A_BOLD;
        size_t len = strlen(s);
        put_clipped(1 + k, 0, t->cols, (size_t)t->ladder_left < len ? s + t->ladder_left : "", a);
    }
}
