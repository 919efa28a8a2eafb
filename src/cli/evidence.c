/*
 * hanoinet evidence - evidence on this node's data directory (--dir DIR,
 * default $HANOINET_DIR or "."), the offline check of an export, and a
 * transfer through a running node. This file: the subcommand table, list,
 * get, export, verify and send; the others are in evidence_add.c,
 * evidence_transfer.c and evidence_retain.c (cli/evidence_int.h).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/evidence_int.h"
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
#include "util/fmt.h"
#include "util/hook.h"
#include "util/file.h"
#include "util/json.h"

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
	uint8_t(*proof)[32] = NULL;
	size_t np = 0;
	int r;

	memset(&parsed, 0, sizeof(parsed));
	if ((r = hn_ledger_checkpoint(l, &note)) != 0) {
		r = hn_error_set(err, r, NULL, NULL,
		    "cannot sign a checkpoint");
		goto out;
	}
	if ((r = hn_note_parse(&parsed, note.data, note.len, err)) != 0 ||
	    (r = hn_checkpoint_parse(&cp, parsed.text, parsed.text_len, err)) !=
		0)
		goto out;
	if ((proof = calloc(HN_MERKLE_PROOF_MAX, 32)) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	if ((r = hn_ledger_inclusion(l, index, cp.size, proof, &np)) != 0) {
		r = hn_error_set(err, r, NULL, NULL,
		    "cannot prove ledger entry %llu",
		    (unsigned long long)index);
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

/* --- list / get ----------------------------------------------------------- */

static int
cmd_evidence_list(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence list --request ID "
				    "[--dir DIR]";
	const char *request = NULL, *dir = ev_default_dir();
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("request", &request),
		HN_OPT("dir", &dir), HN_OPT_END };
	struct hn_evidence_item *items = NULL;
	struct ev_node n;
	size_t cnt = 0, i;
	char ts[21];
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if ((rc = ev_node_open(&n, dir)) != 0)
		return rc;
	if ((rc = hn_evidence_list(n.db, request, &items, &cnt)) != 0) {
		ev_node_close(&n);
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
	ev_node_close(&n);
	return 0;
}

static int
cmd_evidence_get(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet evidence get --request ID "
	    "--name NAME --out FILE [--by WHO] [--reason WHY] [--dir DIR]";
	const char *request = NULL, *name = NULL, *out = NULL;
	const char *dir = ev_default_dir(), *actor = ev_default_actor(),
		   *why = "";
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name), HN_OPT_REQ("out", &out),
		HN_OPT("dir", &dir), HN_OPT("by", &actor),
		HN_OPT("reason", &why), HN_OPT_END };
	struct hn_evidence_item *items = NULL;
	struct hn_error err;
	struct ev_node n;
	size_t cnt = 0, i;
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if ((rc = ev_node_open(&n, dir)) != 0)
		return rc;
	hn_error_clear(&err);
	rc = hn_evidence_list(n.db, request, &items, &cnt);
	for (i = 0; rc == 0 && i < cnt; i++)
		if (strcmp(items[i].name, name) == 0 &&
		    items[i].deleted_at == 0)
			break;
	if (rc != 0 || i == cnt) {
		free(items);
		ev_node_close(&n);
		return hn_cli_fail(1, "request %s has no item %s", request,
		    name);
	}
	rc = hn_custody_event(&n.custody, &items[i], "opened",
	    (int64_t)time(NULL), actor, why, NULL, &err);
	if (rc == 0)
		rc = hn_blob_copy_out(n.blobs, items[i].sha256, &n.keys, out,
		    NULL, &err);
	free(items);
	ev_node_close(&n);
	if (rc != 0)
		return hn_cli_fail(1, "%s", err.message);
	return 0;
}

/* --- export / verify ------------------------------------------------------ */

