/* Unit tests for the federation runtime's inbox and outbox queue
 * (src/fed/fed.c) over a plain database: every rejection of
 * docs/protocol.md section 5 with nothing stored, deduplication with the
 * original receipt, and the one-transaction queueing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "fed/directory.h"
#include "fed/envelope.h"
#include "fed/fed.h"
#include "fed/signed.h"
#include "store/db.h"
#include "store/fed.h"
#include "store/ledger.h"
#include "ledger/checkpoint.h"
#include "util/encode.h"
#include "util/json.h"

struct keys {
	uint8_t sk[HN_ED25519_SK_LEN], pk[HN_ED25519_PK_LEN];
	char vkey[HN_VKEY_MAX + 1];
};

static struct keys reg, vnm, fra, evil;
static uint8_t fp_vnm[32], fp_fra[32], fp_evil[32];

/* A test environment: one connection, writes serialised by a mutex. */
struct tenv {
	struct hn_db *db;
	pthread_mutex_t mu;
	uint64_t ledger; /* entries appended (committed or not) */
	int deny; /* gate refuses */
	int cp_fail; /* checkpoint_pending fails */
	int cp_pending; /* checkpoint_pending calls */
	char tmp[64];
	char dirpath[96];
	char dbpath[96];
};

static int
t_write(void *ctx, hn_fed_job job, void *arg, struct hn_error *err)
{
	struct tenv *t = ctx;
	uint64_t saved;
	int r;

	pthread_mutex_lock(&t->mu);
	saved = t->ledger;
	if ((r = hn_db_begin(t->db)) == 0) {
		if ((r = job(t->db, arg, err)) == 0)
			r = hn_db_commit(t->db);
		else {
			hn_db_rollback(t->db);
			t->ledger = saved;
		}
	}
	pthread_mutex_unlock(&t->mu);
	return r;
}

static int
t_reader(void *ctx, struct hn_db **db)
{
	struct tenv *t = ctx;

	pthread_mutex_lock(&t->mu);
	*db = t->db;
	return 0;
}

static void
t_release(void *ctx, struct hn_db *db)
{
	struct tenv *t = ctx;

	pthread_mutex_unlock(&t->mu);
}

static int
t_append(void *ctx, struct hn_db *db, const void *e, size_t len,
    uint64_t *index)
{
	struct tenv *t = ctx;

	*index = t->ledger++;
	return 0;
}

static int
t_checkpoint(void *ctx, uint64_t min_size, struct hn_buf *out)
{
	struct tenv *t = ctx;

	return hn_buf_addf(out, "test/FRA\n%llu\nAAAA\n\n— test/FRA x\n",
	    (unsigned long long)t->ledger);
}

/* The checkpoint inside the write transaction (the node's default). */
static int
t_checkpoint_pending(void *ctx, struct hn_db *db, struct hn_buf *out)
{
	struct tenv *t = ctx;

	(void)db;
	t->cp_pending++;
	if (t->cp_fail)
		return HN_EIO;
	return hn_buf_addf(out, "test/FRA\n%llu\nAAAA\n\n— test/FRA y\n",
	    (unsigned long long)t->ledger);
}

static int
t_gate(void *ctx, const char *us, const char *them, int64_t when,
    const json_t *req, char *reason, size_t len)
{
	struct tenv *t = ctx;
	const char *basis = hn_json_str(req, "legal_basis");

	if (basis == NULL)
		basis = "unccc";
	if (hn_json_str(req, "invalid") != NULL) {
		snprintf(reason, len, "offence: missing (art. 42 (b))");
		return HN_EINVAL;
	}

	snprintf(reason, len,
	    "the UN Convention (%s) is %sin force between "
	    "%s and %s",
	    basis, t->deny ? "not " : "", us, them);
	return t->deny ? HN_EDENIED : 0;
}

static void
mkkey(struct keys *k, const char *name)
{
	hn_ed25519_keypair(k->pk, k->sk);
	assert_int_equal(hn_vkey_format(k->vkey, sizeof(k->vkey), name, k->pk),
	    0);
}

