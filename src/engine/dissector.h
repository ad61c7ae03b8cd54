/* dissector.h - everything a protocol module needs, and nothing more.
 *
 * A dissector reads its header through the cursor it is given, adds typed
 * fields to its layer, and says what comes next: a dispatch table and key
 * (ethertype 0x0800, IP protocol 6, ...) and the window of its payload.
 * It never prints and never allocates.  To add a protocol: write
 * dissectors/foo.c defining its field table (an enum of indices and a
 * `field_def_t` array, see record.h) and `const dissector_t dissector_foo`
 * with `.id = PROTO_foo`, and add DISSECTOR(foo) to
 * dissectors/dissectors.def.
 */
#ifndef STRATA_DISSECTOR_H
#define STRATA_DISSECTOR_H

#include <string.h>

#include "cursor.h"
#include "outbuf.h"
#include "record.h"

enum dtable {
    TBL_NONE = 0,
    TBL_LINKTYPE,   /* pcap LINKTYPE_ value */
    TBL_ETHERTYPE,  /* EtherType (also SLL protocol, null family mapped) */
    TBL_IPPROTO,    /* IPv4 protocol / IPv6 next header */
    TBL_TCP_PORT,
    TBL_UDP_PORT,
    TBL_PPP_PROTO,  /* PPP protocol field (RFC 1661 section 2, IANA ppp-numbers) */
    TBL_COUNT
};

typedef struct binding {
    uint8_t table; /* enum dtable */
    uint32_t key;
} binding_t;

typedef struct dctx dctx_t;

/* What the -e text of one link header needs from the headers before it
 * (tcpdump passes the same down its link printers): the frame's length
 * on the wire still ahead, cut by an 802.3 length field, and where the
 * chain started. */
typedef struct link_ctx {
    uint32_t length;      /* bytes on the wire from this header on */
    bool cooked;          /* the chain started at Linux SLL/SLL2 */
    /* what goes between this header's text and whatever follows it
     * (": ", ", ", or "" as after an 802.1Q tag's "802.3"); not written
     * when nothing follows */
    const char *sep;
} link_ctx_t;

/* Every dissector's index, in the order of dissectors/dissectors.def. */
enum proto_id {
#define DISSECTOR(n) PROTO_##n,
#include "dissectors.def"
#undef DISSECTOR
    PROTO_COUNT
};

typedef struct dissector {
    const char *name;   /* JSON "proto": "eth", "ipv4", ... */
    const char *title;  /* for -v: "Ethernet II", "IPv4" */
    uint8_t osi;
    uint8_t id;         /* PROTO_<name> (registry_init checks it) */
    /* Its fields, declared once: the index of a def is how the dissector,
     * its summary and every other reader address the field. */
    const field_def_t *fields;
    uint8_t nfields;
    /* Parse one layer starting at c->off.  Returns enum layer_status;
     * set ctx->err before returning LS_ERROR. */
    int (*dissect)(dctx_t *ctx, cursor_t *c);
    /* One-line summary of a dissected layer, from its fields only. */
    void (*summary)(const record_t *r, const layer_t *l, outbuf_t *ob);
    /* Link layers, for -e: the header as tcpdump -e prints it ("SRC >
     * DST, ethertype IPv4 (0x0800), length 74"), from the fields only,
     * setting lc->sep to what separates it from the text that follows.
     * Called on a layer whose status is ok, in order from the first; lc
     * carries the state along the chain. */
    void (*link_summary)(const record_t *r, const layer_t *l, link_ctx_t *lc, outbuf_t *ob);
    const binding_t *bindings;
    unsigned nbindings;
    /* Optional heuristic: may this payload be ours?  Tried, in registry
     * order, for payloads of the transport named by heur_table after the
     * port tables found nothing. */
    bool (*heuristic)(const cursor_t *c);
    uint8_t heur_table; /* TBL_TCP_PORT or TBL_UDP_PORT, or TBL_NONE */
    /* Only steers dispatch (raw IP linktypes): its layer is dropped from
     * the record unless it fails. */
    bool silent;
    /* Its summary leads the one-line view even when a network layer
     * follows (tcpdump names MPLS labels and a PPPoE session without -e,
     * but not Ethernet or VLAN tags). */
    bool line_prefix;
    /* For stream reassembly over TCP: the length of the message that
     * starts at c->off, from the bytes available (Wireshark's
     * tcp_dissect_pdus get_pdu_len).  >0: the message length; 0: more
     * bytes are needed to tell; -1: these bytes do not start a message.
     * *skip_after: bytes that follow the message and are to be passed
     * over undissected (an HTTP body), UINT32_MAX when unknown. */
    int32_t (*pdu_len)(const cursor_t *c, uint32_t *skip_after);
    /* pdu_len recognises a message start by its first bytes (returns -1
     * for anything else), so reassembly may start again at a segment that
     * begins a message after a gap; not so for a bare length prefix. */
    bool pdu_resync;
} dissector_t;

