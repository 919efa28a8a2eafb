/*
 * Unit tests for src/net/origin: the node's own origins (from its
 * configuration, never from a Host header) and the write gate against
 * cross-site requests (issue 15).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "net/origin.h"

static void
test_origins(void **state)
{
	struct hn_origins o;
	struct hn_error e;

	(void)state;
	assert_int_equal(hn_origins_init(&o, "", "node.vnm.example",
			     "127.0.0.1:8247", 8247, &e),
	    0);
	assert_true(hn_origins_has(&o, "https://node.vnm.example:8247"));
	assert_true(hn_origins_has(&o, "https://NODE.vnm.example:8247"));
	assert_true(hn_origins_has(&o, "https://127.0.0.1:8247"));
	assert_true(hn_origins_has(&o, "https://localhost:8247"));
	assert_false(hn_origins_has(&o, "http://127.0.0.1:8247"));
	assert_false(hn_origins_has(&o, "https://127.0.0.1:8248"));
	assert_false(hn_origins_has(&o, "https://127.0.0.1"));
	assert_false(hn_origins_has(&o, "https://127.0.0.1:8247.evil.example"));
	assert_false(hn_origins_has(&o, "https://evil.example"));
	assert_false(hn_origins_has(&o, "null"));
	assert_false(hn_origins_has(&o, ""));
	assert_false(hn_origins_has(&o, NULL));

	/* a wildcard listen address adds no origin of its own */
	assert_int_equal(hn_origins_init(&o, NULL, "n.example", "0.0.0.0:443",
			     443, &e),
	    0);
	assert_int_equal(o.n, 1);
	assert_true(hn_origins_has(&o, "https://n.example"));
	assert_false(hn_origins_has(&o, "https://n.example:443x"));
	assert_int_equal(hn_origins_init(&o, NULL, "n.example", "[::1]:9000",
			     9000, &e),
	    0);
	assert_true(hn_origins_has(&o, "https://[::1]:9000"));
	assert_true(hn_origins_has(&o, "https://localhost:9000"));

	/* configured origins replace the derived ones */
	assert_int_equal(
	    hn_origins_init(&o,
		" https://Console.example/ , https://[2001:db8::1]:8443",
		"n.example", "127.0.0.1:8247", 8247, &e),
	    0);
	assert_int_equal(o.n, 2);
	assert_true(hn_origins_has(&o, "https://console.example"));
	assert_true(hn_origins_has(&o, "https://[2001:db8::1]:8443"));
	assert_false(hn_origins_has(&o, "https://127.0.0.1:8247"));
	assert_int_equal(hn_origins_init(&o, "https://a.example:443", "n", "",
			     1, &e),
	    0);
	assert_true(hn_origins_has(&o, "https://a.example"));
}

static void
test_origins_bad(void **state)
{
	static const char *const bad[] = { "http://a.example", "a.example",
		"https://", "https://a.example:0", "https://a.example:70000",
		"https://a.example:", "https://a.example/path",
		"https://a b.example", "https://[::1", "https://a.example:8x",
		" , ", "null" };
	struct hn_origins o;
	struct hn_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hn_error_clear(&e);
		assert_int_equal(hn_origins_init(&o, bad[i], "n", "", 1, &e),
		    HN_EINVAL);
		assert_string_equal(e.field, "origin");
	}
}