static void
signed_dir(struct hn_buf *b, int64_t issued, int days)
{
	char d[4096], is[32], fa[65], fv[65];
	struct hn_error err;
	int64_t exp = issued + days * 86400LL;
	struct tm tm;
	time_t tt = (time_t)issued;
	char ex[32];

	gmtime_r(&tt, &tm);
	strftime(is, sizeof(is), "%Y-%m-%dT%H:%M:%SZ", &tm);
	tt = (time_t)exp;
	gmtime_r(&tt, &tm);
	strftime(ex, sizeof(ex), "%Y-%m-%dT%H:%M:%SZ", &tm);
	hn_hex_encode(fv, fp_vnm, 32);
	hn_hex_encode(fa, fp_fra, 32);
	snprintf(d, sizeof(d),
	    "{\"serial\":%lld,\"issued_at\":\"%s\",\"expires_at\":\"%s\","
	    "\"parties\":["
	    "{\"code\":\"VNM\",\"node_url\":\"https://127.0.0.1:9\","
	    "\"tls_sha256\":\"%s\",\"signing_key\":\"%s\",\"contact_24_7\":{},"
	    "\"central_authority\":{},\"languages\":[\"en\"]},"
	    "{\"code\":\"FRA\",\"node_url\":\"https://127.0.0.1:10\","
	    "\"tls_sha256\":\"%s\",\"signing_key\":\"%s\",\"contact_24_7\":{},"
	    "\"central_authority\":{},\"languages\":[\"fr\"]}]}",
	    (long long)issued, is, ex, fv, vnm.vkey, fa, fra.vkey);
	hn_buf_reset(b);
	assert_int_equal(hn_directory_sign(b, d, strlen(d), "registry.test",
			     reg.sk, issued, &err),
	    0);
}

static struct tenv T;
static struct hn_fed *F;

