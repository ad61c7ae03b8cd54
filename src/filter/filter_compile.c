/* filter_compile.c - the display filter's lexer, parser and name
 * resolution: everything that reads names happens here, once.
 *
 * Grammar (Wireshark's, the parts strata has):
 *   expr    := and { ("or" | "||") and }
 *   and     := unary { ("and" | "&&") unary }
 *   unary   := ("not" | "!") unary | primary
 *   primary := "(" expr ")" | NAME [ CMP value | "in" "{" value... "}" ]
 *   CMP     := == != < <= > >= eq ne lt le gt ge contains matches ~
 *              === !== (all_eq any_ne), any_eq all_ne (== and !=)
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_int.h"
#include "registry.h"
#include "tcp_state.h"

_Static_assert(PROTO_COUNT <= 64, "a dissector set is a 64-bit mask");

#define FILTER_MAX_DEPTH 64 /* nesting of parentheses and nots */
#define FILTER_MAX_NODES 4096

enum tok { T_END, T_LP, T_RP, T_LBRACE, T_RBRACE, T_COMMA, T_AND, T_OR, T_NOT, T_CMP, T_IN,
           T_WORD, T_STRING };

typedef struct token {
    int kind;
    int op;          /* T_CMP: enum fop */
    size_t pos, len; /* in the expression */
} token_t;

typedef struct parser {
    const char *s;
    size_t n;
    token_t tok;     /* the current token */
    token_t prev;
    char *err;
    size_t errlen;
    int *errcol;
    bool failed;
    bool needs_fields;
    unsigned depth, nodes;
} parser_t;

static void fail(parser_t *p, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(parser_t *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    if (p->errcol)
        *p->errcol = (int)pos + 1;
    if (p->err && p->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err, p->errlen, fmt, ap);
        va_end(ap);
    }
}

/* ---- the lexer ---------------------------------------------------------- */

static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == ':' || c == '/' || c == '-';
}

static const struct {
    const char *w;
    int kind, op;
} keywords[] = {
    {"and", T_AND, 0},           {"or", T_OR, 0},           {"not", T_NOT, 0},
    {"in", T_IN, 0},             {"eq", T_CMP, OP_EQ},      {"ne", T_CMP, OP_NE},
    {"lt", T_CMP, OP_LT},        {"le", T_CMP, OP_LE},      {"gt", T_CMP, OP_GT},
    {"ge", T_CMP, OP_GE},        {"contains", T_CMP, OP_CONTAINS},
    {"matches", T_CMP, OP_MATCHES}, {"all_eq", T_CMP, OP_ALL_EQ}, {"any_eq", T_CMP, OP_EQ},
    {"all_ne", T_CMP, OP_NE},        {"any_ne", T_CMP, OP_ANY_NE},
};

static void next(parser_t *p)
{
    p->prev = p->tok;
    size_t i = p->tok.pos + p->tok.len;
    while (i < p->n && isspace((unsigned char)p->s[i]))
        i++;
    token_t t = {.kind = T_END, .pos = i, .len = 0};
    if (i >= p->n) {
        p->tok = t;
        return;
    }
    const char *c = p->s + i;
    static const struct {
        const char *txt;
        int kind, op;
    } punct[] = {
        {"===", T_CMP, OP_ALL_EQ}, {"!==", T_CMP, OP_ANY_NE},
        {"==", T_CMP, OP_EQ}, {"!=", T_CMP, OP_NE}, {"<=", T_CMP, OP_LE}, {">=", T_CMP, OP_GE},
        {"&&", T_AND, 0},     {"||", T_OR, 0},      {"<", T_CMP, OP_LT},  {">", T_CMP, OP_GT},
        {"~", T_CMP, OP_MATCHES}, {"!", T_NOT, 0},  {"(", T_LP, 0},       {")", T_RP, 0},
        {"{", T_LBRACE, 0},   {"}", T_RBRACE, 0},   {",", T_COMMA, 0},
    };
    for (size_t k = 0; k < sizeof punct / sizeof punct[0]; k++) {
        size_t l = strlen(punct[k].txt);
        if (strncmp(c, punct[k].txt, l) == 0) {
            t.kind = punct[k].kind;
            t.op = punct[k].op;
            t.len = l;
            p->tok = t;
            return;
        }
    }
    if (*c == '"') {
        size_t j = i + 1;
        while (j < p->n && p->s[j] != '"') {
            if (p->s[j] == '\\' && j + 1 < p->n)
                j++;
            j++;
        }
        if (j >= p->n) {
            fail(p, i, "unterminated string");
            t.kind = T_END;
            p->tok = t;
            return;
        }
        t.kind = T_STRING;
        t.len = j + 1 - i;
        p->tok = t;
        return;
    }
    if (word_char(*c)) {
        size_t j = i;
        while (j < p->n && word_char(p->s[j]))
            j++;
        t.kind = T_WORD;
        t.len = j - i;
        for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
            if (strlen(keywords[k].w) == t.len && strncmp(c, keywords[k].w, t.len) == 0) {
                t.kind = keywords[k].kind;
                t.op = keywords[k].op;
            }
        p->tok = t;
        return;
    }
    fail(p, i, "unexpected character '%c'", isprint((unsigned char)*c) ? *c : '?');
    p->tok = t;
}

