/*
 * evidence_add.c - hanoinet evidence add FILE... --request ID: fingerprint,
 * encrypt and store files on the node's data directory, or upload them
 * through a node's API (--url), with a progress bar on a terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/evidence_int.h"
#include "cli/upload.h"
#include "store/intake.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/fmt.h"
#include "util/hook.h"
#include "util/json.h"

struct progress {
	const char *name;
	uint64_t total;
	struct timespec start, last;
	int tty;
};

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
human(char *out, size_t n, double v)
{
	static const char *u[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int i = 0;

	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	(void)hn_fmt_cut(out, n, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

static void
progress_draw(struct progress *p, uint64_t done, int final)
{
	struct timespec now;
	char a[32], b[32], rate[32], left[32];
	double t, r;

	if (!p->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && since(&p->last, &now) < 0.1)
		return;
	p->last = now;
	t = since(&p->start, &now);
	r = t > 0 ? (double)done / t : 0;
	human(a, sizeof(a), (double)done);
	human(b, sizeof(b), (double)p->total);
	human(rate, sizeof(rate), r);
	if (r > 0 && p->total > done) {
		long s = (long)((double)(p->total - done) / r);

		(void)hn_fmt_cut(left, sizeof(left), "%ld:%02ld left", s / 60,
		    s % 60);
	} else {
		(void)hn_fmt_cut(left, sizeof(left), "%s", final ? "done" : "");
	}
	fprintf(stderr, "\r%-24.24s %10s / %-10s %10s/s  %-12s", p->name, a, b,
	    rate, left);
	if (final)
		fputc('\n', stderr);
	fflush(stderr);
}

static void
progress_cb(void *arg, uint64_t bytes)
{
	progress_draw(arg, bytes, 0);
}

static int
add_one(struct ev_node *n, const char *file, const char *request,
    const char *description, const char *actor, unsigned flags)
{
	struct hn_intake *in = NULL;
	struct hn_intake_result res;
	struct hn_evidence_item it;
	struct hn_error err;
	struct progress pr;
	struct stat st;
	char pkhex[65];
	int fd, r;

	hn_error_clear(&err);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return hn_cli_fail(2, "%s: %s", file, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return hn_cli_fail(2, "%s: not a regular file", file);
	}
	memset(&pr, 0, sizeof(pr));
	pr.name = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	pr.total = (uint64_t)st.st_size;
	pr.tty = isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &pr.start);
	pr.last = pr.start;
	if ((r = hn_intake_begin(&in, n->blobs, &n->keys, 0, flags, NULL, NULL,
		 &err)) != 0) {
		close(fd);
		return hn_cli_fail(1, "%s: %s", file, err.message);
	}
	r = hn_intake_read_fd(in, fd, progress_cb, &pr, &err);
	close(fd);
	if (r != 0) {
		hn_intake_abort(in, 0);
		return hn_cli_fail(1, "%s: %s", file, err.message);
	}
	if ((r = hn_intake_finish(in, &res, &err)) != 0)
		return hn_cli_fail(1, "%s: %s", file, err.message);
	progress_draw(&pr, res.size, 1);
	hn_hex_encode(pkhex, n->keys.ed_pk, 32);
	if ((r = hn_custody_add_item(&n->custody, &res, request, file,
		 description, actor, (int64_t)time(NULL), pkhex, &it, &err)) !=
	    0)
		return hn_cli_fail(r == HN_EEXIST ? 1 : 2, "%s: %s", file,
		    err.message);
	printf("%s  %s  %llu bytes  item %lld%s\n", res.addr, it.name,
	    (unsigned long long)res.size, (long long)it.id,
	    res.existed ? "  (object already stored)" : "");
	return 0;
}

static int
add_remote(const char *url, const char *token_file, const char *cacert,
    const char *request, const char *desc, int argc, char **argv, int first)
{
	struct hn_cli_upload o;
	struct progress pr;
	struct hn_error err;
	struct stat st;
	char token[1024];
	json_t *item = NULL;
	const char *t = getenv("HANOINET_TOKEN");
	int i, r = 0, rc;

	if (token_file != NULL) {
		if (ev_read_token(token_file, token, sizeof(token)) != 0)
			return hn_cli_fail(2, "cannot read a token from %s",
			    token_file);
	} else if (t != NULL && t[0] != '\0' && strlen(t) < sizeof(token)) {
		HN_FMT_FIXED(token, sizeof(token), "%s", t);
	} else {
		return hn_cli_usage("--url needs --token-file FILE or "
				    "$HANOINET_TOKEN (from POST /v1/session)");
	}
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.token = token;
	o.cacert = cacert;
	o.request = request;
	o.description = desc;
	o.progress = progress_cb;
	o.arg = &pr;
	/* tests: drop the connection once (util/hook.h) */
	o.fail_after = (unsigned)hn_hook_int(HN_HOOK_UPLOAD_FAIL_AFTER);
	for (i = first; i < argc; i++) {
		memset(&pr, 0, sizeof(pr));
		pr.name =
		    strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		pr.total = stat(argv[i], &st) == 0 ? (uint64_t)st.st_size : 0;
		pr.tty = isatty(STDERR_FILENO);
		clock_gettime(CLOCK_MONOTONIC, &pr.start);
		pr.last = pr.start;
		hn_error_clear(&err);
		rc = hn_cli_upload_file(&o, argv[i], &item, &err);
		if (rc != 0) {
			rc = hn_cli_fail(rc == HN_ENOTFOUND || rc == HN_EINVAL ?
				2 :
				1,
			    "%s: %s", argv[i], err.message);
			if (r == 0)
				r = rc;
			continue;
		}
		progress_draw(&pr, pr.total, 1);
		printf("%s  %s  %lld bytes  item %lld%s\n",
		    hn_json_str(item, "sha256") ? hn_json_str(item, "sha256") :
						  "",
		    hn_json_str(item, "name") ? hn_json_str(item, "name") : "",
		    (long long)json_integer_value(
			json_object_get(item, "size")),
		    (long long)json_integer_value(
			json_object_get(item, "item")),
		    json_is_true(json_object_get(item, "existed")) ?
			"  (object already stored)" :
			"");
		json_decref(item);
		item = NULL;
	}
	hn_wipe(token, sizeof(token));
	return r;
}

