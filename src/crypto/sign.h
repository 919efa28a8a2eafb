/*
 * sign.h - Ed25519 signatures (libsodium), randomness and constant-time
 * comparison. Secret keys are 64 bytes (seed || public key) as in libsodium;
 * callers wipe them with hn_wipe when done.
 */
#ifndef HN_CRYPTO_SIGN_H
#define HN_CRYPTO_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define HN_ED25519_PK_LEN 32
#define HN_ED25519_SK_LEN 64
#define HN_ED25519_SEED_LEN 32
#define HN_ED25519_SIG_LEN 64

/* Initialises libsodium; call once at start (idempotent, thread-safe). */
int hn_crypto_init(void) __attribute__((warn_unused_result));

void hn_ed25519_keypair(uint8_t pk[HN_ED25519_PK_LEN],
    uint8_t sk[HN_ED25519_SK_LEN]);
void hn_ed25519_from_seed(uint8_t pk[HN_ED25519_PK_LEN],
    uint8_t sk[HN_ED25519_SK_LEN], const uint8_t seed[HN_ED25519_SEED_LEN]);
void hn_ed25519_sign(uint8_t sig[HN_ED25519_SIG_LEN], const void *msg,
    size_t len, const uint8_t sk[HN_ED25519_SK_LEN]);
/* 0 if valid, HN_EVERIFY otherwise. */
int hn_ed25519_verify(const uint8_t sig[HN_ED25519_SIG_LEN], const void *msg,
    size_t len, const uint8_t pk[HN_ED25519_PK_LEN])
    __attribute__((warn_unused_result));

void hn_random(void *buf, size_t n);
/* Uniform in [0, upper). */
uint32_t hn_random_uniform(uint32_t upper);
/* 0 if equal; constant time in n. */
int hn_memeq_ct(const void *a, const void *b, size_t n)
    __attribute__((warn_unused_result));
void hn_wipe(void *p, size_t n);

#endif
