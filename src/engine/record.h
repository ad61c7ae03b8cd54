/* record.h - what dissection produces for one frame, and all renderers read.
 *
 * A record is an array of layers (outermost first), each with its
 * protocol, OSI layer, status, byte span in the frame and a run of typed
 * fields that carry their own byte spans.  Fields may nest (arrays and
 * objects, for DNS questions/answers) through BEGIN/END markers.
 *
 * Everything lives in fixed arrays inside the record: dissecting a frame
 * allocates nothing.  When a record is full, further fields are dropped
 * and the record is flagged `overflow` (counted, never a crash).
 */
#ifndef STRATA_RECORD_H
#define STRATA_RECORD_H

#include <stdbool.h>
#include <stdint.h>

/* Application messages one frame's record holds (pipelined HTTP requests
 * or DNS messages in one TCP segment, each with the body after it): well
 * above real traffic.  The stream code counts the messages over it and
 * shows their bytes as data (stream.c). */
#define REC_MAX_MESSAGES 64
/* Layers of one chain, link to application (tunnels, an ICMP quote). */
#define REC_MAX_CHAIN 24
/* Windows queued after a chain in one frame: each message and its body,
 * and a few notes (retransmitted bytes, a held segment, the messages
 * over REC_MAX_MESSAGES). */
#define REC_MAX_ITEMS (2 * REC_MAX_MESSAGES + 8)
#define REC_MAX_LAYERS (REC_MAX_CHAIN + REC_MAX_ITEMS)
#define REC_MAX_FIELDS 1024
#define REC_STRBUF 32768 /* bytes of string storage per record */
#define REC_MAX_SOURCES 3 /* the frame, and up to two reassembled buffers */
#define REC_SRC_FRAMES 32 /* contributing frames remembered per buffer */
#define REC_REASM_CAP (2 * 65536) /* reassembled bytes a record carries */

enum err_code {
#define ERR(name) ERR_##name,
#include "errors.def"
#undef ERR
    ERR_COUNT
};
const char *err_name(unsigned code);

/* LS_DECLINE: returned by a dissector reached through a port table that
 * finds the payload is not its protocol after all (an HTTP body segment
 * on port 80); the engine drops its layer and shows the bytes as data. */
enum layer_status { LS_DECLINE = -1, LS_OK = 0, LS_TRUNCATED, LS_ERROR };

enum field_type {
    FT_UINT,   /* v.u */
    FT_BOOL,   /* v.u: 0/1 */
    FT_STR,    /* s_off/s_len in the record's string buffer */
    FT_MAC,    /* v.b[0..5] */
    FT_IPV4,   /* v.b[0..3] */
    FT_IPV6,   /* v.b[0..15] */
    FT_ARRAY,  /* begins an array; ends at the matching FT_END */
    FT_OBJECT, /* begins an object (an element of an array) */
    FT_END,
};

/* Display hints for the text renderers; JSON ignores them. */
enum field_flag {
    FF_HEX = 1, /* show a number as 0x... */
};

/* What a field means to code that does not know its protocol: the
 * renderers' "src > dst", the TUI's source/destination columns, an ICMP
 * error naming the protocol and port of the packet it quotes. */
enum field_role {
    ROLE_NONE = 0,
    ROLE_SRC_ADDR,  /* a network-layer source address (IPv4/IPv6) */
    ROLE_DST_ADDR,
    ROLE_SRC_PORT,  /* a transport source port */
    ROLE_DST_PORT,
    ROLE_NEXT_PROTO, /* the IP protocol number of the payload */
    ROLE_COUNT
};

/* A field as its dissector declares it, once, in a static table next to
 * its code (Wireshark's hf_register_info).  Dissectors, summaries and the
 * flow tracker address a field by its index in that table (an enum in
 * the same file), so nothing on the per-packet path compares names; the
 * names are for output and for resolving a display filter once. */
