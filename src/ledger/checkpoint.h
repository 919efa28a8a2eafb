/*
 * checkpoint.h - C2SP tlog-checkpoint note bodies and tlog-cosignature v1
 * (timestamped Ed25519, key type 0x04).
 *
 * Body:  origin "\n" decimal size "\n" base64(root) "\n" [extension lines]
 * The origin is the node's name (e.g. "hanoinet.example/VNM"); sizes have
 * no leading zeroes; extension lines are non-empty.
 *
 * A cosignature over a checkpoint body B at time T (seconds since the
 * epoch, <= 2^63 - 1) is Ed25519 over
 *     "cosignature/v1\ntime " T "\n" B
 * and its note signature is timestamp (8 bytes, big endian) || signature.
 * A witness cosigns a checkpoint only after checking that it is consistent
 * with the last checkpoint it cosigned for the same origin
 * (hn_witness_cosign).
 */
#ifndef HN_LEDGER_CHECKPOINT_H
#define HN_LEDGER_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/merkle.h"
#include "ledger/note.h"
#include "util/buf.h"
#include "util/err.h"

#define HN_ORIGIN_MAX 256
#define HN_CHECKPOINT_EXT_MAX 1024 /* all extension lines, bytes */

struct hn_checkpoint {
	char origin[HN_ORIGIN_MAX + 1];
	uint64_t size;
	uint8_t root[HN_MERKLE_HASH_LEN];
	char ext[HN_CHECKPOINT_EXT_MAX + 1]; /* "" or lines each ending "\n" */
};

/* Parses a note text (not a signed note). HN_EPARSE / HN_ETOOBIG. */
int hn_checkpoint_parse(struct hn_checkpoint *c, const char *text, size_t len,
    struct hn_error *err) __attribute__((warn_unused_result));
/* Appends the body to out. HN_EINVAL if origin or ext are not valid. */
int hn_checkpoint_format(const struct hn_checkpoint *c, struct hn_buf *out);

/*
 * Parses and verifies a signed checkpoint: the note must verify with the
 * log's key (vkeys[0..nv)) and, if origin is not NULL, carry that origin.
 */
int hn_checkpoint_open(struct hn_checkpoint *c, const char *msg, size_t len,
    const struct hn_note_verifier *vkeys, size_t nv, const char *origin,
    struct hn_error *err) __attribute__((warn_unused_result));

/* The cosignature v1 message (see above) for body at time ts. */
int hn_cosig_message(struct hn_buf *out, const char *body, size_t len,
    uint64_t ts);
/*
 * Makes a cosignature (signer of type 0x04) over body at time ts into sig
 * (name and key ID filled). HN_EINVAL for a wrong key type or ts >= 2^63.
 */
int hn_cosig_sign(struct hn_note_sig *sig, const char *body, size_t len,
    uint64_t ts, const struct hn_note_signer *s)
    __attribute__((warn_unused_result));
/* Verifies a cosignature's bytes (ts || Ed25519); *ts gets the time. */
int hn_cosig_verify(const char *body, size_t len, const uint8_t *sig,
    size_t sig_len, const uint8_t pk[HN_ED25519_PK_LEN], uint64_t *ts)
    __attribute__((warn_unused_result));

/*
 * What a witness remembers per log: the last checkpoint it cosigned
 * (size 0 and the empty root before the first).
 */
struct hn_witness_state {
	uint64_t size;
	uint8_t root[HN_MERKLE_HASH_LEN];
};

/*
 * Witnessing: verifies the log's signed checkpoint msg with log_key (and
 * origin), checks that it is consistent with *last (proof: the consistency
 * proof from last->size to the new size; none needed when last->size is 0 or
 * equal), then appends the witness's cosignature (time now) and writes the
 * whole cosigned note to out and the new state to *last. HN_EVERIFY for a
 * note or checkpoint that does not parse, a bad signature or an
 * inconsistent tree (then *last is unchanged), HN_ESTATE if the checkpoint
 * is older than *last.
 */
int hn_witness_cosign(const char *msg, size_t len,
    const struct hn_note_verifier *log_key, const char *origin,
    struct hn_witness_state *last, const uint8_t (*proof)[HN_MERKLE_HASH_LEN],
    size_t nproof, const struct hn_note_signer *witness, uint64_t now,
    struct hn_buf *out, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
