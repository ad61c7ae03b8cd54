/* ladder.h - the rows of a connection's ladder diagram, for the text
 * renderer (--flow ID) and the TUI alike: client on the left, server on
 * the right, one row per segment (UDP: per datagram) with its flags,
 * sequence numbers relative to each side's first, its length, both
 * endpoints' states as a textbook draws them (tcp_state.h tcp_tb_*), the
 * socket calls the segment implies, and the marks that should stand out.
 * Rows are computed from the flow's ladder store (flow.h flow_ladder_t);
 * nothing here prints. */
#ifndef STRATA_LADDER_H
#define STRATA_LADDER_H

#include <stddef.h>

#include "flow.h"

enum ladder_kind {
    LR_START,    /* before the first segment: the starting states */
    LR_SEGMENT,  /* a TCP segment */
    LR_DATAGRAM, /* a UDP datagram */
    LR_SKIPPED,  /* segments seen but not kept (between head and tail) */
};

/* What should stand out on a row. */
enum ladder_mark {
    LM_RETRANSMISSION = 1,
    LM_RESET = 2,
    LM_ZERO_WINDOW = 4,
    LM_GAP = 8, /* a segment before this one was not captured */
};

typedef struct ladder_row {
    uint8_t kind;        /* enum ladder_kind */
    uint8_t dir;         /* 0 client -> server, 1 server -> client */
    uint8_t marks;       /* enum ladder_mark bits */
    bool has_ack;        /* the ACK flag is set: ack is meaningful */
    char flags[9];       /* tcpdump's letters ("S", "S.", "F.", "none") */
    uint64_t frame;
    int64_t ts_ns;
    uint32_t seq, ack, len; /* relative to each side's first sequence number */
    uint8_t state[2];    /* client, server after the row (TCPS_*, TCPS_UNKNOWN) */
    bool moved[2];       /* the state changed on this row */
    uint8_t via[2];      /* a state passed on the way, TCPS_NONE if none */
    const char *call[2]; /* socket call on the client's, the server's side */
    const char *event;   /* "handshake 1/3", "teardown 2/4", "reset", ... */
    const char *note;    /* LR_START: what the start shows */
    uint16_t analysis;   /* tcp_state.h TA_* bits */
    uint32_t skipped;    /* LR_SKIPPED: how many */
} ladder_row_t;

#define LADDER_MAX_ROWS (2 + FLOW_LADDER_HEAD + FLOW_LADDER_TAIL)

/* What the whole kept connection tells that a single pass cannot know
 * (tcp_state.h TB_*): the server refused the SYN, or never answered. */
unsigned ladder_hints(const flow_ladder_t *L);
/* The rows of L into rows[cap] (LADDER_MAX_ROWS is always enough);
 * returns how many. */
size_t ladder_rows(const flow_ladder_t *L, ladder_row_t *rows, size_t cap);

#endif
