#include "node/node.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/treaty.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "store/ledger.h"
#include "fed/nodekey.h"
#include "ledger/note.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/asset.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

/* The configuration keys: adding a setting = adding a row. */
static const struct {
	const char *key;
	const char *def; /* NULL: no default (must be set or is optional) */
	const char *help; /* written as a comment by `hanoinet init` */
} keys[] = { { "party", NULL,
		 "this node's party (ISO 3166-1 alpha-3, EUU for the EU)" },
	{ "name", "localhost", "node name: certificate CN and URL host" },
	{ "listen", HN_DEFAULT_LISTEN,
	    "address:port of the HTTPS API ([::1]:8247 for IPv6)" },
	{ "origin", "",
	    "the console's https origin(s), comma-separated, if not https://NAME:PORT (e.g. behind a proxy); a write with the session cookie from any other origin is refused" },
	{ "role", "node", "node | registry" },
	{ "register", "",
	    "register of parties (JSON); empty: the one built in" },
	{ "log_level", "info", "debug | info | warn | error" },
	{ "body_limit", "1048576",
	    "largest request body in bytes (per-route limits may be lower)" },
	{ "max_connections", "256", "simultaneous connections" },
	{ "max_connections_per_ip", "128",
	    "simultaneous connections from one address" },
	{ "timeout", "30", "idle connection timeout, seconds" },
	{ "header_timeout", "10",
	    "seconds to send a whole request header (and each such span of a body must bring data)" },
	{ "readers", "8", "database reader connections" },
	{ "session_hours", "12", "lifetime of a login session" },
	{ "max_failed_logins", "5",
	    "failed logins from one address for one account before each further attempt from there is delayed (0.25 s, doubling, at most 4 s); no account is ever locked" },
	{ "lockout_minutes", "15",
	    "how long those failures are remembered (the delays end after this long without a failure)" },
	{ "demo", "no",
	    "yes: a demo node; accounts may have the demo password hanoinet-demo, which the strength check would not be asked about (logged)" },
	/* the federation (node/federation.h, docs/protocol.md) */
	{ "registry_key", "",
	    "the registry's verifier key (pinned); required to exchange messages" },
	{ "registry_url", "",
	    "https:// URL of the registry to fetch the signed directory from (empty: use DIR/directory.signed only)" },
	{ "registry_tls_sha256", "",
	    "SHA-256 of the registry's TLS certificate (optional pin)" },
	{ "retry_base_ms", "500",
	    "first delivery retry delay (doubles up to retry_max_ms, +-50% jitter)" },
	{ "retry_max_ms", "60000", "longest delay between delivery attempts" },
	{ "max_attempts", "0",
	    "delivery attempts before a message is marked failed (0: until delivered)" },
	{ "delivery_workers", "4",
	    "delivery threads (their requests overlap and batch)" },
	{ "peer_timeout_ms", "10000",
	    "timeout of one request to another node" },
	{ "inbox_window_s", "600",
	    "accept messages signed at most this long ago" },
	{ "inbox_skew_s", "300",
	    "accept messages signed at most this far in the future" },
	{ "witness_interval_s", "60",
	    "how often to fetch and cosign the peers' checkpoints (0: never)" },
	{ "directory_refresh_s", "300",
	    "how often to fetch the directory from registry_url" },
	{ "bilateral", "",
	    "parties with which a bilateral treaty is a legal basis (comma-separated codes)" },
	{ "reciprocity", "",
	    "parties with which reciprocity is declared (comma-separated codes)" },
	{ "register_label", "",
	    "shown with the register (e.g. that a demo's register is simulated)" },
	{ "ack_target_hours", "24",
	    "art. 41: acknowledge requests received through the 24/7 network within" },
	{ "ack_target_emergency_minutes", "60",
	    "art. 41: acknowledge emergency requests within" },
	{ "emergency_execution_hours", "24",
	    "art. 41: execute an acknowledged emergency request within" },
	{ "due_soon_hours", "6",
	    "a deadline is due soon this long before it (or a quarter of its span)" },
	{ NULL, NULL, NULL } };

