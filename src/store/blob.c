#include "store/blob.h"

#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"

struct hn_blob_reader {
	int fd;
	struct hn_seal_dec dec;
	struct hn_sha256 sha;
	int sha_ok;
	char addr[HN_BLOB_ADDR_LEN + 1];
	uint8_t *ct;
	uint8_t *pt;
	uint32_t chunk;
	uint64_t pos;
	int state; /* 0 reading, 1 final chunk handed out, 2 end reported */
};

int
hn_blob_addr_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return HN_EINVAL;
	for (i = 0; i < HN_BLOB_ADDR_LEN; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return HN_EINVAL;
	}
	return s[i] == '\0' ? 0 : HN_EINVAL;
}

int
hn_blob_path(char *out, size_t outlen, const char *root, const char *addr)
{
	if (hn_blob_addr_valid(addr) != 0)
		return HN_EINVAL;
	return hn_fmt(out, outlen, "%s/%.2s/%s", root, addr, addr + 2);
}

int
hn_blob_exists(const char *root, const char *addr)
{
	char path[HN_BLOB_PATH_MAX];
	struct stat st;
	int r;

	if ((r = hn_blob_path(path, sizeof(path), root, addr)) != 0)
		return r;
	return stat(path, &st) == 0 ? 0 : HN_ENOTFOUND;
}

static int
reader_from_fd(struct hn_blob_reader **out, int fd, const char *addr,
    const struct hn_seal_keys *k, struct hn_error *err)
{
	struct hn_blob_reader *r = NULL;
	uint8_t header[HN_SEAL_HEADER_LEN];
	ssize_t n;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		close(fd);
		return HN_ENOMEM;
	}
	r->fd = fd;
	memcpy(r->addr, addr, HN_BLOB_ADDR_LEN + 1);
	n = hn_fd_read_full(fd, header, sizeof(header));
	if (n < 0) {
		rc = hn_error_set(err, HN_EIO, NULL, NULL,
		    "object %s: read error", addr);
		goto out;
	}
	if ((size_t)n < sizeof(header)) {
		rc = hn_error_set(err, HN_EVERIFY, NULL, NULL,
		    "object %s: truncated (header incomplete)", addr);
		goto out;
	}
	rc = hn_seal_dec_init(&r->dec, header, k);
	if (rc == HN_EPARSE) {
		rc = hn_error_set(err, HN_EVERIFY, NULL, NULL,
		    "object %s: not a sealed object (bad header)", addr);
		goto out;
	} else if (rc != 0) {
		rc = hn_error_set(err, HN_EVERIFY, NULL, NULL,
		    "object %s: not sealed for this node or header tampered",
		    addr);
		goto out;
	}
	r->chunk = r->dec.chunk;
	if ((r->ct = malloc((size_t)r->chunk + HN_SEAL_ABYTES)) == NULL ||
	    (r->pt = malloc(r->chunk)) == NULL) {
		rc = HN_ENOMEM;
		goto out;
	}
	if ((rc = hn_sha256_init(&r->sha)) != 0)
		goto out;
	r->sha_ok = 1;
	*out = r;
	r = NULL;
	rc = 0;
out:
	hn_blob_close(r);
	return rc;
}

int
hn_blob_open(struct hn_blob_reader **out, const char *root, const char *addr,
    const struct hn_seal_keys *k, struct hn_error *err)
{
	char path[HN_BLOB_PATH_MAX];
	int fd, r;

	*out = NULL;
	if ((r = hn_blob_path(path, sizeof(path), root, addr)) != 0)
		return hn_error_set(err, r, "address", NULL,
		    "not an object address");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return hn_error_set(err, HN_ENOTFOUND, NULL, NULL,
			    "object %s: not in the store", addr);
		return hn_error_set(err, HN_EIO, NULL, NULL,
		    "object %s: cannot open", addr);
	}
	return reader_from_fd(out, fd, addr, k, err);
}

