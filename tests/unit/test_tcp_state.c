/* test_tcp_state.c - table tests for tcp_state.c, written from the rules
 * (RFC 793 figure 6, Zeek's history letters and conn_state, Wireshark's
 * analysis marks), no captures.
 *
 * Each scenario is a table of segments with, for every segment, the RFC
 * state of its sender and of the other side afterwards and the event; then
 * the Zeek history, conn_state and byte counts of the whole connection.
 * History letters (Zeek, base/protocols/conn/main.zeek): upper case from
 * the originator, lower case from the responder; S SYN, H SYN-ACK, A pure
 * ACK, D payload, F FIN, R RST, T retransmitted payload, W zero window,
 * G content gap, I FIN+RST, Q SYN+FIN or SYN+RST, ^ roles flipped. */
#include <stdio.h>
#include <string.h>

#include "tcp_state.h"

static int failed, checks;
static const char *ctx = "";
static int ctx_step = -1;

static void fail_at(const char *file, int line)
{
    failed++;
    fprintf(stderr, "%s:%d: [%s", file, line, ctx);
    if (ctx_step >= 0)
        fprintf(stderr, " step %d", ctx_step);
    fprintf(stderr, "] ");
}

#define CHECK_EQ(a, b)                                                                   \
    do {                                                                                 \
        checks++;                                                                        \
        unsigned long long va_ = (unsigned long long)(a), vb_ = (unsigned long long)(b); \
        if (va_ != vb_) {                                                                \
            fail_at(__FILE__, __LINE__);                                                 \
            fprintf(stderr, "%s == %llu, expected %llu\n", #a, va_, vb_);                \
        }                                                                                \
    } while (0)

#define CHECK_STR(a, b)                                                                  \
    do {                                                                                 \
        checks++;                                                                        \
        const char *sa_ = (a), *sb_ = (b);                                               \
        if (!(sa_ == sb_ || (sa_ && sb_ && strcmp(sa_, sb_) == 0))) {                    \
            fail_at(__FILE__, __LINE__);                                                 \
            fprintf(stderr, "%s == \"%s\", expected \"%s\"\n", #a, sa_ ? sa_ : "(null)", \
                    sb_ ? sb_ : "(null)");                                               \
        }                                                                                \
    } while (0)

#define CHECK_STATE(a, b)                                                                \
    do {                                                                                 \
        checks++;                                                                        \
        unsigned sa_ = (a), sb_ = (b);                                                   \
        if (sa_ != sb_) {                                                                \
            fail_at(__FILE__, __LINE__);                                                 \
            fprintf(stderr, "%s == %s, expected %s\n", #a, tcp_state_name(sa_),          \
                    tcp_state_name(sb_));                                                \
        }                                                                                \
    } while (0)

/* flags */
#define SYN TCPF_SYN
#define SA (TCPF_SYN | TCPF_ACK)
#define ACK TCPF_ACK
#define PA (TCPF_PSH | TCPF_ACK)
#define FA (TCPF_FIN | TCPF_ACK)
#define FPA (TCPF_FIN | TCPF_PSH | TCPF_ACK)
#define FIN TCPF_FIN
#define RST TCPF_RST
#define RA (TCPF_RST | TCPF_ACK)
/* states */
#define CLOSED TCPS_CLOSED
#define SYN_SENT TCPS_SYN_SENT
#define SYN_RCVD TCPS_SYN_RECEIVED
#define ESTAB TCPS_ESTABLISHED
#define FW1 TCPS_FIN_WAIT_1
#define FW2 TCPS_FIN_WAIT_2
#define CLOSE_WAIT TCPS_CLOSE_WAIT
#define CLOSING TCPS_CLOSING
#define LAST_ACK TCPS_LAST_ACK
#define TIME_WAIT TCPS_TIME_WAIT
#define O 0 /* sent by the originator */
#define R 1 /* sent by the responder */
#define WIN0 0x10000u /* in a table: a zero window (0 there means 65535) */

typedef struct step {
    unsigned dir;
    uint16_t flags;
    uint32_t seq, ack, len, win;
    int64_t ms;          /* capture time in milliseconds */
    uint8_t st, peer;    /* RFC state of the sender / the other side after */
    const char *ev;      /* the event, or NULL */
} step_t;

#define T0 1700000000000000000LL

static tcp_conn_t conn;
static tcp_result_t res;

static void seg(const step_t *p)
{
    tcp_seg_t s = {0};
    s.dir = (uint8_t)p->dir;
    s.flags = p->flags;
    s.seq = p->seq;
    s.ack = p->ack;
    s.len = p->len;
    s.win = p->win == WIN0 ? 0 : p->win ? p->win : 65535;
    s.ts_ns = T0 + p->ms * 1000000LL;
    tcp_conn_update(&conn, &s, &res);
}

/* Play a table on a fresh connection, checking every segment. */
static void play(const char *name, bool flipped, const step_t *t, size_t n)
{
    ctx = name;
    tcp_conn_init(&conn, flipped);
    for (size_t i = 0; i < n; i++) {
        ctx_step = (int)i + 1;
        uint8_t before = conn.ep[t[i].dir].state;
        seg(&t[i]);
        CHECK_STATE(res.state_before, before);
        CHECK_STATE(res.state_after, t[i].st);
        CHECK_STATE(conn.ep[t[i].dir ^ 1].state, t[i].peer);
        CHECK_STR(res.event, t[i].ev);
    }
    ctx_step = -1;
}

/* Play more segments on the current connection. */
static void more(const step_t *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ctx_step = 100 + (int)i + 1;
        seg(&t[i]);
        CHECK_STATE(res.state_after, t[i].st);
        CHECK_STATE(conn.ep[t[i].dir ^ 1].state, t[i].peer);
        CHECK_STR(res.event, t[i].ev);
    }
    ctx_step = -1;
}

