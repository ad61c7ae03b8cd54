/* dns.c - Domain Name System messages (RFC 1035 section 4), with AAAA
 * (RFC 3596), the EDNS0 OPT pseudo-record (RFC 6891), the mDNS class bits
 * (RFC 6762) and the two-byte length prefix of DNS over TCP (RFC 1035
 * 4.2.2).  One message per TCP segment for now: no reassembly yet.
 *
 * Names are read by absolute offset inside the message window.  A name
 * holds at most 255 bytes (a label at most 63: its length has six bits)
 * and follows at most DNS_MAX_PTRS compression pointers, backwards or
 * forwards (RFC 1035 4.1.4 does not say which way; tshark follows both),
 * so a walk ends whatever the packet says.  A name that breaks a rule is
 * shown as a marker (`<name loop>`, `<name too long>`, `<bad label type>`,
 * `<bad pointer>`) and its record keeps its other fields whenever the
 * name's end is known: as soon as its own labels end with the root or a
 * pointer, whatever following the pointer finds.  The layer carries the
 * first such name's error and the walk goes on.  The record loops stop at
 * the count, when the bytes run out, or after DNS_MAX_RECORDS records,
 * whichever comes first (STYLE.md, "DNS names").
 */
#include "dissector.h"

#define DNS_HDR_LEN 12
#define DNS_PORT 53
#define MDNS_PORT 5353
#define DNS_MAX_NAME 255 /* RFC 1035 2.3.4: wire bytes, length bytes included */
#define DNS_MAX_PTRS 128 /* hops per name: a 255-byte name has at most 127 labels */
/* Records read per message, the four sections together: twice the
 * largest message in the public captures (67 records; a classic 512-byte
 * message holds at most 45 resource records), and about what a record's
 * field table holds (REC_MAX_FIELDS: seven fields a resource record).
 * Past it the message is spanned but not read, and the layer says so. */
#define DNS_MAX_RECORDS 128
#define DNS_STR_(n) #n
#define DNS_STR(n) DNS_STR_(n)

/* The header's flags word (RFC 1035 4.1.1; AD and CD: RFC 4035 3.2). */
#define DNS_QR(f) (((f) >> 15) & 1)
#define DNS_OPCODE(f) (((f) >> 11) & 0xf)
#define DNS_AA(f) (((f) >> 10) & 1)
#define DNS_TC(f) (((f) >> 9) & 1)
#define DNS_RD(f) (((f) >> 8) & 1)
#define DNS_RA(f) (((f) >> 7) & 1)
#define DNS_AD(f) (((f) >> 5) & 1)
#define DNS_CD(f) (((f) >> 4) & 1)
#define DNS_RCODE(f) ((f)&0xf)

/* A label's first byte: its top two bits are the label type (RFC 1035
 * 4.1.4; 0x40 was RFC 2673's extended label, 0x80 is reserved). */
#define DNS_LABEL_TYPE(b) ((b)&0xc0)
#define DNS_LABEL_NORMAL 0x00
#define DNS_LABEL_PTR 0xc0
#define DNS_PTR_OFF(hi, lo) ((((uint32_t)(hi)&0x3f) << 8) | (lo))

/* mDNS puts a flag in the class's top bit: unicast-response wanted in a
 * question (RFC 6762 5.4), cache-flush in a record (10.2). */
#define MDNS_TOP_BIT(cls) (((cls) >> 15) & 1)
#define MDNS_CLASS(cls) ((cls)&0x7fff)

/* The OPT pseudo-record's TTL (RFC 6891 6.1.3). */
#define EDNS_EXT_RCODE(ttl) (((ttl) >> 24) & 0xff)
#define EDNS_VERSION(ttl) (((ttl) >> 16) & 0xff)
#define EDNS_DO(ttl) (((ttl) >> 15) & 1)

#define T_A 1
#define T_NS 2
#define T_CNAME 5
#define T_PTR 12
#define T_MX 15
#define T_TXT 16
#define T_AAAA 28
#define T_OPT 41

/* The fields, declared once; display-filter names are Wireshark's where
 * it has one.  A question's fields and a resource record's are declared
 * apart (dns.qry.* and dns.resp.*, as Wireshark has them); the four
 * counts, the four sections and their elements are in section order. */
