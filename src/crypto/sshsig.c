#include "crypto/sshsig.h"

#include <string.h>

#include <sodium.h>

#include "util/encode.h"
#include "util/err.h"

#define BEGIN "-----BEGIN SSH SIGNATURE-----"
#define END "-----END SSH SIGNATURE-----"
#define KEYTYPE "ssh-ed25519"
#define HASHALG "sha512"
#define BLOB_MAX 1024

struct wbuf {
	uint8_t b[BLOB_MAX];
	size_t n;
	int err;
};

static void
put_raw(struct wbuf *w, const void *p, size_t n)
{
	if (w->err || n > sizeof(w->b) - w->n) {
		w->err = 1;
		return;
	}
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void
put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };

	put_raw(w, b, 4);
}

static void
put_str(struct wbuf *w, const void *p, size_t n)
{
	put_u32(w, (uint32_t)n);
	put_raw(w, p, n);
}

static void
put_cstr(struct wbuf *w, const char *s)
{
	put_str(w, s, strlen(s));
}

static void
pubkey_blob(struct wbuf *w, const uint8_t pk[32])
{
	put_cstr(w, KEYTYPE);
	put_str(w, pk, 32);
}

/* The data that is signed (PROTOCOL.sshsig). */
static int
signed_data(struct wbuf *w, const void *msg, size_t len, const char *ns)
{
	uint8_t h[crypto_hash_sha512_BYTES];

	crypto_hash_sha512(h, msg, len);
	put_raw(w, "SSHSIG", 6);
	put_cstr(w, ns);
	put_str(w, "", 0);
	put_cstr(w, HASHALG);
	put_str(w, h, sizeof(h));
	return w->err ? HN_ETOOBIG : 0;
}

static int
ns_ok(const char *ns)
{
	size_t n = strlen(ns);

	return n > 0 && n <= HN_SSHSIG_NS_MAX;
}

int
hn_sshsig_sign(struct hn_buf *out, const void *msg, size_t len, const char *ns,
    const uint8_t sk[64])
{
	static struct wbuf zero;
	struct wbuf sd = zero, sig = zero, blob = zero, pk = zero;
	uint8_t s[crypto_sign_BYTES];
	char b64[hn_b64_len(BLOB_MAX)];
	size_t i, n;
	int r;

	if (!ns_ok(ns))
		return HN_EINVAL;
	if ((r = signed_data(&sd, msg, len, ns)) != 0)
		return r;
	crypto_sign_ed25519_detached(s, NULL, sd.b, sd.n, sk);
	put_cstr(&sig, KEYTYPE);
	put_str(&sig, s, sizeof(s));
	pubkey_blob(&pk, sk + 32);
	put_raw(&blob, "SSHSIG", 6);
	put_u32(&blob, 1);
	put_str(&blob, pk.b, pk.n);
	put_cstr(&blob, ns);
	put_str(&blob, "", 0);
	put_cstr(&blob, HASHALG);
	put_str(&blob, sig.b, sig.n);
	if (blob.err || sig.err || pk.err)
		return HN_ETOOBIG;
	hn_b64_encode(b64, blob.b, blob.n);
	if ((r = hn_buf_adds(out, BEGIN "\n")) != 0)
		return r;
	n = strlen(b64);
	for (i = 0; i < n; i += 70) {
		if ((r = hn_buf_add(out, b64 + i, n - i < 70 ? n - i : 70)) !=
			0 ||
		    (r = hn_buf_adds(out, "\n")) != 0)
			return r;
	}
	return hn_buf_adds(out, END "\n");
}

struct rbuf {
	const uint8_t *p;
	size_t n;
};