static int
key_index(const char *k)
{
	int i;

	for (i = 0; keys[i].key != NULL; i++)
		if (strcmp(keys[i].key, k) == 0)
			return i;
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s &&
	    (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int
hn_conf_load(struct hn_conf *c, const char *path, struct hn_error *err)
{
	struct hn_buf b = HN_BUF_INIT(1 << 16);
	char *line, *next, *eq, *k, *v, *slash;
	int r, lineno = 0, i;

	memset(c, 0, sizeof(*c));
	if ((r = hn_fmt(c->path, sizeof(c->path), "%s", path)) != 0)
		return hn_error_set(err, r, NULL, NULL, "path too long");
	if (realpath(path, c->dir) == NULL) {
		return hn_error_set(err,
		    errno == ENOENT ? HN_ENOTFOUND : HN_EIO, NULL, NULL,
		    "cannot read %s: %s", path, strerror(errno));
	}
	if ((slash = strrchr(c->dir, '/')) != NULL)
		*(slash == c->dir ? slash + 1 : slash) = '\0';
	if ((r = hn_file_read(path, &b)) != 0) {
		hn_buf_release(&b);
		return hn_error_set(err, r, NULL, NULL, "cannot read %s: %s",
		    path, hn_strerror(r));
	}
	for (line = b.data; line != NULL && *line; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			r = hn_error_set(err, HN_EPARSE, NULL, NULL,
			    "%s:%d: expected key = value", path, lineno);
			goto out;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (key_index(k) < 0) {
			r = hn_error_set(err, HN_EINVAL, k, NULL,
			    "%s:%d: unknown setting '%s'", path, lineno, k);
			goto out;
		}
		for (i = 0; i < c->n; i++)
			if (strcmp(c->key[i], k) == 0)
				break;
		if (i == c->n && c->n == HN_CONF_MAX_ENTRIES) {
			r = hn_error_set(err, HN_ETOOBIG, NULL, NULL,
			    "%s: too many settings", path);
			goto out;
		}
		if (strlen(v) >= HN_CONF_VALUE_MAX) {
			r = hn_error_set(err, HN_ETOOBIG, k, NULL,
			    "%s:%d: value too long", path, lineno);
			goto out;
		}
		/* a known key, a value checked just above */
		HN_FMT_FIXED(c->key[i], sizeof(c->key[i]), "%s", k);
		HN_FMT_FIXED(c->value[i], sizeof(c->value[i]), "%s", v);
		if (i == c->n)
			c->n++;
	}
	r = 0;
out:
	hn_buf_release(&b);
	return r;
}

const char *
hn_conf_get(const struct hn_conf *c, const char *key)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->key[i], key) == 0)
			return c->value[i];
	i = key_index(key);
	return i >= 0 ? keys[i].def : NULL;
}

int
hn_conf_int(const struct hn_conf *c, const char *key, long min, long max,
    long *out, struct hn_error *err)
{
	const char *v = hn_conf_get(c, key);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return hn_error_set(err, HN_EINVAL, key, NULL,
		    "setting '%s' is missing", key);
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return hn_error_set(err, HN_ERANGE, key, NULL,
		    "setting '%s' must be a number from %ld to %ld", key, min,
		    max);
	*out = n;
	return 0;
}

int
hn_conf_path(const struct hn_conf *c, const char *file, char *out, size_t max)
{
	return hn_fmt(out, max, "%s/%s", c->dir, file);
}

int
hn_conf_write_default(const char *path, const char *party, const char *name,
    struct hn_error *err)
{
	struct hn_buf b = HN_BUF_INIT(1 << 16);
	int i, r = 0;

	r |= hn_buf_adds(&b,
	    "# hanoinet node configuration (key = value).\n"
	    "# See hanoinet(1). Unknown keys are errors.\n\n");
	for (i = 0; keys[i].key != NULL && r == 0; i++) {
		r |= hn_buf_addf(&b, "# %s\n", keys[i].help);
		if (strcmp(keys[i].key, "party") == 0)
			r |= hn_buf_addf(&b, "party = %s\n\n", party);
		else if (strcmp(keys[i].key, "name") == 0)
			r |= hn_buf_addf(&b, "name = %s\n\n", name);
		else
			r |= hn_buf_addf(&b, "#%s = %s\n\n", keys[i].key,
			    keys[i].def ? keys[i].def : "");
	}
	if (r == 0)
		r = hn_file_write_atomic(path, b.data, b.len, 0600);
	hn_buf_release(&b);
	if (r != 0)
		return hn_error_set(err, r < 0 ? r : HN_EIO, NULL, NULL,
		    "cannot write %s", path);
	return 0;
}

