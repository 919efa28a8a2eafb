#include "fed/peer.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"

struct hn_peer {
	CURL *h;
	char *base;
	char *cert, *key;
	size_t npins;      /* 0: not pinned */
	uint8_t pins[HN_PEER_MAX_PINS][32];
	int pin_failed;    /* set by the verify callback */
	struct hn_buf *resp;
	int too_big;
	char errbuf[CURL_ERROR_SIZE];
	char *auth;        /* "Authorization: Bearer ..." or NULL */
};

int
hn_peer_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : HN_ENET;
}

/* Replaces chain verification: the leaf certificate must match one of the
 * pins (the current certificate, or the next one announced before a
 * renewal). */
static int
verify_pin(X509_STORE_CTX *x, void *arg)
{
	struct hn_peer *p = arg;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	X509 *cert = X509_STORE_CTX_get0_cert(x);
	size_t i;
	int ok = 0;

	if (cert != NULL && X509_digest(cert, EVP_sha256(), md, &mdlen) == 1 &&
	    mdlen == 32)
		for (i = 0; i < p->npins; i++)
			ok |= hn_memeq_ct(md, p->pins[i], 32) == 0;
	if (!ok) {
		p->pin_failed = 1;
		X509_STORE_CTX_set_error(x, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	return 1;
}

static CURLcode
ssl_ctx_cb(CURL *h, void *sslctx, void *arg)
{
	struct hn_peer *p = arg;

	(void)h;
	if (p->npins > 0)
		SSL_CTX_set_cert_verify_callback((SSL_CTX *)sslctx, verify_pin,
		    p);
	return CURLE_OK;
}

static size_t
write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct hn_peer *p = arg;

	if (hn_buf_add(p->resp, data, size * n) < 0) {
		p->too_big = 1;
		return 0;
	}
	return size * n;
}

static char *
dupn(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

int
hn_peer_new(struct hn_peer **out, const char *base_url, const uint8_t *pin,
    const char *cert_path, const char *key_path, struct hn_error *err)
{
	struct hn_peer *p = NULL;
	int r;

	*out = NULL;
	if (base_url == NULL || strncmp(base_url, "https://", 8) != 0)
		return hn_error_set(err, HN_EINVAL, "node_url", NULL,
		    "peer URL must be https://");
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->base = strdup(base_url)) == NULL ||
	    (cert_path != NULL && (p->cert = dupn(cert_path)) == NULL) ||
	    (key_path != NULL && (p->key = dupn(key_path)) == NULL) ||
	    (p->h = curl_easy_init()) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	/* Strip a trailing slash so that base + "/v1/..." is one slash. */
	if (p->base[strlen(p->base) - 1] == '/')
		p->base[strlen(p->base) - 1] = '\0';
	if (pin != NULL) {
		p->npins = 1;
		memcpy(p->pins[0], pin, 32);
	}
	*out = p;
	p = NULL;
	r = 0;
out:
	hn_peer_free(p);
	return r;
}

void
hn_peer_free(struct hn_peer *p)
{
	if (p == NULL)
		return;
	if (p->h != NULL)
		curl_easy_cleanup(p->h);
	free(p->base);
	free(p->cert);
	free(p->key);
	if (p->auth != NULL) {
		hn_wipe(p->auth, strlen(p->auth));
		free(p->auth);
	}
	free(p);
}

int
hn_peer_set_bearer(struct hn_peer *p, const char *token)
{
	size_t n;

	if (p->auth != NULL) {
		hn_wipe(p->auth, strlen(p->auth));
		free(p->auth);
		p->auth = NULL;
	}
	if (token == NULL)
		return 0;
	n = strlen(token) + 32;
	if ((p->auth = malloc(n)) == NULL)
		return HN_ENOMEM;
	if (snprintf(p->auth, n, "Authorization: Bearer %s", token) >= (int)n)
		return HN_EINTERNAL;
	return 0;
}

int
hn_peer_set_pins(struct hn_peer *p, const uint8_t (*pins)[32], size_t n)
{
	if (n == 0 || n > HN_PEER_MAX_PINS)
		return HN_EINVAL;
	if (p->npins == n && memcmp(p->pins, pins, n * 32) == 0)
		return 0;
	p->npins = n;
	memcpy(p->pins, pins, n * 32);
	/* A connection verified under the old pins must not be reused. */
	curl_easy_cleanup(p->h);
	p->h = curl_easy_init();
	return p->h != NULL ? 0 : HN_ENOMEM;
}

int
hn_peer_request(struct hn_peer *p, const char *method, const char *path,
    const char *ctype, const void *body, size_t len, long timeout_ms,
    long *status, struct hn_buf *resp, struct hn_error *err)
{
	struct curl_slist *hdrs = NULL, *t;
	char url[1024], ct[160];
	CURLcode rc;
	int n, r;

	*status = 0;
	if (p->h == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "no curl handle");
	n = snprintf(url, sizeof(url), "%s%s", p->base, path);
	if (n < 0 || (size_t)n >= sizeof(url))
		return hn_error_set(err, HN_ETOOBIG, "url", NULL,
		    "URL too long");
	curl_easy_reset(p->h);
	p->pin_failed = 0;
	p->too_big = 0;
	p->resp = resp;
	p->errbuf[0] = '\0';
	curl_easy_setopt(p->h, CURLOPT_URL, url);
	curl_easy_setopt(p->h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(p->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p->h, CURLOPT_ERRORBUFFER, p->errbuf);
	curl_easy_setopt(p->h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(p->h, CURLOPT_CONNECTTIMEOUT_MS,
	    timeout_ms < 5000 ? timeout_ms : 5000L);
	curl_easy_setopt(p->h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(p->h, CURLOPT_WRITEDATA, p);
	/* Pinned by fingerprint: our callback replaces chain verification
	 * (VERIFYPEER stays on so that it runs); names are not checked. */
	curl_easy_setopt(p->h, CURLOPT_SSL_VERIFYPEER, p->npins > 0 ? 1L : 0L);
	curl_easy_setopt(p->h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(p->h, CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb);
	curl_easy_setopt(p->h, CURLOPT_SSL_CTX_DATA, p);
	curl_easy_setopt(p->h, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	if (p->cert != NULL) {
		curl_easy_setopt(p->h, CURLOPT_SSLCERT, p->cert);
		curl_easy_setopt(p->h, CURLOPT_SSLKEY, p->key);
	}
	if (p->auth != NULL &&
	    (hdrs = curl_slist_append(hdrs, p->auth)) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	if (strcmp(method, "POST") == 0) {
		n = snprintf(ct, sizeof(ct), "Content-Type: %s",
		    ctype ? ctype : "application/octet-stream");
		if (n < 0 || (size_t)n >= sizeof(ct) ||
		    (t = curl_slist_append(hdrs, ct)) == NULL) {
			curl_slist_free_all(hdrs);
			return hn_error_set(err, HN_EINVAL, NULL, NULL,
			    "content type too long or out of memory");
		}
		hdrs = t;
		/* No "Expect: 100-continue" (curl adds it above 1 KiB): it
		 * costs a round trip per request, and the receiver reads any
		 * body up to its limit anyway. */
		if ((t = curl_slist_append(hdrs, "Expect:")) == NULL) {
			curl_slist_free_all(hdrs);
			return hn_error_set(err, HN_ENOMEM, NULL, NULL,
			    "out of memory");
		}
		hdrs = t;
		curl_easy_setopt(p->h, CURLOPT_POST, 1L);
		curl_easy_setopt(p->h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(p->h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	} else if (strcmp(method, "GET") != 0) {
		curl_slist_free_all(hdrs);
		return hn_error_set(err, HN_EINVAL, NULL, NULL,
		    "unsupported method");
	}
	if (hdrs != NULL)
		curl_easy_setopt(p->h, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(p->h);
	curl_slist_free_all(hdrs);
	curl_easy_setopt(p->h, CURLOPT_HTTPHEADER, NULL);
	p->resp = NULL;
	if (rc != CURLE_OK) {
		if (p->pin_failed)
			r = hn_error_set(err, HN_ENET, "certificate", NULL,
			    "peer certificate does not match the directory");
		else if (p->too_big)
			r = hn_error_set(err, HN_ETOOBIG, NULL, NULL,
			    "response larger than %zu bytes", resp->max);
		else
			r = hn_error_set(err, HN_ENET, NULL, NULL, "%s: %s",
			    curl_easy_strerror(rc), p->errbuf);
		return r;
	}
	curl_easy_getinfo(p->h, CURLINFO_RESPONSE_CODE, status);
	return 0;
}
