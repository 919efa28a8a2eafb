/* Unit tests for src/fed: signed objects, keys, the directory, envelopes,
 * receipts. Forged, tampered, truncated, oversized, expired and replayed
 * inputs next to every happy path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "core/date.h"
#include "fed/directory.h"
#include "fed/envelope.h"
#include "fed/signed.h"
#include "util/encode.h"
#include "util/json.h"

#define NOW 1795000000 /* 2026-11-18 */

/* The published C2SP test key (../shared/testdata/README.md). */
static const char astra_sk[] =
    "PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy";
static const char astra_vk[] =
    "astra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b";

struct keys {
	uint8_t sk[HN_ED25519_SK_LEN], pk[HN_ED25519_PK_LEN];
	char vkey[HN_VKEY_MAX + 1];
};

static struct keys reg, vnm, fra, evil;

static void
mkkey(struct keys *k, const char *name)
{
	hn_ed25519_keypair(k->pk, k->sk);
	assert_int_equal(hn_vkey_format(k->vkey, sizeof(k->vkey), name, k->pk),
	    0);
}

static int
setup(void **state)
{
	assert_int_equal(hn_crypto_init(), 0);
	mkkey(&reg, "registry.test");
	mkkey(&vnm, "node/VNM");
	mkkey(&fra, "node/FRA");
	mkkey(&evil, "node/VNM");
	return 0;
}

static void
test_keys_vectors(void **state)
{
	uint8_t sk[64], pk[32], pk2[32];
	char name[HN_SIGNER_MAX + 1], vk[HN_VKEY_MAX + 1];
	struct hn_error err;

	assert_int_equal(hn_skey_parse(astra_sk, strlen(astra_sk), name, sk, pk,
			     &err),
	    0);
	assert_string_equal(name, "astra");
	assert_int_equal(hn_vkey_format(vk, sizeof(vk), "astra", pk), 0);
	assert_string_equal(vk, astra_vk);
	assert_int_equal(hn_vkey_parse(astra_vk, name, pk2, &err), 0);
	assert_memory_equal(pk, pk2, 32);
	/* The C2SP signed-note example key. */
	assert_int_equal(hn_vkey_parse("example.com/foo+530d903a+Aeky"
				       "eRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
			     name, pk2, &err),
	    0);
	assert_string_equal(name, "example.com/foo");
	/* Wrong key ID, wrong type byte, truncated, no parts. */
	assert_int_equal(hn_vkey_parse("astra+cad5a3d3+AZJqeuyE/GnknsCNh1e"
				       "CtDtwdAwKBddOlS8M2eI1Jt4b",
			     name, pk2, &err) < 0,
	    1);
	assert_int_equal(hn_vkey_parse("astra+cad5a3d2+ApJqeuyE/GnknsCNh1e"
				       "CtDtwdAwKBddOlS8M2eI1Jt4b",
			     name, pk2, &err),
	    HN_EPARSE);
	assert_int_equal(hn_vkey_parse("astra+cad5a3d2+AZJqeuyE", name, pk2,
			     &err),
	    HN_EPARSE);
	assert_int_equal(hn_vkey_parse("astra", name, pk2, &err), HN_EPARSE);
	assert_int_equal(hn_vkey_parse("+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAw"
				       "KBddOlS8M2eI1Jt4b",
			     name, pk2, &err),
	    HN_EPARSE);
	assert_int_equal(hn_skey_parse("PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0"
				       "uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoz",
			     71, name, sk, pk, &err) < 0,
	    1);
	assert_int_equal(hn_skey_parse(astra_vk, strlen(astra_vk), name, sk, pk,
			     &err),
	    HN_EPARSE);
}

