/* flow_report.c - the end-of-run flow summary (see flow_report.h).
 *
 * The default order (first packet) streams the records from the flow
 * table's spill file in two passes (widths, then rows), so memory stays
 * flat however many flows there were; --sort needs every record at once
 * and holds them in memory (documented in the man page). */
#include "flow_report.h"

#include <stdlib.h>
#include <string.h>

#include "render_flows.h"

bool flow_sort_parse(const char *s, enum flow_sort *out)
{
    static const struct { const char *name; enum flow_sort v; } t[] = {
        {"start", SORT_START}, {"bytes", SORT_BYTES}, {"pkts", SORT_PKTS}, {"duration", SORT_DURATION},
    };
    for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp(s, t[i].name) == 0) {
            *out = t[i].v;
            return true;
        }
    return false;
}

struct pass {
    const flow_report_opts_t *o;
    outbuf_t *ob;
    render_ctx_t *rc;
    flow_widths_t w;
    flow_rec_t *all;       /* --sort: every record */
    size_t n, cap;
    bool oom;
    const flow_rec_t *ladder;
    flow_rec_t ladder_copy;
};

static void on_measure(void *arg, const flow_rec_t *r)
{
    struct pass *p = arg;
    flow_table_measure(&p->w, p->rc, r);
}

static void on_print(void *arg, const flow_rec_t *r)
{
    struct pass *p = arg;
    if (p->o->json)
        render_flow_json(p->ob, r);
    else
        flow_table_row(p->ob, &p->w, p->rc, r);
}

static void on_collect(void *arg, const flow_rec_t *r)
{
    struct pass *p = arg;
    if (p->oom)
        return;
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 1024;
        flow_rec_t *na = realloc(p->all, nc * sizeof *na);
        if (!na) {
            p->oom = true;
            return;
        }
        p->all = na;
        p->cap = nc;
    }
    p->all[p->n++] = *r;
}

static void on_find(void *arg, const flow_rec_t *r)
{
    struct pass *p = arg;
    if (r->id == p->o->ladder_id) {
        p->ladder_copy = *r;
        p->ladder = &p->ladder_copy;
    }
}

static enum flow_sort sort_key;

static int cmp_rec(const void *a, const void *b)
{
    const flow_rec_t *x = a, *y = b;
    uint64_t vx = 0, vy = 0;
    switch (sort_key) {
    case SORT_BYTES:
        vx = x->orig_bytes + x->resp_bytes;
        vy = y->orig_bytes + y->resp_bytes;
        break;
    case SORT_PKTS:
        vx = x->orig_pkts + x->resp_pkts;
        vy = y->orig_pkts + y->resp_pkts;
        break;
    case SORT_DURATION:
        vx = (uint64_t)ts_diff(x->last_ts, x->first_ts);
        vy = (uint64_t)ts_diff(y->last_ts, y->first_ts);
        break;
    case SORT_START:
        break;
    }
    /* largest first; ties (and --sort=start) in order of first packet */
    if (vx != vy)
        return vx < vy ? 1 : -1;
    return x->id < y->id ? -1 : x->id > y->id;
}

int flow_report(flow_table_t *ft, const flow_report_opts_t *o, outbuf_t *ob, render_ctx_t *rc,
                const char *what)
{
    flow_finish(ft);
    struct pass p;
    memset(&p, 0, sizeof p);
    p.o = o;
    p.ob = ob;
    p.rc = rc;
    flow_table_widths_init(&p.w);
    int rc_io = 0;
    if (o->flows) {
        if (o->sort != SORT_START) {
            rc_io = flow_foreach(ft, on_collect, &p);
            if (p.oom) {
                fprintf(stderr, "strata: %s: not enough memory to sort %zu flows\n", what, p.n);
                free(p.all);
                return -1;
            }
            sort_key = o->sort;
            qsort(p.all, p.n, sizeof *p.all, cmp_rec);
            if (!o->json)
                for (size_t i = 0; i < p.n; i++)
                    on_measure(&p, &p.all[i]);
            if (!o->json && p.n)
                flow_table_header(ob, &p.w);
            for (size_t i = 0; i < p.n; i++)
                on_print(&p, &p.all[i]);
            free(p.all);
        } else {
            if (!o->json)
                rc_io |= flow_foreach(ft, on_measure, &p);
            if (!o->json && flow_count(ft))
                flow_table_header(ob, &p.w);
            rc_io |= flow_foreach(ft, on_print, &p);
        }
    }
    if (o->ladder_id) {
        rc_io |= flow_foreach(ft, on_find, &p);
        if (!p.ladder) {
            ob_flush(ob);
            fprintf(stderr, "strata: %s: no flow %u (flows are numbered 1 to %u)\n", what,
                    o->ladder_id, flow_count(ft));
            return -1;
        }
        render_flow_ladder(ob, p.ladder, flow_ladder(ft, o->ladder_id));
    }
    if (rc_io) {
        ob_flush(ob);
        fprintf(stderr, "strata: %s: cannot read the flow records back from the temporary file\n", what);
        return -1;
    }
    return 0;
}

void flow_stats_print(flow_table_t *ft, FILE *out)
{
    const flow_stats_t *s = flow_table_stats(ft);
    fprintf(out,
            "%llu flow%s (%llu tcp, %llu udp, %llu icmp",
            (unsigned long long)s->created, s->created == 1 ? "" : "s", (unsigned long long)s->tcp,
            (unsigned long long)s->udp, (unsigned long long)s->icmp);
    if (s->ip_tunnels) /* only when there were some */
        fprintf(out, ", %llu ip tunnel%s", (unsigned long long)s->ip_tunnels, s->ip_tunnels == 1 ? "" : "s");
    fprintf(out,
            "); at most %u at once of %u; "
            "%llu expired, %llu evicted, %llu ended by a new SYN on their tuple\n",
            s->max_active, s->max_flows,
            (unsigned long long)s->expired, (unsigned long long)s->evicted,
            (unsigned long long)s->reused);
    fprintf(out,
            "reassembly: %llu messages from several TCP segments (%llu streams stopped at a gap, "
            "%llu messages over the cap",
            (unsigned long long)s->stream_messages, (unsigned long long)s->stream_gaps,
            (unsigned long long)s->stream_overflows);
    /* only when it happened: pipelining beyond what one record holds */
    if (s->stream_over_frame)
        fprintf(out, ", %llu messages not dissected: over the %u a frame holds",
                (unsigned long long)s->stream_over_frame, (unsigned)REC_MAX_MESSAGES);
    fprintf(out, "); %llu IPv4 datagrams from fragments (%llu timed out, %llu dropped)\n",
            (unsigned long long)s->frag_reassembled, (unsigned long long)s->frag_timed_out,
            (unsigned long long)s->frag_dropped);
}
