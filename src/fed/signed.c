#include "fed/signed.h"

#include <stdio.h>
#include <string.h>

#include "crypto/sha256.h"
#include "ledger/note.h"
#include "util/encode.h"

#define SIG_B64_LEN 88 /* base64 of 64 bytes, padded */

int
hn_signer_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > HN_SIGNER_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || c == '+')
			return 0;
	}
	return 1;
}

static int
type_valid(const char *s, size_t len)
{
	return (len == strlen(HN_SIGNED_DIRECTORY) &&
		   memcmp(s, HN_SIGNED_DIRECTORY, len) == 0) ||
	    (len == strlen(HN_SIGNED_ENVELOPE) &&
		memcmp(s, HN_SIGNED_ENVELOPE, len) == 0) ||
	    (len == strlen(HN_SIGNED_RECEIPT) &&
		memcmp(s, HN_SIGNED_RECEIPT, len) == 0) ||
	    (len == strlen(HN_SIGNED_EVIDENCE) &&
		memcmp(s, HN_SIGNED_EVIDENCE, len) == 0);
}

int
hn_signed_parse(struct hn_signed *out, const char *data, size_t len, size_t max,
    struct hn_error *err)
{
	const char *nl, *sp1, *sp2, *end;
	size_t hlen;

	memset(out, 0, sizeof(*out));
	if (len > max)
		return hn_error_set(err, HN_ETOOBIG, NULL, NULL,
		    "signed object of %zu bytes exceeds %zu", len, max);
	/* The header is short: look for its end in the first 256 bytes. */
	hlen = len < 256 ? len : 256;
	if ((nl = memchr(data, '\n', hlen)) == NULL)
		return hn_error_set(err, HN_EPARSE, "header", NULL,
		    "no header line");
	if ((sp1 = memchr(data, ' ', (size_t)(nl - data))) == NULL ||
	    (sp2 = memchr(sp1 + 1, ' ', (size_t)(nl - sp1 - 1))) == NULL)
		return hn_error_set(err, HN_EPARSE, "header", NULL,
		    "header is not TYPE SIGNER SIGNATURE");
	if (!type_valid(data, (size_t)(sp1 - data)))
		return hn_error_set(err, HN_EPARSE, "type", NULL,
		    "unknown signed object type");
	memcpy(out->type, data, (size_t)(sp1 - data));
	if (!hn_signer_valid(sp1 + 1, (size_t)(sp2 - sp1 - 1)))
		return hn_error_set(err, HN_EPARSE, "signer", NULL,
		    "bad signer name");
	memcpy(out->signer, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	end = nl;
	if ((size_t)(end - sp2 - 1) != SIG_B64_LEN ||
	    hn_b64_decode(out->sig, sizeof(out->sig), sp2 + 1, SIG_B64_LEN) !=
		HN_ED25519_SIG_LEN)
		return hn_error_set(err, HN_EPARSE, "signature", NULL,
		    "signature is not base64 of 64 bytes");
	out->payload = nl + 1;
	out->payload_len = len - (size_t)(nl + 1 - data);
	return 0;
}

/* The message the signature covers: TYPE LF SIGNER LF PAYLOAD. */
static int
signed_message(struct hn_buf *m, const char *type, const char *signer,
    const void *payload, size_t len)
{
	int r;

	if ((r = hn_buf_adds(m, type)) < 0 ||
	    (r = hn_buf_add(m, "\n", 1)) < 0 ||
	    (r = hn_buf_adds(m, signer)) < 0 ||
	    (r = hn_buf_add(m, "\n", 1)) < 0 ||
	    (r = hn_buf_add(m, payload, len)) < 0)
		return r;
	return 0;
}

int
hn_signed_open(struct hn_signed *out, const char *type, const char *data,
    size_t len, size_t max, const uint8_t pk[HN_ED25519_PK_LEN],
    struct hn_error *err)
{
	struct hn_buf m = HN_BUF_INIT(max + 512);
	int r;

