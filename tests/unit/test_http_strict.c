/*
 * Unit tests for src/net/http_strict (RFC 9112 framing before any handler)
 * and src/net/conns (admission and deadlines), issue 15: every shape of
 * the issue with its status and the header it names, sound requests
 * untouched; startups refused per address only under pressure, the
 * reserve kept for small holders, a late header and a trickling body shut
 * down by the reaper.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/conns.h"
#include "net/http_strict.h"

/* "Name: value" lines, "\n"-separated; "|" in a value stands for a NUL
 * cut (the value ends there, the rest is its gap), "^" marks a folded
 * field. */
static size_t
fields(const char *spec, char store[][128], struct hn_hfield *f)
{
	size_t n = 0;
	const char *p = spec;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *s = store[n], *colon, *cut;

		memcpy(s, p, len);
		s[len] = '\0';
		memset(&f[n], 0, sizeof(f[n]));
		if (s[0] == '^') {
			f[n].folded = 1;
			s++;
		}
		colon = strchr(s, ':');
		f[n].name = s;
		f[n].name_len = (size_t)(colon - s);
		f[n].value = colon + 1 + (colon[1] == ' ');
		f[n].value_len = strlen(f[n].value);
		if ((cut = strchr(f[n].value, '|')) != NULL) {
			*cut = '\0';
			f[n].value_len = (size_t)(cut - f[n].value);
			f[n].gap = cut + 1;
			f[n].gap_len = strlen(cut + 1);
		}
		n++;
		p += len + (e != NULL);
	}
	return n;
}

static void
test_strict(void **state)
{
	static const struct {
		const char *hdr;
		int http10, status;
		const char *field;
	} t[] = {
		{ "Host: x\nContent-Length: 2", 0, 0, "" },
		{ "Host: x\nTransfer-Encoding: chunked\nContent-Length: 5", 0,
		    400, "Transfer-Encoding" },
		{ "Host: x\nContent-Length: 0\nContent-Length: 40", 0, 400,
		    "Content-Length" },
		{ "Content-Length: 2\nContent-Length: 2", 0, 400,
		    "Content-Length" },
		{ "Content-Length: +2", 0, 400, "Content-Length" },
		{ "Content-Length: 2, 2", 0, 400, "Content-Length" },
		{ "Content-Length: 99999999999999999999", 0, 400,
		    "Content-Length" },
		{ "Content-Length: ", 0, 400, "Content-Length" },
		{ "Host: x\nHost: y", 0, 400, "Host" },
		{ "Transfer-Encoding: gzip", 0, 501, "Transfer-Encoding" },
		{ "Transfer-Encoding: gzip, chunked", 0, 501,
		    "Transfer-Encoding" },
		{ "Transfer-Encoding: identity", 0, 501, "Transfer-Encoding" },
		{ "Transfer-Encoding: chunked\nTransfer-Encoding: chunked", 0,
		    400, "Transfer-Encoding" },
		{ "Transfer-Encoding: ,", 0, 400, "Transfer-Encoding" },
		{ "Transfer-Encoding: chunked", 1, 400, "Transfer-Encoding" },
		{ "Transfer-Encoding: chunked", 0, 400, "Transfer-Encoding" },
		{ "Transfer-Encoding: CHUNKED ; q=1", 0, 400,
		    "Transfer-Encoding" },
		{ "X-A: a\rb", 0, 400, "X-A" },
		{ "X-A: a\x01z", 0, 400, "X-A" },
		{ "X-A: a\x7fz", 0, 400, "X-A" },
		{ "X-A: a\tb \xc3\xa9", 0, 0, "" },
		{ "X-A: a|bc", 0, 400, "X-A" },
		{ "X-A: a|", 0, 0, "" },
		{ "Content-Length : 2", 0, 400, "" },
		{ ": v", 0, 400, "" },
		{ "Host: x\n^X-Ab: a", 0, 400, "" },
	};
	char store[8][128];
	struct hn_hfield f[8];
	struct hn_strict v;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = fields(t[i].hdr, store, f);
		assert_int_equal(hn_http_strict(f, n, t[i].http10, &v),
		    t[i].status);
		assert_int_equal(v.status, t[i].status);
		assert_string_equal(v.field, t[i].field);
		if (t[i].status != 0)
			assert_non_null(v.error);
	}
	n = fields("Host: x\nContent-Length: 1234", store, f);
	assert_int_equal(hn_http_strict(f, n, 0, &v), 0);
	assert_true(v.has_length && v.length == 1234);
}

