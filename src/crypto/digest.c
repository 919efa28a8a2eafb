#include "crypto/digest.h"

#include <openssl/evp.h>
#include <stdlib.h>

#include "util/err.h"

int
hn_digest_init(struct hn_digest *d, enum hn_digest_alg alg)
{
	const EVP_MD *md;
	EVP_MD_CTX *c;

	d->ctx = NULL;
	d->alg = alg;
	if (alg == HN_DIGEST_SHA1)
		md = EVP_sha1();
	else if (alg == HN_DIGEST_MD5)
		md = EVP_md5();
	else
		return HN_EINVAL;
	if ((c = EVP_MD_CTX_new()) == NULL)
		return HN_ENOMEM;
	if (EVP_DigestInit_ex(c, md, NULL) != 1) {
		EVP_MD_CTX_free(c);
		return HN_ECRYPTO;
	}
	d->ctx = c;
	return 0;
}

void
hn_digest_update(struct hn_digest *d, const void *p, size_t n)
{
	if (EVP_DigestUpdate(d->ctx, p, n) != 1)
		abort();
}

size_t
hn_digest_final(struct hn_digest *d, uint8_t out[HN_DIGEST_MAX_LEN])
{
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(d->ctx, out, &len) != 1)
		abort();
	return len;
}

void
hn_digest_release(struct hn_digest *d)
{
	if (d->ctx != NULL)
		EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}
