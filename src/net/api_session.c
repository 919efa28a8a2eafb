/* POST/GET/DELETE /v1/session: log in, who am I, log out. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "crypto/password.h"
#include "crypto/sign.h"
#include "net/auth.h"
#include "net/http.h"
#include "node/node.h"
#include "net/routes.h"
#include "net/throttle.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

/*
 * Logins (issue 15): throttled per (address, name) by net/throttle.h,
 * never locked; unknown, wrong and throttled answer alike. Failures are
 * kept in memory only (no write per guess).
 */
#define LOGIN_DELAY_BASE_MS 250
#define LOGIN_DELAY_CAP_MS 4000

static struct hn_throttle login_throttle;
static pthread_mutex_t login_throttle_mu = PTHREAD_MUTEX_INITIALIZER;
static int login_throttle_ready;

static struct hn_throttle *
throttle(struct hn_node *n)
{
	struct hn_throttle_cfg c;
	uint8_t salt[32];

	pthread_mutex_lock(&login_throttle_mu);
	if (!login_throttle_ready) {
		c.free = n->max_failed_logins;
		c.window_ms = n->lockout_s * 1000;
		c.base_ms = LOGIN_DELAY_BASE_MS;
		c.cap_ms = LOGIN_DELAY_CAP_MS;
		hn_random(salt, sizeof(salt));
		hn_throttle_init(&login_throttle, &c, salt);
		hn_wipe(salt, sizeof(salt));
		login_throttle_ready = 1;
	}
	pthread_mutex_unlock(&login_throttle_mu);
	return &login_throttle;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000),
		(long)(ms % 1000) * 1000000 };

	while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

struct login_job {
	int64_t account;
	int64_t now;
	uint8_t hash[HN_TOKEN_HASH_LEN];
	int64_t expires;
};

/* A successful login: the session (and the old lock-out columns cleared). */
static int
login_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct login_job *j = arg;
	struct hn_account a;
	int r;

	if ((r = hn_accounts_get_id(db, j->account, &a)) != 0)
		return hn_error_set(err, r, NULL, NULL, "account vanished");
	hn_wipe(a.pwhash, sizeof(a.pwhash));
	if (a.failed != 0 || a.locked_until != 0)
		if ((r = hn_accounts_set_failed(db, a.id, 0, 0)) != 0)
			return r;
	return hn_sessions_insert(db, j->hash, a.id, j->now, j->expires);
}

static int
cookie(struct hn_req *r, const char *token, int64_t max_age)
{
	char v[256];
	int n;

	if ((n = hn_fmt(v, sizeof(v),
		 "hn_session=%s; Path=/; Max-Age=%lld; "
		 "Secure; HttpOnly; SameSite=Strict",
		 token, (long long)max_age)) != 0)
		return n;
	return hn_resp_header(r, "Set-Cookie", v);
}

/*
 * Checks name and password after the throttle's delay: *ok set when they
 * match an enabled account (a filled), else 0 with the same work done.
 * Nonzero: a store error (the response is set).
 */
static int
check_password(struct hn_req *r, const char *name, const char *pw,
    const struct hn_throttle_ticket *tk, struct hn_account *a, int *ok)
{
	struct hn_error e;
	struct hn_db *db;
	int rc;

	*ok = 0;
	hn_error_clear(&e);
	if ((rc = hn_req_db(r, &db)) == 0)
		rc = hn_accounts_get(db, name, a);
	hn_req_db_done(r); /* not held while the check waits its turn */
	if (rc != 0 && rc != HN_ENOTFOUND) {
		e.code = rc;
		return hn_resp_err(r, &e), rc;
	}
	if (rc == 0 && !a->disabled)
		*ok = hn_password_verify_prio(a->pwhash, pw, tk->prio) == 0;
	else
		hn_password_dummy(pw, tk->prio); /* the same work */
	return 0;
}

