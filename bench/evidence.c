/*
 * bench_evidence - evidence intake (SHA-256 + encryption + durable,
 * content-addressed store) against its bounds, measured in the same run:
 *
 *   ingest (disk)  hn_intake of a 2 GiB file into a store on the disk
 *   openssl        openssl dgst -sha256 FILE           (the hashing bound)
 *   dd             dd bs=1M conv=fsync into the store dir (the disk bound)
 *   sha256sum      what examiners run today
 *   ingest (shm)   the same ingest into a store on /dev/shm (CPU pipeline)
 *
 * Last line:
 *   BENCH evidence ratio=R cpu_ratio=C vs_sha256sum=S rss_mb=M
 * R = disk ingest rate / rate of the slower of openssl and dd;
 * C = /dev/shm ingest rate / openssl rate; S = disk ingest / sha256sum;
 * M = peak RSS of this process (the children are not counted).
 *
 * Environment: HN_BENCH_DIR (default /tmp: the disk), HN_BENCH_MB (2048),
 * HN_BENCH_REPS (3: best of). The source file is read once first so that
 * every contender reads it from the page cache. Everything is removed at
 * the end.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/seal.h"
#include "crypto/sign.h"
#include "store/intake.h"
#include "util/err.h"
#include "util/file.h"

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
rmrf(const char *path)
{
	char cmd[4200];

	if ((size_t)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path) >=
	    sizeof(cmd))
		return -1;
	return system(cmd);
}

static int
make_source(const char *path, uint64_t bytes)
{
	uint8_t *buf = malloc(1u << 20);
	uint64_t done = 0;
	int fd, r = 0;

	if (buf == NULL)
		return -1;
	hn_random(buf, 1u << 20);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		free(buf);
		return -1;
	}
	while (done < bytes && r == 0) {
		/* every MiB differs (no accidental dedup in any layer) */
		memcpy(buf, &done, sizeof(done));
		r = hn_fd_write_all(fd, buf, 1u << 20);
		done += 1u << 20;
	}
	if (r == 0 && fsync(fd) != 0)
		r = -1;
	close(fd);
	free(buf);
	return r;
}

static int
warm(const char *path)
{
	uint8_t *buf = malloc(1u << 20);
	ssize_t n;
	int fd;

	if (buf == NULL || (fd = open(path, O_RDONLY)) < 0) {
		free(buf);
		return -1;
	}
	while ((n = read(fd, buf, 1u << 20)) > 0)
		;
	close(fd);
	free(buf);
	return n < 0 ? -1 : 0;
}

/* Seconds for one durable ingest of src into a fresh store under dir. */
static double
ingest(const char *src, const char *dir, const struct hn_seal_keys *k)
{
	struct hn_intake *in = NULL;
	struct hn_intake_result res;
	struct hn_error err;
	char root[1100];
	double t0, t;
	int fd;

	snprintf(root, sizeof(root), "%s/blobs", dir);
	rmrf(root);
	if (hn_mkdirs(root, 0700) != 0 || (fd = open(src, O_RDONLY)) < 0)
		return -1;
	t0 = now();
	if (hn_intake_begin(&in, root, k, 0, 0, NULL, NULL, &err) != 0 ||
	    hn_intake_read_fd(in, fd, NULL, NULL, &err) != 0) {
		fprintf(stderr, "bench_evidence: %s\n", err.message);
		hn_intake_abort(in, 0);
		close(fd);
		return -1;
	}
	if (hn_intake_finish(in, &res, &err) != 0) {
		fprintf(stderr, "bench_evidence: %s\n", err.message);
		close(fd);
		return -1;
	}
	t = now() - t0;
	close(fd);
	rmrf(root);
	return t;
}

