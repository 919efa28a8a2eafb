#include "fed/directory.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "ledger/note.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"

#define DIR_DEPTH 8

void
hn_directory_free(struct hn_directory *d)
{
	if (d == NULL)
		return;
	free(d->parties);
	free(d->pins);
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
		json_object_foreach((json_t *)v, k, c)
		{
			if (strlen(k) > HN_DIR_TEXT_MAX || !strings_bounded(c))
				return 0;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, c)
		{
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
cmp_pin(const void *a, const void *b)
{
	return memcmp(((const struct hn_dir_pin *)a)->fp,
	    ((const struct hn_dir_pin *)b)->fp, HN_SHA256_LEN);
}

/* The name of a field of entry i ("parties[3].endpoints[0].url"). */
static const char *fname(char *buf, size_t sz, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static const char *
fname(char *buf, size_t sz, size_t i, const char *fmt, ...)
{
	char sub[HN_ERR_FIELD_MAX];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = hn_vfmt(sub, sizeof(sub), fmt, ap);
	va_end(ap);
	/* a field name is never cut into another one: name the parent */
	if (r != 0 ||
	    hn_fmt(buf, sz, "parties[%zu]%s%s", i, sub[0] != '\0' ? "." : "",
		sub) != 0)
		return "parties";
	return buf;
}

static int
url_valid(const char *s)
{
	size_t j;

	if (s == NULL || strncmp(s, "https://", 8) != 0 ||
	    strlen(s) > HN_DIR_URL_MAX || strlen(s) < 9)
		return 0;
	for (j = 0; s[j] != '\0'; j++)
		if ((unsigned char)s[j] <= 0x20 || (unsigned char)s[j] >= 0x7f)
			return 0;
	return 1;
}

static int
pin_parse(uint8_t fp[HN_SHA256_LEN], const json_t *v)
{
	const char *s = json_string_value(v);

	return s != NULL && strlen(s) == 64 &&
	    hn_hex_decode(fp, HN_SHA256_LEN, s, 64) == HN_SHA256_LEN;
}

/* 1 if fp is among the first n pins of ep. */
static int
pinned_in(const struct hn_dir_endpoint *ep, const uint8_t *fp, size_t n)
{
	size_t m;

	for (m = 0; m < n; m++)
		if (memcmp(ep->tls_sha256[m], fp, HN_SHA256_LEN) == 0)
			return 1;
	return 0;
}

#define URL_RULE \
	"must be an https:// URL of at most 512 printable ASCII " \
	"bytes without spaces"
#define PIN_RULE "must be 64 hex digits (SHA-256 of the DER certificate)"

/* Version 1: one node_url and one tls_sha256, read as one endpoint. */
static int
parse_v1_node(struct hn_dir_party *p, const json_t *e, size_t i,
    struct hn_error *err)
{
	struct hn_dir_endpoint *ep = &p->endpoints[0];
	const char *s = hn_json_str(e, "node_url");
	char f[HN_ERR_FIELD_MAX];

	if (!url_valid(s))
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "node_url"), NULL, URL_RULE);
	memcpy(ep->url, s, strlen(s) + 1);
	if (!pin_parse(ep->tls_sha256[0], json_object_get(e, "tls_sha256")))
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "tls_sha256"), NULL, PIN_RULE);
	ep->npins = 1;
	p->nendpoints = 1;
	return 0;
}

/* Version 2: endpoints[] of {url, tls_sha256[]}. */
static int
parse_endpoints(struct hn_dir_party *p, const json_t *e, size_t i,
    struct hn_error *err)
{
	const json_t *eps = json_object_get(e, "endpoints"), *ep, *pins, *v;
	char f[HN_ERR_FIELD_MAX];
	const char *k, *s;
	size_t j, m, n;

