/* Unit tests for fed/directory: version 2 (endpoints with several pins,
 * cosigning key, witnesses, declarations), version 1 still read and still
 * writable, every bound exceeded, missing, forged and tampered signatures,
 * unknown declarations kept. docs/protocol.md section 3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "fed/directory.h"
#include "fed/signed.h"
#include "ledger/note.h"
#include "util/json.h"

#define NOW 1795000000 /* 2026-11-18 */

struct keys {
	uint8_t sk[HN_ED25519_SK_LEN], pk[HN_ED25519_PK_LEN];
	char vkey[HN_VKEY_MAX + 1];
};

static struct keys reg, other, vnm, fra, deu;
static char vnm_cosig[HN_VKEY_MAX + 1], vnm_sign_as_cosig[HN_VKEY_MAX + 1];

static void
mkkey(struct keys *k, const char *name)
{
	hn_ed25519_keypair(k->pk, k->sk);
	assert_int_equal(hn_vkey_format(k->vkey, sizeof(k->vkey), name, k->pk),
	    0);
}

/* A C2SP cosignature/v1 verifier key (type 0x04) for name and pk. */
static void
cosig_vkey(char *out, size_t sz, const char *name, const uint8_t *pk)
{
	struct hn_buf b = HN_BUF_INIT(1024);
	struct hn_note_verifier v;

	memset(&v, 0, sizeof(v));
	snprintf(v.name, sizeof(v.name), "%s", name);
	v.type = HN_NOTE_COSIG_V1;
	memcpy(v.pk, pk, 32);
	v.key_id = hn_note_key_id(name, v.type, pk);
	assert_int_equal(hn_note_verifier_format(&v, &b), 0);
	assert_true(b.len < sz);
	memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	hn_buf_release(&b);
}

static int
setup(void **state)
{
	struct keys c;

	(void)state;
	assert_int_equal(hn_crypto_init(), 0);
	mkkey(&reg, "registry.test");
	mkkey(&other, "registry.test");
	mkkey(&vnm, "hanoinet/VNM");
	mkkey(&fra, "hanoinet/FRA");
	mkkey(&deu, "hanoinet/DEU");
	mkkey(&c, "x");
	cosig_vkey(vnm_cosig, sizeof(vnm_cosig), "witness/VNM", c.pk);
	cosig_vkey(vnm_sign_as_cosig, sizeof(vnm_sign_as_cosig), "witness/VNM",
	    vnm.pk);
	return 0;
}

static const char *
hex(int n)
{
	static char b[8][65];
	static int k;

	k = (k + 1) % 8;
	snprintf(b[k], sizeof(b[k]), "%064d", n);
	return b[k];
}

static json_t *
contacts(json_t *e)
{
	json_object_set_new(e, "contact_24_7",
	    json_pack("{s:s}", "phone", "+84"));
	json_object_set_new(e, "central_authority", json_object());
	json_object_set_new(e, "languages", json_pack("[s]", "en"));
	return e;
}

/* A version 2 description: VNM with two endpoints (the second with the
 * next certificate's pin too), a cosigning key, witnesses FRA and DEU,
 * declarations; FRA and DEU with one endpoint each. */
static json_t *
desc2(void)
{
	json_t *vn, *fr, *de;

	vn = json_pack("{s:s, s:[{s:s, s:[s]}, {s:s, s:[s, s]}], s:s, s:s, "
		       "s:[s, s], s:{s:{s:i}, s:s}}",
	    "code", "VNM", "endpoints", "url", "https://vnm-a.example:8443",
	    "tls_sha256", hex(1), "url", "https://vnm-b.example:8443",
	    "tls_sha256", hex(11), hex(12), "signing_key", vnm.vkey,
	    "cosigning_key", vnm_cosig, "witnesses", "FRA", "DEU",
	    "declarations", "future_member", "x", 1, "note", "kept");
	fr = json_pack("{s:s, s:[{s:s, s:[s]}], s:s}", "code", "FRA",
	    "endpoints", "url", "https://fra.example", "tls_sha256", hex(2),
	    "signing_key", fra.vkey);
	de = json_pack("{s:s, s:[{s:s, s:[s]}], s:s}", "code", "DEU",
	    "endpoints", "url", "https://deu.example", "tls_sha256", hex(3),
	    "signing_key", deu.vkey);
	assert_non_null(vn);
	assert_non_null(fr);
	assert_non_null(de);
	return json_pack("{s:i, s:s, s:s, s:[o, o, o]}", "serial", 7,
	    "issued_at", "2026-11-01T00:00:00Z", "expires_at",
	    "2026-12-01T00:00:00Z", "parties", contacts(vn), contacts(fr),
	    contacts(de));
}

