/*
 * signed.h - the framing every signed federation object uses (directory,
 * envelope, receipt), and the C2SP key encodings of Ed25519 keys.
 *
 * A signed object is:
 *
 *   TYPE SP SIGNER SP base64(signature) LF PAYLOAD
 *
 * TYPE is one of the HN_SIGNED_* strings, SIGNER names the key (a party code
 * or the registry's key name), PAYLOAD is the exact bytes signed (a JSON
 * document, never re-serialised). The Ed25519 signature covers
 *
 *   TYPE LF SIGNER LF PAYLOAD
 *
 * so that a signature for one type or signer cannot be replayed as another.
 * Verification happens on these bytes before the payload is parsed
 * (docs/protocol.md, "Signed objects").
 *
 * Keys use the C2SP signed-note encodings (signed-note.md):
 *   verifier key  NAME+hex(keyid)+base64(0x01 || pk)
 *   private key   PRIVATE+KEY+NAME+hex(keyid)+base64(0x01 || seed)
 * keyid = SHA-256(NAME || 0x0A || 0x01 || pk)[:4].
 */
#ifndef HN_FED_SIGNED_H
#define HN_FED_SIGNED_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sign.h"
#include "util/buf.h"
#include "util/err.h"

#define HN_SIGNED_DIRECTORY "hanoinet-directory-v1"
#define HN_SIGNED_ENVELOPE "hanoinet-envelope-v1"
#define HN_SIGNED_RECEIPT "hanoinet-receipt-v1"
#define HN_SIGNED_EVIDENCE "hanoinet-evidence-v1" /* fed/evwire.h */

#define HN_SIGNER_MAX 128 /* bytes of a signer / key name */
#define HN_VKEY_MAX 256 /* bytes of a verifier key string */

/* A parsed signed object; pointers point into the caller's input. */
struct hn_signed {
	char type[32];
	char signer[HN_SIGNER_MAX + 1];
	uint8_t sig[HN_ED25519_SIG_LEN];
	const char *payload;
	size_t payload_len;
};

/*
 * Splits data into header and payload (no signature check). HN_EPARSE on a
 * malformed header, HN_ETOOBIG if len > max. The payload points into data.
 */
int hn_signed_parse(struct hn_signed *out, const char *data, size_t len,
    size_t max, struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Parses and verifies: type must equal `type`, the signature must verify
 * under pk over the signed message. HN_EVERIFY on a bad signature.
 */
int hn_signed_open(struct hn_signed *out, const char *type, const char *data,
    size_t len, size_t max, const uint8_t pk[HN_ED25519_PK_LEN],
    struct hn_error *err) __attribute__((warn_unused_result));

/* Appends the signed object (header + payload) to out. */
int hn_signed_make(struct hn_buf *out, const char *type, const char *signer,
    const void *payload, size_t len, const uint8_t sk[HN_ED25519_SK_LEN]);

/* 1 if s is a valid signer / key name (printable ASCII, no space or '+'). */
int hn_signer_valid(const char *s, size_t len);

/*
 * Parses a C2SP Ed25519 verifier key; checks the key ID. name (optional)
 * receives the key name (HN_SIGNER_MAX + 1 bytes).
 */
int hn_vkey_parse(const char *vkey, char *name, uint8_t pk[HN_ED25519_PK_LEN],
    struct hn_error *err) __attribute__((warn_unused_result));
/* Formats the verifier key of (name, pk) into out (HN_VKEY_MAX + 1). */
int hn_vkey_format(char *out, size_t outsz, const char *name,
    const uint8_t pk[HN_ED25519_PK_LEN]);

/*
 * Parses a C2SP private key line (trailing newline allowed) into the 64-byte
 * secret key and the public key; name receives the key name. The caller
 * wipes sk.
 */
int hn_skey_parse(const char *line, size_t len, char *name,
    uint8_t sk[HN_ED25519_SK_LEN], uint8_t pk[HN_ED25519_PK_LEN],
    struct hn_error *err) __attribute__((warn_unused_result));
/* Formats a private key line (with newline) from seed; out is wiped by
 * the caller (hn_buf_release_secret). */
int hn_skey_format(struct hn_buf *out, const char *name,
    const uint8_t seed[HN_ED25519_SEED_LEN]);

#endif
