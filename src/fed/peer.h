/*
 * peer.h - the HTTPS client one node uses to talk to another: mutual TLS
 * (our node certificate as client certificate) and the server pinned by
 * the SHA-256 of its certificate's DER, as published in the signed
 * directory (one to HN_PEER_MAX_PINS pins: any one is accepted, so that a
 * renewed certificate announced beforehand is reached). The pins are
 * checked during the handshake, before any byte of the request is sent;
 * no CA and no host name are involved.
 *
 * A struct hn_peer keeps one libcurl handle (and so one kept-alive TLS
 * connection) for one peer; use it from one thread at a time.
 */
#ifndef HN_FED_PEER_H
#define HN_FED_PEER_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

struct hn_peer;

#define HN_PEER_MAX_PINS 4 /* = HN_DIR_MAX_PINS (fed/directory.h) */

/* Call once per process before threads start (curl_global_init). */
int hn_peer_global_init(void) __attribute__((warn_unused_result));

/*
 * base_url: the peer's node_url ("https://127.0.0.1:8443"); pin: SHA-256 of
 * its certificate (NULL: no pin, for fetching a directory from a registry
 * given by file or trusted out of band: the content is signed anyway);
 * cert/key: PEM files of our TLS identity (NULL: no client certificate).
 * The strings are copied.
 */
int hn_peer_new(struct hn_peer **out, const char *base_url,
    const uint8_t *pin, const char *cert_path, const char *key_path,
    struct hn_error *err) __attribute__((warn_unused_result));
void hn_peer_free(struct hn_peer *p);

/* Sends "Authorization: Bearer TOKEN" from now on (NULL: stop). For
 * clients of a node's own API (hanoinet demo, benchmarks). */
int hn_peer_set_bearer(struct hn_peer *p, const char *token);

/* Replaces the pins with pins[0..n) (a new directory; 1 <= n <=
 * HN_PEER_MAX_PINS, else HN_EINVAL); drops the connection if they
 * changed. */
int hn_peer_set_pins(struct hn_peer *p, const uint8_t (*pins)[32], size_t n)
    __attribute__((warn_unused_result));

/*
 * method "GET" or "POST" on base_url + path; body/ctype for POST. The
 * response body goes to resp (its max is the limit: HN_ETOOBIG beyond),
 * the HTTP status to *status. Network and TLS failures (including a pin
 * mismatch: err field "certificate") return HN_ENET with the reason in err.
 */
int hn_peer_request(struct hn_peer *p, const char *method, const char *path,
    const char *ctype, const void *body, size_t len, long timeout_ms,
    long *status, struct hn_buf *resp, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
