/*
 * client.h - the one HTTPS client (libcurl): node to node (mutual TLS, the
 * server pinned by the SHA-256 of its certificate's DER as published in
 * the signed directory), the command line to a node (the node's own
 * certificate as CA file, a bearer token), and the registry (no check: the
 * directory it serves is signed).
 *
 * Trust, one of:
 *   HN_TRUST_PINS   the leaf certificate's SHA-256 must equal one of the
 *                   pins (a list: a node may publish the next certificate's
 *                   fingerprint before it switches). Checked during the
 *                   handshake, before any byte of the request is sent; no
 *                   CA and no host name are involved.
 *   HN_TRUST_CAFILE chain to the PEM file's certificates, host name checked.
 *   HN_TRUST_SYSTEM chain to the system's CAs, host name checked.
 *   HN_TRUST_NONE   no check (only for content that is signed anyway).
 * Every request is bounded: the response by the caller's buffer (its max),
 * the time by timeout_ms. TLS 1.2 at least, HTTPS only. A peer that
 * closes the connection is HN_ENET, never SIGPIPE (libcurl sends with
 * MSG_NOSIGNAL; tests/unit/test_client checks it with SIGPIPE's default
 * action).
 *
 * A struct hn_client keeps one libcurl handle, and so one kept-alive TLS
 * connection, to one base URL; use it from one thread at a time. Call
 * hn_client_global_init once per process before threads start.
 */
#ifndef HN_FED_CLIENT_H
#define HN_FED_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

#define HN_CLIENT_URL_MAX 512
#define HN_CLIENT_PINS_MAX 8 /* certificate fingerprints per endpoint */
#define HN_CLIENT_TOKEN_MAX 1024
#define HN_CLIENT_TIMEOUT_MS 60000L /* default per request */

enum hn_client_trust {
	HN_TRUST_PINS = 1,
	HN_TRUST_CAFILE,
	HN_TRUST_SYSTEM,
	HN_TRUST_NONE,
};

struct hn_client_opts {
	const char *url; /* "https://host:port" (trailing / cut) */
	enum hn_client_trust trust;
	const uint8_t (*pins)[32]; /* HN_TRUST_PINS: 1..PINS_MAX of them */
	size_t npins;
	const char *cafile; /* HN_TRUST_CAFILE: PEM file */
	const char *cert, *key; /* our client certificate (PEM), or NULL */
	const char *token; /* "Authorization: Bearer" or NULL */
	const char *accept; /* "Accept:" header, or NULL */
	long timeout_ms; /* default per request (0: 60 s) */
};

struct hn_client;

/* curl_global_init; 0 or HN_ENET. */
int hn_client_global_init(void) __attribute__((warn_unused_result));

/* The strings and pins are copied. HN_EINVAL (field "url", "pins",
 * "cafile", "token") for a bad option. */
int hn_client_new(struct hn_client **out, const struct hn_client_opts *o,
    struct hn_error *err) __attribute__((warn_unused_result));
/* Wipes the token; NULL is a no-op. */
void hn_client_free(struct hn_client *c);

/* Replaces the bearer token (NULL: none from now on). */
int hn_client_set_token(struct hn_client *c, const char *token)
    __attribute__((warn_unused_result));

/* Replaces the pins (a new directory) and makes the client pinned; the
 * kept connection is dropped if the list changed (it was verified under
 * the old one). n is 1..HN_CLIENT_PINS_MAX (more are ignored). */
void hn_client_set_pins(struct hn_client *c, const uint8_t (*pins)[32],
    size_t n);

/* The base URL as given (trailing slash cut). */
const char *hn_client_url(const struct hn_client *c);

/*
 * One exchange: method ("GET", "POST", "PUT", "DELETE", ...) on url + path
 * (path with its query), with body/len (NULL: none) of type ctype. The
 * response body is appended to resp (its max is the limit: HN_ETOOBIG
 * beyond), the HTTP status goes to *status. timeout_ms 0: the client's.
 * Network and TLS failures return HN_ENET with the reason in err (a pin
 * mismatch: field "certificate"); any HTTP answer returns 0.
 */
int hn_client_request(struct hn_client *c, const char *method, const char *path,
    const char *ctype, const void *body, size_t len, long timeout_ms,
    long *status, struct hn_buf *resp, struct hn_error *err)
    __attribute__((warn_unused_result));

/* The same with the body streamed from bytes [off, off + len) of the open
 * file fd (read with pread; the file offset is not moved), so an upload
 * needs no buffer of its size. HN_EIO if the file is shorter. */
int hn_client_request_fd(struct hn_client *c, const char *method,
    const char *path, const char *ctype, int fd, uint64_t off, uint64_t len,
    long timeout_ms, long *status, struct hn_buf *resp, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
