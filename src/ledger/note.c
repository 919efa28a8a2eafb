#include "ledger/note.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "ledger/checkpoint.h"
#include "util/encode.h"

#define EMDASH "\xe2\x80\x94"
#define PRIVPREFIX "PRIVATE+KEY+"

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length or 0. */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong, surrogates, beyond Unicode */
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff) ||
	    c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

static int
is_space(uint32_t c)
{
	/* Unicode White_Space (what Go's unicode.IsSpace tests). */
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Valid UTF-8 without control characters other than newline. */
static int
text_ok(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, l;
	uint32_t c;

	while (i < n) {
		if ((l = utf8_next(s + i, n - i, &c)) == 0)
			return 0;
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return 0;
		i += l;
	}
	return 1;
}

int
hn_note_name_valid(const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i = 0, l;
	uint32_t c;

	if (len == 0 || len > HN_NOTE_NAME_MAX)
		return HN_EINVAL;
	while (i < len) {
		if ((l = utf8_next(s + i, len - i, &c)) == 0)
			return HN_EINVAL;
		if (c < 0x20 || c == 0x7f || c == '+' || is_space(c))
			return HN_EINVAL;
		i += l;
	}
	return 0;
}

uint32_t
hn_note_key_id(const char *name, uint8_t type,
    const uint8_t pk[HN_ED25519_PK_LEN])
{
	struct hn_sha256 h;
	uint8_t d[HN_SHA256_LEN], nl = '\n';

	if (hn_sha256_init(&h) != 0)
		abort(); /* out of memory for a hash context */
	hn_sha256_update(&h, name, strlen(name));
	hn_sha256_update(&h, &nl, 1);
	hn_sha256_update(&h, &type, 1);
	hn_sha256_update(&h, pk, HN_ED25519_PK_LEN);
	hn_sha256_final(&h, d);
	hn_sha256_release(&h);
	return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 |
	    (uint32_t)d[2] << 8 | d[3];
}

void
hn_note_release(struct hn_note *n)
{
	if (n == NULL)
		return;
	free(n->text);
	free(n->sigs);
	memset(n, 0, sizeof(*n));
}

static int
parse_sig(struct hn_note_sig *sig, const char *line, size_t len,
    struct hn_error *err)
{
	uint8_t raw[4 + HN_NOTE_SIG_MAX];
	const char *sp;
	size_t nl;
	ssize_t r;

	if (len < 4 || memcmp(line, EMDASH " ", 4) != 0)
		return hn_error_set(err, HN_EPARSE, "signature", NULL,
		    "signature line does not start with an em dash and a "
		    "space");
	line += 4;
	len -= 4;
	if ((sp = memchr(line, ' ', len)) == NULL)
		return hn_error_set(err, HN_EPARSE, "signature", NULL,
		    "signature line has no space after the key name");
	nl = (size_t)(sp - line);
	if (hn_note_name_valid(line, nl) != 0)
		return hn_error_set(err, HN_EPARSE, "signature", NULL,
		    "invalid key name in a signature line");
	r = hn_b64_decode(raw, sizeof(raw), sp + 1, len - nl - 1);
	if (r == HN_ETOOBIG)
		return hn_error_set(err, HN_ETOOBIG, "signature", NULL,
		    "signature longer than %d bytes", HN_NOTE_SIG_MAX);
	if (r < 5)
		return hn_error_set(err, HN_EPARSE, "signature", NULL,
		    "signature is not base64 of a key ID and a signature");
	memcpy(sig->name, line, nl);
	sig->name[nl] = '\0';
	sig->key_id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
	    (uint32_t)raw[2] << 8 | raw[3];
	sig->sig_len = (size_t)r - 4;
	memcpy(sig->sig, raw + 4, sig->sig_len);
	return 0;
}

int
hn_note_parse(struct hn_note *n, const char *msg, size_t len,
    struct hn_error *err)
{
	const char *p, *end, *eol;
	size_t split, count = 0;
	int r;

	memset(n, 0, sizeof(*n));
	if (len > HN_NOTE_MAX)
		return hn_error_set(err, HN_ETOOBIG, "note", NULL,
		    "note longer than %d bytes", HN_NOTE_MAX);
	if (!text_ok(msg, len))
		return hn_error_set(err, HN_EPARSE, "note", NULL,
		    "note is not UTF-8 text without control characters");
	if (len < 2 || msg[len - 1] != '\n')
		return hn_error_set(err, HN_EPARSE, "note", NULL,
		    "note does not end in a newline");
	/* The text ends at the last blank line. */
	for (split = len - 1; split > 0; split--)
		if (msg[split] == '\n' && msg[split - 1] == '\n')
			break;
	if (split == 0)
		return hn_error_set(err, HN_EPARSE, "note", NULL,
		    "note has no blank line before its signatures");
	p = msg + split + 1;
	end = msg + len;
	if (p == end)
		return hn_error_set(err, HN_EPARSE, "note", NULL,
		    "note has no signatures");
	for (eol = p; eol < end; eol++)
		count += *eol == '\n';
	if (count > HN_NOTE_SIGS_MAX)
		return hn_error_set(err, HN_ETOOBIG, "note", NULL,
		    "more than %d signatures", HN_NOTE_SIGS_MAX);
	if ((n->sigs = calloc(count, sizeof(*n->sigs))) == NULL ||
	    (n->text = malloc(split + 1)) == NULL) {
		hn_note_release(n);
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	}
	memcpy(n->text, msg, split);
	n->text[split] = '\0';
	n->text_len = split;
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if ((r = parse_sig(&n->sigs[n->nsigs], p, (size_t)(eol - p),
			 err)) != 0) {
			hn_note_release(n);
			return r;
		}
		n->nsigs++;
		p = eol + 1;
	}
	return 0;
}

