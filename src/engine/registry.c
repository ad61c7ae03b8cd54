/* registry.c - dispatch tables keyed by value, filled from each
 * dissector's own bindings (parents never name their children). */
#include "registry.h"

#include <stdio.h>
#include <string.h>

const dissector_t *const registry_all[] = {
#define DISSECTOR(n) &dissector_##n,
#include "dissectors.def"
#undef DISSECTOR
};
const unsigned registry_count = sizeof registry_all / sizeof registry_all[0];

/* Sizes of the direct-indexed tables. */
static const uint32_t table_size[TBL_COUNT] = {
    [TBL_LINKTYPE] = 1024,
    [TBL_ETHERTYPE] = 65536,
    [TBL_IPPROTO] = 256,
    [TBL_TCP_PORT] = 65536,
    [TBL_UDP_PORT] = 65536,
    [TBL_PPP_PROTO] = 65536,
};

static const dissector_t *t_linktype[1024];
static const dissector_t *t_ethertype[65536];
static const dissector_t *t_ipproto[256];
static const dissector_t *t_tcp[65536];
static const dissector_t *t_udp[65536];
static const dissector_t *t_ppp[65536];
static const dissector_t **const tables[TBL_COUNT] = {
    [TBL_LINKTYPE] = t_linktype, [TBL_ETHERTYPE] = t_ethertype, [TBL_IPPROTO] = t_ipproto,
    [TBL_TCP_PORT] = t_tcp,      [TBL_UDP_PORT] = t_udp,      [TBL_PPP_PROTO] = t_ppp,
};

static void put_err(char *err, unsigned errlen, const char *a, const char *b)
{
    if (!errlen)
        return;
    size_t n = 0;
    const char *parts[] = {"dissectors '", a, "' and '", b, "' claim the same key"};
    for (unsigned i = 0; i < 5; i++)
        for (const char *p = parts[i]; *p && n + 1 < errlen; p++)
            err[n++] = *p;
    err[n] = '\0';
}

/* Per dissector, the index of the field playing each role, or 0xff. */
static uint8_t role_id[PROTO_COUNT][ROLE_COUNT];

/* A field table's own mistakes, caught once at start-up (and by tests). */
static const char *check_fields(const dissector_t *d, unsigned i)
{
    if (d->id != i)
        return "its .id is not its place in dissectors.def";
    if (d->nfields > FIELD_DEFS_MAX)
        return "it declares more fields than FIELD_DEFS_MAX";
    for (unsigned f = 0; f < d->nfields; f++) {
        const field_def_t *def = &d->fields[f];
        if (!def->name || !def->key || !def->title)
            return "a field has no name or title";
        if (def->role && role_id[i][def->role] != 0xff)
            return "two fields claim the same role";
        if (def->role)
            role_id[i][def->role] = (uint8_t)f;
    }
    return NULL;
}

int registry_init(char *err, unsigned errlen)
{
    for (unsigned t = 1; t < TBL_COUNT; t++)
        memset(tables[t], 0, table_size[t] * sizeof(tables[t][0]));
    memset(role_id, 0xff, sizeof role_id);
    for (unsigned i = 0; i < registry_count; i++) {
        const dissector_t *d = registry_all[i];
        const char *why = check_fields(d, i);
        if (why) {
            if (errlen)
                snprintf(err, errlen, "dissector '%s': %s", d->name, why);
            return -1;
        }
        for (unsigned b = 0; b < d->nbindings; b++) {
            unsigned t = d->bindings[b].table;
            uint32_t k = d->bindings[b].key;
            if (t == TBL_NONE || t >= TBL_COUNT || k >= table_size[t])
                continue;
            if (tables[t][k] && tables[t][k] != d) {
                put_err(err, errlen, tables[t][k]->name, d->name);
                return -1;
            }
            tables[t][k] = d;
        }
    }
    return 0;
}

const dissector_t *registry_lookup(unsigned table, uint32_t key)
{
    if (table == TBL_NONE || table >= TBL_COUNT || key >= table_size[table])
        return NULL;
    return tables[table][key];
}

const dissector_t *registry_heuristic(unsigned table, const cursor_t *payload)
{
    for (unsigned i = 0; i < registry_count; i++) {
        const dissector_t *d = registry_all[i];
        if (d->heuristic && d->heur_table == table && d->heuristic(payload))
            return d;
    }
    return NULL;
}

const dissector_t *registry_dispatch(unsigned table, uint32_t key, uint32_t key2,
                                     const cursor_t *payload)
{
    const dissector_t *d = registry_lookup(table, key);
    if (!d && key2 != key)
        d = registry_lookup(table, key2);
    if (!d && (table == TBL_TCP_PORT || table == TBL_UDP_PORT))
        d = registry_heuristic(table, payload);
    return d;
}

const field_t *layer_role(const record_t *r, const layer_t *l, unsigned role)
{
    uint8_t id = role < ROLE_COUNT ? role_id[l->proto->id][role] : 0xff;
    return id == 0xff ? NULL : layer_field(r, l, id);
}

bool registry_field(const char *filter, const dissector_t **d, unsigned *id)
{
    for (unsigned i = 0; i < registry_count; i++)
        for (unsigned f = 0; f < registry_all[i]->nfields; f++) {
            const char *name = registry_all[i]->fields[f].filter;
            if (name && strcmp(name, filter) == 0) {
                *d = registry_all[i];
                *id = f;
                return true;
            }
        }
    return false;
}

const dissector_t *registry_by_name(const char *name)
{
    for (unsigned i = 0; i < registry_count; i++)
        if (strcmp(registry_all[i]->name, name) == 0)
            return registry_all[i];
    return NULL;
}
