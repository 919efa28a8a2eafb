/*
 * hook_env.c - the test executable's hooks (hook.h): each one reads an
 * HN_TEST_* environment variable. Linked into `hanoinet-test` only, ahead
 * of the libraries, so it replaces src/util/hook_none.c there.
 */
#include <stddef.h>
#include <stdlib.h>

#include "util/hook.h"

static const char *const names[HN_HOOK_COUNT] = {
	[HN_HOOK_XFER_DUMP] = "HN_TEST_XFER_DUMP",
	[HN_HOOK_XFER_STOP_AFTER] = "HN_TEST_XFER_STOP_AFTER",
	[HN_HOOK_XFER_HOLD_AFTER] = "HN_TEST_XFER_HOLD_AFTER",
	[HN_HOOK_XFER_RELEASE] = "HN_TEST_XFER_RELEASE",
	[HN_HOOK_XFER_REQUEST] = "HN_TEST_XFER_REQUEST",
	[HN_HOOK_XFER_WRONG_SHA] = "HN_TEST_XFER_WRONG_SHA",
	[HN_HOOK_UPLOAD_FAIL_AFTER] = "HN_TEST_UPLOAD_FAIL_AFTER",
	[HN_HOOK_UPLOAD_HOLD] = "HN_TEST_UPLOAD_HOLD",
};

const char *
hn_hook_str(enum hn_hook h)
{
	const char *v;

	if ((unsigned)h >= HN_HOOK_COUNT || names[h] == NULL)
		return NULL;
	v = getenv(names[h]);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

long
hn_hook_int(enum hn_hook h)
{
	const char *v = hn_hook_str(h);

	return v != NULL ? strtol(v, NULL, 10) : 0;
}

int
hn_hook_on(enum hn_hook h)
{
	return hn_hook_str(h) != NULL;
}
