/* tui_int.h - what the TUI's files share: the application state. */
#ifndef STRATA_TUI_INT_H
#define STRATA_TUI_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "engine.h"
#include "flow.h"
#include "live.h"
#include "render.h"
#include "tui.h"

/* after record.h: its ERR() X-macro is undefined there, ncurses' ERR is -1 */
#include <ncurses.h>

/* A file's index: one 64-bit word a packet, the record's offset in the
 * low 48 bits (256 TiB) and its pcapng interface in the high 16; with a
 * display filter, the numbers of the packets shown (8 bytes more). */
#define IX_OFF_BITS 48
#define IX_IFACE_NONE 0xffffu
#define TUI_LIVE_RING 20000         /* live: packets kept for the list */
#define TUI_LIVE_BYTES (64u << 20)  /* ... and their bytes at most */
#define TUI_STEP_MS 30              /* indexing work between two looks at the keys */
#define TUI_REDRAW_MS 200           /* live: the steady redraw period */
#define TUI_STREAM_CAP (1u << 20)   /* bytes of a stream view, both sides */
#define TUI_MAX_CONNS 200000        /* rows of the connections view */
#define TUI_PROMPT 256

enum pane { PANE_LIST, PANE_STACK, PANE_FIELDS, PANE_BYTES, PANE_COUNT };
enum view { VIEW_MAIN, VIEW_CONNS, VIEW_LADDER, VIEW_STREAM, VIEW_HELP };

/* Colour pairs (attributes only on a monochrome terminal). */
enum tui_color {
    C_NONE = 0,
    C_LINK,   /* L2 */
    C_NET,    /* L3 */
    C_TRANS,  /* L4 */
    C_APP,    /* L5-7 */
    C_DATA,   /* undissected bytes */
    C_QUOTE,  /* quoted / tunnelled depth */
    C_ERR,    /* truncated, error */
    C_BAR,    /* status bar */
    C_TITLE,  /* pane titles */
    C_CLIENT, /* stream: client bytes */
    C_SERVER, /* stream: server bytes */
    C_DNS,
    C_ICMP,
    C_ARP,
    C_COUNT
};

/* A live capture's ring of packet copies. */
typedef struct ring_slot {
    uint64_t seq;   /* 0-based packet number */
    size_t at;      /* offset in the byte ring */
    uint32_t caplen, len, linktype;
    int64_t ts_sec;
    uint32_t ts_nsec;
} ring_slot_t;

typedef struct conn_row {
    flow_rec_t r;
} conn_row_t;

/* One row of the OSI stack pane. */
typedef struct stack_row {
    int layer;        /* index in the record, or -1 for an absent layer */
    uint8_t osi;
    uint8_t indent;   /* nesting: tunnels, an ICMP quote */
} stack_row_t;

#define TUI_MAX_STACK_ROWS (REC_MAX_LAYERS + 8)

