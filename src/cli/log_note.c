/*
 * hanoinet log note sign|verify|keygen: C2SP signed notes with Ed25519 keys
 * in the encoding of Go's golang.org/x/mod/sumdb/note.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/log_int.h"
#include "crypto/sign.h"
#include "ledger/note.h"
#include "util/err.h"
#include "util/file.h"

static int
note_sign(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet log note sign --key KEYFILE NOTEFILE";
	const char *keyfile = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("key", &keyfile),
		HN_OPT_END };
	struct hn_buf key, text, out = HN_BUF_INIT(2 * HN_NOTE_MAX);
	struct hn_note_signer s;
	struct hn_error err;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	if ((r = log_read(keyfile, LOG_KEY_MAX, &key)) != 0)
		return r;
	r = hn_note_signer_parse(&s, key.data, key.len, &err);
	hn_buf_release_secret(&key);
	if (r != 0)
		return hn_cli_fail(2, "%s: %s", keyfile, err.message);
	if ((r = log_read(argv[1], HN_NOTE_MAX, &text)) != 0) {
		hn_note_signer_wipe(&s);
		return r;
	}
	if (hn_note_sign(&out, text.data, text.len, &s, 1, &err) != 0)
		r = hn_cli_fail(2, "%s: %s", argv[1], err.message);
	else
		fwrite(out.data, 1, out.len, stdout);
	hn_note_signer_wipe(&s);
	hn_buf_release(&text);
	hn_buf_release(&out);
	return r;
}

#define VKEYS_MAX 16

/* The verifier keys given (--vkey may be repeated: the note verifies
 * with any of them). */
struct vkeys {
	struct hn_note_verifier v[VKEYS_MAX];
	size_t n;
};

static int
add_vkey(void *ctx, const char *name, const char *value)
{
	struct vkeys *k = ctx;
	struct hn_error err;

	(void)name;
	if (k->n >= VKEYS_MAX)
		return hn_cli_usage("at most %d --vkey", VKEYS_MAX);
	if (hn_note_verifier_parse(&k->v[k->n], value, strlen(value), &err) !=
	    0)
		return hn_cli_usage("--vkey: %s", err.message);
	k->n++;
	return 0;
}

static int
note_verify(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet log note verify --vkey VERIFIERKEY NOTEFILE";
	struct vkeys k = { .n = 0 };
	const struct hn_cli_opt opts[] = {
		HN_OPT_EACH_REQ("vkey", add_vkey, &k), HN_OPT_END
	};
	const char *pos[1];
	size_t which;
	struct hn_buf msg;
	struct hn_error err;
	struct hn_note n;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	pos[0] = argv[1];
	if ((r = log_read(pos[0], HN_NOTE_MAX + 1, &msg)) != 0)
		return r;
	if ((r = hn_note_parse(&n, msg.data, msg.len, &err)) != 0) {
		hn_buf_release(&msg);
		return hn_cli_fail(1, "%s: not a valid signed note: %s", pos[0],
		    err.message);
	}
	r = hn_note_verify(&n, k.v, k.n, &which, &err);
	hn_note_release(&n);
	hn_buf_release(&msg);
	if (r != 0)
		return hn_cli_fail(1, "%s does not verify: %s", pos[0],
		    err.message);
	printf("ok\n");
	return 0;
}

static int
note_keygen(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet log note keygen NAME "
	    "[--out KEYFILE (default signing.key)] [--cosigner]";
	const char *out = "signing.key";
	int cosigner = 0;
	const struct hn_cli_opt opts[] = { HN_OPT("out", &out),
		HN_OPT_FLAG("cosigner", &cosigner), HN_OPT_END };
	struct hn_buf sk = HN_BUF_INIT(LOG_KEY_MAX), vk = HN_BUF_INIT(1024);
	struct hn_note_signer s;
	struct hn_note_verifier v;
	struct hn_error err;
	uint8_t type;
	int r, fd = -1;
	ssize_t w;

	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	type = cosigner ? HN_NOTE_COSIG_V1 : HN_NOTE_ED25519;
	if (hn_note_signer_generate(&s, argv[1], type, &err) != 0)
		return hn_cli_usage("%s", err.message);
	if ((r = hn_note_signer_format(&s, &sk)) != 0 ||
	    (r = hn_buf_adds(&sk, "\n")) != 0) {
		r = hn_cli_fail(2, "cannot format the key");
		goto done;
	}
	/* never overwrite a key: O_EXCL, mode 0600, then fsync */
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = hn_cli_fail(2, "cannot create %s: %s", out,
		    errno == EEXIST ? "it exists (keys are never overwritten)" :
				      strerror(errno));
		goto done;
	}
	w = write(fd, sk.data, sk.len);
	if (w != (ssize_t)sk.len || fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		unlink(out);
		r = hn_cli_fail(2, "cannot write %s", out);
		goto done;
	}
	fd = -1;
	(void)hn_fsync_parent(out);
	hn_note_signer_verifier(&s, &v);
	if ((r = hn_note_verifier_format(&v, &vk)) != 0) {
		r = hn_cli_fail(2, "cannot format the verifier key");
		goto done;
	}
	printf("%s\n", vk.data);
	r = 0;
done:
	if (fd >= 0)
		close(fd);
	hn_note_signer_wipe(&s);
	hn_buf_release_secret(&sk);
	hn_buf_release(&vk);
	return r;
}

static const struct hn_cmd note_cmds[] = {
	{ "sign", note_sign, "sign NOTEFILE's text with --key KEYFILE" },
	{ "verify", note_verify, "verify NOTEFILE with --vkey VERIFIERKEY" },
	{ "keygen", note_keygen,
	    "make a key NAME into --out KEYFILE, print its verifier key" },
	{ NULL, NULL, NULL }
};

int
log_cmd_note(int argc, char **argv)
{
	return hn_cli_dispatch("log note", note_cmds, argc - 1, argv + 1);
}
