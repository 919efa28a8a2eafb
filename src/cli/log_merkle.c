/*
 * hanoinet log merkle root|checkpoint|inclusion|consistency: the tree of the
 * leaves of a file (one leaf per line as hex), computed in memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/log_int.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "util/err.h"

/* Reads the leaves of path and builds the whole tree. 0 or 2. */
static int
load_tree(const char *path, struct hn_sha256 *h, struct hn_merkle_mem *t)
{
	uint8_t(*leaves)[32] = NULL;
	uint64_t n;
	int r;

	memset(t, 0, sizeof(*t));
	if (hn_sha256_init(h) != 0)
		return hn_cli_fail(2, "cannot initialise SHA-256");
	if ((r = log_leaves(path, h, &leaves, &n)) != 0)
		goto fail;
	if (hn_merkle_mem_build(t, h, (const uint8_t(*)[32])leaves, n) != 0) {
		r = hn_cli_fail(2, "out of memory");
		goto fail;
	}
	free(leaves);
	return 0;
fail:
	free(leaves);
	hn_sha256_release(h);
	return r;
}

static void
free_tree(struct hn_sha256 *h, struct hn_merkle_mem *t)
{
	hn_merkle_mem_release(t);
	hn_sha256_release(h);
}

static int
merkle_root(int argc, char **argv)
{
	static const char usage[] = "hanoinet log merkle root FILE";
	struct hn_merkle_mem t;
	struct hn_sha256 h;
	uint8_t root[32];
	int r;

	if ((r = hn_cli_args(argc, argv, NULL, 1, 1, usage, NULL)) !=
		HN_CLI_GO ||
	    (r = load_tree(argv[1], &h, &t)) != 0)
		return r;
	r = hn_merkle_root(hn_merkle_mem_get, &t, &h, t.size, root);
	free_tree(&h, &t);
	if (r != 0)
		return hn_cli_fail(2, "cannot compute the root: %s",
		    hn_strerror(r));
	log_print_hash(root);
	return 0;
}

static int
merkle_checkpoint(int argc, char **argv)
{
	static const char usage[] = "hanoinet log merkle checkpoint --origin "
				    "ORIGIN --key KEYFILE FILE";
	const char *origin = NULL, *keyfile = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("origin", &origin),
		HN_OPT_REQ("key", &keyfile), HN_OPT_END };
	struct hn_buf key, body = HN_BUF_INIT(8192), note = HN_BUF_INIT(8192);
	struct hn_note_signer s;
	struct hn_checkpoint c;
	struct hn_merkle_mem t;
	struct hn_sha256 h;
	struct hn_error err;
	int r;

	memset(&s, 0, sizeof(s));
	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	if (strlen(origin) == 0 || strlen(origin) > HN_ORIGIN_MAX ||
	    strchr(origin, '\n') != NULL)
		return hn_cli_usage("the origin must be one non-empty line of "
				    "at most %d bytes",
		    HN_ORIGIN_MAX);
	if ((r = log_read(keyfile, LOG_KEY_MAX, &key)) != 0)
		return r;
	r = hn_note_signer_parse(&s, key.data, key.len, &err);
	hn_buf_release_secret(&key);
	if (r != 0)
		return hn_cli_fail(2, "%s: %s", keyfile, err.message);
	if (s.type != HN_NOTE_ED25519) {
		hn_note_signer_wipe(&s);
		return hn_cli_fail(2, "%s: not an Ed25519 note key", keyfile);
	}
	if ((r = load_tree(argv[1], &h, &t)) != 0) {
		hn_note_signer_wipe(&s);
		return r;
	}
	memset(&c, 0, sizeof(c));
	memcpy(c.origin, origin, strlen(origin));
	c.size = t.size;
	if ((r = hn_merkle_root(hn_merkle_mem_get, &t, &h, t.size, c.root)) ||
	    (r = hn_checkpoint_format(&c, &body)) != 0 ||
	    (r = hn_note_sign(&note, body.data, body.len, &s, 1, &err)) != 0)
		r = hn_cli_fail(2, "cannot make the checkpoint: %s",
		    hn_strerror(r));
	else
		fwrite(note.data, 1, note.len, stdout);
	free_tree(&h, &t);
	hn_note_signer_wipe(&s);
	hn_buf_release(&body);
	hn_buf_release(&note);
	return r;
}

static int
merkle_inclusion(int argc, char **argv)
{
	static const char usage[] = "hanoinet log merkle inclusion FILE INDEX";
	uint8_t proof[HN_MERKLE_PROOF_MAX][32];
	struct hn_merkle_mem t;
	struct hn_sha256 h;
	uint64_t index;
	size_t n;
	int r;

	if ((r = hn_cli_args(argc, argv, NULL, 2, 2, usage, NULL)) !=
		HN_CLI_GO ||
	    (r = log_u64(argv[2], "INDEX", &index)) != 0 ||
	    (r = load_tree(argv[1], &h, &t)) != 0)
		return r;
	if (index >= t.size) {
		r = hn_cli_fail(2,
		    "index %s is out of range: %s has %llu "
		    "leaves",
		    argv[2], argv[1], (unsigned long long)t.size);
	} else if ((r = hn_merkle_inclusion_proof(hn_merkle_mem_get, &t, &h,
			index, t.size, proof, HN_MERKLE_PROOF_MAX, &n)) != 0) {
		r = hn_cli_fail(2, "cannot make the proof: %s", hn_strerror(r));
	} else {
		log_print_proof((const uint8_t(*)[32])proof, n);
	}
	free_tree(&h, &t);
	return r;
}

static int
merkle_consistency(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet log merkle consistency FILE SIZE1";
	uint8_t proof[HN_MERKLE_PROOF_MAX][32];
	struct hn_merkle_mem t;
	struct hn_sha256 h;
	uint64_t size1;
	size_t n;
	int r;

	if ((r = hn_cli_args(argc, argv, NULL, 2, 2, usage, NULL)) !=
		HN_CLI_GO ||
	    (r = log_u64(argv[2], "SIZE1", &size1)) != 0 ||
	    (r = load_tree(argv[1], &h, &t)) != 0)
		return r;
	if (size1 == 0 || size1 > t.size) {
		r = hn_cli_fail(2,
		    "SIZE1 %s is out of range: it must be "
		    "between 1 and the %llu leaves of %s",
		    argv[2], (unsigned long long)t.size, argv[1]);
	} else if ((r = hn_merkle_consistency_proof(hn_merkle_mem_get, &t, &h,
			size1, t.size, proof, HN_MERKLE_PROOF_MAX, &n)) != 0) {
		r = hn_cli_fail(2, "cannot make the proof: %s", hn_strerror(r));
	} else {
		log_print_proof((const uint8_t(*)[32])proof, n);
	}
	free_tree(&h, &t);
	return r;
}

static const struct hn_cmd merkle_cmds[] = { { "root", merkle_root,
						 "tree hash of FILE's leaves" },
	{ "checkpoint", merkle_checkpoint,
	    "signed checkpoint of FILE's leaves (--origin, --key)" },
	{ "inclusion", merkle_inclusion, "inclusion proof: FILE INDEX" },
	{ "consistency", merkle_consistency,
	    "consistency proof: FILE SIZE1 (to all of FILE)" },
	{ NULL, NULL, NULL } };

int
log_cmd_merkle(int argc, char **argv)
{
	return hn_cli_dispatch("log merkle", merkle_cmds, argc - 1, argv + 1);
}
