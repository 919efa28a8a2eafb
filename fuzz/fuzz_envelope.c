/*
 * fuzz_envelope: the envelope and receipt parsers. Each input is tried as
 * a whole signed object, and as a payload signed here with a fixed key so
 * that the JSON validation behind the signature check is reached too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/sign.h"
#include "fed/envelope.h"
#include "fed/signed.h"

static uint8_t sk[HN_ED25519_SK_LEN], pk[HN_ED25519_PK_LEN];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct hn_buf b = HN_BUF_INIT(HN_ENV_MAX + 1024);
	struct hn_envelope *e = NULL;
	struct hn_receipt *r = NULL;
	uint8_t seed[HN_ED25519_SEED_LEN] = { 9 };

	if (!init) {
		if (hn_crypto_init() < 0)
			return 0;
		hn_ed25519_from_seed(pk, sk, seed);
		init = 1;
	}
	if (hn_envelope_open_pk(&e, (const char *)data, size, pk, NULL) == 0)
		hn_envelope_free(e);
	if (hn_receipt_open(&r, (const char *)data, size, NULL, pk, NULL) == 0)
		hn_receipt_free(r);
	if (hn_signed_make(&b, HN_SIGNED_ENVELOPE, "VNM", data, size, sk) ==
		0 &&
	    hn_envelope_open_pk(&e, b.data, b.len, pk, NULL) == 0)
		hn_envelope_free(e);
	hn_buf_reset(&b);
	if (hn_signed_make(&b, HN_SIGNED_RECEIPT, "FRA", data, size, sk) == 0 &&
	    hn_receipt_open(&r, b.data, b.len, NULL, pk, NULL) == 0)
		hn_receipt_free(r);
	hn_buf_release(&b);
	return 0;
}
