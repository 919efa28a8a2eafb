/*
 * hanoinet evidence add|list|get|export|verify - evidence on this node's
 * data directory (--dir DIR, default $HANOINET_DIR or "."), and the offline
 * check of an export.
 *
 *   add FILE... --request ID [--description TEXT] [--by WHO] [--sha1] [--md5]
 *   add FILE... --request ID --url https://HOST:PORT --token-file F
 *       [--cacert PEM] [--description TEXT]     (through a node's API)
 *   list --request ID
 *   get --request ID --name NAME --out FILE [--by WHO] [--reason WHY]
 *   export --request ID --out OUT [--by WHO] [--reason WHY]
 *   verify OUT [--key "ssh-ed25519 BASE64"] [--name NODE]
 *   seal-for --request ID --name NAME --recipient VKEY --out FILE
 *       [--conditions TEXT]
 *   receive FILE --request ID --name NAME --sha256 HEX --from NODE
 *       [--conditions TEXT]
 *   send --item ID --to PARTY --url https://HOST:PORT [--token-file F]
 *       [--cacert PEM] [--request ID] [--conditions TEXT] [--reason WHY]
 *       [--wait S]
 *   consent --request ID --name NAME --ref TEXT
 *   retain --request ID --name NAME --until YYYY-MM-DD
 *   delete --request ID --name NAME --reason WHY
 *
 * Exit status: 0 success, 1 a negative answer (verification failed,
 * damaged object, nothing to export), 2 usage error or unreadable input.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h> /* cmd_evidence_send */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/node_client.h"
#include "cli/upload.h"
#include "core/date.h"
#include "crypto/seal.h"
#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "ledger/bundle.h"
#include "ledger/bundle_proof.h"
#include "ledger/checkpoint.h"
#include "store/ledger.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "node/custody.h"
#include "node/export.h"
#include "store/blob.h"
#include "store/evidence.h"
#include "store/intake.h"
#include "store/requests.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/hook.h"
#include "util/file.h"
#include "util/json.h"

#define KEYFILE_MAX 1024
#define NAME_MAX_ (HN_NOTE_NAME_MAX + 1)

/* The node: its data directory, keys and database. */
struct node {
	char dir[1024];
	char blobs[1100];
	char name[NAME_MAX_];
	uint8_t sk[64];
	struct hn_seal_keys keys;
	struct hn_db *db;
	struct hn_ledger *ledger;
	struct hn_custody custody;
};

static const char *
default_dir(void)
{
	const char *d = getenv("HANOINET_DIR");

	return d != NULL && d[0] != '\0' ? d : ".";
}

static const char *
default_actor(void)
{
	const char *u = getenv("USER");

	return u != NULL && u[0] != '\0' ? u : "cli";
}

/*
 * DIR/signing.key: the node's C2SP note private key
 * (PRIVATE+KEY+name+keyid+base64(0x01 || seed), ledger/note.h).
 */
static int
load_key(struct node *n, struct hn_error *err)
{
	struct hn_buf b = HN_BUF_INIT(KEYFILE_MAX);
	struct hn_note_signer s;
	char path[1100];
	int r;

	memset(&s, 0, sizeof(s));
	snprintf(path, sizeof(path), "%s/signing.key", n->dir);
	if ((r = hn_file_read(path, &b)) != 0) {
		r = hn_error_set(err, r, NULL, NULL, "cannot read %s: %s", path,
		    hn_strerror(r));
		goto out;
	}
	if ((r = hn_note_signer_parse(&s, b.data, b.len, err)) != 0 ||
	    s.type != HN_NOTE_ED25519) {
		r = hn_error_set(err, r ? r : HN_EPARSE, NULL, NULL,
		    "%s: not an Ed25519 note private key", path);
		goto out;
	}
	if (strlen(s.name) >= sizeof(n->name)) {
		r = hn_error_set(err, HN_ETOOBIG, NULL, NULL, "key name too long");
		goto out;
	}
	snprintf(n->name, sizeof(n->name), "%s", s.name);
	memcpy(n->sk, s.sk, sizeof(n->sk));
	r = hn_seal_keys_from_ed25519(&n->keys, n->sk);
out:
	hn_note_signer_wipe(&s);
	hn_buf_release_secret(&b);
	return r;
}

/* The audit log: custody entries are appended in the caller's transaction. */
static int
sink_append(void *ctx, const void *entry, size_t len, uint64_t *index)
{
	return hn_ledger_append(ctx, entry, len, index);
}

/*
 * The export's tlog-proof: a fresh checkpoint signed by the node, and the
 * inclusion proof of the export entry in that checkpoint's tree.
 */
static int
prove(void *ctx, uint64_t index, const void *entry, size_t len,
    struct hn_buf *out, struct hn_error *err)
{
	struct hn_ledger *l = ctx;
	struct hn_buf note = HN_BUF_INIT(HN_NOTE_MAX);
	struct hn_note parsed;
	struct hn_checkpoint cp;
	uint8_t (*proof)[32] = NULL;
	size_t np = 0;
	int r;

