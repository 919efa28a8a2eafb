/*
 * fuzz_checkpoint: the tlog-checkpoint body parser, signed checkpoints
 * (note + body) and cosignature verification. A body that parses must
 * format back to the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "ledger/checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char vkey[] =
    "astra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hn_note_verifier v;
	static struct hn_note_signer w;
	static int init;
	struct hn_buf b = HN_BUF_INIT(2 * HN_NOTE_MAX);
	struct hn_witness_state st;
	struct hn_checkpoint c;
	uint8_t proof[4][32];

	if (!init) {
		if (hn_crypto_init() != 0 ||
		    hn_note_verifier_parse(&v, vkey, strlen(vkey), NULL) != 0 ||
		    hn_note_signer_generate(&w, "witness", HN_NOTE_COSIG_V1,
			NULL) != 0)
			abort();
		init = 1;
	}
	if (hn_checkpoint_parse(&c, (const char *)data, size, NULL) == 0) {
		if (hn_checkpoint_format(&c, &b) != 0 || b.len != size ||
		    memcmp(b.data, data, size) != 0)
			abort();
	}
	if (hn_checkpoint_open(&c, (const char *)data, size, &v, 1, NULL,
		NULL) == 0)
		hn_buf_reset(&b);
	hn_buf_reset(&b);
	memset(&st, 0, sizeof(st));
	memset(proof, 0, sizeof(proof));
	st.size = size > 0 ? data[0] : 0;
	if (hn_witness_cosign((const char *)data, size, &v, NULL, &st,
		(const uint8_t(*)[32])proof, size % 5, &w, 1700000000, &b,
		NULL) == 0)
		hn_buf_reset(&b);
	if (size >= 72 &&
	    hn_cosig_verify((const char *)data + 72, size - 72, data, 72, w.pk,
		NULL) == 0)
		abort(); /* the key is random: nothing may verify under it */
	hn_buf_release(&b);
	return 0;
}
