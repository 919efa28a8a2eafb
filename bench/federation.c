/*
 * bench/federation: two nodes on loopback in one process (the real node
 * server, store, ledger and federation runtime; each node its own data
 * directory and database), VNM sending preservation requests to FRA the
 * way an officer does (issue 12: through the gate, like a real request):
 * POST /v1/requests (a draft, not timed), then POST
 * /v1/requests/{id}/transitions {"to": "queued"}, the transition that
 * writes the request and queues its message in one transaction; both
 * over VNM's HTTPS API, as a duty officer, on a kept-alive connection.
 *
 *   plain    a plain HTTPS POST round trip to FRA's server over a kept-alive
 *            mutual-TLS connection, with a body as large as a real envelope
 *            (refused before any storage): the baseline, same run
 *   e2e      the request leaving (the queueing transition called on VNM)
 *            to stored on FRA (its inbox transaction committed), one
 *            request at a time: p50, p99; and its parts seen from outside:
 *            the transition's answer (VNM committed) and the rest
 *   burst    BENCH_BURST drafts created first, then queued by 8 threads at
 *            once: requests/s until the last is stored on FRA; lost and
 *            duplicated counted from FRA's inbox
 *   floor    what no code can remove, measured in the same run on the same
 *            disk: a raw durable SQLite commit (WAL, synchronous=FULL, the
 *            node's 4 KiB pages, one row; one after each end-to-end
 *            request, so the same seconds of disk), an Ed25519 signature
 *            and its verification; floor = 2 commits (VNM's outbox, FRA's inbox:
 *            each must be durable before the next step) + the plain round
 *            trip + sign + verify, and the best ratio that floor allows
 *
 * Like `hanoinet serve`: the same malloc policy (util/mem.h), and every
 * 2 s each node's WAL checkpointed, its store shrunk, the heap trimmed.
 *
 * Last line: BENCH federation ratio=R p50_ms=A p99_ms=B msgs_per_s=C
 * lost=L duplicated=D floor_ms=F floor_ratio=Q, R = plain p50 / e2e p50
 * (the old goal, R >= 0.33), F = the floor above (2 x raw commit p50 +
 * plain p50 + sign p50 + verify p50, this run), Q = F / e2e p50 (issue
 * 13's goal: Q >= 0.67, the node's p50 at most 1.5 times its floor).
 * Environment: BENCH_SEQ (default 200), BENCH_BURST (default 1000).
 */
#include <malloc.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "fed/directory.h"
#include "fed/envelope.h"
#include "fed/fed.h"
#include "fed/nodekey.h"
#include "fed/client.h"
#include "node/federation.h"
#include "net/http.h"
#include "node/node.h"
#include "store/fed.h"
#include "store/store.h"
#include "util/asset.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/json.h"
#include "util/diag.h"
#include "util/mem.h"

#define MAXMSG 20000

struct bnode {
	const char *code;
	char dir[512], conf[600], url[64], admin_pw[128];
	unsigned port;
	uint8_t fp[32];
	struct hn_node *n;
	struct hn_http *http;
	struct hn_buf key, crt;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char ids[MAXMSG][33];
	double sent[MAXMSG], committed[MAXMSG], arrived[MAXMSG];
	int nids;
	long calls, unique;
	char early[MAXMSG][33]; /* seen before submit() recorded them */
	double early_t[MAXMSG];
	int nearly;
} T;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
observer(void *ctx, const char *sender, const char *id)
{
	double t = now_s();
	int i;

	(void)ctx;
	(void)sender;
	pthread_mutex_lock(&T.mu);
	T.calls++;
	for (i = T.nids - 1; i >= 0; i--)
		if (strcmp(T.ids[i], id) == 0) {
			if (T.arrived[i] == 0) {
				T.arrived[i] = t;
				T.unique++;
			}
			break;
		}
	if (i < 0 && T.nearly < MAXMSG) {
		memcpy(T.early[T.nearly], id, 33);
		T.early_t[T.nearly++] = t;
	}
	pthread_cond_broadcast(&T.cv);
	pthread_mutex_unlock(&T.mu);
}

