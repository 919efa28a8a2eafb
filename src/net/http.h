/*
 * http.h - the node's HTTPS server (libmicrohttpd + GnuTLS) and the contract
 * every API handler follows.
 *
 * A handler is one row of the route table (net/routes.c):
 *
 *	static int
 *	api_thing_get(struct hn_req *r)
 *	{
 *		const char *id = hn_req_param(r, "id");
 *		...
 *		return hn_resp_json(r, 200, json_pack("{s:s}", "id", id));
 *	}
 *
 * Before the handler runs, the server has matched the route, authenticated
 * the caller (session cookie `hn_session` or `Authorization: Bearer`),
 * checked the route's roles, refused cross-site writes (net/origin.h: a
 * cookie-authenticated write needs the node's own Origin and the route's
 * media type), and read the body within the route's limit.
 * The handler sets exactly one response with the hn_resp_* helpers and
 * returns what they return (0, or a negative HN_E* if even the response
 * could not be built; the server then answers 500). Errors are JSON:
 *   {"error": "validation_failed", "message": "...", "field": "...",
 *    "article": "42 (c)"}
 * with a 4xx status; a 5xx never carries internal detail (it is logged).
 *
 * Before that still, the framing is checked (net/http_strict.h: 400
 * or 501 with Connection: close) and the connection was admitted and is
 * held to its header and body deadlines (net/conns.h).
 *
 * Threads: one thread per connection; a handler may block (e.g. on the
 * group commit in store/store.h). Handlers must be thread-safe.
 */
#ifndef HN_NET_HTTP_H
#define HN_NET_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "store/accounts.h"
#include "util/buf.h"
#include "util/err.h"

struct hn_node;
struct hn_route;
struct hn_db;

/* Roles (account roles, and two pseudo-roles for routes). */
enum {
	HN_ROLE_DUTY_OFFICER = 1 << 0, /* 24/7 point of contact, art. 41 */
	HN_ROLE_CENTRAL_AUTHORITY = 1
	    << 1, /* mutual legal assistance, art. 40 */
	HN_ROLE_SUPERVISOR = 1 << 2, /* approves emergency requests */
	HN_ROLE_AUDITOR = 1 << 3, /* read-only, sees the ledger */
	HN_ROLE_ADMIN = 1 << 4, /* accounts and configuration */
	HN_ROLE_PUBLIC = 1 << 5, /* route: no session needed */
	HN_ROLE_PEER = 1 << 6 /* route: a node with a TLS client certificate;
				 the handler must check its pinned
				 fingerprint (r->peer_fp) */
};
#define HN_ROLES_OFFICERS \
	(HN_ROLE_DUTY_OFFICER | HN_ROLE_CENTRAL_AUTHORITY | HN_ROLE_SUPERVISOR)
#define HN_ROLES_READERS (HN_ROLES_OFFICERS | HN_ROLE_AUDITOR)
#define HN_ROLES_USERS (HN_ROLES_READERS | HN_ROLE_ADMIN)

/* "duty_officer" -> HN_ROLE_DUTY_OFFICER; 0 if unknown (account roles only). */
unsigned hn_role_bit(const char *name);
/* HN_ROLE_DUTY_OFFICER -> "duty_officer"; NULL if not exactly one role. */
const char *hn_role_name(unsigned bit);

#define HN_ROUTE_PARAMS_MAX 4
#define HN_PARAM_MAX 256
#define HN_RESP_HEADERS_MAX 6

struct hn_principal {
	int64_t account_id; /* 0: no session */
	char name[HN_ACCOUNT_NAME_MAX];
	unsigned role; /* one HN_ROLE_* bit, or 0 */
	char lang[HN_LANG_MAX];
};

struct hn_req {
	struct hn_node *node;
	const struct hn_route *route;
	const char *method;
	const char *path;
	/* path parameters, by name from the pattern ("{id}"; "*" for a tail) */
	const char *param_names[HN_ROUTE_PARAMS_MAX];
	char params[HN_ROUTE_PARAMS_MAX][HN_PARAM_MAX];
	int nparams;
	/* the body (NUL-terminated), at most the route's limit */
	const char *body;
	size_t body_len;
	struct hn_principal who;
	int has_peer; /* a TLS client certificate */
	uint8_t peer_fp[32]; /* SHA-256 of its DER */
	int64_t now; /* Unix seconds at arrival */
	uint8_t session_hash[32]; /* of the token used, if any */
	int has_session;
	int via_cookie; /* the session came in the cookie, not a bearer */
	char addr[48]; /* the client's IP address (text) */

