/* live.h - live capture for the front-end: the options tcpdump users
 * expect (-i -D -p -s -B -Q -j -w -C -G -W -Z --immediate --print), opening
 * a source (file or interface, filter, -w file, then privileges dropped),
 * the poll() loop, and the capture statistics.
 *
 * The loop is shared by every front-end (one-line output now, the TUI
 * later): it waits in poll() on the capture's selectable descriptor (and
 * one more descriptor of the caller's, e.g. a terminal), calls
 * capture_dispatch() for each batch, and turns SIGINT, SIGTERM and SIGHUP
 * into a clean stop and SIGUSR1 into a statistics report.  The signal
 * handlers only set flags and call pcap_breakloop; everything is printed
 * by the loop's hooks.
 */
#ifndef STRATA_LIVE_H
#define STRATA_LIVE_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "savefile.h"

struct live_options {
    cap_live_config_t pcap;   /* -i -p -s -B --immediate -Q -j, --time-stamp-precision */
    bool list_devices;        /* -D */
    bool nano;                /* --time-stamp-precision=nano: 9 digits shown, nanosecond -w files */
    const char *write_file;   /* -w */
    bool print;               /* --print: dissect to stdout while writing */
    uint64_t rotate_bytes;    /* -C */
    unsigned rotate_secs;     /* -G */
    unsigned max_files;       /* -W */
    const char *user;         /* -Z */
};

/* The short options this module owns, for getopt's string, and the long
 * ones for its table (codes LIVE_OPT_BASE and up). */
#define LIVE_SHORTOPTS "i:Dps:B:Q:j:w:C:G:W:Z:"
enum {
    LIVE_OPT_BASE = 0x4c00,
    LIVE_OPT_IMMEDIATE,
    LIVE_OPT_TSPREC,
    LIVE_OPT_NANO,
    LIVE_OPT_MICRO,
    LIVE_OPT_TSTYPE,
    LIVE_OPT_PRINT,
};
#define LIVE_LONGOPTS                                                         \
    {"interface", required_argument, NULL, 'i'},                              \
    {"list-interfaces", no_argument, NULL, 'D'},                              \
    {"no-promiscuous-mode", no_argument, NULL, 'p'},                          \
    {"snapshot-length", required_argument, NULL, 's'},                        \
    {"buffer-size", required_argument, NULL, 'B'},                            \
    {"direction", required_argument, NULL, 'Q'},                              \
    {"relinquish-privileges", required_argument, NULL, 'Z'},                  \
    {"immediate", no_argument, NULL, LIVE_OPT_IMMEDIATE},                     \
    {"immediate-mode", no_argument, NULL, LIVE_OPT_IMMEDIATE},                \
    {"time-stamp-precision", required_argument, NULL, LIVE_OPT_TSPREC},       \
    {"nano", no_argument, NULL, LIVE_OPT_NANO},                               \
    {"micro", no_argument, NULL, LIVE_OPT_MICRO},                             \
    {"time-stamp-type", required_argument, NULL, LIVE_OPT_TSTYPE},            \
    {"print", no_argument, NULL, LIVE_OPT_PRINT}

#define LIVE_OPT_NOT_MINE (-1)
/* One option from getopt: 0 taken, 2 invalid (the message printed),
 * LIVE_OPT_NOT_MINE for an option this module does not know. */
int live_option(struct live_options *lo, int c, const char *arg);
/* Combinations, once all options are read: 0, or 2 with the message printed. */
int live_check(const struct live_options *lo, const char *read_file);
/* The live part of --help. */
void live_usage(FILE *out);
/* -D: print the interfaces; the exit status. */
int live_list_devices(void);

/* Where packets come from and where -w sends them. */
typedef struct source {
    capture_t *cap;
    savefile_t *save;          /* -w, or NULL */
    const char *name;          /* for messages: the file, "<stdin>" or the interface */
    bool nano_shown;           /* text timestamps with nine digits */
} source_t;

/* Open the file (-r) or the interface, set the filter, create the -w file,
 * then drop privileges (to -Z USER, "nobody" for a live capture started
 * as root, or the capabilities of a non-root strata): in that order, so
 * that no packet is parsed with privileges.  0, or -1 with one line in err
 * ("NAME: reason"), having closed and removed whatever it had made. */
int source_open(source_t *src, const struct live_options *lo, const char *read_file,
                const char *filter, char *err, size_t errlen);
/* Flush and close the -w file (saying how many packets of another link
 * type it could not hold); 0, or -1 with err.  The capture stays open
 * for its statistics. */
int source_close_output(source_t *src, char *err, size_t errlen);
/* Close the -w file if still open, and the capture; 0, or -1 with err. */
int source_close(source_t *src, char *err, size_t errlen);

typedef struct live_hooks {
    cap_handler packet;          /* every packet (a copy), from inside capture_dispatch */
    int (*batch)(void *user);    /* after each dispatch: flush output and -w; non-zero stops */
    void (*report)(void *user);  /* SIGUSR1: print statistics; the capture goes on */
    void *user;
    int extra_fd;                /* one more descriptor to wait on (a TUI's terminal), or -1 */
    int (*extra)(void *user);    /* extra_fd is readable; non-zero stops */
    int max_wait_ms;             /* wake at least this often (a TUI's redraws); 0: 1 s */
} live_hooks_t;

/* Capture until a hook asks to stop or SIGINT/SIGTERM/SIGHUP arrives:
 * 0, or -1 with the reason in err. */
int live_run(capture_t *cap, const live_hooks_t *h, char *err, size_t errlen);
/* SIGINT, SIGTERM, SIGHUP (unless ignored) and SIGUSR1 handlers for the
 * loop (source_open installs them for a live capture, before it says
 * "listening"; live_run restores the old ones when it returns). */
void live_signals_install(capture_t *cap);
void live_signals_restore(void);
/* Which signal stopped the last live_run, or 0. */
int live_stop_signal(void);

/* The capture's counters, as tcpdump prints them at the end (and on
 * SIGUSR1): packets captured (handled by strata), received by the filter,
 * dropped by the kernel, dropped by the interface. */
void live_print_stats(FILE *out, capture_t *cap, uint64_t captured);

#endif