static json_t *
party(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "parties"), i);
}

/* Signs doc (decref'd) as a description; returns the signer's result. */
static int
sign_doc(struct hn_buf *b, json_t *doc, int version, struct hn_error *err)
{
	char *s = hn_json_dump(doc);
	int r;

	assert_non_null(s);
	hn_buf_reset(b);
	r = hn_directory_sign_version(b, s, strlen(s), version, "registry.test",
	    reg.sk, NOW, err);
	free(s);
	json_decref(doc);
	return r;
}

static void
test_v2_round_trip(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX), b2 = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_directory *d = NULL, *d2 = NULL;
	const struct hn_dir_party *p;
	uint8_t fp[32] = { 0 };
	struct hn_error err;
	json_t *again;
	char *s;

	(void)state;
	assert_int_equal(sign_doc(&b, desc2(), 2, &err), 0);
	assert_non_null(strstr(b.data, "\"v\":2"));
	assert_int_equal(hn_directory_open(&d, b.data, b.len, reg.vkey, NOW,
			     &err),
	    0);
	assert_int_equal(d->version, 2);
	assert_int_equal(d->nparties, 3);
	p = hn_directory_find(d, "VNM");
	assert_non_null(p);
	assert_int_equal(p->nendpoints, 2);
	assert_string_equal(p->endpoints[0].url, "https://vnm-a.example:8443");
	assert_string_equal(hn_dir_party_endpoint(p)->url,
	    "https://vnm-a.example:8443");
	assert_int_equal(p->endpoints[1].npins, 2);
	assert_int_equal(p->endpoints[1].tls_sha256[1][31], 0x12);
	assert_string_equal(p->cosigning_key, vnm_cosig);
	assert_int_equal(p->nwitnesses, 2);
	assert_string_equal(p->witnesses[0], "FRA");
	assert_string_equal(p->witnesses[1], "DEU");
	/* Unknown declarations are kept, as signed. */
	assert_non_null(p->declarations);
	assert_int_equal(json_integer_value(
			     json_object_get(json_object_get(p->declarations,
						 "future_member"),
				 "x")),
	    1);
	assert_string_equal(hn_json_str(p->declarations, "note"), "kept");
	/* Every pin of every endpoint names its party; has_pin agrees. */
	fp[31] = 0x12;
	assert_ptr_equal(hn_directory_find_tls(d, fp), p);
	assert_true(hn_dir_party_has_pin(p, fp));
	fp[31] = 0x01;
	assert_ptr_equal(hn_directory_find_tls(d, fp), p);
	fp[31] = 0x02;
	assert_string_equal(hn_directory_find_tls(d, fp)->code, "FRA");
	assert_false(hn_dir_party_has_pin(p, fp));
	assert_false(hn_dir_party_has_pin(p, NULL));
	fp[31] = 0x13;
	assert_null(hn_directory_find_tls(d, fp));
	p = hn_directory_find(d, "FRA");
	assert_string_equal(p->cosigning_key, "");
	assert_int_equal(p->nwitnesses, 0);
	assert_null(p->declarations);

	/* Round trip: the payload, as a description, signs to the same
	 * payload. */
	again = json_deep_copy(d->payload);
	json_object_del(again, "v");
	json_object_del(again, "registry");
	assert_int_equal(sign_doc(&b2, again, 2, &err), 0);
	assert_int_equal(hn_directory_open(&d2, b2.data, b2.len, reg.vkey, NOW,
			     &err),
	    0);
	s = strchr(b.data, '\n');
	assert_string_equal(s, strchr(b2.data, '\n'));
	hn_directory_free(d);
	hn_directory_free(d2);
	hn_buf_release(&b);
	hn_buf_release(&b2);
}