/* $name as a positive int, or def when unset or not a number. */
static int
env_int(const char *name, int def)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtol(v, &end, 10);
	return *end == '\0' && n > 0 && n <= 1000000 ? (int)n : def;
}

static unsigned
free_port(void)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	unsigned port = 0;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &l) == 0)
		port = ntohs(a.sin_port);
	if (s >= 0)
		close(s);
	return port;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_federation: %s\n", what);
	exit(1);
}

/* The register with every party in force (as in hanoinet demo). */
static void
write_register(const char *path)
{
	const struct hn_asset *a = hn_asset_find("data/parties.json");
	json_t *reg, *p;
	char *s;
	size_t i;

	if (a == NULL ||
	    (reg = hn_json_parse((const char *)a->data, a->len, a->len,
		 HN_JSON_MAX_DEPTH, NULL)) == NULL)
		die("register");
	json_array_foreach(json_object_get(reg, "parties"), i, p)
	    json_object_set_new(p, "events",
		json_pack("[{s:s, s:s}]", "type", "ratification", "date",
		    "2025-11-03"));
	s = json_dumps(reg, JSON_COMPACT);
	if (s == NULL || hn_file_write_atomic(path, s, strlen(s), 0644) != 0)
		die("write register");
	free(s);
	json_decref(reg);
}

static void
setup(struct bnode *b, const char *base, const char *regpath,
    const char *regvkey, json_t *parties)
{
	char *args[] = { "init", "--party", (char *)b->code, "--dir", b->dir,
		NULL };
	char line[2048], name[64], keyname[HN_SIGNER_MAX + 1];
	char vkey[HN_VKEY_MAX + 1], hex[hn_hex_len(32)], path[700];
	uint8_t sk[HN_ED25519_SK_LEN];
	FILE *f;
	int out;

	snprintf(b->dir, sizeof(b->dir), "%s/%s", base, b->code);
	/* init prints the first admin's password: kept to log in */
	snprintf(path, sizeof(path), "%s/%s.init", base, b->code);
	fflush(stdout);
	out = dup(1);
	if (freopen(path, "w", stdout) == NULL)
		die("stdout");
	if (cmd_init(5, args) != 0)
		die("init");
	fflush(stdout);
	dup2(out, 1);
	close(out);
	if ((f = fopen(path, "r")) == NULL)
		die("init output");
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "password: ", 10) == 0)
			snprintf(b->admin_pw, sizeof(b->admin_pw), "%.*s",
			    (int)strcspn(line + 10, "\n"), line + 10);
	fclose(f);
	if (b->admin_pw[0] == '\0')
		die("init printed no password");
	b->port = free_port();
	snprintf(b->url, sizeof(b->url), "https://127.0.0.1:%u", b->port);
	snprintf(b->conf, sizeof(b->conf), "%s/hanoinet.conf", b->dir);
	snprintf(line, sizeof(line),
	    "listen = 127.0.0.1:%u\nregister = %s\n"
	    "registry_key = %s\nwitness_interval_s = 0\nretry_base_ms = 50\n"
	    "retry_max_ms = 1000\nlog_level = error\nreaders = 8\n"
	    "delivery_workers = %d\n",
	    b->port, regpath, regvkey, env_int("BENCH_WORKERS", 4));
	if ((f = fopen(b->conf, "a")) == NULL || fputs(line, f) < 0 ||
	    fclose(f) != 0)
		die("conf");
	hn_buf_init(&b->crt, 1 << 16);
	hn_buf_init(&b->key, 1 << 16);
	snprintf(path, sizeof(path), "%s/tls.crt", b->dir);
	if (hn_file_read(path, &b->crt) != 0 ||
	    hn_x509_fingerprint_pem(b->crt.data, b->crt.len, b->fp) != 0)
		die("tls.crt");
	snprintf(path, sizeof(path), "%s/tls.key", b->dir);
	if (hn_file_read(path, &b->key) != 0)
		die("tls.key");
	snprintf(path, sizeof(path), "%s/signing.key", b->dir);
	snprintf(name, sizeof(name), "hanoinet/%s", b->code);
	if (hn_nodekey_load(path, name, sk, keyname, vkey, NULL) != 0)
		die("signing key");
	hn_wipe(sk, sizeof(sk));
	hn_hex_encode(hex, b->fp, 32);
	json_array_append_new(parties,
	    json_pack("{s:s, s:s, s:s, s:s, s:{}, "
		      "s:{}, s:[s]}",
		"code", b->code, "node_url", b->url, "tls_sha256", hex,
		"signing_key", vkey, "contact_24_7", "central_authority",
		"languages", "en"));
}

