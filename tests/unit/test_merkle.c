/*
 * Unit tests for src/ledger/merkle: every vector of
 * ../shared/testdata/merkle (valid ones verify, every wantErr one is
 * rejected), the RFC 6962 small trees, and generated proofs for all
 * (index, size) and (size1, size2) up to 70 leaves checked against the
 * verifiers, with tampered, truncated and extended proofs rejected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "ledger/merkle.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/err.h"
#include "util/file.h"
#include "util/json.h"

#define HL HN_MERKLE_HASH_LEN

static struct hn_sha256 sha;

static const char *
shared(void)
{
	const char *s = getenv("HN_SHARED");

	return s != NULL ? s : "../../shared";
}

/* An unsigned member read from the text (jansson stops at INT64_MAX). */
static uint64_t
u64m(const char *text, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(text, pat);
	assert_non_null(p);
	return strtoull(p + strlen(pat), NULL, 10);
}

static const char *cur_text;

/* Decodes base64 member key; returns length or -1 (bad or absent). */
static ssize_t
b64m(json_t *o, const char *key, uint8_t *out, size_t max)
{
	const char *s = hn_json_str(o, key);

	if (s == NULL)
		return -1;
	return hn_b64_decode(out, max, s, strlen(s));
}

/* Decodes proof[]: 0 on success, -1 if an element is not a 32-byte hash. */
static int
proofm(json_t *o, uint8_t (*p)[HL], size_t *n)
{
	json_t *a = json_object_get(o, "proof"), *v;
	size_t i;

	*n = 0;
	if (a == NULL || json_is_null(a))
		return 0;
	assert_true(json_is_array(a));
	if (json_array_size(a) > HN_MERKLE_PROOF_MAX)
		return -1;
	json_array_foreach(a, i, v)
	{
		const char *s = json_string_value(v);
		uint8_t tmp[64];
		if (s == NULL ||
		    hn_b64_decode(tmp, sizeof(tmp), s, strlen(s)) != HL)
			return -1;
		memcpy(p[i], tmp, HL);
	}
	*n = json_array_size(a);
	return 0;
}

static int
run_inclusion(json_t *o)
{
	uint8_t proof[HN_MERKLE_PROOF_MAX][HL], root[64], leaf[64];
	ssize_t rl, ll;
	size_t n;

	rl = b64m(o, "root", root, sizeof(root));
	ll = b64m(o, "leafHash", leaf, sizeof(leaf));
	if (rl < 0 || ll != HL || proofm(o, proof, &n) != 0)
		return HN_EPARSE;
	return hn_merkle_verify_inclusion(&sha, u64m(cur_text, "leafIdx"),
	    u64m(cur_text, "treeSize"), leaf, (const uint8_t(*)[HL])proof, n,
	    root, rl);
}

static int
run_consistency(json_t *o)
{
	uint8_t proof[HN_MERKLE_PROOF_MAX][HL], r1[64], r2[64];
	ssize_t l1, l2;
	size_t n;

	l1 = b64m(o, "root1", r1, sizeof(r1));
	l2 = b64m(o, "root2", r2, sizeof(r2));
	if (l1 < 0 || l2 < 0 || proofm(o, proof, &n) != 0)
		return HN_EPARSE;
	return hn_merkle_verify_consistency(&sha, u64m(cur_text, "size1"),
	    u64m(cur_text, "size2"), r1, l1, r2, l2,
	    (const uint8_t(*)[HL])proof, n);
}

/* Walks dir recursively; returns the number of vector files checked. */
static int
walk(const char *dir, int (*run)(json_t *), int *valid, int *invalid)
{
	char path[1024];
	struct dirent *e;
	DIR *d;
	int count = 0;

	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		struct hn_buf b = HN_BUF_INIT(1 << 16);
		json_t *o;
		int want, got;

		if (e->d_name[0] == '.')
			continue;
		assert_true(snprintf(path, sizeof(path), "%s/%s", dir,
				e->d_name) < (int)sizeof(path));
		if (strstr(e->d_name, ".json") == NULL) {
			if (e->d_type == DT_DIR)
				count += walk(path, run, valid, invalid);
			continue;
		}
		assert_int_equal(hn_file_read(path, &b), 0);
		o = json_loadb(b.data, b.len, JSON_DECODE_INT_AS_REAL, NULL);
		if (o == NULL)
			fail_msg("%s: does not parse", path);
		cur_text = b.data;
		want = json_is_true(json_object_get(o, "wantErr"));
		got = run(o);
		if (want && got == 0)
			fail_msg("%s: accepted, want an error", path);
		if (!want && got != 0)
			fail_msg("%s: rejected (%d), want ok", path, got);
		if (want)
			(*invalid)++;
		else
			(*valid)++;
		count++;
		json_decref(o);
		hn_buf_release(&b);
	}
	closedir(d);
	return count;
}

