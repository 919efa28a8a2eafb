/*
 * http_strict.h - RFC 9112 framing checks on a request's header fields,
 * made before any handler runs (issue 15: request smuggling).
 *
 * Pure: no I/O, no libmicrohttpd, no allocation. net/http.c hands over the
 * fields as libmicrohttpd parsed them, each with its length (so a NUL
 * inside a value is seen), and answers a refusal with "Connection: close",
 * so that no byte after the refused header is ever read as a next request.
 * fuzz/fuzz_http.c drives it from raw header blocks.
 *
 * What is refused, first match wins:
 *   400 malformed_request  a field name that is not a token (e.g. a space
 *                          before the colon), a value with NUL, CR, LF or
 *                          another control character (HTAB excepted), a
 *                          folded field line (obs-fold),
 *                          more than one Host, more than one
 *                          Content-Length (even equal ones), one that is
 *                          not 1*DIGIT or over 2^63, Content-Length
 *                          together with Transfer-Encoding,
 *                          Transfer-Encoding in an HTTP/1.0 request, an
 *                          empty coding list or chunked twice
 *   501 not_implemented    a transfer coding other than chunked
 *   400 length_required    chunked: request bodies come with a
 *                          Content-Length (no client of the node sends
 *                          chunked; refusing it before the body keeps
 *                          libmicrohttpd's chunk parser, and its 500 on
 *                          a long chunk extension, out of reach: a long
 *                          extension is a 400, never a 500)
 */
#ifndef HN_NET_HTTP_STRICT_H
#define HN_NET_HTTP_STRICT_H

#include <stddef.h>
#include <stdint.h>

/*
 * One header field line as parsed: name and value with their lengths, and
 * what the parser left between the end of the value and the next line (or
 * the end of the header): libmicrohttpd cuts a value at a NUL and leaves
 * the rest of the line there, so any byte in the gap other than NUL, SP,
 * HTAB, CR and LF means a NUL inside the value. `folded`: the parser made
 * this field out of more than one line (obs-fold). gap may be NULL.
 */
struct hn_hfield {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
	const char *gap;
	size_t gap_len;
	int folded;
};

#define HN_HFIELDS_MAX 128 /* more field lines than this: 431 */
#define HN_STRICT_FIELD_MAX 64
#define HN_STRICT_MESSAGE_MAX 160

struct hn_strict {
	int status; /* 0: acceptable; else 400 or 501 */
	const char *error; /* the API error code, NULL when acceptable */
	char field[HN_STRICT_FIELD_MAX]; /* the header at fault (a token) */
	char message[HN_STRICT_MESSAGE_MAX]; /* human, printable ASCII */
	int has_length; /* one valid Content-Length was given */
	uint64_t length;
};

/*
 * Checks n fields (n <= HN_HFIELDS_MAX) of a request of HTTP/1.0 (http10)
 * or 1.1. Returns v->status (0 when the request may go on); v is always
 * filled. Field names compare case-insensitively.
 */
int hn_http_strict(const struct hn_hfield *f, size_t n, int http10,
    struct hn_strict *v);

#endif
