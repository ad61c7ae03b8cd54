/* tcp_state.h - TCP connection tracking as small pure functions.
 *
 * Three things, each table-testable without a capture:
 *   1. each endpoint's RFC 793 (RFC 9293 section 3.3.2) state, advanced by
 *      the segments it sends and receives as seen from the wire;
 *   2. Zeek's history letters (Zeek TCPSessionAdapter update_history and
 *      Session::CheckHistory) and Zeek's endpoint states, from which
 *   3. conn_state is a pure function (Zeek base/protocols/conn/main.zeek);
 * plus the Wireshark-style analysis of each segment (retransmission,
 * out-of-order, duplicate ACK, zero window, keep-alive) and the handshake
 * round-trip time.
 *
 * The flow table decides once which side is the originator and hands
 * every segment here with its direction; nothing here rewrites roles.
 * Everything is fixed-size: no allocation.
 */
#ifndef STRATA_TCP_STATE_H
#define STRATA_TCP_STATE_H

#include <stdbool.h>
#include <stdint.h>

/* RFC 793 states, in this order (render_json.c names them by index). */
enum tcp_state {
    TCPS_CLOSED = 0,
    TCPS_LISTEN,
    TCPS_SYN_SENT,
    TCPS_SYN_RECEIVED,
    TCPS_ESTABLISHED,
    TCPS_FIN_WAIT_1,
    TCPS_FIN_WAIT_2,
    TCPS_CLOSE_WAIT,
    TCPS_CLOSING,
    TCPS_LAST_ACK,
    TCPS_TIME_WAIT,
    TCPS_COUNT
};

/* Zeek's endpoint states (TCP_Endpoint.h), which conn_state is made of. */
enum zeek_ep_state {
    ZEP_INACTIVE = 0, /* nothing seen */
    ZEP_SYN_SENT,
    ZEP_SYN_ACK_SENT,
    ZEP_PARTIAL,      /* data seen without the start of the connection */
    ZEP_ESTABLISHED,
    ZEP_CLOSED,       /* FIN sent */
    ZEP_RESET,
};

/* TCP flag bits as in the header (tcp "flags" field). */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10
#define TCPF_URG 0x20
#define TCPF_ECE 0x40
#define TCPF_CWR 0x80

/* Analysis marks for one segment (bit set), Wireshark's definitions
 * (epan/dissectors/packet-tcp.c tcp_analyze_sequence_number). */
enum tcp_analysis {
    TA_RETRANSMISSION = 1 << 0,
    TA_OUT_OF_ORDER = 1 << 1,
    TA_DUP_ACK = 1 << 2,
    TA_ZERO_WINDOW = 1 << 3,
    TA_KEEP_ALIVE = 1 << 4,
    TA_KEEP_ALIVE_ACK = 1 << 5,
    TA_WINDOW_UPDATE = 1 << 6,
    TA_LOST_SEGMENT = 1 << 7,  /* "previous segment not captured" */
    TA_ZERO_WINDOW_PROBE = 1 << 8,
};
#define TA_COUNT 9
/* "retransmission", "out_of_order", ... (index = bit number) */
const char *tcp_analysis_name(unsigned bit);

/* The event of a segment that is a retransmission and nothing else:
 * compare the pointer (renderers show the mark instead of the event). */
extern const char tcp_ev_retransmission[];

/* The facts of one segment the tracker needs, from the tcp layer. */
typedef struct tcp_seg {
    uint8_t dir;        /* 0: sent by the originator, 1: by the responder */
    uint16_t flags;     /* TCPF_* */
    uint32_t seq, ack;  /* raw */
    uint32_t win;       /* raw window field (unscaled) */
    uint32_t len;       /* payload bytes */
    int64_t ts_ns;      /* capture time, nanoseconds since the epoch */
    bool has_wscale;    /* window scale option present (SYN only) */
    uint8_t wscale;
    bool bad_checksum;  /* the checksum was verified and is wrong */
    bool truncated;     /* the payload was not captured whole (snaplen):
                           Zeek cannot deliver it, and reports a content
                           gap ('g') when it is acknowledged */
} tcp_seg_t;

