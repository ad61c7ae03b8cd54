/* capture.c - capture files in, frames out; the only file that includes
 * pcap.h.
 *
 * pcap (microsecond, nanosecond, either byte order, and the "modified"
 * Kuznetzov variant) and pcapng (sections, several interfaces with
 * different link types and timestamp resolutions, EPB/SPB/obsolete PB)
 * are read here; libpcap refuses pcapng files whose interfaces differ
 * in link type, so the reading is ours and libpcap does the filtering.
 * Formats: draft-ietf-opsawg-pcap and draft-ietf-opsawg-pcapng.
 *
 * Live capture is libpcap's, the tcpdump way: pcap_create, pcap_set_*,
 * pcap_activate; no immediate mode unless asked (on Linux it turns off
 * the TPACKET_V3 ring), a short timeout and a larger buffer instead;
 * non-blocking, so that the caller's poll() decides when to dispatch.
 */
#include "capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAP_MAGIC_MODIFIED 0xa1b2cd34u /* Kuznetzov: 8 more bytes per record */
#define PCAPNG_SHB 0x0a0d0d0au
#define PCAPNG_BOM 0x1a2b3c4du
#define PCAPNG_IDB 1u
#define PCAPNG_OPB 2u /* obsolete packet block */
#define PCAPNG_SPB 3u
#define PCAPNG_EPB 6u
#define PCAPNG_OPT_TSRESOL 9
#define PCAPNG_OPT_TSOFFSET 14

#define CAP_MAX_PACKET (16u << 20)  /* larger records are called corrupt */
#define CAP_MAX_BLOCK (CAP_MAX_PACKET + 4096u)
#define CAP_MAX_IFACES 1024
#define CAP_MAX_FILTERS 16          /* link types a filter is compiled for */
#define CAP_INITIAL_BUF (256u << 10)
#define CAP_READ_BLOCK (1u << 20)  /* bytes read at a time */
#define IHIST_MAX 65536             /* interfaces remembered for capture_read_at */

struct iface {
    uint32_t linktype;
    uint32_t snaplen;
    uint64_t units;   /* timestamp units per second */
    int64_t tsoffset; /* seconds added to every timestamp */
};

struct filter {
    uint32_t linktype;
    struct bpf_program prog;
};

struct capture {
    /* a file or stdin, read in large blocks into rbuf; records are handed
     * out as views into it where they fit */
    int fd;
    uint8_t *rbuf;
    size_t rcap, rpos, rlen; /* rbuf's size; unread bytes are [rpos, rlen) */
    uint64_t rbase;          /* file offset of rbuf[0] */
    bool reof;
    int rerr;                /* errno of a failed read(), else 0 */
    bool is_stdin;
    bool ng;
    bool be;          /* the file's byte order is big-endian */
    bool nano;        /* pcap: nanosecond timestamps */
    bool modified;    /* pcap: 24-byte record headers */
    uint32_t linktype; /* pcap: the file's link type */
    uint32_t snaplen;
    struct iface *ifaces;
    unsigned nifaces;
    /* pcapng: every interface described in the file, sections one after
     * another (IHIST_MAX at most), for capture_read_at(); a packet's
     * `iface` is sect_base + its interface id */
    struct iface *ihist;
    uint32_t nihist, sect_base;
    uint8_t *abuf;           /* capture_read_at's record */
    size_t abufcap;
    uint8_t *buf;
    size_t bufcap;
    uint64_t nrec;
    char *filter_expr;
    struct filter filters[CAP_MAX_FILTERS];
    unsigned nfilters;
    /* live capture */
    pcap_t *live;
    char *device;
    bool live_nano;
    uint32_t live_linktype;
    cap_handler cb;  /* capture_dispatch's handler, for live_packet() */
    void *cb_user;
    bool stop;       /* the handler asked to stop */
    char warnings[1024];
};

static uint32_t rd32(const capture_t *cap, const uint8_t *p)
{
    if (cap->be)
        return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
}

static uint16_t rd16(const capture_t *cap, const uint8_t *p)
{
    if (cap->be)
        return (uint16_t)((p[0] << 8) | p[1]);
    return (uint16_t)((p[1] << 8) | p[0]);
}

static void set_err(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
}

/* Make at least n unread bytes available in rbuf, reading large blocks
 * (moving what is left of the last block to the front first); returns
 * how many are available, fewer than n only at the end of the input or
 * on an error (cap->rerr). */
static size_t rd_fill(capture_t *cap, size_t n)
{
    size_t have = cap->rlen - cap->rpos;
    if (have >= n || cap->reof || cap->rerr)
        return have;
    if (cap->rpos) {
        cap->rbase += cap->rpos;
        memmove(cap->rbuf, cap->rbuf + cap->rpos, have);
        cap->rlen = have;
        cap->rpos = 0;
    }
    if (n > cap->rcap) {
        size_t want = cap->rcap * 2 > n ? cap->rcap * 2 : n;
        uint8_t *nb = realloc(cap->rbuf, want);
        if (!nb) {
            cap->rerr = ENOMEM;
            return have;
        }
        cap->rbuf = nb;
        cap->rcap = want;
    }
    while (cap->rlen < n) {
        ssize_t k = read(cap->fd, cap->rbuf + cap->rlen, cap->rcap - cap->rlen);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            cap->rerr = errno;
            break;
        }
        if (k == 0) {
            cap->reof = true;
            break;
        }
        cap->rlen += (size_t)k;
    }
    return cap->rlen - cap->rpos;
}

/* Take exactly n bytes, as a view into rbuf valid until the next read:
 * 1 done, 0 clean EOF before any byte, -1 cut off or I/O error (message
 * in err). */