	memset(&parsed, 0, sizeof(parsed));
	if ((r = hn_ledger_checkpoint(l, &note)) != 0) {
		r = hn_error_set(err, r, NULL, NULL, "cannot sign a checkpoint");
		goto out;
	}
	if ((r = hn_note_parse(&parsed, note.data, note.len, err)) != 0 ||
	    (r = hn_checkpoint_parse(&cp, parsed.text, parsed.text_len,
	    err)) != 0)
		goto out;
	if ((proof = calloc(HN_MERKLE_PROOF_MAX, 32)) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	if ((r = hn_ledger_inclusion(l, index, cp.size, proof, &np)) != 0) {
		r = hn_error_set(err, r, NULL, NULL,
		    "cannot prove ledger entry %llu", (unsigned long long)index);
		goto out;
	}
	r = hn_tlogproof_format(out, entry, len, index,
	    (const uint8_t(*)[32])proof, np, note.data, note.len);
out:
	free(proof);
	hn_note_release(&parsed);
	hn_buf_release(&note);
	return r;
}

static void
node_close(struct node *n)
{
	hn_ledger_free(n->ledger);
	n->ledger = NULL;
	hn_db_close(n->db);
	n->db = NULL;
	hn_wipe(n->sk, sizeof(n->sk));
	hn_seal_keys_wipe(&n->keys);
}

static int
node_open(struct node *n, const char *dir)
{
	struct hn_error err;
	char path[1100];
	int r;

	memset(n, 0, sizeof(*n));
	hn_error_clear(&err);
	if (hn_crypto_init() != 0)
		return hn_cli_fail(1, "cannot initialise libsodium");
	if (snprintf(n->dir, sizeof(n->dir), "%s", dir) >= (int)sizeof(n->dir))
		return hn_cli_usage("--dir: path too long");
	snprintf(n->blobs, sizeof(n->blobs), "%s/blobs", n->dir);
	if ((r = load_key(n, &err)) != 0) {
		node_close(n);
		return hn_cli_fail(2, "%s (is --dir a node's data directory?)",
		    err.message);
	}
	snprintf(path, sizeof(path), "%s/hanoinet.db", n->dir);
	if ((r = hn_db_open(&n->db, path, &err)) != 0) {
		node_close(n);
		return hn_cli_fail(2, "%s", err.message);
	}
	if ((r = hn_mkdirs(n->blobs, 0700)) != 0) {
		node_close(n);
		return hn_cli_fail(2, "cannot create %s", n->blobs);
	}
	/* the node's audit log: origin and key name are the node's name */
	if ((r = hn_ledger_open(&n->ledger, n->db, n->name, n->sk, n->name,
	    &err)) != 0) {
		node_close(n);
		return hn_cli_fail(1, "audit log: %s", err.message);
	}
	n->custody.db = n->db;
	n->custody.node = n->name;
	n->custody.sink.append = sink_append;
	n->custody.sink.ctx = n->ledger;
	return 0;
}

/*
 * Evidence answers a request this node holds (art. 40), never a free
 * reference: 0, or exit status 1 with the reason.
 */
static int
request_held(struct node *n, const char *id)
{
	struct hn_request_row rq;
	int r;

	hn_request_row_init(&rq);
	r = hn_requests_get(n->db, id, &rq);
	hn_request_row_release(&rq);
	if (r == HN_ENOTFOUND)
		return hn_cli_fail(1, "request %s: no such request on this "
		    "node; evidence belongs to a request it holds (art. 40: "
		    "create it with 'hanoinet request create' or register "
		    "one received in writing with 'hanoinet request "
		    "receive')", id);
	if (r != 0)
		return hn_cli_fail(2, "request %s: %s", id, hn_strerror(r));
	return 0;
}

/* --- progress ----------------------------------------------------------- */

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
	snprintf(out, n, i ? "%.1f %s" : "%.0f %s", v, u[i]);
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

		snprintf(left, sizeof(left), "%ld:%02ld left", s / 60, s % 60);
	} else {
		snprintf(left, sizeof(left), "%s", final ? "done" : "");
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

/* --- add ---------------------------------------------------------------- */

static int
add_one(struct node *n, const char *file, const char *request,
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
	    description, actor, (int64_t)time(NULL), pkhex, &it, &err)) != 0)
		return hn_cli_fail(r == HN_EEXIST ? 1 : 2, "%s: %s", file,
		    err.message);
	printf("%s  %s  %llu bytes  item %lld%s\n", res.addr, it.name,
	    (unsigned long long)res.size, (long long)it.id,
	    res.existed ? "  (object already stored)" : "");
	return 0;
}