	if (!json_is_array(eps) || json_array_size(eps) == 0 ||
	    json_array_size(eps) > HN_DIR_MAX_ENDPOINTS)
		return hn_error_set(err,
		    json_array_size(eps) > HN_DIR_MAX_ENDPOINTS ? HN_ETOOBIG :
								  HN_EINVAL,
		    fname(f, sizeof(f), i, "endpoints"), NULL,
		    "must list 1 to %d endpoints {url, tls_sha256[]}",
		    HN_DIR_MAX_ENDPOINTS);
	json_array_foreach(eps, j, ep)
	{
		struct hn_dir_endpoint *d = &p->endpoints[j];

		if (!json_is_object(ep))
			return hn_error_set(err, HN_EINVAL,
			    fname(f, sizeof(f), i, "endpoints[%zu]", j), NULL,
			    "an endpoint is an object {url, tls_sha256[]}");
		json_object_foreach((json_t *)ep, k, v)
		{
			if (strcmp(k, "url") != 0 &&
			    strcmp(k, "tls_sha256") != 0)
				return hn_error_set(err, HN_EINVAL,
				    fname(f, sizeof(f), i, "endpoints[%zu].%s",
					j, k),
				    NULL, "unknown field");
		}
		s = hn_json_str(ep, "url");
		if (!url_valid(s))
			return hn_error_set(err, HN_EINVAL,
			    fname(f, sizeof(f), i, "endpoints[%zu].url", j),
			    NULL, URL_RULE);
		for (m = 0; m < j; m++)
			if (strcmp(p->endpoints[m].url, s) == 0)
				return hn_error_set(err, HN_EINVAL,
				    fname(f, sizeof(f), i, "endpoints[%zu].url",
					j),
				    NULL, "endpoint listed twice");
		memcpy(d->url, s, strlen(s) + 1);
		pins = json_object_get(ep, "tls_sha256");
		n = json_array_size(pins);
		if (!json_is_array(pins) || n == 0 || n > HN_DIR_MAX_PINS)
			return hn_error_set(err,
			    n > HN_DIR_MAX_PINS ? HN_ETOOBIG : HN_EINVAL,
			    fname(f, sizeof(f), i, "endpoints[%zu].tls_sha256",
				j),
			    NULL, "must list 1 to %d certificate fingerprints",
			    HN_DIR_MAX_PINS);
		for (m = 0; m < n; m++) {
			if (!pin_parse(d->tls_sha256[m],
				json_array_get(pins, m)))
				return hn_error_set(err, HN_EINVAL,
				    fname(f, sizeof(f), i,
					"endpoints[%zu].tls_sha256"
					"[%zu]",
					j, m),
				    NULL, PIN_RULE);
			if (pinned_in(d, d->tls_sha256[m], m))
				return hn_error_set(err, HN_EINVAL,
				    fname(f, sizeof(f), i,
					"endpoints[%zu].tls_sha256"
					"[%zu]",
					j, m),
				    NULL, "pin listed twice");
		}
		d->npins = n;
	}
	p->nendpoints = json_array_size(eps);
	return 0;
}
/* signing_key (required) and cosigning_key (optional, v2). */
static int
parse_keys(struct hn_dir_party *p, const json_t *e, size_t i,
    struct hn_error *err)
{
	struct hn_note_verifier cv;
	char f[HN_ERR_FIELD_MAX];
	const json_t *v;
	const char *s;

	s = hn_json_str(e, "signing_key");
	if (s == NULL || strlen(s) > HN_VKEY_MAX ||
	    hn_vkey_parse(s, p->key_name, p->pk, NULL) < 0)
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "signing_key"), NULL,
		    "must be a C2SP Ed25519 verifier key");
	memcpy(p->signing_key, s, strlen(s) + 1);
	if ((v = json_object_get(e, "cosigning_key")) == NULL)
		return 0;
	/* c2sp.org/tlog-cosignature: a cosigning key is its own key, of
	 * type 0x04, never the log's signing key. */
	s = json_string_value(v);
	if (s == NULL || strlen(s) > HN_VKEY_MAX ||
	    hn_note_verifier_parse(&cv, s, strlen(s), NULL) < 0 ||
	    cv.type != HN_NOTE_COSIG_V1)
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "cosigning_key"), NULL,
		    "must be a C2SP cosignature/v1 "
		    "verifier key (type 0x04)");
	if (memcmp(cv.pk, p->pk, HN_ED25519_PK_LEN) == 0)
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "cosigning_key"), NULL,
		    "must differ from signing_key");
	memcpy(p->cosigning_key, s, strlen(s) + 1);
	return 0;
}