static int read_view(capture_t *cap, const uint8_t **p, size_t n, const char *what, char *err,
                     size_t errlen)
{
    size_t got = cap->rlen - cap->rpos;
    if (got < n)
        got = rd_fill(cap, n);
    if (got >= n) {
        *p = cap->rbuf + cap->rpos;
        cap->rpos += n;
        return 1;
    }
    if (cap->rerr) {
        snprintf(err, errlen, "read error: %s", strerror(cap->rerr));
        return -1;
    }
    if (got == 0)
        return 0;
    cap->rpos += got;
    snprintf(err, errlen, "capture cut off in the middle of %s %llu (%zu of %zu bytes)", what,
             (unsigned long long)cap->nrec + 1, got, n);
    return -1;
}

/* The same, copied into dst. */
static int read_exact(capture_t *cap, void *dst, size_t n, const char *what, char *err, size_t errlen)
{
    const uint8_t *p;
    int r = read_view(cap, &p, n, what, err, errlen);
    if (r == 1 && n)
        memcpy(dst, p, n);
    return r;
}

static bool ensure_buf(capture_t *cap, size_t n)
{
    if (n <= cap->bufcap)
        return true;
    size_t want = cap->bufcap ? cap->bufcap : CAP_INITIAL_BUF;
    while (want < n)
        want *= 2;
    uint8_t *nb = realloc(cap->buf, want);
    if (!nb)
        return false;
    cap->buf = nb;
    cap->bufcap = want;
    return true;
}

static int add_iface(capture_t *cap, uint32_t linktype, uint32_t snaplen, char *err, size_t errlen)
{
    if (cap->nifaces >= CAP_MAX_IFACES) {
        set_err(err, errlen, "more interfaces than strata accepts in one section");
        return -1;
    }
    if (!cap->ifaces) {
        cap->ifaces = calloc(CAP_MAX_IFACES, sizeof *cap->ifaces);
        if (!cap->ifaces) {
            set_err(err, errlen, "out of memory");
            return -1;
        }
    }
    struct iface *i = &cap->ifaces[cap->nifaces++];
    i->linktype = linktype;
    i->snaplen = snaplen;
    i->units = 1000000;
    i->tsoffset = 0;
    return 0;
}

/* ---- pcapng ------------------------------------------------------------ */

/* Remember an interface for capture_read_at (past IHIST_MAX its packets
 * cannot be read again; they keep CAP_NO_IFACE). */
static void ihist_add(capture_t *cap, const struct iface *ifc)
{
    if (cap->nihist >= IHIST_MAX)
        return;
    if (!cap->ihist) {
        cap->ihist = calloc(IHIST_MAX, sizeof *cap->ihist);
        if (!cap->ihist)
            return;
    }
    cap->ihist[cap->nihist++] = *ifc;
}

/* Finish a section header block once its type, length and byte-order
 * magic (the first 12 bytes) are in hand. */
static int shb_finish(capture_t *cap, const uint8_t lenraw[4], const uint8_t bomraw[4], char *err,
                      size_t errlen)
{
    uint32_t bom = ((uint32_t)bomraw[0] << 24) | ((uint32_t)bomraw[1] << 16) |
                   ((uint32_t)bomraw[2] << 8) | bomraw[3];
    if (bom == PCAPNG_BOM)
        cap->be = true;
    else if (bom == 0x4d3c2b1au)
        cap->be = false;
    else {
        set_err(err, errlen, "not a pcapng capture (bad byte-order magic)");
        return -1;
    }
    uint32_t total = rd32(cap, lenraw);
    if (total < 28 || total % 4 || total > CAP_MAX_BLOCK) {
        snprintf(err, errlen, "corrupt pcapng section header (block length %u)", total);
        return -1;
    }
    if (!ensure_buf(cap, total)) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    if (read_exact(cap, cap->buf, total - 12, "section header", err, errlen) <= 0) {
        set_err(err, errlen, "capture cut off in a section header");
        return -1;
    }
    cap->nifaces = 0; /* interfaces are numbered per section */
    cap->sect_base = cap->nihist;
    return 0;
}

/* Read a section header block's length and magic, then the rest. */
static int read_shb(capture_t *cap, const uint8_t *lenraw, char *err, size_t errlen)
{
    uint8_t h[8];
    size_t need = lenraw ? 4 : 8;
    if (read_exact(cap, h, need, "section header", err, errlen) <= 0) {
        set_err(err, errlen, "capture cut off in a section header");
        return -1;
    }
    return lenraw ? shb_finish(cap, lenraw, h, err, errlen) : shb_finish(cap, h, h + 4, err, errlen);
}

static void parse_idb_options(capture_t *cap, struct iface *ifc, const uint8_t *p, size_t n)
{
    size_t off = 0;
    while (off + 4 <= n) {
        uint16_t code = rd16(cap, p + off), olen = rd16(cap, p + off + 2);
        off += 4;
        if (code == 0 || off + olen > n)
            break;
        if (code == PCAPNG_OPT_TSRESOL && olen >= 1) {
            uint8_t v = p[off];
            unsigned exp = v & 0x7f;
            uint64_t units = 1;
            if (v & 0x80) {
                if (exp < 64)
                    units = (uint64_t)1 << exp;
            } else {
                for (unsigned k = 0; k < exp && k < 19; k++)
                    units *= 10;
            }
            ifc->units = units ? units : 1000000;
        } else if (code == PCAPNG_OPT_TSOFFSET && olen >= 8) {
            uint64_t a = rd32(cap, p + off), b = rd32(cap, p + off + 4);
            ifc->tsoffset = (int64_t)(cap->be ? (a << 32 | b) : (b << 32 | a));
        }
        off += (olen + 3u) & ~3u;
    }
}

static void ts_from_units(const struct iface *ifc, uint64_t t, cap_packet_t *pkt)
{
    uint64_t sec = t / ifc->units, frac = t % ifc->units;
    pkt->ts_sec = (int64_t)sec + ifc->tsoffset;
    pkt->ts_nsec = (uint32_t)((unsigned __int128)frac * 1000000000u / ifc->units);
}

