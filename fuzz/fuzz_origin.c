/*
 * fuzz_origin: the write gate of net/origin.h. The input is lines: the
 * configured origins, then Origin, Sec-Fetch-Site, Content-Type and a
 * flags byte (bearer, cookie, body, method). Checks the gate's promises:
 * a cookie write passes only from one of the node's origins (or
 * same-origin without an Origin) and with the route's media type.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/origin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next line of data (NUL-terminated copy in out), advancing *p. */
static void
line(const uint8_t **p, const uint8_t *end, char *out, size_t max)
{
	size_t n = 0;

	while (*p < end && **p != '\n') {
		if (n + 1 < max)
			out[n++] = (char)**p;
		(*p)++;
	}
	if (*p < end)
		(*p)++;
	out[n] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "PATCH",
		"DELETE", "HEAD" };
	static char conf[1024], origin[512], site[64], ctype[256];
	const uint8_t *p = data, *end = data + size;
	struct hn_origins o;
	struct hn_gate_req q;
	struct hn_error e;
	enum hn_gate g;
	unsigned f;

	line(&p, end, conf, sizeof(conf));
	line(&p, end, origin, sizeof(origin));
	line(&p, end, site, sizeof(site));
	line(&p, end, ctype, sizeof(ctype));
	f = p < end ? *p : 0;
	hn_error_clear(&e);
	if (hn_origins_init(&o, conf, "node.example", "127.0.0.1:8247", 8247,
		&e) != 0)
		return 0;
	if (o.n < 1 || o.n > HN_ORIGINS_MAX)
		abort();
	memset(&q, 0, sizeof(q));
	q.method = methods[(f >> 4) % 6];
	q.bearer = f & 1;
	q.cookie = !(f & 1) && (f & 2);
	q.has_body = (f & 4) != 0;
	q.origin = origin[0] || (f & 8) ? origin : NULL;
	q.fetch_site = site[0] ? site : NULL;
	q.ctype = ctype[0] ? ctype : NULL;
	g = hn_gate_write(&o, &q);
	if (g == HN_GATE_OK && q.cookie && strcmp(q.method, "GET") != 0 &&
	    strcmp(q.method, "HEAD") != 0) {
		if (q.origin != NULL ?
			!hn_origins_has(&o, q.origin) :
			(q.fetch_site == NULL ||
			    strcmp(q.fetch_site, "same-origin") != 0))
			abort();
		if ((q.has_body || q.ctype != NULL) &&
		    (q.ctype == NULL ||
			strncasecmp(q.ctype, "application/json", 16) != 0))
			abort();
	}
	if (hn_origins_has(&o, "null"))
		abort();
	return 0;
}
