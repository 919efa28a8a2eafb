/*
 * wallet.h - format checks for the wallet addresses and transaction ids a
 * tracing, freezing or seizure request may list (issue 19). The node does
 * not look anything up on a chain: it refuses text that cannot be an
 * address of the chain named, using the chain's own checksum, so that a
 * typing error is caught at the sender and not after a freeze on the
 * wrong wallet.
 *
 * Chains ("chain" field, exact): "bitcoin" (base58check P2PKH version 0x00,
 * P2SH 0x05; segwit "bc" in bech32 for v0 and bech32m for v1-16, BIP-173,
 * BIP-350), "bitcoin-testnet" (0x6f, 0xc4, "tb"), "ethereum" ("0x" + 40 hex;
 * mixed case must carry the EIP-55 checksum; all lower or all upper case is
 * accepted without one, as EIP-55 says). Any other chain is HN_EINVAL on the
 * chain field. All inputs are NUL-terminated; longer than
 * HN_WALLET_TEXT_MAX is HN_EPARSE. Nothing allocates.
 */
#ifndef HN_CORE_WALLET_H
#define HN_CORE_WALLET_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define HN_WALLET_TEXT_MAX 90 /* the bech32 limit; longer than any address */
#define HN_BECH32_HRP_MAX 84
#define HN_BECH32_DATA_MAX 90
#define HN_SEGWIT_PROG_MAX 40

enum hn_bech32_enc { HN_BECH32 = 1, HN_BECH32M = 2 };

/*
 * 0 if address is an address of chain; HN_EINVAL (unknown chain, field
 * chain_field) or HN_EPARSE (field address_field, message names the check
 * that failed). err may be NULL.
 */
int hn_wallet_check(const char *chain, const char *address,
    const char *chain_field, const char *address_field, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * 0 if txid is a transaction id of chain: 64 hex digits (bitcoin), "0x" and
 * 64 hex digits (ethereum, the "0x" optional); HN_EINVAL / HN_EPARSE as above.
 */
int hn_txid_check(const char *chain, const char *txid, const char *chain_field,
    const char *txid_field, struct hn_error *err)
    __attribute__((warn_unused_result));

/* The pieces, exposed for the specifications' own test vectors. */

/* A bech32 or bech32m string: *enc, the lower-case hrp, the 5-bit data
 * without the checksum. HN_EPARSE if it is neither. */
int hn_bech32_decode(const char *s, enum hn_bech32_enc *enc,
    char hrp[HN_BECH32_HRP_MAX + 1], uint8_t data[HN_BECH32_DATA_MAX],
    size_t *dlen) __attribute__((warn_unused_result));
/* A segwit address of hrp: version 0-16 and program (BIP-173, BIP-350). */
int hn_segwit_decode(const char *hrp, const char *addr, int *version,
    uint8_t prog[HN_SEGWIT_PROG_MAX], size_t *plen)
    __attribute__((warn_unused_result));
/* A base58check string of exactly 25 bytes (version, 20-byte hash, 4-byte
 * checksum); *version set. HN_EPARSE or HN_EVERIFY (checksum). */
int hn_base58check_decode(const char *s, uint8_t *version)
    __attribute__((warn_unused_result));
/* "0x" + 40 hex with a valid EIP-55 checksum, or one case only. */
int hn_eip55_check(const char *addr) __attribute__((warn_unused_result));

#endif
