#include "store/db.h"

#include "store/ledger_rows.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/fed.h"
#include "store/evidence.h"
#include "store/accounts.h"
#include "store/requests.h"
#include "util/fmt.h"

#define STMT_CACHE 64

struct hn_db {
	sqlite3 *h;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
};

/* Each table family's migrations, applied in this order. */
static const struct hn_migration core_migrations[] = {
	{ "0000-meta",
	    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" },
	{ NULL, NULL }
};

static const struct hn_migration *const families[] = { core_migrations,
	hn_ledger_migrations, hn_fed_migrations, hn_evidence_migrations,
	hn_accounts_migrations, hn_requests_migrations, hn_roster_migrations,
	NULL };

int
hn_db_err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return HN_EBUSY;
	case SQLITE_NOMEM:
		return HN_ENOMEM;
	case SQLITE_CONSTRAINT:
		return HN_EEXIST;
	case SQLITE_FULL: /* the unix VFS says so for ENOSPC and EDQUOT */
		return HN_ENOSPACE;
	case SQLITE_IOERR:
		return HN_EIO;
	default:
		return HN_EDB;
	}
}

int
hn_db_col_text(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return hn_fmt(out, size, "%s", t != NULL ? (const char *)t : "");
}

int
hn_db_rows(sqlite3_stmt *st, size_t size, size_t max,
    void (*row)(sqlite3_stmt *st, void *elem), void **out, size_t *n)
{
	unsigned char *v = NULL, *nv;
	size_t cap = 0, len = 0;
	int r = 0, rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == max) {
			r = HN_ETOOBIG;
			break;
		}
		if (len == cap) {
			cap = cap ? 2 * cap : 8;
			if ((nv = realloc(v, cap * size)) == NULL) {
				r = HN_ENOMEM;
				break;
			}
			v = nv;
		}
		row(st, v + len++ * size);
	}
	if (r == 0)
		r = hn_db_err(rc);
	sqlite3_reset(st);
	if (r != 0) {
		free(v);
		return r;
	}
	*out = v;
	*n = len;
	return 0;
}

const char *
hn_db_errmsg(struct hn_db *db)
{
	return sqlite3_errmsg(db->h);
}

sqlite3 *
hn_db_sqlite(struct hn_db *db)
{
	return db->h;
}

int
hn_db_exec(struct hn_db *db, const char *sql)
{
	return hn_db_err(sqlite3_exec(db->h, sql, NULL, NULL, NULL));
}

int
hn_db_stmt(struct hn_db *db, sqlite3_stmt **st, const char *sql)
{
	int i, rc;

	assert(db != NULL && st != NULL && sql != NULL);
	for (i = 0; i < STMT_CACHE && db->cache[i].sql != NULL; i++) {
		if (db->cache[i].sql == sql) {
			*st = db->cache[i].st;
			sqlite3_reset(*st);
			sqlite3_clear_bindings(*st);
			return 0;
		}
	}
	rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL);
	if (rc != SQLITE_OK)
		return hn_db_err(rc) ? hn_db_err(rc) : HN_EDB;
	if (i < STMT_CACHE) {
		db->cache[i].sql = sql;
		db->cache[i].st = *st;
	} else {
		sqlite3_finalize(*st);
		*st = NULL;
		return HN_EINTERNAL; /* raise STMT_CACHE */
	}
	return 0;
}

int
hn_db_begin(struct hn_db *db)
{
	return hn_db_exec(db, "BEGIN IMMEDIATE");
}

int
hn_db_commit(struct hn_db *db)
{
	return hn_db_exec(db, "COMMIT");
}

int
hn_db_rollback(struct hn_db *db)
{
	return hn_db_exec(db, "ROLLBACK");
}

int
hn_db_tx(struct hn_db *db, hn_write_fn fn, void *arg, struct hn_error *err)
{
	int r;

	assert(db != NULL && fn != NULL);
	if (!sqlite3_get_autocommit(db->h))
		return fn(db, arg, err); /* the owner of the open one decides */
	if ((r = hn_db_begin(db)) != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot begin a transaction: %s", hn_db_errmsg(db));
	if ((r = fn(db, arg, err)) == 0 && (r = hn_db_commit(db)) != 0)
		hn_error_set(err, r, NULL, NULL, "cannot commit: %s",
		    hn_db_errmsg(db));
	if (r != 0 && !sqlite3_get_autocommit(db->h))
		(void)hn_db_rollback(db);
	return r;
}

int
hn_db_ping(struct hn_db *db)
{
	return hn_db_exec(db, "SELECT 1");
}

int
hn_db_cache_limit(struct hn_db *db, int kib)
{
	char sql[64];

	assert(kib > 0);
	HN_FMT_FIXED(sql, sizeof(sql), "PRAGMA cache_size=-%d", kib);
	return hn_db_exec(db, sql);
}

static int
applied(struct hn_db *db, const char *name, int *yes)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db->h,
	    "SELECT 1 FROM migrations WHERE name = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return HN_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*yes = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : HN_EDB;
}

