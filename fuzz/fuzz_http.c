/*
 * fuzz_http: the node's own request framing checks (net/http_strict.h).
 * The input is a raw request header; it is cut into fields the way
 * libmicrohttpd 0.9.75 does (lines end at LF or CRLF, the name ends at the
 * first colon, the value is trimmed and cut at a NUL with the rest of the
 * line left as the gap, a line starting with SP or HTAB folds into the
 * previous field), then checked. Whatever passes must be sound framing:
 * names are tokens, values hold no control byte, at most one Host, at
 * most one Content-Length and it is digits, no Transfer-Encoding.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/http_strict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

static int
is_name(const struct hn_hfield *f, const char *want)
{
	return f->name_len == strlen(want) &&
	    strncasecmp(f->name, want, f->name_len) == 0;
}

/* The next line of [p, end): its length without the terminator. */
static size_t
line(const char *p, const char *end, const char **next)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));
	size_t n;

	if (lf == NULL) {
		*next = end;
		return (size_t)(end - p);
	}
	*next = lf + 1;
	n = (size_t)(lf - p);
	return n > 0 && p[n - 1] == '\r' ? n - 1 : n;
}

static void
field(struct hn_hfield *f, const char *p, size_t n, size_t colon)
{
	size_t b = colon + 1, e = n;
	const char *nul;

	f->name = p;
	f->name_len = colon;
	while (b < e && (p[b] == ' ' || p[b] == '\t'))
		b++;
	if ((nul = memchr(p + b, '\0', e - b)) != NULL) {
		f->gap = nul;
		f->gap_len = (size_t)(p + e - nul);
		e = (size_t)(nul - p);
	}
	while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'))
		e--;
	f->value = p + b;
	f->value_len = e - b;
}

static void
sound(const struct hn_hfield *f, size_t n, const struct hn_strict *v)
{
	size_t i, j, hosts = 0, cls = 0;

	for (i = 0; i < n; i++) {
		check(f[i].name_len > 0 && !f[i].folded);
		for (j = 0; j < f[i].value_len; j++)
			check((unsigned char)f[i].value[j] >= 0x20 ||
			    f[i].value[j] == '\t');
		check(!is_name(&f[i], "transfer-encoding"));
		hosts += is_name(&f[i], "host");
		if (is_name(&f[i], "content-length")) {
			cls++;
			for (j = 0; j < f[i].value_len; j++)
				check(f[i].value[j] >= '0' &&
				    f[i].value[j] <= '9');
		}
	}
	check(hosts <= 1 && cls <= 1 && v->has_length == (cls == 1));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hn_hfield f[HN_HFIELDS_MAX];
	const char *p = (const char *)data, *end = p + size, *next, *colon;
	struct hn_strict v, again;
	size_t n = 0, len, i;
	int http10;

	len = line(p, end, &next); /* the request line */
	http10 = len >= 8 && memcmp(p + len - 8, "HTTP/1.0", 8) == 0;
	for (p = next; p < end && n < HN_HFIELDS_MAX; p = next) {
		len = line(p, end, &next);
		if (len == 0)
			break;
		if ((*p == ' ' || *p == '\t') && n > 0) {
			f[n - 1].folded = 1;
			continue;
		}
		if ((colon = memchr(p, ':', len)) == NULL)
			continue;
		memset(&f[n], 0, sizeof(f[n]));
		field(&f[n++], p, len, (size_t)(colon - p));
	}
	check(hn_http_strict(f, n, http10, &v) == v.status);
	check(hn_http_strict(f, n, http10, &again) == v.status);
	check(memcmp(&v, &again, sizeof(v)) == 0);
	if (v.status == 0) {
		check(v.error == NULL);
		sound(f, n, &v);
		return 0;
	}
	check(v.status == 400 || v.status == 411 || v.status == 501);
	check(v.error != NULL && v.message[0] != '\0');
	for (i = 0; v.message[i]; i++)
		check(v.message[i] >= 0x20 && v.message[i] < 0x7f);
	for (i = 0; v.field[i]; i++)
		check(v.field[i] > 0x20 && v.field[i] < 0x7f);
	return 0;
}