/* A window queued for dissection after the current chain of layers
 * (several messages in one TCP segment, bytes held for reassembly). */
typedef struct pdu_item {
    cursor_t c;
    const dissector_t *d;
    const char *note;  /* for a data item: why these bytes are not dissected */
    uint8_t src;       /* record source of c's bytes */
} pdu_item_t;
#define DCTX_MAX_ITEMS REC_MAX_ITEMS

/* Every dissector by name, for the few fixed parent->child links that are
 * part of a protocol's definition (802.3 length -> LLC, ICMP quote -> IP). */
#define DISSECTOR(n) extern const dissector_t dissector_##n;
#include "dissectors.def"
#undef DISSECTOR

/* Typed facts the network and transport dissectors leave for the flow
 * tracker and the IPv4 reassembler, so that they read nothing back from
 * the record.  They describe the latest such header dissected in the
 * frame (the engine calls its layer hook right after each layer). */
typedef struct ip_facts {
    uint8_t version;       /* 4 or 6 once both addresses were read, else 0 */
    uint8_t proto;         /* IPv4 protocol / IPv6 upper-layer header */
    uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes, the rest 0 */
    uint32_t len;          /* IPv4 total length; IPv6 40 + payload length */
    uint16_t id;           /* IPv4 identification */
    uint16_t frag_offset;  /* IPv4, in bytes */
    bool mf;               /* IPv4 more fragments */
    bool rh_pending;       /* IPv6: a routing header has segments left, so
                              dst is not the final destination */
    bool has_final_dst;    /* IPv6: final_dst read from a type 0 or 2
                              routing header with segments left */
    uint8_t final_dst[16];
} ip_facts_t;

typedef struct l4_facts {
    bool ports;            /* sport and dport were captured */
    uint16_t sport, dport;
    /* TCP */
    uint16_t flags;        /* the 9 flag bits */
    uint32_t seq, ack, win;
    uint32_t len;          /* TCP payload bytes; UDP length field */
    bool has_wscale;       /* a window scale option was read */
    uint8_t wscale;
    /* ICMP / ICMPv6 */
    uint8_t icmp_type;
    uint16_t icmp_id;
    /* TCP/UDP: the checksum was verified and is wrong (Zeek's C/c) */
    bool bad_checksum;
} l4_facts_t;

/* Context of one frame's dissection, shared by the layers in turn. */
struct dctx {
    record_t *rec;
    layer_t *layer;        /* the layer being filled */
    uint8_t nest;          /* containers open in it (0: top level) */
    uint16_t field_cap;    /* REC_MAX_FIELDS, or 0 in a lean record */
    unsigned err;          /* enum err_code for LS_ERROR */
    /* What comes next, set by the dissector (default: nothing). */
    uint8_t next_table;
    uint32_t next_key;
    uint32_t next_key2;    /* second key for port tables (the other port) */
    const dissector_t *next_direct; /* a fixed child (ICMP quote -> IP) */
    bool next_nested;      /* the payload is quoted, one level deeper */
    bool has_payload;      /* payload window below is meaningful */
    cursor_t payload;      /* the window handed to the next layer */
    /* The window is shorter than the layer's own length field says (an IP
     * length beyond the frame, a UDP length beyond the IP payload): the
     * layers above are dissected over the bytes there, and the one where
     * dissection ends carries this error (engine.c; the first found wins). */
    unsigned payload_err;
    /* Facts lower layers leave for upper ones. */
    uint8_t transport;     /* 6 or 17 once TCP/UDP is dissected */
    bool ip_fragment;      /* the IP packet is a fragment (offset 0, MF) */
    bool allow_short;      /* inside an ICMP quote: lengths may exceed data */
    ip_facts_t ip;         /* for the flow tracker (see above) */
    l4_facts_t l4;
    /* The flags-and-version word of the latest GRE header: what its
     * payload header is depends on it (ERSPAN type I has none). */
    uint16_t gre_flags;
    /* Set by the engine: the record source of the bytes being dissected,
     * and of the payload handed on (a hook may change it). */
    uint8_t src;
    uint8_t payload_src;
    /* Queued windows (set by a hook), dissected after the current chain:
     * items[0, nitems) of the engine's array of DCTX_MAX_ITEMS (outside
     * this struct, which is zeroed for every frame). */
    uint16_t nitems;
    pdu_item_t *items;
    const char *data_note; /* read by the data dissector */
};

