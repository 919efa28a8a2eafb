/*
 * fuzz_tlogproof: the C2SP tlog-proof parser and verifier of evidence
 * exports (extra line, index, inclusion proof, checkpoint note), against
 * the published test key "astra" (shared/testdata/c2sp-log).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "ledger/bundle_proof.h"
#include "util/encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pk[32];
	static int init;
	struct hn_buf entry = HN_BUF_INIT(1 << 16);
	struct hn_error err;
	uint64_t index, tsize;
	uint8_t raw[33];

	if (!init) {
		if (hn_crypto_init() < 0 ||
		    hn_b64_decode(raw, sizeof(raw),
			"AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b",
			44) != 33)
			return 0;
		memcpy(pk, raw + 1, 32);
		init = 1;
	}
	if (hn_tlogproof_verify((const char *)data, size, "astra", pk, &entry,
		&index, &tsize, &err) == 0 &&
	    index >= tsize)
		abort(); /* a verified proof is for an entry inside the tree */
	hn_buf_release(&entry);
	return 0;
}
