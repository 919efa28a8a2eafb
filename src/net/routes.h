/*
 * routes.h - THE route table of the node's HTTP API (after Redis's command
 * table): method, path pattern, allowed roles, body limit, handler. Adding
 * an endpoint = adding a row in routes.c (and documenting it in
 * docs/api.yaml). Handlers live in net/api_<resource>.c.
 *
 * Patterns are literal segments and "{name}" segments (one path segment,
 * 1..255 characters, URL-safe); a final "*" matches the rest of the path
 * (one or more segments) into parameter "*".
 */
#ifndef HN_NET_ROUTES_H
#define HN_NET_ROUTES_H

#include <stddef.h>

#include "net/http.h"

struct hn_route {
	const char *method; /* "GET", "POST", "DELETE", "PUT", "PATCH" */
	const char *pattern; /* "/v1/requests/{id}/transitions" */
	unsigned roles; /* HN_ROLE_* bits allowed */
	size_t body_max; /* 0: the configured default (1 MiB) */
	hn_handler fn;
	const char *summary;
	const char *body_type; /* NULL: application/json (net/origin.h) */
};

extern const struct hn_route hn_routes[]; /* ends with a NULL method */

/*
 * Finds the route for method + path (query string already removed) and
 * fills r->params. Returns NULL and sets *path_known when the path matches
 * some route but not with this method (405).
 */
const struct hn_route *hn_route_match(const char *method, const char *path,
    struct hn_req *r, int *path_known);

/* Handlers (one group per file net/api_<resource>.c). */
int hn_api_healthz(struct hn_req *r);
int hn_api_readyz(struct hn_req *r);
int hn_api_metrics(struct hn_req *r);
int hn_api_openapi(struct hn_req *r);
int hn_api_node(struct hn_req *r);
int hn_api_session_login(struct hn_req *r);
int hn_api_session_logout(struct hn_req *r);
int hn_api_session_get(struct hn_req *r);
int hn_api_session_patch(struct hn_req *r);
int hn_api_accounts_list(struct hn_req *r);
int hn_api_accounts_create(struct hn_req *r);
int hn_api_roster_get(struct hn_req *r);
int hn_api_roster_put(struct hn_req *r);
int hn_api_web_index(struct hn_req *r);
int hn_api_web_asset(struct hn_req *r);
int hn_api_inbox(struct hn_req *r);
int hn_api_directory(struct hn_req *r);
int hn_api_federation(struct hn_req *r);
int hn_api_messages_create(struct hn_req *r);
int hn_api_messages_list(struct hn_req *r);
int hn_api_messages_get(struct hn_req *r);
int hn_api_fed_cosignature(struct hn_req *r);
int hn_api_fed_cosignatures(struct hn_req *r);
int hn_api_witness(struct hn_req *r);
int hn_api_requests_create(struct hn_req *r);
int hn_api_requests_list(struct hn_req *r);
int hn_api_requests_get(struct hn_req *r);
int hn_api_requests_transition(struct hn_req *r);
int hn_api_requests_approve(struct hn_req *r);
int hn_api_requests_message(struct hn_req *r);
int hn_api_kinds(struct hn_req *r);
int hn_api_parties(struct hn_req *r);
int hn_api_party(struct hn_req *r);
int hn_api_log_checkpoint(struct hn_req *r);
int hn_api_log_consistency(struct hn_req *r);
int hn_api_log_proof(struct hn_req *r);
int hn_api_log_tile(struct hn_req *r);
int hn_api_evidence_create(struct hn_req *r);
int hn_api_evidence_list(struct hn_req *r);
int hn_api_evidence_upload_get(struct hn_req *r);
int hn_api_evidence_upload_put(struct hn_req *r);
int hn_api_evidence_upload_finish(struct hn_req *r);
int hn_api_evidence_upload_cancel(struct hn_req *r);
int hn_api_evidence_transfer(struct hn_req *r);
int hn_api_evidence_transfers(struct hn_req *r);
int hn_api_evxfer_offer(struct hn_req *r);
int hn_api_evxfer_chunk(struct hn_req *r);
int hn_api_evxfer_finish(struct hn_req *r);
int hn_api_evidence_content(struct hn_req *r);

#endif
