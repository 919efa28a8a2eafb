#include "fed/nodekey.h"

#include "util/buf.h"
#include "util/file.h"
#include "util/diag.h"

int
hn_nodekey_load(const char *path, const char *name_if_new,
    uint8_t sk[HN_ED25519_SK_LEN], char *name, char *vkey, struct hn_error *err)
{
	struct hn_buf b = HN_BUF_INIT(4096);
	uint8_t seed[HN_ED25519_SEED_LEN], pk[HN_ED25519_PK_LEN];
	int r;

	r = hn_file_read(path, &b);
	if (r == HN_ENOTFOUND) {
		hn_random(seed, sizeof(seed));
		r = hn_skey_format(&b, name_if_new, seed);
		hn_wipe(seed, sizeof(seed));
		if (r == 0)
			r = hn_file_write_atomic(path, b.data, b.len, 0600);
		if (r != 0) {
			r = hn_error_set(err, r, "signing.key", NULL,
			    "cannot create %s", path);
			goto out;
		}
		hn_diag(HN_DIAG_INFO, "fed.signing_key_created", "path=%s",
		    path);
	} else if (r != 0) {
		r = hn_error_set(err, r, "signing.key", NULL, "cannot read %s",
		    path);
		goto out;
	}
	if ((r = hn_skey_parse(b.data, b.len, name, sk, pk, err)) != 0)
		goto out;
	r = hn_vkey_format(vkey, HN_VKEY_MAX + 1, name, pk);
out:
	hn_buf_release_secret(&b);
	return r;
}
