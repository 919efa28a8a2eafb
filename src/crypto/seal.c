#include "crypto/seal.h"

#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "util/err.h"

_Static_assert(crypto_box_SEALBYTES + HN_SEAL_KEY_LEN == 80, "SEALBYTES");

#define OFF_CHUNK 8
#define OFF_RCPT 12
#define OFF_WRAP 44
#define AD_LEN 12 /* magic + chunk size, authenticated by the first chunk */
#define TAG_LEN 16

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* STREAM nonce: BE64(counter) || 00 00 00 || last. */
static void
nonce(uint8_t n[12], uint64_t counter, int last)
{
	int i;

	for (i = 0; i < 8; i++)
		n[i] = (uint8_t)(counter >> (56 - 8 * i));
	n[8] = n[9] = n[10] = 0;
	n[11] = last ? 1 : 0;
}

int
hn_seal_keys_from_ed25519(struct hn_seal_keys *k, const uint8_t ed_sk[64])
{
	memcpy(k->ed_pk, ed_sk + 32, 32);
	if (crypto_sign_ed25519_sk_to_curve25519(k->x_sk, ed_sk) != 0 ||
	    crypto_sign_ed25519_pk_to_curve25519(k->x_pk, k->ed_pk) != 0) {
		hn_seal_keys_wipe(k);
		return HN_ECRYPTO;
	}
	return 0;
}

void
hn_seal_keys_wipe(struct hn_seal_keys *k)
{
	sodium_memzero(k, sizeof(*k));
}

static int
wrap_key(uint8_t wrapped[80], const uint8_t key[HN_SEAL_KEY_LEN],
    const uint8_t recipient_ed_pk[32])
{
	uint8_t xpk[32];

	if (crypto_sign_ed25519_pk_to_curve25519(xpk, recipient_ed_pk) != 0)
		return HN_EINVAL;
	if (crypto_box_seal(wrapped, key, HN_SEAL_KEY_LEN, xpk) != 0)
		return HN_ECRYPTO;
	return 0;
}

static int
unwrap_key(uint8_t key[HN_SEAL_KEY_LEN],
    const uint8_t header[HN_SEAL_HEADER_LEN], const struct hn_seal_keys *k)
{
	if (sodium_memcmp(header + OFF_RCPT, k->ed_pk, 32) != 0)
		return HN_EVERIFY;
	if (crypto_box_seal_open(key, header + OFF_WRAP, 80, k->x_pk,
		k->x_sk) != 0)
		return HN_EVERIFY;
	return 0;
}

static void *
new_ctx(int enc, const uint8_t key[HN_SEAL_KEY_LEN])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	if (c == NULL)
		return NULL;
	if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) !=
		1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1 ||
	    EVP_CipherInit_ex(c, NULL, NULL, key, NULL, enc) != 1) {
		EVP_CIPHER_CTX_free(c);
		return NULL;
	}
	return c;
}

int
hn_seal_header_parse(const uint8_t header[HN_SEAL_HEADER_LEN], uint32_t *chunk,
    uint8_t recipient_ed_pk[32])
{
	uint32_t c;

	if (memcmp(header, HN_SEAL_MAGIC, 8) != 0)
		return HN_EPARSE;
	c = get32(header + OFF_CHUNK);
	if (c < HN_SEAL_CHUNK_MIN || c > HN_SEAL_CHUNK_MAX)
		return HN_EPARSE;
	if (chunk != NULL)
		*chunk = c;
	if (recipient_ed_pk != NULL)
		memcpy(recipient_ed_pk, header + OFF_RCPT, 32);
	return 0;
}

int
hn_seal_enc_init(struct hn_seal_enc *e, uint8_t header[HN_SEAL_HEADER_LEN],
    const uint8_t recipient_ed_pk[32], uint32_t chunk)
{
	int r;

	memset(e, 0, sizeof(*e));
	if (chunk < HN_SEAL_CHUNK_MIN || chunk > HN_SEAL_CHUNK_MAX)
		return HN_EINVAL;
	memcpy(header, HN_SEAL_MAGIC, 8);
	put32(header + OFF_CHUNK, chunk);
	memcpy(header + OFF_RCPT, recipient_ed_pk, 32);
	randombytes_buf(e->key, sizeof(e->key));
	if ((r = wrap_key(header + OFF_WRAP, e->key, recipient_ed_pk)) != 0)
		goto out;
	if ((e->ctx = new_ctx(1, e->key)) == NULL) {
		r = HN_ECRYPTO;
		goto out;
	}
	e->chunk = chunk;
	r = 0;
out:
	if (r != 0)
		hn_seal_enc_wipe(e);
	return r;
}

