/*
 * note.h - C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, the
 * encoding Go's golang.org/x/mod/sumdb/note uses.
 *
 *   text ending in "\n"
 *   "\n"
 *   "— " name " " base64(key ID (4 bytes, big endian) || signature) "\n" ...
 *
 * Keys:
 *   key ID        = SHA-256(name || 0x0A || type || public key)[:4]
 *   verifier key  = name "+" hex(key ID) "+" base64(type || public key)
 *   private key   = "PRIVATE+KEY+" name "+" hex(key ID) "+"
 *                   base64(type || 32-byte Ed25519 seed)
 * type is 0x01 (Ed25519 note signature) or 0x04 (timestamped Ed25519
 * checkpoint cosignature, c2sp.org/tlog-cosignature; see checkpoint.h).
 *
 * Parsing is strict and bounded: at most HN_NOTE_MAX bytes, at most
 * HN_NOTE_SIGS_MAX signature lines, valid UTF-8 without control characters
 * other than newline, key names without spaces or '+'. A note verifies when
 * at least one signature by a known key (same name AND key ID) verifies and
 * no signature by a known key fails; signatures by unknown keys are ignored.
 */
#ifndef HN_LEDGER_NOTE_H
#define HN_LEDGER_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sign.h"
#include "util/buf.h"
#include "util/err.h"

#define HN_NOTE_MAX 65536 /* whole signed note, bytes */
#define HN_NOTE_SIGS_MAX 64 /* signature lines (the spec asks >= 16) */
#define HN_NOTE_NAME_MAX 256 /* key name, bytes */
#define HN_NOTE_SIG_MAX 128 /* decoded signature after the key ID */

#define HN_NOTE_ED25519 0x01
#define HN_NOTE_COSIG_V1 0x04

struct hn_note_sig {
	char name[HN_NOTE_NAME_MAX + 1];
	uint32_t key_id;
	uint8_t sig[HN_NOTE_SIG_MAX];
	size_t sig_len;
};

struct hn_note {
	char *text; /* NUL-terminated, includes the final newline */
	size_t text_len;
	struct hn_note_sig *sigs;
	size_t nsigs;
};

struct hn_note_verifier {
	char name[HN_NOTE_NAME_MAX + 1];
	uint32_t key_id;
	uint8_t type;
	uint8_t pk[HN_ED25519_PK_LEN];
};

/* Holds a secret: release with hn_note_signer_wipe. */
struct hn_note_signer {
	char name[HN_NOTE_NAME_MAX + 1];
	uint32_t key_id;
	uint8_t type;
	uint8_t sk[HN_ED25519_SK_LEN];
	uint8_t pk[HN_ED25519_PK_LEN];
};

/* 0 if name is a valid key name (non-empty, no spaces, no '+', UTF-8). */
int hn_note_name_valid(const char *name, size_t len);

uint32_t hn_note_key_id(const char *name, uint8_t type,
    const uint8_t pk[HN_ED25519_PK_LEN]);

/*
 * Parses a signed note (msg need not be NUL-terminated). On success the
 * caller owns n and releases it with hn_note_release. HN_ETOOBIG beyond the
 * limits, HN_EPARSE for anything malformed (err says what).
 */
int hn_note_parse(struct hn_note *n, const char *msg, size_t len,
    struct hn_error *err) __attribute__((warn_unused_result));
void hn_note_release(struct hn_note *n);

/* Serialises text, blank line, signature lines. */
int hn_note_format(const struct hn_note *n, struct hn_buf *out);

/*
 * Verifies n against the known keys vs[0..nv). On success *which (may be
 * NULL) gets the index in vs of the first known key whose signature
 * verified. HN_EVERIFY if no known key signed or a known key's signature
 * fails; err says which.
 */
int hn_note_verify(const struct hn_note *n, const struct hn_note_verifier *vs,
    size_t nv, size_t *which, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Signs text (must be valid note text: non-empty, ends in "\n", UTF-8
 * without control characters) with Ed25519 signers (type 0x01) and writes
 * the whole signed note to out (appended).
 */
int hn_note_sign(struct hn_buf *out, const char *text, size_t len,
    const struct hn_note_signer *s, size_t ns, struct hn_error *err)
    __attribute__((warn_unused_result));

/* Appends a signature line to n (HN_ETOOBIG beyond HN_NOTE_SIGS_MAX). */
int hn_note_add_sig(struct hn_note *n, const struct hn_note_sig *sig);

int hn_note_verifier_parse(struct hn_note_verifier *v, const char *vkey,
    size_t len, struct hn_error *err) __attribute__((warn_unused_result));
int hn_note_verifier_format(const struct hn_note_verifier *v,
    struct hn_buf *out);

int hn_note_signer_parse(struct hn_note_signer *s, const char *skey, size_t len,
    struct hn_error *err) __attribute__((warn_unused_result));
int hn_note_signer_format(const struct hn_note_signer *s, struct hn_buf *out);
/* A fresh random key of the given type. */
int hn_note_signer_generate(struct hn_note_signer *s, const char *name,
    uint8_t type, struct hn_error *err) __attribute__((warn_unused_result));
/* Builds the signer from an existing libsodium secret key (seed || pk). */
int hn_note_signer_from_sk(struct hn_note_signer *s, const char *name,
    uint8_t type, const uint8_t sk[HN_ED25519_SK_LEN], struct hn_error *err)
    __attribute__((warn_unused_result));
void hn_note_signer_verifier(const struct hn_note_signer *s,
    struct hn_note_verifier *v);
void hn_note_signer_wipe(struct hn_note_signer *s);

#endif
