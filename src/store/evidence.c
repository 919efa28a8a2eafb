#include "store/evidence.h"

#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

const struct hn_migration hn_evidence_migrations[] = {
	{ "0100-evidence",
	    "CREATE TABLE evidence_item ("
	    " id INTEGER PRIMARY KEY,"
	    " request_id TEXT NOT NULL,"
	    " name TEXT NOT NULL,"
	    " description TEXT NOT NULL DEFAULT '',"
	    " sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
	    " sha1 TEXT NOT NULL DEFAULT '',"
	    " md5 TEXT NOT NULL DEFAULT '',"
	    " size INTEGER NOT NULL CHECK (size >= 0),"
	    " added_at INTEGER NOT NULL,"
	    " added_by TEXT NOT NULL,"
	    /* art. 36: who sent it, under which conditions, onward consent */
	    " origin TEXT NOT NULL DEFAULT '',"
	    " conditions TEXT NOT NULL DEFAULT '',"
	    " onward_consent TEXT NOT NULL DEFAULT '',"
	    " retention_until INTEGER NOT NULL DEFAULT 0,"
	    " deleted_at INTEGER NOT NULL DEFAULT 0,"
	    " UNIQUE (request_id, name));"
	    "CREATE INDEX evidence_item_sha256 ON evidence_item(sha256);"
	    "CREATE TABLE evidence_custody ("
	    " id INTEGER PRIMARY KEY,"
	    " item_id INTEGER NOT NULL REFERENCES evidence_item(id),"
	    " action TEXT NOT NULL,"
	    " at INTEGER NOT NULL,"
	    " actor TEXT NOT NULL,"
	    " reason TEXT NOT NULL DEFAULT '',"
	    " detail TEXT NOT NULL DEFAULT '',"
	    " ledger_index INTEGER NOT NULL DEFAULT -1);"
	    "CREATE INDEX evidence_custody_item ON evidence_custody(item_id, id);"
	    /* transfers over federation (the wire part comes with src/fed/) */
	    "CREATE TABLE evidence_transfer ("
	    " id INTEGER PRIMARY KEY,"
	    " item_id INTEGER NOT NULL REFERENCES evidence_item(id),"
	    " direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),"
	    " peer TEXT NOT NULL,"
	    " conditions TEXT NOT NULL DEFAULT '',"
	    " sent_bytes INTEGER NOT NULL DEFAULT 0,"
	    " state TEXT NOT NULL DEFAULT 'pending',"
	    " created_at INTEGER NOT NULL,"
	    " acked_at INTEGER NOT NULL DEFAULT 0);" },
	{ "0101-evidence-uploads",
	    "CREATE TABLE evidence_upload ("
	    " id TEXT PRIMARY KEY,"
	    " request_id TEXT NOT NULL,"
	    " name TEXT NOT NULL,"
	    " description TEXT NOT NULL DEFAULT '',"
	    " created_by TEXT NOT NULL,"
	    " created_at INTEGER NOT NULL);" },
	/* transfers over the federation channel (store/evxfer.h) */
	{ "0102-evidence-transfer-wire",
	    "ALTER TABLE evidence_transfer ADD COLUMN xfer TEXT NOT NULL "
	    " DEFAULT '';"
	    "ALTER TABLE evidence_transfer ADD COLUMN total INTEGER NOT NULL "
	    " DEFAULT 0;"
	    "ALTER TABLE evidence_transfer ADD COLUMN error TEXT NOT NULL "
	    " DEFAULT '';"
	    "ALTER TABLE evidence_transfer ADD COLUMN their_index INTEGER "
	    " NOT NULL DEFAULT -1;"
	    "ALTER TABLE evidence_transfer ADD COLUMN receipt TEXT NOT NULL "
	    " DEFAULT '';"
	    "CREATE INDEX evidence_transfer_item ON evidence_transfer(item_id);"
	    "CREATE TABLE evidence_incoming ("
	    " sender TEXT NOT NULL,"
	    " xfer TEXT NOT NULL,"
	    " request_id TEXT NOT NULL,"
	    " name TEXT NOT NULL,"
	    " description TEXT NOT NULL DEFAULT '',"
	    " sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
	    " size INTEGER NOT NULL CHECK (size >= 0),"
	    " sealed_size INTEGER NOT NULL CHECK (sealed_size >= 0),"
	    " conditions TEXT NOT NULL DEFAULT '',"
	    " state TEXT NOT NULL,"
	    " error TEXT NOT NULL DEFAULT '',"
	    " item_id INTEGER NOT NULL DEFAULT 0,"
	    " receipt TEXT NOT NULL DEFAULT '',"
	    " created_at INTEGER NOT NULL,"
	    " PRIMARY KEY (sender, xfer));" },
	/* the request a wire transfer answers when it is not the item's
	 * (an onward transfer, art. 36; '' : the item's) */
	{ "0103-evidence-transfer-request",
	    "ALTER TABLE evidence_transfer ADD COLUMN request_id TEXT NOT NULL "
	    " DEFAULT '';" },
	/* a wire transfer is a work item of the delivery engine (fed/fed.h):
	 * due at next_ms, its failed attempts since the last progress */
	{ "0104-evidence-transfer-engine",
	    "ALTER TABLE evidence_transfer ADD COLUMN next_ms INTEGER NOT NULL "
	    " DEFAULT 0;"
	    "ALTER TABLE evidence_transfer ADD COLUMN attempts INTEGER NOT NULL "
	    " DEFAULT 0;"
	    "CREATE INDEX evidence_transfer_due ON evidence_transfer(next_ms) "
	    " WHERE direction = 'out' AND xfer != '' AND state = 'sending';" },
	{ NULL, NULL }
};

