/*
 * fed.h - the federation runtime of a node: the directory it holds, the
 * inbox (POST /v1/inbox), the outbox delivery worker, and witnessing.
 *
 * The runtime does not know the node's storage, ledger or register
 * directly: the node gives it a struct hn_fed_env of functions (ports) that
 * run a durable transaction, append to the ledger inside it, make a signed
 * checkpoint, apply the treaty gate, and store an accepted message in the
 * node's own tables. So the rules here are tested with a plain database,
 * and the node binds them to its group-commit writer and ledger
 * (docs/protocol.md, sections 5 and 6).
 *
 * Threads: hn_fed_inbox and hn_fed_* accessors are thread-safe; the worker
 * threads start with hn_fed_start and stop with hn_fed_stop.
 */
#ifndef HN_FED_FED_H
#define HN_FED_FED_H

#include <stddef.h>
#include <stdint.h>

#include "fed/directory.h"
#include "fed/envelope.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

typedef int (*hn_fed_job)(struct hn_db *db, void *arg, struct hn_error *err);

struct hn_client;

struct hn_fed_env {
	void *ctx;
	/* Runs job(db, arg, err) in one durable transaction; returns its
	 * result once committed (0) or rolled back. */
	int (
	    *write)(void *ctx, hn_fed_job job, void *arg, struct hn_error *err);
	/* Borrows / returns a reader connection. */
	int (*reader)(void *ctx, struct hn_db **db);
	void (*release)(void *ctx, struct hn_db *db);
	/* Appends a ledger entry inside the running write transaction. */
	int (*ledger_append)(void *ctx, struct hn_db *db, const void *entry,
	    size_t len, uint64_t *index);
	/* Appends a signed checkpoint of at least min_size entries (a cached
	 * one may do; 0: a fresh one of every committed entry). */
	int (*checkpoint)(void *ctx, uint64_t min_size, struct hn_buf *out);
	/* Checks an incoming request (the envelope body of a request kind):
	 * 0 if valid and allowed; HN_EDENIED + reason naming the legal basis
	 * when the treaty gate refuses (core's hn_request_gate); HN_EINVAL +
	 * reason when the request is not valid. */
	int (*gate)(void *ctx, const char *us, const char *them, int64_t when,
	    const json_t *request, char *reason, size_t reasonlen);
	/* Optional: applies an accepted message to the node's own tables,
	 * inside the running write transaction. A message that is not a
	 * legal change of the node's copy of its request is refused for
	 * good: deliver writes why into refused[0..refusedlen) and returns
	 * 0; the message stays in the inbox and its receipt says so (the
	 * sender never retries it; the ledger entry message.received says
	 * `refused`). It must not write anything before it knows it will
	 * accept. A negative return rolls back (the sender retries). */
	int (*deliver)(void *ctx, struct hn_db *db, const struct hn_envelope *e,
	    char *refused, size_t refusedlen, struct hn_error *err);
	/* Optional: told after a received message was committed (metrics,
	 * benchmarks). Must not block. */
	void (*accepted)(void *ctx, const struct hn_envelope *e,
	    uint64_t ledger_index);
	/* Optional: a message we sent was receipted (inside a transaction;
	 * rc->refused says whether the receiver refused it for good). */
	int (*delivered)(void *ctx, struct hn_db *db, const char *msg_id,
	    const struct hn_receipt *rc, struct hn_error *err);
	/* Optional: appends a signed checkpoint of the log as the running
	 * write transaction leaves it (recorded in that transaction;
	 * store/ledger.h hn_ledger_checkpoint_pending). With it, an accepted
	 * message's receipt is signed and stored in the transaction that
	 * stores the message (one commit per message, and the receipt is
	 * given out only after that commit); without it, the receipt is
	 * made after the commit with `checkpoint` and stored in a second
	 * transaction. */
	int (*checkpoint_pending)(void *ctx, struct hn_db *db,
	    struct hn_buf *out);
	/* Optional: a message we sent failed for good (a definite 4xx
	 * answer, or max_attempts), inside the transaction that records
	 * it. */
	int (*failed)(void *ctx, struct hn_db *db, const char *msg_id,
	    const char *why, struct hn_error *err);
	/* Optional: evidence transfers, the engine's second kind of work
	 * item (store/evxfer.h: a "sending" row is due at its next_ms).
	 * One attempt of transfer `xfer` over peer (the delivery thread's
	 * kept-alive pinned client for its recipient): an enum
	 * hn_fed_work; *progressed if the recipient took bytes; why: the
	 * reason of a failure. It must return soon after hn_fed_stopping.
	 * The thread that runs it is the transfer's only owner until it
	 * returns. */
	int (*evidence)(void *ctx, const char *xfer, struct hn_client *peer,
	    int *progressed, char *why, size_t whylen);
	/* With evidence: transfer xfer ends without a receipt (failed for
	 * good, or interrupted: the node stops), inside the transaction
	 * that records it. */
	int (*evidence_end)(void *ctx, struct hn_db *db, const char *xfer,
	    int failed, const char *why, struct hn_error *err);
};