static void
test_signed(void **state)
{
	struct hn_buf b = HN_BUF_INIT(4096);
	struct hn_signed so;
	struct hn_error err;
	char *t;

	assert_int_equal(hn_signed_make(&b, HN_SIGNED_RECEIPT, "VNM", "{}", 2,
			     vnm.sk),
	    0);
	assert_int_equal(hn_signed_open(&so, HN_SIGNED_RECEIPT, b.data, b.len,
			     4096, vnm.pk, &err),
	    0);
	assert_int_equal(so.payload_len, 2);
	assert_memory_equal(so.payload, "{}", 2);
	/* Wrong type expected, wrong key, tampered payload, truncated,
	 * oversized, no header. */
	assert_int_equal(hn_signed_open(&so, HN_SIGNED_ENVELOPE, b.data, b.len,
			     4096, vnm.pk, &err),
	    HN_EPARSE);
	assert_int_equal(hn_signed_open(&so, HN_SIGNED_RECEIPT, b.data, b.len,
			     4096, fra.pk, &err),
	    HN_EVERIFY);
	t = strdup(b.data);
	t[b.len - 1] = ']';
	assert_int_equal(hn_signed_open(&so, HN_SIGNED_RECEIPT, t, b.len, 4096,
			     vnm.pk, &err),
	    HN_EVERIFY);
	assert_int_equal(hn_signed_open(&so, HN_SIGNED_RECEIPT, t, b.len - 1,
			     4096, vnm.pk, &err),
	    HN_EVERIFY);
	assert_int_equal(hn_signed_open(&so, HN_SIGNED_RECEIPT, t, 30, 4096,
			     vnm.pk, &err),
	    HN_EPARSE);
	assert_int_equal(hn_signed_open(&so, HN_SIGNED_RECEIPT, t, b.len, 10,
			     vnm.pk, &err),
	    HN_ETOOBIG);
	/* The signer is bound: renaming it breaks the signature. */
	memcpy(t, b.data, b.len);
	t[strlen(HN_SIGNED_RECEIPT) + 1] = 'W';
	assert_int_equal(hn_signed_open(&so, HN_SIGNED_RECEIPT, t, b.len, 4096,
			     vnm.pk, &err),
	    HN_EVERIFY);
	assert_int_equal(hn_signed_parse(&so, "x y z\n{}", 8, 100, &err),
	    HN_EPARSE);
	free(t);
	hn_buf_release(&b);
}

static void
test_time(void **state)
{
	char s[HN_TIME_STRLEN];
	int64_t t;

	assert_int_equal(hn_datetime_parse("2026-11-23T16:40:05Z", &t), 0);
	hn_datetime_format(t, s);
	assert_string_equal(s, "2026-11-23T16:40:05Z");
	assert_int_equal(hn_datetime_parse("2028-02-29T00:00:00Z", &t), 0);
	assert_int_equal(hn_datetime_parse("2026-02-29T00:00:00Z", &t),
	    HN_EPARSE);
	assert_int_equal(hn_datetime_parse("2026-11-23T16:40:05+00:00", &t),
	    HN_EPARSE);
	assert_int_equal(hn_datetime_parse("2026-11-23 16:40:05Z", &t),
	    HN_EPARSE);
	assert_int_equal(hn_datetime_parse("2026-13-23T16:40:05Z", &t),
	    HN_EPARSE);
	assert_int_equal(hn_datetime_parse(NULL, &t), HN_EPARSE);
}

/* A description with VNM and FRA (and optionally extra text). */
static char *
desc(int serial, const char *extra)
{
	static char d[8192];
	int n;

	n = snprintf(d, sizeof(d),
	    "{\"serial\":%d,\"issued_at\":\"2026-11-01T00:00:00Z\","
	    "\"expires_at\":\"2026-12-01T00:00:00Z\",\"parties\":["
	    "{\"code\":\"VNM\",\"node_url\":\"https://127.0.0.1:9001\","
	    "\"tls_sha256\":\"%064d\",\"signing_key\":\"%s\","
	    "\"contact_24_7\":{\"phone\":\"+84\"},\"central_authority\":{},"
	    "\"languages\":[\"vi\",\"en\"]%s},"
	    "{\"code\":\"FRA\",\"node_url\":\"https://127.0.0.1:9002\","
	    "\"tls_sha256\":\"%064d\",\"signing_key\":\"%s\","
	    "\"contact_24_7\":{},\"central_authority\":{},"
	    "\"languages\":[\"fr\"],\"register\":{\"unccc\":\"party\"}}]}",
	    serial, 1, vnm.vkey, extra ? extra : "", 2, fra.vkey);
	assert_true(n > 0 && (size_t)n < sizeof(d));
	return d;
}

