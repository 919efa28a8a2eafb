#include "store/store.h"

#include "store/db.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "util/diag.h"

struct job {
	hn_write_fn fn;
	void *arg;
	struct hn_error *err;
	int result;
	int done;
	int notx; /* run outside a transaction, alone */
	pthread_cond_t cv; /* signalled (under mu) when done */
	struct job *next;
};

struct hn_store {
	char *path;
	struct hn_db *wdb;
	pthread_t thread;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t work; /* writer: jobs queued or stop */
	struct job *head, *tail;
	int stopping;
	void (*rollback_fn)(void *);
	void (*commit_fn)(void *); /* under mu */
	void *commit_ctx;
	void *rollback_ctx;
	struct hn_store_stats stats;
	pthread_cond_t committed; /* broadcast when stats.commits grows */
	int kicked; /* hn_store_kick: wake hn_store_wait_commit */

	/* reader pool */
	pthread_mutex_t rmu;
	pthread_cond_t rcv;
	struct hn_db *free_readers[HN_STORE_READERS_MAX];
	int nfree, nopen, maxreaders;
	uint64_t seen_jobs; /* jobs run at the last hn_store_shrink call */
	int pending; /* used since the last shrink */
};

static void
rolled_back(struct hn_store *s)
{
	if (s->rollback_fn != NULL)
		s->rollback_fn(s->rollback_ctx);
}

static const char sql_savepoint[] = "SAVEPOINT job";
static const char sql_rollback_to[] = "ROLLBACK TO job";
static const char sql_release[] = "RELEASE job";

/* The savepoint statements are prepared once (cached on the connection). */
static int
savepoint(struct hn_db *db, const char *sql)
{
	sqlite3_stmt *st;
	int r;

	if ((r = hn_db_stmt(db, &st, sql)) != 0)
		return r;
	r = sqlite3_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? 0 : (hn_db_err(r) ? hn_db_err(r) : HN_EDB);
}

/* Runs one batch in one transaction; returns the number of failed jobs. */
static int
run_batch(struct hn_store *s, struct job *batch, int n)
{
	struct job *j;
	int r, any_rollback = 0, failed = 0;

	assert(batch != NULL && n >= 1 && n <= HN_STORE_BATCH_MAX);
	r = hn_db_begin(s->wdb);
	if (r != 0) {
		hn_diag(HN_DIAG_ERROR, "store.begin_failed", "msg=\"%s\"",
		    hn_db_errmsg(s->wdb));
		for (j = batch; j != NULL; j = j->next)
			j->result = r;
		return n;
	}
	for (j = batch; j != NULL; j = j->next) {
		if ((r = savepoint(s->wdb, sql_savepoint)) != 0) {
			j->result = r;
			continue;
		}
		/* jobs never end the batch's transaction themselves */
		assert(!sqlite3_get_autocommit(hn_db_sqlite(s->wdb)));
		j->result = j->fn(s->wdb, j->arg, j->err);
		assert(!sqlite3_get_autocommit(hn_db_sqlite(s->wdb)));
		if (j->result != 0) {
			savepoint(s->wdb, sql_rollback_to);
			any_rollback = 1;
			failed++;
		}
		savepoint(s->wdb, sql_release);
	}
	if ((r = hn_db_commit(s->wdb)) != 0) {
		hn_diag(HN_DIAG_ERROR, "store.commit_failed",
		    "jobs=%d error=\"%s\" msg=\"%s\"", n, hn_strerror(r),
		    hn_db_errmsg(s->wdb));
		hn_db_rollback(s->wdb);
		for (j = batch; j != NULL; j = j->next) {
			if (j->result == 0) {
				failed++;
				j->result = r;
				hn_error_set(j->err, r, NULL, NULL,
				    "the database could not commit: %s",
				    hn_strerror(r));
			}
		}
		any_rollback = 1;
	}
	if (any_rollback)
		rolled_back(s);
	return failed;
}

