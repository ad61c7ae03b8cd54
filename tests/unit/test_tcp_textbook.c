/* test_tcp_textbook.c - table tests for the textbook view of both TCP
 * endpoints (tcp_state.c tcp_tb_*: RFC 793 figure 6, states moving on
 * receipt as well as on sending) and for the ladder rows built on it
 * (ladder.c).  Each table gives, for every segment, both sides' states
 * afterwards (client, server) and the socket calls it implies. */
#include <stdio.h>
#include <string.h>

#include "ladder.h"
#include "tcp_state.h"

static int failed, checks;
static const char *ctx = "";
static int ctx_step;

#define CHECK_STATE(a, b)                                                                  \
    do {                                                                                   \
        checks++;                                                                          \
        unsigned sa_ = (a), sb_ = (b);                                                     \
        if (sa_ != sb_) {                                                                  \
            failed++;                                                                      \
            fprintf(stderr, "%s:%d: [%s step %d] %s == %s, expected %s\n", __FILE__,       \
                    __LINE__, ctx, ctx_step, #a, tcp_tb_state_name(sa_),                   \
                    tcp_tb_state_name(sb_));                                               \
        }                                                                                  \
    } while (0)

#define CHECK_STR(a, b)                                                                    \
    do {                                                                                   \
        checks++;                                                                          \
        const char *sa_ = (a), *sb_ = (b);                                                 \
        if (!(sa_ == sb_ || (sa_ && sb_ && strcmp(sa_, sb_) == 0))) {                      \
            failed++;                                                                      \
            fprintf(stderr, "%s:%d: [%s step %d] %s == \"%s\", expected \"%s\"\n",         \
                    __FILE__, __LINE__, ctx, ctx_step, #a, sa_ ? sa_ : "(null)",           \
                    sb_ ? sb_ : "(null)");                                                 \
        }                                                                                  \
    } while (0)

