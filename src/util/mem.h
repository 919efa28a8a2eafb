/*
 * mem.h - the malloc policy of a long-running node process (hanoinet
 * serve, and the benchmarks that stand for it in one process).
 */
#ifndef HN_UTIL_MEM_H
#define HN_UTIL_MEM_H

/*
 * Sets glibc's malloc for a node: at most two arenas (one thread per
 * connection would otherwise give threads arenas of their own, which keep
 * memory after a burst); freed memory stays in the process up to 2 MiB
 * per arena instead of 128 KiB, and blocks up to 1 MiB come from the heap
 * rather than their own mmap. Without that, each SQLite statement with a
 * sorter or an ephemeral table (a page-cache bulk of 100 to 200 KiB),
 * each GnuTLS record buffer and each response grew the heap and gave it
 * back at free: mprotect/madvise and page faults on every message (the
 * outbox's due query took 0.4 ms of CPU instead of 0.07 ms; docs/
 * PERFORMANCE.md, federation). The caller still returns what is idle:
 * serve calls malloc_trim(0) every 2 s. Call once, before any thread
 * starts. A setting libc refuses leaves its default (slower, not wrong).
 */
void hn_mem_policy(void);

#endif