static int
format_sig(struct hn_buf *out, const struct hn_note_sig *s)
{
	char b64[hn_b64_len(4 + HN_NOTE_SIG_MAX)];
	uint8_t raw[4 + HN_NOTE_SIG_MAX];

	if (s->sig_len > HN_NOTE_SIG_MAX)
		return HN_EINVAL;
	raw[0] = s->key_id >> 24;
	raw[1] = s->key_id >> 16;
	raw[2] = s->key_id >> 8;
	raw[3] = s->key_id;
	memcpy(raw + 4, s->sig, s->sig_len);
	hn_b64_encode(b64, raw, 4 + s->sig_len);
	return hn_buf_addf(out, EMDASH " %s %s\n", s->name, b64);
}

int
hn_note_format(const struct hn_note *n, struct hn_buf *out)
{
	size_t i;
	int r;

	if ((r = hn_buf_add(out, n->text, n->text_len)) != 0 ||
	    (r = hn_buf_adds(out, "\n")) != 0)
		return r;
	for (i = 0; i < n->nsigs; i++)
		if ((r = format_sig(out, &n->sigs[i])) != 0)
			return r;
	return 0;
}

int
hn_note_add_sig(struct hn_note *n, const struct hn_note_sig *sig)
{
	struct hn_note_sig *ns;

	assert(n != NULL && sig != NULL && n->nsigs <= HN_NOTE_SIGS_MAX);
	if (n->nsigs >= HN_NOTE_SIGS_MAX)
		return HN_ETOOBIG;
	if ((ns = realloc(n->sigs, (n->nsigs + 1) * sizeof(*ns))) == NULL)
		return HN_ENOMEM;
	n->sigs = ns;
	ns[n->nsigs++] = *sig;
	return 0;
}

/* Verifies one signature by a known key: 0 or HN_EVERIFY. */
static int
verify_one(const struct hn_note *n, const struct hn_note_sig *s,
    const struct hn_note_verifier *v)
{
	switch (v->type) {
	case HN_NOTE_ED25519:
		if (s->sig_len != HN_ED25519_SIG_LEN)
			return HN_EVERIFY;
		return hn_ed25519_verify(s->sig, n->text, n->text_len, v->pk);
	case HN_NOTE_COSIG_V1:
		return hn_cosig_verify(n->text, n->text_len, s->sig, s->sig_len,
		    v->pk, NULL);
	default:
		return HN_EVERIFY;
	}
}

int
hn_note_verify(const struct hn_note *n, const struct hn_note_verifier *vs,
    size_t nv, size_t *which, struct hn_error *err)
{
	size_t i, j, found = SIZE_MAX;

	assert(n != NULL && (vs != NULL || nv == 0));
	for (i = 0; i < n->nsigs; i++) {
		const struct hn_note_sig *s = &n->sigs[i];
		for (j = 0; j < nv; j++) {
			if (vs[j].key_id != s->key_id ||
			    strcmp(vs[j].name, s->name) != 0)
				continue;
			if (verify_one(n, s, &vs[j]) != 0)
				return hn_error_set(err, HN_EVERIFY,
				    "signature", NULL,
				    "invalid signature by known key %s+%08" PRIx32,
				    s->name, s->key_id);
			if (found == SIZE_MAX)
				found = j;
		}
	}
	if (found == SIZE_MAX)
		return hn_error_set(err, HN_EVERIFY, "signature", NULL,
		    "no signature by a known key");
	if (which != NULL)
		*which = found;
	return 0;
}

