/*
 * evidence.h - the node's evidence intake service (no HTTP): the node's
 * evidence keys, blob root and custody binding (set up on first use); the
 * checks that evidence answers a request this node holds (art. 40) under
 * a free name; resumable uploads (open intakes kept in memory between
 * calls, reopened from their staging file after a restart or when pushed
 * out); finishing an upload into an item with its custody events and
 * ledger entries in one write job; the custody event of an opening.
 * net/api_evidence.c and net/api_evxfer.c parse and answer HTTP around it.
 *
 * Errors carry the field (and article) for the caller's response:
 * HN_ENOTFOUND (field request, art. 40; field id), HN_EEXIST (field
 * name), HN_ESTATE (field offset: an upload continues elsewhere),
 * HN_EBUSY (an upload in use, too many in progress).
 */
#ifndef HN_NODE_EVIDENCE_H
#define HN_NODE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/seal.h"
#include "node/custody.h"
#include "store/evidence.h"
#include "store/intake.h"
#include "store/requests.h"
#include "util/err.h"

struct hn_node;
struct hn_db;

/* Loads the node's key and ledger for evidence (once; thread-safe). */
int hn_ev_setup(struct hn_node *n, struct hn_error *err);
/* Valid after hn_ev_setup succeeded. */
const struct hn_seal_keys *hn_ev_keys(void);
const char *hn_ev_blobs(void);
/* Custody bound to db (a write job's connection) and the node's log. */
void hn_ev_custody(struct hn_custody *c, struct hn_db *db);

/*
 * The request `id` this node holds (into rq if not NULL: release it), on
 * the reader connection db; HN_ENOTFOUND naming "request" (evidence
 * answers a request of this node, art. 40; never a free reference).
 */
int hn_ev_request_held(struct hn_db *db, const char *id,
    struct hn_request_row *rq, struct hn_error *err);
/*
 * The other party of request `id` (one id on both nodes, docs/evidence.md
 * "Transfers and requests") into other[4]; HN_ENOTFOUND (err untouched)
 * if this node does not hold it. With `there`, HN_ESTATE unless the other
 * party holds it too: it came from them over the network, or the message
 * that carried ours to them was receipted (not refused).
 */
int hn_ev_request_party(struct hn_db *db, const char *id, int there,
    char other[4]) __attribute__((warn_unused_result));
/* HN_EEXIST (field name) if the request has an item of that name. */
int hn_ev_name_free(struct hn_db *db, const char *request, const char *name,
    struct hn_error *err);
/* The item whose decimal id is `id`; HN_ENOTFOUND (field id). */
int hn_ev_item_get(struct hn_db *db, const char *id,
    struct hn_evidence_item *it, struct hn_error *err);

/*
 * Creates an upload (its row, then its staging file) for the request
 * `request` held here, item name `name` (made safe), after hn_ev_setup.
 * db: a reader connection for the checks. u gets the row.
 */
int hn_ev_upload_create(struct hn_node *n, struct hn_db *db,
    const char *request, const char *name, const char *description,
    const char *actor, int64_t now, struct hn_upload *u, struct hn_error *err)
    __attribute__((warn_unused_result));
/* The upload row of `id` (HN_ENOTFOUND, field id, when none or invalid). */
int hn_ev_upload_get(struct hn_db *db, const char *id, struct hn_upload *u,
    struct hn_error *err) __attribute__((warn_unused_result));
/* Where upload id stands: bytes accepted (*size) and durable on disk. */
int hn_ev_upload_state(const char *id, uint64_t *size, uint64_t *durable,
    struct hn_error *err) __attribute__((warn_unused_result));
/*
 * Appends len bytes at plaintext offset `offset`; HN_ESTATE (field offset)
 * if the upload continues elsewhere (*size says where). *size and
 * *durable as hn_ev_upload_state after the write.
 */
int hn_ev_upload_write(const char *id, uint64_t offset, const void *data,
    size_t len, uint64_t *size, uint64_t *durable, struct hn_error *err)
    __attribute__((warn_unused_result));
/*
 * Finishes upload u: the object is stored (content-addressed), then the
 * item, its custody events (intake, seal) and their ledger entries and
 * the removal of the upload are one write job. it and res get the result.
 */
int hn_ev_upload_finish(struct hn_node *n, const struct hn_upload *u,
    const char *actor, int64_t now, struct hn_evidence_item *it,
    struct hn_intake_result *res, struct hn_error *err)
    __attribute__((warn_unused_result));
/* Cancels upload id: its staging file and its row go. */
int hn_ev_upload_cancel(struct hn_node *n, const char *id, struct hn_error *err)
    __attribute__((warn_unused_result));

/* Records the custody event "opened" of item it (via the API download). */
int hn_ev_opened(struct hn_node *n, const struct hn_evidence_item *it,
    const char *actor, const char *reason, int64_t now, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
