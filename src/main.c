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
#include "registry.h"
#include "render.h"
#include "stats.h"

#define OUTBUF_SIZE (256u << 10)
#define MAX_UNKNOWN_LINKTYPES 16

enum mode { MODE_LINE, MODE_VERBOSE, MODE_JSON };
enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct options {
    const char *read_file;
    uint64_t count; /* 0: no limit */
    enum mode mode;
    bool hex;
    bool stats; /* end-of-run statistics on stderr */
    enum color_when color;
    unsigned t_count;
    bool quiet;
    char *filter;
};

static void usage(FILE *out)
{
    fputs("Usage: strata [options] -r FILE [filter expression]\n"
          "\n"
          "Read a pcap or pcapng capture and show every layer of every packet.\n"
          "\n"
          "  -r FILE          read packets from FILE (pcap or pcapng; '-' for stdin)\n"
          "  -c N             stop after N packets\n"
          "  -v               layered view: one line per OSI layer with its fields\n"
          "  --json           JSON Lines, one object per packet (see the man page)\n"
          "  -x               hex and ASCII of each packet, bytes marked by layer\n"
          "  -q               shorter lines: only the innermost protocol's summary\n"
          "  -t               no timestamp; -tt seconds since the epoch;\n"
          "                   -tttt date and time (default: local time of day)\n"
          "  -n               accepted for tcpdump habits (strata never resolves names)\n"
          "  --color=WHEN     colour by layer: auto (default), always, never;\n"
          "                   NO_COLOR in the environment turns auto off\n"
          "  --no-stats       do not print the end-of-run statistics on stderr\n"
          "  -h, --help       this help\n"
          "  --version        version of strata and of libpcap\n"
          "\n"
          "A filter expression (pcap-filter(7) syntax, as tcpdump) may follow the options:\n"
          "  strata -r web.pcap tcp port 80\n",
          out);
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

static int parse_options(int argc, char **argv, struct options *o)
{
    enum { OPT_JSON = 256, OPT_COLOR, OPT_VERSION, OPT_NO_STATS };
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"json", no_argument, NULL, OPT_JSON},
        {"color", required_argument, NULL, OPT_COLOR},
        {"colour", required_argument, NULL, OPT_COLOR},
        {"no-stats", no_argument, NULL, OPT_NO_STATS},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->stats = true;
    int c;
    /* '+': options stop at the first word of the filter expression */
    while ((c = getopt_long(argc, argv, "+r:c:vxqtnh", longopts, NULL)) != -1) {
        switch (c) {
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
        case 'q': o->quiet = true; break;
        case 't': o->t_count++; break;
        case 'n': break;
        case 'h': usage(stdout); exit(0);
        case OPT_VERSION:
            printf("strata %s\n%s\n", STRATA_VERSION, capture_lib_version());
            exit(0);
        case OPT_NO_STATS: o->stats = false; break;
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
            fputs("Try 'strata --help' for more information.\n", stderr);
            return 2;
        }
    }
    if (!o->read_file) {
        fputs("strata: no capture to read: give -r FILE (or -r - for standard input)\n", stderr);
        fputs("Try 'strata --help' for more information.\n", stderr);
        return 2;
    }
    if (o->hex && o->mode == MODE_JSON) {
        fputs("strata: -x cannot be combined with --json (JSON Lines must stay one object per line)\n",
              stderr);
        return 2;
    }
    if (optind < argc) {
        o->filter = join_args(argc - optind, argv + optind);
        if (!o->filter) {
            fputs("strata: out of memory\n", stderr);
            return 1;
        }
    }
    return 0;
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

int main(int argc, char **argv)
{
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return rc;
    signal(SIGPIPE, SIG_IGN); /* a closed pipe shows up as a failed write */

    char err[512];
    if (registry_init(err, sizeof err) != 0) {
        fprintf(stderr, "strata: internal error: %s\n", err);
        return 1;
    }
    const char *name = strcmp(o.read_file, "-") == 0 ? "<stdin>" : o.read_file;
    capture_t *cap = capture_open_file(o.read_file, err, sizeof err);
    if (!cap) {
        fprintf(stderr, "strata: %s: %s\n", name, err);
        free(o.filter);
        return 1;
    }
    if (o.filter && capture_set_filter(cap, o.filter, err, sizeof err) != 0) {
        fprintf(stderr, "strata: %s: %s\n", name, err);
        capture_close(cap);
        free(o.filter);
        return 1;
    }

    /* everything the loop uses is allocated here, once */
    static record_t rec;
    static char obuf[OUTBUF_SIZE];
    outbuf_t ob;
    ob_init(&ob, obuf, sizeof obuf, STDOUT_FILENO);
    render_ctx_t rctx;
    render_ctx_init(&rctx);
    rctx.quiet = o.quiet;
    rctx.color = use_color(&o);
    rctx.ts_style = o.t_count == 0 ? TS_LOCAL : o.t_count == 1 ? TS_NONE : o.t_count == 2 ? TS_EPOCH : TS_DATE;
    if (strcmp(capture_format(cap), "pcap (nanosecond)") == 0)
        rctx.ts_digits = 9;
    bool flush_each = isatty(STDOUT_FILENO) == 1;
    stats_t st;
    memset(&st, 0, sizeof st);
    uint32_t unknown_lt[MAX_UNKNOWN_LINKTYPES];
    unsigned nunknown = 0;

    int result = 0;
    cap_packet_t pkt;
    for (;;) {
        if (o.count && st.packets >= o.count)
            break;
        int r = capture_next(cap, &pkt, err, sizeof err);
        if (r == CAP_EOF)
            break;
        if (r == CAP_ERROR) {
            result = 1;
            break;
        }
        engine_dissect(&rec, pkt.data, pkt.caplen, pkt.len, pkt.linktype);
        rec.frame = pkt.index;
        rec.ts_sec = pkt.ts_sec;
        rec.ts_nsec = pkt.ts_nsec;
        stats_add(&st, &rec);
        if (rec.unknown_linktype) {
            ob_flush(&ob);
            note_unknown_linktype(name, pkt.linktype, unknown_lt, &nunknown);
        }
        switch (o.mode) {
        case MODE_LINE: render_line(&ob, &rctx, &rec); break;
        case MODE_VERBOSE: render_verbose(&ob, &rctx, &rec); break;
        case MODE_JSON: render_json(&ob, &rec); break;
        }
        if (o.hex) {
            render_hex(&ob, &rctx, &rec);
            if (o.mode == MODE_LINE)
                ob_putc(&ob, '\n');
        }
        if (flush_each)
            ob_flush(&ob);
        if (ob.failed)
            break; /* stdout closed (strata ... | head): stop reading */
    }
    ob_flush(&ob);
    if (result)
        fprintf(stderr, "strata: %s: %s\n", name, err);
    if (o.stats)
        stats_print(&st, stderr);
    capture_close(cap);
    free(o.filter);
    return result;
}
