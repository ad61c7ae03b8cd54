/* filter_match.c - does a record match a compiled display filter?
 *
 * Runs once per packet: no allocation, no printing, no name compared.
 * A field is found by its definition's address among the fields of the
 * layers whose dissector declares it; a name with several occurrences
 * (tcp.port, a DNS answer's names, the IP header inside an ICMP error)
 * matches when any occurrence does, as in Wireshark. */
#include <string.h>

#include "filter_int.h"
#include "flow.h"

/* For test(): any occurrence at all, whatever its value; one that does
 * not equal the constant. */
#define OP_PRESENT 255
#define OP_NOT_EQ 254

/* One occurrence of a value. */
typedef struct fval {
    uint64_t u;
    const uint8_t *b; /* MAC, IPv4, IPv6 */
    const char *s;    /* strings, NUL-terminated */
    size_t slen;
} fval_t;

static unsigned addr_len(unsigned type)
{
    return type == FT_MAC ? 6 : type == FT_IPV4 ? 4 : 16;
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, whole) != 0)
        return false;
    if (!rest)
        return true;
    uint8_t m = (uint8_t)(0xff << (8 - rest));
    return (a[whole] & m) == (b[whole] & m);
}

static int ord(int c)
{
    return c < 0 ? -1 : c > 0;
}

/* -1, 0, 1: the value against the constant (addresses: in full). */
static int compare(const fnode_t *n, const fval_t *v)
{
    const fconst_t *c = &n->c;
    switch (n->ref.type) {
    case FT_UINT:
    case FT_BOOL: return v->u < c->u ? -1 : v->u > c->u;
    case FT_STR: {
        size_t m = v->slen < c->slen ? v->slen : c->slen;
        int r = memcmp(v->s, c->s, m);
        return r ? ord(r) : (v->slen > c->slen) - (v->slen < c->slen);
    }
    default: return ord(memcmp(v->b, c->b, addr_len(n->ref.type)));
    }
}

/* Does one occurrence satisfy op (OP_NE is handled by the caller)? */
static bool test(const fnode_t *n, int op, const fval_t *v)
{
    switch (op) {
    case OP_PRESENT: return true;
    case OP_NOT_EQ: return !test(n, OP_EQ, v);
    case OP_EXISTS: return true; /* Wireshark: present, whatever its value */
    case OP_EQ:
        if (n->ref.type == FT_IPV4 || n->ref.type == FT_IPV6)
            return prefix_eq(v->b, n->c.b, n->c.prefix);
        return compare(n, v) == 0;
    case OP_LT: return compare(n, v) < 0;
    case OP_LE: return compare(n, v) <= 0;
    case OP_GT: return compare(n, v) > 0;
    case OP_GE: return compare(n, v) >= 0;
    case OP_RANGE: return v->u >= n->c.u && v->u <= n->c.hi;
    case OP_CONTAINS:
        return mem_has(v->s, v->slen, n->c.s, n->c.slen);
    case OP_MATCHES: return regexec(&n->c.re, v->s, 0, NULL, 0) == 0;
    default: return false;
    }
}

static void field_value(const record_t *r, const field_t *f, fval_t *v)
{
    v->u = f->v.u;
    v->b = f->v.b;
    if (f->type == FT_STR) {
        v->s = field_str(r, f);
        v->slen = f->s_len;
    }
}

/* A field holds the kind of value its definition declares (a number
 * added as a boolean or the other way round is still a number); the
 * filter's constant was parsed for the declared type. */
static bool as_declared(const field_t *f)
{
    bool num = f->type == FT_UINT || f->type == FT_BOOL;
    bool def_num = f->def->type == FT_UINT || f->def->type == FT_BOOL;
    return f->type == f->def->type || (num && def_num);
}

static bool has_def(const fref_t *ref, const field_def_t *def)
{
    for (unsigned i = 0; i < ref->ndefs; i++)
        if (ref->defs[i] == def)
            return true;
    return false;
}

/* Is there an occurrence of n's name for which test(op) holds?  With
 * op OP_EXISTS and a name that is not a boolean: is there one at all. */
