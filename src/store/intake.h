/*
 * intake.h - one streaming pass over incoming evidence: SHA-256 (and,
 * on request, SHA-1 and MD5) of the plaintext and sealed encryption into a
 * content-addressed object (store/blob.h), with bounded memory.
 *
 * Pipeline: the caller's thread copies (or reads) the data into chunk
 * buffers and hashes them; a worker thread encrypts and writes. A small
 * bounded queue (HN_INTAKE_SLOTS chunks) lets hashing and writing overlap.
 * Memory: (HN_INTAKE_SLOTS + 1) chunks, about 5 MiB with 1 MiB chunks,
 * whatever the size of the evidence.
 *
 * Resumable intake (HTTP uploads): an intake opened with an upload id keeps
 * its sealed ciphertext in ROOT/uploads/ID.part. Plaintext never touches the
 * disk. Only whole chunks are durable: hn_intake_sync() returns the durable
 * plaintext offset (a multiple of the chunk size), which is where a client
 * resumes. Reopening an upload after a crash or an interrupted connection
 * re-reads the staged ciphertext: every chunk is authenticated and
 * decrypted again to rebuild the SHA-256 state (EVP contexts cannot be
 * saved portably) and the stream state (the decryption state after N
 * chunks is the encryption state after N chunks); a torn or damaged tail
 * is cut off at the last good chunk. Resuming costs one read of what was
 * received, and needs the node's keys to unwrap the object key.
 *
 * Ownership: hn_intake_finish and hn_intake_abort free the intake.
 */
#ifndef HN_STORE_INTAKE_H
#define HN_STORE_INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/seal.h"
#include "crypto/sha256.h"
#include "util/err.h"

#define HN_INTAKE_SLOTS 4
#define HN_UPLOAD_ID_MAX 64

enum {
	HN_INTAKE_SHA1 = 1 << 0, /* also compute SHA-1 */
	HN_INTAKE_MD5 = 1 << 1, /* also compute MD5 */
};

struct hn_intake_result {
	char addr[65]; /* SHA-256 hex = object address */
	uint8_t sha256[HN_SHA256_LEN];
	char sha1[41]; /* "" unless HN_INTAKE_SHA1 */
	char md5[33]; /* "" unless HN_INTAKE_MD5 */
	uint64_t size; /* plaintext bytes */
	int existed; /* the object was in the store already (checked, kept) */
};

struct hn_intake;

/*
 * Starts an intake into blob store `root` (DIR/blobs), sealing for the
 * node `k` (k->ed_pk; resuming also needs the secret half). chunk 0 means
 * HN_SEAL_CHUNK_DEFAULT. upload_id NULL: a one-shot intake (temp file in
 * ROOT/tmp). Otherwise [A-Za-z0-9_-]{1,64}: a resumable upload, reopened
 * if ROOT/uploads/ID.part exists (*resumed_at = the durable offset).
 */
int hn_intake_begin(struct hn_intake **out, const char *root,
    const struct hn_seal_keys *k, uint32_t chunk, unsigned flags,
    const char *upload_id, uint64_t *resumed_at, struct hn_error *err)
    __attribute__((warn_unused_result));

/* Appends n bytes of plaintext. */
int hn_intake_write(struct hn_intake *in, const void *p, size_t n,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Reads fd to its end into the intake (straight into the chunk buffers).
 * progress (may be NULL) is called after every chunk with the bytes so far.
 */
int hn_intake_read_fd(struct hn_intake *in, int fd,
    void (*progress)(void *arg, uint64_t bytes), void *arg,
    struct hn_error *err) __attribute__((warn_unused_result));

/* Plaintext bytes accepted so far (durable or not). */
uint64_t hn_intake_size(const struct hn_intake *in);

/*
 * Waits until every whole chunk is written and fdatasync()s the staging
 * file; *durable = plaintext bytes a resumed upload keeps (whole chunks).
 */
int hn_intake_sync(struct hn_intake *in, uint64_t *durable,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Writes the final chunk, fsyncs, and puts the object in place (or checks
 * the existing one). Frees the intake in every case; on failure the temp
 * or staging file is removed.
 */
int hn_intake_finish(struct hn_intake *in, struct hn_intake_result *res,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Stops and frees. keep_staging: leave a resumable upload's staging file
 * (an interrupted connection); otherwise it is removed (cancelled).
 */
void hn_intake_abort(struct hn_intake *in, int keep_staging);

/* 0 if s is a valid upload id. */
int hn_upload_id_valid(const char *s);

#endif
