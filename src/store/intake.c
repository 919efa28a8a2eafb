#include "store/intake.h"

#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/digest.h"
#include "crypto/sign.h"
#include "store/blob.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"

struct hn_intake {
	char root[HN_BLOB_PATH_MAX];
	char path[HN_BLOB_PATH_MAX]; /* temp or staging file */
	int fd;
	int resumable;
	struct hn_seal_keys keys;
	struct hn_seal_enc enc;
	uint32_t chunk;
	unsigned flags;
	struct hn_sha256 sha;
	int sha_ok;
	struct hn_digest sha1, md5;

	/* the queue: the caller fills slot[head], the worker drains slot[tail] */
	uint8_t *slot[HN_INTAKE_SLOTS];
	size_t len[HN_INTAKE_SLOTS];
	int fin[HN_INTAKE_SLOTS];
	unsigned head, tail, count;
	int holding; /* the caller holds slot[head] */
	size_t fill;
	uint8_t *ct; /* the worker's ciphertext buffer */

	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	int th_ok;
	int werr; /* the worker's first error */
	int wdone; /* the worker has exited */
	int stop;
	uint64_t size; /* plaintext accepted */
	uint64_t written; /* plaintext in whole chunks written by the worker */
};

int
hn_upload_id_valid(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return HN_EINVAL;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= HN_UPLOAD_ID_MAX)
			return HN_EINVAL;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			s[i] == '_'))
			return HN_EINVAL;
	}
	return 0;
}

static void *
worker(void *arg)
{
	struct hn_intake *in = arg;
	unsigned i;
	size_t n;
	int fin, r;

	pthread_mutex_lock(&in->mu);
	for (;;) {
		while (in->count == 0 && !in->stop)
			pthread_cond_wait(&in->cv, &in->mu);
		if (in->count == 0)
			break;
		i = in->tail;
		n = in->len[i];
		fin = in->fin[i];
		pthread_mutex_unlock(&in->mu);

		r = hn_seal_enc_chunk(&in->enc, in->ct, in->slot[i], n, fin);
		if (r == 0)
			r = hn_fd_write_all(in->fd, in->ct, n + HN_SEAL_ABYTES);

		pthread_mutex_lock(&in->mu);
		in->tail = (in->tail + 1) % HN_INTAKE_SLOTS;
		in->count--;
		if (r == 0 && !fin)
			in->written += n;
		if (r != 0 && in->werr == 0)
			in->werr = r;
		pthread_cond_broadcast(&in->cv);
		if (fin || r != 0)
			break;
	}
	in->wdone = 1;
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->mu);
	return NULL;
}

static int
acquire(struct hn_intake *in)
{
	int r;

	if (in->holding)
		return 0;
	pthread_mutex_lock(&in->mu);
	while (in->count == HN_INTAKE_SLOTS && in->werr == 0 && !in->wdone)
		pthread_cond_wait(&in->cv, &in->mu);
	r = in->werr != 0 ? in->werr : (in->wdone ? HN_ESTATE : 0);
	pthread_mutex_unlock(&in->mu);
	if (r == 0) {
		in->holding = 1;
		in->fill = 0;
	}
	return r;
}

static void
hash(struct hn_intake *in, const uint8_t *p, size_t n)
{
	hn_sha256_update(&in->sha, p, n);
	if (in->sha1.ctx != NULL)
		hn_digest_update(&in->sha1, p, n);
	if (in->md5.ctx != NULL)
		hn_digest_update(&in->md5, p, n);
}

static void
submit(struct hn_intake *in, int final)
{
	unsigned i = in->head;

	hash(in, in->slot[i], in->fill);
	pthread_mutex_lock(&in->mu);
	in->len[i] = in->fill;
	in->fin[i] = final;
	in->head = (in->head + 1) % HN_INTAKE_SLOTS;
	in->count++;
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->mu);
	in->holding = 0;
	in->fill = 0;
}

static void
stop_worker(struct hn_intake *in)
{
	if (!in->th_ok)
		return;
	pthread_mutex_lock(&in->mu);
	in->stop = 1;
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->mu);
	pthread_join(in->th, NULL);
	in->th_ok = 0;
}

