#include "fed/directory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fed/timefmt.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/json.h"

#define DIR_DEPTH 8

void
hn_directory_free(struct hn_directory *d)
{
	if (d == NULL)
		return;
	free(d->parties);
	json_decref(d->payload);
	free(d->raw);
	free(d);
}

static int
code_valid(const char *s)
{
	return s != NULL && strlen(s) == HN_PARTY_CODE_LEN && s[0] >= 'A' &&
	    s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' &&
	    s[2] <= 'Z';
}

/* Every string in v is at most HN_DIR_TEXT_MAX bytes. */
static int
strings_bounded(const json_t *v)
{
	const char *k;
	json_t *c;
	size_t i;

	if (json_is_string(v))
		return json_string_length(v) <= HN_DIR_TEXT_MAX;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, c) {
			if (strlen(k) > HN_DIR_TEXT_MAX || !strings_bounded(c))
				return 0;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, c) {
			if (!strings_bounded(c))
				return 0;
		}
	}
	return 1;
}

static int
cmp_party(const void *a, const void *b)
{
	return strcmp(((const struct hn_dir_party *)a)->code,
	    ((const struct hn_dir_party *)b)->code);
}

static int
parse_party(struct hn_dir_party *p, const json_t *e, size_t i,
    struct hn_error *err)
{
	static const char *known[] = { "code", "name", "node_url", "tls_sha256",
		"signing_key", "contact_24_7", "central_authority", "languages",
		"register", NULL };
	char field[64];
	const char *s, *k;
	json_t *v;
	size_t j, n;
	int r;

#define F(name) (snprintf(field, sizeof(field), "parties[%zu].%s", i, name), field)
	if (!json_is_object(e))
		return hn_error_set(err, HN_EINVAL, F(""), NULL,
		    "an entry must be an object");
	json_object_foreach((json_t *)e, k, v) {
		for (j = 0; known[j] != NULL && strcmp(known[j], k) != 0; j++)
			;
		if (known[j] == NULL)
			return hn_error_set(err, HN_EINVAL, F(k), NULL,
			    "unknown field");
	}
	s = hn_json_str(e, "code");
	if (!code_valid(s))
		return hn_error_set(err, HN_EINVAL, F("code"), NULL,
		    "must be three capital letters");
	memcpy(p->code, s, HN_PARTY_CODE_LEN + 1);
	s = hn_json_str(e, "node_url");
	if (s == NULL || strncmp(s, "https://", 8) != 0 ||
	    strlen(s) > HN_DIR_URL_MAX || strlen(s) < 9)
		return hn_error_set(err, HN_EINVAL, F("node_url"), NULL,
		    "must be an https:// URL of at most %d bytes",
		    HN_DIR_URL_MAX);
	for (j = 0; s[j] != '\0'; j++)
		if ((unsigned char)s[j] <= 0x20 || (unsigned char)s[j] >= 0x7f)
			return hn_error_set(err, HN_EINVAL, F("node_url"),
			    NULL, "must be printable ASCII without spaces");
	memcpy(p->node_url, s, strlen(s) + 1);
	s = hn_json_str(e, "tls_sha256");
	if (s == NULL || strlen(s) != 64 ||
	    hn_hex_decode(p->tls_sha256, sizeof(p->tls_sha256), s, 64) != 32)
		return hn_error_set(err, HN_EINVAL, F("tls_sha256"), NULL,
		    "must be 64 hex digits (SHA-256 of the DER certificate)");
	s = hn_json_str(e, "signing_key");
	if (s == NULL || strlen(s) > HN_VKEY_MAX ||
	    (r = hn_vkey_parse(s, p->key_name, p->pk, NULL)) < 0)
		return hn_error_set(err, HN_EINVAL, F("signing_key"), NULL,
		    "must be a C2SP Ed25519 verifier key");
	memcpy(p->signing_key, s, strlen(s) + 1);
	/* arts. 40 and 41: every party designates both, with languages. */
	if (!json_is_object(json_object_get(e, "contact_24_7")))
		return hn_error_set(err, HN_EINVAL, F("contact_24_7"), "41",
		    "the 24/7 point of contact is required (an object)");
	if (!json_is_object(json_object_get(e, "central_authority")))
		return hn_error_set(err, HN_EINVAL, F("central_authority"),
		    "40", "the central authority is required (an object)");
	v = json_object_get(e, "languages");
	n = json_array_size(v);
	if (!json_is_array(v) || n == 0 || n > HN_DIR_MAX_LANGUAGES)
		return hn_error_set(err, HN_EINVAL, F("languages"), "40",
		    "must list 1 to %d accepted languages",
		    HN_DIR_MAX_LANGUAGES);
	for (j = 0; j < n; j++) {
		json_t *l = json_array_get(v, j);
		if (!json_is_string(l) || json_string_length(l) < 2 ||
		    json_string_length(l) > 16)
			return hn_error_set(err, HN_EINVAL, F("languages"),
			    "40", "languages are language tags (e.g. \"en\")");
	}
	if ((v = json_object_get(e, "name")) != NULL && !json_is_string(v))
		return hn_error_set(err, HN_EINVAL, F("name"), NULL,
		    "must be a string");
	if ((v = json_object_get(e, "register")) != NULL && !json_is_object(v))
		return hn_error_set(err, HN_EINVAL, F("register"), NULL,
		    "must be an object (the party's register entry)");
	if (!strings_bounded(e))
		return hn_error_set(err, HN_ETOOBIG, F(""), NULL,
		    "a string exceeds %d bytes", HN_DIR_TEXT_MAX);
	p->entry = e;
	return 0;
#undef F
}