/* witnesses (v2): party codes, unique, not the party itself; whether each
 * is in the directory is checked once every entry is read. */
static int
parse_witnesses(struct hn_dir_party *p, const json_t *e, size_t i,
    struct hn_error *err)
{
	const json_t *w = json_object_get(e, "witnesses");
	char f[HN_ERR_FIELD_MAX];
	const char *s;
	size_t j, m;

	if (w == NULL)
		return 0;
	if (!json_is_array(w) || json_array_size(w) > HN_DIR_MAX_WITNESSES)
		return hn_error_set(err,
		    json_is_array(w) ? HN_ETOOBIG : HN_EINVAL,
		    fname(f, sizeof(f), i, "witnesses"), NULL,
		    "must list at most %d party codes", HN_DIR_MAX_WITNESSES);
	for (j = 0; j < json_array_size(w); j++) {
		s = json_string_value(json_array_get(w, j));
		if (!code_valid(s))
			return hn_error_set(err, HN_EINVAL,
			    fname(f, sizeof(f), i, "witnesses[%zu]", j), NULL,
			    "must be a party code (three capital letters)");
		if (strcmp(s, p->code) == 0)
			return hn_error_set(err, HN_EINVAL,
			    fname(f, sizeof(f), i, "witnesses[%zu]", j), NULL,
			    "a party does not witness its own log");
		for (m = 0; m < j; m++)
			if (strcmp(p->witnesses[m], s) == 0)
				return hn_error_set(err, HN_EINVAL,
				    fname(f, sizeof(f), i, "witnesses[%zu]", j),
				    NULL, "%s listed twice", s);
		memcpy(p->witnesses[j], s, HN_PARTY_CODE_LEN + 1);
	}
	p->nwitnesses = json_array_size(w);
	return 0;
}

/* Contacts, languages, name, register, declarations (arts. 40, 41). */
static int
parse_contacts(struct hn_dir_party *p, const json_t *e, size_t i,
    struct hn_error *err)
{
	char f[HN_ERR_FIELD_MAX];
	const json_t *v, *l;
	size_t j, n;

	/* arts. 40 and 41: every party designates both, with languages. */
	if (!json_is_object(json_object_get(e, "contact_24_7")))
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "contact_24_7"), "41",
		    "the 24/7 point of contact is required (an object)");
	if (!json_is_object(json_object_get(e, "central_authority")))
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "central_authority"), "40",
		    "the central authority is required (an object)");
	v = json_object_get(e, "languages");
	n = json_array_size(v);
	if (!json_is_array(v) || n == 0 || n > HN_DIR_MAX_LANGUAGES)
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "languages"), "40",
		    "must list 1 to %d accepted languages",
		    HN_DIR_MAX_LANGUAGES);
	json_array_foreach(v, j, l)
	{
		if (!json_is_string(l) || json_string_length(l) < 2 ||
		    json_string_length(l) > 16)
			return hn_error_set(err, HN_EINVAL,
			    fname(f, sizeof(f), i, "languages"), "40",
			    "languages are language tags (e.g. \"en\")");
	}
	if ((v = json_object_get(e, "name")) != NULL && !json_is_string(v))
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "name"), NULL, "must be a string");
	if ((v = json_object_get(e, "register")) != NULL && !json_is_object(v))
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "register"), NULL,
		    "must be an object (the party's register entry)");
	/* Room for what later formats declare: an object whose members
	 * readers keep and ignore when unknown. */
	if ((v = json_object_get(e, "declarations")) != NULL &&
	    !json_is_object(v))
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "declarations"), NULL,
		    "must be an object");
	p->declarations = v;
	return 0;
}

static const char *const known_v1[] = { "code", "name", "node_url",
	"tls_sha256", "signing_key", "contact_24_7", "central_authority",
	"languages", "register", NULL };