int
hn_note_sign(struct hn_buf *out, const char *text, size_t len,
    const struct hn_note_signer *s, size_t ns, struct hn_error *err)
{
	struct hn_note_sig sig;
	size_t i;
	int r = 0;

	assert(out != NULL && (text != NULL || len == 0));
	assert(s != NULL || ns == 0);
	if (len == 0 || text[len - 1] != '\n' || !text_ok(text, len) ||
	    len > HN_NOTE_MAX)
		return hn_error_set(err, HN_EINVAL, "text", NULL,
		    "note text must be UTF-8 ending in a newline, without "
		    "control characters");
	if (ns > HN_NOTE_SIGS_MAX)
		return hn_error_set(err, HN_ETOOBIG, NULL, NULL,
		    "too many signers");
	if ((r = hn_buf_add(out, text, len)) != 0 ||
	    (r = hn_buf_adds(out, "\n")) != 0)
		return hn_error_set(err, r, NULL, NULL, "note too large");
	for (i = 0; i < ns; i++) {
		if (s[i].type != HN_NOTE_ED25519)
			return hn_error_set(err, HN_EINVAL, "key", NULL,
			    "key %s is not an Ed25519 note key", s[i].name);
		memset(&sig, 0, sizeof(sig));
		memcpy(sig.name, s[i].name, sizeof(sig.name));
		sig.key_id = s[i].key_id;
		sig.sig_len = HN_ED25519_SIG_LEN;
		hn_ed25519_sign(sig.sig, text, len, s[i].sk);
		if ((r = format_sig(out, &sig)) != 0)
			return hn_error_set(err, r, NULL, NULL,
			    "note too large");
	}
	return 0;
}

static int
parse_type_key(const char *b64, size_t len, uint8_t *type, uint8_t key[32])
{
	uint8_t raw[33];

	if (hn_b64_decode(raw, sizeof(raw), b64, len) != 33)
		return HN_EPARSE;
	*type = raw[0];
	memcpy(key, raw + 1, 32);
	hn_wipe(raw, sizeof(raw));
	return 0;
}