typedef struct tui {
    const tui_config_t *cfg;
    source_t src;
    bool live;
    bool seekable;
    flow_table_t *flows;
    engine_hooks_t hooks;
    engine_hooks_t peek;  /* packets shown: flow_peek_hook (relative numbers) */
    record_t *rec_ix;    /* the indexing pass */
    record_t *rec_sel;   /* the selected packet */
    record_t *rec_tmp;   /* rows, searches, streams */
    render_ctx_t rctx;

    /* file index */
    uint64_t *ix;
    uint64_t nix, ixcap;
    uint32_t *ixno;      /* with a capture filter: each packet's record number in the file */
    bool eof;            /* the file is indexed whole */
    int64_t size;        /* bytes in the file, for the progress */
    uint64_t ix_bytes;   /* offset reached */
    bool first_ts_known;
    int64_t first_sec;
    uint32_t first_nsec;
    uint64_t nflows_done;

    /* live ring */
    ring_slot_t *slots;
    uint32_t nslots_cap, slot_head, slot_n;
    uint8_t *bytes;
    size_t bytes_cap, bytes_head, bytes_used;
    uint64_t seq_next;    /* packets captured */
    uint64_t ring_dropped;/* left the ring */
    uint64_t kernel_drop;

    /* capture filter (BPF, tcpdump syntax): "" for none */
    char bpf_text[TUI_PROMPT];

    /* display filter: shown packets (NULL: all) */
    void *dfilter;        /* dfilter_t */
    char filter_text[TUI_PROMPT];
    /* the shown packets' numbers (seq), less shown_origin: 32 bits each, so
     * that a file costs at most 16 bytes a packet (8 in the index, 4 here,
     * 4 for a capture filter's record numbers); live, the rows of packets
     * that left the ring are dropped now and then (shown_prune) and the
     * origin moves up, so the list stays as bounded as the ring */
    uint32_t *shown;
    uint64_t nshown, shown_cap, shown_origin;
    uint64_t fscan;       /* packets tested so far */
    /* a filter set after packets were indexed: they are replayed through
     * a table of their own, so that flow facts are those of each packet's
     * moment (freed when the replay catches up) */
    flow_table_t *fflows;
    engine_hooks_t fhooks;

    /* the main screen */
    enum view view;
    enum pane focus;
    int rows, cols;
    uint64_t top, cur;    /* in the shown list */
    bool follow;          /* live: the list follows new packets */
    uint64_t sel_seq;     /* the packet in rec_sel, or UINT64_MAX */
    uint8_t *sel_buf;     /* its bytes (rec_sel reads them while shown) */
    size_t sel_cap;
    uint8_t *bytemap;     /* the colour of each of the shown source's bytes */
    size_t bytemap_cap;
    bool sel_ok;
    stack_row_t stack[TUI_MAX_STACK_ROWS];
    int nstack, stack_cur, stack_top;
    int field_cur, field_top;
    uint8_t collapsed[REC_MAX_FIELDS / 8];
    int bytes_top;
    /* pane geometry (rows): list, middle, bytes */
    int list_y, list_h, mid_y, mid_h, bytes_y, bytes_h, stack_w;

    /* sub-views */
    conn_row_t *conns;
    uint32_t nconns, conns_cap;
    int conn_cur, conn_top, conn_sort; /* column; negative: descending */
    bool conns_stale;
    uint32_t ladder_id;
    int ladder_top, ladder_left;
    bool stream_hex;
    uint8_t *stream;      /* the stream's bytes, in order of arrival */
    uint8_t *stream_dir;  /* 0 client, 1 server, a byte each */
    uint32_t stream_len;
    int stream_top;
    int help_top;

    /* prompts and messages */
    char message[512];
    bool message_err;
    char search[TUI_PROMPT];
    char index_err[512];  /* why indexing stopped early (kept in the status bar) */

    bool color;           /* colours in use */
    int ncolors;
    bool quit;
    bool dirty;
    char err[768];
} tui_t;

/* tui_app.c */
int tui_get_packet(tui_t *t, uint64_t seq, cap_packet_t *pkt);
uint64_t tui_seq_of(const tui_t *t, uint64_t row);
/* The number a packet is shown with: its record's place in the file
 * (with a capture filter too, as -r FILE FILTER numbers it), or live the
 * packets captured before it plus one. */
uint64_t tui_frame_no(const tui_t *t, uint64_t seq);
uint64_t tui_nrows(const tui_t *t);
uint64_t tui_first_row(const tui_t *t);
bool tui_dissect(tui_t *t, uint64_t seq, record_t *r);
void tui_message(tui_t *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
attr_t tui_attr(const tui_t *t, enum tui_color c);

/* tui_panes.c */
void panes_layout(tui_t *t);
void panes_draw(tui_t *t);
void panes_select(tui_t *t);
bool panes_key(tui_t *t, int ch);
bool panes_click(tui_t *t, int y, int x);
enum tui_color layer_tui_color(const layer_t *l);
enum tui_color proto_tui_color(const record_t *r);
/* The one-line columns of a packet. */
void row_columns(tui_t *t, const record_t *r, char *src, size_t srclen, char *dst, size_t dstlen,
                 char *info, size_t infolen, const char **proto);
void put_clipped(int y, int x, int w, const char *s, attr_t a);
void tui_fill_row(int y, int x, int w, attr_t a);
void fill_row_title(tui_t *t, int y, const char *s);

/* tui_views.c */
void views_draw(tui_t *t);
bool views_key(tui_t *t, int ch);
bool views_click(tui_t *t, int y, int x);
void conns_refresh(tui_t *t);
void conns_open_selected(tui_t *t, enum view v);
const char *port_class(uint16_t port);

#endif