static void
start(struct bnode *b)
{
	struct hn_http_config hc;
	struct hn_error e;
	unsigned port;
	char listen[64];

	if (hn_node_open(&b->n, b->conf, &e) != 0 ||
	    hn_fednode_start(b->n, &e) != 0) {
		fprintf(stderr, "%s\n", e.message);
		die("node");
	}
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", b->port);
	memset(&hc, 0, sizeof(hc));
	hc.listen = listen;
	hc.tls_key_pem = b->key.data;
	hc.tls_cert_pem = b->crt.data;
	hc.body_max = 1 << 20;
	hc.max_connections = 256;
	hc.max_per_ip = 256;
	hc.timeout_s = 30;
	if (hn_http_start(&b->http, b->n, &hc, &port, &e) != 0) {
		fprintf(stderr, "%s\n", e.message);
		die("http");
	}
}

/* ---- VNM's API, as an officer (one kept-alive connection per caller) */

static char officer_token[256];

static struct hn_client *
api_new(struct bnode *b, const char *token)
{
	struct hn_client_opts o = { .url = b->url,
		.trust = HN_TRUST_PINS,
		.pins = &b->fp,
		.npins = 1,
		.token = token };
	struct hn_client *c = NULL;
	struct hn_error e;

	if (hn_client_new(&c, &o, &e) != 0)
		die("API client");
	return c;
}

/* body (a reference is stolen) -> *out (parsed answer, or NULL); status */
static long
api_call(struct hn_client *c, const char *method, const char *path,
    json_t *body, json_t **out)
{
	struct hn_buf b = HN_BUF_INIT(1 << 20);
	struct hn_error e;
	char *s = NULL;
	long st = 0;

	if (body != NULL && (s = json_dumps(body, JSON_COMPACT)) == NULL)
		die("memory");
	json_decref(body);
	if (hn_client_request(c, method, path, "application/json", s,
		s != NULL ? strlen(s) : 0, 30000, &st, &b, &e) != 0) {
		fprintf(stderr, "%s %s: %s\n", method, path, e.message);
		die("API call");
	}
	free(s);
	if (out != NULL)
		*out =
		    hn_json_parse(b.data ? b.data : "", b.len, b.max, 16, NULL);
	hn_buf_release(&b);
	return st;
}

/* A duty officer on VNM (made by its admin) and its session token. */
static void
officer_login(struct bnode *a)
{
	struct hn_client *c = api_new(a, NULL);
	char pw[128];
	json_t *o = NULL;

	if (api_call(c, "POST", "/v1/session",
		json_pack("{s:s, s:s}", "name", "admin", "password",
		    a->admin_pw),
		&o) != 201 ||
	    hn_json_str(o, "token") == NULL ||
	    hn_client_set_token(c, hn_json_str(o, "token")) != 0)
		die("admin login");
	json_decref(o);
	if (api_call(c, "POST", "/v1/accounts",
		json_pack("{s:s, s:s}", "name", "bench", "role",
		    "duty_officer"),
		&o) != 201 ||
	    hn_json_str(o, "password") == NULL)
		die("officer account");
	snprintf(pw, sizeof(pw), "%s", hn_json_str(o, "password"));
	json_decref(o);
	hn_client_free(c);
	c = api_new(a, NULL);
	if (api_call(c, "POST", "/v1/session",
		json_pack("{s:s, s:s}", "name", "bench", "password", pw),
		&o) != 201 ||
	    hn_json_str(o, "token") == NULL)
		die("officer login");
	snprintf(officer_token, sizeof(officer_token), "%s",
	    hn_json_str(o, "token"));
	json_decref(o);
	hn_wipe(pw, sizeof(pw));
	hn_client_free(c);
}