/* One pcapng block: CAP_PACKET with pkt filled, CAP_EOF, CAP_ERROR, or 2
 * for a block that carried no packet. */
static int ng_block(capture_t *cap, cap_packet_t *pkt, char *err, size_t errlen)
{
    uint8_t h[8];
    uint64_t at = cap->rbase + cap->rpos;
    int r = read_exact(cap, h, 8, "block after packet", err, errlen);
    if (r <= 0)
        return r == 0 ? CAP_EOF : CAP_ERROR;
    uint32_t raw_type = ((uint32_t)h[0] << 24) | ((uint32_t)h[1] << 16) | ((uint32_t)h[2] << 8) | h[3];
    if (raw_type == PCAPNG_SHB)
        return read_shb(cap, h + 4, err, errlen) == 0 ? 2 : CAP_ERROR;
    uint32_t type = rd32(cap, h), total = rd32(cap, h + 4);
    if (total < 12 || total > CAP_MAX_BLOCK) {
        snprintf(err, errlen, "corrupt pcapng block (type %u, length %u) after packet %llu", type,
                 total, (unsigned long long)cap->nrec);
        return CAP_ERROR;
    }
    size_t body = total - 8; /* includes the trailing length */
    if (!ensure_buf(cap, body)) {
        set_err(err, errlen, "out of memory");
        return CAP_ERROR;
    }
    r = read_exact(cap, cap->buf, body, "block after packet", err, errlen);
    if (r <= 0) {
        if (r == 0)
            snprintf(err, errlen, "capture cut off in the middle of a block after packet %llu",
                     (unsigned long long)cap->nrec);
        return CAP_ERROR;
    }
    const uint8_t *b = cap->buf;
    size_t n = body - 4;
    if (type == PCAPNG_IDB) {
        if (n < 8) {
            set_err(err, errlen, "corrupt pcapng interface description block");
            return CAP_ERROR;
        }
        if (add_iface(cap, rd16(cap, b), rd32(cap, b + 4), err, errlen) < 0)
            return CAP_ERROR;
        parse_idb_options(cap, &cap->ifaces[cap->nifaces - 1], b + 8, n - 8);
        ihist_add(cap, &cap->ifaces[cap->nifaces - 1]);
        return 2;
    }
    uint32_t ifid, caplen, len;
    uint64_t ts;
    const uint8_t *data;
    if (type == PCAPNG_EPB || type == PCAPNG_OPB) {
        if (n < 20) {
            set_err(err, errlen, "corrupt pcapng packet block");
            return CAP_ERROR;
        }
        ifid = type == PCAPNG_EPB ? rd32(cap, b) : rd16(cap, b);
        ts = ((uint64_t)rd32(cap, b + 4) << 32) | rd32(cap, b + 8);
        caplen = rd32(cap, b + 12);
        len = rd32(cap, b + 16);
        data = b + 20;
        if (caplen > n - 20) {
            snprintf(err, errlen, "corrupt pcapng packet block: captured length %u beyond the block",
                     caplen);
            return CAP_ERROR;
        }
    } else if (type == PCAPNG_SPB) {
        if (n < 4) {
            set_err(err, errlen, "corrupt pcapng simple packet block");
            return CAP_ERROR;
        }
        ifid = 0;
        ts = 0;
        len = rd32(cap, b);
        caplen = len;
        if (caplen > n - 4)
            caplen = (uint32_t)(n - 4);
        if (cap->nifaces && cap->ifaces[0].snaplen && caplen > cap->ifaces[0].snaplen)
            caplen = cap->ifaces[0].snaplen;
        data = b + 4;
    } else {
        return 2; /* name resolution, statistics, custom ...: not packets */
    }
    if (ifid >= cap->nifaces) {
        snprintf(err, errlen, "packet %llu refers to interface %u, which was never described",
                 (unsigned long long)cap->nrec + 1, ifid);
        return CAP_ERROR;
    }
    const struct iface *ifc = &cap->ifaces[ifid];
    cap->nrec++;
    pkt->data = data;
    pkt->caplen = caplen;
    pkt->len = len;
    pkt->linktype = ifc->linktype;
    pkt->index = cap->nrec;
    pkt->offset = at;
    pkt->iface = cap->sect_base + ifid < IHIST_MAX ? cap->sect_base + ifid : CAP_NO_IFACE;
    ts_from_units(ifc, ts, pkt);
    return CAP_PACKET;
}

/* ---- pcap -------------------------------------------------------------- */

static int pcap_record(capture_t *cap, cap_packet_t *pkt, char *err, size_t errlen)
{
    const uint8_t *h;
    size_t hl = cap->modified ? 24 : 16;
    uint64_t at = cap->rbase + cap->rpos;
    int r = read_view(cap, &h, hl, "the header of packet", err, errlen);
    if (r <= 0)
        return r == 0 ? CAP_EOF : CAP_ERROR;
    uint32_t sec = rd32(cap, h), frac = rd32(cap, h + 4);
    uint32_t caplen = rd32(cap, h + 8), len = rd32(cap, h + 12);
    if (caplen > CAP_MAX_PACKET) {
        snprintf(err, errlen, "packet %llu has an impossible captured length %u (corrupt file)",
                 (unsigned long long)cap->nrec + 1, caplen);
        return CAP_ERROR;
    }
    const uint8_t *data = h + hl; /* any address will do for no bytes */
    if (caplen) {
        r = read_view(cap, &data, caplen, "packet", err, errlen);
        if (r <= 0) {
            if (r == 0)
                snprintf(err, errlen, "capture cut off in the middle of packet %llu (0 of %u bytes)",
                         (unsigned long long)cap->nrec + 1, caplen);
            return CAP_ERROR;
        }
    }
    cap->nrec++;
    pkt->data = data;
    pkt->caplen = caplen;
    pkt->len = len;
    pkt->linktype = cap->linktype;
    pkt->index = cap->nrec;
    pkt->offset = at;
    pkt->iface = 0;
    pkt->ts_sec = sec;
    if (cap->nano)
        pkt->ts_nsec = frac < 1000000000u ? frac : 999999999u;
    else
        pkt->ts_nsec = (frac < 1000000u ? frac : 999999u) * 1000u;
    return CAP_PACKET;
}