int
ev_cmd_add(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet evidence add FILE... --request ID "
	    "[--description TEXT] [--by WHO] [--sha1] [--md5] [--dir DIR]\n"
	    "       hanoinet evidence add FILE... --request ID "
	    "--url https://HOST:PORT [--token-file F] [--cacert PEM] "
	    "[--description TEXT]";
	const char *url = NULL, *token_file = NULL, *cacert = NULL;
	const char *request = NULL, *desc = "", *dir = ev_default_dir();
	const char *actor = ev_default_actor();
	int sha1 = 0, md5 = 0;
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("request", &request),
		HN_OPT("description", &desc), HN_OPT("dir", &dir),
		HN_OPT("by", &actor), HN_OPT_FLAG("sha1", &sha1),
		HN_OPT_FLAG("md5", &md5), HN_OPT("url", &url),
		HN_OPT("token-file", &token_file), HN_OPT("cacert", &cacert),
		HN_OPT_END };
	unsigned flags;
	struct ev_node n;
	int i, nfiles, r = 0, rc;

	if ((r = hn_cli_args(argc, argv, opts, 1, -1, usage, &nfiles)) !=
	    HN_CLI_GO)
		return r;
	r = 0;
	flags = (sha1 ? HN_INTAKE_SHA1 : 0) | (md5 ? HN_INTAKE_MD5 : 0);
	if (url != NULL)
		return add_remote(url, token_file, cacert, request, desc,
		    1 + nfiles, argv, 1);
	if ((rc = ev_node_open(&n, dir)) != 0)
		return rc;
	if ((r = ev_request_held(&n, request)) != 0) {
		ev_node_close(&n);
		return r;
	}
	for (i = 1; i <= nfiles; i++) {
		if ((rc = add_one(&n, argv[i], request, desc, actor, flags)) !=
			0 &&
		    r == 0)
			r = rc;
	}
	ev_node_close(&n);
	return r;
}
