/* test_encap_l2.c - link-level encapsulations: MPLS label stacks (with a
 * pseudowire control word), 802.1ah I-TAG, VN-Tag, PPP and Cisco HDLC,
 * PPPoE discovery and session. */
#include "render.h"
#include "frames.h"

#define ETH(t1, t2) 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, t1, t2
/* a minimal IPv4 header (proto 253, experimental) with no payload */
#define IP4 0x45, 0, 0, 20, 0, 1, 0, 0, 64, 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2
/* a minimal IPv6 header, no next header, no payload */
#define IP6                                                                                   \
    0x60, 0, 0, 0, 0, 0, 59, 64, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xfd, 0, 0, \
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2

static const char *err_of(const layer_t *l)
{
    return l ? err_name(l->err) : "(no layer)";
}

/* The one-line view without a timestamp. */
static const char *line(const record_t *r)
{
    static char buf[1024];
    outbuf_t ob;
    render_ctx_t rc;
    render_ctx_init(&rc);
    rc.ts_style = TS_NONE;
    ob_init(&ob, buf, sizeof buf - 1, -1);
    render_line(&ob, &rc, r);
    buf[ob.len] = '\0';
    return buf;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ---- MPLS ------------------------------------------------------------ */

static void test_mpls_ipv4(void)
{
    /* label 16, tc 0, bottom of stack, ttl 64, then IPv4 */
    const unsigned char f[] = {ETH(0x88, 0x47), 0x00, 0x01, 0x01, 0x40, IP4};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth mpls ipv4");
    const layer_t *m = unit_layer(r, "mpls", 0);
    CHECK_EQ(unit_uint(r, m, "label"), 16);
    CHECK_EQ(unit_uint(r, m, "tc"), 0);
    CHECK_EQ(unit_uint(r, m, "bos"), 1);
    CHECK_EQ(unit_uint(r, m, "ttl"), 64);
    CHECK_EQ(m->osi, 2);
    CHECK_EQ(m->off, 14);
    CHECK_EQ(m->len, 4);
    CHECK_EQ(unit_layer(r, "ipv4", 0)->osi, 3);
    CHECK_STR(unit_summary(r, m), "MPLS (label 16, tc 0, [S], ttl 64)");
    /* tcpdump's line: the label before the network layer */
    CHECK(starts(line(r), "MPLS (label 16, tc 0, [S], ttl 64) IP 10.0.0.1 > 10.0.0.2: "));
    unit_sweep(f, sizeof f, 1);
}

static void test_mpls_stack_ipv6(void)
{
    /* label 18 (ttl 254), then label 16000 tc 5 bottom ttl 126, IPv6;
     * multicast EtherType */
    const unsigned char f[] = {ETH(0x88, 0x48), 0x00, 0x01, 0x20, 0xfe,
                               0x03, 0xe8, 0x0b, 0x7e, IP6};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth mpls mpls ipv6");
    const layer_t *a = unit_layer(r, "mpls", 0), *b = unit_layer(r, "mpls", 1);
    CHECK_EQ(unit_uint(r, a, "label"), 18);
    CHECK_EQ(unit_uint(r, a, "bos"), 0);
    CHECK_EQ(unit_uint(r, a, "ttl"), 254);
    CHECK_EQ(unit_uint(r, b, "label"), 16000);
    CHECK_EQ(unit_uint(r, b, "tc"), 5);
    CHECK_EQ(unit_uint(r, b, "bos"), 1);
    CHECK_EQ(unit_uint(r, b, "ttl"), 126);
    CHECK_STR(unit_summary(r, a), "MPLS (label 18, tc 0, ttl 254)");
    CHECK(starts(line(r), "MPLS (label 18, tc 0, ttl 254) (label 16000, tc 5, [S], ttl 126) "
                          "IP6 fd00::1 > fd00::2"));
    unit_sweep(f, sizeof f, 1);
}

static void test_mpls_pseudowire(void)
{
    /* bottom label, control word (sequence 5), the customer's Ethernet
     * frame with IPv4 */
    const unsigned char f[] = {ETH(0x88, 0x47), 0x00, 0x01, 0x01, 0xff, 0, 0, 0, 5,
                               ETH(0x08, 0x00), IP4};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth mpls eth ipv4");
    const layer_t *m = unit_layer(r, "mpls", 0);
    CHECK_EQ(unit_uint(r, m, "cw_seq"), 5);
    CHECK_EQ(unit_uint(r, m, "cw_flags"), 0);
    CHECK_EQ(m->len, 8);
    CHECK_EQ(unit_layer(r, "eth", 1)->off, 22);
    unit_sweep(f, sizeof f, 1);
    /* too short for a control word: data */
    const unsigned char s[] = {ETH(0x88, 0x47), 0x00, 0x01, 0x01, 0xff, 0, 0};
    r = unit_dissect(s, sizeof s, 1);
    CHECK_STR(unit_stack(r), "eth mpls data");
    CHECK(!r->truncated && !r->malformed);
}

static void test_mpls_other_payloads(void)
{
    /* first nibble 1 (an associated channel): data */
    const unsigned char ach[] = {ETH(0x88, 0x47), 0x00, 0x00, 0xd1, 0xff, 0x10, 0, 0, 0x21};
    record_t *r = unit_dissect(ach, sizeof ach, 1);
    CHECK_STR(unit_stack(r), "eth mpls data");
    CHECK(unit_field(r, unit_layer(r, "mpls", 0), "label")->note != NULL); /* GAL */
    /* the bottom entry ends the frame */
    const unsigned char end[] = {ETH(0x88, 0x47), 0x00, 0x01, 0x01, 0x40};
    r = unit_dissect(end, sizeof end, 1);
    CHECK_STR(unit_stack(r), "eth mpls");
    CHECK(!r->truncated);
    /* ... and when the wire had more than was captured */
    r = unit_dissect_len(end, sizeof end, sizeof end + 20, 1);
    CHECK_STR(unit_stack(r), "eth mpls data");
    CHECK(r->truncated);
    /* an entry cut in the middle */
    r = unit_dissect(end, sizeof end - 1, 1);
    CHECK_STR(unit_stack(r), "eth mpls");
    CHECK_EQ(unit_layer(r, "mpls", 0)->status, LS_TRUNCATED);
}

static void test_mpls_endless_stack(void)
{
    /* more entries than a record has layers, none the bottom: the
     * record's layer cap ends it */
#define N_LABELS (REC_MAX_LAYERS + 8)
    unsigned char f[14 + N_LABELS * 4];
    const unsigned char head[] = {ETH(0x88, 0x47)};
    memcpy(f, head, sizeof head);
    for (unsigned i = 0; i < N_LABELS; i++) {
        f[14 + i * 4] = 0;
        f[15 + i * 4] = 0x01;
        f[16 + i * 4] = 0x00;
        f[17 + i * 4] = 64;
    }
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_EQ(r->nlayers, REC_MAX_LAYERS);
    CHECK(r->malformed);
    CHECK_STR(err_of(&r->layers[r->nlayers - 1]), "too_many_layers");
    /* no bottom entry before the frame ends: every label shown, no crash */
    r = unit_dissect(f, 14 + 3 * 4, 1);
    CHECK_STR(unit_stack(r), "eth mpls mpls mpls");
    unit_sweep(f, 14 + 5 * 4, 1);
}

/* ---- 802.1ah ---------------------------------------------------------- */

static void test_pbb(void)
{
    /* B-TAG (802.1ad, VID 100), I-TAG pcp 3, uca, I-SID 0x0100ab, then the
     * customer frame: C-DA, C-SA, IPv4 */
    const unsigned char f[] = {ETH(0x88, 0xa8), 0x00, 0x64, 0x88, 0xe7, 0x68, 0x01, 0x00, 0xab,
                               0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
                               0x08, 0x00, IP4};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth vlan pbb eth ipv4");
    const layer_t *p = unit_layer(r, "pbb", 0);
    CHECK_EQ(unit_uint(r, p, "pcp"), 3);
    CHECK_EQ(unit_uint(r, p, "dei"), 0);
    CHECK_EQ(unit_uint(r, p, "uca"), 1);
    CHECK_EQ(unit_uint(r, p, "isid"), 0x0100ab);
    CHECK_EQ(p->off, 18);
    CHECK_EQ(p->len, 4);
    const layer_t *ce = unit_layer(r, "eth", 1);
    const field_t *cda = unit_field(r, ce, "dst");
    CHECK(cda && cda->v.b[0] == 0xa && cda->off == 22);
    CHECK_EQ(unit_uint(r, ce, "type"), 0x0800);
    CHECK_STR(unit_summary(r, p), "PBB isid 65707 p 3");
    unit_sweep(f, sizeof f, 1);
}

/* ---- VN-Tag ----------------------------------------------------------- */

static void test_vntag(void)
{
    /* from the bridge, dst VIF 5, looped, src VIF 3, IPv4 */
    const unsigned char f[] = {ETH(0x89, 0x26), 0x80, 0x05, 0x80, 0x03, 0x08, 0x00, IP4};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth vntag ipv4");
    const layer_t *v = unit_layer(r, "vntag", 0);
    CHECK_EQ(unit_uint(r, v, "dir"), 1);
    CHECK_EQ(unit_uint(r, v, "ptr"), 0);
    CHECK_EQ(unit_uint(r, v, "dst_vif"), 5);
    CHECK_EQ(unit_uint(r, v, "looped"), 1);
    CHECK_EQ(unit_uint(r, v, "version"), 0);
    CHECK_EQ(unit_uint(r, v, "src_vif"), 3);
    CHECK_EQ(unit_uint(r, v, "type"), 0x0800);
    CHECK_EQ(v->len, 6);
    CHECK_STR(unit_summary(r, v), "VN-Tag dst 5 src 3 looped");
    unit_sweep(f, sizeof f, 1);
    /* pointer set (a VIF list), and an 802.3 length: LLC/SNAP follows */
    const unsigned char l[] = {ETH(0x89, 0x26), 0x40, 0x07, 0x00, 0x01, 0x00, 28, 0xaa, 0xaa,
                               0x03, 0, 0, 0, 0x08, 0x00, IP4};
    r = unit_dissect(l, sizeof l, 1);
    CHECK_STR(unit_stack(r), "eth vntag llc ipv4");
    CHECK_EQ(unit_uint(r, unit_layer(r, "vntag", 0), "length"), 28);
    CHECK_EQ(unit_uint(r, unit_layer(r, "vntag", 0), "ptr"), 1);
    unsigned char lie[sizeof l];
    memcpy(lie, l, sizeof lie);
    lie[19] = 200;
    r = unit_dissect(lie, sizeof lie, 1);
    CHECK_STR(err_of(unit_layer(r, "vntag", 0)), "bad_eth_len");
    unit_sweep(l, sizeof l, 1);
}

/* ---- PPP and Cisco HDLC ---------------------------------------------- */

static void test_ppp_linktypes(void)
{
    /* LINKTYPE_PPP with address/control, IPv4 */
    const unsigned char a[] = {0xff, 0x03, 0x00, 0x21, IP4};
    record_t *r = unit_dissect(a, sizeof a, 9);
    CHECK_STR(unit_stack(r), "ppp ipv4");
    const layer_t *p = unit_layer(r, "ppp", 0);
    CHECK_EQ(unit_uint(r, p, "address"), 0xff);
    CHECK_EQ(unit_uint(r, p, "control"), 0x03);
    CHECK_EQ(unit_uint(r, p, "protocol"), 0x0021);
    CHECK_EQ(p->len, 4);
    CHECK_STR(unit_summary(r, p), "PPP IPv4 (0x0021)");
    CHECK(starts(line(r), "IP 10.0.0.1 > 10.0.0.2: "));
    unit_sweep(a, sizeof a, 9);
    /* address/control and protocol field compressed (RFC 1661 6.5, 6.6) */
    const unsigned char b[] = {0x21, IP4};
    r = unit_dissect(b, sizeof b, 9);
    CHECK_STR(unit_stack(r), "ppp ipv4");
    p = unit_layer(r, "ppp", 0);
    CHECK_EQ(unit_uint(r, p, "protocol"), 0x21);
    CHECK_EQ(unit_field(r, p, "protocol")->len, 1);
    CHECK(unit_field(r, p, "address") == NULL);
    /* LINKTYPE_PPP_HDLC, IPv6 */
    const unsigned char c[] = {0xff, 0x03, 0x00, 0x57, IP6};
    r = unit_dissect(c, sizeof c, 50);
    CHECK_STR(unit_stack(r), "ppp ipv6");
    unit_sweep(c, sizeof c, 50);
    /* LCP is named, and dissected (test_lcp) */
    const unsigned char lcp[] = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04};
    r = unit_dissect(lcp, sizeof lcp, 9);
    CHECK_STR(unit_stack(r), "ppp lcp");
    CHECK_STR(unit_field(r, unit_layer(r, "ppp", 0), "protocol")->note, "LCP");
    CHECK_STR(unit_summary(r, unit_layer(r, "ppp", 0)), "PPP LCP (0xc021)");
    /* MPLS over PPP */
    const unsigned char m[] = {0xff, 0x03, 0x02, 0x81, 0x00, 0x01, 0x01, 0x40, IP4};
    r = unit_dissect(m, sizeof m, 9);
    CHECK_STR(unit_stack(r), "ppp mpls ipv4");
    /* nothing but the address and control bytes */
    r = unit_dissect(a, 3, 9);
    CHECK_STR(unit_stack(r), "ppp");
    CHECK(r->truncated);
    r = unit_dissect(a, 0, 9);
    CHECK(r->truncated);
}

