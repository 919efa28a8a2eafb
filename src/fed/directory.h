/*
 * directory.h - the signed directory of nodes (who is who on the network).
 *
 * The depositary (the treaty secretariat) signs, with its registry key, a
 * JSON document listing for each party: its code; its endpoints (node URLs,
 * each with the SHA-256 fingerprints of the TLS certificates it may
 * present: the current one and, before a renewal, the next); its Ed25519
 * signing key (C2SP verifier key); optionally a separate C2SP cosigning
 * key; the parties that witness its log; its 24/7 point of contact
 * (art. 41), central authority (art. 40), accepted languages (art. 40),
 * register entry and declarations; plus a serial, an issue time and an
 * expiry. The wire form is a signed object (fed/signed.h) of type
 * hanoinet-directory-v1 whose signer is the registry key's name; the
 * payload's "v" is the format: 2 today, 1 still read. docs/protocol.md
 * section 3 gives the byte-level format and the compatibility rule.
 *
 * Version 1 (one node_url and one tls_sha256 per party) is read and
 * converted in memory: one endpoint with one pin, no cosigning key, no
 * witnesses, no declarations. Writers (hn_directory_sign) produce version
 * 2; hn_directory_sign_version(.., 1, ..) writes version 1 for networks
 * whose nodes are not all upgraded yet, and refuses what 1 cannot say.
 *
 * A node pins the registry's verifier key, accepts a directory only if the
 * signature verifies under it, it has not expired, and its serial is not
 * lower than that of the copy it holds (hn_directory_update); it keeps the
 * last good copy on disk.
 *
 * Ownership: hn_directory_open, _parse_payload, _load and _update return a new
 * struct the caller frees with hn_directory_free. Lookups return pointers into
 * it. A struct hn_dir_party holds no pointer the caller must free and may be
 * copied by value (entry and declarations are then stale: set them NULL).
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

#define HN_DIR_VERSION 2 /* what writers produce */
#define HN_DIR_MAX (4u << 20) /* bytes of a signed directory */
#define HN_DIR_MAX_PARTIES 512
#define HN_DIR_MAX_ENDPOINTS 8 /* per party */
#define HN_DIR_MAX_PINS 4 /* TLS fingerprints per endpoint */
#define HN_DIR_MAX_WITNESSES 32 /* per party */
#define HN_DIR_URL_MAX 512
#define HN_DIR_TEXT_MAX 4096 /* any string in an entry */
#define HN_DIR_MAX_LANGUAGES 16
#define HN_PARTY_CODE_LEN 3 /* ISO 3166-1 alpha-3, EUU for the EU */

/* One way to reach a party's node: its URL and the certificates it may
 * present (any one of them is accepted). */
struct hn_dir_endpoint {
	char url[HN_DIR_URL_MAX + 1];
	size_t npins; /* 1..HN_DIR_MAX_PINS */
	uint8_t tls_sha256[HN_DIR_MAX_PINS][HN_SHA256_LEN];
};

struct hn_dir_party {
	char code[HN_PARTY_CODE_LEN + 1];
	size_t nendpoints; /* 1..HN_DIR_MAX_ENDPOINTS */
	struct hn_dir_endpoint endpoints[HN_DIR_MAX_ENDPOINTS];
	char signing_key[HN_VKEY_MAX + 1]; /* verifier key string */
	char key_name[HN_SIGNER_MAX + 1];
	uint8_t pk[HN_ED25519_PK_LEN];
	/* C2SP cosigning key (type 0x04); "" when absent: the party then
	 * cosigns with its signing key, as every node does today. */
	char cosigning_key[HN_VKEY_MAX + 1];
	size_t nwitnesses; /* parties witnessing its log */
	char witnesses[HN_DIR_MAX_WITNESSES][HN_PARTY_CODE_LEN + 1];
	const json_t *declarations; /* object (borrowed) or NULL */
	const json_t *entry; /* the whole entry (borrowed) */
};

/* A pin of the directory and the party it belongs to (an index). */
struct hn_dir_pin {
	uint8_t fp[HN_SHA256_LEN];
	size_t party;
};

struct hn_directory {
	int version; /* as signed: 1 or 2 */
	uint64_t serial;
	int64_t issued_at, expires_at; /* seconds since the epoch */
	char registry[HN_SIGNER_MAX + 1]; /* the signing key's name */
	size_t nparties;
	struct hn_dir_party *parties; /* sorted by code */
	size_t npins;
	struct hn_dir_pin *pins; /* every pin, sorted by fp */
	json_t *payload; /* parsed payload (owned) */
	char *raw; /* the signed object as received */
	size_t raw_len;
};

void hn_directory_free(struct hn_directory *d);

/*
 * Verifies `data` under the pinned registry key and parses it. Refuses
 * (HN_EVERIFY) a bad signature or a signer name other than the pinned
 * key's name, (HN_ESTATE, field "expires_at") a directory expired at `now`,
 * (HN_EPARSE/HN_EINVAL) a malformed one, naming the field.
 */
int hn_directory_open(struct hn_directory **out, const char *data, size_t len,
    const char *registry_vkey, int64_t now, struct hn_error *err)
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
 * given as "valid_days"; entries in the v1 shape, node_url and tls_sha256,
 * are converted to one endpoint), validates it, and appends the signed
 * directory (version HN_DIR_VERSION) to out. `name` is the registry key's
 * name.
 */
int hn_directory_sign(struct hn_buf *out, const char *desc, size_t len,
    const char *name, const uint8_t sk[HN_ED25519_SK_LEN], int64_t now,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Same, writing format `version` (1 or 2). Version 1 refuses (HN_EINVAL,
 * naming the field) an entry with more than one endpoint or pin, a
 * cosigning key, witnesses or declarations.
 */
int hn_directory_sign_version(struct hn_buf *out, const char *desc, size_t len,
    int version, const char *name, const uint8_t sk[HN_ED25519_SK_LEN],
    int64_t now, struct hn_error *err) __attribute__((warn_unused_result));

/* The entry of `code`, or NULL. */
const struct hn_dir_party *hn_directory_find(const struct hn_directory *d,
    const char *code);
/* The entry one of whose endpoints lists this TLS certificate
 * fingerprint, or NULL (a fingerprint belongs to one party at most). */
const struct hn_dir_party *hn_directory_find_tls(const struct hn_directory *d,
    const uint8_t fp[HN_SHA256_LEN]);

/* 1 if fp is one of p's pins (any endpoint), else 0. Compares in
 * constant time per pin (the inbound certificate check). */
int hn_dir_party_has_pin(const struct hn_dir_party *p,
    const uint8_t fp[HN_SHA256_LEN]);

/* The endpoint a sender uses: the first one (failover between endpoints
 * is issue 14). */
const struct hn_dir_endpoint *hn_dir_party_endpoint(
    const struct hn_dir_party *p);

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
int hn_directory_load(const char *path, const char *registry_vkey, int64_t now,
    struct hn_directory **out, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