/* Under mu: the batch's jobs that failed for lack of space. */
static void
count_full(struct hn_store *s, const struct job *batch)
{
	const struct job *j;

	for (j = batch; j != NULL; j = j->next) {
		if (j->result == HN_ENOSPACE) {
			s->stats.full_failures++;
			s->stats.full = 1;
		}
	}
}

static void *
writer(void *arg)
{
	struct hn_store *s = arg;
	struct job *batch, *j, *last;
	int n, failed;

	pthread_setname_np(pthread_self(), "hn-writer");
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->head == NULL && !s->stopping)
			pthread_cond_wait(&s->work, &s->mu);
		if (s->head == NULL && s->stopping)
			break;
		/* take up to HN_STORE_BATCH_MAX jobs, a call alone */
		batch = s->head;
		for (n = 1, last = batch; !batch->notx && last->next != NULL &&
		     !last->next->notx && n < HN_STORE_BATCH_MAX;
		     n++)
			last = last->next;
		s->head = last->next;
		if (s->head == NULL)
			s->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&s->mu);

		if (batch->notx) {
			batch->result =
			    batch->fn(s->wdb, batch->arg, batch->err);
			failed = batch->result != 0;
		} else {
			failed = run_batch(s, batch, n);
		}

		pthread_mutex_lock(&s->mu);
		s->stats.batches++;
		s->stats.jobs += (uint64_t)n;
		s->stats.failed += (uint64_t)failed;
		if ((uint64_t)n > s->stats.max_batch)
			s->stats.max_batch = (uint64_t)n;
		count_full(s, batch);
		if (failed < n) {
			s->stats.commits++;
			s->stats.full = 0; /* a write went through */
			pthread_cond_broadcast(&s->committed);
		}
		if (failed < n && s->commit_fn != NULL)
			s->commit_fn(s->commit_ctx);
		/* wake exactly the callers of this batch */
		for (j = batch; j != NULL; j = last) {
			last = j->next;
			j->done = 1;
			pthread_cond_signal(&j->cv);
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int
hn_store_open(struct hn_store **out, const char *path, int readers,
    struct hn_error *err)
{
	pthread_condattr_t ca;
	struct hn_store *s;
	int r;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		free(s);
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->work, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->committed, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->rmu, NULL);
	pthread_cond_init(&s->rcv, NULL);
	s->maxreaders = readers < 1	   ? 1 :
	    readers > HN_STORE_READERS_MAX ? HN_STORE_READERS_MAX :
					     readers;
	if ((r = hn_db_open(&s->wdb, path, err)) != 0) {
		hn_store_close(s);
		return r;
	}
	/* a small node: 1 MiB of page cache for the writer (the working set
	 * of appends is the tail of a few B-trees) */
	hn_db_exec(s->wdb, "PRAGMA cache_size=-1024");
	/* WAL checkpoints run beside the writer (hn_store_checkpoint), not
	 * inside a commit that clients wait for */
	hn_db_exec(s->wdb, "PRAGMA wal_autocheckpoint=0");
	/* every job runs in a SAVEPOINT, whose sub-journal (the pages it
	 * changes, 16 KiB each) would otherwise spill into a temporary file
	 * past 64 KiB: keep it in memory (freed at RELEASE) */
	hn_db_exec(s->wdb, "PRAGMA temp_store=MEMORY");
	if (pthread_create(&s->thread, NULL, writer, s) != 0) {
		hn_store_close(s);
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "cannot start the writer thread");
	}
	s->started = 1;
	*out = s;
	return 0;
}

void
hn_store_stop(struct hn_store *s)
{
	if (s == NULL || !s->started)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	s->started = 0;
}

