#include "util/fmt.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

#include "util/err.h"

int
hn_vfmt(char *dst, size_t cap, const char *fmt, va_list ap)
{
	int n;

	assert(dst != NULL || cap == 0);
	assert(fmt != NULL);
	if (cap == 0)
		return HN_ETOOBIG;
	n = vsnprintf(dst, cap, fmt, ap);
	if (n < 0 || (size_t)n >= cap) {
		dst[0] = '\0';
		return n < 0 ? HN_EINVAL : HN_ETOOBIG;
	}
	return 0;
}

int
hn_fmt(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = hn_vfmt(dst, cap, fmt, ap);
	va_end(ap);
	return r;
}

int
hn_fmt_add(char *dst, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	assert(dst != NULL && len != NULL && fmt != NULL);
	assert(*len < cap && dst[*len] == '\0');
	va_start(ap, fmt);
	n = vsnprintf(dst + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *len) {
		dst[*len] = '\0';
		return n < 0 ? HN_EINVAL : HN_ETOOBIG;
	}
	*len += (size_t)n;
	return 0;
}

int
hn_vfmt_cut(char *dst, size_t cap, const char *fmt, va_list ap)
{
	int n;

	assert(dst != NULL || cap == 0);
	assert(fmt != NULL);
	if (cap == 0)
		return HN_ETOOBIG;
	n = vsnprintf(dst, cap, fmt, ap);
	if (n < 0) {
		dst[0] = '\0';
		return HN_EINVAL;
	}
	return (size_t)n >= cap ? HN_ETOOBIG : 0;
}

int
hn_fmt_cut(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = hn_vfmt_cut(dst, cap, fmt, ap);
	va_end(ap);
	return r;
}

int
hn_fmt_field(char *dst, size_t cap, const char *src, const char *field,
    struct hn_error *err)
{
	int r;

	assert(src != NULL);
	if ((r = hn_fmt(dst, cap, "%s", src)) != 0)
		return hn_error_set(err, r, field, NULL,
		    "longer than %zu bytes", cap > 0 ? cap - 1 : 0);
	return 0;
}
