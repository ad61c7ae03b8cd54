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

typedef struct capture capture_t;

typedef struct cap_packet {
    const uint8_t *data; /* valid until the next capture_next() */
    uint32_t caplen, len;
    int64_t ts_sec;
    uint32_t ts_nsec;
    uint32_t linktype;   /* pcap LINKTYPE_ value */
    uint64_t index;      /* 1-based record number in the file, filtered or not */
} cap_packet_t;

enum cap_result { CAP_ERROR = -1, CAP_EOF = 0, CAP_PACKET = 1 };

/* Open a pcap or pcapng file ("-" for standard input).  NULL on error,
 * with the reason in err. */
capture_t *capture_open_file(const char *path, char *err, size_t errlen);
/* Compile a BPF filter for the capture's link type(s); -1 with the reason. */
int capture_set_filter(capture_t *cap, const char *expr, char *err, size_t errlen);
/* Next packet that passes the filter. */
int capture_next(capture_t *cap, cap_packet_t *pkt, char *err, size_t errlen);
/* Link types seen so far (for the end-of-run notes). */
void capture_close(capture_t *cap);
/* "pcap", "pcap (nanosecond)", "pcapng" */
const char *capture_format(const capture_t *cap);
/* libpcap's name for a link type ("EN10MB"), or NULL. */
const char *capture_linktype_name(uint32_t linktype);
/* libpcap's version string for --version. */
const char *capture_lib_version(void);

#endif
