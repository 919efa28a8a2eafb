#include "store/fed.h"

#include "store/db.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/encode.h"

const struct hn_migration hn_fed_migrations[] = {
	{ "0001-fed",
	    "CREATE TABLE fed_outbox ("
	    " seq INTEGER PRIMARY KEY,"
	    " msg_id TEXT NOT NULL UNIQUE,"
	    " recipient TEXT NOT NULL,"
	    " kind TEXT NOT NULL,"
	    " in_reply_to TEXT NOT NULL DEFAULT '',"
	    " request_id TEXT NOT NULL DEFAULT '',"
	    " body TEXT NOT NULL,"
	    " status INTEGER NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 3),"
	    " attempts INTEGER NOT NULL DEFAULT 0,"
	    " created_ms INTEGER NOT NULL,"
	    " next_ms INTEGER NOT NULL,"
	    " delivered_ms INTEGER NOT NULL DEFAULT 0,"
	    " last_error TEXT NOT NULL DEFAULT '',"
	    " receipt TEXT,"
	    " receipt_index INTEGER NOT NULL DEFAULT -1);"
	    "CREATE INDEX fed_outbox_due ON fed_outbox(status, next_ms);"
	    "CREATE INDEX fed_outbox_request ON fed_outbox(request_id);"
	    "CREATE TABLE fed_inbox ("
	    " seq INTEGER PRIMARY KEY,"
	    " sender TEXT NOT NULL,"
	    " msg_id TEXT NOT NULL,"
	    " kind TEXT NOT NULL,"
	    " in_reply_to TEXT NOT NULL DEFAULT '',"
	    " envelope BLOB NOT NULL,"
	    " received_ms INTEGER NOT NULL,"
	    " ledger_index INTEGER NOT NULL,"
	    " receipt BLOB,"
	    " UNIQUE (sender, msg_id));"
	    "CREATE TABLE fed_witness ("
	    " peer TEXT PRIMARY KEY,"
	    " size INTEGER NOT NULL,"
	    " root BLOB NOT NULL,"
	    " checkpoint TEXT NOT NULL,"
	    " seen_ms INTEGER NOT NULL);"
	    "CREATE TABLE fed_cosig ("
	    " seq INTEGER PRIMARY KEY,"
	    " peer TEXT NOT NULL,"
	    " size INTEGER NOT NULL,"
	    " witness TEXT NOT NULL,"
	    " line TEXT NOT NULL,"
	    " at_ms INTEGER NOT NULL,"
	    " UNIQUE (peer, size, witness));"
	    "CREATE TABLE fed_alert ("
	    " seq INTEGER PRIMARY KEY,"
	    " peer TEXT NOT NULL,"
	    " message TEXT NOT NULL,"
	    " at_ms INTEGER NOT NULL);" },
	/* A message refused for good by its receiver (not a legal change
	 * of its copy of the request): why, on both sides. */
	{ "0002-fed-refused",
	    "ALTER TABLE fed_outbox ADD COLUMN refused TEXT NOT NULL DEFAULT '';"
	    "ALTER TABLE fed_inbox ADD COLUMN refused TEXT NOT NULL DEFAULT '';" },
	/* IN_TURN's lookup: the first pending message about a request to a
	 * recipient, without walking its delivered ones */
	{ "0003-fed-turn",
	    "CREATE INDEX fed_outbox_turn ON fed_outbox(request_id, recipient, "
	    "seq) WHERE status IN (0, 1);" },
	{ NULL, NULL }
};

static const char *status_names[] = { "queued", "delivering", "delivered",
	"failed" };

const char *
hn_out_status_name(int status)
{
	return status >= 0 && status <= 3 ? status_names[status] : "unknown";
}

/* A malloc'd copy of a text/blob column (NULL for SQL NULL). */
static int
col_dup(sqlite3_stmt *st, int i, char **out, size_t *len)
{
	const void *p;
	int n;

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	p = sqlite3_column_blob(st, i);
	n = sqlite3_column_bytes(st, i);
	if ((*out = malloc((size_t)n + 1)) == NULL)
		return HN_ENOMEM;
	if (n > 0)
		memcpy(*out, p, (size_t)n);
	(*out)[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	return 0;
}

static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return HN_EEXIST;
	return hn_db_err(rc) ? hn_db_err(rc) : HN_EDB;
}

void
hn_outbox_row_release(struct hn_outbox_row *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->receipt);
	r->body = r->receipt = NULL;
}