static const char *const known_v2[] = { "code", "name", "endpoints",
	"signing_key", "cosigning_key", "witnesses", "declarations",
	"contact_24_7", "central_authority", "languages", "register", NULL };

static int
known(const char *const *names, const char *k)
{
	size_t j;

	for (j = 0; names[j] != NULL; j++)
		if (strcmp(names[j], k) == 0)
			return 1;
	return 0;
}

static int
parse_party(struct hn_dir_party *p, const json_t *e, size_t i, int version,
    struct hn_error *err)
{
	char f[HN_ERR_FIELD_MAX];
	const char *s, *k;
	json_t *v;
	int r;

	if (!json_is_object(e))
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "%s", ""), NULL,
		    "an entry must be an object");
	json_object_foreach((json_t *)e, k, v)
	{
		if (!known(version == 1 ? known_v1 : known_v2, k))
			return hn_error_set(err, HN_EINVAL,
			    fname(f, sizeof(f), i, "%s", k), NULL,
			    "unknown field%s",
			    version == 2 && known(known_v1, k) ?
				" (version 1; version 2 "
				"lists endpoints)" :
				version == 1 && known(known_v2, k) ?
				" (version 2 only)" :
				"");
	}
	s = hn_json_str(e, "code");
	if (!code_valid(s))
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "code"), NULL,
		    "must be three capital letters");
	memcpy(p->code, s, HN_PARTY_CODE_LEN + 1);
	if ((r = version == 1 ? parse_v1_node(p, e, i, err) :
				parse_endpoints(p, e, i, err)) < 0 ||
	    (r = parse_keys(p, e, i, err)) < 0 ||
	    (r = parse_witnesses(p, e, i, err)) < 0 ||
	    (r = parse_contacts(p, e, i, err)) < 0)
		return r;
	if (!strings_bounded(e))
		return hn_error_set(err, HN_ETOOBIG,
		    fname(f, sizeof(f), i, "%s", ""), NULL,
		    "a string exceeds %d bytes", HN_DIR_TEXT_MAX);
	p->entry = e;
	return 0;
}

/* Every witness is a party of the directory. Parties sorted by code. */
static int
check_witnesses(const struct hn_directory *d, struct hn_error *err)
{
	const struct hn_dir_party *p;
	size_t i, j;

	for (i = 0; i < d->nparties; i++) {
		p = &d->parties[i];
		for (j = 0; j < p->nwitnesses; j++)
			if (hn_directory_find(d, p->witnesses[j]) == NULL)
				return hn_error_set(err, HN_EINVAL, "witnesses",
				    NULL,
				    "%s names witness %s, which is not in "
				    "the directory",
				    p->code, p->witnesses[j]);
	}
	return 0;
}

/* No TLS pin belongs to two parties (an inbound certificate names one
 * sender); builds d->pins, sorted, for hn_directory_find_tls. */