/* ---- open / filter / next ---------------------------------------------- */

capture_t *capture_open_file(const char *path, char *err, size_t errlen)
{
    capture_t *cap = calloc(1, sizeof *cap);
    if (!cap) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    cap->fd = -1;
    if (strcmp(path, "-") == 0) {
        /* a descriptor of our own on stdin's, so that closing is uniform */
        cap->fd = dup(0);
        cap->is_stdin = true;
    } else {
        cap->fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (cap->fd < 0) {
        set_err(err, errlen, strerror(errno));
        free(cap);
        return NULL;
    }
    struct stat st;
    if (fstat(cap->fd, &st) == 0 && S_ISREG(st.st_mode))
        (void)posix_fadvise(cap->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    cap->rcap = CAP_READ_BLOCK;
    cap->rbuf = malloc(cap->rcap);
    if (!cap->rbuf) {
        set_err(err, errlen, "out of memory");
        goto fail;
    }

    uint8_t m[4];
    int r = read_exact(cap, m, 4, "file header", err, errlen);
    if (r <= 0) {
        if (r == 0)
            set_err(err, errlen, "empty file, not a capture");
        goto fail;
    }
    uint32_t be = ((uint32_t)m[0] << 24) | ((uint32_t)m[1] << 16) | ((uint32_t)m[2] << 8) | m[3];
    uint32_t le = ((uint32_t)m[3] << 24) | ((uint32_t)m[2] << 16) | ((uint32_t)m[1] << 8) | m[0];
    if (be == PCAPNG_SHB) {
        cap->ng = true;
        if (read_shb(cap, NULL, err, errlen) < 0)
            goto fail;
        return cap;
    }
    uint32_t magic;
    if (be == PCAP_MAGIC_US || be == PCAP_MAGIC_NS || be == PCAP_MAGIC_MODIFIED) {
        cap->be = true;
        magic = be;
    } else if (le == PCAP_MAGIC_US || le == PCAP_MAGIC_NS || le == PCAP_MAGIC_MODIFIED) {
        cap->be = false;
        magic = le;
    } else {
        snprintf(err, errlen, "not a pcap or pcapng capture (file starts with %02x %02x %02x %02x)",
                 m[0], m[1], m[2], m[3]);
        goto fail;
    }
    cap->nano = magic == PCAP_MAGIC_NS;
    cap->modified = magic == PCAP_MAGIC_MODIFIED;
    uint8_t h[20];
    r = read_exact(cap, h, 20, "file header", err, errlen);
    if (r <= 0) {
        set_err(err, errlen, "capture cut off in its file header");
        goto fail;
    }
    uint16_t major = rd16(cap, h);
    if (major != 2) {
        snprintf(err, errlen, "unsupported pcap version %u", major);
        goto fail;
    }
    cap->snaplen = rd32(cap, h + 12);
    /* the low 16 bits are the link type; the upper ones FCS information */
    cap->linktype = rd32(cap, h + 16) & 0xffff;
    return cap;
fail:
    capture_close(cap);
    return NULL;
}

static int dlt_of_linktype(uint32_t linktype)
{
    /* the only LINKTYPE_ values whose DLT_ differs on Linux */
    switch (linktype) {
    case 101: return DLT_RAW;
    case 100: return DLT_ATM_RFC1483;
    default: return (int)linktype;
    }
}

/* The compiled filter for a link type, compiling it on first sight. */
static struct filter *filter_for(capture_t *cap, uint32_t linktype, char *err, size_t errlen)
{
    for (unsigned i = 0; i < cap->nfilters; i++)
        if (cap->filters[i].linktype == linktype)
            return &cap->filters[i];
    if (cap->nfilters >= CAP_MAX_FILTERS) {
        set_err(err, errlen, "too many link types for one filter");
        return NULL;
    }
    pcap_t *dead = pcap_open_dead(dlt_of_linktype(linktype), 262144);
    if (!dead) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    struct filter *f = &cap->filters[cap->nfilters];
    if (pcap_compile(dead, &f->prog, cap->filter_expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        snprintf(err, errlen, "invalid filter '%s': %s", cap->filter_expr, pcap_geterr(dead));
        pcap_close(dead);
        return NULL;
    }
    pcap_close(dead);
    f->linktype = linktype;
    cap->nfilters++;
    return f;
}

static int live_set_filter(capture_t *cap, const char *expr, char *err, size_t errlen);

int capture_set_filter(capture_t *cap, const char *expr, char *err, size_t errlen)
{
    if (cap->live)
        return live_set_filter(cap, expr, err, errlen);
    free(cap->filter_expr);
    cap->filter_expr = strdup(expr);
    if (!cap->filter_expr) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    /* validate now, against the file's link type or Ethernet for a pcapng
     * whose interfaces are not known yet, so a bad expression fails before
     * any packet is shown */
    uint32_t lt = cap->ng ? (cap->nifaces ? cap->ifaces[0].linktype : 1) : cap->linktype;
    return filter_for(cap, lt, err, errlen) ? 0 : -1;
}

int capture_next(capture_t *cap, cap_packet_t *pkt, char *err, size_t errlen)
{
    if (cap->live) {
        set_err(err, errlen, "a live capture is read with capture_dispatch()");
        return CAP_ERROR;
    }
    for (;;) {
        int r;
        if (cap->ng) {
            r = ng_block(cap, pkt, err, errlen);
            if (r == 2)
                continue;
        } else {
            r = pcap_record(cap, pkt, err, errlen);
        }
        if (r != CAP_PACKET)
            return r;
        if (!cap->filter_expr)
            return CAP_PACKET;
        struct filter *f = filter_for(cap, pkt->linktype, err, errlen);
        if (!f)
            return CAP_ERROR;
        struct pcap_pkthdr ph;
        ph.ts.tv_sec = (time_t)pkt->ts_sec;
        ph.ts.tv_usec = (suseconds_t)(pkt->ts_nsec / 1000);
        ph.caplen = pkt->caplen;
        ph.len = pkt->len;
        if (pcap_offline_filter(&f->prog, &ph, pkt->data))
            return CAP_PACKET;
    }
}

/* pread() exactly n bytes at off into the record buffer; 0 or -1. */
static int pread_all(capture_t *cap, uint64_t off, size_t at, size_t n, char *err, size_t errlen)
{
    size_t need = at + n;
    if (need > cap->abufcap) {
        uint8_t *nb = realloc(cap->abuf, need);
        if (!nb) {
            set_err(err, errlen, "out of memory");
            return -1;
        }
        cap->abuf = nb;
        cap->abufcap = need;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(cap->fd, cap->abuf + at + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            snprintf(err, errlen, "cannot read the packet again at offset %llu: %s",
                     (unsigned long long)off, k < 0 ? strerror(errno) : "the file got shorter");
            return -1;
        }
        got += (size_t)k;
    }
    return 0;
}

int capture_read_at(capture_t *cap, uint64_t offset, uint32_t iface, cap_packet_t *pkt, char *err,
                    size_t errlen)
{
    if (cap->live || cap->is_stdin) {
        set_err(err, errlen, "only a capture file can be read again");
        return CAP_ERROR;
    }
    pkt->offset = offset;
    pkt->iface = iface;
    pkt->index = 0;
    if (!cap->ng) {
        size_t hl = cap->modified ? 24 : 16;
        if (pread_all(cap, offset, 0, hl, err, errlen) < 0)
            return CAP_ERROR;
        const uint8_t *h = cap->abuf;
        uint32_t sec = rd32(cap, h), frac = rd32(cap, h + 4);
        uint32_t caplen = rd32(cap, h + 8), len = rd32(cap, h + 12);
        if (caplen > CAP_MAX_PACKET) {
            set_err(err, errlen, "corrupt packet record");
            return CAP_ERROR;
        }
        if (pread_all(cap, offset + hl, hl, caplen, err, errlen) < 0)
            return CAP_ERROR;
        pkt->data = cap->abuf + hl;
        pkt->caplen = caplen;
        pkt->len = len;
        pkt->linktype = cap->linktype;
        pkt->ts_sec = sec;
        pkt->ts_nsec = cap->nano ? (frac < 1000000000u ? frac : 999999999u)
                                 : (frac < 1000000u ? frac : 999999u) * 1000u;
        return CAP_PACKET;
    }
    if (iface >= cap->nihist || !cap->ihist) {
        set_err(err, errlen, "the packet's interface is not known");
        return CAP_ERROR;
    }
    if (pread_all(cap, offset, 0, 8, err, errlen) < 0)
        return CAP_ERROR;
    uint32_t type = rd32(cap, cap->abuf), total = rd32(cap, cap->abuf + 4);
    if (total < 12 || total > CAP_MAX_BLOCK) {
        set_err(err, errlen, "corrupt pcapng block");
        return CAP_ERROR;
    }
    if (pread_all(cap, offset + 8, 8, total - 8, err, errlen) < 0)
        return CAP_ERROR;
    const uint8_t *b = cap->abuf + 8;
    size_t n = total - 12;
    const struct iface *ifc = &cap->ihist[iface];
    uint64_t ts = 0;
    if ((type == PCAPNG_EPB || type == PCAPNG_OPB) && n >= 20) {
        ts = ((uint64_t)rd32(cap, b + 4) << 32) | rd32(cap, b + 8);
        pkt->caplen = rd32(cap, b + 12);
        pkt->len = rd32(cap, b + 16);
        pkt->data = b + 20;
        if (pkt->caplen > n - 20) {
            set_err(err, errlen, "corrupt pcapng packet block");
            return CAP_ERROR;
        }
    } else if (type == PCAPNG_SPB && n >= 4) {
        pkt->len = rd32(cap, b);
        pkt->caplen = pkt->len;
        if (pkt->caplen > n - 4)
            pkt->caplen = (uint32_t)(n - 4);
        if (ifc->snaplen && pkt->caplen > ifc->snaplen)
            pkt->caplen = ifc->snaplen;
        pkt->data = b + 4;
    } else {
        set_err(err, errlen, "no packet block at that offset");
        return CAP_ERROR;
    }
    pkt->linktype = ifc->linktype;
    ts_from_units(ifc, ts, pkt);
    return CAP_PACKET;
}

bool capture_seekable(const capture_t *cap)
{
    struct stat st;
    return !cap->live && !cap->is_stdin && fstat(cap->fd, &st) == 0 && S_ISREG(st.st_mode);
}

void capture_close(capture_t *cap)
{
    if (!cap)
        return;
    if (cap->fd >= 0)
        close(cap->fd);
    if (cap->live)
        pcap_close(cap->live);
    free(cap->device);
    for (unsigned i = 0; i < cap->nfilters; i++)
        pcap_freecode(&cap->filters[i].prog);
    free(cap->filter_expr);
    free(cap->ifaces);
    free(cap->ihist);
    free(cap->abuf);
    free(cap->buf);
    free(cap->rbuf);
    free(cap);
}

const char *capture_format(const capture_t *cap)
{
    if (cap->live)
        return "live";
    if (cap->ng)
        return "pcapng";
    return cap->nano ? "pcap (nanosecond)" : "pcap";
}

const char *capture_linktype_name(uint32_t linktype)
{
    return pcap_datalink_val_to_name(dlt_of_linktype(linktype));
}

const char *capture_lib_version(void)
{
    return pcap_lib_version();
}

/* ---- live capture ------------------------------------------------------ */

static uint32_t linktype_of_dlt(int dlt)
{
    /* the inverse of dlt_of_linktype() */
    if (dlt == DLT_RAW)
        return 101;
    if (dlt == DLT_ATM_RFC1483)
        return 100;
    return (uint32_t)dlt;
}

static void add_warning(capture_t *cap, const char *fmt_a, const char *b)
{
    size_t n = strlen(cap->warnings);
    snprintf(cap->warnings + n, sizeof cap->warnings - n, "%s%s%s%s%s", n ? "\n" : "",
             cap->device, ": ", fmt_a, b);
}

/* One line for a failed pcap_activate: libpcap's reason, and for a
 * permission error the remedy. */
static void activate_error(capture_t *cap, int status, char *err, size_t errlen)
{
    const char *why = pcap_geterr(cap->live);
    switch (status) {
    case PCAP_ERROR_PERM_DENIED: {
        char self[512];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0)
            n = (ssize_t)snprintf(self, sizeof self, "strata");
        self[n] = '\0';
        snprintf(err, errlen,
                 "%s: %s (%s); run strata as root, or give it the two capabilities it needs: "
                 "setcap cap_net_raw,cap_net_admin=eip %s",
                 cap->device, pcap_statustostr(status), why && *why ? why : "permission denied", self);
        return;
    }
    case PCAP_ERROR_NO_SUCH_DEVICE:
        /* libpcap's text adds nothing unless it names another cause */
        if (why && *why && !strstr(why, "No such device"))
            snprintf(err, errlen, "%s: no such interface (%s); strata -D lists them", cap->device, why);
        else
            snprintf(err, errlen, "%s: no such interface; strata -D lists them", cap->device);
        return;
    case PCAP_ERROR_IFACE_NOT_UP:
        snprintf(err, errlen, "%s: the interface is down (ip link set %s up)", cap->device, cap->device);
        return;
    case PCAP_ERROR:
        snprintf(err, errlen, "%s: %s", cap->device, why && *why ? why : pcap_statustostr(status));
        return;
    default:
        snprintf(err, errlen, "%s: %s%s%s%s", cap->device, pcap_statustostr(status),
                 why && *why ? " (" : "", why && *why ? why : "", why && *why ? ")" : "");
        return;
    }
}

int capture_default_device(char *out, size_t outlen, char *err, size_t errlen)
{
    pcap_if_t *all = NULL;
    char ebuf[PCAP_ERRBUF_SIZE];
    if (pcap_findalldevs(&all, ebuf) < 0) {
        snprintf(err, errlen, "cannot list interfaces: %s", ebuf);
        return -1;
    }
    if (!all) {
        set_err(err, errlen, "no interfaces available for capture");
        return -1;
    }
    /* libpcap sorts the list best first and tcpdump takes its head; skip
     * what cannot be the interface meant (loopback, down, pseudo-devices
     * such as "any" or nflog, whose connection status is "not applicable") */
    const pcap_if_t *pick = all;
    for (const pcap_if_t *d = all; d; d = d->next) {
        bpf_u_int32 f = d->flags;
        if ((f & PCAP_IF_UP) && (f & PCAP_IF_RUNNING) && !(f & PCAP_IF_LOOPBACK) &&
            (f & PCAP_IF_CONNECTION_STATUS) != PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE) {
            pick = d;
            break;
        }
    }
    snprintf(out, outlen, "%s", pick->name);
    pcap_freealldevs(all);
    return 0;
}

static void print_addr(FILE *out, const struct sockaddr *a, const struct sockaddr *mask)
{
    char buf[INET6_ADDRSTRLEN];
    if (a->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)a;
        inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        fprintf(out, "    inet %s", buf);
        if (mask && mask->sa_family == AF_INET) {
            uint32_t m = ntohl(((const struct sockaddr_in *)(const void *)mask)->sin_addr.s_addr);
            int bits = 0;
            while (m & 0x80000000u) {
                bits++;
                m <<= 1;
            }
            fprintf(out, "/%d", bits);
        }
        fputc('\n', out);
    } else if (a->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)a;
        inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
        fprintf(out, "    inet6 %s", buf);
        if (mask && mask->sa_family == AF_INET6) {
            const uint8_t *m = ((const struct sockaddr_in6 *)(const void *)mask)->sin6_addr.s6_addr;
            int bits = 0;
            for (int i = 0; i < 16; i++)
                for (int b = 7; b >= 0; b--)
                    bits += (m[i] >> b) & 1;
            fprintf(out, "/%d", bits);
        }
        fputc('\n', out);
    }
}

