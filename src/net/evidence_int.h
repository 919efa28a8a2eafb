/*
 * evidence_int.h - what net/api_evidence.c shares with net/api_evxfer.c:
 * the node's evidence keys, blob root and custody binding (set up on
 * first use), and two handler helpers. Not for use outside src/net/.
 */
#ifndef HN_NET_EVIDENCE_INT_H
#define HN_NET_EVIDENCE_INT_H

#include "crypto/seal.h"
#include "node/custody.h"
#include "net/http.h"
#include "node/node.h"
#include "store/evidence.h"
#include "store/requests.h"

/* Loads the node's key and audit log for evidence (once). */
int hn_ev_setup(struct hn_node *n, struct hn_error *err);
/* Valid after hn_ev_setup succeeded. */
const struct hn_seal_keys *hn_ev_keys(void);
const char *hn_ev_blobs(void);
/* Custody bound to db (a write job's connection) and the node's log. */
void hn_ev_custody(struct hn_custody *c, struct hn_db *db);
/* The item of the path's {id}; nonzero with a 404 (or 500) response. */
int hn_ev_load_item(struct hn_req *r, struct hn_evidence_item *it);
/* Nonzero with a 409 response if the request has an item of that name. */
int hn_ev_name_taken(struct hn_req *r, const char *request,
    const char *name);

/*
 * The request `id` this node holds (into rq if not NULL: release it), or
 * nonzero with a 404 naming "request" (evidence answers a request of this
 * node, art. 40; never a free reference) or a 500 response.
 */
int hn_ev_request_held(struct hn_req *r, const char *id,
    struct hn_request_row *rq);

#endif