typedef struct tcp_endpoint {
    /* (ordered by size: one of these per direction of every TCP flow) */
    uint8_t state;      /* enum tcp_state */
    uint8_t zstate;     /* enum zeek_ep_state */
    uint8_t zprev;      /* Zeek's prev_state */
    bool seen;          /* a segment of this side was seen */
    bool fin_sent;
    bool rst_sent;
    bool did_close;     /* Zeek's did_close */
    /* RFC 793 facts as seen on the wire: */
    bool syn_sent;      /* this side's SYN seen (syn_seq valid) */
    bool syn_acked;     /* the peer acknowledged this side's SYN */
    bool acked_syn;     /* this side acknowledged the peer's SYN */
    bool blk;           /* blk_lo/blk_hi hold a block above a hole */
    bool ws_next_known;
    uint16_t ws_flags;  /* TA_* bits of this side's last segment */
    uint32_t syn_seq;
    uint32_t fin_seq;   /* sequence number of the FIN */
    uint32_t last_ack;  /* last ACK number this endpoint sent */
    uint32_t last_win;  /* last window this endpoint advertised */
    uint32_t dup_acks;  /* consecutive duplicate ACKs */
    /* counts for the repeating history letters (t w g), per Zeek */
    uint32_t n_retrans, n_zero_win, n_gap, n_bad_csum;
    /* Zeek's TCP_Endpoint: start/last/ack sequence numbers (the offsets
     * below are from zstart, unwrapped), FIN offset, the offsets of the
     * last SYN/FIN/RST (history repeats) */
    uint32_t zstart, zlast, zack;
    /* Wireshark's per-direction analysis state (nextseq and friends) */
    uint32_t ws_next;
    int64_t ws_next_ts;
    int64_t last_ts;    /* time of this side's last segment */
    int64_t zlast_off, zack_off, zfin_off;
    int64_t hist_syn, hist_fin, hist_rst;
    /* Zeek's reassembler, reduced to what content gaps need: the next
     * offset to deliver, the trim point, one block above a hole */
    int64_t reasm, trim, blk_lo, blk_hi;
} tcp_endpoint_t;

/* ---- the textbook view ------------------------------------------------
 * Both endpoints' RFC 793 states as a textbook draws them (RFC 793
 * figure 6, RFC 9293 3.3.2): a state changes on receipt as well as on
 * sending, and a segment is taken to arrive when it is captured.  The
 * server is in LISTEN before the first SYN and in SYN_RECEIVED once it
 * arrives; the client is ESTABLISHED once the SYN-ACK arrives, the server
 * once the final ACK does; a FIN's receiver is in CLOSE_WAIT once it
 * arrives, the active closer in FIN_WAIT_2 once its FIN is acknowledged.
 * This is what JSON's peer_state, the one-line view's note and the
 * --flow ladder show; the sender's `state` (tcp_conn_t above) keeps its
 * own, wire-side rules.  Side 0 is the client (originator), 1 the server. */

/* A state not known: the flow was first seen mid-stream (no SYN), or the
 * ladder knows that the server never answered. */
#define TCPS_UNKNOWN 0xfe

/* What the ladder knows from the whole connection (look-ahead): a
 * single-pass view (JSON, the one-line view) cannot know these. */
enum tcp_tb_hint {
    TB_NO_LISTENER = 1,   /* the server answered the SYN with a RST: nothing
                             listened, so it stays CLOSED */
    TB_SILENT_SERVER = 2, /* the server never sent a segment: its state is
                             not known */
};

/* Four bytes: one of these is kept in every TCP flow. */
typedef struct tcp_tb {
    uint8_t st[2];           /* 0 client, 1 server: TCPS_* or TCPS_UNKNOWN */
    uint8_t hints;           /* TB_* */
    bool started;
} tcp_tb_t;

/* The SYN and FIN each side sent so far, this segment's included: what
 * an ACK is compared with.  The flow tracker has them in its endpoints
 * (tcp_endpoint_t syn_seq, fin_seq), so a flow pays nothing more for
 * them; elsewhere tcp_tb_seq_note keeps them. */
typedef struct tcp_tb_seq {
    bool syn[2], fin[2];
    uint32_t syn_seq[2];     /* the SYN's sequence number */
    uint32_t fin_seq[2];     /* the FIN's sequence number */
} tcp_tb_seq_t;

/* What one segment did in the textbook view, per side (0 client, 1
 * server): the states before and after, and the socket call the segment
 * implies there ("connect()", "accept() returns", "close()", "read()
 * returns 0", ...; static strings, NULL for none). */
typedef struct tcp_tb_step {
    uint8_t before[2], after[2];
    uint8_t via[2];        /* a state passed on the way (an ACK and a FIN in
                              one segment: FIN_WAIT_1 -> FIN_WAIT_2 ->
                              TIME_WAIT), TCPS_NONE if none */
    const char *call[2];
} tcp_tb_step_t;
#define TCPS_NONE 0xff

