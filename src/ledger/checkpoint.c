#include "ledger/checkpoint.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "crypto/sign.h"
#include "util/encode.h"

/* One line of text[0..len) from *pos (without its newline), or -1. */
static int
next_line(const char *text, size_t len, size_t *pos, const char **line,
    size_t *ll)
{
	const char *nl;

	if (*pos >= len)
		return -1;
	nl = memchr(text + *pos, '\n', len - *pos);
	if (nl == NULL)
		return -1;
	*line = text + *pos;
	*ll = (size_t)(nl - *line);
	*pos += *ll + 1;
	return 0;
}

static int
parse_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return HN_EPARSE;
	for (i = 0; i < n; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9')
			return HN_EPARSE;
		d = (unsigned)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return HN_EPARSE;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int
hn_checkpoint_parse(struct hn_checkpoint *c, const char *text, size_t len,
    struct hn_error *err)
{
	const char *line;
	size_t pos = 0, ll, ext;

	memset(c, 0, sizeof(*c));
	if (len == 0 || text[len - 1] != '\n')
		return hn_error_set(err, HN_EPARSE, "checkpoint", NULL,
		    "checkpoint does not end in a newline");
	if (next_line(text, len, &pos, &line, &ll) != 0 || ll == 0 ||
	    ll > HN_ORIGIN_MAX || memchr(line, '\0', ll) != NULL)
		return hn_error_set(err, HN_EPARSE, "origin", NULL,
		    "checkpoint origin missing, empty or too long");
	memcpy(c->origin, line, ll);
	c->origin[ll] = '\0';
	if (next_line(text, len, &pos, &line, &ll) != 0 ||
	    parse_u64(line, ll, &c->size) != 0)
		return hn_error_set(err, HN_EPARSE, "size", NULL,
		    "checkpoint size is not a decimal without leading zeroes");
	if (next_line(text, len, &pos, &line, &ll) != 0 ||
	    hn_b64_decode(c->root, sizeof(c->root), line, ll) !=
		HN_MERKLE_HASH_LEN)
		return hn_error_set(err, HN_EPARSE, "root", NULL,
		    "checkpoint root is not base64 of 32 bytes");
	ext = pos;
	while (next_line(text, len, &pos, &line, &ll) == 0)
		if (ll == 0)
			return hn_error_set(err, HN_EPARSE, "extension", NULL,
			    "empty checkpoint extension line");
	if (pos != len)
		return hn_error_set(err, HN_EPARSE, "checkpoint", NULL,
		    "checkpoint does not end in a newline");
	if (len - ext > HN_CHECKPOINT_EXT_MAX)
		return hn_error_set(err, HN_ETOOBIG, "extension", NULL,
		    "checkpoint extension lines longer than %d bytes",
		    HN_CHECKPOINT_EXT_MAX);
	if (memchr(text + ext, '\0', len - ext) != NULL)
		return hn_error_set(err, HN_EPARSE, "extension", NULL,
		    "NUL in an extension line");
	memcpy(c->ext, text + ext, len - ext);
	c->ext[len - ext] = '\0';
	return 0;
}

int
hn_checkpoint_format(const struct hn_checkpoint *c, struct hn_buf *out)
{
	char b64[hn_b64_len(HN_MERKLE_HASH_LEN)];
	size_t el, ol;

	assert(c != NULL && out != NULL);
	/* NUL-terminated within their arrays (checkpoint.h) */
	assert(memchr(c->origin, '\0', sizeof(c->origin)) != NULL);
	assert(memchr(c->ext, '\0', sizeof(c->ext)) != NULL);
	el = strlen(c->ext);
	ol = strlen(c->origin);
	if (ol == 0 || memchr(c->origin, '\n', ol) != NULL ||
	    (el > 0 &&
		(c->ext[el - 1] != '\n' || c->ext[0] == '\n' ||
		    strstr(c->ext, "\n\n") != NULL)))
		return HN_EINVAL;
	hn_b64_encode(b64, c->root, sizeof(c->root));
	return hn_buf_addf(out, "%s\n%" PRIu64 "\n%s\n%s", c->origin, c->size,
	    b64, c->ext);
}

int
hn_checkpoint_open(struct hn_checkpoint *c, const char *msg, size_t len,
    const struct hn_note_verifier *vkeys, size_t nv, const char *origin,
    struct hn_error *err)
{
	struct hn_note n;
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = hn_note_parse(&n, msg, len, err)) != 0)
		return r;
	if ((r = hn_note_verify(&n, vkeys, nv, NULL, err)) == 0 &&
	    (r = hn_checkpoint_parse(c, n.text, n.text_len, err)) == 0 &&
	    origin != NULL && strcmp(c->origin, origin) != 0)
		r = hn_error_set(err, HN_EVERIFY, "origin", NULL,
		    "checkpoint origin is '%s', expected '%s'", c->origin,
		    origin);
	hn_note_release(&n);
	return r;
}