int
hn_fedstore_outbox_add(struct hn_db *db, const char *msg_id,
    const char *recipient, const char *kind, const char *in_reply_to,
    const char *request_id, const char *body, int64_t now_ms)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st,
		 "INSERT INTO fed_outbox (msg_id, "
		 "recipient, kind, in_reply_to, request_id, body, created_ms, "
		 "next_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) < 0)
		return r;
	sqlite3_bind_text(st, 1, msg_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in_reply_to ? in_reply_to : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, request_id ? request_id : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 6, body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now_ms);
	sqlite3_bind_int64(st, 8, now_ms);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

#define OUT_COLS \
	"seq, msg_id, recipient, kind, in_reply_to, request_id, " \
	"body, status, attempts, created_ms, next_ms, delivered_ms, " \
	"last_error, receipt, receipt_index, refused"

static int
outbox_row(sqlite3_stmt *st, struct hn_outbox_row *o)
{
	int r;

	memset(o, 0, sizeof(*o));
	o->seq = sqlite3_column_int64(st, 0);
	HN_DB_COL(st, 1, o->msg_id);
	HN_DB_COL(st, 2, o->recipient);
	HN_DB_COL(st, 3, o->kind);
	HN_DB_COL(st, 4, o->in_reply_to);
	HN_DB_COL(st, 5, o->request_id);
	o->status = sqlite3_column_int(st, 7);
	o->attempts = sqlite3_column_int(st, 8);
	o->created_ms = sqlite3_column_int64(st, 9);
	o->next_ms = sqlite3_column_int64(st, 10);
	o->delivered_ms = sqlite3_column_int64(st, 11);
	HN_DB_COL(st, 12, o->last_error);
	o->receipt_index = sqlite3_column_int64(st, 14);
	HN_DB_COL(st, 15, o->refused);
	if ((r = col_dup(st, 6, &o->body, NULL)) < 0 ||
	    (r = col_dup(st, 13, &o->receipt, NULL)) < 0) {
		hn_outbox_row_release(o);
		return r;
	}
	return 0;
}

/* Runs a prepared SELECT of OUT_COLS into rows. */
static int
outbox_rows(sqlite3_stmt *st, struct hn_outbox_row *rows, size_t max, size_t *n)
{
	int rc = SQLITE_DONE, r = 0;

	*n = 0;
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = outbox_row(st, &rows[*n])) < 0)
			break;
		(*n)++;
	}
	if (r == 0 && *n < max && rc != SQLITE_DONE)
		r = HN_EDB;
	sqlite3_reset(st);
	if (r < 0) {
		while (*n > 0)
			hn_outbox_row_release(&rows[--(*n)]);
	}
	return r;
}

/*
 * The messages about one request go to its recipient in order, one at a
 * time: a row is in turn when it is the first still queued or being
 * delivered about its request to its recipient (docs/protocol.md section
 * 4: so a withdrawal cannot overtake its request, nor a response the
 * acknowledgement before it). The lookup is one seek in fed_outbox_turn,
 * whatever the number of messages about the request: a NOT EXISTS over
 * the earlier rows walked every delivered row for each pending one, 1.8 s
 * per query with 1,500 pending messages about one request.
 */
#define IN_TURN \
	" AND (request_id = '' OR seq = (SELECT min(p.seq) FROM " \
	"fed_outbox AS p WHERE p.request_id = fed_outbox.request_id AND " \
	"p.recipient = fed_outbox.recipient AND p.status IN (0, 1)))"

int
hn_fedstore_outbox_due_ids(struct hn_db *db, int64_t now_ms,
    struct hn_outbox_due *due, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int r, rc = SQLITE_DONE;

	*n = 0;
	if ((r = hn_db_stmt(db, &st,
		 "SELECT 0, msg_id, recipient, next_ms, "
		 "seq FROM fed_outbox WHERE status IN (0, 1) AND next_ms <= ?" IN_TURN
		 " UNION ALL SELECT 1, xfer, peer, next_ms, id FROM "
		 "evidence_transfer WHERE direction = 'out' AND xfer != '' AND "
		 "state = 'sending' AND next_ms <= ? ORDER BY 4, 1, 5 LIMIT ?")) <
	    0)
		return r;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		due[*n].kind = sqlite3_column_int(st, 0);
		HN_DB_COL(st, 1, due[*n].msg_id);
		HN_DB_COL(st, 2, due[*n].recipient);
		(*n)++;
	}
	if (*n < max && rc != SQLITE_DONE)
		r = HN_EDB;
	sqlite3_reset(st);
	return r;
}