static void test_cisco_hdlc(void)
{
    const unsigned char a[] = {0x0f, 0x00, 0x08, 0x00, IP4};
    record_t *r = unit_dissect(a, sizeof a, 104);
    CHECK_STR(unit_stack(r), "ppp ipv4");
    const layer_t *p = unit_layer(r, "ppp", 0);
    CHECK_EQ(unit_uint(r, p, "address"), 0x0f);
    CHECK_EQ(unit_uint(r, p, "type"), 0x0800);
    CHECK(unit_field(r, p, "protocol") == NULL);
    CHECK_STR(unit_summary(r, p), "CHDLC unicast, ethertype 0x0800 (IPv4)");
    unit_sweep(a, sizeof a, 104);
    /* LINKTYPE_PPP_HDLC carrying Cisco HDLC (its first byte says so) */
    r = unit_dissect(a, sizeof a, 50);
    CHECK_STR(unit_stack(r), "ppp ipv4");
    CHECK_EQ(unit_uint(r, unit_layer(r, "ppp", 0), "type"), 0x0800);
    /* SLARP takes RARP's EtherType: not RARP */
    const unsigned char slarp[] = {0x8f, 0x00, 0x80, 0x35, 0, 0, 0, 2, 0, 0, 0, 5,
                                   0, 0, 0, 2, 0xff, 0xff, 0, 1, 2, 3};
    r = unit_dissect(slarp, sizeof slarp, 104);
    CHECK_STR(unit_stack(r), "ppp data");
    CHECK_STR(unit_field(r, unit_layer(r, "ppp", 0), "type")->note, "SLARP");
    /* PPP carried inside a Cisco HDLC frame (EtherType 0x880b) is PPP */
    const unsigned char in[] = {0x0f, 0x00, 0x88, 0x0b, 0xff, 0x03, 0x00, 0x21, IP4};
    r = unit_dissect(in, sizeof in, 104);
    CHECK_STR(unit_stack(r), "ppp ppp ipv4");
    CHECK_EQ(unit_uint(r, unit_layer(r, "ppp", 1), "protocol"), 0x21);
    unit_sweep(in, sizeof in, 104);
}

