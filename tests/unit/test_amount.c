/* Unit tests for src/core/amount: exact decimal amounts, no floating point. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/amount.h"
#include "util/err.h"

static struct hn_amount
A(const char *code, const char *text) {
	struct hn_amount a;

	assert_int_equal(hn_amount_parse(code, text, &a, "c", "v", NULL), 0);
	return a;
}

static void
test_table(void **state)
{
	static const struct {
		const char *code;
		unsigned e;
	} t[] = { { "USD", 2 }, { "EUR", 2 }, { "JPY", 0 }, { "KRW", 0 },
		{ "VND", 0 }, { "KWD", 3 }, { "BHD", 3 }, { "TND", 3 },
		{ "CLF", 4 }, { "BTC", 8 }, { "ETH", 18 }, { "USDT", 6 },
		{ "XMR", 12 } };
	const struct hn_currency *tab;
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_non_null(hn_currency_find(t[i].code));
		assert_int_equal(hn_currency_find(t[i].code)->exponent, t[i].e);
	}
	assert_int_equal(hn_currency_find("BTC")->class, HN_ASSET_CRYPTO);
	assert_int_equal(hn_currency_find("USD")->class, HN_ASSET_FIAT);
	/* No minor unit in ISO 4217, lower case, unknown, too long. */
	assert_null(hn_currency_find("XAU"));
	assert_null(hn_currency_find("XXX"));
	assert_null(hn_currency_find("usd"));
	assert_null(hn_currency_find("US"));
	assert_null(hn_currency_find(""));
	assert_null(hn_currency_find("USDUSDUSDUSD"));
	assert_null(hn_currency_find(NULL));
	/* The binary search relies on order; codes are unique. */
	tab = hn_currency_table(&n);
	assert_true(n > 150);
	for (i = 1; i < n; i++)
		assert_true(strcmp(tab[i - 1].code, tab[i].code) < 0);
}

static void
test_parse_good(void **state)
{
	static const struct {
		const char *code, *in, *out, *minor;
	} t[] = { { "USD", "12.5", "12.50", "1250" },
		{ "USD", "12.50", "12.50", "1250" },
		{ "USD", "0", "0.00", "0" }, { "USD", "0.01", "0.01", "1" },
		{ "JPY", "1000", "1000", "1000" },
		{ "KWD", "1.234", "1.234", "1234" },
		{ "BTC", "0.00000001", "0.00000001", "1" },
		{ "BTC", "21000000", "21000000.00000000", "2100000000000000" },
		{ "ETH", "1", "1.000000000000000000", "1000000000000000000" },
		{ "ETH", "0.000000000000000001", "0.000000000000000001", "1" },
		/* Beyond int64: 100 million ETH in wei. */
		{ "ETH", "100000000", "100000000.000000000000000000",
		    "100000000000000000000000000" },
		/* The largest value: 2^128 - 1 wei. */
		{ "ETH", "340282366920938463463.374607431768211455",
		    "340282366920938463463.374607431768211455",
		    "340282366920938463463374607431768211455" } };
	char buf[HN_AMOUNT_STRLEN];
	struct hn_amount a;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		a = A(t[i].code, t[i].in);
		hn_amount_format(&a, buf);
		assert_string_equal(buf, t[i].out);
		hn_minor_format(a.minor, buf);
		assert_string_equal(buf, t[i].minor);
	}
}

