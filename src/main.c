/* main.c - the front-end: options, the read loop, and the end-of-run
 * statistics.  Per packet it only calls the capture reader, the engine,
 * the statistics and one renderer: no allocation, no printf. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "engine.h"
#include "filter.h"
#include "flow.h"
#include "flow_report.h"
#include "live.h"
#include "registry.h"
#include "render.h"
#include "stats.h"
#include "tui.h"

#define OUTBUF_SIZE (256u << 10)
#define MAX_UNKNOWN_LINKTYPES 16

enum mode { MODE_LINE, MODE_VERBOSE, MODE_JSON };
enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct options {
    const char *read_file;
    uint64_t count; /* 0: no limit */
    enum mode mode;
    bool hex;          /* -x (-xx the same: it shows the whole frame) */
    unsigned xhex;     /* -X: 1, -XX: 2 (with the link-level header) */
    unsigned ascii;    /* -A: 1, -AA: 2 */
    bool link;         /* -e */
    bool line_buffered; /* -l */
    bool stats; /* end-of-run statistics on stderr */
    enum color_when color;
    unsigned t_count;
    bool quiet;
    bool no_checksums;        /* -K */
    bool absolute_seq;        /* -S */
    char *filter;
    const char *display_filter; /* -Y EXPR */
    struct live_options live; /* -i, -w, -Z ...: live.h */
    flow_report_opts_t flow;  /* --flows, --sort, --flow ID */
    bool flows_only;          /* --flows-only, -q --flows: the summary alone */
    uint32_t max_flows;       /* --max-flows */
    bool tui;                 /* --tui */
};

static void usage(FILE *out)
{
    fputs("Usage: strata [options] [-r FILE | -i IFACE] [filter expression]\n"
          "\n"
          "Read a pcap or pcapng capture, or capture live, and show every layer of\n"
          "every packet.\n"
          "\n"
          "  -r FILE          read packets from FILE (pcap or pcapng; '-' for stdin)\n"
          "  -c N             stop after N packets\n"
          "  -v               layered view: one line per OSI layer with its fields\n"
          "  --json           JSON Lines, one object per packet (see the man page)\n"
          "  -x               hex and ASCII of each packet, bytes marked by layer\n"
          "  -X, -XX          tcpdump's hex and ASCII dump after each line, from the\n"
          "                   network layer on (-XX: from the link-level header)\n"
          "  -A, -AA          the packet's bytes as ASCII text after each line (-AA:\n"
          "                   with the link-level header)\n"
          "  -e               the link-level header on each line, as tcpdump -e\n"
          "  -q               shorter lines: only the innermost protocol's summary\n"
          "  -t               no timestamp; -tt seconds since the epoch; -ttt time since\n"
          "                   the previous packet; -tttt date and time; -ttttt time\n"
          "                   since the first packet (default: local time of day)\n"
          "  -l               write each packet's output at once (strata ... | grep)\n"
          "  -n, -N           accepted for tcpdump habits (strata never resolves names)\n"
          "  -Y EXPR          display filter: show (and with -w write) only the packets\n"
          "                   EXPR matches, in Wireshark's syntax: 'tcp.port == 80',\n"
          "                   'dns and ip.addr == 10.0.0.0/8', 'tcp.flags.syn == 1\n"
          "                   and tcp.flags.ack == 0', 'osi == 7' (see the man page)\n"
          "  -K               verify no checksum (IPv4, ICMP, TCP, UDP)\n"
          "  -S               absolute TCP sequence numbers (default: relative, as tcpdump)\n"
          "  --color=WHEN     colour by layer: auto (default), always, never;\n"
          "                   NO_COLOR in the environment turns auto off\n"
          "  --no-stats       do not print the end-of-run statistics on stderr\n"
          "  --flows          after the packets, one summary per flow (--flows-only:\n"
          "                   the summary alone; --sort=bytes|pkts|duration|start)\n"
          "  --flow ID        only the ladder of flow ID: client and server states\n"
          "                   as a textbook draws them, socket calls, each segment\n"
          "  --tui            the terminal UI: packet list, each packet's OSI stack,\n"
          "                   fields and bytes by layer, connections (? lists its keys)\n"
          "  -h, --help       this help\n"
          "  --version        version of strata and of libpcap\n"
          "\n"
          "A filter expression (pcap-filter(7) syntax, as tcpdump) may follow the options:\n"
          "  strata -r web.pcap tcp port 80\n",
          out);
    live_usage(out);
}

