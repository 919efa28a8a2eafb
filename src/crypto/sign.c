#include "crypto/sign.h"

#include <sodium.h>

#include "util/err.h"

int
hn_crypto_init(void)
{
	return sodium_init() < 0 ? HN_ECRYPTO : 0;
}

void
hn_ed25519_keypair(uint8_t pk[HN_ED25519_PK_LEN], uint8_t sk[HN_ED25519_SK_LEN])
{
	crypto_sign_ed25519_keypair(pk, sk);
}

void
hn_ed25519_from_seed(uint8_t pk[HN_ED25519_PK_LEN],
    uint8_t sk[HN_ED25519_SK_LEN], const uint8_t seed[HN_ED25519_SEED_LEN])
{
	crypto_sign_ed25519_seed_keypair(pk, sk, seed);
}

void
hn_ed25519_sign(uint8_t sig[HN_ED25519_SIG_LEN], const void *msg, size_t len,
    const uint8_t sk[HN_ED25519_SK_LEN])
{
	crypto_sign_ed25519_detached(sig, NULL, msg, len, sk);
}

int
hn_ed25519_verify(const uint8_t sig[HN_ED25519_SIG_LEN], const void *msg,
    size_t len, const uint8_t pk[HN_ED25519_PK_LEN])
{
	return crypto_sign_ed25519_verify_detached(sig, msg, len, pk) == 0 ?
	    0 :
	    HN_EVERIFY;
}

void
hn_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

uint32_t
hn_random_uniform(uint32_t upper)
{
	return randombytes_uniform(upper);
}

int
hn_memeq_ct(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0 ? 0 : -1;
}

void
hn_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}