/* The token's text, for messages: at most 40 characters. */
static const char *tok_text(const parser_t *p, const token_t *t, char *buf, size_t n)
{
    if (t->kind == T_END)
        return "the end";
    int l = t->len > 40 ? 40 : (int)t->len;
    snprintf(buf, n, "'%.*s'", l, p->s + t->pos);
    return buf;
}

/* ---- names -------------------------------------------------------------- */

/* Wireshark's names for a protocol strata calls otherwise. */
static const struct {
    const char *ws, *strata;
} proto_alias[] = {
    {"ip", "ipv4"}, {"pppoes", "pppoe"}, {"pppoed", "pppoe"},
};

static const dissector_t *proto_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof proto_alias / sizeof proto_alias[0]; i++)
        if (strcmp(name, proto_alias[i].ws) == 0)
            return registry_by_name(proto_alias[i].strata);
    return registry_by_name(name);
}

/* Wireshark's names that stand for two fields: either matches. */
static const struct {
    const char *name, *a, *b;
} field_pair[] = {
    {"tcp.port", "tcp.srcport", "tcp.dstport"}, {"udp.port", "udp.srcport", "udp.dstport"},
    {"ip.addr", "ip.src", "ip.dst"},            {"ipv6.addr", "ipv6.src", "ipv6.dst"},
    {"eth.addr", "eth.src", "eth.dst"},
};

/* A bit of a registry field, as Wireshark names it. */
static const struct {
    const char *name, *base;
    uint64_t mask;
} field_bit[] = {
    {"tcp.flags.fin", "tcp.flags", TCPF_FIN},   {"tcp.flags.syn", "tcp.flags", TCPF_SYN},
    {"tcp.flags.reset", "tcp.flags", TCPF_RST}, {"tcp.flags.push", "tcp.flags", TCPF_PSH},
    {"tcp.flags.ack", "tcp.flags", TCPF_ACK},   {"tcp.flags.urg", "tcp.flags", TCPF_URG},
    {"tcp.flags.ece", "tcp.flags", TCPF_ECE},   {"tcp.flags.cwr", "tcp.flags", TCPF_CWR},
    {"tcp.flags.ns", "tcp.flags", 0x100},       {"tcp.flags.ae", "tcp.flags", 0x100},
};