static int
index_pins(struct hn_directory *d, struct hn_error *err)
{
	const struct hn_dir_party *p;
	size_t i, j, m, n = 0;

	for (i = 0; i < d->nparties; i++)
		for (j = 0; j < d->parties[i].nendpoints; j++)
			n += d->parties[i].endpoints[j].npins;
	if (n > 0 && (d->pins = calloc(n, sizeof(*d->pins))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	for (i = 0; i < d->nparties; i++) {
		p = &d->parties[i];
		for (j = 0; j < p->nendpoints; j++)
			for (m = 0; m < p->endpoints[j].npins; m++) {
				memcpy(d->pins[d->npins].fp,
				    p->endpoints[j].tls_sha256[m],
				    HN_SHA256_LEN);
				d->pins[d->npins++].party = i;
			}
	}
	qsort(d->pins, d->npins, sizeof(*d->pins), cmp_pin);
	for (i = 1; i < d->npins; i++)
		if (cmp_pin(&d->pins[i - 1], &d->pins[i]) == 0 &&
		    d->pins[i - 1].party != d->pins[i].party)
			return hn_error_set(err, HN_EINVAL, "parties", NULL,
			    "%s and %s share a TLS certificate",
			    d->parties[d->pins[i - 1].party].code,
			    d->parties[d->pins[i].party].code);
	return 0;
}

/* No key (signing or cosigning) belongs to two parties. */
static int
check_keys(const struct hn_directory *d, struct hn_error *err)
{
	struct hn_dir_pin *k = NULL;
	struct hn_note_verifier cv;
	size_t i, n = 0;
	int r = 0;

	if (d->nparties == 0)
		return 0;
	if ((k = calloc(2 * d->nparties, sizeof(*k))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	for (i = 0; i < d->nparties; i++) {
		memcpy(k[n].fp, d->parties[i].pk, HN_ED25519_PK_LEN);
		k[n++].party = i;
		if (d->parties[i].cosigning_key[0] != '\0' &&
		    hn_note_verifier_parse(&cv, d->parties[i].cosigning_key,
			strlen(d->parties[i].cosigning_key), NULL) == 0) {
			memcpy(k[n].fp, cv.pk, HN_ED25519_PK_LEN);
			k[n++].party = i;
		}
	}
	qsort(k, n, sizeof(*k), cmp_pin);
	for (i = 1; i < n && r == 0; i++)
		if (cmp_pin(&k[i - 1], &k[i]) == 0)
			r = hn_error_set(err, HN_EINVAL, "parties", NULL,
			    "%s and %s share a key",
			    d->parties[k[i - 1].party].code,
			    d->parties[k[i].party].code);
	free(k);
	return r;
}

static int
check_header(struct hn_directory *d, struct hn_error *err)
{
	static const char *const top[] = { "v", "registry", "serial",
		"issued_at", "expires_at", "parties", NULL };
	const char *s, *k;
	json_t *v;

	json_object_foreach(d->payload, k, v)
	{
		if (!known(top, k))
			return hn_error_set(err, HN_EINVAL, k, NULL,
			    "unknown field");
	}
	v = json_object_get(d->payload, "v");
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > HN_DIR_VERSION)
		return hn_error_set(err, HN_EINVAL, "v", NULL,
		    "unsupported directory version (want 1 or 2)");
	d->version = (int)json_integer_value(v);
	s = hn_json_str(d->payload, "registry");
	if (s == NULL || !hn_signer_valid(s, strlen(s)))
		return hn_error_set(err, HN_EINVAL, "registry", NULL,
		    "must name the registry key");
	memcpy(d->registry, s, strlen(s) + 1);
	v = json_object_get(d->payload, "serial");
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return hn_error_set(err, HN_EINVAL, "serial", NULL,
		    "must be a positive integer");
	d->serial = (uint64_t)json_integer_value(v);
	if (hn_datetime_parse(hn_json_str(d->payload, "issued_at"),
		&d->issued_at) < 0)
		return hn_error_set(err, HN_EINVAL, "issued_at", NULL,
		    "must be YYYY-MM-DDTHH:MM:SSZ");
	if (hn_datetime_parse(hn_json_str(d->payload, "expires_at"),
		&d->expires_at) < 0 ||
	    d->expires_at <= d->issued_at)
		return hn_error_set(err, HN_EINVAL, "expires_at", NULL,
		    "must be YYYY-MM-DDTHH:MM:SSZ after issued_at");
	return 0;
}

/* Validates a parsed payload; takes ownership of `doc`. */
static int
from_payload(struct hn_directory **out, json_t *doc, struct hn_error *err)
{
	struct hn_directory *d = NULL;
	json_t *parties;
	size_t i, n;
	int r;

	*out = NULL;
	if (!json_is_object(doc)) {
		r = hn_error_set(err, HN_EINVAL, "", NULL,
		    "the directory must be a JSON object");
		goto out;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	d->payload = doc;
	doc = NULL; /* transferred */
	if ((r = check_header(d, err)) < 0)
		goto out;
	parties = json_object_get(d->payload, "parties");
	n = json_array_size(parties);
	if (!json_is_array(parties) || n > HN_DIR_MAX_PARTIES) {
		r = hn_error_set(err,
		    json_is_array(parties) ? HN_ETOOBIG : HN_EINVAL, "parties",
		    NULL,
		    "must be an array of at most "
		    "%d entries",
		    HN_DIR_MAX_PARTIES);
		goto out;
	}
	if (n > 0 && (d->parties = calloc(n, sizeof(*d->parties))) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((r = parse_party(&d->parties[i], json_array_get(parties, i),
			 i, d->version, err)) < 0)
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
	if ((r = check_witnesses(d, err)) < 0 || (r = index_pins(d, err)) < 0 ||
	    (r = check_keys(d, err)) < 0)
		goto out;
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
	if ((r = hn_signed_open(&so, HN_SIGNED_DIRECTORY, data, len, HN_DIR_MAX,
		 pk, err)) < 0)
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

/* A description entry in the v1 shape (node_url, tls_sha256) becomes
 * one endpoint with one pin; the parser then names what is wrong. */
static int
entry_to_v2(json_t *e, size_t i, struct hn_error *err)
{
	json_t *url = json_object_get(e, "node_url");
	json_t *fp = json_object_get(e, "tls_sha256");
	char f[HN_ERR_FIELD_MAX];

	if (!json_is_object(e) || (url == NULL && fp == NULL))
		return 0;
	if (json_object_get(e, "endpoints") != NULL)
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "node_url"), NULL,
		    "give endpoints or node_url and "
		    "tls_sha256 (version 1), not both");
	if (json_object_set_new(e, "endpoints",
		json_pack("[{s:O?, s:[O?]}]", "url", url, "tls_sha256", fp)) <
	    0)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	json_object_del(e, "node_url");
	json_object_del(e, "tls_sha256");
	return 0;
}

/* The other way, for a version 1 directory: refuses what 1 cannot say. */
static int
entry_to_v1(json_t *e, size_t i, struct hn_error *err)
{
	json_t *eps = json_object_get(e, "endpoints"), *ep, *pins, *v;
	char f[HN_ERR_FIELD_MAX];

	if (!json_is_object(e) || eps == NULL)
		return 0;
	ep = json_array_get(eps, 0);
	pins = json_object_get(ep, "tls_sha256");
	if (json_array_size(eps) != 1 || json_array_size(pins) != 1)
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "endpoints"), NULL,
		    "a version 1 directory holds one "
		    "endpoint with one tls_sha256");
	if ((v = json_object_get(e, "witnesses")) != NULL &&
	    json_array_size(v) == 0)
		json_object_del(e, "witnesses");
	if ((v = json_object_get(e, "declarations")) != NULL &&
	    json_object_size(v) == 0)
		json_object_del(e, "declarations");
	if (json_object_get(e, "cosigning_key") != NULL ||
	    json_object_get(e, "witnesses") != NULL ||
	    json_object_get(e, "declarations") != NULL)
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "%s",
			json_object_get(e, "cosigning_key") != NULL ?
			    "cosigning_key" :
			    json_object_get(e, "witnesses") != NULL ?
			    "witnesses" :
			    "declarations"),
		    NULL, "not in a version 1 directory");
	if (json_object_set(e, "node_url", json_object_get(ep, "url")) < 0 ||
	    json_object_set(e, "tls_sha256", json_array_get(pins, 0)) < 0)
		return hn_error_set(err, HN_EINVAL,
		    fname(f, sizeof(f), i, "endpoints[0]"), NULL,
		    "needs url and tls_sha256");
	json_object_del(e, "endpoints");
	return 0;
}

