/*
 * evidence_node.c - a node's data directory opened by `hanoinet evidence`:
 * the signing key, the database, the blob store, the ledger with custody
 * bound to it; and the checks every local subcommand shares.
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
#include "crypto/sign.h"
#include "store/requests.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/file.h"
#include "util/fmt.h"

const char *
ev_default_dir(void)
{
	const char *d = getenv("HANOINET_DIR");

	return d != NULL && d[0] != '\0' ? d : ".";
}

const char *
ev_default_actor(void)
{
	const char *u = getenv("USER");

	return u != NULL && u[0] != '\0' ? u : "cli";
}

/*
 * DIR/signing.key: the node's C2SP note private key
 * (PRIVATE+KEY+name+keyid+base64(0x01 || seed), ledger/note.h).
 */
static int
load_key(struct ev_node *n, struct hn_error *err)
{
	struct hn_buf b = HN_BUF_INIT(KEYFILE_MAX);
	struct hn_note_signer s;
	char path[1100];
	int r;

	memset(&s, 0, sizeof(s));
	HN_FMT_FIXED(path, sizeof(path), "%s/signing.key", n->dir);
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
		r = hn_error_set(err, HN_ETOOBIG, NULL, NULL,
		    "key name too long");
		goto out;
	}
	HN_FMT_FIXED(n->name, sizeof(n->name), "%s", s.name);
	memcpy(n->sk, s.sk, sizeof(n->sk));
	r = hn_seal_keys_from_ed25519(&n->keys, n->sk);
out:
	hn_note_signer_wipe(&s);
	hn_buf_release_secret(&b);
	return r;
}

/* The ledger: custody entries are appended in the caller's transaction. */
static int
sink_append(void *ctx, const void *entry, size_t len, uint64_t *index)
{
	return hn_ledger_append(ctx, entry, len, index);
}

void
ev_node_close(struct ev_node *n)
{
	hn_ledger_free(n->ledger);
	n->ledger = NULL;
	hn_db_close(n->db);
	n->db = NULL;
	hn_wipe(n->sk, sizeof(n->sk));
	hn_seal_keys_wipe(&n->keys);
}

int
ev_node_open(struct ev_node *n, const char *dir)
{
	struct hn_error err;
	char path[1100];
	int r;

	memset(n, 0, sizeof(*n));
	hn_error_clear(&err);
	if (hn_crypto_init() != 0)
		return hn_cli_fail(1, "cannot initialise libsodium");
	if (hn_fmt(n->dir, sizeof(n->dir), "%s", dir) != 0)
		return hn_cli_usage("--dir: path too long");
	/* dir < 1024 bytes: every path[1100] under it fits */
	HN_FMT_FIXED(n->blobs, sizeof(n->blobs), "%s/blobs", n->dir);
	if ((r = load_key(n, &err)) != 0) {
		ev_node_close(n);
		return hn_cli_fail(2, "%s (is --dir a node's data directory?)",
		    err.message);
	}
	HN_FMT_FIXED(path, sizeof(path), "%s/hanoinet.db", n->dir);
	if ((r = hn_db_open(&n->db, path, &err)) != 0) {
		ev_node_close(n);
		return hn_cli_fail(2, "%s", err.message);
	}
	if ((r = hn_mkdirs(n->blobs, 0700)) != 0) {
		ev_node_close(n);
		return hn_cli_fail(2, "cannot create %s", n->blobs);
	}
	/* the node's ledger: origin and key name are the node's name */
	if ((r = hn_ledger_open(&n->ledger, n->db, n->name, n->sk, n->name,
		 &err)) != 0) {
		ev_node_close(n);
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
int
ev_request_held(struct ev_node *n, const char *id)
{
	struct hn_request_row rq;
	int r;

	hn_request_row_init(&rq);
	r = hn_requests_get(n->db, id, &rq);
	hn_request_row_release(&rq);
	if (r == HN_ENOTFOUND)
		return hn_cli_fail(1,
		    "request %s: no such request on this "
		    "node; evidence belongs to a request it holds (art. 40: "
		    "create it with 'hanoinet request create' or register "
		    "one received in writing with 'hanoinet request "
		    "receive')",
		    id);
	if (r != 0)
		return hn_cli_fail(2, "request %s: %s", id, hn_strerror(r));
	return 0;
}

/* Reads a bearer token (first line) from path. */
int
ev_read_token(const char *path, char *out, size_t max)
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

/* The live item NAME of REQUEST, or a message and exit status 1. */
int
ev_find_item(struct ev_node *n, const char *request, const char *name,
    struct hn_evidence_item *out)
{
	struct hn_evidence_item *items = NULL;
	size_t cnt = 0, i;
	int rc;

	if ((rc = hn_evidence_list(n->db, request, &items, &cnt)) != 0)
		return hn_cli_fail(1, "cannot list: %s", hn_strerror(rc));
	for (i = 0; i < cnt; i++) {
		if (strcmp(items[i].name, name) == 0 &&
		    items[i].deleted_at == 0) {
			*out = items[i];
			free(items);
			return 0;
		}
	}
	free(items);
	return hn_cli_fail(1, "request %s has no item %s", request, name);
}