static int
load_register(struct hn_node *n, struct hn_error *err)
{
	const char *path = hn_conf_get(&n->conf, "register");
	const struct hn_asset *a;
	struct hn_buf b = HN_BUF_INIT(16 << 20);
	int r;

	if (path != NULL && *path) {
		if ((r = hn_file_read(path, &b)) != 0) {
			hn_buf_release(&b);
			return hn_error_set(err, r, "register", NULL,
			    "cannot read the register %s: %s", path,
			    hn_strerror(r));
		}
		n->parties =
		    hn_json_parse(b.data, b.len, b.max, HN_JSON_MAX_DEPTH, err);
		hn_buf_release(&b);
	} else {
		if ((a = hn_asset_find("data/parties.json")) == NULL)
			return hn_error_set(err, HN_EINTERNAL, NULL, NULL,
			    "no built-in register");
		n->parties = hn_json_parse((const char *)a->data, a->len,
		    a->len, HN_JSON_MAX_DEPTH, err);
	}
	if (n->parties == NULL)
		return err ? err->code : HN_EPARSE;
	if (!json_is_array(json_object_get(n->parties, "parties")))
		return hn_error_set(err, HN_EPARSE, "register", NULL,
		    "the register has no \"parties\" array");
	{
		char *text = json_dumps(n->parties, JSON_COMPACT);
		int r2;

		if (text == NULL)
			return hn_error_set(err, HN_ENOMEM, NULL, NULL,
			    "out of memory");
		r2 = hn_register_load(text, strlen(text), &n->reg, err);
		free(text);
		if (r2 != 0)
			return r2;
	}
	return 0;
}

/* DIR/signing.key (created by init; created here if missing, e.g. for a
 * data directory made before keys were part of init). */
static int
load_key(struct hn_node *n, struct hn_error *err)
{
	char path[PATH_MAX], name[32];
	int r;

	if ((r = hn_conf_path(&n->conf, "signing.key", path, sizeof(path))) !=
	    0)
		return hn_error_set(err, r, NULL, NULL, "path too long");
	HN_FMT_FIXED(name, sizeof(name), "hanoinet/%.3s", n->party);
	return hn_nodekey_load(path, name, n->sk, n->key_name, n->vkey, err);
}

int
hn_node_keygen(const char *path, const char *party, struct hn_error *err)
{
	struct hn_buf b = HN_BUF_INIT(4096);
	struct hn_note_signer s;
	char name[32];
	int r;

	memset(&s, 0, sizeof(s));
	HN_FMT_FIXED(name, sizeof(name), "hanoinet/%.3s", party);
	if ((r = hn_note_signer_generate(&s, name, HN_NOTE_ED25519, err)) != 0)
		goto out;
	if ((r = hn_note_signer_format(&s, &b)) != 0 ||
	    (r = hn_buf_adds(&b, "\n")) != 0 ||
	    (r = hn_file_write_atomic(path, b.data, b.len, 0600)) != 0) {
		r = hn_error_set(err, r, NULL, NULL, "cannot write %s", path);
		goto out;
	}
out:
	hn_note_signer_wipe(&s);
	hn_buf_release_secret(&b);
	return r;
}

static void
ledger_rolled_back(void *ctx)
{
	struct hn_node *n = ctx;

	if (n->ledger != NULL && hn_ledger_rollback(n->ledger) != 0)
		hn_diag(HN_DIAG_ERROR, "ledger.reload_failed",
		    "after=rollback");
}

static int
open_ledger(struct hn_node *n, struct hn_error *err)
{
	char path[PATH_MAX];
	int r;

	if ((r = hn_ledger_open(&n->ledger, hn_store_writer_db(n->store),
		 n->key_name, n->sk, n->key_name, err)) != 0)
		return r;
	hn_store_on_rollback(n->store, ledger_rolled_back, n);
	if ((r = hn_conf_path(&n->conf, "hanoinet.db", path, sizeof(path))) !=
		0 ||
	    (r = hn_db_open(&n->ledger_db, path, err)) != 0)
		return r;
	(void)hn_db_cache_limit(n->ledger_db, 512);
	if ((r = hn_ledger_open(&n->ledger_ro, n->ledger_db, n->key_name, n->sk,
		 n->key_name, err)) != 0)
		return r;
	pthread_mutex_init(&n->ledger_mu, NULL);
	hn_buf_init(&n->lastcp, 1 << 16);
	return 0;
}

/* Under ledger_mu: signs a checkpoint if the log grew since the last. */
static int
refresh_checkpoint(struct hn_node *n, int *signed_now)
{
	uint64_t size;
	int r = 0;

	*signed_now = 0;
	size = hn_ledger_size(n->ledger_ro);
	if (n->lastcp.len == 0 || size > n->lastcp_size) {
		hn_buf_reset(&n->lastcp);
		if ((r = hn_ledger_checkpoint(n->ledger_ro, &n->lastcp)) == 0) {
			n->lastcp_size = size;
			*signed_now = 1;
		} else {
			hn_buf_reset(&n->lastcp);
		}
	}
	return r;
}