int
hn_api_session_login(struct hn_req *r)
{
	struct hn_throttle_ticket tk;
	struct login_job j;
	struct hn_account a;
	struct hn_error e;
	json_t *body = NULL;
	const char *name, *pw;
	char token[HN_TOKEN_LEN + 1], exp[HN_TIME_STRLEN], retry[24];
	int rc, ok = 0;

	memset(&j, 0, sizeof(j));
	memset(&a, 0, sizeof(a));
	memset(token, 0, sizeof(token));
	hn_error_clear(&e);
	if ((rc = hn_req_json(r, &body)) != 0)
		return 0;
	name = hn_json_str(body, "name");
	pw = hn_json_str(body, "password");
	if (name == NULL || pw == NULL) {
		rc = hn_resp_error(r, 400, "validation_failed",
		    name == NULL ? "name" : "password", NULL,
		    "name and password are required");
		goto out;
	}
	hn_throttle_begin(throttle(r->node), r->addr, name, mono_ms(), &tk);
	sleep_ms(tk.delay_ms);
	if (!tk.verify) {
		HN_FMT_FIXED(retry, sizeof(retry), "%lld",
		    (long long)(tk.delay_ms + 999) / 1000);
		hn_resp_header(r, "Retry-After", retry);
		hn_diag(HN_DIAG_WARN, "session.login_throttled", "addr=%s",
		    r->addr);
		rc = hn_resp_error(r, 429, "throttled", NULL, NULL,
		    "another login for this name from your address is being "
		    "checked; try again in %s s",
		    retry);
		goto out;
	}
	rc = check_password(r, name, pw, &tk, &a, &ok);
	hn_throttle_end(throttle(r->node), &tk, ok, mono_ms());
	if (rc != 0)
		goto out;
	if (!ok) {
		hn_diag(HN_DIAG_WARN, "session.login_failed",
		    "addr=%s delay_ms=%lld", r->addr, (long long)tk.delay_ms);
		rc = hn_resp_error(r, 401, "invalid_credentials", NULL, NULL,
		    "wrong name or password");
		goto out;
	}
	j.account = a.id;
	j.now = r->now;
	j.expires = r->now + r->node->session_ttl;
	hn_session_token(token, j.hash);
	if ((rc = hn_store_write(r->node->store, login_job, &j, &e)) != 0) {
		if (e.code == 0)
			e.code = rc;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	hn_diag(HN_DIAG_INFO, "session.login", "account=%s role=%s addr=%s",
	    a.name, a.role, r->addr);
	hn_datetime_format(j.expires, exp);
	cookie(r, token, r->node->session_ttl);
	rc = hn_resp_json(r, 201,
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "token", token, "name",
		a.name, "role", a.role, "lang", a.lang, "party", r->node->party,
		"expires_at", exp));
out:
	hn_wipe(token, sizeof(token));
	hn_wipe(a.pwhash, sizeof(a.pwhash));
	hn_wipe(&j, sizeof(j));
	json_decref(body);
	return rc;
}

int
hn_api_session_get(struct hn_req *r)
{
	return hn_resp_json(r, 200,
	    json_pack("{s:s, s:s, s:s, s:s}", "name", r->who.name, "role",
		hn_role_name(r->who.role), "lang", r->who.lang, "party",
		r->node->party));
}

static int
logout_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	return hn_sessions_delete(db, arg);
}

int
hn_api_session_logout(struct hn_req *r)
{
	struct hn_error e;
	int rc;

	hn_error_clear(&e);
	if (r->has_session &&
	    (rc = hn_store_write(r->node->store, logout_job, r->session_hash,
		 &e)) != 0) {
		if (e.code == 0)
			e.code = rc;
		return hn_resp_err(r, &e);
	}
	hn_diag(HN_DIAG_INFO, "session.logout", "account=%s", r->who.name);
	cookie(r, "", 0);
	return hn_resp_raw(r, 204, "application/json", "", 0);
}

struct lang_job {
	int64_t account;
	const char *lang;
};

static int
lang_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct lang_job *j = arg;

	return hn_accounts_set_lang(db, j->account, j->lang);
}

/* PATCH /v1/session {"lang"}: the account's console language. */
int
hn_api_session_patch(struct hn_req *r)
{
	struct lang_job j;
	struct hn_error e;
	json_t *body = NULL;
	int rc;

	hn_error_clear(&e);
	if (hn_req_json(r, &body) != 0)
		return 0;
	j.account = r->who.account_id;
	j.lang = hn_json_str(body, "lang");
	if (j.lang == NULL || !hn_lang_valid(j.lang)) {
		rc = hn_resp_error(r, 400, "validation_failed", "lang", NULL,
		    "lang must be one of ar en es fr ru zh");
		goto out;
	}
	if ((rc = hn_store_write(r->node->store, lang_job, &j, &e)) != 0) {
		if (e.code == 0)
			e.code = rc;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	rc = hn_resp_json(r, 200,
	    json_pack("{s:s, s:s, s:s, s:s}", "name", r->who.name, "role",
		hn_role_name(r->who.role), "lang", j.lang, "party",
		r->node->party));
out:
	json_decref(body);
	return rc;
}
