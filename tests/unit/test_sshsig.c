/*
 * Unit tests for src/crypto/sshsig (SSH signatures, allowed_signers) and
 * src/ledger/bundle_proof (C2SP tlog-proof) against the shared C2SP test
 * log (../shared/testdata/c2sp-log: leaves are words, key "astra").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "crypto/sshsig.h"
#include "ledger/bundle_proof.h"
#include "ledger/merkle.h"
#include "store/evidence.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/err.h"
#include "util/file.h"

static void
test_sshsig_roundtrip(void **state)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64], who[32];
	struct hn_buf sig = HN_BUF_INIT(HN_SSHSIG_MAX);
	struct hn_buf as = HN_BUF_INIT(1024), line = HN_BUF_INIT(256);
	const char *m = "%%%% HASHDEEP-1.0\n";
	char *s;

	hn_ed25519_keypair(pk, sk);
	hn_ed25519_keypair(pk2, sk2);
	assert_int_equal(hn_sshsig_sign(&sig, m, strlen(m), "hanoinet-evidence",
			     sk),
	    0);
	assert_non_null(strstr(sig.data, "-----BEGIN SSH SIGNATURE-----\n"));
	assert_int_equal(hn_sshsig_verify(sig.data, sig.len, m, strlen(m),
			     "hanoinet-evidence", who),
	    0);
	assert_memory_equal(who, pk, 32);
	/* other message, other namespace */
	assert_int_equal(hn_sshsig_verify(sig.data, sig.len, "x", 1,
			     "hanoinet-evidence", who),
	    HN_EVERIFY);
	assert_int_equal(hn_sshsig_verify(sig.data, sig.len, m, strlen(m),
			     "file", who),
	    HN_EVERIFY);
	/* every single-character change of the armour is refused */
	s = malloc(sig.len + 1);
	assert_non_null(s);
	for (size_t i = 30; i < sig.len - 30; i++) {
		memcpy(s, sig.data, sig.len + 1);
		if (s[i] == '\n')
			continue;
		s[i] = s[i] == 'A' ? 'B' : 'A';
		assert_int_not_equal(hn_sshsig_verify(s, sig.len, m, strlen(m),
					 "hanoinet-evidence", who),
		    0);
	}
	/* truncated */
	assert_int_equal(hn_sshsig_verify(sig.data, sig.len / 2, m, strlen(m),
			     "hanoinet-evidence", who),
	    HN_EPARSE);
	assert_int_equal(hn_sshsig_verify("", 0, m, strlen(m),
			     "hanoinet-evidence", who),
	    HN_EPARSE);
	free(s);

	/* allowed_signers */
	assert_int_equal(hn_ssh_pubkey_format(&line, pk), 0);
	assert_int_equal(
	    hn_buf_addf(&as,
		"# comment\nother ssh-ed25519 "
		"AAAAC3NzaC1lZDI1NTE5AAAAIJJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b\n"
		"vnm,node-a namespaces=\"file,hanoinet-evidence\" %s\n",
		line.data),
	    0);
	assert_int_equal(hn_ssh_allowed_signer(as.data, as.len, "node-a",
			     "hanoinet-evidence", pk2),
	    0);
	assert_memory_equal(pk2, pk, 32);
	assert_int_equal(hn_ssh_allowed_signer(as.data, as.len, "node-a", "git",
			     pk2),
	    HN_ENOTFOUND);
	assert_int_equal(hn_ssh_allowed_signer(as.data, as.len, "node",
			     "hanoinet-evidence", pk2),
	    HN_ENOTFOUND);
	assert_int_equal(hn_ssh_allowed_signer(as.data, as.len, "other",
			     "anything", pk2),
	    0);
	hn_buf_release(&sig);
	hn_buf_release(&as);
	hn_buf_release(&line);
	hn_wipe(sk, sizeof(sk));
	hn_wipe(sk2, sizeof(sk2));
}

/* --- tlog-proof over the shared C2SP test log ----------------------------- */

static const char *const words[] = { "one", "two", "three", "four", "five",
	"six", "seven", "eit", "nain", "ten", "ileven", "twelf", "threeten",
	"fourten", "fivten" };

static void
leaf(uint8_t out[32], const char *w)
{
	uint8_t b[64];
	size_t n = strlen(w);

	b[0] = 0;
	memcpy(b + 1, w, n);
	hn_sha256(b, n + 1, out);
}