static void
sign_dir(struct hn_buf *b, int serial, const char *extra)
{
	struct hn_error err;
	char *d = desc(serial, extra);

	hn_buf_reset(b);
	assert_int_equal(hn_directory_sign(b, d, strlen(d), "registry.test",
			     reg.sk, NOW, &err),
	    0);
}

static void
test_directory(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_directory *d = NULL;
	const struct hn_dir_party *p;
	uint8_t fp[32] = { 0 };
	struct hn_error err;
	char *t;

	sign_dir(&b, 3, NULL);
	assert_int_equal(hn_directory_open(&d, b.data, b.len, reg.vkey, NOW,
			     &err),
	    0);
	assert_int_equal(d->serial, 3);
	assert_int_equal(d->nparties, 2);
	p = hn_directory_find(d, "VNM");
	assert_non_null(p);
	assert_string_equal(p->endpoints[0].url, "https://127.0.0.1:9001");
	assert_int_equal(d->version, 2);
	assert_memory_equal(p->pk, vnm.pk, 32);
	assert_null(hn_directory_find(d, "DEU"));
	assert_null(hn_directory_find(d, "vnm"));
	fp[31] = 0x02;
	p = hn_directory_find_tls(d, fp);
	assert_non_null(p);
	assert_string_equal(p->code, "FRA");
	hn_directory_free(d);
	d = NULL;

	/* Expired at now; signed by another key; tampered; truncated. */
	assert_int_equal(hn_directory_open(&d, b.data, b.len, reg.vkey,
			     NOW + 40 * 86400, &err),
	    HN_ESTATE);
	assert_string_equal(err.field, "expires_at");
	assert_int_equal(hn_directory_open(&d, b.data, b.len, vnm.vkey, NOW,
			     &err),
	    HN_EVERIFY);
	t = malloc(b.len);
	memcpy(t, b.data, b.len);
	*strstr(t, "9002") = '8';
	assert_int_equal(hn_directory_open(&d, t, b.len, reg.vkey, NOW, &err),
	    HN_EVERIFY);
	assert_int_equal(hn_directory_open(&d, b.data, b.len - 1, reg.vkey, NOW,
			     &err),
	    HN_EVERIFY);
	free(t);
	assert_null(d);
	hn_directory_free(NULL);
	hn_buf_release(&b);
}

