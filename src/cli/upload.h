/*
 * upload.h - the client side of the evidence upload API:
 * `hanoinet evidence add FILE --url URL` streams a file to a node in pieces
 * of HN_UPLOAD_PUT bytes (whole chunks), and resumes after a failure: it
 * asks the node where the upload stands (GET) and continues from there, at
 * most HN_UPLOAD_RETRIES times in a row, with a growing pause.
 *
 * Memory: none in proportion to the file; each piece is streamed from the
 * file (fed/client.h hn_client_request_fd).
 */
#ifndef HN_CLI_UPLOAD_H
#define HN_CLI_UPLOAD_H

#include <jansson.h>
#include <stdint.h>

#include "util/err.h"

#define HN_UPLOAD_PUT (4u << 20)
#define HN_UPLOAD_RETRIES 6

struct hn_cli_upload {
	const char *url; /* https://host:port (no trailing slash needed) */
	const char *token; /* bearer token */
	const char *cacert; /* PEM file to trust (the node's tls.crt), or NULL */
	const char *request; /* request id */
	const char *description;
	/* called after every piece with the bytes the node accepted */
	void (*progress)(void *arg, uint64_t bytes);
	void *arg;
	/* test hook: fail (as if the connection dropped) after this many
	 * pieces, once; 0 = never */
	unsigned fail_after;
};

/*
 * Uploads `path` (name = its last component). On success *item is the
 * node's answer to finish ({item, sha256, size, ...}; caller decrefs).
 */
int hn_cli_upload_file(const struct hn_cli_upload *o, const char *path,
    json_t **item, struct hn_error *err) __attribute__((warn_unused_result));

#endif
