#include "ledger/merkle.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "util/err.h"

#define HL HN_MERKLE_HASH_LEN

void
hn_merkle_leaf_hash(struct hn_sha256 *h, const void *leaf, size_t len,
    uint8_t out[HL])
{
	static const uint8_t zero = 0x00;

	assert(h != NULL && out != NULL && (leaf != NULL || len == 0));
	hn_sha256_reset(h);
	hn_sha256_update(h, &zero, 1);
	hn_sha256_update(h, leaf, len);
	hn_sha256_final(h, out);
}

void
hn_merkle_node_hash(struct hn_sha256 *h, const uint8_t left[HL],
    const uint8_t right[HL], uint8_t out[HL])
{
	uint8_t buf[1 + 2 * HL];

	assert(h != NULL && left != NULL && right != NULL && out != NULL);
	buf[0] = 0x01;
	memcpy(buf + 1, left, HL);
	memcpy(buf + 1 + HL, right, HL);
	hn_sha256_reset(h);
	hn_sha256_update(h, buf, sizeof(buf));
	hn_sha256_final(h, out);
}

void
hn_merkle_empty_root(uint8_t out[HL])
{
	hn_sha256("", 0, out);
}

void
hn_merkle_root_of(struct hn_sha256 *h, const uint8_t (*leaves)[HL], uint64_t n,
    uint8_t out[HL])
{
	uint8_t stack[65][HL];
	unsigned height[65];
	unsigned top = 0;
	uint64_t i;

	if (n == 0) {
		hn_merkle_empty_root(out);
		return;
	}
	/* A compact range: perfect subtrees of strictly decreasing height. */
	for (i = 0; i < n; i++) {
		/* a compact range of i + 1 < 2^64 leaves: at most 64 entries */
		assert(top < 65);
		memcpy(stack[top], leaves[i], HL);
		height[top++] = 0;
		while (top >= 2 && height[top - 1] == height[top - 2]) {
			hn_merkle_node_hash(h, stack[top - 2], stack[top - 1],
			    stack[top - 2]);
			height[top - 2]++;
			top--;
		}
	}
	while (top >= 2) {
		hn_merkle_node_hash(h, stack[top - 2], stack[top - 1],
		    stack[top - 2]);
		top--;
	}
	memcpy(out, stack[0], HL);
}

/* Largest power of two strictly smaller than n (n >= 2). */
static uint64_t
split(uint64_t n)
{
	uint64_t k = 1;

	assert(n >= 2);
	while (k < n - k) /* 2k < n without overflow */
		k <<= 1;
	return k;
}

