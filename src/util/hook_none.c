/*
 * hook_none.c - the shipped build's test hooks: none is ever set (hook.h).
 * Keep every hook name out of this file: `strings hanoinet | grep HN_TEST_`
 * must find nothing (tests/integration/build_hooks.sh).
 */
#include <stddef.h>

#include "util/hook.h"

const char *
hn_hook_str(enum hn_hook h)
{
	(void)h;
	return NULL;
}

long
hn_hook_int(enum hn_hook h)
{
	(void)h;
	return 0;
}

int
hn_hook_on(enum hn_hook h)
{
	(void)h;
	return 0;
}
