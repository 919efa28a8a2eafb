/*
 * evxfer.h - the state of evidence transfers over the federation channel
 * (net/api_evxfer.c, docs/protocol.md section 7).
 *
 * Sending side: a row of evidence_transfer (direction "out") per transfer,
 * named by its transfer id (32 hex digits), with the bytes of the sealed
 * stream sent, its total, the state (sending, interrupted, acknowledged,
 * failed), the last error and, once acknowledged, the recipient's signed
 * receipt and the recipient's ledger index.
 *
 * Receiving side: a row of evidence_incoming per (sender, transfer id):
 * what was announced (request, name, SHA-256, sizes, the art. 36
 * conditions) and the state (receiving, verified, failed). The bytes held
 * are the staging file's (DIR/blobs/incoming/SENDER-XFER.part); the row
 * gets the item and the receipt once the whole stream verified.
 *
 * Every function runs in the caller's transaction if one is open. Text
 * is bounded like store/evidence.h (HN_ETOOBIG / HN_EINVAL).
 */
#ifndef HN_STORE_EVXFER_H
#define HN_STORE_EVXFER_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/evidence.h"
#include "util/buf.h"

#define HN_XFER_ID_LEN 32
#define HN_XFER_STATE_MAX 15
#define HN_XFER_RECEIPT_MAX 16384

struct hn_xfer_out {
	int64_t id, item_id;
	char direction[4]; /* "out" or "in" */
	char peer[HN_EV_WHO_MAX + 1]; /* party code (or node name) */
	char conditions[HN_EV_TEXT_MAX + 1]; /* art. 36 */
	char xfer[HN_XFER_ID_LEN + 1]; /* "" for file transfers */
	/* the request it answers on both nodes; "" : the item's */
	char request_id[HN_EV_REQUEST_MAX + 1];
	uint64_t sent, total;
	char state[HN_XFER_STATE_MAX + 1];
	int64_t created_at, acked_at;
	int64_t their_index; /* recipient's ledger, -1 */
	char error[HN_EV_TEXT_MAX + 1];
};

/* 1 if s is a transfer id (32 lower-case hex digits). */
int hn_xfer_id_valid(const char *s);

/* Inserts a row for a transfer sent over the wire (t->id set). */
int hn_xfer_out_insert(struct hn_db *db, struct hn_xfer_out *t)
    __attribute__((warn_unused_result));
/* HN_ENOTFOUND if there is no outgoing transfer with that id. */
int hn_xfer_out_get(struct hn_db *db, const char *xfer, struct hn_xfer_out *t)
    __attribute__((warn_unused_result));
/* The latest wire transfer of item to peer (HN_ENOTFOUND if none). */
int hn_xfer_out_latest(struct hn_db *db, int64_t item_id, const char *peer,
    struct hn_xfer_out *t) __attribute__((warn_unused_result));
/*
 * Sets state, sent bytes, error; their_index/receipt/acked_at when
 * acknowledged (receipt NULL: unchanged).
 */
int hn_xfer_out_update(struct hn_db *db, const char *xfer, const char *state,
    uint64_t sent, const char *error, int64_t their_index, const char *receipt,
    int64_t acked_at) __attribute__((warn_unused_result));
/* Every transfer of an item, in and out, oldest first (allocated). */
int hn_xfer_list(struct hn_db *db, int64_t item_id, struct hn_xfer_out **v,
    size_t *n) __attribute__((warn_unused_result));

/*
 * The delivery engine's schedule of a wire transfer (fed/fed.h; a
 * "sending" row is a work item, due at next_ms): its failed attempts
 * since the last progress and when it is due again.
 */
int hn_xfer_out_schedule(struct hn_db *db, const char *xfer, int attempts,
    int64_t next_ms) __attribute__((warn_unused_result));
/*
 * The failed attempts (since the last progress) of wire transfer xfer if
 * it is still "sending" and due at now_ms; HN_ENOTFOUND if it is not (it
 * settled, or it waits for its next_ms): the engine's check once it has
 * claimed a transfer from a due scan that may be stale.
 */
int hn_xfer_out_due(struct hn_db *db, const char *xfer, int64_t now_ms,
    int *attempts) __attribute__((warn_unused_result));
/*
 * Makes wire transfer xfer "sending" again, due now, with no failed
 * attempts and no error (its sent bytes kept: the recipient says where
 * it stands) if it is still "sending" or "interrupted"; HN_ENOTFOUND if
 * it is not (acknowledged or failed meanwhile). xfer NULL: every such
 * transfer (the engine's start).
 */
int hn_xfer_out_resume(struct hn_db *db, const char *xfer)
    __attribute__((warn_unused_result));

struct hn_xfer_in {
	char sender[8];
	char xfer[HN_XFER_ID_LEN + 1];
	char request_id[HN_EV_REQUEST_MAX + 1];
	char name[HN_EV_NAME_MAX + 1];
	char description[HN_EV_TEXT_MAX + 1];
	char sha256[65];
	uint64_t size, sealed_size;
	char conditions[HN_EV_TEXT_MAX + 1];
	char state[HN_XFER_STATE_MAX + 1]; /* receiving, verified, failed */
	char error[HN_EV_TEXT_MAX + 1];
	int64_t item_id, created_at;
};

/* HN_EEXIST if (sender, xfer) is known already. */
int hn_xfer_in_insert(struct hn_db *db, const struct hn_xfer_in *t)
    __attribute__((warn_unused_result));
int hn_xfer_in_get(struct hn_db *db, const char *sender, const char *xfer,
    struct hn_xfer_in *t) __attribute__((warn_unused_result));
/* Sets state, error, item; receipt NULL: unchanged. */
int hn_xfer_in_update(struct hn_db *db, const char *sender, const char *xfer,
    const char *state, const char *error, int64_t item_id, const char *receipt)
    __attribute__((warn_unused_result));
/* Appends the stored receipt ("" if none) to out. */
int hn_xfer_in_receipt(struct hn_db *db, const char *sender, const char *xfer,
    struct hn_buf *out) __attribute__((warn_unused_result));

#endif
