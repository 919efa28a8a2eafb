/* POST/GET/DELETE /v1/session: log in, who am I, log out. */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "crypto/password.h"
#include "crypto/sign.h"
#include "net/auth.h"
#include "net/http.h"
#include "node/node.h"
#include "net/routes.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

struct login_job {
	struct hn_node *node;
	int64_t account;
	int ok; /* password matched */
	int64_t now;
	uint8_t hash[HN_TOKEN_HASH_LEN];
	int64_t expires;
	int locked; /* out: this failure locked the account */
};

/* Records the outcome of a password check (one transaction). */
static int
login_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct login_job *j = arg;
	struct hn_account a;
	int r, failed;

	if ((r = hn_accounts_get_id(db, j->account, &a)) != 0)
		return hn_error_set(err, r, NULL, NULL, "account vanished");
	hn_wipe(a.pwhash, sizeof(a.pwhash));
	if (!j->ok) {
		failed = a.failed + 1;
		if (failed >= j->node->max_failed_logins) {
			j->locked = 1;
			return hn_accounts_set_failed(db, a.id, 0,
			    j->now + j->node->lockout_s);
		}
		return hn_accounts_set_failed(db, a.id, failed, 0);
	}
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

int
hn_api_session_login(struct hn_req *r)
{
	struct login_job j;
	struct hn_account a;
	struct hn_error e;
	struct hn_db *db;
	json_t *body = NULL;
	const char *name, *pw;
	char token[HN_TOKEN_LEN + 1], exp[HN_TIME_STRLEN];
	int rc, found;

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
	if ((rc = hn_req_db(r, &db)) != 0) {
		e.code = rc;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	rc = hn_accounts_get(db, name, &a);
	if (rc != 0 && rc != HN_ENOTFOUND) {
		e.code = rc;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	found = rc == 0 && !a.disabled;
	if (found && a.locked_until > r->now) {
		char retry[24];

		HN_FMT_FIXED(retry, sizeof(retry), "%lld",
		    (long long)(a.locked_until - r->now));
		hn_resp_header(r, "Retry-After", retry);
		hn_diag(HN_DIAG_WARN, "session.locked_out", "account=%s",
		    a.name);
		rc = hn_resp_error(r, 429, "locked_out", NULL, NULL,
		    "too many failed logins; try again later");
		goto out;
	}
	if (!found) {
		hn_password_dummy(pw); /* same time as a real check */
		hn_diag(HN_DIAG_WARN, "session.login_failed", "reason=unknown");
		rc = hn_resp_error(r, 401, "invalid_credentials", NULL, NULL,
		    "wrong name or password");
		goto out;
	}
	j.node = r->node;
	j.account = a.id;
	j.now = r->now;
	j.ok = hn_password_verify(a.pwhash, pw) == 0;
	j.expires = r->now + r->node->session_ttl;
	if (j.ok)
		hn_session_token(token, j.hash);
	if ((rc = hn_store_write(r->node->store, login_job, &j, &e)) != 0) {
		if (e.code == 0)
			e.code = rc;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	if (!j.ok) {
		hn_diag(HN_DIAG_WARN, "session.login_failed",
		    "account=%s locked=%d", a.name, j.locked);
		rc = hn_resp_error(r, 401, "invalid_credentials", NULL, NULL,
		    "wrong name or password");
		goto out;
	}
	hn_diag(HN_DIAG_INFO, "session.login", "account=%s role=%s", a.name,
	    a.role);
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
