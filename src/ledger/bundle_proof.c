#include "ledger/bundle_proof.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "util/encode.h"

#define HEADER "c2sp.org/tlog-proof@v1"
#define EMDASH "\xe2\x80\x94 "
#define ENTRY_MAX 65536

int
hn_tlogproof_format(struct hn_buf *out, const void *entry, size_t len,
    uint64_t index, const uint8_t (*proof)[32], size_t n,
    const char *checkpoint, size_t cplen)
{
	char *b64 = NULL, h[hn_b64_len(32)];
	size_t i;
	int r;

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

static void
node_hash(uint8_t out[32], const uint8_t l[32], const uint8_t r[32])
{
	uint8_t b[65];

	b[0] = 0x01;
	memcpy(b + 1, l, 32);
	memcpy(b + 33, r, 32);
	hn_sha256(b, sizeof(b), out);
}

int
hn_tlogproof_inclusion(uint64_t index, uint64_t size, const uint8_t leaf[32],
    const uint8_t (*proof)[32], size_t n, const uint8_t root[32])
{
	uint64_t fn, sn;
	uint8_t r[32];
	size_t i;

	if (index >= size)
		return HN_EVERIFY;
	fn = index;
	sn = size - 1;
	memcpy(r, leaf, 32);
	for (i = 0; i < n; i++) {
		if (sn == 0)
			return HN_EVERIFY;
		if ((fn & 1) || fn == sn) {
			node_hash(r, proof[i], r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			node_hash(r, r, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return HN_EVERIFY;
	return hn_memeq_ct(r, root, 32) == 0 ? 0 : HN_EVERIFY;
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

static uint32_t
key_id(const char *name, const uint8_t pk[32])
{
	struct hn_buf b = HN_BUF_INIT(1024);
	uint8_t h[32], t = 0x01;
	uint32_t id = 0;

	if (hn_buf_adds(&b, name) == 0 && hn_buf_add(&b, "\n", 1) == 0 &&
	    hn_buf_add(&b, &t, 1) == 0 && hn_buf_add(&b, pk, 32) == 0) {
		hn_sha256(b.data, b.len, h);
		id = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
		    (uint32_t)h[2] << 8 | h[3];
	}
	hn_buf_release(&b);
	return id;
}

/* Verifies the checkpoint note [p, end): signature by name/pk. */
static int
checkpoint(const char *p, const char *end, const char *name,
    const uint8_t pk[32], uint64_t *size, uint8_t root[32],
    struct hn_error *err)
{
	const char *text = p, *l, *sig;
	size_t n, textlen, nl = strlen(name);
	uint8_t raw[4 + 64];
	char b64[128];
	uint32_t want = key_id(name, pk), id;
	ssize_t got;
	int found = 0;

	/* origin, size, root hash, then optional extension lines */
	if (line(&p, end, &l, &n) != 0 || n == 0)
		return hn_error_set(err, HN_EPARSE, NULL, NULL,
		    "checkpoint: no origin line");
	if (line(&p, end, &l, &n) != 0 || decimal(l, n, size) != 0)
		return hn_error_set(err, HN_EPARSE, NULL, NULL,
		    "checkpoint: bad tree size");
	if (line(&p, end, &l, &n) != 0 || n >= sizeof(b64))
		return hn_error_set(err, HN_EPARSE, NULL, NULL,
		    "checkpoint: bad root hash");
	memcpy(b64, l, n);
	b64[n] = '\0';
	if (hn_b64_decode(root, 32, b64, n) != 32)
		return hn_error_set(err, HN_EPARSE, NULL, NULL,
		    "checkpoint: bad root hash");
	for (;;) {
		if (line(&p, end, &l, &n) != 0)
			return hn_error_set(err, HN_EPARSE, NULL, NULL,
			    "checkpoint: no signatures");
		if (n == 0)
			break;
	}
	textlen = (size_t)(l - text);
	/* signature lines: "— name base64(keyid || sig)" */
	while (p < end) {
		if (line(&p, end, &l, &n) != 0)
			return hn_error_set(err, HN_EPARSE, NULL, NULL,
			    "checkpoint: signature line without newline");
		if (n < 4 || memcmp(l, EMDASH, 4) != 0)
			return hn_error_set(err, HN_EPARSE, NULL, NULL,
			    "checkpoint: malformed signature line");
		if (n < 4 + nl + 1 || memcmp(l + 4, name, nl) != 0 ||
		    l[4 + nl] != ' ')
			continue; /* another signer (a witness): ignored */
		sig = l + 4 + nl + 1;
		n -= 4 + nl + 1;
		if (n >= sizeof(b64))
			continue;
		memcpy(b64, sig, n);
		b64[n] = '\0';
		got = hn_b64_decode(raw, sizeof(raw), b64, n);
		if (got != (ssize_t)sizeof(raw))
			continue;
		id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
		    (uint32_t)raw[2] << 8 | raw[3];
		if (id != want)
			continue;
		if (hn_ed25519_verify(raw + 4, text, textlen, pk) != 0)
			return hn_error_set(err, HN_EVERIFY, NULL, NULL,
			    "checkpoint: the signature of %s does not verify "
			    "(checkpoint altered or forged)", name);
		found = 1;
	}
	if (!found)
		return hn_error_set(err, HN_EVERIFY, NULL, NULL,
		    "checkpoint: not signed by %s's key", name);
	return 0;
}

int
hn_tlogproof_verify(const char *text, size_t len, const char *name,
    const uint8_t pk[32], struct hn_buf *entry, uint64_t *index,
    uint64_t *size, struct hn_error *err)
{
	const char *p = text, *end = text + len, *l;
	uint8_t (*proof)[32] = NULL, root[32], leaf[32];
	char b64[128], *eb = NULL;
	uint8_t *raw = NULL;
	size_t n, np = 0;
	ssize_t got;
	int r;

	*index = *size = 0;
	if (len > HN_TLOGPROOF_MAX)
		return hn_error_set(err, HN_ETOOBIG, NULL, NULL, "proof too big");
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
	if ((r = checkpoint(p, end, name, pk, size, root, err)) != 0)
		goto out;
	raw[0] = 0x00; /* RFC 6962 leaf hash */
	hn_sha256(raw, (size_t)got + 1, leaf);
	if (hn_tlogproof_inclusion(*index, *size, leaf,
	    (const uint8_t(*)[32])proof, np, root) != 0) {
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