enum {
    DNS_TCP_LEN, DNS_ID, DNS_FLAGS, DNS_FL_QR, DNS_FL_OPCODE, DNS_FL_AA, DNS_FL_TC, DNS_FL_RD,
    DNS_FL_RA, DNS_FL_AD, DNS_FL_CD, DNS_FL_RCODE, DNS_QDCOUNT, DNS_ANCOUNT, DNS_NSCOUNT,
    DNS_ARCOUNT, DNS_QUESTIONS, DNS_ANSWERS, DNS_AUTHORITIES, DNS_ADDITIONALS, DNS_QUESTION,
    DNS_ANSWER, DNS_AUTHORITY, DNS_ADDITIONAL, DNS_Q_NAME, DNS_Q_TYPE, DNS_Q_CLASS, DNS_Q_QU,
    DNS_RR_NAME, DNS_RR_TYPE, DNS_RR_CLASS, DNS_RR_CACHE_FLUSH, DNS_RR_TTL, DNS_RR_DATA,
    DNS_EDNS_UDP_SIZE, DNS_EDNS_EXT_RCODE, DNS_EDNS_VERSION, DNS_EDNS_DO, DNS_RECORDS_UNREAD,
};
static const field_def_t dns_fields[] = {
    [DNS_TCP_LEN] = FIELD("tcp_len", FT_UINT, "dns.length", "Length (DNS over TCP)"),
    [DNS_ID] = FIELD("id", FT_UINT, "dns.id", "Transaction ID", .flags = FF_HEX),
    [DNS_FLAGS] = FIELD("flags", FT_UINT, "dns.flags", "Flags", .flags = FF_HEX),
    [DNS_FL_QR] = FIELD("qr", FT_UINT, "dns.flags.response", "Response"),
    [DNS_FL_OPCODE] = FIELD("opcode", FT_UINT, "dns.flags.opcode", "Opcode"),
    [DNS_FL_AA] = FIELD("aa", FT_BOOL, "dns.flags.authoritative", "Authoritative answer"),
    [DNS_FL_TC] = FIELD("tc", FT_BOOL, "dns.flags.truncated", "Truncated"),
    [DNS_FL_RD] = FIELD("rd", FT_BOOL, "dns.flags.recdesired", "Recursion desired"),
    [DNS_FL_RA] = FIELD("ra", FT_BOOL, "dns.flags.recavail", "Recursion available"),
    [DNS_FL_AD] = FIELD("ad", FT_BOOL, "dns.flags.authenticated", "Authentic data"),
    [DNS_FL_CD] = FIELD("cd", FT_BOOL, "dns.flags.checkdisable", "Checking disabled"),
    [DNS_FL_RCODE] = FIELD("rcode", FT_UINT, "dns.flags.rcode", "Reply code"),
    [DNS_QDCOUNT] = FIELD("qdcount", FT_UINT, "dns.count.queries", "Questions"),
    [DNS_ANCOUNT] = FIELD("ancount", FT_UINT, "dns.count.answers", "Answer RRs"),
    [DNS_NSCOUNT] = FIELD("nscount", FT_UINT, "dns.count.auth_rr", "Authority RRs"),
    [DNS_ARCOUNT] = FIELD("arcount", FT_UINT, "dns.count.add_rr", "Additional RRs"),
    [DNS_QUESTIONS] = FIELD("questions", FT_ARRAY, "dns.questions", "Questions"),
    [DNS_ANSWERS] = FIELD("answers", FT_ARRAY, "dns.answers", "Answers"),
    [DNS_AUTHORITIES] = FIELD("authorities", FT_ARRAY, "dns.authorities", "Authority records"),
    [DNS_ADDITIONALS] = FIELD("additionals", FT_ARRAY, "dns.additionals", "Additional records"),
    [DNS_QUESTION] = FIELD("question", FT_OBJECT, "dns.qry", "Question"),
    [DNS_ANSWER] = FIELD("answer", FT_OBJECT, "dns.answer", "Answer"),
    [DNS_AUTHORITY] = FIELD("authority", FT_OBJECT, "dns.authority", "Authority record"),
    [DNS_ADDITIONAL] = FIELD("additional", FT_OBJECT, "dns.additional", "Additional record"),
    [DNS_Q_NAME] = FIELD("name", FT_STR, "dns.qry.name", "Name"),
    [DNS_Q_TYPE] = FIELD("type", FT_UINT, "dns.qry.type", "Type"),
    [DNS_Q_CLASS] = FIELD("class", FT_UINT, "dns.qry.class", "Class"),
    [DNS_Q_QU] = FIELD("qu", FT_BOOL, "dns.qry.qu", "Unicast response wanted (mDNS)"),
    [DNS_RR_NAME] = FIELD("name", FT_STR, "dns.resp.name", "Name"),
    [DNS_RR_TYPE] = FIELD("type", FT_UINT, "dns.resp.type", "Type"),
    [DNS_RR_CLASS] = FIELD("class", FT_UINT, "dns.resp.class", "Class"),
    [DNS_RR_CACHE_FLUSH] = FIELD("cache_flush", FT_BOOL, "dns.resp.cache_flush",
                                 "Cache flush (mDNS)"),
    [DNS_RR_TTL] = FIELD("ttl", FT_UINT, "dns.resp.ttl", "Time to live"),
    [DNS_RR_DATA] = FIELD("data", FT_STR, "dns.resp.data", "Data"),
    [DNS_EDNS_UDP_SIZE] = FIELD("edns_udp_size", FT_UINT, "dns.rr.udp_payload_size",
                                "EDNS UDP payload size"),
    [DNS_EDNS_EXT_RCODE] = FIELD("edns_ext_rcode", FT_UINT, "dns.resp.ext_rcode",
                                 "EDNS extended RCODE"),
    [DNS_EDNS_VERSION] = FIELD("edns_version", FT_UINT, "dns.resp.edns0_version", "EDNS version"),
    [DNS_EDNS_DO] = FIELD("edns_do", FT_BOOL, "dns.resp.z.do", "DNSSEC OK"),
    [DNS_RECORDS_UNREAD] = FIELD("records_unread", FT_UINT, "dns.records_unread",
                                 "Records counted but not read"),
};

