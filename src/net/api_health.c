/* GET /healthz, /readyz, /metrics, /v1/openapi.yaml, /v1/node */
#include <stdio.h>
#include <string.h>

#include "net/http.h"
#include "net/metrics.h"
#include "node/node.h"
#include "net/routes.h"
#include "store/store.h"
#include "util/asset.h"
#include "util/encode.h"

int
hn_api_healthz(struct hn_req *r)
{
	struct hn_db *db;

	if (hn_req_db(r, &db) != 0 || hn_db_ping(db) != 0)
		return hn_resp_error(r, 503, "unavailable", NULL, NULL,
		    "the database is not available");
	return hn_resp_json(r, 200,
	    json_pack("{s:s, s:s, s:s, s:s, s:I}", "status", "ok", "party",
		r->node->party, "name", r->node->name, "version", HN_VERSION,
		"uptime_s", (json_int_t)(r->now - r->node->started)));
}

/*
 * Not ready (503) while the storage is exhausted: writes would get 507,
 * reads still work. A load balancer stops sending new work; the node
 * becomes ready again by itself once space is freed (store.h).
 */
int
hn_api_readyz(struct hn_req *r)
{
	struct hn_db *db;
	int rc;

	if (hn_req_db(r, &db) != 0 || hn_db_ping(db) != 0)
		return hn_resp_error(r, 503, "unavailable", NULL, NULL,
		    "the database is not available");
	if ((rc = hn_store_ready(r->node->store)) != 0)
		return hn_resp_error(r, 503,
		    rc == HN_ENOSPACE ? "insufficient_storage" : "unavailable",
		    NULL, NULL, "not ready: %s", hn_strerror(rc));
	return hn_resp_json(r, 200, json_pack("{s:s}", "status", "ready"));
}

int
hn_api_metrics(struct hn_req *r)
{
	struct hn_buf b = HN_BUF_INIT(1 << 20);
	struct hn_error e;
	struct hn_db *db;
	int rc;

	hn_error_clear(&e);
	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_metrics_write(r->node, db, r->now, &b)) != 0) {
		hn_buf_release(&b);
		e.code = rc;
		return hn_resp_err(r, &e);
	}
	rc = hn_resp_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8",
	    b.data, b.len);
	hn_buf_release(&b);
	return rc;
}

int
hn_api_openapi(struct hn_req *r)
{
	const struct hn_asset *a = hn_asset_find("docs/api.yaml");

	if (a == NULL)
		return hn_resp_error(r, 404, "not_found", NULL, NULL,
		    "no API description built in");
	return hn_resp_raw(r, 200, "application/yaml; charset=utf-8", a->data,
	    a->len);
}

int
hn_api_node(struct hn_req *r)
{
	char fp[hn_hex_len(32)], peer[hn_hex_len(32)];
	json_t *o;

	hn_hex_encode(fp, r->node->tls_fp, 32);
	o = json_pack("{s:s, s:s, s:s, s:s}", "party", r->node->party, "name",
	    r->node->name, "version", HN_VERSION, "tls_sha256", fp);
	if (o != NULL && r->has_peer) {
		hn_hex_encode(peer, r->peer_fp, 32);
		json_object_set_new(o, "peer_tls_sha256", json_string(peer));
	}
	return hn_resp_json(r, 200, o);
}
