#include "net/http.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "net/conns.h"
#include "net/http_strict.h"
#include "net/origin.h"
#include "net/metrics.h"
#include "net/routes.h"
#include "node/node.h"
#include "store/store.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

/*
 * TLS 1.2 and 1.3 only, AEAD ciphers only, forward secrecy only: ECDHE
 * over X25519 or P-256 and nothing else (no finite-field DH in either
 * version; TLS 1.2 key exchange ECDHE only), in the server's order of
 * preference (X25519 first, whatever the client lists first).
 */
#define TLS_PRIORITIES \
	"SECURE256:+SECURE128:-VERS-ALL:+VERS-TLS1.3:" \
	"+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:" \
	"+CHACHA20-POLY1305:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:" \
	"-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:-SHA1:%SERVER_PRECEDENCE"

#define HEADER_MEMORY (64 * 1024) /* per connection: request line + headers */
#define TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
/* a body must come at this many bytes per second at least (averaged over
 * each header_timeout), or the connection is closed (net/conns.h) */
#define BODY_MIN_RATE 256

struct hn_http {
	struct MHD_Daemon *d;
	struct hn_node *node;
	size_t body_max;
	struct hn_conns *conns; /* admissions and deadlines */
	struct hn_origins origins; /* the node's own (net/origin.h) */
};

struct reqstate {
	struct hn_req r;
	struct hn_http *h;
	struct hn_db *db; /* borrowed reader, if any */
	struct hn_conn *conn; /* its entry in h->conns, or NULL */
	struct hn_buf body;
	int ready; /* the route and the caller are checked */
	int responded;
	int close; /* answer with Connection: close */
};

/* ---- metrics: HTTP latency histogram (Prometheus) ---- */

static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
	0.25, 0.5, 1, 2.5, 5, 10 };
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))
static atomic_ullong hist[NBUCKETS + 1];
static atomic_ullong hist_count;
static atomic_ullong hist_sum_us;
static atomic_ullong status_class[6];

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
observe(double secs, int status)
{
	size_t i;

	for (i = 0; i < NBUCKETS && secs > buckets[i]; i++)
		;
	atomic_fetch_add(&hist[i], 1);
	atomic_fetch_add(&hist_count, 1);
	atomic_fetch_add(&hist_sum_us, (unsigned long long)(secs * 1e6));
	if (status >= 100 && status < 600)
		atomic_fetch_add(&status_class[status / 100], 1);
}

int
hn_http_metrics(struct hn_buf *out)
{
	unsigned long long cum = 0;
	size_t i;
	int r = 0;

	r |= hn_buf_adds(out,
	    "# HELP hanoinet_http_request_duration_seconds "
	    "Time from request arrival to response.\n"
	    "# TYPE hanoinet_http_request_duration_seconds histogram\n");
	for (i = 0; i <= NBUCKETS; i++) {
		cum += atomic_load(&hist[i]);
		if (i < NBUCKETS)
			r |= hn_buf_addf(out,
			    "hanoinet_http_request_duration_"
			    "seconds_bucket{le=\"%g\"} %llu\n",
			    buckets[i], cum);
		else
			r |= hn_buf_addf(out,
			    "hanoinet_http_request_duration_"
			    "seconds_bucket{le=\"+Inf\"} %llu\n",
			    cum);
	}
	r |= hn_buf_addf(out,
	    "hanoinet_http_request_duration_seconds_sum "
	    "%.6f\nhanoinet_http_request_duration_seconds_count %llu\n",
	    (double)atomic_load(&hist_sum_us) / 1e6, atomic_load(&hist_count));
	r |= hn_buf_adds(out,
	    "# HELP hanoinet_http_responses_total "
	    "Responses by status class.\n"
	    "# TYPE hanoinet_http_responses_total counter\n");
	for (i = 1; i < 6; i++)
		r |= hn_buf_addf(out,
		    "hanoinet_http_responses_total{code=\""
		    "%zuxx\"} %llu\n",
		    i, atomic_load(&status_class[i]));
	r |= hn_conns_metrics(out);
	return r ? HN_ETOOBIG : 0;
}

/* ---- roles ---- */

