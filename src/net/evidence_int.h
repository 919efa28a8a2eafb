/*
 * evidence_int.h - what net/api_evidence.c shares with net/api_evxfer.c:
 * a handler helper that answers HTTP around the node's evidence service
 * (node/evidence.h: keys, blob root, custody binding, checks). Not for use
 * outside src/net/.
 */
#ifndef HN_NET_EVIDENCE_INT_H
#define HN_NET_EVIDENCE_INT_H

#include "net/http.h"
#include "node/evidence.h"
#include "node/node.h"

/* The item of the path's {id}; nonzero with a 404 (or 500) response. */
int hn_ev_load_item(struct hn_req *r, struct hn_evidence_item *it);

#endif
