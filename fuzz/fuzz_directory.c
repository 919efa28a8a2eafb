/*
 * fuzz_directory: the signed directory parser. Each input is tried twice:
 * as a whole signed object (header parsing, signature check), and as a
 * payload that is signed here with a fixed registry key so that the JSON
 * validation behind the signature check is reached too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/sign.h"
#include "fed/directory.h"
#include "fed/signed.h"

static uint8_t sk[HN_ED25519_SK_LEN], pk[HN_ED25519_PK_LEN];
static char vkey[HN_VKEY_MAX + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX + 1024);
	struct hn_directory *d = NULL;
	uint8_t seed[HN_ED25519_SEED_LEN] = { 7 };

	if (!init) {
		if (hn_crypto_init() < 0)
			return 0;
		hn_ed25519_from_seed(pk, sk, seed);
		if (hn_vkey_format(vkey, sizeof(vkey), "registry.fuzz", pk) < 0)
			return 0;
		init = 1;
	}
	if (hn_directory_open(&d, (const char *)data, size, vkey, 0, NULL) ==
	    0) {
		(void)hn_directory_find(d, "VNM");
		hn_directory_free(d);
		d = NULL;
	}
	if (hn_signed_make(&b, HN_SIGNED_DIRECTORY, "registry.fuzz", data, size,
		sk) == 0 &&
	    hn_directory_open(&d, b.data, b.len, vkey, 0, NULL) == 0) {
		(void)hn_directory_find(d, "FRA");
		hn_directory_free(d);
	}
	hn_buf_release(&b);
	return 0;
}
