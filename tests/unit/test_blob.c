/*
 * Unit tests for src/store/blob and src/store/intake: sizes around the
 * chunk boundary, tampered / truncated / swapped objects, resumed uploads,
 * existing objects, transfer to another node.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/seal.h"
#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "store/blob.h"
#include "store/intake.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/err.h"

#define CH 64

struct fx {
	char dir[64];
	char root[128];
	struct hn_seal_keys k;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	uint8_t pk[32], sk[64];

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/hn-blob-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/blobs", f->dir);
	if (mkdir(f->root, 0700) != 0)
		return -1;
	hn_ed25519_keypair(pk, sk);
	if (hn_seal_keys_from_ed25519(&f->k, sk) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
fill(uint8_t *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)((i * 131 + seed * 7 + (i >> 8)) & 0xff);
}

static void
expect_addr(char addr[65], const uint8_t *p, size_t n)
{
	uint8_t md[32];

	hn_sha256(p, n, md);
	hn_hex_encode(addr, md, 32);
}

static void
ingest(struct fx *f, const uint8_t *p, size_t n, uint32_t chunk,
    struct hn_intake_result *res)
{
	struct hn_intake *in = NULL;
	struct hn_error err;
	size_t off = 0, step;

	assert_int_equal(hn_intake_begin(&in, f->root, &f->k, chunk,
			     HN_INTAKE_SHA1 | HN_INTAKE_MD5, NULL, NULL, &err),
	    0);
	/* odd write sizes to cross chunk boundaries */
	while (off < n) {
		step = n - off < 37 ? n - off : 37;
		assert_int_equal(hn_intake_write(in, p + off, step, &err), 0);
		off += step;
	}
	assert_int_equal(hn_intake_size(in), n);
	assert_int_equal(hn_intake_finish(in, res, &err), 0);
}

