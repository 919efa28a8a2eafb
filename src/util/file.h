/*
 * file.h - whole-file helpers with size limits and durable writes.
 */
#ifndef HN_UTIL_FILE_H
#define HN_UTIL_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"

/*
 * Reads all of `path` ("-" is standard input) into `out` (initialised by the
 * caller; its max is the limit). HN_ETOOBIG if the file is larger than
 * out->max, HN_ENOTFOUND if it does not exist, HN_EIO otherwise.
 */
int hn_file_read(const char *path, struct hn_buf *out);

/*
 * Writes `len` bytes to `path` durably and atomically: a temporary file in
 * the same directory with `mode`, write, fsync, rename, fsync of the
 * directory. Either the old or the new contents survive a crash.
 */
int hn_file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode);

/* fsync()s the directory that contains `path`. */
int hn_fsync_parent(const char *path);

/* write(2) until all of len is written (EINTR retried); HN_EIO otherwise. */
int hn_fd_write_all(int fd, const void *data, size_t len);

/*
 * read(2) until len bytes or end of file (EINTR retried): returns the number
 * of bytes read (< len only at end of file) or HN_EIO.
 */
ssize_t hn_fd_read_full(int fd, void *data, size_t len);

/* mkdir -p with `mode` for the directories it creates. */
int hn_mkdirs(const char *path, mode_t mode);

#endif
