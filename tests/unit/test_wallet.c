/*
 * Unit tests for src/core/wallet and src/crypto/keccak, over the test
 * vectors of the chains' own specifications: BIP-173 and BIP-350 (bech32,
 * bech32m, segwit addresses), EIP-55 (Ethereum checksum addresses), and
 * known Bitcoin base58check addresses (the genesis coinbase address, the
 * Bitcoin wiki's P2PKH and BIP-16 era P2SH examples) with one character
 * changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/wallet.h"
#include "crypto/keccak.h"
#include "util/err.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
test_keccak(void **state)
{
	/* Keccak-256 (not SHA3-256) of "" and "abc", as Ethereum computes. */
	static const uint8_t empty[32] = { 0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7,
		0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
		0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa,
		0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70 };
	static const uint8_t abc[32] = { 0x4e, 0x03, 0x65, 0x7a, 0xea, 0x45,
		0xa9, 0x4f, 0xc7, 0xd4, 0x7b, 0xa8, 0x26, 0xc8, 0xd6, 0x67,
		0xc0, 0xd1, 0xe6, 0xe3, 0x3a, 0x64, 0xa0, 0x36, 0xec, 0x44,
		0xf5, 0x8f, 0xa1, 0x2d, 0x6c, 0x45 };
	uint8_t h[32];

	hn_keccak256("", 0, h);
	assert_memory_equal(h, empty, 32);
	hn_keccak256("abc", 3, h);
	assert_memory_equal(h, abc, 32);
}

static void
test_bech32_checksums(void **state)
{
	/* BIP-173 valid bech32 and BIP-350 valid bech32m strings. */
	static const char *b32[] = { "A12UEL5L", "a12uel5l",
		"an83characterlonghumanreadablepartthatcontainsthenumber1andthe"
		"excludedcharactersbio1tt5tgs",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"11"
		"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
		"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		"?1ezyfcl" };
	static const char *b32m[] = { "A1LQFN3A", "a1lqfn3a",
		"an83characterlonghumanreadablepartthatcontainsthetheexcludedch"
		"aractersbioandnumber11sg7hg6",
		"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
		"11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
		"llllllllllllllllllllllludsr8",
		"split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
		"?1v759aa" };
	/* BIP-173 and BIP-350 invalid strings (the 0x20/0x7f/0x80 ones too). */
	static const char *bad[] = { " 1nwldj5",
		"\x7f"
		"1axkwrx",
		"\x80"
		"1eym55h",
		"an84characterslonghumanreadablepartthatcontainsthenumber1andth"
		"eexcludedcharactersbio1569pvx",
		"pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3",
		"de1lg7wt\xff", "A1G7SGD8", "10a06t8", "1qzzfhee",
		"\x20"
		"1xj0phk",
		"\x7f"
		"1g6xzxy",
		"\x80"
		"1vctc34",
		"an84characterslonghumanreadablepartthatcontainsthetheexcludedc"
		"haractersbioandnumber11d6pts4",
		"qyrz8wqd2c9m", "1qyrz8wqd2c9m", "y1b0jsk6g", "lt1igcx5c0",
		"in1muywd", "mm1crxm3i", "au1s5cgom", "M1VUXWEZ", "16plkw9",
		"1p2gdwpf" };
	char hrp[HN_BECH32_HRP_MAX + 1];
	uint8_t d[HN_BECH32_DATA_MAX];
	enum hn_bech32_enc enc;
	size_t i, n;

	for (i = 0; i < N(b32); i++) {
		assert_int_equal(hn_bech32_decode(b32[i], &enc, hrp, d, &n), 0);
		assert_int_equal(enc, HN_BECH32);
	}
	for (i = 0; i < N(b32m); i++) {
		assert_int_equal(hn_bech32_decode(b32m[i], &enc, hrp, d, &n),
		    0);
		assert_int_equal(enc, HN_BECH32M);
	}
	for (i = 0; i < N(bad); i++)
		assert_int_equal(hn_bech32_decode(bad[i], &enc, hrp, d, &n),
		    HN_EPARSE);
}

static void
test_segwit(void **state)
{
	/* BIP-350 valid segwit addresses: hrp, version, program length. */
	static const struct {
		const char *hrp, *a;
		int v;
		size_t len;
	} good[] = {
		{ "bc", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", 0, 20 },
		{ "tb",
		    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0s"
		    "l5k7",
		    0, 32 },
		{ "bc",
		    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarv"
		    "ary0c5xw7kt5nd6y",
		    1, 40 },
		{ "bc", "BC1SW50QGDZ25J", 16, 2 },
		{ "bc", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", 2, 16 },
		{ "tb",
		    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrx"
		    "h6hy",
		    0, 32 },
		{ "tb",
		    "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3"
		    "hn0c",
		    1, 32 },
		{ "bc",
		    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk"
		    "5jj0",
		    1, 32 },
	};
	/* BIP-350 invalid segwit addresses. */
	static const char *bad[] = {
		"tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
		"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
		"tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
		"BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
		"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
		"tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
		"bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
		"BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
		"bc1pw5dgrnzv",
		"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0m"
		"uaewav253zgeav",
		"BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
		"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
		"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzc"
		"rf",
		"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
		"bc1gmk9yu",
	};
	uint8_t prog[HN_SEGWIT_PROG_MAX];
	size_t i, len;
	int v;

	for (i = 0; i < N(good); i++) {
		assert_int_equal(hn_segwit_decode(good[i].hrp, good[i].a, &v,
				     prog, &len),
		    0);
		assert_int_equal(v, good[i].v);
		assert_int_equal(len, good[i].len);
	}
	assert_int_equal(prog[0], 0x79); /* ...0x79be667e..., the last one */
	for (i = 0; i < N(bad); i++) {
		assert_int_equal(hn_segwit_decode("bc", bad[i], &v, prog, &len),
		    HN_EPARSE);
		assert_int_equal(hn_segwit_decode("tb", bad[i], &v, prog, &len),
		    HN_EPARSE);
	}
}

static void
test_eip55(void **state)
{
	/* EIP-55's own examples: all caps, all lower, mixed (checksummed). */
	static const char *good[] = {
		"0x52908400098527886E0F7030069857D2E4169EE7",
		"0x8617E340B3D01FA5F11F306F4090FD50E238070D",
		"0xde709f2102306220921060314715629080e2fb77",
		"0x27b1fdb04752bbc536007a920d24acb045561c26",
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
		"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"
	};
	static const char *bad[] = {
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", /* case flipped */
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d358", /* digit changed */
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6F", /* 39 hex */
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FBa", /* 41 hex */
		"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00", /* no 0x */
		"0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", ""
	};
	size_t i;

	for (i = 0; i < N(good); i++)
		assert_int_equal(hn_eip55_check(good[i]), 0);
	for (i = 0; i < N(bad); i++)
		assert_true(hn_eip55_check(bad[i]) < 0);
	assert_int_equal(hn_eip55_check(bad[0]), HN_EVERIFY);
}

static void
test_base58(void **state)
{
	uint8_t v = 0xff;

	assert_int_equal(hn_base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
			     &v),
	    0);
	assert_int_equal(v, 0x00);
	assert_int_equal(hn_base58check_decode("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
			     &v),
	    0);
	assert_int_equal(v, 0x00);
	assert_int_equal(hn_base58check_decode("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
			     &v),
	    0);
	assert_int_equal(v, 0x05);
	/* One character changed: the checksum fails. */
	assert_int_equal(hn_base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
			     &v),
	    HN_EVERIFY);
	assert_int_equal(hn_base58check_decode("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz",
			     &v),
	    HN_EVERIFY);
	/* Not in the alphabet (0, O, I, l), extra leading 1, too long, empty. */
	assert_int_equal(hn_base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0",
			     &v),
	    HN_EPARSE);
	assert_int_equal(hn_base58check_decode("11A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
			     &v),
	    HN_EPARSE);
	assert_int_equal(hn_base58check_decode(
			     "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNaNaNaNa", &v),
	    HN_EPARSE);
	assert_int_equal(hn_base58check_decode("", &v), HN_EPARSE);
}