/* A version 1 payload exactly as today's registries sign it. */
static const char v1_fmt[] =
    "{\"expires_at\":\"2026-12-01T00:00:00Z\",\"issued_at\":"
    "\"2026-11-01T00:00:00Z\",\"parties\":[{\"central_authority\":{},"
    "\"code\":\"VNM\",\"contact_24_7\":{},\"languages\":[\"vi\"],"
    "\"node_url\":\"https://127.0.0.1:9001\",\"signing_key\":\"%s\","
    "\"tls_sha256\":\"%s\"}],\"registry\":\"registry.test\",\"serial\":3,"
    "\"v\":1}";

static void
test_v1_read(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_directory *d = NULL;
	const struct hn_dir_party *p;
	uint8_t fp[32] = { 0 };
	struct hn_error err;
	char payload[2048];
	json_t *doc;

	(void)state;
	snprintf(payload, sizeof(payload), v1_fmt, vnm.vkey, hex(1));
	assert_int_equal(hn_signed_make(&b, HN_SIGNED_DIRECTORY,
			     "registry.test", payload, strlen(payload), reg.sk),
	    0);
	assert_int_equal(hn_directory_open(&d, b.data, b.len, reg.vkey, NOW,
			     &err),
	    0);
	assert_int_equal(d->version, 1);
	p = hn_directory_find(d, "VNM");
	assert_non_null(p);
	/* Converted in memory: one endpoint, one pin, nothing else. */
	assert_int_equal(p->nendpoints, 1);
	assert_string_equal(p->endpoints[0].url, "https://127.0.0.1:9001");
	assert_int_equal(p->endpoints[0].npins, 1);
	fp[31] = 0x01;
	assert_memory_equal(p->endpoints[0].tls_sha256[0], fp, 32);
	assert_ptr_equal(hn_directory_find_tls(d, fp), p);
	assert_true(hn_dir_party_has_pin(p, fp));
	assert_string_equal(p->cosigning_key, "");
	assert_int_equal(p->nwitnesses, 0);
	assert_null(p->declarations);
	hn_directory_free(d);
	d = NULL;

	/* Version 1 fields in a version 2 document, and the reverse, are
	 * unknown fields, named. */
	doc = desc2();
	json_object_set_new(party(doc, 1), "node_url",
	    json_string("https://x.example"));
	assert_int_equal(sign_doc(&b, doc, 2, &err), HN_EINVAL);
	assert_string_equal(err.field, "parties[1].node_url");
	snprintf(payload, sizeof(payload), v1_fmt, vnm.vkey, hex(1));
	memcpy(strstr(payload, "\"v\":1"), "\"v\":2", 5);
	assert_int_equal(hn_directory_parse_payload(&d, payload,
			     strlen(payload), &err),
	    HN_EINVAL);
	assert_string_equal(err.field, "parties[0].node_url");
	memcpy(strstr(payload, "\"v\":2"), "\"v\":3", 5);
	assert_int_equal(hn_directory_parse_payload(&d, payload,
			     strlen(payload), &err),
	    HN_EINVAL);
	assert_string_equal(err.field, "v");
	assert_null(d);
	hn_buf_release(&b);
}