static const char *const actions[] = { "intake", "seal", "transfer_out",
	"acknowledged", "received", "verified", "opened", "exported", "deleted",
	NULL };

int
hn_evidence_custody_action_valid(const char *action)
{
	int i;

	for (i = 0; actions[i] != NULL; i++)
		if (strcmp(actions[i], action) == 0)
			return 0;
	return HN_EINVAL;
}

void
hn_evidence_safe_name(char out[HN_EV_NAME_MAX + 1], const char *in)
{
	const char *base = strrchr(in, '/');
	size_t i, n = 0;
	char c;

	base = base != NULL ? base + 1 : in;
	for (i = 0; base[i] != '\0' && n < HN_EV_NAME_MAX; i++) {
		c = base[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '.' || c == '_' ||
			c == '-' || c == ' ' || c == '+'))
			c = '_';
		if (n == 0 && c == '.')
			c = '_';
		out[n++] = c;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	if (n == 0)
		out[n++] = '_';
	out[n] = '\0';
}

static int
fits(const char *s, size_t max)
{
	return s != NULL && strnlen(s, max + 1) <= max;
}

#define ITEM_COLS \
	"id, request_id, name, description, sha256, sha1, md5, " \
	"size, added_at, added_by, origin, conditions, onward_consent, " \
	"retention_until, deleted_at"

static void
item_row(sqlite3_stmt *st, void *p)
{
	struct hn_evidence_item *it = p;

	memset(it, 0, sizeof(*it));
	it->id = sqlite3_column_int64(st, 0);
	HN_DB_COL(st, 1, it->request_id);
	HN_DB_COL(st, 2, it->name);
	HN_DB_COL(st, 3, it->description);
	HN_DB_COL(st, 4, it->sha256);
	HN_DB_COL(st, 5, it->sha1);
	HN_DB_COL(st, 6, it->md5);
	it->size = (uint64_t)sqlite3_column_int64(st, 7);
	it->added_at = sqlite3_column_int64(st, 8);
	HN_DB_COL(st, 9, it->added_by);
	HN_DB_COL(st, 10, it->origin);
	HN_DB_COL(st, 11, it->conditions);
	HN_DB_COL(st, 12, it->onward_consent);
	it->retention_until = sqlite3_column_int64(st, 13);
	it->deleted_at = sqlite3_column_int64(st, 14);
}

int
hn_evidence_insert(struct hn_db *db, struct hn_evidence_item *it)
{
	static const char sql[] =
	    "INSERT INTO evidence_item (request_id, "
	    "name, description, sha256, sha1, md5, size, added_at, added_by, "
	    "origin, conditions, onward_consent, retention_until) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int r;

	if (!fits(it->request_id, HN_EV_REQUEST_MAX) ||
	    it->request_id[0] == '\0' || !fits(it->name, HN_EV_NAME_MAX) ||
	    it->name[0] == '\0' || strlen(it->sha256) != 64 ||
	    it->size > (uint64_t)INT64_MAX)
		return HN_EINVAL;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, it->request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, it->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, it->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, it->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, it->sha1, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, it->md5, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (int64_t)it->size);
	sqlite3_bind_int64(st, 8, it->added_at);
	sqlite3_bind_text(st, 9, it->added_by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, it->origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, it->conditions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, it->onward_consent, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, it->retention_until);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	if (r != 0)
		return r;
	it->id = sqlite3_last_insert_rowid(hn_db_sqlite(db));
	return 0;
}

