/*
 * tree.h - a growing RFC 6962 Merkle tree kept as tlog tiles WITH their
 * inner nodes, so that a stored tree answers roots and proofs without
 * hashing (store/ledger.c keeps it in the database).
 *
 * A tile at tile level L (tree levels 8L..8L+8) is HN_TREE_NODES hashes:
 * row k (0..8) holds 256 >> k hashes at tree level 8L+k, starting at node
 * HN_TREE_ROW(k); row 0 is the tlog tile (tile.h), row 8 (node 510) its
 * root. struct hn_tree_edge is the right-hand edge of the tree: the
 * partial tile of every level. Appending a leaf costs about one node hash
 * and calls back once for every tile that becomes full, bottom first.
 *
 * Pure: no storage, no clock; the caller stores the full tiles.
 */
#ifndef HN_LEDGER_TREE_H
#define HN_LEDGER_TREE_H

#include <stdint.h>

#include "crypto/sha256.h"
#include "ledger/merkle.h"
#include "ledger/tile.h"

#define HN_TREE_NODES 511 /* 256 + 128 + ... + 1 */
#define HN_TREE_NODES_BYTES (HN_TREE_NODES * HN_MERKLE_HASH_LEN)
#define HN_TREE_ROW(k) (512u - (512u >> (k)))

struct hn_tree_edge {
	uint8_t t[HN_TILE_LEVELS][HN_TREE_NODES][HN_MERKLE_HASH_LEN];
	uint64_t size; /* leaves */
};

/* Called with a tile that just became full: nodes[HN_TREE_NODES_BYTES]. */
typedef int (*hn_tree_tile_fn)(void *arg, unsigned level, uint64_t idx,
    const uint8_t *nodes);

/* Hashes in row 0 of tile level L (tree level 8L) of a tree of n leaves. */
uint64_t hn_tree_row_len(uint64_t n, unsigned L);
/* Full tiles at tile level L of a tree of n leaves. */
uint64_t hn_tree_full_tiles(uint64_t n, unsigned L);

/* Puts hash at position w (0..255) of row 0 of tile and completes the
 * parents it closes. */
void hn_tree_put(uint8_t (*tile)[HN_MERKLE_HASH_LEN], struct hn_sha256 *h,
    unsigned w, const uint8_t hash[HN_MERKLE_HASH_LEN]);

/*
 * Adds a leaf hash to the edge; on_tile(arg, ...) for every tile that
 * becomes full. Its error stops the addition and is returned; the edge is
 * then inconsistent (reload it).
 */
int hn_tree_add(struct hn_tree_edge *e, struct hn_sha256 *h,
    const uint8_t leaf[HN_MERKLE_HASH_LEN], hn_tree_tile_fn on_tile, void *arg);

/*
 * Where node (level, index) of the tree lives: tile level *L, tile *tile,
 * node *node (0..510) within it. level < 64.
 */
void hn_tree_locate(unsigned level, uint64_t index, unsigned *L, uint64_t *tile,
    unsigned *node);

#endif