static void summary(const char *history, const char *state, uint64_t ob, uint64_t rb)
{
    CHECK_STR(conn.history, history);
    CHECK_STR(tcp_conn_state(&conn), state);
    CHECK_EQ(tcp_conn_bytes(&conn, 0), ob);
    CHECK_EQ(tcp_conn_bytes(&conn, 1), rb);
}

#define N(t) (sizeof t / sizeof t[0])

/* The three-way handshake: client ISN 1000, server ISN 5000. */
#define HANDSHAKE                                                   \
    {O, SYN, 1000, 0, 0, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},  \
    {R, SA, 5000, 1001, 0, 0, 10, SYN_RCVD, SYN_SENT, "handshake 2/3"}, \
    {O, ACK, 1001, 5001, 0, 0, 20, ESTAB, ESTAB, "handshake 3/3"}

static void test_client_closes(void)
{
    static const step_t t[] = {
        HANDSHAKE,
        {O, PA, 1001, 5001, 100, 0, 30, ESTAB, ESTAB, NULL},
        {R, ACK, 5001, 1101, 0, 0, 40, ESTAB, ESTAB, NULL},
        {R, PA, 5001, 1101, 300, 0, 50, ESTAB, ESTAB, NULL},
        {O, ACK, 1101, 5301, 0, 0, 60, ESTAB, ESTAB, NULL},
        {O, FA, 1101, 5301, 0, 0, 70, FW1, ESTAB, "teardown 1/4"},
        {R, ACK, 5301, 1102, 0, 0, 80, CLOSE_WAIT, FW2, "teardown 2/4"},
        {R, FA, 5301, 1102, 0, 0, 90, LAST_ACK, FW2, "teardown 3/4"},
        {O, ACK, 1102, 5302, 0, 0, 100, TIME_WAIT, CLOSED, "teardown 4/4"},
    };
    play("client closes", false, t, N(t));
    CHECK_EQ(res.analysis, 0);
    CHECK_EQ(conn.rtt_ns, 20000000); /* SYN at 0 ms, its ACK at 20 ms */
    /* S SYN, h SYN-ACK, A ACK, D client data, a server ACK, d server data,
     * F client FIN, f server FIN; A and a are not repeated */
    summary("ShADadFf", "SF", 100, 300);
    CHECK_EQ(conn.ep[0].zstate, ZEP_CLOSED);
    CHECK_EQ(conn.ep[1].zstate, ZEP_CLOSED);
    CHECK_EQ(tcp_conn_reusable(&conn), 1);
}