/* Facts that are not fields of a layer: the frame's, the flow's. */
static const struct {
    const char *name;
    uint8_t kind, type;
    uint64_t mask;
} pseudo[] = {
    {"frame.len", FK_FRAME_LEN, FT_UINT, 0},
    {"frame.cap_len", FK_FRAME_CAPLEN, FT_UINT, 0},
    {"frame.number", FK_FRAME_NUMBER, FT_UINT, 0},
    {"osi", FK_OSI, FT_UINT, 0},
    {"tcp.state", FK_TCP_STATE, FT_UINT, 0},
    {"flow.state", FK_TCP_STATE, FT_UINT, 0},
    {"flow.state_before", FK_TCP_STATE_BEFORE, FT_UINT, 0},
    {"flow.peer_state", FK_PEER_STATE, FT_UINT, 0},
    {"tcp.peer_state", FK_PEER_STATE, FT_UINT, 0},
    {"flow.id", FK_FLOW_ID, FT_UINT, 0},
    {"flow.dir", FK_FLOW_DIR, FT_UINT, 0},
    {"flow.conn_state", FK_CONN_STATE, FT_STR, 0},
    {"flow.event", FK_FLOW_EVENT, FT_STR, 0},
    {"tcp.analysis.retransmission", FK_ANALYSIS, FT_BOOL, TA_RETRANSMISSION},
    {"tcp.analysis.out_of_order", FK_ANALYSIS, FT_BOOL, TA_OUT_OF_ORDER},
    {"tcp.analysis.duplicate_ack", FK_ANALYSIS, FT_BOOL, TA_DUP_ACK},
    {"tcp.analysis.zero_window", FK_ANALYSIS, FT_BOOL, TA_ZERO_WINDOW},
    {"tcp.analysis.keep_alive", FK_ANALYSIS, FT_BOOL, TA_KEEP_ALIVE},
    {"tcp.analysis.keep_alive_ack", FK_ANALYSIS, FT_BOOL, TA_KEEP_ALIVE_ACK},
    {"tcp.analysis.window_update", FK_ANALYSIS, FT_BOOL, TA_WINDOW_UPDATE},
    {"tcp.analysis.lost_segment", FK_ANALYSIS, FT_BOOL, TA_LOST_SEGMENT},
    {"tcp.analysis.zero_window_probe", FK_ANALYSIS, FT_BOOL, TA_ZERO_WINDOW_PROBE},
};

/* Every registry field named `name` (a name may be declared by more
 * than one dissector); false when none is. */
static bool add_registry(fref_t *r, const char *name)
{
    bool found = false;
    for (unsigned i = 0; i < registry_count; i++) {
        const dissector_t *d = registry_all[i];
        for (unsigned f = 0; f < d->nfields; f++) {
            const field_def_t *def = &d->fields[f];
            if (!def->filter || strcmp(def->filter, name) != 0 || r->ndefs >= FREF_DEFS_MAX)
                continue;
            if (r->ndefs && def->type != r->type)
                continue; /* one name, one type: the first declaration's */
            r->type = def->type;
            r->defs[r->ndefs++] = def;
            r->protos |= 1ull << d->id;
            found = true;
        }
    }
    return found;
}

static bool resolve_field(const char *name, fref_t *r)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < sizeof pseudo / sizeof pseudo[0]; i++)
        if (strcmp(name, pseudo[i].name) == 0) {
            r->kind = pseudo[i].kind;
            r->type = pseudo[i].type;
            r->mask = pseudo[i].mask;
            return true;
        }
    for (size_t i = 0; i < sizeof field_pair / sizeof field_pair[0]; i++)
        if (strcmp(name, field_pair[i].name) == 0) {
            r->kind = FK_REG;
            return add_registry(r, field_pair[i].a) && add_registry(r, field_pair[i].b);
        }
    for (size_t i = 0; i < sizeof field_bit / sizeof field_bit[0]; i++)
        if (strcmp(name, field_bit[i].name) == 0) {
            r->kind = FK_BIT;
            if (!add_registry(r, field_bit[i].base))
                return false;
            r->type = FT_BOOL;
            r->mask = field_bit[i].mask;
            return true;
        }
    r->kind = FK_REG;
    return add_registry(r, name);
}

static const char *type_name(unsigned type)
{
    switch (type) {
    case FT_UINT: return "a number";
    case FT_BOOL: return "a boolean";
    case FT_STR: return "a string";
    case FT_MAC: return "a MAC address";
    case FT_IPV4: return "an IPv4 address";
    case FT_IPV6: return "an IPv6 address";
    default: return "a group of fields";
    }
}

/* ---- constants ---------------------------------------------------------- */

/* A string literal's bytes: \" \\ \n \t \r \xHH decoded (as Wireshark:
 * another escape is an error, so that "\." in a regex is not silently
 * "."; *bad is then its offset).  NULL when out of memory or bad. */
static char *decode_string(const char *s, size_t len, size_t *out_len, size_t *bad)
{
    char *o = malloc(len + 1);
    if (!o)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < len) {
            c = s[++i];
            if (c == 'n')
                c = '\n';
            else if (c == 't')
                c = '\t';
            else if (c == 'r')
                c = '\r';
            else if (c == 'x' && i + 2 < len && isxdigit((unsigned char)s[i + 1]) &&
                     isxdigit((unsigned char)s[i + 2])) {
                char hex[3] = {s[i + 1], s[i + 2], 0};
                c = (char)strtoul(hex, NULL, 16);
                i += 2;
            } else if (c != '\\' && c != '"' && c != '\'') {
                *bad = i - 1;
                free(o);
                return NULL;
            }
        }
        o[n++] = c;
    }
    o[n] = '\0';
    *out_len = n;
    return o;
}