typedef struct field_def {
    const char *name;   /* JSON key and -v label: "sport" */
    const char *key;    /* the JSON key as written: "\"sport\":" */
    uint8_t keylen;
    uint8_t type;       /* enum field_type */
    uint8_t flags;      /* enum field_flag */
    uint8_t role;       /* enum field_role */
    const char *filter; /* display-filter name, Wireshark's where it has one */
    const char *title;  /* for people: the TUI's field tree ("Source port") */
} field_def_t;

/* One entry of a field table: FIELD("sport", FT_UINT, "tcp.srcport",
 * "Source port"), optionally followed by .flags = FF_HEX, .role = ... */
#define FIELD(nm, ty, filt, ttl, ...)                                                   \
    {                                                                                    \
        .name = nm, .key = "\"" nm "\":", .keylen = (uint8_t)(sizeof(nm) + 2), .type = ty, \
        .filter = filt, .title = ttl, __VA_ARGS__                                        \
    }
#define NFIELDS(table) (sizeof(table) / sizeof((table)[0]))
/* No dissector declares more (registry_init checks): the per-layer index
 * of top-level fields is sized by it. */
#define FIELD_DEFS_MAX 64
#define SLOT_NONE 0xffff

typedef struct field {
    const field_def_t *def; /* static; NULL for an FT_END marker */
    const char *note;  /* static annotation for text views ("IPv4"), or NULL */
    uint8_t type;
    uint16_t s_len;    /* FT_STR: length; containers: nesting level */
    uint32_t s_off;
    uint32_t off, len; /* byte span in the frame */
    union {
        uint64_t u;
        uint8_t b[16];
    } v;
} field_t;

struct dissector;

typedef struct layer {
    const struct dissector *proto;
    uint8_t osi;
    uint8_t status;  /* enum layer_status */
    uint8_t err;     /* enum err_code when status == LS_ERROR */
    uint8_t depth;   /* 0 for the frame's own stack, 1 inside an ICMP quote */
    uint8_t src;     /* where its bytes are: 0 the frame, else a reassembled
                        buffer (record.sources[src]) */
    uint32_t off, len;   /* this layer's own bytes (header or message) */
    uint16_t f_first, f_count;
    /* record.slots[slot_base + i]: the record index of the layer's first
     * top-level field declared at index i, or SLOT_NONE */
    uint16_t slot_base;
} layer_t;

/* Bytes reassembled from several frames (IPv4 fragments, a TCP stream),
 * copied into the record so that renderers can show them. */
typedef struct rec_source {
    const uint8_t *data;
    uint32_t len;
    const char *kind;     /* "ipv4 fragments", "tcp stream" */
    uint16_t nframes;
    bool frames_cut;      /* more frames contributed than are listed */
    uint64_t frames[REC_SRC_FRAMES];
} rec_source_t;

/* Filled by the flow tracker; renderers print it when present. */
typedef struct rec_flow {
    bool present;
    bool tcp;
    uint8_t dir;          /* 0 orig, 1 resp */
    uint8_t state;        /* TCP: RFC 793 state of the sender after the segment */
    uint8_t state_before; /* ... and before it */
    uint8_t peer_state;   /* TCP: the receiver's state once the segment has
                             arrived, as a textbook draws it (tcp_state.h
                             tcp_tb_*; TCPS_UNKNOWN first seen mid-stream) */
    uint8_t tb_before[2], tb_after[2]; /* TCP: client's and server's
                             textbook states before and after the segment */
    uint16_t analysis;    /* TCP analysis marks (tcp_state.h TA_*) */
    const char *event;    /* static, or NULL */
    uint32_t id;
    /* the index of the transport layer the flow is of (in a tunnelled
     * packet the inner one, when it was read far enough) */
    uint16_t layer;
    /* the originator's and responder's transport ports, for the roles */
    uint16_t orig_port, resp_port;
    int64_t rtt_ns;       /* handshake RTT measured at this segment, or -1 */
    /* TCP: tcpdump's relative sequence numbers for the one-line view of
     * layer rel_layer (print-tcp.c's rule, see flow_track.c) */
    bool rel;
    uint8_t rel_layer;
    uint32_t rel_seq, rel_ack;
    uint32_t rel_sack_base; /* SACK blocks are in the receiver's numbers */
} rec_flow_t;

