/* capture.c - capture files in, frames out; the only file that includes
 * pcap.h.
 *
 * pcap (microsecond, nanosecond, either byte order, and the "modified"
 * Kuznetzov variant) and pcapng (sections, several interfaces with
 * different link types and timestamp resolutions, EPB/SPB/obsolete PB)
 * are read here; libpcap refuses pcapng files whose interfaces differ
 * in link type, so the reading is ours and libpcap does the filtering.
 * Formats: draft-ietf-opsawg-pcap and draft-ietf-opsawg-pcapng.
 */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#define CAP_STDIO_BUF (1u << 20)

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
    FILE *fp;
    bool is_stdin;
    bool ng;
    bool be;          /* the file's byte order is big-endian */
    bool nano;        /* pcap: nanosecond timestamps */
    bool modified;    /* pcap: 24-byte record headers */
    uint32_t linktype; /* pcap: the file's link type */
    uint32_t snaplen;
    struct iface *ifaces;
    unsigned nifaces;
    uint8_t *buf;
    size_t bufcap;
    uint64_t nrec;
    char *filter_expr;
    struct filter filters[CAP_MAX_FILTERS];
    unsigned nfilters;
    char *stdio_buf;
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

/* Read exactly n bytes: 1 done, 0 clean EOF before any byte, -1 cut off
 * or I/O error (message in err). */
static int read_exact(capture_t *cap, void *dst, size_t n, const char *what, char *err, size_t errlen)
{
    size_t got = fread(dst, 1, n, cap->fp);
    if (got == n)
        return 1;
    if (ferror(cap->fp)) {
        snprintf(err, errlen, "read error: %s", strerror(errno));
        return -1;
    }
    if (got == 0)
        return 0;
    snprintf(err, errlen, "capture cut off in the middle of %s %llu (%zu of %zu bytes)", what,
             (unsigned long long)cap->nrec + 1, got, n);
    return -1;
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
    ts_from_units(ifc, ts, pkt);
    return CAP_PACKET;
}

/* ---- pcap -------------------------------------------------------------- */

static int pcap_record(capture_t *cap, cap_packet_t *pkt, char *err, size_t errlen)
{
    uint8_t h[24];
    size_t hl = cap->modified ? 24 : 16;
    int r = read_exact(cap, h, hl, "the header of packet", err, errlen);
    if (r <= 0)
        return r == 0 ? CAP_EOF : CAP_ERROR;
    uint32_t sec = rd32(cap, h), frac = rd32(cap, h + 4);
    uint32_t caplen = rd32(cap, h + 8), len = rd32(cap, h + 12);
    if (caplen > CAP_MAX_PACKET) {
        snprintf(err, errlen, "packet %llu has an impossible captured length %u (corrupt file)",
                 (unsigned long long)cap->nrec + 1, caplen);
        return CAP_ERROR;
    }
    if (!ensure_buf(cap, caplen ? caplen : 1)) {
        set_err(err, errlen, "out of memory");
        return CAP_ERROR;
    }
    if (caplen) {
        r = read_exact(cap, cap->buf, caplen, "packet", err, errlen);
        if (r <= 0) {
            if (r == 0)
                snprintf(err, errlen, "capture cut off in the middle of packet %llu (0 of %u bytes)",
                         (unsigned long long)cap->nrec + 1, caplen);
            return CAP_ERROR;
        }
    }
    cap->nrec++;
    pkt->data = cap->buf;
    pkt->caplen = caplen;
    pkt->len = len;
    pkt->linktype = cap->linktype;
    pkt->index = cap->nrec;
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
    if (strcmp(path, "-") == 0) {
        /* a stream of our own on stdin's descriptor, so that its buffer
         * can be ours and closing it is uniform */
        int fd = dup(0);
        cap->fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
        cap->is_stdin = true;
    } else {
        cap->fp = fopen(path, "rb");
    }
    if (!cap->fp) {
        set_err(err, errlen, strerror(errno));
        free(cap);
        return NULL;
    }
    cap->stdio_buf = malloc(CAP_STDIO_BUF);
    if (cap->stdio_buf)
        setvbuf(cap->fp, cap->stdio_buf, _IOFBF, CAP_STDIO_BUF);

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

int capture_set_filter(capture_t *cap, const char *expr, char *err, size_t errlen)
{
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

void capture_close(capture_t *cap)
{
    if (!cap)
        return;
    if (cap->fp)
        fclose(cap->fp);
    for (unsigned i = 0; i < cap->nfilters; i++)
        pcap_freecode(&cap->filters[i].prog);
    free(cap->filter_expr);
    free(cap->ifaces);
    free(cap->buf);
    free(cap->stdio_buf);
    free(cap);
}

const char *capture_format(const capture_t *cap)
{
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
