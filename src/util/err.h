/*
 * err.h - the one error type of hanoinet.
 *
 * Every function that can fail returns 0 on success or a negative HN_E* code.
 * Human detail (which field, which article, what was wrong) goes in a
 * struct hn_error the caller passes in; it may be NULL when the caller does
 * not care. Codes are stable: they appear in logs and tests.
 */
#ifndef HN_UTIL_ERR_H
#define HN_UTIL_ERR_H

#include <stddef.h>

enum {
	HN_OK = 0,
	HN_EINVAL = -1, /* invalid argument or input */
	HN_ENOMEM = -2, /* allocation failed */
	HN_EIO = -3, /* read, write or fsync failed */
	HN_ETOOBIG = -4, /* a size limit was exceeded */
	HN_EPARSE = -5, /* input does not parse */
	HN_ENOTFOUND = -6, /* no such object */
	HN_EDENIED = -7, /* not allowed (role, policy, treaty) */
	HN_EVERIFY = -8, /* a signature, hash or proof does not verify */
	HN_EEXIST = -9, /* already exists */
	HN_ESTATE = -10, /* illegal state or transition */
	HN_EDB = -11, /* database error */
	HN_ENET = -12, /* network error */
	HN_ERANGE = -13, /* a number or index out of range */
	HN_EBUSY = -14, /* try again later */
	HN_ECRYPTO = -15, /* a cryptographic primitive failed */
	HN_EVALIDATE =
	    -16, /* a request does not satisfy the Convention's rules */
	HN_EINTERNAL = -17, /* a bug: an invariant did not hold */
	HN_ENOSPACE = -18, /* storage exhausted: disk full, quota, inodes */
	HN_E_COUNT_ = 19
};

/* The static, never-NULL name of a code: "invalid argument", ... */
const char *hn_strerror(int code);

/* Short stable machine code for APIs: "invalid", "not_found", ... */
const char *hn_errcode(int code);

/*
 * The code for a failed system call's errno: HN_ENOSPACE for ENOSPC and
 * EDQUOT (the storage is exhausted: an operator frees space and the same
 * call works again), HN_EIO for anything else (write paths use it).
 */
int hn_errno_code(int errnum);

#define HN_ERR_FIELD_MAX 128
#define HN_ERR_ARTICLE_MAX 32
#define HN_ERR_MESSAGE_MAX 512

struct hn_error {
	int code;
	char field[HN_ERR_FIELD_MAX]; /* e.g. "data[0].relation_to_offence" */
	char article[HN_ERR_ARTICLE_MAX]; /* e.g. "42 (c)"; "" when none */
	char message[HN_ERR_MESSAGE_MAX];
};

/*
 * Fills err (if not NULL) and returns code, so that callers can write
 * `return hn_error_set(err, HN_EINVAL, "kind", "42", "unknown kind %s", k);`.
 * field and article may be NULL. Truncation of long messages is silent but
 * always NUL-terminated.
 */
int hn_error_set(struct hn_error *err, int code, const char *field,
    const char *article, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

void hn_error_clear(struct hn_error *err);

#endif
