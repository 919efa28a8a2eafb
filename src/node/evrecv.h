/*
 * evrecv.h - the receiving side of an evidence transfer between nodes
 * (docs/evidence.md "Wire transfers", docs/protocol.md section 7), an
 * application service of the node; net/api_evxfer.c authenticates the
 * signed objects (fed/evwire.h), parses them and answers HTTP around it.
 *
 * A transfer is keyed by (sender, transfer id): another node's pieces
 * never reach it. Pieces are staged in DIR/blobs/incoming/SENDER-XFER.part,
 * each made durable (fdatasync) before it is acknowledged. At finish every
 * chunk is authenticated and the SHA-256 compared with the announced one
 * before anything is stored or acknowledged; then the item, its custody
 * (intake, seal, received, verified), its art. 36 origin and conditions
 * and the transfer row are one write job, and the receipt names the
 * ledger index of the "verified" entry (made once, stored, then always
 * the same bytes).
 *
 * Each call returns 0 with an answer: where the transfer stands, or a
 * refusal of the protocol (ans->refused, the text in err->message, the
 * field in err->field) that the caller renders; or a negative HN_E* code
 * with err set (the request unknown here: HN_ENOTFOUND, field request,
 * art. 40; the sender not its other party: HN_EDENIED; an item of that
 * name: HN_EEXIST, field name; a transfer id announced with other
 * content: HN_EEXIST, field transfer; internal failures).
 * Call hn_ev_setup first.
 */
#ifndef HN_NODE_EVRECV_H
#define HN_NODE_EVRECV_H

#include <stddef.h>
#include <stdint.h>

#include "store/evxfer.h"
#include "util/buf.h"
#include "util/err.h"

struct hn_node;
struct hn_db;

enum hn_evrecv_refusal {
	HN_EVRECV_NONE = 0,
	HN_EVRECV_UNKNOWN, /* no such transfer from this sender */
	HN_EVRECV_FAILED, /* the transfer failed for good */
	HN_EVRECV_NOT_RECEIVING, /* a piece for a transfer that is not
				    receiving (ans->state says what it is) */
	HN_EVRECV_OFFSET, /* this node holds ans->offset bytes, not what
			     the piece or finish assumed */
	HN_EVRECV_PIECE, /* a piece that is no piece (err field data) */
	HN_EVRECV_UNVERIFIED, /* refused at finish: nothing stored */
};

struct hn_evrecv_answer {
	enum hn_evrecv_refusal refused;
	char state[HN_XFER_STATE_MAX + 1]; /* receiving, verified, failed */
	uint64_t offset; /* bytes held durably */
};

/*
 * An offer: t names sender, xfer, request_id, name (made safe),
 * description, sha256, size, sealed_size, conditions and created_at (the
 * state is ignored). A new transfer is for a request this node holds, from
 * its other party, under a free name: recorded ("receiving", offset 0). A
 * known one must be announced with the same content: its state and the
 * bytes held (a torn tail cut), or HN_EVRECV_FAILED. db: a reader
 * connection for the checks.
 */
int hn_evrecv_offer(struct hn_node *n, struct hn_db *db,
    const struct hn_xfer_in *t, struct hn_evrecv_answer *ans,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * A piece: b64 (base64 text of at most HN_EVW_PIECE bytes) at sealed-
 * stream offset `off`, staged durably; ans->offset is the bytes held
 * after it. Pieces are HN_EVW_PIECE bytes, the last one what remains.
 */
int hn_evrecv_chunk(struct hn_db *db, const char *sender, const char *xfer,
    uint64_t off, const char *b64, struct hn_evrecv_answer *ans,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Finish: verifies and stores the whole stream (once), then appends the
 * signed receipt to receipt (its max at least HN_XFER_RECEIPT_MAX + 1);
 * a verified transfer answers with the stored receipt again.
 */
int hn_evrecv_finish(struct hn_node *n, struct hn_db *db, const char *sender,
    const char *xfer, int64_t now, struct hn_buf *receipt,
    struct hn_evrecv_answer *ans, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
