/*
 * encode.h - hex and standard base64 (RFC 4648, with padding).
 *
 * Encoders write a NUL-terminated string and need an output of
 * hn_hex_len(n) / hn_b64_len(n) bytes (terminator included). Decoders
 * are strict: they reject odd lengths, bad characters, missing or wrong
 * padding and non-canonical trailing bits, and return the decoded length
 * or a negative HN_E* code (HN_ETOOBIG if `max` bytes are not enough).
 */
#ifndef HN_UTIL_ENCODE_H
#define HN_UTIL_ENCODE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define hn_hex_len(n) (2 * (n) + 1)
#define hn_b64_len(n) ((((n) + 2) / 3) * 4 + 1)

void hn_hex_encode(char *out, const uint8_t *in, size_t n);
/* Accepts upper and lower case. */
ssize_t hn_hex_decode(uint8_t *out, size_t max, const char *in, size_t inlen);

void hn_b64_encode(char *out, const uint8_t *in, size_t n);
ssize_t hn_b64_decode(uint8_t *out, size_t max, const char *in, size_t inlen);

#endif
