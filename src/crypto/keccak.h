/*
 * keccak.h - Keccak-256 as Ethereum uses it (the original Keccak padding
 * 0x01, not the FIPS 202 SHA3-256 padding 0x06). Needed only for the
 * EIP-55 address checksum. OpenSSL 3.0 (Debian 12) offers no KECCAK-256
 * digest (it arrived in 3.2), hence this small implementation.
 * No allocation; cannot fail.
 */
#ifndef HN_CRYPTO_KECCAK_H
#define HN_CRYPTO_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define HN_KECCAK256_LEN 32

void hn_keccak256(const void *p, size_t n, uint8_t out[HN_KECCAK256_LEN]);

#endif
