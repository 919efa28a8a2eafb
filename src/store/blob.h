/*
 * blob.h - content-addressed, sealed evidence objects under DIR/blobs/.
 *
 * An object's address is the SHA-256 of its plaintext in lower-case hex; it
 * lives at ROOT/ab/cdef... (ROOT = DIR/blobs, "ab" = the first two hex
 * digits) as a sealed stream (crypto/seal.h) wrapped for the node. Objects
 * are written by store/intake.h: temp file, fsync, link into place (never
 * replacing an existing file), fsync of the directory. An object is never
 * overwritten: when the address exists already, the existing object is
 * verified and kept.
 *
 * Reading always authenticates every chunk and, at the end, checks that the
 * plaintext's SHA-256 equals the address: a flipped bit, a truncated object,
 * trailing bytes, an object sealed for another node and an object swapped
 * for another valid one are each reported (HN_EVERIFY with a message saying
 * which), never passed off as good. hn_blob_read hands out plaintext chunk
 * by chunk before the final hash is known: a caller that must not release
 * unverified data uses hn_blob_copy_out or verifies first.
 *
 * Other subdirectories of ROOT: tmp/ (intakes in progress, removed at the
 * end), uploads/ (staged resumable uploads, see intake.h).
 */
#ifndef HN_STORE_BLOB_H
#define HN_STORE_BLOB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "crypto/seal.h"
#include "crypto/sha256.h"
#include "util/err.h"

#define HN_BLOB_ADDR_LEN 64 /* hex characters, NUL not included */
#define HN_BLOB_PATH_MAX 4096

/* 0 if s is a well-formed address (64 lower-case hex digits). */
int hn_blob_addr_valid(const char *s);

/* ROOT/ab/cdef...; HN_ETOOBIG if it does not fit, HN_EINVAL bad address. */
int hn_blob_path(char *out, size_t outlen, const char *root, const char *addr);

/* 0 if the object file exists (not verified), HN_ENOTFOUND otherwise. */
int hn_blob_exists(const char *root, const char *addr);

struct hn_blob_reader;

/*
 * Opens object `addr` for reading with the node's keys. HN_ENOTFOUND if
 * absent, HN_EVERIFY if its header is not a sealed header for these keys.
 */
int hn_blob_open(struct hn_blob_reader **out, const char *root,
    const char *addr, const struct hn_seal_keys *k, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Next plaintext piece: returns its length (> 0) and points *data at an
 * internal buffer valid until the next call; returns 0 exactly once at the
 * verified end (final chunk, no trailing bytes, SHA-256 == address), or a
 * negative code (HN_EVERIFY: damaged, truncated, swapped; HN_EIO).
 */
ssize_t hn_blob_read(struct hn_blob_reader *r, const uint8_t **data,
    struct hn_error *err) __attribute__((warn_unused_result));

/* Plaintext bytes returned so far. */
uint64_t hn_blob_reader_pos(const struct hn_blob_reader *r);
void hn_blob_close(struct hn_blob_reader *r);

/*
 * Reads the whole object and checks it (see hn_blob_read). *size (may be
 * NULL) receives the plaintext size.
 */
int hn_blob_verify(const char *root, const char *addr,
    const struct hn_seal_keys *k, uint64_t *size, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Decrypts object addr into `dest` (mode 0644) through a temp file in the
 * same directory: fsync, then rename only when the whole object verified.
 * On failure dest is not created (an existing dest is left alone).
 */
int hn_blob_copy_out(const char *root, const char *addr,
    const struct hn_seal_keys *k, const char *dest, uint64_t *size,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Writes object addr sealed for another node (transfer, issue "encrypted to
 * the recipient node's key") to fd: the header re-wrapped for
 * recipient_ed_pk followed by the stored body. The object is verified
 * first; nothing is written if it does not verify.
 */
int hn_blob_export_sealed(const char *root, const char *addr,
    const struct hn_seal_keys *k, const uint8_t recipient_ed_pk[32], int fd,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Puts the finished, fsync'ed temp file `tmp` in place as object addr
 * (link, never replace; fsync of the directories). If the object existed,
 * the existing one is verified with k: *existed = 1 and 0 if it is good
 * (tmp is removed), HN_EVERIFY if it is damaged (the damaged object is
 * left alone for the operator; tmp is the caller's). For store/intake.c.
 */
int hn_blob_commit(const char *root, const char *tmp, const char *addr,
    const struct hn_seal_keys *k, int *existed, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Receives a sealed stream sent by another node (read from fd), wrapped for
 * k: checks every chunk and the SHA-256 against expected_addr, then stores
 * it as object expected_addr. HN_EVERIFY if anything does not match
 * (nothing is stored).
 */
int hn_blob_receive_sealed(const char *root, const char *expected_addr,
    const struct hn_seal_keys *k, int fd, uint64_t *size, int *existed,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * The same for a sealed stream already staged in the file `path` (on the
 * same file system as root, e.g. ROOT/incoming/): every chunk and the
 * SHA-256 are checked, then the file becomes object expected_addr (link,
 * never replace) and `path` is removed. On HN_EVERIFY nothing is stored
 * and `path` is left for the caller.
 */
int hn_blob_adopt_sealed(const char *root, const char *expected_addr,
    const struct hn_seal_keys *k, const char *path, uint64_t *size,
    int *existed, struct hn_error *err) __attribute__((warn_unused_result));

#endif
