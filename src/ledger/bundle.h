/*
 * bundle.h - the evidence export for courts and other tools, and its
 * offline verification.
 *
 * hn_bundle_export writes, for one request, into an empty or new OUT:
 *   files/NAME              the evidence (decrypted, each verified against
 *                           its SHA-256 before it appears)
 *   manifest.hashdeep       hashdeep's format (size,sha256,./NAME):
 *                           cd OUT/files && hashdeep -c sha256 -a -l -r -k
 *                           ../manifest.hashdeep .
 *   manifest.hashdeep.sig   SSHSIG by the node's Ed25519 key, namespace
 *                           "hanoinet-evidence" (crypto/sshsig.h)
 *   allowed_signers         NODE namespaces="hanoinet-evidence" ssh-ed25519 ...
 *   case.jsonld             CASE/UCO 1.4: investigation, authorisation,
 *                           files with hashes, one investigative action and
 *                           one provenance record per custody step
 *   manifest.tlog-proof     C2SP tlog-proof that the node's ledger holds the
 *                           export entry recording the manifest's SHA-256
 *                           (the entry travels in the proof's extra line)
 *   README.txt              the commands above, for whoever receives it
 * and records an "exported" custody event for every item plus one ledger
 * entry {"type":"evidence.export","manifest_sha256":...} (custody.h).
 *
 * hn_bundle_verify checks such a directory offline and reports every
 * mismatch on its own line: file content and sizes against the manifest,
 * files missing or not listed, the SSH signature, the CASE document's
 * structure and its agreement with the manifest, the tlog proof (entry,
 * inclusion, checkpoint signature by the node's key).
 */
#ifndef HN_LEDGER_BUNDLE_H
#define HN_LEDGER_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/seal.h"
#include "node/custody.h"
#include "util/buf.h"
#include "util/err.h"

#define HN_BUNDLE_NS "hanoinet-evidence"
#define HN_BUNDLE_MANIFEST_MAX (16u << 20)
#define HN_BUNDLE_CASE_MAX (64u << 20)
#define HN_BUNDLE_FILES_MAX 10000

/*
 * Produces the C2SP tlog-proof (appended to out) for ledger entry `index`
 * holding `entry`, after the export's transaction committed: a checkpoint
 * signed by the node that includes index, and the inclusion proof.
 */
typedef int (*hn_bundle_prover)(void *ctx, uint64_t index, const void *entry,
    size_t len, struct hn_buf *out, struct hn_error *err);

struct hn_bundle_export {
	const char *request_id;
	const char *out;       /* directory to create (must be absent or empty) */
	const char *actor;     /* who exports */
	const char *reason;    /* why (custody record) */
	int64_t at;            /* now, UTC seconds */
	const char *blobroot;  /* DIR/blobs */
	const struct hn_seal_keys *keys;
	const char *node_name; /* SSH principal and note key name */
	const uint8_t *sk;     /* the node's Ed25519 secret key (64 bytes) */
	hn_bundle_prover prove; /* NULL: no ledger, no manifest.tlog-proof */
	void *prove_ctx;
};

struct hn_bundle_summary {
	size_t files;
	uint64_t bytes;
	char manifest_sha256[65];
	int64_t ledger_index; /* -1 without a ledger */
	int tlog_proof;       /* manifest.tlog-proof written */
};

int hn_bundle_export(struct hn_custody *c, const struct hn_bundle_export *x,
    struct hn_bundle_summary *sum, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Checks directory dir. pinned_key: "ssh-ed25519 BASE64" the verifier
 * trusts (NULL: trust the key in dir/allowed_signers, and say so).
 * principal: the node name (NULL: the first principal in allowed_signers).
 * Appends one line per check to report ("ok ..." or "FAIL ..."); 0 when
 * everything holds, HN_EVERIFY otherwise (*problems = number of FAIL
 * lines), HN_ENOTFOUND if dir is not an export.
 */
int hn_bundle_verify(const char *dir, const char *pinned_key,
    const char *principal, struct hn_buf *report, int *problems)
    __attribute__((warn_unused_result));

/*
 * The manifest parser hn_bundle_verify uses, on its own (fuzz target,
 * tools): a hashdeep sha256 manifest as export writes it, at most
 * HN_BUNDLE_MANIFEST_MAX bytes (HN_ETOOBIG beyond, nothing parsed) and
 * HN_BUNDLE_FILES_MAX files; lines "size,sha256,./NAME" with a decimal
 * size, 64 lower-case hex digits, a name of at most HN_EV_NAME_MAX bytes
 * without '/', each name once. One "FAIL" line per problem is appended to
 * report; 0 if the manifest is well formed, HN_EPARSE if not.
 */
int hn_bundle_manifest_check(const char *m, size_t len, size_t *nfiles,
    struct hn_buf *report, int *problems) __attribute__((warn_unused_result));

#endif