static struct sockaddr_in
ip(uint8_t last)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(0x7f000000u | last);
	return a;
}

#define SA(a) ((const struct sockaddr *)&(a)), sizeof(a)

static void
test_admission(void **state)
{
	struct hn_conns_limits l = { 64, 64, 60, 1 };
	struct sockaddr_in a = ip(2), b = ip(3), c = ip(4);
	struct hn_conn *held[64];
	struct hn_conns *t;
	int i, n = 0;

	(void)state;
	assert_int_equal(hn_conns_new(&t, &l), 0);
	/* a burst of 20 unfinished headers from one address: no pressure */
	for (i = 0; i < 20; i++) {
		assert_true(hn_conns_admit(t, SA(a)));
		held[n++] = hn_conns_add(t, -1, SA(a));
	}
	/* half the pool (32) unfinished: a holds >= 4 (64 / 16), refused;
	 * b, holding none, admitted */
	for (i = 0; i < 12; i++)
		held[n++] = hn_conns_add(t, -1, SA(c));
	assert_false(hn_conns_admit(t, SA(a)));
	assert_true(hn_conns_admit(t, SA(b)));
	/* connections past their header are not startups */
	for (i = 0; i < n; i++)
		hn_conns_header_done(t, held[i], 0);
	assert_true(hn_conns_admit(t, SA(a)));
	/* the reserve: 56 of 64 held, only small holders get in */
	while (n < 56) {
		held[n] = hn_conns_add(t, -1, SA(a));
		hn_conns_header_done(t, held[n++], 0);
	}
	assert_false(hn_conns_admit(t, SA(a)));
	assert_true(hn_conns_admit(t, SA(b)));
	held[n] = hn_conns_add(t, -1, SA(b));
	hn_conns_header_done(t, held[n++], 0);
	assert_true(hn_conns_admit(t, SA(b)));
	held[n] = hn_conns_add(t, -1, SA(b));
	hn_conns_header_done(t, held[n++], 0);
	assert_false(hn_conns_admit(t, SA(b)));
	while (n > 0)
		hn_conns_remove(t, held[--n]);
	hn_conns_free(t);
}

/* 1 if the peer of fd was shut down within ms. */
static int
shut_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	return poll(&p, 1, ms) == 1 && read(fd, &c, 1) == 0;
}

static void
test_deadlines(void **state)
{
	struct hn_conns_limits l = { 64, 64, 0.4, 1000 };
	struct sockaddr_in a = ip(2);
	struct hn_conn *h, *busy, *body;
	int s1[2], s2[2], s3[2];
	struct hn_conns *t;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s1), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s2), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s3), 0);
	assert_int_equal(hn_conns_new(&t, &l), 0);
	h = hn_conns_add(t, s1[0], SA(a)); /* never finishes its header */
	busy = hn_conns_add(t, s2[0], SA(a)); /* a handler that takes long */
	hn_conns_header_done(t, busy, 0);
	body = hn_conns_add(t, s3[0], SA(a)); /* a body trickling */
	hn_conns_header_done(t, body, 1);
	hn_conns_body(t, body, 10);
	assert_false(shut_within(s1[1], 200));
	assert_true(shut_within(s1[1], 2000));
	assert_true(shut_within(s3[1], 2000));
	assert_false(shut_within(s2[1], 500));
	hn_conns_remove(t, h);
	hn_conns_remove(t, busy);
	hn_conns_remove(t, body);
	hn_conns_free(t);
	close(s1[0]);
	close(s1[1]);
	close(s2[0]);
	close(s2[1]);
	close(s3[0]);
	close(s3[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_admission),
		cmocka_unit_test(test_deadlines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