static const char *dns_type_name(uint64_t t)
{
    switch (t) {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 28: return "AAAA";
    case 33: return "SRV";
    case 35: return "NAPTR";
    case 41: return "OPT";
    case 43: return "DS";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 50: return "NSEC3";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 255: return "ANY";
    case 257: return "CAA";
    default: return NULL;
    }
}

static const char *dns_class_name(uint32_t cls)
{
    switch (cls) {
    case 1: return "IN";
    case 3: return "CH";
    case 4: return "HS";
    case 254: return "NONE";
    case 255: return "ANY";
    default: return NULL;
    }
}

/* RFC 1035 4.1.1, RFC 1996 (Notify), RFC 2136 (Update), RFC 8490 (DSO). */
static const char *dns_opcode_name(uint64_t op)
{
    switch (op) {
    case 0: return "Query";
    case 1: return "IQuery";
    case 2: return "Status";
    case 4: return "Notify";
    case 5: return "Update";
    case 6: return "DSO";
    default: return NULL;
    }
}

/* RFC 1035 4.1.1, RFC 2136 2.2. */
static const char *dns_rcode_name(uint64_t rc)
{
    switch (rc) {
    case 0: return "NoError";
    case 1: return "FormErr";
    case 2: return "ServFail";
    case 3: return "NXDomain";
    case 4: return "NotImp";
    case 5: return "Refused";
    case 6: return "YXDomain";
    case 7: return "YXRRSet";
    case 8: return "NXRRSet";
    case 9: return "NotAuth";
    case 10: return "NotZone";
    default: return NULL;
    }
}

/* One message being read. */
typedef struct dns_msg {
    cursor_t m;     /* the message; offsets are absolute, pointers add m.start */
    uint32_t end;   /* its end by its own length (UDP payload, TCP prefix) */
    bool exact;     /* `end` is the message's real end (no IP fragment, no ICMP quote) */
    bool complete;  /* exact, and captured up to `end` */
    bool mdns;
    bool opt;       /* an OPT record was seen: its fields follow the arrays */
    uint32_t opt_off;
    uint16_t opt_size;
    uint32_t opt_ttl;
    unsigned err;   /* the first name that broke a rule (its record kept) */
} dns_msg_t;

/* Bytes ran out where the message said there were more: its own lengths
 * contradict each other when all of it is here, else the capture cut it. */
static int ran_out(dctx_t *x, const dns_msg_t *d, unsigned err)
{
    return d->complete ? dx_error(x, err) : LS_TRUNCATED;
}

/* A byte of a label as Wireshark shows it (format_text), so that names
 * compare equal with tshark's: printable ASCII as is (a dot inside a
 * label included), C escapes for \\a..\\r, other control bytes as \\ooo
 * octal.  Bytes from 0x80 stay as they are (mDNS names are UTF-8, RFC
 * 6762 16); the renderers escape what is not valid for their output. */
