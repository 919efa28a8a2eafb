/*
 * tile.h - C2SP tlog-tiles: resource paths, entry bundles, and a Merkle
 * hash reader over tiles, so that the log can be served as static files
 * and read back by any tile client (and by hanoinet's own auditor).
 *
 *   tile/<L>/<N>[.p/<W>]      hashes at tree level 8L, 256 per full tile
 *   tile/entries/<N>[.p/<W>]  entry bundles (uint16 big-endian length +
 *                             entry, for each entry)
 * <N> is written in 3-digit groups, all but the last prefixed with 'x'
 * (1234067 -> x001/x234/067); <W> is 1..255 for a partial tile.
 */
#ifndef HN_LEDGER_TILE_H
#define HN_LEDGER_TILE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sha256.h"
#include "ledger/merkle.h"
#include "util/buf.h"

#define HN_TILE_LEVELS 8 /* levels 0..7 cover trees below 2^64 */
#define HN_TILE_H 8 /* tile height */
#define HN_TILE_FULL 256 /* width of a full tile */
#define HN_TILE_ENTRIES_LEVEL (-1)
#define HN_TILE_PATH_MAX 96

/*
 * Formats the path of tile (level, index) of width 1..256 (256: full) into
 * out; level HN_TILE_ENTRIES_LEVEL is the entry bundle. HN_EINVAL for bad
 * arguments, HN_ETOOBIG if outsz is too small.
 */
int hn_tile_path(char *out, size_t outsz, int level, uint64_t index, int width);

/* Parses a tile path (strictly: the canonical form only). HN_EPARSE. */
int hn_tile_parse(const char *path, int *level, uint64_t *index, int *width);

/*
 * Width of tile (level, index) in a tree of size: 256 if full, 1..255 if
 * partial, 0 if the tile does not exist at that size.
 */
int hn_tile_width(uint64_t size, int level, uint64_t index);

/*
 * Iterates over an entry bundle: on each call returns 1 and sets *entry,
 * *len to the next entry, 0 at the end, HN_EPARSE if truncated.
 */
int hn_tile_bundle_next(const uint8_t *bundle, size_t blen, size_t *off,
    const uint8_t **entry, size_t *len);

/*
 * A hash reader over the tiles of a tree of `size` leaves: read() fetches
 * a tile (appending its bytes to out), from files, HTTP or a ledger.
 * hn_tile_get is an hn_merkle_get_fn: with it hn_merkle_root and the proof
 * generators of merkle.h work from tiles alone. Each fetched tile's length
 * is checked; a tile that lies shows up as a root or proof that does not
 * verify against the signed checkpoint.
 */
struct hn_tile_reader {
	int (*read)(void *arg, int level, uint64_t index, int width,
	    struct hn_buf *out);
	void *arg;
	uint64_t size;
	struct hn_sha256 *h;
	/* one-tile cache */
	int have;
	int level;
	uint64_t index;
	int width;
	uint8_t hashes[HN_TILE_FULL][HN_MERKLE_HASH_LEN];
};

int hn_tile_get(void *reader, unsigned level, uint64_t index,
    uint8_t out[HN_MERKLE_HASH_LEN]);

#endif
