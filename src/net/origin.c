#include "net/origin.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/fmt.h"

/* Adds "https://HOST[:PORT]" (PORT left out when 443), lower case. */
static int
add(struct hn_origins *o, const char *host, size_t hl, unsigned port, int v6)
{
	char h[HN_ORIGIN_MAX], *p;
	int i;

	if (o->n >= HN_ORIGINS_MAX || hl == 0 || hl >= 256)
		return HN_ETOOBIG;
	memcpy(h, host, hl);
	h[hl] = '\0';
	p = o->o[o->n];
	if (port == 443 || port == 0) {
		if (hn_fmt(p, HN_ORIGIN_MAX, v6 ? "https://[%s]" : "https://%s",
			h) != 0)
			return HN_ETOOBIG;
	} else if (hn_fmt(p, HN_ORIGIN_MAX,
		       v6 ? "https://[%s]:%u" : "https://%s:%u", h,
		       port) != 0) {
		return HN_ETOOBIG;
	}
	for (; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; i < o->n; i++)
		if (strcmp(o->o[i], o->o[o->n]) == 0)
			return 0; /* already there */
	o->n++;
	return 0;
}

static int
host_char(int c)
{
	return isalnum(c) || c == '-' || c == '.';
}

/* One configured origin "https://host[:port]" (a trailing '/' allowed). */
static int
add_configured(struct hn_origins *o, const char *s, size_t len)
{
	const char *h, *hend, *end, *q;
	unsigned long port = 443;
	int v6 = 0;

	while (len > 0 && s[len - 1] == '/')
		len--;
	end = s + len;
	if (len < 9 || strncasecmp(s, "https://", 8) != 0)
		return HN_EINVAL;
	h = s + 8;
	if (*h == '[') {
		if ((hend = memchr(h, ']', (size_t)(end - h))) == NULL)
			return HN_EINVAL;
		v6 = 1;
		h++;
		q = hend + 1;
	} else {
		for (hend = h; hend < end && host_char((unsigned char)*hend);
		     hend++)
			;
		q = hend;
	}
	if (q < end) {
		if (*q != ':' || q + 1 == end)
			return HN_EINVAL;
		port = 0;
		for (q++; q < end; q++) {
			if (!isdigit((unsigned char)*q) || port > 65535)
				return HN_EINVAL;
			port = port * 10 + (unsigned long)(*q - '0');
		}
		if (port == 0 || port > 65535)
			return HN_EINVAL;
	}
	return add(o, h, (size_t)(hend - h), (unsigned)port, v6);
}

/* The listen address's host when it is one IP (not a wildcard). */
static int
add_listen(struct hn_origins *o, const char *listen, unsigned port)
{
	char host[64];
	const char *p, *colon;
	unsigned char a[16];
	size_t hl;

	if (listen == NULL || *listen == '\0')
		return 0;
	if (*listen == '[') {
		if ((p = strchr(listen, ']')) == NULL)
			return 0;
		hl = (size_t)(p - listen - 1);
		if (hl >= sizeof(host))
			return 0;
		memcpy(host, listen + 1, hl);
		host[hl] = '\0';
		if (inet_pton(AF_INET6, host, a) != 1 ||
		    strcmp(host, "::") == 0)
			return 0;
		if (strcmp(host, "::1") == 0 &&
		    add(o, "localhost", 9, port, 0) != 0)
			return HN_ETOOBIG;
		return add(o, host, hl, port, 1);
	}
	if ((colon = strrchr(listen, ':')) == NULL)
		return 0;
	hl = (size_t)(colon - listen);
	if (hl >= sizeof(host))
		return 0;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	if (strcmp(host, "localhost") == 0)
		return add(o, "localhost", 9, port, 0) ||
		    add(o, "127.0.0.1", 9, port, 0);
	if (inet_pton(AF_INET, host, a) != 1 || strcmp(host, "0.0.0.0") == 0)
		return 0;
	if (a[0] == 127 && add(o, "localhost", 9, port, 0) != 0)
		return HN_ETOOBIG;
	return add(o, host, hl, port, 0);
}

int
hn_origins_init(struct hn_origins *o, const char *configured, const char *name,
    const char *listen, unsigned port, struct hn_error *err)
{
	const char *s, *e;
	size_t len;

	memset(o, 0, sizeof(*o));
	if (configured != NULL && *configured != '\0') {
		for (s = configured; *s; s = *e ? e + 1 : e) {
			while (*s == ' ' || *s == '\t')
				s++;
			e = strchr(s, ',');
			if (e == NULL)
				e = s + strlen(s);
			len = (size_t)(e - s);
			while (len > 0 &&
			    (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			if (len == 0)
				continue;
			if (add_configured(o, s, len) != 0)
				return hn_error_set(err, HN_EINVAL, "origin",
				    NULL,
				    "origin: '%.*s' is not an https origin "
				    "(https://host[:port]; at most %d)",
				    (int)(len > 200 ? 200 : len), s,
				    HN_ORIGINS_MAX);
		}
		if (o->n == 0)
			return hn_error_set(err, HN_EINVAL, "origin", NULL,
			    "origin: no origin given");
		return 0;
	}
	if (name != NULL && *name != '\0' &&
	    add(o, name, strlen(name), port, strchr(name, ':') != NULL) != 0)
		return hn_error_set(err, HN_EINVAL, "name", NULL,
		    "the node's name is too long for an origin");
	if (add_listen(o, listen, port) != 0)
		return hn_error_set(err, HN_EINVAL, "listen", NULL,
		    "too many origins");
	return 0;
}

int
hn_origins_has(const struct hn_origins *o, const char *origin)
{
	int i;

	if (origin == NULL)
		return 0;
	for (i = 0; i < o->n; i++)
		if (strcasecmp(o->o[i], origin) == 0)
			return 1;
	return 0;
}

/* The media type of a Content-Type value (before ';', spaces trimmed). */
static int
media_is(const char *ctype, const char *want)
{
	size_t n, wl = strlen(want);

	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	n = strcspn(ctype, "; \t");
	if (n != wl || strncasecmp(ctype, want, wl) != 0)
		return 0;
	ctype += n;
	while (*ctype == ' ' || *ctype == '\t')
		ctype++;
	return *ctype == '\0' || *ctype == ';';
}

enum hn_gate
hn_gate_write(const struct hn_origins *o, const struct hn_gate_req *q)
{
	const char *m = q->method;

	if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	    strcmp(m, "OPTIONS") == 0 || q->bearer)
		return HN_GATE_OK;
	if (q->origin != NULL && !hn_origins_has(o, q->origin))
		return HN_GATE_CROSS_SITE;
	if (!q->cookie)
		return HN_GATE_OK;
	if (q->origin == NULL &&
	    (q->fetch_site == NULL ||
		strcmp(q->fetch_site, "same-origin") != 0))
		return HN_GATE_CROSS_SITE;
	if ((q->has_body || q->ctype != NULL) &&
	    (q->ctype == NULL ||
		!media_is(q->ctype,
		    q->route_type ? q->route_type : "application/json")))
		return HN_GATE_MEDIA_TYPE;
	return HN_GATE_OK;
}