static void test_ppp_by_ethertype(void)
{
    /* EtherType 0x880b, as GRE version 1 (PPTP) will hand it on */
    const unsigned char f[] = {ETH(0x88, 0x0b), 0xff, 0x03, 0x00, 0x21, IP4};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth ppp ipv4");
    CHECK(registry_lookup(TBL_PPP_PROTO, 0x0021) == registry_by_name("ipv4"));
    CHECK(registry_lookup(TBL_PPP_PROTO, 0x0057) == registry_by_name("ipv6"));
    CHECK(registry_lookup(TBL_PPP_PROTO, 0xc021) == registry_by_name("lcp"));
    CHECK(registry_lookup(TBL_PPP_PROTO, 0x8021) == NULL); /* IPCP: data */
    CHECK(registry_lookup(TBL_ETHERTYPE, 0x880b) == registry_by_name("ppp"));
    CHECK(registry_lookup(TBL_LINKTYPE, 104) == registry_by_name("ppp"));
}

/* ---- PPPoE ------------------------------------------------------------ */

static void test_pppoe_session(void)
{
    /* session 0x11, length 22 (protocol + IPv4), Ethernet padding after */
    const unsigned char f[] = {ETH(0x88, 0x64), 0x11, 0x00, 0x00, 0x11, 0x00, 22,
                               0x00, 0x21, IP4, 0, 0, 0, 0};
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth pppoe ppp ipv4");
    const layer_t *p = unit_layer(r, "pppoe", 0);
    CHECK_EQ(unit_uint(r, p, "version"), 1);
    CHECK_EQ(unit_uint(r, p, "type"), 1);
    CHECK_EQ(unit_uint(r, p, "code"), 0);
    CHECK_EQ(unit_uint(r, p, "session_id"), 0x11);
    CHECK_EQ(unit_uint(r, p, "len"), 22);
    CHECK_EQ(p->len, 6);
    CHECK_EQ(unit_layer(r, "ppp", 0)->len, 2);
    CHECK(unit_field(r, unit_layer(r, "ppp", 0), "address") == NULL);
    CHECK_STR(unit_summary(r, p), "PPPoE  [ses 0x11]");
    CHECK(starts(line(r), "PPPoE  [ses 0x11] IP 10.0.0.1 > 10.0.0.2: "));
    unit_sweep(f, sizeof f, 1);
    /* a length beyond the frame */
    unsigned char lie[sizeof f];
    memcpy(lie, f, sizeof lie);
    lie[18] = 0x01;
    r = unit_dissect(lie, sizeof lie, 1);
    CHECK_STR(unit_stack(r), "eth pppoe");
    CHECK_STR(err_of(unit_layer(r, "pppoe", 0)), "bad_pppoe_len");
    /* ... which a cut capture does not hide */
    r = unit_dissect_len(lie, 30, sizeof lie, 1);
    CHECK_STR(err_of(unit_layer(r, "pppoe", 0)), "bad_pppoe_len");
    /* a short capture of a sound frame is truncated, not an error */
    r = unit_dissect_len(f, 24, sizeof f, 1);
    CHECK(r->truncated && !r->malformed);
    /* version 2 */
    memcpy(lie, f, sizeof lie);
    lie[14] = 0x21;
    r = unit_dissect(lie, sizeof lie, 1);
    CHECK_STR(err_of(unit_layer(r, "pppoe", 0)), "bad_pppoe_hdr");
    /* LCP in a session */
    const unsigned char lcp[] = {ETH(0x88, 0x64), 0x11, 0x00, 0x00, 0x11, 0x00, 6,
                                 0xc0, 0x21, 0x09, 0x01, 0x00, 0x04};
    r = unit_dissect(lcp, sizeof lcp, 1);
    CHECK_STR(unit_stack(r), "eth pppoe ppp lcp");
    CHECK_EQ(unit_uint(r, unit_layer(r, "lcp", 0), "length"), 4);
}