/* issued_at defaults to now; valid_days replaces expires_at. */
static int
desc_times(json_t *doc, int64_t now, struct hn_error *err)
{
	char ts[HN_TIME_STRLEN];
	int64_t issued;
	json_t *v;

	if (json_object_get(doc, "issued_at") == NULL) {
		hn_datetime_format(now, ts);
		json_object_set_new(doc, "issued_at", json_string(ts));
	}
	if ((v = json_object_get(doc, "valid_days")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 3660 ||
		    json_object_get(doc, "expires_at") != NULL ||
		    hn_datetime_parse(hn_json_str(doc, "issued_at"), &issued) <
			0)
			return hn_error_set(err, HN_EINVAL, "valid_days", NULL,
			    "1 to 3660 days, instead of expires_at");
		hn_datetime_format(issued + 86400 * json_integer_value(v), ts);
		json_object_set_new(doc, "expires_at", json_string(ts));
		json_object_del(doc, "valid_days");
	}
	return 0;
}

int
hn_directory_sign_version(struct hn_buf *out, const char *desc, size_t len,
    int version, const char *name, const uint8_t sk[HN_ED25519_SK_LEN],
    int64_t now, struct hn_error *err)
{
	struct hn_directory *d = NULL;
	json_t *doc = NULL, *e;
	char *payload = NULL;
	size_t i;
	int r;

	if (version != 1 && version != 2) {
		r = hn_error_set(err, HN_EINVAL, "v", NULL,
		    "writes version 1 or 2");
		goto out;
	}
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
	if ((r = desc_times(doc, now, err)) < 0)
		goto out;
	json_array_foreach(json_object_get(doc, "parties"), i, e)
	{
		if ((r = entry_to_v2(e, i, err)) < 0 ||
		    (version == 1 && (r = entry_to_v1(e, i, err)) < 0))
			goto out;
	}
	json_object_set_new(doc, "v", json_integer(version));
	json_object_set_new(doc, "registry", json_string(name));
	if ((payload = hn_json_dump(doc)) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if ((r = hn_directory_parse_payload(&d, payload, strlen(payload),
		 err)) < 0)
		goto out;
	if (strlen(payload) + 512 > HN_DIR_MAX) {
		r = hn_error_set(err, HN_ETOOBIG, "", NULL,
		    "the signed "
		    "directory would exceed %u bytes",
		    HN_DIR_MAX);
		goto out;
	}
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

int
hn_directory_sign(struct hn_buf *out, const char *desc, size_t len,
    const char *name, const uint8_t sk[HN_ED25519_SK_LEN], int64_t now,
    struct hn_error *err)
{
	return hn_directory_sign_version(out, desc, len, HN_DIR_VERSION, name,
	    sk, now, err);
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
	struct hn_dir_pin key;
	const struct hn_dir_pin *hit;

	if (d == NULL || d->npins == 0)
		return NULL;
	memcpy(key.fp, fp, HN_SHA256_LEN);
	hit = bsearch(&key, d->pins, d->npins, sizeof(*d->pins), cmp_pin);
	return hit != NULL ? &d->parties[hit->party] : NULL;
}

int
hn_dir_party_has_pin(const struct hn_dir_party *p,
    const uint8_t fp[HN_SHA256_LEN])
{
	size_t j, m;
	int hit = 0;

	if (p == NULL || fp == NULL)
		return 0;
	for (j = 0; j < p->nendpoints; j++)
		for (m = 0; m < p->endpoints[j].npins; m++)
			hit |= hn_memeq_ct(fp, p->endpoints[j].tls_sha256[m],
				   HN_SHA256_LEN) == 0;
	return hit;
}

const struct hn_dir_endpoint *
hn_dir_party_endpoint(const struct hn_dir_party *p)
{
	return p != NULL && p->nendpoints > 0 ? &p->endpoints[0] : NULL;
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
	if ((r = hn_directory_open(&nd, data, len, registry_vkey, now, err)) <
	    0)
		goto out;
	/* An unreadable or expired held copy does not block a newer one, but
	 * an unexpired held copy with a higher serial does. */
	r = hn_directory_load(path, registry_vkey, INT64_MIN, &held, &e2);
	if (r == 0) {
		if (nd->serial < held->serial) {
			r = hn_error_set(err, HN_ESTATE, "serial", NULL,
			    "directory serial %llu is older than the held "
			    "serial %llu",
			    (unsigned long long)nd->serial,
			    (unsigned long long)held->serial);
			goto out;
		}
		if (nd->serial == held->serial) {
			if (nd->raw_len != held->raw_len ||
			    memcmp(nd->raw, held->raw, nd->raw_len) != 0) {
				r = hn_error_set(err, HN_ESTATE, "serial", NULL,
				    "serial %llu reused with other "
				    "contents",
				    (unsigned long long)nd->serial);
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