static int
parse_hex_id(const char *s, size_t len, uint32_t *id)
{
	uint8_t raw[4];
	size_t i;

	if (len != 8)
		return HN_EPARSE;
	for (i = 0; i < 8; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return HN_EPARSE;
	if (hn_hex_decode(raw, 4, s, 8) != 4)
		return HN_EPARSE;
	*id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
	    (uint32_t)raw[2] << 8 | raw[3];
	return 0;
}

/* Splits "name+hex+b64" (base64 may itself contain '+'). */
static int
split3(const char *s, size_t len, size_t *p1, size_t *p2)
{
	const char *a, *b;

	if ((a = memchr(s, '+', len)) == NULL)
		return HN_EPARSE;
	if ((b = memchr(a + 1, '+', len - (size_t)(a + 1 - s))) == NULL)
		return HN_EPARSE;
	*p1 = (size_t)(a - s);
	*p2 = (size_t)(b - s);
	return 0;
}

static size_t
trim_nl(const char *s, size_t len)
{
	if (len > 0 && s[len - 1] == '\n')
		len--;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	return len;
}

int
hn_note_verifier_parse(struct hn_note_verifier *v, const char *vkey, size_t len,
    struct hn_error *err)
{
	size_t p1, p2;

	memset(v, 0, sizeof(*v));
	len = trim_nl(vkey, len);
	if (len > 2 * HN_NOTE_NAME_MAX || split3(vkey, len, &p1, &p2) != 0 ||
	    hn_note_name_valid(vkey, p1) != 0 ||
	    parse_hex_id(vkey + p1 + 1, p2 - p1 - 1, &v->key_id) != 0 ||
	    parse_type_key(vkey + p2 + 1, len - p2 - 1, &v->type, v->pk) != 0)
		return hn_error_set(err, HN_EPARSE, "vkey", NULL,
		    "verifier key is not name+hex(keyid)+base64(type||key)");
	memcpy(v->name, vkey, p1);
	v->name[p1] = '\0';
	if (v->type != HN_NOTE_ED25519 && v->type != HN_NOTE_COSIG_V1)
		return hn_error_set(err, HN_EPARSE, "vkey", NULL,
		    "unsupported verifier key type 0x%02x", v->type);
	if (hn_note_key_id(v->name, v->type, v->pk) != v->key_id)
		return hn_error_set(err, HN_EPARSE, "vkey", NULL,
		    "verifier key ID does not match its name and key");
	return 0;
}

int
hn_note_verifier_format(const struct hn_note_verifier *v, struct hn_buf *out)
{
	char b64[hn_b64_len(33)];
	uint8_t raw[33];

	raw[0] = v->type;
	memcpy(raw + 1, v->pk, 32);
	hn_b64_encode(b64, raw, sizeof(raw));
	return hn_buf_addf(out, "%s+%08" PRIx32 "+%s", v->name, v->key_id, b64);
}

static int
signer_from_seed(struct hn_note_signer *s, const char *name, size_t nlen,
    uint8_t type, const uint8_t seed[32], struct hn_error *err)
{
	memset(s, 0, sizeof(*s));
	if (hn_note_name_valid(name, nlen) != 0)
		return hn_error_set(err, HN_EINVAL, "name", NULL,
		    "invalid key name (empty, spaces or '+')");
	if (type != HN_NOTE_ED25519 && type != HN_NOTE_COSIG_V1)
		return hn_error_set(err, HN_EINVAL, "key", NULL,
		    "unsupported key type 0x%02x", type);
	memcpy(s->name, name, nlen);
	s->name[nlen] = '\0';
	s->type = type;
	hn_ed25519_from_seed(s->pk, s->sk, seed);
	s->key_id = hn_note_key_id(s->name, type, s->pk);
	return 0;
}

int
hn_note_signer_parse(struct hn_note_signer *s, const char *skey, size_t len,
    struct hn_error *err)
{
	uint8_t seed[32], type = 0;
	size_t p1, p2, pl = strlen(PRIVPREFIX);
	uint32_t id;
	int r;

	memset(s, 0, sizeof(*s));
	len = trim_nl(skey, len);
	if (len <= pl || len > 2 * HN_NOTE_NAME_MAX ||
	    memcmp(skey, PRIVPREFIX, pl) != 0)
		return hn_error_set(err, HN_EPARSE, "key", NULL,
		    "private key does not start with PRIVATE+KEY+");
	skey += pl;
	len -= pl;
	if (split3(skey, len, &p1, &p2) != 0 ||
	    parse_hex_id(skey + p1 + 1, p2 - p1 - 1, &id) != 0 ||
	    parse_type_key(skey + p2 + 1, len - p2 - 1, &type, seed) != 0)
		return hn_error_set(err, HN_EPARSE, "key", NULL,
		    "private key is not PRIVATE+KEY+name+hex(keyid)+"
		    "base64(type||seed)");
	r = signer_from_seed(s, skey, p1, type, seed, err);
	hn_wipe(seed, sizeof(seed));
	if (r != 0)
		return r;
	if (s->key_id != id) {
		hn_note_signer_wipe(s);
		return hn_error_set(err, HN_EPARSE, "key", NULL,
		    "private key ID does not match its name and key");
	}
	return 0;
}

int
hn_note_signer_format(const struct hn_note_signer *s, struct hn_buf *out)
{
	char b64[hn_b64_len(33)];
	uint8_t raw[33];
	int r;

	raw[0] = s->type;
	memcpy(raw + 1, s->sk, 32); /* the seed */
	hn_b64_encode(b64, raw, sizeof(raw));
	r = hn_buf_addf(out, PRIVPREFIX "%s+%08" PRIx32 "+%s", s->name,
	    s->key_id, b64);
	hn_wipe(raw, sizeof(raw));
	hn_wipe(b64, sizeof(b64));
	return r;
}

int
hn_note_signer_generate(struct hn_note_signer *s, const char *name,
    uint8_t type, struct hn_error *err)
{
	uint8_t seed[32];
	int r;

	hn_random(seed, sizeof(seed));
	r = signer_from_seed(s, name, strlen(name), type, seed, err);
	hn_wipe(seed, sizeof(seed));
	return r;
}

int
hn_note_signer_from_sk(struct hn_note_signer *s, const char *name, uint8_t type,
    const uint8_t sk[HN_ED25519_SK_LEN], struct hn_error *err)
{
	int r = signer_from_seed(s, name, strlen(name), type, sk, err);

	if (r == 0 && hn_memeq_ct(s->pk, sk + 32, HN_ED25519_PK_LEN) != 0) {
		hn_note_signer_wipe(s);
		return hn_error_set(err, HN_EINVAL, "key", NULL,
		    "secret key and public key do not match");
	}
	return r;
}

void
hn_note_signer_verifier(const struct hn_note_signer *s,
    struct hn_note_verifier *v)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->name, s->name, sizeof(v->name));
	v->key_id = s->key_id;
	v->type = s->type;
	memcpy(v->pk, s->pk, sizeof(v->pk));
}

void
hn_note_signer_wipe(struct hn_note_signer *s)
{
	if (s != NULL)
		hn_wipe(s, sizeof(*s));
}
