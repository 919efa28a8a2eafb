/*
 * digest.h - the legacy digests some forensic tools still want next to
 * SHA-256 (SHA-1, MD5), via OpenSSL EVP. Informational only: hanoinet never
 * relies on them for integrity (addresses and proofs are SHA-256).
 */
#ifndef HN_CRYPTO_DIGEST_H
#define HN_CRYPTO_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum hn_digest_alg { HN_DIGEST_SHA1 = 1, HN_DIGEST_MD5 = 2 };

#define HN_DIGEST_MAX_LEN 20

struct hn_digest {
	void *ctx; /* EVP_MD_CTX */
	enum hn_digest_alg alg;
};

int hn_digest_init(struct hn_digest *d, enum hn_digest_alg alg)
    __attribute__((warn_unused_result));
void hn_digest_update(struct hn_digest *d, const void *p, size_t n);
/* Writes the digest (20 bytes for SHA-1, 16 for MD5) and returns its length. */
size_t hn_digest_final(struct hn_digest *d, uint8_t out[HN_DIGEST_MAX_LEN]);
/* NULL context is a no-op. */
void hn_digest_release(struct hn_digest *d);

#endif
