/*
 * buf.h - growable byte buffer with a hard maximum (after curl's dynbuf and
 * git's strbuf).
 *
 * The buffer is always NUL-terminated (data[len] == 0) once anything was
 * added, so text can be used as a C string. Appending beyond `max` fails with
 * HN_ETOOBIG and leaves the contents unchanged. hn_buf_release frees the
 * memory and leaves the buffer empty and reusable with the same maximum.
 */
#ifndef HN_UTIL_BUF_H
#define HN_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct hn_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

#define HN_BUF_INIT(m) \
	{ \
		NULL, 0, 0, (m) \
	}

void hn_buf_init(struct hn_buf *b, size_t max);
void hn_buf_release(struct hn_buf *b);
/* Releases and wipes the contents first (for secrets). */
void hn_buf_release_secret(struct hn_buf *b);
void hn_buf_reset(struct hn_buf *b);
int hn_buf_add(struct hn_buf *b, const void *p, size_t n);
int hn_buf_adds(struct hn_buf *b, const char *s);
int hn_buf_addf(struct hn_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Takes the data out (caller frees); the buffer is left empty. */
char *hn_buf_detach(struct hn_buf *b, size_t *len);

#endif