/* Field adders: each appends the field declared at index `id` of the
 * current layer's dissector's table and returns it (or NULL when the
 * record is full; callers need not check). */

/* Append a field; `id` is def's index in the layer's dissector's table,
 * or FIELD_DEFS_MAX for a def of another table (no O(1) slot). Inline:
 * it runs some fifty times a frame, and with a constant id the compiler
 * folds the table address. */
static inline field_t *fld_push(dctx_t *x, const field_def_t *def, unsigned id, uint8_t type,
                                uint32_t off, uint32_t len)
{
    record_t *r = x->rec;
    if (r->nfields >= x->field_cap) {
        if (!r->lean)
            r->overflow = true;
        return NULL;
    }
    uint16_t idx = r->nfields++;
    field_t *f = &r->fields[idx];
    layer_t *l = x->layer;
    l->f_count++;
    f->def = def;
    f->note = NULL;
    f->type = type;
    f->s_len = 0;
    f->s_off = 0;
    f->off = off;
    f->len = len;
    f->v.u = 0;
    if (type == FT_ARRAY || type == FT_OBJECT) {
        f->v.u = r->nfields; /* past the END marker: set by fld_end */
        f->s_len = x->nest++;
        if (f->s_len)
            return f;
    } else if (x->nest) {
        return f;
    }
    /* a top-level field: the first one of its def gets the O(1) slot */
    if (id < FIELD_DEFS_MAX && r->slots[l->slot_base + id] == SLOT_NONE)
        r->slots[l->slot_base + id] = idx;
    return f;
}

/* The def at index id of the current layer's table. */
static inline const field_def_t *fld_def(const dctx_t *x, unsigned id)
{
    return &x->layer->proto->fields[id];
}

static inline field_t *fld_uint(dctx_t *x, unsigned id, uint32_t off, uint32_t len, uint64_t v)
{
    field_t *f = fld_push(x, fld_def(x, id), id, FT_UINT, off, len);
    if (f)
        f->v.u = v;
    return f;
}

static inline field_t *fld_bool(dctx_t *x, unsigned id, uint32_t off, uint32_t len, bool v)
{
    field_t *f = fld_push(x, fld_def(x, id), id, FT_BOOL, off, len);
    if (f)
        f->v.u = v;
    return f;
}

static inline field_t *fld_mac(dctx_t *x, unsigned id, uint32_t off, const uint8_t mac[6])
{
    field_t *f = fld_push(x, fld_def(x, id), id, FT_MAC, off, 6);
    if (f)
        memcpy(f->v.b, mac, 6);
    return f;
}

static inline field_t *fld_ipv4(dctx_t *x, unsigned id, uint32_t off, const uint8_t a[4])
{
    field_t *f = fld_push(x, fld_def(x, id), id, FT_IPV4, off, 4);
    if (f)
        memcpy(f->v.b, a, 4);
    return f;
}

static inline field_t *fld_ipv6(dctx_t *x, unsigned id, uint32_t off, const uint8_t a[16])
{
    field_t *f = fld_push(x, fld_def(x, id), id, FT_IPV6, off, 16);
    if (f)
        memcpy(f->v.b, a, 16);
    return f;
}
/* A string copied into the record (cut at the record's string cap). */
field_t *fld_str(dctx_t *x, unsigned id, uint32_t off, uint32_t len, const char *s, uint32_t n);
/* String building in place: begin, append pieces, end. */
typedef struct strb {
    record_t *rec;
    uint32_t start;
    uint32_t n;
    bool full;
    bool lean;
} strb_t;
void strb_begin(dctx_t *x, strb_t *b);
void strb_add(strb_t *b, const char *s, uint32_t n);
void strb_addc(strb_t *b, char ch);
void strb_add_u64(strb_t *b, uint64_t v);
field_t *strb_field(dctx_t *x, strb_t *b, unsigned id, uint32_t off, uint32_t len);
field_t *fld_array(dctx_t *x, unsigned id, uint32_t off);
field_t *fld_object(dctx_t *x, unsigned id, uint32_t off);
void fld_end(dctx_t *x, field_t *open, uint32_t end_off);
/* Remove an open container and everything added after it (a record that
 * could not be read whole leaves no partial object behind). */
