/*
 * amount.c - exact decimal amounts (see amount.h for the contract).
 *
 * Exponents of fiat codes: ISO 4217 list one (current codes with a minor
 * unit; funds codes such as BOV, CHE, CLF, COU, MXV, USN, UYI, UYW
 * included). Crypto-assets: the unit each chain's own software counts in
 * (Bitcoin satoshi 1e-8, Ethereum wei 1e-18, Monero piconero 1e-12, XRP
 * drop 1e-6, Tron sun 1e-6, Solana lamport 1e-9); USDT and USDC with the 6
 * decimals of their Ethereum and Tron contracts. Table sorted by code.
 */
#include <string.h>

#include "core/amount.h"

static const struct hn_currency assets[] = {
	{ "AED", 2, HN_ASSET_FIAT, NULL },
	{ "AFN", 2, HN_ASSET_FIAT, NULL },
	{ "ALL", 2, HN_ASSET_FIAT, NULL },
	{ "AMD", 2, HN_ASSET_FIAT, NULL },
	{ "ANG", 2, HN_ASSET_FIAT, NULL },
	{ "AOA", 2, HN_ASSET_FIAT, NULL },
	{ "ARS", 2, HN_ASSET_FIAT, NULL },
	{ "AUD", 2, HN_ASSET_FIAT, NULL },
	{ "AWG", 2, HN_ASSET_FIAT, NULL },
	{ "AZN", 2, HN_ASSET_FIAT, NULL },
	{ "BAM", 2, HN_ASSET_FIAT, NULL },
	{ "BBD", 2, HN_ASSET_FIAT, NULL },
	{ "BCH", 8, HN_ASSET_CRYPTO, "satoshi" },
	{ "BDT", 2, HN_ASSET_FIAT, NULL },
	{ "BGN", 2, HN_ASSET_FIAT, NULL },
	{ "BHD", 3, HN_ASSET_FIAT, NULL },
	{ "BIF", 0, HN_ASSET_FIAT, NULL },
	{ "BMD", 2, HN_ASSET_FIAT, NULL },
	{ "BND", 2, HN_ASSET_FIAT, NULL },
	{ "BOB", 2, HN_ASSET_FIAT, NULL },
	{ "BOV", 2, HN_ASSET_FIAT, NULL },
	{ "BRL", 2, HN_ASSET_FIAT, NULL },
	{ "BSD", 2, HN_ASSET_FIAT, NULL },
	{ "BTC", 8, HN_ASSET_CRYPTO, "satoshi" },
	{ "BTN", 2, HN_ASSET_FIAT, NULL },
	{ "BWP", 2, HN_ASSET_FIAT, NULL },
	{ "BYN", 2, HN_ASSET_FIAT, NULL },
	{ "BZD", 2, HN_ASSET_FIAT, NULL },
	{ "CAD", 2, HN_ASSET_FIAT, NULL },
	{ "CDF", 2, HN_ASSET_FIAT, NULL },
	{ "CHE", 2, HN_ASSET_FIAT, NULL },
	{ "CHF", 2, HN_ASSET_FIAT, NULL },
	{ "CHW", 2, HN_ASSET_FIAT, NULL },
	{ "CLF", 4, HN_ASSET_FIAT, NULL },
	{ "CLP", 0, HN_ASSET_FIAT, NULL },
	{ "CNY", 2, HN_ASSET_FIAT, NULL },
	{ "COP", 2, HN_ASSET_FIAT, NULL },
	{ "COU", 2, HN_ASSET_FIAT, NULL },
	{ "CRC", 2, HN_ASSET_FIAT, NULL },
	{ "CUP", 2, HN_ASSET_FIAT, NULL },
	{ "CVE", 2, HN_ASSET_FIAT, NULL },
	{ "CZK", 2, HN_ASSET_FIAT, NULL },
	{ "DJF", 0, HN_ASSET_FIAT, NULL },
	{ "DKK", 2, HN_ASSET_FIAT, NULL },
	{ "DOP", 2, HN_ASSET_FIAT, NULL },
	{ "DZD", 2, HN_ASSET_FIAT, NULL },
	{ "EGP", 2, HN_ASSET_FIAT, NULL },
	{ "ERN", 2, HN_ASSET_FIAT, NULL },
	{ "ETB", 2, HN_ASSET_FIAT, NULL },
	{ "ETH", 18, HN_ASSET_CRYPTO, "wei" },
	{ "EUR", 2, HN_ASSET_FIAT, NULL },
	{ "FJD", 2, HN_ASSET_FIAT, NULL },
	{ "FKP", 2, HN_ASSET_FIAT, NULL },
	{ "GBP", 2, HN_ASSET_FIAT, NULL },
	{ "GEL", 2, HN_ASSET_FIAT, NULL },
	{ "GHS", 2, HN_ASSET_FIAT, NULL },
	{ "GIP", 2, HN_ASSET_FIAT, NULL },
	{ "GMD", 2, HN_ASSET_FIAT, NULL },
	{ "GNF", 0, HN_ASSET_FIAT, NULL },
	{ "GTQ", 2, HN_ASSET_FIAT, NULL },
	{ "GYD", 2, HN_ASSET_FIAT, NULL },
	{ "HKD", 2, HN_ASSET_FIAT, NULL },
	{ "HNL", 2, HN_ASSET_FIAT, NULL },
	{ "HTG", 2, HN_ASSET_FIAT, NULL },
	{ "HUF", 2, HN_ASSET_FIAT, NULL },
	{ "IDR", 2, HN_ASSET_FIAT, NULL },
	{ "ILS", 2, HN_ASSET_FIAT, NULL },
	{ "INR", 2, HN_ASSET_FIAT, NULL },
	{ "IQD", 3, HN_ASSET_FIAT, NULL },
	{ "IRR", 2, HN_ASSET_FIAT, NULL },
	{ "ISK", 0, HN_ASSET_FIAT, NULL },
	{ "JMD", 2, HN_ASSET_FIAT, NULL },
	{ "JOD", 3, HN_ASSET_FIAT, NULL },
	{ "JPY", 0, HN_ASSET_FIAT, NULL },
	{ "KES", 2, HN_ASSET_FIAT, NULL },
	{ "KGS", 2, HN_ASSET_FIAT, NULL },
	{ "KHR", 2, HN_ASSET_FIAT, NULL },
	{ "KMF", 0, HN_ASSET_FIAT, NULL },
	{ "KPW", 2, HN_ASSET_FIAT, NULL },
	{ "KRW", 0, HN_ASSET_FIAT, NULL },
	{ "KWD", 3, HN_ASSET_FIAT, NULL },
	{ "KYD", 2, HN_ASSET_FIAT, NULL },
	{ "KZT", 2, HN_ASSET_FIAT, NULL },
	{ "LAK", 2, HN_ASSET_FIAT, NULL },
	{ "LBP", 2, HN_ASSET_FIAT, NULL },
	{ "LKR", 2, HN_ASSET_FIAT, NULL },
	{ "LRD", 2, HN_ASSET_FIAT, NULL },
	{ "LSL", 2, HN_ASSET_FIAT, NULL },
	{ "LTC", 8, HN_ASSET_CRYPTO, "litoshi" },
	{ "LYD", 3, HN_ASSET_FIAT, NULL },
	{ "MAD", 2, HN_ASSET_FIAT, NULL },
	{ "MDL", 2, HN_ASSET_FIAT, NULL },
	{ "MGA", 2, HN_ASSET_FIAT, NULL },
	{ "MKD", 2, HN_ASSET_FIAT, NULL },
	{ "MMK", 2, HN_ASSET_FIAT, NULL },
	{ "MNT", 2, HN_ASSET_FIAT, NULL },
	{ "MOP", 2, HN_ASSET_FIAT, NULL },
	{ "MRU", 2, HN_ASSET_FIAT, NULL },
	{ "MUR", 2, HN_ASSET_FIAT, NULL },
	{ "MVR", 2, HN_ASSET_FIAT, NULL },
	{ "MWK", 2, HN_ASSET_FIAT, NULL },
	{ "MXN", 2, HN_ASSET_FIAT, NULL },
	{ "MXV", 2, HN_ASSET_FIAT, NULL },
	{ "MYR", 2, HN_ASSET_FIAT, NULL },
	{ "MZN", 2, HN_ASSET_FIAT, NULL },
	{ "NAD", 2, HN_ASSET_FIAT, NULL },
	{ "NGN", 2, HN_ASSET_FIAT, NULL },
	{ "NIO", 2, HN_ASSET_FIAT, NULL },
	{ "NOK", 2, HN_ASSET_FIAT, NULL },
	{ "NPR", 2, HN_ASSET_FIAT, NULL },
	{ "NZD", 2, HN_ASSET_FIAT, NULL },
	{ "OMR", 3, HN_ASSET_FIAT, NULL },
	{ "PAB", 2, HN_ASSET_FIAT, NULL },
	{ "PEN", 2, HN_ASSET_FIAT, NULL },
	{ "PGK", 2, HN_ASSET_FIAT, NULL },
	{ "PHP", 2, HN_ASSET_FIAT, NULL },
	{ "PKR", 2, HN_ASSET_FIAT, NULL },
	{ "PLN", 2, HN_ASSET_FIAT, NULL },
	{ "PYG", 0, HN_ASSET_FIAT, NULL },
	{ "QAR", 2, HN_ASSET_FIAT, NULL },
	{ "RON", 2, HN_ASSET_FIAT, NULL },
	{ "RSD", 2, HN_ASSET_FIAT, NULL },
	{ "RUB", 2, HN_ASSET_FIAT, NULL },
	{ "RWF", 0, HN_ASSET_FIAT, NULL },
	{ "SAR", 2, HN_ASSET_FIAT, NULL },
	{ "SBD", 2, HN_ASSET_FIAT, NULL },
	{ "SCR", 2, HN_ASSET_FIAT, NULL },
	{ "SDG", 2, HN_ASSET_FIAT, NULL },
	{ "SEK", 2, HN_ASSET_FIAT, NULL },
	{ "SGD", 2, HN_ASSET_FIAT, NULL },
	{ "SHP", 2, HN_ASSET_FIAT, NULL },
	{ "SLE", 2, HN_ASSET_FIAT, NULL },
	{ "SOL", 9, HN_ASSET_CRYPTO, "lamport" },
	{ "SOS", 2, HN_ASSET_FIAT, NULL },
	{ "SRD", 2, HN_ASSET_FIAT, NULL },
	{ "SSP", 2, HN_ASSET_FIAT, NULL },
	{ "STN", 2, HN_ASSET_FIAT, NULL },
	{ "SVC", 2, HN_ASSET_FIAT, NULL },
	{ "SYP", 2, HN_ASSET_FIAT, NULL },
	{ "SZL", 2, HN_ASSET_FIAT, NULL },
	{ "THB", 2, HN_ASSET_FIAT, NULL },
	{ "TJS", 2, HN_ASSET_FIAT, NULL },
	{ "TMT", 2, HN_ASSET_FIAT, NULL },
	{ "TND", 3, HN_ASSET_FIAT, NULL },
	{ "TOP", 2, HN_ASSET_FIAT, NULL },
	{ "TRX", 6, HN_ASSET_CRYPTO, "sun" },
	{ "TRY", 2, HN_ASSET_FIAT, NULL },
	{ "TTD", 2, HN_ASSET_FIAT, NULL },
	{ "TWD", 2, HN_ASSET_FIAT, NULL },
	{ "TZS", 2, HN_ASSET_FIAT, NULL },
	{ "UAH", 2, HN_ASSET_FIAT, NULL },
	{ "UGX", 0, HN_ASSET_FIAT, NULL },
	{ "USD", 2, HN_ASSET_FIAT, NULL },
	{ "USDC", 6, HN_ASSET_CRYPTO, NULL },
	{ "USDT", 6, HN_ASSET_CRYPTO, NULL },
	{ "USN", 2, HN_ASSET_FIAT, NULL },
	{ "UYI", 0, HN_ASSET_FIAT, NULL },
	{ "UYU", 2, HN_ASSET_FIAT, NULL },
	{ "UYW", 4, HN_ASSET_FIAT, NULL },
	{ "UZS", 2, HN_ASSET_FIAT, NULL },
	{ "VED", 2, HN_ASSET_FIAT, NULL },
	{ "VES", 2, HN_ASSET_FIAT, NULL },
	{ "VND", 0, HN_ASSET_FIAT, NULL },
	{ "VUV", 0, HN_ASSET_FIAT, NULL },
	{ "WST", 2, HN_ASSET_FIAT, NULL },
	{ "XAF", 0, HN_ASSET_FIAT, NULL },
	{ "XCD", 2, HN_ASSET_FIAT, NULL },
	{ "XCG", 2, HN_ASSET_FIAT, NULL },
	{ "XMR", 12, HN_ASSET_CRYPTO, "piconero" },
	{ "XOF", 0, HN_ASSET_FIAT, NULL },
	{ "XPF", 0, HN_ASSET_FIAT, NULL },
	{ "XRP", 6, HN_ASSET_CRYPTO, "drop" },
	{ "YER", 2, HN_ASSET_FIAT, NULL },
	{ "ZAR", 2, HN_ASSET_FIAT, NULL },
	{ "ZMW", 2, HN_ASSET_FIAT, NULL },
	{ "ZWG", 2, HN_ASSET_FIAT, NULL },
};

