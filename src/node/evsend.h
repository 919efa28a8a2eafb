/*
 * evsend.h - the evidence sender: the sending side of an evidence transfer
 * between nodes (docs/evidence.md "Wire transfers", docs/protocol.md
 * section 7), an application service of the node; the HTTP API
 * (net/api_evxfer.c) checks the caller's request and calls it.
 *
 * A transfer sends the item sealed for the recipient's key (only the
 * 124-byte header is re-wrapped; the stored ciphertext goes as it is) in
 * pieces of HN_EVW_PIECE bytes, each a signed object, over a pinned
 * mutual-TLS client (fed/client.h). Every attempt asks the recipient
 * where it stands first (offer) and continues from there, so an
 * interrupted transfer resumes; the recipient's signed receipt ends it
 * (row "acknowledged" and the custody entry in one transaction).
 *
 * A transfer is a work item of the node's one delivery engine (fed/fed.h),
 * beside the messages of the outbox: a row "sending" is due at its
 * next_ms, a delivery thread claims it (its only owner until the attempt
 * ends: two senders for one transfer cannot happen) and runs one attempt
 * (hn_evsend_attempt) on its kept-alive client, and the engine records
 * the outcome with the outbox's retry policy (fed/retry.h: the same
 * backoff with jitter, attempt limit and rule on which answers are
 * final), metrics and wake-up on commit. Attempts count from the last
 * piece the recipient accepted: a transfer that progresses is not
 * failing. An attempt sends at most a slice of pieces, then the transfer
 * is due again at once (the thread serves others meanwhile). A definite
 * refusal, or the policy's attempts exhausted, fails it for good
 * ("failed"); the node stopping leaves it "interrupted": due again at the
 * next start (the engine's), or when asked again.
 */
#ifndef HN_NODE_EVSEND_H
#define HN_NODE_EVSEND_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/seal.h"
#include "fed/directory.h"
#include "node/custody.h"
#include "store/evidence.h"
#include "store/evxfer.h"
#include "util/err.h"

struct hn_client;
struct hn_db;
struct hn_store;
struct hn_fed;

/* What the sender needs of the node; must outlive the transfers. */
struct hn_evsend_env {
	struct hn_store *store; /* group-commit writer, readers */
	struct hn_fed *fed; /* signs, checks receipts, policy */
	const char *blobs; /* evidence object root */
	const struct hn_seal_keys *keys; /* the node's evidence keys */
	/* custody bound to db (a write job's connection) and the log */
	void (*custody)(struct hn_custody *c, struct hn_db *db);
};

/* A transfer asked for, already checked by the caller (item held and not
 * deleted, onward transfer allowed, request held by both, peer in the
 * directory, stored object present of `total` bytes). */
struct hn_evsend_ask {
	const struct hn_evidence_item *it;
	const char *to; /* party code */
	const char *request; /* the request it answers on both nodes */
	const char *conditions; /* art. 36 conditions (a new transfer) */
	const char *reason; /* for the custody entry */
	const char *actor; /* who asked */
	const struct hn_dir_party *peer;
	uint64_t total; /* sealed stream size */
	int64_t now;
};

enum hn_evsend_outcome {
	HN_EVSEND_STARTED = 1, /* a new transfer, or a resumed one */
	HN_EVSEND_ACTIVE, /* already being sent */
	HN_EVSEND_ACKNOWLEDGED, /* already acknowledged: nothing to do */
};

struct hn_evsend_result {
	enum hn_evsend_outcome outcome;
	char xfer[HN_XFER_ID_LEN + 1];
	uint64_t total;
	int64_t ledger_index; /* STARTED, new: the transfer_out entry */
	int64_t their_index; /* ACKNOWLEDGED */
	int resumed; /* STARTED: an earlier record goes on */
};

/*
 * Starts (or resumes: the latest transfer of this item to this party for
 * this request, unless it failed or the object changed) a transfer:
 * records it (row "sending", due now, and, if new, the custody entry
 * transfer_out) in one write job whose commit wakes a delivery thread.
 * HN_EVSEND_ACTIVE if a delivery thread owns it right now. The choice is
 * made inside that write job: two asks at once start one transfer.
 */
int hn_evsend_begin(const struct hn_evsend_env *env,
    const struct hn_evsend_ask *q, struct hn_evsend_result *res,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * The delivery engine's port (struct hn_fed_env evidence): one attempt of
 * transfer xfer over the claiming thread's client pc: an enum hn_fed_work,
 * *progressed if the recipient took bytes, the reason of a failure in
 * why. The receipt and its custody entry "acknowledged" are recorded here.
 */
int hn_evsend_attempt(const struct hn_evsend_env *env, const char *xfer,
    struct hn_client *pc, int *progressed, char *why, size_t whylen);
/* The port evidence_end: transfer xfer "failed" or "interrupted" with
 * why, inside the engine's transaction. */
int hn_evsend_end(struct hn_db *db, const char *xfer, int failed,
    const char *why, struct hn_error *err);

/* 1 if xfer is being sent right now (*sent: bytes the recipient holds). */
int hn_evsend_active(const char *xfer, uint64_t *sent);

#endif