static void
test_gate(void **state)
{
	static const struct {
		const char *method;
		int bearer, cookie;
		const char *origin, *site, *ctype;
		int body;
		const char *route_type;
		enum hn_gate want;
	} t[] = {
		/* reads pass whatever they carry */
		{ "GET", 0, 1, "https://evil.example", NULL, NULL, 0, NULL,
		    HN_GATE_OK },
		{ "HEAD", 0, 1, "null", NULL, NULL, 0, NULL, HN_GATE_OK },
		/* bearer clients are unaffected */
		{ "POST", 1, 0, NULL, NULL, "text/plain", 1, NULL, HN_GATE_OK },
		{ "POST", 1, 0, "https://evil.example", NULL, NULL, 1, NULL,
		    HN_GATE_OK },
		/* cookie writes: the origin first */
		{ "POST", 0, 1, NULL, NULL, "application/json", 1, NULL,
		    HN_GATE_CROSS_SITE },
		{ "POST", 0, 1, "https://evil.example", NULL,
		    "application/json", 1, NULL, HN_GATE_CROSS_SITE },
		{ "PUT", 0, 1, "null", NULL, "application/json", 1, NULL,
		    HN_GATE_CROSS_SITE },
		{ "DELETE", 0, 1, NULL, NULL, NULL, 0, NULL,
		    HN_GATE_CROSS_SITE },
		{ "PATCH", 0, 1, NULL, "same-site", "application/json", 1, NULL,
		    HN_GATE_CROSS_SITE },
		{ "PATCH", 0, 1, NULL, "none", "application/json", 1, NULL,
		    HN_GATE_CROSS_SITE },
		{ "PATCH", 0, 1, "https://evil.example", "same-origin",
		    "application/json", 1, NULL, HN_GATE_CROSS_SITE },
		{ "PATCH", 0, 1, NULL, "same-origin", "application/json", 1,
		    NULL, HN_GATE_OK },
		/* then the media type */
		{ "POST", 0, 1, "https://n.example", NULL, "text/plain", 1,
		    NULL, HN_GATE_MEDIA_TYPE },
		{ "POST", 0, 1, "https://n.example", NULL,
		    "application/x-www-form-urlencoded", 1, NULL,
		    HN_GATE_MEDIA_TYPE },
		{ "POST", 0, 1, "https://n.example", NULL,
		    "multipart/form-data; boundary=x", 1, NULL,
		    HN_GATE_MEDIA_TYPE },
		{ "POST", 0, 1, "https://n.example", NULL, NULL, 1, NULL,
		    HN_GATE_MEDIA_TYPE },
		{ "POST", 0, 1, "https://n.example", NULL, "application/jsonx",
		    1, NULL, HN_GATE_MEDIA_TYPE },
		{ "POST", 0, 1, "https://n.example", NULL, "text/plain", 0,
		    NULL, HN_GATE_MEDIA_TYPE },
		{ "POST", 0, 1, "https://n.example", NULL,
		    "Application/JSON ; charset=utf-8", 1, NULL, HN_GATE_OK },
		{ "POST", 0, 1, "https://n.example", NULL, NULL, 0, NULL,
		    HN_GATE_OK },
		{ "PUT", 0, 1, "https://n.example", NULL,
		    "application/octet-stream", 1, "application/octet-stream",
		    HN_GATE_OK },
		{ "PUT", 0, 1, "https://n.example", NULL, "application/json", 1,
		    "application/octet-stream", HN_GATE_MEDIA_TYPE },
		{ "PUT", 0, 1, NULL, NULL, "application/octet-stream", 1,
		    "application/octet-stream", HN_GATE_CROSS_SITE },
		/* no credentials (log in, peers): only a foreign Origin */
		{ "POST", 0, 0, NULL, NULL, "text/plain", 1, NULL, HN_GATE_OK },
		{ "POST", 0, 0, "https://evil.example", NULL,
		    "application/json", 1, NULL, HN_GATE_CROSS_SITE },
		{ "POST", 0, 0, "https://n.example", NULL, "application/json",
		    1, NULL, HN_GATE_OK },
	};
	struct hn_origins o;
	struct hn_error e;
	size_t i;

	(void)state;
	assert_int_equal(hn_origins_init(&o, NULL, "n.example", "", 443, &e),
	    0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct hn_gate_req q = { t[i].method, t[i].bearer, t[i].cookie,
			t[i].origin, t[i].site, t[i].ctype, t[i].body,
			t[i].route_type };

		if (hn_gate_write(&o, &q) != t[i].want)
			fail_msg("case %zu: %s origin=%s ctype=%s", i,
			    t[i].method, t[i].origin ? t[i].origin : "-",
			    t[i].ctype ? t[i].ctype : "-");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_origins),
		cmocka_unit_test(test_origins_bad),
		cmocka_unit_test(test_gate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
