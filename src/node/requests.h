/*
 * requests.h - the node's request service: creating, receiving and moving
 * requests through their lifecycle, applying core/'s rules (kinds,
 * transitions, deadlines) and writing each change as ONE unit: the row,
 * its history event and its ledger entry (+ whatever the hooks add, e.g.
 * the outbox row), inside the caller's write job (store/store.h).
 *
 * Ledger entries are compact JSON with sorted keys, e.g.
 *   {"actor":"alice","at":"2026-11-23T17:00:00Z","body_sha256":"...",
 *    "from":"VNM","id":"...","kind":"preservation","side":"requesting",
 *    "state":"draft","to":"FRA","type":"request.created"}
 *   {"actor":"bob","at":"...","from":"draft","grounds":[...],"id":"...",
 *    "payload_sha256":"...","to":"awaiting_approval",
 *    "type":"request.transition"}
 * The request document itself is not in the log (it may be confidential,
 * art. 42 (g)); its SHA-256 is, so the log commits to it.
 */
#ifndef HN_NODE_REQUESTS_H
#define HN_NODE_REQUESTS_H

#include <jansson.h>
#include <stdint.h>

#include "core/protocol.h"
#include "store/requests.h"
#include "util/err.h"

struct hn_node;
struct hn_db;

/* What the actor brings with a transition. */
struct hn_transition_args {
	const char *const *grounds; /* ground codes (refusal) */
	size_t ngrounds;
	const char *reason; /* reason text (refusal, postponement) */
	unsigned roles;     /* the actor's HN_PR_* roles */
};

/*
 * Creates an outgoing request (requesting side, state draft) from a
 * validated document whose "from" is this node's party. Inside a write
 * job. On success `out` holds the new row (release it).
 */
int hn_rq_create(struct hn_node *n, struct hn_db *db, const json_t *doc,
    const char *actor, int64_t now, struct hn_request_row *out,
    struct hn_error *err);

/*
 * hn_rq_create in two halves, so that the single writer thread of the
 * group commit does only the storing: _prepare (any thread, no database)
 * makes the row, its canonical document and its audit-log entry;
 * _store (inside a write job) appends the entry and writes the row and
 * its history (out->row.ledger_index set). Release with hn_rq_new_release
 * whatever the outcome.
 */
struct hn_rq_new {
	struct hn_request_row row;
	char *entry; /* the audit-log entry (compact JSON, sorted keys) */
};
int hn_rq_create_prepare(struct hn_node *n, const json_t *doc,
    const char *actor, int64_t now, struct hn_rq_new *out,
    struct hn_error *err);
int hn_rq_create_store(struct hn_node *n, struct hn_db *db,
    struct hn_rq_new *p, int64_t now, struct hn_error *err);
void hn_rq_new_release(struct hn_rq_new *p);

/*
 * Stores an incoming request (requested side, state received) that
 * arrived from party doc.from in message `remote_id` (for federation's
 * deliver port). A request keeps one id on both nodes: the message id
 * (= the sender's request id) becomes its id when it is a valid request
 * id, else a new one is drawn. Validates the document; HN_EEXIST if that
 * id is stored already. Inside a write job.
 */
int hn_rq_receive(struct hn_node *n, struct hn_db *db, const json_t *doc,
    const char *remote_id, int64_t now, struct hn_request_row *out,
    struct hn_error *err);

/*
 * Moves request `id` to state `to` if core's lifecycle allows it for the
 * request's kind and side with `args` (HN_ESTATE: not allowed from the
 * current state; HN_EDENIED: needs a supervisor; HN_EINVAL: grounds or
 * reason missing; HN_ENOTFOUND). payload (may be NULL) is recorded in the
 * history. Inside a write job.
 */
int hn_rq_transition(struct hn_node *n, struct hn_db *db, const char *id,
    const char *to, const struct hn_transition_args *args,
    const json_t *payload, const char *actor, int64_t now,
    struct hn_request_row *out, struct hn_error *err);

/*
 * The other State (`party`) sent message `kind` about request `id` naming
 * `state`: an answer of the requested State, or the requester's
 * withdrawal. Applied if the kind's protocol has that row for our copy
 * (grounds and reasons in the payload checked too); HN_ESTATE when it
 * has not (stale, repeated, out of the rules), HN_EDENIED when the
 * request is not between us and `party`, HN_ENOTFOUND. Inside a write job.
 */
int hn_rq_answer(struct hn_node *n, struct hn_db *db, const char *id,
    const char *party, const char *kind, const char *state,
    const json_t *payload, int64_t now, struct hn_request_row *out,
    struct hn_error *err);

/* Our request message was receipted: queued -> delivered; or refused
 * for good by the other node, or undeliverable for good (refused: why):
 * queued (or withdrawn) -> rejected. */
int hn_rq_receipted(struct hn_node *n, struct hn_db *db, const char *id,
    const char *refused, int64_t now, struct hn_request_row *out,
    struct hn_error *err);

/*
 * A message about request `id` that changes no state: `kind` (e.g.
 * "more_information", art. 40: consultation) with `text`, kept in the
 * history (payload {"message": kind, "text": text}) and the ledger. From
 * us (party NULL, actor our account): also sent to the other State in the
 * same transaction (hooks.request_note; HN_ESTATE when it cannot go: not
 * on the network, or not sent yet). From the network (party = the sender,
 * actor the same): HN_EDENIED unless the request is between us and party.
 * HN_ENOTFOUND. Inside a write job.
 */
int hn_rq_note(struct hn_node *n, struct hn_db *db, const char *id,
    const char *actor, const char *party, const char *kind, const char *text,
    int64_t now, struct hn_request_row *out, struct hn_error *err);

/* The full view of a request for the API: row, document, deadlines
 * (computed at `now`), history (if events != NULL: stolen) and the
 * transitions allowed from its state. */
json_t *hn_rq_view(struct hn_node *n, const struct hn_request_row *r,
    json_t *events, int64_t now);
/* The same view without "body": r->body is already the document's JSON
 * text, which the API splices in instead of parsing and re-serialising
 * it (net/api_requests.c). */
json_t *hn_rq_view_meta(struct hn_node *n, const struct hn_request_row *r,
    json_t *events, int64_t now);

/* Replaces the integer Unix times of known keys in o (recursively) with
 * RFC 3339 strings. */
void hn_rq_times(json_t *o);

/* A syntactically valid request id (32 lowercase hex digits). */
int hn_rq_id_valid(const char *id);

#endif