static int
setup(void **state)
{
	struct hn_fed_config cfg;
	struct hn_fed_env env = { &T, t_write, t_reader, t_release, t_append,
		t_checkpoint, t_gate, NULL, NULL, NULL, t_checkpoint_pending,
		NULL, NULL, NULL };
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_error err;
	int64_t now = (int64_t)time(NULL);

	assert_int_equal(hn_crypto_init(), 0);
	mkkey(&reg, "registry.test");
	mkkey(&vnm, "node/VNM");
	mkkey(&fra, "node/FRA");
	mkkey(&evil, "node/VNM");
	hn_random(fp_vnm, 32);
	hn_random(fp_fra, 32);
	hn_random(fp_evil, 32);
	memset(&T, 0, sizeof(T));
	pthread_mutex_init(&T.mu, NULL);
	snprintf(T.tmp, sizeof(T.tmp), "/tmp/hn-fedtest-XXXXXX");
	assert_non_null(mkdtemp(T.tmp));
	snprintf(T.dirpath, sizeof(T.dirpath), "%s/directory", T.tmp);
	snprintf(T.dbpath, sizeof(T.dbpath), "%s/db", T.tmp);
	assert_int_equal(hn_db_open(&T.db, T.dbpath, &err), 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.party = "FRA";
	cfg.sk = fra.sk;
	cfg.registry_key = reg.vkey;
	cfg.directory_path = T.dirpath;
	cfg.key_name = "node/FRA";
	assert_int_equal(hn_fed_open(&F, &cfg, &env, &err), 0);
	signed_dir(&b, now - 60, 30);
	assert_int_equal(hn_fed_directory_offer(F, b.data, b.len, now, &err),
	    0);
	hn_buf_release(&b);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[160];

	hn_fed_close(F);
	hn_db_close(T.db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", T.tmp);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int64_t
stored(void)
{
	int64_t n = -1;

	assert_int_equal(hn_fedstore_inbox_count(T.db, NULL, &n), 0);
	return n;
}

/* Seals an envelope VNM -> to with key sk at time t. */
static void
seal(struct hn_buf *b, const uint8_t *sk, const char *from, const char *to,
    const char *kind, const char *reply, int64_t t, char *id)
{
	json_t *body = json_pack("{s:s}", "offence", "fraud");
	struct hn_error err;

	hn_msgid_new(id);
	hn_buf_reset(b);
	assert_int_equal(hn_envelope_seal(b, id, from, to, kind, t, reply, body,
			     sk, &err),
	    0);
	json_decref(body);
}

static void
expect(const char *data, size_t len, const uint8_t *fp, int want_status,
    const char *want_code)
{
	struct hn_buf resp = HN_BUF_INIT(65536);
	const char *ct = NULL;
	int status = 0;
	int64_t before = stored();
	uint64_t ledger = T.ledger;

	assert_int_equal(hn_fed_inbox(F, data, len, fp, (int64_t)time(NULL),
			     &status, &ct, &resp),
	    0);
	if (status != want_status || strstr(resp.data, want_code) == NULL)
		fail_msg("status %d body %s, want %d %s", status, resp.data,
		    want_status, want_code);
	assert_int_equal(stored(), before);
	assert_int_equal(T.ledger, ledger);
	hn_buf_release(&resp);
}

static void
test_accept_and_dedup(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_ENV_MAX);
	struct hn_buf r1 = HN_BUF_INIT(65536), r2 = HN_BUF_INIT(65536);
	struct hn_receipt *rc = NULL;
	struct hn_error err;
	const char *ct;
	char id[33];
	int st;
	int64_t n0 = stored();

	seal(&b, vnm.sk, "VNM", "FRA", "preservation", NULL,
	    (int64_t)time(NULL), id);
	assert_int_equal(hn_fed_inbox(F, b.data, b.len, fp_vnm,
			     (int64_t)time(NULL), &st, &ct, &r1),
	    0);
	assert_int_equal(st, 200);
	assert_string_equal(ct, "application/vnd.hanoinet.receipt");
	assert_int_equal(hn_receipt_open(&rc, r1.data, r1.len, NULL, fra.pk,
			     &err),
	    0);
	assert_string_equal(rc->message_id, id);
	assert_string_equal(rc->sender, "VNM");
	assert_int_equal(stored(), n0 + 1);
	hn_receipt_free(rc);
	/* The same message again (even re-signed later with another time):
	 * not stored twice, the ORIGINAL receipt bytes come back. */
	assert_int_equal(hn_fed_inbox(F, b.data, b.len, fp_vnm,
			     (int64_t)time(NULL) + 5, &st, &ct, &r2),
	    0);
	assert_int_equal(st, 200);
	assert_int_equal(r1.len, r2.len);
	assert_memory_equal(r1.data, r2.data, r1.len);
	assert_int_equal(stored(), n0 + 1);
	/* The receipt was made once, in the storing transaction. */
	assert_int_equal(T.cp_pending, 1);
	/* A replay far outside the time window still gets the receipt. */
	hn_buf_reset(&r2);
	assert_int_equal(hn_fed_inbox(F, b.data, b.len, fp_vnm,
			     (int64_t)time(NULL) + 86400, &st, &ct, &r2),
	    0);
	assert_int_equal(st, 200);
	assert_memory_equal(r1.data, r2.data, r1.len);
	hn_buf_release(&b);
	hn_buf_release(&r1);
	hn_buf_release(&r2);
}

/*
 * The receipt is signed inside the transaction that stores the message:
 * if that fails, nothing is stored, no receipt goes out, and the retry is
 * processed afresh. A row stored without a receipt (by a node before this
 * change) is receipted when its duplicate arrives.
 */
static void
test_receipt_in_transaction(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_ENV_MAX);
	struct hn_buf r1 = HN_BUF_INIT(65536), r2 = HN_BUF_INIT(65536);
	struct hn_receipt *rc = NULL;
	struct hn_inbox_row row;
	struct hn_error err;
	const char *ct;
	char id[33];
	int st = 0;
	int64_t n0 = stored();
	uint64_t l0 = T.ledger;

	seal(&b, vnm.sk, "VNM", "FRA", "preservation", NULL,
	    (int64_t)time(NULL), id);
	T.cp_fail = 1;
	assert_true(hn_fed_inbox(F, b.data, b.len, fp_vnm, (int64_t)time(NULL),
			&st, &ct, &r1) < 0);
	assert_int_not_equal(st, 200);
	assert_int_equal(stored(), n0);
	assert_int_equal(T.ledger, l0);
	T.cp_fail = 0;
	hn_buf_reset(&r1);
	assert_int_equal(hn_fed_inbox(F, b.data, b.len, fp_vnm,
			     (int64_t)time(NULL), &st, &ct, &r1),
	    0);
	assert_int_equal(st, 200);
	assert_int_equal(stored(), n0 + 1);
	assert_int_equal(hn_fedstore_inbox_get(T.db, "VNM", id, &row), 0);
	assert_non_null(row.receipt);
	assert_int_equal(row.receipt_len, r1.len);
	assert_memory_equal(row.receipt, r1.data, r1.len);
	hn_inbox_row_release(&row);

	/* A row without a receipt: its duplicate gets one, made once. */
	hn_msgid_new(id);
	assert_int_equal(hn_fedstore_inbox_add(T.db, "VNM", id, "preservation",
			     "", "x", 1, (int64_t)time(NULL) * 1000, 7),
	    0);
	hn_buf_reset(&b);
	{
		json_t *body = json_pack("{s:s}", "offence", "fraud");

		assert_int_equal(hn_envelope_seal(&b, id, "VNM", "FRA",
				     "preservation", (int64_t)time(NULL), NULL,
				     body, vnm.sk, &err),
		    0);
		json_decref(body);
	}
	hn_buf_reset(&r1);
	assert_int_equal(hn_fed_inbox(F, b.data, b.len, fp_vnm,
			     (int64_t)time(NULL), &st, &ct, &r1),
	    0);
	assert_int_equal(st, 200);
	assert_int_equal(hn_receipt_open(&rc, r1.data, r1.len, NULL, fra.pk,
			     &err),
	    0);
	assert_string_equal(rc->message_id, id);
	assert_int_equal(rc->ledger_index, 7);
	hn_receipt_free(rc);
	assert_int_equal(hn_fed_inbox(F, b.data, b.len, fp_vnm,
			     (int64_t)time(NULL), &st, &ct, &r2),
	    0);
	assert_int_equal(st, 200);
	assert_int_equal(r1.len, r2.len);
	assert_memory_equal(r1.data, r2.data, r1.len);
	hn_buf_release(&b);
	hn_buf_release(&r1);
	hn_buf_release(&r2);
}

static void
test_rejections(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_ENV_MAX);
	int64_t now = (int64_t)time(NULL);
	char id[33], *t;

	/* unknown sender (signed with a key the directory does not know) */
	seal(&b, evil.sk, "DEU", "FRA", "preservation", NULL, now, id);
	expect(b.data, b.len, fp_evil, 403, "unknown_sender");
	/* forged signature: VNM's name, another key */
	seal(&b, evil.sk, "VNM", "FRA", "preservation", NULL, now, id);
	expect(b.data, b.len, fp_vnm, 403, "bad_signature");
	/* wrong TLS certificate, and none */
	seal(&b, vnm.sk, "VNM", "FRA", "preservation", NULL, now, id);
	expect(b.data, b.len, fp_evil, 403, "certificate_mismatch");
	expect(b.data, b.len, fp_fra, 403, "certificate_mismatch");
	expect(b.data, b.len, NULL, 403, "certificate_mismatch");
	/* tampered body */
	t = strdup(b.data);
	memcpy(strstr(t, "fraud"), "theft", 5);
	expect(t, b.len, fp_vnm, 403, "bad_signature");
	free(t);
	/* truncated, garbage, empty */
	expect(b.data, b.len - 5, fp_vnm, 403, "bad_signature");
	expect("hello", 5, fp_vnm, 400, "malformed");
	expect("", 0, fp_vnm, 400, "malformed");
	/* not for us */
	seal(&b, vnm.sk, "VNM", "DEU", "preservation", NULL, now, id);
	expect(b.data, b.len, fp_vnm, 400, "wrong_recipient");
	/* outside the time window, both ways */
	seal(&b, vnm.sk, "VNM", "FRA", "preservation", NULL, now - 7200, id);
	expect(b.data, b.len, fp_vnm, 400, "stale_time");
	seal(&b, vnm.sk, "VNM", "FRA", "preservation", NULL, now + 7200, id);
	expect(b.data, b.len, fp_vnm, 400, "stale_time");
	/* the Convention not in force: the refusal names the basis */
	T.deny = 1;
	seal(&b, vnm.sk, "VNM", "FRA", "mla", NULL, now, id);
	expect(b.data, b.len, fp_vnm, 403, "not in force between FRA and VNM");
	/* ... but a message about a request is not a request */
	seal(&b, vnm.sk, "VNM", "FRA", "acknowledgement", "req-9", now, id);
	{
		struct hn_buf resp = HN_BUF_INIT(65536);
		const char *ct;
		int st;

		assert_int_equal(hn_fed_inbox(F, b.data, b.len, fp_vnm, now,
				     &st, &ct, &resp),
		    0);
		assert_int_equal(st, 200);
		hn_buf_release(&resp);
	}
	T.deny = 0;
	/* an invalid request; from/to not matching the envelope */
	{
		json_t *body = json_pack("{s:s}", "invalid", "yes");
		struct hn_error err;

		hn_msgid_new(id);
		hn_buf_reset(&b);
		assert_int_equal(hn_envelope_seal(&b, id, "VNM", "FRA", "mla",
				     now, NULL, body, vnm.sk, &err),
		    0);
		expect(b.data, b.len, fp_vnm, 400, "invalid_request");
		json_decref(body);
		body = json_pack("{s:s, s:s}", "from", "DEU", "to", "FRA");
		hn_msgid_new(id);
		hn_buf_reset(&b);
		assert_int_equal(hn_envelope_seal(&b, id, "VNM", "FRA", "mla",
				     now, NULL, body, vnm.sk, &err),
		    0);
		expect(b.data, b.len, fp_vnm, 400, "malformed");
		json_decref(body);
	}
	hn_buf_release(&b);
}

