/*
 * fuzz_hashdeep: the hashdeep manifest parser of evidence verification
 * (hn_bundle_manifest_check; ledger/bundle.h), on any bytes: header
 * lines, comments, "size,sha256,./NAME" lines, missing newlines, huge
 * sizes, duplicate names, too many files. The report buffer is bounded
 * like the verifier's.
 */
#include <stddef.h>
#include <stdint.h>

#include "ledger/bundle.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hn_buf report = HN_BUF_INIT(1u << 20);
	size_t n = 0;
	int problems = 0, r;

	r = hn_bundle_manifest_check((const char *)data, size, &n, &report,
	    &problems);
	/* a clean parse reports no problem; a failed one at least one */
	if ((r == 0) != (problems == 0))
		__builtin_trap();
	hn_buf_release(&report);
	return 0;
}
