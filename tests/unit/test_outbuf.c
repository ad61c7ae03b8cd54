/* test_outbuf.c - printf-free formatting: numbers, JSON strings. */
#include "unit.h"

static const char *fmt_json(const char *s, size_t n)
{
    static char buf[256];
    outbuf_t ob;
    ob_init(&ob, buf, sizeof buf - 1, -1);
    ob_json_str(&ob, s, n);
    buf[ob.len] = 0;
    return buf;
}

static void test_json_str(void)
{
    CHECK_STR(fmt_json("a\"b\\c\n", 6), "a\\\"b\\\\c\\n");
    CHECK_STR(fmt_json("\x01\x7f", 2), "\\u0001\\u007f");
    /* valid UTF-8 passes through: e, e-acute, euro sign, an emoji */
    CHECK_STR(fmt_json("e\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10), "e\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    /* invalid: lone continuation, overlong, surrogate, cut sequence */
    CHECK_STR(fmt_json("\x80", 1), "\\u0080");
    CHECK_STR(fmt_json("\xc0\xaf", 2), "\\u00c0\\u00af");
    CHECK_STR(fmt_json("\xed\xa0\x80", 3), "\\u00ed\\u00a0\\u0080");
    CHECK_STR(fmt_json("\xe2\x82", 2), "\\u00e2\\u0082");
}

static void test_numbers(void)
{
    char buf[64];
    outbuf_t ob;
    ob_init(&ob, buf, sizeof buf - 1, -1);
    ob_u64(&ob, 0);
    ob_putc(&ob, ' ');
    ob_u64(&ob, 18446744073709551615ull);
    ob_putc(&ob, ' ');
    ob_i64(&ob, -9223372036854775807ll - 1);
    ob_putc(&ob, ' ');
    ob_u64_pad(&ob, 42, 6, '0');
    ob_putc(&ob, ' ');
    ob_hex(&ob, 0x800, 4);
    buf[ob.len] = 0;
    CHECK_STR(buf, "0 18446744073709551615 -9223372036854775808 000042 0800");
    /* a scratch buffer stops at its capacity and says so */
    char small[4];
    ob_init(&ob, small, sizeof small, -1);
    ob_puts(&ob, "123456");
    CHECK(ob.full);
    CHECK_EQ(ob.len, 4);
}

int main(void)
{
    unit_init();
    RUN(test_json_str);
    RUN(test_numbers);
    return unit_done();
}