static int
cmd_evidence_export(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet evidence export --request ID "
	    "--out DIR [--by WHO] [--reason WHY] [--dir DIR]";
	struct hn_bundle_export x;
	struct hn_bundle_summary sum;
	struct hn_error err;
	const char *dir = ev_default_dir();
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("request", &x.request_id),
		HN_OPT_REQ("out", &x.out), HN_OPT("dir", &dir),
		HN_OPT("by", &x.actor), HN_OPT("reason", &x.reason),
		HN_OPT_END };
	struct ev_node n;
	int rc;

	memset(&x, 0, sizeof(x));
	x.actor = ev_default_actor();
	x.reason = "";
	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if ((rc = ev_node_open(&n, dir)) != 0)
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
	ev_node_close(&n);
	if (rc != 0)
		return hn_cli_fail(rc == HN_EEXIST || rc == HN_EINVAL ? 2 : 1,
		    "export failed: %s", err.message);
	printf("exported %zu files (%llu bytes) of request %s to %s\n"
	       "manifest SHA-256 %s%s\n",
	    sum.files, (unsigned long long)sum.bytes, x.request_id, x.out,
	    sum.manifest_sha256,
	    sum.tlog_proof ?
		"" :
		"\nwarning: no audit log: manifest.tlog-proof not written");
	return 0;
}

static int
cmd_evidence_verify(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet evidence verify DIR "
	    "[--key 'ssh-ed25519 BASE64'] [--name NODE]";
	struct hn_buf report = HN_BUF_INIT(16u << 20);
	const char *key = NULL, *name = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT("key", &key),
		HN_OPT("name", &name), HN_OPT_END };
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
		return hn_cli_fail(2, "%s is not an evidence export", argv[1]);
	if (rc != 0)
		return hn_cli_fail(1, "%d problem%s found in %s", problems,
		    problems == 1 ? "" : "s", argv[1]);
	printf("all checks passed\n");
	return 0;
}

/*
 * Follows transfer xfer of item to party `to` on the node behind cl, every
 * 250 ms for wait_s seconds: 0 on the recipient's receipt, 1 (with the
 * reason printed) on a failure, an interruption or the time running out.
 */
static int
send_follow(struct hn_client *cl, const char *item, const char *to,
    const char *xfer, long wait_s)
{
	struct hn_buf resp = HN_BUF_INIT(1u << 20);
	struct hn_error err;
	char path[128];
	json_t *j = NULL;
	long st = 0, i;
	int rc;

	/* item: at most 18 digits (checked by the caller) */
	HN_FMT_FIXED(path, sizeof(path), "/v1/evidence/%s/transfers", item);
	for (i = 0; i < wait_s * 4; i++) {
		json_t *a, *x;
		size_t k;
		const char *state = "";

		json_decref(j);
		j = NULL;
		hn_buf_reset(&resp);
		if (hn_client_request(cl, "GET", path, NULL, NULL, 0, 0, &st,
			&resp, &err) == 0 &&
		    st == 200 &&
		    (j = hn_json_parse(resp.data, resp.len, resp.max, 8,
			 NULL)) != NULL) {
			a = json_object_get(j, "transfers");
			json_array_foreach(a, k, x)
			{
				if (strcmp(hn_json_str(x, "transfer") ?
					    hn_json_str(x, "transfer") :
					    "",
					xfer) != 0)
					continue;
				state = hn_json_str(x, "state");
				if (state != NULL &&
				    strcmp(state, "acknowledged") == 0) {
					printf("acknowledged by %s: every chunk and "
					       "the SHA-256 verified, their ledger "
					       "index %lld\n",
					    to,
					    (long long)json_integer_value(
						json_object_get(x,
						    "their_ledger_index")));
					rc = 0;
					goto out;
				}
				if (state != NULL &&
				    (strcmp(state, "failed") == 0 ||
					strcmp(state, "interrupted") == 0)) {
					rc = hn_cli_fail(1,
					    "transfer %s %s: %s%s", xfer, state,
					    hn_json_str(x, "error"),
					    strcmp(state, "interrupted") == 0 ?
						" (run again to resume)" :
						"");
					goto out;
				}
			}
		}
		usleep(250000);
	}
	rc = hn_cli_fail(1, "transfer %s still sending after %ld s", xfer,
	    wait_s);
out:
	json_decref(j);
	hn_buf_release(&resp);
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
	static const char usage[] =
	    "hanoinet evidence send --item ID --to "
	    "PARTY --url https://HOST:PORT [--token-file FILE] [--cacert PEM] "
	    "[--request ID] [--conditions TEXT] [--reason WHY] "
	    "[--wait SECONDS]";
	const char *item = NULL, *to = NULL, *url = NULL, *tf = NULL;
	const char *cacert = NULL, *cond = NULL, *why = NULL, *t;
	const char *req = NULL, *wait = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT_REQ_LETTER("item", 'i',
					       &item),
		HN_OPT_REQ_LETTER("to", 't', &to),
		HN_OPT_REQ_LETTER("url", 'u', &url),
		HN_OPT_LETTER("token-file", 'T', &tf),
		HN_OPT_LETTER("cacert", 'c', &cacert),
		HN_OPT_LETTER("conditions", 'C', &cond),
		HN_OPT_LETTER("reason", 'y', &why),
		HN_OPT_LETTER("wait", 'w', &wait),
		HN_OPT_LETTER("request", 'r', &req), HN_OPT_END };
	struct hn_buf resp = HN_BUF_INIT(1u << 20);
	struct hn_client *cl = NULL;
	struct hn_error err;
	char token[1024], path[128], xfer[64] = "", *body = NULL;
	long wait_s = 3600, st = 0;
	json_t *in = NULL, *j = NULL;
	int rc = 1;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	rc = 1;
	if (wait != NULL)
		wait_s = strtol(wait, NULL, 10);
	if (strspn(item, "0123456789") != strlen(item) || item[0] == '\0' ||
	    strlen(item) > 18)
		return hn_cli_usage("--item %s: an item id (1 to 18 digits); "
				    "usage: %s",
		    item, usage);
	if (wait_s < 0 || wait_s > 86400 * 7)
		return hn_cli_usage("--wait %s: 0 to %d seconds; usage: %s",
		    wait, 86400 * 7, usage);
	t = getenv("HANOINET_TOKEN");
	if (tf != NULL) {
		if (ev_read_token(tf, token, sizeof(token)) != 0)
			return hn_cli_fail(2, "cannot read a token from %s",
			    tf);
	} else if (t != NULL && t[0] != '\0' && strlen(t) < sizeof(token)) {
		HN_FMT_FIXED(token, sizeof(token), "%s", t);
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
	    (cond != NULL &&
		json_object_set_new(in, "conditions", json_string(cond)) !=
		    0) ||
	    (why != NULL &&
		json_object_set_new(in, "reason", json_string(why)) != 0) ||
	    (req != NULL &&
		json_object_set_new(in, "request", json_string(req)) != 0) ||
	    (body = json_dumps(in, JSON_COMPACT)) == NULL) {
		rc = hn_cli_fail(2, "out of memory");
		goto done;
	}
	/* item: at most 18 digits (checked above) */
	HN_FMT_FIXED(path, sizeof(path), "/v1/evidence/%s/transfer", item);
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
	if (hn_fmt(xfer, sizeof(xfer), "%s",
		hn_json_str(j, "transfer") ? hn_json_str(j, "transfer") : "") !=
	    0) {
		rc = hn_cli_fail(1, "the node's transfer id is too long");
		goto done;
	}
	printf("item %s to %s: transfer %s %s\n", item, to, xfer,
	    hn_json_str(j, "state") ? hn_json_str(j, "state") : "");
	if (wait_s == 0) {
		rc = 0;
		goto done;
	}
	rc = send_follow(cl, item, to, xfer, wait_s);
