/* udp.c - User Datagram Protocol (RFC 768).
 *
 * The length field covers header and data, so it is at least 8 and at
 * most what IP carried.  Exactly the datagram's data [8, len) goes up to
 * the port tables: IP payload bytes after it are not ours.  Two cases
 * legitimately claim more than IP carried and stay data instead: the
 * first fragment of a fragmented datagram (the length covers the whole
 * datagram) and a header quoted inside an ICMP error.  Any other length
 * beyond the IP payload lies: as tshark does, the data is what IP carried,
 * dissected up the port tables, and its layer carries bad_udp_len
 * (dctx payload_err); the length field is noted.
 */
#include "dissector.h"

#define UDP_HDR_LEN 8
#define IPPROTO_UDP_NUM 17 /* in the pseudo header */

/* The fields, declared once; the ports carry their roles for readers that
 * do not know UDP (an ICMP error quoting a datagram, the renderers). */
enum { UDP_SPORT, UDP_DPORT, UDP_LEN, UDP_CHECKSUM, UDP_CHECKSUM_OK };
static const field_def_t udp_fields[] = {
    [UDP_SPORT] = FIELD("sport", FT_UINT, "udp.srcport", "Source port", .role = ROLE_SRC_PORT),
    [UDP_DPORT] = FIELD("dport", FT_UINT, "udp.dstport", "Destination port", .role = ROLE_DST_PORT),
    [UDP_LEN] = FIELD("len", FT_UINT, "udp.length", "Length"),
    [UDP_CHECKSUM] = FIELD("checksum", FT_UINT, "udp.checksum", "Checksum", .flags = FF_HEX),
    [UDP_CHECKSUM_OK] = FIELD("checksum_ok", FT_BOOL, "udp.checksum_ok", "Checksum correct"),
};

static int udp_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    uint32_t avail = cur_rleft(c); /* the IP payload as reported */
    uint32_t have = cur_left(c);
    uint16_t sport = cur_u16be(c);
    uint16_t dport = cur_u16be(c);
    uint16_t ulen = cur_u16be(c);
    uint16_t sum = cur_u16be(c);

    l4_facts_t *facts = &x->l4; /* for the flow tracker */
    *facts = (l4_facts_t){0};
    /* reads are in order: a field was read iff its bytes were captured */
    if (have >= 4) {
        fld_note(fld_uint(x, UDP_SPORT, start, 2, sport), port_note(sport));
        fld_note(fld_uint(x, UDP_DPORT, start + 2, 2, dport), port_note(dport));
        x->transport = 17;
        facts->ports = true;
        facts->sport = sport;
        facts->dport = dport;
    }
    field_t *len_field = NULL;
    if (have >= 6) {
        len_field = fld_uint(x, UDP_LEN, start + 4, 2, ulen);
        facts->len = ulen;
    }
    if (have >= 8) /* RFC 768: an all-zero checksum means none was sent */
        fld_note(fld_uint(x, UDP_CHECKSUM, start + 6, 2, sum), sum ? NULL : "none");
    if (c->trunc) {
        c->off = c->end;
        dx_span(x, c, start);
        return LS_TRUNCATED;
    }
    dx_span(x, c, start);

    if (ulen < UDP_HDR_LEN)
        return dx_error(x, ERR_bad_udp_len);
    bool whole = !x->ip_fragment && !x->allow_short;
    /* the checksum covers the pseudo header and the whole datagram: only
     * when all of it was captured (an ICMP error may quote all of a small
     * one), one was sent (0: none, RFC 768; the contract leaves it out for
     * IPv6 too) and it is not a piece of a fragmented datagram */
    uint32_t psum;
    if (!x->ip_fragment && sum != 0 && ulen <= avail && have >= ulen &&
        dx_pseudo_sum(x, IPPROTO_UDP_NUM, ulen, &psum)) {
        bool ok = cur_sum16(c, start, ulen, psum) == 0xffff;
        fld_bool(x, UDP_CHECKSUM_OK, start + 6, 2, ok);
        if (x->layer->depth == 0) { /* a quoted one is not this packet's */
            facts->bad_checksum = !ok;
            x->rec->bad_checksums += !ok;
        }
    }
    cursor_t data = cur_rest(c);
    if (ulen <= avail)
        cur_sub(c, ulen - UDP_HDR_LEN, &data); /* fits: checked against avail */
    if (!whole) {
        /* a piece of a datagram: never handed to the application */
        dx_next(x, &data, TBL_NONE, 0, 0);
        return LS_OK;
    }
    if (ulen > avail) {
        if (avail <= UDP_HDR_LEN)
            return dx_error(x, ERR_bad_udp_len); /* no byte to carry the error */
        fld_note(len_field, "beyond the IP payload");
        x->payload_err = ERR_bad_udp_len;
    }
    uint32_t lo = sport < dport ? sport : dport;
    uint32_t hi = sport < dport ? dport : sport;
    dx_next(x, &data, TBL_UDP_PORT, lo, hi);
    return LS_OK;
}

static void udp_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t len = 0;
    ob_puts(ob, "UDP");
    if (!layer_uint(r, l, UDP_LEN, &len))
        return;
    if (len < UDP_HDR_LEN) {
        ob_puts(ob, ", bad length ");
        ob_u64(ob, len);
        return;
    }
    /* tcpdump's "length" is the data after the header */
    ob_puts(ob, ", length ");
    ob_u64(ob, len - UDP_HDR_LEN);
    const field_t *f = layer_field(r, l, UDP_LEN);
    if (f && f->note) {
        ob_puts(ob, " (");
        ob_puts(ob, f->note);
        ob_putc(ob, ')');
    }
}

static const binding_t udp_bindings[] = {
    {TBL_IPPROTO, 17},
};

const dissector_t dissector_udp = {
    .name = "udp",
    .title = "UDP",
    .osi = 4,
    .id = PROTO_udp,
    .fields = udp_fields,
    .nfields = NFIELDS(udp_fields),
    .dissect = udp_dissect,
    .summary = udp_summary,
    .bindings = udp_bindings,
    .nbindings = sizeof udp_bindings / sizeof udp_bindings[0],
};
