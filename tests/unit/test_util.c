/* Unit tests for src/util: buffers, encodings, JSON limits, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/asset.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/err.h"
#include "util/fmt.h"
#include "util/json.h"

static void
test_buf_limit(void **state)
{
	struct hn_buf b = HN_BUF_INIT(8);

	assert_int_equal(hn_buf_adds(&b, "abcd"), 0);
	assert_int_equal(hn_buf_addf(&b, "%d", 123), 0);
	assert_string_equal(b.data, "abcd123");
	assert_int_equal(hn_buf_adds(&b, "xy"), HN_ETOOBIG);
	assert_string_equal(b.data, "abcd123"); /* unchanged on failure */
	assert_int_equal(hn_buf_addf(&b, "%s", "xy"), HN_ETOOBIG);
	assert_int_equal(hn_buf_adds(&b, "z"), 0);
	assert_int_equal(b.len, 8);
	hn_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(hn_buf_add(&b, "", 0), 0);
	assert_string_equal(b.data, "");
	hn_buf_release(&b);
}

static void
test_hex(void **state)
{
	uint8_t out[4];
	char s[9];
	static const uint8_t v[4] = { 0x00, 0xab, 0xCD, 0xff };

	hn_hex_encode(s, v, 4);
	assert_string_equal(s, "00abcdff");
	assert_int_equal(hn_hex_decode(out, 4, "00ABcdff", 8), 4);
	assert_memory_equal(out, v, 4);
	assert_int_equal(hn_hex_decode(out, 4, "0", 1), HN_EPARSE);
	assert_int_equal(hn_hex_decode(out, 4, "0g", 2), HN_EPARSE);
	assert_int_equal(hn_hex_decode(out, 1, "0000", 4), HN_ETOOBIG);
	assert_int_equal(hn_hex_decode(out, 4, "", 0), 0);
}

