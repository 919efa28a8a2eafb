/*
 * Unit tests for src/fed/retry: the one retry policy of messages and
 * evidence transfers. Delays double from base to the cap within +-50 %
 * jitter, never below 1 ms; the attempt limit (0: none); which answers
 * are final.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/sign.h"
#include "fed/retry.h"

static void
test_delay(void **state)
{
	static const struct {
		long base, max;
		int attempts;
		long expect; /* before jitter */
	} t[] = {
		{ 500, 60000, 1, 500 },
		{ 500, 60000, 2, 1000 },
		{ 500, 60000, 3, 2000 },
		{ 500, 60000, 8, 60000 },
		{ 500, 60000, 1000, 60000 },
		{ 100, 1000, 4, 800 },
		{ 100, 1000, 5, 1000 },
		{ 1, 1, 50, 1 },
		{ 500, 60000, 0, 500 },
	};
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hn_retry p = { t[i].base, t[i].max, 0 };

		for (k = 0; k < 200; k++) {
			long d = hn_retry_delay_ms(&p, t[i].attempts);

			assert_true(d >= 1);
			assert_true(d >= t[i].expect / 2);
			assert_true(d <= t[i].expect + t[i].expect / 2);
		}
	}
}

static void
test_jitter_spreads(void **state)
{
	struct hn_retry p = { 1000, 60000, 0 };
	long lo = 1000000, hi = 0, d;
	int k;

	(void)state;
	for (k = 0; k < 500; k++) {
		d = hn_retry_delay_ms(&p, 1);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	assert_true(lo < 700); /* senders do not retry in step */
	assert_true(hi > 1300);
}

static void
test_exhausted(void **state)
{
	struct hn_retry none = { 500, 60000, 0 }, three = { 500, 60000, 3 };

	(void)state;
	assert_false(hn_retry_exhausted(&none, 1));
	assert_false(hn_retry_exhausted(&none, 1000000));
	assert_false(hn_retry_exhausted(&three, 2));
	assert_true(hn_retry_exhausted(&three, 3));
	assert_true(hn_retry_exhausted(&three, 4));
}

static void
test_answer(void **state)
{
	static const struct {
		long status;
		const char *code;
		int retry;
	} t[] = {
		{ 0, NULL, 1 }, /* no answer */
		{ 500, NULL, 1 },
		{ 502, "x", 1 },
		{ 503, "stale_directory", 1 },
		{ 429, NULL, 1 },
		{ 400, "malformed", 0 },
		{ 403, "certificate_mismatch", 0 },
		{ 404, "not_found", 0 },
		{ 409, "conflict", 0 },
		{ 413, NULL, 0 },
		{ 400, "stale_directory", 1 }, /* the receiver's, not ours */
		{ 301, NULL, 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(hn_retry_answer(t[i].status, t[i].code),
		    t[i].retry);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delay),
		cmocka_unit_test(test_jitter_spreads),
		cmocka_unit_test(test_exhausted),
		cmocka_unit_test(test_answer),
	};

	if (hn_crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
