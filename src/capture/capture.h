/* capture.h - where packets come from.  The only module that talks to
 * libpcap (src/capture.c); the rest of strata sees frames and link types.
 *
 * Files are read by our own pcap/pcapng reader (pcapng with several
 * interfaces of different link types, which libpcap refuses); libpcap
 * compiles and runs the BPF filter, once per link type seen.
 */
#ifndef STRATA_CAPTURE_H
#define STRATA_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct capture capture_t;

typedef struct cap_packet {
    const uint8_t *data; /* valid until the next capture_next() */
    uint32_t caplen, len;
    int64_t ts_sec;
    uint32_t ts_nsec;
    uint32_t linktype;   /* pcap LINKTYPE_ value */
    uint64_t index;      /* 1-based record number in the file, filtered or not */
    uint64_t offset;     /* file: where its record starts, for capture_read_at */
    uint32_t iface;      /* file: its interface, for capture_read_at */
} cap_packet_t;

#define CAP_NO_IFACE 0xffffffffu /* pcapng interfaces past what is remembered */

enum cap_result { CAP_ERROR = -1, CAP_EOF = 0, CAP_PACKET = 1 };

/* Open a pcap or pcapng file ("-" for standard input).  NULL on error,
 * with the reason in err. */
capture_t *capture_open_file(const char *path, char *err, size_t errlen);
/* Compile a BPF filter for the capture's link type(s); -1 with the reason. */
int capture_set_filter(capture_t *cap, const char *expr, char *err, size_t errlen);
/* Next packet that passes the filter. */
int capture_next(capture_t *cap, cap_packet_t *pkt, char *err, size_t errlen);
/* Read the packet whose record starts at `offset` again (a file's
 * packet's offset and iface as capture_next gave them), without
 * disturbing capture_next: the TUI's index keeps 12 bytes a packet and
 * re-reads a packet when it is shown.  pkt->data is valid until the next
 * call; pkt->index is 0 (the caller knows it). */
int capture_read_at(capture_t *cap, uint64_t offset, uint32_t iface, cap_packet_t *pkt, char *err,
                    size_t errlen);
/* A regular file, which capture_read_at can read again. */
bool capture_seekable(const capture_t *cap);
/* Close the file or interface and free everything (NULL is fine). */
void capture_close(capture_t *cap);
/* "pcap", "pcap (nanosecond)", "pcapng" */
const char *capture_format(const capture_t *cap);
/* libpcap's name for a link type ("EN10MB"), or NULL. */
const char *capture_linktype_name(uint32_t linktype);
/* libpcap's version string for --version. */
const char *capture_lib_version(void);

/* ---- live capture ------------------------------------------------------
 * pcap_create -> pcap_set_* -> pcap_activate, non-blocking, for a poll()
 * loop on capture_selectable_fd() that calls capture_dispatch() (live.c
 * has that loop).  Each packet is copied out of libpcap's ring before the
 * handler sees it: the record and the renderers work on the copy. */

enum cap_direction { CAP_DIR_DEFAULT = 0, CAP_DIR_IN, CAP_DIR_OUT, CAP_DIR_INOUT };

typedef struct cap_live_config {
    const char *device;      /* NULL: the first suitable interface, as tcpdump picks it */
    int snaplen;             /* 0: 262144 */
    bool no_promisc;         /* -p */
    int buffer_kib;          /* kernel buffer; 0: CAP_LIVE_DEFAULT_BUFFER_KIB */
    bool immediate;          /* off by default: on Linux it turns off the TPACKET_V3 ring */
    enum cap_direction direction;
    bool micro;              /* microsecond timestamps (default: nanosecond) */
    const char *tstamp_type; /* libpcap time stamp type name (-j), or NULL */
    int timeout_ms;          /* 0: CAP_LIVE_TIMEOUT_MS */
} cap_live_config_t;

#define CAP_LIVE_DEFAULT_BUFFER_KIB (16 * 1024) /* libpcap's default is 2 MiB */
#define CAP_LIVE_TIMEOUT_MS 100
#define CAP_MAX_SNAPLEN 262144
#define CAP_STOP (-2) /* capture_dispatch: a handler or capture_breakloop() stopped it */

typedef struct cap_stats {
    uint32_t recv;   /* received by filter */
    uint32_t drop;   /* dropped by the kernel (buffer full) */
    uint32_t ifdrop; /* dropped by the interface or its driver */
} cap_stats_t;

/* Called for each packet, with the copy; non-zero stops the capture. */
typedef int (*cap_handler)(void *user, const cap_packet_t *pkt);

/* Open and activate an interface.  NULL with one line in err ("eth0: ...");
 * activation warnings are kept for capture_warnings(). */
capture_t *capture_open_live(const cap_live_config_t *cfg, char *err, size_t errlen);
/* The first suitable interface (up, running, not loopback), as tcpdump's
 * default; -1 with the reason. */
int capture_default_device(char *out, size_t outlen, char *err, size_t errlen);
/* -D: interfaces, their flags and addresses, one numbered line each. */
int capture_list_devices(FILE *out, char *err, size_t errlen);
/* Newline-separated warnings from pcap_activate, or "". */
const char *capture_warnings(const capture_t *cap);
const char *capture_device(const capture_t *cap);       /* NULL for a file */
bool capture_is_live(const capture_t *cap);
int capture_selectable_fd(const capture_t *cap);
/* The longest poll() may wait for this capture (libpcap's required
 * select timeout), or -1 for no limit. */
int capture_poll_timeout_ms(capture_t *cap);
/* Handle the packets that are ready (up to max; -1: a buffer's worth):
 * the number handled, CAP_STOP, or CAP_ERROR with the reason. */
int capture_dispatch(capture_t *cap, int max, cap_handler fn, void *user, char *err, size_t errlen);
/* The same, but waiting in libpcap (up to the timeout) for packets or
 * for the reason the descriptor reported an error ("The interface went
 * down"). */
int capture_dispatch_wait(capture_t *cap, cap_handler fn, void *user, char *err, size_t errlen);
/* Async-signal-safe: make capture_dispatch return CAP_STOP. */
void capture_breakloop(capture_t *cap);
int capture_stats(capture_t *cap, cap_stats_t *st, char *err, size_t errlen);
/* The link type of the packets to come, when known now (live capture,
 * pcap file; a pcapng file says so only with its interface blocks). */
bool capture_linktype(const capture_t *cap, uint32_t *linktype);
uint32_t capture_snaplen(const capture_t *cap);
/* Timestamps have real nanosecond digits (nanosecond file or capture). */
bool capture_nano(const capture_t *cap);

#endif
