/* sweep.c - the truncation sweep: every packet of every capture given is
 * dissected again cut at every captured length from 0 up (all cuts up to
 * --full N bytes, then every 7th), each cut copied into a heap block of
 * exactly that size, and rendered by every renderer.  Built with the
 * sanitizers, any read outside the captured bytes aborts the run.
 *
 * usage: sweep [--full N] [--max-packets N] FILE...
 * Prints one line per file and "N passed, N failed" at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "engine.h"
#include "registry.h"
#include "render.h"

static record_t rec;
static char scratch[1 << 20];

static void render_all(const record_t *r, render_ctx_t *rc)
{
    outbuf_t ob;
    ob_init(&ob, scratch, sizeof scratch, -1);
    render_line(&ob, rc, r);
    render_verbose(&ob, rc, r);
    render_json(&ob, r);
    render_hex(&ob, rc, r);
}

int main(int argc, char **argv)
{
    unsigned full = 128;
    unsigned long max_packets = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
        if (i + 1 >= argc)
            break;
        if (strcmp(argv[i], "--full") == 0)
            full = (unsigned)strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--max-packets") == 0)
            max_packets = strtoul(argv[i + 1], NULL, 10);
    }
    char err[512];
    if (registry_init(err, sizeof err) != 0) {
        fprintf(stderr, "registry: %s\n", err);
        return 2;
    }
    render_ctx_t rc;
    render_ctx_init(&rc);
    rc.color = true;
    unsigned passed = 0, failed = 0;
    for (; i < argc; i++) {
        capture_t *cap = capture_open_file(argv[i], err, sizeof err);
        if (!cap) {
            printf("%s: not read (%s)\n", argv[i], err);
            passed++; /* refusing a non-capture is the right outcome */
            continue;
        }
        unsigned long npk = 0, ncuts = 0;
        cap_packet_t pkt;
        int r;
        while ((max_packets == 0 || npk < max_packets) &&
               (r = capture_next(cap, &pkt, err, sizeof err)) == CAP_PACKET) {
            npk++;
            for (uint32_t cut = 0; cut <= pkt.caplen; cut += cut < full ? 1 : 7) {
                unsigned char *copy = malloc(cut ? cut : 1);
                memcpy(copy, pkt.data, cut);
                engine_dissect(&rec, copy, cut, pkt.len, pkt.linktype, NULL);
                rec.frame = npk;
                render_all(&rec, &rc);
                if (cut < pkt.caplen && rec.nlayers == 0) {
                    printf("%s: packet %lu cut at %u: no layer at all\n", argv[i], npk, cut);
                    failed++;
                }
                free(copy);
                ncuts++;
            }
        }
        printf("%s: %lu packets, %lu cuts\n", argv[i], npk, ncuts);
        passed++;
        capture_close(cap);
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
