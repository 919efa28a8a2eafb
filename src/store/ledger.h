/*
 * store/ledger.h - the node's append-only ledger over its database.
 *
 * Every event (request created, sent, received; evidence intake, seal,
 * hand-over; logins; configuration changes) is one entry: opaque bytes,
 * at most HN_LEDGER_ENTRY_MAX. The log is an RFC 6962 Merkle tree; it
 * publishes C2SP checkpoints signed with the node's Ed25519 key (origin and
 * key name = the node's name, e.g. "hanoinet.example/VNM") and serves
 * tlog tiles.
 *
 * Storage (store/ledger.h): one row per entry plus each *full* tile of
 * 256 hashes (levels 0..7), written in the caller's transaction. The
 * right-hand partial tiles live in memory and are recomputed from the
 * entries and tiles when the log is opened. Append is O(1) amortised (one
 * leaf hash, about one node hash, one row, plus one tile row per 256
 * entries); a root or proof reads at most 2 tiles per tile level (3 levels
 * up to 16M entries): O(log n).
 *
 * Durability: an entry is durable when the caller's transaction commits
 * (SQLite WAL, synchronous=FULL). hn_ledger_open recomputes the in-memory
 * state and refuses to open (HN_EVERIFY) a log whose tiles are missing or
 * whose tree no longer matches the last checkpoint it signed.
 *
 * Rollback safety by construction: every call first checks the number of
 * entries in the database (one indexed lookup) and the connection's
 * rollback hook (installed by hn_ledger_open: one hn_ledger per hn_db)
 * marks the state stale; a stale or mismatched state is recomputed. So a
 * rolled-back append, or an append by another connection, is never
 * reflected wrongly. hn_ledger_rollback forces the recomputation.
 *
 * Threads: like struct hn_db, one thread at a time.
 */
#ifndef HN_STORE_LEDGER_H
#define HN_STORE_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/merkle.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

#define HN_LEDGER_ENTRY_MAX 65535 /* tlog-tiles entry bundles: uint16 */
#define HN_TILE_ENTRIES (-1) /* hn_ledger_tile level: entry bundle */
#define HN_TILE_WIDTH 256

struct hn_ledger; /* the node's ledger over a struct hn_db */

/*
 * Opens the log stored in db (the db outlives the ledger). sk is the
 * node's Ed25519 secret key (seed || public key, copied and wiped on free)
 * or NULL for a read-only log that cannot sign checkpoints; key_name is the
 * note key name (NULL: the origin). Fails with HN_EVERIFY if the stored
 * state is inconsistent (see above).
 */
int hn_ledger_open(struct hn_ledger **out, struct hn_db *db, const char *origin,
    const uint8_t sk[64], const char *key_name, struct hn_error *err)
    __attribute__((warn_unused_result));
void hn_ledger_free(struct hn_ledger *l);

/*
 * Appends one entry INSIDE the caller's open transaction (a hn_db_tx or
 * hn_store_write job), so that a request row and its ledger entry commit
 * together; *index gets the entry's 0-based index. Outside a transaction
 * the append commits on its own. If this fails the caller must roll back.
 * HN_ETOOBIG beyond HN_LEDGER_ENTRY_MAX.
 */
int hn_ledger_append(struct hn_ledger *l, const void *entry, size_t len,
    uint64_t *index) __attribute__((warn_unused_result));
/*
 * Appends entries[0..n) (lens[k] bytes each) as hn_ledger_append does, in
 * order and all in the caller's transaction (or one of its own); *first
 * gets the index of the first (the current size when n is 0). Cheaper per
 * entry than n single appends: one size check and 16 rows per INSERT. A
 * bad length fails before anything is written (HN_ETOOBIG, HN_EINVAL); on
 * any other failure the caller must roll back.
 */
int hn_ledger_append_many(struct hn_ledger *l, const void *const *entries,
    const size_t *lens, size_t n, uint64_t *first)
    __attribute__((warn_unused_result));
/* Recomputes the in-memory state from storage (after a rollback). */
int hn_ledger_rollback(struct hn_ledger *l);

/* The number of entries (including uncommitted ones of this connection). */
uint64_t hn_ledger_size(struct hn_ledger *l);
/* Tree hash at size (<= current size). HN_ERANGE otherwise. */
int hn_ledger_root(struct hn_ledger *l, uint64_t size, uint8_t root[32]);

/*
 * Appends to signed_note the checkpoint of the current size, signed with
 * the node's key, and records it. Must be called outside a transaction
 * (HN_ESTATE otherwise: a checkpoint must never cover uncommitted
 * entries); HN_EDENIED for a read-only log.
 */
int hn_ledger_checkpoint(struct hn_ledger *l, struct hn_buf *signed_note);

/*
 * The same INSIDE the caller's open transaction (HN_ESTATE outside): the
 * checkpoint covers the entries this transaction appended and is recorded
 * in it, so the note and the entries it covers commit or vanish together.
 * The caller MUST NOT let the note out of the process (reply, log, file)
 * unless that transaction committed: a note of a rolled-back tree would
 * look like a fork once the log grows differently. Used for a receipt
 * stored in the transaction that stores the message (fed/fed.c).
 */
int hn_ledger_checkpoint_pending(struct hn_ledger *l,
    struct hn_buf *signed_note);

/* Appends the last checkpoint recorded by hn_ledger_checkpoint to note
 * (HN_ENOTFOUND if none). */
int hn_ledger_last_checkpoint(struct hn_ledger *l, struct hn_buf *note);

/*
 * Proofs into proof[0..*n); proof must have room for HN_MERKLE_PROOF_MAX
 * hashes. Inclusion: index < size <= current size. Consistency:
 * 0 < size1 <= size2 <= current size. HN_ERANGE otherwise.
 */
int hn_ledger_inclusion(struct hn_ledger *l, uint64_t index, uint64_t size,
    uint8_t (*proof)[32], size_t *n);
int hn_ledger_consistency(struct hn_ledger *l, uint64_t size1, uint64_t size2,
    uint8_t (*proof)[32], size_t *n);

/* Appends entry `index` to out (HN_ENOTFOUND beyond the size). */
int hn_ledger_entry(struct hn_ledger *l, uint64_t index, struct hn_buf *out);

/*
 * Appends a tlog tile to out: level 0..7 (hashes) or HN_TILE_ENTRIES (an
 * entry bundle: uint16 big-endian length-prefixed entries), tile `index`,
 * width 1..256 (256 = full tile). HN_ENOTFOUND if the log does not yet have
 * that many hashes/entries in that tile.
 */
int hn_ledger_tile(struct hn_ledger *l, int level, uint64_t index, int width,
    struct hn_buf *out);

/*
 * Full audit (O(n)): recomputes every leaf hash and tile from the entries,
 * compares them with the stored tiles, and checks every recorded
 * checkpoint's root. HN_EVERIFY with err saying what differs.
 */
int hn_ledger_audit(struct hn_ledger *l, struct hn_error *err)
    __attribute__((warn_unused_result));

/* The origin given at open. */
const char *hn_ledger_origin(const struct hn_ledger *l);

#endif
