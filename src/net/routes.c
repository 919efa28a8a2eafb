#include "net/routes.h"

#include <string.h>

#define KiB 1024

/*
 * The API. Keep rows grouped by resource and in the order of docs/api.yaml.
 * roles: who may call (HN_ROLE_PUBLIC: anyone; HN_ROLE_PEER: another node
 * over mutual TLS, its pin checked by the handler). body_max 0 = default.
 * body_type NULL = application/json: the media type a cookie-authenticated
 * write must declare (net/origin.h; 415 otherwise).
 */
const struct hn_route hn_routes[] = {
	/* health, metrics, the API description */
	{ "GET", "/healthz", HN_ROLE_PUBLIC, 0, hn_api_healthz,
	    "liveness: the process answers and its database reads", NULL },
	{ "GET", "/readyz", HN_ROLE_PUBLIC, 0, hn_api_readyz,
	    "readiness: the node can take writes (storage not exhausted)",
	    NULL },
	{ "GET", "/metrics", HN_ROLE_ADMIN | HN_ROLE_AUDITOR, 0, hn_api_metrics,
	    "Prometheus metrics", NULL },
	{ "GET", "/v1/openapi.yaml", HN_ROLE_PUBLIC, 0, hn_api_openapi,
	    "this API (OpenAPI 3.1)", NULL },
	{ "GET", "/v1/node", HN_ROLE_PUBLIC, 0, hn_api_node,
	    "this node: party, name, TLS fingerprint (and the caller's)",
	    NULL },

	/* sessions and accounts */
	{ "POST", "/v1/session", HN_ROLE_PUBLIC, 4 * KiB, hn_api_session_login,
	    "log in", NULL },
	{ "GET", "/v1/session", HN_ROLES_USERS, 0, hn_api_session_get,
	    "who am I", NULL },
	{ "DELETE", "/v1/session", HN_ROLES_USERS, 0, hn_api_session_logout,
	    "log out", NULL },
	{ "PATCH", "/v1/session", HN_ROLES_USERS, 1 * KiB, hn_api_session_patch,
	    "set the account's console language", NULL },
	{ "GET", "/v1/accounts", HN_ROLE_ADMIN, 0, hn_api_accounts_list,
	    "list accounts", NULL },
	{ "POST", "/v1/accounts", HN_ROLE_ADMIN, 4 * KiB,
	    hn_api_accounts_create, "create an account", NULL },
	/* the on-call roster for alerts (issue 16; core/roster.h) */
	{ "GET", "/v1/roster", HN_ROLE_ADMIN, 0, hn_api_roster_get,
	    "the on-call roster: who is alerted when, in which language",
	    NULL },
	{ "PUT", "/v1/roster", HN_ROLE_ADMIN, 64 * KiB, hn_api_roster_put,
	    "replace the on-call roster (validated, errors name the field)",
	    NULL },

	/* the officers' console (web/, embedded; docs/console.md) */
	{ "GET", "/", HN_ROLE_PUBLIC, 0, hn_api_web_index,
	    "the console (web/index.html)", NULL },
	{ "GET", "/web/*", HN_ROLE_PUBLIC, 0, hn_api_web_asset,
	    "the console's files (HTML, CSS, ES modules, translations)", NULL },
	/* requests (core/ has the kinds, lifecycle and deadlines) */
	{ "POST", "/v1/requests", HN_ROLES_OFFICERS, 0, hn_api_requests_create,
	    "create a request (draft)", NULL },
	{ "GET", "/v1/requests", HN_ROLES_READERS, 0, hn_api_requests_list,
	    "list requests (kind, party, state, side, due; cursor)", NULL },
	{ "GET", "/v1/requests/{id}", HN_ROLES_READERS, 0, hn_api_requests_get,
	    "a request with its deadlines and history", NULL },
	{ "POST", "/v1/requests/{id}/transitions", HN_ROLES_OFFICERS, 128 * KiB,
	    hn_api_requests_transition, "move a request to another state",
	    NULL },
	{ "POST", "/v1/requests/{id}/messages", HN_ROLES_OFFICERS, 128 * KiB,
	    hn_api_requests_message,
	    "ask for or supply more information "
	    "(art. 40)",
	    NULL },
	{ "POST", "/v1/requests/{id}/approve", HN_ROLE_SUPERVISOR, 128 * KiB,
	    hn_api_requests_approve, "approve an emergency request (art. 41)",
	    NULL },
	{ "GET", "/v1/kinds", HN_ROLE_PUBLIC, 0, hn_api_kinds,
	    "request kinds: fields, articles, limits, transitions", NULL },
	{ "GET", "/v1/parties", HN_ROLE_PUBLIC, 0, hn_api_parties,
	    "the register of parties", NULL },
	{ "GET", "/v1/parties/{code}", HN_ROLE_PUBLIC, 0, hn_api_party,
	    "one party of the register", NULL },

	/* the ledger */
	{ "GET", "/v1/log/proof/{index}", HN_ROLES_USERS, 0, hn_api_log_proof,
	    "inclusion proof of an entry, with the entry", NULL },
	{ "GET", "/v1/log/tile/*", HN_ROLE_PUBLIC, 0, hn_api_log_tile,
	    "tlog tiles (hash tiles: anyone; entry bundles: auditors)", NULL },

	/* the federation (net/api_fed.c, docs/protocol.md) */
	{ "POST", "/v1/inbox", HN_ROLE_PEER, (1024 + 5) * KiB, hn_api_inbox,
	    "another node delivers a signed message", NULL },
	{ "GET", "/v1/directory", HN_ROLE_PUBLIC, 0, hn_api_directory,
	    "the signed directory this node holds", NULL },
	{ "GET", "/v1/federation", HN_ROLE_PUBLIC, 0, hn_api_federation,
	    "this node's federation state: keys, directory, register label",
	    NULL },
	{ "POST", "/v1/messages", HN_ROLES_OFFICERS, (1024 + 4) * KiB,
	    hn_api_messages_create,
	    "more information about a request both "
	    "nodes hold (art. 40; requests: /v1/requests)",
	    NULL },
	{ "GET", "/v1/messages", HN_ROLES_READERS, 0, hn_api_messages_list,
	    "messages sent (with delivery status) or received", NULL },
	{ "GET", "/v1/messages/{id}", HN_ROLES_READERS, 0, hn_api_messages_get,
	    "the delivery status of a message sent", NULL },
	{ "GET", "/v1/log/checkpoint", HN_ROLE_PUBLIC | HN_ROLE_PEER, 0,
	    hn_api_log_checkpoint, "the latest signed checkpoint of the ledger",
	    NULL },
	{ "GET", "/v1/log/consistency", HN_ROLE_PUBLIC | HN_ROLE_PEER, 0,
	    hn_api_log_consistency, "a consistency proof between two sizes",
	    NULL },
	{ "POST", "/v1/log/cosignature", HN_ROLE_PEER, 64 * KiB,
	    hn_api_fed_cosignature, "a witness returns our checkpoint cosigned",
	    NULL },
	{ "GET", "/v1/log/cosignatures", HN_ROLE_PUBLIC, 0,
	    hn_api_fed_cosignatures, "the cosignatures this node holds", NULL },
	{ "GET", "/v1/witness", HN_ROLES_READERS, 0, hn_api_witness,
	    "witnessing alerts", NULL },
	/* evidence: chunked, resumable uploads (docs/evidence.md) */
	{ "POST", "/v1/evidence", HN_ROLES_OFFICERS, 8 * KiB,
	    hn_api_evidence_create, "start an evidence upload", NULL },
	{ "GET", "/v1/evidence", HN_ROLES_READERS, 0, hn_api_evidence_list,
	    "a request's evidence (?request=ID)", NULL },
	{ "GET", "/v1/evidence/uploads/{id}", HN_ROLES_OFFICERS, 0,
	    hn_api_evidence_upload_get, "where an upload stands (resume)",
	    NULL },
	{ "PUT", "/v1/evidence/uploads/{id}", HN_ROLES_OFFICERS, 8 * 1024 * KiB,
	    hn_api_evidence_upload_put, "append bytes at ?offset=N",
	    "application/octet-stream" },
	{ "POST", "/v1/evidence/uploads/{id}/finish", HN_ROLES_OFFICERS,
	    4 * KiB, hn_api_evidence_upload_finish,
	    "finish: hash, seal, store, custody", NULL },
	{ "DELETE", "/v1/evidence/uploads/{id}", HN_ROLES_OFFICERS, 0,
	    hn_api_evidence_upload_cancel, "cancel an upload", NULL },
	/* transfer to another node (net/api_evxfer.c, protocol.md 7) */
	{ "POST", "/v1/evidence/{id}/transfer", HN_ROLES_OFFICERS, 8 * KiB,
	    hn_api_evidence_transfer,
	    "send an item to another node (art. 36 checked; resumable)", NULL },
	{ "GET", "/v1/evidence/{id}/transfers", HN_ROLES_READERS, 0,
	    hn_api_evidence_transfers, "an item's transfers and their state",
	    NULL },
	{ "POST", "/v1/evidence/incoming", HN_ROLE_PEER, 64 * KiB,
	    hn_api_evxfer_offer, "a node announces a transfer (signed)", NULL },
	{ "POST", "/v1/evidence/incoming/{id}", HN_ROLE_PEER, (1024 + 5) * KiB,
	    hn_api_evxfer_chunk, "a node sends a piece of a transfer (signed)",
	    NULL },
	{ "POST", "/v1/evidence/incoming/{id}/finish", HN_ROLE_PEER, 64 * KiB,
	    hn_api_evxfer_finish,
	    "verify a transfer, store it, answer a signed receipt", NULL },
	/* officers only: auditors check hashes and custody, not content */
	{ "GET", "/v1/evidence/{id}/content", HN_ROLES_OFFICERS, 0,
	    hn_api_evidence_content,
	    "an item's content, verified as it streams (custody: opened)",
	    NULL },

	{ NULL, NULL, 0, 0, NULL, NULL, NULL }
};