static void test_server_closes_fin_ack_combined(void)
{
    static const step_t t[] = {
        HANDSHAKE,
        {O, PA, 1001, 5001, 50, 0, 30, ESTAB, ESTAB, NULL},
        {R, PA, 5001, 1051, 200, 0, 40, ESTAB, ESTAB, NULL},
        {R, FA, 5201, 1051, 0, 0, 50, FW1, ESTAB, "teardown 1/4"},
        /* acknowledges the server's FIN and closes: steps 2 and 3, the
         * FIN's number is reported; CLOSE_WAIT is passed through */
        {O, FA, 1051, 5202, 0, 0, 60, LAST_ACK, FW2, "teardown 3/4"},
        {R, ACK, 5202, 1052, 0, 0, 70, TIME_WAIT, CLOSED, "teardown 4/4"},
    };
    play("server closes", false, t, N(t));
    CHECK_EQ(conn.teardown_done, 0x1e); /* steps 1..4 all seen */
    /* D and d both sides' data (with ACK: not 'a'); f the server's FIN
     * first; a the server's last pure ACK (its first one) */
    summary("ShADdfFa", "SF", 50, 200);
}

static void test_simultaneous_open(void)
{
    static const step_t t[] = {
        {O, SYN, 1000, 0, 0, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},
        /* the crossing SYN: the originator has received a SYN */
        {R, SYN, 5000, 0, 0, 0, 1, SYN_SENT, SYN_RCVD, "handshake 2/3"},
        {O, SA, 1000, 5001, 0, 0, 2, SYN_RCVD, SYN_SENT, NULL},
        {R, SA, 5000, 1001, 0, 0, 3, ESTAB, ESTAB, "handshake 3/3"},
    };
    play("simultaneous open", false, t, N(t));
    CHECK_EQ(conn.rtt_ns, 3000000);
    /* S, s: both SYNs; the SYN-ACKs repeat the SYN class at the same
     * sequence number, so Zeek adds no H/h; both Zeek endpoints are
     * established: S1 */
    summary("Ss", "S1", 0, 0);
    /* Zeek itself would have started a new connection at the crossing
     * SYN (its sequence number is not the originator's ISN) */
    tcp_conn_init(&conn, false);
    seg(&t[0]);
    tcp_seg_t s = {.dir = 1, .flags = SYN, .seq = 5000};
    CHECK_EQ(tcp_conn_is_reuse(&conn, &s), 1);
}

static void test_simultaneous_close(void)
{
    static const step_t t[] = {
        HANDSHAKE,
        {O, FA, 1001, 5001, 0, 0, 30, FW1, ESTAB, "teardown 1/4"},
        /* the server's FIN does not acknowledge the client's: both are
         * now closing (each has received a FIN before its own was acked) */
        {R, FA, 5001, 1001, 0, 0, 31, CLOSING, CLOSING, "teardown 3/4"},
        {O, ACK, 1002, 5002, 0, 0, 40, CLOSING, TIME_WAIT, "teardown 4/4"},
        {R, ACK, 5002, 1002, 0, 0, 41, TIME_WAIT, TIME_WAIT, "teardown 2/4"},
    };
    play("simultaneous close", false, t, N(t));
    /* a: the server's last pure ACK; Zeek counts nothing else special */
    summary("ShAFfa", "SF", 0, 0);
}

static void test_half_open(void)
{
    static const step_t t[] = {
        {O, SYN, 1000, 0, 0, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},
    };
    play("half open", false, t, N(t));
    summary("S", "S0", 0, 0); /* S0: a SYN, no reply */
    CHECK_EQ(conn.rtt_ns, -1);
    CHECK_EQ(tcp_conn_reusable(&conn), 0);
}

static void test_syn_retransmitted(void)
{
    static const step_t t[] = {
        {O, SYN, 1000, 0, 0, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},
        /* the same SYN one second later: no new step */
        {O, SYN, 1000, 0, 0, 0, 1000, SYN_SENT, CLOSED, "retransmission"},
        {R, SA, 5000, 1001, 0, 0, 1010, SYN_RCVD, SYN_SENT, "handshake 2/3"},
        {O, ACK, 1001, 5001, 0, 0, 1020, ESTAB, ESTAB, "handshake 3/3"},
        {O, ACK, 1001, 5001, 0, 0, 1030, ESTAB, ESTAB, NULL}, /* not 3/3 again */
    };
    play("SYN retransmitted", false, t, N(t));
    CHECK_EQ(conn.rtt_ns, 1020000000LL); /* from the first SYN */
    /* the second SYN has the same sequence number: no second S; Zeek's
     * 't' needs payload, so none */
    summary("ShA", "S1", 0, 0);
    /* renderers tell the retransmission event by its pointer */
    tcp_conn_init(&conn, false);
    seg(&t[0]);
    seg(&t[1]);
    CHECK_EQ(res.event == tcp_ev_retransmission, 1);
    seg(&t[2]);
    CHECK_EQ(res.event == tcp_ev_retransmission, 0);
    /* the flow table must not split on it, but would on a new ISN */
    tcp_conn_init(&conn, false);
    seg(&t[0]);
    tcp_seg_t s = {.dir = 0, .flags = SYN, .seq = 1000};
    CHECK_EQ(tcp_conn_is_reuse(&conn, &s), 0);
    s.seq = 777;
    CHECK_EQ(tcp_conn_is_reuse(&conn, &s), 1);
    s.flags = SA; /* a SYN-ACK never reuses once the originator spoke */
    CHECK_EQ(tcp_conn_is_reuse(&conn, &s), 0);
}