static bool any(const fnode_t *n, int op, const record_t *r, const struct flow_table *ft)
{
    const fref_t *ref = &n->ref;
    fval_t v = {0};
    switch (ref->kind) {
    case FK_REG:
    case FK_BIT:
        for (unsigned li = 0; li < r->nlayers; li++) {
            const layer_t *l = &r->layers[li];
            if (!(ref->protos & (1ull << l->proto->id)))
                continue;
            unsigned end = (unsigned)l->f_first + l->f_count;
            for (unsigned i = l->f_first; i < end && i < r->nfields; i++) {
                const field_t *f = &r->fields[i];
                if (!f->def || !has_def(ref, f->def) || !as_declared(f))
                    continue;
                field_value(r, f, &v);
                if (ref->kind == FK_BIT)
                    v.u = (v.u & ref->mask) != 0;
                if (ref->type > FT_IPV6 && (op == OP_EXISTS || op == OP_PRESENT))
                    return true; /* an array or object: present */
                if (test(n, op, &v))
                    return true;
            }
        }
        return false;
    case FK_OSI:
        for (unsigned li = 0; li < r->nlayers; li++) {
            v.u = r->layers[li].osi;
            if (test(n, op, &v))
                return true;
        }
        return false;
    case FK_FRAME_LEN: v.u = r->len; break;
    case FK_FRAME_CAPLEN: v.u = r->caplen; break;
    case FK_FRAME_NUMBER: v.u = r->frame; break;
    case FK_TCP_STATE:
    case FK_TCP_STATE_BEFORE:
    case FK_PEER_STATE:
    case FK_ANALYSIS:
        if (!r->flow.present || !r->flow.tcp)
            return false;
        /* as in Wireshark, an analysis mark is there only when it holds */
        if (ref->kind == FK_ANALYSIS && !(r->flow.analysis & ref->mask))
            return false;
        v.u = ref->kind == FK_TCP_STATE          ? r->flow.state
              : ref->kind == FK_TCP_STATE_BEFORE ? r->flow.state_before
              : ref->kind == FK_PEER_STATE       ? r->flow.peer_state
                                                 : (r->flow.analysis & ref->mask) != 0;
        break;
    case FK_FLOW_ID:
    case FK_FLOW_DIR:
        if (!r->flow.present)
            return false;
        v.u = ref->kind == FK_FLOW_ID ? r->flow.id : r->flow.dir;
        break;
    case FK_FLOW_EVENT:
        if (!r->flow.present || !r->flow.event)
            return false;
        v.s = r->flow.event;
        v.slen = strlen(v.s);
        break;
    case FK_CONN_STATE:
        if (!r->flow.present || !ft)
            return false;
        v.s = flow_conn_state_now(ft, r->flow.id);
        if (!v.s)
            return false;
        v.slen = strlen(v.s);
        break;
    default: return false;
    }
    return test(n, op, &v);
}

static bool eval(const fnode_t *n, const record_t *r, const struct flow_table *ft)
{
    switch (n->kind) {
    case N_AND: return eval(n->a, r, ft) && eval(n->b, r, ft);
    case N_OR: return eval(n->a, r, ft) || eval(n->b, r, ft);
    case N_NOT: return !eval(n->a, r, ft);
    case N_TRUE: return true;
    case N_PROTO:
        for (unsigned li = 0; li < r->nlayers; li++)
            if (n->protos & (1ull << r->layers[li].proto->id))
                return true;
        return false;
    case N_CMP:
        /* a != b: a is there and no occurrence equals b (Wireshark 4's
         * "all not equal": !(a == b) for a packet that has a) */
        if (n->op == OP_NE)
            return any(n, OP_PRESENT, r, ft) && !any(n, OP_EQ, r, ft);
        if (n->op == OP_ALL_EQ)
            return any(n, OP_PRESENT, r, ft) && !any(n, OP_NOT_EQ, r, ft);
        if (n->op == OP_ANY_NE)
            return any(n, OP_NOT_EQ, r, ft);
        return any(n, n->op, r, ft);
    default: return false;
    }
}

bool dfilter_match(const dfilter_t *f, const record_t *r, const struct flow_table *ft)
{
    return f && f->root && eval(f->root, r, ft);
}