void fld_drop(dctx_t *x, field_t *open);
/* The general adder: a field of type `type` (values left zero) for any
 * def, also one declared outside the layer's dissector (the flow
 * tracker's marks on a TCP layer); such a field has no O(1) index. */
field_t *fld_new(dctx_t *x, const field_def_t *def, uint8_t type, uint32_t off, uint32_t len);
field_t *fld_str_def(dctx_t *x, const field_def_t *def, uint32_t off, uint32_t len, const char *s,
                     uint32_t n);

/* Is field f the one declared at table[id]?  (Nested fields are found
 * by walking their container and asking this, never by name.) */
#define FIELD_IS(f, table, id) ((f)->def == &(table)[id])

static inline void fld_note(field_t *f, const char *note)
{
    if (f)
        f->note = note;
}

/* Finish helpers for the return statement of dissect(). */
static inline int dx_error(dctx_t *x, unsigned err)
{
    x->err = err;
    return LS_ERROR;
}

/* Hand the rest of cursor window `w` (from its read position) to the next
 * layer, dispatched by (table, key[, key2]). */
static inline void dx_next(dctx_t *x, const cursor_t *w, uint8_t table, uint32_t key, uint32_t key2)
{
    x->payload = cur_rest(w);
    x->has_payload = true;
    x->next_table = table;
    x->next_key = key;
    x->next_key2 = key2;
}

/* Set the span of the current layer to [start, c->off) clamped to the
 * captured bytes. */
void dx_span(dctx_t *x, const cursor_t *c, uint32_t start);

/* Out of captured bytes: the layer spans what there is, up to the cut. */
static inline int dx_truncated(dctx_t *x, cursor_t *c, uint32_t start)
{
    cur_skip(c, cur_left(c));
    dx_span(x, c, start);
    return LS_TRUNCATED;
}

/* The one's-complement sum of the IPv4 or IPv6 pseudo header (RFC 9293
 * section 3.1, RFC 768, RFC 8200 section 8.1) for an upper-layer message
 * of protocol `proto` and length `len`, to start cur_sum16 with.  Returns
 * false when it cannot be known: no enclosing IP header with both
 * addresses, an IPv6 routing header still to visit whose final
 * destination was not read (the pseudo header takes the final one), or
 * checksums not to be verified (-K). */
static inline bool dx_pseudo_sum(const dctx_t *x, uint8_t proto, uint32_t len, uint32_t *sum)
{
    const ip_facts_t *ip = &x->ip;
    if (x->rec->no_checksums || !ip->version || (ip->rh_pending && !ip->has_final_dst))
        return false;
    const uint8_t *dst = ip->rh_pending ? ip->final_dst : ip->dst;
    unsigned n = ip->version == 4 ? 4 : 16;
    uint32_t s = 0;
    for (unsigned i = 0; i < n; i += 2)
        s += (uint32_t)(ip->src[i] << 8 | ip->src[i + 1]) + (uint32_t)(dst[i] << 8 | dst[i + 1]);
    *sum = s + (len >> 16) + (len & 0xffff) + proto;
    return true;
}

/* Name helpers shared by several dissectors (static strings, or NULL). */
const char *ethertype_name(uint32_t type);
/* For -e: tcpdump's own name of an EtherType, "Unknown" when it has none,
 * and the "ethertype NAME (0xTTTT)" it prints. */
const char *ethertype_tcpdump_name(uint32_t type);
void put_ethertype_tcpdump(outbuf_t *ob, uint32_t type);
const char *ipproto_name(uint32_t proto);
/* A field's note (the name of the value it holds) or, when it has none,
 * its value as 0x and `digits` hex digits: "IPv4", "0x88b5". */
static inline void put_note_or_hex(outbuf_t *ob, const field_t *f, unsigned digits)
{
    if (f->note) {
        ob_puts(ob, f->note);
    } else {
        ob_puts(ob, "0x");
        ob_hex(ob, f->v.u, digits);
    }
}
/* "well-known: http", "registered", "dynamic", ... (RFC 6335 classes) */
const char *port_note(uint32_t port);
/* TCP flags as tcpdump's letters, in tcpdump's order (F S R P . U E W;
 * "." is ACK, NS has none) into out; returns how many, 0 for none. */
unsigned tcp_flag_letters(uint32_t flags, char out[8]);

#endif