int64_t
hn_fedstore_outbox_next(struct hn_db *db)
{
	sqlite3_stmt *st;
	int64_t v = INT64_MAX;

	if (hn_db_stmt(db, &st,
		"SELECT min(m) FROM (SELECT min(next_ms) AS m "
		"FROM fed_outbox WHERE status IN (0, 1)" IN_TURN " UNION ALL "
		"SELECT min(next_ms) FROM evidence_transfer WHERE direction = "
		"'out' AND xfer != '' AND state = 'sending')") < 0)
		return v;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

int
hn_fedstore_outbox_mark(struct hn_db *db, const char *msg_id, int status,
    int attempts, int64_t next_ms, const char *last_error)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st,
		 "UPDATE fed_outbox SET status = ?, "
		 "attempts = ?, next_ms = ?, last_error = ? WHERE msg_id = ? AND "
		 "status <> 2")) < 0)
		return r;
	sqlite3_bind_int(st, 1, status);
	sqlite3_bind_int(st, 2, attempts);
	sqlite3_bind_int64(st, 3, next_ms);
	sqlite3_bind_text(st, 4, last_error ? last_error : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 5, msg_id, -1, SQLITE_STATIC);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_outbox_delivered(struct hn_db *db, const char *msg_id,
    const char *receipt, size_t receipt_len, int64_t receipt_index,
    const char *refused, int64_t now_ms)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st,
		 "UPDATE fed_outbox SET status = 2, "
		 "delivered_ms = ?, receipt = ?, receipt_index = ?, last_error = '', "
		 "refused = ? WHERE msg_id = ?")) < 0)
		return r;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_text(st, 2, receipt, (int)receipt_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, receipt_index);
	sqlite3_bind_text(st, 4, refused ? refused : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, msg_id, -1, SQLITE_STATIC);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_outbox_reset(struct hn_db *db)
{
	return hn_db_exec(db,
	    "UPDATE fed_outbox SET status = 0 WHERE "
	    "status = 1");
}

int
hn_fedstore_outbox_get(struct hn_db *db, const char *msg_id,
    struct hn_outbox_row *out)
{
	sqlite3_stmt *st;
	size_t n;
	int r;

	if ((r = hn_db_stmt(db, &st,
		 "SELECT " OUT_COLS " FROM fed_outbox "
		 "WHERE msg_id = ?")) < 0)
		return r;
	sqlite3_bind_text(st, 1, msg_id, -1, SQLITE_STATIC);
	if ((r = outbox_rows(st, out, 1, &n)) < 0)
		return r;
	return n == 1 ? 0 : HN_ENOTFOUND;
}

