/*
 * fuzz_note: the C2SP signed-note parser and verifier, and the verifier /
 * private key parsers. A note that parses must re-serialise to the same
 * bytes; a note that verifies with the fixed test key must be one it signed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "ledger/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char skey[] =
    "PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hn_note_signer s;
	static struct hn_note_verifier v[2];
	static int init;
	struct hn_buf b = HN_BUF_INIT(2 * HN_NOTE_MAX + 1024);
	struct hn_note_verifier pv;
	struct hn_note_signer ps;
	struct hn_note n;
	size_t which;

	if (!init) {
		if (hn_crypto_init() != 0 ||
		    hn_note_signer_parse(&s, skey, strlen(skey), NULL) != 0)
			abort();
		hn_note_signer_verifier(&s, &v[0]);
		v[1] = v[0];
		v[1].type = HN_NOTE_COSIG_V1;
		init = 1;
	}
	if (hn_note_parse(&n, (const char *)data, size, NULL) == 0) {
		if (hn_note_format(&n, &b) != 0 || b.len != size ||
		    memcmp(b.data, data, size) != 0)
			abort(); /* parse/format must round-trip */
		if (hn_note_verify(&n, v, 2, &which, NULL) == 0 && which > 1)
			abort();
		hn_note_release(&n);
	}
	hn_buf_reset(&b);
	/* as note text: sign, then the result must parse and verify */
	if (hn_note_sign(&b, (const char *)data, size, &s, 1, NULL) == 0) {
		if (hn_note_parse(&n, b.data, b.len, NULL) != 0)
			abort();
		if (hn_note_verify(&n, v, 1, NULL, NULL) != 0)
			abort();
		hn_note_release(&n);
	}
	if (hn_note_verifier_parse(&pv, (const char *)data, size, NULL) == 0) {
		hn_buf_reset(&b);
		if (hn_note_verifier_format(&pv, &b) != 0)
			abort();
	}
	if (hn_note_signer_parse(&ps, (const char *)data, size, NULL) == 0)
		hn_note_signer_wipe(&ps);
	hn_buf_release(&b);
	return 0;
}