static void
test_stale_directory(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_ENV_MAX);
	struct hn_buf resp = HN_BUF_INIT(4096);
	struct hn_error err;
	const char *ct;
	int64_t later = (int64_t)time(NULL) + 40 * 86400;
	char id[33];
	int st;

	seal(&b, vnm.sk, "VNM", "FRA", "preservation", NULL, later, id);
	assert_int_equal(hn_fed_inbox(F, b.data, b.len, fp_vnm, later, &st, &ct,
			     &resp),
	    0);
	assert_int_equal(st, 503);
	assert_non_null(strstr(resp.data, "stale_directory"));
	/* An older directory is refused; an expired one too. */
	signed_dir(&b, (int64_t)time(NULL) - 3600, 30);
	assert_int_equal(hn_fed_directory_offer(F, b.data, b.len,
			     (int64_t)time(NULL), &err),
	    HN_ESTATE);
	signed_dir(&b, (int64_t)time(NULL) + 10, 1);
	assert_int_equal(hn_fed_directory_offer(F, b.data, b.len,
			     (int64_t)time(NULL) + 3 * 86400, &err),
	    HN_ESTATE);
	hn_buf_release(&b);
	hn_buf_release(&resp);
}

static int
queue_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	char *id = arg;
	json_t *body = json_pack("{s:s}", "x", "y");
	int r;

	r = hn_fed_queue(F, db, "VNM", "acknowledgement", "req-1", "req-1",
	    body, 1000, id, NULL, err);
	json_decref(body);
	return r;
}