static void
intake_free(struct hn_intake *in)
{
	int i;

	if (in == NULL)
		return;
	stop_worker(in);
	if (in->fd >= 0)
		close(in->fd);
	for (i = 0; i < HN_INTAKE_SLOTS; i++) {
		if (in->slot[i] != NULL) {
			hn_wipe(in->slot[i], in->chunk);
			free(in->slot[i]);
		}
	}
	free(in->ct);
	if (in->sha_ok)
		hn_sha256_release(&in->sha);
	hn_digest_release(&in->sha1);
	hn_digest_release(&in->md5);
	hn_seal_enc_wipe(&in->enc);
	hn_seal_keys_wipe(&in->keys);
	pthread_cond_destroy(&in->cv);
	pthread_mutex_destroy(&in->mu);
	free(in);
}

static int
alloc_buffers(struct hn_intake *in)
{
	int i;

	for (i = 0; i < HN_INTAKE_SLOTS; i++) {
		if ((in->slot[i] = malloc(in->chunk)) == NULL)
			return HN_ENOMEM;
	}
	if ((in->ct = malloc((size_t)in->chunk + HN_SEAL_ABYTES)) == NULL)
		return HN_ENOMEM;
	return 0;
}

static int
fresh_stream(struct hn_intake *in, uint32_t chunk, struct hn_error *err)
{
	uint8_t header[HN_SEAL_HEADER_LEN];
	int r;

	if (ftruncate(in->fd, 0) != 0 || lseek(in->fd, 0, SEEK_SET) != 0)
		return hn_error_set(err, HN_EIO, NULL, NULL, "cannot reset %s",
		    in->path);
	if ((r = hn_seal_enc_init(&in->enc, header, in->keys.ed_pk, chunk)) !=
	    0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot start the stream");
	in->chunk = chunk;
	if ((r = hn_fd_write_all(in->fd, header, sizeof(header))) != 0)
		return hn_error_set(err, r, NULL, NULL, "cannot write %s",
		    in->path);
	return 0;
}

/*
 * Reopens a staged upload: authenticates and decrypts each whole chunk
 * again, hashing the plaintext; cuts a torn or damaged tail.
 */
static int
resume_stream(struct hn_intake *in, uint32_t chunk, uint64_t *resumed_at,
    struct hn_error *err)
{
	uint8_t header[HN_SEAL_HEADER_LEN];
	struct hn_seal_dec dec;
	size_t ctlen, ptlen;
	uint64_t good;
	ssize_t n;
	int r, final;

	memset(&dec, 0, sizeof(dec));
	n = hn_fd_read_full(in->fd, header, sizeof(header));
	if (n < 0)
		return hn_error_set(err, HN_EIO, NULL, NULL, "cannot read %s",
		    in->path);
	if ((size_t)n < sizeof(header) ||
	    hn_seal_dec_init(&dec, header, &in->keys) != 0)
		return fresh_stream(in, chunk, err); /* nothing usable yet */
	in->chunk = dec.chunk;
	if ((r = alloc_buffers(in)) != 0)
		goto out;
	ctlen = (size_t)in->chunk + HN_SEAL_ABYTES;
	for (;;) {
		n = hn_fd_read_full(in->fd, in->ct, ctlen);
		if (n < 0) {
			r = hn_error_set(err, HN_EIO, NULL, NULL,
			    "cannot read %s", in->path);
			goto out;
		}
		if ((size_t)n < ctlen)
			break;
		if (hn_seal_dec_chunk(&dec, in->slot[0], &ptlen, in->ct, ctlen,
			&final) != 0 ||
		    final) {
			/* a damaged chunk: keep what came before it */
			break;
		}
		hash(in, in->slot[0], ptlen);
	}
	/* (a final chunk is shorter than ctlen: never decrypted above) */
	good = HN_SEAL_HEADER_LEN + dec.nchunks * (uint64_t)ctlen;
	if (ftruncate(in->fd, (off_t)good) != 0 ||
	    lseek(in->fd, (off_t)good, SEEK_SET) != (off_t)good) {
		r = hn_error_set(err, HN_EIO, NULL, NULL, "cannot truncate %s",
		    in->path);
		goto out;
	}
	if ((r = hn_seal_dec_to_enc(&in->enc, &dec)) != 0)
		goto out;
	in->size = in->written = dec.nchunks * (uint64_t)in->chunk;
	*resumed_at = in->size;
	r = 0;
out:
	hn_seal_dec_wipe(&dec);
	return r;
}

static int
start_hashes(struct hn_intake *in)
{
	int r;

	if ((r = hn_sha256_init(&in->sha)) != 0)
		return r;
	in->sha_ok = 1;
	if ((in->flags & HN_INTAKE_SHA1) &&
	    (r = hn_digest_init(&in->sha1, HN_DIGEST_SHA1)) != 0)
		return r;
	if ((in->flags & HN_INTAKE_MD5) &&
	    (r = hn_digest_init(&in->md5, HN_DIGEST_MD5)) != 0)
		return r;
	return 0;
}

int
hn_intake_begin(struct hn_intake **out, const char *root,
    const struct hn_seal_keys *k, uint32_t chunk, unsigned flags,
    const char *upload_id, uint64_t *resumed_at, struct hn_error *err)
{
	struct hn_intake *in = NULL;
	char dir[HN_BLOB_PATH_MAX];
	uint64_t dummy = 0;
	int r;

	*out = NULL;
	if (resumed_at == NULL)
		resumed_at = &dummy;
	*resumed_at = 0;
	if (chunk == 0)
		chunk = HN_SEAL_CHUNK_DEFAULT;
	if (chunk < HN_SEAL_CHUNK_MIN || chunk > HN_SEAL_CHUNK_MAX)
		return hn_error_set(err, HN_EINVAL, "chunk", NULL,
		    "chunk size out of range");
	if (upload_id != NULL && hn_upload_id_valid(upload_id) != 0)
		return hn_error_set(err, HN_EINVAL, "upload", NULL,
		    "upload id must be 1-64 of [A-Za-z0-9_-]");
	if ((in = calloc(1, sizeof(*in))) == NULL)
		return HN_ENOMEM;
	in->fd = -1;
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->cv, NULL);
	in->keys = *k;
	in->flags = flags;
	in->resumable = upload_id != NULL;
	if ((r = hn_fmt(in->root, sizeof(in->root), "%s", root)) != 0 ||
	    (r = hn_fmt(dir, sizeof(dir), "%s/%s", root,
		 upload_id != NULL ? "uploads" : "tmp")) != 0) {
		r = hn_error_set(err, r, NULL, NULL, "path too long");
		goto out;
	}
	if ((r = hn_mkdirs(dir, 0700)) != 0) {
		r = hn_error_set(err, r, NULL, NULL, "cannot create %s", dir);
		goto out;
	}
	if ((r = start_hashes(in)) != 0)
		goto out;
	if (upload_id == NULL) {
		if ((r = hn_fmt(in->path, sizeof(in->path), "%s/intake.XXXXXX",
			 dir)) != 0) {
			r = hn_error_set(err, r, NULL, NULL, "path too long");
			goto out;
		}
		if ((in->fd = mkstemp(in->path)) < 0) {
			in->path[0] = '\0';
			r = hn_error_set(err, hn_errno_code(errno), NULL, NULL,
			    "cannot create a temp file in %s", dir);
			goto out;
		}
		if ((r = fresh_stream(in, chunk, err)) != 0)
			goto out;
	} else {
		if ((r = hn_fmt(in->path, sizeof(in->path), "%s/%s.part", dir,
			 upload_id)) != 0) {
			r = hn_error_set(err, r, NULL, NULL, "path too long");
			goto out;
		}
		in->fd = open(in->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (in->fd < 0) {
			r = hn_error_set(err, hn_errno_code(errno), NULL, NULL,
			    "cannot open %s", in->path);
			goto out;
		}
		if ((r = resume_stream(in, chunk, resumed_at, err)) != 0)
			goto out;
	}
	if (in->slot[0] == NULL && (r = alloc_buffers(in)) != 0)
		goto out;
	if (pthread_create(&in->th, NULL, worker, in) != 0) {
		r = hn_error_set(err, HN_EINTERNAL, NULL, NULL,
		    "cannot start the writer thread");
		goto out;
	}
	in->th_ok = 1;
	*out = in;
	in = NULL;
	r = 0;
out:
	if (in != NULL) {
		if (in->fd >= 0 && in->path[0] != '\0' && !in->resumable)
			unlink(in->path);
		intake_free(in);
	}
	return r;
}

static int
worker_error(struct hn_intake *in, int r, struct hn_error *err)
{
	return hn_error_set(err, r, NULL, NULL, "writing %s failed: %s",
	    in->path, hn_strerror(r));
}

int
hn_intake_write(struct hn_intake *in, const void *p, size_t n,
    struct hn_error *err)
{
	const uint8_t *s = p;
	size_t take;
	int r;

	while (n > 0) {
		if ((r = acquire(in)) != 0)
			return worker_error(in, r, err);
		take = in->chunk - in->fill;
		if (take > n)
			take = n;
		memcpy(in->slot[in->head] + in->fill, s, take);
		in->fill += take;
		in->size += take;
		s += take;
		n -= take;
		if (in->fill == in->chunk)
			submit(in, 0);
	}
	return 0;
}

int
hn_intake_read_fd(struct hn_intake *in, int fd,
    void (*progress)(void *arg, uint64_t bytes), void *arg,
    struct hn_error *err)
{
	ssize_t n;
	int r;

	for (;;) {
		if ((r = acquire(in)) != 0)
			return worker_error(in, r, err);
		n = read(fd, in->slot[in->head] + in->fill,
		    in->chunk - in->fill);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hn_error_set(err, HN_EIO, NULL, NULL,
			    "read error: %s", strerror(errno));
		if (n == 0)
			return 0;
		in->fill += (size_t)n;
		in->size += (uint64_t)n;
		if (in->fill == in->chunk) {
			submit(in, 0);
			if (progress != NULL)
				progress(arg, in->size);
		}
	}
}

uint64_t
hn_intake_size(const struct hn_intake *in)
{
	return in->size;
}

int
hn_intake_sync(struct hn_intake *in, uint64_t *durable, struct hn_error *err)
{
	uint64_t w;
	int r;

	pthread_mutex_lock(&in->mu);
	while (in->count > 0 && in->werr == 0)
		pthread_cond_wait(&in->cv, &in->mu);
	r = in->werr;
	w = in->written;
	pthread_mutex_unlock(&in->mu);
	if (r != 0)
		return worker_error(in, r, err);
	if (fdatasync(in->fd) != 0)
		return hn_error_set(err, hn_errno_code(errno), NULL, NULL,
		    "cannot sync %s", in->path);
	*durable = w;
	return 0;
}

int
hn_intake_finish(struct hn_intake *in, struct hn_intake_result *res,
    struct hn_error *err)
{
	uint8_t d[HN_DIGEST_MAX_LEN];
	size_t dl;
	int r;

	memset(res, 0, sizeof(*res));
	if ((r = acquire(in)) != 0) {
		r = worker_error(in, r, err);
		goto out;
	}
	submit(in, 1);
	pthread_join(in->th, NULL);
	in->th_ok = 0;
	if (in->werr != 0) {
		r = worker_error(in, in->werr, err);
		goto out;
	}
	hn_sha256_final(&in->sha, res->sha256);
	hn_hex_encode(res->addr, res->sha256, HN_SHA256_LEN);
	if (in->sha1.ctx != NULL) {
		dl = hn_digest_final(&in->sha1, d);
		hn_hex_encode(res->sha1, d, dl);
	}
	if (in->md5.ctx != NULL) {
		dl = hn_digest_final(&in->md5, d);
		hn_hex_encode(res->md5, d, dl);
	}
	res->size = in->size;
	if (fsync(in->fd) != 0) {
		r = hn_error_set(err, hn_errno_code(errno), NULL, NULL,
		    "cannot sync %s", in->path);
		goto out;
	}
	close(in->fd);
	in->fd = -1;
	r = hn_blob_commit(in->root, in->path, res->addr, &in->keys,
	    &res->existed, err);
	if (r == 0)
		in->path[0] = '\0';
out:
	if (in->path[0] != '\0')
		unlink(in->path);
	intake_free(in);
	return r;
}

void
hn_intake_abort(struct hn_intake *in, int keep_staging)
{
	if (in == NULL)
		return;
	stop_worker(in);
	if (in->path[0] != '\0' && !(keep_staging && in->resumable))
		unlink(in->path);
	intake_free(in);
}
