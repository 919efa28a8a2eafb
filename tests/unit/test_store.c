/* Unit tests for src/store: migrations, accounts and sessions, the writer
 * (group commit, one failing job does not fail the others), reader pool,
 * hn_db_tx (commit, rollback, inside an open transaction). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/accounts.h"
#include "store/db.h"
#include "store/store.h"

static char dir[64];
static char path[128];

static int
setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/hn-store-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	return 0;
}

static int
teardown(void **state)
{
	char p[160];

	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
test_migrations_idempotent(void **state)
{
	struct hn_db *db;
	int64_t n = -1;

	assert_int_equal(hn_db_open(&db, path, NULL), 0);
	assert_int_equal(hn_accounts_count(db, &n), 0);
	assert_int_equal(n, 0);
	hn_db_close(db);
	/* reopening applies nothing twice */
	assert_int_equal(hn_db_open(&db, path, NULL), 0);
	assert_int_equal(hn_db_exec(db, "SELECT count(*) FROM migrations"), 0);
	hn_db_close(db);
}

static void
test_accounts_sessions(void **state)
{
	struct hn_account a, b;
	struct hn_db *db;
	uint8_t h[32], h2[32];
	int64_t id, exp;

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "alice");
	snprintf(a.role, sizeof(a.role), "auditor");
	snprintf(a.pwhash, sizeof(a.pwhash), "$argon2id$x");
	a.created_at = 100;
	assert_int_equal(hn_db_open(&db, path, NULL), 0);
	assert_int_equal(hn_accounts_insert(db, &a, &id), 0);
	assert_int_equal(hn_accounts_insert(db, &a, NULL), HN_EEXIST);
	assert_int_equal(hn_accounts_get(db, "alice", &b), 0);
	assert_int_equal(b.id, id);
	assert_string_equal(b.role, "auditor");
	assert_int_equal(hn_accounts_get(db, "bob", &b), HN_ENOTFOUND);
	assert_int_equal(hn_accounts_set_failed(db, id, 3, 500), 0);
	assert_int_equal(hn_accounts_get_id(db, id, &b), 0);
	assert_int_equal(b.failed, 3);
	assert_int_equal(b.locked_until, 500);

	memset(h, 7, sizeof(h));
	memcpy(h2, h, sizeof(h));
	h2[31] ^= 1;
	assert_int_equal(hn_sessions_insert(db, h, id, 100, 200), 0);
	assert_int_equal(hn_sessions_lookup(db, h, 150, &b, &exp), 0);
	assert_string_equal(b.name, "alice");
	assert_int_equal(exp, 200);
	assert_string_equal(b.pwhash, ""); /* never handed out */
	assert_int_equal(hn_sessions_lookup(db, h2, 150, &b, NULL),
	    HN_ENOTFOUND);
	assert_int_equal(hn_sessions_lookup(db, h, 200, &b, NULL),
	    HN_ENOTFOUND); /* expired */
	assert_int_equal(hn_sessions_purge(db, 201), 0);
	assert_int_equal(hn_sessions_lookup(db, h, 150, &b, NULL),
	    HN_ENOTFOUND); /* purged */
	hn_db_close(db);
}

/* ---- writer ---- */

static int
insert_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	int v = *(int *)arg;
	char sql[128];

	snprintf(sql, sizeof(sql),
	    "INSERT INTO meta(key, value) "
	    "VALUES ('k%d', 'v')",
	    v);
	if (hn_db_exec(db, sql) != 0)
		return HN_EDB;
	if (v % 7 == 3) /* fails after writing: must leave no trace */
		return hn_error_set(err, HN_EINVAL, "v", NULL, "odd one");
	return 0;
}

struct worker {
	struct hn_store *s;
	int base;
	int ok, failed;
};

#define THREADS 32
#define PER_THREAD 20

static void *
worker(void *arg)
{
	struct worker *w = arg;
	struct hn_error e;
	int i, v, r;

	for (i = 0; i < PER_THREAD; i++) {
		v = w->base + i;
		hn_error_clear(&e);
		r = hn_store_write(w->s, insert_job, &v, &e);
		if (r == 0)
			w->ok++;
		else if (r == HN_EINVAL && strcmp(e.field, "v") == 0)
			w->failed++;
	}
	return NULL;
}