static char *join_args(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *s = malloc(n);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* One line for an option getopt refused: unknown, or without its
 * argument.  A short one is optopt; a long one is the word getopt has
 * just passed (optopt is then 0, or the option's value), unless a short
 * option in the middle of a cluster failed, which leaves optind at its
 * own word. */
static void bad_option(int argc, char **argv, bool missing)
{
    const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    const char *here = optind < argc ? argv[optind] : "";
    bool in_cluster = optopt > 0 && optopt < 128 && here[0] == '-' && here[1] != '-' &&
                      strchr(here + 1, optopt);
    bool long_opt = strncmp(word, "--", 2) == 0 && !in_cluster;
    const char *what = missing ? "needs an argument" : long_opt && optopt ? "takes no argument"
                                                                            : "is unknown";
    if (long_opt) {
        const char *eq = strchr(word, '=');
        fprintf(stderr, "strata: option %.*s %s (see strata --help)\n",
                eq && !missing ? (int)(eq - word) : (int)strlen(word), word, what);
    } else {
        fprintf(stderr, "strata: option -%c %s (see strata --help)\n", optopt, what);
    }
}

static int parse_options(int argc, char **argv, struct options *o)
{
    enum { OPT_JSON = 256, OPT_COLOR, OPT_VERSION, OPT_NO_STATS, OPT_FLOWS, OPT_FLOWS_ONLY,
           OPT_SORT, OPT_FLOW, OPT_MAX_FLOWS, OPT_TUI };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"json", no_argument, NULL, OPT_JSON},
        {"color", required_argument, NULL, OPT_COLOR},
        {"colour", required_argument, NULL, OPT_COLOR},
        {"no-stats", no_argument, NULL, OPT_NO_STATS},
        {"flows", no_argument, NULL, OPT_FLOWS},
        {"flows-only", no_argument, NULL, OPT_FLOWS_ONLY},
        {"sort", required_argument, NULL, OPT_SORT},
        {"flow", required_argument, NULL, OPT_FLOW},
        {"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
        {"tui", no_argument, NULL, OPT_TUI},
        LIVE_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->stats = true;
    int c, rc;
    opterr = 0; /* our own one-line messages below */
    /* '+': options stop at the first word of the filter expression;
     * ':': a missing argument is told apart from an unknown option */
    while ((c = getopt_long(argc, argv, "+:r:c:vxXAeqtnNlhKSY:" LIVE_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case '?':
        case ':':
            bad_option(argc, argv, c == ':');
            return 2;
        case 'r': o->read_file = optarg; break;
        case 'c': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || *end || v == 0 || optarg[0] == '-') {
                fprintf(stderr, "strata: -c: invalid packet count '%s'\n", optarg);
                return 2;
            }
            o->count = v;
            break;
        }
        case 'v': o->mode = o->mode == MODE_JSON ? MODE_JSON : MODE_VERBOSE; break;
        case OPT_JSON: o->mode = MODE_JSON; break;
        case 'x': o->hex = true; break;
        case 'X': o->xhex++; break;
        case 'A': o->ascii++; break;
        case 'e': o->link = true; break;
        case 'l': o->line_buffered = true; break;
        case 'q': o->quiet = true; break;
        case 't':
            if (++o->t_count > 5) {
                fputs("strata: only -t, -tt, -ttt, -tttt and -ttttt are supported\n", stderr);
                return 2;
            }
            break;
        case 'n': /* strata never resolves addresses or ports */
        case 'N': /* nor prints host names to shorten */
            break;
        case 'K': o->no_checksums = true; break;
        case 'S': o->absolute_seq = true; break;
        case 'Y': o->display_filter = optarg; break;
        case 'h': usage(stdout); exit(0);
        case OPT_VERSION:
            printf("strata %s\n%s\n", STRATA_VERSION, capture_lib_version());
            exit(0);
        case OPT_NO_STATS: o->stats = false; break;
        case OPT_TUI: o->tui = true; break;
        case OPT_FLOWS: o->flow.flows = true; break;
        case OPT_FLOWS_ONLY:
            o->flow.flows = true;
            o->flows_only = true;
            break;
        case OPT_SORT:
            if (!flow_sort_parse(optarg, &o->flow.sort)) {
                fprintf(stderr, "strata: --sort: expected bytes, pkts, duration or start, not '%s'\n", optarg);
                return 2;
            }
            break;
        case OPT_FLOW:
        case OPT_MAX_FLOWS: {
            char *end;
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || *end || v == 0 || v > 0x7fffffffUL || optarg[0] == '-') {
                fprintf(stderr, "strata: --%s: expected a number from 1, not '%s'\n",
                        c == OPT_FLOW ? "flow" : "max-flows", optarg);
                return 2;
            }
            if (c == OPT_FLOW)
                o->flow.ladder_id = (uint32_t)v;
            else
                o->max_flows = (uint32_t)v;
            break;
        }
        case OPT_COLOR:
            if (strcmp(optarg, "auto") == 0)
                o->color = COLOR_AUTO;
            else if (strcmp(optarg, "always") == 0)
                o->color = COLOR_ALWAYS;
            else if (strcmp(optarg, "never") == 0)
                o->color = COLOR_NEVER;
            else {
                fprintf(stderr, "strata: --color: expected auto, always or never, not '%s'\n", optarg);
                return 2;
            }
            break;
        default:
            rc = live_option(&o->live, c, optarg); /* -i, -w, -Z ...: live.c */
            if (rc == 0)
                break;
            if (rc == LIVE_OPT_NOT_MINE)
                fputs("Try 'strata --help' for more information.\n", stderr);
            return 2;
        }
    }
    /* without -r: a live capture (live.c) */
    if (live_check(&o->live, o->read_file) != 0)
        return 2;
    /* -q --flows: the summary alone, as --flows-only */
    if (o->quiet && o->flow.flows)
        o->flows_only = true;
    o->flow.json = o->mode == MODE_JSON;
    if ((o->hex || o->xhex || o->ascii) && o->mode == MODE_JSON) {
        fprintf(stderr,
                "strata: -%c cannot be combined with --json (JSON Lines must stay one object per line)\n",
                o->xhex ? 'X' : o->hex ? 'x' : 'A');
        return 2;
    }
    /* tcpdump's precedence: -X over -x over -A */
    if (o->xhex)
        o->hex = false;
    if (o->xhex || o->hex)
        o->ascii = 0;
    if (optind < argc) {
        o->filter = join_args(argc - optind, argv + optind);
        if (!o->filter) {
            fputs("strata: out of memory\n", stderr);
            return 1;
        }
    }
    return 0;
}

