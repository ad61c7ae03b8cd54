/* savefile.h - writing packets to pcap files (-w), with tcpdump's
 * rotation (-C size, -G seconds, -W count) and its file names.
 *
 * The file is always valid pcap: records are buffered whole and a buffer
 * is written only up to its last complete record, so a strata that is
 * killed leaves a readable file; a write that fails part-way is cut back
 * to the last complete record.  savefile_flush() after each batch of
 * packets (the live loop does it after every pcap_dispatch) bounds how
 * much a kill can lose.
 */
#ifndef STRATA_SAVEFILE_H
#define STRATA_SAVEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "capture.h"

typedef struct savefile savefile_t;

typedef struct savefile_config {
    const char *path;       /* "-" for standard output; a strftime pattern with -G */
    uint64_t rotate_bytes;  /* -C: start a new file once this many bytes are written; 0: never */
    unsigned rotate_secs;   /* -G: start a new file every this many seconds; 0: never */
    unsigned max_files;     /* -W: with -C a ring of this many files; with -G only, stop after it */
    bool linktype_known;    /* false: take it from the first packet (pcapng input) */
    uint32_t linktype;      /* pcap LINKTYPE_ value */
    uint32_t snaplen;
    bool nano;              /* nanosecond timestamps (magic 0xa1b23c4d) */
} savefile_config_t;

enum savefile_result {
    SF_ERROR = -1,
    SF_OK = 0,
    SF_FULL = 1,   /* -G -W: the last file is done */
    SF_CLOSED = 2, /* -w -: the reading end of the pipe is gone; stop quietly */
};

/* Create the first file (name as tcpdump makes it: FILE, or FILE0 with -C
 * and -W, or the strftime expansion with -G) and write its header.  NULL
 * with the reason in err. */
savefile_t *savefile_open(const savefile_config_t *cfg, char *err, size_t errlen);
/* Give the current file to uid:gid (before privileges are dropped, so
 * that a -W ring can reopen it as that user). */
int savefile_chown(savefile_t *sf, uid_t uid, gid_t gid, char *err, size_t errlen);
/* Append one packet, rotating first if -C or -G says so.  SF_FULL when
 * -G with -W has made its last file (stop capturing).  On SF_ERROR the
 * message names the file. */
int savefile_write(savefile_t *sf, const cap_packet_t *pkt, char *err, size_t errlen);
/* Write out the buffered records: SF_OK, SF_CLOSED, or SF_ERROR. */
int savefile_flush(savefile_t *sf, char *err, size_t errlen);
/* The link type for the header of a file that got no packet, when the
 * link type was not known at open (a pcapng file read to its end). */
void savefile_set_linktype(savefile_t *sf, uint32_t linktype);
/* Flush and close; 0, or -1 with the reason.  NULL is fine. */
int savefile_close(savefile_t *sf, char *err, size_t errlen);
/* Remove the file just created (nothing but its header written). */
void savefile_discard(savefile_t *sf);
/* The file being written now, and how many files have been opened. */
const char *savefile_name(const savefile_t *sf);
unsigned savefile_files(const savefile_t *sf);
/* Packets not written because their link type differs from the file's. */
uint64_t savefile_skipped(const savefile_t *sf);
/* The directory rotation files are created in ("." for a bare name). */
void savefile_dir(const savefile_t *sf, char *out, size_t outlen);

/* -C's argument as tcpdump reads it: millions of bytes, or with a k/K,
 * m/M or g/G suffix KiB, MiB, GiB.  0 if invalid. */
uint64_t savefile_parse_size(const char *s);

#endif
