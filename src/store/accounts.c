#include "store/accounts.h"

#include "store/db.h"

#include <stdio.h>
#include <string.h>

#include "crypto/sign.h"

const struct hn_migration hn_accounts_migrations[] = {
	{ "0100-accounts",
	    "CREATE TABLE accounts ("
	    " id INTEGER PRIMARY KEY,"
	    " name TEXT NOT NULL UNIQUE,"
	    " role TEXT NOT NULL,"
	    " pwhash TEXT NOT NULL,"
	    " failed INTEGER NOT NULL DEFAULT 0,"
	    " locked_until INTEGER NOT NULL DEFAULT 0,"
	    " lang TEXT NOT NULL DEFAULT 'en',"
	    " disabled INTEGER NOT NULL DEFAULT 0,"
	    " created_at INTEGER NOT NULL);"
	    "CREATE TABLE sessions ("
	    " token_hash BLOB PRIMARY KEY,"
	    " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	    " created_at INTEGER NOT NULL,"
	    " expires_at INTEGER NOT NULL) WITHOUT ROWID;"
	    "CREATE INDEX sessions_expiry ON sessions(expires_at);" },
	{ NULL, NULL }
};

#define ACCOUNT_COLS \
	"id, name, role, pwhash, failed, locked_until, lang, " \
	"disabled, created_at"

static void
read_account(sqlite3_stmt *st, int o, struct hn_account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, o + 0);
	HN_DB_COL(st, o + 1, a->name);
	HN_DB_COL(st, o + 2, a->role);
	HN_DB_COL(st, o + 3, a->pwhash);
	a->failed = sqlite3_column_int(st, o + 4);
	a->locked_until = sqlite3_column_int64(st, o + 5);
	HN_DB_COL(st, o + 6, a->lang);
	a->disabled = sqlite3_column_int(st, o + 7);
	a->created_at = sqlite3_column_int64(st, o + 8);
}

static int
one_account(sqlite3_stmt *st, struct hn_account *a)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		read_account(st, 0, a);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? HN_ENOTFOUND : hn_db_err(rc);
	}
	sqlite3_reset(st);
	return rc;
}

int
hn_accounts_get(struct hn_db *db, const char *name, struct hn_account *a)
{
	static const char sql[] =
	    "SELECT " ACCOUNT_COLS " FROM accounts WHERE name = ?";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return one_account(st, a);
}

int
hn_accounts_get_id(struct hn_db *db, int64_t id, struct hn_account *a)
{
	static const char sql[] =
	    "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = ?";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	return one_account(st, a);
}

int
hn_accounts_insert(struct hn_db *db, const struct hn_account *a, int64_t *id)
{
	static const char sql[] =
	    "INSERT INTO accounts(name, role, pwhash, lang, disabled, "
	    "created_at) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->lang[0] ? a->lang : "en", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 5, a->disabled);
	sqlite3_bind_int64(st, 6, a->created_at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return hn_db_err(rc) ? hn_db_err(rc) : HN_EDB;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(hn_db_sqlite(db));
	return 0;
}

static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : (hn_db_err(rc) ? hn_db_err(rc) : HN_EDB);
}

int
hn_accounts_set_failed(struct hn_db *db, int64_t id, int failed,
    int64_t locked_until)
{
	static const char sql[] =
	    "UPDATE accounts SET failed = ?, locked_until = ? WHERE id = ?";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_int(st, 1, failed);
	sqlite3_bind_int64(st, 2, locked_until);
	sqlite3_bind_int64(st, 3, id);
	return step_done(st);
}

int
hn_accounts_set_password(struct hn_db *db, int64_t id, const char *hash)
{
	static const char sql[] =
	    "UPDATE accounts SET pwhash = ?, failed = 0, locked_until = 0 "
	    "WHERE id = ?";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return step_done(st);
}

int
hn_accounts_set_lang(struct hn_db *db, int64_t id, const char *lang)
{
	static const char sql[] = "UPDATE accounts SET lang = ? WHERE id = ?";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return step_done(st);
}

int
hn_accounts_count(struct hn_db *db, int64_t *n)
{
	static const char sql[] = "SELECT count(*) FROM accounts";
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : HN_EDB;
}

int
hn_accounts_list(struct hn_db *db, json_t **out)
{
	static const char sql[] =
	    "SELECT " ACCOUNT_COLS " FROM accounts ORDER BY name";
	struct hn_account a;
	sqlite3_stmt *st;
	json_t *arr;
	int r, rc;

	*out = NULL;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	if ((arr = json_array()) == NULL)
		return HN_ENOMEM;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_account(st, 0, &a);
		if (json_array_append_new(arr,
			json_pack("{s:s, s:s, s:s, "
				  "s:b, s:I, s:I}",
			    "name", a.name, "role", a.role, "lang", a.lang,
			    "disabled", a.disabled, "locked_until",
			    (json_int_t)a.locked_until, "created_at",
			    (json_int_t)a.created_at)) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_reset(st);
	hn_wipe(a.pwhash, sizeof(a.pwhash));
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return hn_db_err(rc) ? hn_db_err(rc) : HN_EDB;
	}
	*out = arr;
	return 0;
}

int
hn_sessions_insert(struct hn_db *db, const uint8_t hash[HN_TOKEN_HASH_LEN],
    int64_t account, int64_t now, int64_t expires)
{
	static const char sql[] =
	    "INSERT INTO sessions(token_hash, account_id, created_at, "
	    "expires_at) VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_blob(st, 1, hash, HN_TOKEN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, account);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, expires);
	return step_done(st);
}

int
hn_sessions_lookup(struct hn_db *db, const uint8_t hash[HN_TOKEN_HASH_LEN],
    int64_t now, struct hn_account *a, int64_t *expires)
{
	static const char sql[] =
	    "SELECT s.token_hash, s.expires_at, a.id, a.name, a.role, "
	    "a.pwhash, a.failed, a.locked_until, a.lang, a.disabled, "
	    "a.created_at FROM sessions s JOIN accounts a "
	    "ON a.id = s.account_id WHERE s.token_hash = ? AND "
	    "s.expires_at > ?";
	sqlite3_stmt *st;
	const void *h;
	int r, rc;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_blob(st, 1, hash, HN_TOKEN_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		h = sqlite3_column_blob(st, 0);
		/* the index found it; compare again in constant time */
		if (h == NULL ||
		    sqlite3_column_bytes(st, 0) != HN_TOKEN_HASH_LEN ||
		    hn_memeq_ct(h, hash, HN_TOKEN_HASH_LEN) != 0) {
			r = HN_ENOTFOUND;
		} else {
			if (expires != NULL)
				*expires = sqlite3_column_int64(st, 1);
			read_account(st, 2, a);
			hn_wipe(a->pwhash, sizeof(a->pwhash));
			r = 0;
		}
	} else {
		r = rc == SQLITE_DONE ? HN_ENOTFOUND : hn_db_err(rc);
	}
	sqlite3_reset(st);
	return r;
}

int
hn_sessions_delete(struct hn_db *db, const uint8_t hash[HN_TOKEN_HASH_LEN])
{
	static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_blob(st, 1, hash, HN_TOKEN_HASH_LEN, SQLITE_STATIC);
	return step_done(st);
}

int
hn_sessions_purge(struct hn_db *db, int64_t now)
{
	static const char sql[] = "DELETE FROM sessions WHERE expires_at <= ?";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, now);
	return step_done(st);
}
