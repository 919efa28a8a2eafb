/*
 * seal.h - streaming authenticated encryption of evidence: AES-256-GCM
 * chunks in the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizar
 * 2015: the nonce carries the chunk counter and a last-chunk flag), with a
 * random per-object key wrapped for one node (libsodium crypto_box_seal).
 *
 * A sealed stream is a fixed header followed by chunks:
 *
 *   header (HN_SEAL_HEADER_LEN = 124 bytes)
 *     0   8  magic "hnseal02"
 *     8   4  chunk size (plaintext bytes per full chunk), big-endian
 *     12 32  Ed25519 public key of the node the key is wrapped for
 *     44 80  crypto_box_seal(object key) to that node's X25519 key
 *   chunk i: AES-256-GCM(key, nonce = BE64(i) || 00 00 00 || last,
 *            plaintext) || 16-byte tag; every chunk but the last carries
 *     exactly `chunk size` plaintext bytes (last = 0), the last carries
 *     0..chunk size - 1 bytes (last = 1). Chunk 0 authenticates header
 *     bytes 0..11 as additional data.
 *
 * Why AES-256-GCM and not libsodium's secretstream: on the reference
 * machine (AES-NI + PCLMUL) OpenSSL's AES-GCM runs about 1.8 times faster
 * than secretstream (XChaCha20-Poly1305) and faster than SHA-256 itself,
 * so the encrypting stage of the intake pipeline is never the bottleneck
 * (docs/evidence.md, bench/evidence.c). The object key is fresh for every
 * object, so a (key, nonce) pair never repeats.
 *
 * What this detects: a flipped bit (tag), truncation (a full-length chunk
 * is never last; a short chunk must be last), reordered, dropped or
 * duplicated chunks (the counter is in the nonce), data after the final
 * chunk (reader's job: expect EOF), a header wrapped for another node or
 * altered (unwrap or the first tag fails). A whole object swapped for
 * another valid one is not detectable here: the blob store checks the
 * plaintext's SHA-256 against the object's address.
 *
 * Keys: the per-object key is wrapped with crypto_box_seal to the X25519
 * key derived from the node's Ed25519 signing key (DIR/signing.key), so a
 * node has one secret to guard and back up, and any node listed in the
 * signed directory (by its Ed25519 key) can be a recipient. Transfer
 * re-wraps the 32-byte object key for the recipient: only the header
 * changes, the (possibly many GB) body is sent as stored.
 *
 * States hold the object key: call the *_wipe functions when done (they
 * also free the cipher context allocated by *_init). The stream state is
 * (key, chunk counter), so the decryption state after N chunks continues
 * as an encryption state (hn_seal_dec_to_enc): how an interrupted intake
 * resumes (store/intake.h).
 */
#ifndef HN_CRYPTO_SEAL_H
#define HN_CRYPTO_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define HN_SEAL_MAGIC "hnseal02"
#define HN_SEAL_HEADER_LEN 124
#define HN_SEAL_ABYTES 16
#define HN_SEAL_CHUNK_DEFAULT (1u << 20)
#define HN_SEAL_CHUNK_MIN 16u
#define HN_SEAL_CHUNK_MAX (16u << 20)
#define HN_X25519_LEN 32
#define HN_SEAL_KEY_LEN 32

/* The node's unwrapping keys (X25519, derived from its Ed25519 key). */
struct hn_seal_keys {
	uint8_t ed_pk[32]; /* identifies the node in headers */
	uint8_t x_pk[HN_X25519_LEN];
	uint8_t x_sk[HN_X25519_LEN];
};

/* Derives the X25519 pair from an Ed25519 secret key (seed || pk). */
int hn_seal_keys_from_ed25519(struct hn_seal_keys *k, const uint8_t ed_sk[64])
    __attribute__((warn_unused_result));
void hn_seal_keys_wipe(struct hn_seal_keys *k);

struct hn_seal_enc {
	uint8_t key[HN_SEAL_KEY_LEN];
	void *ctx; /* EVP_CIPHER_CTX */
	uint32_t chunk;
	uint64_t nchunks;
	int done;
};

/*
 * Starts a stream with a fresh random key wrapped for `recipient_ed_pk`;
 * writes the header. chunk must be in [HN_SEAL_CHUNK_MIN, HN_SEAL_CHUNK_MAX].
 */
int hn_seal_enc_init(struct hn_seal_enc *e, uint8_t header[HN_SEAL_HEADER_LEN],
    const uint8_t recipient_ed_pk[32], uint32_t chunk)
    __attribute__((warn_unused_result));

/*
 * Encrypts one chunk into out (n + HN_SEAL_ABYTES bytes). A non-final chunk
 * must have n == chunk; the final one n < chunk. HN_ESTATE after final.
 */
int hn_seal_enc_chunk(struct hn_seal_enc *e, uint8_t *out, const uint8_t *in,
    size_t n, int final) __attribute__((warn_unused_result));
void hn_seal_enc_wipe(struct hn_seal_enc *e);

struct hn_seal_dec {
	uint8_t key[HN_SEAL_KEY_LEN];
	void *ctx; /* EVP_CIPHER_CTX */
	uint32_t chunk;
	uint64_t nchunks;
	int done;
};

/*
 * Parses a header without keys: chunk size and recipient. HN_EPARSE if the
 * magic or chunk size is wrong.
 */
int hn_seal_header_parse(const uint8_t header[HN_SEAL_HEADER_LEN],
    uint32_t *chunk, uint8_t recipient_ed_pk[32])
    __attribute__((warn_unused_result));

/*
 * Opens a stream for reading. HN_EPARSE: not a sealed header; HN_EVERIFY:
 * not wrapped for these keys or tampered.
 */
int hn_seal_dec_init(struct hn_seal_dec *d,
    const uint8_t header[HN_SEAL_HEADER_LEN], const struct hn_seal_keys *k)
    __attribute__((warn_unused_result));

/*
 * Decrypts one ciphertext chunk (inlen in [HN_SEAL_ABYTES, chunk +
 * HN_SEAL_ABYTES]) into out (at least inlen - HN_SEAL_ABYTES bytes). A
 * full-length chunk is read as a non-final chunk, a shorter one as the
 * final chunk (*final set). HN_EVERIFY on any authentication failure;
 * HN_ESTATE after the final chunk.
 */
int hn_seal_dec_chunk(struct hn_seal_dec *d, uint8_t *out, size_t *outlen,
    const uint8_t *in, size_t inlen, int *final)
    __attribute__((warn_unused_result));

/*
 * Turns a decryption state that has consumed N non-final chunks into an
 * encryption state that continues the same stream at chunk N (resume).
 */
int hn_seal_dec_to_enc(struct hn_seal_enc *e, const struct hn_seal_dec *d)
    __attribute__((warn_unused_result));
void hn_seal_dec_wipe(struct hn_seal_dec *d);

/*
 * Re-wraps a header's object key for another node (transfer): in must be
 * wrapped for k; out is the same stream's header wrapped for
 * recipient_ed_pk. The body of the stream is unchanged.
 */
int hn_seal_rewrap(uint8_t out[HN_SEAL_HEADER_LEN],
    const uint8_t in[HN_SEAL_HEADER_LEN], const struct hn_seal_keys *k,
    const uint8_t recipient_ed_pk[32]) __attribute__((warn_unused_result));

/* Size of the sealed stream of an n-byte plaintext. */
uint64_t hn_seal_stream_size(uint64_t n, uint32_t chunk);

#endif