/* -Y that does not compile: the message with its column, then the
 * expression and a caret under that column. */
static void print_filter_error(const char *expr, const char *msg, int col)
{
    fprintf(stderr, "strata: -Y: column %d: %s\n  %s\n  ", col, msg, expr);
    for (int i = 1; i < col; i++)
        fputc(expr[i - 1] == '\t' ? '\t' : ' ', stderr);
    fputs("^\n", stderr);
}

static bool use_color(const struct options *o)
{
    if (o->color == COLOR_ALWAYS)
        return true;
    if (o->color == COLOR_NEVER)
        return false;
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return false;
    return isatty(STDOUT_FILENO) == 1;
}

/* Say once per link type that frames of it are shown undissected. */
static void note_unknown_linktype(const char *file, uint32_t lt, uint32_t *seen, unsigned *nseen)
{
    for (unsigned i = 0; i < *nseen; i++)
        if (seen[i] == lt)
            return;
    if (*nseen < MAX_UNKNOWN_LINKTYPES)
        seen[(*nseen)++] = lt;
    const char *name = capture_linktype_name(lt);
    fprintf(stderr, "strata: %s: link type %u%s%s%s is not dissected; its frames are shown as data\n",
            file, lt, name ? " (" : "", name ? name : "", name ? ")" : "");
}