int
hn_seal_enc_chunk(struct hn_seal_enc *e, uint8_t *out, const uint8_t *in,
    size_t n, int final)
{
	uint8_t iv[12], ad[AD_LEN];
	int len = 0;

	if (e->done || e->chunk == 0 || e->ctx == NULL)
		return HN_ESTATE;
	if (final ? n >= e->chunk : n != e->chunk)
		return HN_EINVAL;
	nonce(iv, e->nchunks, final);
	if (EVP_EncryptInit_ex(e->ctx, NULL, NULL, NULL, iv) != 1)
		return HN_ECRYPTO;
	if (e->nchunks == 0) {
		memcpy(ad, HN_SEAL_MAGIC, 8);
		put32(ad + 8, e->chunk);
		if (EVP_EncryptUpdate(e->ctx, NULL, &len, ad, AD_LEN) != 1)
			return HN_ECRYPTO;
	}
	if (n > 0 &&
	    (EVP_EncryptUpdate(e->ctx, out, &len, in, (int)n) != 1 ||
		(size_t)len != n))
		return HN_ECRYPTO;
	if (EVP_EncryptFinal_ex(e->ctx, out + n, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(e->ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
		out + n) != 1)
		return HN_ECRYPTO;
	e->nchunks++;
	if (final)
		e->done = 1;
	return 0;
}

void
hn_seal_enc_wipe(struct hn_seal_enc *e)
{
	if (e->ctx != NULL)
		EVP_CIPHER_CTX_free(e->ctx);
	sodium_memzero(e, sizeof(*e));
}

int
hn_seal_dec_init(struct hn_seal_dec *d,
    const uint8_t header[HN_SEAL_HEADER_LEN], const struct hn_seal_keys *k)
{
	uint32_t chunk;
	int r;

	memset(d, 0, sizeof(*d));
	if ((r = hn_seal_header_parse(header, &chunk, NULL)) != 0)
		return r;
	if ((r = unwrap_key(d->key, header, k)) != 0)
		goto out;
	if ((d->ctx = new_ctx(0, d->key)) == NULL) {
		r = HN_ECRYPTO;
		goto out;
	}
	d->chunk = chunk;
	r = 0;
out:
	if (r != 0)
		hn_seal_dec_wipe(d);
	return r;
}

int
hn_seal_dec_chunk(struct hn_seal_dec *d, uint8_t *out, size_t *outlen,
    const uint8_t *in, size_t inlen, int *final)
{
	uint8_t iv[12], ad[AD_LEN], tag[TAG_LEN];
	size_t n;
	int len = 0, last;

	*outlen = 0;
	*final = 0;
	if (d->done || d->chunk == 0 || d->ctx == NULL)
		return HN_ESTATE;
	if (inlen < HN_SEAL_ABYTES || inlen > (size_t)d->chunk + HN_SEAL_ABYTES)
		return HN_EVERIFY;
	n = inlen - HN_SEAL_ABYTES;
	last = n < d->chunk; /* a full chunk is never the last one */
	nonce(iv, d->nchunks, last);
	memcpy(tag, in + n, TAG_LEN);
	if (EVP_DecryptInit_ex(d->ctx, NULL, NULL, NULL, iv) != 1)
		return HN_ECRYPTO;
	if (d->nchunks == 0) {
		memcpy(ad, HN_SEAL_MAGIC, 8);
		put32(ad + 8, d->chunk);
		if (EVP_DecryptUpdate(d->ctx, NULL, &len, ad, AD_LEN) != 1)
			return HN_ECRYPTO;
	}
	if (n > 0 &&
	    (EVP_DecryptUpdate(d->ctx, out, &len, in, (int)n) != 1 ||
		(size_t)len != n))
		return HN_EVERIFY;
	if (EVP_CIPHER_CTX_ctrl(d->ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) !=
	    1)
		return HN_ECRYPTO;
	if (EVP_DecryptFinal_ex(d->ctx, out + n, &len) != 1) {
		sodium_memzero(out,
		    n); /* never hand out unauthenticated data */
		return HN_EVERIFY;
	}
	d->nchunks++;
	if (last) {
		d->done = 1;
		*final = 1;
	}
	*outlen = n;
	return 0;
}

int
hn_seal_dec_to_enc(struct hn_seal_enc *e, const struct hn_seal_dec *d)
{
	if (d->done || d->chunk == 0)
		return HN_ESTATE;
	memset(e, 0, sizeof(*e));
	memcpy(e->key, d->key, sizeof(e->key));
	if ((e->ctx = new_ctx(1, e->key)) == NULL) {
		hn_seal_enc_wipe(e);
		return HN_ECRYPTO;
	}
	e->chunk = d->chunk;
	e->nchunks = d->nchunks;
	return 0;
}

void
hn_seal_dec_wipe(struct hn_seal_dec *d)
{
	if (d->ctx != NULL)
		EVP_CIPHER_CTX_free(d->ctx);
	sodium_memzero(d, sizeof(*d));
}

int
hn_seal_rewrap(uint8_t out[HN_SEAL_HEADER_LEN],
    const uint8_t in[HN_SEAL_HEADER_LEN], const struct hn_seal_keys *k,
    const uint8_t recipient_ed_pk[32])
{
	uint8_t key[HN_SEAL_KEY_LEN];
	uint8_t tmp[HN_SEAL_HEADER_LEN];
	int r;

	if ((r = hn_seal_header_parse(in, NULL, NULL)) != 0)
		return r;
	if ((r = unwrap_key(key, in, k)) != 0)
		goto out;
	memcpy(tmp, in, HN_SEAL_HEADER_LEN);
	memcpy(tmp + OFF_RCPT, recipient_ed_pk, 32);
	if ((r = wrap_key(tmp + OFF_WRAP, key, recipient_ed_pk)) != 0)
		goto out;
	memcpy(out, tmp, HN_SEAL_HEADER_LEN);
	r = 0;
out:
	sodium_memzero(key, sizeof(key));
	return r;
}

uint64_t
hn_seal_stream_size(uint64_t n, uint32_t chunk)
{
	uint64_t full = n / chunk;

	return HN_SEAL_HEADER_LEN + full * ((uint64_t)chunk + HN_SEAL_ABYTES) +
	    (n % chunk) + HN_SEAL_ABYTES;
}
