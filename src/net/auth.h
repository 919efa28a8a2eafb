/*
 * auth.h - account and session policy shared by the API and the command
 * line: name and role rules, password hashing, session tokens, lock-out.
 */
#ifndef HN_NET_AUTH_H
#define HN_NET_AUTH_H

#include <stdint.h>

#include "store/accounts.h"
#include "util/err.h"

#define HN_TOKEN_LEN 43 /* base64url (no padding) of 32 random bytes */
#define HN_GENERATED_PASSWORD_LEN 24

/*
 * Checks name ([a-z0-9._-], 1..63, starting with a letter or digit), role
 * (an account role) and password (HN_PASSWORD_MIN..HN_PASSWORD_MAX bytes,
 * strong enough (below);
 * NULL: a random one is generated into `generated`, which must hold
 * HN_GENERATED_PASSWORD_LEN + 1 bytes), and fills a with the Argon2id hash.
 * Slow (the hash): never call it on the writer thread.
 */
int hn_account_prepare(struct hn_account *a, const char *name, const char *role,
    const char *password, const char *lang, char *generated, int64_t now,
    unsigned flags, struct hn_error *err) __attribute__((warn_unused_result));
/* A password given (not generated) must pass crypto/password.h's
 * strength check, except with this flag the demo password on a demo node
 * (the `demo` key; the node logs that it accepted it). */
#define HN_ACCOUNT_DEMO 1u
#define HN_DEMO_PASSWORD "hanoinet-demo"

/*
 * The one rule for who reads the audit log's entry texts (the entries
 * themselves, wherever they are served: inclusion proofs, tile entry
 * bundles): auditors and admins. Officers check inclusion by leaf hash;
 * what happened to a request they read in the request's own history.
 */
int hn_entry_text_allowed(unsigned role);

/* One of the Convention's six languages: ar en es fr ru zh. */
int hn_lang_valid(const char *s);

/* A fresh token (NUL-terminated) and its SHA-256 (what is stored). */
void hn_session_token(char token[HN_TOKEN_LEN + 1],
    uint8_t hash[HN_TOKEN_HASH_LEN]);

#endif