int
hn_evidence_get(struct hn_db *db, int64_t id, struct hn_evidence_item *it)
{
	static const char sql[] =
	    "SELECT " ITEM_COLS " FROM evidence_item WHERE id = ?";
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		item_row(st, it);
	r = rc == SQLITE_ROW  ? 0 :
	    rc == SQLITE_DONE ? HN_ENOTFOUND :
				hn_db_err(rc);
	sqlite3_reset(st);
	return r;
}

int
hn_evidence_list(struct hn_db *db, const char *request_id,
    struct hn_evidence_item **items, size_t *n)
{
	static const char sql[] =
	    "SELECT " ITEM_COLS
	    " FROM evidence_item WHERE request_id = ? ORDER BY id";
	sqlite3_stmt *st;
	void *v;
	int r;

	*items = NULL;
	*n = 0;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, request_id, -1, SQLITE_STATIC);
	if ((r = hn_db_rows(st, sizeof(**items), HN_EV_LIST_MAX, item_row, &v,
		 n)) == 0)
		*items = v;
	return r;
}

int
hn_evidence_object_refs(struct hn_db *db, const char *sha256, int64_t except_id,
    int64_t *count)
{
	static const char sql[] = "SELECT count(*) FROM evidence_item WHERE "
				  "sha256 = ? AND id != ? AND deleted_at = 0";
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, except_id);
	rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	r = rc == SQLITE_ROW ? 0 : hn_db_err(rc) ? hn_db_err(rc) : HN_EDB;
	sqlite3_reset(st);
	return r;
}

static int
update(struct hn_db *db, const char *sql, int64_t id, int64_t v, const char *s)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	if (s != NULL)
		sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, v);
	sqlite3_bind_int64(st, 2, id);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	if (r == 0 && sqlite3_changes(hn_db_sqlite(db)) != 1)
		r = HN_ENOTFOUND;
	return r;
}

int
hn_evidence_mark_deleted(struct hn_db *db, int64_t id, int64_t at)
{
	static const char sql[] = "UPDATE evidence_item SET deleted_at = ? "
				  "WHERE id = ?";

	return update(db, sql, id, at, NULL);
}

int
hn_evidence_set_consent(struct hn_db *db, int64_t id, const char *consent)
{
	static const char sql[] = "UPDATE evidence_item SET onward_consent = ? "
				  "WHERE id = ?";

	if (!fits(consent, HN_EV_TEXT_MAX))
		return HN_ETOOBIG;
	return update(db, sql, id, 0, consent);
}

int
hn_evidence_set_origin(struct hn_db *db, int64_t id, const char *origin,
    const char *conditions)
{
	static const char sql[] = "UPDATE evidence_item SET origin = ?, "
				  "conditions = ? WHERE id = ?";
	sqlite3_stmt *st;
	int r;

	if (!fits(origin, HN_EV_WHO_MAX) || !fits(conditions, HN_EV_TEXT_MAX))
		return HN_ETOOBIG;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, conditions, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	if (r == 0 && sqlite3_changes(hn_db_sqlite(db)) != 1)
		r = HN_ENOTFOUND;
	return r;
}

int
hn_evidence_set_retention(struct hn_db *db, int64_t id, int64_t until)
{
	static const char sql[] =
	    "UPDATE evidence_item SET retention_until = ? "
	    "WHERE id = ?";

	return update(db, sql, id, until, NULL);
}

int
hn_transfer_insert(struct hn_db *db, int64_t item_id, const char *direction,
    const char *peer, const char *conditions, int64_t at)
{
	static const char sql[] =
	    "INSERT INTO evidence_transfer (item_id, "
	    "direction, peer, conditions, state, created_at) VALUES "
	    "(?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int r;

	if ((strcmp(direction, "out") != 0 && strcmp(direction, "in") != 0) ||
	    !fits(peer, HN_EV_WHO_MAX) || !fits(conditions, HN_EV_TEXT_MAX))
		return HN_EINVAL;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_text(st, 2, direction, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, peer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, conditions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5,
	    strcmp(direction, "in") == 0 ? "verified" : "sealed", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, at);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	return r;
}

