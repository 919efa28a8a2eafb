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
/*
 * The same, waiting for one of the HN_PASSWORD_CONCURRENCY places in order
 * of prio (lower first; 0 is the best) and then of arrival: a login flood
 * on one account cannot starve another's login (net/throttle.h).
 */
int hn_password_verify_prio(const char *hash, const char *pw, unsigned prio)
    __attribute__((warn_unused_result));

/*
 * Burns the time of a verification (for unknown accounts): verifies pw
 * against a dummy Argon2id hash of the same parameters, made once, in the
 * same queue at prio. Never matches.
 */
void hn_password_dummy(const char *pw, unsigned prio);

/*
 * Strength of a password chosen by a person (libpwquality, with cracklib's
 * dictionary; the same settings on every node, not the host's): at least
 * HN_PASSWORD_MIN characters, no more than 3 repeated or 4 sequential
 * characters, not a dictionary word or the user's name in some form, and
 * a libpwquality score of at least HN_PASSWORD_MIN_SCORE. 0, or HN_EINVAL
 * with the reason in why[max]; HN_ENOMEM.
 */
#define HN_PASSWORD_MIN_SCORE 30
int hn_password_strength(const char *pw, const char *user, char *why,
    size_t max) __attribute__((warn_unused_result));

/*
 * Writes a random password of `len` characters (a-z, 2-9 without look-alike
 * characters, grouped by dashes) and a NUL into out[len + 1]. len >= 16.
 */
void hn_password_generate(char *out, size_t len);

#endif