static void
test_directory_invalid(void **state)
{
	static const char *bad[] = { "{}", "[]",
		"{\"serial\":0,\"valid_days\":3,\"parties\":[]}",
		"{\"serial\":1,\"valid_days\":0,\"parties\":[]}",
		"{\"serial\":1,\"valid_days\":3,\"parties\":{}}",
		"{\"serial\":1,\"valid_days\":3,\"parties\":[],\"x\":1}",
		"{\"serial\":1,\"issued_at\":\"2026-11-01T00:00:00Z\","
		"\"expires_at\":\"2026-10-01T00:00:00Z\",\"parties\":[]}",
		"{\"serial\":1,\"valid_days\":3,\"parties\":[{\"code\":\"VN\"}]}",
		NULL };
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_error err;
	char d[16384], *p;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		hn_buf_reset(&b);
		assert_true(hn_directory_sign(&b, bad[i], strlen(bad[i]),
				"registry.test", reg.sk, NOW, &err) < 0);
	}
	/* Unknown field in an entry; duplicate party; missing contact. */
	p = desc(1, ",\"colour\":\"red\"");
	assert_int_equal(hn_directory_sign(&b, p, strlen(p), "registry.test",
			     reg.sk, NOW, &err),
	    HN_EINVAL);
	assert_string_equal(err.field, "parties[0].colour");
	snprintf(d, sizeof(d), "%s", desc(1, NULL));
	p = strstr(d, "\"FRA\"");
	memcpy(p, "\"VNM\"", 5);
	assert_int_equal(hn_directory_sign(&b, d, strlen(d), "registry.test",
			     reg.sk, NOW, &err),
	    HN_EINVAL);
	snprintf(d, sizeof(d), "%s", desc(1, NULL));
	p = strstr(d, "contact_24_7");
	memcpy(p, "contact_24_x", 12);
	assert_int_equal(hn_directory_sign(&b, d, strlen(d), "registry.test",
			     reg.sk, NOW, &err),
	    HN_EINVAL);
	/* http:// URL refused. */
	snprintf(d, sizeof(d), "%s", desc(1, NULL));
	p = strstr(d, "https://");
	memcpy(p, "http:///", 8);
	assert_int_equal(hn_directory_sign(&b, d, strlen(d), "registry.test",
			     reg.sk, NOW, &err),
	    HN_EINVAL);
	assert_string_equal(err.field, "parties[0].endpoints[0].url");
	hn_buf_release(&b);
}

static void
test_directory_update(void **state)
{
	struct hn_buf b3 = HN_BUF_INIT(HN_DIR_MAX),
		      b4 = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_buf b3x = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_directory *d = NULL;
	char path[] = "/tmp/hn-test-dir-XXXXXX";
	struct hn_error err;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	sign_dir(&b3, 3, NULL);
	sign_dir(&b4, 4, NULL);
	sign_dir(&b3x, 3, ",\"name\":\"Viet Nam\"");
	assert_int_equal(hn_directory_load(path, reg.vkey, NOW, &d, &err),
	    HN_ENOTFOUND);
	assert_int_equal(hn_directory_update(path, b3.data, b3.len, reg.vkey,
			     NOW, &d, &err),
	    0);
	assert_int_equal(d->serial, 3);
	hn_directory_free(d);
	/* Same again: fine. Newer: taken. Older: refused, newer kept. */
	assert_int_equal(hn_directory_update(path, b3.data, b3.len, reg.vkey,
			     NOW, NULL, &err),
	    0);
	assert_int_equal(hn_directory_update(path, b4.data, b4.len, reg.vkey,
			     NOW, NULL, &err),
	    0);
	assert_int_equal(hn_directory_update(path, b3.data, b3.len, reg.vkey,
			     NOW, NULL, &err),
	    HN_ESTATE);
	assert_string_equal(err.field, "serial");
	/* A forged or expired one is refused; the held copy stays. */
	assert_int_equal(hn_directory_update(path, b4.data, b4.len - 2,
			     reg.vkey, NOW, NULL, &err),
	    HN_EVERIFY);
	assert_int_equal(hn_directory_update(path, b4.data, b4.len, reg.vkey,
			     NOW + 90 * 86400, NULL, &err),
	    HN_ESTATE);
	assert_int_equal(hn_directory_load(path, reg.vkey, NOW, &d, &err), 0);
	assert_int_equal(d->serial, 4);
	hn_directory_free(d);
	unlink(path);
	/* Same serial, different contents: refused. */
	assert_int_equal(hn_directory_update(path, b3.data, b3.len, reg.vkey,
			     NOW, NULL, &err),
	    0);
	assert_int_equal(hn_directory_update(path, b3x.data, b3x.len, reg.vkey,
			     NOW, NULL, &err),
	    HN_ESTATE);
	unlink(path);
	hn_buf_release(&b3);
	hn_buf_release(&b4);
	hn_buf_release(&b3x);
}

static struct hn_directory *
dir(void)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_directory *d = NULL;
	struct hn_error err;

	sign_dir(&b, 1, NULL);
	assert_int_equal(hn_directory_open(&d, b.data, b.len, reg.vkey, NOW,
			     &err),
	    0);
	hn_buf_release(&b);
	return d;
}