static int
is_pow2(uint64_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static unsigned
log2_exact(uint64_t n)
{
	unsigned l = 0;

	while ((UINT64_C(1) << l) < n)
		l++;
	return l;
}

/*
 * MTH(D[lo:hi]) for a range that occurs in the RFC recursion: lo is a
 * multiple of the smallest power of two >= hi - lo.
 */
static int
range_hash(hn_merkle_get_fn get, void *arg, struct hn_sha256 *h, uint64_t lo,
    uint64_t hi, uint8_t out[HL])
{
	uint8_t l[HL], r[HL];
	uint64_t n = hi - lo, k;
	unsigned lv;
	int ret;

	assert(hi > lo);
	if (is_pow2(n)) {
		lv = log2_exact(n);
		/* the RFC recursion only asks aligned perfect subtrees */
		assert((lo & (n - 1)) == 0);
		if ((lo & (n - 1)) != 0)
			return HN_EINTERNAL;
		return get(arg, lv, lo >> lv, out);
	}
	k = split(n);
	if ((ret = range_hash(get, arg, h, lo, lo + k, l)) != 0 ||
	    (ret = range_hash(get, arg, h, lo + k, hi, r)) != 0)
		return ret;
	hn_merkle_node_hash(h, l, r, out);
	return 0;
}

int
hn_merkle_root(hn_merkle_get_fn get, void *arg, struct hn_sha256 *h,
    uint64_t size, uint8_t out[HL])
{
	assert(get != NULL && h != NULL);
	if (size == 0) {
		hn_merkle_empty_root(out);
		return 0;
	}
	return range_hash(get, arg, h, 0, size, out);
}

struct proof {
	hn_merkle_get_fn get; /* NULL: only count */
	void *arg;
	struct hn_sha256 *h;
	uint8_t (*out)[HL];
	size_t max, n;
};

static int
emit(struct proof *p, uint64_t lo, uint64_t hi)
{
	assert(hi > lo && p->n <= p->max);
	if (p->n >= p->max)
		return HN_ETOOBIG;
	if (p->get != NULL) {
		int r = range_hash(p->get, p->arg, p->h, lo, hi, p->out[p->n]);
		if (r != 0)
			return r;
	}
	p->n++;
	return 0;
}

/* PATH(m, D[lo:hi]): deepest sibling first. */
static int
path(struct proof *p, uint64_t m, uint64_t lo, uint64_t hi)
{
	uint64_t k;
	int r;

	if (hi - lo <= 1)
		return 0;
	k = split(hi - lo);
	if (m < k) {
		if ((r = path(p, m, lo, lo + k)) != 0)
			return r;
		return emit(p, lo + k, hi);
	}
	if ((r = path(p, m - k, lo + k, hi)) != 0)
		return r;
	return emit(p, lo, lo + k);
}

/* SUBPROOF(m, D[lo:hi], b). */
static int
subproof(struct proof *p, uint64_t m, uint64_t lo, uint64_t hi, int b)
{
	uint64_t n = hi - lo, k;
	int r;

	if (m == n)
		return b ? 0 : emit(p, lo, hi);
	k = split(n);
	if (m <= k) {
		if ((r = subproof(p, m, lo, lo + k, b)) != 0)
			return r;
		return emit(p, lo + k, hi);
	}
	if ((r = subproof(p, m - k, lo + k, hi, 0)) != 0)
		return r;
	return emit(p, lo, lo + k);
}

int
hn_merkle_inclusion_proof(hn_merkle_get_fn get, void *arg, struct hn_sha256 *h,
    uint64_t index, uint64_t size, uint8_t (*proof)[HL], size_t max, size_t *n)
{
	struct proof p = { get, arg, h, proof, max, 0 };
	int r;

	assert(get != NULL && h != NULL && (proof != NULL || max == 0));
	*n = 0;
	if (index >= size)
		return HN_ERANGE;
	if ((r = path(&p, index, 0, size)) != 0)
		return r;
	*n = p.n;
	return 0;
}

int
hn_merkle_consistency_proof(hn_merkle_get_fn get, void *arg,
    struct hn_sha256 *h, uint64_t size1, uint64_t size2, uint8_t (*proof)[HL],
    size_t max, size_t *n)
{
	struct proof p = { get, arg, h, proof, max, 0 };
	int r;

	assert(get != NULL && h != NULL && (proof != NULL || max == 0));
	*n = 0;
	if (size1 == 0 || size1 > size2)
		return HN_ERANGE;
	if (size1 == size2)
		return 0;
	if ((r = subproof(&p, size1, 0, size2, 1)) != 0)
		return r;
	*n = p.n;
	return 0;
}

size_t
hn_merkle_inclusion_len(uint64_t index, uint64_t size)
{
	struct proof p = { NULL, NULL, NULL, NULL, SIZE_MAX, 0 };

	if (index >= size)
		return 0;
	(void)path(&p, index, 0, size);
	return p.n;
}

size_t
hn_merkle_consistency_len(uint64_t size1, uint64_t size2)
{
	struct proof p = { NULL, NULL, NULL, NULL, SIZE_MAX, 0 };

	if (size1 == 0 || size1 >= size2)
		return 0;
	(void)subproof(&p, size1, 0, size2, 1);
	return p.n;
}

static int
root_eq(const uint8_t a[HL], const uint8_t *root, size_t root_len)
{
	return root_len == HL && hn_memeq_ct(a, root, HL) == 0;
}

int
hn_merkle_verify_inclusion(struct hn_sha256 *h, uint64_t index, uint64_t size,
    const uint8_t leaf_hash[HL], const uint8_t (*proof)[HL], size_t n,
    const uint8_t *root, size_t root_len)
{
	uint8_t r[HL];
	uint64_t fn, sn;
	size_t i;

	/* RFC 9162 2.1.3.2 */
	if (index >= size || n > HN_MERKLE_PROOF_MAX)
		return HN_EVERIFY;
	fn = index;
	sn = size - 1;
	memcpy(r, leaf_hash, HL);
	for (i = 0; i < n; i++) {
		if (sn == 0)
			return HN_EVERIFY;
		if ((fn & 1) || fn == sn) {
			hn_merkle_node_hash(h, proof[i], r, r);
			if (!(fn & 1)) {
				do {
					fn >>= 1;
					sn >>= 1;
				} while (!(fn & 1) && fn != 0);
			}
		} else {
			hn_merkle_node_hash(h, r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !root_eq(r, root, root_len))
		return HN_EVERIFY;
	return 0;
}

int
hn_merkle_verify_consistency(struct hn_sha256 *h, uint64_t size1,
    uint64_t size2, const uint8_t *root1, size_t root1_len,
    const uint8_t *root2, size_t root2_len, const uint8_t (*proof)[HL],
    size_t n)
{
	uint8_t path_[HN_MERKLE_PROOF_MAX + 1][HL];
	uint8_t fr[HL], sr[HL];
	uint64_t fn, sn;
	size_t i, len = 0;

	/* RFC 9162 2.1.4.2, and no proof from the empty tree. */
	if (size1 == 0 || size1 > size2)
		return HN_EVERIFY;
	if (size1 == size2) {
		if (n != 0 || root1_len != root2_len ||
		    hn_memeq_ct(root1, root2, root1_len) != 0)
			return HN_EVERIFY;
		return 0;
	}
	if (n == 0 || n > HN_MERKLE_PROOF_MAX || root1_len != HL)
		return HN_EVERIFY;
	if (is_pow2(size1))
		memcpy(path_[len++], root1, HL);
	for (i = 0; i < n; i++)
		memcpy(path_[len++], proof[i], HL);
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, path_[0], HL);
	memcpy(sr, path_[0], HL);
	for (i = 1; i < len; i++) {
		if (sn == 0)
			return HN_EVERIFY;
		if ((fn & 1) || fn == sn) {
			hn_merkle_node_hash(h, path_[i], fr, fr);
			hn_merkle_node_hash(h, path_[i], sr, sr);
			if (!(fn & 1)) {
				do {
					fn >>= 1;
					sn >>= 1;
				} while (!(fn & 1) && fn != 0);
			}
		} else {
			hn_merkle_node_hash(h, sr, path_[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || !root_eq(fr, root1, root1_len) ||
	    !root_eq(sr, root2, root2_len))
		return HN_EVERIFY;
	return 0;
}

int
hn_merkle_mem_build(struct hn_merkle_mem *t, struct hn_sha256 *h,
    const uint8_t (*leaves)[HL], uint64_t n)
{
	uint64_t c, i;
	unsigned l;

	memset(t, 0, sizeof(*t));
	t->size = n;
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / HL / 2)
		return HN_ETOOBIG;
	if ((t->level[0] = malloc(n * HL)) == NULL)
		return HN_ENOMEM;
	memcpy(t->level[0], leaves, n * HL);
	t->count[0] = n;
	t->nlevels = 1;
	/* Level l holds only the complete (perfect) subtrees of height l. */
	for (l = 1, c = n / 2; c > 0; l++, c /= 2) {
		if ((t->level[l] = malloc(c * HL)) == NULL) {
			hn_merkle_mem_release(t);
			return HN_ENOMEM;
		}
		for (i = 0; i < c; i++)
			hn_merkle_node_hash(h, t->level[l - 1][2 * i],
			    t->level[l - 1][2 * i + 1], t->level[l][i]);
		t->count[l] = c;
		t->nlevels = l + 1;
	}
	return 0;
}

int
hn_merkle_mem_get(void *arg, unsigned level, uint64_t index, uint8_t out[HL])
{
	struct hn_merkle_mem *t = arg;

	if (level >= t->nlevels || index >= t->count[level])
		return HN_ERANGE;
	memcpy(out, t->level[level][index], HL);
	return 0;
}

void
hn_merkle_mem_release(struct hn_merkle_mem *t)
{
	unsigned l;

	if (t == NULL)
		return;
	for (l = 0; l < 65; l++)
		free(t->level[l]);
	memset(t, 0, sizeof(*t));
}