static int
get_u32(struct rbuf *r, uint32_t *v)
{
	if (r->n < 4)
		return HN_EPARSE;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	    (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->n -= 4;
	return 0;
}

static int
get_str(struct rbuf *r, struct rbuf *s)
{
	uint32_t len;

	if (get_u32(r, &len) != 0 || len > r->n)
		return HN_EPARSE;
	s->p = r->p;
	s->n = len;
	r->p += len;
	r->n -= len;
	return 0;
}

static int
str_is(const struct rbuf *s, const char *want)
{
	size_t n = strlen(want);

	return s->n == n && memcmp(s->p, want, n) == 0;
}

/* Parses an ssh-ed25519 public key blob. */
static int
parse_pubkey(struct rbuf blob, uint8_t pk[32])
{
	struct rbuf t, k;

	if (get_str(&blob, &t) != 0 || !str_is(&t, KEYTYPE) ||
	    get_str(&blob, &k) != 0 || k.n != 32 || blob.n != 0)
		return HN_EPARSE;
	memcpy(pk, k.p, 32);
	return 0;
}

/* Strips the armour: base64 between the markers, whitespace ignored. */
static int
dearmor(const char *a, size_t alen, uint8_t *out, size_t max, size_t *outlen)
{
	char b64[hn_b64_len(BLOB_MAX)];
	const char *p, *end;
	size_t n = 0, bl = strlen(BEGIN), el = strlen(END);
	ssize_t got;

	while (alen > 0 &&
	    (a[0] == ' ' || a[0] == '\n' || a[0] == '\r' || a[0] == '\t')) {
		a++;
		alen--;
	}
	if (alen < bl + el || memcmp(a, BEGIN, bl) != 0)
		return HN_EPARSE;
	p = a + bl;
	end = a + alen;
	for (; p < end; p++) {
		if (*p == '-')
			break;
		if (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
			continue;
		if (n + 1 >= sizeof(b64))
			return HN_EPARSE;
		b64[n++] = *p;
	}
	if ((size_t)(end - p) < el || memcmp(p, END, el) != 0)
		return HN_EPARSE;
	for (p += el; p < end; p++) {
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			return HN_EPARSE;
	}
	b64[n] = '\0';
	got = hn_b64_decode(out, max, b64, n);
	if (got < 0)
		return HN_EPARSE;
	*outlen = (size_t)got;
	return 0;
}

int
hn_sshsig_verify(const char *armored, size_t alen, const void *msg, size_t len,
    const char *ns, uint8_t signer[32])
{
	static struct wbuf zero;
	uint8_t raw[BLOB_MAX];
	struct wbuf sd = zero;
	struct rbuf r, pk, sns, res, halg, sig, st, sv;
	size_t rawlen = 0;
	uint32_t ver;
	int rc;

	if (alen > HN_SSHSIG_MAX || !ns_ok(ns))
		return HN_EPARSE;
	if ((rc = dearmor(armored, alen, raw, sizeof(raw), &rawlen)) != 0)
		return rc;
	r.p = raw;
	r.n = rawlen;
	if (r.n < 6 || memcmp(r.p, "SSHSIG", 6) != 0)
		return HN_EPARSE;
	r.p += 6;
	r.n -= 6;
	if (get_u32(&r, &ver) != 0 || ver != 1 || get_str(&r, &pk) != 0 ||
	    get_str(&r, &sns) != 0 || get_str(&r, &res) != 0 ||
	    get_str(&r, &halg) != 0 || get_str(&r, &sig) != 0 || r.n != 0)
		return HN_EPARSE;
	if (parse_pubkey(pk, signer) != 0)
		return HN_EPARSE;
	if (!str_is(&sns, ns) || !str_is(&halg, HASHALG))
		return HN_EVERIFY;
	if (get_str(&sig, &st) != 0 || !str_is(&st, KEYTYPE) ||
	    get_str(&sig, &sv) != 0 || sv.n != crypto_sign_BYTES || sig.n != 0)
		return HN_EPARSE;
	if ((rc = signed_data(&sd, msg, len, ns)) != 0)
		return rc;
	/* the reserved field is part of the signed data: must be what we sign */
	if (res.n != 0)
		return HN_EVERIFY;
	if (crypto_sign_ed25519_verify_detached(sv.p, sd.b, sd.n, signer) != 0)
		return HN_EVERIFY;
	return 0;
}

int
hn_ssh_pubkey_format(struct hn_buf *out, const uint8_t pk[32])
{
	static struct wbuf zero;
	struct wbuf w = zero;
	char b64[hn_b64_len(64)];
	int r;

	pubkey_blob(&w, pk);
	if (w.err)
		return HN_ETOOBIG;
	hn_b64_encode(b64, w.b, w.n);
	if ((r = hn_buf_adds(out, KEYTYPE " ")) != 0)
		return r;
	return hn_buf_adds(out, b64);
}

/* Next whitespace-separated token of [*p, end). */
static int
token(const char **p, const char *end, const char **t, size_t *tn)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	*t = *p;
	while (*p < end && **p != ' ' && **p != '\t')
		(*p)++;
	*tn = (size_t)(*p - *t);
	return *tn > 0 ? 0 : HN_EPARSE;
}

/* 1 if the comma-separated list [l, l+n) contains want. */
static int
list_has(const char *l, size_t n, const char *want)
{
	size_t wl = strlen(want), i = 0, j;

	while (i <= n) {
		for (j = i; j < n && l[j] != ','; j++)
			;
		if (j - i == wl && memcmp(l + i, want, wl) == 0)
			return 1;
		i = j + 1;
	}
	return 0;
}

static int
line_match(const char *line, const char *end, const char *principal,
    const char *ns, uint8_t pk[32])
{
	static const char nsopt[] = "namespaces=\"";
	uint8_t raw[128];
	struct rbuf blob;
	const char *p = line, *t, *opts = NULL;
	size_t tn, on = 0;
	ssize_t got;
	char b64[128];

	if (token(&p, end, &t, &tn) != 0 || t[0] == '#')
		return HN_ENOTFOUND;
	if (!list_has(t, tn, principal))
		return HN_ENOTFOUND;
	if (token(&p, end, &t, &tn) != 0)
		return HN_ENOTFOUND;
	if (!(tn == strlen(KEYTYPE) && memcmp(t, KEYTYPE, tn) == 0)) {
		opts = t;
		on = tn;
		if (token(&p, end, &t, &tn) != 0 || tn != strlen(KEYTYPE) ||
		    memcmp(t, KEYTYPE, tn) != 0)
			return HN_ENOTFOUND;
	}
	if (opts != NULL) {
		size_t pl = sizeof(nsopt) - 1;

		/* only namespaces="a,b" is understood */
		if (on < pl + 1 || memcmp(opts, nsopt, pl) != 0 ||
		    opts[on - 1] != '"' ||
		    !list_has(opts + pl, on - pl - 1, ns))
			return HN_ENOTFOUND;
	}
	if (token(&p, end, &t, &tn) != 0 || tn >= sizeof(b64))
		return HN_ENOTFOUND;
	memcpy(b64, t, tn);
	b64[tn] = '\0';
	if ((got = hn_b64_decode(raw, sizeof(raw), b64, tn)) < 0)
		return HN_ENOTFOUND;
	blob.p = raw;
	blob.n = (size_t)got;
	return parse_pubkey(blob, pk) == 0 ? 0 : HN_ENOTFOUND;
}

int
hn_ssh_allowed_signer(const char *text, size_t len, const char *principal,
    const char *ns, uint8_t pk[32])
{
	const char *p = text, *end = text + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (line_match(p, nl, principal, ns, pk) == 0)
			return 0;
		p = nl + 1;
	}
	return HN_ENOTFOUND;
}