/* Everything one run needs, allocated once before the first packet. */
struct run {
    const struct options *o;
    source_t src;            /* the file or interface, and the -w file */
    bool show;               /* dissect and print (with -w: only with --print) */
    record_t *rec;
    flow_table_t *flows;     /* every TCP/UDP/ICMP flow; NULL when not dissecting */
    engine_hooks_t hooks;    /* the flow table's engine hook */
    bool print;              /* render each packet (not with --flows-only) */
    dfilter_t *dfilter;      /* -Y: the packets shown (and written), or NULL */
    outbuf_t ob;
    render_ctx_t rctx;
    bool flush_each;         /* stdout is a terminal, or -l */
    stats_t st;
    uint64_t handled;        /* packets through handle_packet */
    bool files_full;         /* -G with -W made its last file */
    uint32_t unknown_lt[MAX_UNKNOWN_LINKTYPES];
    unsigned nunknown;
    bool failed;
    char err[768];           /* "NAME: reason" when failed */
};

/* -w: write the packet; non-zero stops the run. */
static int save_packet(struct run *run, const cap_packet_t *pkt)
{
    int w = savefile_write(run->src.save, pkt, run->err, sizeof run->err);
    if (w == SF_ERROR) {
        run->failed = true;
        return 1;
    }
    if (w == SF_FULL) {
        run->files_full = true;
        return 1;
    }
    if (w == SF_CLOSED)
        return 1; /* -w - and its reader is gone: stop, as on a closed stdout */
    return 0;
}

/* The per-packet hook: every packet, read from a file or captured live,
 * passes here once, in order (live: a copy, from inside the capture
 * loop).  No allocation, no printf.  Non-zero stops the run. */
static int handle_packet(void *user, const cap_packet_t *pkt)
{
    struct run *run = user;
    const struct options *o = run->o;
    run->handled++;
    /* with -Y, -w writes what the filter lets through (as tshark -Y -w):
     * the packet is dissected first */
    if (run->src.save && !run->dfilter && save_packet(run, pkt))
        return 1;
    if (run->show) {
        record_t *rec = run->rec;
        /* the record's frame number and time first: the flow hook reads
         * them while the frame is dissected (record_reset keeps them) */
        rec->frame = pkt->index;
        rec->ts_sec = pkt->ts_sec;
        rec->ts_nsec = pkt->ts_nsec;
        /* nanoseconds since the epoch, saturated (a corrupt timestamp
         * must not overflow) */
        int64_t ts_ns;
        if (__builtin_mul_overflow(pkt->ts_sec, 1000000000LL, &ts_ns) ||
            __builtin_add_overflow(ts_ns, (int64_t)pkt->ts_nsec, &ts_ns))
            ts_ns = pkt->ts_sec < 0 ? INT64_MIN : INT64_MAX;
        flow_tick(run->flows, ts_ns);
        engine_dissect(rec, pkt->data, pkt->caplen, pkt->len, pkt->linktype, &run->hooks);
        stats_add(&run->st, rec);
        if (rec->unknown_linktype) {
            ob_flush(&run->ob);
            note_unknown_linktype(run->src.name, pkt->linktype, run->unknown_lt, &run->nunknown);
        }
        /* a packet the display filter leaves out is neither shown nor
         * written; it has been through the flow tracker all the same, so
         * flows stay whole */
        if (run->dfilter) {
            if (!dfilter_match(run->dfilter, rec, run->flows)) {
                render_ts_seen(&run->rctx, rec->ts_sec, rec->ts_nsec);
                return o->count && run->handled >= o->count;
            }
            run->st.shown++;
            if (run->src.save && save_packet(run, pkt))
                return 1;
        }
        if (!run->print) {
            render_ts_seen(&run->rctx, rec->ts_sec, rec->ts_nsec);
            return o->count && run->handled >= o->count;
        }
        switch (o->mode) {
        case MODE_LINE: render_line(&run->ob, &run->rctx, rec); break;
        case MODE_VERBOSE: render_verbose(&run->ob, &run->rctx, rec); break;
        case MODE_JSON: render_json(&run->ob, rec); break;
        }
        if (o->hex) {
            render_hex(&run->ob, &run->rctx, rec);
            if (o->mode == MODE_LINE)
                ob_putc(&run->ob, '\n');
        } else if (o->xhex) {
            render_hex_ascii(&run->ob, &run->rctx, rec, o->xhex > 1);
        } else if (o->ascii) {
            render_ascii(&run->ob, rec, o->ascii > 1);
        }
        render_ts_seen(&run->rctx, rec->ts_sec, rec->ts_nsec);
        if (run->flush_each)
            ob_flush(&run->ob);
        if (run->ob.failed)
            return 1; /* stdout closed (strata ... | head): stop reading */
    }
    return o->count && run->handled >= o->count;
}

