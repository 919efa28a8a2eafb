#include "crypto/sha256.h"

#include <openssl/evp.h>
#include <stdlib.h>

#include "util/err.h"

int
hn_sha256_init(struct hn_sha256 *h)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c == NULL)
		return HN_ENOMEM;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return HN_ECRYPTO;
	}
	h->ctx = c;
	return 0;
}

void
hn_sha256_reset(struct hn_sha256 *h)
{
	if (EVP_DigestInit_ex(h->ctx, NULL, NULL) != 1)
		abort(); /* cannot fail for an initialised context */
}

void
hn_sha256_update(struct hn_sha256 *h, const void *p, size_t n)
{
	if (EVP_DigestUpdate(h->ctx, p, n) != 1)
		abort();
}

void
hn_sha256_final(struct hn_sha256 *h, uint8_t out[HN_SHA256_LEN])
{
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(h->ctx, out, &len) != 1 || len != HN_SHA256_LEN)
		abort();
}

void
hn_sha256_release(struct hn_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void
hn_sha256(const void *p, size_t n, uint8_t out[HN_SHA256_LEN])
{
	unsigned int len = 0;

	if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1)
		abort();
}
