/* fuzz_engine.c - libFuzzer harness on the engine's entry point.
 *
 * The first input byte picks a link type, the rest is the frame.  Each
 * input is dissected (with the flow table's hook, so reassembly and
 * fragment code run too) and rendered by every renderer.  Built with
 * -DSTRATA_FUZZ=ON under clang; `tests/fuzz-seeds` makes a seed corpus
 * from the sample captures.
 *
 * With FUZZ_WRITE_SEEDS=DIR and capture files as arguments it writes
 * each packet of those files as a seed instead (no fuzzing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "engine.h"
#include "flow.h"
#include "registry.h"
#include "render.h"

static const uint32_t linktypes[] = {1, 0, 101, 113, 276, 228, 229, 108, 12, 147};
#define NLT (sizeof linktypes / sizeof linktypes[0])

static record_t rec;
static char scratch[1 << 20];
static flow_table_t *ft;
static engine_hooks_t hooks;
static int64_t now;
static uint64_t frames;

static void setup(void)
{
    char err[256];
    if (registry_init(err, sizeof err) != 0)
        abort();
    ft = flow_table_new(64, 1, err, sizeof err);
    if (!ft)
        abort();
    hooks.layer = flow_layer_hook;
    hooks.ctx = ft;
    now = 1700000000LL * 1000000000LL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ft)
        setup();
    if (size < 1)
        return 0;
    uint32_t lt = linktypes[data[0] % NLT];
    now += 1000000;
    flow_tick(ft, now);
    rec.frame = ++frames;
    engine_dissect(&rec, data + 1, (uint32_t)(size - 1), (uint32_t)(size - 1), lt, &hooks);
    rec.ts_sec = now / 1000000000LL;
    rec.ts_nsec = 0;
    render_ctx_t rc;
    render_ctx_init(&rc);
    rc.color = true;
    outbuf_t ob;
    ob_init(&ob, scratch, sizeof scratch, -1);
    render_line(&ob, &rc, &rec);
    render_verbose(&ob, &rc, &rec);
    render_json(&ob, &rec);
    render_hex(&ob, &rc, &rec);
    return 0;
}

/* FUZZ_WRITE_SEEDS=DIR fuzz_engine FILE...: one seed per packet. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir = getenv("FUZZ_WRITE_SEEDS");
    if (!dir)
        return 0;
    char err[512];
    unsigned long n = 0;
    for (int i = 1; i < *argc; i++) {
        capture_t *cap = capture_open_file((*argv)[i], err, sizeof err);
        if (!cap)
            continue;
        cap_packet_t pkt;
        while (capture_next(cap, &pkt, err, sizeof err) == CAP_PACKET) {
            unsigned k = 0;
            while (k < NLT && linktypes[k] != pkt.linktype)
                k++;
            if (k == NLT)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/seed-%06lu", dir, n++);
            FILE *f = fopen(path, "wb");
            if (!f)
                continue;
            fputc((int)k, f);
            fwrite(pkt.data, 1, pkt.caplen, f);
            fclose(f);
        }
        capture_close(cap);
    }
    printf("%lu seeds written to %s\n", n, dir);
    exit(0);
}
