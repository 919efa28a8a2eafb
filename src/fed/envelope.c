#include "fed/envelope.h"

#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "util/encode.h"
#include "util/json.h"

/*
 * The request kinds mirror core's request table (issue 2); the others are
 * the messages exchanged about a request under arts. 40-42.
 */
const struct hn_msg_kind hn_msg_kinds[] = { { "preservation", 1, 0, "42" },
	{ "traffic_disclosure", 1, 0, "43" }, { "stored_data", 1, 0, "44" },
	{ "realtime_traffic", 1, 0, "45" }, { "interception", 1, 0, "46" },
	{ "emergency", 1, 0, "41" }, { "mla", 1, 0, "40" },
	{ "acknowledgement", 0, 1, "40" },
	{ "status_update", 0, 1, "40" }, /* status questions answered */
	{ "more_information", 0, 1, "40" }, /* consultation before refusal */
	{ "response", 0, 1, "40" }, /* executed / partially executed */
	{ "refusal", 0, 1, "40" }, /* grounds + reasons */
	{ "postponement", 0, 1, "40" },
	{ "withdrawal", 0, 1, "40" }, /* assistance no longer needed */
	{ "preservation_extension", 0, 1, "42" }, { "release", 0, 1, "42" },
	{ "receipt", 0, 1, NULL }, { NULL, 0, 0, NULL } };

const struct hn_msg_kind *
hn_msg_kind_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; hn_msg_kinds[i].name != NULL; i++)
		if (strcmp(hn_msg_kinds[i].name, name) == 0)
			return &hn_msg_kinds[i];
	return NULL;
}

void
hn_envelope_free(struct hn_envelope *e)
{
	if (e == NULL)
		return;
	json_decref(e->doc);
	free(e->raw);
	free(e);
}

void
hn_msgid_new(char id[HN_MSGID_LEN + 1])
{
	uint8_t r[HN_MSGID_LEN / 2];

	hn_random(r, sizeof(r));
	hn_hex_encode(id, r, sizeof(r));
}

int
hn_msgid_valid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != HN_MSGID_LEN)
		return 0;
	for (i = 0; i < HN_MSGID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int
code_valid(const char *s)
{
	return s != NULL && strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' &&
	    s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z';
}

/* A reference: a message id or a request id ([A-Za-z0-9_.:-], 1..64). */
static int
ref_valid(const char *s)
{
	size_t i, n;

	if (s == NULL || (n = strlen(s)) == 0 || n > HN_REF_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			(c >= 'A' && c <= 'Z') || c == '_' || c == '-' ||
			c == '.' || c == ':'))
			return 0;
	}
	return 1;
}

int
hn_envelope_seal(struct hn_buf *out, const char *id, const char *sender,
    const char *recipient, const char *kind, int64_t time,
    const char *in_reply_to, const json_t *body,
    const uint8_t sk[HN_ED25519_SK_LEN], struct hn_error *err)
{
	const struct hn_msg_kind *k;
	char ts[HN_TIME_STRLEN];
	json_t *doc = NULL;
	char *payload = NULL;
	int r;

	if (!hn_msgid_valid(id))
		return hn_error_set(err, HN_EINVAL, "id", NULL,
		    "message id must be 32 lowercase hex digits");
	if (!code_valid(sender) || !code_valid(recipient))
		return hn_error_set(err, HN_EINVAL, "sender", NULL,
		    "sender and recipient are party codes");
	if ((k = hn_msg_kind_find(kind)) == NULL)
		return hn_error_set(err, HN_EINVAL, "kind", NULL,
		    "unknown message kind");
	if (in_reply_to != NULL && in_reply_to[0] == '\0')
		in_reply_to = NULL;
	if ((in_reply_to != NULL && !ref_valid(in_reply_to)) ||
	    (k->needs_reply_to && in_reply_to == NULL))
		return hn_error_set(err, HN_EINVAL, "in_reply_to", NULL,
		    "a %s must name the request or message it answers", kind);
	if (!json_is_object(body))
		return hn_error_set(err, HN_EINVAL, "body", NULL,
		    "body must be a JSON object");
	hn_datetime_format(time, ts);
	doc = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:O}", "v", 1, "id", id,
	    "sender", sender, "recipient", recipient, "kind", kind, "time", ts,
	    "body", body);
	if (doc == NULL ||
	    (in_reply_to != NULL &&
		json_object_set_new(doc, "in_reply_to",
		    json_string(in_reply_to)) != 0) ||
	    (payload = hn_json_dump(doc)) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if (strlen(payload) > HN_ENV_MAX - 256) {
		r = hn_error_set(err, HN_ETOOBIG, "body", NULL,
		    "envelope larger than %u bytes", HN_ENV_MAX - 256);
		goto out;
	}
	if ((r = hn_signed_make(out, HN_SIGNED_ENVELOPE, sender, payload,
		 strlen(payload), sk)) < 0) {
		hn_error_set(err, r, NULL, NULL, "cannot sign the envelope");
		goto out;
	}
	r = 0;
out:
	free(payload);
	json_decref(doc);
	return r;
}