int
hn_cosig_message(struct hn_buf *out, const char *body, size_t len, uint64_t ts)
{
	int r;

	if ((r = hn_buf_addf(out, "cosignature/v1\ntime %" PRIu64 "\n", ts)) !=
	    0)
		return r;
	return hn_buf_add(out, body, len);
}

int
hn_cosig_sign(struct hn_note_sig *sig, const char *body, size_t len,
    uint64_t ts, const struct hn_note_signer *s)
{
	struct hn_buf m = HN_BUF_INIT(HN_NOTE_MAX + 64);
	int i, r;

	if (s->type != HN_NOTE_COSIG_V1 || ts > INT64_MAX)
		return HN_EINVAL;
	if ((r = hn_cosig_message(&m, body, len, ts)) != 0)
		goto out;
	memset(sig, 0, sizeof(*sig));
	memcpy(sig->name, s->name, sizeof(sig->name));
	sig->key_id = s->key_id;
	for (i = 0; i < 8; i++)
		sig->sig[i] = (uint8_t)(ts >> (56 - 8 * i));
	hn_ed25519_sign(sig->sig + 8, m.data, m.len, s->sk);
	sig->sig_len = 8 + HN_ED25519_SIG_LEN;
out:
	hn_buf_release(&m);
	return r;
}

int
hn_cosig_verify(const char *body, size_t len, const uint8_t *sig,
    size_t sig_len, const uint8_t pk[HN_ED25519_PK_LEN], uint64_t *ts)
{
	struct hn_buf m = HN_BUF_INIT(HN_NOTE_MAX + 64);
	uint64_t t = 0;
	int i, r;

	if (sig_len != 8 + HN_ED25519_SIG_LEN)
		return HN_EVERIFY;
	for (i = 0; i < 8; i++)
		t = t << 8 | sig[i];
	if (t > INT64_MAX)
		return HN_EVERIFY;
	if ((r = hn_cosig_message(&m, body, len, t)) != 0)
		r = HN_EVERIFY;
	else
		r = hn_ed25519_verify(sig + 8, m.data, m.len, pk);
	hn_buf_release(&m);
	if (r == 0 && ts != NULL)
		*ts = t;
	return r == 0 ? 0 : HN_EVERIFY;
}

int
hn_witness_cosign(const char *msg, size_t len,
    const struct hn_note_verifier *log_key, const char *origin,
    struct hn_witness_state *last, const uint8_t (*proof)[HN_MERKLE_HASH_LEN],
    size_t nproof, const struct hn_note_signer *witness, uint64_t now,
    struct hn_buf *out, struct hn_error *err)
{
	struct hn_checkpoint c;
	struct hn_sha256 h = { NULL };
	struct hn_note_sig sig;
	struct hn_note n;
	int r;

	memset(&n, 0, sizeof(n));
	/* Whatever is not a valid signed checkpoint does not verify. */
	if ((r = hn_note_parse(&n, msg, len, err)) != 0)
		return HN_EVERIFY;
	if ((r = hn_note_verify(&n, log_key, 1, NULL, err)) != 0)
		goto out;
	if ((r = hn_checkpoint_parse(&c, n.text, n.text_len, err)) != 0) {
		r = HN_EVERIFY;
		goto out;
	}
	if (origin != NULL && strcmp(c.origin, origin) != 0) {
		r = hn_error_set(err, HN_EVERIFY, "origin", NULL,
		    "checkpoint origin is '%s', expected '%s'", c.origin,
		    origin);
		goto out;
	}
	if (c.size < last->size) {
		r = hn_error_set(err, HN_ESTATE, "size", NULL,
		    "checkpoint size %" PRIu64 " is older than the last "
		    "cosigned size %" PRIu64,
		    c.size, last->size);
		goto out;
	}
	if ((r = hn_sha256_init(&h)) != 0)
		goto out;
	if (last->size > 0 &&
	    hn_merkle_verify_consistency(&h, last->size, c.size, last->root,
		sizeof(last->root), c.root, sizeof(c.root), proof,
		nproof) != 0) {
		r = hn_error_set(err, HN_EVERIFY, "proof", NULL,
		    "checkpoint %" PRIu64 " is not consistent with the last "
		    "cosigned checkpoint %" PRIu64,
		    c.size, last->size);
		goto out;
	}
	if ((r = hn_cosig_sign(&sig, n.text, n.text_len, now, witness)) != 0) {
		hn_error_set(err, r, "key", NULL,
		    "cannot cosign (key type or time)");
		goto out;
	}
	if ((r = hn_note_add_sig(&n, &sig)) != 0 ||
	    (r = hn_note_format(&n, out)) != 0) {
		hn_error_set(err, r, NULL, NULL, "cosigned note too large");
		goto out;
	}
	last->size = c.size;
	memcpy(last->root, c.root, sizeof(last->root));
out:
	if (h.ctx != NULL)
		hn_sha256_release(&h);
	hn_note_release(&n);
	return r;
}
