/*
 * hanoinet message - build and check signed envelopes by hand (for other
 * implementations, debugging and the fault tests; nodes sign their own):
 *   message seal --key SIGNING.KEY --from CODE --to CODE --kind KIND
 *                [--in-reply-to REF] [--id HEX32] [--time TIME] BODY.json
 *   message open --directory FILE --vkey REGISTRY-VKEY|@FILE ENVELOPE
 * Exit status: 0 ok, 1 invalid / does not verify, 2 usage or unreadable.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "crypto/sign.h"
#include "fed/directory.h"
#include "fed/envelope.h"
#include "fed/signed.h"
#include "core/date.h"
#include "util/file.h"
#include "util/json.h"

static int
message_seal(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet message seal --key FILE --from "
	    "CODE --to CODE --kind KIND [--in-reply-to REF] [--id HEX] "
	    "[--time TIME] BODY.json";
	const char *key = NULL, *from = NULL, *to = NULL, *kind = NULL;
	const char *reply = NULL, *id = NULL, *ts = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("key", &key),
		HN_OPT_REQ("from", &from), HN_OPT_REQ("to", &to),
		HN_OPT_REQ("kind", &kind), HN_OPT("in-reply-to", &reply),
		HN_OPT("id", &id), HN_OPT("time", &ts), HN_OPT_END };
	struct hn_buf kb = HN_BUF_INIT(4096), bb = HN_BUF_INIT(HN_ENV_MAX);
	struct hn_buf out = HN_BUF_INIT(HN_ENV_MAX + 4096);
	uint8_t sk[HN_ED25519_SK_LEN], pk[HN_ED25519_PK_LEN];
	char name[HN_SIGNER_MAX + 1], idbuf[HN_MSGID_LEN + 1];
	struct hn_error err;
	json_t *body = NULL;
	int64_t t = (int64_t)time(NULL);
	int st = 2;

	if ((st = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
	    HN_CLI_GO)
		return st;
	st = 2;
	if (ts != NULL && hn_datetime_parse(ts, &t) != 0)
		return hn_cli_usage("message seal: --time wants "
				    "YYYY-MM-DDTHH:MM:SSZ");
	if (hn_crypto_init() != 0)
		return hn_cli_fail(2, "cannot initialise libsodium");
	if (hn_file_read(key, &kb) != 0 ||
	    hn_skey_parse(kb.data, kb.len, name, sk, pk, &err) != 0) {
		st =
		    hn_cli_fail(2, "message seal: cannot read the key %s", key);
		goto out;
	}
	if (hn_file_read(argv[1], &bb) != 0 ||
	    (body = hn_json_parse(bb.data, bb.len, HN_ENV_MAX, HN_ENV_DEPTH,
		 &err)) == NULL) {
		st = hn_cli_fail(2, "message seal: cannot read %s as JSON",
		    argv[1]);
		goto out;
	}
	if (id == NULL) {
		hn_msgid_new(idbuf);
		id = idbuf;
	}
	if (hn_envelope_seal(&out, id, from, to, kind, t, reply, body, sk,
		&err) != 0) {
		st = hn_cli_fail(1, "message seal: %s: %s", err.field,
		    err.message);
		goto out;
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len) {
		st = hn_cli_fail(2, "message seal: write error");
		goto out;
	}
	st = 0;
out:
	hn_wipe(sk, sizeof(sk));
	hn_buf_release_secret(&kb);
	hn_buf_release(&bb);
	hn_buf_release(&out);
	json_decref(body);
	return st;
}

static int
message_open(int argc, char **argv)
{
	static const char usage[] = "hanoinet message open --directory FILE "
				    "--vkey VKEY|@FILE ENVELOPE";
	const char *dpath = NULL, *vk = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("directory", &dpath),
		HN_OPT_REQ("vkey", &vk), HN_OPT_END };
	struct hn_buf db = HN_BUF_INIT(HN_DIR_MAX),
		      eb = HN_BUF_INIT(HN_ENV_MAX),
		      vb = HN_BUF_INIT(HN_VKEY_MAX + 2);
	struct hn_directory *d = NULL;
	struct hn_envelope *e = NULL;
	char vkey[HN_VKEY_MAX + 1], ts[HN_TIME_STRLEN], *body = NULL;
	struct hn_error err;
	int st = 2;
	size_t n;

	if ((st = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
	    HN_CLI_GO)
		return st;
	st = 2;
	if (vk[0] == '@') {
		if (hn_file_read(vk + 1, &vb) != 0)
			return hn_cli_usage("message open: cannot read %s",
			    vk + 1);
		n = vb.len;
		while (n > 0 && (vb.data[n - 1] == '\n'))
			n--;
		vb.data[n] = '\0';
		vk = vb.data;
	}
	if (strlen(vk) > HN_VKEY_MAX)
		return hn_cli_usage("--vkey is longer than %d bytes; usage: %s",
		    HN_VKEY_MAX, usage);
	memcpy(vkey, vk, strlen(vk) + 1);
	if (hn_crypto_init() != 0)
		return hn_cli_fail(2, "cannot initialise libsodium");
	if (hn_file_read(dpath, &db) != 0 || hn_file_read(argv[1], &eb) != 0) {
		st = hn_cli_fail(2, "message open: cannot read the input");
		goto out;
	}
	if (hn_directory_open(&d, db.data, db.len, vkey, (int64_t)time(NULL),
		&err) != 0) {
		st = hn_cli_fail(1, "message open: directory: %s", err.message);
		goto out;
	}
	if (hn_envelope_open(&e, eb.data, eb.len, d, &err) != 0) {
		st = hn_cli_fail(1, "message open: %s: %s", err.field,
		    err.message);
		goto out;
	}
	hn_datetime_format(e->time, ts);
	body = hn_json_dump(e->body);
	printf("ok id=%s from=%s to=%s kind=%s time=%s in_reply_to=%s\n%s\n",
	    e->id, e->sender, e->recipient, e->kind, ts, e->in_reply_to,
	    body ? body : "");
	st = 0;
out:
	free(body);
	hn_envelope_free(e);
	hn_directory_free(d);
	hn_buf_release(&db);
	hn_buf_release(&eb);
	hn_buf_release(&vb);
	return st;
}

static const struct hn_cmd message_cmds[] = { { "seal", message_seal,
						  "sign an envelope by hand" },
	{ "open", message_open, "verify and show an envelope" },
	{ NULL, NULL, NULL } };

int
cmd_message(int argc, char **argv)
{
	return hn_cli_dispatch("message", message_cmds, argc - 1, argv + 1);
}