static void
test_base64(void **state)
{
	static const struct {
		const char *plain, *enc;
	} t[] = { { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" } };
	static const char *bad[] = { "Zg=", "Zh==", "Zm9=", "Z===", "Zm9v!A==",
		"AB=C", "====", "Zm=v" };
	uint8_t out[16];
	char enc[16];
	size_t i;
	ssize_t n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		hn_b64_encode(enc, (const uint8_t *)t[i].plain,
		    strlen(t[i].plain));
		assert_string_equal(enc, t[i].enc);
		n = hn_b64_decode(out, sizeof(out), t[i].enc, strlen(t[i].enc));
		assert_int_equal(n, strlen(t[i].plain));
		assert_memory_equal(out, t[i].plain, (size_t)n);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(hn_b64_decode(out, sizeof(out), bad[i],
				strlen(bad[i])) < 0);
	assert_int_equal(hn_b64_decode(out, 2, "Zm9v", 4), HN_ETOOBIG);
}

static void
test_json_limits(void **state)
{
	struct hn_error e;
	char deep[200];
	json_t *v;
	int i;

	v = hn_json_parse("{\"a\":1}", 7, 100, 32, &e);
	assert_non_null(v);
	json_decref(v);
	assert_null(hn_json_parse("{\"a\":1}", 7, 6, 32, &e));
	assert_int_equal(e.code, HN_ETOOBIG);
	assert_null(hn_json_parse("{\"a\":1,\"a\":2}", 13, 100, 32, &e));
	assert_int_equal(e.code, HN_EPARSE);
	assert_null(hn_json_parse("{\"a\":", 5, 100, 32, &e));
	assert_int_equal(e.code, HN_EPARSE);
	for (i = 0; i < 33; i++)
		deep[i] = '[';
	for (i = 0; i < 33; i++)
		deep[33 + i] = ']';
	assert_null(hn_json_parse(deep, 66, 1000, 32, &e));
	assert_int_equal(e.code, HN_EINVAL);
	v = hn_json_parse(deep + 1, 64, 1000, 32, &e);
	assert_non_null(v);
	assert_int_equal(hn_json_depth(v), 32);
	json_decref(v);
}

static void
test_errors(void **state)
{
	struct hn_error e;
	int c;

	for (c = 0; c > -HN_E_COUNT_; c--) {
		assert_non_null(hn_strerror(c));
		assert_string_not_equal(hn_errcode(c), "unknown_error");
	}
	assert_string_equal(hn_strerror(-1000), "unknown error");
	assert_int_equal(hn_error_set(&e, HN_EVALIDATE, "custodian", "42 (d)",
			     "%s", "missing"),
	    HN_EVALIDATE);
	assert_string_equal(e.field, "custodian");
	assert_string_equal(e.article, "42 (d)");
	assert_int_equal(hn_error_set(NULL, HN_EIO, NULL, NULL, "x"), HN_EIO);
}

static void
test_fmt(void **state)
{
	char b[8];
	size_t len;
	static const wchar_t bad[] = { 0xD800, 0 }; /* no C-locale encoding */

	/* 7 characters and the NUL fit exactly; 8 do not. */
	assert_int_equal(hn_fmt(b, sizeof(b), "%s", "abcdefg"), 0);
	assert_string_equal(b, "abcdefg");
	assert_int_equal(hn_fmt(b, sizeof(b), "%s%d", "abcdefg", 1),
	    HN_ETOOBIG);
	assert_string_equal(b, ""); /* never a cut value */
	assert_int_equal(hn_fmt(b, sizeof(b), "%u", 1234567u), 0);
	assert_int_equal(hn_fmt(b, sizeof(b), "%u", 12345678u), HN_ETOOBIG);
	/* cap 0 writes nothing; cap 1 holds only the empty string. */
	b[0] = 'x';
	assert_int_equal(hn_fmt(b, 0, "%s", ""), HN_ETOOBIG);
	assert_int_equal(b[0], 'x');
	assert_int_equal(hn_fmt(NULL, 0, "%s", ""), HN_ETOOBIG);
	assert_int_equal(hn_fmt(b, 1, "%s", ""), 0);
	assert_string_equal(b, "");
	b[0] = 'x';
	assert_int_equal(hn_fmt(b, 1, "%c", 'a'), HN_ETOOBIG);
	assert_string_equal(b, "");
	/* An encoding error is HN_EINVAL, dst still a string. */
	memcpy(b, "abc", 4);
	assert_int_equal(hn_fmt(b, sizeof(b), "%ls", bad), HN_EINVAL);
	assert_string_equal(b, "");

	/* Piecewise: each failure leaves what was there. */
	b[0] = '\0';
	len = 0;
	assert_int_equal(hn_fmt_add(b, sizeof(b), &len, "%s", "abc"), 0);
	assert_int_equal(hn_fmt_add(b, sizeof(b), &len, "%d", 1234), 0);
	assert_int_equal(len, 7);
	assert_string_equal(b, "abc1234");
	assert_int_equal(hn_fmt_add(b, sizeof(b), &len, "%s", "x"), HN_ETOOBIG);
	assert_int_equal(len, 7);
	assert_string_equal(b, "abc1234");
	len = 3;
	b[3] = '\0';
	assert_int_equal(hn_fmt_add(b, sizeof(b), &len, "%s", "defgh"),
	    HN_ETOOBIG);
	assert_string_equal(b, "abc");
	assert_int_equal(hn_fmt_add(b, sizeof(b), &len, "%ls", bad), HN_EINVAL);
	assert_string_equal(b, "abc");
	assert_int_equal(hn_fmt_add(b, sizeof(b), &len, "%s", ""), 0);
	assert_int_equal(len, 3);
	HN_FMT_FIXED(b, sizeof(b), "%02u:%02u", 9u, 5u);
	assert_string_equal(b, "09:05");

	/* Human text: keeps what fits, says it was cut. */
	assert_int_equal(hn_fmt_cut(b, sizeof(b), "%s", "abcdefgh"),
	    HN_ETOOBIG);
	assert_string_equal(b, "abcdefg");
	assert_int_equal(hn_fmt_cut(b, sizeof(b), "%s", "abcdefg"), 0);
	assert_int_equal(hn_fmt_cut(b, 1, "%s", "abc"), HN_ETOOBIG);
	assert_string_equal(b, "");
	assert_int_equal(hn_fmt_cut(NULL, 0, "%s", "abc"), HN_ETOOBIG);
	assert_int_equal(hn_fmt_cut(b, sizeof(b), "%ls", bad), HN_EINVAL);
	assert_string_equal(b, "");
	HN_FMT_FIXED(b, sizeof(b), "%02u:%02u", 9u, 5u);
	assert_string_equal(b, "09:05");
}

static void
test_fmt_field(void **state)
{
	struct hn_error e;
	char b[4];

	assert_int_equal(hn_fmt_field(b, sizeof(b), "abc", "id", &e), 0);
	assert_string_equal(b, "abc");
	hn_error_clear(&e);
	assert_int_equal(hn_fmt_field(b, sizeof(b), "abcd", "id", &e),
	    HN_ETOOBIG);
	assert_string_equal(b, "");
	assert_int_equal(e.code, HN_ETOOBIG);
	assert_string_equal(e.field, "id");
	assert_string_equal(e.message, "longer than 3 bytes");
	assert_int_equal(hn_fmt_field(b, sizeof(b), "abcd", "id", NULL),
	    HN_ETOOBIG);
}

static void
test_assets(void **state)
{
	const struct hn_asset *a = hn_asset_find("data/parties.json");

	assert_non_null(a);
	assert_true(a->len > 1000);
	assert_int_equal(a->data[a->len], 0);
	assert_null(hn_asset_find("no/such/file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_limit),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_json_limits),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_fmt_field),
		cmocka_unit_test(test_assets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
