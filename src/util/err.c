#include "util/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/fmt.h"

static const struct {
	const char *text;
	const char *code;
} errtab[HN_E_COUNT_] = {
	{ "success", "ok" },
	{ "invalid argument", "invalid" },
	{ "out of memory", "no_memory" },
	{ "input/output error", "io_error" },
	{ "too large", "too_large" },
	{ "parse error", "parse_error" },
	{ "not found", "not_found" },
	{ "permission denied", "forbidden" },
	{ "verification failed", "verification_failed" },
	{ "already exists", "exists" },
	{ "illegal state or transition", "illegal_transition" },
	{ "database error", "database_error" },
	{ "network error", "network_error" },
	{ "out of range", "out_of_range" },
	{ "busy", "busy" },
	{ "cryptographic failure", "crypto_error" },
	{ "validation failed", "validation_failed" },
	{ "internal error", "internal_error" },
	{ "no space left on device", "insufficient_storage" },
};

const char *
hn_strerror(int code)
{
	if (code > 0 || -code >= HN_E_COUNT_)
		return "unknown error";
	return errtab[-code].text;
}

const char *
hn_errcode(int code)
{
	if (code > 0 || -code >= HN_E_COUNT_)
		return "unknown_error";
	return errtab[-code].code;
}

int
hn_errno_code(int errnum)
{
	switch (errnum) {
	case ENOSPC:
	case EDQUOT:
		return HN_ENOSPACE;
	default:
		return HN_EIO;
	}
}

static void
copy(char *dst, size_t n, const char *src)
{
	if (src == NULL)
		src = "";
	/* err.h: detail is cut, never refused (an error must be reportable). */
	(void)hn_fmt_cut(dst, n, "%s", src);
}

int
hn_error_set(struct hn_error *err, int code, const char *field,
    const char *article, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	copy(err->field, sizeof(err->field), field);
	copy(err->article, sizeof(err->article), article);
	va_start(ap, fmt);
	(void)hn_vfmt_cut(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

void
hn_error_clear(struct hn_error *err)
{
	if (err != NULL)
		memset(err, 0, sizeof(*err));
}
