/*
 * Unit tests for src/store/evxfer: the state of evidence transfers over
 * the wire (sending and receiving sides), bounds and invalid input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/evidence.h"
#include "store/evxfer.h"
#include "store/fed.h"
#include "util/buf.h"
#include "util/err.h"

#define X1 "0123456789abcdef0123456789abcdef"
#define X2 "fedcba9876543210fedcba9876543210"
#define SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct fx {
	char path[64];
	struct hn_db *db;
	int64_t item;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct hn_evidence_item it;
	int fd;

	if (f == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "/tmp/hn-evxfer-XXXXXX");
	if ((fd = mkstemp(f->path)) < 0)
		return -1;
	close(fd);
	unlink(f->path);
	if (hn_db_open(&f->db, f->path, NULL) != 0)
		return -1;
	memset(&it, 0, sizeof(it));
	snprintf(it.request_id, sizeof(it.request_id), "REQ-1");
	snprintf(it.name, sizeof(it.name), "a.bin");
	snprintf(it.sha256, sizeof(it.sha256), "%s", SHA);
	snprintf(it.added_by, sizeof(it.added_by), "duty");
	if (hn_evidence_insert(f->db, &it) != 0)
		return -1;
	f->item = it.id;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char p[80];

	hn_db_close(f->db);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static void
test_ids(void **state)
{
	(void)state;
	assert_int_equal(hn_xfer_id_valid(X1), 1);
	assert_int_equal(hn_xfer_id_valid("0123456789ABCDEF0123456789abcdef"),
	    0);
	assert_int_equal(hn_xfer_id_valid(X1 "0"), 0);
	assert_int_equal(hn_xfer_id_valid("0123"), 0);
	assert_int_equal(hn_xfer_id_valid("../../etc/passwd0123456789abcdef"),
	    0);
	assert_int_equal(hn_xfer_id_valid(NULL), 0);
}

static void
test_out(void **state)
{
	struct fx *f = *state;
	struct hn_xfer_out t, g, *v = NULL;
	struct hn_outbox_due due[8];
	size_t n = 0;
	int a;

	memset(&t, 0, sizeof(t));
	t.item_id = f->item;
	snprintf(t.peer, sizeof(t.peer), "FRA");
	snprintf(t.conditions, sizeof(t.conditions), "case 2026/117 only");
	snprintf(t.xfer, sizeof(t.xfer), X1);
	snprintf(t.state, sizeof(t.state), "sending");
	t.total = 3000;
	t.created_at = 100;
	assert_int_equal(hn_xfer_out_insert(f->db, &t), 0);
	assert_true(t.id > 0);
	assert_int_equal(hn_xfer_out_get(f->db, X1, &g), 0);
	assert_string_equal(g.peer, "FRA");
	assert_string_equal(g.conditions, "case 2026/117 only");
	assert_int_equal(g.total, 3000);
	assert_int_equal(g.their_index, -1);
	assert_int_equal(hn_xfer_out_get(f->db, X2, &g), HN_ENOTFOUND);
	assert_int_equal(hn_xfer_out_get(f->db, "nope", &g), HN_ENOTFOUND);
	assert_int_equal(hn_xfer_out_latest(f->db, f->item, "FRA", &g), 0);
	assert_int_equal(hn_xfer_out_latest(f->db, f->item, "DEU", &g),
	    HN_ENOTFOUND);
	/* a work item of the delivery engine: due while sending */
	assert_int_equal(hn_fedstore_outbox_due_ids(f->db, 1, due, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(due[0].kind, HN_WORK_EVIDENCE);
	assert_string_equal(due[0].msg_id, X1);
	assert_string_equal(due[0].recipient, "FRA");
	/* a failed attempt: due again at its next_ms */
	assert_int_equal(hn_xfer_out_due(f->db, X1, 1, &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(hn_xfer_out_schedule(f->db, X1, 2, 5000), 0);
	assert_int_equal(hn_fedstore_outbox_due_ids(f->db, 4999, due, 8, &n),
	    0);
	assert_int_equal(n, 0);
	/* a stale scan: claimed before its next_ms, it is not due */
	assert_int_equal(hn_xfer_out_due(f->db, X1, 4999, &a), HN_ENOTFOUND);
	assert_int_equal(hn_xfer_out_due(f->db, X1, 5000, &a), 0);
	assert_int_equal(a, 2);
	assert_int_equal(hn_fedstore_outbox_next(f->db), 5000);
	assert_int_equal(hn_fedstore_outbox_due_ids(f->db, 5000, due, 8, &n),
	    0);
	assert_int_equal(n, 1);
	assert_int_equal(hn_xfer_out_schedule(f->db, X2, 1, 1), HN_ENOTFOUND);
	/* interrupted: not due until the engine's start resumes it */
	assert_int_equal(hn_xfer_out_update(f->db, X1, "interrupted", 1000,
			     "connection refused", -1, NULL, 0),
	    0);
	assert_int_equal(hn_fedstore_outbox_due_ids(f->db, 1000000, due, 8, &n),
	    0);
	assert_int_equal(n, 0);
	assert_int_equal(hn_xfer_out_resume(f->db, NULL), 0);
	assert_int_equal(hn_xfer_out_get(f->db, X1, &g), 0);
	assert_string_equal(g.state, "sending");
	assert_string_equal(g.error, "");
	assert_int_equal(g.sent, 1000);
	assert_int_equal(hn_xfer_out_due(f->db, X1, 1, &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(hn_xfer_out_resume(f->db, X1), 0);
	assert_int_equal(hn_xfer_out_resume(f->db, X2), HN_ENOTFOUND);
	assert_int_equal(hn_fedstore_outbox_due_ids(f->db, 1, due, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hn_xfer_out_update(f->db, X1, "acknowledged", 3000, "",
			     42, "hanoinet-receipt-v1 FRA sig\n{}", 200),
	    0);
	assert_int_equal(hn_fedstore_outbox_due_ids(f->db, 1000000, due, 8, &n),
	    0);
	assert_int_equal(n, 0);
	/* settled: neither due nor resumable (a resume that lost the race
	 * with the delivery thread that acknowledged it) */
	assert_int_equal(hn_xfer_out_due(f->db, X1, 1000000, &a), HN_ENOTFOUND);
	assert_int_equal(hn_xfer_out_resume(f->db, X1), HN_ENOTFOUND);
	assert_int_equal(hn_xfer_out_get(f->db, X1, &g), 0);
	assert_string_equal(g.state, "acknowledged");
	assert_int_equal(g.their_index, 42);
	assert_int_equal(g.acked_at, 200);
	/* an unknown transfer, bad states and oversized text */
	assert_int_equal(hn_xfer_out_update(f->db, X2, "sending", 0, "", -1,
			     NULL, 0),
	    HN_ENOTFOUND);
	assert_int_equal(hn_xfer_out_update(f->db, X1,
			     "a-state-name-far-too-long", 0, "", -1, NULL, 0),
	    HN_EINVAL);
	/* the file transfers (seal-for / receive) are listed with them */
	assert_int_equal(hn_transfer_insert(f->db, f->item, "in", "astra", "",
			     300),
	    0);
	assert_int_equal(hn_xfer_list(f->db, f->item, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].direction, "out");
	assert_string_equal(v[1].direction, "in");
	assert_string_equal(v[1].xfer, "");
	free(v);
	/* invalid rows */
	snprintf(t.xfer, sizeof(t.xfer), "not-an-id");
	assert_int_equal(hn_xfer_out_insert(f->db, &t), HN_EINVAL);
	snprintf(t.xfer, sizeof(t.xfer), X2);
	t.sent = t.total + 1;
	assert_int_equal(hn_xfer_out_insert(f->db, &t), HN_EINVAL);
}

static void
test_in(void **state)
{
	struct fx *f = *state;
	struct hn_buf b = HN_BUF_INIT(HN_XFER_RECEIPT_MAX + 1);
	struct hn_xfer_in t, g;

	memset(&t, 0, sizeof(t));
	snprintf(t.sender, sizeof(t.sender), "VNM");
	snprintf(t.xfer, sizeof(t.xfer), X1);
	snprintf(t.request_id, sizeof(t.request_id), "REQ-1");
	snprintf(t.name, sizeof(t.name), "logs.tar");
	snprintf(t.sha256, sizeof(t.sha256), "%s", SHA);
	t.size = 10;
	t.sealed_size = 150;
	snprintf(t.conditions, sizeof(t.conditions), "c");
	snprintf(t.state, sizeof(t.state), "receiving");
	t.created_at = 5;
	assert_int_equal(hn_xfer_in_insert(f->db, &t), 0);
	/* the same (sender, transfer) once; another sender may reuse the id */
	assert_int_equal(hn_xfer_in_insert(f->db, &t), HN_EEXIST);
	snprintf(t.sender, sizeof(t.sender), "DEU");
	assert_int_equal(hn_xfer_in_insert(f->db, &t), 0);
	assert_int_equal(hn_xfer_in_get(f->db, "VNM", X1, &g), 0);
	assert_string_equal(g.name, "logs.tar");
	assert_int_equal(g.sealed_size, 150);
	assert_int_equal(hn_xfer_in_get(f->db, "FRA", X1, &g), HN_ENOTFOUND);
	assert_int_equal(hn_xfer_in_receipt(f->db, "VNM", X1, &b), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(hn_xfer_in_update(f->db, "VNM", X1, "verified", "", 7,
			     "RECEIPT"),
	    0);
	assert_int_equal(hn_xfer_in_receipt(f->db, "VNM", X1, &b), 0);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "RECEIPT", 7);
	/* an update without a receipt keeps it */
	assert_int_equal(hn_xfer_in_update(f->db, "VNM", X1, "verified", "", 7,
			     NULL),
	    0);
	hn_buf_reset(&b);
	assert_int_equal(hn_xfer_in_receipt(f->db, "VNM", X1, &b), 0);
	assert_int_equal(b.len, 7);
	assert_int_equal(hn_xfer_in_get(f->db, "VNM", X1, &g), 0);
	assert_int_equal(g.item_id, 7);
	assert_int_equal(hn_xfer_in_update(f->db, "FRA", X1, "failed", "x", 0,
			     NULL),
	    HN_ENOTFOUND);
	/* invalid rows */
	snprintf(t.xfer, sizeof(t.xfer), X2);
	t.sha256[10] = '\0';
	assert_int_equal(hn_xfer_in_insert(f->db, &t), HN_EINVAL);
	hn_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test_setup_teardown(test_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
