/*
 * store.h - the node's storage service: one writer thread with group commit
 * and a pool of reader connections (SQLite WAL lets readers run beside the
 * writer).
 *
 * Group commit: hn_store_write() queues a job and blocks. The writer thread
 * takes every queued job (up to HN_STORE_BATCH_MAX), opens one BEGIN
 * IMMEDIATE transaction, runs each job inside its own SAVEPOINT (a failing
 * job is rolled back alone and gets its own error), then COMMITs once - one
 * fsync for the whole batch - and only then wakes the waiting callers. So a
 * write is acknowledged only after it is durable, and throughput is not
 * capped at one fsync per request.
 *
 * A job function runs on the writer thread with the write connection; it
 * must only touch the database through that connection and must not block
 * on anything else. Everything a logical change writes (row, ledger entry,
 * outbox row) goes in ONE job, so it commits or vanishes as a whole.
 */
#ifndef HN_STORE_STORE_H
#define HN_STORE_STORE_H

#include <stdint.h>

#include "util/err.h"

#define HN_STORE_BATCH_MAX 256
#define HN_STORE_READERS_MAX 16

/*
 * The public face of store/: opaque handles and functions only, no SQL and
 * no SQLite type, so that a second engine can implement it (issue 14).
 * SQLite itself, statements and BEGIN/COMMIT stay in store/db.h, which only
 * src/store includes.
 */
struct hn_db; /* one database connection; one thread at a time */
struct hn_store; /* the storage service below */

typedef int (*hn_write_fn)(struct hn_db *db, void *arg, struct hn_error *err);

/*
 * One connection for a single process (the CLI, tests, a node's read-only
 * ledger): opens (creating if needed) the database at path and applies
 * pending migrations (WAL, synchronous=FULL, foreign keys, busy timeout).
 */
int hn_db_open(struct hn_db **out, const char *path, struct hn_error *err)
    __attribute__((warn_unused_result));
/* Closes cleanly (checkpoints the WAL). NULL is a no-op. */
void hn_db_close(struct hn_db *db);

/*
 * Runs fn(db, arg, err) in one transaction: BEGIN IMMEDIATE, fn, COMMIT
 * (durable on return) when fn returns 0, ROLLBACK otherwise (fn's error is
 * returned; HN_EDB/HN_EIO if BEGIN or COMMIT failed). Inside a transaction
 * already open on db (a hn_store_write job, an outer hn_db_tx) fn simply
 * runs in it and the owner of that transaction commits or rolls back.
 * The writes of one logical change go in one fn.
 */
int hn_db_tx(struct hn_db *db, hn_write_fn fn, void *arg, struct hn_error *err)
    __attribute__((warn_unused_result));

/* A trivial read: 0 if the database answers (health checks). */
int hn_db_ping(struct hn_db *db);
/* Caps this connection's page cache at kib KiB (a mostly idle reader). */
int hn_db_cache_limit(struct hn_db *db, int kib);
/* The last error message of this connection (for logs and errors only). */
const char *hn_db_errmsg(struct hn_db *db);

/*
 * Opens the database at `path` (migrations applied) for the writer and up
 * to `readers` reader connections (opened lazily) and starts the writer
 * thread.
 */
int hn_store_open(struct hn_store **out, const char *path, int readers,
    struct hn_error *err) __attribute__((warn_unused_result));

/* Drains the queue and stops the writer thread (idempotent); connections
 * stay open, so state bound to them can be freed before hn_store_close. */
void hn_store_stop(struct hn_store *s);
/* Stops (if needed) and closes every connection. NULL ok. */
void hn_store_close(struct hn_store *s);

/*
 * Runs fn(db, arg, err) in the next group-committed transaction and returns
 * its result once the transaction is durable (0) or rolled back (fn's error,
 * or HN_EDB/HN_EIO if the commit itself failed: then no job of the batch
 * took effect). Thread-safe; blocks the caller.
 */
int hn_store_write(struct hn_store *s, hn_write_fn fn, void *arg,
    struct hn_error *err);

