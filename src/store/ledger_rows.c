#include "store/ledger_rows.h"

#include "store/db.h"

#include <string.h>

const struct hn_migration hn_ledger_migrations[] = {
	{ "0001-ledger",
	    "CREATE TABLE ledger_entries ("
	    " idx INTEGER PRIMARY KEY CHECK (idx >= 0),"
	    " entry BLOB NOT NULL CHECK (length(entry) <= 65535));"
	    "CREATE TABLE ledger_tiles ("
	    " level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 7),"
	    " idx INTEGER NOT NULL CHECK (idx >= 0),"
	    " hashes BLOB NOT NULL CHECK (length(hashes) = 8192),"
	    " PRIMARY KEY (level, idx)) WITHOUT ROWID;"
	    "CREATE TABLE ledger_checkpoints ("
	    " size INTEGER PRIMARY KEY CHECK (size >= 0),"
	    " root BLOB NOT NULL CHECK (length(root) = 32),"
	    " note TEXT NOT NULL,"
	    " created_at TEXT NOT NULL"
	    "  DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	    "CREATE TABLE ledger_witness ("
	    " origin TEXT PRIMARY KEY,"
	    " size INTEGER NOT NULL CHECK (size >= 0),"
	    " root BLOB NOT NULL CHECK (length(root) = 32),"
	    " note TEXT NOT NULL,"
	    " updated_at TEXT NOT NULL"
	    "  DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));" },
	/*
	 * Tiles keep all 511 nodes (proofs never hash) in a rowid table
	 * (16 KiB rows are slow in a WITHOUT ROWID b-tree). A log made under
	 * 0001 with 256+ entries no longer opens (its tiles are gone); none
	 * was deployed.
	 */
	{ "0002-ledger-tile-nodes",
	    "DROP TABLE ledger_tiles;"
	    "CREATE TABLE ledger_tiles ("
	    " id INTEGER PRIMARY KEY,"
	    " level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 7),"
	    " idx INTEGER NOT NULL CHECK (idx >= 0 AND idx < 72057594037927936),"
	    " nodes BLOB NOT NULL CHECK (length(nodes) = 16352),"
	    " CHECK (id = level * 72057594037927936 + idx));" },
	{ NULL, NULL }
};

/* Tiles are keyed by one rowid (8 KiB+ rows do not suit WITHOUT ROWID). */
#define TILE_ID(level, idx) (((uint64_t)(level) << 56) + (idx))

static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	return rc == SQLITE_DONE ? 0 : (hn_db_err(rc) ? hn_db_err(rc) : HN_EDB);
}

/* Runs a "SELECT max(...)" statement; n = max + 1 or 0 when NULL. */
static int
max_plus_one(sqlite3_stmt *st, uint64_t *n)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_ROW)
		return hn_db_err(rc) ? hn_db_err(rc) : HN_EDB;
	if (sqlite3_column_type(st, 0) == SQLITE_NULL)
		*n = 0;
	else
		*n = (uint64_t)sqlite3_column_int64(st, 0) + 1;
	sqlite3_reset(st);
	return 0;
}

int
hn_store_ledger_size(struct hn_db *db, uint64_t *size)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, "SELECT max(idx) FROM ledger_entries")))
		return r;
	return max_plus_one(st, size);
}