static void test_synack_first(void)
{
    static const step_t t[] = {
        /* the SYN was not captured: its sender is taken to be SYN_SENT */
        {R, SA, 5000, 1001, 0, 0, 0, SYN_RCVD, SYN_SENT, "handshake 2/3"},
        {O, ACK, 1001, 5001, 0, 0, 10, ESTAB, ESTAB, "handshake 3/3"},
        {O, PA, 1001, 5001, 10, 0, 20, ESTAB, ESTAB, NULL},
    };
    play("SYN-ACK first", true, t, N(t));
    CHECK_EQ(conn.rtt_ns, -1); /* no SYN, no RTT */
    /* ^ roles flipped, h the SYN-ACK, A the ACK, D data */
    summary("^hAD", "S1", 10, 0);
}

static void test_synack_missing(void)
{
    static const step_t t[] = {
        {O, SYN, 1000, 0, 0, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},
        /* an ACK of the SYN alone is no answer (some stacks send one
         * before their SYN-ACK) */
        {R, ACK, 5001, 1001, 0, 0, 5, CLOSED, SYN_SENT, NULL},
        /* data acknowledging the SYN: the SYN-ACK was not captured */
        {R, PA, 5001, 1001, 30, 0, 10, ESTAB, SYN_SENT, NULL},
        {O, ACK, 1001, 5031, 0, 0, 20, ESTAB, ESTAB, "handshake 3/3"},
    };
    play("SYN-ACK missing", false, t, N(t));
    CHECK_EQ(conn.rtt_ns, 20000000);
    /* Zeek: the originator stays SYN_SENT (no SYN-ACK), the responder is
     * partial: OTH; a the early ACK, d the data, A the ACK */
    summary("SadA", "OTH", 0, 30);
}

static void test_midstream_orig_first(void)
{
    static const step_t t[] = {
        {O, PA, 1000, 5000, 10, 0, 0, ESTAB, ESTAB, NULL},
        {R, ACK, 5000, 1010, 0, 0, 1, ESTAB, ESTAB, NULL},
    };
    play("mid-stream, originator first", false, t, N(t));
    /* D data, a ACK; Zeek: both endpoints PARTIAL (no SYN): OTH */
    summary("Da", "OTH", 10, 0);
    CHECK_EQ(conn.ep[0].zstate, ZEP_PARTIAL);
    CHECK_EQ(conn.handshake_step, 0);
    static const step_t close[] = {
        {O, FA, 1010, 5000, 0, 0, 2, FW1, ESTAB, "teardown 1/4"},
        {R, FA, 5000, 1011, 0, 0, 3, LAST_ACK, FW2, "teardown 3/4"},
        {O, ACK, 1011, 5001, 0, 0, 4, TIME_WAIT, CLOSED, "teardown 4/4"},
    };
    more(close, 1);
    summary("DaF", "SH", 10, 0); /* SH: the originator closed, the responder partial */
    more(close + 1, 2);
    /* f the responder's FIN, A the originator's first pure ACK */
    summary("DaFfA", "SF", 10, 0);
}

static void test_midstream_resp_first(void)
{
    static const step_t t[] = {
        {R, PA, 5000, 1000, 20, 0, 0, ESTAB, ESTAB, NULL},
        {O, ACK, 1000, 5020, 0, 0, 1, ESTAB, ESTAB, NULL},
    };
    play("mid-stream, responder first", true, t, N(t));
    summary("^dA", "OTH", 0, 20); /* ^ flipped: the responder spoke first */
}