static void
test_parse_bad(void **state)
{
	static const struct {
		const char *code, *in;
		int rc;
		const char *field;
	} t[] = { { "USD", "", HN_EPARSE, "v" },
		{ "USD", "1.", HN_EPARSE, "v" },
		{ "USD", ".5", HN_EPARSE, "v" },
		{ "USD", "01", HN_EPARSE, "v" },
		{ "USD", "00.5", HN_EPARSE, "v" },
		{ "USD", "-1", HN_EPARSE, "v" },
		{ "USD", "+1", HN_EPARSE, "v" },
		{ "USD", "1e3", HN_EPARSE, "v" },
		{ "USD", "1,000", HN_EPARSE, "v" },
		{ "USD", " 1", HN_EPARSE, "v" },
		{ "USD", "1 ", HN_EPARSE, "v" },
		{ "USD", "1.2.3", HN_EPARSE, "v" },
		{ "USD", "1.001", HN_EPARSE, "v" },
		{ "JPY", "1.0", HN_EPARSE, "v" },
		{ "USD", "NaN", HN_EPARSE, "v" },
		{ "USD", "inf", HN_EPARSE, "v" },
		{ "USD", "0x10", HN_EPARSE, "v" },
		{ "BTC", "0.000000001", HN_EPARSE, "v" },
		{ "ETH", "340282366920938463463.374607431768211456", HN_ERANGE,
		    "v" },
		{ "USD", "99999999999999999999999999999999999999999", HN_ERANGE,
		    "v" },
		{ "USD", "1000000000000000000000000000000000000000000000000",
		    HN_EPARSE, "v" },
		{ "XAU", "1", HN_EINVAL, "c" },
		{ "usd", "1", HN_EINVAL, "c" } };
	struct hn_amount a = { .asset = NULL, .minor = 7 };
	struct hn_error err;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(hn_amount_parse(t[i].code, t[i].in, &a, "c",
				     "v", &err),
		    t[i].rc);
		assert_string_equal(err.field, t[i].field);
		assert_null(a.asset);
		assert_true(a.minor == 7);
	}
	assert_int_equal(hn_amount_parse("USD", NULL, &a, "c", "v", NULL),
	    HN_EPARSE);
}

static void
test_add(void **state)
{
	struct hn_amount a = A("USD", "0.10"), b = A("USD", "0.20"), s, big;
	char buf[HN_AMOUNT_STRLEN];
	int c;

	/* 0.1 + 0.2 is exactly 0.30: the classic float failure. */
	assert_int_equal(hn_amount_add(&a, &b, &s), 0);
	hn_amount_format(&s, buf);
	assert_string_equal(buf, "0.30");
	assert_int_equal(hn_amount_cmp(&s, &b, &c), 0);
	assert_int_equal(c, 1);
	assert_int_equal(hn_amount_cmp(&a, &a, &c), 0);
	assert_int_equal(c, 0);
	/* Sum in place. */
	assert_int_equal(hn_amount_add(&s, &a, &s), 0);
	hn_amount_format(&s, buf);
	assert_string_equal(buf, "0.40");
	/* Different assets are never added or compared. */
	b = A("EUR", "1");
	assert_int_equal(hn_amount_add(&a, &b, &s), HN_EINVAL);
	assert_int_equal(hn_amount_cmp(&a, &b, &c), HN_EINVAL);
	/* Overflow leaves the sum as it was. */
	big = A("ETH", "340282366920938463463.374607431768211455");
	a = A("ETH", "0.000000000000000001");
	s = a;
	assert_int_equal(hn_amount_add(&big, &a, &s), HN_ERANGE);
	assert_true(s.minor == 1);
	b = A("ETH", "0");
	assert_int_equal(hn_amount_add(&big, &b, &s), 0);
	assert_true(s.minor == big.minor);
}

static void
test_minor_parse(void **state)
{
	static const char *bad[] = { "", "01", "-1", "1.0", "a",
		"340282366920938463463374607431768211456" };
	char buf[HN_AMOUNT_STRLEN];
	hn_minor_t v = 9;
	size_t i;

	assert_int_equal(hn_minor_parse("340282366920938463463374607431768211455",
			     &v),
	    0);
	hn_minor_format(v, buf);
	assert_string_equal(buf, "340282366920938463463374607431768211455");
	assert_int_equal(hn_minor_parse("0", &v), 0);
	assert_true(v == 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 9;
		assert_true(hn_minor_parse(bad[i], &v) < 0);
		assert_true(v == 9);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_minor_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