static json_t *
request(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}], "
			 "s:s, s:s, s:b}",
	    "kind", "preservation", "from", "VNM", "to", "FRA",
	    "requesting_authority", "Cyber unit", "offence", "Fraud",
	    "proceedings", "Case 1", "facts", "Phishing", "data", "description",
	    "Logs", "relation_to_offence", "Hosting", "custodian", "Host Ltd",
	    "necessity", "Deleted in 30 days", "mla_to_follow", 1);
}

/* A draft request on VNM (POST /v1/requests): its id. */
static void
draft(struct hn_client *c, char id[33])
{
	json_t *o = NULL;
	long st = api_call(c, "POST", "/v1/requests", request(), &o);

	if (st != 201 || hn_json_str(o, "id") == NULL ||
	    strlen(hn_json_str(o, "id")) != 32) {
		fprintf(stderr, "POST /v1/requests: %ld\n", st);
		die("create a request");
	}
	memcpy(id, hn_json_str(o, "id"), 33);
	json_decref(o);
}

/* Sends draft id (the queueing transition, through the gate); registers
 * it first (its id is known: one id on both nodes, the message's too). */
static int
submit(struct hn_client *c, const char id[33])
{
	char path[96];
	double t0, t1;
	long st;
	int i;

	pthread_mutex_lock(&T.mu);
	if (T.nids >= MAXMSG) {
		pthread_mutex_unlock(&T.mu);
		die("too many messages");
	}
	i = T.nids++;
	memcpy(T.ids[i], id, 33);
	pthread_mutex_unlock(&T.mu);
	snprintf(path, sizeof(path), "/v1/requests/%s/transitions", id);
	t0 = now_s();
	st =
	    api_call(c, "POST", path, json_pack("{s:s}", "to", "queued"), NULL);
	t1 = now_s();
	if (st != 200) {
		fprintf(stderr, "%s: %ld\n", path, st);
		die("queue a request");
	}
	pthread_mutex_lock(&T.mu);
	T.sent[i] = t0;
	T.committed[i] = t1;
	pthread_mutex_unlock(&T.mu);
	return i;
}

