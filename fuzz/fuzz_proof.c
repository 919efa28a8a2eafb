/*
 * fuzz_proof: the RFC 9162 inclusion and consistency proof verifiers, on
 * arbitrary sizes and hashes, and against a real tree of up to 100 leaves:
 * a proof that verifies against the real roots must be the one the tree
 * generates (anything else would be a SHA-256 collision, i.e. a bug).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/merkle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LEAVES 100

static uint64_t
u64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hn_sha256 h;
	static struct hn_merkle_mem t;
	static uint8_t leaves[LEAVES][32], roots[LEAVES + 1][32];
	static int init;
	uint8_t proof[HN_MERKLE_PROOF_MAX][32], gen[HN_MERKLE_PROOF_MAX][32];
	uint64_t a, b;
	size_t n, ng, i;
	int mode;

	if (!init) {
		if (hn_sha256_init(&h) != 0)
			abort();
		for (i = 0; i < LEAVES; i++) {
			uint8_t x = (uint8_t)i;
			hn_merkle_leaf_hash(&h, &x, 1, leaves[i]);
		}
		for (i = 0; i <= LEAVES; i++)
			hn_merkle_root_of(&h, (const uint8_t(*)[32])leaves, i,
			    roots[i]);
		if (hn_merkle_mem_build(&t, &h, (const uint8_t(*)[32])leaves,
			LEAVES) != 0)
			abort();
		init = 1;
	}
	if (size < 17)
		return 0;
	mode = data[0];
	a = u64(data + 1);
	b = u64(data + 9);
	data += 17;
	size -= 17;
	n = size / 32;
	if (n > HN_MERKLE_PROOF_MAX)
		n = HN_MERKLE_PROOF_MAX;
	memcpy(proof, data, n * 32);

	if (mode & 1) { /* small sizes against the real tree */
		a %= LEAVES + 1;
		b %= LEAVES + 1;
	}
	if (mode & 2) {
		/* inclusion of leaf a in tree b */
		const uint8_t *leaf = a < LEAVES ? leaves[a] : leaves[0];
		const uint8_t *root = b <= LEAVES ? roots[b] : roots[0];
		if (hn_merkle_verify_inclusion(&h, a, b, leaf,
			(const uint8_t(*)[32])proof, n, root, 32) == 0) {
			if (a >= b || b > LEAVES)
				abort();
			if (hn_merkle_inclusion_proof(hn_merkle_mem_get, &t, &h,
				a, b, gen, HN_MERKLE_PROOF_MAX, &ng) != 0 ||
			    ng != n || memcmp(gen, proof, n * 32) != 0)
				abort();
		}
	} else {
		/* consistency from a to b */
		const uint8_t *r1 = a <= LEAVES ? roots[a] : roots[0];
		const uint8_t *r2 = b <= LEAVES ? roots[b] : roots[0];
		if (hn_merkle_verify_consistency(&h, a, b, r1, 32, r2, 32,
			(const uint8_t(*)[32])proof, n) == 0) {
			/* equal sizes: equal roots and no proof, any size */
			if (a == b && a != 0 && n == 0 &&
			    memcmp(r1, r2, 32) == 0)
				return 0;
			if (a == 0 || a > b || b > LEAVES)
				abort();
			if (hn_merkle_consistency_proof(hn_merkle_mem_get, &t,
				&h, a, b, gen, HN_MERKLE_PROOF_MAX, &ng) != 0 ||
			    ng != n || memcmp(gen, proof, n * 32) != 0)
				abort();
		}
	}
	return 0;
}
