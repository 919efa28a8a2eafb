/*
 * client.h - a small HTTPS JSON client (libcurl) for the command line:
 * the node's certificate is trusted from a CA file (the node's own
 * self-signed tls.crt), TLS 1.2+, bounded time and response size.
 */
#ifndef HN_NET_CLIENT_H
#define HN_NET_CLIENT_H

#include "util/buf.h"
#include "util/err.h"

#define HN_CLIENT_URL_MAX 512
#define HN_CLIENT_RESP_MAX (16U << 20)

struct hn_client {
	void *curl;
	char url[HN_CLIENT_URL_MAX];   /* "https://127.0.0.1:8247" */
	char cacert[4096];             /* "" : the system's CAs */
	char token[128];               /* "" : no session */
	long timeout_s;
};

int hn_client_init(struct hn_client *cl, const char *url,
    const char *cacert, const char *token, struct hn_error *err)
    __attribute__((warn_unused_result));
void hn_client_release(struct hn_client *cl);

/*
 * method path (with query) and an optional JSON body; *status gets the HTTP
 * status, resp the body (its max is the limit). HN_ENET if there was no
 * HTTP answer (err says why).
 */
int hn_client_call(struct hn_client *cl, const char *method,
    const char *path, const char *body, long *status, struct hn_buf *resp,
    struct hn_error *err);

#endif