typedef struct record {
    uint64_t frame;        /* 1-based */
    int64_t ts_sec;
    uint32_t ts_nsec;
    uint32_t caplen, len;
    uint32_t linktype;
    const uint8_t *data;   /* the frame bytes (valid while rendering) */

    uint16_t nlayers;
    uint16_t nfields;
    uint16_t nslots;
    uint32_t strlen;
    bool overflow;         /* fields or strings did not fit */
    bool unknown_linktype; /* no dissector for the linktype */
    bool truncated;        /* some layer truncated */
    bool malformed;        /* some layer in error */
    bool capped;           /* a dissector stopped at one of its named bounds
                              (DNS_MAX_RECORDS): the rest was not read */
    /* Set once by the owner, kept across records: layers, their status
     * and the flow facts only, no fields (for a run that shows no
     * packet, --flows-only: adding fields is most of dissecting). */
    bool lean;
    bool no_checksums;     /* set once (-K): no checksum is verified */
    uint8_t bad_checksums; /* TCP/UDP checksums verified and wrong */

    rec_flow_t flow;
    uint8_t nsources;      /* 1 + reassembled buffers; sources[0] is the frame */
    rec_source_t sources[REC_MAX_SOURCES];
    uint32_t reasm_used;
    layer_t layers[REC_MAX_LAYERS];
    field_t fields[REC_MAX_FIELDS];
    uint16_t slots[REC_MAX_LAYERS * FIELD_DEFS_MAX];
    char str[REC_STRBUF];
    uint8_t reasm[REC_REASM_CAP];
} record_t;

/* Copy reassembled bytes into the record as a new source; its index, or
 * -1 when the record has no room. */
int record_add_source(record_t *r, const char *kind, const uint8_t *bytes, uint32_t len,
                      const uint64_t *frames, uint16_t nframes, bool frames_cut);

void record_reset(record_t *r);

static inline const char *field_str(const record_t *r, const field_t *f)
{
    return r->str + f->s_off;
}

/* A top-level field of a layer by its index in the layer's dissector's
 * table (the caller knows the protocol), or NULL: O(1). */
static inline const field_t *layer_field(const record_t *r, const layer_t *l, unsigned id)
{
    uint16_t i = id < FIELD_DEFS_MAX ? r->slots[l->slot_base + id] : SLOT_NONE;
    return i == SLOT_NONE ? NULL : &r->fields[i];
}
/* The value of a top-level numeric (or boolean) field. */
static inline bool layer_uint(const record_t *r, const layer_t *l, unsigned id, uint64_t *out)
{
    const field_t *f = layer_field(r, l, id);
    if (!f || (f->type != FT_UINT && f->type != FT_BOOL))
        return false;
    *out = f->v.u;
    return true;
}
/* The same, 0 when the field is absent. */
static inline uint64_t layer_u64(const record_t *r, const layer_t *l, unsigned id)
{
    uint64_t v = 0;
    layer_uint(r, l, id, &v);
    return v;
}
/* The top-level field playing `role` (enum field_role) in a layer of any
 * protocol, or NULL (the registry knows each dissector's roles). */
const field_t *layer_role(const record_t *r, const layer_t *l, unsigned role);
/* Index of the field after the one at i, skipping a nested array/object. */
static inline unsigned field_next(const record_t *r, unsigned i)
{
    const field_t *f = &r->fields[i];
    if (f->type != FT_ARRAY && f->type != FT_OBJECT)
        return i + 1;
    /* v.u of a container holds the index just past its END marker */
    return (unsigned)f->v.u;
}

#endif