static void add_name_byte(strb_t *b, uint8_t ch)
{
    static const char c_esc[] = "abtnvfr"; /* 0x07 .. 0x0d */
    if (ch >= 0x20 && ch != 0x7f) {
        strb_addc(b, (char)ch);
    } else if (ch >= 0x07 && ch <= 0x0d) {
        char e[2] = {'\\', c_esc[ch - 0x07]};
        strb_add(b, e, 2);
    } else {
        char e[4] = {'\\', (char)('0' + (ch >> 6)), (char)('0' + ((ch >> 3) & 7)),
                     (char)('0' + (ch & 7))};
        strb_add(b, e, 4);
    }
}

#define NAME_SHORT (-1) /* a byte of the name was not captured */
#define NAME_OVER (-2)  /* the name's own bytes run past `limit` where it sits */

/* Where a name's bytes may lie: its own labels up to `limit` (the message
 * or its RDATA), what a pointer leads to up to the message's end (when
 * known: else the captured bytes decide). */
static uint32_t msg_limit(const dns_msg_t *d)
{
    return d->exact ? d->end : UINT32_MAX;
}

/* Read the name at absolute offset *at, appending its dotted form to b.
 * Returns 0, NAME_SHORT, NAME_OVER or the ERR_dns_ code of the first rule
 * it breaks.  *ended tells that the name's own labels ended (with the
 * root or a pointer) and *at moved past them: its record can be read on
 * whatever the pointer leads to.  A rule broken before that point (a
 * name too long in place) is kept while the walk looks for the end. */
static int dns_name(dns_msg_t *d, uint32_t *at, uint32_t limit, strb_t *b, bool *ended)
{
    uint32_t pos = *at;
    uint32_t total = 1; /* wire length, counting the root's zero byte */
    unsigned hops = 0, labels = 0;
    /* Brent's cycle finding over the pointer targets: no table, constant
     * work a hop; a loop is found within a few turns of it */
    uint32_t saved = UINT32_MAX;
    unsigned power = 1, lam = 0;
    int broken = 0;
    bool jumped = false;
    *ended = false;
    for (;;) {
        int past = broken ? broken : jumped ? ERR_dns_bad_ptr : NAME_OVER;
        int cut = broken ? broken : NAME_SHORT;
        if (pos >= limit)
            return past;
        uint8_t lb = cur_peek_u8(&d->m, pos);
        if (d->m.trunc)
            return cut;
        if (DNS_LABEL_TYPE(lb) == DNS_LABEL_PTR) {
            if (pos + 1 >= limit)
                return past;
            uint8_t lo = cur_peek_u8(&d->m, pos + 1);
            if (d->m.trunc)
                return cut;
            if (!jumped) {
                *at = pos + 2;
                *ended = true;
                jumped = true;
                limit = msg_limit(d);
            }
            if (broken)
                return broken;
            uint32_t target = d->m.start + DNS_PTR_OFF(lb, lo);
            if (target >= limit)
                return ERR_dns_bad_ptr;
            if (target == saved || ++hops > DNS_MAX_PTRS)
                return ERR_dns_ptr_loop;
            if (++lam == power) {
                saved = target;
                power *= 2;
                lam = 0;
            }
            pos = target;
            continue;
        }
        if (DNS_LABEL_TYPE(lb) != DNS_LABEL_NORMAL)
            return broken ? broken : ERR_dns_bad_label;
        if (lb == 0) {
            if (!jumped) {
                *at = pos + 1;
                *ended = true;
            }
            if (broken)
                return broken;
            break;
        }
        total += lb + 1u;
        if (total > DNS_MAX_NAME && !broken) {
            if (jumped)
                return ERR_dns_name_too_long;
            broken = ERR_dns_name_too_long; /* read on to its end */
            past = cut = broken;
        }
        if (pos + 1 + lb > limit)
            return past;
        if (!broken) {
            if (labels++)
                strb_addc(b, '.');
            for (uint32_t i = 1; i <= lb; i++) {
                uint8_t ch = cur_peek_u8(&d->m, pos + i);
                if (d->m.trunc)
                    return cut;
                add_name_byte(b, ch);
            }
        }
        pos += 1u + lb;
    }
    if (!labels)
        strb_add(b, "<root>", 6);
    return 0;
}

