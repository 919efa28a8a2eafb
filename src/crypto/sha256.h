/*
 * sha256.h - SHA-256 via OpenSSL's EVP (hardware-accelerated: SHA-NI or
 * AVX2), context reused across messages. The only SHA-256 of hanoinet.
 *
 * struct hn_sha256 is opaque-ish: init before use, release after. Reusing
 * one context for many small messages (Merkle leaves) avoids an allocation
 * per hash.
 */
#ifndef HN_CRYPTO_SHA256_H
#define HN_CRYPTO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define HN_SHA256_LEN 32

struct hn_sha256 {
	void *ctx; /* EVP_MD_CTX */
};

int hn_sha256_init(struct hn_sha256 *h) __attribute__((warn_unused_result));
/* Starts a new message on an initialised context. */
void hn_sha256_reset(struct hn_sha256 *h);
void hn_sha256_update(struct hn_sha256 *h, const void *p, size_t n);
/* Writes the digest; the context must be reset before the next message. */
void hn_sha256_final(struct hn_sha256 *h, uint8_t out[HN_SHA256_LEN]);
void hn_sha256_release(struct hn_sha256 *h);

/* One-shot convenience (allocates a context; use the above in loops). */
void hn_sha256(const void *p, size_t n, uint8_t out[HN_SHA256_LEN]);

#endif