int
hn_fedstore_outbox_list(struct hn_db *db, const char *request_id,
    int64_t before, struct hn_outbox_row *rows, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int r;

	*n = 0;
	if ((r = hn_db_stmt(db, &st,
		 "SELECT " OUT_COLS " FROM fed_outbox "
		 "WHERE (?1 = 0 OR seq < ?1) AND (?2 IS NULL OR request_id = ?2) "
		 "ORDER BY seq DESC LIMIT ?3")) < 0)
		return r;
	sqlite3_bind_int64(st, 1, before);
	if (request_id != NULL)
		sqlite3_bind_text(st, 2, request_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
	return outbox_rows(st, rows, max, n);
}

int
hn_fedstore_outbox_counts(struct hn_db *db, int64_t counts[4])
{
	sqlite3_stmt *st;
	int r, rc, s;

	memset(counts, 0, 4 * sizeof(counts[0]));
	if ((r = hn_db_stmt(db, &st,
		 "SELECT status, count(*) FROM "
		 "fed_outbox GROUP BY status")) < 0)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = sqlite3_column_int(st, 0);
		if (s >= 0 && s <= 3)
			counts[s] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : HN_EDB;
}

void
hn_inbox_row_release(struct hn_inbox_row *r)
{
	if (r == NULL)
		return;
	free(r->envelope);
	free(r->receipt);
	r->envelope = r->receipt = NULL;
}

#define IN_COLS \
	"seq, sender, msg_id, kind, in_reply_to, envelope, " \
	"received_ms, ledger_index, receipt, refused"

static int
inbox_row(sqlite3_stmt *st, struct hn_inbox_row *o)
{
	int r;

	memset(o, 0, sizeof(*o));
	o->seq = sqlite3_column_int64(st, 0);
	HN_DB_COL(st, 1, o->sender);
	HN_DB_COL(st, 2, o->msg_id);
	HN_DB_COL(st, 3, o->kind);
	HN_DB_COL(st, 4, o->in_reply_to);
	o->received_ms = sqlite3_column_int64(st, 6);
	o->ledger_index = sqlite3_column_int64(st, 7);
	HN_DB_COL(st, 9, o->refused);
	if ((r = col_dup(st, 5, &o->envelope, &o->envelope_len)) < 0 ||
	    (r = col_dup(st, 8, &o->receipt, &o->receipt_len)) < 0) {
		hn_inbox_row_release(o);
		return r;
	}
	return 0;
}

int
hn_fedstore_inbox_get(struct hn_db *db, const char *sender, const char *msg_id,
    struct hn_inbox_row *out)
{
	sqlite3_stmt *st;
	int r, rc;

	if ((r = hn_db_stmt(db, &st,
		 "SELECT " IN_COLS " FROM fed_inbox "
		 "WHERE sender = ? AND msg_id = ?")) < 0)
		return r;
	sqlite3_bind_text(st, 1, sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, msg_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = inbox_row(st, out);
	else
		r = rc == SQLITE_DONE ? HN_ENOTFOUND : HN_EDB;
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_inbox_add(struct hn_db *db, const char *sender, const char *msg_id,
    const char *kind, const char *in_reply_to, const char *envelope, size_t len,
    int64_t received_ms, int64_t ledger_index)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st,
		 "INSERT INTO fed_inbox (sender, msg_id, "
		 "kind, in_reply_to, envelope, received_ms, ledger_index) VALUES "
		 "(?, ?, ?, ?, ?, ?, ?)")) < 0)
		return r;
	sqlite3_bind_text(st, 1, sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, msg_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in_reply_to ? in_reply_to : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, envelope, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, received_ms);
	sqlite3_bind_int64(st, 7, ledger_index);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_inbox_set_receipt(struct hn_db *db, const char *sender,
    const char *msg_id, const char *receipt, size_t len)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st,
		 "UPDATE fed_inbox SET receipt = ? WHERE "
		 "sender = ? AND msg_id = ? AND receipt IS NULL")) < 0)
		return r;
	sqlite3_bind_blob(st, 1, receipt, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, msg_id, -1, SQLITE_STATIC);
	r = step_done(st);
	if (r == 0 && sqlite3_changes(hn_db_sqlite(db)) == 0)
		r = HN_EEXIST;
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_inbox_set_refused(struct hn_db *db, const char *sender,
    const char *msg_id, const char *reason)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st,
		 "UPDATE fed_inbox SET refused = ? WHERE "
		 "sender = ? AND msg_id = ?")) < 0)
		return r;
	sqlite3_bind_text(st, 1, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sender, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, msg_id, -1, SQLITE_STATIC);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_inbox_count(struct hn_db *db, const char *sender, int64_t *n)
{
	sqlite3_stmt *st;
	int r;

	*n = 0;
	if ((r = hn_db_stmt(db, &st,
		 "SELECT count(*) FROM fed_inbox WHERE "
		 "?1 IS NULL OR sender = ?1")) < 0)
		return r;
	if (sender != NULL)
		sqlite3_bind_text(st, 1, sender, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		r = HN_EDB;
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_inbox_list(struct hn_db *db, int64_t before,
    struct hn_inbox_row *rows, size_t max, size_t *n)
{
	sqlite3_stmt *st;
	int r = 0, rc = SQLITE_DONE;

	*n = 0;
	if ((r = hn_db_stmt(db, &st,
		 "SELECT " IN_COLS " FROM fed_inbox "
		 "WHERE (?1 = 0 OR seq < ?1) ORDER BY seq DESC LIMIT ?2")) < 0)
		return r;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((r = inbox_row(st, &rows[*n])) < 0)
			break;
		(*n)++;
	}
	if (r == 0 && *n < max && rc != SQLITE_DONE)
		r = HN_EDB;
	sqlite3_reset(st);
	if (r < 0)
		while (*n > 0)
			hn_inbox_row_release(&rows[--(*n)]);
	return r;
}

void
hn_witness_row_release(struct hn_witness_row *r)
{
	if (r == NULL)
		return;
	free(r->checkpoint);
	r->checkpoint = NULL;
}

int
hn_fedstore_witness_get(struct hn_db *db, const char *peer,
    struct hn_witness_row *out)
{
	sqlite3_stmt *st;
	int r, rc;

	memset(out, 0, sizeof(*out));
	if ((r = hn_db_stmt(db, &st,
		 "SELECT size, root, checkpoint, seen_ms "
		 "FROM fed_witness WHERE peer = ?")) < 0)
		return r;
	sqlite3_bind_text(st, 1, peer, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32) {
		memcpy(out->peer, peer, 3);
		out->size = (uint64_t)sqlite3_column_int64(st, 0);
		memcpy(out->root, sqlite3_column_blob(st, 1), 32);
		out->seen_ms = sqlite3_column_int64(st, 3);
		r = col_dup(st, 2, &out->checkpoint, NULL);
	} else {
		r = rc == SQLITE_DONE ? HN_ENOTFOUND : HN_EDB;
	}
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_witness_put(struct hn_db *db, const char *peer, uint64_t size,
    const uint8_t root[32], const char *checkpoint, int64_t seen_ms)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st,
		 "INSERT INTO fed_witness (peer, size, "
		 "root, checkpoint, seen_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT "
		 "(peer) DO UPDATE SET size = excluded.size, root = excluded.root, "
		 "checkpoint = excluded.checkpoint, seen_ms = excluded.seen_ms")) <
	    0)
		return r;
	sqlite3_bind_text(st, 1, peer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
	sqlite3_bind_blob(st, 3, root, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, checkpoint, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, seen_ms);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_cosig_add(struct hn_db *db, const char *peer, uint64_t size,
    const char *witness, const char *cosig_line, int64_t at_ms)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st,
		 "INSERT OR IGNORE INTO fed_cosig (peer, "
		 "size, witness, line, at_ms) VALUES (?, ?, ?, ?, ?)")) < 0)
		return r;
	sqlite3_bind_text(st, 1, peer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
	sqlite3_bind_text(st, 3, witness, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, cosig_line, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, at_ms);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_cosig_list(struct hn_db *db, const char *peer, size_t max,
    struct hn_buf *out)
{
	sqlite3_stmt *st;
	int r = 0, rc;

	if ((r = hn_db_stmt(db, &st,
		 "SELECT peer, size, witness, line FROM "
		 "fed_cosig WHERE ?1 IS NULL OR peer = ?1 ORDER BY seq DESC "
		 "LIMIT ?2")) < 0)
		return r;
	if (peer != NULL)
		sqlite3_bind_text(st, 1, peer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = hn_buf_addf(out, "%s %lld %s %s\n",
			 (const char *)sqlite3_column_text(st, 0),
			 (long long)sqlite3_column_int64(st, 1),
			 (const char *)sqlite3_column_text(st, 2),
			 (const char *)sqlite3_column_text(st, 3))) < 0)
			break;
	if (r == 0 && rc != SQLITE_DONE)
		r = HN_EDB;
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_alert_add(struct hn_db *db, const char *peer, const char *message,
    int64_t at_ms)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st,
		 "INSERT INTO fed_alert (peer, message, "
		 "at_ms) VALUES (?, ?, ?)")) < 0)
		return r;
	sqlite3_bind_text(st, 1, peer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at_ms);
	r = step_done(st);
	sqlite3_reset(st);
	return r;
}

int
hn_fedstore_alert_list(struct hn_db *db, size_t max, struct hn_buf *out,
    int64_t *count)
{
	sqlite3_stmt *st;
	json_t *a = NULL;
	char *s = NULL;
	int r = 0, rc;

	*count = 0;
	if ((r = hn_db_stmt(db, &st, "SELECT count(*) FROM fed_alert")) < 0)
		return r;
	if (sqlite3_step(st) == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if ((r = hn_db_stmt(db, &st,
		 "SELECT peer, message, at_ms FROM "
		 "fed_alert ORDER BY seq DESC LIMIT ?")) < 0)
		return r;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	if ((a = json_array()) == NULL) {
		sqlite3_reset(st);
		return HN_ENOMEM;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a,
		    json_pack("{s:s, s:s, s:I}", "peer",
			(const char *)sqlite3_column_text(st, 0), "message",
			(const char *)sqlite3_column_text(st, 1), "at_ms",
			(json_int_t)sqlite3_column_int64(st, 2)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		r = HN_EDB;
	else if ((s = json_dumps(a, JSON_COMPACT)) == NULL)
		r = HN_ENOMEM;
	else
		r = hn_buf_adds(out, s);
	free(s);
	json_decref(a);
	return r;
}