/* Reads a bearer token (first line) from path. */
static int
read_token(const char *path, char *out, size_t max)
{
	struct hn_buf b = HN_BUF_INIT(4096);
	size_t n;
	int r;

	if ((r = hn_file_read(path, &b)) != 0) {
		hn_buf_release(&b);
		return r;
	}
	n = strcspn(b.data, "\r\n");
	if (n == 0 || n >= max) {
		hn_buf_release_secret(&b);
		return HN_EPARSE;
	}
	memcpy(out, b.data, n);
	out[n] = '\0';
	hn_buf_release_secret(&b);
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
		if (read_token(token_file, token, sizeof(token)) != 0)
			return hn_cli_fail(2, "cannot read a token from %s",
			    token_file);
	} else if (t != NULL && t[0] != '\0' && strlen(t) < sizeof(token)) {
		snprintf(token, sizeof(token), "%s", t);
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
		pr.name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 :
		    argv[i];
		pr.total = stat(argv[i], &st) == 0 ? (uint64_t)st.st_size : 0;
		pr.tty = isatty(STDERR_FILENO);
		clock_gettime(CLOCK_MONOTONIC, &pr.start);
		pr.last = pr.start;
		hn_error_clear(&err);
		rc = hn_cli_upload_file(&o, argv[i], &item, &err);
		if (rc != 0) {
			rc = hn_cli_fail(rc == HN_ENOTFOUND || rc == HN_EINVAL ? 2 :
			    1, "%s: %s", argv[i], err.message);
			if (r == 0)
				r = rc;
			continue;
		}
		progress_draw(&pr, pr.total, 1);
		printf("%s  %s  %lld bytes  item %lld%s\n",
		    hn_json_str(item, "sha256") ? hn_json_str(item, "sha256") : "",
		    hn_json_str(item, "name") ? hn_json_str(item, "name") : "",
		    (long long)json_integer_value(json_object_get(item, "size")),
		    (long long)json_integer_value(json_object_get(item, "item")),
		    json_is_true(json_object_get(item, "existed")) ?
		    "  (object already stored)" : "");
		json_decref(item);
		item = NULL;
	}
	hn_wipe(token, sizeof(token));
	return r;
}

static int
cmd_evidence_add(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence add FILE... --request ID "
	    "[--description TEXT] [--by WHO] [--sha1] [--md5] [--dir DIR]\n"
	    "       hanoinet evidence add FILE... --request ID "
	    "--url https://HOST:PORT [--token-file F] [--cacert PEM] "
	    "[--description TEXT]";
	const char *url = NULL, *token_file = NULL, *cacert = NULL;
	const char *request = NULL, *desc = "", *dir = default_dir();
	const char *actor = default_actor();
	int sha1 = 0, md5 = 0;
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT("description", &desc),
		HN_OPT("dir", &dir),
		HN_OPT("by", &actor),
		HN_OPT_FLAG("sha1", &sha1),
		HN_OPT_FLAG("md5", &md5),
		HN_OPT("url", &url),
		HN_OPT("token-file", &token_file),
		HN_OPT("cacert", &cacert),
		HN_OPT_END
	};
	unsigned flags;
	struct node n;
	int i, nfiles, r = 0, rc;

	if ((r = hn_cli_args(argc, argv, opts, 1, -1, usage, &nfiles)) !=
	    HN_CLI_GO)
		return r;
	r = 0;
	flags = (sha1 ? HN_INTAKE_SHA1 : 0) | (md5 ? HN_INTAKE_MD5 : 0);
	if (url != NULL)
		return add_remote(url, token_file, cacert, request, desc,
		    1 + nfiles, argv, 1);
	if ((rc = node_open(&n, dir)) != 0)
		return rc;
	if ((r = request_held(&n, request)) != 0) {
		node_close(&n);
		return r;
	}
	for (i = 1; i <= nfiles; i++) {
		if ((rc = add_one(&n, argv[i], request, desc, actor,
		    flags)) != 0 && r == 0)
			r = rc;
	}
	node_close(&n);
	return r;
}

/* --- list / get ----------------------------------------------------------- */

static int
cmd_evidence_list(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence list --request ID "
	    "[--dir DIR]";
	const char *request = NULL, *dir = default_dir();
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT("dir", &dir),
		HN_OPT_END
	};
	struct hn_evidence_item *items = NULL;
	struct node n;
	size_t cnt = 0, i;
	char ts[21];
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if ((rc = node_open(&n, dir)) != 0)
		return rc;
	if ((rc = hn_evidence_list(n.db, request, &items, &cnt)) != 0) {
		node_close(&n);
		return hn_cli_fail(1, "cannot list: %s", hn_strerror(rc));
	}
	for (i = 0; i < cnt; i++) {
		hn_datetime_format(items[i].added_at, ts);
		printf("%lld\t%s\t%llu\t%s\t%s\t%s%s\n", (long long)items[i].id,
		    items[i].sha256, (unsigned long long)items[i].size, ts,
		    items[i].added_by, items[i].name,
		    items[i].deleted_at ? "\t(deleted)" : "");
	}
	free(items);
	node_close(&n);
	return 0;
}

static int
cmd_evidence_get(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence get --request ID "
	    "--name NAME --out FILE [--by WHO] [--reason WHY] [--dir DIR]";
	const char *request = NULL, *name = NULL, *out = NULL;
	const char *dir = default_dir(), *actor = default_actor(), *why = "";
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name),
		HN_OPT_REQ("out", &out),
		HN_OPT("dir", &dir),
		HN_OPT("by", &actor),
		HN_OPT("reason", &why),
		HN_OPT_END
	};
	struct hn_evidence_item *items = NULL;
	struct hn_error err;
	struct node n;
	size_t cnt = 0, i;
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if ((rc = node_open(&n, dir)) != 0)
		return rc;
	hn_error_clear(&err);
	rc = hn_evidence_list(n.db, request, &items, &cnt);
	for (i = 0; rc == 0 && i < cnt; i++)
		if (strcmp(items[i].name, name) == 0 && items[i].deleted_at == 0)
			break;
	if (rc != 0 || i == cnt) {
		free(items);
		node_close(&n);
		return hn_cli_fail(1, "request %s has no item %s", request, name);
	}
	rc = hn_custody_event(&n.custody, &items[i], "opened",
	    (int64_t)time(NULL), actor, why, NULL, &err);
	if (rc == 0)
		rc = hn_blob_copy_out(n.blobs, items[i].sha256, &n.keys, out, NULL,
		    &err);
	free(items);
	node_close(&n);
	if (rc != 0)
		return hn_cli_fail(1, "%s", err.message);
	return 0;
}