int
hn_node_checkpoint(struct hn_node *n, struct hn_buf *out, struct hn_error *err)
{
	int r, fresh;

	pthread_mutex_lock(&n->ledger_mu);
	r = refresh_checkpoint(n, &fresh);
	if (r == 0)
		r = hn_buf_add(out, n->lastcp.data, n->lastcp.len);
	pthread_mutex_unlock(&n->ledger_mu);
	if (r != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot sign a checkpoint: %s", hn_strerror(r));
	return 0;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Signs if the log grew; 0, or the error (logged). */
static int
sign_now(struct hn_node *n)
{
	uint64_t size = 0;
	int r, fresh;

	pthread_mutex_lock(&n->ledger_mu);
	r = refresh_checkpoint(n, &fresh);
	size = n->lastcp_size;
	pthread_mutex_unlock(&n->ledger_mu);
	if (r != 0)
		hn_diag(HN_DIAG_WARN, "ledger.checkpoint_failed",
		    "error=\"%s\"", hn_strerror(r));
	else if (fresh)
		hn_diag(HN_DIAG_DEBUG, "ledger.checkpoint_signed", "size=%llu",
		    (unsigned long long)size);
	return r;
}

/*
 * Follows the store's commits: after a commit, waits until HN_SIGN_BATCH_MS
 * have passed since the last signature (commits meanwhile share it), then
 * signs if the log grew. A failure is retried every second.
 */
static void *
signer(void *arg)
{
	struct hn_node *n = arg;
	struct hn_store_stats st;
	uint64_t seen, c;
	int64_t last = 0, wait;
	int pending = 1; /* at start: sign what an earlier run left */

	pthread_setname_np(pthread_self(), "hn-signer");
	hn_store_stats(n->store, &st);
	seen = st.commits;
	while (!atomic_load(&n->signer_stop)) {
		if (pending) {
			wait = last + HN_SIGN_BATCH_MS - mono_ms();
			if (wait > 0) {
				/* the batch window: commits join it */
				seen = hn_store_wait_commit(n->store, seen,
				    (long)wait);
				continue;
			}
			if (sign_now(n) == 0)
				pending = 0;
			last = mono_ms();
		}
		c = hn_store_wait_commit(n->store, seen,
		    pending ? 1000 : 60000);
		if (c != seen) {
			seen = c;
			pending = 1;
		}
	}
	(void)sign_now(n); /* the last appends before a clean stop */
	return NULL;
}

int
hn_node_signer_start(struct hn_node *n, struct hn_error *err)
{
	if (n->signer_on)
		return 0;
	atomic_store(&n->signer_stop, 0);
	if (pthread_create(&n->signer, NULL, signer, n) != 0)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "cannot start the checkpoint signer");
	n->signer_on = 1;
	return 0;
}

static void
signer_stop(struct hn_node *n)
{
	if (!n->signer_on)
		return;
	atomic_store(&n->signer_stop, 1);
	hn_store_kick(n->store);
	pthread_join(n->signer, NULL);
	n->signer_on = 0;
}

int
hn_node_ledger_append(struct hn_node *n, const json_t *entry, uint64_t *index,
    struct hn_error *err)
{
	char *text;
	int r;

	if ((text = json_dumps(entry, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	r = hn_node_ledger_append_text(n, text, index, err);
	free(text);
	return r;
}

int
hn_node_ledger_append_text(struct hn_node *n, const char *text, uint64_t *index,
    struct hn_error *err)
{
	int r;

	if ((r = hn_ledger_append(n->ledger, text, strlen(text), index)) != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot append to the audit log: %s", hn_strerror(r));
	return 0;
}

static int
valid_party(const char *p)
{
	int i;

	for (i = 0; i < 3; i++)
		if (!isupper((unsigned char)p[i]))
			return 0;
	return p[3] == '\0';
}

int
hn_node_open(struct hn_node **out, const char *conf_path, struct hn_error *err)
{
	struct hn_node *n = NULL;
	struct hn_buf crt = HN_BUF_INIT(1 << 16);
	char path[PATH_MAX];
	const char *v;
	long x;
	int r;

	*out = NULL;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	if ((r = hn_conf_load(&n->conf, conf_path, err)) != 0)
		goto out;
	v = hn_conf_get(&n->conf, "party");
	if (v == NULL || !valid_party(v)) {
		r = hn_error_set(err, HN_EINVAL, "party", NULL,
		    "%s: 'party' must be a 3-letter code", conf_path);
		goto out;
	}
	HN_FMT_FIXED(n->party, sizeof(n->party), "%s", v); /* 3 letters */
	if ((r = hn_fmt_field(n->name, sizeof(n->name),
		 hn_conf_get(&n->conf, "name"), "name", err)) != 0)
		goto out;
	v = hn_conf_get(&n->conf, "log_level");
	hn_diag_set_level(strcmp(v, "debug") == 0 ? HN_DIAG_DEBUG :
		strcmp(v, "warn") == 0		  ? HN_DIAG_WARN :
		strcmp(v, "error") == 0		  ? HN_DIAG_ERROR :
						    HN_DIAG_INFO);
	if ((r = hn_conf_int(&n->conf, "body_limit", 1024, 64L << 20, &x,
		 err)) != 0)
		goto out;
	n->body_max = (size_t)x;
	if ((r = hn_conf_int(&n->conf, "session_hours", 1, 24 * 30, &x, err)) !=
	    0)
		goto out;
	n->session_ttl = x * 3600;
	if ((r = hn_conf_int(&n->conf, "max_failed_logins", 1, 1000, &x,
		 err)) != 0)
		goto out;
	n->max_failed_logins = (int)x;
	if ((r = hn_conf_int(&n->conf, "lockout_minutes", 1, 24 * 60, &x,
		 err)) != 0)
		goto out;
	n->lockout_s = x * 60;
	n->demo = strcmp(hn_conf_get(&n->conf, "demo"), "yes") == 0;
	if ((r = hn_conf_int(&n->conf, "readers", 1, HN_STORE_READERS_MAX, &x,
		 err)) != 0)
		goto out;
	if ((r = hn_conf_path(&n->conf, "hanoinet.db", path, sizeof(path))) !=
		0 ||
	    (r = hn_store_open(&n->store, path, (int)x, err)) != 0)
		goto out;
	if ((r = load_register(n, err)) != 0)
		goto out;
	if ((r = load_key(n, err)) != 0 || (r = open_ledger(n, err)) != 0)
		goto out;
	if ((r = hn_conf_int(&n->conf, "ack_target_hours", 1, 24 * 365, &x,
		 err)) != 0)
		goto out;
	n->ack_target = x * 3600;
	if ((r = hn_conf_int(&n->conf, "ack_target_emergency_minutes", 1,
		 24 * 60 * 30, &x, err)) != 0)
		goto out;
	n->ack_target_emergency = x * 60;
	if ((r = hn_conf_int(&n->conf, "emergency_execution_hours", 1, 24 * 365,
		 &x, err)) != 0)
		goto out;
	n->emergency_execution = x * 3600;
	if ((r = hn_conf_int(&n->conf, "due_soon_hours", 0, 24 * 365, &x,
		 err)) != 0)
		goto out;
	n->due_soon = x * 3600;
	if ((r = hn_conf_path(&n->conf, "tls.crt", path, sizeof(path))) != 0 ||
	    (r = hn_file_read(path, &crt)) != 0 ||
	    (r = hn_x509_fingerprint_pem(crt.data, crt.len, n->tls_fp)) != 0) {
		hn_error_set(err, r, NULL, NULL, "cannot read %s/tls.crt",
		    n->conf.dir);
		goto out;
	}
	n->started = (int64_t)time(NULL);
	*out = n;
	n = NULL;
	r = 0;
out:
	hn_buf_release(&crt);
	hn_node_close(n);
	return r;
}

void
hn_node_close(struct hn_node *n)
{
	if (n == NULL)
		return;
	signer_stop(n); /* after a last checkpoint */
	hn_store_stop(n->store); /* the writer is stopped: no more jobs */
	hn_ledger_free(n->ledger);
	if (n->ledger_ro != NULL) {
		pthread_mutex_destroy(&n->ledger_mu);
		hn_buf_release(&n->lastcp);
	}
	hn_ledger_free(n->ledger_ro);
	hn_db_close(n->ledger_db);
	hn_store_close(n->store);
	hn_register_free(n->reg);
	json_decref(n->parties);
	hn_wipe(n->sk, sizeof(n->sk));
	free(n);
}

static int
purge_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	return hn_sessions_purge(db, *(int64_t *)arg);
}

void
hn_node_tick(struct hn_node *n, int64_t now)
{
	struct hn_error e;

	if (hn_store_write(n->store, purge_job, &now, &e) != 0)
		hn_diag(HN_DIAG_WARN, "sessions.purge_failed", "msg=\"%s\"",
		    e.message);
}