static void test_data_on_syn(void)
{
    static const step_t t[] = {
        {O, SYN, 1000, 0, 10, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},
        {R, SA, 5000, 1011, 0, 0, 10, SYN_RCVD, SYN_SENT, "handshake 2/3"},
        {O, ACK, 1011, 5001, 0, 0, 20, ESTAB, ESTAB, "handshake 3/3"},
    };
    play("data on SYN", false, t, N(t));
    CHECK_EQ(res.analysis, 0);
    /* Zeek: the SYN's payload does not advance its last sequence number
     * beyond what the SYN itself set, so update_last_seq counts it as a
     * retransmission: S then T */
    summary("SThA", "S1", 10, 0);
}

static void test_fin_with_data(void)
{
    static const step_t t[] = {
        HANDSHAKE,
        {O, FPA, 1001, 5001, 50, 0, 30, FW1, ESTAB, "teardown 1/4"},
        {R, FA, 5001, 1052, 0, 0, 40, LAST_ACK, FW2, "teardown 3/4"},
        {O, ACK, 1052, 5002, 0, 0, 50, TIME_WAIT, CLOSED, "teardown 4/4"},
    };
    play("FIN with data", false, t, N(t));
    /* a FIN with payload is an F (one control bit), not a D; its 50
     * bytes count, the FIN itself does not */
    summary("ShAFf", "SF", 50, 0);
}

static void test_rst(void)
{
    /* S0 then a RST from the originator: RSTOS0 */
    static const step_t a[] = {
        {O, SYN, 1000, 0, 0, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},
        {O, RST, 1001, 0, 0, 0, 10, CLOSED, CLOSED, "reset"},
    };
    play("RST after SYN", false, a, N(a));
    summary("SR", "RSTOS0", 0, 0);
    CHECK_EQ(tcp_conn_reusable(&conn), 1);

    /* a RST answering the SYN: REJ */
    static const step_t b[] = {
        {O, SYN, 1000, 0, 0, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},
        {R, RA, 0, 1001, 0, 0, 1, CLOSED, CLOSED, "reset"},
    };
    play("REJ", false, b, N(b));
    summary("Sr", "REJ", 0, 0);

    /* the responder resets an established connection: RSTR */
    static const step_t c[] = {
        HANDSHAKE,
        {R, RA, 5001, 1001, 0, 0, 30, CLOSED, CLOSED, "reset"},
    };
    play("RSTR", false, c, N(c));
    summary("ShAr", "RSTR", 0, 0);

    /* the originator resets, twice at different sequence numbers: R
     * repeats when its sequence number moved (Zeek) */
    static const step_t d[] = {
        HANDSHAKE,
        {O, RST, 1001, 0, 0, 0, 30, CLOSED, CLOSED, "reset"},
        {O, RST, 2001, 0, 0, 0, 40, CLOSED, CLOSED, "reset"},
    };
    play("RSTO", false, d, N(d));
    summary("ShARR", "RSTO", 0, 0);

    /* the client refuses the SYN-ACK (RFC: SYN_SENT -> CLOSED) */
    static const step_t e[] = {
        {O, SYN, 1000, 0, 0, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},
        {R, SA, 5000, 1001, 0, 0, 10, SYN_RCVD, SYN_SENT, "handshake 2/3"},
        {O, RST, 1001, 0, 0, 0, 20, CLOSED, CLOSED, "reset"},
    };
    play("RST in SYN_SENT", false, e, N(e));
    summary("ShR", "RSTO", 0, 0);

    /* a RST with payload: Zeek does not count RST data as stream, but its
     * update_last_seq calls it a retransmission: R then T */
    static const step_t f[] = {
        HANDSHAKE,
        {O, RA, 1001, 5001, 10, 0, 30, CLOSED, CLOSED, "reset"},
    };
    play("RST with data", false, f, N(f));
    summary("ShART", "RSTO", 0, 0);

    /* SYN-ACK then RST from the responder, no SYN seen: RSTRH */
    static const step_t g[] = {
        {R, SA, 5000, 1001, 0, 0, 0, SYN_RCVD, SYN_SENT, "handshake 2/3"},
        {R, RST, 5001, 0, 0, 0, 10, CLOSED, CLOSED, "reset"},
    };
    play("RSTRH", true, g, N(g));
    summary("^hr", "RSTRH", 0, 0);

    /* a lone RST from the originator: no SYN in the history, so not
     * RSTOS0 but OTH */
    static const step_t h[] = {
        {O, RST, 1000, 0, 0, 0, 0, CLOSED, CLOSED, "reset"},
    };
    play("lone RST", false, h, N(h));
    summary("R", "OTH", 0, 0);

    /* a RST after a complete close changes nothing in Zeek: still SF */
    static const step_t k[] = {
        HANDSHAKE,
        {O, FA, 1001, 5001, 0, 0, 30, FW1, ESTAB, "teardown 1/4"},
        {R, FA, 5001, 1002, 0, 0, 40, LAST_ACK, FW2, "teardown 3/4"},
        {O, ACK, 1002, 5002, 0, 0, 50, TIME_WAIT, CLOSED, "teardown 4/4"},
        {O, RST, 1002, 0, 0, 0, 60, CLOSED, CLOSED, "reset"},
    };
    play("RST after close", false, k, N(k));
    summary("ShAFfR", "SF", 0, 0);

    /* every RFC state of the close, then a RST: both sides CLOSED */
    static const step_t close[] = {
        HANDSHAKE,
        {O, FA, 1001, 5001, 0, 0, 30, FW1, ESTAB, "teardown 1/4"},
        {R, ACK, 5001, 1002, 0, 0, 40, CLOSE_WAIT, FW2, "teardown 2/4"},
        {R, FA, 5001, 1002, 0, 0, 50, LAST_ACK, FW2, "teardown 3/4"},
    };
    static const step_t rst_o = {O, RST, 1002, 0, 0, 0, 99, CLOSED, CLOSED, "reset"};
    static const step_t rst_r = {R, RST, 5002, 0, 0, 0, 99, CLOSED, CLOSED, "reset"};
    for (size_t cut = 1; cut <= N(close); cut++) {
        play("RST in every state", false, close, cut);
        tcp_conn_t saved = conn;
        uint8_t so = conn.ep[0].state, sr = conn.ep[1].state;
        more(&rst_o, 1);
        CHECK_STATE(res.state_before, so);
        conn = saved;
        more(&rst_r, 1);
        CHECK_STATE(res.state_before, sr);
    }
}