static int rollbacks;

static void
on_rollback(void *ctx)
{
	rollbacks++;
}

static void
test_group_commit(void **state)
{
	struct worker w[THREADS];
	pthread_t t[THREADS];
	struct hn_store_stats st;
	struct hn_store *s;
	struct hn_db *db;
	sqlite3_stmt *q;
	int i, ok = 0, failed = 0, expect_failed = 0, rows;

	assert_int_equal(hn_store_open(&s, path, 2, NULL), 0);
	hn_store_on_rollback(s, on_rollback, NULL);
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ s, i * 1000, 0, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, worker, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ok += w[i].ok;
		failed += w[i].failed;
	}
	for (i = 0; i < THREADS * PER_THREAD; i++)
		expect_failed +=
		    ((i / PER_THREAD) * 1000 + i % PER_THREAD) % 7 == 3;
	assert_int_equal(failed, expect_failed);
	assert_int_equal(ok + failed, THREADS * PER_THREAD);
	assert_true(rollbacks > 0);
	hn_store_stats(s, &st);
	assert_int_equal(st.jobs, THREADS * PER_THREAD);
	assert_int_equal(st.failed, expect_failed);
	/* fewer commits than writes: the batches really grouped */
	assert_true(st.batches < st.jobs);
	assert_true(st.max_batch > 1);

	/* a reader sees exactly the successful jobs */
	assert_int_equal(hn_store_reader(s, &db, NULL), 0);
	assert_int_equal(sqlite3_prepare_v2(hn_db_sqlite(db),
			     "SELECT count(*) FROM meta WHERE key LIKE 'k%'",
			     -1, &q, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	rows = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	assert_int_equal(rows, ok);
	/* readers are read-only */
	assert_int_not_equal(hn_db_exec(db, "DELETE FROM meta"), 0);
	hn_store_release(s, db);
	hn_store_close(s);
}

/* ---- hn_db_tx ---- */

static int
meta_rows(struct hn_db *db)
{
	sqlite3_stmt *q;
	int n;

	assert_int_equal(sqlite3_prepare_v2(hn_db_sqlite(db),
			     "SELECT count(*) FROM meta WHERE key LIKE 'k%'",
			     -1, &q, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

struct two {
	int a, b;
};

/* Two inserts through nested hn_db_tx: the inner one joins the outer. */
static int
two_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct two *t = arg;
	int r;

	assert_false(sqlite3_get_autocommit(hn_db_sqlite(db)));
	if ((r = hn_db_tx(db, insert_job, &t->a, err)) != 0)
		return r;
	assert_false(sqlite3_get_autocommit(hn_db_sqlite(db)));
	return hn_db_tx(db, insert_job, &t->b, err);
}

static void
test_db_tx(void **state)
{
	struct hn_error e;
	struct hn_db *db;
	struct two t;
	int v;

	assert_int_equal(hn_db_open(&db, path, NULL), 0);
	v = 1; /* commits */
	assert_int_equal(hn_db_tx(db, insert_job, &v, &e), 0);
	assert_true(sqlite3_get_autocommit(hn_db_sqlite(db)));
	assert_int_equal(meta_rows(db), 1);
	v = 3; /* writes, then fails: rolled back, its error returned */
	hn_error_clear(&e);
	assert_int_equal(hn_db_tx(db, insert_job, &v, &e), HN_EINVAL);
	assert_string_equal(e.field, "v");
	assert_true(sqlite3_get_autocommit(hn_db_sqlite(db)));
	assert_int_equal(meta_rows(db), 1);
	t = (struct two){ 4, 5 }; /* both or none: both */
	assert_int_equal(hn_db_tx(db, two_job, &t, &e), 0);
	assert_int_equal(meta_rows(db), 3);
	t = (struct two){ 6, 10 }; /* the second fails: the first goes too */
	assert_int_equal(hn_db_tx(db, two_job, &t, &e), HN_EINVAL);
	assert_int_equal(meta_rows(db), 3);
	assert_true(sqlite3_get_autocommit(hn_db_sqlite(db)));
	hn_db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations_idempotent,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_accounts_sessions, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_group_commit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_db_tx, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
