/* GET/POST /v1/accounts (admin). */
#include <string.h>

#include "crypto/sign.h"
#include "net/auth.h"
#include "net/http.h"
#include "node/node.h"
#include "net/routes.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/json.h"
#include "util/diag.h"

int
hn_api_accounts_list(struct hn_req *r)
{
	struct hn_error e;
	struct hn_db *db;
	json_t *list = NULL;
	int rc;

	hn_error_clear(&e);
	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_accounts_list(db, &list)) != 0) {
		e.code = rc;
		return hn_resp_err(r, &e);
	}
	return hn_resp_json(r, 200, json_pack("{s:o}", "accounts", list));
}

static int
insert_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	int r = hn_accounts_insert(db, arg, NULL);

	if (r == HN_EEXIST)
		return hn_error_set(err, r, "name", NULL,
		    "an account with this name exists");
	return r;
}

int
hn_api_accounts_create(struct hn_req *r)
{
	char generated[HN_GENERATED_PASSWORD_LEN + 1] = "";
	struct hn_account a;
	struct hn_error e;
	json_t *body = NULL, *out;
	const char *pw;
	int rc;

	hn_error_clear(&e);
	memset(&a, 0, sizeof(a));
	if (hn_req_json(r, &body) != 0)
		return 0;
	pw = hn_json_str(body, "password");
	if (json_object_get(body, "password") != NULL && pw == NULL) {
		rc = hn_resp_error(r, 400, "validation_failed", "password",
		    NULL, "password must be a string");
		goto out;
	}
	if ((rc = hn_account_prepare(&a, hn_json_str(body, "name"),
		 hn_json_str(body, "role"), pw, hn_json_str(body, "lang"),
		 generated, r->now, r->node->demo ? HN_ACCOUNT_DEMO : 0, &e)) !=
		0 ||
	    (rc = hn_store_write(r->node->store, insert_job, &a, &e)) != 0) {
		if (e.code == 0)
			e.code = rc;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	hn_diag(HN_DIAG_INFO, "account.created", "account=%s role=%s by=%s",
	    a.name, a.role, r->who.name);
	out = json_pack("{s:s, s:s, s:s}", "name", a.name, "role", a.role,
	    "lang", a.lang);
	if (out != NULL && pw == NULL)
		json_object_set_new(out, "password", json_string(generated));
	rc = hn_resp_json(r, 201, out);
out:
	hn_wipe(generated, sizeof(generated));
	hn_wipe(a.pwhash, sizeof(a.pwhash));
	json_decref(body);
	return rc;
}