	/* response (set by hn_resp_*) */
	int status;
	struct hn_buf out;
	const char *ctype;
	char hname[HN_RESP_HEADERS_MAX][32];
	char hvalue[HN_RESP_HEADERS_MAX][320];
	int nheaders;

	/* a streamed response (hn_resp_stream) instead of `out` */
	struct hn_stream *stream_;

	char pnames_[HN_ROUTE_PARAMS_MAX][32]; /* private */
	void *conn_; /* private: the MHD connection */
	double t0_; /* private: arrival (monotonic seconds) */
	int oversize_;
	size_t discarded_;
};

typedef int (*hn_handler)(struct hn_req *r);

/* A path parameter by name ("id"), or "" if the route has none. */
const char *hn_req_param(const struct hn_req *r, const char *name);
/* A query argument (URL-decoded) or NULL. */
const char *hn_req_query(const struct hn_req *r, const char *name);
/* A request header or NULL. */
const char *hn_req_header(const struct hn_req *r, const char *name);
/*
 * Parses the body as a JSON object (size and depth limits). On failure sets
 * a 400 (or 413) response and returns the error; the handler then returns.
 */
int hn_req_json(struct hn_req *r, json_t **out);
/* A reader connection for the duration of the handler (borrowed from the
 * pool, given back automatically after the handler returns). */
int hn_req_db(struct hn_req *r, struct hn_db **db);
/* Gives the reader back early (before slow work such as a password
 * check); a later hn_req_db borrows one again. */
void hn_req_db_done(struct hn_req *r);

/* Responds with v (a reference is stolen; NULL -> 500). */
int hn_resp_json(struct hn_req *r, int status, json_t *v);
/* Responds with a JSON error. field/article may be NULL. */
int hn_resp_error(struct hn_req *r, int status, const char *code,
    const char *field, const char *article, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/*
 * Responds with an error derived from e->code: validation 400, not found
 * 404, denied 403, exists 409, illegal state 409, too big 413, busy 503,
 * anything else 500 with a generic message (the detail is logged).
 */
int hn_resp_err(struct hn_req *r, const struct hn_error *e);
/* Responds with bytes (copied) of a content type. */
int hn_resp_raw(struct hn_req *r, int status, const char *ctype,
    const void *data, size_t len);
/*
 * A streamed response body (downloads of any size in bounded memory).
 * read() fills up to max bytes of buf and returns how many (> 0), 0 at
 * the (verified) end, or a negative HN_E* code: the connection is then
 * closed before the announced length, so a client never takes a cut
 * stream for a whole one. free() runs once when the response is done
 * (complete, failed or abandoned by the client); it may be NULL.
 */
struct hn_stream {
	ssize_t (*read)(void *ctx, uint8_t *buf, size_t max);
	void (*free)(void *ctx);
	void *ctx;
	uint64_t size; /* the exact body length (Content-Length) */
};

/*
 * Responds with status and a streamed body of s->size bytes. Takes
 * ownership of s->ctx (free is called even if the response cannot be
 * queued). Headers added with hn_resp_header are sent too.
 */
int hn_resp_stream(struct hn_req *r, int status, const char *ctype,
    const struct hn_stream *s);

/* Adds a response header (e.g. Set-Cookie); at most HN_RESP_HEADERS_MAX. */
int hn_resp_header(struct hn_req *r, const char *name, const char *value);

/* ---- the server ---- */

struct hn_http_config {
	const char *listen; /* "127.0.0.1:8247", "[::1]:0" */
	const char *tls_key_pem; /* kept alive until hn_http_stop */
	const char *tls_cert_pem;
	size_t body_max; /* default body limit (1 MiB) */
	unsigned max_connections; /* total */
	unsigned max_per_ip;
	unsigned timeout_s; /* idle connection timeout */
	/* a request header must be complete this many seconds after the
	 * connection opened or its previous response was done; while a body
	 * arrives, each such span must bring some bytes (net/conns.h). 0:
	 * HN_DEFAULT_HEADER_TIMEOUT */
	unsigned header_timeout_s;
	const char *origin; /* the `origin` key (net/origin.h); NULL: derived */
};
#define HN_DEFAULT_HEADER_TIMEOUT 10

struct hn_http;

/* Starts serving; the bound port is in *port (useful with port 0). */
int hn_http_start(struct hn_http **out, struct hn_node *node,
    const struct hn_http_config *cfg, unsigned *port, struct hn_error *err)
    __attribute__((warn_unused_result));
/* Stops accepting, lets in-flight requests finish, frees. NULL ok. */
void hn_http_stop(struct hn_http *h);

/* Latency histogram etc. in Prometheus text format (for /metrics). */
int hn_http_metrics(struct hn_buf *out);

#endif