static void
node(uint8_t out[32], const uint8_t l[32], const uint8_t r[32])
{
	uint8_t b[65];

	b[0] = 1;
	memcpy(b + 1, l, 32);
	memcpy(b + 33, r, 32);
	hn_sha256(b, 65, out);
}

static uint64_t
split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

static void
mth(uint8_t out[32], size_t lo, size_t n)
{
	uint8_t a[32], b[32];
	uint64_t k;

	if (n == 1) {
		leaf(out, words[lo]);
		return;
	}
	k = split(n);
	mth(a, lo, k);
	mth(b, lo + k, n - k);
	node(out, a, b);
}

/* RFC 6962 PATH(m, D[lo..lo+n)) into proof (leaf sibling first). */
static void
path(uint8_t (*proof)[32], size_t *np, size_t m, size_t lo, size_t n)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = split(n);
	if (m < k) {
		path(proof, np, m, lo, k);
		mth(proof[(*np)++], lo + k, n - k);
	} else {
		path(proof, np, m - k, lo + k, n - k);
		mth(proof[(*np)++], lo, k);
	}
}

static void
astra(uint8_t pk[32])
{
	uint8_t raw[33];

	assert_int_equal(hn_b64_decode(raw, sizeof(raw),
			     "AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b",
			     44),
	    33);
	memcpy(pk, raw + 1, 32);
}

static void
read_checkpoint(struct hn_buf *b, int size)
{
	char path_[512];
	const char *sh = getenv("HN_SHARED");

	snprintf(path_, sizeof(path_), "%s/testdata/c2sp-log/checkpoint.%d",
	    sh != NULL ? sh : "../../shared", size);
	hn_buf_init(b, 1 << 16);
	assert_int_equal(hn_file_read(path_, b), 0);
}

static int
verify_text(const char *t, size_t n, const uint8_t pk[32], const char *name,
    struct hn_buf *entry, uint64_t *idx, uint64_t *size)
{
	struct hn_error e;

	hn_buf_reset(entry);
	return hn_tlogproof_verify(t, n, name, pk, entry, idx, size, &e);
}

