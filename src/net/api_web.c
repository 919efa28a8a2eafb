/*
 * GET / and GET /web/...: the officers' console (web/, embedded in the
 * binary at build time; util/asset.h). Public: the console itself holds no
 * secret, every API call it makes is checked as usual. Each response carries
 * a strict Content-Security-Policy (only this origin; no inline script or
 * style, no plug-ins, no framing), so even a value that slipped into the
 * page could not run code.
 */
#include <string.h>

#include "net/http.h"
#include "net/routes.h"
#include "util/asset.h"

#define WEB_PATH_MAX 200

static const char csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

static const struct {
	const char *ext;
	const char *ctype;
} types[] = { { ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" }, { ".png", "image/png" },
	{ ".txt", "text/plain; charset=utf-8" }, { NULL, NULL } };

/* The content type for a name, or NULL: only known types are served. */
static const char *
ctype_of(const char *name)
{
	size_t n = strlen(name), l;
	int i;

	for (i = 0; types[i].ext != NULL; i++) {
		l = strlen(types[i].ext);
		if (n > l && strcmp(name + n - l, types[i].ext) == 0)
			return types[i].ctype;
	}
	return NULL;
}

static int
serve(struct hn_req *r, const char *path)
{
	const struct hn_asset *a;
	const char *ct;

	/* Only embedded assets exist, so ".." could find nothing; refuse it
	 * anyway rather than rely on that. */
	if (strstr(path, "..") != NULL || strstr(path, "//") != NULL ||
	    (ct = ctype_of(path)) == NULL || (a = hn_asset_find(path)) == NULL)
		return hn_resp_error(r, 404, "not_found", NULL, NULL,
		    "no such page");
	if (hn_resp_header(r, "Content-Security-Policy", csp) != 0 ||
	    hn_resp_header(r, "Referrer-Policy", "no-referrer") != 0 ||
	    hn_resp_header(r, "X-Frame-Options", "DENY") != 0)
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "internal error");
	return hn_resp_raw(r, 200, ct, a->data, a->len);
}

int
hn_api_web_index(struct hn_req *r)
{
	return serve(r, "web/index.html");
}

int
hn_api_web_asset(struct hn_req *r)
{
	char path[WEB_PATH_MAX];
	const char *tail = hn_req_param(r, "*");
	size_t n = strlen(tail);

	if (n == 0 || n + sizeof("web/") > sizeof(path))
		return hn_resp_error(r, 404, "not_found", NULL, NULL,
		    "no such page");
	memcpy(path, "web/", 4);
	memcpy(path + 4, tail, n + 1);
	return serve(r, path);
}