/* After the final chunk: no trailing bytes, and the hash is the address. */
static int
end_checks(struct hn_blob_reader *r, struct hn_error *err)
{
	uint8_t md[HN_SHA256_LEN], extra;
	char hex[hn_hex_len(HN_SHA256_LEN)];
	ssize_t n;

	n = hn_fd_read_full(r->fd, &extra, 1);
	if (n < 0)
		return hn_error_set(err, HN_EIO, NULL, NULL,
		    "object %s: read error", r->addr);
	if (n != 0)
		return hn_error_set(err, HN_EVERIFY, NULL, NULL,
		    "object %s: bytes after the final chunk", r->addr);
	hn_sha256_final(&r->sha, md);
	hn_hex_encode(hex, md, sizeof(md));
	if (hn_memeq_ct(hex, r->addr, HN_BLOB_ADDR_LEN) != 0)
		return hn_error_set(err, HN_EVERIFY, NULL, NULL,
		    "object %s: content does not match its address (SHA-256 "
		    "%s): swapped or replaced object",
		    r->addr, hex);
	return 0;
}

ssize_t
hn_blob_read(struct hn_blob_reader *r, const uint8_t **data,
    struct hn_error *err)
{
	size_t ctlen = (size_t)r->chunk + HN_SEAL_ABYTES, ptlen = 0;
	ssize_t n;
	int final = 0, rc;

	*data = NULL;
	for (;;) {
		if (r->state == 1) {
			r->state = 2;
			return 0;
		}
		if (r->state == 2)
			return HN_ESTATE;
		n = hn_fd_read_full(r->fd, r->ct, ctlen);
		if (n < 0)
			return hn_error_set(err, HN_EIO, NULL, NULL,
			    "object %s: read error", r->addr);
		if ((size_t)n < HN_SEAL_ABYTES)
			return hn_error_set(err, HN_EVERIFY, NULL, NULL,
			    "object %s: truncated after %llu bytes of content "
			    "(no final chunk)",
			    r->addr, (unsigned long long)r->pos);
		rc = hn_seal_dec_chunk(&r->dec, r->pt, &ptlen, r->ct, (size_t)n,
		    &final);
		if (rc != 0)
			return hn_error_set(err, HN_EVERIFY, NULL, NULL,
			    "object %s: chunk %llu (content offset %llu) does "
			    "not authenticate: altered, truncated or reordered",
			    r->addr, (unsigned long long)r->dec.nchunks,
			    (unsigned long long)r->pos);
		hn_sha256_update(&r->sha, r->pt, ptlen);
		if (final) {
			if ((rc = end_checks(r, err)) != 0)
				return rc;
			r->state = 1;
		}
		r->pos += ptlen;
		if (ptlen > 0) {
			*data = r->pt;
			return (ssize_t)ptlen;
		}
	}
}

uint64_t
hn_blob_reader_pos(const struct hn_blob_reader *r)
{
	return r->pos;
}

void
hn_blob_close(struct hn_blob_reader *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0)
		close(r->fd);
	hn_seal_dec_wipe(&r->dec);
	if (r->sha_ok)
		hn_sha256_release(&r->sha);
	if (r->pt != NULL) {
		hn_wipe(r->pt, r->chunk);
		free(r->pt);
	}
	free(r->ct);
	free(r);
}

static int
drain(struct hn_blob_reader *r, int outfd, uint64_t *size, struct hn_error *err)
{
	const uint8_t *p;
	ssize_t n;
	int rc;

	for (;;) {
		n = hn_blob_read(r, &p, err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		if (outfd >= 0 &&
		    (rc = hn_fd_write_all(outfd, p, (size_t)n)) != 0)
			return hn_error_set(err, rc, NULL, NULL, "write error");
	}
	if (size != NULL)
		*size = r->pos;
	return 0;
}

int
hn_blob_verify(const char *root, const char *addr, const struct hn_seal_keys *k,
    uint64_t *size, struct hn_error *err)
{
	struct hn_blob_reader *r = NULL;
	int rc;

	if ((rc = hn_blob_open(&r, root, addr, k, err)) != 0)
		return rc;
	rc = drain(r, -1, size, err);
	hn_blob_close(r);
	return rc;
}

int
hn_blob_copy_out(const char *root, const char *addr,
    const struct hn_seal_keys *k, const char *dest, uint64_t *size,
    struct hn_error *err)
{
	struct hn_blob_reader *r = NULL;
	char tmp[HN_BLOB_PATH_MAX];
	int fd = -1, rc, n;

	if ((n = hn_fmt(tmp, sizeof(tmp), "%s.partial.XXXXXX", dest)) != 0)
		return hn_error_set(err, n, NULL, NULL, "path too long");
	if ((rc = hn_blob_open(&r, root, addr, k, err)) != 0)
		return rc;
	if ((fd = mkstemp(tmp)) < 0) {
		rc = hn_error_set(err, HN_EIO, NULL, NULL, "cannot create %s",
		    tmp);
		goto out;
	}
	if ((rc = drain(r, fd, size, err)) != 0)
		goto out;
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
		rc = hn_error_set(err, HN_EIO, NULL, NULL, "cannot sync %s",
		    tmp);
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = hn_error_set(err, HN_EIO, NULL, NULL, "cannot close %s",
		    tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, dest) != 0) {
		rc = hn_error_set(err, HN_EIO, NULL, NULL,
		    "cannot rename to %s", dest);
		goto out;
	}
	tmp[0] = '\0';
	rc = hn_fsync_parent(dest);
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0' && rc != 0)
		unlink(tmp);
	hn_blob_close(r);
	return rc;
}

