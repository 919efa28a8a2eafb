/*
 * origin.h - the write gate against cross-site requests (issue 15): which
 * origins are the node's own, and whether a state-changing request may
 * pass. Pure: no I/O; net/http.c asks it once per request, before any
 * handler runs (the one place; handlers never check it themselves).
 *
 * The rule (docs/SECURITY.md, "Cross-site writes"):
 *   - GET, HEAD and OPTIONS pass.
 *   - A request authenticated by a bearer token (the command line, other
 *     programs) passes: a browser cannot attach that header cross-site.
 *   - A write authenticated by the session cookie needs an Origin that is
 *     one of the node's own origins, or no Origin and Sec-Fetch-Site:
 *     same-origin (else HN_GATE_CROSS_SITE, 403); and, if it has a body or
 *     a Content-Type, the route's media type (application/json unless the
 *     route takes other bytes) (else HN_GATE_MEDIA_TYPE, 415).
 *   - A write without credentials (log in, the peers' routes) that carries
 *     an Origin must carry one of ours (no login forced on a victim).
 *
 * The node's own origins come from its configuration, never from the Host
 * header a client sent: a forged Host makes nothing pass.
 */
#ifndef HN_NET_ORIGIN_H
#define HN_NET_ORIGIN_H

#include "util/err.h"

#define HN_ORIGINS_MAX 8
#define HN_ORIGIN_MAX 300 /* "https://" + a DNS name + ":65535" */

struct hn_origins {
	int n;
	char o[HN_ORIGINS_MAX][HN_ORIGIN_MAX]; /* "https://host[:port]" */
};

/*
 * Fills o. configured: the `origin` key (comma-separated origins, e.g.
 * "https://node.example.org" behind a proxy); when empty, the node's own
 * origins are https://NAME:PORT (NAME: the `name` key, the certificate's
 * host) and, for a listen address that is one IP (not a wildcard),
 * https://IP:PORT (and https://localhost:PORT for a loopback one). port:
 * the port bound. HN_EINVAL (field "origin") for a configured value that
 * is not an https origin.
 */
int hn_origins_init(struct hn_origins *o, const char *configured,
    const char *name, const char *listen, unsigned port, struct hn_error *err)
    __attribute__((warn_unused_result));

/* 1 if origin (an Origin header's value) is one of o's; "null" never is. */
int hn_origins_has(const struct hn_origins *o, const char *origin);

enum hn_gate {
	HN_GATE_OK = 0,
	HN_GATE_CROSS_SITE, /* 403 {"error":"cross_site"} */
	HN_GATE_MEDIA_TYPE /* 415 {"error":"unsupported_media_type"} */
};

/* What the gate looks at; the header values are NULL when absent. */
struct hn_gate_req {
	const char *method;
	int bearer; /* authenticated by Authorization: Bearer */
	int cookie; /* authenticated by the session cookie */
	const char *origin; /* Origin */
	const char *fetch_site; /* Sec-Fetch-Site */
	const char *ctype; /* Content-Type */
	int has_body; /* Content-Length > 0 or a Transfer-Encoding */
	const char *route_type; /* the route's media type; NULL: JSON */
};

enum hn_gate hn_gate_write(const struct hn_origins *o,
    const struct hn_gate_req *q);

#endif
