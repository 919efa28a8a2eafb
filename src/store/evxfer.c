#include "store/evxfer.h"

#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static int
fits(const char *s, size_t max)
{
	return s != NULL && strnlen(s, max + 1) <= max;
}

int
hn_xfer_id_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < HN_XFER_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

#define OUT_COLS \
	"id, item_id, direction, peer, conditions, xfer, sent_bytes, " \
	"total, state, created_at, acked_at, their_index, error, request_id"

static void
out_row(sqlite3_stmt *st, void *p)
{
	struct hn_xfer_out *t = p;

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	t->item_id = sqlite3_column_int64(st, 1);
	HN_DB_COL(st, 2, t->direction);
	HN_DB_COL(st, 3, t->peer);
	HN_DB_COL(st, 4, t->conditions);
	HN_DB_COL(st, 5, t->xfer);
	t->sent = (uint64_t)sqlite3_column_int64(st, 6);
	t->total = (uint64_t)sqlite3_column_int64(st, 7);
	HN_DB_COL(st, 8, t->state);
	t->created_at = sqlite3_column_int64(st, 9);
	t->acked_at = sqlite3_column_int64(st, 10);
	t->their_index = sqlite3_column_int64(st, 11);
	HN_DB_COL(st, 12, t->error);
	HN_DB_COL(st, 13, t->request_id);
}

int
hn_xfer_out_insert(struct hn_db *db, struct hn_xfer_out *t)
{
	static const char sql[] =
	    "INSERT INTO evidence_transfer (item_id, "
	    "direction, peer, conditions, xfer, sent_bytes, total, state, "
	    "created_at, request_id) VALUES (?,'out',?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int r;

	if (!fits(t->peer, HN_EV_WHO_MAX) ||
	    !fits(t->conditions, HN_EV_TEXT_MAX) ||
	    !hn_xfer_id_valid(t->xfer) || !fits(t->state, HN_XFER_STATE_MAX) ||
	    !fits(t->request_id, HN_EV_REQUEST_MAX) || t->total > INT64_MAX ||
	    t->sent > t->total)
		return HN_EINVAL;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, t->item_id);
	sqlite3_bind_text(st, 2, t->peer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->conditions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->xfer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)t->sent);
	sqlite3_bind_int64(st, 6, (int64_t)t->total);
	sqlite3_bind_text(st, 7, t->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, t->created_at);
	sqlite3_bind_text(st, 9, t->request_id, -1, SQLITE_STATIC);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	if (r == 0)
		t->id = sqlite3_last_insert_rowid(hn_db_sqlite(db));
	return r;
}