int
hn_blob_export_sealed(const char *root, const char *addr,
    const struct hn_seal_keys *k, const uint8_t recipient_ed_pk[32], int fd,
    struct hn_error *err)
{
	char path[HN_BLOB_PATH_MAX];
	uint8_t header[HN_SEAL_HEADER_LEN], out[HN_SEAL_HEADER_LEN];
	uint8_t *buf = NULL;
	ssize_t n;
	int in = -1, rc;

	if ((rc = hn_blob_verify(root, addr, k, NULL, err)) != 0)
		return rc;
	if ((rc = hn_blob_path(path, sizeof(path), root, addr)) != 0)
		return rc;
	if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return hn_error_set(err, HN_EIO, NULL, NULL, "cannot open %s",
		    addr);
	if ((buf = malloc(1u << 20)) == NULL) {
		rc = HN_ENOMEM;
		goto out;
	}
	if (hn_fd_read_full(in, header, sizeof(header)) !=
	    (ssize_t)sizeof(header)) {
		rc = hn_error_set(err, HN_EIO, NULL, NULL, "cannot read %s",
		    addr);
		goto out;
	}
	if ((rc = hn_seal_rewrap(out, header, k, recipient_ed_pk)) != 0) {
		rc = hn_error_set(err, rc, NULL, NULL,
		    "cannot re-wrap %s for the recipient", addr);
		goto out;
	}
	if ((rc = hn_fd_write_all(fd, out, sizeof(out))) != 0)
		goto out;
	for (;;) {
		n = hn_fd_read_full(in, buf, 1u << 20);
		if (n < 0) {
			rc = HN_EIO;
			goto out;
		}
		if (n == 0)
			break;
		if ((rc = hn_fd_write_all(fd, buf, (size_t)n)) != 0)
			goto out;
	}
	rc = 0;
out:
	free(buf);
	if (in >= 0)
		close(in);
	return rc;
}

