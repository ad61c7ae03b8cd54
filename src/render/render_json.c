/* render_json.c - JSON Lines, exactly per ../shared/spec/output.md. */
#include "dissector.h"
#include "render.h"
#include "tcp_state.h"

static void json_value(outbuf_t *ob, const record_t *r, unsigned *i, unsigned end);

/* Members [i, end) of an object ("name":value) or elements of an array. */
static void json_members(outbuf_t *ob, const record_t *r, unsigned i, unsigned end, bool named,
                         bool comma_first)
{
    bool comma = comma_first;
    while (i < end) {
        const field_t *f = &r->fields[i];
        if (f->type == FT_END) {
            i++;
            continue;
        }
        if (comma)
            ob_putc(ob, ',');
        comma = true;
        if (named)
            ob_write(ob, f->def->key, f->def->keylen); /* "name": precomputed */
        json_value(ob, r, &i, end);
    }
}

static void json_value(outbuf_t *ob, const record_t *r, unsigned *i, unsigned end)
{
    const field_t *f = &r->fields[*i];
    unsigned next = field_next(r, *i);
    unsigned inner_end = next - 1 < end ? next - 1 : end;
    switch (f->type) {
    case FT_UINT: ob_u64(ob, f->v.u); break;
    case FT_BOOL: ob_puts(ob, f->v.u ? "true" : "false"); break;
    case FT_STR:
        ob_putc(ob, '"');
        ob_json_str(ob, field_str(r, f), f->s_len);
        ob_putc(ob, '"');
        break;
    case FT_MAC: ob_putc(ob, '"'); ob_mac(ob, f->v.b); ob_putc(ob, '"'); break;
    case FT_IPV4: ob_putc(ob, '"'); ob_ipv4(ob, f->v.b); ob_putc(ob, '"'); break;
    case FT_IPV6: ob_putc(ob, '"'); ob_ipv6(ob, f->v.b); ob_putc(ob, '"'); break;
    case FT_ARRAY:
        ob_putc(ob, '[');
        json_members(ob, r, *i + 1, inner_end, false, false);
        ob_putc(ob, ']');
        break;
    case FT_OBJECT:
        ob_putc(ob, '{');
        json_members(ob, r, *i + 1, inner_end, true, false);
        ob_putc(ob, '}');
        break;
    default:
        ob_puts(ob, "null");
        break;
    }
    *i = next;
}

void render_json(outbuf_t *ob, const record_t *r)
{
    ob_puts(ob, "{\"type\":\"packet\",\"frame\":");
    ob_u64(ob, r->frame);
    ob_puts(ob, ",\"ts\":\"");
    ob_i64(ob, r->ts_sec);
    ob_putc(ob, '.');
    ob_u64_pad(ob, r->ts_nsec, 9, '0');
    ob_puts(ob, "\",\"caplen\":");
    ob_u64(ob, r->caplen);
    ob_puts(ob, ",\"len\":");
    ob_u64(ob, r->len);
    ob_puts(ob, ",\"linktype\":");
    ob_u64(ob, r->linktype);
    ob_puts(ob, ",\"layers\":[");
    for (unsigned li = 0; li < r->nlayers; li++) {
        const layer_t *l = &r->layers[li];
        if (li)
            ob_putc(ob, ',');
        ob_puts(ob, "{\"osi\":");
        ob_u64(ob, l->osi);
        ob_puts(ob, ",\"proto\":\"");
        ob_puts(ob, l->proto->name);
        ob_putc(ob, '"');
        json_members(ob, r, l->f_first, (unsigned)l->f_first + l->f_count, true, true);
        if (l->depth)
            ob_puts(ob, ",\"quoted\":true");
        if (l->src && (li == 0 || r->layers[li - 1].src != l->src)) {
            /* the first layer dissected from bytes of several frames */
            const rec_source_t *s = &r->sources[l->src];
            ob_puts(ob, ",\"reassembled\":{\"kind\":\"");
            ob_puts(ob, s->kind);
            ob_puts(ob, "\",\"len\":");
            ob_u64(ob, s->len);
            ob_puts(ob, ",\"frames\":[");
            for (unsigned i = 0; i < s->nframes; i++) {
                if (i)
                    ob_putc(ob, ',');
                ob_u64(ob, s->frames[i]);
            }
            ob_puts(ob, "]}");
        }
        if (l->status == LS_TRUNCATED)
            ob_puts(ob, ",\"truncated\":true");
        else if (l->status == LS_ERROR) {
            ob_puts(ob, ",\"error\":\"");
            ob_puts(ob, err_name(l->err));
            ob_putc(ob, '"');
        }
        ob_putc(ob, '}');
    }
    ob_putc(ob, ']');
    if (r->flow.present) {
        ob_puts(ob, ",\"flow\":{\"id\":");
        ob_u64(ob, r->flow.id);
        ob_puts(ob, r->flow.dir ? ",\"dir\":\"resp\"" : ",\"dir\":\"orig\"");
        if (r->flow.tcp) {
            ob_puts(ob, ",\"state\":\"");
            ob_puts(ob, tcp_state_name(r->flow.state));
            ob_putc(ob, '"');
            /* the receiver's textbook state; none when it is not known
             * (the flow was first seen mid-stream) */
            if (r->flow.peer_state != TCPS_UNKNOWN) {
                ob_puts(ob, ",\"peer_state\":\"");
                ob_puts(ob, tcp_state_name(r->flow.peer_state));
                ob_putc(ob, '"');
            }
        }
        if (r->flow.event) {
            ob_puts(ob, ",\"event\":\"");
            ob_puts(ob, r->flow.event);
            ob_putc(ob, '"');
        }
        ob_putc(ob, '}');
    }
    ob_puts(ob, "}\n");
}