static void
test_vectors_inclusion(void **state)
{
	char dir[512];
	int v = 0, iv = 0;

	snprintf(dir, sizeof(dir), "%s/testdata/merkle/inclusion", shared());
	assert_true(walk(dir, run_inclusion, &v, &iv) > 50);
	assert_true(v >= 5);
	assert_true(iv >= 40);
}

static void
test_vectors_consistency(void **state)
{
	char dir[512];
	int v = 0, iv = 0;

	snprintf(dir, sizeof(dir), "%s/testdata/merkle/consistency", shared());
	assert_true(walk(dir, run_consistency, &v, &iv) > 50);
	assert_true(v >= 5);
	assert_true(iv >= 40);
}

/* The RFC 6962 leaves and roots, parsed from rfc6962-small-trees.txt. */
static uint8_t small_leaf[8][HL];
static uint8_t small_root[9][HL];

static void
load_small(void)
{
	struct hn_buf b = HN_BUF_INIT(1 << 16);
	char path[512], *line, *save = NULL;
	int nl = 0, nr = 0;

	snprintf(path, sizeof(path),
	    "%s/testdata/merkle/rfc6962-small-trees.txt", shared());
	assert_int_equal(hn_file_read(path, &b), 0);
	for (line = strtok_r(b.data, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		uint8_t raw[64];
		int i;
		char *sp;
		ssize_t n;

		if (line[0] == '#')
			continue;
		sp = strchr(line, ' ');
		assert_non_null(sp);
		i = (int)strtol(sp + 1, &sp, 10);
		while (*sp == ' ')
			sp++;
		n = hn_hex_decode(raw, sizeof(raw), sp, strlen(sp));
		assert_true(n >= 0);
		if (strncmp(line, "leaf", 4) == 0) {
			assert_int_equal(i, nl++);
			hn_merkle_leaf_hash(&sha, raw, n, small_leaf[i]);
		} else {
			assert_int_equal(n, HL);
			assert_int_equal(i, nr++);
			memcpy(small_root[i], raw, HL);
		}
	}
	assert_int_equal(nl, 8);
	assert_int_equal(nr, 9);
	hn_buf_release(&b);
}

static void
test_small_trees(void **state)
{
	struct hn_merkle_mem t;
	uint8_t r[HL];
	uint64_t n;

	load_small();
	for (n = 0; n <= 8; n++) {
		hn_merkle_root_of(&sha, (const uint8_t(*)[HL])small_leaf, n, r);
		assert_memory_equal(r, small_root[n], HL);
		assert_int_equal(hn_merkle_mem_build(&t, &sha,
				     (const uint8_t(*)[HL])small_leaf, n),
		    0);
		assert_int_equal(hn_merkle_root(hn_merkle_mem_get, &t, &sha, n,
				     r),
		    0);
		assert_memory_equal(r, small_root[n], HL);
		hn_merkle_mem_release(&t);
	}
}

#define NMAX 70

static void
test_generated_proofs(void **state)
{
	static uint8_t leaves[NMAX][HL], roots[NMAX + 1][HL];
	uint8_t proof[HN_MERKLE_PROOF_MAX + 1][HL], leaf[HL];
	struct hn_merkle_mem t;
	uint64_t i, m, n;
	size_t np, k;

	for (i = 0; i < NMAX; i++) {
		uint8_t raw[8];
		memcpy(raw, &i, sizeof(raw));
		hn_merkle_leaf_hash(&sha, raw, sizeof(raw), leaves[i]);
	}
	assert_int_equal(hn_merkle_mem_build(&t, &sha,
			     (const uint8_t(*)[HL])leaves, NMAX),
	    0);
	for (n = 0; n <= NMAX; n++)
		hn_merkle_root_of(&sha, (const uint8_t(*)[HL])leaves, n,
		    roots[n]);
	for (n = 1; n <= NMAX; n++) {
		for (m = 0; m < n; m++) {
			assert_int_equal(hn_merkle_inclusion_proof(hn_merkle_mem_get,
					     &t, &sha, m, n, proof,
					     HN_MERKLE_PROOF_MAX, &np),
			    0);
			assert_int_equal(np, hn_merkle_inclusion_len(m, n));
			assert_int_equal(hn_merkle_verify_inclusion(&sha, m, n,
					     leaves[m],
					     (const uint8_t(*)[HL])proof, np,
					     roots[n], HL),
			    0);
			/* wrong index, size, leaf, root; tampered/short/long */
			if (n < NMAX)
				assert_int_not_equal(
				    hn_merkle_verify_inclusion(&sha, m, n + 1,
					leaves[m], (const uint8_t(*)[HL])proof,
					np, roots[n + 1], HL),
				    0);
			if (n > 1)
				assert_int_not_equal(
				    hn_merkle_verify_inclusion(&sha,
					(m + 1) % n, n, leaves[m],
					(const uint8_t(*)[HL])proof, np,
					roots[n], HL),
				    0);
			memcpy(leaf, leaves[m], HL);
			leaf[0] ^= 1;
			assert_int_not_equal(hn_merkle_verify_inclusion(&sha, m,
						 n, leaf,
						 (const uint8_t(*)[HL])proof,
						 np, roots[n], HL),
			    0);
			assert_int_not_equal(hn_merkle_verify_inclusion(&sha, m,
						 n, leaves[m],
						 (const uint8_t(*)[HL])proof,
						 np, roots[n], HL - 1),
			    0);
			for (k = 0; k < np; k++) {
				proof[k][k % HL] ^= 0x80;
				assert_int_not_equal(
				    hn_merkle_verify_inclusion(&sha, m, n,
					leaves[m], (const uint8_t(*)[HL])proof,
					np, roots[n], HL),
				    0);
				proof[k][k % HL] ^= 0x80;
			}
			if (np > 0)
				assert_int_not_equal(
				    hn_merkle_verify_inclusion(&sha, m, n,
					leaves[m], (const uint8_t(*)[HL])proof,
					np - 1, roots[n], HL),
				    0);
			memcpy(proof[np], roots[n], HL);
			assert_int_not_equal(hn_merkle_verify_inclusion(&sha, m,
						 n, leaves[m],
						 (const uint8_t(*)[HL])proof,
						 np + 1, roots[n], HL),
			    0);
		}
		assert_int_equal(hn_merkle_inclusion_proof(hn_merkle_mem_get,
				     &t, &sha, n, n, proof, HN_MERKLE_PROOF_MAX,
				     &np),
		    HN_ERANGE);
	}
	for (n = 1; n <= NMAX; n++) {
		for (m = 1; m <= n; m++) {
			assert_int_equal(
			    hn_merkle_consistency_proof(hn_merkle_mem_get, &t,
				&sha, m, n, proof, HN_MERKLE_PROOF_MAX, &np),
			    0);
			assert_int_equal(np, hn_merkle_consistency_len(m, n));
			assert_int_equal(hn_merkle_verify_consistency(&sha, m,
					     n, roots[m], HL, roots[n], HL,
					     (const uint8_t(*)[HL])proof, np),
			    0);
			if (m == n)
				continue;
			assert_int_not_equal(hn_merkle_verify_consistency(&sha,
						 m, n, roots[n], HL, roots[m],
						 HL,
						 (const uint8_t(*)[HL])proof,
						 np),
			    0);
			if (n < NMAX)
				assert_int_not_equal(
				    hn_merkle_verify_consistency(&sha, m, n + 1,
					roots[m], HL, roots[n + 1], HL,
					(const uint8_t(*)[HL])proof, np),
				    0);
			for (k = 0; k < np; k++) {
				proof[k][31 - k % HL] ^= 0x01;
				assert_int_not_equal(
				    hn_merkle_verify_consistency(&sha, m, n,
					roots[m], HL, roots[n], HL,
					(const uint8_t(*)[HL])proof, np),
				    0);
				proof[k][31 - k % HL] ^= 0x01;
			}
			assert_int_not_equal(hn_merkle_verify_consistency(&sha,
						 m, n, roots[m], HL, roots[n],
						 HL,
						 (const uint8_t(*)[HL])proof,
						 np - 1),
			    0);
			memcpy(proof[np], roots[n], HL);
			assert_int_not_equal(hn_merkle_verify_consistency(&sha,
						 m, n, roots[m], HL, roots[n],
						 HL,
						 (const uint8_t(*)[HL])proof,
						 np + 1),
			    0);
		}
		assert_int_equal(hn_merkle_consistency_proof(hn_merkle_mem_get,
				     &t, &sha, 0, n, proof, HN_MERKLE_PROOF_MAX,
				     &np),
		    HN_ERANGE);
		assert_int_equal(hn_merkle_consistency_proof(hn_merkle_mem_get,
				     &t, &sha, n + 1, n, proof,
				     HN_MERKLE_PROOF_MAX, &np),
		    HN_ERANGE);
	}
	/* A proof buffer that is too small is an error, not an overflow. */
	assert_int_equal(hn_merkle_inclusion_proof(hn_merkle_mem_get, &t, &sha,
			     0, NMAX, proof, 2, &np),
	    HN_ETOOBIG);
	/* Huge sizes: verification rejects without reading past the proof. */
	assert_int_not_equal(hn_merkle_verify_inclusion(&sha, UINT64_MAX - 1,
				 UINT64_MAX, leaves[0],
				 (const uint8_t(*)[HL])proof, 3, roots[1], HL),
	    0);
	assert_int_not_equal(hn_merkle_verify_consistency(&sha, 1, UINT64_MAX,
				 roots[1], HL, roots[2], HL,
				 (const uint8_t(*)[HL])proof, 64),
	    0);
	assert_int_equal(hn_merkle_inclusion_len(UINT64_MAX - 1, UINT64_MAX),
	    63);
	hn_merkle_mem_release(&t);
}

static int
setup(void **state)
{
	return hn_sha256_init(&sha);
}

static int
teardown(void **state)
{
	hn_sha256_release(&sha);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_inclusion),
		cmocka_unit_test(test_vectors_consistency),
		cmocka_unit_test(test_small_trees),
		cmocka_unit_test(test_generated_proofs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