/* Live: after each batch from the ring, what was printed and written goes
 * out, so a killed strata leaves whole lines and a readable -w file. */
static int after_batch(void *user)
{
    struct run *run = user;
    ob_flush(&run->ob);
    if (run->src.save && savefile_flush(run->src.save, run->err, sizeof run->err) < 0) {
        run->failed = true;
        return 1;
    }
    return run->ob.failed;
}

/* Live, on SIGUSR1: the statistics so far; the capture goes on. */
static void report_stats(void *user)
{
    struct run *run = user;
    ob_flush(&run->ob);
    if (run->show)
        stats_print(&run->st, stderr);
    if (run->flows)
        flow_stats_print(run->flows, stderr);
    live_print_stats(stderr, run->src.cap, run->handled);
}

static void read_file(struct run *run)
{
    cap_packet_t pkt;
    char err[512];
    for (;;) {
        int r = capture_next(run->src.cap, &pkt, err, sizeof err);
        if (r == CAP_EOF)
            break;
        if (r == CAP_ERROR) {
            snprintf(run->err, sizeof run->err, "%s: %s", run->src.name, err);
            run->failed = true;
            break;
        }
        if (handle_packet(run, &pkt))
            break;
    }
}

static void read_interface(struct run *run)
{
    live_hooks_t hooks = {
        .packet = handle_packet,
        .batch = after_batch,
        .report = report_stats,
        .user = run,
        .extra_fd = -1,
    };
    if (live_run(run->src.cap, &hooks, run->err, sizeof run->err) < 0)
        run->failed = true;
}

/* The end-of-run hook, however the run ended (end of file, -c, a signal,
 * an error): output flushed, the -w file closed, then the statistics. */
