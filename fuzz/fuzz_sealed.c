/*
 * fuzz_sealed: the sealed stream reader (header, then chunk framing and
 * authentication) as hn_blob_read sees it. The first HN_SEAL_HEADER_LEN
 * bytes are the header; if the magic is wrong a valid header for the
 * fixed node key is used instead, so that the chunk path is reached; the
 * rest is split into chunks as a reader would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/seal.h"
#include "crypto/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hn_seal_keys k;
	static uint8_t good[HN_SEAL_HEADER_LEN];
	static int init;
	uint8_t header[HN_SEAL_HEADER_LEN], *out;
	struct hn_seal_dec d;
	struct hn_seal_enc e;
	size_t ctlen, n, outlen;
	int final;

	if (!init) {
		uint8_t pk[32], sk[64], seed[32] = { 9 };

		if (hn_crypto_init() < 0)
			return 0;
		hn_ed25519_from_seed(pk, sk, seed);
		if (hn_seal_keys_from_ed25519(&k, sk) != 0 ||
		    hn_seal_enc_init(&e, good, pk, 64) != 0)
			return 0;
		hn_seal_enc_wipe(&e);
		init = 1;
	}
	if (size < HN_SEAL_HEADER_LEN)
		return 0;
	memcpy(header, data, HN_SEAL_HEADER_LEN);
	if (hn_seal_header_parse(header, NULL, NULL) != 0)
		memcpy(header, good, sizeof(header));
	if (hn_seal_dec_init(&d, header, &k) != 0) {
		/* a foreign header: try the chunk path with the good one */
		memcpy(header, good, sizeof(header));
		if (hn_seal_dec_init(&d, header, &k) != 0)
			return 0;
	}
	data += HN_SEAL_HEADER_LEN;
	size -= HN_SEAL_HEADER_LEN;
	ctlen = (size_t)d.chunk + HN_SEAL_ABYTES;
	if ((out = malloc(d.chunk)) == NULL) {
		hn_seal_dec_wipe(&d);
		return 0;
	}
	while (size > 0) {
		n = size < ctlen ? size : ctlen;
		if (hn_seal_dec_chunk(&d, out, &outlen, data, n, &final) != 0 ||
		    final)
			break;
		data += n;
		size -= n;
	}
	free(out);
	hn_seal_dec_wipe(&d);
	return 0;
}