static void
test_tlogproof(void **state)
{
	uint8_t pk[32], proof[64][32], root[32], other[32];
	struct hn_buf cp, p = HN_BUF_INIT(1 << 20),
			  entry = HN_BUF_INIT(1 << 16);
	uint64_t idx, size;
	size_t np, i;
	int sz;
	char *t;

	astra(pk);
	for (sz = 1; sz <= 15; sz++) {
		read_checkpoint(&cp, sz);
		mth(root, 0, (size_t)sz);
		for (i = 0; i < (size_t)sz; i++) {
			np = 0;
			path(proof, &np, i, 0, (size_t)sz);
			leaf(other, words[i]);
			{
				struct hn_sha256 h;

				assert_int_equal(hn_sha256_init(&h), 0);
				assert_int_equal(hn_merkle_verify_inclusion(&h,
						     i, (uint64_t)sz, other,
						     (const uint8_t(*)[32])proof,
						     np, root, 32),
				    0);
				hn_sha256_release(&h);
			}
			hn_buf_reset(&p);
			assert_int_equal(hn_tlogproof_format(&p, words[i],
					     strlen(words[i]), i,
					     (const uint8_t(*)[32])proof, np,
					     cp.data, cp.len),
			    0);
			assert_int_equal(verify_text(p.data, p.len, pk, "astra",
					     &entry, &idx, &size),
			    0);
			assert_int_equal(idx, i);
			assert_int_equal(size, (uint64_t)sz);
			assert_int_equal(entry.len, strlen(words[i]));
			assert_memory_equal(entry.data, words[i], entry.len);
		}
		hn_buf_release(&cp);
	}

	/* tampered: the entry, the index, a proof hash, the checkpoint */
	read_checkpoint(&cp, 13);
	np = 0;
	path(proof, &np, 6, 0, 13);
	hn_buf_reset(&p);
	assert_int_equal(hn_tlogproof_format(&p, "eit", 3, 6,
			     (const uint8_t(*)[32])proof, np, cp.data, cp.len),
	    0);
	assert_int_equal(verify_text(p.data, p.len, pk, "astra", &entry, &idx,
			     &size),
	    HN_EVERIFY); /* leaf 6 is "seven" */
	hn_buf_reset(&p);
	assert_int_equal(hn_tlogproof_format(&p, "seven", 5, 7,
			     (const uint8_t(*)[32])proof, np, cp.data, cp.len),
	    0);
	assert_int_equal(verify_text(p.data, p.len, pk, "astra", &entry, &idx,
			     &size),
	    HN_EVERIFY);
	proof[1][0] ^= 1;
	hn_buf_reset(&p);
	assert_int_equal(hn_tlogproof_format(&p, "seven", 5, 6,
			     (const uint8_t(*)[32])proof, np, cp.data, cp.len),
	    0);
	assert_int_equal(verify_text(p.data, p.len, pk, "astra", &entry, &idx,
			     &size),
	    HN_EVERIFY);
	proof[1][0] ^= 1;
	hn_buf_reset(&p);
	assert_int_equal(hn_tlogproof_format(&p, "seven", 5, 6,
			     (const uint8_t(*)[32])proof, np - 1, cp.data,
			     cp.len),
	    0);
	assert_int_equal(verify_text(p.data, p.len, pk, "astra", &entry, &idx,
			     &size),
	    HN_EVERIFY);
	hn_buf_reset(&p);
	assert_int_equal(hn_tlogproof_format(&p, "seven", 5, 6,
			     (const uint8_t(*)[32])proof, np, cp.data, cp.len),
	    0);
	assert_int_equal(verify_text(p.data, p.len, pk, "astra", &entry, &idx,
			     &size),
	    0);
	/* other key or name: not signed by the node */
	other[0] = 0;
	memcpy(other, pk, 32);
	other[5] ^= 1;
	assert_int_equal(verify_text(p.data, p.len, other, "astra", &entry,
			     &idx, &size),
	    HN_EVERIFY);
	assert_int_equal(verify_text(p.data, p.len, pk, "astro", &entry, &idx,
			     &size),
	    HN_EVERIFY);
	/* every single-byte change in the text is caught */
	t = malloc(p.len);
	assert_non_null(t);
	for (i = 0; i < p.len; i++) {
		memcpy(t, p.data, p.len);
		if (t[i] == '\n' || (unsigned char)t[i] >= 0x80)
			continue;
		t[i] = t[i] == 'A' ? 'B' : 'A';
		assert_int_not_equal(verify_text(t, p.len, pk, "astra", &entry,
					 &idx, &size),
		    0);
	}
	/* truncated anywhere */
	for (i = 0; i < p.len; i += 7)
		assert_int_not_equal(verify_text(p.data, i, pk, "astra", &entry,
					 &idx, &size),
		    0);
	free(t);
	hn_buf_release(&cp);
	hn_buf_release(&p);
	hn_buf_release(&entry);
}

static void
test_art36_and_names(void **state)
{
	struct hn_evidence_item it;
	char n[HN_EV_NAME_MAX + 1];

	memset(&it, 0, sizeof(it));
	assert_int_equal(hn_evidence_onward_allowed(&it), 0); /* our own */
	snprintf(it.origin, sizeof(it.origin), "node.example/FRA");
	assert_int_equal(hn_evidence_onward_allowed(&it), HN_EDENIED);
	snprintf(it.onward_consent, sizeof(it.onward_consent),
	    "FRA letter 2026-11-20 ref 77");
	assert_int_equal(hn_evidence_onward_allowed(&it), 0);
	it.deleted_at = 1;
	assert_int_equal(hn_evidence_onward_allowed(&it), HN_EDENIED);

	hn_evidence_safe_name(n, "/a/b/../../etc/passwd");
	assert_string_equal(n, "passwd");
	hn_evidence_safe_name(n, "../..");
	assert_string_equal(n, "_.");
	hn_evidence_safe_name(n, ".hidden,1;rm -rf");
	assert_string_equal(n, "_hidden_1_rm -rf");
	hn_evidence_safe_name(n, "dir/");
	assert_string_equal(n, "_");
	hn_evidence_safe_name(n, "mail box+1.mbox");
	assert_string_equal(n, "mail box+1.mbox");
	assert_int_equal(hn_evidence_custody_action_valid("exported"), 0);
	assert_int_equal(hn_evidence_custody_action_valid("shredded"),
	    HN_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sshsig_roundtrip),
		cmocka_unit_test(test_tlogproof),
		cmocka_unit_test(test_art36_and_names),
	};

	if (hn_crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
