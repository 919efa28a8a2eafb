#include "ledger/bundle_proof.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "crypto/sign.h"
#include "util/encode.h"
#include "util/fmt.h"

#define HEADER "c2sp.org/tlog-proof@v1"
#define ENTRY_MAX 65536

int
hn_tlogproof_format(struct hn_buf *out, const void *entry, size_t len,
    uint64_t index, const uint8_t (*proof)[32], size_t n,
    const char *checkpoint, size_t cplen)
{
	char *b64 = NULL, h[hn_b64_len(32)];
	size_t i;
	int r;

	assert(out != NULL && (entry != NULL || len == 0));
	assert((proof != NULL || n == 0) && checkpoint != NULL);
	if (len > ENTRY_MAX || n > HN_TLOGPROOF_HASHES_MAX)
		return HN_ETOOBIG;
	if ((b64 = malloc(hn_b64_len(len))) == NULL)
		return HN_ENOMEM;
	hn_b64_encode(b64, entry, len);
	r = hn_buf_addf(out, HEADER "\nextra %s\nindex %llu\n", b64,
	    (unsigned long long)index);
	for (i = 0; r == 0 && i < n; i++) {
		hn_b64_encode(h, proof[i], 32);
		r = hn_buf_addf(out, "%s\n", h);
	}
	if (r == 0)
		r = hn_buf_adds(out, "\n");
	if (r == 0)
		r = hn_buf_add(out, checkpoint, cplen);
	free(b64);
	return r;
}

/* Line [*p, nl) and advance past its newline; HN_EPARSE if none. */
static int
line(const char **p, const char *end, const char **l, size_t *n)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (nl == NULL)
		return HN_EPARSE;
	*l = *p;
	*n = (size_t)(nl - *p);
	*p = nl + 1;
	return 0;
}

static int
decimal(const char *s, size_t n, uint64_t *v)
{
	char buf[24];
	char *e = NULL;

	if (n == 0 || n >= sizeof(buf) || (n > 1 && s[0] == '0'))
		return HN_EPARSE;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return HN_EPARSE;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtoull(buf, &e, 10);
	return errno != 0 || *e != '\0' ? HN_EPARSE : 0;
}

int
hn_tlogproof_verify(const char *text, size_t len, const char *name,
    const uint8_t pk[32], struct hn_buf *entry, uint64_t *index, uint64_t *size,
    struct hn_error *err)
{
	const char *p = text, *end = text + len, *l;
	uint8_t(*proof)[32] = NULL, leaf[32];
	struct hn_note_verifier v;
	struct hn_checkpoint cp;
	struct hn_error e2;
	struct hn_sha256 h;
	char b64[128], *eb = NULL;
	uint8_t *raw = NULL;
	size_t n, np = 0;
	ssize_t got;
	int r;

	*index = *size = 0;
	if (len > HN_TLOGPROOF_MAX)
		return hn_error_set(err, HN_ETOOBIG, NULL, NULL,
		    "proof too big");
	if (line(&p, end, &l, &n) != 0 || n != strlen(HEADER) ||
	    memcmp(l, HEADER, n) != 0)
		return hn_error_set(err, HN_EPARSE, NULL, NULL,
		    "not a c2sp.org/tlog-proof@v1");
	if (line(&p, end, &l, &n) != 0 || n < 6 || memcmp(l, "extra ", 6) != 0)
		return hn_error_set(err, HN_EPARSE, NULL, NULL,
		    "no extra line (the logged entry)");
	if (n - 6 > hn_b64_len(ENTRY_MAX))
		return hn_error_set(err, HN_ETOOBIG, NULL, NULL,
		    "extra data too big");
	if ((eb = malloc(n - 6 + 1)) == NULL ||
	    (raw = malloc(ENTRY_MAX + 1)) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	memcpy(eb, l + 6, n - 6);
	eb[n - 6] = '\0';
	if ((got = hn_b64_decode(raw + 1, ENTRY_MAX, eb, n - 6)) < 0) {
		r = hn_error_set(err, HN_EPARSE, NULL, NULL,
		    "extra line is not base64");
		goto out;
	}
	if (line(&p, end, &l, &n) != 0 || n < 6 ||
	    memcmp(l, "index ", 6) != 0 || decimal(l + 6, n - 6, index) != 0) {
		r = hn_error_set(err, HN_EPARSE, NULL, NULL, "bad index line");
		goto out;
	}
	if ((proof = calloc(HN_TLOGPROOF_HASHES_MAX, 32)) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	for (;;) {
		if (line(&p, end, &l, &n) != 0) {
			r = hn_error_set(err, HN_EPARSE, NULL, NULL,
			    "no checkpoint after the proof");
			goto out;
		}
		if (n == 0)
			break;
		if (np == HN_TLOGPROOF_HASHES_MAX || n >= sizeof(b64)) {
			r = hn_error_set(err, HN_EPARSE, NULL, NULL,
			    "inclusion proof too long");
			goto out;
		}
		memcpy(b64, l, n);
		b64[n] = '\0';
		if (hn_b64_decode(proof[np], 32, b64, n) != 32) {
			r = hn_error_set(err, HN_EPARSE, NULL, NULL,
			    "bad hash in the inclusion proof");
			goto out;
		}
		np++;
	}
	/* the checkpoint: signed by the node's key (ledger/checkpoint.h) */
	if (strlen(name) > HN_NOTE_NAME_MAX) {
		r = hn_error_set(err, HN_EINVAL, NULL, NULL,
		    "key name too long");
		goto out;
	}
	memset(&v, 0, sizeof(v));
	HN_FMT_FIXED(v.name, sizeof(v.name), "%s", name); /* length checked */
	v.type = HN_NOTE_ED25519;
	memcpy(v.pk, pk, 32);
	v.key_id = hn_note_key_id(name, HN_NOTE_ED25519, pk);
	if ((r = hn_checkpoint_open(&cp, p, (size_t)(end - p), &v, 1, NULL,
		 &e2)) != 0) {
		r = hn_error_set(err, r, NULL, NULL, "checkpoint: %s",
		    e2.message);
		goto out;
	}
	*size = cp.size;
	if ((r = hn_sha256_init(&h)) != 0)
		goto out;
	hn_merkle_leaf_hash(&h, raw + 1, (size_t)got, leaf);
	r = *index < *size ?
	    hn_merkle_verify_inclusion(&h, *index, *size, leaf,
		(const uint8_t(*)[32])proof, np, cp.root, sizeof(cp.root)) :
	    HN_EVERIFY;
	hn_sha256_release(&h);
	if (r != 0) {
		r = hn_error_set(err, HN_EVERIFY, NULL, NULL,
		    "the inclusion proof of entry %llu does not lead to the "
		    "checkpoint's root (entry or proof altered)",
		    (unsigned long long)*index);
		goto out;
	}
	r = hn_buf_add(entry, raw + 1, (size_t)got);
out:
	free(proof);
	free(eb);
	free(raw);
	return r;
}
