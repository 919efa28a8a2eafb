/*
 * asset.h - files embedded in the binary at build time (cmake/embed.cmake):
 * data/parties.json, docs/api.yaml and everything under web/.
 */
#ifndef HN_UTIL_ASSET_H
#define HN_UTIL_ASSET_H

#include <stddef.h>

struct hn_asset {
	const char
	    *path; /* relative to the source root, e.g. "web/index.html" */
	const unsigned char *data; /* NUL-terminated for convenience */
	size_t len;
};

/* Terminated by an entry whose path is NULL. */
extern const struct hn_asset hn_assets[];

/* The asset at `path`, or NULL. */
const struct hn_asset *hn_asset_find(const char *path);

#endif
