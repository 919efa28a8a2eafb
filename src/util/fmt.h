/*
 * fmt.h - checked formatting into a fixed buffer (after OpenBSD's rule that
 * every snprintf truncation is checked).
 *
 * snprintf cuts silently: a path, a field name or a key that no longer fits
 * becomes a different path, field or key. These helpers return 0 or a
 * negative HN_E* code instead, and are marked warn_unused_result, so a
 * caller cannot forget. scripts/check-style rejects a bare snprintf in src/.
 *
 * - HN_ETOOBIG: the output (with its NUL) does not fit in cap bytes.
 * - HN_EINVAL: the C library reported an encoding error.
 * On any failure dst is left NUL-terminated and holds nothing new: hn_fmt
 * leaves "" (so a cut value can never be used by mistake), hn_fmt_add
 * leaves dst as it was. cap == 0 writes nothing and is HN_ETOOBIG.
 *
 * For text of unbounded size, use util/buf.h (hn_buf_addf) instead.
 */
#ifndef HN_UTIL_FMT_H
#define HN_UTIL_FMT_H

#include <assert.h>
#include <stdarg.h>
#include <stddef.h>

/* Formats into dst[0..cap). 0, HN_ETOOBIG or HN_EINVAL. */
int hn_fmt(char *dst, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), warn_unused_result));
int hn_vfmt(char *dst, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0), warn_unused_result));

/*
 * Appends to the string of *len bytes already in dst (piecewise building):
 * on success *len is the new length; on failure dst[*len] is restored to
 * NUL and *len is unchanged. Requires *len < cap (the text and its NUL fit).
 */
int hn_fmt_add(char *dst, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), warn_unused_result));

/*
 * Copies the string src into dst (cap bytes): 0, or HN_ETOOBIG with err
 * (may be NULL) naming `field` and the limit; dst is then "". For values
 * from outside (a request's id, a name in a config file) whose field an
 * error should name.
 */
struct hn_error;
int hn_fmt_field(char *dst, size_t cap, const char *src, const char *field,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Human-readable text only (error detail, reasons, problem reports, log
 * lines), where a cut message is better than none: like hn_fmt, but dst
 * keeps what fits. Returns 0, or HN_ETOOBIG/HN_EINVAL (dst then holds the
 * cut text, or "" on an encoding error); callers may ignore it. Never for
 * names, paths, keys, URLs, numbers or anything a program reads back.
 */
int hn_fmt_cut(char *dst, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int hn_vfmt_cut(char *dst, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/*
 * For output whose size is bounded by construction (fixed-width numbers,
 * a buffer sized from the same constants as the text): a failure is a bug,
 * asserted in the Debug build. Prefer hn_fmt with an error path wherever any
 * part of the text comes from outside.
 */
#define HN_FMT_FIXED(dst, cap, ...) \
	do { \
		int hn_fmt_r_ = hn_fmt((dst), (cap), __VA_ARGS__); \
		assert(hn_fmt_r_ == 0); \
		(void)hn_fmt_r_; \
	} while (0)

#endif
