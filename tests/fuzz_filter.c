/* fuzz_filter.c - libFuzzer harness for the display filter: any bytes as
 * an expression; what compiles is matched against a few dissected frames
 * (a DNS response, a TCP SYN) with made-up flow facts, then freed.  Built
 * with -DSTRATA_FUZZ=ON (clang); tests/fuzz.sh-style runs are bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "filter.h"
#include "registry.h"

static const uint8_t dns_frame[] = {
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00,
    0x45, 0, 0, 73, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    0x14, 0xe9, 0, 53, 0, 53, 0, 0,
    0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
    3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
    0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34,
};
static const uint8_t syn_frame[] = {
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00,
    0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    0xc8, 0x22, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
};

static record_t recs[2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        char err[128];
        if (registry_init(err, sizeof err) != 0)
            abort();
        engine_dissect(&recs[0], dns_frame, sizeof dns_frame, sizeof dns_frame, 1, NULL);
        engine_dissect(&recs[1], syn_frame, sizeof syn_frame, sizeof syn_frame, 1, NULL);
        recs[1].flow.present = recs[1].flow.tcp = true;
        recs[1].flow.id = 1;
        recs[1].flow.state = 2;
        ready = 1;
    }
    char *expr = malloc(size + 1);
    if (!expr)
        return 0;
    memcpy(expr, data, size);
    expr[size] = '\0';
    char err[256];
    int col = 0;
    dfilter_t *f = dfilter_compile(expr, err, sizeof err, &col);
    if (f) {
        for (unsigned i = 0; i < 2; i++)
            (void)dfilter_match(f, &recs[i], NULL);
        (void)dfilter_needs_fields(f);
        dfilter_free(f);
    } else if (col < 1 || (size_t)col > strlen(expr) + 1 || !err[0]) {
        abort(); /* every error names a column inside the expression, and says why */
    }
    free(expr);
    return 0;
}