/*
 * Runs fn(db, arg, err) on the writer thread OUTSIDE any transaction (for
 * work that must see only committed data, e.g. signing a ledger checkpoint)
 * and returns its result. Thread-safe; blocks the caller.
 */
int hn_store_call(struct hn_store *s, hn_write_fn fn, void *arg,
    struct hn_error *err);

/*
 * The write connection, for setup before any job is submitted (e.g. opening
 * the ledger on it) and for nothing else afterwards.
 */
struct hn_db *hn_store_writer_db(struct hn_store *s);

/*
 * Called on the writer thread after any rollback (a job's savepoint or a
 * failed commit), so that in-memory state tied to the write connection (the
 * ledger's cached tree size) can be reloaded from the database.
 */
void hn_store_on_rollback(struct hn_store *s, void (*fn)(void *), void *ctx);

/*
 * Called on the writer thread after each batch that committed something
 * (or an hn_store_call job that succeeded), before the batch's callers
 * are woken, with the store's queue lock held: a cheap notification only
 * (it must not submit to the store), e.g. waking the federation's delivery
 * threads for what the batch queued, without waiting for the caller to be
 * scheduled first. NULL fn: none; once this returns, an earlier fn is no
 * longer running nor called.
 */
void hn_store_on_commit(struct hn_store *s, void (*fn)(void *), void *ctx);

/* Borrows a reader connection (blocks while all are in use); give it back
 * with hn_store_release. */
int hn_store_reader(struct hn_store *s, struct hn_db **db, struct hn_error *err)
    __attribute__((warn_unused_result));
void hn_store_release(struct hn_store *s, struct hn_db *db);

/*
 * Copies the WAL back into the database (PASSIVE: never blocks the writer
 * or readers). The writer does not checkpoint by itself, so that no commit
 * a client waits for pays for it: call this periodically (serve does,
 * every 2 s).
 */
int hn_store_checkpoint(struct hn_store *s);

/*
 * Gives memory back after a burst. Call it periodically (serve does, every
 * 2 s): the first call that finds no write job since the previous call,
 * after writes or with more than one reader connection open, closes the
 * idle reader connections but one (they are opened again on demand), has
 * the writer connection release its page cache and returns 1 (time for
 * malloc_trim); otherwise it returns 0. One caller thread at a time.
 */
int hn_store_shrink(struct hn_store *s);

struct hn_store_stats {
	uint64_t batches; /* transactions committed */
	uint64_t jobs; /* jobs run */
	uint64_t failed; /* jobs that returned an error */
	uint64_t max_batch; /* largest batch so far */
	uint64_t commits; /* batches and calls in which something committed */
	uint64_t full_failures; /* jobs that failed with HN_ENOSPACE */
	int full; /* storage exhausted (see hn_store_ready) */
};
void hn_store_stats(struct hn_store *s, struct hn_store_stats *out);

/*
 * Waits until something commits after the count `seen` (stats.commits),
 * at most timeout_ms, or until hn_store_kick; returns stats.commits. For a
 * thread that follows the writes (the node's checkpoint signer).
 */
uint64_t hn_store_wait_commit(struct hn_store *s, uint64_t seen,
    long timeout_ms);
/* Wakes a hn_store_wait_commit caller (to stop its thread). */
void hn_store_kick(struct hn_store *s);

/*
 * Storage exhaustion. A write job failing with HN_ENOSPACE (SQLITE_FULL:
 * ENOSPC or EDQUOT under the database) marks the store full; so does
 * hn_store_full (an evidence object could not be written); a commit that
 * goes through clears it. hn_store_ready returns HN_ENOSPACE while the
 * filesystem of the database has less than HN_STORE_SPACE_MIN bytes (or 16
 * inodes) free, or, once marked full, until it has HN_STORE_SPACE_RESUME
 * free again (then the mark is cleared: the node recovers by itself);
 * otherwise 0 (HN_EIO if the filesystem cannot be asked). Reads work
 * throughout.
 */
#define HN_STORE_SPACE_MIN (1U << 20)
#define HN_STORE_SPACE_RESUME (4U << 20)
void hn_store_full(struct hn_store *s);
int hn_store_ready(struct hn_store *s);

#endif
