/*
 * requests.h - the requests family: one row per request (outgoing on the
 * requesting side, incoming on the requested side) and its history of
 * transitions. SQL only; the rules (kinds, lifecycle, deadlines) are in
 * core/ and applied by node/requests.c.
 *
 * Times are Unix seconds; HN_RQ_NONE (INT64_MIN) is stored as NULL.
 * Due-level filters use two columns computed at every change:
 * next_due (the earliest deadline that applies) and soon_at (when it
 * becomes due soon), so a list by level is one indexed query. Lists are
 * ordered by a third, order_key (core's hn_deadline_order_key: open
 * emergencies first, then by next deadline, then newest), also computed at
 * every change.
 */
#ifndef HN_STORE_REQUESTS_H
#define HN_STORE_REQUESTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"


#define HN_RQ_NONE INT64_MIN
#define HN_RQ_ORDER_LAST INT64_MAX /* order_key of a row not yet scheduled */
#define HN_RQ_CURSOR_MAX 48 /* "KEY.ROWID" + NUL */
#define HN_REQUEST_ID_LEN 32 /* 16 bytes, hex: 6 of time (ms), 10 random */

struct hn_request_row {
	char id[HN_REQUEST_ID_LEN + 1];
	char kind[32];
	char side[12]; /* "requesting" | "requested" */
	char from[4], to[4];
	char state[24];
	char legal_basis[16];
	char created_by[64]; /* account, or the sending party for incoming */
	char remote_id[80]; /* incoming: the message id it arrived in */
	char *body; /* the request document (JSON text), owned */
	int64_t created_at, updated_at;
	int64_t received_at, preserved_at;
	int64_t followup_received_at, followup_decided_at;
	int64_t stated_deadline;
	int64_t next_due, soon_at;
	int64_t acknowledged_at; /* art. 41: the emergency's execution clock */
	int64_t order_key; /* position in lists (hn_deadline_order_key) */
	uint64_t ledger_index; /* of the last change */
};

void hn_request_row_init(struct hn_request_row *r);
void hn_request_row_release(struct hn_request_row *r);

/* HN_EEXIST if the id is taken. */
int hn_requests_insert(struct hn_db *db, const struct hn_request_row *r);
/* HN_ENOTFOUND if absent. r->body is allocated (release the row). */
int hn_requests_get(struct hn_db *db, const char *id, struct hn_request_row *r);
/* Writes the mutable fields (state, times, next_due, soon_at, order_key,
 * index). */
int hn_requests_update(struct hn_db *db, const struct hn_request_row *r);

int hn_requests_event_add(struct hn_db *db, const char *id, int64_t at,
    const char *actor, const char *from, const char *to, const char *payload,
    uint64_t ledger_index);
/* [{"at","actor","from","to","payload"?,"ledger_index"}] oldest first. */
int hn_requests_events(struct hn_db *db, const char *id, json_t **out);

/*
 * The timer's candidates: up to max ids (oldest preservation first) of
 * requested-side requests in state preserved or extended whose
 * preservation took effect at or before `before`, with no follow-up
 * request pending and none decided after `now` (art. 42: the node
 * expires them once their period has run out; core's deadline decides).
 * *n gets how many.
 */
int hn_requests_preserved_before(struct hn_db *db, int64_t before, int64_t now,
    char (*ids)[HN_REQUEST_ID_LEN + 1], size_t max, size_t *n);

enum hn_rq_level { HN_RQ_ANY = -1, HN_RQ_OK, HN_RQ_DUE_SOON, HN_RQ_OVERDUE };

struct hn_request_filter {
	const char *kind; /* NULL: any */
	const char *party; /* from or to; NULL: any */
	const char *state;
	const char *side;
	int level; /* enum hn_rq_level */
	int64_t now;
	int limit; /* 1..500 */
	bool cursor; /* false: the first page */
	int64_t after_key, before_rowid; /* hn_requests_cursor_parse */
};

/*
 * Appends the matching rows to `items` as summary objects {id, kind, side,
 * from, to, state, legal_basis, created_at, updated_at, next_due,
 * ledger_index} (times as Unix seconds) in the order of order_key, the
 * most recently stored first among equal keys. *more = 1 if there are
 * further rows; then `cursor` is the next page's cursor (opaque text,
 * "" otherwise). The cursor is the position after the page's last row:
 * pages neither repeat nor skip a row that did not change meanwhile (a
 * row that changed may have moved, as its deadlines did).
 */
int hn_requests_list(struct hn_db *db, const struct hn_request_filter *f,
    json_t *items, int *more, char cursor[HN_RQ_CURSOR_MAX]);
/* Sets f's cursor from a cursor text; HN_EINVAL if it is malformed. */
int hn_requests_cursor_parse(const char *s, struct hn_request_filter *f);

/* {"KIND": {"STATE": n}} over all requests; *overdue = open past due. */
int hn_requests_counts(struct hn_db *db, int64_t now, json_t **out,
    int64_t *overdue);

#endif