static int
mkdir_sync(const char *dir, const char *parent)
{
	int fd;

	if (mkdir(dir, 0700) == 0) {
		if ((fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return HN_EIO;
		if (fsync(fd) != 0) {
			close(fd);
			return hn_errno_code(errno);
		}
		close(fd);
		return 0;
	}
	return errno == EEXIST ? 0 : hn_errno_code(errno);
}

static int
fsync_dir(const char *dir)
{
	int fd, r = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return HN_EIO;
	if (fsync(fd) != 0)
		r = HN_EIO;
	close(fd);
	return r;
}

int
hn_blob_commit(const char *root, const char *tmp, const char *addr,
    const struct hn_seal_keys *k, int *existed, struct hn_error *err)
{
	char path[HN_BLOB_PATH_MAX], dir[HN_BLOB_PATH_MAX];
	int rc, n;

	*existed = 0;
	if ((rc = hn_blob_path(path, sizeof(path), root, addr)) != 0)
		return hn_error_set(err, rc, NULL, NULL, "bad object path");
	if ((n = hn_fmt(dir, sizeof(dir), "%s/%.2s", root, addr)) != 0)
		return hn_error_set(err, n, NULL, NULL, "path too long");
	if ((rc = mkdir_sync(dir, root)) != 0)
		return hn_error_set(err, rc, NULL, NULL, "cannot create %s",
		    dir);
	if (link(tmp, path) != 0) {
		if (errno != EEXIST)
			return hn_error_set(err, hn_errno_code(errno), NULL,
			    NULL, "cannot link object %s: %s", addr,
			    hn_strerror(hn_errno_code(errno)));
		/* never overwrite: check the one we have */
		if ((rc = hn_blob_verify(root, addr, k, NULL, err)) != 0)
			return rc;
		*existed = 1;
	}
	if ((rc = fsync_dir(dir)) != 0)
		return hn_error_set(err, rc, NULL, NULL, "cannot sync %s", dir);
	if (unlink(tmp) != 0)
		return hn_error_set(err, HN_EIO, NULL, NULL, "cannot remove %s",
		    tmp);
	return hn_fsync_parent(tmp);
}

int
hn_blob_receive_sealed(const char *root, const char *expected_addr,
    const struct hn_seal_keys *k, int fd, uint64_t *size, int *existed,
    struct hn_error *err)
{
	struct hn_blob_reader *r = NULL;
	char tmp[HN_BLOB_PATH_MAX], tmpdir[HN_BLOB_PATH_MAX];
	const uint8_t *p;
	ssize_t n;
	int out = -1, in2 = -1, rc, len;

	*existed = 0;
	if (hn_blob_addr_valid(expected_addr) != 0)
		return hn_error_set(err, HN_EINVAL, "address", NULL,
		    "not an object address");
	if ((len = hn_fmt(tmpdir, sizeof(tmpdir), "%s/tmp", root)) != 0)
		return hn_error_set(err, len, NULL, NULL, "path too long");
	if ((rc = hn_mkdirs(tmpdir, 0700)) != 0)
		return rc;
	if ((len = hn_fmt(tmp, sizeof(tmp), "%s/recv.XXXXXX", tmpdir)) != 0)
		return hn_error_set(err, len, NULL, NULL, "path too long");
	if ((out = mkstemp(tmp)) < 0)
		return hn_error_set(err, hn_errno_code(errno), NULL, NULL,
		    "cannot create %s", tmp);
	/* store the received bytes as they are, then verify the stored copy */
	for (;;) {
		uint8_t buf[65536];

		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = HN_EIO;
			goto out;
		}
		if (n == 0)
			break;
		if ((rc = hn_fd_write_all(out, buf, (size_t)n)) != 0)
			goto out;
	}
	if (fsync(out) != 0) {
		rc = hn_errno_code(errno);
		goto out;
	}
	if ((in2 = open(tmp, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = HN_EIO;
		goto out;
	}
	rc = reader_from_fd(&r, in2, expected_addr, k, err);
	in2 = -1;
	if (rc != 0)
		goto out;
	for (;;) {
		n = hn_blob_read(r, &p, err);
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		if (n == 0)
			break;
	}
	if (size != NULL)
		*size = r->pos;
	rc = hn_blob_commit(root, tmp, expected_addr, k, existed, err);
	if (rc == 0)
		tmp[0] = '\0';
out:
	hn_blob_close(r);
	if (out >= 0)
		close(out);
	if (tmp[0] != '\0')
		unlink(tmp);
	return rc;
}

int
hn_blob_adopt_sealed(const char *root, const char *expected_addr,
    const struct hn_seal_keys *k, const char *path, uint64_t *size,
    int *existed, struct hn_error *err)
{
	struct hn_blob_reader *r = NULL;
	const uint8_t *p;
	ssize_t n;
	int fd, rc;

	*existed = 0;
	if (hn_blob_addr_valid(expected_addr) != 0)
		return hn_error_set(err, HN_EINVAL, "address", NULL,
		    "not an object address");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return hn_error_set(err, HN_EIO, NULL, NULL,
		    "cannot open the "
		    "staged stream");
	if ((rc = reader_from_fd(&r, fd, expected_addr, k, err)) != 0)
		return rc;
	for (;;) {
		n = hn_blob_read(r, &p, err);
		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		if (n == 0)
			break;
	}
	if (size != NULL)
		*size = r->pos;
	hn_blob_close(r);
	r = NULL;
	rc = hn_blob_commit(root, path, expected_addr, k, existed, err);
out:
	hn_blob_close(r);
	return rc;
}
