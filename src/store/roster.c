#include "store/roster.h"

#include <stdlib.h>

#include "store/db.h"
#include "util/json.h"

const struct hn_migration hn_roster_migrations[] = {
	{ "1600-roster",
	    "CREATE TABLE alert_roster ("
	    " id INTEGER PRIMARY KEY CHECK (id = 1),"
	    " doc TEXT NOT NULL,"
	    " updated_by TEXT NOT NULL,"
	    " updated_at INTEGER NOT NULL);" },
	{ NULL, NULL }
};

int
hn_roster_get(struct hn_db *db, json_t **out)
{
	sqlite3_stmt *st;
	const char *text;
	json_t *v = NULL;
	int r;

	*out = NULL;
	if ((r = hn_db_stmt(db, &st,
		 "SELECT doc, updated_by, updated_at "
		 "FROM alert_roster WHERE id = 1")) != 0)
		return r;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(st, 0);
		v = text ? json_loads(text, 0, NULL) : NULL;
		if (v == NULL) {
			r = HN_EDB;
			goto out;
		}
		json_object_set_new(v, "updated_by",
		    json_string((const char *)sqlite3_column_text(st, 1)));
		json_object_set_new(v, "updated_at",
		    json_integer(sqlite3_column_int64(st, 2)));
		r = 0;
	} else if (r == SQLITE_DONE) {
		v = json_pack("{s:s, s:[]}", "zone", "UTC", "people");
		r = v ? 0 : HN_ENOMEM;
	} else {
		r = hn_db_err(r);
	}
out:
	/* a statement left on a row would pin this reader's snapshot */
	sqlite3_reset(st);
	if (r == 0)
		*out = v;
	else
		json_decref(v);
	return r;
}

int
hn_roster_put(struct hn_db *db, const json_t *doc, const char *by, int64_t now)
{
	sqlite3_stmt *st;
	char *text;
	int r;

	if ((text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return HN_ENOMEM;
	if ((r = hn_db_stmt(db, &st,
		 "INSERT INTO alert_roster(id, doc, updated_by, updated_at) "
		 "VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
		 "doc = excluded.doc, updated_by = excluded.updated_by, "
		 "updated_at = excluded.updated_at")) != 0)
		goto out;
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, now);
	r = sqlite3_step(st);
	r = r == SQLITE_DONE ? 0 : hn_db_err(r);
	sqlite3_reset(st);
out:
	free(text);
	return r;
}
