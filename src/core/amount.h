/*
 * amount.h - exact decimal amounts of money and crypto-assets (core, pure).
 *
 * An amount is a count of minor units of one asset: cents of USD, satoshi
 * of BTC, wei of ETH. There is no binary floating point anywhere: the text
 * "12.50" in USD is 1250 minor units, and formats back to "12.50". Minor
 * units are an unsigned 128-bit integer, so 18-decimal assets (ETH) hold
 * values up to about 3.4e20 whole units; every parse and add is checked
 * and HN_ERANGE when it would not fit.
 *
 * Assets come from one table: ISO 4217 currency codes with their minor-unit
 * exponents (JPY 0, USD 2, KWD 3, CLF 4), and crypto-assets with their own
 * decimals (BTC 8, ETH 18). Codes are case-sensitive upper case. ISO 4217
 * codes without a minor unit (XAU, XDR, XXX...) are not in the table.
 *
 * Parsing is strict: digits, optionally "." and 1..exponent fraction
 * digits; no sign, no exponent, no spaces, no thousands separators, no
 * leading zeros ("0.5" yes, "00.5" and ".5" no), at most HN_AMOUNT_TEXT_MAX
 * bytes. More fraction digits than the asset has is HN_EPARSE (a value
 * below the minor unit cannot be held). Nothing allocates.
 */
#ifndef HN_CORE_AMOUNT_H
#define HN_CORE_AMOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef unsigned __int128 hn_minor_t;

#define HN_ASSET_CODE_MAX 8 /* longest code + NUL ("USDT" ...) */
#define HN_AMOUNT_TEXT_MAX 48 /* parse limit, without the NUL */
/* 39 digits of 2^128 + "." + NUL, rounded up. */
#define HN_AMOUNT_STRLEN 48

enum hn_asset_class {
	HN_ASSET_FIAT = 1, /* an ISO 4217 currency */
	HN_ASSET_CRYPTO = 2, /* a crypto-asset with its own units */
};

struct hn_currency {
	const char *code; /* "USD", "BTC" */
	uint8_t exponent; /* minor units per unit = 10^exponent */
	enum hn_asset_class class;
	const char *minor_name; /* "cent", "satoshi", "wei"; NULL if none */
};

struct hn_amount {
	const struct hn_currency
	    *asset; /* a row of the table; never NULL once set */
	hn_minor_t minor;
};

/* The table row for code (exact, case-sensitive), or NULL. */
const struct hn_currency *hn_currency_find(const char *code);
/* The whole table, for listings and for the console's forms. */
const struct hn_currency *hn_currency_table(size_t *n);

/*
 * Parses `text` (NUL-terminated) as an amount of `code`. 0 and *out set;
 * otherwise HN_EINVAL (unknown code, err->field = code_field), HN_EPARSE
 * (malformed, err->field = value_field) or HN_ERANGE (too large). *out is
 * untouched on failure. err may be NULL; the field names may be NULL.
 */
int hn_amount_parse(const char *code, const char *text, struct hn_amount *out,
    const char *code_field, const char *value_field, struct hn_error *err)
    __attribute__((warn_unused_result));

/* The canonical text: exactly `exponent` fraction digits ("12.50", "5"). */
void hn_amount_format(const struct hn_amount *a, char out[HN_AMOUNT_STRLEN]);
/* Minor units as a decimal integer ("1250"), for storage and the wire. */
void hn_minor_format(hn_minor_t v, char out[HN_AMOUNT_STRLEN]);
/* Strict decimal integer of minor units, no leading zeros; HN_EPARSE/ERANGE. */
int hn_minor_parse(const char *s, hn_minor_t *out)
    __attribute__((warn_unused_result));

/*
 * *sum = a + b. HN_EINVAL if the assets differ (amounts of different assets
 * are never added: totals are per currency), HN_ERANGE on overflow; *sum is
 * untouched on failure. sum may alias a or b.
 */
int hn_amount_add(const struct hn_amount *a, const struct hn_amount *b,
    struct hn_amount *sum) __attribute__((warn_unused_result));
/* -1, 0, 1 as a < b, a == b, a > b; HN_EINVAL if the assets differ. */
int hn_amount_cmp(const struct hn_amount *a, const struct hn_amount *b,
    int *result) __attribute__((warn_unused_result));

#endif