static int
check_fields(const json_t *doc, const char *const *known, struct hn_error *err)
{
	const char *k;
	json_t *v;
	size_t j;

	if (!json_is_object(doc))
		return hn_error_set(err, HN_EINVAL, "", NULL,
		    "payload must be a JSON object");
	json_object_foreach((json_t *)doc, k, v)
	{
		for (j = 0; known[j] != NULL && strcmp(known[j], k) != 0; j++)
			;
		if (known[j] == NULL)
			return hn_error_set(err, HN_EINVAL, k, NULL,
			    "unknown field");
	}
	v = json_object_get(doc, "v");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return hn_error_set(err, HN_EINVAL, "v", NULL,
		    "unsupported version (want 1)");
	return 0;
}

/* Parses the verified payload of so into a new envelope. */
static int
envelope_from(struct hn_envelope **out, const struct hn_signed *so,
    const char *data, size_t len, struct hn_error *err)
{
	static const char *known[] = { "v", "id", "sender", "recipient", "kind",
		"time", "in_reply_to", "body", NULL };
	const struct hn_msg_kind *k;
	struct hn_envelope *e = NULL;
	const char *s;
	json_t *v;
	int r;

	*out = NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if ((e->doc = hn_json_parse(so->payload, so->payload_len, HN_ENV_MAX,
		 HN_ENV_DEPTH, err)) == NULL) {
		r = err != NULL ? err->code : HN_EPARSE;
		goto out;
	}
	if ((r = check_fields(e->doc, known, err)) < 0)
		goto out;
	s = hn_json_str(e->doc, "id");
	if (!hn_msgid_valid(s)) {
		r = hn_error_set(err, HN_EINVAL, "id", NULL,
		    "must be 32 lowercase hex digits");
		goto out;
	}
	memcpy(e->id, s, HN_MSGID_LEN + 1);
	s = hn_json_str(e->doc, "sender");
	if (!code_valid(s) || strcmp(s, so->signer) != 0) {
		r = hn_error_set(err, HN_EINVAL, "sender", NULL,
		    "sender must be the signing party");
		goto out;
	}
	memcpy(e->sender, s, 4);
	s = hn_json_str(e->doc, "recipient");
	if (!code_valid(s)) {
		r = hn_error_set(err, HN_EINVAL, "recipient", NULL,
		    "must be a party code");
		goto out;
	}
	memcpy(e->recipient, s, 4);
	s = hn_json_str(e->doc, "kind");
	if ((k = hn_msg_kind_find(s)) == NULL) {
		r = hn_error_set(err, HN_EINVAL, "kind", NULL,
		    "unknown message kind");
		goto out;
	}
	memcpy(e->kind, s, strlen(s) + 1);
	if (hn_datetime_parse(hn_json_str(e->doc, "time"), &e->time) < 0) {
		r = hn_error_set(err, HN_EINVAL, "time", NULL,
		    "must be YYYY-MM-DDTHH:MM:SSZ");
		goto out;
	}
	v = json_object_get(e->doc, "in_reply_to");
	if (v != NULL && !ref_valid(json_string_value(v))) {
		r = hn_error_set(err, HN_EINVAL, "in_reply_to", NULL,
		    "must be a message or request id");
		goto out;
	}
	if (v == NULL && k->needs_reply_to) {
		r = hn_error_set(err, HN_EINVAL, "in_reply_to", NULL,
		    "a %s must name what it answers", k->name);
		goto out;
	}
	if (v != NULL)
		memcpy(e->in_reply_to, json_string_value(v),
		    json_string_length(v) + 1);
	e->body = json_object_get(e->doc, "body");
	if (!json_is_object(e->body)) {
		r = hn_error_set(err, HN_EINVAL, "body", NULL,
		    "must be a JSON object");
		goto out;
	}
	if ((e->raw = malloc(len + 1)) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	memcpy(e->raw, data, len);
	e->raw[len] = '\0';
	e->raw_len = len;
	e->payload_off = (size_t)(so->payload - data);
	*out = e;
	e = NULL;
	r = 0;
out:
	hn_envelope_free(e);
	return r;
}

int
hn_envelope_open_pk(struct hn_envelope **out, const char *data, size_t len,
    const uint8_t pk[HN_ED25519_PK_LEN], struct hn_error *err)
{
	struct hn_signed so;
	int r;

	*out = NULL;
	if ((r = hn_signed_open(&so, HN_SIGNED_ENVELOPE, data, len, HN_ENV_MAX,
		 pk, err)) < 0)
		return r;
	return envelope_from(out, &so, data, len, err);
}

int
hn_envelope_open(struct hn_envelope **out, const char *data, size_t len,
    const struct hn_directory *dir, struct hn_error *err)
{
	const struct hn_dir_party *p;
	struct hn_signed so;
	int r;

	*out = NULL;
	if ((r = hn_signed_parse(&so, data, len, HN_ENV_MAX, err)) < 0)
		return r;
	if ((p = hn_directory_find(dir, so.signer)) == NULL)
		return hn_error_set(err, HN_ENOTFOUND, "sender", NULL,
		    "%s is not in the directory", so.signer);
	return hn_envelope_open_pk(out, data, len, p->pk, err);
}

void
hn_receipt_free(struct hn_receipt *r)
{
	if (r == NULL)
		return;
	free(r->checkpoint);
	free(r->raw);
	free(r);
}

int
hn_receipt_seal(struct hn_buf *out, const char *message_id, const char *sender,
    const char *recipient, int64_t received_at, uint64_t ledger_index,
    const char *checkpoint, const uint8_t sk[HN_ED25519_SK_LEN],
    struct hn_error *err)
{
	return hn_receipt_seal_refused(out, message_id, sender, recipient,
	    received_at, ledger_index, checkpoint, NULL, sk, err);
}

int
hn_receipt_seal_refused(struct hn_buf *out, const char *message_id,
    const char *sender, const char *recipient, int64_t received_at,
    uint64_t ledger_index, const char *checkpoint, const char *refused,
    const uint8_t sk[HN_ED25519_SK_LEN], struct hn_error *err)
{
	char ts[HN_TIME_STRLEN];
	json_t *doc = NULL;
	char *payload = NULL;
	int r;

	if (!hn_msgid_valid(message_id) || !code_valid(sender) ||
	    !code_valid(recipient) || checkpoint == NULL ||
	    strlen(checkpoint) > HN_CHECKPOINT_MAX ||
	    ledger_index > (uint64_t)INT64_MAX ||
	    (refused != NULL && strlen(refused) > HN_REFUSED_MAX))
		return hn_error_set(err, HN_EINVAL, NULL, NULL,
		    "bad receipt fields");
	hn_datetime_format(received_at, ts);
	doc = json_pack("{s:i, s:s, s:s, s:s, s:s, s:I, s:s}", "v", 1,
	    "message_id", message_id, "sender", sender, "recipient", recipient,
	    "received_at", ts, "ledger_index", (json_int_t)ledger_index,
	    "checkpoint", checkpoint);
	if (doc != NULL && refused != NULL && *refused != '\0' &&
	    json_object_set_new(doc, "refused", json_string(refused)) != 0) {
		json_decref(doc);
		doc = NULL;
	}
	if (doc == NULL || (payload = hn_json_dump(doc)) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if ((r = hn_signed_make(out, HN_SIGNED_RECEIPT, recipient, payload,
		 strlen(payload), sk)) < 0) {
		hn_error_set(err, r, NULL, NULL, "cannot sign the receipt");
		goto out;
	}
	r = 0;
out:
	free(payload);
	json_decref(doc);
	return r;
}

int
hn_receipt_open(struct hn_receipt **out, const char *data, size_t len,
    const struct hn_directory *dir, const uint8_t *pk, struct hn_error *err)
{
	static const char *known[] = { "v", "message_id", "sender", "recipient",
		"received_at", "ledger_index", "checkpoint", "refused", NULL };
	const struct hn_dir_party *p;
	struct hn_receipt *rc = NULL;
	struct hn_signed so;
	json_t *doc = NULL, *v;
	const char *s;
	int r;

	*out = NULL;
	if ((r = hn_signed_parse(&so, data, len, HN_RECEIPT_MAX, err)) < 0)
		goto out;
	if (pk == NULL) {
		if ((p = hn_directory_find(dir, so.signer)) == NULL) {
			r = hn_error_set(err, HN_ENOTFOUND, "recipient", NULL,
			    "%s is not in the directory", so.signer);
			goto out;
		}
		pk = p->pk;
	}
	if ((r = hn_signed_open(&so, HN_SIGNED_RECEIPT, data, len,
		 HN_RECEIPT_MAX, pk, err)) < 0)
		goto out;
	if ((doc = hn_json_parse(so.payload, so.payload_len, HN_RECEIPT_MAX, 4,
		 err)) == NULL) {
		r = err != NULL ? err->code : HN_EPARSE;
		goto out;
	}
	if ((r = check_fields(doc, known, err)) < 0)
		goto out;
	if ((rc = calloc(1, sizeof(*rc))) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	s = hn_json_str(doc, "message_id");
	if (!hn_msgid_valid(s)) {
		r = hn_error_set(err, HN_EINVAL, "message_id", NULL,
		    "must be a message id");
		goto out;
	}
	memcpy(rc->message_id, s, HN_MSGID_LEN + 1);
	s = hn_json_str(doc, "sender");
	if (!code_valid(s)) {
		r = hn_error_set(err, HN_EINVAL, "sender", NULL,
		    "must be a party code");
		goto out;
	}
	memcpy(rc->sender, s, 4);
	s = hn_json_str(doc, "recipient");
	if (!code_valid(s) || strcmp(s, so.signer) != 0) {
		r = hn_error_set(err, HN_EINVAL, "recipient", NULL,
		    "recipient must be the signing party");
		goto out;
	}
	memcpy(rc->recipient, s, 4);
	if (hn_datetime_parse(hn_json_str(doc, "received_at"),
		&rc->received_at) < 0) {
		r = hn_error_set(err, HN_EINVAL, "received_at", NULL,
		    "must be YYYY-MM-DDTHH:MM:SSZ");
		goto out;
	}
	v = json_object_get(doc, "ledger_index");
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		r = hn_error_set(err, HN_EINVAL, "ledger_index", NULL,
		    "must be a non-negative integer");
		goto out;
	}
	rc->ledger_index = (uint64_t)json_integer_value(v);
	s = hn_json_str(doc, "checkpoint");
	if (s == NULL || strlen(s) > HN_CHECKPOINT_MAX ||
	    (rc->checkpoint = strdup(s)) == NULL) {
		r = hn_error_set(err, HN_EINVAL, "checkpoint", NULL,
		    "must be the signed checkpoint text");
		goto out;
	}
	v = json_object_get(doc, "refused");
	if (v != NULL &&
	    (!json_is_string(v) || json_string_length(v) == 0 ||
		json_string_length(v) > HN_REFUSED_MAX)) {
		r = hn_error_set(err, HN_EINVAL, "refused", NULL,
		    "must be a reason of 1 to %d bytes", HN_REFUSED_MAX);
		goto out;
	}
	if (v != NULL)
		memcpy(rc->refused, json_string_value(v),
		    json_string_length(v) + 1);
	if ((rc->raw = malloc(len + 1)) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	memcpy(rc->raw, data, len);
	rc->raw[len] = '\0';
	rc->raw_len = len;
	*out = rc;
	rc = NULL;
	r = 0;
out:
	json_decref(doc);
	hn_receipt_free(rc);
	return r;
}