int capture_list_devices(FILE *out, char *err, size_t errlen)
{
    pcap_if_t *all = NULL;
    char ebuf[PCAP_ERRBUF_SIZE];
    if (pcap_findalldevs(&all, ebuf) < 0) {
        snprintf(err, errlen, "cannot list interfaces: %s", ebuf);
        return -1;
    }
    if (!all) {
        set_err(err, errlen, "no interfaces available for capture");
        return -1;
    }
    int i = 0;
    for (const pcap_if_t *d = all; d; d = d->next) {
        fprintf(out, "%d.%s", ++i, d->name);
        if (d->description)
            fprintf(out, " (%s)", d->description);
        const char *flags[6];
        int nf = 0;
        if (d->flags & PCAP_IF_UP)
            flags[nf++] = "Up";
        if (d->flags & PCAP_IF_RUNNING)
            flags[nf++] = "Running";
        if (d->flags & PCAP_IF_LOOPBACK)
            flags[nf++] = "Loopback";
        if (d->flags & PCAP_IF_WIRELESS)
            flags[nf++] = "Wireless";
        switch (d->flags & PCAP_IF_CONNECTION_STATUS) {
        case PCAP_IF_CONNECTION_STATUS_CONNECTED:
            flags[nf++] = d->flags & PCAP_IF_WIRELESS ? "Associated" : "Connected";
            break;
        case PCAP_IF_CONNECTION_STATUS_DISCONNECTED:
            flags[nf++] = d->flags & PCAP_IF_WIRELESS ? "Not associated" : "Disconnected";
            break;
        case PCAP_IF_CONNECTION_STATUS_UNKNOWN:
            if (!(d->flags & PCAP_IF_LOOPBACK))
                flags[nf++] = "Unknown";
            break;
        default:
            break;
        }
        for (int k = 0; k < nf; k++)
            fprintf(out, "%s%s", k ? ", " : " [", flags[k]);
        fputs(nf ? "]\n" : "\n", out);
        for (const pcap_addr_t *a = d->addresses; a; a = a->next)
            if (a->addr)
                print_addr(out, a->addr, a->netmask);
    }
    pcap_freealldevs(all);
    return 0;
}