int
hn_evidence_onward_allowed(const struct hn_evidence_item *it)
{
	/* art. 36: onward transfer of received data needs the sender's
	 * prior authorisation; our own evidence follows our own law */
	if (it->deleted_at != 0)
		return HN_EDENIED;
	if (it->origin[0] == '\0')
		return 0;
	return it->onward_consent[0] != '\0' ? 0 : HN_EDENIED;
}

int
hn_evidence_custody_insert(struct hn_db *db, struct hn_evidence_custody *ev)
{
	static const char sql[] =
	    "INSERT INTO evidence_custody (item_id, "
	    "action, at, actor, reason, detail, ledger_index) VALUES "
	    "(?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int r;

	if (hn_evidence_custody_action_valid(ev->action) != 0 ||
	    !fits(ev->actor, HN_EV_WHO_MAX) ||
	    !fits(ev->reason, HN_EV_TEXT_MAX) ||
	    !fits(ev->detail, HN_EV_TEXT_MAX))
		return HN_EINVAL;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, ev->item_id);
	sqlite3_bind_text(st, 2, ev->action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ev->at);
	sqlite3_bind_text(st, 4, ev->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ev->reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, ev->detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, ev->ledger_index);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	if (r == 0)
		ev->id = sqlite3_last_insert_rowid(hn_db_sqlite(db));
	return r;
}

static void
custody_row(sqlite3_stmt *st, void *p)
{
	struct hn_evidence_custody *e = p;

	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
	e->item_id = sqlite3_column_int64(st, 1);
	HN_DB_COL(st, 2, e->action);
	e->at = sqlite3_column_int64(st, 3);
	HN_DB_COL(st, 4, e->actor);
	HN_DB_COL(st, 5, e->reason);
	HN_DB_COL(st, 6, e->detail);
	e->ledger_index = sqlite3_column_int64(st, 7);
}

int
hn_evidence_custody_list(struct hn_db *db, int64_t item_id,
    struct hn_evidence_custody **evs, size_t *n)
{
	static const char sql[] =
	    "SELECT id, item_id, action, at, actor, "
	    "reason, detail, ledger_index FROM evidence_custody WHERE "
	    "item_id = ? ORDER BY id";
	sqlite3_stmt *st;
	void *v;
	int r;

	*evs = NULL;
	*n = 0;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, item_id);
	if ((r = hn_db_rows(st, sizeof(**evs), HN_EV_LIST_MAX, custody_row, &v,
		 n)) == 0)
		*evs = v;
	return r;
}

int
hn_upload_insert(struct hn_db *db, const struct hn_upload *u)
{
	static const char sql[] =
	    "INSERT INTO evidence_upload (id, "
	    "request_id, name, description, created_by, created_at) VALUES "
	    "(?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int r;

	if (!fits(u->id, 64) || u->id[0] == '\0' ||
	    !fits(u->request_id, HN_EV_REQUEST_MAX) ||
	    !fits(u->name, HN_EV_NAME_MAX) ||
	    !fits(u->description, HN_EV_TEXT_MAX) ||
	    !fits(u->created_by, HN_EV_WHO_MAX))
		return HN_EINVAL;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, u->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, u->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, u->created_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, u->created_at);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	return r;
}

int
hn_upload_get(struct hn_db *db, const char *id, struct hn_upload *u)
{
	static const char sql[] =
	    "SELECT id, request_id, name, description, "
	    "created_by, created_at FROM evidence_upload WHERE id = ?";
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(u, 0, sizeof(*u));
		HN_DB_COL(st, 0, u->id);
		HN_DB_COL(st, 1, u->request_id);
		HN_DB_COL(st, 2, u->name);
		HN_DB_COL(st, 3, u->description);
		HN_DB_COL(st, 4, u->created_by);
		u->created_at = sqlite3_column_int64(st, 5);
	}
	r = rc == SQLITE_ROW  ? 0 :
	    rc == SQLITE_DONE ? HN_ENOTFOUND :
				hn_db_err(rc);
	sqlite3_reset(st);
	return r;
}

int
hn_upload_delete(struct hn_db *db, const char *id)
{
	static const char sql[] = "DELETE FROM evidence_upload WHERE id = ?";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	return r;
}