/* --- export / verify ------------------------------------------------------ */

static int
cmd_evidence_export(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence export --request ID "
	    "--out DIR [--by WHO] [--reason WHY] [--dir DIR]";
	struct hn_bundle_export x;
	struct hn_bundle_summary sum;
	struct hn_error err;
	const char *dir = default_dir();
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &x.request_id),
		HN_OPT_REQ("out", &x.out),
		HN_OPT("dir", &dir),
		HN_OPT("by", &x.actor),
		HN_OPT("reason", &x.reason),
		HN_OPT_END
	};
	struct node n;
	int rc;

	memset(&x, 0, sizeof(x));
	x.actor = default_actor();
	x.reason = "";
	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if ((rc = node_open(&n, dir)) != 0)
		return rc;
	x.at = (int64_t)time(NULL);
	x.blobroot = n.blobs;
	x.keys = &n.keys;
	x.node_name = n.name;
	x.sk = n.sk;
	x.prove = prove;
	x.prove_ctx = n.ledger;
	hn_error_clear(&err);
	rc = hn_bundle_export(&n.custody, &x, &sum, &err);
	node_close(&n);
	if (rc != 0)
		return hn_cli_fail(rc == HN_EEXIST || rc == HN_EINVAL ? 2 : 1,
		    "export failed: %s", err.message);
	printf("exported %zu files (%llu bytes) of request %s to %s\n"
	    "manifest SHA-256 %s%s\n", sum.files,
	    (unsigned long long)sum.bytes, x.request_id, x.out,
	    sum.manifest_sha256, sum.tlog_proof ? "" :
	    "\nwarning: no audit log: manifest.tlog-proof not written");
	return 0;
}