int
hn_store_ledger_put_entry(struct hn_db *db, uint64_t idx, const void *entry,
    size_t len)
{
	sqlite3_stmt *st;
	int r;

	if (idx > INT64_MAX || len > 65535)
		return HN_ERANGE;
	if ((r = hn_db_stmt(db, &st,
		 "INSERT INTO ledger_entries(idx, entry) VALUES (?, ?)")))
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
	sqlite3_bind_blob(st, 2, len ? entry : "", (int)len, SQLITE_STATIC);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

/* Rows per multi-row INSERT of hn_store_ledger_put_entries. */
#define PUT_ROWS 16
#define V2 "(?, ?), (?, ?)"
#define V8 V2 ", " V2 ", " V2 ", " V2

int
hn_store_ledger_put_entries(struct hn_db *db, uint64_t first,
    const void *const *entries, const size_t *lens, size_t n)
{
	sqlite3_stmt *st = NULL;
	size_t i = 0, k;
	int r;

	if (first > INT64_MAX || n > (size_t)(INT64_MAX - first))
		return HN_ERANGE;
	for (k = 0; k < n; k++)
		if (lens[k] > 65535 || (lens[k] > 0 && entries[k] == NULL))
			return HN_ERANGE;
	/* 16 rows per statement: one statement run instead of 16. */
	if (n >= PUT_ROWS &&
	    (r = hn_db_stmt(db, &st,
		 "INSERT INTO "
		 "ledger_entries(idx, entry) VALUES " V8 ", " V8)) != 0)
		return r;
	for (; n - i >= PUT_ROWS; i += PUT_ROWS) {
		for (k = 0; k < PUT_ROWS; k++) {
			sqlite3_bind_int64(st, (int)(2 * k + 1),
			    (sqlite3_int64)(first + i + k));
			sqlite3_bind_blob(st, (int)(2 * k + 2),
			    lens[i + k] ? entries[i + k] : "", (int)lens[i + k],
			    SQLITE_STATIC);
		}
		r = step_done(st);
		sqlite3_reset(st);
		if (r != 0)
			return r;
	}
	for (; i < n; i++)
		if ((r = hn_store_ledger_put_entry(db, first + i, entries[i],
			 lens[i])) != 0)
			return r;
	return 0;
}

int
hn_store_ledger_get_entry(struct hn_db *db, uint64_t idx, struct hn_buf *out)
{
	sqlite3_stmt *st;
	int r, rc;

	if (idx > INT64_MAX)
		return HN_ENOTFOUND;
	if ((r = hn_db_stmt(db, &st,
		 "SELECT entry FROM ledger_entries WHERE idx = ?")))
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = hn_buf_add(out, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	else if (rc == SQLITE_DONE)
		r = HN_ENOTFOUND;
	else
		r = hn_db_err(rc) ? hn_db_err(rc) : HN_EDB;
	sqlite3_reset(st);
	return r;
}

int
hn_store_ledger_scan(struct hn_db *db, uint64_t lo, uint64_t hi,
    int (*fn)(void *arg, uint64_t idx, const void *entry, size_t len),
    void *arg)
{
	sqlite3_stmt *st;
	int r, rc;

	if (lo > INT64_MAX || hi > INT64_MAX)
		return HN_ERANGE;
	if ((r = hn_db_stmt(db, &st,
		 "SELECT idx, entry FROM ledger_entries "
		 "WHERE idx >= ? AND idx < ? ORDER BY idx")))
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)lo);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)hi);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(st, 1);
		size_t n = (size_t)sqlite3_column_bytes(st, 1);
		if ((r = fn(arg, (uint64_t)sqlite3_column_int64(st, 0),
			 p ? p : "", n)) != 0) {
			sqlite3_reset(st);
			return r;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : (hn_db_err(rc) ? hn_db_err(rc) : HN_EDB);
}

int
hn_store_ledger_put_tile(struct hn_db *db, unsigned level, uint64_t idx,
    const uint8_t nodes[HN_TILE_NODES_BYTES])
{
	sqlite3_stmt *st;
	int r;

	if (idx > INT64_MAX)
		return HN_ERANGE;
	if (level > 7 || idx >= TILE_ID(1, 0))
		return HN_ERANGE;
	if ((r = hn_db_stmt(db, &st,
		 "INSERT INTO ledger_tiles(id, level, "
		 "idx, nodes) VALUES (?, ?, ?, ?)")))
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)TILE_ID(level, idx));
	sqlite3_bind_int(st, 2, (int)level);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)idx);
	sqlite3_bind_blob(st, 4, nodes, HN_TILE_NODES_BYTES, SQLITE_STATIC);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

int
hn_store_ledger_get_tile(struct hn_db *db, unsigned level, uint64_t idx,
    uint8_t nodes[HN_TILE_NODES_BYTES])
{
	sqlite3_stmt *st;
	int r, rc;

	if (level > 7 || idx >= TILE_ID(1, 0))
		return HN_ENOTFOUND;
	if ((r = hn_db_stmt(db, &st,
		 "SELECT nodes FROM ledger_tiles WHERE id = ?")))
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)TILE_ID(level, idx));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == HN_TILE_NODES_BYTES) {
		memcpy(nodes, sqlite3_column_blob(st, 0), HN_TILE_NODES_BYTES);
		r = 0;
	} else if (rc == SQLITE_ROW) {
		r = HN_EVERIFY; /* a tile of the wrong size: corrupted */
	} else if (rc == SQLITE_DONE) {
		r = HN_ENOTFOUND;
	} else {
		r = hn_db_err(rc) ? hn_db_err(rc) : HN_EDB;
	}
	sqlite3_reset(st);
	return r;
}