/* The marker a name that breaks rule `err` is shown as. */
static const char *name_marker(int err)
{
    switch (err) {
    case ERR_dns_ptr_loop: return "<name loop>";
    case ERR_dns_name_too_long: return "<name too long>";
    case ERR_dns_bad_label: return "<bad label type>";
    case ERR_dns_bad_ptr: return "<bad pointer>";
    default: return "<bad name>";
    }
}

/* A name that broke rule `err` while its record goes on: the marker in
 * place of what was read of it (b starts again, with the preference of
 * an MX record, mx_pref >= 0), and the layer's error if it is the first. */
static void put_marker(dctx_t *x, dns_msg_t *d, strb_t *b, int err, int32_t mx_pref)
{
    strb_begin(x, b);
    if (mx_pref >= 0) {
        strb_add_u64(b, (uint64_t)mx_pref);
        strb_addc(b, ' ');
    }
    const char *mk = name_marker(err);
    strb_add(b, mk, (uint32_t)strlen(mk));
    if (!d->err)
        d->err = (unsigned)err;
}

/* A failed dns_name whose record cannot go on, as a layer status; `over`
 * names a name running past its place (the message, or its RDATA). */
static int name_status(dctx_t *x, const dns_msg_t *d, int rc, unsigned over)
{
    if (rc == NAME_OVER)
        return dx_error(x, over);
    if (rc == NAME_SHORT)
        return ran_out(x, d, over);
    return dx_error(x, (unsigned)rc);
}

/* Format an address with the shared outbuf code into a scratch buffer. */
static void add_addr(strb_t *b, const uint8_t *a, bool v6)
{
    char tmp[48];
    outbuf_t ob;
    ob_init(&ob, tmp, sizeof tmp, -1);
    if (v6)
        ob_ipv6(&ob, a);
    else
        ob_ipv4(&ob, a);
    strb_add(b, tmp, (uint32_t)ob.len);
}

/* The printable form of RDATA [m.off, m.off + rdlen), all captured, into
 * b; the message cursor does not move. */
static int dns_rdata(dctx_t *x, dns_msg_t *d, uint16_t type, uint16_t rdlen, strb_t *b)
{
    cursor_t copy = d->m, r;
    cur_sub(&copy, rdlen, &r);
    uint32_t rd_end = r.start + rdlen, pos = r.start;
    uint8_t a[16];
    /* RDLENGTH 0 is how UPDATE deletes an RRset (RFC 2136 2.5.2), for any
     * type: shown as "<0 bytes>" */
    switch (rdlen ? type : 0) {
    case T_A:
    case T_AAAA:
        if (rdlen != (type == T_A ? 4 : 16))
            return dx_error(x, ERR_dns_bad_rdlen);
        cur_bytes(&r, a, rdlen);
        add_addr(b, a, type == T_AAAA);
        return LS_OK;
    case T_MX:
    case T_CNAME:
    case T_NS:
    case T_PTR: {
        int32_t pref = -1;
        if (type == T_MX) {
            if (rdlen < 3) /* preference and at least the root */
                return dx_error(x, ERR_dns_bad_rdlen);
            pref = cur_u16be(&r);
            strb_add_u64(b, (uint64_t)pref);
            strb_addc(b, ' ');
            pos += 2;
        }
        bool ended;
        int rc = dns_name(d, &pos, rd_end, b, &ended);
        if (rc > 0) /* the RDATA's end is known: the record goes on */
            put_marker(x, d, b, rc, pref);
        else if (rc)
            return name_status(x, d, rc, ERR_dns_bad_rdlen);
        return LS_OK;
    }
    case T_TXT:
        /* one or more <character-string>s (RFC 1035 3.3.14, 3.3), kept
         * as they are: the renderers escape what they must */
        for (bool first = true; cur_left(&r); first = false) {
            uint8_t n = cur_u8(&r);
            const uint8_t *txt = cur_view(&r, n);
            if (!txt)
                return dx_error(x, ERR_dns_bad_rdlen);
            if (!first)
                strb_addc(b, ' ');
            strb_add(b, (const char *)txt, n);
        }
        return LS_OK;
    default:
        strb_addc(b, '<');
        strb_add_u64(b, rdlen);
        strb_add(b, " bytes>", 7);
        return LS_OK;
    }
}