static void test_sh_shr_s2_s3(void)
{
    static const step_t sh[] = {
        {O, SYN, 1000, 0, 0, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},
        {O, FIN, 1001, 0, 0, 0, 10, FW1, CLOSED, "teardown 1/4"},
    };
    play("SH", false, sh, N(sh));
    summary("SF", "SH", 0, 0); /* SH: SYN then FIN, no SYN-ACK */

    static const step_t shr[] = {
        {R, SA, 5000, 1001, 0, 0, 0, SYN_RCVD, SYN_SENT, "handshake 2/3"},
        {R, FA, 5001, 1001, 0, 0, 10, FW1, SYN_SENT, "teardown 1/4"},
    };
    play("SHR", true, shr, N(shr));
    summary("^hf", "SHR", 0, 0); /* SHR: SYN-ACK then FIN, no SYN */

    static const step_t s2[] = {
        HANDSHAKE,
        {O, FA, 1001, 5001, 0, 0, 30, FW1, ESTAB, "teardown 1/4"},
    };
    play("S2", false, s2, N(s2));
    summary("ShAF", "S2", 0, 0); /* only the originator closed */

    static const step_t s3[] = {
        HANDSHAKE,
        {R, FA, 5001, 1001, 0, 0, 30, FW1, ESTAB, "teardown 1/4"},
    };
    play("S3", false, s3, N(s3));
    summary("ShAf", "S3", 0, 0); /* only the responder closed */
}

