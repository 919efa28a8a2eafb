/*
 * json.h - jansson with the limits every hanoinet parser needs.
 *
 * Ownership follows jansson: a returned json_t* is a new reference the
 * caller must json_decref().
 */
#ifndef HN_UTIL_JSON_H
#define HN_UTIL_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

#define HN_JSON_MAX_DEPTH 32

/*
 * Parses `len` bytes (duplicate keys rejected, nesting at most max_depth).
 * On failure returns NULL and fills err with HN_EPARSE (with line and
 * column), HN_ETOOBIG (len > max) or HN_EINVAL (too deep).
 */
json_t *hn_json_parse(const char *data, size_t len, size_t max, int max_depth,
    struct hn_error *err);

/* The nesting depth of v: a scalar is 0, [] is 1, [[1]] is 2. */
int hn_json_depth(const json_t *v);

/* String member or NULL if absent or not a string. */
const char *hn_json_str(const json_t *obj, const char *key);

/* Serialises compactly with sorted keys; caller frees. NULL on ENOMEM. */
char *hn_json_dump(const json_t *v);

#endif