	if ((r = hn_signed_parse(out, data, len, max, err)) < 0)
		goto out;
	if (strcmp(out->type, type) != 0) {
		r = hn_error_set(err, HN_EPARSE, "type", NULL,
		    "expected a %s, got a %s", type, out->type);
		goto out;
	}
	if ((r = signed_message(&m, out->type, out->signer, out->payload,
		 out->payload_len)) < 0) {
		hn_error_set(err, r, NULL, NULL, "out of memory");
		goto out;
	}
	if (hn_ed25519_verify(out->sig, m.data, m.len, pk) != 0) {
		r = hn_error_set(err, HN_EVERIFY, "signature", NULL,
		    "signature by %s does not verify", out->signer);
		goto out;
	}
	r = 0;
out:
	hn_buf_release(&m);
	return r;
}

int
hn_signed_make(struct hn_buf *out, const char *type, const char *signer,
    const void *payload, size_t len, const uint8_t sk[HN_ED25519_SK_LEN])
{
	struct hn_buf m = HN_BUF_INIT(len + 512);
	uint8_t sig[HN_ED25519_SIG_LEN];
	char b64[hn_b64_len(HN_ED25519_SIG_LEN)];
	int r;

	if (!type_valid(type, strlen(type)) ||
	    !hn_signer_valid(signer, strlen(signer)))
		return HN_EINVAL;
	if ((r = signed_message(&m, type, signer, payload, len)) < 0)
		goto out;
	hn_ed25519_sign(sig, m.data, m.len, sk);
	hn_b64_encode(b64, sig, sizeof(sig));
	if ((r = hn_buf_addf(out, "%s %s %s\n", type, signer, b64)) < 0 ||
	    (r = hn_buf_add(out, payload, len)) < 0)
		goto out;
	r = 0;
out:
	hn_buf_release(&m);
	return r;
}

/*
 * The key encodings are the ledger's (ledger/note.h); these wrappers only
 * restrict them to Ed25519 note keys (type 0x01) with ASCII names that fit
 * a signed object's header.
 */
static int
name_out(const char *nm, char *name, struct hn_error *err)
{
	if (!hn_signer_valid(nm, strlen(nm)))
		return hn_error_set(err, HN_EPARSE, "key", NULL,
		    "key name must be printable ASCII of at most %d bytes",
		    HN_SIGNER_MAX);
	if (name != NULL)
		memcpy(name, nm, strlen(nm) + 1);
	return 0;
}

int
hn_vkey_format(char *out, size_t outsz, const char *name,
    const uint8_t pk[HN_ED25519_PK_LEN])
{
	struct hn_note_verifier v;
	struct hn_buf b = HN_BUF_INIT(HN_VKEY_MAX);
	int r;

	if (!hn_signer_valid(name, strlen(name)))
		return HN_EINVAL;
	memset(&v, 0, sizeof(v));
	memcpy(v.name, name, strlen(name) + 1);
	v.type = HN_NOTE_ED25519;
	memcpy(v.pk, pk, HN_ED25519_PK_LEN);
	v.key_id = hn_note_key_id(v.name, v.type, v.pk);
	if ((r = hn_note_verifier_format(&v, &b)) == 0) {
		if (b.len >= outsz)
			r = HN_ETOOBIG;
		else
			memcpy(out, b.data, b.len + 1);
	}
	hn_buf_release(&b);
	return r;
}

int
hn_vkey_parse(const char *vkey, char *name, uint8_t pk[HN_ED25519_PK_LEN],
    struct hn_error *err)
{
	struct hn_note_verifier v;
	int r;

	if (strlen(vkey) > HN_VKEY_MAX)
		return hn_error_set(err, HN_ETOOBIG, "key", NULL,
		    "verifier key too long");
	if ((r = hn_note_verifier_parse(&v, vkey, strlen(vkey), err)) < 0)
		return r;
	if (v.type != HN_NOTE_ED25519)
		return hn_error_set(err, HN_EPARSE, "key", NULL,
		    "not an Ed25519 note key (type 0x01)");
	if ((r = name_out(v.name, name, err)) < 0)
		return r;
	memcpy(pk, v.pk, HN_ED25519_PK_LEN);
	return 0;
}

int
hn_skey_parse(const char *line, size_t len, char *name,
    uint8_t sk[HN_ED25519_SK_LEN], uint8_t pk[HN_ED25519_PK_LEN],
    struct hn_error *err)
{
	struct hn_note_signer s;
	int r;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if ((r = hn_note_signer_parse(&s, line, len, err)) < 0)
		goto out;
	if (s.type != HN_NOTE_ED25519) {
		r = hn_error_set(err, HN_EPARSE, "key", NULL,
		    "not an Ed25519 note key (type 0x01)");
		goto out;
	}
	if ((r = name_out(s.name, name, err)) < 0)
		goto out;
	memcpy(sk, s.sk, HN_ED25519_SK_LEN);
	memcpy(pk, s.pk, HN_ED25519_PK_LEN);
	r = 0;
out:
	hn_note_signer_wipe(&s);
	return r;
}

int
hn_skey_format(struct hn_buf *out, const char *name,
    const uint8_t seed[HN_ED25519_SEED_LEN])
{
	uint8_t pk[HN_ED25519_PK_LEN], sk[HN_ED25519_SK_LEN];
	struct hn_note_signer s;
	int r;

	if (!hn_signer_valid(name, strlen(name)))
		return HN_EINVAL;
	hn_ed25519_from_seed(pk, sk, seed);
	memset(&s, 0, sizeof(s));
	if ((r = hn_note_signer_from_sk(&s, name, HN_NOTE_ED25519, sk, NULL)) ==
		0 &&
	    (r = hn_note_signer_format(&s, out)) == 0)
		r = hn_buf_add(out, "\n", 1);
	hn_note_signer_wipe(&s);
	hn_wipe(sk, sizeof(sk));
	return r;
}
