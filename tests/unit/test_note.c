/*
 * Unit tests for src/ledger/note and checkpoint: the 16 checkpoints of
 * ../shared/testdata/c2sp-log reproduced byte for byte and verified; the
 * spec's example note; keys; forged, tampered, truncated and oversized
 * notes; checkpoint bodies; cosignatures and witnessing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/file.h"

#define HL HN_MERKLE_HASH_LEN

static const char *test_skey =
    "PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy";
static const char *test_vkey =
    "astra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b";
static const char *words[] = { "one", "two", "three", "four", "five", "six",
	"seven", "eit", "nain", "ten", "ileven", "twelf", "threeten", "fourten",
	"fivten" };

static const char *
shared(void)
{
	const char *s = getenv("HN_SHARED");

	return s != NULL ? s : "../../shared";
}

static int
verify_msg(const char *msg, size_t len, const struct hn_note_verifier *v,
    size_t nv)
{
	struct hn_note n;
	int r;

	if ((r = hn_note_parse(&n, msg, len, NULL)) != 0)
		return r;
	r = hn_note_verify(&n, v, nv, NULL, NULL);
	hn_note_release(&n);
	return r;
}

static void
test_keys(void **state)
{
	struct hn_note_signer s, g;
	struct hn_note_verifier v, v2;
	struct hn_buf b = HN_BUF_INIT(1024);
	struct hn_error err;

	assert_int_equal(hn_note_signer_parse(&s, test_skey, strlen(test_skey),
			     &err),
	    0);
	assert_string_equal(s.name, "astra");
	assert_int_equal(s.key_id, 0xcad5a3d2);
	hn_note_signer_verifier(&s, &v);
	assert_int_equal(hn_note_verifier_format(&v, &b), 0);
	assert_string_equal(b.data, test_vkey);
	hn_buf_reset(&b);
	assert_int_equal(hn_note_signer_format(&s, &b), 0);
	assert_string_equal(b.data, test_skey);
	assert_int_equal(hn_note_verifier_parse(&v2, test_vkey,
			     strlen(test_vkey), &err),
	    0);
	assert_memory_equal(&v, &v2, sizeof(v));
	/* with a trailing newline (a key file) */
	hn_buf_reset(&b);
	assert_int_equal(hn_buf_addf(&b, "%s\n", test_skey), 0);
	assert_int_equal(hn_note_signer_parse(&g, b.data, b.len, &err), 0);
	hn_note_signer_wipe(&g);

	/* malformed keys */
	{
		static const char *bad_v[] = {
			"",
			"astra",
			"astra+cad5a3d2",
			"astra+cad5a3d3+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b",
			"astra+CAD5A3D2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b",
			"astra+cad5a3d+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b",
			"astra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4",
			"astra+cad5a3d2+ApJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b",
			"ast ra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b",
			"+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b",
			"astra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b+x",
			"astra+cad5a3d2+AZJqeuyE+GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b",
			"astra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b==",
		};
		size_t i;
		for (i = 0; i < sizeof(bad_v) / sizeof(bad_v[0]); i++)
			assert_int_not_equal(hn_note_verifier_parse(&v2,
						 bad_v[i], strlen(bad_v[i]),
						 &err),
			    0);
		static const char *bad_s[] = {
			"",
			"PRIVATE+KEY+astra+cad5a3d3+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy",
			"PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXo",
			"PRIVATE+KEY+astra+cad5a3d2+BSgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy",
			"PRIVATE+KEY+astrb+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy",
			"PRIVATE+KEZ+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy",
			"astra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b",
		};
		for (i = 0; i < sizeof(bad_s) / sizeof(bad_s[0]); i++)
			assert_int_not_equal(hn_note_signer_parse(&g, bad_s[i],
						 strlen(bad_s[i]), &err),
			    0);
	}

	/* generated keys round-trip (their base64 may contain '+') */
	{
		int k;
		for (k = 0; k < 64; k++) {
			struct hn_note_signer g2;
			struct hn_note_verifier gv, gv2;
			assert_int_equal(hn_note_signer_generate(&g,
					     "hanoinet.example/VNM",
					     HN_NOTE_ED25519, &err),
			    0);
			hn_buf_reset(&b);
			assert_int_equal(hn_note_signer_format(&g, &b), 0);
			assert_int_equal(hn_note_signer_parse(&g2, b.data,
					     b.len, &err),
			    0);
			assert_memory_equal(&g, &g2, sizeof(g));
			hn_note_signer_verifier(&g, &gv);
			hn_buf_reset(&b);
			assert_int_equal(hn_note_verifier_format(&gv, &b), 0);
			assert_int_equal(hn_note_verifier_parse(&gv2, b.data,
					     b.len, &err),
			    0);
			assert_memory_equal(&gv, &gv2, sizeof(gv));
			hn_note_signer_wipe(&g2);
		}
	}
	assert_int_not_equal(hn_note_signer_generate(&g, "bad name",
				 HN_NOTE_ED25519, &err),
	    0);
	assert_int_not_equal(hn_note_signer_generate(&g, "a+b", HN_NOTE_ED25519,
				 &err),
	    0);
	assert_int_not_equal(hn_note_signer_generate(&g, "", HN_NOTE_ED25519,
				 &err),
	    0);
	assert_int_not_equal(hn_note_signer_generate(&g, "nbsp\xc2\xa0x",
				 HN_NOTE_ED25519, &err),
	    0);
	hn_note_signer_wipe(&s);
	hn_note_signer_wipe(&g);
	hn_buf_release(&b);
}

