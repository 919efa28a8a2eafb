#include "util/encode.h"

#include "util/err.h"

static const char hexd[] = "0123456789abcdef";
static const char b64d[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
hn_hex_encode(char *out, const uint8_t *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexd[in[i] >> 4];
		out[2 * i + 1] = hexd[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t
hn_hex_decode(uint8_t *out, size_t max, const char *in, size_t inlen)
{
	size_t i;
	int hi, lo;

	if (inlen % 2 != 0)
		return HN_EPARSE;
	if (inlen / 2 > max)
		return HN_ETOOBIG;
	for (i = 0; i < inlen / 2; i++) {
		hi = hexval(in[2 * i]);
		lo = hexval(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return HN_EPARSE;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (ssize_t)(inlen / 2);
}

void
hn_b64_encode(char *out, const uint8_t *in, size_t n)
{
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = b64d[v >> 18];
		out[o++] = b64d[(v >> 12) & 63];
		out[o++] = b64d[(v >> 6) & 63];
		out[o++] = b64d[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64d[v >> 18];
		out[o++] = b64d[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64d[v >> 18];
		out[o++] = b64d[(v >> 12) & 63];
		out[o++] = b64d[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

ssize_t
hn_b64_decode(uint8_t *out, size_t max, const char *in, size_t inlen)
{
	size_t i, o = 0, pad = 0, outlen;
	int v[4], k;

	if (inlen % 4 != 0)
		return HN_EPARSE;
	if (inlen > 0 && in[inlen - 1] == '=') {
		pad++;
		if (in[inlen - 2] == '=')
			pad++;
	}
	outlen = inlen / 4 * 3 - pad;
	if (outlen > max)
		return HN_ETOOBIG;
	for (i = 0; i < inlen; i += 4) {
		for (k = 0; k < 4; k++) {
			if (i + 4 == inlen && k >= 4 - (int)pad) {
				v[k] = 0;
				continue;
			}
			if ((v[k] = b64val(in[i + k])) < 0)
				return HN_EPARSE;
		}
		out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (o < outlen)
			out[o++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
		else if ((v[1] & 15) != 0)
			return HN_EPARSE; /* non-canonical trailing bits */
		if (o < outlen)
			out[o++] = (uint8_t)((v[2] & 3) << 6 | v[3]);
		else if (pad == 1 && (v[2] & 3) != 0)
			return HN_EPARSE;
	}
	return (ssize_t)outlen;
}
