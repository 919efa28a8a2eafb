/*
 * evhand.h - evidence carried between nodes by hand (art. 36), an
 * application service on a node's data directory: an item sealed for
 * another node's key into a file (what `hanoinet evidence seal-for`
 * writes, sent by other means), and a stream sealed for this node
 * received from such a file (`hanoinet evidence receive`). The wire
 * transfers are node/evsend.c and node/evrecv.c; both kinds record
 * through node/custody.h.
 *
 * The blob root `blobs` and the node's keys are the data directory's;
 * custody c is bound to its database and ledger. Errors carry the
 * message for the operator in err (and err->field "out" for a file that
 * cannot be written: a usage problem rather than a refusal).
 */
#ifndef HN_NODE_EVHAND_H
#define HN_NODE_EVHAND_H

#include <stdint.h>

#include "crypto/seal.h"
#include "node/custody.h"
#include "util/err.h"

/*
 * Seals item it for the node whose note key is `vkey` (name recipient,
 * Ed25519 public key recipient_pk) into the file `out` (written as
 * out.partial, fsync'ed, renamed), then records the hand-over
 * (hn_custody_hand_over: transfer_out event, transfer row with the art.
 * 36 conditions); if that fails, out is removed. HN_EDENIED (nothing
 * written) for received data without the sender's authorisation
 * (art. 36).
 */
int hn_evhand_seal_for(struct hn_custody *c, const char *blobs,
    const struct hn_seal_keys *keys, const struct hn_evidence_item *it,
    const char *recipient, const uint8_t recipient_pk[32], const char *vkey,
    const char *out, const char *conditions, int64_t at, const char *actor,
    const char *reason, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Receives the stream sealed for this node read from fd: every chunk is
 * authenticated and its SHA-256 compared with sha256 (the sender's)
 * before it is stored (err->message "refused: ..." otherwise, nothing
 * stored); then the item is recorded as hn_custody_receive does with in
 * (in->res is ignored: the stored object's). *size gets the content's
 * size, it the item.
 */
int hn_evhand_receive(struct hn_custody *c, const char *blobs,
    const struct hn_seal_keys *keys, int fd, const char *sha256,
    const struct hn_custody_in *in, uint64_t *size, struct hn_evidence_item *it,
    struct hn_error *err) __attribute__((warn_unused_result));

#endif