static int
migrate(struct hn_db *db, struct hn_error *err)
{
	const struct hn_migration *const *f;
	const struct hn_migration *m;
	sqlite3_stmt *st;
	int r, yes;

	if ((r = hn_db_exec(db,
		 "CREATE TABLE IF NOT EXISTS migrations ("
		 "name TEXT PRIMARY KEY, applied_at TEXT NOT NULL "
		 "DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))")) != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot create the migrations table: %s", hn_db_errmsg(db));
	for (f = families; *f != NULL; f++) {
		for (m = *f; m->name != NULL; m++) {
			if ((r = applied(db, m->name, &yes)) != 0)
				return hn_error_set(err, r, NULL, NULL,
				    "migration %s: %s", m->name,
				    hn_db_errmsg(db));
			if (yes)
				continue;
			if ((r = hn_db_begin(db)) != 0)
				return hn_error_set(err, r, NULL, NULL,
				    "migration %s: %s", m->name,
				    hn_db_errmsg(db));
			r = hn_db_exec(db, m->sql);
			if (r == 0 &&
			    sqlite3_prepare_v2(db->h,
				"INSERT INTO migrations(name) VALUES (?)", -1,
				&st, NULL) == SQLITE_OK) {
				sqlite3_bind_text(st, 1, m->name, -1,
				    SQLITE_STATIC);
				r = hn_db_err(sqlite3_step(st));
				sqlite3_finalize(st);
			} else if (r == 0) {
				r = HN_EDB;
			}
			if (r == 0)
				r = hn_db_commit(db);
			if (r != 0) {
				hn_error_set(err, r, NULL, NULL,
				    "migration %s failed: %s", m->name,
				    hn_db_errmsg(db));
				hn_db_rollback(db);
				return r;
			}
		}
	}
	return 0;
}

int
hn_db_open(struct hn_db **out, const char *path, struct hn_error *err)
{
	struct hn_db *db;
	int rc, r;

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	rc = sqlite3_open_v2(path, &db->h,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		r = hn_error_set(err, HN_EDB, NULL, NULL,
		    "cannot open database %s: %s", path,
		    db->h ? sqlite3_errmsg(db->h) : "out of memory");
		hn_db_close(db);
		return r;
	}
	sqlite3_busy_timeout(db->h, 10000);
	/*
	 * page_size only takes effect on a new, empty database, and must come
	 * before WAL is enabled (an existing database keeps its size). 4 KiB
	 * pages (SQLite's default): the node's writes are small rows spread
	 * over several B-trees and indexes, and every page a write job
	 * touches is copied into its savepoint's sub-journal and written
	 * whole to the WAL at commit. 16 KiB pages (which suit bulk ledger
	 * appends: a tile row is one page instead of a chain of five) made
	 * the group commit's writer thread spend 1.7 times the instructions
	 * per POST /v1/requests (docs/PERFORMANCE.md, intake).
	 */
	if ((r = hn_db_exec(db,
		 "PRAGMA page_size=4096; "
		 "PRAGMA journal_mode=WAL; "
		 "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
		 "PRAGMA wal_autocheckpoint=4000;")) != 0) {
		hn_error_set(err, r, NULL, NULL, "cannot configure %s: %s",
		    path, hn_db_errmsg(db));
		hn_db_close(db);
		return r;
	}
	if ((r = migrate(db, err)) != 0) {
		hn_db_close(db);
		return r;
	}
	*out = db;
	return 0;
}

void
hn_db_close(struct hn_db *db)
{
	int i;

	if (db == NULL)
		return;
	for (i = 0; i < STMT_CACHE && db->cache[i].sql != NULL; i++)
		sqlite3_finalize(db->cache[i].st);
	if (db->h != NULL)
		sqlite3_close(db->h);
	free(db);
}
