/*
 * x509.h - the node's TLS identity: an ECDSA P-256 key and a self-signed
 * certificate (OpenSSL), and SHA-256 fingerprints of certificates.
 *
 * Peers are pinned by the fingerprint of their certificate's DER encoding
 * (published in the signed directory), never by a CA chain.
 */
#ifndef HN_CRYPTO_X509_H
#define HN_CRYPTO_X509_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

/*
 * Generates a fresh P-256 key (PKCS#8 PEM into key_pem, which the caller
 * wipes) and a self-signed certificate valid for `days` days (PEM into
 * cert_pem) with CN = name and subjectAltName DNS:localhost, IP:127.0.0.1,
 * IP:::1 and DNS:name (or IP:name when name is an address). Usable as a
 * server and as a client certificate (mutual TLS between nodes). days is
 * 1..HN_X509_DAYS_MAX (HN_EINVAL otherwise): a leaked key is good for a
 * year at most, and renewal (hanoinet tls renew) stays a practised step.
 */
#define HN_X509_DAYS_MAX 397 /* CA/Browser Forum's ceiling since 2020 */
int hn_x509_generate(const char *name, int days, struct hn_buf *key_pem,
    struct hn_buf *cert_pem, struct hn_error *err)
    __attribute__((warn_unused_result));

/* SHA-256 of the DER encoding of a certificate given as DER. */
void hn_x509_fingerprint_der(const uint8_t *der, size_t len, uint8_t out[32]);

/* The same for the first certificate of a PEM text. HN_EPARSE if none. */
int hn_x509_fingerprint_pem(const char *pem, size_t len, uint8_t out[32])
    __attribute__((warn_unused_result));

/* notAfter of the first certificate of a PEM text, as Unix time. */
int hn_x509_not_after(const char *pem, size_t len, int64_t *out)
    __attribute__((warn_unused_result));

#endif
