#include "ledger/tree.h"

#include <assert.h>
#include <string.h>

#define HL HN_MERKLE_HASH_LEN

uint64_t
hn_tree_row_len(uint64_t n, unsigned L)
{
	return 8 * L >= 64 ? 0 : n >> (8 * L);
}

uint64_t
hn_tree_full_tiles(uint64_t n, unsigned L)
{
	return 8 * (L + 1) >= 64 ? 0 : n >> (8 * (L + 1));
}

void
hn_tree_put(uint8_t (*t)[HL], struct hn_sha256 *h, unsigned w,
    const uint8_t hash[HL])
{
	unsigned k;

	assert(w < HN_TILE_FULL);
	memcpy(t[w], hash, HL);
	for (k = 0; k < 8 && (w & 1); k++, w >>= 1)
		hn_merkle_node_hash(h, t[HN_TREE_ROW(k) + w - 1],
		    t[HN_TREE_ROW(k) + w], t[HN_TREE_ROW(k + 1) + (w >> 1)]);
}

int
hn_tree_add(struct hn_tree_edge *e, struct hn_sha256 *h, const uint8_t leaf[HL],
    hn_tree_tile_fn on_tile, void *arg)
{
	uint8_t cur[HL];
	uint64_t pos = e->size;
	unsigned L;
	int r;

	assert(e->size < UINT64_MAX);
	memcpy(cur, leaf, HL);
	for (L = 0; L < HN_TILE_LEVELS; L++) {
		unsigned w = (unsigned)(pos & 255);

		hn_tree_put(e->t[L], h, w, cur);
		if (w != 255)
			break;
		if ((r = on_tile(arg, L, pos >> 8, (const uint8_t *)e->t[L])) !=
		    0)
			return r;
		memcpy(cur, e->t[L][HN_TREE_ROW(8)], HL);
		pos >>= 8;
	}
	e->size++;
	return 0;
}

void
hn_tree_locate(unsigned level, uint64_t index, unsigned *L, uint64_t *tile,
    unsigned *node)
{
	unsigned k = level % 8;

	assert(level < 64);
	*L = level / 8;
	*tile = index >> (8 - k);
	*node = HN_TREE_ROW(k) + (unsigned)(index & ((256u >> k) - 1));
}
