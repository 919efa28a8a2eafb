#include "net/http_strict.h"

#include <string.h>
#include <strings.h>

#include "util/fmt.h"

/* RFC 9110 5.6.2: tchar. */
static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 9110 5.5: field-value bytes are VCHAR, obs-text, SP and HTAB. */
static int
is_value_byte(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int
name_is(const struct hn_hfield *f, const char *want)
{
	size_t i, n = strlen(want);

	if (f->name_len != n)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)f->name[i];

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (a != (unsigned char)want[i])
			return 0;
	}
	return 1;
}

static int
refuse(struct hn_strict *v, int status, const char *error, const char *field,
    size_t field_len, const char *msg)
{
	size_t n =
	    field_len < sizeof(v->field) ? field_len : sizeof(v->field) - 1;

	v->status = status;
	v->error = error;
	memcpy(v->field, field, n);
	v->field[n] = '\0';
	(void)hn_fmt_cut(v->message, sizeof(v->message), "%s", msg);
	return status;
}

/* 1*DIGIT up to 2^63 - 1. 0 or -1. */
static int
parse_length(const char *s, size_t n, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > (uint64_t)INT64_MAX)
		return -1;
	*out = x;
	return 0;
}

/*
 * One Transfer-Encoding field value: a comma list of codings (each maybe
 * with ";param"s). Counts chunked in *chunked, codings in *codings; the
 * first unknown coding is copied into unknown (a token, cut). 0 or -1 for
 * a coding that is not a token.
 */
static int
scan_codings(const char *s, size_t n, int *chunked, int *codings, char *unknown,
    size_t ucap)
{
	size_t i = 0, b, e;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		if (i >= n)
			break;
		for (b = i; i < n && is_tchar((unsigned char)s[i]); i++)
			;
		e = i;
		if (e == b)
			return -1;
		while (i < n && s[i] != ',') /* parameters are not read */
			i++;
		(*codings)++;
		if (e - b == 7 && strncasecmp(s + b, "chunked", 7) == 0)
			(*chunked)++;
		else if (unknown[0] == '\0') {
			size_t m = e - b < ucap ? e - b : ucap - 1;

			memcpy(unknown, s + b, m);
			unknown[m] = '\0';
		}
	}
	return 0;
}

/* Field syntax: token names, values without control bytes. */
static int
check_syntax(const struct hn_hfield *f, size_t n, struct hn_strict *v)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (f[i].name_len == 0)
			return refuse(v, 400, "malformed_request", "", 0,
			    "a header field has no name");
		for (j = 0; j < f[i].name_len; j++)
			if (!is_tchar((unsigned char)f[i].name[j]))
				return refuse(v, 400, "malformed_request", "",
				    0,
				    "a header field name is not a token "
				    "(no space before the colon)");
		for (j = 0; j < f[i].value_len; j++)
			if (!is_value_byte((unsigned char)f[i].value[j]))
				return refuse(v, 400, "malformed_request",
				    f[i].name, f[i].name_len,
				    "a header field value holds a control "
				    "character (NUL, CR, LF or another)");
		for (j = 0; f[i].gap != NULL && j < f[i].gap_len; j++)
			if (f[i].gap[j] != '\0' &&
			    strchr(" \t\r\n", f[i].gap[j]) == NULL)
				return refuse(v, 400, "malformed_request",
				    f[i].name, f[i].name_len,
				    "a header field value holds a NUL");
		if (f[i].folded)
			return refuse(v, 400, "malformed_request", "", 0,
			    "a header field line is folded (obs-fold)");
	}
	return 0;
}

int
hn_http_strict(const struct hn_hfield *f, size_t n, int http10,
    struct hn_strict *v)
{
	const struct hn_hfield *cl = NULL;
	char unknown[32] = "";
	int hosts = 0, cls = 0, tes = 0, chunked = 0, codings = 0;
	size_t i;

	memset(v, 0, sizeof(*v));
	if (check_syntax(f, n, v) != 0)
		return v->status;
	for (i = 0; i < n; i++) {
		if (name_is(&f[i], "host"))
			hosts++;
		else if (name_is(&f[i], "content-length")) {
			cls++;
			cl = &f[i];
		} else if (name_is(&f[i], "transfer-encoding")) {
			tes++;
			if (scan_codings(f[i].value, f[i].value_len, &chunked,
				&codings, unknown, sizeof(unknown)) != 0)
				return refuse(v, 400, "malformed_request",
				    "Transfer-Encoding", 17,
				    "a transfer coding is not a token");
		}
	}
	if (hosts > 1)
		return refuse(v, 400, "malformed_request", "Host", 4,
		    "more than one Host header");
	if (cls > 1)
		return refuse(v, 400, "malformed_request", "Content-Length", 14,
		    "more than one Content-Length header");
	if (cl != NULL &&
	    parse_length(cl->value, cl->value_len, &v->length) != 0)
		return refuse(v, 400, "malformed_request", "Content-Length", 14,
		    "Content-Length is not a decimal length");
	v->has_length = cl != NULL;
	if (tes == 0)
		return 0;
	v->has_length = 0;
	if (cl != NULL)
		return refuse(v, 400, "malformed_request", "Transfer-Encoding",
		    17, "Content-Length and Transfer-Encoding together");
	if (http10)
		return refuse(v, 400, "malformed_request", "Transfer-Encoding",
		    17, "Transfer-Encoding in an HTTP/1.0 request");
	if (unknown[0] != '\0') {
		char msg[HN_STRICT_MESSAGE_MAX];

		(void)hn_fmt_cut(msg, sizeof(msg),
		    "the transfer coding '%s' is not supported", unknown);
		return refuse(v, 501, "not_implemented", "Transfer-Encoding",
		    17, msg);
	}
	if (codings == 0 || chunked != 1)
		return refuse(v, 400, "malformed_request", "Transfer-Encoding",
		    17,
		    codings == 0 ? "an empty Transfer-Encoding" :
				   "chunked applied more than once");
	return refuse(v, 400, "length_required", "Transfer-Encoding", 17,
	    "send the body with a Content-Length; chunked request bodies "
	    "are not accepted");
}
