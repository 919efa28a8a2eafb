#include "fed/client.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "util/fmt.h"

#define HEADER_MAX (HN_CLIENT_TOKEN_MAX + 64)

struct hn_client {
	CURL *h;
	char url[HN_CLIENT_URL_MAX];
	enum hn_client_trust trust;
	uint8_t pins[HN_CLIENT_PINS_MAX][32];
	size_t npins;
	char *cafile, *cert, *key;
	char *auth; /* "Authorization: Bearer ..." or NULL */
	char *accept; /* "Accept: ..." or NULL */
	long timeout_ms;
	/* one exchange (set by request, read by the callbacks) */
	int pin_failed, too_big, read_failed;
	struct hn_buf *resp;
	int fd;
	uint64_t off, left;
	char errbuf[CURL_ERROR_SIZE];
};

int
hn_client_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : HN_ENET;
}

/* Replaces chain verification: the leaf certificate must match a pin. */
static int
verify_pin(X509_STORE_CTX *x, void *arg)
{
	struct hn_client *c = arg;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	X509 *cert = X509_STORE_CTX_get0_cert(x);
	size_t i;
	int ok = 0;

	if (cert != NULL && X509_digest(cert, EVP_sha256(), md, &mdlen) == 1 &&
	    mdlen == 32)
		for (i = 0; i < c->npins; i++)
			ok |= hn_memeq_ct(md, c->pins[i], 32) == 0;
	if (!ok) {
		c->pin_failed = 1;
		X509_STORE_CTX_set_error(x, X509_V_ERR_CERT_REJECTED);
	}
	return ok;
}

static CURLcode
ssl_ctx_cb(CURL *h, void *sslctx, void *arg)
{
	struct hn_client *c = arg;

	(void)h;
	if (c->trust == HN_TRUST_PINS)
		SSL_CTX_set_cert_verify_callback((SSL_CTX *)sslctx, verify_pin,
		    c);
	return CURLE_OK;
}

static size_t
write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct hn_client *c = arg;

	if (hn_buf_add(c->resp, data, size * n) < 0) {
		c->too_big = 1;
		return 0;
	}
	return size * n;
}

/* The body from the file range [off, off + left). */
static size_t
read_cb(char *out, size_t size, size_t n, void *arg)
{
	struct hn_client *c = arg;
	size_t want = size * n;
	ssize_t k;

	if (c->left == 0)
		return 0;
	if (want > c->left)
		want = (size_t)c->left;
	do
		k = pread(c->fd, out, want, (off_t)c->off);
	while (k < 0 && errno == EINTR);
	if (k <= 0) {
		c->read_failed = 1;
		return CURL_READFUNC_ABORT;
	}
	c->off += (uint64_t)k;
	c->left -= (uint64_t)k;
	return (size_t)k;
}

/* A header line "NAME: VALUE" (malloc'd); NULL if value holds a line
 * break (header injection) or no memory. */