static int
queue_fail_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	int r = queue_job(db, arg, err);

	return r < 0 ? r : hn_error_set(err, HN_EINVAL, NULL, NULL, "later");
}

static void
test_queue(void **state)
{
	struct hn_outbox_row row;
	struct hn_error err;
	char id[33], id2[33];
	int64_t c[4];
	uint64_t l0 = T.ledger;
	json_t *body = json_object();

	assert_int_equal(t_write(&T, queue_job, id, &err), 0);
	assert_int_equal(T.ledger, l0 + 1);
	assert_int_equal(hn_fedstore_outbox_get(T.db, id, &row), 0);
	assert_string_equal(row.recipient, "VNM");
	assert_string_equal(row.kind, "acknowledgement");
	assert_int_equal(row.status, HN_OUT_QUEUED);
	hn_outbox_row_release(&row);
	/* A failing job leaves no outbox row and no ledger entry. */
	assert_int_equal(t_write(&T, queue_fail_job, id2, &err), HN_EINVAL);
	assert_int_equal(hn_fedstore_outbox_get(T.db, id2, &row), HN_ENOTFOUND);
	assert_int_equal(T.ledger, l0 + 1);
	assert_int_equal(hn_fedstore_outbox_counts(T.db, c), 0);
	assert_int_equal(c[HN_OUT_QUEUED], 1);
	/* Invalid: to ourselves, unknown kind, reply without reference. */
	assert_int_equal(hn_fed_queue(F, T.db, "FRA", "mla", NULL, NULL, body,
			     0, id2, NULL, &err),
	    HN_EINVAL);
	assert_int_equal(hn_fed_queue(F, T.db, "VNM", "gossip", NULL, NULL,
			     body, 0, id2, NULL, &err),
	    HN_EINVAL);
	assert_int_equal(hn_fed_queue(F, T.db, "VNM", "refusal", NULL, NULL,
			     body, 0, id2, NULL, &err),
	    HN_EINVAL);
	json_decref(body);
}

/* A VNM log with n entries ("e0", "e1", ...; prefix changes the entries
 * to make a fork); returns its signed checkpoint and, optionally, the
 * consistency proof from size m. */
