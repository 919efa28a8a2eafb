/*
 * accounts.h - accounts and sessions (SQL only; policy lives in net/auth.c).
 *
 * Times are Unix seconds. A session is stored as the SHA-256 of its token
 * only, so a copy of the database does not let anyone log in.
 */
#ifndef HN_STORE_ACCOUNTS_H
#define HN_STORE_ACCOUNTS_H

#include <jansson.h>
#include <stdint.h>

#include "crypto/password.h"
#include "store/store.h"


#define HN_ACCOUNT_NAME_MAX 64
#define HN_ROLE_NAME_MAX 24
#define HN_LANG_MAX 8

struct hn_account {
	int64_t id;
	char name[HN_ACCOUNT_NAME_MAX];
	char role[HN_ROLE_NAME_MAX];
	char pwhash[HN_PASSWORD_HASH_MAX];
	int failed; /* consecutive failed logins */
	int64_t locked_until; /* 0 or the end of a lock-out */
	char lang[HN_LANG_MAX];
	int disabled;
	int64_t created_at;
};

/* HN_ENOTFOUND if there is no such account. */
int hn_accounts_get(struct hn_db *db, const char *name, struct hn_account *a);
int hn_accounts_get_id(struct hn_db *db, int64_t id, struct hn_account *a);
/* Inserts a (id and counters ignored); HN_EEXIST if the name is taken. */
int hn_accounts_insert(struct hn_db *db, const struct hn_account *a,
    int64_t *id);
/* Records a failed login (and the lock-out end, 0 for none). */
int hn_accounts_set_failed(struct hn_db *db, int64_t id, int failed,
    int64_t locked_until);
int hn_accounts_set_password(struct hn_db *db, int64_t id, const char *hash);
int hn_accounts_set_lang(struct hn_db *db, int64_t id, const char *lang);
int hn_accounts_count(struct hn_db *db, int64_t *n);
/* [{"name","role","lang","disabled","locked_until","created_at"}], no hashes */
int hn_accounts_list(struct hn_db *db, json_t **out);

#define HN_TOKEN_HASH_LEN 32
int hn_sessions_insert(struct hn_db *db, const uint8_t hash[HN_TOKEN_HASH_LEN],
    int64_t account, int64_t now, int64_t expires);
/* The account of a live session (expires > now); HN_ENOTFOUND otherwise. */
int hn_sessions_lookup(struct hn_db *db, const uint8_t hash[HN_TOKEN_HASH_LEN],
    int64_t now, struct hn_account *a, int64_t *expires);
int hn_sessions_delete(struct hn_db *db, const uint8_t hash[HN_TOKEN_HASH_LEN]);
/* Deletes sessions that expired before `now`. */
int hn_sessions_purge(struct hn_db *db, int64_t now);

#endif