static void
test_spec_example(void **state)
{
	static const char vk[] =
	    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
	static const char msg[] =
	    "This is an example message.\n\n"
	    "\xe2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXp"
	    "pzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
	struct hn_note_verifier v;

	assert_int_equal(hn_note_verifier_parse(&v, vk, strlen(vk), NULL), 0);
	assert_int_equal(verify_msg(msg, strlen(msg), &v, 1), 0);
}

static void
test_c2sp_checkpoints(void **state)
{
	uint8_t leaves[16][HL];
	struct hn_note_signer s;
	struct hn_note_verifier v;
	struct hn_sha256 h;
	int i;

	assert_int_equal(hn_sha256_init(&h), 0);
	assert_int_equal(hn_note_signer_parse(&s, test_skey, strlen(test_skey),
			     NULL),
	    0);
	assert_int_equal(hn_note_verifier_parse(&v, test_vkey,
			     strlen(test_vkey), NULL),
	    0);
	for (i = 0; i < 15; i++)
		hn_merkle_leaf_hash(&h, words[i], strlen(words[i]), leaves[i]);
	for (i = 0; i < 16; i++) {
		struct hn_buf want = HN_BUF_INIT(4096),
			      body = HN_BUF_INIT(4096);
		struct hn_buf got = HN_BUF_INIT(4096);
		struct hn_checkpoint c, c2;
		char path[512];

		snprintf(path, sizeof(path),
		    "%s/testdata/c2sp-log/checkpoint.%d", shared(), i);
		assert_int_equal(hn_file_read(path, &want), 0);
		memset(&c, 0, sizeof(c));
		snprintf(c.origin, sizeof(c.origin), "example.com/testdata");
		c.size = (uint64_t)i;
		hn_merkle_root_of(&h, (const uint8_t(*)[HL])leaves, c.size,
		    c.root);
		assert_int_equal(hn_checkpoint_format(&c, &body), 0);
		assert_int_equal(hn_note_sign(&got, body.data, body.len, &s, 1,
				     NULL),
		    0);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, want.len);
		assert_int_equal(hn_checkpoint_open(&c2, want.data, want.len,
				     &v, 1, "example.com/testdata", NULL),
		    0);
		assert_int_equal(c2.size, c.size);
		assert_memory_equal(c2.root, c.root, HL);
		assert_int_not_equal(hn_checkpoint_open(&c2, want.data,
					 want.len, &v, 1, "example.com/other",
					 NULL),
		    0);
		hn_buf_release(&want);
		hn_buf_release(&body);
		hn_buf_release(&got);
	}
	hn_note_signer_wipe(&s);
	hn_sha256_release(&h);
}