capture_t *capture_open_live(const cap_live_config_t *cfg, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE];
    char dev[256];
    if (cfg->device) {
        snprintf(dev, sizeof dev, "%s", cfg->device);
    } else if (capture_default_device(dev, sizeof dev, err, errlen) < 0) {
        return NULL;
    }
    capture_t *cap = calloc(1, sizeof *cap);
    if (!cap || !(cap->device = strdup(dev))) {
        free(cap);
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    cap->fd = -1;
    ebuf[0] = '\0';
    cap->live = pcap_create(dev, ebuf);
    if (!cap->live) {
        snprintf(err, errlen, "%s: %s", dev, ebuf);
        goto fail;
    }
    int snaplen = cfg->snaplen > 0 ? cfg->snaplen : CAP_MAX_SNAPLEN;
    int kib = cfg->buffer_kib > 0 ? cfg->buffer_kib : CAP_LIVE_DEFAULT_BUFFER_KIB;
    int status;
    const char *what;
    if ((status = pcap_set_snaplen(cap->live, snaplen)) != 0) {
        what = "cannot set the snapshot length";
        goto set_fail;
    }
    if ((status = pcap_set_promisc(cap->live, !cfg->no_promisc)) != 0) {
        what = "cannot set promiscuous mode";
        goto set_fail;
    }
    if ((status = pcap_set_timeout(cap->live, cfg->timeout_ms > 0 ? cfg->timeout_ms : CAP_LIVE_TIMEOUT_MS)) != 0) {
        what = "cannot set the timeout";
        goto set_fail;
    }
    if ((status = pcap_set_buffer_size(cap->live, kib > INT32_MAX / 1024 ? INT32_MAX : kib * 1024)) != 0) {
        what = "cannot set the buffer size";
        goto set_fail;
    }
    if (cfg->immediate && (status = pcap_set_immediate_mode(cap->live, 1)) != 0) {
        what = "cannot set immediate mode";
        goto set_fail;
    }
    cap->live_nano = !cfg->micro;
    status = pcap_set_tstamp_precision(cap->live, cfg->micro ? PCAP_TSTAMP_PRECISION_MICRO
                                                             : PCAP_TSTAMP_PRECISION_NANO);
    if (status != 0 && !cfg->micro) {
        /* nanoseconds are our default, not a must: fall back quietly */
        cap->live_nano = false;
        status = pcap_set_tstamp_precision(cap->live, PCAP_TSTAMP_PRECISION_MICRO);
    }
    if (status != 0) {
        what = "cannot set the time stamp precision";
        goto set_fail;
    }
    if (cfg->tstamp_type) {
        int t = pcap_tstamp_type_name_to_val(cfg->tstamp_type);
        if (t < 0) {
            snprintf(err, errlen, "%s: unknown time stamp type '%s'", dev, cfg->tstamp_type);
            goto fail;
        }
        status = pcap_set_tstamp_type(cap->live, t);
        if (status < 0) {
            what = "cannot set the time stamp type";
            goto set_fail;
        }
        if (status > 0)
            add_warning(cap, "time stamp type not supported: ", cfg->tstamp_type);
    }

    status = pcap_activate(cap->live);
    if (status < 0) {
        activate_error(cap, status, err, errlen);
        goto fail;
    }
    if (status > 0) {
        const char *why = pcap_geterr(cap->live);
        if (status == PCAP_WARNING && why && *why)
            add_warning(cap, why, "");
        else
            add_warning(cap, pcap_statustostr(status), "");
    }
    if (cfg->direction != CAP_DIR_DEFAULT) {
        pcap_direction_t d = cfg->direction == CAP_DIR_IN    ? PCAP_D_IN
                             : cfg->direction == CAP_DIR_OUT ? PCAP_D_OUT
                                                             : PCAP_D_INOUT;
        if (pcap_setdirection(cap->live, d) != 0) {
            snprintf(err, errlen, "%s: cannot capture in one direction only: %s", dev,
                     pcap_geterr(cap->live));
            goto fail;
        }
    }
    /* as tcpdump: "any" in the SLL2 encapsulation, which names the interface */
    if (strcmp(dev, "any") == 0)
        (void)pcap_set_datalink(cap->live, DLT_LINUX_SLL2);
    if (snaplen != pcap_snapshot(cap->live)) {
        char n[32];
        snprintf(n, sizeof n, "%d", pcap_snapshot(cap->live));
        add_warning(cap, "snapshot length set to ", n);
    }
    if (pcap_setnonblock(cap->live, 1, ebuf) < 0) {
        snprintf(err, errlen, "%s: %s", dev, ebuf);
        goto fail;
    }
    cap->live_linktype = linktype_of_dlt(pcap_datalink(cap->live));
    cap->snaplen = (uint32_t)pcap_snapshot(cap->live);
    /* the copy every packet is made into */
    if (!ensure_buf(cap, cap->snaplen ? cap->snaplen : CAP_MAX_SNAPLEN)) {
        set_err(err, errlen, "out of memory");
        goto fail;
    }
    return cap;
set_fail:
    snprintf(err, errlen, "%s: %s: %s", dev, what, pcap_statustostr(status));
fail:
    capture_close(cap);
    return NULL;
}

