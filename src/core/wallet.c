/*
 * wallet.c - address and transaction id checks (see wallet.h). Bech32 from
 * BIP-173 (polymod, hrp expansion) with the BIP-350 constant; base58check
 * from the Bitcoin address format (double SHA-256, first 4 bytes); EIP-55
 * from the EIP (Keccak-256 of the lower-case hex, a letter upper case iff
 * its hash nibble is >= 8).
 */
#include <string.h>

#include "core/wallet.h"
#include "crypto/keccak.h"
#include "crypto/sha256.h"

#define BECH32M_CONST 0x2bc830a3u
#define B58_LEN 25

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
static const char b58[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static uint32_t
polymod_step(uint32_t chk, uint8_t v)
{
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
		0x3d4233dd, 0x2a1462b3 };
	uint32_t b = chk >> 25;
	int i;

	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (i = 0; i < 5; i++)
		if ((b >> i) & 1)
			chk ^= gen[i];
	return chk;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
bech32_char(int c)
{
	const char *p = memchr(charset, lower(c), 32);

	return c == 0 || p == NULL ? -1 : (int)(p - charset);
}

int
hn_bech32_decode(const char *s, enum hn_bech32_enc *enc,
    char hrp[HN_BECH32_HRP_MAX + 1], uint8_t data[HN_BECH32_DATA_MAX],
    size_t *dlen)
{
	size_t n, sep, i;
	uint32_t chk = 1;
	int haslow = 0, hasup = 0, v;

	n = strnlen(s, HN_BECH32_DATA_MAX + 1);
	if (n > HN_BECH32_DATA_MAX || n < 8)
		return HN_EPARSE;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return HN_EPARSE;
		haslow |= s[i] >= 'a' && s[i] <= 'z';
		hasup |= s[i] >= 'A' && s[i] <= 'Z';
	}
	if (haslow && hasup)
		return HN_EPARSE;
	for (sep = n; sep > 0 && s[sep - 1] != '1'; sep--)
		;
	if (sep < 2 || n - sep < 6 || sep - 1 > HN_BECH32_HRP_MAX)
		return HN_EPARSE;
	sep--; /* index of the separator */
	for (i = 0; i < sep; i++) {
		hrp[i] = (char)lower(s[i]);
		chk = polymod_step(chk, (uint8_t)(hrp[i] >> 5));
	}
	hrp[sep] = '\0';
	chk = polymod_step(chk, 0);
	for (i = 0; i < sep; i++)
		chk = polymod_step(chk, (uint8_t)(hrp[i] & 31));
	for (i = sep + 1; i < n; i++) {
		if ((v = bech32_char(s[i])) < 0)
			return HN_EPARSE;
		chk = polymod_step(chk, (uint8_t)v);
		if (i < n - 6)
			data[i - sep - 1] = (uint8_t)v;
	}
	if (chk == 1)
		*enc = HN_BECH32;
	else if (chk == BECH32M_CONST)
		*enc = HN_BECH32M;
	else
		return HN_EPARSE;
	*dlen = n - sep - 1 - 6;
	return 0;
}

int
hn_segwit_decode(const char *hrp, const char *addr, int *version,
    uint8_t prog[HN_SEGWIT_PROG_MAX], size_t *plen)
{
	char h[HN_BECH32_HRP_MAX + 1];
	uint8_t d[HN_BECH32_DATA_MAX];
	enum hn_bech32_enc enc;
	size_t dlen, i, out = 0;
	uint32_t acc = 0;
	unsigned bits = 0;

	if (hn_bech32_decode(addr, &enc, h, d, &dlen) != 0 ||
	    strcmp(h, hrp) != 0 || dlen < 1 || d[0] > 16)
		return HN_EPARSE;
	/* 5-bit groups to bytes, no padding added (BIP-173). */
	for (i = 1; i < dlen; i++) {
		acc = ((acc << 5) | d[i]) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (out == HN_SEGWIT_PROG_MAX)
				return HN_EPARSE;
			prog[out++] = (uint8_t)(acc >> bits);
		}
	}
	if (bits >= 5 || ((acc << (8 - bits)) & 0xff) != 0)
		return HN_EPARSE;
	if (out < 2 || (d[0] == 0 && out != 20 && out != 32))
		return HN_EPARSE;
	if ((d[0] == 0) != (enc == HN_BECH32))
		return HN_EPARSE;
	*version = d[0];
	*plen = out;
	return 0;
}