static const struct {
	const char *name;
	unsigned bit;
} role_names[] = { { "duty_officer", HN_ROLE_DUTY_OFFICER },
	{ "central_authority", HN_ROLE_CENTRAL_AUTHORITY },
	{ "supervisor", HN_ROLE_SUPERVISOR }, { "auditor", HN_ROLE_AUDITOR },
	{ "admin", HN_ROLE_ADMIN }, { NULL, 0 } };

unsigned
hn_role_bit(const char *name)
{
	int i;

	for (i = 0; name != NULL && role_names[i].name != NULL; i++)
		if (strcmp(role_names[i].name, name) == 0)
			return role_names[i].bit;
	return 0;
}

const char *
hn_role_name(unsigned bit)
{
	int i;

	for (i = 0; role_names[i].name != NULL; i++)
		if (role_names[i].bit == bit)
			return role_names[i].name;
	return NULL;
}

/* ---- request helpers ---- */

const char *
hn_req_param(const struct hn_req *r, const char *name)
{
	int i;

	for (i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->params[i];
	return "";
}

const char *
hn_req_query(const struct hn_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn_, MHD_GET_ARGUMENT_KIND,
	    name);
}

const char *
hn_req_header(const struct hn_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn_, MHD_HEADER_KIND, name);
}

int
hn_req_json(struct hn_req *r, json_t **out)
{
	struct hn_error e;
	json_t *v;

	hn_error_clear(&e);
	*out = NULL;
	if (r->body_len == 0)
		return hn_resp_error(r, 400, "validation_failed", NULL, NULL,
			   "a JSON body is required"),
		       HN_EINVAL;
	v = hn_json_parse(r->body, r->body_len, r->body_len, HN_JSON_MAX_DEPTH,
	    &e);
	if (v == NULL) {
		hn_resp_error(r, e.code == HN_ETOOBIG ? 413 : 400,
		    e.code == HN_ETOOBIG ? "too_large" : "malformed_json", NULL,
		    NULL, "%s", e.message);
		return e.code ? e.code : HN_EPARSE;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		hn_resp_error(r, 400, "malformed_json", NULL, NULL,
		    "the body must be a JSON object");
		return HN_EPARSE;
	}
	*out = v;
	return 0;
}

int
hn_req_db(struct hn_req *r, struct hn_db **db)
{
	struct reqstate *s = (struct reqstate *)r;
	struct hn_error e;
	int rc;

	if (s->db == NULL &&
	    (rc = hn_store_reader(r->node->store, &s->db, &e)) != 0) {
		hn_diag(HN_DIAG_ERROR, "store.reader_failed", "msg=\"%s\"",
		    e.message);
		return rc;
	}
	*db = s->db;
	return 0;
}

void
hn_req_db_done(struct hn_req *r)
{
	struct reqstate *s = (struct reqstate *)r;

	if (s->db != NULL) {
		hn_store_release(r->node->store, s->db);
		s->db = NULL;
	}
}

/* ---- responses ---- */

static void stream_free(void *cls);

int
hn_resp_raw(struct hn_req *r, int status, const char *ctype, const void *data,
    size_t len)
{
	if (r->stream_ != NULL) {
		stream_free(r->stream_);
		r->stream_ = NULL;
	}
	hn_buf_reset(&r->out);
	r->status = status;
	r->ctype = ctype;
	if (hn_buf_add(&r->out, data, len) != 0) {
		r->status = 500;
		r->ctype = "application/json";
		hn_buf_reset(&r->out);
		hn_buf_adds(&r->out,
		    "{\"error\":\"internal\",\"message\":"
		    "\"response too large\"}");
		return HN_ETOOBIG;
	}
	return 0;
}

int
hn_resp_json(struct hn_req *r, int status, json_t *v)
{
	char *s;
	int rc;

	if (v == NULL || (s = json_dumps(v, JSON_COMPACT)) == NULL) {
		json_decref(v);
		return hn_resp_error(r, 500, "internal", NULL, NULL,
			   "internal error"),
		       HN_ENOMEM;
	}
	json_decref(v);
	rc = hn_resp_raw(r, status, "application/json", s, strlen(s));
	free(s);
	return rc;
}