static char *
header_line(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 3;
	char *s;

	if (strpbrk(value, "\r\n") != NULL || n > HEADER_MAX ||
	    (s = malloc(n)) == NULL)
		return NULL;
	if (hn_fmt(s, n, "%s: %s", name, value) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void
free_secret(char **s)
{
	if (*s != NULL) {
		hn_wipe(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

int
hn_client_new(struct hn_client **out, const struct hn_client_opts *o,
    struct hn_error *err)
{
	struct hn_client *c = NULL;
	size_t n;
	int r;

	*out = NULL;
	n = o->url != NULL ? strlen(o->url) : 0;
	while (n > 0 && o->url[n - 1] == '/')
		n--;
	if (n <= 8 || n >= HN_CLIENT_URL_MAX ||
	    strncmp(o->url, "https://", 8) != 0)
		return hn_error_set(err, HN_EINVAL, "url", NULL,
		    "the URL must be https://HOST:PORT");
	if (o->trust == HN_TRUST_PINS &&
	    (o->pins == NULL || o->npins == 0 || o->npins > HN_CLIENT_PINS_MAX))
		return hn_error_set(err, HN_EINVAL, "pins", NULL,
		    "1 to %d certificate fingerprints", HN_CLIENT_PINS_MAX);
	if (o->trust == HN_TRUST_CAFILE &&
	    (o->cafile == NULL || o->cafile[0] == '\0'))
		return hn_error_set(err, HN_EINVAL, "cafile", NULL,
		    "a CA file is needed");
	if (o->trust < HN_TRUST_PINS || o->trust > HN_TRUST_NONE)
		return hn_error_set(err, HN_EINVAL, "trust", NULL,
		    "unknown trust");
	if ((o->cert == NULL) != (o->key == NULL))
		return hn_error_set(err, HN_EINVAL, "cert", NULL,
		    "a client certificate needs its key");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	memcpy(c->url, o->url, n);
	c->trust = o->trust;
	if (o->trust == HN_TRUST_PINS) {
		memcpy(c->pins, o->pins, o->npins * sizeof(c->pins[0]));
		c->npins = o->npins;
	}
	c->timeout_ms =
	    o->timeout_ms > 0 ? o->timeout_ms : HN_CLIENT_TIMEOUT_MS;
	c->fd = -1;
	if ((o->trust == HN_TRUST_CAFILE &&
		(c->cafile = strdup(o->cafile)) == NULL) ||
	    (o->cert != NULL &&
		((c->cert = strdup(o->cert)) == NULL ||
		    (c->key = strdup(o->key)) == NULL)) ||
	    (c->h = curl_easy_init()) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if (o->accept != NULL &&
	    (c->accept = header_line("Accept", o->accept)) == NULL) {
		r = hn_error_set(err, HN_EINVAL, "accept", NULL,
		    "malformed Accept value");
		goto out;
	}
	if (o->token != NULL && o->token[0] != '\0' &&
	    hn_client_set_token(c, o->token) != 0) {
		r = hn_error_set(err, HN_EINVAL, "token", NULL,
		    "malformed bearer token");
		goto out;
	}
	*out = c;
	c = NULL;
	r = 0;
out:
	hn_client_free(c);
	return r;
}

void
hn_client_free(struct hn_client *c)
{
	if (c == NULL)
		return;
	if (c->h != NULL)
		curl_easy_cleanup(c->h);
	free(c->cafile);
	free(c->cert);
	free(c->key);
	free(c->accept);
	free_secret(&c->auth);
	free(c);
}

int
hn_client_set_token(struct hn_client *c, const char *token)
{
	char *s = NULL;

	if (token != NULL) {
		if (strlen(token) > HN_CLIENT_TOKEN_MAX)
			return HN_EINVAL;
		if ((s = malloc(strlen(token) + 8)) == NULL)
			return HN_ENOMEM;
		memcpy(s, "Bearer ", 7);
		memcpy(s + 7, token, strlen(token) + 1);
	}
	free_secret(&c->auth);
	if (s != NULL) {
		c->auth = header_line("Authorization", s);
		free_secret(&s);
		if (c->auth == NULL)
			return HN_EINVAL;
	}
	return 0;
}

void
hn_client_set_pins(struct hn_client *c, const uint8_t (*pins)[32], size_t n)
{
	if (n > HN_CLIENT_PINS_MAX)
		n = HN_CLIENT_PINS_MAX;
	if (n == 0 ||
	    (c->trust == HN_TRUST_PINS && c->npins == n &&
		memcmp(c->pins, pins, n * sizeof(c->pins[0])) == 0))
		return;
	c->trust = HN_TRUST_PINS;
	memcpy(c->pins, pins, n * sizeof(c->pins[0]));
	c->npins = n;
	/* A connection verified under the old pins must not be reused. */
	curl_easy_cleanup(c->h);
	c->h = curl_easy_init();
}

const char *
hn_client_url(const struct hn_client *c)
{
	return c->url;
}

static void
set_trust(struct hn_client *c)
{
	CURL *h = c->h;

	curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb);
	curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, c);
	/* a resumed session would skip the pin check */
	curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	switch (c->trust) {
	case HN_TRUST_PINS:
		/* our callback replaces chain verification (VERIFYPEER stays
		 * on so that it runs); names are not checked */
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		break;
	case HN_TRUST_CAFILE:
		curl_easy_setopt(h, CURLOPT_CAINFO, c->cafile);
		break;
	case HN_TRUST_SYSTEM:
		break;
	case HN_TRUST_NONE:
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
		break;
	}
	if (c->cert != NULL) {
		curl_easy_setopt(h, CURLOPT_SSLCERT, c->cert);
		curl_easy_setopt(h, CURLOPT_SSLKEY, c->key);
	}
}

/* Appends line to *l; 0 or HN_ENOMEM (*l freed). */
static int
add_header(struct curl_slist **l, const char *line)
{
	struct curl_slist *t;

	if ((t = curl_slist_append(*l, line)) == NULL) {
		curl_slist_free_all(*l);
		*l = NULL;
		return HN_ENOMEM;
	}
	*l = t;
	return 0;
}

/* body: a buffer (fd < 0) or the file range set in c->fd/off/left. */
static int
exchange(struct hn_client *c, const char *method, const char *path,
    const char *ctype, const void *body, size_t len, int has_body,
    long timeout_ms, long *status, struct hn_buf *resp, struct hn_error *err)
{
	struct curl_slist *hdrs = NULL;
	char url[HN_CLIENT_URL_MAX + 2048], ct[160];
	CURL *h = c->h;
	CURLcode rc;
	int n;

	*status = 0;
	if (h == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "no curl handle");
	if ((n = hn_fmt(url, sizeof(url), "%s%s", c->url, path)) != 0)
		return hn_error_set(err, n, "url", NULL, "URL too long");
	if (timeout_ms <= 0)
		timeout_ms = c->timeout_ms;
	curl_easy_reset(h);
	c->pin_failed = c->too_big = c->read_failed = 0;
	c->resp = resp;
	c->errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* ECDHE over X25519 or P-256 only, as the server (net/http.c) */
	curl_easy_setopt(h, CURLOPT_SSL_EC_CURVES, "X25519:P-256");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	    timeout_ms < 5000 ? timeout_ms : 5000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	set_trust(c);
	if ((c->auth != NULL && add_header(&hdrs, c->auth) != 0) ||
	    (c->accept != NULL && add_header(&hdrs, c->accept) != 0))
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	if (has_body) {
		if (hn_fmt(ct, sizeof(ct), "Content-Type: %s",
			ctype != NULL ? ctype : "application/octet-stream") !=
			0 ||
		    strpbrk(ct, "\r\n") != NULL) {
			curl_slist_free_all(hdrs);
			return hn_error_set(err, HN_EINVAL, NULL, NULL,
			    "content type too long");
		}
		/* No "Expect: 100-continue" (curl adds it above 1 KiB): it
		 * costs a round trip per request, and the receiver reads any
		 * body up to its limit anyway. */
		if (add_header(&hdrs, ct) != 0 ||
		    add_header(&hdrs, "Expect:") != 0)
			return hn_error_set(err, HN_ENOMEM, NULL, NULL,
			    "out of memory");
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(c->fd >= 0 ? c->left : len));
		if (c->fd >= 0) {
			curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
			curl_easy_setopt(h, CURLOPT_READDATA, c);
		} else {
			curl_easy_setopt(h, CURLOPT_POSTFIELDS,
			    body != NULL ? body : "");
		}
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	}
	if (hdrs != NULL)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(h);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	c->resp = NULL;
	if (rc != CURLE_OK) {
		if (c->pin_failed)
			return hn_error_set(err, HN_ENET, "certificate", NULL,
			    "%s: the certificate does not match the "
			    "directory",
			    c->url);
		if (c->too_big)
			return hn_error_set(err, HN_ETOOBIG, NULL, NULL,
			    "%s: answer larger than %zu bytes", c->url,
			    resp->max);
		if (c->read_failed)
			return hn_error_set(err, HN_EIO, NULL, NULL,
			    "cannot read the body to send");
		return hn_error_set(err, HN_ENET, NULL, NULL, "%s: %s%s%s",
		    c->url, curl_easy_strerror(rc), c->errbuf[0] ? ": " : "",
		    c->errbuf);
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

int
hn_client_request(struct hn_client *c, const char *method, const char *path,
    const char *ctype, const void *body, size_t len, long timeout_ms,
    long *status, struct hn_buf *resp, struct hn_error *err)
{
	c->fd = -1;
	c->left = 0;
	return exchange(c, method, path, ctype, body, len,
	    body != NULL || strcmp(method, "POST") == 0, timeout_ms, status,
	    resp, err);
}

int
hn_client_request_fd(struct hn_client *c, const char *method, const char *path,
    const char *ctype, int fd, uint64_t off, uint64_t len, long timeout_ms,
    long *status, struct hn_buf *resp, struct hn_error *err)
{
	int r;

	if (fd < 0)
		return hn_error_set(err, HN_EINVAL, NULL, NULL, "no file");
	c->fd = fd;
	c->off = off;
	c->left = len;
	r = exchange(c, method, path, ctype, NULL, 0, 1, timeout_ms, status,
	    resp, err);
	c->fd = -1;
	return r;
}