static void
vnm_log(int n, const char *prefix, int m, struct hn_buf *cp,
    uint8_t (*proof)[32], size_t *np)
{
	struct hn_ledger *l = NULL;
	struct hn_db *db = NULL;
	struct hn_error err;
	char path[128], e[32];
	uint64_t idx;
	int i;

	snprintf(path, sizeof(path), "%s/vnm-%s-%d.db", T.tmp, prefix, n);
	assert_int_equal(hn_db_open(&db, path, &err), 0);
	assert_int_equal(hn_ledger_open(&l, db, "hanoinet/VNM", vnm.sk,
			     "node/VNM", &err),
	    0);
	for (i = 0; i < n; i++) {
		snprintf(e, sizeof(e), "%s%d", i < 2 ? "e" : prefix, i);
		assert_int_equal(hn_ledger_append(l, e, strlen(e), &idx), 0);
	}
	hn_buf_reset(cp);
	assert_int_equal(hn_ledger_checkpoint(l, cp), 0);
	if (proof != NULL)
		assert_int_equal(hn_ledger_consistency(l, (uint64_t)m,
				     (uint64_t)n, proof, np),
		    0);
	hn_ledger_free(l);
	hn_db_close(db);
}

static void
test_witness(void **state)
{
	struct hn_buf cp = HN_BUF_INIT(HN_NOTE_MAX),
		      out = HN_BUF_INIT(HN_NOTE_MAX);
	struct hn_buf resp = HN_BUF_INIT(4096), cos = HN_BUF_INIT(4096);
	uint8_t proof[HN_MERKLE_PROOF_MAX][32];
	struct hn_fed_stats s0, s1;
	struct hn_error err;
	int64_t now = (int64_t)time(NULL);
	size_t np = 0;

	hn_fed_stats(F, &s0);
	assert_int_equal(hn_fed_witness_held(F, "VNM"), 0);
	vnm_log(3, "a", 0, &cp, NULL, NULL);
	assert_int_equal(hn_fed_witness_check(F, "VNM", cp.data, cp.len, NULL,
			     0, now, &out, &err),
	    0);
	assert_int_equal(hn_fed_witness_held(F, "VNM"), 3);
	assert_non_null(strstr(out.data, "\xe2\x80\x94 node/FRA "));
	/* Grown consistently: cosigned with the proof. */
	vnm_log(5, "a", 3, &cp, proof, &np);
	hn_buf_reset(&out);
	assert_int_equal(hn_fed_witness_check(F, "VNM", cp.data, cp.len,
			     (const uint8_t(*)[32])proof, np, now, &out, &err),
	    0);
	assert_int_equal(hn_fed_witness_held(F, "VNM"), 5);
	/* A fork (same first 2 entries, other history): alert, state kept. */
	vnm_log(7, "b", 5, &cp, proof, &np);
	hn_buf_reset(&out);
	assert_true(hn_fed_witness_check(F, "VNM", cp.data, cp.len,
			(const uint8_t(*)[32])proof, np, now, &out, &err) < 0);
	assert_int_equal(hn_fed_witness_held(F, "VNM"), 5);
	/* Smaller tree than seen: alert. Forged (tampered) checkpoint: alert. */
	vnm_log(4, "a", 0, &cp, NULL, NULL);
	assert_true(hn_fed_witness_check(F, "VNM", cp.data, cp.len, NULL, 0,
			now, &out, &err) < 0);
	/* another valid base64 character in the signature: always a real change
	 */
	cp.data[cp.len - 5] = cp.data[cp.len - 5] == 'A' ? 'B' : 'A';
	assert_true(hn_fed_witness_check(F, "VNM", cp.data, cp.len, NULL, 0,
			now, &out, &err) < 0);
	hn_fed_stats(F, &s1);
	assert_int_equal(s1.witness_alerts - s0.witness_alerts, 3);
	assert_int_equal(s1.witness_cosigned - s0.witness_cosigned, 2);
	assert_int_equal(hn_fedstore_cosig_list(T.db, "VNM", 10, &cos), 0);
	assert_non_null(strstr(cos.data, "VNM 5 FRA "));
	hn_buf_release(&cp);
	hn_buf_release(&out);
	hn_buf_release(&resp);
	hn_buf_release(&cos);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_and_dedup),
		cmocka_unit_test(test_receipt_in_transaction),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_witness),
		cmocka_unit_test(test_stale_directory),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
