#include "net/client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "crypto/sign.h"

int
hn_client_init(struct hn_client *cl, const char *url, const char *cacert,
    const char *token, struct hn_error *err)
{
	size_t n;

	memset(cl, 0, sizeof(*cl));
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof(cl->url) || strncmp(url, "https://", 8) != 0)
		return hn_error_set(err, HN_EINVAL, "node", NULL,
		    "the node URL must be https://HOST:PORT");
	memcpy(cl->url, url, n);
	if (cacert != NULL && snprintf(cl->cacert, sizeof(cl->cacert), "%s",
	    cacert) >= (int)sizeof(cl->cacert))
		return hn_error_set(err, HN_ETOOBIG, "cacert", NULL,
		    "path too long");
	if (token != NULL && snprintf(cl->token, sizeof(cl->token), "%s",
	    token) >= (int)sizeof(cl->token))
		return hn_error_set(err, HN_EINVAL, "token", NULL,
		    "malformed session token");
	cl->timeout_s = 60;
	if ((cl->curl = curl_easy_init()) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "cannot initialise libcurl");
	return 0;
}

void
hn_client_release(struct hn_client *cl)
{
	if (cl == NULL)
		return;
	if (cl->curl != NULL)
		curl_easy_cleanup(cl->curl);
	hn_wipe(cl->token, sizeof(cl->token));
	cl->curl = NULL;
}

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct hn_buf *b = arg;

	return hn_buf_add(b, p, size * n) == 0 ? size * n : 0;
}

int
hn_client_call(struct hn_client *cl, const char *method, const char *path,
    const char *body, long *status, struct hn_buf *resp,
    struct hn_error *err)
{
	struct curl_slist *h = NULL;
	char url[HN_CLIENT_URL_MAX + 2048], auth[160];
	CURL *c = cl->curl;
	CURLcode rc;

	*status = 0;
	if (snprintf(url, sizeof(url), "%s%s", cl->url, path) >=
	    (int)sizeof(url))
		return hn_error_set(err, HN_ETOOBIG, NULL, NULL,
		    "URL too long");
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, cl->timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	if (cl->cacert[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, cl->cacert);
	h = curl_slist_append(h, "Accept: application/json");
	if (cl->token[0]) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		    cl->token);
		h = curl_slist_append(h, auth);
		hn_wipe(auth, sizeof(auth));
	}
	if (body != NULL) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	rc = curl_easy_perform(c);
	curl_slist_free_all(h);
	if (rc != CURLE_OK)
		return hn_error_set(err, HN_ENET, NULL, NULL, "%s: %s", cl->url,
		    rc == CURLE_WRITE_ERROR ? "answer too large" :
		    curl_easy_strerror(rc));
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	return 0;
}