static void
test_v1_write(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_directory *d = NULL;
	struct hn_error err;
	json_t *doc;

	(void)state;
	/* A v1-shaped description signs to version 2 by default ... */
	doc = desc2();
	json_array_remove(json_object_get(doc, "parties"), 0);
	json_object_del(party(doc, 0), "endpoints");
	json_object_set_new(party(doc, 0), "node_url",
	    json_string("https://fra.example"));
	json_object_set_new(party(doc, 0), "tls_sha256", json_string(hex(2)));
	assert_int_equal(sign_doc(&b, json_deep_copy(doc), 2, &err), 0);
	assert_int_equal(hn_directory_open(&d, b.data, b.len, reg.vkey, NOW,
			     &err),
	    0);
	assert_int_equal(d->version, 2);
	assert_string_equal(hn_directory_find(d, "FRA")->endpoints[0].url,
	    "https://fra.example");
	assert_null(strstr(b.data, "node_url"));
	hn_directory_free(d);
	/* ... and to version 1 when asked (both shapes). */
	assert_int_equal(sign_doc(&b, doc, 1, &err), 0);
	assert_non_null(strstr(b.data, "\"v\":1"));
	assert_non_null(strstr(b.data, "\"node_url\":\"https://deu.example\""));
	assert_null(strstr(b.data, "endpoints"));
	assert_int_equal(hn_directory_open(&d, b.data, b.len, reg.vkey, NOW,
			     &err),
	    0);
	assert_int_equal(d->version, 1);
	hn_directory_free(d);
	/* What version 1 cannot say is refused, named. */
	assert_int_equal(sign_doc(&b, desc2(), 1, &err), HN_EINVAL);
	assert_string_equal(err.field, "parties[0].endpoints");
	doc = desc2();
	json_array_remove(json_object_get(party(doc, 0), "endpoints"), 1);
	assert_int_equal(sign_doc(&b, doc, 1, &err), HN_EINVAL);
	assert_string_equal(err.field, "parties[0].cosigning_key");
	doc = desc2();
	json_object_set_new(party(doc, 1), "witnesses",
	    json_pack("[s]", "VNM"));
	json_array_remove(json_object_get(doc, "parties"), 0);
	json_object_set_new(party(doc, 1), "witnesses", json_array());
	json_object_set_new(party(doc, 1), "declarations", json_object());
	assert_int_equal(sign_doc(&b, doc, 1, &err), HN_EINVAL);
	assert_string_equal(err.field, "parties[0].witnesses");
	hn_buf_release(&b);
}

/* doc with VNM's first endpoint given n pins. */
static json_t *
with_pins(size_t n)
{
	json_t *doc = desc2(), *pins = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(pins, json_string(hex(100 + (int)i)));
	json_object_set_new(json_array_get(json_object_get(party(doc, 0),
					       "endpoints"),
				0),
	    "tls_sha256", pins);
	return doc;
}

static void
test_bounds(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_directory *d = NULL;
	struct hn_error err;
	json_t *doc, *eps, *w, *ps;
	char *big;
	size_t i;

	(void)state;
	/* Endpoints: 8 fine, 9 too many. */
	doc = desc2();
	eps = json_object_get(party(doc, 0), "endpoints");
	for (i = 2; i < HN_DIR_MAX_ENDPOINTS; i++) {
		char url[64];

		snprintf(url, sizeof(url), "https://vnm-%zu.example", i);
		json_array_append_new(eps,
		    json_pack("{s:s, s:[s]}", "url", url, "tls_sha256",
			hex(200 + (int)i)));
	}
	assert_int_equal(sign_doc(&b, json_deep_copy(doc), 2, &err), 0);
	json_array_append_new(eps,
	    json_pack("{s:s, s:[s]}", "url", "https://vnm-9.example",
		"tls_sha256", hex(299)));
	assert_int_equal(sign_doc(&b, doc, 2, &err), HN_ETOOBIG);
	assert_string_equal(err.field, "parties[0].endpoints");
	/* Pins: 4 fine, 5 too many, none refused. */
	assert_int_equal(sign_doc(&b, with_pins(HN_DIR_MAX_PINS), 2, &err), 0);
	assert_int_equal(sign_doc(&b, with_pins(HN_DIR_MAX_PINS + 1), 2, &err),
	    HN_ETOOBIG);
	assert_string_equal(err.field, "parties[0].endpoints[0].tls_sha256");
	assert_int_equal(sign_doc(&b, with_pins(0), 2, &err), HN_EINVAL);
	assert_string_equal(err.field, "parties[0].endpoints[0].tls_sha256");
	/* Witnesses: 33 too many. */
	doc = desc2();
	w = json_array();
	for (i = 0; i <= HN_DIR_MAX_WITNESSES; i++) {
		char c[4] = { 'A', (char)('A' + i / 26), (char)('A' + i % 26),
			0 };
		json_array_append_new(w, json_string(c));
	}
	json_object_set_new(party(doc, 0), "witnesses", w);
	assert_int_equal(sign_doc(&b, doc, 2, &err), HN_ETOOBIG);
	assert_string_equal(err.field, "parties[0].witnesses");
	/* Parties: 513 too many. */
	doc = desc2();
	ps = json_object_get(doc, "parties");
	while (json_array_size(ps) <= HN_DIR_MAX_PARTIES)
		json_array_append_new(ps, json_object());
	assert_int_equal(sign_doc(&b, doc, 2, &err), HN_ETOOBIG);
	assert_string_equal(err.field, "parties");
	/* A URL over 512 bytes; a string over 4096 bytes. */
	big = malloc(HN_DIR_TEXT_MAX + 2);
	memset(big, 'a', HN_DIR_TEXT_MAX + 1);
	big[HN_DIR_TEXT_MAX + 1] = '\0';
	memcpy(big, "https://", 8);
	big[HN_DIR_URL_MAX + 1] = '\0';
	doc = desc2();
	json_object_set_new(json_array_get(json_object_get(party(doc, 2),
					       "endpoints"),
				0),
	    "url", json_string(big));
	assert_int_equal(sign_doc(&b, doc, 2, &err), HN_EINVAL);
	assert_string_equal(err.field, "parties[2].endpoints[0].url");
	big[HN_DIR_URL_MAX + 1] = 'a';
	doc = desc2();
	json_object_set_new((json_t *)json_object_get(party(doc, 0),
				"declarations"),
	    "long", json_string(big));
	assert_int_equal(sign_doc(&b, doc, 2, &err), HN_ETOOBIG);
	assert_string_equal(err.field, "parties[0]");
	free(big);
	/* The whole document: at most HN_DIR_MAX bytes. */
	big = malloc(HN_DIR_MAX + 2);
	memset(big, ' ', HN_DIR_MAX + 1);
	big[0] = '{';
	big[HN_DIR_MAX] = '}';
	big[HN_DIR_MAX + 1] = '\0';
	assert_int_equal(hn_directory_parse_payload(&d, big, HN_DIR_MAX + 1,
			     &err),
	    HN_ETOOBIG);
	hn_buf_reset(&b);
	assert_int_equal(hn_directory_sign(&b, big, HN_DIR_MAX + 1,
			     "registry.test", reg.sk, NOW, &err),
	    HN_ETOOBIG);
	assert_null(d);
	free(big);
	hn_buf_release(&b);
}