int
hn_resp_error(struct hn_req *r, int status, const char *code, const char *field,
    const char *article, const char *fmt, ...)
{
	char msg[HN_ERR_MESSAGE_MAX];
	json_t *o;
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	(void)hn_vfmt_cut(msg, sizeof(msg), fmt, ap); /* a human message */
	va_end(ap);
	o = json_pack("{s:s, s:s}", "error", code, "message", msg);
	if (o != NULL && field != NULL && *field)
		json_object_set_new(o, "field", json_string(field));
	if (o != NULL && article != NULL && *article)
		json_object_set_new(o, "article", json_string(article));
	if (o == NULL || (s = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		return hn_resp_raw(r, 500, "application/json",
		    "{\"error\":\"internal\"}", 20);
	}
	json_decref(o);
	rc = hn_resp_raw(r, status, "application/json", s, strlen(s));
	free(s);
	return rc;
}

int
hn_resp_err(struct hn_req *r, const struct hn_error *e)
{
	int code = e != NULL ? e->code : HN_EINTERNAL;
	const char *field = e != NULL ? e->field : NULL;
	const char *art = e != NULL ? e->article : NULL;
	const char *msg =
	    e != NULL && e->message[0] ? e->message : hn_strerror(code);

	switch (code) {
	case HN_EINVAL:
	case HN_EVALIDATE:
	case HN_ERANGE:
		return hn_resp_error(r, 400, "validation_failed", field, art,
		    "%s", msg);
	case HN_EPARSE:
		return hn_resp_error(r, 400, "malformed_json", field, art, "%s",
		    msg);
	case HN_ENOTFOUND:
		return hn_resp_error(r, 404, "not_found", field, art, "%s",
		    msg);
	case HN_EDENIED:
		return hn_resp_error(r, 403, "forbidden", field, art, "%s",
		    msg);
	case HN_EEXIST:
		return hn_resp_error(r, 409, "conflict", field, art, "%s", msg);
	case HN_ESTATE:
		return hn_resp_error(r, 409, "illegal_transition", field, art,
		    "%s", msg);
	case HN_ETOOBIG:
		return hn_resp_error(r, 413, "too_large", field, art, "%s",
		    msg);
	case HN_EBUSY:
		return hn_resp_error(r, 503, "unavailable", NULL, NULL,
		    "the node is busy; try again");
	case HN_EVERIFY:
		return hn_resp_error(r, 400, "verification_failed", field, art,
		    "%s", msg);
	case HN_ENOSPACE:
		/* the one place a full disk becomes 507 (RFC 4918, 11.5):
		 * nothing was written, the client may retry later */
		hn_metrics_insufficient_storage();
		hn_store_full(r->node->store);
		hn_diag(HN_DIAG_ERROR, "http.insufficient_storage",
		    "method=%s path=\"%s\" msg=\"%s\"", r->method, r->path,
		    msg);
		return hn_resp_error(r, 507, "insufficient_storage", NULL, NULL,
		    "the node is out of storage; nothing was written, try "
		    "again later");
	default:
		hn_diag(HN_DIAG_ERROR, "http.internal_error",
		    "method=%s path=\"%s\" code=%d msg=\"%s\"", r->method,
		    r->path, code, msg);
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "internal error");
	}
}

int
hn_resp_stream(struct hn_req *r, int status, const char *ctype,
    const struct hn_stream *st)
{
	struct hn_stream *c;

	if ((c = malloc(sizeof(*c))) == NULL) {
		if (st->free != NULL)
			st->free(st->ctx);
		return hn_resp_error(r, 500, "internal", NULL, NULL,
			   "internal error"),
		       HN_ENOMEM;
	}
	*c = *st;
	if (r->stream_ != NULL) {
		if (r->stream_->free != NULL)
			r->stream_->free(r->stream_->ctx);
		free(r->stream_);
	}
	r->stream_ = c;
	hn_buf_reset(&r->out);
	r->status = status;
	r->ctype = ctype;
	return 0;
}

static ssize_t
stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct hn_stream *st = cls;
	ssize_t n;

	(void)pos;
	n = st->read(st->ctx, (uint8_t *)buf, max);
	if (n > 0)
		return n;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

