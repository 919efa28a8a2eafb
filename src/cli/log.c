/*
 * hanoinet log: the audit ledger from the command line. Offline tools over
 * plain leaves and proofs (merkle, verify-inclusion, verify-consistency,
 * note) and tools over a node's data directory (checkpoint, prove, verify).
 * Exit status: 0 ok, 1 does not verify, 2 usage, unreadable or bad input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/log_int.h"
#include "crypto/sign.h"
#include "util/encode.h"
#include "util/err.h"
#include "util/file.h"

int
log_u64(const char *s, const char *what, uint64_t *v)
{
	char *end;

	if (s == NULL)
		return hn_cli_usage("missing %s", what);
	errno = 0;
	if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1] != '\0'))
		goto bad;
	*v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		goto bad;
	return 0;
bad:
	return hn_cli_usage("%s '%s' is not a decimal number", what, s);
}

int
log_hash(const char *s, const char *what, uint8_t out[32])
{
	if (s == NULL)
		return hn_cli_usage("missing %s", what);
	if (strlen(s) != 64 || hn_hex_decode(out, 32, s, 64) != 32)
		return hn_cli_usage("%s must be 64 hex digits (a SHA-256 hash)",
		    what);
	return 0;
}

int
log_read(const char *path, size_t max, struct hn_buf *out)
{
	int r;

	hn_buf_init(out, max);
	if ((r = hn_file_read(path, out)) != 0) {
		hn_buf_release(out);
		return hn_cli_usage("cannot read %s: %s", path,
		    r == HN_ETOOBIG ? "too large" : hn_strerror(r));
	}
	return 0;
}

int
log_leaves(const char *path, struct hn_sha256 *h, uint8_t (**out)[32],
    uint64_t *n)
{
	struct hn_buf b;
	uint8_t(*hs)[32] = NULL, *raw = NULL;
	size_t count = 0, i, pos, line = 0;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = log_read(path, LOG_FILE_MAX, &b)) != 0)
		return r;
	for (i = 0; i < b.len; i++)
		count += b.data[i] == '\n';
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		count++;
	if ((hs = calloc(count ? count : 1, 32)) == NULL ||
	    (raw = malloc(b.len / 2 + 1)) == NULL) {
		r = hn_cli_fail(2, "out of memory");
		goto out;
	}
	for (pos = 0; pos < b.len; line++) {
		const char *s = b.data + pos, *nl;
		size_t len;
		ssize_t k;

		nl = memchr(s, '\n', b.len - pos);
		len = nl != NULL ? (size_t)(nl - s) : b.len - pos;
		k = hn_hex_decode(raw, b.len / 2 + 1, s, len);
		if (k < 0) {
			r = hn_cli_fail(2, "%s:%zu: a leaf must be hex bytes",
			    path, line + 1);
			goto out;
		}
		hn_merkle_leaf_hash(h, raw, (size_t)k, hs[line]);
		pos += len + 1;
	}
	*out = hs;
	*n = line;
	hs = NULL;
	r = 0;
out:
	free(hs);
	free(raw);
	hn_buf_release(&b);
	return r;
}

int
log_proof(const char *path, uint8_t (*proof)[32], size_t *n)
{
	struct hn_buf b;
	size_t pos = 0, k = 0;
	int r;

	*n = 0;
	if ((r = log_read(path, 1 << 20, &b)) != 0)
		return r;
	while (pos < b.len) {
		const char *s = b.data + pos, *nl;
		size_t len;

		nl = memchr(s, '\n', b.len - pos);
		len = nl != NULL ? (size_t)(nl - s) : b.len - pos;
		if (k >= HN_MERKLE_PROOF_MAX) {
			r = hn_cli_fail(2, "%s: more than %d hashes", path,
			    HN_MERKLE_PROOF_MAX);
			goto out;
		}
		if (len != 64 || hn_hex_decode(proof[k], 32, s, len) != 32) {
			r = hn_cli_fail(2, "%s:%zu: not a 64-hex-digit hash",
			    path, k + 1);
			goto out;
		}
		k++;
		pos += len + 1;
	}
	*n = k;
out:
	hn_buf_release(&b);
	return r;
}

void
log_print_hash(const uint8_t h[32])
{
	char hex[65];

	hn_hex_encode(hex, h, 32);
	puts(hex);
}

void
log_print_proof(const uint8_t (*proof)[32], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		log_print_hash(proof[i]);
}

static int
cmd_verify_inclusion(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet log verify-inclusion --size N "
	    "--index I --leaf-hash HEX --root HEX PROOFFILE";
	const char *size_s = NULL, *index_s = NULL, *leaf_s = NULL;
	const char *root_s = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT("size", &size_s),
		HN_OPT("index", &index_s), HN_OPT("leaf-hash", &leaf_s),
		HN_OPT("root", &root_s), HN_OPT_END };
	uint8_t proof[HN_MERKLE_PROOF_MAX][32], leaf[32], root[32];
	struct hn_sha256 h;
	uint64_t size, index;
	size_t n;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
		HN_CLI_GO ||
	    (r = log_u64(size_s, "--size", &size)) != 0 ||
	    (r = log_u64(index_s, "--index", &index)) != 0 ||
	    (r = log_hash(leaf_s, "--leaf-hash", leaf)) != 0 ||
	    (r = log_hash(root_s, "--root", root)) != 0 ||
	    (r = log_proof(argv[1], proof, &n)) != 0)
		return r;
	if (index >= size)
		return hn_cli_fail(1, "index %s is not below size %s", index_s,
		    size_s);
	if (hn_sha256_init(&h) != 0)
		return hn_cli_fail(2, "cannot initialise SHA-256");
	r = hn_merkle_verify_inclusion(&h, index, size, leaf,
	    (const uint8_t(*)[32])proof, n, root, 32);
	hn_sha256_release(&h);
	if (r != 0)
		return hn_cli_fail(1,
		    "inclusion proof does not verify: leaf %s "
		    "is not at index %s of the tree of size %s with that root "
		    "(%zu proof hashes, expected %zu)",
		    leaf_s, index_s, size_s, n,
		    hn_merkle_inclusion_len(index, size));
	puts("ok");
	return 0;
}

static int
cmd_verify_consistency(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet log verify-consistency --size1 A "
	    "--size2 B --root1 HEX --root2 HEX PROOFFILE";
	const char *s1_s = NULL, *s2_s = NULL, *r1_s = NULL, *r2_s = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT("size1", &s1_s),
		HN_OPT("size2", &s2_s), HN_OPT("root1", &r1_s),
		HN_OPT("root2", &r2_s), HN_OPT_END };
	uint8_t proof[HN_MERKLE_PROOF_MAX][32], r1[32], r2[32];
	struct hn_sha256 h;
	uint64_t s1, s2;
	size_t n;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
		HN_CLI_GO ||
	    (r = log_u64(s1_s, "--size1", &s1)) != 0 ||
	    (r = log_u64(s2_s, "--size2", &s2)) != 0 ||
	    (r = log_hash(r1_s, "--root1", r1)) != 0 ||
	    (r = log_hash(r2_s, "--root2", r2)) != 0 ||
	    (r = log_proof(argv[1], proof, &n)) != 0)
		return r;
	if (s1 == 0)
		return hn_cli_fail(1,
		    "a consistency proof from the empty tree "
		    "(size1 0) proves nothing");
	if (s1 > s2)
		return hn_cli_fail(1, "size1 %s is larger than size2 %s", s1_s,
		    s2_s);
	if (hn_sha256_init(&h) != 0)
		return hn_cli_fail(2, "cannot initialise SHA-256");
	r = hn_merkle_verify_consistency(&h, s1, s2, r1, 32, r2, 32,
	    (const uint8_t(*)[32])proof, n);
	hn_sha256_release(&h);
	if (r != 0)
		return hn_cli_fail(1,
		    "consistency proof does not verify: the "
		    "tree of size %s with root2 does not extend the tree of "
		    "size %s with root1 (%zu proof hashes, expected %zu)",
		    s2_s, s1_s, n, hn_merkle_consistency_len(s1, s2));
	puts("ok");
	return 0;
}

static const struct hn_cmd log_cmds[] = {
	{ "merkle", log_cmd_merkle,
	    "root|checkpoint|inclusion|consistency over a file of leaves" },
	{ "verify-inclusion", cmd_verify_inclusion,
	    "check an inclusion proof (offline)" },
	{ "verify-consistency", cmd_verify_consistency,
	    "check a consistency proof (offline)" },
	{ "note", log_cmd_note, "sign|verify|keygen C2SP signed notes" },
	{ "checkpoint", log_cmd_checkpoint,
	    "print the node's signed checkpoint [--dir DIR]" },
	{ "prove", log_cmd_prove,
	    "inclusion proof of an entry of the node's log [--dir DIR]" },
	{ "verify", log_cmd_verify,
	    "audit the node's log [--dir DIR] or an export [--tiles DIR]" },
	{ "export", log_cmd_export,
	    "write checkpoint + tlog tiles as static files [--dir DIR] OUT" },
	{ "append", log_cmd_append,
	    "record each line of FILE as an entry [--dir DIR]" },
	{ NULL, NULL, NULL }
};

int
cmd_log(int argc, char **argv)
{
	if (hn_crypto_init() != 0)
		return hn_cli_fail(2, "cannot initialise the crypto library");
	return hn_cli_dispatch("log", log_cmds, argc - 1, argv + 1);
}