/* Matches one pattern; fills r's params on success. */
static int
match(const char *pat, const char *path, struct hn_req *r)
{
	const char *pe, *se;
	size_t pl, sl;
	int n = 0;

	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return 0;
		pat++;
		path++;
		pe = strchr(pat, '/');
		pl = pe ? (size_t)(pe - pat) : strlen(pat);
		se = strchr(path, '/');
		sl = se ? (size_t)(se - path) : strlen(path);
		if (pl == 1 && pat[0] == '*' && pe == NULL) {
			sl = strlen(path);
			if (sl == 0 || sl >= HN_PARAM_MAX ||
			    n >= HN_ROUTE_PARAMS_MAX)
				return 0;
			if (r != NULL) {
				r->param_names[n] = "*";
				memcpy(r->params[n], path, sl + 1);
			}
			n++;
			if (r != NULL)
				r->nparams = n;
			return 1;
		}
		if (pl >= 2 && pat[0] == '{' && pat[pl - 1] == '}') {
			if (sl == 0 || sl >= HN_PARAM_MAX ||
			    n >= HN_ROUTE_PARAMS_MAX)
				return 0;
			if (r != NULL) {
				/* the name lives in the pattern: "{id}" */
				r->param_names[n] = NULL;
				memcpy(r->params[n], path, sl);
				r->params[n][sl] = '\0';
			}
			n++;
		} else if (pl != sl || memcmp(pat, path, pl) != 0) {
			return 0;
		}
		pat += pl;
		path += sl;
	}
	if (*pat != '\0' || *path != '\0')
		return 0;
	if (r != NULL)
		r->nparams = n;
	return 1;
}