int
hn_store_ledger_tiles(struct hn_db *db, unsigned level, uint64_t *n)
{
	sqlite3_stmt *st;
	int r;

	if (level > 7)
		return HN_ERANGE;
	if ((r = hn_db_stmt(db, &st,
		 "SELECT max(id) - ? FROM ledger_tiles "
		 "WHERE id >= ? AND id < ?")))
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)TILE_ID(level, 0));
	sqlite3_bind_int64(st, 2, (sqlite3_int64)TILE_ID(level, 0));
	sqlite3_bind_int64(st, 3, (sqlite3_int64)TILE_ID(level + 1, 0));
	return max_plus_one(st, n);
}

int
hn_store_ledger_put_checkpoint(struct hn_db *db, uint64_t size,
    const uint8_t root[32], const char *note, size_t len)
{
	sqlite3_stmt *st;
	int r;

	if (size > INT64_MAX)
		return HN_ERANGE;
	if ((r = hn_db_stmt(db, &st,
		 "INSERT OR IGNORE INTO "
		 "ledger_checkpoints(size, root, note) VALUES (?, ?, ?)")))
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	sqlite3_bind_blob(st, 2, root, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, note, (int)len, SQLITE_STATIC);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

int
hn_store_ledger_last_checkpoint(struct hn_db *db, uint64_t *size,
    uint8_t root[32], struct hn_buf *note)
{
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st,
		 "SELECT size, root, note FROM "
		 "ledger_checkpoints ORDER BY size DESC LIMIT 1")))
		return r;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		*size = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(root, sqlite3_column_blob(st, 1), 32);
		r = note == NULL ? 0 :
				   hn_buf_add(note, sqlite3_column_text(st, 2),
				       (size_t)sqlite3_column_bytes(st, 2));
	} else if (rc == SQLITE_DONE) {
		r = HN_ENOTFOUND;
	} else {
		r = rc == SQLITE_ROW ? HN_EVERIFY :
				       (hn_db_err(rc) ? hn_db_err(rc) : HN_EDB);
	}
	sqlite3_reset(st);
	return r;
}

int
hn_store_ledger_scan_checkpoints(struct hn_db *db,
    int (*fn)(void *arg, uint64_t size, const uint8_t root[32]), void *arg)
{
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st,
		 "SELECT size, root FROM ledger_checkpoints ORDER BY size")))
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 1) != 32) {
			sqlite3_reset(st);
			return HN_EVERIFY;
		}
		if ((r = fn(arg, (uint64_t)sqlite3_column_int64(st, 0),
			 sqlite3_column_blob(st, 1))) != 0) {
			sqlite3_reset(st);
			return r;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : (hn_db_err(rc) ? hn_db_err(rc) : HN_EDB);
}

int
hn_store_witness_get(struct hn_db *db, const char *origin, uint64_t *size,
    uint8_t root[32])
{
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st,
		 "SELECT size, root FROM ledger_witness WHERE origin = ?")))
		return r;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		*size = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(root, sqlite3_column_blob(st, 1), 32);
		r = 0;
	} else if (rc == SQLITE_DONE) {
		r = HN_ENOTFOUND;
	} else {
		r = rc == SQLITE_ROW ? HN_EVERIFY :
				       (hn_db_err(rc) ? hn_db_err(rc) : HN_EDB);
	}
	sqlite3_reset(st);
	return r;
}

int
hn_store_witness_put(struct hn_db *db, const char *origin, uint64_t size,
    const uint8_t root[32], const char *note, size_t len)
{
	sqlite3_stmt *st;
	int r;

	if (size > INT64_MAX)
		return HN_ERANGE;
	if ((r = hn_db_stmt(db, &st,
		 "INSERT INTO ledger_witness(origin, "
		 "size, root, note) VALUES (?, ?, ?, ?) ON CONFLICT(origin) DO "
		 "UPDATE SET size = excluded.size, root = excluded.root, "
		 "note = excluded.note, updated_at = "
		 "strftime('%Y-%m-%dT%H:%M:%SZ','now')")))
		return r;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
	sqlite3_bind_blob(st, 3, root, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, note, (int)len, SQLITE_STATIC);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

void
hn_store_ledger_on_rollback(struct hn_db *db, void (*fn)(void *), void *arg)
{
	sqlite3_rollback_hook(hn_db_sqlite(db), fn, arg);
}

int
hn_store_read_begin(struct hn_db *db)
{
	if (!sqlite3_get_autocommit(hn_db_sqlite(db)))
		return 0;
	return hn_db_exec(db, "BEGIN DEFERRED") == 0 ? 1 : 0;
}

void
hn_store_read_end(struct hn_db *db, int began)
{
	if (began)
		(void)hn_db_exec(db, "COMMIT");
}

int
hn_store_in_transaction(struct hn_db *db)
{
	return !sqlite3_get_autocommit(hn_db_sqlite(db));
}
