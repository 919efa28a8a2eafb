/*
 * fuzz_sshsig: the SSH signature armour and blob parser, and the
 * allowed_signers parser. The input is split at the first NUL: before it
 * an armoured signature over the fixed message "m", after it an
 * allowed_signers text.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crypto/sign.h"
#include "crypto/sshsig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	const char *nul;
	uint8_t pk[32];
	size_t a;

	if (!init) {
		if (hn_crypto_init() < 0)
			return 0;
		init = 1;
	}
	nul = memchr(data, 0, size);
	a = nul != NULL ? (size_t)(nul - (const char *)data) : size;
	if (hn_sshsig_verify((const char *)data, a, "m", 1, "hanoinet-evidence",
		pk) == 0)
		memset(pk, 0, sizeof(pk)); /* results only exercised */
	if (nul != NULL &&
	    hn_ssh_allowed_signer(nul + 1, size - a - 1, "astra",
		"hanoinet-evidence", pk) == 0)
		memset(pk, 0, sizeof(pk));
	return 0;
}