static int live_set_filter(capture_t *cap, const char *expr, char *err, size_t errlen)
{
    bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
    char ebuf[PCAP_ERRBUF_SIZE];
    if (pcap_lookupnet(cap->device, &net, &mask, ebuf) < 0)
        mask = PCAP_NETMASK_UNKNOWN; /* only "ip broadcast" needs it */
    struct bpf_program prog;
    if (pcap_compile(cap->live, &prog, expr, 1, mask) < 0) {
        snprintf(err, errlen, "invalid filter '%s': %s", expr, pcap_geterr(cap->live));
        return -1;
    }
    int r = pcap_setfilter(cap->live, &prog);
    pcap_freecode(&prog);
    if (r < 0) {
        snprintf(err, errlen, "cannot set the filter: %s", pcap_geterr(cap->live));
        return -1;
    }
    return 0;
}

const char *capture_warnings(const capture_t *cap)
{
    return cap->warnings;
}

const char *capture_device(const capture_t *cap)
{
    return cap->device;
}

bool capture_is_live(const capture_t *cap)
{
    return cap->live != NULL;
}

int capture_selectable_fd(const capture_t *cap)
{
    return cap->live ? pcap_get_selectable_fd(cap->live) : -1;
}

int capture_poll_timeout_ms(capture_t *cap)
{
    if (!cap->live)
        return -1;
    const struct timeval *tv = pcap_get_required_select_timeout(cap->live);
    if (!tv)
        return -1;
    long ms = (long)tv->tv_sec * 1000 + tv->tv_usec / 1000;
    return ms < 1 ? 1 : ms > 60000 ? 60000 : (int)ms;
}