#define NASSETS (sizeof(assets) / sizeof(assets[0]))
#define MINOR_MAX (~(hn_minor_t)0)

const struct hn_currency *
hn_currency_table(size_t *n)
{
	*n = NASSETS;
	return assets;
}

const struct hn_currency *
hn_currency_find(const char *code)
{
	size_t lo = 0, hi = NASSETS, mid;
	int c;

	if (code == NULL ||
	    strnlen(code, HN_ASSET_CODE_MAX) >= HN_ASSET_CODE_MAX)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(code, assets[mid].code);
		if (c == 0)
			return &assets[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* v = v * 10 + d, HN_ERANGE on overflow. */
static int
push_digit(hn_minor_t *v, unsigned d)
{
	if (*v > (MINOR_MAX - d) / 10)
		return HN_ERANGE;
	*v = *v * 10 + d;
	return 0;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
hn_minor_parse(const char *s, hn_minor_t *out)
{
	hn_minor_t v = 0;
	size_t i, n;

	n = strnlen(s, HN_AMOUNT_TEXT_MAX + 1);
	if (n == 0 || n > HN_AMOUNT_TEXT_MAX || (s[0] == '0' && n > 1))
		return HN_EPARSE;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return HN_EPARSE;
		if (push_digit(&v, (unsigned)(s[i] - '0')) != 0)
			return HN_ERANGE;
	}
	*out = v;
	return 0;
}

int
hn_amount_parse(const char *code, const char *text, struct hn_amount *out,
    const char *code_field, const char *value_field, struct hn_error *err)
{
	const struct hn_currency *a;
	hn_minor_t v = 0;
	size_t i, n, intdigits, frac = 0;
	bool point = false;

	if ((a = hn_currency_find(code)) == NULL)
		return hn_error_set(err, HN_EINVAL, code_field, NULL,
		    "unknown currency or asset code");
	if (text == NULL)
		return hn_error_set(err, HN_EPARSE, value_field, NULL,
		    "missing amount");
	n = strnlen(text, HN_AMOUNT_TEXT_MAX + 1);
	if (n > HN_AMOUNT_TEXT_MAX)
		return hn_error_set(err, HN_EPARSE, value_field, NULL,
		    "amount longer than %d bytes", HN_AMOUNT_TEXT_MAX);
	for (intdigits = 0; intdigits < n && is_digit(text[intdigits]);
	     intdigits++)
		;
	if (intdigits == 0 || (text[0] == '0' && intdigits > 1))
		goto bad;
	if (intdigits < n) {
		if (text[intdigits] != '.' || intdigits + 1 == n)
			goto bad;
		point = true;
	}
	for (i = 0; i < n; i++) {
		if (point && i == intdigits)
			continue;
		if (!is_digit(text[i]))
			goto bad;
		if (i > intdigits && ++frac > a->exponent)
			return hn_error_set(err, HN_EPARSE, value_field, NULL,
			    "%s has %u decimals, the amount has more", a->code,
			    (unsigned)a->exponent);
		if (push_digit(&v, (unsigned)(text[i] - '0')) != 0)
			goto range;
	}
	for (; frac < a->exponent; frac++)
		if (push_digit(&v, 0) != 0)
			goto range;
	out->asset = a;
	out->minor = v;
	return 0;
bad:
	return hn_error_set(err, HN_EPARSE, value_field, NULL,
	    "not a plain decimal amount (digits, optionally '.' and decimals)");
range:
	return hn_error_set(err, HN_ERANGE, value_field, NULL,
	    "amount too large");
}

void
hn_minor_format(hn_minor_t v, char out[HN_AMOUNT_STRLEN])
{
	char tmp[HN_AMOUNT_STRLEN];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + (unsigned)(v % 10));
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

void
hn_amount_format(const struct hn_amount *a, char out[HN_AMOUNT_STRLEN])
{
	char digits[HN_AMOUNT_STRLEN], padded[2 * HN_AMOUNT_STRLEN];
	size_t n, e = a->asset->exponent, len = 0, o = 0, i;

	hn_minor_format(a->minor, digits);
	n = strlen(digits);
	/* Left-pad with zeros so there is at least one integer digit. */
	while (len + n < e + 1)
		padded[len++] = '0';
	memcpy(padded + len, digits, n);
	len += n;
	for (i = 0; i < len; i++) {
		if (e > 0 && i == len - e)
			out[o++] = '.';
		out[o++] = padded[i];
	}
	out[o] = '\0';
}

int
hn_amount_add(const struct hn_amount *a, const struct hn_amount *b,
    struct hn_amount *sum)
{
	if (a->asset != b->asset)
		return HN_EINVAL;
	if (a->minor > MINOR_MAX - b->minor)
		return HN_ERANGE;
	sum->asset = a->asset;
	sum->minor = a->minor + b->minor;
	return 0;
}

int
hn_amount_cmp(const struct hn_amount *a, const struct hn_amount *b, int *result)
{
	if (a->asset != b->asset)
		return HN_EINVAL;
	*result = a->minor < b->minor ? -1 : a->minor > b->minor;
	return 0;
}