static int end_of_run(struct run *run)
{
    const struct options *o = run->o;
    char err[768];
    /* the flow summary after the last packet (its own errors are printed
     * by flow_report and make the exit status non-zero); with -ttt its
     * start times count from the first packet too, as with -ttttt (a gap
     * from the last packet shown would mean nothing there) */
    if (run->rctx.ts_style == TS_DELTA)
        run->rctx.ts_style = TS_SINCE_FIRST;
    bool flows_failed = run->flows && (o->flow.flows || o->flow.ladder_id) &&
                        flow_report(run->flows, &o->flow, &run->ob, &run->rctx, run->src.name) < 0;
    ob_flush(&run->ob);
    if (source_close_output(&run->src, err, sizeof err) < 0 && !run->failed) {
        snprintf(run->err, sizeof run->err, "%s", err);
        run->failed = true;
    }
    if (run->failed)
        fprintf(stderr, "strata: %s\n", run->err);
    if (run->files_full)
        fprintf(stderr, "strata: maximum file limit reached: %u\n", o->live.max_files);
    if (o->stats) {
        if (run->show)
            stats_print(&run->st, stderr);
        if (run->flows)
            flow_stats_print(run->flows, stderr);
        if (capture_is_live(run->src.cap))
            live_print_stats(stderr, run->src.cap, run->handled);
        else if (!run->show)
            fprintf(stderr, "%llu packet%s written\n", (unsigned long long)run->handled,
                    run->handled == 1 ? "" : "s");
        else if (run->dfilter && o->live.write_file && !run->print)
            fprintf(stderr, "%llu packet%s written\n", (unsigned long long)run->st.shown,
                    run->st.shown == 1 ? "" : "s");
    }
    capture_close(run->src.cap);
    run->src.cap = NULL;
    dfilter_free(run->dfilter);
    run->dfilter = NULL;
    flow_table_free(run->flows);
    run->flows = NULL;
    return run->failed || flows_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return rc;
    signal(SIGPIPE, SIG_IGN); /* a closed pipe shows up as a failed write */
    if (o.live.list_devices) {
        free(o.filter);
        return live_list_devices();
    }

    char err[768];
    if (registry_init(err, sizeof err) != 0) {
        fprintf(stderr, "strata: internal error: %s\n", err);
        return 1;
    }

    if (o.tui) {
        if (o.live.write_file) {
            fputs("strata: --tui cannot be combined with -w\n", stderr);
            free(o.filter);
            return 2;
        }
        tui_config_t tc = {
            .read_file = o.read_file,
            .bpf = o.filter,
            .display_filter = o.display_filter,
            .live = &o.live,
            .max_flows = o.max_flows,
            .no_checksums = o.no_checksums,
        };
        rc = tui_main(&tc);
        free(o.filter);
        return rc;
    }

    /* everything the loop uses is allocated here, once */
    static struct run run;
    if (o.display_filter) {
        int col = 0;
        run.dfilter = dfilter_compile(o.display_filter, err, sizeof err, &col);
        if (!run.dfilter) {
            print_filter_error(o.display_filter, err, col);
            free(o.filter);
            return 2;
        }
    }
    static record_t rec;
    static char obuf[OUTBUF_SIZE];
    run.o = &o;
    run.rec = &rec;
    /* the file or the interface, the filter, the -w file; then no more
     * privileges than a user's */
    if (source_open(&run.src, &o.live, o.read_file, o.filter, err, sizeof err) != 0) {
        fprintf(stderr, "strata: %s\n", err);
        free(o.filter);
        return 1;
    }
    run.show = !o.live.write_file || o.live.print || o.flow.flows || o.flow.ladder_id || run.dfilter;
    /* --flow ID: the ladder alone, no packet before it */
    run.print = run.show && !o.flows_only && !o.flow.ladder_id &&
                (!o.live.write_file || o.live.print);
    /* nothing reads a field of a packet not shown, unless the filter does */
    rec.lean = !run.print && !dfilter_needs_fields(run.dfilter);
    run.st.filtered = run.dfilter != NULL;
    rec.no_checksums = o.no_checksums;
    if (run.show) {
        run.flows = flow_table_new(o.max_flows ? o.max_flows : FLOW_DEFAULT_MAX,
                                  o.flow.ladder_id, err, sizeof err);
        if (!run.flows) {
            fprintf(stderr, "strata: %s\n", err);
            capture_close(run.src.cap);
            free(o.filter);
            return 1;
        }
        flow_table_absolute_seq(run.flows, o.absolute_seq);
        run.hooks.layer = flow_layer_hook;
        run.hooks.ctx = run.flows;
    }
    ob_init(&run.ob, obuf, sizeof obuf, STDOUT_FILENO);
    render_ctx_init(&run.rctx);
    run.rctx.quiet = o.quiet;
    run.rctx.color = use_color(&o);
    static const enum ts_style ts_styles[6] = {TS_LOCAL, TS_NONE, TS_EPOCH, TS_DELTA, TS_DATE,
                                               TS_SINCE_FIRST};
    run.rctx.ts_style = ts_styles[o.t_count];
    run.rctx.link = o.link;
    if (run.src.nano_shown)
        run.rctx.ts_digits = 9;
    run.flush_each = o.line_buffered || isatty(STDOUT_FILENO) == 1;

    if (capture_is_live(run.src.cap))
        read_interface(&run);
    else
        read_file(&run);
    int result = end_of_run(&run);
    free(o.filter);
    return result;
}
