#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/err.h"
#include "util/fmt.h"

int
hn_file_read(const char *path, struct hn_buf *out)
{
	char chunk[65536];
	ssize_t n;
	int fd, r = 0;

	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? HN_ENOTFOUND : HN_EIO;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = HN_EIO;
			break;
		}
		if (n == 0)
			break;
		if ((r = hn_buf_add(out, chunk, (size_t)n)) != 0)
			break;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	if (r == 0 && out->data == NULL)
		r = hn_buf_add(out, "", 0);
	return r;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? hn_errno_code(errno) : HN_EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
hn_fd_write_all(int fd, const void *data, size_t len)
{
	return write_all(fd, data, len);
}

ssize_t
hn_fd_read_full(int fd, void *data, size_t len)
{
	char *p = data;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, p + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return HN_EIO;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int
hn_fsync_parent(const char *path)
{
	char tmp[PATH_MAX];
	int fd, r = 0;

	if ((r = hn_fmt(tmp, sizeof(tmp), "%s", path)) != 0)
		return r;
	if ((fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return HN_EIO;
	if (fsync(fd) != 0)
		r = hn_errno_code(errno);
	close(fd);
	return r;
}

int
hn_file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode)
{
	char tmp[PATH_MAX];
	int fd, r;

	if ((r = hn_fmt(tmp, sizeof(tmp), "%s.tmp.%ld", path,
		 (long)getpid())) != 0)
		return r;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return hn_errno_code(errno);
	r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) != 0)
		r = HN_EIO;
	if (r == 0 && fsync(fd) != 0)
		r = hn_errno_code(errno);
	if (close(fd) != 0 && r == 0)
		r = hn_errno_code(errno);
	if (r == 0 && rename(tmp, path) != 0)
		r = HN_EIO;
	if (r != 0) {
		unlink(tmp);
		return r;
	}
	return hn_fsync_parent(path);
}

int
hn_mkdirs(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	char *p;
	int r;

	if ((r = hn_fmt(tmp, sizeof(tmp), "%s", path)) != 0)
		return r;
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) != 0 && errno != EEXIST)
			return hn_errno_code(errno);
		*p = '/';
	}
	if (mkdir(tmp, mode) != 0 && errno != EEXIST)
		return hn_errno_code(errno);
	return 0;
}
