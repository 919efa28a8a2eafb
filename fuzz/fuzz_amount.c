/*
 * fuzz_amount: the amount parser (core/amount). The input is "CODE VALUE".
 * An amount that parses must format back to text that parses to the same
 * minor units, and adding it to itself is either exact or HN_ERANGE.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/amount.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[128], out[HN_AMOUNT_STRLEN], *sp;
	struct hn_amount a, b, s;
	hn_minor_t m;
	int rc;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if ((sp = strchr(in, ' ')) == NULL)
		return 0;
	*sp = '\0';
	if (hn_amount_parse(in, sp + 1, &a, "code", "value", NULL) != 0)
		return 0;
	hn_amount_format(&a, out);
	if (hn_amount_parse(a.asset->code, out, &b, NULL, NULL, NULL) != 0 ||
	    b.minor != a.minor || b.asset != a.asset)
		abort();
	hn_minor_format(a.minor, out);
	if (hn_minor_parse(out, &m) != 0 || m != a.minor)
		abort();
	rc = hn_amount_add(&a, &a, &s);
	if (rc == 0 && (s.minor - a.minor != a.minor || s.minor < a.minor))
		abort();
	if (rc != 0 && rc != HN_ERANGE)
		abort();
	return 0;
}
