#include "store/requests.h"

#include "store/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/fmt.h"

const struct hn_migration hn_requests_migrations[] = {
	{ "0200-requests",
	    "CREATE TABLE requests ("
	    " id TEXT PRIMARY KEY,"
	    " kind TEXT NOT NULL,"
	    " side TEXT NOT NULL CHECK (side IN ('requesting','requested')),"
	    " from_party TEXT NOT NULL,"
	    " to_party TEXT NOT NULL,"
	    " state TEXT NOT NULL,"
	    " legal_basis TEXT NOT NULL,"
	    " created_by TEXT NOT NULL,"
	    " remote_id TEXT,"
	    " body TEXT NOT NULL,"
	    " created_at INTEGER NOT NULL,"
	    " updated_at INTEGER NOT NULL,"
	    " received_at INTEGER,"
	    " preserved_at INTEGER,"
	    " followup_received_at INTEGER,"
	    " followup_decided_at INTEGER,"
	    " stated_deadline INTEGER,"
	    " next_due INTEGER,"
	    " soon_at INTEGER,"
	    " ledger_index INTEGER NOT NULL);"
	    "CREATE INDEX requests_created ON requests(created_at, id);"
	    "CREATE INDEX requests_due ON requests(next_due);"
	    "CREATE INDEX requests_state ON requests(state, created_at);"
	    "CREATE UNIQUE INDEX requests_remote ON requests(remote_id) "
	    " WHERE remote_id IS NOT NULL;"
	    "CREATE TABLE request_events ("
	    " seq INTEGER PRIMARY KEY,"
	    " request_id TEXT NOT NULL REFERENCES requests(id),"
	    " at INTEGER NOT NULL,"
	    " actor TEXT NOT NULL,"
	    " from_state TEXT,"
	    " to_state TEXT NOT NULL,"
	    " payload TEXT,"
	    " ledger_index INTEGER NOT NULL);"
	    "CREATE INDEX request_events_req ON request_events(request_id, seq);" },
	/*
	 * Art. 41 and 40: when each copy was acknowledged (the emergency's
	 * execution clock starts there) and the order of lists (core's
	 * hn_deadline_order_key: open emergencies first, then the earliest
	 * next_due, then the newest). Existing rows get what the code of this
	 * version computes, with the default configuration (a node configured
	 * otherwise corrects a row at its next change): the acknowledgement
	 * time from the history, no clock in a final state, the emergency's
	 * execution due 24 h after its acknowledgement (due soon 6 h before),
	 * and the order key.
	 */
	{ "0201-requests-clocks",
	    "ALTER TABLE requests ADD COLUMN acknowledged_at INTEGER;"
	    "ALTER TABLE requests ADD COLUMN order_key INTEGER NOT NULL"
	    " DEFAULT 0;"
	    "UPDATE requests SET acknowledged_at = (SELECT min(e.at)"
	    " FROM request_events e WHERE e.request_id = requests.id"
	    " AND e.to_state IN ('acknowledged','postponed'));"
	    "UPDATE requests SET next_due = NULL, soon_at = NULL"
	    " WHERE state IN ('executed','partially_executed','refused',"
	    " 'expired','released','withdrawn','rejected');"
	    "UPDATE requests SET next_due = acknowledged_at + 86400,"
	    " soon_at = acknowledged_at + 64800"
	    " WHERE kind = 'emergency' AND state IN ('acknowledged','postponed')"
	    " AND acknowledged_at IS NOT NULL"
	    " AND (next_due IS NULL OR next_due > acknowledged_at + 86400);"
	    "UPDATE requests SET order_key ="
	    " (CASE WHEN kind = 'emergency' AND state NOT IN ('executed',"
	    " 'partially_executed','refused','expired','released','withdrawn',"
	    " 'rejected')"
	    " THEN 0 ELSE 8796093022208 END) +"
	    " (CASE WHEN next_due IS NOT NULL"
	    " THEN max(0, min(next_due, 4398046511103))"
	    " ELSE 8796093022207 - max(0, min(created_at, 4398046511103)) END);"
	    "CREATE INDEX requests_order ON requests(order_key);" },
	{ NULL, NULL }
};

void
hn_request_row_init(struct hn_request_row *r)
{
	memset(r, 0, sizeof(*r));
	r->received_at = r->preserved_at = HN_RQ_NONE;
	r->followup_received_at = r->followup_decided_at = HN_RQ_NONE;
	r->stated_deadline = r->next_due = r->soon_at = HN_RQ_NONE;
	r->acknowledged_at = HN_RQ_NONE;
	r->order_key = HN_RQ_ORDER_LAST;
}

void
hn_request_row_release(struct hn_request_row *r)
{
	if (r == NULL)
		return;
	free(r->body);
	r->body = NULL;
}

