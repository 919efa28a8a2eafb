/*
 * bundle.h - offline verification of an evidence export (node/export.h
 * writes it: files/, manifest.hashdeep and its SSH signature,
 * allowed_signers, case.jsonld, manifest.tlog-proof, README.txt).
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

#include "util/buf.h"
#include "util/err.h"

#define HN_BUNDLE_NS "hanoinet-evidence"
#define HN_BUNDLE_MANIFEST_MAX (16u << 20)
#define HN_BUNDLE_CASE_MAX (64u << 20)
#define HN_BUNDLE_FILES_MAX 10000
#define HN_BUNDLE_NAME_MAX 200 /* a file name (store/evidence.h agrees) */
/* The manifest's first lines (hashdeep writes "%%%%" literally). */
#define HN_BUNDLE_MANIFEST_HEAD "%%%% HASHDEEP-1.0\n%%%% size,sha256,filename\n"

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
