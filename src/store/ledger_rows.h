/*
 * store/ledger_rows.h - the SQL of the audit ledger (store/ledger.c only).
 *
 * Tables (migration family "ledger"):
 *   ledger_entries(idx, entry)          one row per leaf, idx from 0
 *   ledger_tiles(id, level, idx, nodes) full tlog tiles only, written in
 *                                       the same transaction as the entry
 *                                       that completes them: all 511 nodes
 *                                       of the tile's 8 levels (the tlog
 *                                       tile = the first 256), so a proof
 *                                       reads hashes and never recomputes
 *   ledger_checkpoints(size, root, note) every checkpoint the node signed
 *   ledger_witness(origin, size, root, note) the last checkpoint of each
 *                                       peer log this node cosigned
 * All functions return 0 or a negative HN_E*; HN_ENOTFOUND when a row is
 * absent.
 */
#ifndef HN_STORE_LEDGER_ROWS_H
#define HN_STORE_LEDGER_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "util/buf.h"

#define HN_TILE_BYTES 8192 /* a tlog tile: 256 hashes */
#define HN_TILE_NODES 511 /* 256 + 128 + ... + 1 */
#define HN_TILE_NODES_BYTES (HN_TILE_NODES * 32)


/* Number of entries: max(idx) + 1, or 0. */
int hn_store_ledger_size(struct hn_db *db, uint64_t *size);
int hn_store_ledger_put_entry(struct hn_db *db, uint64_t idx, const void *entry,
    size_t len);
/* Inserts entries[0..n) (lens[k] bytes each) at idx first, first + 1, ... */
int hn_store_ledger_put_entries(struct hn_db *db, uint64_t first,
    const void *const *entries, const size_t *lens, size_t n);
/* Appends the entry to out. */
int hn_store_ledger_get_entry(struct hn_db *db, uint64_t idx,
    struct hn_buf *out);
/* Calls fn for each entry with lo <= idx < hi in order; stops on non-zero. */
int hn_store_ledger_scan(struct hn_db *db, uint64_t lo, uint64_t hi,
    int (*fn)(void *arg, uint64_t idx, const void *entry, size_t len),
    void *arg);

int hn_store_ledger_put_tile(struct hn_db *db, unsigned level, uint64_t idx,
    const uint8_t nodes[HN_TILE_NODES_BYTES]);
int hn_store_ledger_get_tile(struct hn_db *db, unsigned level, uint64_t idx,
    uint8_t nodes[HN_TILE_NODES_BYTES]);
/* Number of full tiles at level: max(idx) + 1, or 0. */
int hn_store_ledger_tiles(struct hn_db *db, unsigned level, uint64_t *n);

/* Records a signed checkpoint (a second one of the same size is ignored). */
int hn_store_ledger_put_checkpoint(struct hn_db *db, uint64_t size,
    const uint8_t root[32], const char *note, size_t len);
/* The largest checkpoint recorded (note appended to out if not NULL). */
int hn_store_ledger_last_checkpoint(struct hn_db *db, uint64_t *size,
    uint8_t root[32], struct hn_buf *note);
/* Calls fn for every recorded checkpoint in size order. */
int hn_store_ledger_scan_checkpoints(struct hn_db *db,
    int (*fn)(void *arg, uint64_t size, const uint8_t root[32]), void *arg);

int hn_store_witness_get(struct hn_db *db, const char *origin, uint64_t *size,
    uint8_t root[32]);
int hn_store_witness_put(struct hn_db *db, const char *origin, uint64_t size,
    const uint8_t root[32], const char *note, size_t len);

/* Registers fn to run when a transaction of this connection rolls back. */
void hn_store_ledger_on_rollback(struct hn_db *db, void (*fn)(void *),
    void *arg);
/*
 * A read transaction around several reads (one snapshot, and no lock
 * round-trip per statement): returns 1 if it began one (pass that to
 * hn_store_read_end), 0 if the caller's transaction is already open.
 */
int hn_store_read_begin(struct hn_db *db);
void hn_store_read_end(struct hn_db *db, int began);

/* 1 inside an open transaction. */
int hn_store_in_transaction(struct hn_db *db);

#endif