/* The n-th tag object's field `name` (0-based), walking the layer. */
/* Field `name` of the nth object `obj` of layer l (a PPPoE tag, an LCP
 * option). */
static const field_t *nth_field(const record_t *r, const layer_t *l, const char *obj, int nth,
                                const char *name)
{
    unsigned end = (unsigned)l->f_first + l->f_count;
    int k = -1;
    for (unsigned i = l->f_first; i < end; i++) {
        const field_t *f = &r->fields[i];
        if (f->type == FT_OBJECT && unit_named(f, obj))
            k++;
        else if (k == nth && unit_named(f, name))
            return f;
    }
    return NULL;
}

/* LCP in a PPPoE session: an echo, a Configure-Request's options, and
 * lengths that lie. */
static void test_lcp(void)
{
    const unsigned char echo[] = {ETH(0x88, 0x64), 0x11, 0x00, 0x00, 0x11, 0x00, 10,
                                  0xc0, 0x21, 9, 1, 0, 8, 0x53, 0x54, 0xa0, 0x01};
    record_t *r = unit_dissect(echo, sizeof echo, 1);
    CHECK_STR(unit_stack(r), "eth pppoe ppp lcp");
    const layer_t *l = unit_layer(r, "lcp", 0);
    CHECK(l && l->status == LS_OK && l->osi == 2 && l->len == 8);
    CHECK_EQ(unit_uint(r, l, "code"), 9);
    CHECK_EQ(unit_uint(r, l, "id"), 1);
    CHECK_EQ(unit_uint(r, l, "length"), 8);
    CHECK_EQ(unit_uint(r, l, "magic"), 0x5354a001);
    /* tcpdump's line: the length counts the PPP protocol field */
    CHECK_STR(unit_summary(r, l), "LCP, Echo-Request (0x09), id 1, length 10");
    CHECK(starts(line(r), "PPPoE  [ses 0x11] LCP, Echo-Request (0x09), id 1, length 10"));
    unit_sweep(echo, sizeof echo, 1);

    /* Configure-Request: MRU 1492, magic number, PFC */
    const unsigned char conf[] = {ETH(0x88, 0x64), 0x11, 0x00, 0x00, 0x11, 0x00, 18,
                                  0xc0, 0x21, 1, 7, 0, 16,
                                  1, 4, 0x05, 0xd4, 5, 6, 0x12, 0x34, 0x56, 0x78, 7, 2};
    r = unit_dissect(conf, sizeof conf, 1);
    l = unit_layer(r, "lcp", 0);
    CHECK(l && l->status == LS_OK);
    CHECK_EQ(nth_field(r, l, "option", 0, "mru")->v.u, 1492);
    CHECK_STR(nth_field(r, l, "option", 0, "type")->note, "MRU");
    CHECK_EQ(nth_field(r, l, "option", 1, "magic")->v.u, 0x12345678);
    CHECK_EQ(nth_field(r, l, "option", 2, "len")->v.u, 2);
    CHECK_STR(unit_summary(r, l), "LCP, Conf-Request (0x01), id 7, length 18");
    unit_sweep(conf, sizeof conf, 1);

    /* an option running past the packet, a length under the header */
    unsigned char bad[sizeof conf];
    memcpy(bad, conf, sizeof bad);
    bad[sizeof bad - 1] = 9;
    r = unit_dissect(bad, sizeof bad, 1);
    CHECK_STR(err_of(unit_layer(r, "lcp", 0)), "bad_lcp_option");
    memcpy(bad, conf, sizeof bad);
    bad[25] = 3; /* LCP length 3 */
    r = unit_dissect(bad, sizeof bad, 1);
    CHECK_STR(err_of(unit_layer(r, "lcp", 0)), "bad_lcp_len");
}