/* Parameter names point into a static table filled from the patterns. */
static const char *
param_name(const char *pat, int idx, char *buf, size_t max)
{
	const char *p = pat, *e;
	int i = 0;
	size_t l;

	while ((p = strchr(p, '{')) != NULL) {
		if ((e = strchr(p, '}')) == NULL)
			return NULL;
		if (i++ == idx) {
			l = (size_t)(e - p - 1);
			if (l >= max)
				return NULL;
			memcpy(buf, p + 1, l);
			buf[l] = '\0';
			return buf;
		}
		p = e;
	}
	return NULL;
}

const struct hn_route *
hn_route_match(const char *method, const char *path, struct hn_req *r,
    int *path_known)
{
	const struct hn_route *rt;
	int j;

	*path_known = 0;
	for (rt = hn_routes; rt->method != NULL; rt++) {
		if (!match(rt->pattern, path, NULL))
			continue;
		if (strcmp(rt->method, method) != 0) {
			*path_known = 1;
			continue;
		}
		match(rt->pattern, path, r);
		for (j = 0; j < r->nparams; j++) {
			if (r->param_names[j] != NULL)
				continue; /* "*" */
			r->param_names[j] = param_name(rt->pattern, j,
			    r->pnames_[j], sizeof(r->pnames_[j]));
			if (r->param_names[j] == NULL)
				r->param_names[j] = "";
		}
		return rt;
	}
	return NULL;
}