static int
cmpd(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double
pct(double *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

struct burst_arg {
	struct bnode *a;
	int count, create;
	char (*ids)[33];
};

/* Creates its share of the drafts, or sends them. */
static void *
burst_thread(void *arg)
{
	struct burst_arg *ba = arg;
	struct hn_client *c = api_new(ba->a, officer_token);
	int i;

	for (i = 0; i < ba->count; i++)
		if (ba->create)
			draft(c, ba->ids[i]);
		else
			(void)submit(c, ba->ids[i]);
	hn_client_free(c);
	return NULL;
}

/* The 8 threads over ids[0..n): drafts (create) or sends. */
static void
burst(struct bnode *a, char (*ids)[33], int n, int create)
{
	struct burst_arg ba[8];
	pthread_t th[8];
	int i, at = 0;

	for (i = 0; i < 8; i++) {
		ba[i].a = a;
		ba[i].create = create;
		ba[i].count = n / 8 + (i < n % 8);
		ba[i].ids = ids + at;
		at += ba[i].count;
		if (pthread_create(&th[i], NULL, burst_thread, &ba[i]) != 0)
			die("thread");
	}
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
}

/* As `hanoinet serve` does every 2 s: the WAL copied back, idle readers
 * closed, freed memory given back. */
static struct bnode *ckpt_nodes[2];
static volatile int ckpt_stop;

static void *
ckpt_thread(void *arg)
{
	int i;

	(void)arg;
	while (!ckpt_stop) {
		for (i = 0; i < 20 && !ckpt_stop; i++)
			usleep(100000);
		for (i = 0; i < 2; i++) {
			hn_store_checkpoint(ckpt_nodes[i]->n->store);
			hn_store_shrink(ckpt_nodes[i]->n->store);
		}
		malloc_trim(0);
	}
	return NULL;
}

/* Raw single-row durable commits (WAL, synchronous=FULL, the node's 4 KiB
 * pages, src/store/db.c; checkpointed now and then as the node is), on
 * the nodes' disk, one after each end-to-end message so that both see the
 * same load. */
static sqlite3 *raw_db;
static sqlite3_stmt *raw_st;

static void
raw_open(const char *dir)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/raw.db", dir);
	if (sqlite3_open(path, &raw_db) != SQLITE_OK ||
	    sqlite3_exec(raw_db,
		"PRAGMA page_size=4096; "
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
		"PRAGMA wal_autocheckpoint=0; "
		"CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT)",
		NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(raw_db, "INSERT INTO t(body) VALUES (?)", -1,
		&raw_st, NULL) != SQLITE_OK)
		die("raw sqlite");
}

static double
raw_commit_ms(int i)
{
	double t;

	if (i % 100 == 0)
		sqlite3_wal_checkpoint_v2(raw_db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	t = now_s();
	if (sqlite3_exec(raw_db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		die("raw begin");
	sqlite3_bind_text(raw_st, 1, "a message of about a kilobyte", -1,
	    SQLITE_STATIC);
	if (sqlite3_step(raw_st) != SQLITE_DONE)
		die("raw insert");
	sqlite3_reset(raw_st);
	if (sqlite3_exec(raw_db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("raw commit");
	return (now_s() - t) * 1000;
}

/* p50 of an Ed25519 signature and verification of n bytes. */
static void
sign_p50(size_t n, double *sign_ms, double *verify_ms)
{
	uint8_t pk[HN_ED25519_PK_LEN], sk[HN_ED25519_SK_LEN];
	uint8_t sig[HN_ED25519_SIG_LEN];
	double s[200], v[200], t;
	char *m = calloc(1, n + 1);
	int i;

	if (m == NULL)
		die("memory");
	hn_ed25519_keypair(pk, sk);
	for (i = 0; i < 200; i++) {
		t = now_s();
		hn_ed25519_sign(sig, m, n, sk);
		s[i] = (now_s() - t) * 1000;
		t = now_s();
		if (hn_ed25519_verify(sig, m, n, pk) != 0)
			die("verify");
		v[i] = (now_s() - t) * 1000;
	}
	qsort(s, 200, sizeof(double), cmpd);
	qsort(v, 200, sizeof(double), cmpd);
	*sign_ms = s[100];
	*verify_ms = v[100];
	hn_wipe(sk, sizeof(sk));
	free(m);
}

/* The observer may have seen an id before submit() recorded it; those
 * are matched here against FRA's inbox. */
static void
rescan(struct bnode *b)
{
	struct hn_inbox_row row;
	struct hn_db *db;
	int i;

	if (hn_store_reader(b->n->store, &db, NULL) != 0)
		return;
	pthread_mutex_lock(&T.mu);
	for (i = 0; i < T.nids; i++)
		if (T.arrived[i] == 0 &&
		    hn_fedstore_inbox_get(db, "VNM", T.ids[i], &row) == 0) {
			T.arrived[i] = now_s();
			T.unique++;
			hn_inbox_row_release(&row);
		}
	pthread_mutex_unlock(&T.mu);
	hn_store_release(b->n->store, db);
}

int
main(void)
{
	struct bnode a = { .code = "VNM" }, b = { .code = "FRA" };
	struct hn_buf sd = HN_BUF_INIT(HN_DIR_MAX), resp = HN_BUF_INIT(65536);
	uint8_t rsk[HN_ED25519_SK_LEN], rpk[HN_ED25519_PK_LEN];
	char base[] = "/tmp/hn-bench-fed-XXXXXX", regpath[600], path[700];
	char regvkey[HN_VKEY_MAX + 1], *desc;
	int nseq = env_int("BENCH_SEQ", 200);
	int nburst = env_int("BENCH_BURST", 1000);
	double *plain, *e2e, *acommit, *rest, t0, tlast, rate, p50p, p50e, p99e;
	double raw, *rawv, sign_ms, verify_ms, floor_ms;
	int nraw = 0;
	struct hn_buf env = HN_BUF_INIT(HN_ENV_MAX);
	pthread_t ckpt;
	char *pad, id[33], (*ids)[33];
	struct hn_client *peer = NULL, *api;
	struct hn_error e;
	struct timespec ts;
	json_t *parties, *d, *body;
	int64_t stored = 0;
	long st, lost, dup;
	int i, k, first, nplain = 500;
	struct hn_db *db;

	if (nseq < 10 || nseq > 5000 || nburst < 10 || nburst > 10000)
		die("BENCH_SEQ 10..5000, BENCH_BURST 10..10000");
	hn_mem_policy();
	if (hn_crypto_init() != 0 || hn_client_global_init() != 0)
		die("init");
	pthread_mutex_init(&T.mu, NULL);
	pthread_cond_init(&T.cv, NULL);
	hn_diag_set_level(HN_DIAG_ERROR);
	if (mkdtemp(base) == NULL)
		die("mkdtemp");
	snprintf(regpath, sizeof(regpath), "%s/register.json", base);
	write_register(regpath);
	hn_ed25519_keypair(rpk, rsk);
	if (hn_vkey_format(regvkey, sizeof(regvkey), "registry.bench", rpk))
		die("vkey");
	parties = json_array();
	setup(&a, base, regpath, regvkey, parties);
	setup(&b, base, regpath, regvkey, parties);
	d = json_pack("{s:i, s:i, s:o}", "serial", 1, "valid_days", 1,
	    "parties", parties);
	desc = json_dumps(d, JSON_COMPACT);
	if (desc == NULL ||
	    hn_directory_sign(&sd, desc, strlen(desc), "registry.bench", rsk,
		(int64_t)time(NULL), &e) != 0)
		die("directory");
	snprintf(path, sizeof(path), "%s/directory.signed", a.dir);
	if (hn_file_write_atomic(path, sd.data, sd.len, 0644) != 0)
		die("directory a");
	snprintf(path, sizeof(path), "%s/directory.signed", b.dir);
	if (hn_file_write_atomic(path, sd.data, sd.len, 0644) != 0)
		die("directory b");
	start(&a);
	start(&b);
	hn_fednode_observe(b.n, observer, NULL);
	officer_login(&a);
	ckpt_nodes[0] = &a;
	ckpt_nodes[1] = &b;
	if (pthread_create(&ckpt, NULL, ckpt_thread, NULL) != 0)
		die("checkpoint thread");

	/* A real envelope's size (same body, a throwaway key). */
	{
		uint8_t tpk[HN_ED25519_PK_LEN], tsk[HN_ED25519_SK_LEN];
		char tid[HN_MSGID_LEN + 1];

		body = request();
		hn_ed25519_keypair(tpk, tsk);
		hn_msgid_new(tid);
		if (hn_envelope_seal(&env, tid, "VNM", "FRA", "preservation",
			(int64_t)time(NULL), NULL, body, tsk, &e) != 0)
			die("seal");
		json_decref(body);
		hn_wipe(tsk, sizeof(tsk));
		if ((pad = malloc(env.len)) == NULL)
			die("memory");
		memset(pad, 'x', env.len);
	}

	/* Baseline: plain HTTPS POSTs to FRA over one kept-alive mutual-TLS
	 * connection (the same server, the same client, a body as large as
	 * an envelope, refused before any storage). */
	snprintf(path, sizeof(path), "%s/tls.crt", a.dir);
	snprintf(regpath, sizeof(regpath), "%s/tls.key", a.dir);
	{
		struct hn_client_opts o = { .url = b.url,
			.trust = HN_TRUST_PINS,
			.pins = &b.fp,
			.npins = 1,
			.cert = path,
			.key = regpath };

		if (hn_client_new(&peer, &o, &e) != 0)
			die("peer");
	}
	plain = calloc((size_t)nplain, sizeof(double));
	for (i = 0; i < nplain + 20; i++) {
		hn_buf_reset(&resp);
		t0 = now_s();
		if (hn_client_request(peer, "POST", "/v1/inbox",
			"application/vnd.hanoinet.envelope", pad, env.len,
			10000, &st, &resp, &e) != 0)
			die(e.message);
		if (i >= 20)
			plain[i - 20] = (now_s() - t0) * 1000;
	}
	qsort(plain, (size_t)nplain, sizeof(double), cmpd);
	p50p = pct(plain, nplain, 0.5);

	/* End to end, one request at a time (a few to warm up the
	 * connection): a draft, then the clock runs from the queueing
	 * transition to FRA's stored copy. */
	api = api_new(&a, officer_token);
	e2e = calloc((size_t)nseq, sizeof(double));
	acommit = calloc((size_t)nseq, sizeof(double));
	rest = calloc((size_t)nseq, sizeof(double));
	rawv = calloc((size_t)nseq, sizeof(double));
	if (e2e == NULL || acommit == NULL || rest == NULL || rawv == NULL)
		die("memory");
	/* Raw commits: 20 to warm up, then one after each message (so that
	 * the floor sees the disk of the same seconds as the node). */
	raw_open(base);
	for (k = 0; k < 20; k++)
		(void)raw_commit_ms(k);
	for (k = 0; k < nseq + 5; k++) {
		draft(api, id);
		i = submit(api, id);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 10;
		pthread_mutex_lock(&T.mu);
		while (T.arrived[i] == 0)
			if (pthread_cond_timedwait(&T.cv, &T.mu, &ts) != 0)
				break;
		pthread_mutex_unlock(&T.mu);
		if (T.arrived[i] == 0)
			rescan(&b);
		if (T.arrived[i] == 0)
			die("a request was not stored within 10 s");
		if (k >= 5) {
			e2e[k - 5] = (T.arrived[i] - T.sent[i]) * 1000;
			acommit[k - 5] = (T.committed[i] - T.sent[i]) * 1000;
			rest[k - 5] = (T.arrived[i] - T.committed[i]) * 1000;
			rawv[nraw++] = raw_commit_ms(k);
		}
	}
	hn_client_free(api);
	qsort(e2e, (size_t)nseq, sizeof(double), cmpd);
	qsort(acommit, (size_t)nseq, sizeof(double), cmpd);
	qsort(rest, (size_t)nseq, sizeof(double), cmpd);
	qsort(rawv, (size_t)nraw, sizeof(double), cmpd);
	raw = pct(rawv, nraw, 0.5);
	sqlite3_finalize(raw_st);
	sqlite3_close(raw_db);
	p50e = pct(e2e, nseq, 0.5);
	p99e = pct(e2e, nseq, 0.99);

	/* Burst: nburst drafts (not timed), then queued from 8 threads. */
	if ((ids = calloc((size_t)nburst, sizeof(*ids))) == NULL)
		die("memory");
	burst(&a, ids, nburst, 1);
	first = T.nids;
	t0 = now_s();
	burst(&a, ids, nburst, 0);
	for (k = 0; k < 600; k++) {
		pthread_mutex_lock(&T.mu);
		st = T.unique;
		pthread_mutex_unlock(&T.mu);
		if (st >= T.nids)
			break;
		if (k % 10 == 9)
			rescan(&b);
		usleep(100000);
	}
	rescan(&b);
	tlast = t0;
	for (i = first; i < T.nids; i++)
		if (T.arrived[i] > tlast)
			tlast = T.arrived[i];
	rate = (double)nburst / (tlast - t0);

	/* Lost: sent but not in FRA's inbox; duplicated: more rows than
	 * messages, or a message committed twice. */
	if (hn_store_reader(b.n->store, &db, NULL) == 0) {
		(void)hn_fedstore_inbox_count(db, "VNM", &stored);
		hn_store_release(b.n->store, db);
	}
	lost = T.nids - T.unique;
	dup = (long)stored - T.unique +
	    (T.calls - T.unique > 0 ? T.calls - T.unique : 0);
	if (dup < 0)
		dup = 0;

	sign_p50(env.len, &sign_ms, &verify_ms);
	floor_ms = 2 * raw + p50p + sign_ms + verify_ms;

	printf("plain HTTPS POST round trip (mutual TLS, kept alive, %zu-byte "
	       "body): p50 %.3f ms p99 %.3f ms (%d)\n",
	    env.len, p50p, pct(plain, nplain, 0.99), nplain);
	printf("end to end, a request queued on VNM (POST .../transitions "
	       "{to: queued}, through the gate) to stored on FRA: p50 %.3f ms "
	       "p99 %.3f ms (%d, one at a time)\n",
	    p50e, p99e, nseq);
	printf("  of which the transition's HTTPS call on VNM (the gate's "
	       "durable transaction): p50 %.3f ms; VNM answered to FRA stored: "
	       "p50 %.3f ms\n",
	    pct(acommit, nseq, 0.5), pct(rest, nseq, 0.5));
	printf("floor: raw durable commit p50 %.3f ms, sign %.3f ms, verify "
	       "%.3f ms; 2 commits + round trip + sign + verify = %.3f ms, best "
	       "ratio %.2f; the node's p50 is %.2f floors\n",
	    raw, sign_ms, verify_ms, floor_ms, p50p / floor_ms,
	    p50e / floor_ms);
	printf("burst of %d requests queued from 8 threads: %.0f msgs/s, "
	       "stored %lld, "
	       "lost %ld, duplicated %ld\n",
	    nburst, rate, (long long)stored, lost, dup);
	printf("machine: %ld cpus; storage: %s (SQLite WAL, synchronous=FULL)"
	       "\n",
	    sysconf(_SC_NPROCESSORS_ONLN), base);

	hn_client_free(peer);
	ckpt_stop = 1;
	pthread_join(ckpt, NULL);
	hn_http_stop(a.http);
	hn_http_stop(b.http);
	hn_fednode_stop(a.n);
	hn_fednode_stop(b.n);
	hn_node_close(a.n);
	hn_node_close(b.n);
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", base);
	}
	printf("BENCH federation ratio=%.2f p50_ms=%.3f p99_ms=%.3f "
	       "msgs_per_s=%.0f lost=%ld duplicated=%ld floor_ms=%.3f "
	       "floor_ratio=%.2f\n",
	    p50p / p50e, p50e, p99e, rate, lost, dup, floor_ms,
	    floor_ms / p50e);
	free(ids);
	free(plain);
	free(e2e);
	free(acommit);
	free(rest);
	free(rawv);
	free(pad);
	hn_buf_release(&env);
	free(desc);
	json_decref(d);
	hn_buf_release(&sd);
	hn_buf_release(&resp);
	hn_buf_release(&a.key);
	hn_buf_release(&a.crt);
	hn_buf_release(&b.key);
	hn_buf_release(&b.crt);
	return 0;
}
