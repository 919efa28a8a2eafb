/*
 * bundle_proof.h - the C2SP tlog-proof of an evidence export
 * (c2sp.org/tlog-proof@v1, see ../shared/reference/c2sp/tlog-proof.md):
 *
 *   c2sp.org/tlog-proof@v1
 *   extra BASE64(ledger entry)
 *   index N
 *   BASE64(hash)            inclusion proof, leaf sibling first (RFC 6962)
 *   ...
 *   (empty line)
 *   checkpoint (c2sp.org/tlog-checkpoint signed note), verbatim
 *
 * The entry travels in the extra line: the verifier recomputes the leaf
 * hash SHA-256(0x00 || entry) from it and then reads the manifest's
 * SHA-256 out of it (the extra data is only trusted once the inclusion
 * proof and the checkpoint signature bind it to the log).
 *
 * The verifier is offline (no database): the checkpoint's signed note
 * (ledger/checkpoint.h, ledger/note.h) and RFC 9162 inclusion
 * (ledger/merkle.h).
 */
#ifndef HN_LEDGER_BUNDLE_PROOF_H
#define HN_LEDGER_BUNDLE_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

#define HN_TLOGPROOF_MAX (1u << 20)
#define HN_TLOGPROOF_HASHES_MAX 64

/* Appends a tlog-proof to out; checkpoint is the signed note, verbatim. */
int hn_tlogproof_format(struct hn_buf *out, const void *entry, size_t len,
    uint64_t index, const uint8_t (*proof)[32], size_t n,
    const char *checkpoint, size_t cplen) __attribute__((warn_unused_result));

/*
 * Verifies proof text p against the log key (key name `name`, Ed25519
 * public key pk): the checkpoint signature, then the inclusion of
 * SHA-256(0x00 || extra) at index in the checkpoint's tree. On success the
 * entry (the extra data) is appended to entry, with its index and the
 * checkpoint's tree size. HN_EPARSE or HN_EVERIFY with err saying which
 * part failed.
 */
int hn_tlogproof_verify(const char *p, size_t len, const char *name,
    const uint8_t pk[32], struct hn_buf *entry, uint64_t *index, uint64_t *size,
    struct hn_error *err) __attribute__((warn_unused_result));

#endif