static int
cmd_evidence_verify(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence verify DIR "
	    "[--key 'ssh-ed25519 BASE64'] [--name NODE]";
	struct hn_buf report = HN_BUF_INIT(16u << 20);
	const char *key = NULL, *name = NULL;
	const struct hn_cli_opt opts[] = {
		HN_OPT("key", &key),
		HN_OPT("name", &name),
		HN_OPT_END
	};
	int rc, problems = 0;

	if ((rc = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if (hn_crypto_init() != 0)
		return hn_cli_fail(1, "cannot initialise libsodium");
	rc = hn_bundle_verify(argv[1], key, name, &report, &problems);
	if (report.data != NULL)
		fputs(report.data, stdout);
	hn_buf_release(&report);
	if (rc == HN_ENOTFOUND)
		return hn_cli_fail(2, "%s is not an evidence export",
		    argv[1]);
	if (rc != 0)
		return hn_cli_fail(1, "%d problem%s found in %s", problems,
		    problems == 1 ? "" : "s", argv[1]);
	printf("all checks passed\n");
	return 0;
}

/* --- transfer (art. 36), retention ---------------------------------------- */

/* The live item NAME of REQUEST, or a message and exit status 1. */
static int
find_item(struct node *n, const char *request, const char *name,
    struct hn_evidence_item *out)
{
	struct hn_evidence_item *items = NULL;
	size_t cnt = 0, i;
	int rc;

	if ((rc = hn_evidence_list(n->db, request, &items, &cnt)) != 0)
		return hn_cli_fail(1, "cannot list: %s", hn_strerror(rc));
	for (i = 0; i < cnt; i++) {
		if (strcmp(items[i].name, name) == 0 && items[i].deleted_at == 0) {
			*out = items[i];
			free(items);
			return 0;
		}
	}
	free(items);
	return hn_cli_fail(1, "request %s has no item %s", request, name);
}

struct transfer_args {
	struct node *n;
	const struct hn_evidence_item *it;
	const char *action, *direction, *peer, *conditions, *actor, *why;
	json_t *d;
	int64_t now;
};

/* The custody event and, with a direction, the transfer row. */
static int
transfer_tx(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct transfer_args *a = arg;
	int r;

	if ((r = hn_custody_event_tx(&a->n->custody, a->it, a->action, a->now,
	    a->actor, a->why, a->d, err)) != 0)
		return r;
	if (a->direction != NULL &&
	    (r = hn_transfer_insert(db, a->it->id, a->direction, a->peer,
	    a->conditions, a->now)) != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot record the transfer");
	return 0;
}

static int
transfer_job(struct node *n, const struct hn_evidence_item *it,
    const char *action, const char *direction, const char *peer,
    const char *conditions, const char *actor, const char *why, json_t *d,
    struct hn_error *err)
{
	struct transfer_args a = { n, it, action, direction, peer, conditions,
	    actor, why, d, (int64_t)time(NULL) };

	return hn_db_tx(n->db, transfer_tx, &a, err);
}

/*
 * seal-for --request ID --name NAME --recipient VKEY --out FILE
 *   [--conditions TEXT] [--by WHO] [--reason WHY]
 * The item sealed to another node's key (what the federation sends),
 * refused for received data without the sender's recorded authorisation
 * (art. 36).
 */
static int
cmd_evidence_seal_for(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence seal-for --request ID "
	    "--name NAME --recipient VKEY --out FILE [--conditions TEXT] "
	    "[--by WHO] [--reason WHY] [--dir DIR]";
	const char *request = NULL, *name = NULL, *vkey = NULL, *out = NULL;
	const char *cond = "", *dir = default_dir(), *actor = default_actor();
	const char *why = "";
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name),
		HN_OPT_REQ("recipient", &vkey),
		HN_OPT_REQ("out", &out),
		HN_OPT("conditions", &cond),
		HN_OPT("dir", &dir),
		HN_OPT("by", &actor),
		HN_OPT("reason", &why),
		HN_OPT_END
	};
	struct hn_note_verifier v;
	struct hn_evidence_item it;
	struct hn_error err;
	char tmp[4200];
	json_t *d = NULL;
	struct node n;
	int rc, fd;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	hn_error_clear(&err);
	if (hn_note_verifier_parse(&v, vkey, strlen(vkey), &err) != 0 ||
	    v.type != HN_NOTE_ED25519)
		return hn_cli_usage("--recipient: not a node's verifier key "
		    "(name+keyid+base64)");
	if ((rc = node_open(&n, dir)) != 0)
		return rc;
	if ((rc = find_item(&n, request, name, &it)) != 0)
		goto done;
	if (hn_evidence_onward_allowed(&it) != 0) {
		/* art. 36: no onward transfer without the sender's consent */
		rc = hn_cli_fail(1, "art. 36: %s was received from %s; sending it "
		    "on needs that State's authorisation (record it with "
		    "'hanoinet evidence consent')", it.name, it.origin);
		goto done;
	}
	snprintf(tmp, sizeof(tmp), "%s.partial", out);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0) {
		rc = hn_cli_fail(2, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	rc = hn_blob_export_sealed(n.blobs, it.sha256, &n.keys, v.pk, fd, &err);
	if (rc == 0 && fsync(fd) != 0)
		rc = hn_error_set(&err, HN_EIO, NULL, NULL, "cannot sync %s", tmp);
	close(fd);
	if (rc == 0 && rename(tmp, out) != 0)
		rc = hn_error_set(&err, HN_EIO, NULL, NULL, "cannot rename %s",
		    tmp);
	if (rc != 0) {
		unlink(tmp);
		rc = hn_cli_fail(1, "%s", err.message);
		goto done;
	}
	d = json_pack("{s:s,s:s,s:s}", "recipient", v.name, "conditions", cond,
	    "sealed_for", vkey);
	if ((rc = transfer_job(&n, &it, "transfer_out", "out", v.name, cond,
	    actor, why, d, &err)) != 0) {
		unlink(out);
		rc = hn_cli_fail(1, "%s", err.message);
		goto done;
	}
	printf("%s sealed for %s: %s (sha256 %s)\n", it.name, v.name, out,
	    it.sha256);
	rc = 0;
done:
	json_decref(d);
	node_close(&n);
	return rc;
}

struct receive_args {
	struct node *n;
	const struct hn_intake_result *res;
	struct hn_evidence_item *it;
	const char *request, *name, *from, *cond, *actor, *pkhex;
	json_t *d;
	int64_t now;
};

/* The item, its intake, seal, received and verified events, its origin
 * and the incoming transfer: one transaction. */
static int
receive_tx(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct receive_args *a = arg;
	struct hn_evidence_item *it = a->it;
	int r;

	if ((r = hn_custody_add_item_tx(&a->n->custody, a->res, a->request,
	    a->name, "", a->actor, a->now, a->pkhex, it, err)) != 0)
		return r;
	/* art. 36: who sent it and under which conditions */
	snprintf(it->origin, sizeof(it->origin), "%s", a->from);
	snprintf(it->conditions, sizeof(it->conditions), "%s", a->cond);
	if ((r = hn_evidence_set_origin(db, it->id, a->from, a->cond)) != 0 ||
	    (r = hn_custody_event_tx(&a->n->custody, it, "received", a->now,
	    a->actor, "", a->d, err)) != 0 ||
	    (r = hn_custody_event_tx(&a->n->custody, it, "verified", a->now,
	    a->actor, "SHA-256 matches the sender's", NULL, err)) != 0)
		return r;
	return hn_transfer_insert(db, it->id, "in", a->from, a->cond, a->now);
}

/*
 * receive FILE --request ID --name NAME --sha256 HEX --from NODE
 *   [--conditions TEXT] [--by WHO]
 * Stores a stream sealed for this node after checking every chunk and the
 * SHA-256 the sender announced; records who sent it and its conditions.
 */
static int
cmd_evidence_receive(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence receive FILE --request "
	    "ID --name NAME --sha256 HEX --from NODE [--conditions TEXT] "
	    "[--by WHO] [--dir DIR]";
	const char *request = NULL, *name = NULL, *sha = NULL, *from = NULL;
	const char *cond = "", *dir = default_dir(), *actor = default_actor();
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name),
		HN_OPT_REQ("sha256", &sha),
		HN_OPT_REQ("from", &from),
		HN_OPT("conditions", &cond),
		HN_OPT("dir", &dir),
		HN_OPT("by", &actor),
		HN_OPT_END
	};
	struct hn_intake_result res;
	struct hn_evidence_item it;
	struct hn_error err;
	int64_t now = (int64_t)time(NULL);
	struct receive_args ra;
	char pkhex[65];
	json_t *d = NULL;
	struct node n;
	int rc, fd, existed = 0;

	if ((rc = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if (hn_blob_addr_valid(sha) != 0)
		return hn_cli_usage("--sha256 must be 64 lowercase hex digits\n"
		    "usage: %s", usage);
	if (strlen(from) > HN_EV_WHO_MAX)
		return hn_cli_usage("--from is longer than %d bytes\nusage: %s",
		    HN_EV_WHO_MAX, usage);
	if (strlen(cond) > HN_EV_TEXT_MAX)
		return hn_cli_usage("--conditions is longer than %d bytes\n"
		    "usage: %s", HN_EV_TEXT_MAX, usage);
	if ((fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0)
		return hn_cli_fail(2, "%s: %s", argv[1], strerror(errno));
	if ((rc = node_open(&n, dir)) != 0) {
		close(fd);
		return rc;
	}
	if ((rc = request_held(&n, request)) != 0) {
		close(fd);
		goto done;
	}
	hn_error_clear(&err);
	memset(&res, 0, sizeof(res));
	rc = hn_blob_receive_sealed(n.blobs, sha, &n.keys, fd, &res.size,
	    &existed, &err);
	close(fd);
	if (rc != 0) {
		rc = hn_cli_fail(1, "refused: %s", err.message);
		goto done;
	}
	snprintf(res.addr, sizeof(res.addr), "%s", sha);
	res.existed = existed;
	hn_hex_encode(pkhex, n.keys.ed_pk, 32);
	memset(&it, 0, sizeof(it));
	d = json_pack("{s:s,s:s}", "from", from, "conditions", cond);
	ra.n = &n;
	ra.res = &res;
	ra.it = &it;
	ra.request = request;
	ra.name = name;
	ra.from = from;
	ra.cond = cond;
	ra.actor = actor;
	ra.pkhex = pkhex;
	ra.d = d;
	ra.now = now;
	if ((rc = hn_db_tx(n.db, receive_tx, &ra, &err)) != 0) {
		rc = hn_cli_fail(1, "%s", err.message[0] ? err.message :
		    hn_strerror(rc));
		goto done;
	}
	printf("%s  %s  %llu bytes  item %lld  received from %s\n", sha, it.name,
	    (unsigned long long)res.size, (long long)it.id, from);
	rc = 0;
done:
	json_decref(d);
	node_close(&n);
	return rc;
}

/* consent --request ID --name NAME --ref TEXT: the sender's authorisation. */
static int
cmd_evidence_consent(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence consent --request ID "
	    "--name NAME --ref TEXT [--dir DIR]";
	const char *request = NULL, *name = NULL, *ref = NULL;
	const char *dir = default_dir();
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name),
		HN_OPT_REQ("ref", &ref),
		HN_OPT("dir", &dir),
		HN_OPT_END
	};
	struct hn_evidence_item it;
	struct node n;
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if (ref[0] == '\0' || strlen(ref) > HN_EV_TEXT_MAX)
		return hn_cli_usage("--ref must be 1 to %d bytes\nusage: %s",
		    HN_EV_TEXT_MAX, usage);
	if ((rc = node_open(&n, dir)) != 0)
		return rc;
	if ((rc = find_item(&n, request, name, &it)) == 0 &&
	    (rc = hn_evidence_set_consent(n.db, it.id, ref)) != 0)
		rc = hn_cli_fail(1, "cannot record: %s", hn_strerror(rc));
	node_close(&n);
	return rc;
}

/* YYYY-MM-DD (UTC midnight) to seconds; -1 if malformed. */
static int64_t
parse_day(const char *s)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	return (int64_t)timegm(&tm);
}