/* Validates a parsed payload; takes ownership of `doc`. */
static int
from_payload(struct hn_directory **out, json_t *doc, struct hn_error *err)
{
	static const char *known[] = { "v", "registry", "serial", "issued_at",
		"expires_at", "parties", NULL };
	struct hn_directory *d = NULL;
	const char *s, *k;
	json_t *v, *parties;
	size_t i, j, n;
	int r;

	*out = NULL;
	if (!json_is_object(doc)) {
		r = hn_error_set(err, HN_EINVAL, "", NULL,
		    "the directory must be a JSON object");
		goto out;
	}
	json_object_foreach(doc, k, v) {
		for (j = 0; known[j] != NULL && strcmp(known[j], k) != 0; j++)
			;
		if (known[j] == NULL) {
			r = hn_error_set(err, HN_EINVAL, k, NULL,
			    "unknown field");
			goto out;
		}
	}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	d->payload = doc;
	doc = NULL; /* transferred */
	v = json_object_get(d->payload, "v");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		r = hn_error_set(err, HN_EINVAL, "v", NULL,
		    "unsupported directory version (want 1)");
		goto out;
	}
	s = hn_json_str(d->payload, "registry");
	if (s == NULL || !hn_signer_valid(s, strlen(s))) {
		r = hn_error_set(err, HN_EINVAL, "registry", NULL,
		    "must name the registry key");
		goto out;
	}
	memcpy(d->registry, s, strlen(s) + 1);
	v = json_object_get(d->payload, "serial");
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		r = hn_error_set(err, HN_EINVAL, "serial", NULL,
		    "must be a positive integer");
		goto out;
	}
	d->serial = (uint64_t)json_integer_value(v);
	if (hn_time_parse(hn_json_str(d->payload, "issued_at"),
	    &d->issued_at) < 0) {
		r = hn_error_set(err, HN_EINVAL, "issued_at", NULL,
		    "must be YYYY-MM-DDTHH:MM:SSZ");
		goto out;
	}
	if (hn_time_parse(hn_json_str(d->payload, "expires_at"),
	    &d->expires_at) < 0 || d->expires_at <= d->issued_at) {
		r = hn_error_set(err, HN_EINVAL, "expires_at", NULL,
		    "must be YYYY-MM-DDTHH:MM:SSZ after issued_at");
		goto out;
	}
	parties = json_object_get(d->payload, "parties");
	n = json_array_size(parties);
	if (!json_is_array(parties) || n > HN_DIR_MAX_PARTIES) {
		r = hn_error_set(err, HN_EINVAL, "parties", NULL,
		    "must be an array of at most %d entries",
		    HN_DIR_MAX_PARTIES);
		goto out;
	}
	if (n > 0 && (d->parties = calloc(n, sizeof(*d->parties))) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((r = parse_party(&d->parties[i],
		    json_array_get(parties, i), i, err)) < 0)
			goto out;
	d->nparties = n;
	qsort(d->parties, n, sizeof(*d->parties), cmp_party);
	for (i = 1; i < n; i++) {
		if (strcmp(d->parties[i - 1].code, d->parties[i].code) == 0) {
			r = hn_error_set(err, HN_EINVAL, "parties", NULL,
			    "party %s listed twice", d->parties[i].code);
			goto out;
		}
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (memcmp(d->parties[i].tls_sha256,
			    d->parties[j].tls_sha256, HN_SHA256_LEN) == 0 ||
			    memcmp(d->parties[i].pk, d->parties[j].pk,
			    HN_ED25519_PK_LEN) == 0) {
				r = hn_error_set(err, HN_EINVAL, "parties",
				    NULL, "%s and %s share a key or certificate",
				    d->parties[i].code, d->parties[j].code);
				goto out;
			}
	*out = d;
	d = NULL;
	r = 0;
out:
	json_decref(doc);
	hn_directory_free(d);
	return r;
}

int
hn_directory_parse_payload(struct hn_directory **out, const char *json,
    size_t len, struct hn_error *err)
{
	json_t *doc;

	*out = NULL;
	if ((doc = hn_json_parse(json, len, HN_DIR_MAX, DIR_DEPTH, err)) ==
	    NULL)
		return err != NULL ? err->code : HN_EPARSE;
	return from_payload(out, doc, err);
}

int
hn_directory_open(struct hn_directory **out, const char *data, size_t len,
    const char *registry_vkey, int64_t now, struct hn_error *err)
{
	struct hn_directory *d = NULL;
	struct hn_signed so;
	char name[HN_SIGNER_MAX + 1];
	uint8_t pk[HN_ED25519_PK_LEN];
	int r;

	*out = NULL;
	if ((r = hn_vkey_parse(registry_vkey, name, pk, err)) < 0)
		goto out;
	if ((r = hn_signed_open(&so, HN_SIGNED_DIRECTORY, data, len,
	    HN_DIR_MAX, pk, err)) < 0)
		goto out;
	if (strcmp(so.signer, name) != 0) {
		r = hn_error_set(err, HN_EVERIFY, "signer", NULL,
		    "directory signed by %s, not by the pinned registry %s",
		    so.signer, name);
		goto out;
	}
	if ((r = hn_directory_parse_payload(&d, so.payload, so.payload_len,
	    err)) < 0)
		goto out;
	if (strcmp(d->registry, name) != 0) {
		r = hn_error_set(err, HN_EVERIFY, "registry", NULL,
		    "payload names registry %s, signer is %s", d->registry,
		    name);
		goto out;
	}
	if (now >= d->expires_at) {
		r = hn_error_set(err, HN_ESTATE, "expires_at", NULL,
		    "directory serial %llu expired",
		    (unsigned long long)d->serial);
		goto out;
	}
	if ((d->raw = malloc(len + 1)) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	memcpy(d->raw, data, len);
	d->raw[len] = '\0';
	d->raw_len = len;
	*out = d;
	d = NULL;
	r = 0;
out:
	hn_directory_free(d);
	return r;
}

int
hn_directory_sign(struct hn_buf *out, const char *desc, size_t len,
    const char *name, const uint8_t sk[HN_ED25519_SK_LEN], int64_t now,
    struct hn_error *err)
{
	struct hn_directory *d = NULL;
	char ts[HN_TIME_LEN + 1];
	json_t *doc = NULL, *v;
	char *payload = NULL;
	int64_t issued;
	int r;

	if ((doc = hn_json_parse(desc, len, HN_DIR_MAX, DIR_DEPTH, err)) ==
	    NULL) {
		r = err != NULL ? err->code : HN_EPARSE;
		goto out;
	}
	if (!json_is_object(doc)) {
		r = hn_error_set(err, HN_EINVAL, "", NULL,
		    "the description must be a JSON object");
		goto out;
	}
	if (json_object_get(doc, "issued_at") == NULL) {
		hn_time_format(ts, now);
		json_object_set_new(doc, "issued_at", json_string(ts));
	}
	if ((v = json_object_get(doc, "valid_days")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 3660 ||
		    json_object_get(doc, "expires_at") != NULL ||
		    hn_time_parse(hn_json_str(doc, "issued_at"), &issued) < 0) {
			r = hn_error_set(err, HN_EINVAL, "valid_days", NULL,
			    "1 to 3660 days, instead of expires_at");
			goto out;
		}
		hn_time_format(ts, issued + 86400 * json_integer_value(v));
		json_object_set_new(doc, "expires_at", json_string(ts));
		json_object_del(doc, "valid_days");
	}
	json_object_set_new(doc, "v", json_integer(1));
	json_object_set_new(doc, "registry", json_string(name));
	if ((payload = hn_json_dump(doc)) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if ((r = hn_directory_parse_payload(&d, payload, strlen(payload),
	    err)) < 0)
		goto out;
	if ((r = hn_signed_make(out, HN_SIGNED_DIRECTORY, name, payload,
	    strlen(payload), sk)) < 0) {
		hn_error_set(err, r, NULL, NULL, "cannot sign the directory");
		goto out;
	}
	r = 0;
out:
	free(payload);
	json_decref(doc);
	hn_directory_free(d);
	return r;
}

const struct hn_dir_party *
hn_directory_find(const struct hn_directory *d, const char *code)
{
	struct hn_dir_party key;

	if (d == NULL || !code_valid(code) || d->nparties == 0)
		return NULL;
	memcpy(key.code, code, HN_PARTY_CODE_LEN + 1);
	return bsearch(&key, d->parties, d->nparties, sizeof(*d->parties),
	    cmp_party);
}

const struct hn_dir_party *
hn_directory_find_tls(const struct hn_directory *d,
    const uint8_t fp[HN_SHA256_LEN])
{
	size_t i;

	if (d == NULL)
		return NULL;
	for (i = 0; i < d->nparties; i++)
		if (memcmp(d->parties[i].tls_sha256, fp, HN_SHA256_LEN) == 0)
			return &d->parties[i];
	return NULL;
}

int
hn_directory_load(const char *path, const char *registry_vkey, int64_t now,
    struct hn_directory **out, struct hn_error *err)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	int r;

	*out = NULL;
	if ((r = hn_file_read(path, &b)) < 0) {
		hn_error_set(err, r, "directory", NULL,
		    "cannot read the directory %s", path);
		goto out;
	}
	r = hn_directory_open(out, b.data, b.len, registry_vkey, now, err);
out:
	hn_buf_release(&b);
	return r;
}

int
hn_directory_update(const char *path, const char *data, size_t len,
    const char *registry_vkey, int64_t now, struct hn_directory **out,
    struct hn_error *err)
{
	struct hn_directory *nd = NULL, *held = NULL;
	struct hn_error e2;
	int r;

	if (out != NULL)
		*out = NULL;
	if ((r = hn_directory_open(&nd, data, len, registry_vkey, now,
	    err)) < 0)
		goto out;
	/* An unreadable or expired held copy does not block a newer one, but
	 * an unexpired held copy with a higher serial does. */
	r = hn_directory_load(path, registry_vkey, INT64_MIN, &held, &e2);
	if (r == 0) {
		if (nd->serial < held->serial) {
			r = hn_error_set(err, HN_ESTATE, "serial", NULL,
			    "directory serial %llu is older than the held "
			    "serial %llu", (unsigned long long)nd->serial,
			    (unsigned long long)held->serial);
			goto out;
		}
		if (nd->serial == held->serial) {
			if (nd->raw_len != held->raw_len ||
			    memcmp(nd->raw, held->raw, nd->raw_len) != 0) {
				r = hn_error_set(err, HN_ESTATE, "serial",
				    NULL, "serial %llu reused with other "
				    "contents", (unsigned long long)nd->serial);
				goto out;
			}
			goto done; /* same copy: nothing to write */
		}
	}
	/* Otherwise none is held, or the held copy no longer verifies (a
	 * corrupt file): the verified new copy replaces it. */
	if ((r = hn_file_write_atomic(path, nd->raw, nd->raw_len, 0644)) < 0) {
		hn_error_set(err, r, "directory", NULL, "cannot write %s",
		    path);
		goto out;
	}
done:
	if (out != NULL) {
		*out = nd;
		nd = NULL;
	}
	r = 0;
out:
	hn_directory_free(nd);
	hn_directory_free(held);
	return r;
}