/* What one attempt of a work item came to. */
enum hn_fed_work {
	HN_FED_WORK_DONE = 0, /* receipted and recorded */
	HN_FED_WORK_YIELD, /* progress; due again at once (a slice) */
	HN_FED_WORK_RETRY, /* after the policy's delay */
	HN_FED_WORK_FINAL, /* failed for good */
	HN_FED_WORK_STOP, /* interrupted: the node stops (or a test) */
};

struct hn_fed_config {
	const char *party; /* our party code */
	const uint8_t *sk; /* our Ed25519 secret key (copied) */
	const char *registry_key; /* pinned registry verifier key */
	const char *directory_path; /* the held copy (DIR/directory.signed) */
	const char *registry_url; /* optional: GET {url}/v1/directory */
	const uint8_t *registry_pin; /* optional: the registry's TLS
					certificate SHA-256 (the content is
					signed either way) */
	const char *tls_cert, *tls_key; /* PEM files: our client identity */
	long retry_base_ms; /* first retry delay (default 500) */
	long retry_max_ms; /* cap of the backoff (default 60000) */
	long max_attempts; /* 0: retry until delivered */
	long workers; /* delivery threads (default 4): their
			 requests overlap, so both sides'
			 group commits batch them */
	long timeout_ms; /* per HTTP request (default 10000) */
	long time_window_s; /* inbox: past window (default 600) */
	long future_skew_s; /* inbox: future tolerance (default 300) */
	long witness_interval_ms; /* 0: no witness thread */
	const char *key_name; /* our signing key's note name (the
				 name in our directory entry) */
	long directory_refresh_ms; /* registry poll (default 60000) */
};

struct hn_fed;

/*
 * Loads the held directory (a missing or expired one is not an error: the
 * inbox answers stale_directory until a good one arrives). The env and
 * config strings must outlive the runtime.
 */
int hn_fed_open(struct hn_fed **out, const struct hn_fed_config *cfg,
    const struct hn_fed_env *env, struct hn_error *err)
    __attribute__((warn_unused_result));
/* Starts the delivery (and witness / directory) threads. */
int hn_fed_start(struct hn_fed *f, struct hn_error *err)
    __attribute__((warn_unused_result));
/* Stops the threads (in-flight deliveries finish or time out), frees. */
void hn_fed_close(struct hn_fed *f);

/* Wakes the delivery worker (after a transaction that queued messages). */
void hn_fed_kick(struct hn_fed *f);
/* The same, if hn_fed_queue was called since the last call: for the
 * store's commit hook (store.h hn_store_on_commit), so that a delivery
 * thread starts as soon as the outbox row is durable. After a rollback the
 * next commit wakes a thread for nothing, which is harmless. */
void hn_fed_committed(struct hn_fed *f);

/* Offers a signed directory (from the registry or a file): verified,
 * compared with the held one, kept if newer (hn_directory_update). */
int hn_fed_directory_offer(struct hn_fed *f, const char *data, size_t len,
    int64_t now, struct hn_error *err) __attribute__((warn_unused_result));
/* Fetches the directory from the registry now and offers it. */
int hn_fed_directory_fetch(struct hn_fed *f, int64_t now, struct hn_error *err)
    __attribute__((warn_unused_result));
/* Appends the held signed directory to out (HN_ENOTFOUND if none). */
int hn_fed_directory_raw(struct hn_fed *f, struct hn_buf *out);
/* Format version (1 or 2, as signed), serial, expiry and number of
 * parties of the held directory (all 0 if none). */
void hn_fed_directory_info(struct hn_fed *f, int *version, uint64_t *serial,
    int64_t *expires_at, size_t *nparties);

/* A client for the node of directory entry p (copy it, or hold the
 * directory lock): its URL, pinned by its certificate's fingerprint, our
 * node certificate as client certificate (mutual TLS). */
int hn_fed_client_new(struct hn_fed *f, const struct hn_dir_party *p,
    struct hn_client **out, struct hn_error *err)
    __attribute__((warn_unused_result));