static void test_zero_window(void)
{
    static const step_t t[] = {
        HANDSHAKE,
        {O, PA, 1001, 5001, 100, 0, 30, ESTAB, ESTAB, NULL},
        {R, ACK, 5001, 1101, 0, WIN0, 40, ESTAB, ESTAB, NULL},
        {O, PA, 1101, 5001, 1, 0, 1000, ESTAB, ESTAB, NULL},       /* probe */
        {R, ACK, 5001, 1101, 0, WIN0, 1001, ESTAB, ESTAB, NULL},   /* its ACK */
        {R, ACK, 5001, 1101, 0, 0, 2000, ESTAB, ESTAB, NULL},      /* opens */
        {O, PA, 1101, 5001, 100, 0, 2001, ESTAB, ESTAB, NULL},
    };
    uint16_t want[] = {0, 0, 0, 0, TA_ZERO_WINDOW, TA_ZERO_WINDOW_PROBE, TA_ZERO_WINDOW,
                       TA_WINDOW_UPDATE, 0};
    ctx = "zero window";
    tcp_conn_init(&conn, false);
    for (size_t i = 0; i < N(t); i++) {
        ctx_step = (int)i + 1;
        seg(&t[i]);
        CHECK_EQ(res.analysis, want[i]);
        CHECK_STR(res.event, t[i].ev);
    }
    ctx_step = -1;
    /* a: the server's pure ACK, w: its zero window (once: Zeek repeats
     * w only at 10, 100, ... occurrences) */
    summary("ShADaw", "S1", 200, 0);
}

static void test_log_scale(void)
{
    /* ten retransmissions of the same 100 bytes: T after the 1st and the
     * 10th; ten zero windows from the server: w after the 1st and 10th */
    static const step_t hs[] = {HANDSHAKE, {O, PA, 1001, 5001, 100, 0, 30, ESTAB, ESTAB, NULL}};
    play("log scale", false, hs, N(hs));
    for (int i = 0; i < 10; i++) {
        step_t r = {O, PA, 1001, 5001, 100, 0, 1000 * (i + 1), ESTAB, ESTAB, "retransmission"};
        more(&r, 1);
        CHECK_EQ(res.analysis, TA_RETRANSMISSION);
    }
    CHECK_EQ(conn.ep[0].n_retrans, 10);
    CHECK_STR(conn.history, "ShADTT");
    for (int i = 0; i < 10; i++) {
        step_t w = {R, ACK, 5001, 1101, 0, WIN0, 20000 + i, ESTAB, ESTAB, NULL};
        more(&w, 1);
    }
    summary("ShADTTaww", "S1", 100, 0);
}

static void test_wraparound(void)
{
    /* client ISN 2^32 - 16: its 100 bytes cross 0; the server's ISN
     * 2^32 - 1: its SYN takes the last number, its data starts at 0 */
    static const step_t t[] = {
        {O, SYN, 0xfffffff0u, 0, 0, 0, 0, SYN_SENT, CLOSED, "handshake 1/3"},
        {R, SA, 0xffffffffu, 0xfffffff1u, 0, 0, 10, SYN_RCVD, SYN_SENT, "handshake 2/3"},
        {O, ACK, 0xfffffff1u, 0, 0, 0, 20, ESTAB, ESTAB, "handshake 3/3"},
        {O, PA, 0xfffffff1u, 0, 100, 0, 30, ESTAB, ESTAB, NULL},
        {R, PA, 0, 0x55, 300, 0, 40, ESTAB, ESTAB, NULL},
        {O, FA, 0x55, 300, 0, 0, 50, FW1, ESTAB, "teardown 1/4"},
        {R, FA, 300, 0x56, 0, 0, 60, LAST_ACK, FW2, "teardown 3/4"},
        {O, ACK, 0x56, 301, 0, 0, 70, TIME_WAIT, CLOSED, "teardown 4/4"},
    };
    play("wraparound", false, t, N(t));
    summary("ShADdFf", "SF", 100, 300);
    CHECK_EQ(conn.ep[0].n_retrans, 0);
    /* a retransmission across the wrap is still one */
    static const step_t again = {O, PA, 0xfffffff1u, 0, 100, 0, 5000, TIME_WAIT, CLOSED,
                                 "retransmission"};
    more(&again, 1);
    CHECK_EQ(res.analysis, TA_RETRANSMISSION);
    CHECK_EQ(tcp_conn_bytes(&conn, 0), 100);
}

