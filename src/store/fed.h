/*
 * fed.h - the federation's tables: the outbox (messages to deliver), the
 * inbox (messages received, keyed by sender and message id for
 * deduplication, with the receipt given), and witnessing (the last
 * checkpoint seen of each peer, the cosignatures made, alerts).
 *
 * Every function runs on the caller's connection; the *_add/_mark ones are
 * meant to run inside the caller's transaction (a request row, its ledger
 * entry and its outbox row commit together). Times are Unix milliseconds.
 */
#ifndef HN_STORE_FED_H
#define HN_STORE_FED_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"


enum hn_out_status {
	HN_OUT_QUEUED,
	HN_OUT_DELIVERING,
	HN_OUT_DELIVERED,
	HN_OUT_FAILED
};
const char *hn_out_status_name(int status);

#define HN_OUT_ERROR_MAX 512

struct hn_outbox_row {
	int64_t seq;
	char msg_id[33];
	char recipient[4];
	char kind[32];
	char in_reply_to[65];
	char request_id[65];
	char *body; /* JSON object text (owned) */
	int status;
	int attempts;
	int64_t created_ms, next_ms, delivered_ms;
	char last_error[HN_OUT_ERROR_MAX];
	char *receipt; /* signed receipt (owned), NULL until delivered */
	int64_t receipt_index; /* the recipient's ledger index, -1 if none */
	char refused[HN_OUT_ERROR_MAX +
	    1]; /* "" or why the receiver refused it */
};

void hn_outbox_row_release(struct hn_outbox_row *r);

/* Queues a message (status queued, due now). HN_EEXIST for a known id. */
int hn_fedstore_outbox_add(struct hn_db *db, const char *msg_id,
    const char *recipient, const char *kind, const char *in_reply_to,
    const char *request_id, const char *body, int64_t now_ms);

/* The earliest next_ms of any work item (a message in turn, a transfer
 * sending), or INT64_MAX. */
int64_t hn_fedstore_outbox_next(struct hn_db *db);

/* The delivery engine's work items: messages (fed_outbox) and evidence
 * transfers (evidence_transfer, direction out, store/evxfer.h). */
enum hn_work_kind { HN_WORK_MESSAGE = 0, HN_WORK_EVIDENCE = 1 };

/* A due work item's key, without its body (the delivery threads claim
 * items by kind and id and then read the one they deliver). */
struct hn_outbox_due {
	int kind; /* enum hn_work_kind */
	char msg_id[33]; /* message id, or transfer id */
	char recipient[4];
};
/* Up to `max` work items due at now_ms, oldest first (next_ms, then
 * messages before transfers, seq), into due[0..*n): messages queued or
 * delivering (in turn per request), transfers "sending". */
int hn_fedstore_outbox_due_ids(struct hn_db *db, int64_t now_ms,
    struct hn_outbox_due *due, size_t max, size_t *n);

/* Records an attempt: new status, attempts, next_ms, last error. */
int hn_fedstore_outbox_mark(struct hn_db *db, const char *msg_id, int status,
    int attempts, int64_t next_ms, const char *last_error);
/* Marks delivered with the receipt (refused: "" or NULL, or why the
 * receiver refused the message for good). */
int hn_fedstore_outbox_delivered(struct hn_db *db, const char *msg_id,
    const char *receipt, size_t receipt_len, int64_t receipt_index,
    const char *refused, int64_t now_ms);
/* Rows left "delivering" by a crash go back to queued (at start). */
int hn_fedstore_outbox_reset(struct hn_db *db);

/* One row by id (HN_ENOTFOUND). */
int hn_fedstore_outbox_get(struct hn_db *db, const char *msg_id,
    struct hn_outbox_row *out);
/*
 * Rows newest first, after seq `before` (0: from the newest), at most max;
 * request_id filters when not NULL.
 */
int hn_fedstore_outbox_list(struct hn_db *db, const char *request_id,
    int64_t before, struct hn_outbox_row *rows, size_t max, size_t *n);
/* Counts by status (index: enum hn_out_status). */
int hn_fedstore_outbox_counts(struct hn_db *db, int64_t counts[4]);

struct hn_inbox_row {
	int64_t seq;
	char sender[4];
	char msg_id[33];
	char kind[32];
	char in_reply_to[65];
	char *envelope; /* signed envelope (owned) */
	size_t envelope_len;
	int64_t received_ms;
	int64_t ledger_index;
	char *receipt; /* NULL until made (owned) */
	size_t receipt_len;
	char refused[HN_OUT_ERROR_MAX + 1]; /* "" or why we refused it */
};

void hn_inbox_row_release(struct hn_inbox_row *r);

/* HN_ENOTFOUND if (sender, msg_id) was never stored. */
int hn_fedstore_inbox_get(struct hn_db *db, const char *sender,
    const char *msg_id, struct hn_inbox_row *out);
/* Stores a received message. HN_EEXIST if (sender, msg_id) exists. */
int hn_fedstore_inbox_add(struct hn_db *db, const char *sender,
    const char *msg_id, const char *kind, const char *in_reply_to,
    const char *envelope, size_t len, int64_t received_ms,
    int64_t ledger_index);
/* Records why a stored message was refused (not a legal change of our
 * copy of its request); its receipt says so. */
int hn_fedstore_inbox_set_refused(struct hn_db *db, const char *sender,
    const char *msg_id, const char *reason);
/* Sets the receipt once (a second call keeps the first: HN_EEXIST). */
int hn_fedstore_inbox_set_receipt(struct hn_db *db, const char *sender,
    const char *msg_id, const char *receipt, size_t len);
/* Number of stored messages (optionally from one sender). */
int hn_fedstore_inbox_count(struct hn_db *db, const char *sender, int64_t *n);
/* Rows newest first after seq `before` (0: newest), at most max. */
int hn_fedstore_inbox_list(struct hn_db *db, int64_t before,
    struct hn_inbox_row *rows, size_t max, size_t *n);

/* Witnessing: the last verified checkpoint of a peer. */
struct hn_witness_row {
	char peer[4];
	uint64_t size;
	uint8_t root[32];
	char *checkpoint; /* owned */
	int64_t seen_ms;
};
void hn_witness_row_release(struct hn_witness_row *r);
int hn_fedstore_witness_get(struct hn_db *db, const char *peer,
    struct hn_witness_row *out);
int hn_fedstore_witness_put(struct hn_db *db, const char *peer, uint64_t size,
    const uint8_t root[32], const char *checkpoint, int64_t seen_ms);
/* A cosignature we made (or received) on a peer's checkpoint. */
int hn_fedstore_cosig_add(struct hn_db *db, const char *peer, uint64_t size,
    const char *witness, const char *cosig_line, int64_t at_ms);
/* Appends "peer size witness line\n" rows, newest first, at most max. */
int hn_fedstore_cosig_list(struct hn_db *db, const char *peer, size_t max,
    struct hn_buf *out);
int hn_fedstore_alert_add(struct hn_db *db, const char *peer,
    const char *message, int64_t at_ms);
/* Appends a JSON array of alerts [{"peer","message","at_ms"}] (max rows). */
int hn_fedstore_alert_list(struct hn_db *db, size_t max, struct hn_buf *out,
    int64_t *count);

#endif
