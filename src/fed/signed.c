#include "fed/signed.h"

#include <stdio.h>
#include <string.h>

#include "crypto/sha256.h"
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
	    memcmp(s, HN_SIGNED_RECEIPT, len) == 0);
}

int
hn_signed_parse(struct hn_signed *out, const char *data, size_t len,
    size_t max, struct hn_error *err)
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
	    hn_b64_decode(out->sig, sizeof(out->sig), sp2 + 1,
	    SIG_B64_LEN) != HN_ED25519_SIG_LEN)
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

	if ((r = hn_buf_adds(m, type)) < 0 || (r = hn_buf_add(m, "\n", 1)) < 0 ||
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

static void
key_id(uint8_t id[4], const char *name, const uint8_t pk[HN_ED25519_PK_LEN])
{
	struct hn_buf m = HN_BUF_INIT(HN_SIGNER_MAX + 64);
	uint8_t h[HN_SHA256_LEN];

	/* Sizes are bounded by the callers (name checked), so these fit. */
	(void)hn_buf_adds(&m, name);
	(void)hn_buf_add(&m, "\n\x01", 2);
	(void)hn_buf_add(&m, pk, HN_ED25519_PK_LEN);
	hn_sha256(m.data, m.len, h);
	memcpy(id, h, 4);
	hn_buf_release(&m);
}

int
hn_vkey_format(char *out, size_t outsz, const char *name,
    const uint8_t pk[HN_ED25519_PK_LEN])
{
	uint8_t id[4], raw[1 + HN_ED25519_PK_LEN];
	char hex[hn_hex_len(4)], b64[hn_b64_len(sizeof(raw))];
	int n;

	if (!hn_signer_valid(name, strlen(name)))
		return HN_EINVAL;
	key_id(id, name, pk);
	hn_hex_encode(hex, id, 4);
	raw[0] = 0x01;
	memcpy(raw + 1, pk, HN_ED25519_PK_LEN);
	hn_b64_encode(b64, raw, sizeof(raw));
	n = snprintf(out, outsz, "%s+%s+%s", name, hex, b64);
	if (n < 0 || (size_t)n >= outsz)
		return HN_ETOOBIG;
	return 0;
}

/* Splits "NAME+HEX8+B64" and checks the key ID against the key. */
static int
parse_key_parts(const char *s, size_t len, char *name, uint8_t raw[33],
    struct hn_error *err)
{
	const char *p1, *p2;
	uint8_t id[4];
	size_t nlen;

	/* Names and hex have no '+'; base64 may. */
	if ((p1 = memchr(s, '+', len)) == NULL ||
	    (p2 = memchr(p1 + 1, '+', len - (size_t)(p1 + 1 - s))) == NULL)
		return hn_error_set(err, HN_EPARSE, "key", NULL,
		    "key is not NAME+ID+KEY");
	nlen = (size_t)(p1 - s);
	if (!hn_signer_valid(s, nlen))
		return hn_error_set(err, HN_EPARSE, "key", NULL,
		    "bad key name");
	if (p2 - p1 - 1 != 8 ||
	    hn_hex_decode(id, sizeof(id), p1 + 1, 8) != 4)
		return hn_error_set(err, HN_EPARSE, "key", NULL,
		    "key ID is not 8 hex digits");
	if (hn_b64_decode(raw, 33, p2 + 1, len - (size_t)(p2 + 1 - s)) != 33 ||
	    raw[0] != 0x01)
		return hn_error_set(err, HN_EPARSE, "key", NULL,
		    "key is not an Ed25519 key (0x01 || 32 bytes)");
	memcpy(name, s, nlen);
	name[nlen] = '\0';
	return (int)nlen; /* offset of the '+' before the key ID */
}

int
hn_vkey_parse(const char *vkey, char *name, uint8_t pk[HN_ED25519_PK_LEN],
    struct hn_error *err)
{
	char nm[HN_SIGNER_MAX + 1];
	uint8_t raw[33], id[4], want[4];
	size_t len = strlen(vkey);
	const char *p1;
	int r;

	if (len > HN_VKEY_MAX)
		return hn_error_set(err, HN_ETOOBIG, "key", NULL,
		    "verifier key too long");
	if ((r = parse_key_parts(vkey, len, nm, raw, err)) < 0)
		return r;
	p1 = vkey + r;
	if (hn_hex_decode(id, sizeof(id), p1 + 1, 8) != 4)
		return hn_error_set(err, HN_EPARSE, "key", NULL, "bad key ID");
	key_id(want, nm, raw + 1);
	if (memcmp(id, want, 4) != 0)
		return hn_error_set(err, HN_EVERIFY, "key", NULL,
		    "key ID does not match the key");
	memcpy(pk, raw + 1, HN_ED25519_PK_LEN);
	if (name != NULL)
		memcpy(name, nm, strlen(nm) + 1);
	return 0;
}

int
hn_skey_parse(const char *line, size_t len, char *name,
    uint8_t sk[HN_ED25519_SK_LEN], uint8_t pk[HN_ED25519_PK_LEN],
    struct hn_error *err)
{
	static const char pfx[] = "PRIVATE+KEY+";
	char nm[HN_SIGNER_MAX + 1];
	uint8_t raw[33], id[4], want[4];
	const char *p1;
	int r;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > HN_VKEY_MAX + sizeof(pfx) || len < sizeof(pfx) ||
	    memcmp(line, pfx, sizeof(pfx) - 1) != 0)
		return hn_error_set(err, HN_EPARSE, "key", NULL,
		    "not a PRIVATE+KEY+ line");
	line += sizeof(pfx) - 1;
	len -= sizeof(pfx) - 1;
	if ((r = parse_key_parts(line, len, nm, raw, err)) < 0)
		goto out;
	p1 = line + r;
	hn_ed25519_from_seed(pk, sk, raw + 1);
	if (hn_hex_decode(id, sizeof(id), p1 + 1, 8) != 4) {
		r = hn_error_set(err, HN_EPARSE, "key", NULL, "bad key ID");
		goto out;
	}
	key_id(want, nm, pk);
	if (memcmp(id, want, 4) != 0) {
		r = hn_error_set(err, HN_EVERIFY, "key", NULL,
		    "key ID does not match the key");
		goto out;
	}
	if (name != NULL)
		memcpy(name, nm, strlen(nm) + 1);
	r = 0;
out:
	hn_wipe(raw, sizeof(raw));
	if (r < 0)
		hn_wipe(sk, HN_ED25519_SK_LEN);
	return r;
}

int
hn_skey_format(struct hn_buf *out, const char *name,
    const uint8_t seed[HN_ED25519_SEED_LEN])
{
	uint8_t pk[HN_ED25519_PK_LEN], sk[HN_ED25519_SK_LEN], id[4];
	uint8_t raw[1 + HN_ED25519_SEED_LEN];
	char hex[hn_hex_len(4)], b64[hn_b64_len(sizeof(raw))];
	int r;

	if (!hn_signer_valid(name, strlen(name)))
		return HN_EINVAL;
	hn_ed25519_from_seed(pk, sk, seed);
	key_id(id, name, pk);
	hn_hex_encode(hex, id, 4);
	raw[0] = 0x01;
	memcpy(raw + 1, seed, HN_ED25519_SEED_LEN);
	hn_b64_encode(b64, raw, sizeof(raw));
	r = hn_buf_addf(out, "PRIVATE+KEY+%s+%s+%s\n", name, hex, b64);
	hn_wipe(sk, sizeof(sk));
	hn_wipe(raw, sizeof(raw));
	hn_wipe(b64, sizeof(b64));
	return r;
}