/* A copy of the languages `party` accepts (its directory entry: a JSON
 * array of tags, art. 40); NULL if it is not in the held directory. */
json_t *hn_fed_party_languages(struct hn_fed *f, const char *party);

/*
 * Queues a message INSIDE the caller's write transaction (call it from the
 * job that writes the request row and its ledger entry): an outbox row
 * and a ledger entry "message.queued". msg_id receives the new id (for a
 * request kind with a valid request_id: the request's own id, so that a
 * request keeps one id on both nodes), *index (may be NULL) the ledger
 * index.
 * Then call hn_fed_kick after the commit (or let the store's commit hook
 * call hn_fed_committed).
 */
int hn_fed_queue(struct hn_fed *f, struct hn_db *db, const char *recipient,
    const char *kind, const char *in_reply_to, const char *request_id,
    const json_t *body, int64_t now_ms, char msg_id[HN_MSGID_LEN + 1],
    uint64_t *index, struct hn_error *err) __attribute__((warn_unused_result));

/*
 * POST /v1/inbox. body/len: the signed envelope; peer_fp: SHA-256 of the
 * client certificate (NULL if none). Sets *status, *ctype and the response
 * body (a signed receipt, or a JSON error {"error","message"} whose code is
 * one of docs/protocol.md section 5). Never fails for bad input: only
 * HN_ENOMEM-like internal errors are returned (the caller answers 500).
 */
int hn_fed_inbox(struct hn_fed *f, const char *body, size_t len,
    const uint8_t *peer_fp, int64_t now, int *status, const char **ctype,
    struct hn_buf *resp);

/* The retry policy (fed/retry.h) of this runtime's configuration: every
 * sender of the node (messages, evidence transfers) follows it. */
struct hn_retry;
void hn_fed_retry_policy(struct hn_fed *f, struct hn_retry *out);

/* Work items other than messages (evidence transfers): call inside the
 * write job that made one due, so that the commit wakes a delivery thread
 * (hn_fed_committed). */
void hn_fed_work_queued(struct hn_fed *f);
/* 1 if a delivery thread owns evidence transfer xfer right now. */
int hn_fed_evidence_claimed(struct hn_fed *f, const char *xfer);
/* 1 once the runtime stops; hn_fed_pause waits ms unless it stops (1). */
int hn_fed_stopping(struct hn_fed *f);
int hn_fed_pause(struct hn_fed *f, long ms);

/* Counters for /metrics and the API. */
struct hn_fed_stats {
	uint64_t inbox_accepted, inbox_duplicates, inbox_rejected;
	uint64_t out_attempts, out_delivered, out_failed;
	/* evidence transfers: work items of the same engine */
	uint64_t ev_attempts, ev_acknowledged, ev_failed;
	uint64_t witness_alerts, witness_cosigned;
};
void hn_fed_stats(struct hn_fed *f, struct hn_fed_stats *out);

/*
 * Witnessing (docs/protocol.md section 6). Checks a peer's signed
 * checkpoint (note) against the last one this node saw of that peer, with
 * `proof` the consistency proof from the held size (none when nothing is
 * held or the size is unchanged), and if it is consistent cosigns it (C2SP
 * tlog-cosignature with our key), stores the new state and the
 * cosignature, and appends the cosigned note to out. A bad signature, a
 * smaller tree or an inconsistent one raises an alert (stored, logged,
 * counted) and returns HN_EVERIFY / HN_ESTATE.
 */
int hn_fed_witness_check(struct hn_fed *f, const char *peer, const char *note,
    size_t len, const uint8_t (*proof)[32], size_t nproof, int64_t now,
    struct hn_buf *out, struct hn_error *err)
    __attribute__((warn_unused_result));
/* The tree size of the peer's last checkpoint seen (0 if none). */
uint64_t hn_fed_witness_held(struct hn_fed *f, const char *peer);

/*
 * POST /v1/log/cosignature: a peer returns one of OUR checkpoints with its
 * cosignature. Our own signature and the peer's cosignature (the peer is
 * the directory entry of the TLS client certificate) must verify; the
 * cosignature is stored. Sets *status and a JSON response.
 */
int hn_fed_cosig_receive(struct hn_fed *f, const char *body, size_t len,
    const uint8_t *peer_fp, int64_t now, int *status, struct hn_buf *resp);

/* Runs one witnessing round now: fetch, check, cosign every peer, and
 * return the cosignature to the peer. Returns the number of alerts. */
int hn_fed_witness_round(struct hn_fed *f, int64_t now);

#endif
