/*
 * directory.h - the signed directory of nodes (who is who on the network).
 *
 * The depositary (the treaty secretariat) signs, with its registry key, a
 * JSON document listing for each party: its code, node URL, TLS certificate
 * fingerprint (SHA-256 of the DER certificate), Ed25519 signing key (C2SP
 * verifier key), 24/7 point of contact (art. 41), central authority
 * (art. 40), accepted languages (art. 40) and its register entry; plus a
 * serial, an issue time and an expiry. The wire form is a signed object
 * (fed/signed.h) of type hanoinet-directory-v1 whose signer is the registry
 * key's name; docs/protocol.md gives the byte-level format.
 *
 * A node pins the registry's verifier key, accepts a directory only if the
 * signature verifies under it, it has not expired, and its serial is not
 * lower than that of the copy it holds (hn_directory_update); it keeps the
 * last good copy on disk.
 *
 * Ownership: hn_directory_open / _describe return a new struct the caller
 * frees with hn_directory_free. Lookups return pointers into it.
 */
#ifndef HN_FED_DIRECTORY_H
#define HN_FED_DIRECTORY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "fed/signed.h"
#include "util/buf.h"
#include "util/err.h"

#define HN_DIR_MAX (4u << 20)     /* bytes of a signed directory */
#define HN_DIR_MAX_PARTIES 512
#define HN_DIR_URL_MAX 512
#define HN_DIR_TEXT_MAX 4096      /* any string in an entry */
#define HN_DIR_MAX_LANGUAGES 16
#define HN_PARTY_CODE_LEN 3       /* ISO 3166-1 alpha-3, EUU for the EU */

struct hn_dir_party {
	char code[HN_PARTY_CODE_LEN + 1];
	char node_url[HN_DIR_URL_MAX + 1];
	uint8_t tls_sha256[HN_SHA256_LEN];
	char signing_key[HN_VKEY_MAX + 1];  /* verifier key string */
	char key_name[HN_SIGNER_MAX + 1];
	uint8_t pk[HN_ED25519_PK_LEN];
	const json_t *entry;                /* the whole entry (borrowed) */
};

struct hn_directory {
	uint64_t serial;
	int64_t issued_at, expires_at;      /* seconds since the epoch */
	char registry[HN_SIGNER_MAX + 1];   /* the signing key's name */
	size_t nparties;
	struct hn_dir_party *parties;       /* sorted by code */
	json_t *payload;                    /* parsed payload (owned) */
	char *raw;                          /* the signed object as received */
	size_t raw_len;
};

void hn_directory_free(struct hn_directory *d);

/*
 * Verifies `data` under the pinned registry key and parses it. Refuses
 * (HN_EVERIFY) a bad signature or a signer name other than the pinned
 * key's name, (HN_ESTATE, field "expires_at") a directory expired at `now`,
 * (HN_EPARSE/HN_EINVAL) a malformed one, naming the field.
 */
int hn_directory_open(struct hn_directory **out, const char *data,
    size_t len, const char *registry_vkey, int64_t now, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Same checks without a signature (for the payload alone): validates a
 * payload document. Used by the registry before signing and by open.
 */
int hn_directory_parse_payload(struct hn_directory **out, const char *json,
    size_t len, struct hn_error *err) __attribute__((warn_unused_result));

/*
 * The registry's tool: reads a description (the payload fields without
 * "v" and "registry"; issued_at defaults to now; expires_at is required or
 * given as "valid_days"), validates it, and appends the signed directory
 * to out. `name` is the registry key's name.
 */
int hn_directory_sign(struct hn_buf *out, const char *desc, size_t len,
    const char *name, const uint8_t sk[HN_ED25519_SK_LEN], int64_t now,
    struct hn_error *err) __attribute__((warn_unused_result));

/* The entry of `code`, or NULL. */
const struct hn_dir_party *hn_directory_find(const struct hn_directory *d,
    const char *code);
/* The entry whose TLS certificate has this fingerprint, or NULL. */
const struct hn_dir_party *hn_directory_find_tls(
    const struct hn_directory *d, const uint8_t fp[HN_SHA256_LEN]);

/*
 * Replaces the copy held at `path` (if any) with `data` if it verifies, is
 * not expired and has a serial >= the held one (equal serial: the bytes
 * must be identical, else HN_ESTATE "serial reused"). Lower serial:
 * HN_ESTATE (field "serial"). On success *out (optional) is the directory
 * now held. The file is written atomically.
 */
int hn_directory_update(const char *path, const char *data, size_t len,
    const char *registry_vkey, int64_t now, struct hn_directory **out,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Loads the held copy at `path`, re-verifying it (including expiry at
 * `now`: an expired held copy is HN_ESTATE so that the caller knows it must
 * fetch a new one). HN_ENOTFOUND if none is held.
 */
int hn_directory_load(const char *path, const char *registry_vkey,
    int64_t now, struct hn_directory **out, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