static void
test_wallet_check(void **state)
{
	struct hn_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(hn_wallet_check("bitcoin",
			     "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "c", "a",
			     &err),
	    0);
	assert_int_equal(hn_wallet_check("bitcoin",
			     "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9"
			     "hcz7vqzk5jj0",
			     "c", "a", &err),
	    0);
	assert_int_equal(hn_wallet_check("ethereum",
			     "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "c",
			     "a", &err),
	    0);
	/* A testnet address is not a mainnet one, nor the reverse. */
	assert_int_equal(hn_wallet_check("bitcoin",
			     "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvp"
			     "ysxf3q0sl5k7",
			     "c", "wallets[1].address", &err),
	    HN_EPARSE);
	assert_string_equal(err.field, "wallets[1].address");
	assert_int_equal(hn_wallet_check("bitcoin-testnet",
			     "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "c", "a",
			     &err),
	    HN_EPARSE);
	/* An Ethereum address is no Bitcoin address. */
	assert_int_equal(hn_wallet_check("bitcoin",
			     "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "c",
			     "a", &err),
	    HN_EPARSE);
	assert_int_equal(hn_wallet_check("ethereum",
			     "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "c",
			     "wallets[0].address", &err),
	    HN_EPARSE);
	assert_string_equal(err.field, "wallets[0].address");
	assert_int_equal(hn_wallet_check("dogecoin", "D", "wallets[0].chain",
			     "a", &err),
	    HN_EINVAL);
	assert_string_equal(err.field, "wallets[0].chain");
	assert_int_equal(hn_wallet_check("bitcoin", NULL, "c", "a", &err),
	    HN_EPARSE);
}

static void
test_txid(void **state)
{
	static const char tx[] =
	    "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
	struct hn_error err;

	assert_int_equal(hn_txid_check("bitcoin", tx, "c", "t", NULL), 0);
	assert_int_equal(hn_txid_check("ethereum", tx, "c", "t", NULL), 0);
	assert_int_equal(hn_txid_check("ethereum",
			     "0x4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77a"
			     "b2127b7afdeda33b",
			     "c", "t", NULL),
	    0);
	assert_int_equal(hn_txid_check("bitcoin",
			     "0x4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77a"
			     "b2127b7afdeda33b",
			     "c", "t", NULL),
	    HN_EPARSE);
	assert_int_equal(hn_txid_check("bitcoin", tx + 1, "c", "txids[2]",
			     &err),
	    HN_EPARSE);
	assert_string_equal(err.field, "txids[2]");
	assert_int_equal(hn_txid_check("bitcoin",
			     "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2"
			     "127b7afdeda33g",
			     "c", "t", NULL),
	    HN_EPARSE);
	assert_int_equal(hn_txid_check("bitcoin",
			     "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2"
			     "127b7afdeda33b0",
			     "c", "t", NULL),
	    HN_EPARSE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keccak),
		cmocka_unit_test(test_bech32_checksums),
		cmocka_unit_test(test_segwit),
		cmocka_unit_test(test_eip55),
		cmocka_unit_test(test_base58),
		cmocka_unit_test(test_wallet_check),
		cmocka_unit_test(test_txid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