void
hn_store_close(struct hn_store *s)
{
	int i;

	if (s == NULL)
		return;
	hn_store_stop(s);
	for (i = 0; i < s->nfree; i++)
		hn_db_close(s->free_readers[i]);
	hn_db_close(s->wdb);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->committed);
	pthread_mutex_destroy(&s->rmu);
	pthread_cond_destroy(&s->rcv);
	free(s->path);
	free(s);
}

static int
submit(struct hn_store *s, hn_write_fn fn, void *arg, struct hn_error *err,
    int notx)
{
	struct job j;

	assert(s != NULL && fn != NULL);
	memset(&j, 0, sizeof(j));
	j.fn = fn;
	j.arg = arg;
	j.err = err;
	j.notx = notx;
	pthread_mutex_lock(&s->mu);
	if (s->stopping) {
		pthread_mutex_unlock(&s->mu);
		return hn_error_set(err, HN_EBUSY, NULL, NULL,
		    "the store is shutting down");
	}
	pthread_cond_init(&j.cv, NULL);
	if (s->tail != NULL)
		s->tail->next = &j;
	else
		s->head = &j;
	s->tail = &j;
	pthread_cond_signal(&s->work);
	while (!j.done)
		pthread_cond_wait(&j.cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	pthread_cond_destroy(&j.cv);
	return j.result;
}

int
hn_store_write(struct hn_store *s, hn_write_fn fn, void *arg,
    struct hn_error *err)
{
	return submit(s, fn, arg, err, 0);
}

int
hn_store_call(struct hn_store *s, hn_write_fn fn, void *arg,
    struct hn_error *err)
{
	return submit(s, fn, arg, err, 1);
}

struct hn_db *
hn_store_writer_db(struct hn_store *s)
{
	return s->wdb;
}

void
hn_store_on_rollback(struct hn_store *s, void (*fn)(void *), void *ctx)
{
	s->rollback_fn = fn;
	s->rollback_ctx = ctx;
}

void
hn_store_on_commit(struct hn_store *s, void (*fn)(void *), void *ctx)
{
	pthread_mutex_lock(&s->mu);
	s->commit_fn = fn;
	s->commit_ctx = ctx;
	pthread_mutex_unlock(&s->mu);
}

int
hn_store_reader(struct hn_store *s, struct hn_db **db, struct hn_error *err)
{
	int r;

	*db = NULL;
	pthread_mutex_lock(&s->rmu);
	while (s->nfree == 0 && s->nopen >= s->maxreaders)
		pthread_cond_wait(&s->rcv, &s->rmu);
	if (s->nfree > 0) {
		*db = s->free_readers[--s->nfree];
		pthread_mutex_unlock(&s->rmu);
		return 0;
	}
	s->nopen++;
	pthread_mutex_unlock(&s->rmu);
	if ((r = hn_db_open(db, s->path, err)) != 0) {
		pthread_mutex_lock(&s->rmu);
		s->nopen--;
		pthread_cond_signal(&s->rcv);
		pthread_mutex_unlock(&s->rmu);
		return r;
	}
	hn_db_exec(*db, "PRAGMA cache_size=-512; PRAGMA query_only=1");
	return 0;
}

void
hn_store_release(struct hn_store *s, struct hn_db *db)
{
	if (db == NULL)
		return;
	/* a reader must never be returned inside a transaction */
	if (!sqlite3_get_autocommit(hn_db_sqlite(db)))
		hn_db_rollback(db);
	pthread_mutex_lock(&s->rmu);
	/* only connections hn_store_reader handed out come back */
	assert(s->nfree < s->nopen && s->nfree < HN_STORE_READERS_MAX);
	s->free_readers[s->nfree++] = db;
	pthread_cond_signal(&s->rcv);
	pthread_mutex_unlock(&s->rmu);
}

int
hn_store_checkpoint(struct hn_store *s)
{
	struct hn_db *db;
	int r;

	if ((r = hn_store_reader(s, &db, NULL)) != 0)
		return r;
	/* PASSIVE: copies what no reader still needs, never blocks writers */
	r = hn_db_err(sqlite3_wal_checkpoint_v2(hn_db_sqlite(db), NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL));
	hn_store_release(s, db);
	return r;
}

static int
release_memory(struct hn_db *db, void *arg, struct hn_error *err)
{
	(void)arg;
	(void)err;
	sqlite3_db_release_memory(hn_db_sqlite(db));
	return 0;
}

int
hn_store_shrink(struct hn_store *s)
{
	struct hn_db *idle[HN_STORE_READERS_MAX];
	uint64_t jobs;
	int i, n = 0, quiet;

	pthread_mutex_lock(&s->mu);
	jobs = s->stats.jobs;
	pthread_mutex_unlock(&s->mu);
	pthread_mutex_lock(&s->rmu);
	quiet = jobs == s->seen_jobs;
	s->seen_jobs = jobs;
	if (!quiet || s->nopen > 1)
		s->pending = 1; /* written, or more than one reader open */
	if (quiet && s->pending) {
		/* no write for a whole period after a burst: close the idle
		 * readers but one (for the next request and checkpoint) */
		n = s->nfree > 1 ? s->nfree - 1 : 0;
		for (i = 0; i < n; i++)
			idle[i] = s->free_readers[s->nfree - 1 - i];
		s->nfree -= n;
		s->nopen -= n;
		s->pending = 0;
	} else {
		quiet = 0;
	}
	pthread_mutex_unlock(&s->rmu);
	if (!quiet)
		return 0;
	for (i = 0; i < n; i++)
		hn_db_close(idle[i]);
	/* the writer's page cache, on the writer thread between batches */
	(void)hn_store_call(s, release_memory, NULL, NULL);
	pthread_mutex_lock(&s->mu);
	jobs = s->stats.jobs;
	pthread_mutex_unlock(&s->mu);
	pthread_mutex_lock(&s->rmu);
	if (s->seen_jobs + 1 == jobs)
		s->seen_jobs = jobs; /* that call was not a write */
	pthread_mutex_unlock(&s->rmu);
	return 1;
}

void
hn_store_stats(struct hn_store *s, struct hn_store_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->stats;
	pthread_mutex_unlock(&s->mu);
}

uint64_t
hn_store_wait_commit(struct hn_store *s, uint64_t seen, long timeout_ms)
{
	struct timespec ts;
	uint64_t c;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	while (s->stats.commits == seen && !s->kicked &&
	    pthread_cond_timedwait(&s->committed, &s->mu, &ts) == 0)
		;
	s->kicked = 0;
	c = s->stats.commits;
	pthread_mutex_unlock(&s->mu);
	return c;
}

void
hn_store_kick(struct hn_store *s)
{
	pthread_mutex_lock(&s->mu);
	s->kicked = 1;
	pthread_cond_broadcast(&s->committed);
	pthread_mutex_unlock(&s->mu);
}

void
hn_store_full(struct hn_store *s)
{
	pthread_mutex_lock(&s->mu);
	s->stats.full = 1;
	pthread_mutex_unlock(&s->mu);
}

int
hn_store_ready(struct hn_store *s)
{
	struct statvfs v;
	uint64_t avail;
	int full, low;

	if (statvfs(s->path, &v) != 0)
		return HN_EIO;
	avail = (uint64_t)v.f_bavail * (uint64_t)v.f_frsize;
	pthread_mutex_lock(&s->mu);
	full = s->stats.full;
	/* once a write failed for lack of space, wait for a margin before
	 * calling the node ready again, so that it does not flap */
	low = avail < (full ? HN_STORE_SPACE_RESUME : HN_STORE_SPACE_MIN) ||
	    (v.f_files > 0 && v.f_favail < 16);
	if (full && !low)
		s->stats.full = 0;
	if (!full && low)
		s->stats.full = 1;
	pthread_mutex_unlock(&s->mu);
	return low ? HN_ENOSPACE : 0;
}
