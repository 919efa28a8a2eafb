/*
 * db.h - the node's SQLite database: open, migrations, transactions.
 *
 * INTERNAL to src/store: nothing outside it includes this header (the
 * public handles are in store/store.h). SQL lives only in src/store/. One
 * database per node, WAL mode, synchronous=FULL (an acknowledged commit
 * survives power loss), foreign keys on, a busy timeout so that readers never
 * see SQLITE_BUSY.
 *
 * Migrations: each table family (store/<family>.c) exports a NULL-terminated
 * array of struct hn_migration; db.c lists the arrays in order. Each
 * migration has a unique name ("0001-ledger") recorded in the table
 * `migrations` when applied; pending ones run at open, each in its own
 * transaction, so that adding a family never renumbers another's.
 *
 * Threads: a struct hn_db is used by one thread at a time (SQLite's
 * serialized mode guards the handle; callers keep a transaction on one
 * thread). Open one hn_db per thread that needs its own reads.
 */
#ifndef HN_STORE_DB_H
#define HN_STORE_DB_H

#include <sqlite3.h>

#include "store/store.h"
#include "util/err.h"

struct hn_migration {
	const char *name;
	const char *sql; /* one or more statements */
};

/* The migration families, in the order db.c applies them. */
extern const struct hn_migration hn_ledger_migrations[];
extern const struct hn_migration hn_fed_migrations[];
extern const struct hn_migration hn_evidence_migrations[];
extern const struct hn_migration hn_accounts_migrations[];
extern const struct hn_migration hn_requests_migrations[];
extern const struct hn_migration hn_roster_migrations[];

/* hn_db_open, hn_db_close, hn_db_tx, hn_db_errmsg: store/store.h. */

/* The raw handle. */
sqlite3 *hn_db_sqlite(struct hn_db *db);

/*
 * Returns a cached prepared statement for `sql` (keyed by the pointer, so
 * pass string literals), reset and with bindings cleared. Do not finalize it.
 */
int hn_db_stmt(struct hn_db *db, sqlite3_stmt **st, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Commit is durable on return. */
int hn_db_begin(struct hn_db *db);
int hn_db_commit(struct hn_db *db);
int hn_db_rollback(struct hn_db *db);

/* Executes SQL without results (several statements allowed). */
int hn_db_exec(struct hn_db *db, const char *sql);

/* Maps a SQLite result code to HN_E* (SQLITE_DONE/ROW/OK -> 0). */
int hn_db_err(int rc);

/*
 * Copies text column i into out (size bytes, NUL-terminated; "" for NULL).
 * A value longer than out is never cut: out is "" and HN_ETOOBIG returned
 * (the store writes only values that fit the buffers it reads them into).
 * HN_DB_COL: into a char array, its size from the array.
 */
int hn_db_col_text(sqlite3_stmt *st, int i, char *out, size_t size);
#define HN_DB_COL(st, i, arr) hn_db_col_text((st), (i), (arr), sizeof(arr))

/*
 * Steps st to its end, then resets it, reading each row with row() into a
 * growing array of elements of `size` bytes: at most max rows (HN_ETOOBIG
 * beyond). On success *out (the array, free() it; NULL for no rows) and *n.
 */
int hn_db_rows(sqlite3_stmt *st, size_t size, size_t max,
    void (*row)(sqlite3_stmt *st, void *elem), void **out, size_t *n);


#endif