static void test_pppoe_discovery(void)
{
    /* PADI: Service-Name (empty), Host-Uniq 0x64138518, padding */
    const unsigned char padi[] = {ETH(0x88, 0x63), 0x11, 0x09, 0x00, 0x00, 0x00, 12,
                                  0x01, 0x01, 0x00, 0x00, 0x01, 0x03, 0x00, 0x04,
                                  0x64, 0x13, 0x85, 0x18, 0, 0, 0, 0, 0, 0};
    record_t *r = unit_dissect(padi, sizeof padi, 1);
    CHECK_STR(unit_stack(r), "eth pppoe");
    const layer_t *p = unit_layer(r, "pppoe", 0);
    CHECK_EQ(unit_uint(r, p, "code"), 0x09);
    CHECK_EQ(p->len, 18);
    const field_t *sn = nth_field(r, p, "tag", 0, "service_name");
    CHECK(sn && sn->type == FT_STR && sn->s_len == 0);
    CHECK(unit_field(r, p, "host_uniq") == NULL); /* nested in its tag, not top level */
    const field_t *hu = nth_field(r, p, "tag", 1, "host_uniq");
    CHECK(hu && strcmp(field_str(r, hu), "64138518") == 0 && hu->off == 28 && hu->len == 4);
    CHECK_EQ(nth_field(r, p, "tag", 1, "type")->v.u, 0x0103);
    CHECK_STR(unit_summary(r, p), "PPPoE PADI [Service-Name] [Host-Uniq 0x64138518]");
    /* tcpdump writes the discovery packet alone, no Ethernet line first */
    CHECK(starts(line(r), "PPPoE PADI [Service-Name] [Host-Uniq 0x64138518]"));
    unit_sweep(padi, sizeof padi, 1);

    /* PADS: session 0x11 and every kind of value; End-Of-List stops the
     * walk before a tag that would run past the payload */
    const unsigned char pads[] = {ETH(0x88, 0x63), 0x11, 0x65, 0x00, 0x11, 0x00, 48,
                                  0x01, 0x01, 0x00, 0x03, 'i', 's', 'p',
                                  0x01, 0x02, 0x00, 0x04, 'B', 'R', 'A', 'S',
                                  0x01, 0x05, 0x00, 0x08, 0x00, 0x00, 0x0d, 0xe9, 1, 2, 3, 4,
                                  0x01, 0x20, 0x00, 0x02, 0x05, 0xdc,
                                  0x02, 0x03, 0x00, 0x03, 'b', 'a', 'd',
                                  0x00, 0x00, 0x00, 0x00,
                                  0x01, 0x01, 0x00, 0xff};
    r = unit_dissect(pads, sizeof pads, 1);
    p = unit_layer(r, "pppoe", 0);
    CHECK(!r->malformed && !r->truncated);
    CHECK_EQ(unit_uint(r, p, "session_id"), 0x11);
    CHECK_STR(field_str(r, nth_field(r, p, "tag", 0, "service_name")), "isp");
    CHECK_STR(field_str(r, nth_field(r, p, "tag", 1, "ac_name")), "BRAS");
    CHECK_EQ(nth_field(r, p, "tag", 2, "vendor_id")->v.u, 3561);
    CHECK_EQ(nth_field(r, p, "tag", 3, "max_payload")->v.u, 1500);
    CHECK_STR(field_str(r, nth_field(r, p, "tag", 4, "generic_error")), "bad");
    CHECK_EQ(nth_field(r, p, "tag", 5, "type")->v.u, 0);
    CHECK(nth_field(r, p, "tag", 6, "type") == NULL);
    CHECK_STR(unit_summary(r, p), "PPPoE PADS [ses 0x11] [Service-Name \"isp\"] [AC-Name \"BRAS\"] "
                             "[Vendor-Specific] [PPP-Max-Payload] [Generic-Error \"bad\"] "
                             "[End-Of-List]");
    unit_sweep(pads, sizeof pads, 1);

    /* a tag longer than the payload */
    unsigned char lie[sizeof padi];
    memcpy(lie, padi, sizeof lie);
    lie[27] = 0x40;
    r = unit_dissect(lie, sizeof lie, 1);
    CHECK_STR(err_of(unit_layer(r, "pppoe", 0)), "bad_pppoe_tag");
    CHECK(nth_field(r, unit_layer(r, "pppoe", 0), "tag", 0, "service_name") != NULL);
    /* a payload ending inside a tag header */
    memcpy(lie, padi, sizeof lie);
    lie[19] = 6;
    r = unit_dissect(lie, sizeof lie, 1);
    CHECK_STR(err_of(unit_layer(r, "pppoe", 0)), "bad_pppoe_tag");
    /* cut by the capture inside a tag value: truncated, tags so far kept */
    r = unit_dissect_len(padi, 30, sizeof padi, 1);
    CHECK_EQ(unit_layer(r, "pppoe", 0)->status, LS_TRUNCATED);
    CHECK(nth_field(r, unit_layer(r, "pppoe", 0), "tag", 1, "type") != NULL);
    CHECK(nth_field(r, unit_layer(r, "pppoe", 0), "tag", 1, "host_uniq") == NULL);
    /* LINKTYPE_PPP_ETHER: the frame starts with the PPPoE header */
    r = unit_dissect(padi + 14, sizeof padi - 14, 51);
    CHECK_STR(unit_stack(r), "pppoe");
    CHECK_EQ(unit_uint(r, unit_layer(r, "pppoe", 0), "code"), 0x09);
}