static bool parse_uint(const char *s, uint64_t *out)
{
    if (!isdigit((unsigned char)s[0]))
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

static bool parse_mac(const char *s, uint8_t *b)
{
    /* aa:bb:cc:dd:ee:ff, aa-bb-..., aabb.ccdd.eeff */
    unsigned n = 0;
    const char *p = s;
    while (*p && n < 6) {
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
            return false;
        char hex[3] = {p[0], p[1], 0};
        b[n++] = (uint8_t)strtoul(hex, NULL, 16);
        p += 2;
        if (*p == ':' || *p == '-' || *p == '.')
            p++;
    }
    return n == 6 && *p == '\0';
}

static bool parse_addr(const char *s, int family, uint8_t *b, unsigned *prefix)
{
    char buf[64];
    unsigned max = family == AF_INET ? 32 : 128;
    const char *slash = strchr(s, '/');
    size_t l = slash ? (size_t)(slash - s) : strlen(s);
    if (l >= sizeof buf)
        return false;
    memcpy(buf, s, l);
    buf[l] = '\0';
    if (inet_pton(family, buf, b) != 1)
        return false;
    *prefix = max;
    if (slash) {
        uint64_t v;
        if (!parse_uint(slash + 1, &v) || v > max)
            return false;
        *prefix = (unsigned)v;
    }
    return true;
}

/* Names a number may be written as, for the flow facts. */
static bool named_number(uint8_t kind, const char *s, uint64_t *out)
{
    if (kind == FK_TCP_STATE || kind == FK_TCP_STATE_BEFORE || kind == FK_PEER_STATE) {
        for (unsigned i = 0; i < TCPS_COUNT; i++)
            if (strcasecmp(s, tcp_state_name(i)) == 0) {
                *out = i;
                return true;
            }
    }
    if (kind == FK_FLOW_DIR) {
        if (strcmp(s, "orig") == 0 || strcmp(s, "originator") == 0) {
            *out = 0;
            return true;
        }
        if (strcmp(s, "resp") == 0 || strcmp(s, "responder") == 0) {
            *out = 1;
            return true;
        }
    }
    return false;
}

/* Parse the constant at token t for ref and op into c; false (with the
 * error set) when it is not a value of the field's type. */
/* glibc's regcomp copies a subexpression's tree for each repetition that
 * needs one ('+' once, {n,m} up to m times), nested repetitions multiply,
 * and a pattern of a few hundred bytes can take gigabytes (the display
 * filter's fuzzer found one).  Refused before regcomp: a count above 255,
 * three quantifiers in a row (PCRE2, Wireshark's engine, refuses a
 * quantifier on a quantifier too), and patterns whose copies, taken as
 * if every repetition were nested in the others, pass 2^20.  NULL when
 * the pattern is fine, else why not. */
static const char *regex_too_costly(const char *s)
{
    unsigned run = 0;
    double copies = 1;
    for (size_t i = 0; s[i]; i++) {
        char ch = s[i];
        if (ch == '\\' && s[i + 1]) {
            i++;
            run = 0;
            continue;
        }
        if (ch == '[') { /* a bracket expression, to its closing ']' */
            size_t j = i + 1;
            if (s[j] == '^')
                j++;
            if (s[j] == ']')
                j++;
            while (s[j] && s[j] != ']')
                j++;
            if (s[j])
                i = j;
            run = 0;
            continue;
        }
        unsigned long times = 0;
        if (ch == '*' || ch == '?') {
            times = 1;
        } else if (ch == '+') {
            times = 2;
        } else if (ch == '{') {
            size_t j = i + 1;
            unsigned long n = 0, most = 0;
            while ((s[j] >= '0' && s[j] <= '9') || s[j] == ',') {
                n = s[j] == ',' ? 0 : n * 10 + (unsigned long)(s[j] - '0');
                if (n > 255)
                    return "a repetition count over 255";
                if (n > most)
                    most = n;
                j++;
            }
            if (s[j] == '}') {
                times = most ? most : 1;
                i = j;
            }
        }
        if (!times) {
            run = 0;
            continue;
        }
        if (++run >= 3)
            return "three quantifiers in a row";
        copies *= (double)times;
        if (copies > (double)(1u << 20))
            return "too many repetitions of repetitions";
    }
    return NULL;
}

static bool parse_const(parser_t *p, const token_t *t, const char *name, const fref_t *ref,
                        int op, fconst_t *c)
{
    size_t slen, bad = SIZE_MAX;
    size_t start = t->kind == T_STRING ? t->pos + 1 : t->pos;
    size_t len = t->kind == T_STRING ? t->len - 2 : t->len;
    char *txt = t->kind == T_STRING ? decode_string(p->s + start, len, &slen, &bad)
                                    : strndup(p->s + start, len);
    slen = t->kind == T_STRING ? slen : len;
    if (!txt) {
        if (bad != SIZE_MAX)
            fail(p, start + bad, "'\\%c' is not an escape a string knows (\\\\ for a backslash)",
                 p->s[start + bad + 1]);
        else
            fail(p, t->pos, "out of memory");
        return false;
    }
    bool ok = false;
    char tb[48];
    switch (ref->type) {
    case FT_UINT:
    case FT_BOOL:
        if (op == OP_RANGE) {
            char *dots = strstr(txt, "..");
            *dots = '\0';
            ok = parse_uint(txt, &c->u) && parse_uint(dots + 2, &c->hi);
            if (ok && c->hi < c->u)
                ok = false;
        } else if (ref->type == FT_BOOL && (strcasecmp(txt, "true") == 0 || strcasecmp(txt, "false") == 0)) {
            c->u = strcasecmp(txt, "true") == 0;
            ok = true;
        } else {
            ok = named_number(ref->kind, txt, &c->u) || parse_uint(txt, &c->u);
        }
        break;
    case FT_IPV4: ok = op != OP_RANGE && parse_addr(txt, AF_INET, c->b, &c->prefix); break;
    case FT_IPV6: ok = op != OP_RANGE && parse_addr(txt, AF_INET6, c->b, &c->prefix); break;
    case FT_MAC:
        ok = op != OP_RANGE && parse_mac(txt, c->b);
        c->prefix = 48;
        break;
    case FT_STR:
        if (op == OP_RANGE)
            break;
        c->s = txt;
        c->slen = slen;
        if (op == OP_MATCHES) {
            /* Wireshark's matches is case-insensitive (PCRE2 caseless) */
            const char *why = regex_too_costly(txt);
            if (why) {
                fail(p, t->pos, "regular expression %s refused: %s", tok_text(p, t, tb, sizeof tb), why);
                return false;
            }
            int e = regcomp(&c->re, txt, REG_EXTENDED | REG_NOSUB | REG_ICASE);
            if (e) {
                char msg[128];
                regerror(e, &c->re, msg, sizeof msg);
                fail(p, t->pos, "bad regular expression %s: %s", tok_text(p, t, tb, sizeof tb), msg);
                return false;
            }
            c->re_ok = true;
        }
        return true;
    default:
        break;
    }
    free(txt);
    if (!ok)
        fail(p, t->pos, "%s is not %s (the type of %s)", tok_text(p, t, tb, sizeof tb),
             op == OP_RANGE ? "a range of numbers" : type_name(ref->type), name);
    return ok;
}

/* ---- the parser --------------------------------------------------------- */

static fnode_t *node_new(parser_t *p, int kind)
{
    if (++p->nodes > FILTER_MAX_NODES) {
        fail(p, p->tok.pos, "expression too long");
        return NULL;
    }
    fnode_t *n = calloc(1, sizeof *n);
    if (!n)
        fail(p, p->tok.pos, "out of memory");
    else
        n->kind = (uint8_t)kind;
    return n;
}

static fnode_t *node_pair(parser_t *p, int kind, fnode_t *a, fnode_t *b)
{
    if (!a || !b) {
        dfilter_node_free(a);
        dfilter_node_free(b);
        return NULL;
    }
    fnode_t *n = node_new(p, kind);
    if (!n) {
        dfilter_node_free(a);
        dfilter_node_free(b);
        return NULL;
    }
    n->a = a;
    n->b = b;
    return n;
}

static fnode_t *parse_or(parser_t *p);

static const char *op_text(int op)
{
    static const char *const t[] = {[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<",
                                    [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=",
                                    [OP_CONTAINS] = "contains", [OP_MATCHES] = "matches",
                                    [OP_RANGE] = "in", [OP_ALL_EQ] = "===", [OP_ANY_NE] = "!=="};
    return op > 0 && op <= OP_ANY_NE ? t[op] : "in";
}

/* One comparison of field ref with the value at the current token. */
static fnode_t *parse_cmp_value(parser_t *p, const char *name, const fref_t *ref, int op,
                                const token_t *optok)
{
    if (p->tok.kind != T_WORD && p->tok.kind != T_STRING) {
        int l = (int)optok->len;
        fail(p, p->tok.pos, "expected a value after '%.*s'", l, p->s + optok->pos);
        return NULL;
    }
    if (op == OP_EQ && p->tok.kind == T_WORD && ref->type != FT_IPV6 &&
        mem_has(p->s + p->tok.pos, p->tok.len, "..", 2))
        op = OP_RANGE; /* in {lo..hi} */
    fnode_t *n = node_new(p, N_CMP);
    if (!n)
        return NULL;
    n->ref = *ref;
    n->op = (uint8_t)op;
    if (!parse_const(p, &p->tok, name, ref, op, &n->c)) {
        dfilter_node_free(n);
        return NULL;
    }
    next(p);
    return n;
}

static fnode_t *parse_field(parser_t *p, const token_t *wt, const char *name)
{
    fref_t ref;
    if (!resolve_field(name, &ref)) {
        fail(p, wt->pos, "unknown field '%s'", name);
        return NULL;
    }
    if (ref.kind == FK_REG || ref.kind == FK_BIT)
        p->needs_fields = true;
    token_t optok = p->tok;
    bool container = ref.type != FT_UINT && ref.type != FT_BOOL && ref.type != FT_STR &&
                     ref.type != FT_MAC && ref.type != FT_IPV4 && ref.type != FT_IPV6;
    if (optok.kind != T_CMP && optok.kind != T_IN) {
        fnode_t *n = node_new(p, N_CMP);
        if (n) {
            n->ref = ref;
            n->op = OP_EXISTS;
        }
        return n;
    }
    if (container) {
        fail(p, optok.pos, "%s is a group of fields: it can only be tested alone", name);
        return NULL;
    }
    int op = optok.op;
    if ((op == OP_CONTAINS || op == OP_MATCHES) && ref.type != FT_STR) {
        fail(p, optok.pos, "'%s' needs a string field; %s is %s", op_text(op), name,
             type_name(ref.type));
        return NULL;
    }
    next(p);
    if (optok.kind == T_CMP)
        return parse_cmp_value(p, name, &ref, op, &optok);
    /* in { v1 v2 ... }: any of them (lo..hi: a range) */
    if (p->tok.kind != T_LBRACE) {
        fail(p, p->tok.pos, "expected '{' after 'in'");
        return NULL;
    }
    next(p);
    fnode_t *set = NULL;
    while (!p->failed && p->tok.kind != T_RBRACE) {
        fnode_t *one = parse_cmp_value(p, name, &ref, OP_EQ, &optok);
        if (!one)
            break;
        set = set ? node_pair(p, N_OR, set, one) : one;
        if (p->tok.kind == T_COMMA)
            next(p);
    }
    if (p->failed) {
        dfilter_node_free(set);
        return NULL;
    }
    if (!set) {
        fail(p, p->tok.pos, "expected a value in the set");
        return NULL;
    }
    next(p); /* } */
    return set;
}

static fnode_t *parse_primary(parser_t *p)
{
    char tb[48];
    if (p->failed)
        return NULL;
    if (p->tok.kind == T_LP) {
        token_t open = p->tok;
        next(p);
        fnode_t *n = parse_or(p);
        if (n && p->tok.kind != T_RP) {
            fail(p, p->tok.pos, "expected ')' to close the '(' at column %zu, not %s", open.pos + 1,
                 tok_text(p, &p->tok, tb, sizeof tb));
            dfilter_node_free(n);
            return NULL;
        }
        if (n)
            next(p);
        return n;
    }
    if (p->tok.kind != T_WORD) {
        if (p->prev.len)
            fail(p, p->tok.pos, "expected a protocol, a field or '(' after '%.*s', not %s",
                 (int)p->prev.len, p->s + p->prev.pos, tok_text(p, &p->tok, tb, sizeof tb));
        else
            fail(p, p->tok.pos, "expected a protocol, a field or '(', not %s",
                 tok_text(p, &p->tok, tb, sizeof tb));
        return NULL;
    }
    token_t wt = p->tok;
    char name[128];
    if (wt.len >= sizeof name) {
        fail(p, wt.pos, "name too long");
        return NULL;
    }
    memcpy(name, p->s + wt.pos, wt.len);
    name[wt.len] = '\0';
    next(p);
    if (p->failed)
        return NULL;
    if (p->tok.kind != T_CMP && p->tok.kind != T_IN) {
        if (strcmp(name, "frame") == 0)
            return node_new(p, N_TRUE);
        const dissector_t *d = proto_by_name(name);
        if (d) {
            fnode_t *n = node_new(p, N_PROTO);
            if (n)
                n->protos = 1ull << d->id;
            return n;
        }
        fref_t ref;
        if (!resolve_field(name, &ref)) {
            fail(p, wt.pos, "unknown protocol or field '%s'", name);
            return NULL;
        }
    }
    return parse_field(p, &wt, name);
}

static fnode_t *parse_unary(parser_t *p)
{
    if (p->tok.kind != T_NOT)
        return parse_primary(p);
    if (++p->depth > FILTER_MAX_DEPTH) {
        fail(p, p->tok.pos, "expression nested too deeply");
        return NULL;
    }
    next(p);
    fnode_t *a = parse_unary(p);
    p->depth--;
    if (!a)
        return NULL;
    fnode_t *n = node_new(p, N_NOT);
    if (!n) {
        dfilter_node_free(a);
        return NULL;
    }
    n->a = a;
    return n;
}

static fnode_t *parse_and(parser_t *p)
{
    fnode_t *n = parse_unary(p);
    while (n && p->tok.kind == T_AND) {
        next(p);
        n = node_pair(p, N_AND, n, parse_unary(p));
    }
    return n;
}

static fnode_t *parse_or(parser_t *p)
{
    if (++p->depth > FILTER_MAX_DEPTH) {
        fail(p, p->tok.pos, "expression nested too deeply");
        return NULL;
    }
    fnode_t *n = parse_and(p);
    while (n && p->tok.kind == T_OR) {
        next(p);
        n = node_pair(p, N_OR, n, parse_and(p));
    }
    p->depth--;
    return n;
}

dfilter_t *dfilter_compile(const char *expr, char *err, size_t errlen, int *errcol)
{
    parser_t p = {.s = expr ? expr : "", .err = err, .errlen = errlen, .errcol = errcol};
    p.n = strlen(p.s);
    if (err && errlen)
        err[0] = '\0';
    if (errcol)
        *errcol = 0;
    next(&p);
    if (!p.failed && p.tok.kind == T_END) {
        fail(&p, p.tok.pos, "empty filter");
        return NULL;
    }
    fnode_t *root = parse_or(&p);
    if (root && !p.failed && p.tok.kind != T_END) {
        char tb[48];
        if (p.tok.kind == T_RP)
            fail(&p, p.tok.pos, "')' without a matching '('");
        else if (p.prev.kind == T_WORD && (p.tok.kind == T_WORD || p.tok.kind == T_STRING))
            fail(&p, p.tok.pos, "expected an operator (==, !=, contains, ...), 'and' or 'or' before %s",
                 tok_text(&p, &p.tok, tb, sizeof tb));
        else
            fail(&p, p.tok.pos, "expected 'and' or 'or' before %s", tok_text(&p, &p.tok, tb, sizeof tb));
    }
    if (p.failed) {
        dfilter_node_free(root);
        return NULL;
    }
    dfilter_t *f = calloc(1, sizeof *f);
    if (!f) {
        dfilter_node_free(root);
        fail(&p, 0, "out of memory");
        return NULL;
    }
    f->root = root;
    f->needs_fields = p.needs_fields;
    return f;
}

void dfilter_node_free(fnode_t *n)
{
    if (!n)
        return;
    dfilter_node_free(n->a);
    dfilter_node_free(n->b);
    if (n->c.re_ok)
        regfree(&n->c.re);
    free(n->c.s);
    free(n);
}

void dfilter_free(dfilter_t *f)
{
    if (!f)
        return;
    dfilter_node_free(f->root);
    free(f);
}

bool dfilter_needs_fields(const dfilter_t *f)
{
    return f && f->needs_fields;
}