static void
test_envelope(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_ENV_MAX);
	struct hn_directory *d = dir();
	struct hn_envelope *e = NULL;
	struct hn_error err;
	char id[HN_MSGID_LEN + 1], id2[HN_MSGID_LEN + 1];
	json_t *body = json_pack("{s:s}", "offence", "fraud");
	char *t;

	hn_msgid_new(id);
	hn_msgid_new(id2);
	assert_true(hn_msgid_valid(id));
	assert_string_not_equal(id, id2);
	assert_int_equal(hn_envelope_seal(&b, id, "VNM", "FRA", "preservation",
			     NOW, NULL, body, vnm.sk, &err),
	    0);
	assert_int_equal(hn_envelope_open(&e, b.data, b.len, d, &err), 0);
	assert_string_equal(e->id, id);
	assert_string_equal(e->sender, "VNM");
	assert_string_equal(e->recipient, "FRA");
	assert_string_equal(e->kind, "preservation");
	assert_int_equal(e->time, NOW);
	assert_string_equal(e->in_reply_to, "");
	assert_string_equal(hn_json_str(e->body, "offence"), "fraud");
	assert_int_equal(e->raw_len, b.len);
	hn_envelope_free(e);
	e = NULL;

	/* Tampered body, forged signature (right name, wrong key), unknown
	 * sender, sender mismatch, truncation. */
	t = malloc(b.len + 1);
	memcpy(t, b.data, b.len + 1);
	memcpy(strstr(t, "fraud"), "theft", 5);
	assert_int_equal(hn_envelope_open(&e, t, b.len, d, &err), HN_EVERIFY);
	free(t);
	hn_buf_reset(&b);
	assert_int_equal(hn_envelope_seal(&b, id, "VNM", "FRA", "preservation",
			     NOW, NULL, body, evil.sk, &err),
	    0);
	assert_int_equal(hn_envelope_open(&e, b.data, b.len, d, &err),
	    HN_EVERIFY);
	hn_buf_reset(&b);
	assert_int_equal(hn_envelope_seal(&b, id, "DEU", "FRA", "preservation",
			     NOW, NULL, body, evil.sk, &err),
	    0);
	assert_int_equal(hn_envelope_open(&e, b.data, b.len, d, &err),
	    HN_ENOTFOUND);
	assert_int_equal(hn_envelope_open_pk(&e, b.data, b.len, evil.pk, &err),
	    0);
	hn_envelope_free(e);
	e = NULL;
	assert_int_equal(hn_envelope_open(&e, b.data, 40, d, &err), HN_EPARSE);
	assert_null(e);

	/* A reply must name what it answers; unknown kinds refused. */
	hn_buf_reset(&b);
	assert_int_equal(hn_envelope_seal(&b, id2, "FRA", "VNM",
			     "acknowledgement", NOW, NULL, body, fra.sk, &err),
	    HN_EINVAL);
	assert_int_equal(hn_envelope_seal(&b, id2, "FRA", "VNM",
			     "acknowledgement", NOW, id, body, fra.sk, &err),
	    0);
	assert_int_equal(hn_envelope_open(&e, b.data, b.len, d, &err), 0);
	assert_string_equal(e->in_reply_to, id);
	hn_envelope_free(e);
	assert_int_equal(hn_envelope_seal(&b, id2, "FRA", "VNM", "gossip", NOW,
			     NULL, body, fra.sk, &err),
	    HN_EINVAL);
	assert_int_equal(hn_envelope_seal(&b, "ABC", "FRA", "VNM", "mla", NOW,
			     NULL, body, fra.sk, &err),
	    HN_EINVAL);
	assert_non_null(hn_msg_kind_find("preservation_extension"));
	assert_non_null(hn_msg_kind_find("receipt"));
	json_decref(body);
	hn_directory_free(d);
	hn_buf_release(&b);
}