static void
stream_free(void *cls)
{
	struct hn_stream *st = cls;

	if (st->free != NULL)
		st->free(st->ctx);
	free(st);
}

int
hn_resp_header(struct hn_req *r, const char *name, const char *value)
{
	if (r->nheaders >= HN_RESP_HEADERS_MAX ||
	    strlen(name) >= sizeof(r->hname[0]) ||
	    strlen(value) >= sizeof(r->hvalue[0]))
		return HN_ETOOBIG;
	HN_FMT_FIXED(r->hname[r->nheaders], sizeof(r->hname[0]), "%s", name);
	HN_FMT_FIXED(r->hvalue[r->nheaders], sizeof(r->hvalue[0]), "%s", value);
	r->nheaders++;
	return 0;
}

/* Whether the handler set header NAME (case-insensitive). */
static int
has_header(const struct hn_req *r, const char *name)
{
	int i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->hname[i], name) == 0)
			return 1;
	return 0;
}

/* ---- authentication ---- */

/* The session token from "Authorization: Bearer T" or cookie hn_session
 * (*cookie set). */
static const char *
find_token(struct hn_req *r, int *cookie)
{
	const char *v;

	*cookie = 0;
	v = MHD_lookup_connection_value(r->conn_, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (v != NULL && strncmp(v, "Bearer ", 7) == 0)
		return v + 7;
	*cookie = 1;
	return MHD_lookup_connection_value(r->conn_, MHD_COOKIE_KIND,
	    "hn_session");
}

static int
token_ok(const char *t)
{
	size_t i;

	for (i = 0; t[i]; i++)
		if (i >= TOKEN_LEN ||
		    !((t[i] >= 'a' && t[i] <= 'z') ||
			(t[i] >= 'A' && t[i] <= 'Z') ||
			(t[i] >= '0' && t[i] <= '9') || t[i] == '-' ||
			t[i] == '_'))
			return 0;
	return i == TOKEN_LEN;
}

/* 0: authenticated or no token; HN_EDENIED: a token that is not valid. */
static int
authenticate(struct reqstate *s)
{
	struct hn_req *r = &s->r;
	struct hn_account a;
	struct hn_db *db;
	const char *t;
	int rc, cookie;

	if ((t = find_token(r, &cookie)) == NULL)
		return 0;
	if (!token_ok(t))
		return HN_EDENIED;
	hn_sha256(t, TOKEN_LEN, r->session_hash);
	if ((rc = hn_req_db(r, &db)) != 0)
		return rc;
	rc = hn_sessions_lookup(db, r->session_hash, r->now, &a, NULL);
	if (rc == HN_ENOTFOUND)
		return HN_EDENIED;
	if (rc != 0)
		return rc;
	if (a.disabled || hn_role_bit(a.role) == 0)
		return HN_EDENIED;
	r->has_session = 1;
	r->via_cookie = cookie;
	r->who.account_id = a.id;
	/* the same sizes as the account's */
	HN_FMT_FIXED(r->who.name, sizeof(r->who.name), "%s", a.name);
	HN_FMT_FIXED(r->who.lang, sizeof(r->who.lang), "%s", a.lang);
	r->who.role = hn_role_bit(a.role);
	return 0;
}

static void
peer_certificate(struct hn_req *r)
{
	const union MHD_ConnectionInfo *ci;
	const gnutls_datum_t *certs;
	unsigned n = 0;

	ci = MHD_get_connection_info(r->conn_,
	    MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return;
	certs =
	    gnutls_certificate_get_peers((gnutls_session_t)ci->tls_session, &n);
	if (certs == NULL || n == 0 || certs[0].size == 0)
		return;
	hn_x509_fingerprint_der(certs[0].data, certs[0].size, r->peer_fp);
	r->has_peer = 1;
}

/* ---- the connection handler ---- */

static enum MHD_Result
send_response(struct reqstate *s, struct MHD_Connection *c)
{
	struct hn_req *r = &s->r;
	struct MHD_Response *resp;
	enum MHD_Result ok;
	size_t len;
	char *data;
	int i;

	if (r->status == 0)
		hn_resp_error(r, 500, "internal", NULL, NULL, "internal error");
	if (r->stream_ != NULL) {
		/* the response owns the stream from here on */
		resp = MHD_create_response_from_callback(r->stream_->size,
		    64 * 1024, stream_reader, r->stream_, stream_free);
		if (resp == NULL) {
			stream_free(r->stream_);
			r->stream_ = NULL;
			return MHD_NO;
		}
		r->stream_ = NULL;
	} else {
		data = hn_buf_detach(&r->out, &len);
		resp = MHD_create_response_from_buffer(len,
		    data ? data : (char *)"",
		    data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (resp == NULL) {
			free(data);
			return MHD_NO;
		}
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    r->ctype ? r->ctype : "application/json");
	if (!has_header(r, MHD_HTTP_HEADER_CACHE_CONTROL))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		    "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Strict-Transport-Security",
	    "max-age=31536000");
	for (i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->hname[i], r->hvalue[i]);
	if (s->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
		    "close");
	ok = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	s->responded = 1;
	return ok;
}

/* ---- RFC 9112 framing, before any handler (net/http_strict.h) ---- */

struct fields {
	struct hn_hfield f[HN_HFIELDS_MAX];
	size_t n;
	int over;
	const char *base, *end; /* the raw header as the parser left it */
};

static enum MHD_Result
collect_field(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct fields *fs = cls;

	(void)kind;
	if (fs->n >= HN_HFIELDS_MAX) {
		fs->over = 1;
		return MHD_NO;
	}
	fs->f[fs->n].name = key;
	fs->f[fs->n].name_len = key_size;
	fs->f[fs->n].value = value != NULL ? value : "";
	fs->f[fs->n].value_len = value != NULL ? value_size : 0;
	fs->n++;
	return MHD_YES;
}

/*
 * libmicrohttpd 0.9.75 parses the header in place: the request line starts
 * its buffer (the method), the header is header_size bytes, and each
 * field's name and value point into it, in order. The bytes between a
 * value's end and the next name (or the end) are what the parser skipped:
 * the rest of a line cut at a NUL shows there. A name outside the buffer
 * was built from a folded line. Where the layout is not this one (another
 * library version), no gaps are given and the check is only the fields'.
 */
static void
field_gaps(struct fields *fs)
{
	const char *at;
	size_t i;

	if (fs->n == 0 || fs->base == NULL || fs->f[0].name < fs->base ||
	    fs->f[0].name >= fs->end)
		return;
	for (i = 0; i < fs->n; i++) {
		struct hn_hfield *f = &fs->f[i];
		const char *next = i + 1 < fs->n ? fs->f[i + 1].name : fs->end;

		if (f->name < fs->base || f->name >= fs->end) {
			f->folded = 1;
			continue;
		}
		at = f->value + f->value_len;
		if (f->value < f->name || at > fs->end)
			continue;
		if (next < fs->base || next > fs->end)
			next = NULL; /* the next one is checked itself */
		else if (next >= at) {
			f->gap = at;
			f->gap_len = (size_t)(next - at);
		}
	}
}

/*
 * 0 if the request's framing is sound; else an error response is set and
 * the connection is to be closed after it (the bytes after a refused
 * header are never read as another request).
 */
static int
strict(struct reqstate *s, const char *method, const char *version)
{
	const union MHD_ConnectionInfo *ci;
	struct hn_req *r = &s->r;
	struct fields fs;
	struct hn_strict v;

	memset(&fs, 0, sizeof(fs));
	(void)MHD_get_connection_values_n(r->conn_, MHD_HEADER_KIND,
	    collect_field, &fs);
	ci = MHD_get_connection_info(r->conn_,
	    MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	if (ci != NULL && ci->header_size > 0) {
		fs.base = method;
		fs.end = method + ci->header_size;
		field_gaps(&fs);
	}
	if (fs.over) {
		s->close = 1;
		return hn_resp_error(r, 431, "too_large", "headers", NULL,
			   "more than %d header fields", HN_HFIELDS_MAX),
		       HN_ETOOBIG;
	}
	if (hn_http_strict(fs.f, fs.n,
		version != NULL && strcmp(version, "HTTP/1.0") == 0, &v) == 0)
		return 0;
	s->close = 1;
	hn_diag(HN_DIAG_INFO, "http.refused", "status=%d error=%s field=%s",
	    v.status, v.error, v.field[0] ? v.field : "-");
	return hn_resp_error(r, v.status, v.error, v.field, NULL, "%s",
		   v.message),
	       HN_EPARSE;
}

/* The write gate (net/origin.h): 0, or 1 with the refusal queued. */
static int
cross_site(struct reqstate *s)
{
	struct hn_req *r = &s->r;
	struct hn_gate_req q;
	const char *cl;

	memset(&q, 0, sizeof(q));
	q.method = r->method;
	q.bearer = r->has_session && !r->via_cookie;
	q.cookie = r->has_session && r->via_cookie;
	q.origin = hn_req_header(r, "Origin");
	q.fetch_site = hn_req_header(r, "Sec-Fetch-Site");
	q.ctype = hn_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	cl = hn_req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	q.has_body = (cl != NULL && strspn(cl, "0") != strlen(cl)) ||
	    hn_req_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
	q.route_type = r->route->body_type;
	switch (hn_gate_write(&s->h->origins, &q)) {
	case HN_GATE_OK:
		return 0;
	case HN_GATE_CROSS_SITE:
		hn_diag(HN_DIAG_WARN, "http.cross_site",
		    "method=%s path=\"%s\" addr=%s", r->method, r->path,
		    r->addr);
		hn_resp_error(r, 403, "cross_site", NULL, NULL,
		    "a write with the session cookie needs this node's own "
		    "Origin");
		return 1;
	default:
		hn_resp_error(r, 415, "unsupported_media_type", NULL, NULL,
		    "the body must be %s",
		    q.route_type ? q.route_type : "application/json");
		return 1;
	}
}

static void
client_address(struct hn_req *r)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	ci = MHD_get_connection_info(r->conn_,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    r->addr, sizeof(r->addr));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, r->addr,
		    sizeof(r->addr));
}

/* Checks the route and the caller once the headers are in. */
static void
admit(struct reqstate *s, const char *method, const char *url)
{
	struct hn_req *r = &s->r;
	const char *cl;
	int known = 0, rc;
	unsigned roles;

	r->route = hn_route_match(method, url, r, &known);
	if (r->route == NULL) {
		if (known)
			hn_resp_error(r, 405, "method_not_allowed", NULL, NULL,
			    "%s is not allowed on this path", method);
		else
			hn_resp_error(r, 404, "not_found", NULL, NULL,
			    "no such endpoint");
		return;
	}
	roles = r->route->roles;
	peer_certificate(r);
	rc = authenticate(s);
	/* do not hold a reader while the body arrives or a write waits for
	 * its group commit: handlers borrow one again when they read */
	if (s->db != NULL) {
		hn_store_release(s->h->node->store, s->db);
		s->db = NULL;
	}
	if (rc != 0 && rc != HN_EDENIED) {
		struct hn_error e = { .code = rc };

		hn_resp_err(r, &e);
		return;
	}
	if (!(roles & HN_ROLE_PUBLIC)) {
		if (rc == HN_EDENIED) {
			hn_resp_error(r, 401, "unauthenticated", NULL, NULL,
			    "the session is invalid or has expired");
			return;
		}
		if (!(r->who.role & roles) &&
		    !((roles & HN_ROLE_PEER) && r->has_peer)) {
			if (r->who.role == 0)
				hn_resp_error(r, 401, "unauthenticated", NULL,
				    NULL, "log in first");
			else
				hn_resp_error(r, 403, "forbidden", NULL, NULL,
				    "the role %s may not use this endpoint",
				    hn_role_name(r->who.role));
			return;
		}
	}
	if (cross_site(s))
		return;
	cl = MHD_lookup_connection_value(r->conn_, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	s->body.max = r->route->body_max ? r->route->body_max : s->h->body_max;
	if (cl != NULL && strtoull(cl, NULL, 10) > s->body.max) {
		hn_resp_error(r, 413, "too_large", NULL, NULL,
		    "the body is larger than %zu bytes", s->body.max);
		return;
	}
	s->ready = 1;
}

/* The first call: the header is complete. */
static enum MHD_Result
on_header(struct hn_http *h, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, void **con_cls)
{
	const union MHD_ConnectionInfo *ci;
	struct reqstate *s;
	struct hn_req *r;
	const char *cl;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return MHD_NO;
	r = &s->r;
	s->h = h;
	r->node = h->node;
	r->conn_ = c;
	r->method = method;
	r->path = url;
	r->now = (int64_t)time(NULL);
	r->t0_ = mono();
	hn_buf_init(&r->out, 64U << 20);
	hn_buf_init(&s->body, h->body_max);
	*con_cls = s;
	client_address(r);
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	s->conn = ci != NULL ? ci->socket_context : NULL;
	if (strict(s, method, version) == 0)
		admit(s, method, url);
	if (!s->ready) {
		hn_conns_busy(h->conns, s->conn);
		return send_response(s, c);
	}
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	hn_conns_header_done(h->conns, s->conn, cl != NULL && strcmp(cl, "0"));
	return MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **con_cls)
{
	struct hn_http *h = cls;
	struct reqstate *s = *con_cls;
	struct hn_req *r;

	if (s == NULL)
		return on_header(h, c, url, method, version, con_cls);
	r = &s->r;
	if (s->responded) {
		/* an error was already queued; discard what still comes */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		hn_conns_body(h->conns, s->conn, *upload_size);
		if (!r->oversize_ &&
		    hn_buf_add(&s->body, upload_data, *upload_size) != 0)
			r->oversize_ = 1;
		if (r->oversize_) {
			r->discarded_ += *upload_size;
			if (r->discarded_ > 4 * s->body.max + (1 << 20))
				return MHD_NO; /* stop reading: close */
		}
		*upload_size = 0;
		return MHD_YES;
	}
	hn_conns_busy(h->conns, s->conn);
	if (r->oversize_) {
		hn_resp_error(r, 413, "too_large", NULL, NULL,
		    "the body is larger than %zu bytes", s->body.max);
		return send_response(s, c);
	}
	r->body = s->body.data ? s->body.data : "";
	r->body_len = s->body.len;
	if (r->route->fn(r) != 0 && r->status == 0)
		hn_resp_error(r, 500, "internal", NULL, NULL, "internal error");
	if (s->db != NULL) {
		hn_store_release(h->node->store, s->db);
		s->db = NULL;
	}
	return send_response(s, c);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct hn_http *h = cls;
	struct reqstate *s = *con_cls;

	if (s == NULL)
		return;
	hn_conns_idle(h->conns, s->conn);
	observe(mono() - s->r.t0_, s->r.status);
	if (s->r.status >= 500 || toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
		hn_diag(HN_DIAG_INFO, "http.request",
		    "method=%s path=\"%s\" "
		    "status=%d ms=%.1f term=%d",
		    s->r.method, s->r.path, s->r.status,
		    (mono() - s->r.t0_) * 1e3, (int)toe);
	else
		hn_diag(HN_DIAG_DEBUG, "http.request",
		    "method=%s path=\"%s\" "
		    "status=%d ms=%.1f account=%s",
		    s->r.method, s->r.path, s->r.status,
		    (mono() - s->r.t0_) * 1e3, s->r.who.name);
	if (s->db != NULL)
		hn_store_release(h->node->store, s->db);
	hn_buf_release(&s->body);
	hn_buf_release(&s->r.out);
	if (s->r.stream_ != NULL) {
		stream_free(s->r.stream_);
		s->r.stream_ = NULL;
	}
	hn_wipe(s->r.session_hash, sizeof(s->r.session_hash));
	free(s);
	*con_cls = NULL;
}

/* Admission at accept, before TLS (net/conns.h). */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct hn_http *h = cls;

	return hn_conns_admit(h->conns, addr, addrlen) ? MHD_YES : MHD_NO;
}

static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *fd, *ad;
	struct hn_http *h = cls;
	socklen_t len;

	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		hn_conns_remove(h->conns, *socket_context);
		*socket_context = NULL;
		return;
	}
	fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	ad = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (fd == NULL || ad == NULL || ad->client_addr == NULL) {
		*socket_context = NULL;
		return;
	}
	len = ad->client_addr->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in);
	*socket_context =
	    hn_conns_add(h->conns, fd->connect_fd, ad->client_addr, len);
}

