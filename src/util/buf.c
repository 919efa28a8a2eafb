#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"

void
hn_buf_init(struct hn_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
hn_buf_release(struct hn_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
hn_buf_release_secret(struct hn_buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	hn_buf_release(b);
}

void
hn_buf_reset(struct hn_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int
grow(struct hn_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (need > b->max || need + 1 < need)
		return HN_ETOOBIG;
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need + 1)
		cap *= 2;
	if (b->max < SIZE_MAX && cap > b->max + 1)
		cap = b->max + 1;
	if ((p = realloc(b->data, cap)) == NULL)
		return HN_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
hn_buf_add(struct hn_buf *b, const void *p, size_t n)
{
	int r;

	if (n > b->max - b->len)
		return HN_ETOOBIG;
	if ((r = grow(b, b->len + n)) != 0)
		return r;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
hn_buf_adds(struct hn_buf *b, const char *s)
{
	return hn_buf_add(b, s, strlen(s));
}

int
hn_buf_addf(struct hn_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *end;
	int n, r;

	va_start(ap, fmt);
	/* vsnprintf measures, then writes into room made for it. */
	n = vsnprintf(NULL, 0, fmt, ap); /* check-style: allow */
	va_end(ap);
	if (n < 0)
		return HN_EINVAL;
	if ((size_t)n > b->max - b->len)
		return HN_ETOOBIG;
	if ((r = grow(b, b->len + (size_t)n)) != 0)
		return r;
	end = b->data + b->len;
	va_start(ap, fmt);
	vsnprintf(end, (size_t)n + 1, fmt, ap); /* check-style: allow */
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *
hn_buf_detach(struct hn_buf *b, size_t *len)
{
	char *p;

	if (b->data == NULL) {
		if (grow(b, 0) != 0)
			return NULL;
		b->data[0] = '\0';
	}
	p = b->data;
	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}
