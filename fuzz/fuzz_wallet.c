/*
 * fuzz_wallet: the address and transaction id checks (core/wallet). The
 * input is "CHAIN ADDRESS". Whatever the bytes, no check reads past the
 * string or its limit; an accepted bech32 string decodes to at most
 * HN_BECH32_DATA_MAX symbols of 5 bits, a segwit program to 2..40 bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/wallet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[256], hrp[HN_BECH32_HRP_MAX + 1], *sp, *addr;
	uint8_t d[HN_BECH32_DATA_MAX], prog[HN_SEGWIT_PROG_MAX], ver;
	enum hn_bech32_enc enc;
	size_t n, i;
	int v;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	addr = in;
	if ((sp = strchr(in, ' ')) != NULL) {
		*sp = '\0';
		addr = sp + 1;
	}
	/* Each check answers 0 or a negative code, never anything else. */
	if (hn_wallet_check(in, addr, "chain", "address", NULL) > 0 ||
	    hn_txid_check(in, addr, "chain", "txid", NULL) > 0 ||
	    hn_eip55_check(addr) > 0 || hn_base58check_decode(addr, &ver) > 0)
		abort();
	if (hn_bech32_decode(addr, &enc, hrp, d, &n) == 0) {
		if (n > HN_BECH32_DATA_MAX || strlen(hrp) == 0)
			abort();
		for (i = 0; i < n; i++)
			if (d[i] > 31)
				abort();
		if (hn_segwit_decode(hrp, addr, &v, prog, &n) == 0 &&
		    (n < 2 || n > HN_SEGWIT_PROG_MAX || v < 0 || v > 16))
			abort();
	}
	return 0;
}