static int
out_one(struct hn_db *db, const char *sql, const char *s1, int64_t i1,
    const char *s2, struct hn_xfer_out *t)
{
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	if (s1 != NULL) {
		sqlite3_bind_text(st, 1, s1, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_int64(st, 1, i1);
		sqlite3_bind_text(st, 2, s2, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		out_row(st, t);
	r = rc == SQLITE_ROW  ? 0 :
	    rc == SQLITE_DONE ? HN_ENOTFOUND :
				hn_db_err(rc);
	sqlite3_reset(st);
	return r;
}

int
hn_xfer_out_get(struct hn_db *db, const char *xfer, struct hn_xfer_out *t)
{
	static const char sql[] = "SELECT " OUT_COLS " FROM evidence_transfer "
				  "WHERE xfer = ? AND direction = 'out'";

	if (!hn_xfer_id_valid(xfer))
		return HN_ENOTFOUND;
	return out_one(db, sql, xfer, 0, NULL, t);
}

int
hn_xfer_out_latest(struct hn_db *db, int64_t item_id, const char *peer,
    struct hn_xfer_out *t)
{
	static const char sql[] =
	    "SELECT " OUT_COLS " FROM evidence_transfer "
	    "WHERE item_id = ? AND peer = ? AND direction = 'out' AND "
	    "xfer != '' ORDER BY id DESC LIMIT 1";

	return out_one(db, sql, NULL, item_id, peer, t);
}

int
hn_xfer_out_update(struct hn_db *db, const char *xfer, const char *state,
    uint64_t sent, const char *error, int64_t their_index, const char *receipt,
    int64_t acked_at)
{
	static const char sql[] =
	    "UPDATE evidence_transfer SET state = ?, "
	    "sent_bytes = ?, error = ?, their_index = ?, receipt = "
	    "coalesce(?, receipt), acked_at = ? WHERE xfer = ? AND "
	    "direction = 'out'";
	sqlite3_stmt *st;
	int r;

	if (!fits(state, HN_XFER_STATE_MAX) || !fits(error, HN_EV_TEXT_MAX) ||
	    (receipt != NULL && !fits(receipt, HN_XFER_RECEIPT_MAX)) ||
	    sent > INT64_MAX)
		return HN_EINVAL;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)sent);
	sqlite3_bind_text(st, 3, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, their_index);
	if (receipt != NULL)
		sqlite3_bind_text(st, 5, receipt, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, acked_at);
	sqlite3_bind_text(st, 7, xfer, -1, SQLITE_STATIC);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	if (r == 0 && sqlite3_changes(hn_db_sqlite(db)) != 1)
		r = HN_ENOTFOUND;
	return r;
}

int
hn_xfer_list(struct hn_db *db, int64_t item_id, struct hn_xfer_out **out,
    size_t *n)
{
	static const char sql[] = "SELECT " OUT_COLS " FROM evidence_transfer "
				  "WHERE item_id = ? ORDER BY id";
	sqlite3_stmt *st;
	void *v;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, item_id);
	if ((r = hn_db_rows(st, sizeof(**out), HN_EV_LIST_MAX, out_row, &v,
		 n)) == 0)
		*out = v;
	return r;
}

int
hn_xfer_out_schedule(struct hn_db *db, const char *xfer, int attempts,
    int64_t next_ms)
{
	static const char sql[] =
	    "UPDATE evidence_transfer SET attempts = ?, "
	    "next_ms = ? WHERE xfer = ? AND direction = 'out'";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_int(st, 1, attempts);
	sqlite3_bind_int64(st, 2, next_ms);
	sqlite3_bind_text(st, 3, xfer, -1, SQLITE_STATIC);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	if (r == 0 && sqlite3_changes(hn_db_sqlite(db)) != 1)
		r = HN_ENOTFOUND;
	return r;
}

int
hn_xfer_out_due(struct hn_db *db, const char *xfer, int64_t now_ms,
    int *attempts)
{
	static const char sql[] =
	    "SELECT attempts FROM evidence_transfer "
	    "WHERE xfer = ? AND direction = 'out' AND state = 'sending' AND "
	    "next_ms <= ?";
	sqlite3_stmt *st;
	int r, rc;

	*attempts = 0;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, xfer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*attempts = sqlite3_column_int(st, 0);
	else
		r = rc == SQLITE_DONE ? HN_ENOTFOUND : hn_db_err(rc);
	sqlite3_reset(st);
	return r;
}