#define CHECK_EQ(a, b)                                                                     \
    do {                                                                                   \
        checks++;                                                                          \
        unsigned long long va_ = (unsigned long long)(a), vb_ = (unsigned long long)(b);   \
        if (va_ != vb_) {                                                                  \
            failed++;                                                                      \
            fprintf(stderr, "%s:%d: [%s] %s == %llu, expected %llu\n", __FILE__, __LINE__, \
                    ctx, #a, va_, vb_);                                                    \
        }                                                                                  \
    } while (0)

#define SYN TCPF_SYN
#define SA (TCPF_SYN | TCPF_ACK)
#define ACK TCPF_ACK
#define PA (TCPF_PSH | TCPF_ACK)
#define FA (TCPF_FIN | TCPF_ACK)
#define RA (TCPF_RST | TCPF_ACK)
#define CLOSED TCPS_CLOSED
#define LISTEN TCPS_LISTEN
#define SYN_SENT TCPS_SYN_SENT
#define SYN_RCVD TCPS_SYN_RECEIVED
#define ESTAB TCPS_ESTABLISHED
#define FW1 TCPS_FIN_WAIT_1
#define FW2 TCPS_FIN_WAIT_2
#define CLOSE_WAIT TCPS_CLOSE_WAIT
#define CLOSING TCPS_CLOSING
#define LAST_ACK TCPS_LAST_ACK
#define TIME_WAIT TCPS_TIME_WAIT
#define UNKNOWN TCPS_UNKNOWN
#define C 0 /* sent by the client */
#define S 1 /* sent by the server */

typedef struct step {
    unsigned dir;
    uint16_t flags;
    uint32_t seq, ack, len;
    uint8_t client, server;        /* both states after the segment */
    const char *ccall, *scall;     /* the socket calls on each side */
} step_t;

static tcp_tb_t tb;
static tcp_tb_seq_t q;

static void play(const char *name, unsigned hints, const step_t *t, size_t n)
{
    ctx = name;
    tcp_tb_init(&tb, hints);
    memset(&q, 0, sizeof q);
    for (size_t i = 0; i < n; i++) {
        ctx_step = (int)i + 1;
        tcp_tb_step_t st;
        uint8_t b0 = tb.st[0], b1 = tb.st[1];
        tcp_tb_seq_note(&q, t[i].dir, t[i].flags, t[i].seq, t[i].len);
        tcp_tb_update(&tb, &q, t[i].dir, t[i].flags, t[i].ack, &st);
        if (i > 0) { /* the first segment may reveal the states before it */
            CHECK_STATE(st.before[0], b0);
            CHECK_STATE(st.before[1], b1);
        }
        CHECK_STATE(st.after[0], t[i].client);
        CHECK_STATE(st.after[1], t[i].server);
        CHECK_STR(st.call[0], t[i].ccall);
        CHECK_STR(st.call[1], t[i].scall);
    }
}

#define N(t) (sizeof t / sizeof t[0])

/* client ISN 1000, server ISN 5000 */
#define OPEN                                                                  \
    {C, SYN, 1000, 0, 0, SYN_SENT, SYN_RCVD, "connect()", NULL},              \
    {S, SA, 5000, 1001, 0, ESTAB, SYN_RCVD, "connect() returns", NULL},       \
    {C, ACK, 1001, 5001, 0, ESTAB, ESTAB, NULL, "accept() returns"}

static void test_start(void)
{
    ctx = "start";
    ctx_step = 0;
    tcp_tb_init(&tb, 0);
    CHECK_STATE(tb.st[0], CLOSED);
    CHECK_STATE(tb.st[1], LISTEN);
    CHECK_STR(tcp_tb_start_call(&tb, 1), "listen()");
    CHECK_STR(tcp_tb_start_call(&tb, 0), NULL);
    tcp_tb_init(&tb, TB_NO_LISTENER);
    CHECK_STATE(tb.st[1], CLOSED);
    tcp_tb_init(&tb, TB_SILENT_SERVER);
    CHECK_STATE(tb.st[1], UNKNOWN);
    CHECK_STR(tcp_tb_state_name(UNKNOWN), "UNKNOWN");
    CHECK_STR(tcp_tb_state_name(CLOSE_WAIT), "CLOSE_WAIT");
}

/* The client closes: the textbook's active and passive close. */
static void test_client_closes(void)
{
    static const step_t t[] = {
        OPEN,
        {C, PA, 1001, 5001, 100, ESTAB, ESTAB, NULL, NULL},
        {S, ACK, 5001, 1101, 0, ESTAB, ESTAB, NULL, NULL},
        {C, FA, 1101, 5001, 0, FW1, CLOSE_WAIT, "close()", "read() returns 0"},
        {S, ACK, 5001, 1102, 0, FW2, CLOSE_WAIT, NULL, NULL},
        {S, FA, 5001, 1102, 0, TIME_WAIT, LAST_ACK, "read() returns 0", "close()"},
        {C, ACK, 1102, 5002, 0, TIME_WAIT, CLOSED, NULL, NULL},
    };
    play("client closes", 0, t, N(t));
}

/* The server closes first, its FIN acknowledged with the client's FIN. */
static void test_server_closes(void)
{
    static const step_t t[] = {
        OPEN,
        {S, PA, 5001, 1001, 38, ESTAB, ESTAB, NULL, NULL},
        {S, FA, 5039, 1001, 0, CLOSE_WAIT, FW1, "read() returns 0", "close()"},
        {C, FA, 1001, 5040, 0, LAST_ACK, TIME_WAIT, "close()", "read() returns 0"},
        {S, ACK, 5040, 1002, 0, CLOSED, TIME_WAIT, NULL, NULL},
    };
    play("server closes first", 0, t, N(t));
    /* the server went through FIN_WAIT_2 on the client's FIN+ACK */
    tcp_tb_t t2;
    tcp_tb_seq_t q2;
    tcp_tb_init(&t2, 0);
    memset(&q2, 0, sizeof q2);
    tcp_tb_step_t st;
    for (size_t i = 0; i < 5; i++) {
        tcp_tb_seq_note(&q2, t[i].dir, t[i].flags, t[i].seq, t[i].len);
        tcp_tb_update(&t2, &q2, t[i].dir, t[i].flags, t[i].ack, &st);
    }
    ctx_step = 6;
    tcp_tb_seq_note(&q2, C, FA, 1001, 0);
    tcp_tb_update(&t2, &q2, C, FA, 5040, &st);
    CHECK_STATE(st.via[1], FW2);
    CHECK_STATE(st.via[0], TCPS_NONE);
}

/* Refused: nothing listens, the server's kernel answers the SYN with a
 * RST.  A single pass takes the SYN to have reached a listener; with the
 * ladder's look-ahead the server stays CLOSED. */
static void test_refused(void)
{
    static const step_t one_pass[] = {
        {C, SYN, 1000, 0, 0, SYN_SENT, SYN_RCVD, "connect()", NULL},
        {S, RA, 0, 1001, 0, CLOSED, CLOSED, "connect() fails: ECONNREFUSED",
         "the kernel answers RST: nothing listens"},
    };
    play("refused, one pass", 0, one_pass, N(one_pass));
    static const step_t known[] = {
        {C, SYN, 1000, 0, 0, SYN_SENT, CLOSED, "connect()", NULL},
        {S, RA, 0, 1001, 0, CLOSED, CLOSED, "connect() fails: ECONNREFUSED",
         "the kernel answers RST: nothing listens"},
    };
    play("refused, no listener known", TB_NO_LISTENER, known, N(known));
}

/* Simultaneous close: the second FIN does not acknowledge the first, so
 * they crossed; both sides go through CLOSING to TIME_WAIT. */
static void test_simultaneous_close(void)
{
    static const step_t t[] = {
        OPEN,
        {C, FA, 1001, 5001, 0, FW1, CLOSE_WAIT, "close()", "read() returns 0"},
        {S, FA, 5001, 1001, 0, CLOSING, CLOSING, "read() returns 0",
         "close(), the FINs crossed (simultaneous close)"},
        {C, ACK, 1002, 5002, 0, CLOSING, TIME_WAIT, NULL, NULL},
        {S, ACK, 5002, 1002, 0, TIME_WAIT, TIME_WAIT, NULL, NULL},
    };
    play("simultaneous close", 0, t, N(t));
}

/* A retransmitted SYN or FIN is no second transition. */
static void test_retransmissions(void)
{
    static const step_t t[] = {
        {C, SYN, 1000, 0, 0, SYN_SENT, SYN_RCVD, "connect()", NULL},
        {C, SYN, 1000, 0, 0, SYN_SENT, SYN_RCVD, NULL, NULL},
        {S, SA, 5000, 1001, 0, ESTAB, SYN_RCVD, "connect() returns", NULL},
        {S, SA, 5000, 1001, 0, ESTAB, SYN_RCVD, NULL, NULL},
        {C, ACK, 1001, 5001, 0, ESTAB, ESTAB, NULL, "accept() returns"},
        {C, FA, 1001, 5001, 0, FW1, CLOSE_WAIT, "close()", "read() returns 0"},
        {C, FA, 1001, 5001, 0, FW1, CLOSE_WAIT, NULL, NULL},
        {S, ACK, 5001, 1002, 0, FW2, CLOSE_WAIT, NULL, NULL},
        {C, FA, 1001, 5001, 0, FW2, CLOSE_WAIT, NULL, NULL},
        {S, FA, 5001, 1002, 0, TIME_WAIT, LAST_ACK, "read() returns 0", "close()"},
        {S, FA, 5001, 1002, 0, TIME_WAIT, LAST_ACK, NULL, NULL},
        {C, ACK, 1002, 5002, 0, TIME_WAIT, CLOSED, NULL, NULL},
    };
    play("retransmitted SYN and FIN", 0, t, N(t));
}

/* Half-open: SYNs never answered.  A single pass assumes a listener; the
 * ladder, knowing the server never spoke, says its state is unknown. */
static void test_half_open(void)
{
    static const step_t one_pass[] = {
        {C, SYN, 1000, 0, 0, SYN_SENT, SYN_RCVD, "connect()", NULL},
        {C, SYN, 1000, 0, 0, SYN_SENT, SYN_RCVD, NULL, NULL},
    };
    play("half-open, one pass", 0, one_pass, N(one_pass));
    static const step_t silent[] = {
        {C, SYN, 1000, 0, 0, SYN_SENT, UNKNOWN, "connect()", NULL},
        {C, SYN, 1000, 0, 0, SYN_SENT, UNKNOWN, NULL, NULL},
    };
    play("half-open, silent server", TB_SILENT_SERVER, silent, N(silent));
}

/* Resets: of an established connection, and of a server's half-made one
 * (back to LISTEN). */
static void test_resets(void)
{
    static const step_t est[] = {
        OPEN,
        {S, RA, 5001, 1001, 0, CLOSED, CLOSED, "read() fails: ECONNRESET", NULL},
    };
    play("reset established", 0, est, N(est));
    static const step_t half[] = {
        {C, SYN, 1000, 0, 0, SYN_SENT, SYN_RCVD, "connect()", NULL},
        {S, SA, 5000, 1001, 0, ESTAB, SYN_RCVD, "connect() returns", NULL},
        {C, TCPF_RST, 1001, 0, 0, CLOSED, LISTEN, NULL, NULL},
    };
    play("client resets the half-made connection", 0, half, N(half));
}

/* First seen mid-stream: nothing is invented; a FIN tells what it can. */
static void test_midstream(void)
{
    static const step_t t[] = {
        {C, PA, 1001, 5001, 10, UNKNOWN, UNKNOWN, NULL, NULL},
        {S, ACK, 5001, 1011, 0, UNKNOWN, UNKNOWN, NULL, NULL},
        {C, FA, 1011, 5001, 0, FW1, CLOSE_WAIT, "close()", "read() returns 0"},
        {S, FA, 5001, 1012, 0, TIME_WAIT, LAST_ACK, "read() returns 0", "close()"},
        {C, ACK, 1012, 5002, 0, TIME_WAIT, CLOSED, NULL, NULL},
    };
    play("mid-stream", 0, t, N(t));
}

/* The SYN missed: the SYN-ACK says the client was in SYN_SENT. */
static void test_synack_first(void)
{
    static const step_t t[] = {
        {S, SA, 5000, 1001, 0, ESTAB, SYN_RCVD, "connect() returns", NULL},
        {C, ACK, 1001, 5001, 0, ESTAB, ESTAB, NULL, "accept() returns"},
    };
    play("SYN-ACK first", 0, t, N(t));
}

/* The same view through the flow tracker's entry point, whose SYN and FIN
 * numbers come from its endpoints rather than tcp_tb_seq_note. */
static void conn_play(const char *name, const step_t *t, size_t n)
{
    static tcp_conn_t c;
    ctx = name;
    tcp_conn_init(&c, false);
    for (size_t i = 0; i < n; i++) {
        ctx_step = (int)i + 1;
        tcp_seg_t sg = {0};
        sg.dir = (uint8_t)t[i].dir;
        sg.flags = t[i].flags;
        sg.seq = t[i].seq;
        sg.ack = t[i].ack;
        sg.len = t[i].len;
        sg.win = 65535;
        sg.ts_ns = 1700000000000000000LL + (int64_t)i * 1000000;
        tcp_result_t res;
        tcp_conn_update(&c, &sg, &res);
        CHECK_STATE(res.tb.after[0], t[i].client);
        CHECK_STATE(res.tb.after[1], t[i].server);
        CHECK_STR(res.tb.call[0], t[i].ccall);
        CHECK_STR(res.tb.call[1], t[i].scall);
    }
}

static void test_through_conn(void)
{
    static const step_t closes[] = {
        OPEN,
        {C, PA, 1001, 5001, 100, ESTAB, ESTAB, NULL, NULL},
        {S, FA, 5001, 1101, 0, CLOSE_WAIT, FW1, "read() returns 0", "close()"},
        {C, ACK, 1101, 5002, 0, CLOSE_WAIT, FW2, NULL, NULL},
        {C, FA, 1101, 5002, 0, LAST_ACK, TIME_WAIT, "close()", "read() returns 0"},
        {S, ACK, 5002, 1102, 0, CLOSED, TIME_WAIT, NULL, NULL},
    };
    conn_play("conn: server closes", closes, N(closes));
    static const step_t simul[] = {
        OPEN,
        {C, FA, 1001, 5001, 0, FW1, CLOSE_WAIT, "close()", "read() returns 0"},
        {S, FA, 5001, 1001, 0, CLOSING, CLOSING, "read() returns 0",
         "close(), the FINs crossed (simultaneous close)"},
        {C, ACK, 1002, 5002, 0, CLOSING, TIME_WAIT, NULL, NULL},
        {S, ACK, 5002, 1002, 0, TIME_WAIT, TIME_WAIT, NULL, NULL},
    };
    conn_play("conn: simultaneous close", simul, N(simul));
    static const step_t refused[] = {
        {C, SYN, 1000, 0, 0, SYN_SENT, SYN_RCVD, "connect()", NULL},
        {S, RA, 0, 1001, 0, CLOSED, CLOSED, "connect() fails: ECONNREFUSED",
         "the kernel answers RST: nothing listens"},
    };
    conn_play("conn: refused", refused, N(refused));
}

/* ---- ladder rows --------------------------------------------------------- */

static void add(flow_ladder_t *L, unsigned dir, uint16_t flags, uint32_t seq, uint32_t ack,
                uint8_t c, uint8_t s, uint16_t analysis)
{
    seg_fact_t *f = &L->seg[L->n++];
    memset(f, 0, sizeof *f);
    f->frame = L->nsegs + 1;
    f->dir = (uint8_t)dir;
    f->flags = flags;
    f->seq = seq;
    f->ack = ack;
    f->tb[0] = c;
    f->tb[1] = s;
    f->via[0] = f->via[1] = TCPS_NONE;
    f->analysis = analysis;
    if (!L->isn_known[dir]) {
        L->isn_known[dir] = true;
        L->isn[dir] = seq;
    }
    L->nsegs++;
    L->nsent[dir]++;
}

static void test_ladder_refused(void)
{
    ctx = "ladder refused";
    static flow_ladder_t L;
    memset(&L, 0, sizeof L);
    /* as a single pass stored them */
    add(&L, C, SYN, 1000, 0, SYN_SENT, SYN_RCVD, 0);
    add(&L, S, RA, 0, 1001, CLOSED, CLOSED, 0);
    CHECK_EQ(ladder_hints(&L), TB_NO_LISTENER);
    ladder_row_t rows[LADDER_MAX_ROWS];
    size_t n = ladder_rows(&L, rows, LADDER_MAX_ROWS);
    CHECK_EQ(n, 3);
    CHECK_EQ(rows[0].kind, LR_START);
    CHECK_STATE(rows[0].state[1], CLOSED);
    CHECK_STATE(rows[1].state[0], SYN_SENT);
    CHECK_STATE(rows[1].state[1], CLOSED); /* never SYN_RECEIVED: nothing listened */
    CHECK_EQ(rows[1].moved[1], 0);
    CHECK_STR(rows[1].flags, "S");
    CHECK_EQ(rows[2].marks, LM_RESET);
    CHECK_EQ(rows[2].ack, 1);
    CHECK_STR(rows[2].call[0], "connect() fails: ECONNREFUSED");
}

static void test_ladder_normal(void)
{
    ctx = "ladder normal";
    static flow_ladder_t L;
    memset(&L, 0, sizeof L);
    add(&L, C, SYN, 1000, 0, SYN_SENT, SYN_RCVD, 0);
    add(&L, S, SA, 5000, 1001, ESTAB, SYN_RCVD, 0);
    add(&L, C, ACK, 1001, 5001, ESTAB, ESTAB, 0);
    add(&L, S, PA, 5001, 1001, ESTAB, ESTAB, TA_RETRANSMISSION | TA_ZERO_WINDOW);
    CHECK_EQ(ladder_hints(&L), 0);
    ladder_row_t rows[LADDER_MAX_ROWS];
    size_t n = ladder_rows(&L, rows, LADDER_MAX_ROWS);
    CHECK_EQ(n, 5);
    CHECK_STATE(rows[0].state[1], LISTEN);
    CHECK_STR(rows[0].call[1], "listen()");
    CHECK_EQ(rows[1].moved[0], 1);
    CHECK_EQ(rows[1].moved[1], 1);
    CHECK_EQ(rows[2].moved[0], 1);
    CHECK_EQ(rows[2].moved[1], 0);
    CHECK_EQ(rows[3].moved[1], 1);
    CHECK_EQ(rows[2].seq, 0);
    CHECK_EQ(rows[2].ack, 1);
    CHECK_EQ(rows[4].marks, LM_RETRANSMISSION | LM_ZERO_WINDOW);
    CHECK_STR(rows[4].flags, "P.");
}

static void test_ladder_udp(void)
{
    ctx = "ladder udp";
    static flow_ladder_t L;
    memset(&L, 0, sizeof L);
    L.udp = true;
    add(&L, C, 0, 0, 0, UNKNOWN, UNKNOWN, 0);
    add(&L, S, 0, 0, 0, UNKNOWN, UNKNOWN, 0);
    ladder_row_t rows[LADDER_MAX_ROWS];
    size_t n = ladder_rows(&L, rows, LADDER_MAX_ROWS);
    CHECK_EQ(n, 3);
    CHECK_EQ(rows[0].kind, LR_START);
    CHECK_EQ(rows[0].note != NULL, 1);
    CHECK_EQ(rows[1].kind, LR_DATAGRAM);
    CHECK_EQ(rows[2].dir, 1);
}

int main(void)
{
    test_start();
    test_client_closes();
    test_server_closes();
    test_refused();
    test_simultaneous_close();
    test_retransmissions();
    test_half_open();
    test_resets();
    test_midstream();
    test_synack_first();
    test_through_conn();
    test_ladder_refused();
    test_ladder_normal();
    test_ladder_udp();
    printf("%d checks, %d failed\n", checks, failed);
    return failed != 0;
}