/* Every single-byte change and every truncation of a signed note fails. */
static void
test_tampered(void **state)
{
	struct hn_buf b = HN_BUF_INIT(4096);
	struct hn_note_verifier v;
	char path[512], *m;
	size_t i;

	assert_int_equal(hn_note_verifier_parse(&v, test_vkey,
			     strlen(test_vkey), NULL),
	    0);
	snprintf(path, sizeof(path), "%s/testdata/c2sp-log/checkpoint.7",
	    shared());
	assert_int_equal(hn_file_read(path, &b), 0);
	m = malloc(b.len + 1);
	assert_non_null(m);
	for (i = 0; i < b.len; i++) {
		int bit;
		for (bit = 0; bit < 8; bit += 3) {
			memcpy(m, b.data, b.len);
			m[i] ^= (char)(1 << bit);
			if (verify_msg(m, b.len, &v, 1) == 0)
				fail_msg("accepted with byte %zu bit %d flipped",
				    i, bit);
		}
	}
	for (i = 0; i < b.len; i++)
		assert_int_not_equal(verify_msg(b.data, i, &v, 1), 0);
	free(m);
	hn_buf_release(&b);
}

static void
test_malformed(void **state)
{
	static const char *bad[] = {
		"",
		"\n",
		"text\n",
		"text\n\n",
		"text\n\n\n",
		"text\n\nno dash sig\n",
		"text\n\n\xe2\x80\x94 astra\n",
		"text\n\n\xe2\x80\x94 astra AAAA\n",
		"text\n\n\xe2\x80\x94 astra !!!!!!!!\n",
		"text\n\n\xe2\x80\x94  yt\n",
		"text\n\n\xe2\x80\x94 as+tra AAAAAAAA\n",
		"text\n\n\xe2\x80\x94 astra AAAAAAAA",
		"te\x01xt\n\n\xe2\x80\x94 astra AAAAAAAA\n",
		"te\xffxt\n\n\xe2\x80\x94 astra AAAAAAAA\n",
		"text\r\n\n\xe2\x80\x94 astra AAAAAAAA\n",
		"text\n\n\xe2\x80\x94 astra AAAAAAAA\n\n",
		"text\n\n\xe2\x80\x94 astra AAAAAAAA\nextra\n",
	};
	struct hn_note n;
	struct hn_error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (hn_note_parse(&n, bad[i], strlen(bad[i]), &err) == 0)
			fail_msg("accepted malformed note %zu", i);
	}
	/* well formed with an unknown key: parses, does not verify */
	{
		static const char ok[] =
		    "text\n\n\xe2\x80\x94 astra AAAAAAAA\n";
		struct hn_note_verifier v;
		assert_int_equal(hn_note_parse(&n, ok, strlen(ok), &err), 0);
		assert_int_equal(n.nsigs, 1);
		assert_int_equal(n.text_len, 5);
		assert_int_equal(hn_note_verifier_parse(&v, test_vkey,
				     strlen(test_vkey), NULL),
		    0);
		assert_int_equal(hn_note_verify(&n, &v, 1, NULL, &err),
		    HN_EVERIFY);
		hn_note_release(&n);
	}
}

