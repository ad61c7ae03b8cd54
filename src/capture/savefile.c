/* savefile.c - pcap files out: -w, and -C/-G/-W rotation named the way
 * tcpdump names its files (tcpdump.c MakeFilename and
 * dump_packet_and_trunc), written without libpcap so that only capture.c
 * includes pcap.h.  Format: draft-ietf-opsawg-pcap, section 4 and 5.
 */
#include "savefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SF_BUF_SIZE (1u << 20)       /* whole records only; larger ones are written directly */
#define SF_HDR_LEN 24u
#define SF_REC_HDR_LEN 16u
#define SF_MAGIC_US 0xa1b2c3d4u
#define SF_MAGIC_NS 0xa1b23c4du
#define SF_DEFAULT_SNAPLEN 262144u

struct savefile {
    savefile_config_t cfg;
    int fd;
    bool is_stdout;
    bool header_done;
    bool pipe_closed;     /* -w -: EPIPE */
    char name[PATH_MAX + 1];
    uint8_t *buf;
    size_t len;
    uint64_t file_bytes;  /* bytes in the current file, buffered ones included (-C) */
    off_t committed;      /* bytes of whole records actually written */
    unsigned width;       /* digits of the -C file number with -W (tcpdump's WflagChars) */
    unsigned cflag_count; /* number of the current -C file */
    unsigned gflag_count; /* -G periods started */
    time_t gflag_time;    /* start of the current -G period */
    unsigned files;
    uint64_t skipped;
};

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4); /* host order, as libpcap writes; the magic says which */
}

/* tcpdump's getWflagChars: digits of W - 1. */
static unsigned count_width(unsigned w)
{
    unsigned c = 0;
    for (unsigned x = w ? w - 1 : 0; x > 0; x /= 10)
        c++;
    return c;
}

/* The name of file number cnt: FILE (strftime-expanded with -G) followed
 * by cnt zero-padded to `digits`, or nothing when both are 0. */
static int make_name(savefile_t *sf, unsigned cnt, unsigned digits, char *err, size_t errlen)
{
    char base[PATH_MAX + 1];
    if (sf->cfg.rotate_secs) {
        struct tm tm;
        if (!localtime_r(&sf->gflag_time, &tm) || strftime(base, sizeof base, sf->cfg.path, &tm) == 0) {
            snprintf(err, errlen, "%s: cannot make a file name from this pattern", sf->cfg.path);
            return -1;
        }
    } else {
        if (strlen(sf->cfg.path) >= sizeof base) {
            snprintf(err, errlen, "%.64s...: file name too long", sf->cfg.path);
            return -1;
        }
        strcpy(base, sf->cfg.path);
    }
    int n;
    if (cnt == 0 && digits == 0)
        n = snprintf(sf->name, sizeof sf->name, "%s", base);
    else
        n = snprintf(sf->name, sizeof sf->name, "%s%0*u", base, (int)digits, cnt);
    if (n < 0 || (size_t)n >= sizeof sf->name) {
        snprintf(err, errlen, "%.64s...: file name too long", base);
        return -1;
    }
    return 0;
}