static void test_pppoe_many_tags(void)
{
    /* more tags than the record holds fields: dropped and flagged, the
     * record stays well formed */
    static unsigned char f[14 + 6 + 1400];
    const unsigned char head[] = {ETH(0x88, 0x63), 0x11, 0x09, 0x00, 0x00, 1400 >> 8, 1400 & 255};
    memcpy(f, head, sizeof head);
    for (unsigned i = 0; i < 1400; i += 4) {
        f[20 + i] = 0x01;
        f[21 + i] = 0x01;
        f[22 + i] = 0;
        f[23 + i] = 0;
    }
    record_t *r = unit_dissect(f, sizeof f, 1);
    CHECK_STR(unit_stack(r), "eth pppoe");
    CHECK(r->overflow);
    CHECK(!r->malformed);
    (void)line(r);
    (void)unit_summary(r, unit_layer(r, "pppoe", 0));
}

int main(void)
{
    unit_init();
    RUN(test_mpls_ipv4);
    RUN(test_mpls_stack_ipv6);
    RUN(test_mpls_pseudowire);
    RUN(test_mpls_other_payloads);
    RUN(test_mpls_endless_stack);
    RUN(test_pbb);
    RUN(test_vntag);
    RUN(test_ppp_linktypes);
    RUN(test_cisco_hdlc);
    RUN(test_ppp_by_ethertype);
    RUN(test_pppoe_session);
    RUN(test_pppoe_discovery);
    RUN(test_pppoe_many_tags);
    RUN(test_lcp);
    return unit_done();
}