static void mhd_diag(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
mhd_diag(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)hn_vfmt_cut(msg, sizeof(msg), fmt, ap); /* a log line */
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	for (n = 0; msg[n]; n++)
		if (msg[n] == '"')
			msg[n] = '\'';
	hn_diag(HN_DIAG_DEBUG, "http.mhd", "msg=\"%s\"", msg);
}

static int
parse_listen(const char *s, struct sockaddr_storage *ss, int *v6)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	char host[128];
	const char *colon, *p;
	char *end;
	long port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (*s == '[') {
		if ((p = strchr(s, ']')) == NULL || p[1] != ':')
			return HN_EINVAL;
		hl = (size_t)(p - s - 1);
		if (hl >= sizeof(host))
			return HN_EINVAL;
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		colon = p + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return HN_EINVAL;
		hl = (size_t)(colon - s);
		if (hl >= sizeof(host))
			return HN_EINVAL;
		memcpy(host, s, hl);
		host[hl] = '\0';
	}
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535 || colon[1] == '\0')
		return HN_EINVAL;
	if (strcmp(host, "localhost") == 0)
		HN_FMT_FIXED(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*v6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*v6 = 1;
		return 0;
	}
	return HN_EINVAL;
}

int
hn_http_start(struct hn_http **out, struct hn_node *node,
    const struct hn_http_config *cfg, unsigned *port, struct hn_error *err)
{
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *di;
	struct hn_conns_limits lim;
	struct hn_http *h;
	unsigned flags;
	int v6;

	*out = NULL;
	if (parse_listen(cfg->listen, &ss, &v6) != 0)
		return hn_error_set(err, HN_EINVAL, "listen", NULL,
		    "cannot parse listen address '%s' (ADDR:PORT)",
		    cfg->listen);
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	h->node = node;
	h->body_max = cfg->body_max ? cfg->body_max : HN_DEFAULT_BODY_MAX;
	lim.max_total = cfg->max_connections;
	lim.max_per_ip = cfg->max_per_ip;
	lim.header_timeout = cfg->header_timeout_s ? cfg->header_timeout_s :
						     HN_DEFAULT_HEADER_TIMEOUT;
	lim.body_min = (size_t)(BODY_MIN_RATE * lim.header_timeout);
	if (hn_conns_new(&h->conns, &lim) != 0) {
		free(h);
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "cannot start the connection reaper");
	}
	/* poll(), not select(), in each connection's thread: no FD_SETSIZE
	 * ceiling, and no scan of a descriptor bitmap on every request */
	flags = MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_TLS |
	    MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
	h->d = MHD_start_daemon(flags, 0, on_accept, h, on_request, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_diag, NULL, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_HTTPS_MEM_KEY, cfg->tls_key_pem,
	    MHD_OPTION_HTTPS_MEM_CERT, cfg->tls_cert_pem,
	    /* asking for (not requiring) a client certificate: a trust list
	     * makes libmicrohttpd send a CertificateRequest. Peers are pinned
	     * by fingerprint, not by this list. */
	    MHD_OPTION_HTTPS_MEM_TRUST, cfg->tls_cert_pem,
	    MHD_OPTION_HTTPS_PRIORITIES, TLS_PRIORITIES,
	    MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY,
	    MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1U << 20),
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 128U, MHD_OPTION_STRICT_FOR_CLIENT,
	    1, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, h, MHD_OPTION_END);
	if (h->d == NULL) {
		hn_conns_free(h->conns);
		free(h);
		return hn_error_set(err, HN_ENET, "listen", NULL,
		    "cannot listen on %s (in use, or bad TLS key?)",
		    cfg->listen);
	}
	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	if (port != NULL)
		*port = di != NULL ? di->port : 0;
	if (hn_origins_init(&h->origins, cfg->origin, node->name, cfg->listen,
		di != NULL ? di->port : 0, err) != 0) {
		hn_http_stop(h);
		return err != NULL && err->code ? err->code : HN_EINVAL;
	}
	*out = h;
	return 0;
}

void
hn_http_stop(struct hn_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	hn_conns_free(h->conns);
	free(h);
}
