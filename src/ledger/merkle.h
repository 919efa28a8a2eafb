/*
 * merkle.h - RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256: leaf and
 * node hashes, the tree hash of a list, inclusion and consistency proofs
 * (generation and verification).
 *
 * Proof generation reads the tree through a callback that returns the hash
 * of one *perfect* subtree (2^level leaves starting at leaf index << level),
 * so the same code works over a list in memory (struct hn_merkle_mem) and
 * over storage (store/ledger.c reads tlog tiles). Generation makes O(log n)
 * callback calls.
 *
 * Verification follows RFC 9162 2.1.3.2 and 2.1.4.2 exactly and is stricter
 * than RFC 6962 in one point: a consistency proof from an empty tree
 * (size1 == 0) is rejected, since it proves nothing. Roots are given as byte
 * strings with a length: RFC 9162 compares them as opaque strings when
 * size1 == size2, and a root of the wrong length never matches a computed
 * hash. Verifiers return 0 or HN_EVERIFY (HN_EINVAL for impossible
 * arguments such as index >= size or a proof longer than HN_MERKLE_PROOF_MAX).
 */
#ifndef HN_LEDGER_MERKLE_H
#define HN_LEDGER_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sha256.h"

#define HN_MERKLE_HASH_LEN 32
/* No proof for a tree of fewer than 2^64 leaves is longer than this. */
#define HN_MERKLE_PROOF_MAX 128

/* SHA-256(0x00 || leaf); h is a reusable context (reset here). */
void hn_merkle_leaf_hash(struct hn_sha256 *h, const void *leaf, size_t len,
    uint8_t out[HN_MERKLE_HASH_LEN]);
/* SHA-256(0x01 || left || right); out may alias left or right. */
void hn_merkle_node_hash(struct hn_sha256 *h,
    const uint8_t left[HN_MERKLE_HASH_LEN],
    const uint8_t right[HN_MERKLE_HASH_LEN], uint8_t out[HN_MERKLE_HASH_LEN]);
/* SHA-256 of the empty string: the tree hash of the empty tree. */
void hn_merkle_empty_root(uint8_t out[HN_MERKLE_HASH_LEN]);

/*
 * Tree hash of n leaf hashes in O(n) time and O(log n) memory. n == 0 gives
 * the empty root.
 */
void hn_merkle_root_of(struct hn_sha256 *h,
    const uint8_t (*leaves)[HN_MERKLE_HASH_LEN], uint64_t n,
    uint8_t out[HN_MERKLE_HASH_LEN]);

/*
 * Returns (0) in out the hash of the perfect subtree of height `level` whose
 * leaves are [index << level, (index + 1) << level), or a negative HN_E*
 * code (which aborts the proof).
 */
typedef int (*hn_merkle_get_fn)(void *arg, unsigned level, uint64_t index,
    uint8_t out[HN_MERKLE_HASH_LEN]);

/* MTH(D[0:size]) read through get (the empty root for size 0). */
int hn_merkle_root(hn_merkle_get_fn get, void *arg, struct hn_sha256 *h,
    uint64_t size, uint8_t out[HN_MERKLE_HASH_LEN]);

/*
 * PATH(index, D[0:size]) (RFC 9162 2.1.3.1) into proof[0..*n), at most max
 * hashes. HN_ERANGE if index >= size, HN_ETOOBIG if max is too small.
 */
int hn_merkle_inclusion_proof(hn_merkle_get_fn get, void *arg,
    struct hn_sha256 *h, uint64_t index, uint64_t size,
    uint8_t (*proof)[HN_MERKLE_HASH_LEN], size_t max, size_t *n);

/*
 * PROOF(size1, D[0:size2]) (RFC 9162 2.1.4.1). HN_ERANGE unless
 * 0 < size1 <= size2. size1 == size2 gives an empty proof.
 */
int hn_merkle_consistency_proof(hn_merkle_get_fn get, void *arg,
    struct hn_sha256 *h, uint64_t size1, uint64_t size2,
    uint8_t (*proof)[HN_MERKLE_HASH_LEN], size_t max, size_t *n);

/* Number of hashes in an inclusion / consistency proof for these sizes. */
size_t hn_merkle_inclusion_len(uint64_t index, uint64_t size);
size_t hn_merkle_consistency_len(uint64_t size1, uint64_t size2);

int hn_merkle_verify_inclusion(struct hn_sha256 *h, uint64_t index,
    uint64_t size, const uint8_t leaf_hash[HN_MERKLE_HASH_LEN],
    const uint8_t (*proof)[HN_MERKLE_HASH_LEN], size_t n, const uint8_t *root,
    size_t root_len) __attribute__((warn_unused_result));

int hn_merkle_verify_consistency(struct hn_sha256 *h, uint64_t size1,
    uint64_t size2, const uint8_t *root1, size_t root1_len,
    const uint8_t *root2, size_t root2_len,
    const uint8_t (*proof)[HN_MERKLE_HASH_LEN], size_t n)
    __attribute__((warn_unused_result));

/*
 * A whole tree in memory (every level), for the command line and tests.
 * Build from leaf hashes (copied); hn_merkle_mem_get is its callback.
 */
struct hn_merkle_mem {
	uint8_t (*level[65])[HN_MERKLE_HASH_LEN];
	uint64_t count[65];
	unsigned nlevels;
	uint64_t size;
};

int hn_merkle_mem_build(struct hn_merkle_mem *t, struct hn_sha256 *h,
    const uint8_t (*leaves)[HN_MERKLE_HASH_LEN], uint64_t n)
    __attribute__((warn_unused_result));
int hn_merkle_mem_get(void *t, unsigned level, uint64_t index,
    uint8_t out[HN_MERKLE_HASH_LEN]);
void hn_merkle_mem_release(struct hn_merkle_mem *t);

#endif
