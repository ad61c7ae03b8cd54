/* live.c - live capture for the front-end: options, opening a source with
 * privileges dropped before the first packet, the poll() loop and the
 * capture statistics.  See live.h. */
#define _GNU_SOURCE /* ppoll */
#include "live.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "privdrop.h"

#define LIVE_DEFAULT_USER "nobody" /* as tcpdump built --with-user drops to its user */
#define LIVE_POLL_MS 1000          /* longest wait without news (signals end it sooner) */

/* ---- options ------------------------------------------------------------ */

static int bad(const char *opt, const char *arg, const char *why)
{
    fprintf(stderr, "strata: %s %s: %s\n", opt, arg, why);
    return 2;
}

/* A decimal number in [lo, hi]; false if it is not one. */
static bool parse_num(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    if (!*s)
        return false;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

int live_option(struct live_options *lo, int c, const char *arg)
{
    long long v;
    switch (c) {
    case 'i': lo->pcap.device = arg; return 0;
    case 'D': lo->list_devices = true; return 0;
    case 'p': lo->pcap.no_promisc = true; return 0;
    case 's':
        if (!parse_num(arg, 0, CAP_MAX_SNAPLEN, &v))
            return bad("-s", arg, "snapshot length out of range (0 to 262144; 0 means 262144)");
        lo->pcap.snaplen = (int)v;
        return 0;
    case 'B':
        if (!parse_num(arg, 1, 4 * 1024 * 1024, &v))
            return bad("-B", arg, "buffer size in KiB must be between 1 and 4194304 (4 GiB)");
        lo->pcap.buffer_kib = (int)v;
        return 0;
    case 'Q':
        if (strcmp(arg, "in") == 0)
            lo->pcap.direction = CAP_DIR_IN;
        else if (strcmp(arg, "out") == 0)
            lo->pcap.direction = CAP_DIR_OUT;
        else if (strcmp(arg, "inout") == 0)
            lo->pcap.direction = CAP_DIR_INOUT;
        else
            return bad("-Q", arg, "direction must be in, out or inout");
        return 0;
    case 'j':
        /* nano|micro: the precision; any other word: libpcap's time stamp
         * type, as tcpdump's -j (host, adapter, adapter_unsynced, ...) */
        if (strcmp(arg, "nano") != 0 && strcmp(arg, "micro") != 0) {
            lo->pcap.tstamp_type = arg;
            return 0;
        }
        /* fall through */
    case LIVE_OPT_TSPREC:
        if (strcmp(arg, "nano") == 0) {
            lo->nano = true;
            lo->pcap.micro = false;
        } else if (strcmp(arg, "micro") == 0) {
            lo->nano = false;
            lo->pcap.micro = true;
        } else {
            return bad("--time-stamp-precision", arg, "expected nano or micro");
        }
        return 0;
    case LIVE_OPT_NANO: lo->nano = true; lo->pcap.micro = false; return 0;
    case LIVE_OPT_MICRO: lo->nano = false; lo->pcap.micro = true; return 0;
    case LIVE_OPT_TSTYPE: lo->pcap.tstamp_type = arg; return 0;
    case LIVE_OPT_IMMEDIATE: lo->pcap.immediate = true; return 0;
    case LIVE_OPT_PRINT: lo->print = true; return 0;
    case 'w': lo->write_file = arg; return 0;
    case 'C':
        lo->rotate_bytes = savefile_parse_size(arg);
        if (!lo->rotate_bytes)
            return bad("-C", arg, "file size must be a positive number of millions of bytes, "
                                  "or of KiB, MiB, GiB with a k, m, g suffix");
        return 0;
    case 'G':
        if (!parse_num(arg, 1, 366LL * 86400, &v))
            return bad("-G", arg, "rotation period must be a positive number of seconds");
        lo->rotate_secs = (unsigned)v;
        return 0;
    case 'W':
        if (!parse_num(arg, 1, 1000000, &v))
            return bad("-W", arg, "file count must be between 1 and 1000000");
        lo->max_files = (unsigned)v;
        return 0;
    case 'Z': lo->user = arg; return 0;
    default: return LIVE_OPT_NOT_MINE;
    }
}

int live_check(const struct live_options *lo, const char *read_file)
{
    const char *msg = NULL;
    if (lo->list_devices)
        return 0;
    if (read_file && lo->pcap.device)
        msg = "-i and -r cannot be combined: read a file or capture from an interface";
    else if ((lo->rotate_bytes || lo->rotate_secs || lo->max_files) && !lo->write_file)
        msg = "-C, -G and -W rotate the file -w writes: give -w FILE";
    else if (lo->max_files && !lo->rotate_bytes && !lo->rotate_secs)
        msg = "-W needs -C (a ring of files) or -G (a number of periods)";
    else if (lo->write_file && strcmp(lo->write_file, "-") == 0 && lo->print)
        msg = "--print cannot be combined with -w - (both would use standard output)";
    else if (lo->write_file && strcmp(lo->write_file, "-") == 0 && (lo->rotate_bytes || lo->rotate_secs))
        msg = "-w -: standard output cannot be rotated (-C, -G)";
    if (!msg)
        return 0;
    fprintf(stderr, "strata: %s\n", msg);
    return 2;
}

void live_usage(FILE *out)
{
    fputs("\n"
          "Live capture (as tcpdump; see README \"Live capture\" for permissions):\n"
          "  -i IFACE         capture on IFACE ('any': every interface); without -i and -r,\n"
          "                   the first interface that is up, running and not loopback\n"
          "  -D               list the interfaces with their flags and addresses\n"
          "  -p               do not put the interface in promiscuous mode\n"
          "  -s SNAPLEN       bytes kept of each packet (default and 0: 262144)\n"
          "  -B KiB           kernel buffer size (default 16384 KiB)\n"
          "  --immediate      deliver each packet at once; costs throughput (on Linux it\n"
          "                   turns off the TPACKET_V3 ring); by default packets come in\n"
          "                   batches at least every 100 ms\n"
          "  -Q in|out|inout  capture only packets received, sent, or both\n"
          "  --time-stamp-precision=nano|micro, --nano, --micro, -j nano|micro\n"
          "                   nano: nine digits shown, nanosecond -w files (the capture is\n"
          "                   in nanoseconds by default; shown and written in microseconds)\n"
          "  -j TYPE          libpcap time stamp type (host, adapter, ...), as tcpdump\n"
          "  -w FILE          write the raw packets to the pcap FILE ('-': standard output)\n"
          "                   instead of printing them; works with -r too\n"
          "  --print          with -w, also print the packets\n"
          "  -C SIZE          with -w, a new file once SIZE million bytes are written\n"
          "                   (k, m, g: KiB, MiB, GiB): FILE, FILE1, FILE2, ...\n"
          "  -G SECONDS       with -w, a new file every SECONDS; FILE is a strftime pattern\n"
          "  -W N             with -C, a ring of N files FILE0..; with -G, stop after N\n"
          "  -Z USER          after opening the interface and the -w file, run as USER\n"
          "                   (default when started as root: nobody; -Z root keeps root)\n"
          "SIGINT, SIGTERM and -c N stop cleanly and print the statistics; SIGUSR1 prints\n"
          "them and goes on.\n",
          out);
}

int live_list_devices(void)
{
    char err[512];
    if (capture_list_devices(stdout, err, sizeof err) < 0) {
        fprintf(stderr, "strata: -D: %s\n", err);
        return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- opening a source ---------------------------------------------------- */

static void source_fail(source_t *src)
{
    savefile_discard(src->save); /* only ever a header so far: remove it */
    capture_close(src->cap);
    memset(src, 0, sizeof *src);
}

int source_open(source_t *src, const struct live_options *lo, const char *read_file,
                const char *filter, char *err, size_t errlen)
{
    char msg[768];
    memset(src, 0, sizeof *src);
    bool live = read_file == NULL;
    if (!live) {
        src->name = strcmp(read_file, "-") == 0 ? "<stdin>" : read_file;
        src->cap = capture_open_file(read_file, msg, sizeof msg);
        if (!src->cap) {
            snprintf(err, errlen, "%s: %s", src->name, msg);
            return -1;
        }
        src->nano_shown = capture_nano(src->cap);
    } else {
        src->cap = capture_open_live(&lo->pcap, msg, sizeof msg);
        if (!src->cap) {
            snprintf(err, errlen, "%s", msg);
            return -1;
        }
        src->name = capture_device(src->cap);
        const char *w = capture_warnings(src->cap);
        while (*w) {
            size_t n = strcspn(w, "\n");
            fprintf(stderr, "strata: warning: %.*s\n", (int)n, w);
            w += n + (w[n] == '\n');
        }
        src->nano_shown = lo->nano && capture_nano(src->cap);
    }
    if (filter && capture_set_filter(src->cap, filter, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "%s: %s", src->name, msg);
        source_fail(src);
        return -1;
    }

    /* whom to become: -Z USER; for a live capture started as root,
     * nobody; -Z root keeps root */
    const char *user = lo->user;
    if (!user && live && priv_is_root())
        user = LIVE_DEFAULT_USER;
    uid_t uid = 0;
    gid_t gid = 0;
    if (user && priv_lookup(user, &uid, &gid, msg, sizeof msg) < 0) {
        snprintf(err, errlen, "-Z %s: %s%s", user, msg,
                 lo->user ? "" : " (strata drops root to it by default; -Z USER names another, -Z root keeps root)");
        source_fail(src);
        return -1;
    }
    if (user && !priv_is_root() && uid != getuid()) {
        snprintf(err, errlen, "-Z %s: only root can change to another user", user);
        source_fail(src);
        return -1;
    }
    bool to_user = user && priv_is_root() && uid != 0;

    if (lo->write_file) {
        savefile_config_t sc;
        memset(&sc, 0, sizeof sc);
        sc.path = lo->write_file;
        sc.rotate_bytes = lo->rotate_bytes;
        sc.rotate_secs = lo->rotate_secs;
        sc.max_files = lo->max_files;
        sc.linktype_known = capture_linktype(src->cap, &sc.linktype);
        sc.snaplen = capture_snaplen(src->cap);
        /* a file keeps its own precision unless --micro; a capture is
         * written in microseconds unless --time-stamp-precision=nano */
        sc.nano = live ? lo->nano && capture_nano(src->cap)
                       : lo->nano || (capture_nano(src->cap) && !lo->pcap.micro);
        /* opened before privileges go, as tcpdump does, so that strata
         * started as root can write where root can */
        src->save = savefile_open(&sc, msg, sizeof msg);
        if (!src->save) {
            snprintf(err, errlen, "%s", msg);
            source_fail(src);
            return -1;
        }
        /* and given to the user, as Debian's tcpdump does, so that a -W
         * ring can reopen it */
        if (to_user && savefile_chown(src->save, uid, gid, msg, sizeof msg) < 0) {
            snprintf(err, errlen, "%s", msg);
            source_fail(src);
            return -1;
        }
    }

    /* rotation creates files later, as the user: say now if it cannot */
    if (src->save && to_user && (lo->rotate_bytes || lo->rotate_secs)) {
        char dir[1024];
        savefile_dir(src->save, dir, sizeof dir);
        int can = priv_user_can_write_dir(user, uid, gid, dir, msg, sizeof msg);
        if (can <= 0) {
            if (can < 0)
                snprintf(err, errlen, "-Z %s: %s", user, msg);
            else
                snprintf(err, errlen,
                         "%s: user %s cannot create files here, which -C/-G rotation needs after "
                         "privileges are dropped (choose a directory it can write, or -Z root)",
                         dir, user);
            source_fail(src);
            return -1;
        }
    }

    if (to_user) {
        if (priv_drop_to(user, uid, gid, msg, sizeof msg) < 0) {
            snprintf(err, errlen, "-Z %s: %s", user, msg);
            source_fail(src);
            return -1;
        }
    } else if (!priv_is_root() && priv_drop_caps(msg, sizeof msg) < 0) {
        snprintf(err, errlen, "%s: %s", src->name, msg);
        source_fail(src);
        return -1;
    }

    if (live) {
        /* from here SIGINT stops the capture cleanly, even before the
         * first wait: no window in which it would be lost or kill */
        live_signals_install(src->cap);
        uint32_t lt = 0;
        capture_linktype(src->cap, &lt);
        const char *ltname = capture_linktype_name(lt);
        fprintf(stderr, "strata: listening on %s, link-type %s, snapshot length %u bytes%s%s\n",
                src->name, ltname ? ltname : "?", capture_snaplen(src->cap),
                to_user ? ", running as " : "", to_user ? user : "");
    }
    return 0;
}

int source_close_output(source_t *src, char *err, size_t errlen)
{
    if (!src->save)
        return 0;
    uint32_t lt;
    if (capture_linktype(src->cap, &lt))
        savefile_set_linktype(src->save, lt);
    uint64_t skipped = savefile_skipped(src->save);
    if (skipped)
        fprintf(stderr, "strata: %s: %llu packet%s of another link type not written (a pcap file holds one)\n",
                savefile_name(src->save), (unsigned long long)skipped, skipped == 1 ? "" : "s");
    int rc = savefile_close(src->save, err, errlen);
    src->save = NULL;
    return rc;
}

int source_close(source_t *src, char *err, size_t errlen)
{
    int rc = source_close_output(src, err, errlen);
    capture_close(src->cap);
    memset(src, 0, sizeof *src);
    return rc;
}

/* ---- the loop ------------------------------------------------------------ */

static volatile sig_atomic_t stop_signal, report_wanted;
static capture_t *volatile signal_cap;

static void on_stop_signal(int signo)
{
    stop_signal = signo;
    capture_breakloop(signal_cap); /* only sets a flag (and wakes libpcap) */
}

static void on_report_signal(int signo)
{
    (void)signo;
    report_wanted = 1;
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

int live_stop_signal(void)
{
    return stop_signal;
}

static bool signals_installed;
static struct sigaction old_actions[3], old_usr1;
static sigset_t ours; /* the signals the loop waits for */

void live_signals_install(capture_t *cap)
{
    signal_cap = cap;
    if (signals_installed)
        return;
    /* handlers without SA_RESTART, so that a signal ends a wait at once */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    report_wanted = 0;
    sigemptyset(&ours);
    for (int i = 0; i < 3; i++) {
        sigaction(stop_signals[i], NULL, &old_actions[i]);
        /* like tcpdump, leave SIGHUP alone when ignored (nohup) */
        if (stop_signals[i] == SIGHUP && old_actions[i].sa_handler == SIG_IGN)
            continue;
        sa.sa_handler = on_stop_signal;
        sigaction(stop_signals[i], &sa, NULL);
        sigaddset(&ours, stop_signals[i]);
    }
    sa.sa_handler = on_report_signal;
    sigaction(SIGUSR1, &sa, &old_usr1);
    sigaddset(&ours, SIGUSR1);
    signals_installed = true;
}

void live_signals_restore(void)
{
    if (!signals_installed)
        return;
    for (int i = 0; i < 3; i++)
        sigaction(stop_signals[i], &old_actions[i], NULL);
    sigaction(SIGUSR1, &old_usr1, NULL);
    signal_cap = NULL;
    signals_installed = false;
}

/* The packet hook, noting whether it asked to stop (-c N). */
struct loop {
    const live_hooks_t *h;
    bool hook_stopped;
};

static int on_packet(void *user, const cap_packet_t *pkt)
{
    struct loop *lp = user;
    if (lp->hook_stopped)
        return 1;
    if (lp->h->packet(lp->h->user, pkt))
        lp->hook_stopped = true;
    return lp->hook_stopped;
}

/* After SIGINT/SIGTERM/SIGHUP: what the kernel received before the signal
 * is still handed over.  With TPACKET_V3 the last packets sit in a ring
 * block that the kernel retires within the capture timeout, so wait for
 * that (a bounded poll, which a second signal ends), then take what is
 * there. */
static int drain(capture_t *cap, struct loop *lp, int fd, char *err, size_t errlen)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, CAP_LIVE_TIMEOUT_MS + 50) < 0)
        return 0; /* a second signal: stop now */
    /* the break the signal handler asked for is still pending in libpcap
     * unless a dispatch returned it: the first CAP_STOP consumes it */
    for (int i = 0; i < 3 && !lp->hook_stopped; i++) {
        int r = capture_dispatch(cap, -1, on_packet, lp, err, errlen);
        if (r == CAP_ERROR)
            return -1;
        if (r != CAP_STOP)
            break;
    }
    if (lp->h->batch)
        lp->h->batch(lp->h->user);
    return 0;
}

int live_run(capture_t *cap, const live_hooks_t *h, char *err, size_t errlen)
{
    int fd = capture_selectable_fd(cap);
    if (fd < 0) {
        snprintf(err, errlen, "%s: no descriptor to wait on", capture_device(cap));
        return -1;
    }
    int max_ms = capture_poll_timeout_ms(cap);
    if (max_ms < 0 || max_ms > LIVE_POLL_MS)
        max_ms = LIVE_POLL_MS;
    if (h->max_wait_ms > 0 && h->max_wait_ms < max_ms)
        max_ms = h->max_wait_ms;

    live_signals_install(cap);
    sigset_t saved, waitmask;

    struct loop lp = {.h = h, .hook_stopped = false};
    int rc = 0;
    for (;;) {
        /* signals are let in only while waiting (ppoll), so that none is
         * lost between looking at the flags and going to sleep */
        sigprocmask(SIG_BLOCK, &ours, &saved);
        waitmask = saved;
        for (int s = 0; s < 3; s++)
            sigdelset(&waitmask, stop_signals[s]);
        sigdelset(&waitmask, SIGUSR1);
        struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN}, {.fd = h->extra_fd, .events = POLLIN}};
        int npfd = h->extra_fd >= 0 ? 2 : 1;
        int pr = 0;
        if (!stop_signal && !report_wanted) {
            struct timespec ts = {max_ms / 1000, (long)(max_ms % 1000) * 1000000L};
            pr = ppoll(pfd, (nfds_t)npfd, &ts, &waitmask);
        }
        int perr = errno;
        sigprocmask(SIG_SETMASK, &saved, NULL);
        if (stop_signal)
            break;
        if (report_wanted) {
            report_wanted = 0;
            if (h->report)
                h->report(h->user);
        }
        if (pr < 0) {
            if (perr == EINTR)
                continue;
            snprintf(err, errlen, "%s: poll: %s", capture_device(cap), strerror(perr));
            rc = -1;
            break;
        }
        if (npfd == 2 && (pfd[1].revents & (POLLIN | POLLHUP)) && h->extra && h->extra(h->user))
            break;
        /* an error on the descriptor (the interface went down or away):
         * one blocking dispatch lets libpcap read and name it */
        bool fd_error = (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
        int r = capture_dispatch(cap, -1, on_packet, &lp, err, errlen);
        if (r == CAP_ERROR) {
            rc = -1;
            break;
        }
        if (h->batch && h->batch(h->user))
            break;
        if (r == CAP_STOP)
            break; /* a packet hook (-c N) or a signal */
        if (fd_error && r == 0) {
            r = capture_dispatch_wait(cap, on_packet, &lp, err, errlen);
            if (r == CAP_ERROR) {
                rc = -1;
                break;
            }
        }
    }
    if (rc == 0 && stop_signal && drain(cap, &lp, fd, err, errlen) < 0)
        rc = -1;
    live_signals_restore();
    return rc;
}

/* ---- statistics ---------------------------------------------------------- */

static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

void live_print_stats(FILE *out, capture_t *cap, uint64_t captured)
{
    cap_stats_t st;
    char err[512];
    fprintf(out, "%llu packet%s captured\n", (unsigned long long)captured, plural(captured));
    if (capture_stats(cap, &st, err, sizeof err) < 0) {
        fprintf(out, "strata: %s\n", err);
        return;
    }
    fprintf(out, "%u packet%s received by filter\n", st.recv, plural(st.recv));
    fprintf(out, "%u packet%s dropped by kernel\n", st.drop, plural(st.drop));
    fprintf(out, "%u packet%s dropped by interface\n", st.ifdrop, plural(st.ifdrop));
    fflush(out);
}
