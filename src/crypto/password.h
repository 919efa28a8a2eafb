/*
 * password.h - account passwords: Argon2id (libsodium crypto_pwhash_str).
 *
 * Parameters: 2 passes over 32 MiB (above OWASP's minimum of 19 MiB x 2),
 * so a login costs tens of milliseconds and 32 MiB for that moment only. At
 * most HN_PASSWORD_CONCURRENCY hashes run at once (the others wait), so a
 * burst of logins cannot exhaust a 512 MB machine.
 */
#ifndef HN_CRYPTO_PASSWORD_H
#define HN_CRYPTO_PASSWORD_H

#include <stddef.h>

#define HN_PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES, NUL included */
#define HN_PASSWORD_MAX 256 /* longest accepted password, in bytes */
#define HN_PASSWORD_MIN 12 /* shortest accepted password */
#define HN_PASSWORD_CONCURRENCY 2

/* Hashes `pw` into out (a NUL-terminated "$argon2id$..." string). */
int hn_password_hash(char out[HN_PASSWORD_HASH_MAX], const char *pw)
    __attribute__((warn_unused_result));

/* 0 if pw matches hash, HN_EVERIFY if not (or the hash is malformed). */
int hn_password_verify(const char *hash, const char *pw)
    __attribute__((warn_unused_result));

/* Burns the same time as a verification (for unknown accounts). */
void hn_password_dummy(const char *pw);

/*
 * Writes a random password of `len` characters (a-z, 2-9 without look-alike
 * characters, grouped by dashes) and a NUL into out[len + 1]. len >= 16.
 */
void hn_password_generate(char *out, size_t len);

#endif