/* Hand-signed payloads that the sealer would never produce. */
static void
test_envelope_payloads(void **state)
{
	static const char *bad[] = { "[]",
		"{\"v\":2,\"id\":\"00000000000000000000000000000000\"}",
		"{\"v\":1,\"id\":\"0000\",\"sender\":\"VNM\",\"recipient\":\"FRA\","
		"\"kind\":\"mla\",\"time\":\"2026-11-18T00:00:00Z\",\"body\":{}}",
		"{\"v\":1,\"id\":\"00000000000000000000000000000000\",\"sender\":"
		"\"FRA\",\"recipient\":\"FRA\",\"kind\":\"mla\",\"time\":"
		"\"2026-11-18T00:00:00Z\",\"body\":{}}",
		"{\"v\":1,\"id\":\"00000000000000000000000000000000\",\"sender\":"
		"\"VNM\",\"recipient\":\"FRA\",\"kind\":\"mla\",\"time\":"
		"\"2026-11-18T00:00:00Z\",\"body\":[]}",
		"{\"v\":1,\"id\":\"00000000000000000000000000000000\",\"sender\":"
		"\"VNM\",\"recipient\":\"FRA\",\"kind\":\"mla\",\"time\":"
		"\"2026-11-18T00:00:00Z\",\"body\":{},\"extra\":1}",
		"{\"v\":1,\"id\":\"00000000000000000000000000000000\",\"sender\":"
		"\"VNM\",\"recipient\":\"FRA\",\"kind\":\"refusal\",\"time\":"
		"\"2026-11-18T00:00:00Z\",\"body\":{}}",
		"{\"v\":1,\"id\":\"00000000000000000000000000000000\",\"sender\":"
		"\"VNM\",\"recipient\":\"FRA\",\"kind\":\"mla\",\"time\":"
		"\"2026-11-18T00:00:00Z\",\"body\":{},\"body\":{}}",
		NULL };
	struct hn_buf b = HN_BUF_INIT(HN_ENV_MAX);
	struct hn_envelope *e = NULL;
	struct hn_error err;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		hn_buf_reset(&b);
		assert_int_equal(hn_signed_make(&b, HN_SIGNED_ENVELOPE, "VNM",
				     bad[i], strlen(bad[i]), vnm.sk),
		    0);
		assert_true(
		    hn_envelope_open_pk(&e, b.data, b.len, vnm.pk, &err) < 0);
		assert_null(e);
	}
	hn_buf_release(&b);
}

static void
test_receipt(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_RECEIPT_MAX);
	struct hn_directory *d = dir();
	struct hn_receipt *r = NULL;
	struct hn_error err;
	char id[HN_MSGID_LEN + 1];

	hn_msgid_new(id);
	assert_int_equal(hn_receipt_seal(&b, id, "VNM", "FRA", NOW, 41,
			     "example/FRA\n42\nAAAA\n\n— example/FRA xyz\n",
			     fra.sk, &err),
	    0);
	assert_int_equal(hn_receipt_open(&r, b.data, b.len, d, NULL, &err), 0);
	assert_string_equal(r->message_id, id);
	assert_int_equal(r->ledger_index, 41);
	assert_string_equal(r->recipient, "FRA");
	assert_non_null(strstr(r->checkpoint, "example/FRA"));
	hn_receipt_free(r);
	r = NULL;
	/* Signed by VNM's key but claiming FRA: refused. */
	assert_int_equal(hn_receipt_open(&r, b.data, b.len, NULL, vnm.pk, &err),
	    HN_EVERIFY);
	b.data[b.len - 3] ^= 1;
	assert_int_equal(hn_receipt_open(&r, b.data, b.len, d, NULL, &err),
	    HN_EVERIFY);
	assert_null(r);
	hn_receipt_free(NULL);
	hn_directory_free(d);
	hn_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_vectors),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_directory_invalid),
		cmocka_unit_test(test_directory_update),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_envelope_payloads),
		cmocka_unit_test(test_receipt),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