/* retain --request ID --name NAME --until YYYY-MM-DD */
static int
cmd_evidence_retain(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence retain --request ID "
	    "--name NAME --until YYYY-MM-DD [--dir DIR]";
	const char *request = NULL, *name = NULL, *until = NULL;
	const char *dir = default_dir();
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name),
		HN_OPT_REQ("until", &until),
		HN_OPT("dir", &dir),
		HN_OPT_END
	};
	struct hn_evidence_item it;
	struct node n;
	int64_t t;
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if ((t = parse_day(until)) < 0)
		return hn_cli_usage("--until %s: not a date YYYY-MM-DD\n"
		    "usage: %s", until, usage);
	if ((rc = node_open(&n, dir)) != 0)
		return rc;
	if ((rc = find_item(&n, request, name, &it)) == 0 &&
	    (rc = hn_evidence_set_retention(n.db, it.id, t)) != 0)
		rc = hn_cli_fail(1, "cannot record: %s", hn_strerror(rc));
	node_close(&n);
	return rc;
}

struct delete_args {
	struct node *n;
	const struct hn_evidence_item *it;
	int64_t now;
	const char *actor, *why;
	int64_t *refs; /* other items still using the object */
};

/* The "deleted" event and the mark, in one transaction. */
static int
delete_tx(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct delete_args *a = arg;
	int r;

	if ((r = hn_custody_event_tx(&a->n->custody, a->it, "deleted", a->now,
	    a->actor, a->why, NULL, err)) != 0 ||
	    (r = hn_evidence_mark_deleted(db, a->it->id, a->now)) != 0)
		return r;
	return hn_evidence_object_refs(db, a->it->sha256, a->it->id, a->refs);
}