int
hn_base58check_decode(const char *s, uint8_t *version)
{
	uint8_t b[B58_LEN], h[HN_SHA256_LEN];
	size_t n, i, zeros = 0, lead = 0;
	const char *p;
	unsigned carry;
	int j;

	n = strnlen(s, HN_WALLET_TEXT_MAX + 1);
	if (n == 0 || n > 35)
		return HN_EPARSE;
	memset(b, 0, sizeof(b));
	for (i = 0; i < n; i++) {
		if (s[i] == '\0' || (p = memchr(b58, s[i], 58)) == NULL)
			return HN_EPARSE;
		carry = (unsigned)(p - b58);
		for (j = B58_LEN - 1; j >= 0; j--) {
			carry += 58u * b[j];
			b[j] = (uint8_t)carry;
			carry >>= 8;
		}
		if (carry != 0)
			return HN_EPARSE;
	}
	/* Each leading '1' is one leading zero byte, and no more. */
	while (lead < n && s[lead] == '1')
		lead++;
	while (zeros < B58_LEN && b[zeros] == 0)
		zeros++;
	if (lead != zeros)
		return HN_EPARSE;
	hn_sha256(b, B58_LEN - 4, h);
	hn_sha256(h, sizeof(h), h);
	if (memcmp(h, b + B58_LEN - 4, 4) != 0)
		return HN_EVERIFY;
	*version = b[0];
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
hn_eip55_check(const char *addr)
{
	char low[40];
	uint8_t h[HN_KECCAK256_LEN];
	int up = 0, lo = 0, nib, i;

	if (strnlen(addr, 43) != 42 || addr[0] != '0' || addr[1] != 'x')
		return HN_EPARSE;
	for (i = 0; i < 40; i++) {
		if (hexval(addr[2 + i]) < 0)
			return HN_EPARSE;
		up |= addr[2 + i] >= 'A' && addr[2 + i] <= 'F';
		lo |= addr[2 + i] >= 'a' && addr[2 + i] <= 'f';
		low[i] = (char)lower(addr[2 + i]);
	}
	if (!up || !lo)
		return 0;
	hn_keccak256(low, sizeof(low), h);
	for (i = 0; i < 40; i++) {
		if (addr[2 + i] <= '9')
			continue;
		nib = (h[i / 2] >> (i % 2 ? 0 : 4)) & 0xf;
		if ((nib >= 8) != (addr[2 + i] <= 'F'))
			return HN_EVERIFY;
	}
	return 0;
}

struct chain {
	const char *name;
	uint8_t p2pkh, p2sh; /* base58check versions; both 0 for none */
	const char *hrp; /* segwit; NULL for none */
	int eth;
};

static const struct chain chains[] = {
	{ "bitcoin", 0x00, 0x05, "bc", 0 },
	{ "bitcoin-testnet", 0x6f, 0xc4, "tb", 0 },
	{ "ethereum", 0, 0, NULL, 1 },
};

static const struct chain *
find_chain(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(chains) / sizeof(chains[0]); i++)
		if (strcmp(name, chains[i].name) == 0)
			return &chains[i];
	return NULL;
}

int
hn_wallet_check(const char *chain, const char *address, const char *chain_field,
    const char *address_field, struct hn_error *err)
{
	const struct chain *c;
	uint8_t prog[HN_SEGWIT_PROG_MAX], ver;
	size_t plen;
	int v;

	if ((c = find_chain(chain)) == NULL)
		return hn_error_set(err, HN_EINVAL, chain_field, NULL,
		    "unknown chain (bitcoin, bitcoin-testnet, ethereum)");
	if (address == NULL ||
	    strnlen(address, HN_WALLET_TEXT_MAX + 1) > HN_WALLET_TEXT_MAX)
		return hn_error_set(err, HN_EPARSE, address_field, NULL,
		    "missing or overlong address");
	if (c->eth) {
		if (hn_eip55_check(address) == 0)
			return 0;
		return hn_error_set(err, HN_EPARSE, address_field, NULL,
		    "not an Ethereum address (0x + 40 hex, EIP-55 checksum)");
	}
	if (hn_segwit_decode(c->hrp, address, &v, prog, &plen) == 0)
		return 0;
	if (hn_base58check_decode(address, &ver) == 0 &&
	    (ver == c->p2pkh || ver == c->p2sh))
		return 0;
	return hn_error_set(err, HN_EPARSE, address_field, NULL,
	    "not a %s address (base58check P2PKH/P2SH or bech32/bech32m "
	    "segwit checksum)",
	    c->name);
}

int
hn_txid_check(const char *chain, const char *txid, const char *chain_field,
    const char *txid_field, struct hn_error *err)
{
	const struct chain *c;
	size_t i;

	if ((c = find_chain(chain)) == NULL)
		return hn_error_set(err, HN_EINVAL, chain_field, NULL,
		    "unknown chain (bitcoin, bitcoin-testnet, ethereum)");
	if (txid != NULL && c->eth && strncmp(txid, "0x", 2) == 0)
		txid += 2;
	if (txid == NULL || strnlen(txid, 65) != 64)
		goto bad;
	for (i = 0; i < 64; i++)
		if (hexval(txid[i]) < 0)
			goto bad;
	return 0;
bad:
	return hn_error_set(err, HN_EPARSE, txid_field, NULL,
	    "a transaction id is 64 hex digits");
}
