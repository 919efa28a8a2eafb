/* Unit tests for src/crypto/seal: round trips, tampering, re-wrapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/seal.h"
#include "crypto/sign.h"
#include "util/err.h"

#define CH 64

struct stream {
	uint8_t header[HN_SEAL_HEADER_LEN];
	uint8_t ct[16][CH + HN_SEAL_ABYTES];
	size_t ctlen[16];
	int n;
};

static void
node(struct hn_seal_keys *k)
{
	uint8_t pk[32], sk[64];

	hn_ed25519_keypair(pk, sk);
	assert_int_equal(hn_seal_keys_from_ed25519(k, sk), 0);
	assert_memory_equal(k->ed_pk, pk, 32);
	hn_wipe(sk, sizeof(sk));
}

/* Seals len bytes of pattern into s (chunks of CH). */
static void
seal(struct stream *s, const struct hn_seal_keys *k, size_t len)
{
	struct hn_seal_enc e;
	uint8_t pt[CH];
	size_t off = 0, n;
	int final;

	memset(s, 0, sizeof(*s));
	assert_int_equal(hn_seal_enc_init(&e, s->header, k->ed_pk, CH), 0);
	for (;;) {
		n = len - off >= CH ? CH : len - off;
		final = n < CH;
		for (size_t i = 0; i < n; i++)
			pt[i] = (uint8_t)(off + i);
		assert_true(s->n < 16);
		assert_int_equal(hn_seal_enc_chunk(&e, s->ct[s->n], pt, n,
				     final),
		    0);
		s->ctlen[s->n++] = n + HN_SEAL_ABYTES;
		off += n;
		if (final)
			break;
	}
	assert_int_equal(hn_seal_enc_chunk(&e, s->ct[0], pt, 1, 1), HN_ESTATE);
	hn_seal_enc_wipe(&e);
}

/* Opens s; returns 0 and the plaintext length if all is well. */
static int
open_stream(const struct stream *s, const struct hn_seal_keys *k, size_t *len)
{
	struct hn_seal_dec d;
	uint8_t pt[CH];
	size_t n;
	int final = 0, r, i;

	*len = 0;
	if ((r = hn_seal_dec_init(&d, s->header, k)) != 0)
		return r;
	for (i = 0; i < s->n; i++) {
		if ((r = hn_seal_dec_chunk(&d, pt, &n, s->ct[i], s->ctlen[i],
			 &final)) != 0)
			goto out;
		for (size_t j = 0; j < n; j++)
			if (pt[j] != (uint8_t)(*len + j))
				return HN_EINTERNAL;
		*len += n;
		if (final && i != s->n - 1) {
			r = HN_EVERIFY; /* data after the final chunk */
			goto out;
		}
	}
	r = final ? 0 : HN_EVERIFY; /* truncated */
out:
	hn_seal_dec_wipe(&d);
	return r;
}

static void
test_roundtrip_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, CH - 1, CH, CH + 1, 3 * CH,
		5 * CH + 7 };
	struct hn_seal_keys k;
	struct stream *s = malloc(sizeof(*s));
	size_t i, len;

	assert_non_null(s);
	node(&k);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		seal(s, &k, sizes[i]);
		assert_int_equal(s->n, (int)(sizes[i] / CH + 1));
		assert_int_equal(open_stream(s, &k, &len), 0);
		assert_int_equal(len, sizes[i]);
	}
	assert_int_equal(hn_seal_stream_size(0, CH),
	    HN_SEAL_HEADER_LEN + HN_SEAL_ABYTES);
	assert_int_equal(hn_seal_stream_size(CH, CH),
	    HN_SEAL_HEADER_LEN + CH + 2 * HN_SEAL_ABYTES);
	hn_seal_keys_wipe(&k);
	free(s);
}

static void
test_tamper(void **state)
{
	struct hn_seal_keys k, other;
	struct stream *s = malloc(sizeof(*s)), *t = malloc(sizeof(*t));
	size_t len;
	int i;

	assert_non_null(s);
	assert_non_null(t);
	node(&k);
	node(&other);
	seal(s, &k, 3 * CH + 5);

	/* a flipped bit anywhere in any chunk */
	for (i = 0; i < s->n; i++) {
		*t = *s;
		t->ct[i][3] ^= 0x01;
		assert_int_equal(open_stream(t, &k, &len), HN_EVERIFY);
	}
	/* a flipped bit in each header field */
	{
		static const int offs[] = { 0, 7, 8, 11, 12, 43, 44, 123 };
		for (i = 0; i < 8; i++) {
			*t = *s;
			t->header[offs[i]] ^= 0x04;
			assert_int_not_equal(open_stream(t, &k, &len), 0);
		}
	}
	/* truncation: drop the final chunk, or cut the final chunk short */
	*t = *s;
	t->n--;
	assert_int_equal(open_stream(t, &k, &len), HN_EVERIFY);
	*t = *s;
	t->ctlen[t->n - 1]--;
	assert_int_equal(open_stream(t, &k, &len), HN_EVERIFY);
	/* a full chunk cut short looks like a final chunk: must not pass */
	*t = *s;
	t->ctlen[0] = 10 + HN_SEAL_ABYTES;
	t->n = 1;
	assert_int_equal(open_stream(t, &k, &len), HN_EVERIFY);
	/* reordered chunks */
	*t = *s;
	memcpy(t->ct[0], s->ct[1], sizeof(t->ct[0]));
	memcpy(t->ct[1], s->ct[0], sizeof(t->ct[0]));
	assert_int_equal(open_stream(t, &k, &len), HN_EVERIFY);
	/* a duplicated chunk */
	*t = *s;
	memcpy(t->ct[2], s->ct[1], sizeof(t->ct[0]));
	assert_int_equal(open_stream(t, &k, &len), HN_EVERIFY);
	/* another stream's chunk spliced in (same key owner) */
	seal(t, &k, 3 * CH + 5);
	memcpy(t->ct[0], s->ct[0], sizeof(t->ct[0]));
	assert_int_equal(open_stream(t, &k, &len), HN_EVERIFY);
	/* a node that is not the recipient cannot open it */
	assert_int_equal(open_stream(s, &other, &len), HN_EVERIFY);
	/* not a sealed header */
	*t = *s;
	memcpy(t->header, "hnseal99", 8);
	assert_int_equal(open_stream(t, &k, &len), HN_EPARSE);

	hn_seal_keys_wipe(&k);
	hn_seal_keys_wipe(&other);
	free(s);
	free(t);
}