static double
cpu_of(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double
run(const char *cmd)
{
	double t0 = now();

	if (system(cmd) != 0) {
		fprintf(stderr, "bench_evidence: failed: %s\n", cmd);
		return -1;
	}
	return now() - t0;
}

static double
best(double a, double b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

int
main(void)
{
	const char *base = getenv("HN_BENCH_DIR");
	const char *mbs = getenv("HN_BENCH_MB"),
		   *reps_s = getenv("HN_BENCH_REPS");
	char dir[1024], shm[1024], src[1100], cmd[4096], dd[1100];
	uint8_t pk[32], sk[64];
	struct hn_seal_keys k;
	struct rusage ru;
	double t_in = -1, t_ssl = -1, t_dd = -1, t_sum = -1, t_shm = -1, mb;
	double r_in, r_ssl, r_dd, r_sum, r_shm, slower, cpu_ssl = 0,
							cpu_shm = 0;
	long reps = reps_s ? strtol(reps_s, NULL, 10) : 3;
	uint64_t bytes;
	int i, rc = 1;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	if (strlen(base) > 900) {
		fprintf(stderr, "bench_evidence: HN_BENCH_DIR too long\n");
		return 2;
	}
	mb = mbs ? strtod(mbs, NULL) : 2048;
	if (mb < 1 || reps < 1 || reps > 10) {
		fprintf(stderr,
		    "bench_evidence: bad HN_BENCH_MB/HN_BENCH_REPS\n");
		return 2;
	}
	bytes = (uint64_t)mb << 20;
	if (hn_crypto_init() != 0)
		return 1;
	hn_ed25519_keypair(pk, sk);
	if (hn_seal_keys_from_ed25519(&k, sk) != 0)
		return 1;
	snprintf(dir, sizeof(dir), "%s/hn-bench-evidence-XXXXXX", base);
	snprintf(shm, sizeof(shm), "/dev/shm/hn-bench-evidence-XXXXXX");
	if (mkdtemp(dir) == NULL || mkdtemp(shm) == NULL) {
		fprintf(stderr, "bench_evidence: cannot create temp dirs\n");
		return 1;
	}
	snprintf(src, sizeof(src), "%s/source.bin", dir);
	snprintf(dd, sizeof(dd), "%s/blobs-dd.bin", dir);
	fprintf(stderr, "bench_evidence: %.0f MiB in %s, best of %ld\n", mb,
	    dir, reps);
	if (make_source(src, bytes) != 0 || warm(src) != 0) {
		fprintf(stderr, "bench_evidence: cannot write %s\n", src);
		goto out;
	}
	for (i = 0; i < reps; i++) {
		double c0;

		/* the CPU pair first, back to back, while no writeback runs */
		snprintf(cmd, sizeof(cmd),
		    "openssl dgst -sha256 '%s' >/dev/null", src);
		c0 = cpu_of(RUSAGE_CHILDREN);
		t_ssl = best(t_ssl, run(cmd));
		cpu_ssl = cpu_of(RUSAGE_CHILDREN) - c0;
		c0 = cpu_of(RUSAGE_SELF);
		t_shm = best(t_shm, ingest(src, shm, &k));
		cpu_shm = cpu_of(RUSAGE_SELF) - c0;
		t_in = best(t_in, ingest(src, dir, &k));
		snprintf(cmd, sizeof(cmd),
		    "dd if='%s' of='%s' bs=1M conv=fsync "
		    "status=none && rm -f '%s'",
		    src, dd, dd);
		t_dd = best(t_dd, run(cmd));
		snprintf(cmd, sizeof(cmd), "sha256sum '%s' >/dev/null", src);
		t_sum = best(t_sum, run(cmd));
	}
	if (t_in <= 0 || t_ssl <= 0 || t_dd <= 0 || t_sum <= 0 || t_shm <= 0)
		goto out;
	r_in = mb / t_in;
	r_ssl = mb / t_ssl;
	r_dd = mb / t_dd;
	r_sum = mb / t_sum;
	r_shm = mb / t_shm;
	slower = r_ssl < r_dd ? r_ssl : r_dd;
	getrusage(RUSAGE_SELF, &ru);
	printf("ingest (disk)     %8.1f MiB/s\n", r_in);
	printf("openssl dgst      %8.1f MiB/s  (hashing bound)\n", r_ssl);
	printf("dd conv=fsync     %8.1f MiB/s  (disk bound)\n", r_dd);
	printf("sha256sum         %8.1f MiB/s\n", r_sum);
	printf("ingest (/dev/shm) %8.1f MiB/s\n", r_shm);
	printf("cpu seconds: ingest (/dev/shm) %.2f, openssl dgst %.2f (last "
	       "run)\n",
	    cpu_shm, cpu_ssl);
	printf("BENCH evidence ratio=%.2f cpu_ratio=%.2f vs_sha256sum=%.2f "
	       "rss_mb=%.1f\n",
	    r_in / slower, r_shm / r_ssl, r_in / r_sum,
	    (double)ru.ru_maxrss / 1024.0);
	rc = 0;
out:
	rmrf(dir);
	rmrf(shm);
	hn_seal_keys_wipe(&k);
	hn_wipe(sk, sizeof(sk));
	return rc;
}
