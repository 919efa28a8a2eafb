/*
 * export.h - the evidence export for courts and other tools.
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
 *   case.jsonld             CASE/UCO 1.4 (ledger/case.h): investigation,
 *                           authorisation, files with hashes, one
 *                           investigative action and one provenance record
 *                           per custody step
 *   manifest.tlog-proof     C2SP tlog-proof that the node's ledger holds the
 *                           export entry recording the manifest's SHA-256
 *                           (the entry travels in the proof's extra line)
 *   README.txt              the commands above, for whoever receives it
 * and records, in one transaction, an "exported" custody event for every
 * item plus one ledger entry {"type":"evidence.export","manifest_sha256":
 * ...} (node/custody.h). ledger/bundle.h verifies such a directory offline.
 */
#ifndef HN_NODE_EXPORT_H
#define HN_NODE_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/seal.h"
#include "ledger/bundle.h"
#include "node/custody.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * Produces the C2SP tlog-proof (appended to out) for ledger entry `index`
 * holding `entry`, after the export's transaction committed: a checkpoint
 * signed by the node that includes index, and the inclusion proof.
 */
typedef int (*hn_bundle_prover)(void *ctx, uint64_t index, const void *entry,
    size_t len, struct hn_buf *out, struct hn_error *err);

struct hn_bundle_export {
	const char *request_id;
	const char *out; /* directory to create (must be absent or empty) */
	const char *actor; /* who exports */
	const char *reason; /* why (custody record) */
	int64_t at; /* now, UTC seconds */
	const char *blobroot; /* DIR/blobs */
	const struct hn_seal_keys *keys;
	const char *node_name; /* SSH principal and note key name */
	const uint8_t *sk; /* the node's Ed25519 secret key (64 bytes) */
	hn_bundle_prover prove; /* NULL: no ledger, no manifest.tlog-proof */
	void *prove_ctx;
};

struct hn_bundle_summary {
	size_t files;
	uint64_t bytes;
	char manifest_sha256[65];
	int64_t ledger_index; /* -1 without a ledger */
	int tlog_proof; /* manifest.tlog-proof written */
};

int hn_bundle_export(struct hn_custody *c, const struct hn_bundle_export *x,
    struct hn_bundle_summary *sum, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