done:
	json_decref(j);
	json_decref(in);
	free(body);
	hn_buf_release(&resp);
	hn_client_free(cl);
	return rc;
}

int
cmd_evidence(int argc, char **argv)
{
	static const struct hn_cmd sub[] = {
		{ "add", ev_cmd_add,
		    "fingerprint, encrypt and store files "
		    "for a request" },
		{ "list", cmd_evidence_list, "list a request's evidence" },
		{ "get", cmd_evidence_get,
		    "decrypt one verified item to a file" },
		{ "export", cmd_evidence_export,
		    "write a verifiable bundle for "
		    "courts (files, hashdeep, CASE, SSH signature, proof)" },
		{ "verify", cmd_evidence_verify,
		    "check an exported bundle offline" },
		{ "seal-for", ev_cmd_seal_for,
		    "seal an item for another "
		    "node (transfer; art. 36 checked)" },
		{ "receive", ev_cmd_receive,
		    "store an item sealed for this "
		    "node after checking it" },
		{ "send", cmd_evidence_send,
		    "send an item to another node "
		    "through a running node (resumable; art. 36 checked)" },
		{ "consent", ev_cmd_consent,
		    "record the sender's "
		    "authorisation of an onward transfer (art. 36)" },
		{ "retain", ev_cmd_retain,
		    "set the end of an item's "
		    "retention period" },
		{ "delete", ev_cmd_delete,
		    "delete an item's content after "
		    "its retention (the hash stays)" },
		{ NULL, NULL, NULL }
	};

	return hn_cli_dispatch("evidence", sub, argc - 1, argv + 1);
}