static void
test_limits_and_unknown(void **state)
{
	struct hn_note_signer s, other;
	struct hn_note_verifier v, vo;
	struct hn_buf b = HN_BUF_INIT(HN_NOTE_MAX * 2);
	struct hn_buf t = HN_BUF_INIT(HN_NOTE_MAX * 2);
	struct hn_note n;
	size_t i, which;

	assert_int_equal(hn_note_signer_parse(&s, test_skey, strlen(test_skey),
			     NULL),
	    0);
	hn_note_signer_verifier(&s, &v);
	assert_int_equal(hn_note_signer_generate(&other, "astra",
			     HN_NOTE_ED25519, NULL),
	    0);
	hn_note_signer_verifier(&other, &vo);

	/* 16 unknown signatures and one known: verifies, known one found */
	assert_int_equal(hn_note_sign(&b, "hello\n", 6, &s, 1, NULL), 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(
		    hn_buf_addf(&b,
			"\xe2\x80\x94 w%zu "
			"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
			i),
		    0);
	assert_int_equal(hn_note_parse(&n, b.data, b.len, NULL), 0);
	assert_int_equal(n.nsigs, 17);
	assert_int_equal(hn_note_verify(&n, &v, 1, &which, NULL), 0);
	assert_int_equal(which, 0);
	/* same name, different key (other key ID): ignored -> no known sig */
	assert_int_equal(hn_note_verify(&n, &vo, 1, NULL, NULL), HN_EVERIFY);
	hn_note_release(&n);

	/* a known key whose signature is wrong rejects the whole note */
	{
		struct hn_note_verifier two[2];
		struct hn_buf b2 = HN_BUF_INIT(4096);
		assert_int_equal(hn_note_sign(&b2, "hello\n", 6, &s, 1, NULL),
		    0);
		assert_int_equal(hn_note_parse(&n, b2.data, b2.len, NULL), 0);
		n.sigs[0].sig[5] ^= 1;
		two[0] = v;
		two[1] = vo;
		assert_int_equal(hn_note_verify(&n, two, 2, NULL, NULL),
		    HN_EVERIFY);
		hn_note_release(&n);
		hn_buf_release(&b2);
	}

	/* more than HN_NOTE_SIGS_MAX signature lines: too big */
	for (i = 16; i < HN_NOTE_SIGS_MAX + 1; i++)
		assert_int_equal(hn_buf_addf(&b, "\xe2\x80\x94 w%zu AAAAAAAA\n",
				     i),
		    0);
	assert_int_equal(hn_note_parse(&n, b.data, b.len, NULL), HN_ETOOBIG);

	/* a note longer than HN_NOTE_MAX */
	for (i = 0; i < HN_NOTE_MAX; i++)
		assert_int_equal(hn_buf_add(&t, "a", 1), 0);
	assert_int_equal(hn_buf_add(&t, "\n", 1), 0);
	hn_buf_reset(&b);
	assert_int_not_equal(hn_note_sign(&b, t.data, t.len, &s, 1, NULL), 0);
	assert_int_equal(hn_buf_adds(&t, "\n\xe2\x80\x94 x AAAAAAAA\n"), 0);
	assert_int_equal(hn_note_parse(&n, t.data, t.len, NULL), HN_ETOOBIG);

	/* signing rejects text that is not note text */
	hn_buf_reset(&b);
	assert_int_not_equal(hn_note_sign(&b, "no newline", 10, &s, 1, NULL),
	    0);
	assert_int_not_equal(hn_note_sign(&b, "", 0, &s, 1, NULL), 0);
	assert_int_not_equal(hn_note_sign(&b, "a\x01\n", 3, &s, 1, NULL), 0);
	/* multi-line text with blank lines round-trips */
	hn_buf_reset(&b);
	assert_int_equal(hn_note_sign(&b, "a\n\nb\n", 5, &s, 1, NULL), 0);
	assert_int_equal(verify_msg(b.data, b.len, &v, 1), 0);
	hn_note_signer_wipe(&s);
	hn_note_signer_wipe(&other);
	hn_buf_release(&b);
	hn_buf_release(&t);
}

static void
test_checkpoint_body(void **state)
{
	static const char *bad[] = {
		"",
		"o\n",
		"o\n1\n",
		"\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n1x\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n18446744073709551616\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"o\n1\nAAAA\n",
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n",
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next\n\n",
		"o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n",
	};
	static const char good[] =
	    "hanoinet.example/VNM\n18446744073709551615\n"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\next one\next two\n";
	struct hn_buf b = HN_BUF_INIT(4096);
	struct hn_checkpoint c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (hn_checkpoint_parse(&c, bad[i], strlen(bad[i]), NULL) == 0)
			fail_msg("accepted bad checkpoint %zu", i);
	assert_int_equal(hn_checkpoint_parse(&c, good, strlen(good), NULL), 0);
	assert_string_equal(c.origin, "hanoinet.example/VNM");
	assert_true(c.size == UINT64_MAX);
	assert_string_equal(c.ext, "ext one\next two\n");
	assert_int_equal(hn_checkpoint_format(&c, &b), 0);
	assert_string_equal(b.data, good);
	/* formatting refuses bad extension lines */
	snprintf(c.ext, sizeof(c.ext), "a\n\nb\n");
	assert_int_equal(hn_checkpoint_format(&c, &b), HN_EINVAL);
	snprintf(c.ext, sizeof(c.ext), "no newline");
	assert_int_equal(hn_checkpoint_format(&c, &b), HN_EINVAL);
	hn_buf_release(&b);
}

static void
test_cosignature(void **state)
{
	struct hn_note_signer logk, wit, wrongtype;
	struct hn_note_verifier logv, witv;
	struct hn_witness_state st;
	uint8_t leaves[16][HL], proof[HN_MERKLE_PROOF_MAX][HL];
	struct hn_merkle_mem t;
	struct hn_sha256 h;
	struct hn_buf cp[16], out = HN_BUF_INIT(8192);
	struct hn_error err;
	size_t np, which;
	int i;

	assert_int_equal(hn_sha256_init(&h), 0);
	assert_int_equal(hn_note_signer_parse(&logk, test_skey,
			     strlen(test_skey), NULL),
	    0);
	hn_note_signer_verifier(&logk, &logv);
	assert_int_equal(hn_note_signer_generate(&wit, "witness.example/w1",
			     HN_NOTE_COSIG_V1, NULL),
	    0);
	hn_note_signer_verifier(&wit, &witv);
	assert_int_equal(witv.key_id,
	    hn_note_key_id("witness.example/w1", 0x04, wit.pk));
	for (i = 0; i < 15; i++)
		hn_merkle_leaf_hash(&h, words[i], strlen(words[i]), leaves[i]);
	assert_int_equal(hn_merkle_mem_build(&t, &h,
			     (const uint8_t(*)[HL])leaves, 15),
	    0);
	for (i = 0; i < 16; i++) {
		char path[512];
		hn_buf_init(&cp[i], 4096);
		snprintf(path, sizeof(path),
		    "%s/testdata/c2sp-log/checkpoint.%d", shared(), i);
		assert_int_equal(hn_file_read(path, &cp[i]), 0);
	}

	memset(&st, 0, sizeof(st));
	/* first sight: size 3, no proof needed */
	assert_int_equal(hn_witness_cosign(cp[3].data, cp[3].len, &logv,
			     "example.com/testdata", &st, NULL, 0, &wit,
			     1700000000, &out, &err),
	    0);
	assert_int_equal(st.size, 3);
	{
		struct hn_note n;
		struct hn_note_verifier both[2] = { witv, logv };
		uint64_t ts = 0;
		assert_int_equal(hn_note_parse(&n, out.data, out.len, NULL), 0);
		assert_int_equal(n.nsigs, 2);
		/* the cosigned note verifies with the witness key alone */
		assert_int_equal(hn_note_verify(&n, &witv, 1, &which, NULL), 0);
		assert_int_equal(hn_note_verify(&n, both, 2, NULL, NULL), 0);
		assert_int_equal(hn_cosig_verify(n.text, n.text_len,
				     n.sigs[1].sig, n.sigs[1].sig_len, wit.pk,
				     &ts),
		    0);
		assert_true(ts == 1700000000);
		/* tampered timestamp */
		n.sigs[1].sig[7] ^= 1;
		assert_int_not_equal(hn_note_verify(&n, &witv, 1, NULL, NULL),
		    0);
		hn_note_release(&n);
	}
	/* grow to 9 with a valid consistency proof */
	assert_int_equal(hn_merkle_consistency_proof(hn_merkle_mem_get, &t, &h,
			     3, 9, proof, HN_MERKLE_PROOF_MAX, &np),
	    0);
	hn_buf_reset(&out);
	assert_int_equal(hn_witness_cosign(cp[9].data, cp[9].len, &logv,
			     "example.com/testdata", &st,
			     (const uint8_t(*)[HL])proof, np, &wit, 1700000100,
			     &out, &err),
	    0);
	assert_int_equal(st.size, 9);
	/* a proof for the wrong sizes is refused, state unchanged */
	assert_int_equal(hn_merkle_consistency_proof(hn_merkle_mem_get, &t, &h,
			     8, 12, proof, HN_MERKLE_PROOF_MAX, &np),
	    0);
	assert_int_equal(hn_witness_cosign(cp[12].data, cp[12].len, &logv,
			     "example.com/testdata", &st,
			     (const uint8_t(*)[HL])proof, np, &wit, 1700000200,
			     &out, &err),
	    HN_EVERIFY);
	assert_int_equal(st.size, 9);
	/* no proof */
	assert_int_equal(hn_witness_cosign(cp[12].data, cp[12].len, &logv,
			     "example.com/testdata", &st, NULL, 0, &wit,
			     1700000200, &out, &err),
	    HN_EVERIFY);
	/* rolling back to an older checkpoint */
	assert_int_equal(hn_witness_cosign(cp[5].data, cp[5].len, &logv,
			     "example.com/testdata", &st, NULL, 0, &wit,
			     1700000200, &out, &err),
	    HN_ESTATE);
	/* a fork: same size, different root */
	{
		struct hn_witness_state fork = st;
		fork.root[0] ^= 1;
		assert_int_equal(hn_witness_cosign(cp[9].data, cp[9].len, &logv,
				     "example.com/testdata", &fork, NULL, 0,
				     &wit, 1700000200, &out, &err),
		    HN_EVERIFY);
	}
	/* wrong origin, wrong log key, forged checkpoint */
	assert_int_not_equal(hn_witness_cosign(cp[9].data, cp[9].len, &logv,
				 "example.com/other", &st, NULL, 0, &wit, 1,
				 &out, &err),
	    0);
	assert_int_not_equal(hn_witness_cosign(cp[9].data, cp[9].len, &witv,
				 NULL, &st, NULL, 0, &wit, 1, &out, &err),
	    0);
	cp[10].data[22] ^= 1;
	assert_int_equal(hn_witness_cosign(cp[10].data, cp[10].len, &logv, NULL,
			     &st, NULL, 0, &wit, 1, &out, &err),
	    HN_EVERIFY);
	/* a malformed signature line (bad base64) is HN_EVERIFY too */
	cp[11].data[cp[11].len - 5] = '!';
	assert_int_equal(hn_witness_cosign(cp[11].data, cp[11].len, &logv, NULL,
			     &st, NULL, 0, &wit, 1, &out, &err),
	    HN_EVERIFY);
	assert_int_equal(hn_witness_cosign("junk", 4, &logv, NULL, &st, NULL, 0,
			     &wit, 1, &out, &err),
	    HN_EVERIFY);
	/* a plain Ed25519 key cannot cosign; timestamps >= 2^63 refused */
	assert_int_equal(hn_note_signer_generate(&wrongtype, "w",
			     HN_NOTE_ED25519, NULL),
	    0);
	{
		struct hn_note_sig sig;
		assert_int_equal(hn_cosig_sign(&sig, "a\n", 2, 1, &wrongtype),
		    HN_EINVAL);
		assert_int_equal(hn_cosig_sign(&sig, "a\n", 2,
				     UINT64_C(1) << 63, &wit),
		    HN_EINVAL);
	}
	for (i = 0; i < 16; i++)
		hn_buf_release(&cp[i]);
	hn_buf_release(&out);
	hn_merkle_mem_release(&t);
	hn_note_signer_wipe(&logk);
	hn_note_signer_wipe(&wit);
	hn_note_signer_wipe(&wrongtype);
	hn_sha256_release(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_spec_example),
		cmocka_unit_test(test_c2sp_checkpoints),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits_and_unknown),
		cmocka_unit_test(test_checkpoint_body),
		cmocka_unit_test(test_cosignature),
	};

	if (hn_crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