static void
bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t == HN_RQ_NONE)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, t);
}

static int64_t
col_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ?
	    HN_RQ_NONE :
	    sqlite3_column_int64(st, i);
}

static int
done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	return hn_db_err(rc) ? hn_db_err(rc) : HN_EDB;
}

int
hn_requests_insert(struct hn_db *db, const struct hn_request_row *r)
{
	static const char sql[] =
	    "INSERT INTO requests(id, kind, side, from_party, to_party, state,"
	    " legal_basis, created_by, remote_id, body, created_at, updated_at,"
	    " received_at, preserved_at, followup_received_at,"
	    " followup_decided_at, stated_deadline, next_due, soon_at,"
	    " ledger_index, acknowledged_at, order_key)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc;

	if ((rc = hn_db_stmt(db, &st, sql)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->side, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->legal_basis, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->created_by, -1, SQLITE_STATIC);
	if (r->remote_id[0])
		sqlite3_bind_text(st, 9, r->remote_id, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_text(st, 10, r->body ? r->body : "{}", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, r->created_at);
	sqlite3_bind_int64(st, 12, r->updated_at);
	bind_time(st, 13, r->received_at);
	bind_time(st, 14, r->preserved_at);
	bind_time(st, 15, r->followup_received_at);
	bind_time(st, 16, r->followup_decided_at);
	bind_time(st, 17, r->stated_deadline);
	bind_time(st, 18, r->next_due);
	bind_time(st, 19, r->soon_at);
	sqlite3_bind_int64(st, 20, (sqlite3_int64)r->ledger_index);
	bind_time(st, 21, r->acknowledged_at);
	sqlite3_bind_int64(st, 22, r->order_key);
	return done(st);
}

#define ROW_COLS \
	"id, kind, side, from_party, to_party, state, legal_basis," \
	" created_by, remote_id, body, created_at, updated_at, received_at," \
	" preserved_at, followup_received_at, followup_decided_at," \
	" stated_deadline, next_due, soon_at, ledger_index, acknowledged_at," \
	" order_key"

int
hn_requests_get(struct hn_db *db, const char *id, struct hn_request_row *r)
{
	static const char sql[] =
	    "SELECT " ROW_COLS " FROM requests WHERE id = ?";
	const unsigned char *b;
	sqlite3_stmt *st;
	int rc;

	hn_request_row_init(r);
	if ((rc = hn_db_stmt(db, &st, sql)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? HN_ENOTFOUND : HN_EDB;
	}
	HN_DB_COL(st, 0, r->id);
	HN_DB_COL(st, 1, r->kind);
	HN_DB_COL(st, 2, r->side);
	HN_DB_COL(st, 3, r->from);
	HN_DB_COL(st, 4, r->to);
	HN_DB_COL(st, 5, r->state);
	HN_DB_COL(st, 6, r->legal_basis);
	HN_DB_COL(st, 7, r->created_by);
	HN_DB_COL(st, 8, r->remote_id);
	b = sqlite3_column_text(st, 9);
	r->body = strdup(b ? (const char *)b : "{}");
	r->created_at = sqlite3_column_int64(st, 10);
	r->updated_at = sqlite3_column_int64(st, 11);
	r->received_at = col_time(st, 12);
	r->preserved_at = col_time(st, 13);
	r->followup_received_at = col_time(st, 14);
	r->followup_decided_at = col_time(st, 15);
	r->stated_deadline = col_time(st, 16);
	r->next_due = col_time(st, 17);
	r->soon_at = col_time(st, 18);
	r->ledger_index = (uint64_t)sqlite3_column_int64(st, 19);
	r->acknowledged_at = col_time(st, 20);
	r->order_key = sqlite3_column_int64(st, 21);
	sqlite3_reset(st);
	return r->body == NULL ? HN_ENOMEM : 0;
}

int
hn_requests_update(struct hn_db *db, const struct hn_request_row *r)
{
	static const char sql[] =
	    "UPDATE requests SET state = ?, updated_at = ?, received_at = ?,"
	    " preserved_at = ?, followup_received_at = ?,"
	    " followup_decided_at = ?, next_due = ?, soon_at = ?,"
	    " ledger_index = ?, acknowledged_at = ?, order_key = ?"
	    " WHERE id = ?";
	sqlite3_stmt *st;
	int rc;

	if ((rc = hn_db_stmt(db, &st, sql)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, r->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->updated_at);
	bind_time(st, 3, r->received_at);
	bind_time(st, 4, r->preserved_at);
	bind_time(st, 5, r->followup_received_at);
	bind_time(st, 6, r->followup_decided_at);
	bind_time(st, 7, r->next_due);
	bind_time(st, 8, r->soon_at);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)r->ledger_index);
	bind_time(st, 10, r->acknowledged_at);
	sqlite3_bind_int64(st, 11, r->order_key);
	sqlite3_bind_text(st, 12, r->id, -1, SQLITE_STATIC);
	if ((rc = done(st)) != 0)
		return rc;
	return sqlite3_changes(hn_db_sqlite(db)) == 1 ? 0 : HN_ENOTFOUND;
}

int
hn_requests_preserved_before(struct hn_db *db, int64_t before, int64_t now,
    char (*ids)[HN_REQUEST_ID_LEN + 1], size_t max, size_t *n)
{
	static const char sql[] =
	    "SELECT id FROM requests WHERE state IN ('preserved','extended')"
	    " AND side = 'requested' AND preserved_at <= ?"
	    " AND (followup_received_at IS NULL OR"
	    "  followup_decided_at IS NOT NULL)"
	    " AND (followup_decided_at IS NULL OR followup_decided_at <= ?)"
	    " ORDER BY preserved_at LIMIT ?";
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if ((rc = hn_db_stmt(db, &st, sql)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		HN_DB_COL(st, 0, ids[*n]);
		(*n)++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : HN_EDB;
}

int
hn_requests_event_add(struct hn_db *db, const char *id, int64_t at,
    const char *actor, const char *from, const char *to, const char *payload,
    uint64_t ledger_index)
{
	static const char sql[] =
	    "INSERT INTO request_events(request_id, at, actor, from_state,"
	    " to_state, payload, ledger_index) VALUES (?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc;

	if ((rc = hn_db_stmt(db, &st, sql)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, actor, -1, SQLITE_STATIC);
	if (from != NULL)
		sqlite3_bind_text(st, 4, from, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, to, -1, SQLITE_STATIC);
	if (payload != NULL)
		sqlite3_bind_text(st, 6, payload, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)ledger_index);
	return done(st);
}

int
hn_requests_events(struct hn_db *db, const char *id, json_t **out)
{
	static const char sql[] =
	    "SELECT at, actor, from_state, to_state, payload, ledger_index"
	    " FROM request_events WHERE request_id = ? ORDER BY seq LIMIT 1000";
	const unsigned char *p;
	sqlite3_stmt *st;
	json_t *arr, *o, *pl;
	int rc;

	*out = NULL;
	if ((rc = hn_db_stmt(db, &st, sql)) != 0)
		return rc;
	if ((arr = json_array()) == NULL)
		return HN_ENOMEM;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		o = json_pack("{s:I, s:s, s:s?, s:s, s:I}", "at",
		    (json_int_t)sqlite3_column_int64(st, 0), "actor",
		    (const char *)sqlite3_column_text(st, 1), "from",
		    (const char *)sqlite3_column_text(st, 2), "to",
		    (const char *)sqlite3_column_text(st, 3), "ledger_index",
		    (json_int_t)sqlite3_column_int64(st, 5));
		if (o == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		p = sqlite3_column_text(st, 4);
		if (p != NULL &&
		    (pl = json_loads((const char *)p, 0, NULL)) != NULL)
			json_object_set_new(o, "payload", pl);
		json_array_append_new(arr, o);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return hn_db_err(rc) ? hn_db_err(rc) : HN_EDB;
	}
	*out = arr;
	return 0;
}

int
hn_requests_cursor_parse(const char *s, struct hn_request_filter *f)
{
	long long key, rowid;
	char *end;

	/* "KEY.ROWID", both decimal without sign: no strtoll leniency */
	if (s == NULL || *s < '0' || *s > '9')
		return HN_EINVAL;
	errno = 0;
	key = strtoll(s, &end, 10);
	if (errno != 0 || *end != '.' || end[1] < '0' || end[1] > '9' ||
	    key > HN_RQ_ORDER_LAST)
		return HN_EINVAL;
	rowid = strtoll(end + 1, &end, 10);
	if (errno != 0 || *end != '\0' || rowid < 1)
		return HN_EINVAL;
	f->cursor = true;
	f->after_key = key;
	f->before_rowid = rowid;
	return 0;
}

int
hn_requests_list(struct hn_db *db, const struct hn_request_filter *f,
    json_t *items, int *more, char cursor[HN_RQ_CURSOR_MAX])
{
	/*
	 * One statement with optional filters (NULL parameters match all).
	 * The order is the stored order_key (core's hn_deadline_order_key),
	 * the most recently stored first among equal keys; a page starts
	 * after the (order_key, rowid) of the previous page's last row,
	 * a range of the order_key index.
	 */
	static const char sql[] =
	    "SELECT id, kind, side, from_party, to_party, state, legal_basis,"
	    " created_at, updated_at, next_due, ledger_index, rowid, order_key"
	    " FROM requests"
	    " WHERE (?1 IS NULL OR kind = ?1)"
	    " AND (?2 IS NULL OR from_party = ?2 OR to_party = ?2)"
	    " AND (?3 IS NULL OR state = ?3)"
	    " AND (?4 IS NULL OR side = ?4)"
	    " AND (?5 IS NULL"
	    "  OR (?5 = 2 AND next_due IS NOT NULL AND next_due <= ?6)"
	    "  OR (?5 = 1 AND next_due > ?6 AND soon_at <= ?6)"
	    "  OR (?5 = 0 AND (next_due IS NULL OR soon_at > ?6)))"
	    " AND order_key >= ?7 AND (order_key > ?7 OR rowid < ?8)"
	    " ORDER BY order_key, rowid DESC LIMIT ?9";
	sqlite3_stmt *st;
	json_t *o;
	int rc, n = 0;

	*more = 0;
	cursor[0] = '\0';
	if ((rc = hn_db_stmt(db, &st, sql)) != 0)
		return rc;
	if (f->kind)
		sqlite3_bind_text(st, 1, f->kind, -1, SQLITE_STATIC);
	if (f->party)
		sqlite3_bind_text(st, 2, f->party, -1, SQLITE_STATIC);
	if (f->state)
		sqlite3_bind_text(st, 3, f->state, -1, SQLITE_STATIC);
	if (f->side)
		sqlite3_bind_text(st, 4, f->side, -1, SQLITE_STATIC);
	if (f->level >= 0)
		sqlite3_bind_int(st, 5, f->level);
	sqlite3_bind_int64(st, 6, f->now);
	sqlite3_bind_int64(st, 7, f->cursor ? f->after_key : -1);
	sqlite3_bind_int64(st, 8, f->cursor ? f->before_rowid : INT64_MAX);
	sqlite3_bind_int(st, 9, f->limit + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == f->limit) {
			*more = 1;
			continue;
		}
		o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I,"
			      " s:I}",
		    "id", (const char *)sqlite3_column_text(st, 0), "kind",
		    (const char *)sqlite3_column_text(st, 1), "side",
		    (const char *)sqlite3_column_text(st, 2), "from",
		    (const char *)sqlite3_column_text(st, 3), "to",
		    (const char *)sqlite3_column_text(st, 4), "state",
		    (const char *)sqlite3_column_text(st, 5), "legal_basis",
		    (const char *)sqlite3_column_text(st, 6), "created_at",
		    (json_int_t)sqlite3_column_int64(st, 7), "updated_at",
		    (json_int_t)sqlite3_column_int64(st, 8), "ledger_index",
		    (json_int_t)sqlite3_column_int64(st, 10));
		if (o == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		/* two 64-bit numbers: 2 x 20 digits, a dot and a sign */
		HN_FMT_FIXED(cursor, HN_RQ_CURSOR_MAX, "%lld.%lld",
		    (long long)sqlite3_column_int64(st, 12),
		    (long long)sqlite3_column_int64(st, 11));
		if (sqlite3_column_type(st, 9) != SQLITE_NULL)
			json_object_set_new(o, "next_due",
			    json_integer(sqlite3_column_int64(st, 9)));
		json_array_append_new(items, o);
	}
	sqlite3_reset(st);
	if (!*more)
		cursor[0] = '\0';
	return rc == SQLITE_DONE ? 0 : (hn_db_err(rc) ? hn_db_err(rc) : HN_EDB);
}

int
hn_requests_counts(struct hn_db *db, int64_t now, json_t **out,
    int64_t *overdue)
{
	static const char sql[] =
	    "SELECT kind, state, count(*) FROM requests GROUP BY kind, state";
	static const char sql2[] =
	    "SELECT count(*) FROM requests WHERE next_due <= ?";
	sqlite3_stmt *st;
	json_t *o, *k;
	const char *kind;
	int rc;

	*out = NULL;
	*overdue = 0;
	if ((o = json_object()) == NULL)
		return HN_ENOMEM;
	if ((rc = hn_db_stmt(db, &st, sql)) != 0)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		kind = (const char *)sqlite3_column_text(st, 0);
		if ((k = json_object_get(o, kind)) == NULL) {
			k = json_object();
			json_object_set_new(o, kind, k);
		}
		json_object_set_new(k, (const char *)sqlite3_column_text(st, 1),
		    json_integer(sqlite3_column_int64(st, 2)));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;
	if ((rc = hn_db_stmt(db, &st, sql2)) != 0)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*overdue = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		goto fail;
	*out = o;
	return 0;
fail:
	json_decref(o);
	return rc < 0 ? rc : HN_EDB;
}