/* The inside of one question (RFC 1035 4.1.2) or resource record (4.1.3). */
static int dns_record_body(dctx_t *x, dns_msg_t *d, bool question)
{
    cursor_t *m = &d->m;
    uint32_t at = m->off, pos = at;
    strb_t b;
    strb_begin(x, &b);
    bool ended;
    int rc = dns_name(d, &pos, msg_limit(d), &b, &ended);
    if (rc > 0 && ended) /* its end is known: the record goes on */
        put_marker(x, d, &b, rc, -1);
    else if (rc)
        return name_status(x, d, rc, ERR_dns_bad_count);
    strb_field(x, &b, question ? DNS_Q_NAME : DNS_RR_NAME, at, pos - at);
    cur_skip(m, pos - at);
    uint16_t type = cur_u16be(m);
    uint16_t cls = cur_u16be(m);
    if (m->trunc)
        return ran_out(x, d, ERR_dns_bad_count);
    fld_note(fld_uint(x, question ? DNS_Q_TYPE : DNS_RR_TYPE, pos, 2, type), dns_type_name(type));
    /* OPT's class is a payload size (RFC 6891 6.1.2), not a class with a flag */
    bool split = d->mdns && type != T_OPT;
    uint32_t cval = split ? MDNS_CLASS(cls) : cls;
    fld_note(fld_uint(x, question ? DNS_Q_CLASS : DNS_RR_CLASS, pos + 2, 2, cval),
             type == T_OPT ? NULL : dns_class_name(cval));
    if (split)
        fld_bool(x, question ? DNS_Q_QU : DNS_RR_CACHE_FLUSH, pos + 2, 1, MDNS_TOP_BIT(cls));
    if (question)
        return LS_OK;

    uint32_t ttl = cur_u32be(m);
    uint16_t rdlen = cur_u16be(m);
    if (m->trunc)
        return ran_out(x, d, ERR_dns_bad_count);
    fld_uint(x, DNS_RR_TTL, pos + 4, 4, ttl);
    if (type == T_OPT && !d->opt) {
        d->opt = true;
        d->opt_off = pos;
        d->opt_size = cls;
        d->opt_ttl = ttl;
    }
    if (d->exact && m->off + rdlen > d->end)
        return dx_error(x, ERR_dns_bad_rdlen);
    if (!cur_has(m, rdlen))
        return LS_TRUNCATED;
    strb_begin(x, &b);
    int st = dns_rdata(x, d, type, rdlen, &b);
    if (st != LS_OK)
        return st;
    strb_field(x, &b, DNS_RR_DATA, m->off, rdlen);
    cur_skip(m, rdlen);
    return LS_OK;
}

/* One element of section s (0: the questions). */
static int dns_record(dctx_t *x, dns_msg_t *d, unsigned s)
{
    field_t *obj = fld_object(x, DNS_QUESTION + s, d->m.off);
    int st = dns_record_body(x, d, s == 0);
    if (st == LS_OK)
        fld_end(x, obj, d->m.off);
    else
        fld_drop(x, obj); /* no partial question or answer objects */
    return st;
}

