#include "fed/evwire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fed/fed_int.h"
#include "fed/signed.h"
#include "core/date.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

static int refuse(int *status, const char **code, char *msg, size_t msglen,
    int http, const char *c, const char *sender, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static int
refuse(int *status, const char **code, char *msg, size_t msglen, int http,
    const char *c, const char *sender, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)hn_vfmt_cut(msg, msglen, fmt, ap); /* a human reason */
	va_end(ap);
	*status = http;
	*code = c;
	hn_diag(HN_DIAG_WARN, "evidence.wire_rejected",
	    "reason=%s sender=%s "
	    "message=\"%s\"",
	    c, sender != NULL && sender[0] ? sender : "-", msg);
	return HN_EDENIED;
}

int
hn_fed_evidence_open(struct hn_fed *f, const char *body, size_t len,
    const uint8_t *peer_fp, int64_t now, json_t **payload, char sender[4],
    int *status, const char **code, char *msg, size_t msglen)
{
	const struct hn_dir_party *p;
	struct hn_signed so;
	struct hn_error err;
	const char *s, *rcpt, *op, *xfer, *ts;
	json_t *doc = NULL;
	int64_t t = 0;
	int r;

	*payload = NULL;
	sender[0] = '\0';
	hn_error_clear(&err);
	pthread_rwlock_rdlock(&f->dir_lock);
	if (f->dir == NULL || now >= f->dir->expires_at) {
		r = refuse(status, code, msg, msglen, 503, "stale_directory",
		    NULL, "%s",
		    f->dir == NULL ? "this node holds no directory" :
				     "this node's directory has expired");
		goto unlock;
	}
	if (hn_signed_parse(&so, body, len, HN_EVW_MAX, &err) != 0 ||
	    strcmp(so.type, HN_SIGNED_EVIDENCE) != 0) {
		r = refuse(status, code, msg, msglen, 400, "malformed", NULL,
		    "not a signed %s object", HN_SIGNED_EVIDENCE);
		goto unlock;
	}
	if ((p = hn_directory_find(f->dir, so.signer)) == NULL) {
		r = refuse(status, code, msg, msglen, 403, "unknown_sender",
		    so.signer, "the sender is not in the directory");
		goto unlock;
	}
	HN_FMT_FIXED(sender, 4, "%s", p->code); /* the directory's 3 letters */
	if (!hn_dir_party_has_pin(p, peer_fp)) {
		r = refuse(status, code, msg, msglen, 403,
		    "certificate_mismatch", sender,
		    "the TLS client certificate "
		    "is not the sender's certificate in the directory");
		goto unlock;
	}
	if (hn_signed_open(&so, HN_SIGNED_EVIDENCE, body, len, HN_EVW_MAX,
		p->pk, &err) != 0) {
		r = refuse(status, code, msg, msglen, 403, "bad_signature",
		    sender,
		    "the signature does not verify under the sender's "
		    "key");
		goto unlock;
	}
	pthread_rwlock_unlock(&f->dir_lock);
	doc = hn_json_parse(so.payload, so.payload_len, HN_EVW_MAX,
	    HN_EVW_DEPTH, &err);
	s = hn_json_str(doc, "sender");
	rcpt = hn_json_str(doc, "recipient");
	op = hn_json_str(doc, "op");
	xfer = hn_json_str(doc, "transfer");
	ts = hn_json_str(doc, "time");
	if (doc == NULL || !json_is_object(doc) ||
	    json_integer_value(json_object_get(doc, "v")) != 1 || s == NULL ||
	    rcpt == NULL || op == NULL || xfer == NULL || ts == NULL ||
	    hn_datetime_parse(ts, &t) != 0) {
		r = refuse(status, code, msg, msglen, 400, "malformed", sender,
		    "the payload lacks v, op, transfer, sender, recipient or "
		    "time");
		goto out;
	}
	if (strcmp(s, sender) != 0) {
		r = refuse(status, code, msg, msglen, 400, "malformed", sender,
		    "the payload's sender is not the signer");
		goto out;
	}
	if (strcmp(rcpt, f->cfg.party) != 0) {
		r = refuse(status, code, msg, msglen, 400, "wrong_recipient",
		    sender, "this node is not the recipient");
		goto out;
	}
	if (t < now - f->cfg.time_window_s || t > now + f->cfg.future_skew_s) {
		r = refuse(status, code, msg, msglen, 400, "stale_time", sender,
		    "the object's time is outside the accepted window");
		goto out;
	}
	*payload = doc;
	doc = NULL;
	r = 0;
	goto out;
unlock:
	pthread_rwlock_unlock(&f->dir_lock);
out:
	json_decref(doc);
	return r;
}

int
hn_fed_evidence_sign(struct hn_fed *f, const json_t *payload,
    struct hn_buf *out)
{
	char *s;
	int r;

	if ((s = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return HN_ENOMEM;
	if (strlen(s) > HN_EVW_MAX - 256) {
		free(s);
		return HN_ETOOBIG;
	}
	r = hn_signed_make(out, HN_SIGNED_EVIDENCE, f->cfg.party, s, strlen(s),
	    f->sk);
	free(s);
	return r;
}

int
hn_fed_party_copy(struct hn_fed *f, const char *code, int64_t now,
    struct hn_dir_party *out)
{
	const struct hn_dir_party *p;
	int r = 0;

	pthread_rwlock_rdlock(&f->dir_lock);
	if (f->dir == NULL || now >= f->dir->expires_at)
		r = HN_ESTATE;
	else if ((p = hn_directory_find(f->dir, code)) == NULL)
		r = HN_ENOTFOUND;
	else {
		*out = *p;
		out->entry = NULL;
		out->declarations = NULL;
	}
	pthread_rwlock_unlock(&f->dir_lock);
	return r;
}

int
hn_fed_receipt_check(struct hn_fed *f, const char *data, size_t len,
    struct hn_receipt **out, struct hn_error *err)
{
	int r;

	pthread_rwlock_rdlock(&f->dir_lock);
	if (f->dir == NULL)
		r = hn_error_set(err, HN_ESTATE, NULL, NULL, "no directory");
	else
		r = hn_receipt_open(out, data, len, f->dir, NULL, err);
	pthread_rwlock_unlock(&f->dir_lock);
	return r;
}

const char *
hn_fed_self(struct hn_fed *f)
{
	return f->cfg.party;
}

long
hn_fed_timeout_ms(struct hn_fed *f)
{
	return f->cfg.timeout_ms;
}