/* Before the first segment: client CLOSED; server LISTEN (CLOSED with
 * TB_NO_LISTENER, unknown with TB_SILENT_SERVER). */
void tcp_tb_init(tcp_tb_t *t, unsigned hints);
/* Record a segment's SYN and FIN in q (before tcp_tb_update). */
void tcp_tb_seq_note(tcp_tb_seq_t *q, unsigned dir, uint16_t flags, uint32_t seq, uint32_t len);
/* The segment (flags TCPF_*, raw ack) sent by side dir has been sent and
 * has arrived; q holds the SYNs and FINs so far,
 * this segment's included. */
void tcp_tb_update(tcp_tb_t *t, const tcp_tb_seq_t *q, unsigned dir, uint16_t flags,
                   uint32_t ack, tcp_tb_step_t *out);
/* tcp_state_name, and "UNKNOWN" for TCPS_UNKNOWN. */
const char *tcp_tb_state_name(unsigned state);
/* The socket call of the start, before any segment: the server's
 * "listen()" (or why there is none) for side 1, NULL for side 0. */
const char *tcp_tb_start_call(const tcp_tb_t *t, unsigned side);

#define TCP_HISTORY_MAX 40

typedef struct tcp_conn {
    tcp_endpoint_t ep[2];    /* 0 originator, 1 responder */
    int64_t syn_ts;          /* time of the SYN (handshake 1/3), or -1 */
    int64_t rtt_ns;          /* SYN to the ACK completing the handshake, or -1 */
    uint32_t hist_seen;      /* bit per (letter, direction) already recorded
                                (Zeek's packet classes: S and H share one) */
    bool flipped;            /* the originator is not the first sender (^) */
    bool opened;             /* a side has left CLOSED: no mid-stream start */
    bool is_partial;         /* Zeek's TCPSessionAdapter::is_partial */
    uint8_t handshake_step;  /* 0..3 */
    uint8_t first_fin;       /* 1 + direction of the first FIN, 0 none yet */
    uint8_t teardown_done;   /* bit n: teardown step n reported */
    uint8_t hlen;
    char history[TCP_HISTORY_MAX + 1];
    tcp_tb_t tb;             /* the textbook view of both sides */
} tcp_conn_t;

typedef struct tcp_result {
    uint8_t state_before;  /* the sender's RFC 793 state before this segment */
    uint8_t state_after;   /* ... and after it (the packet's flow.state) */
    const char *event;     /* "handshake 1/3" .. "teardown 4/4", "reset",
                              tcp_ev_retransmission, or NULL (static) */
    uint16_t analysis;     /* TA_* bits */
    int64_t rtt_ns;        /* the handshake RTT when this segment completed
                              the handshake, else -1 */
    tcp_tb_step_t tb;      /* the textbook view: both sides' states */
} tcp_result_t;

/* Start a connection.  `flipped` says the first segment seen was sent by
 * the responder (a SYN-ACK seen first); history then begins with '^'. */
void tcp_conn_init(tcp_conn_t *c, bool flipped);
/* Advance the connection by one segment and describe it. */
void tcp_conn_update(tcp_conn_t *c, const tcp_seg_t *s, tcp_result_t *out);
/* Zeek's conn_state: "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR",
 * "RSTOS0", "RSTRH", "SH", "SHR", "OTH". */
const char *tcp_conn_state(const tcp_conn_t *c);
/* Zeek's orig_bytes / resp_bytes: the sequence space the side covered
 * (highest sequence number minus its first, less SYN and FIN). */
uint64_t tcp_conn_bytes(const tcp_conn_t *c, unsigned dir);
/* True when a SYN (without ACK) from either side should start a new
 * connection on this five-tuple (the old one closed or was reset). */
bool tcp_conn_reusable(const tcp_conn_t *c);
const char *tcp_state_name(unsigned state);

/* Added: Zeek's exact reuse test (TCPSessionAdapter::IsReuse) for a
 * segment about to be given to the existing connection `c` (s->dir need
 * not be set).  True for a SYN without ACK once either side has closed
 * (FIN) or reset, and also for a SYN whose sequence number is not the
 * originator's ISN (a new connection on a live tuple, which includes the
 * crossing SYN of a simultaneous open); a SYN-ACK only when the originator
 * never sent anything.  The caller then ends the old flow and starts a new
 * one whose originator is the SYN's sender. */
bool tcp_conn_is_reuse(const tcp_conn_t *c, const tcp_seg_t *s);
/* Added: Zeek's endpoint state names ("INACTIVE" ... "RESET"). */
const char *tcp_zeek_state_name(unsigned zstate);

#endif