static int dns_dissect(dctx_t *x, cursor_t *c)
{
    uint32_t start = c->off;
    dns_msg_t d = {0};
    d.mdns = x->l4.sport == MDNS_PORT || x->l4.dport == MDNS_PORT;
    d.exact = !x->ip_fragment && !x->allow_short;
    if (x->transport == 6) {
        uint16_t tcp_len = cur_u16be(c);
        dx_span(x, c, start);
        if (c->trunc)
            return LS_TRUNCATED;
        fld_uint(x, DNS_TCP_LEN, start, 2, tcp_len);
        if (tcp_len < DNS_HDR_LEN)
            return dx_error(x, ERR_dns_bad_len);
        d.end = c->off + tcp_len;
        if (!cur_sub(c, tcp_len, &d.m)) {
            /* the message goes on in later segments: read what is here */
            d.m = cur_rest(c);
            cur_skip(c, cur_left(c));
        }
    } else {
        d.m = cur_rest(c);
        d.end = d.m.rend;
    }
    d.complete = d.exact && d.m.end == d.end;

    cursor_t *m = &d.m;
    uint32_t hdr = m->off;
    uint16_t id = cur_u16be(m);
    uint16_t flags = cur_u16be(m);
    uint16_t counts[4];
    for (int i = 0; i < 4; i++)
        counts[i] = cur_u16be(m);
    if (m->trunc) {
        cur_skip(m, cur_left(m));
        dx_span(x, m, start);
        return ran_out(x, &d, ERR_dns_bad_len);
    }
    fld_uint(x, DNS_ID, hdr, 2, id);
    fld_uint(x, DNS_FLAGS, hdr + 2, 2, flags);
    fld_uint(x, DNS_FL_QR, hdr + 2, 1, DNS_QR(flags));
    fld_note(fld_uint(x, DNS_FL_OPCODE, hdr + 2, 1, DNS_OPCODE(flags)),
             dns_opcode_name(DNS_OPCODE(flags)));
    fld_bool(x, DNS_FL_AA, hdr + 2, 1, DNS_AA(flags));
    fld_bool(x, DNS_FL_TC, hdr + 2, 1, DNS_TC(flags));
    fld_bool(x, DNS_FL_RD, hdr + 2, 1, DNS_RD(flags));
    fld_bool(x, DNS_FL_RA, hdr + 3, 1, DNS_RA(flags));
    fld_bool(x, DNS_FL_AD, hdr + 3, 1, DNS_AD(flags));
    fld_bool(x, DNS_FL_CD, hdr + 3, 1, DNS_CD(flags));
    fld_note(fld_uint(x, DNS_FL_RCODE, hdr + 3, 1, DNS_RCODE(flags)),
             dns_rcode_name(DNS_RCODE(flags)));
    for (unsigned i = 0; i < 4; i++) /* qdcount, ancount, nscount, arcount */
        fld_uint(x, DNS_QDCOUNT + i, hdr + 4 + 2 * i, 2, counts[i]);

    /* The sections (RFC 1035 4.1): each record takes at least five bytes,
     * so a count beyond the message ends when the bytes do. */
    int st = LS_OK;
    unsigned read = 0, counted = 0;
    for (unsigned s = 0; s < 4; s++)
        counted += counts[s];
    for (unsigned s = 0; s < 4 && st == LS_OK && read < DNS_MAX_RECORDS; s++) {
        field_t *arr = fld_array(x, DNS_QUESTIONS + s, m->off);
        for (unsigned i = 0; i < counts[s] && st == LS_OK && read < DNS_MAX_RECORDS; i++, read++)
            st = cur_left(m) ? dns_record(x, &d, s) : ran_out(x, &d, ERR_dns_bad_count);
        fld_end(x, arr, m->off);
    }
    if (st == LS_OK && read < counted) {
        /* the bound: the rest of the message is its unread records */
        fld_note(fld_uint(x, DNS_RECORDS_UNREAD, m->off, cur_left(m), counted - read),
                 "not read: past the bound of " DNS_STR(DNS_MAX_RECORDS) " records a message");
        x->rec->capped = true;
        cur_skip(m, cur_left(m));
    }
    if (d.opt) {
        fld_uint(x, DNS_EDNS_UDP_SIZE, d.opt_off + 2, 2, d.opt_size);
        fld_uint(x, DNS_EDNS_EXT_RCODE, d.opt_off + 4, 1, EDNS_EXT_RCODE(d.opt_ttl));
        fld_uint(x, DNS_EDNS_VERSION, d.opt_off + 5, 1, EDNS_VERSION(d.opt_ttl));
        fld_bool(x, DNS_EDNS_DO, d.opt_off + 6, 1, EDNS_DO(d.opt_ttl));
    }
    if (st == LS_OK && m->end < d.end)
        st = LS_TRUNCATED; /* every record read, but the capture lacks the rest */
    if (d.err)
        st = dx_error(x, d.err); /* a name shown as a marker: the first one's error */
    if (st != LS_OK) {
        cur_skip(m, cur_left(m));
        dx_span(x, m, start);
        return st;
    }
    dx_span(x, m, start);
    /* bytes after the counted records (padding, a second message in the
     * segment) are left to `data` */
    c->off = m->off;
    if (cur_rleft(c))
        dx_next(x, c, TBL_NONE, 0, 0);
    return LS_OK;
}

/* Field `id` directly inside the container at index i, or NULL. */
static const field_t *child(const record_t *r, unsigned i, unsigned id)
{
    unsigned end = field_next(r, i) - 1; /* its END marker */
    for (unsigned j = i + 1; j < end; j = field_next(r, j))
        if (FIELD_IS(&r->fields[j], dns_fields, id))
            return &r->fields[j];
    return NULL;
}