/* One broken field in VNM's entry (or the document) and its name. */
static void
test_invalid(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_error err;
	json_t *doc, *ep;

	(void)state;
#define REFUSED(want) \
	do { \
		assert_int_equal(sign_doc(&b, doc, 2, &err), HN_EINVAL); \
		assert_string_equal(err.field, want); \
	} while (0)
	doc = desc2();
	json_object_set_new(party(doc, 0), "witnesses",
	    json_pack("[s]", "ITA"));
	REFUSED("witnesses");
	assert_non_null(strstr(err.message, "ITA"));
	doc = desc2();
	json_object_set_new(party(doc, 0), "witnesses",
	    json_pack("[s]", "VNM"));
	REFUSED("parties[0].witnesses[0]");
	doc = desc2();
	json_object_set_new(party(doc, 0), "witnesses",
	    json_pack("[s, s]", "FRA", "FRA"));
	REFUSED("parties[0].witnesses[1]");
	doc = desc2();
	json_object_set_new(party(doc, 0), "witnesses",
	    json_pack("[s]", "fra"));
	REFUSED("parties[0].witnesses[0]");
	/* A signing key (type 0x01) as cosigning key; the signing key itself
	 * as a cosigning key; another party's signing key. */
	doc = desc2();
	json_object_set_new(party(doc, 0), "cosigning_key",
	    json_string(fra.vkey));
	REFUSED("parties[0].cosigning_key");
	doc = desc2();
	json_object_set_new(party(doc, 0), "cosigning_key",
	    json_string(vnm_sign_as_cosig));
	REFUSED("parties[0].cosigning_key");
	doc = desc2();
	json_object_set_new(party(doc, 1), "signing_key",
	    json_string(vnm.vkey));
	REFUSED("parties");
	/* Pins: shared by two parties, twice in one endpoint, not hex. */
	doc = desc2();
	ep = json_array_get(json_object_get(party(doc, 1), "endpoints"), 0);
	json_array_append_new(json_object_get(ep, "tls_sha256"),
	    json_string(hex(12)));
	REFUSED("parties");
	assert_non_null(strstr(err.message, "TLS certificate"));
	doc = desc2();
	ep = json_array_get(json_object_get(party(doc, 1), "endpoints"), 0);
	json_array_append_new(json_object_get(ep, "tls_sha256"),
	    json_string(hex(2)));
	REFUSED("parties[1].endpoints[0].tls_sha256[1]");
	doc = desc2();
	ep = json_array_get(json_object_get(party(doc, 1), "endpoints"), 0);
	json_array_set_new(json_object_get(ep, "tls_sha256"), 0,
	    json_string("zz"));
	REFUSED("parties[1].endpoints[0].tls_sha256[0]");
	/* Endpoints: none, the same URL twice, an unknown member, http. */
	doc = desc2();
	json_object_set_new(party(doc, 1), "endpoints", json_array());
	REFUSED("parties[1].endpoints");
	doc = desc2();
	ep = json_object_get(party(doc, 0), "endpoints");
	json_object_set_new(json_array_get(ep, 1), "url",
	    json_string("https://vnm-a.example:8443"));
	REFUSED("parties[0].endpoints[1].url");
	doc = desc2();
	ep = json_array_get(json_object_get(party(doc, 1), "endpoints"), 0);
	json_object_set_new(ep, "weight", json_integer(1));
	REFUSED("parties[1].endpoints[0].weight");
	doc = desc2();
	ep = json_array_get(json_object_get(party(doc, 1), "endpoints"), 0);
	json_object_set_new(ep, "url", json_string("http://fra.example"));
	REFUSED("parties[1].endpoints[0].url");
	/* Declarations must be an object; unknown entry fields refused. */
	doc = desc2();
	json_object_set_new(party(doc, 1), "declarations", json_array());
	REFUSED("parties[1].declarations");
	doc = desc2();
	json_object_set_new(party(doc, 1), "colour", json_string("red"));
	REFUSED("parties[1].colour");
	/* Both shapes in one description entry. */
	doc = desc2();
	json_object_set_new(party(doc, 1), "tls_sha256", json_string(hex(2)));
	REFUSED("parties[1].node_url");
#undef REFUSED
	hn_buf_release(&b);
}