/*
 * delete --request ID --name NAME --reason WHY: only once its retention
 * period has ended; the object goes (unless another item uses the same
 * content), the row, its hash and its custody history stay.
 */
static int
cmd_evidence_delete(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence delete --request ID "
	    "--name NAME --reason WHY [--by WHO] [--dir DIR]";
	const char *request = NULL, *name = NULL, *why = NULL;
	const char *dir = default_dir(), *actor = default_actor();
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name),
		HN_OPT_REQ("reason", &why),
		HN_OPT("dir", &dir),
		HN_OPT("by", &actor),
		HN_OPT_END
	};
	struct hn_evidence_item it;
	struct hn_error err;
	struct delete_args da;
	char path[HN_BLOB_PATH_MAX];
	int64_t now = (int64_t)time(NULL), refs = 0;
	struct node n;
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if (why[0] == '\0')
		return hn_cli_usage("--reason must not be empty\nusage: %s",
		    usage);
	if ((rc = node_open(&n, dir)) != 0)
		return rc;
	if ((rc = find_item(&n, request, name, &it)) != 0)
		goto done;
	if (it.retention_until == 0 || it.retention_until > now) {
		rc = hn_cli_fail(1, "%s is under retention%s: it is deleted only "
		    "once its retention period ends", it.name,
		    it.retention_until == 0 ? " (no end set: 'hanoinet evidence "
		    "retain')" : "");
		goto done;
	}
	hn_error_clear(&err);
	da.n = &n;
	da.it = &it;
	da.now = now;
	da.actor = actor;
	da.why = why;
	da.refs = &refs;
	if ((rc = hn_db_tx(n.db, delete_tx, &da, &err)) != 0) {
		rc = hn_cli_fail(1, "cannot delete: %s", err.message[0] ?
		    err.message : hn_strerror(rc));
		goto done;
	}
	/* the record is durable; now the content (if nothing else uses it) */
	if (refs == 0 && hn_blob_path(path, sizeof(path), n.blobs,
	    it.sha256) == 0 && unlink(path) == 0)
		(void)hn_fsync_parent(path);
	printf("%s deleted (SHA-256 %s kept in the record)\n", it.name,
	    it.sha256);
	rc = 0;
done:
	node_close(&n);
	return rc;
}

/*
 * send --item ID --to PARTY --url https://HOST:PORT [--token-file F]
 *   [--cacert PEM] [--request ID] [--conditions TEXT] [--reason WHY]
 *   [--wait SECONDS]
 * Asks a running node to send an item to another node over the
 * federation channel (POST /v1/evidence/ID/transfer) and, unless --wait 0,
 * follows it until the recipient's receipt (exit 0), a refusal (exit 1),
 * or an interruption (exit 1: running it again resumes the transfer).
 */
