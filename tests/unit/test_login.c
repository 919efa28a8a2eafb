/*
 * Unit tests for logins (issue 15): net/throttle (per (address, account)
 * delays, no lock-out, concurrent guesses, priorities; time is an
 * argument) and crypto/password's strength check (libpwquality) and
 * dummy verification.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/password.h"
#include "net/throttle.h"
#include "util/err.h"
#include "util/fmt.h"

static struct hn_throttle t;
static const struct hn_throttle_cfg cfg = { 5, 15 * 60 * 1000, 250, 4000 };

static void
reset(void)
{
	uint8_t salt[32] = { 1, 2, 3 };

	hn_throttle_init(&t, &cfg, salt);
}

/* One attempt that fails (or succeeds) at now; returns its delay. */
static int64_t
attempt(const char *addr, const char *name, int ok, int64_t now)
{
	struct hn_throttle_ticket tk;

	hn_throttle_begin(&t, addr, name, now, &tk);
	assert_true(tk.verify);
	hn_throttle_end(&t, &tk, ok, now + tk.delay_ms);
	return tk.delay_ms;
}

static void
test_delays(void **state)
{
	static const int64_t want[] = { 0, 0, 0, 0, 0, 250, 500, 1000, 2000,
		4000, 4000, 4000 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(hn_throttle_delay(&cfg, (int)i), want[i]);
	assert_int_equal(hn_throttle_delay(&cfg, 1000000), 4000);
	reset();
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(attempt("10.0.0.1", "victim", 0, 1000),
		    want[i]);
}

static void
test_no_lockout(void **state)
{
	int64_t now = 1000;
	int i;

	(void)state;
	reset();
	for (i = 0; i < 20; i++)
		attempt("10.0.0.66", "victim", 0, now);
	/* another address: untouched; the same address, another name too */
	assert_int_equal(attempt("10.0.0.1", "victim", 1, now), 0);
	assert_int_equal(attempt("10.0.0.66", "other", 1, now), 0);
	/* the right password from the flooded address: delayed, then clears */
	assert_int_equal(attempt("10.0.0.66", "victim", 1, now), 4000);
	assert_int_equal(attempt("10.0.0.66", "victim", 0, now), 0);
	/* names are keyed without case; an unknown name is throttled alike */
	for (i = 0; i < 6; i++)
		attempt("10.0.0.2", "Nobody", 0, now);
	assert_int_equal(attempt("10.0.0.2", "nobody", 0, now), 500);
}

static void
test_window(void **state)
{
	int i;

	(void)state;
	reset();
	for (i = 0; i < 8; i++)
		attempt("10.0.0.3", "a", 0, 1000);
	assert_int_equal(attempt("10.0.0.3", "a", 0, 1000 + 60000), 2000);
	/* lockout_minutes without a failure: forgotten */
	assert_int_equal(attempt("10.0.0.3", "a", 0, 1000 + 60000 + 1000000),
	    0);
}

static void
test_concurrent(void **state)
{
	struct hn_throttle_ticket a, b, c[8];
	int i;

	(void)state;
	reset();
	/* a parallel burst: attempts in progress count as failures */
	for (i = 0; i < 8; i++) {
		hn_throttle_begin(&t, "10.0.0.4", "v", 1000, &c[i]);
		assert_int_equal(c[i].verify, i < 5);
		if (i > 0 && i < 5)
			assert_true(c[i].prio > c[i - 1].prio);
	}
	for (i = 0; i < 8; i++)
		hn_throttle_end(&t, &c[i], 0, 1000);
	/* throttled: one check at a time, the other answered 429 */
	hn_throttle_begin(&t, "10.0.0.4", "v", 2000, &a);
	hn_throttle_begin(&t, "10.0.0.4", "v", 2000, &b);
	assert_true(a.verify);
	assert_false(b.verify);
	assert_true(a.delay_ms > 0 && b.delay_ms > 0);
	/* meanwhile a fresh login from the same address goes first */
	hn_throttle_begin(&t, "10.0.0.4", "w", 2000, &c[0]);
	assert_true(c[0].verify);
	assert_int_equal(c[0].delay_ms, 0);
	assert_true(c[0].prio < a.prio);
	hn_throttle_end(&t, &c[0], 1, 2000);
	hn_throttle_end(&t, &b, 0, 2000); /* no effect: not verified */
	hn_throttle_end(&t, &a, 0, 2000);
	hn_throttle_begin(&t, "10.0.0.4", "v", 3000, &a);
	assert_true(a.verify);
	hn_throttle_end(&t, &a, 1, 3000);
}

static void
test_table_full(void **state)
{
	char addr[32];
	int i;

	(void)state;
	reset();
	/* many more keys than slots: old ones are evicted, nothing breaks */
	for (i = 0; i < 3 * HN_THROTTLE_SLOTS; i++) {
		assert_int_equal(hn_fmt(addr, sizeof(addr), "10.%d.%d.%d",
				     i >> 16, (i >> 8) & 255, i & 255),
		    0);
		attempt(addr, "x", 0, 1000 + i);
	}
	for (i = 0; i < 6; i++)
		attempt("192.0.2.1", "y", 0, 1000000);
	assert_int_equal(attempt("192.0.2.1", "y", 0, 1000000), 500);
}

static void
test_strength(void **state)
{
	static const char *const weak[] = { "aaaaaaaaaaaa", "password1234",
		"qwertyuiopas", "abcdefghijkl", "123456789012", "short",
		"alice-alice-99" };
	static const char *const strong[] = { "Pale-Orbit-Kettle-71",
		"correct-horse-battery", "another-password-1" };
	char why[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		why[0] = '\0';
		if (hn_password_strength(weak[i], "alice", why, sizeof(why)) !=
		    HN_EINVAL)
			fail_msg("accepted: %s", weak[i]);
		assert_true(why[0] != '\0');
	}
	for (i = 0; i < sizeof(strong) / sizeof(strong[0]); i++)
		if (hn_password_strength(strong[i], "alice", why,
			sizeof(why)) != 0)
			fail_msg("refused: %s (%s)", strong[i], why);
}

/* cracklib is not thread-safe: the check serialises it (a node creates
 * accounts from many connection threads at once). */
static void *
strength_worker(void *arg)
{
	char why[256];
	int i;

	for (i = 0; i < 20; i++)
		if (hn_password_strength("concurrent-pass-17", "c17", why,
			sizeof(why)) != 0)
			*(int *)arg = 1;
	return NULL;
}

static void
test_strength_threads(void **state)
{
	pthread_t th[8];
	int bad = 0, i;

	(void)state;
	for (i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&th[i], NULL, strength_worker,
				     &bad),
		    0);
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(bad, 0);
}

static void
test_dummy(void **state)
{
	char h[HN_PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(hn_password_hash(h, "Pale-Orbit-Kettle-71"), 0);
	assert_int_equal(hn_password_verify_prio(h, "Pale-Orbit-Kettle-71", 9),
	    0);
	assert_int_equal(hn_password_verify_prio(h, "Pale-Orbit-Kettle-72", 0),
	    HN_EVERIFY);
	hn_password_dummy("anything at all", 3); /* returns, matches nothing */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delays),
		cmocka_unit_test(test_no_lockout),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_strength),
		cmocka_unit_test(test_strength_threads),
		cmocka_unit_test(test_dummy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