int
hn_xfer_out_resume(struct hn_db *db, const char *xfer)
{
	static const char sql[] =
	    "UPDATE evidence_transfer SET state = "
	    "'sending', error = '', next_ms = 0, attempts = 0 WHERE direction "
	    "= 'out' AND xfer != '' AND state IN ('sending', 'interrupted') "
	    "AND (?1 IS NULL OR xfer = ?1)";
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	if (xfer != NULL)
		sqlite3_bind_text(st, 1, xfer, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	if (r == 0 && xfer != NULL && sqlite3_changes(hn_db_sqlite(db)) != 1)
		r = HN_ENOTFOUND;
	return r;
}

#define IN_COLS \
	"sender, xfer, request_id, name, description, sha256, size, " \
	"sealed_size, conditions, state, error, item_id, created_at"

int
hn_xfer_in_insert(struct hn_db *db, const struct hn_xfer_in *t)
{
	static const char sql[] = "INSERT INTO evidence_incoming (" IN_COLS
				  ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int r;

	if (!fits(t->sender, sizeof(t->sender) - 1) ||
	    !hn_xfer_id_valid(t->xfer) ||
	    !fits(t->request_id, HN_EV_REQUEST_MAX) ||
	    !fits(t->name, HN_EV_NAME_MAX) ||
	    !fits(t->description, HN_EV_TEXT_MAX) || strlen(t->sha256) != 64 ||
	    !fits(t->conditions, HN_EV_TEXT_MAX) ||
	    !fits(t->state, HN_XFER_STATE_MAX) ||
	    !fits(t->error, HN_EV_TEXT_MAX) || t->size > INT64_MAX ||
	    t->sealed_size > INT64_MAX)
		return HN_EINVAL;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, t->sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, t->xfer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, t->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, t->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, t->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (int64_t)t->size);
	sqlite3_bind_int64(st, 8, (int64_t)t->sealed_size);
	sqlite3_bind_text(st, 9, t->conditions, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, t->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, t->error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, t->item_id);
	sqlite3_bind_int64(st, 13, t->created_at);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	return r;
}

int
hn_xfer_in_get(struct hn_db *db, const char *sender, const char *xfer,
    struct hn_xfer_in *t)
{
	static const char sql[] = "SELECT " IN_COLS " FROM evidence_incoming "
				  "WHERE sender = ? AND xfer = ?";
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, xfer, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(t, 0, sizeof(*t));
		HN_DB_COL(st, 0, t->sender);
		HN_DB_COL(st, 1, t->xfer);
		HN_DB_COL(st, 2, t->request_id);
		HN_DB_COL(st, 3, t->name);
		HN_DB_COL(st, 4, t->description);
		HN_DB_COL(st, 5, t->sha256);
		t->size = (uint64_t)sqlite3_column_int64(st, 6);
		t->sealed_size = (uint64_t)sqlite3_column_int64(st, 7);
		HN_DB_COL(st, 8, t->conditions);
		HN_DB_COL(st, 9, t->state);
		HN_DB_COL(st, 10, t->error);
		t->item_id = sqlite3_column_int64(st, 11);
		t->created_at = sqlite3_column_int64(st, 12);
	}
	r = rc == SQLITE_ROW  ? 0 :
	    rc == SQLITE_DONE ? HN_ENOTFOUND :
				hn_db_err(rc);
	sqlite3_reset(st);
	return r;
}

int
hn_xfer_in_update(struct hn_db *db, const char *sender, const char *xfer,
    const char *state, const char *error, int64_t item_id, const char *receipt)
{
	static const char sql[] =
	    "UPDATE evidence_incoming SET state = ?, "
	    "error = ?, item_id = ?, receipt = coalesce(?, receipt) WHERE "
	    "sender = ? AND xfer = ?";
	sqlite3_stmt *st;
	int r;

	if (!fits(state, HN_XFER_STATE_MAX) || !fits(error, HN_EV_TEXT_MAX) ||
	    (receipt != NULL && !fits(receipt, HN_XFER_RECEIPT_MAX)))
		return HN_EINVAL;
	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, error, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, item_id);
	if (receipt != NULL)
		sqlite3_bind_text(st, 4, receipt, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, xfer, -1, SQLITE_STATIC);
	r = hn_db_err(sqlite3_step(st));
	sqlite3_reset(st);
	if (r == 0 && sqlite3_changes(hn_db_sqlite(db)) != 1)
		r = HN_ENOTFOUND;
	return r;
}

int
hn_xfer_in_receipt(struct hn_db *db, const char *sender, const char *xfer,
    struct hn_buf *out)
{
	static const char sql[] = "SELECT receipt FROM evidence_incoming "
				  "WHERE sender = ? AND xfer = ?";
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	sqlite3_bind_text(st, 1, sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, xfer, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = hn_buf_add(out, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0));
	else
		r = rc == SQLITE_DONE ? HN_ENOTFOUND : hn_db_err(rc);
	sqlite3_reset(st);
	return r;
}