static void
test_signature(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX), f = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_directory *d = NULL;
	struct hn_error err;
	const char *payload;
	char *t;

	(void)state;
	assert_int_equal(sign_doc(&b, desc2(), 2, &err), 0);
	payload = strchr(b.data, '\n') + 1;
	/* Missing: the payload alone (no signed header), an empty header. */
	assert_int_equal(hn_directory_open(&d, payload, strlen(payload),
			     reg.vkey, NOW, &err),
	    HN_EPARSE);
	assert_int_equal(hn_directory_open(&d, "\n{}", 3, reg.vkey, NOW, &err),
	    HN_EPARSE);
	/* Forged: the same payload signed by another key under the pinned
	 * key's name. */
	assert_int_equal(hn_signed_make(&f, HN_SIGNED_DIRECTORY,
			     "registry.test", payload, strlen(payload),
			     other.sk),
	    0);
	assert_int_equal(hn_directory_open(&d, f.data, f.len, reg.vkey, NOW,
			     &err),
	    HN_EVERIFY);
	/* Tampered: a second pin changed, a witness removed, a declaration
	 * changed. */
	t = strdup(b.data);
	*strstr(t, hex(12)) = '1';
	assert_int_equal(hn_directory_open(&d, t, b.len, reg.vkey, NOW, &err),
	    HN_EVERIFY);
	free(t);
	t = strdup(b.data);
	memcpy(strstr(t, "\"kept\""), "\"kEpt\"", 6);
	assert_int_equal(hn_directory_open(&d, t, b.len, reg.vkey, NOW, &err),
	    HN_EVERIFY);
	free(t);
	/* Truncated. */
	assert_int_equal(hn_directory_open(&d, b.data, b.len - 1, reg.vkey, NOW,
			     &err),
	    HN_EVERIFY);
	assert_null(d);
	/* Pinned to another registry key. */
	assert_int_equal(hn_directory_open(&d, b.data, b.len, other.vkey, NOW,
			     &err),
	    HN_EVERIFY);
	assert_null(d);
	hn_buf_release(&b);
	hn_buf_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_round_trip),
		cmocka_unit_test(test_v1_read),
		cmocka_unit_test(test_v1_write),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_signature),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
