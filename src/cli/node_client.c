#include "cli/node_client.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/sha256.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"

void
hn_cli_node_init(struct hn_cli_node *o)
{
	memset(o, 0, sizeof(*o));
	o->node =
	    getenv("HANOINET_NODE") ? getenv("HANOINET_NODE") : HN_DEFAULT_NODE;
}

int
hn_cli_session_path(const char *url, char *out, size_t max)
{
	const char *base = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	uint8_t h[32];
	char hex[hn_hex_len(32)];

	hn_sha256(url, strlen(url), h);
	hn_hex_encode(hex, h, 8);
	if (base != NULL && base[0] == '/')
		return hn_fmt(out, max, "%s/hanoinet/session-%s", base, hex);
	if (home != NULL && home[0] == '/')
		return hn_fmt(out, max, "%s/.config/hanoinet/session-%s", home,
		    hex);
	return HN_ENOTFOUND;
}

int
hn_cli_client(struct hn_client **cl, const char *url, const char *cacert,
    const char *token, struct hn_error *err)
{
	struct hn_client_opts o;

	memset(&o, 0, sizeof(o));
	o.url = url;
	o.trust = cacert != NULL ? HN_TRUST_CAFILE : HN_TRUST_SYSTEM;
	o.cafile = cacert;
	o.token = token;
	o.accept = "application/json";
	o.timeout_ms = HN_CLI_TIMEOUT_MS;
	return hn_client_new(cl, &o, err);
}

int
hn_cli_connect(struct hn_client **cl, const struct hn_cli_node *o,
    int need_session)
{
	struct hn_buf tok = HN_BUF_INIT(256);
	char path[PATH_MAX], ca[PATH_MAX];
	const char *cacert = o->cacert;
	struct hn_error e;
	struct stat st;
	int r;

	hn_error_clear(&e);
	if (cacert == NULL) {
		/* a directory too long for PATH_MAX has no certificate */
		if (hn_fmt(ca, sizeof(ca), "%s/tls.crt",
			o->dir			   ? o->dir :
			    getenv("HANOINET_DIR") ? getenv("HANOINET_DIR") :
						     ".") == 0 &&
		    stat(ca, &st) == 0)
			cacert = ca;
	}
	if (hn_cli_session_path(o->node, path, sizeof(path)) == 0 &&
	    hn_file_read(path, &tok) == 0) {
		while (tok.len > 0 &&
		    (tok.data[tok.len - 1] == '\n' ||
			tok.data[tok.len - 1] == '\r'))
			tok.data[--tok.len] = '\0';
	} else if (need_session) {
		hn_buf_release_secret(&tok);
		return hn_cli_fail(1,
		    "not logged in to %s (run 'hanoinet "
		    "login NAME')",
		    o->node);
	}
	r = hn_cli_client(cl, o->node, cacert, tok.data, &e);
	hn_buf_release_secret(&tok);
	if (r != 0)
		return hn_cli_usage("%s", e.message);
	return 0;
}

static void
print_error(long status, json_t *o, const char *raw)
{
	const char *code = hn_json_str(o, "error");
	const char *msg = hn_json_str(o, "message");
	const char *field = hn_json_str(o, "field");
	const char *art = hn_json_str(o, "article");
	json_t *ps = json_object_get(o, "problems"), *p;
	size_t i;

	if (code == NULL) {
		fprintf(stderr, "hanoinet: the node answered %ld: %.200s\n",
		    status, raw ? raw : "");
		return;
	}
	if (json_array_size(ps) > 0) {
		fprintf(stderr, "hanoinet: %s (%ld):\n", code, status);
		json_array_foreach(ps, i, p)
		{
			art = hn_json_str(p, "article");
			fprintf(stderr, "  %s: %s%s%s%s\n",
			    hn_json_str(p, "field") ? hn_json_str(p, "field") :
						      "",
			    hn_json_str(p, "message") ?
				hn_json_str(p, "message") :
				"",
			    art && *art ? " (art. " : "",
			    art && *art ? art : "", art && *art ? ")" : "");
		}
		return;
	}
	fprintf(stderr, "hanoinet: %s: %s%s%s%s%s%s\n", code, msg ? msg : "",
	    field && *field ? " [" : "", field && *field ? field : "",
	    field && *field ? "]" : "", art && *art ? " art. " : "",
	    art && *art ? art : "");
}

int
hn_cli_call(struct hn_client *cl, const char *method, const char *path,
    const char *body, json_t **out)
{
	struct hn_buf b = HN_BUF_INIT(HN_CLI_RESP_MAX);
	struct hn_error e;
	json_t *o = NULL;
	long status;
	int r;

	*out = NULL;
	hn_error_clear(&e);
	if ((r = hn_client_request(cl, method, path,
		 body != NULL ? "application/json" : NULL, body,
		 body != NULL ? strlen(body) : 0, 0, &status, &b, &e)) != 0) {
		hn_buf_release(&b);
		return hn_cli_fail(2, "%s", e.message);
	}
	if (b.len > 0)
		o = hn_json_parse(b.data, b.len, b.max, HN_JSON_MAX_DEPTH,
		    NULL);
	if (status < 200 || status >= 300) {
		print_error(status, o, b.data);
		if (status == 401)
			fprintf(stderr,
			    "hanoinet: (log in with 'hanoinet "
			    "login NAME')\n");
		json_decref(o);
		hn_buf_release(&b);
		return 1;
	}
	hn_buf_release(&b);
	*out = o;
	return 0;
}