static const char *shown_name(const savefile_t *sf)
{
    return sf->is_stdout ? "<stdout>" : sf->name;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Write the buffer (whole records).  On failure cut the file back to the
 * last whole record so that it stays valid pcap.  SF_OK, SF_CLOSED (the
 * pipe of -w - lost its reader, as `strata -w - | head -c 1000`), or
 * SF_ERROR with the reason. */
static int flush_buf(savefile_t *sf, char *err, size_t errlen)
{
    if (sf->pipe_closed) {
        sf->len = 0;
        return SF_CLOSED;
    }
    if (sf->len == 0 || sf->fd < 0)
        return SF_OK;
    if (write_all(sf->fd, sf->buf, sf->len) < 0) {
        int e = errno;
        if (sf->is_stdout && e == EPIPE) {
            sf->pipe_closed = true;
            sf->len = 0;
            return SF_CLOSED;
        }
        if (!sf->is_stdout && ftruncate(sf->fd, sf->committed) == 0)
            lseek(sf->fd, sf->committed, SEEK_SET);
        sf->len = 0;
        snprintf(err, errlen, "%s: %s", shown_name(sf), strerror(e));
        return -1;
    }
    sf->committed += (off_t)sf->len;
    sf->len = 0;
    return SF_OK;
}

static void add_header(savefile_t *sf)
{
    uint8_t *h = sf->buf + sf->len;
    put32(h, sf->cfg.nano ? SF_MAGIC_NS : SF_MAGIC_US);
    uint16_t major = 2, minor = 4;
    memcpy(h + 4, &major, 2);
    memcpy(h + 6, &minor, 2);
    put32(h + 8, 0);  /* thiszone */
    put32(h + 12, 0); /* sigfigs */
    put32(h + 16, sf->cfg.snaplen ? sf->cfg.snaplen : SF_DEFAULT_SNAPLEN);
    put32(h + 20, sf->cfg.linktype);
    sf->len += SF_HDR_LEN;
    sf->file_bytes += SF_HDR_LEN;
    sf->header_done = true;
}

/* Open sf->name and, when the link type is known, write its header now:
 * a file that exists is a valid pcap file from the start. */
static int open_current(savefile_t *sf, char *err, size_t errlen)
{
    sf->fd = open(sf->name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (sf->fd < 0) {
        snprintf(err, errlen, "%s: %s", sf->name, strerror(errno));
        return -1;
    }
    sf->files++;
    sf->committed = 0;
    sf->file_bytes = 0;
    sf->header_done = false;
    if (sf->cfg.linktype_known) {
        add_header(sf);
        return flush_buf(sf, err, errlen);
    }
    return 0;
}

static int close_current(savefile_t *sf, char *err, size_t errlen)
{
    int rc = 0;
    if (sf->fd < 0)
        return 0;
    if (!sf->header_done) { /* no packet came: still a valid, empty capture */
        if (!sf->cfg.linktype_known)
            sf->cfg.linktype = 1; /* Ethernet, for want of anything better */
        add_header(sf);
    }
    if (flush_buf(sf, err, errlen) == SF_ERROR)
        rc = -1;
    if (!sf->is_stdout) {
        if (close(sf->fd) < 0 && rc == 0) {
            snprintf(err, errlen, "%s: %s", sf->name, strerror(errno));
            rc = -1;
        }
    }
    sf->fd = -1;
    return rc;
}

savefile_t *savefile_open(const savefile_config_t *cfg, char *err, size_t errlen)
{
    savefile_t *sf = calloc(1, sizeof *sf);
    if (!sf || !(sf->buf = malloc(SF_BUF_SIZE))) {
        free(sf);
        snprintf(err, errlen, "%s: out of memory", cfg->path);
        return NULL;
    }
    sf->cfg = *cfg;
    sf->fd = -1;
    if (cfg->path[0] == '\0') {
        snprintf(err, errlen, "-w: an empty string is not a file name");
        goto fail;
    }
    if (strcmp(cfg->path, "-") == 0) {
        if (cfg->rotate_bytes || cfg->rotate_secs) {
            snprintf(err, errlen, "-w -: standard output cannot be rotated (-C, -G)");
            goto fail;
        }
        if (isatty(STDOUT_FILENO) == 1) {
            snprintf(err, errlen, "-w -: standard output is a terminal; pipe it into a program "
                                  "(strata -r -, tcpdump -r -)");
            goto fail;
        }
        sf->is_stdout = true;
        sf->fd = STDOUT_FILENO;
        sf->files = 1;
        if (cfg->linktype_known) {
            add_header(sf);
            if (flush_buf(sf, err, errlen) < 0)
                goto fail;
        }
        return sf;
    }
    sf->width = cfg->rotate_bytes && cfg->max_files ? count_width(cfg->max_files) : 0;
    sf->gflag_time = time(NULL);
    /* numbered only with -C (tcpdump: "We do not need numbering for
     * dumpfiles if Cflag isn't set") */
    if (make_name(sf, 0, cfg->rotate_bytes ? sf->width : 0, err, errlen) < 0)
        goto fail;
    if (open_current(sf, err, errlen) < 0) {
        if (sf->fd >= 0) {
            close(sf->fd);
            unlink(sf->name);
        }
        goto fail;
    }
    return sf;
fail:
    free(sf->buf);
    free(sf);
    return NULL;
}

int savefile_chown(savefile_t *sf, uid_t uid, gid_t gid, char *err, size_t errlen)
{
    if (sf->is_stdout || sf->fd < 0)
        return 0;
    if (fchown(sf->fd, uid, gid) < 0) {
        snprintf(err, errlen, "%s: cannot give the file to the -Z user: %s", sf->name, strerror(errno));
        return -1;
    }
    return 0;
}

/* Close the current file and open the next one named `cnt`. */
static int rotate(savefile_t *sf, unsigned cnt, unsigned digits, char *err, size_t errlen)
{
    if (close_current(sf, err, errlen) < 0)
        return -1;
    if (make_name(sf, cnt, digits, err, errlen) < 0)
        return -1;
    return open_current(sf, err, errlen);
}

int savefile_write(savefile_t *sf, const cap_packet_t *pkt, char *err, size_t errlen)
{
    if (sf->pipe_closed)
        return SF_CLOSED;
    if (sf->fd < 0) {
        snprintf(err, errlen, "%s: file is closed", shown_name(sf));
        return SF_ERROR;
    }
    if (!sf->header_done) {
        if (!sf->cfg.linktype_known) {
            sf->cfg.linktype = pkt->linktype;
            sf->cfg.linktype_known = true;
        }
        add_header(sf);
    }
    if (pkt->linktype != sf->cfg.linktype) {
        sf->skipped++; /* a pcap file holds one link type */
        return SF_OK;
    }
    /* -G first: a new period starts a new -C series (tcpdump: "the time
     * rotation will occur first thereby cancelling the Cflag boundary") */
    if (sf->cfg.rotate_secs) {
        time_t now = time(NULL);
        if (now - sf->gflag_time >= (time_t)sf->cfg.rotate_secs) {
            sf->gflag_time = now;
            sf->gflag_count++;
            if (!sf->cfg.rotate_bytes && sf->cfg.max_files && sf->gflag_count >= sf->cfg.max_files) {
                if (close_current(sf, err, errlen) < 0)
                    return SF_ERROR;
                return SF_FULL;
            }
            sf->cflag_count = 0;
            if (rotate(sf, 0, sf->cfg.rotate_bytes ? sf->width : 0, err, errlen) < 0)
                return SF_ERROR;
        }
    }
    if (sf->cfg.rotate_bytes && sf->file_bytes > sf->cfg.rotate_bytes) {
        sf->cflag_count++;
        if (sf->cfg.max_files && sf->cflag_count >= sf->cfg.max_files)
            sf->cflag_count = 0;
        if (rotate(sf, sf->cflag_count, sf->width, err, errlen) < 0)
            return SF_ERROR;
    }

    size_t need = SF_REC_HDR_LEN + pkt->caplen;
    if (SF_BUF_SIZE - sf->len < need) {
        int r = flush_buf(sf, err, errlen);
        if (r != SF_OK)
            return r;
    }
    uint8_t rh[SF_REC_HDR_LEN];
    put32(rh, (uint32_t)pkt->ts_sec);
    put32(rh + 4, sf->cfg.nano ? pkt->ts_nsec : pkt->ts_nsec / 1000u);
    put32(rh + 8, pkt->caplen);
    put32(rh + 12, pkt->len);
    if (need > SF_BUF_SIZE) {
        /* a record larger than the buffer (only from files): straight out */
        if (write_all(sf->fd, rh, sizeof rh) < 0 || write_all(sf->fd, pkt->data, pkt->caplen) < 0) {
            int e = errno;
            if (sf->is_stdout && e == EPIPE) {
                sf->pipe_closed = true;
                return SF_CLOSED;
            }
            if (!sf->is_stdout && ftruncate(sf->fd, sf->committed) == 0)
                lseek(sf->fd, sf->committed, SEEK_SET);
            snprintf(err, errlen, "%s: %s", shown_name(sf), strerror(e));
            return SF_ERROR;
        }
        sf->committed += (off_t)need;
    } else {
        memcpy(sf->buf + sf->len, rh, sizeof rh);
        memcpy(sf->buf + sf->len + sizeof rh, pkt->data, pkt->caplen);
        sf->len += need;
    }
    sf->file_bytes += need;
    return SF_OK;
}

int savefile_flush(savefile_t *sf, char *err, size_t errlen)
{
    return flush_buf(sf, err, errlen);
}

void savefile_set_linktype(savefile_t *sf, uint32_t linktype)
{
    if (!sf->cfg.linktype_known) {
        sf->cfg.linktype = linktype;
        sf->cfg.linktype_known = true;
    }
}

int savefile_close(savefile_t *sf, char *err, size_t errlen)
{
    if (!sf)
        return 0;
    int rc = close_current(sf, err, errlen);
    free(sf->buf);
    free(sf);
    return rc;
}

void savefile_discard(savefile_t *sf)
{
    if (!sf)
        return;
    if (!sf->is_stdout && sf->fd >= 0) {
        close(sf->fd);
        unlink(sf->name);
    }
    free(sf->buf);
    free(sf);
}

const char *savefile_name(const savefile_t *sf)
{
    return shown_name(sf);
}

unsigned savefile_files(const savefile_t *sf)
{
    return sf->files;
}

uint64_t savefile_skipped(const savefile_t *sf)
{
    return sf->skipped;
}

void savefile_dir(const savefile_t *sf, char *out, size_t outlen)
{
    const char *slash = strrchr(sf->name, '/');
    if (!slash)
        snprintf(out, outlen, ".");
    else if (slash == sf->name)
        snprintf(out, outlen, "/");
    else
        snprintf(out, outlen, "%.*s", (int)(slash - sf->name), sf->name);
}

uint64_t savefile_parse_size(const char *s)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || v == 0)
        return 0;
    uint64_t mult = 1000000; /* tcpdump: "millions of bytes" */
    if (*end) {
        switch (*end) {
        case 'k': case 'K': mult = 1024; break;
        case 'm': case 'M': mult = 1024 * 1024; break;
        case 'g': case 'G': mult = 1024 * 1024 * 1024; break;
        default: return 0;
        }
        if (end[1])
            return 0;
    }
    if (v > UINT64_MAX / mult)
        return 0;
    return v * mult;
}