static void
test_sizes(void **state)
{
	static const size_t sizes[] = { 0, 1, CH - 1, CH, CH + 1, 5 * CH,
		40 * CH + 3 };
	struct fx *f = *state;
	struct hn_intake_result res;
	struct hn_error err;
	uint8_t buf[40 * CH + 3];
	char want[65];
	uint64_t size;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		fill(buf, sizes[i], (unsigned)i);
		ingest(f, buf, sizes[i], CH, &res);
		expect_addr(want, buf, sizes[i]);
		assert_string_equal(res.addr, want);
		assert_int_equal(res.size, sizes[i]);
		assert_int_equal(res.existed, 0);
		assert_int_equal(hn_blob_exists(f->root, want), 0);
		assert_int_equal(hn_blob_verify(f->root, want, &f->k, &size,
				     &err),
		    0);
		assert_int_equal(size, sizes[i]);
	}
	/* known vectors for the legacy digests */
	ingest(f, (const uint8_t *)"abc", 3, 0, &res);
	assert_string_equal(res.sha1,
	    "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_string_equal(res.md5, "900150983cd24fb0d6963f7d28e17f72");
	assert_string_equal(res.addr,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_default_chunk_boundaries(void **state)
{
	static const size_t sizes[] = { HN_SEAL_CHUNK_DEFAULT,
		HN_SEAL_CHUNK_DEFAULT + 1, 3 * HN_SEAL_CHUNK_DEFAULT - 1 };
	struct fx *f = *state;
	struct hn_intake_result res;
	struct hn_error err;
	uint8_t *buf = malloc(3 * HN_SEAL_CHUNK_DEFAULT);
	char want[65], path[HN_BLOB_PATH_MAX];
	struct stat st;
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < 3; i++) {
		fill(buf, sizes[i], (unsigned)i + 100);
		ingest(f, buf, sizes[i], 0, &res);
		expect_addr(want, buf, sizes[i]);
		assert_string_equal(res.addr, want);
		assert_int_equal(hn_blob_path(path, sizeof(path), f->root,
				     want),
		    0);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal((uint64_t)st.st_size,
		    hn_seal_stream_size(sizes[i], HN_SEAL_CHUNK_DEFAULT));
		assert_int_equal(hn_blob_verify(f->root, want, &f->k, NULL,
				     &err),
		    0);
	}
	free(buf);
}

static void
test_read_fd(void **state)
{
	struct fx *f = *state;
	struct hn_intake *in = NULL;
	struct hn_intake_result res;
	struct hn_error err;
	uint8_t buf[10 * CH + 5];
	char want[65], src[160];
	int fd;

	fill(buf, sizeof(buf), 9);
	snprintf(src, sizeof(src), "%s/src", f->dir);
	fd = open(src, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(hn_intake_begin(&in, f->root, &f->k, CH, 0, NULL, NULL,
			     &err),
	    0);
	assert_int_equal(hn_intake_read_fd(in, fd, NULL, NULL, &err), 0);
	assert_int_equal(hn_intake_finish(in, &res, &err), 0);
	close(fd);
	expect_addr(want, buf, sizeof(buf));
	assert_string_equal(res.addr, want);
	assert_string_equal(res.sha1, "");
}

/* Rewrites byte `off` of object addr (xor mask), or truncates / appends. */
static void
damage(struct fx *f, const char *addr, long off, int mask, long truncate_to,
    int append)
{
	char path[HN_BLOB_PATH_MAX];
	uint8_t b;
	int fd;

	assert_int_equal(hn_blob_path(path, sizeof(path), f->root, addr), 0);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	if (mask != 0) {
		assert_int_equal(pread(fd, &b, 1, off), 1);
		b ^= (uint8_t)mask;
		assert_int_equal(pwrite(fd, &b, 1, off), 1);
	}
	if (truncate_to >= 0)
		assert_int_equal(ftruncate(fd, truncate_to), 0);
	if (append) {
		assert_true(lseek(fd, 0, SEEK_END) > 0);
		assert_int_equal(write(fd, "x", 1), 1);
	}
	close(fd);
}

static void
expect_bad(struct fx *f, const char *addr, const char *needle)
{
	struct hn_error err;
	char dest[200];
	uint64_t size;
	struct stat st;

	hn_error_clear(&err);
	assert_int_equal(hn_blob_verify(f->root, addr, &f->k, &size, &err),
	    HN_EVERIFY);
	if (strstr(err.message, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", err.message, needle);
	snprintf(dest, sizeof(dest), "%s/out", f->dir);
	unlink(dest);
	assert_int_equal(hn_blob_copy_out(f->root, addr, &f->k, dest, NULL,
			     &err),
	    HN_EVERIFY);
	assert_int_not_equal(stat(dest, &st), 0); /* never served as good */
}

static void
test_damage(void **state)
{
	struct fx *f = *state;
	struct hn_intake_result a, b;
	uint8_t buf[4 * CH + 9];
	char pa[HN_BLOB_PATH_MAX], pb[HN_BLOB_PATH_MAX],
	    cmd[2 * HN_BLOB_PATH_MAX + 16];
	long size = (long)hn_seal_stream_size(sizeof(buf), CH);

	fill(buf, sizeof(buf), 1);
	ingest(f, buf, sizeof(buf), CH, &a);
	fill(buf, sizeof(buf), 2);
	ingest(f, buf, sizeof(buf), CH, &b);

	/* flipped bits: header key, first chunk, middle, last byte */
	damage(f, a.addr, 60, 0x10, -1, 0);
	expect_bad(f, a.addr, "not sealed for this node");
	damage(f, a.addr, 60, 0x10, -1, 0);
	damage(f, a.addr, HN_SEAL_HEADER_LEN + 5, 0x01, -1, 0);
	expect_bad(f, a.addr, "chunk 0");
	damage(f, a.addr, HN_SEAL_HEADER_LEN + 5, 0x01, -1, 0);
	damage(f, a.addr, size / 2, 0x80, -1, 0);
	expect_bad(f, a.addr, "does not authenticate");
	damage(f, a.addr, size / 2, 0x80, -1, 0);
	damage(f, a.addr, size - 1, 0x01, -1, 0);
	expect_bad(f, a.addr, "does not authenticate");
	damage(f, a.addr, size - 1, 0x01, -1, 0);
	assert_int_equal(hn_blob_verify(f->root, a.addr, &f->k, NULL, NULL), 0);

	/* trailing bytes (read with the final chunk: it no longer
	 * authenticates) */
	damage(f, a.addr, 0, 0, -1, 1);
	expect_bad(f, a.addr, "chunk 4");
	damage(f, a.addr, 0, 0, size, 0);
	/* truncated: at a chunk boundary (no final chunk), inside one, header */
	damage(f, a.addr, 0, 0, HN_SEAL_HEADER_LEN + 2 * (CH + HN_SEAL_ABYTES),
	    0);
	expect_bad(f, a.addr, "truncated");
	damage(f, a.addr, 0, 0,
	    HN_SEAL_HEADER_LEN + 2 * (CH + HN_SEAL_ABYTES) - 3, 0);
	expect_bad(f, a.addr, "does not authenticate");
	damage(f, a.addr, 0, 0, 100, 0);
	expect_bad(f, a.addr, "truncated");
	damage(f, a.addr, 0, 0, 0, 0);
	expect_bad(f, a.addr, "truncated");

	/* swapped: b's object (valid for this node) put at a's address */
	assert_int_equal(hn_blob_path(pa, sizeof(pa), f->root, a.addr), 0);
	assert_int_equal(hn_blob_path(pb, sizeof(pb), f->root, b.addr), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", pb, pa);
	assert_int_equal(system(cmd), 0);
	expect_bad(f, a.addr, "does not match its address");
}

static void
test_existing_object(void **state)
{
	struct fx *f = *state;
	struct hn_intake_result a, b;
	struct hn_intake *in = NULL;
	struct hn_error err;
	uint8_t buf[3 * CH];
	char path[HN_BLOB_PATH_MAX];
	struct stat st1, st2;

	fill(buf, sizeof(buf), 5);
	ingest(f, buf, sizeof(buf), CH, &a);
	assert_int_equal(hn_blob_path(path, sizeof(path), f->root, a.addr), 0);
	assert_int_equal(stat(path, &st1), 0);
	ingest(f, buf, sizeof(buf), CH, &b);
	assert_string_equal(a.addr, b.addr);
	assert_int_equal(b.existed, 1);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino); /* not replaced */

	/* a damaged existing object is reported, not silently kept or replaced */
	damage(f, a.addr, HN_SEAL_HEADER_LEN + 1, 0x02, -1, 0);
	assert_int_equal(hn_intake_begin(&in, f->root, &f->k, CH, 0, NULL, NULL,
			     &err),
	    0);
	assert_int_equal(hn_intake_write(in, buf, sizeof(buf), &err), 0);
	assert_int_equal(hn_intake_finish(in, &b, &err), HN_EVERIFY);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	/* no temp files left behind */
	snprintf(path, sizeof(path), "rmdir '%s/tmp'", f->root);
	assert_int_equal(system(path), 0);
}

static void
test_resume(void **state)
{
	struct fx *f = *state;
	struct hn_intake *in = NULL;
	struct hn_intake_result res;
	struct hn_error err;
	uint8_t buf[10 * CH + 11];
	char want[65], part[HN_BLOB_PATH_MAX];
	uint64_t at = 99, durable = 0;
	int fd;

	fill(buf, sizeof(buf), 42);
	expect_addr(want, buf, sizeof(buf));
	assert_int_equal(hn_intake_begin(&in, f->root, &f->k, CH, 0, "up-1",
			     &at, &err),
	    0);
	assert_int_equal(at, 0);
	assert_int_equal(hn_intake_write(in, buf, 3 * CH + 20, &err), 0);
	assert_int_equal(hn_intake_sync(in, &durable, &err), 0);
	assert_int_equal(durable, 3 * CH); /* whole chunks only */
	hn_intake_abort(in, 1); /* connection lost */

	/* a torn write at the end of the staging file */
	snprintf(part, sizeof(part), "%s/uploads/up-1.part", f->root);
	fd = open(part, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "torn", 4), 4);
	close(fd);

	assert_int_equal(hn_intake_begin(&in, f->root, &f->k, CH, 0, "up-1",
			     &at, &err),
	    0);
	assert_int_equal(at, 3 * CH);
	assert_int_equal(hn_intake_write(in, buf + at, 5 * CH, &err), 0);
	assert_int_equal(hn_intake_sync(in, &durable, &err), 0);
	assert_int_equal(durable, 8 * CH);
	hn_intake_abort(in, 1);

	/* a damaged chunk in the staging file: resume before it */
	fd = open(part, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "Z", 1,
			     HN_SEAL_HEADER_LEN + 6 * (CH + HN_SEAL_ABYTES) +
				 9),
	    1);
	close(fd);
	assert_int_equal(hn_intake_begin(&in, f->root, &f->k, CH, 0, "up-1",
			     &at, &err),
	    0);
	assert_int_equal(at, 6 * CH);
	assert_int_equal(hn_intake_write(in, buf + at, sizeof(buf) - at, &err),
	    0);
	assert_int_equal(hn_intake_finish(in, &res, &err), 0);
	assert_string_equal(res.addr, want);
	assert_int_equal(res.size, sizeof(buf));
	assert_int_equal(access(part, F_OK), -1); /* staging file consumed */
	assert_int_equal(hn_blob_verify(f->root, want, &f->k, NULL, &err), 0);

	/* cancelled upload: staging removed; another node cannot resume it */
	assert_int_equal(hn_intake_begin(&in, f->root, &f->k, CH, 0, "up-2",
			     &at, &err),
	    0);
	assert_int_equal(hn_intake_write(in, buf, 2 * CH, &err), 0);
	hn_intake_abort(in, 0);
	snprintf(part, sizeof(part), "%s/uploads/up-2.part", f->root);
	assert_int_equal(access(part, F_OK), -1);
	assert_int_equal(hn_intake_begin(&in, f->root, &f->k, CH, 0, "../x",
			     &at, &err),
	    HN_EINVAL);
}

static void
test_transfer(void **state)
{
	struct fx *f = *state;
	struct hn_seal_keys rk;
	struct hn_intake_result res;
	struct hn_error err;
	uint8_t buf[7 * CH + 1], pk[32], sk[64];
	char rroot[160], wire[160], other[65];
	uint64_t size = 0;
	int fd, existed = 0;

	hn_ed25519_keypair(pk, sk);
	assert_int_equal(hn_seal_keys_from_ed25519(&rk, sk), 0);
	snprintf(rroot, sizeof(rroot), "%s/recipient", f->dir);
	assert_int_equal(mkdir(rroot, 0700), 0);
	snprintf(wire, sizeof(wire), "%s/wire", f->dir);

	fill(buf, sizeof(buf), 77);
	ingest(f, buf, sizeof(buf), CH, &res);
	fd = open(wire, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(hn_blob_export_sealed(f->root, res.addr, &f->k,
			     rk.ed_pk, fd, &err),
	    0);
	/* the recipient checks the hash before acknowledging */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	memset(other, 'a', 64);
	other[64] = '\0';
	assert_int_equal(hn_blob_receive_sealed(rroot, other, &rk, fd, &size,
			     &existed, &err),
	    HN_EVERIFY);
	assert_int_equal(hn_blob_exists(rroot, other), HN_ENOTFOUND);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(hn_blob_receive_sealed(rroot, res.addr, &rk, fd, &size,
			     &existed, &err),
	    0);
	assert_int_equal(size, sizeof(buf));
	assert_int_equal(hn_blob_verify(rroot, res.addr, &rk, NULL, &err), 0);
	/* the sender's key does not open the recipient's copy */
	assert_int_equal(hn_blob_verify(rroot, res.addr, &f->k, NULL, &err),
	    HN_EVERIFY);
	/* a bit flipped in transit is refused */
	assert_int_equal(pwrite(fd, "\x55", 1, 400), 1);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(hn_blob_receive_sealed(rroot, res.addr, &rk, fd, &size,
			     &existed, &err),
	    HN_EVERIFY);
	close(fd);
	hn_seal_keys_wipe(&rk);
	hn_wipe(sk, sizeof(sk));
}

/* A stream staged piece by piece (the wire's receiver) becomes the object
 * only if every chunk and the SHA-256 check. */
static void
test_adopt(void **state)
{
	struct fx *f = *state;
	struct hn_seal_keys rk;
	struct hn_intake_result res;
	struct hn_error err;
	uint8_t buf[9 * CH + 5], pk[32], sk[64];
	char rroot[160], inc[200], part[260], other[65];
	struct stat st;
	uint64_t size = 0;
	int fd, existed = 0;

	hn_ed25519_keypair(pk, sk);
	assert_int_equal(hn_seal_keys_from_ed25519(&rk, sk), 0);
	snprintf(rroot, sizeof(rroot), "%s/recipient", f->dir);
	snprintf(inc, sizeof(inc), "%s/incoming", rroot);
	assert_int_equal(hn_mkdirs(inc, 0700), 0);
	snprintf(part, sizeof(part), "%s/VNM-x.part", inc);
	fill(buf, sizeof(buf), 5);
	ingest(f, buf, sizeof(buf), CH, &res);
	fd = open(part, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(hn_blob_export_sealed(f->root, res.addr, &f->k,
			     rk.ed_pk, fd, &err),
	    0);
	/* another address than announced: refused, nothing stored, the
	 * staged file is the caller's */
	memset(other, 'b', 64);
	other[64] = '\0';
	assert_int_equal(hn_blob_adopt_sealed(rroot, other, &rk, part, &size,
			     &existed, &err),
	    HN_EVERIFY);
	assert_int_equal(hn_blob_exists(rroot, other), HN_ENOTFOUND);
	assert_int_equal(stat(part, &st), 0);
	/* the sender's keys cannot open it */
	assert_int_equal(hn_blob_adopt_sealed(rroot, res.addr, &f->k, part,
			     &size, &existed, &err),
	    HN_EVERIFY);
	/* a flipped bit */
	assert_int_equal(pwrite(fd, "\x01", 1, 300), 1);
	assert_int_equal(hn_blob_adopt_sealed(rroot, res.addr, &rk, part, &size,
			     &existed, &err),
	    HN_EVERIFY);
	assert_int_equal(hn_blob_exists(rroot, res.addr), HN_ENOTFOUND);
	/* truncated */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(hn_blob_export_sealed(f->root, res.addr, &f->k,
			     rk.ed_pk, fd, &err),
	    0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(ftruncate(fd, st.st_size - CH - 16), 0);
	assert_int_equal(hn_blob_adopt_sealed(rroot, res.addr, &rk, part, &size,
			     &existed, &err),
	    HN_EVERIFY);
	/* whole and right: it becomes the object, the staged file goes */
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(hn_blob_export_sealed(f->root, res.addr, &f->k,
			     rk.ed_pk, fd, &err),
	    0);
	close(fd);
	assert_int_equal(hn_blob_adopt_sealed(rroot, res.addr, &rk, part, &size,
			     &existed, &err),
	    0);
	assert_int_equal(size, sizeof(buf));
	assert_int_equal(existed, 0);
	assert_int_equal(stat(part, &st), -1);
	assert_int_equal(hn_blob_verify(rroot, res.addr, &rk, NULL, &err), 0);
	hn_seal_keys_wipe(&rk);
	hn_wipe(sk, sizeof(sk));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_chunk_boundaries,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_object, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adopt, setup, teardown),
	};

	if (hn_crypto_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
