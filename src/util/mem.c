#include "util/mem.h"

#include <malloc.h>

void
hn_mem_policy(void)
{
	/* Setting a threshold also pins it: glibc no longer raises it by
	 * itself; its own rule (trim = 2 x mmap threshold) is kept here. */
	(void)mallopt(M_ARENA_MAX, 2);
	(void)mallopt(M_MMAP_THRESHOLD, 1 << 20);
	(void)mallopt(M_TRIM_THRESHOLD, 2 << 20);
}