static void
test_rewrap(void **state)
{
	struct hn_seal_keys k, rcpt, third;
	struct stream *s = malloc(sizeof(*s)), *t = malloc(sizeof(*t));
	uint8_t pk[32];
	uint32_t chunk;
	size_t len;

	assert_non_null(s);
	assert_non_null(t);
	node(&k);
	node(&rcpt);
	node(&third);
	seal(s, &k, 2 * CH + 3);
	*t = *s;
	assert_int_equal(hn_seal_rewrap(t->header, s->header, &k, rcpt.ed_pk),
	    0);
	assert_int_equal(hn_seal_header_parse(t->header, &chunk, pk), 0);
	assert_int_equal(chunk, CH);
	assert_memory_equal(pk, rcpt.ed_pk, 32);
	/* the recipient opens the same body; the sender no longer can */
	assert_int_equal(open_stream(t, &rcpt, &len), 0);
	assert_int_equal(len, 2 * CH + 3);
	assert_int_equal(open_stream(t, &k, &len), HN_EVERIFY);
	/* only the key holder can re-wrap */
	assert_int_equal(hn_seal_rewrap(t->header, s->header, &third,
			     third.ed_pk),
	    HN_EVERIFY);
	hn_seal_keys_wipe(&k);
	hn_seal_keys_wipe(&rcpt);
	hn_seal_keys_wipe(&third);
	free(s);
	free(t);
}

static void
test_resume_state(void **state)
{
	struct hn_seal_keys k;
	struct hn_seal_enc e, e2;
	struct hn_seal_dec d;
	struct stream *s = malloc(sizeof(*s));
	uint8_t pt[CH];
	size_t n, len;
	int final, i;

	assert_non_null(s);
	node(&k);
	memset(s, 0, sizeof(*s));
	assert_int_equal(hn_seal_enc_init(&e, s->header, k.ed_pk, CH), 0);
	for (i = 0; i < 2; i++) {
		for (size_t j = 0; j < CH; j++)
			pt[j] = (uint8_t)(i * CH + j);
		assert_int_equal(hn_seal_enc_chunk(&e, s->ct[i], pt, CH, 0), 0);
		s->ctlen[i] = CH + HN_SEAL_ABYTES;
	}
	hn_seal_enc_wipe(&e); /* "crash" */
	assert_int_equal(hn_seal_dec_init(&d, s->header, &k), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(hn_seal_dec_chunk(&d, pt, &n, s->ct[i],
				     s->ctlen[i], &final),
		    0);
	assert_int_equal(hn_seal_dec_to_enc(&e2, &d), 0);
	for (size_t j = 0; j < 9; j++)
		pt[j] = (uint8_t)(2 * CH + j);
	assert_int_equal(hn_seal_enc_chunk(&e2, s->ct[2], pt, 9, 1), 0);
	s->ctlen[2] = 9 + HN_SEAL_ABYTES;
	s->n = 3;
	assert_int_equal(open_stream(s, &k, &len), 0);
	assert_int_equal(len, 2 * CH + 9);
	/* sizes: non-final must be full, final must be short */
	assert_int_equal(hn_seal_enc_chunk(&e2, s->ct[0], pt, 1, 0), HN_ESTATE);
	assert_int_equal(hn_seal_enc_init(&e, s->header, k.ed_pk, CH), 0);
	assert_int_equal(hn_seal_enc_chunk(&e, s->ct[0], pt, CH - 1, 0),
	    HN_EINVAL);
	assert_int_equal(hn_seal_enc_chunk(&e, s->ct[0], pt, CH, 1), HN_EINVAL);
	hn_seal_enc_wipe(&e);
	assert_int_equal(hn_seal_enc_init(&e, s->header, k.ed_pk, 8),
	    HN_EINVAL);
	hn_seal_enc_wipe(&e);
	hn_seal_enc_wipe(&e2);
	hn_seal_dec_wipe(&d);
	hn_seal_keys_wipe(&k);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_sizes),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_rewrap),
		cmocka_unit_test(test_resume_state),
	};

	if (hn_crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