static int
cmd_evidence_send(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "item", required_argument, NULL, 'i' },
		{ "to", required_argument, NULL, 't' },
		{ "url", required_argument, NULL, 'u' },
		{ "token-file", required_argument, NULL, 'T' },
		{ "cacert", required_argument, NULL, 'c' },
		{ "conditions", required_argument, NULL, 'C' },
		{ "reason", required_argument, NULL, 'y' },
		{ "wait", required_argument, NULL, 'w' },
		{ "request", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char *item = NULL, *to = NULL, *url = NULL, *tf = NULL;
	const char *cacert = NULL, *cond = NULL, *why = NULL, *t;
	const char *req = NULL;
	struct hn_buf resp = HN_BUF_INIT(1u << 20);
	struct hn_client *cl = NULL;
	struct hn_error err;
	char token[1024], path[128], xfer[64] = "", *body = NULL;
	long wait_s = 3600, st = 0, i;
	json_t *in = NULL, *j = NULL;
	int c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:t:u:T:c:C:y:w:r:", opts,
	    NULL)) != -1) {
		switch (c) {
		case 'r': req = optarg; break;
		case 'i': item = optarg; break;
		case 't': to = optarg; break;
		case 'u': url = optarg; break;
		case 'T': tf = optarg; break;
		case 'c': cacert = optarg; break;
		case 'C': cond = optarg; break;
		case 'y': why = optarg; break;
		case 'w': wait_s = strtol(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (item == NULL || to == NULL || url == NULL || optind != argc ||
	    strspn(item, "0123456789") != strlen(item) || item[0] == '\0' ||
	    strlen(item) > 18 || wait_s < 0 || wait_s > 86400 * 7)
		goto usage;
	t = getenv("HANOINET_TOKEN");
	if (tf != NULL) {
		if (read_token(tf, token, sizeof(token)) != 0)
			return hn_cli_fail(2, "cannot read a token from %s", tf);
	} else if (t != NULL && t[0] != '\0' && strlen(t) < sizeof(token)) {
		snprintf(token, sizeof(token), "%s", t);
	} else {
		return hn_cli_usage("send needs --token-file FILE or "
		    "$HANOINET_TOKEN (from POST /v1/session)");
	}
	hn_error_clear(&err);
	if (hn_cli_client(&cl, url, cacert, token, &err) != 0) {
		hn_wipe(token, sizeof(token));
		return hn_cli_fail(2, "%s", err.message);
	}
	hn_wipe(token, sizeof(token));
	if ((in = json_pack("{s:s}", "to", to)) == NULL ||
	    (cond != NULL && json_object_set_new(in, "conditions",
	    json_string(cond)) != 0) || (why != NULL &&
	    json_object_set_new(in, "reason", json_string(why)) != 0) ||
	    (req != NULL && json_object_set_new(in, "request",
	    json_string(req)) != 0) ||
	    (body = json_dumps(in, JSON_COMPACT)) == NULL) {
		rc = hn_cli_fail(2, "out of memory");
		goto done;
	}
	snprintf(path, sizeof(path), "/v1/evidence/%s/transfer", item);
	if (hn_client_request(cl, "POST", path, "application/json", body,
	    strlen(body), 0, &st, &resp, &err) != 0) {
		rc = hn_cli_fail(2, "%s", err.message);
		goto done;
	}
	j = hn_json_parse(resp.data ? resp.data : "", resp.len, resp.max, 8,
	    NULL);
	if (st != 200 && st != 202) {
		rc = hn_cli_fail(1, "refused (%ld %s): %s", st,
		    hn_json_str(j, "error") ? hn_json_str(j, "error") : "",
		    hn_json_str(j, "message") ? hn_json_str(j, "message") : "");
		goto done;
	}
	snprintf(xfer, sizeof(xfer), "%s", hn_json_str(j, "transfer") ?
	    hn_json_str(j, "transfer") : "");
	printf("item %s to %s: transfer %s %s\n", item, to, xfer,
	    hn_json_str(j, "state") ? hn_json_str(j, "state") : "");
	if (wait_s == 0) {
		rc = 0;
		goto done;
	}
	snprintf(path, sizeof(path), "/v1/evidence/%s/transfers", item);
	for (i = 0; i < wait_s * 4; i++) {
		json_t *a, *x;
		size_t k;
		const char *state = "";

		json_decref(j);
		j = NULL;
		hn_buf_reset(&resp);
		if (hn_client_request(cl, "GET", path, NULL, NULL, 0, 0, &st,
		    &resp, &err) == 0 && st == 200 &&
		    (j = hn_json_parse(resp.data, resp.len, resp.max, 8,
		    NULL)) != NULL) {
			a = json_object_get(j, "transfers");
			json_array_foreach(a, k, x) {
				if (strcmp(hn_json_str(x, "transfer") ?
				    hn_json_str(x, "transfer") : "", xfer) != 0)
					continue;
				state = hn_json_str(x, "state");
				if (state != NULL &&
				    strcmp(state, "acknowledged") == 0) {
					printf("acknowledged by %s: every chunk and "
					    "the SHA-256 verified, their ledger "
					    "index %lld\n", to, (long long)
					    json_integer_value(json_object_get(x,
					    "their_ledger_index")));
					rc = 0;
					goto done;
				}
				if (state != NULL && (strcmp(state, "failed") ==
				    0 || strcmp(state, "interrupted") == 0)) {
					rc = hn_cli_fail(1, "transfer %s %s: %s%s",
					    xfer, state, hn_json_str(x, "error"),
					    strcmp(state, "interrupted") == 0 ?
					    " (run again to resume)" : "");
					goto done;
				}
			}
		}
		usleep(250000);
	}
	rc = hn_cli_fail(1, "transfer %s still sending after %ld s", xfer,
	    wait_s);
done:
	json_decref(j);
	json_decref(in);
	free(body);
	hn_buf_release(&resp);
	hn_client_free(cl);
	return rc;
usage:
	return hn_cli_usage("usage: hanoinet evidence send --item ID --to PARTY "
	    "--url https://HOST:PORT [--token-file FILE] [--cacert PEM] "
	    "[--request ID] [--conditions TEXT] [--reason WHY] "
	    "[--wait SECONDS]");
}

int
cmd_evidence(int argc, char **argv)
{
	static const struct hn_cmd sub[] = {
		{ "add", cmd_evidence_add, "fingerprint, encrypt and store files "
		    "for a request" },
		{ "list", cmd_evidence_list, "list a request's evidence" },
		{ "get", cmd_evidence_get, "decrypt one verified item to a file" },
		{ "export", cmd_evidence_export, "write a verifiable bundle for "
		    "courts (files, hashdeep, CASE, SSH signature, proof)" },
		{ "verify", cmd_evidence_verify, "check an exported bundle offline" },
		{ "seal-for", cmd_evidence_seal_for, "seal an item for another "
		    "node (transfer; art. 36 checked)" },
		{ "receive", cmd_evidence_receive, "store an item sealed for this "
		    "node after checking it" },
		{ "send", cmd_evidence_send, "send an item to another node "
		    "through a running node (resumable; art. 36 checked)" },
		{ "consent", cmd_evidence_consent, "record the sender's "
		    "authorisation of an onward transfer (art. 36)" },
		{ "retain", cmd_evidence_retain, "set the end of an item's "
		    "retention period" },
		{ "delete", cmd_evidence_delete, "delete an item's content after "
		    "its retention (the hash stays)" },
		{ NULL, NULL, NULL }
	};

	return hn_cli_dispatch("evidence", sub, argc - 1, argv + 1);
}