static void test_wireshark_marks(void)
{
    static const step_t t[] = {
        HANDSHAKE,
        {O, PA, 1001, 5001, 100, 0, 30, ESTAB, ESTAB, NULL},
        {R, ACK, 5001, 1101, 0, 0, 40, ESTAB, ESTAB, NULL},
        {O, ACK, 1100, 5001, 0, 0, 5000, ESTAB, ESTAB, NULL},  /* keep-alive */
        {R, ACK, 5001, 1101, 0, 0, 5001, ESTAB, ESTAB, NULL},  /* its ACK */
        {O, PA, 1201, 5001, 100, 0, 6000, ESTAB, ESTAB, NULL}, /* 1101.. lost */
        {R, ACK, 5001, 1101, 0, 0, 6001, ESTAB, ESTAB, NULL},  /* duplicate */
        {R, ACK, 5001, 1101, 0, 0, 6002, ESTAB, ESTAB, NULL},  /* and again */
        /* resent right after two duplicate ACKs: a fast retransmission */
        {O, PA, 1101, 5001, 100, 0, 6003, ESTAB, ESTAB, "retransmission"},
        {O, PA, 1401, 5001, 100, 0, 7000, ESTAB, ESTAB, NULL}, /* 1301.. lost */
        /* 1 ms later, within the RTT (20 ms): out of order, no event */
        {O, PA, 1301, 5001, 100, 0, 7001, ESTAB, ESTAB, NULL},
    };
    uint16_t want[] = {0, 0, 0, 0, 0, TA_KEEP_ALIVE, TA_KEEP_ALIVE_ACK, TA_LOST_SEGMENT,
                       TA_DUP_ACK, TA_DUP_ACK, TA_RETRANSMISSION, TA_LOST_SEGMENT,
                       TA_OUT_OF_ORDER};
    ctx = "wireshark marks";
    tcp_conn_init(&conn, false);
    for (size_t i = 0; i < N(t); i++) {
        ctx_step = (int)i + 1;
        seg(&t[i]);
        CHECK_EQ(res.analysis, want[i]);
        CHECK_STR(res.event, t[i].ev);
    }
    ctx_step = -1;
    CHECK_EQ(conn.ep[1].dup_acks, 2);
    /* Zeek: both late segments (neither advances the last sequence
     * number) are retransmissions, T once (the next at 10); no gap, both
     * holes were filled */
    CHECK_EQ(conn.ep[0].n_retrans, 2);
    summary("ShADaT", "S1", 500, 0);
}

static void test_content_gap(void)
{
    static const step_t t[] = {
        HANDSHAKE,
        {O, PA, 1001, 5001, 100, 0, 30, ESTAB, ESTAB, NULL},
        {O, PA, 1201, 5001, 100, 0, 31, ESTAB, ESTAB, NULL},  /* 1101..1200 missing */
        {R, ACK, 5001, 1301, 0, 0, 40, ESTAB, ESTAB, NULL},   /* acks it all */
    };
    play("content gap", false, t, N(t));
    /* G: a gap in the originator's stream, found by the server's ACK; the
     * missing bytes still count */
    summary("ShADaG", "S1", 300, 0);

    /* a payload cut by the snaplen cannot be delivered: a gap, too */
    play("truncated payload", false, t, 3);
    tcp_seg_t s = {.dir = 0, .flags = PA, .seq = 1001, .ack = 5001, .len = 100, .win = 65535,
                   .truncated = true, .ts_ns = T0 + 30000000};
    tcp_conn_update(&conn, &s, &res);
    static const step_t ack = {R, ACK, 5001, 1101, 0, 0, 40, ESTAB, ESTAB, NULL};
    more(&ack, 1);
    summary("ShADaG", "S1", 100, 0);
}

static void test_names(void)
{
    ctx = "names";
    CHECK_STR(tcp_state_name(TCPS_FIN_WAIT_2), "FIN_WAIT_2");
    CHECK_STR(tcp_state_name(TCPS_COUNT), "?");
    CHECK_STR(tcp_analysis_name(0), "retransmission");
    CHECK_STR(tcp_analysis_name(TA_COUNT - 1), "zero_window_probe");
    CHECK_STR(tcp_zeek_state_name(ZEP_RESET), "RESET");
}

int main(void)
{
    void (*tests[])(void) = {
        test_client_closes, test_server_closes_fin_ack_combined, test_simultaneous_open,
        test_simultaneous_close, test_half_open, test_syn_retransmitted, test_synack_first,
        test_synack_missing,
        test_midstream_orig_first, test_midstream_resp_first, test_data_on_syn,
        test_fin_with_data, test_rst, test_sh_shr_s2_s3, test_zero_window, test_log_scale,
        test_wraparound, test_wireshark_marks, test_content_gap, test_names,
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        tests[i]();
    printf("%d checks, %d failed\n", checks, failed);
    return failed ? 1 : 0;
}