static void put_type(outbuf_t *ob, const field_t *t)
{
    const char *n = t ? dns_type_name(t->v.u) : NULL;
    if (n) {
        ob_puts(ob, n);
    } else {
        ob_puts(ob, "TYPE");
        ob_u64(ob, t ? t->v.u : 0);
    }
}

/* A string field on the summary line: TXT data may hold any byte, and a
 * summary goes to terminals as it is. */
static void put_str(const record_t *r, outbuf_t *ob, const field_t *f)
{
    if (!f || f->type != FT_STR)
        return;
    const char *s = field_str(r, f);
    for (unsigned i = 0; i < f->s_len; i++) {
        if (s[i] >= 0x20 && s[i] < 0x7f)
            ob_putc(ob, s[i]);
        else
            ob_safe_str(ob, s + i, 1);
    }
}

/* "DNS A? example.com", "DNS response A? example.com: A 192.0.2.1, ...". */
static void dns_summary(const record_t *r, const layer_t *l, outbuf_t *ob)
{
    uint64_t qr = 0, opcode = 0, rcode = 0;
    layer_uint(r, l, DNS_FL_QR, &qr);
    layer_uint(r, l, DNS_FL_OPCODE, &opcode);
    layer_uint(r, l, DNS_FL_RCODE, &rcode);
    ob_puts(ob, "DNS");
    if (qr)
        ob_puts(ob, " response");
    if (opcode) {
        const char *op = dns_opcode_name(opcode);
        ob_putc(ob, ' ');
        if (op) {
            ob_puts(ob, op);
        } else {
            ob_puts(ob, "opcode ");
            ob_u64(ob, opcode);
        }
    }
    /* the first question, when it got as far as its type */
    const field_t *qs = layer_field(r, l, DNS_QUESTIONS);
    unsigned qi = qs ? (unsigned)(qs - r->fields) : 0;
    const field_t *qtype =
        qs && qi + 1 < field_next(r, qi) - 1 ? child(r, qi + 1, DNS_Q_TYPE) : NULL;
    if (qtype) {
        ob_putc(ob, ' ');
        put_type(ob, qtype);
        ob_puts(ob, "? ");
        put_str(r, ob, child(r, qi + 1, DNS_Q_NAME));
    } else if (!qr) {
        ob_puts(ob, " query");
    }
    if (!qr)
        return;
    ob_puts(ob, ": ");
    const field_t *an = layer_field(r, l, DNS_ANSWERS);
    unsigned shown = 0;
    if (rcode == 0 && an) {
        unsigned ai = (unsigned)(an - r->fields), end = field_next(r, ai) - 1;
        for (unsigned j = ai + 1; j < end; j = field_next(r, j)) {
            if (!child(r, j, DNS_RR_DATA))
                continue; /* cut short */
            if (shown++)
                ob_puts(ob, ", ");
            put_type(ob, child(r, j, DNS_RR_TYPE));
            ob_putc(ob, ' ');
            put_str(r, ob, child(r, j, DNS_RR_DATA));
        }
    }
    if (!shown) {
        const char *rn = dns_rcode_name(rcode);
        if (rn) {
            ob_puts(ob, rn);
        } else {
            ob_puts(ob, "RCODE");
            ob_u64(ob, rcode);
        }
    }
}

static const binding_t dns_bindings[] = {
    {TBL_UDP_PORT, DNS_PORT},
    {TBL_UDP_PORT, MDNS_PORT},
    {TBL_TCP_PORT, DNS_PORT},
    {TBL_TCP_PORT, MDNS_PORT},
};

/* For stream reassembly over TCP (stream.c): a message is its two-byte
 * length prefix plus that many bytes (RFC 1035 section 4.2.2; RFC 7766
 * lets several follow each other on one connection). */
static int32_t dns_pdu_len(const cursor_t *c, uint32_t *skip_after)
{
    *skip_after = 0;
    if (cur_left(c) < 2)
        return 0;
    cursor_t t = *c;
    return 2 + (int32_t)cur_u16be(&t);
}

const dissector_t dissector_dns = {
    .name = "dns",
    .title = "Domain Name System",
    .osi = 7,
    .id = PROTO_dns,
    .fields = dns_fields,
    .nfields = NFIELDS(dns_fields),
    .dissect = dns_dissect,
    .summary = dns_summary,
    .bindings = dns_bindings,
    .nbindings = sizeof dns_bindings / sizeof dns_bindings[0],
    .pdu_len = dns_pdu_len,
};