/* libpcap's callback: the data lives in the ring only until we return,
 * so it is copied first; the handler works on the copy. */
static void live_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    capture_t *cap = (capture_t *)(void *)user;
    if (cap->stop)
        return;
    uint32_t n = h->caplen <= cap->bufcap ? h->caplen : (uint32_t)cap->bufcap;
    memcpy(cap->buf, bytes, n);
    cap_packet_t pkt;
    pkt.data = cap->buf;
    pkt.caplen = n;
    pkt.len = h->len;
    pkt.ts_sec = (int64_t)h->ts.tv_sec;
    /* with PCAP_TSTAMP_PRECISION_NANO, tv_usec holds nanoseconds */
    pkt.ts_nsec = cap->live_nano ? (uint32_t)h->ts.tv_usec : (uint32_t)h->ts.tv_usec * 1000u;
    pkt.linktype = cap->live_linktype;
    pkt.index = ++cap->nrec;
    pkt.offset = 0;
    pkt.iface = 0;
    if (cap->cb(cap->cb_user, &pkt)) {
        cap->stop = true;
        pcap_breakloop(cap->live);
    }
}

int capture_dispatch(capture_t *cap, int max, cap_handler fn, void *user, char *err, size_t errlen)
{
    if (!cap->live) {
        set_err(err, errlen, "not a live capture");
        return CAP_ERROR;
    }
    cap->cb = fn;
    cap->cb_user = user;
    cap->stop = false;
    int r = pcap_dispatch(cap->live, max, live_packet, (u_char *)(void *)cap);
    if (r == PCAP_ERROR) {
        snprintf(err, errlen, "%s: %s", cap->device, pcap_geterr(cap->live));
        return CAP_ERROR;
    }
    if (r == PCAP_ERROR_BREAK || cap->stop)
        return CAP_STOP;
    return r;
}

int capture_dispatch_wait(capture_t *cap, cap_handler fn, void *user, char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE];
    if (!cap->live) {
        set_err(err, errlen, "not a live capture");
        return CAP_ERROR;
    }
    if (pcap_setnonblock(cap->live, 0, ebuf) < 0) {
        snprintf(err, errlen, "%s: %s", cap->device, ebuf);
        return CAP_ERROR;
    }
    int r = capture_dispatch(cap, -1, fn, user, err, errlen);
    if (pcap_setnonblock(cap->live, 1, ebuf) < 0 && r != CAP_ERROR) {
        snprintf(err, errlen, "%s: %s", cap->device, ebuf);
        return CAP_ERROR;
    }
    return r;
}

void capture_breakloop(capture_t *cap)
{
    if (cap && cap->live)
        pcap_breakloop(cap->live);
}

int capture_stats(capture_t *cap, cap_stats_t *st, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    if (!cap->live) {
        set_err(err, errlen, "not a live capture");
        return -1;
    }
    struct pcap_stat ps;
    memset(&ps, 0, sizeof ps);
    if (pcap_stats(cap->live, &ps) < 0) {
        snprintf(err, errlen, "%s: %s", cap->device, pcap_geterr(cap->live));
        return -1;
    }
    st->recv = ps.ps_recv;
    st->drop = ps.ps_drop;
    st->ifdrop = ps.ps_ifdrop;
    return 0;
}

bool capture_linktype(const capture_t *cap, uint32_t *linktype)
{
    if (cap->live) {
        *linktype = cap->live_linktype;
        return true;
    }
    if (cap->ng) {
        if (!cap->nifaces)
            return false;
        *linktype = cap->ifaces[0].linktype;
        return true;
    }
    *linktype = cap->linktype;
    return true;
}

uint32_t capture_snaplen(const capture_t *cap)
{
    if (cap->ng)
        return cap->nifaces && cap->ifaces[0].snaplen ? cap->ifaces[0].snaplen : CAP_MAX_SNAPLEN;
    return cap->snaplen ? cap->snaplen : CAP_MAX_SNAPLEN;
}

bool capture_nano(const capture_t *cap)
{
    return cap->live ? cap->live_nano : cap->nano;
}
