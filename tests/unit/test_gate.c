/*
 * Unit tests for the node's one gate (node/requests.h hn_rq_change) on a
 * real node without federation (data directory made by `hanoinet init`):
 * time is an argument of the gate, so the 60 days of art. 42 are tested
 * on both sides of their end (release and the expiry timer), which the
 * integration tests can only reach by editing a database; the author of
 * an emergency cannot approve it (art. 41); a message or receipt from a
 * party the request is not between is refused; an art. 43 disclosure
 * arriving must name a preservation held from the same sender; the view
 * lists the caller's actions.
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
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/protocol.h"
#include "crypto/sign.h"
#include "node/node.h"
#include "node/requests.h"
#include "store/requests.h"
#include "store/store.h"
#include "util/err.h"

#define DAY 86400

static char dir[64];
static struct hn_node *node;
static int64_t t0;

static const char preservation[] =
    "{\"kind\":\"preservation\",\"from\":\"VNM\",\"to\":\"FRA\","
    "\"requesting_authority\":\"A\",\"offence\":\"O\",\"proceedings\":\"P\","
    "\"facts\":\"F\",\"data\":[{\"description\":\"D\","
    "\"relation_to_offence\":\"R\"}],\"custodian\":\"C\",\"necessity\":\"N\","
    "\"mla_to_follow\":true}";

static int
setup(void **state)
{
	char conf[128],
	    *argv[] = { "init", "--party", "FRA", "--dir", NULL, NULL };
	struct hn_error e;
	int fd, saved;

	(void)state;
	if (hn_crypto_init() != 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/hn-gate-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/n");
	argv[4] = dir;
	/* init prints the admin's password: not here */
	fflush(stdout);
	saved = dup(1);
	if ((fd = open("/dev/null", O_WRONLY)) < 0 || dup2(fd, 1) < 0)
		return -1;
	close(fd);
	fd = cmd_init(5, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	if (fd != 0)
		return -1;
	snprintf(conf, sizeof(conf), "%s/hanoinet.conf", dir);
	if (hn_node_open(&node, conf, &e) != 0) {
		fprintf(stderr, "%s\n", e.message);
		return -1;
	}
	t0 = (int64_t)time(NULL);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	hn_node_close(node);
	dir[strlen(dir) - 2] = '\0';
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* One gate call or arrival in its own write job. */
struct job {
	const struct hn_rq_change_args *a;
	json_t *doc; /* arrival (hn_rq_receive) or creation */
	const char *author;
	int64_t now;
	struct hn_request_row row;
	struct hn_error err;
};

static int
change_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct job *j = arg;

	hn_request_row_release(&j->row);
	return hn_rq_change(node, db, j->a, &j->row, err);
}

static int
receive_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct job *j = arg;

	return hn_rq_receive(node, db, j->doc, NULL, j->now, &j->row, err);
}

static int
create_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct job *j = arg;

	return hn_rq_create(node, db, j->doc, j->author, j->now, &j->row, err);
}

/* hn_rq_change(a) -> its code; err and the state into *e and st */
static int
change(const struct hn_rq_change_args *a, struct hn_error *e, char st[24])
{
	struct job j;
	int rc;

	memset(&j, 0, sizeof(j));
	hn_request_row_init(&j.row);
	hn_error_clear(&j.err);
	j.a = a;
	rc = hn_store_write(node->store, change_job, &j, &j.err);
	if (e != NULL)
		*e = j.err;
	if (st != NULL)
		snprintf(st, 24, "%s", j.row.state);
	hn_request_row_release(&j.row);
	return rc;
}

static int
user(const char *id, const char *to, const char *actor, unsigned roles,
    int64_t now, struct hn_error *e)
{
	struct hn_rq_change_args a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.to = to;
	a.cause = HN_BY_USER;
	a.actor = actor;
	a.roles = roles;
	a.now = now;
	return change(&a, e, NULL);
}

/* A request from VNM received at `now`; its id into id[]. */
static int
receive(const char *text, int64_t now, char id[HN_REQUEST_ID_LEN + 1],
    struct hn_error *e)
{
	struct job j;
	int rc;

	memset(&j, 0, sizeof(j));
	hn_request_row_init(&j.row);
	hn_error_clear(&j.err);
	j.doc = json_loads(text, 0, NULL);
	assert_non_null(j.doc);
	j.now = now;
	rc = hn_store_write(node->store, receive_job, &j, &j.err);
	if (e != NULL)
		*e = j.err;
	snprintf(id, HN_REQUEST_ID_LEN + 1, "%s", j.row.id);
	hn_request_row_release(&j.row);
	json_decref(j.doc);
	return rc;
}

/* A preservation received, acknowledged and preserved at `at`. */
static void
preserved(int64_t at, char id[HN_REQUEST_ID_LEN + 1])
{
	assert_int_equal(receive(preservation, at, id, NULL), 0);
	assert_int_equal(user(id, "acknowledged", "duty", HN_PR_DUTY_OFFICER,
			     at, NULL),
	    0);
	assert_int_equal(user(id, "preserved", "duty", HN_PR_DUTY_OFFICER, at,
			     NULL),
	    0);
}

static const char *
state_of(const char *id, char st[24])
{
	struct hn_request_row r;
	struct hn_db *db;
	struct hn_error e;

	assert_int_equal(hn_store_reader(node->store, &db, &e), 0);
	assert_int_equal(hn_requests_get(db, id, &r), 0);
	snprintf(st, 24, "%s", r.state);
	hn_request_row_release(&r);
	hn_store_release(node->store, db);
	return st;
}

/* Art. 42 (Budapest 29(7)): no release before 60 days, then yes. */
static void
test_release_after_60_days(void **state)
{
	char id[HN_REQUEST_ID_LEN + 1], st[24];
	struct hn_error e;

	(void)state;
	preserved(t0, id);
	assert_int_equal(user(id, "released", "duty", HN_PR_DUTY_OFFICER,
			     t0 + 60 * DAY - 1, &e),
	    HN_ESTATE);
	assert_string_equal(e.article, "42");
	assert_non_null(strstr(e.message, "60 days"));
	assert_string_equal(state_of(id, st), "preserved");
	assert_int_equal(user(id, "released", "duty", HN_PR_DUTY_OFFICER,
			     t0 + 60 * DAY, &e),
	    0);
	assert_string_equal(state_of(id, st), "released");
}

/* The timer: not before 60 days (the gate refuses it too), then it
 * expires exactly the preservations whose period has run out. */
static void
test_timer(void **state)
{
	char old[HN_REQUEST_ID_LEN + 1], fresh[HN_REQUEST_ID_LEN + 1], st[24];
	struct hn_rq_change_args a;
	struct hn_error e;
	size_t n;

	(void)state;
	preserved(t0 - 61 * DAY, old);
	preserved(t0 - 10 * DAY, fresh);
	memset(&a, 0, sizeof(a));
	a.id = fresh;
	a.to = "expired";
	a.cause = HN_BY_TIMER;
	a.now = t0;
	assert_int_equal(change(&a, &e, NULL), HN_ESTATE);
	assert_string_equal(e.article, "42");
	assert_int_equal(hn_rq_timers(node, t0, 64, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(state_of(old, st), "expired");
	assert_string_equal(state_of(fresh, st), "preserved");
	/* a second tick finds nothing more */
	assert_int_equal(hn_rq_timers(node, t0, 64, &n, &e), 0);
	assert_int_equal(n, 0);
	/* 50 days later the fresh one has run out too */
	assert_int_equal(hn_rq_timers(node, t0 + 50 * DAY, 64, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(state_of(fresh, st), "expired");
}

/* Whether the view of request id for `name` (a supervisor) offers
 * the approval (to queued). */
static int
offers_approval(const char *id, const char *name)
{
	struct hn_rq_viewer who = { name, HN_PR_SUPERVISOR };
	struct hn_request_row r;
	struct hn_error e;
	struct hn_db *db;
	json_t *v, *a;
	size_t k;
	int found = 0;

	assert_int_equal(hn_store_reader(node->store, &db, &e), 0);
	assert_int_equal(hn_requests_get(db, id, &r), 0);
	hn_store_release(node->store, db);
	v = hn_rq_view(node, &r, NULL, &who, t0);
	hn_request_row_release(&r);
	assert_non_null(v);
	assert_true(json_is_array(json_object_get(v, "actions")));
	json_array_foreach(json_object_get(v, "actions"), k,
	    a) if (strcmp(json_string_value(json_object_get(a, "to")),
		       "queued") == 0) found = 1;
	json_decref(v);
	return found;
}

/* Art. 41: the approver is not the author; a duty officer cannot
 * approve; the view does not offer the author an approval. */
static void
test_emergency_approval(void **state)
{
	static const char text[] =
	    "{\"kind\":\"emergency\",\"from\":\"FRA\","
	    "\"to\":\"VNM\",\"requesting_authority\":\"A\",\"emergency\":\"E\","
	    "\"facts\":\"F\",\"data\":[{\"description\":\"D\"}]}";
	char id[HN_REQUEST_ID_LEN + 1], st[24];
	struct hn_error e;
	struct job j;

	(void)state;
	memset(&j, 0, sizeof(j));
	hn_request_row_init(&j.row);
	j.doc = json_loads(text, 0, NULL);
	assert_non_null(j.doc);
	j.author = "alice";
	j.now = t0;
	assert_int_equal(hn_store_write(node->store, create_job, &j, &j.err),
	    0);
	json_decref(j.doc);
	snprintf(id, sizeof(id), "%s", j.row.id);
	hn_request_row_release(&j.row);
	assert_int_equal(user(id, "awaiting_approval", "alice",
			     HN_PR_SUPERVISOR, t0, NULL),
	    0);
	assert_int_equal(offers_approval(id, "alice"), 0);
	assert_int_equal(offers_approval(id, "bob"), 1);
	assert_int_equal(user(id, "queued", "alice", HN_PR_SUPERVISOR, t0, &e),
	    HN_EDENIED);
	assert_string_equal(e.article, "41");
	assert_int_equal(user(id, "queued", "duty", HN_PR_DUTY_OFFICER, t0, &e),
	    HN_EDENIED);
	assert_string_equal(state_of(id, st), "awaiting_approval");
	assert_int_equal(user(id, "queued", "bob", HN_PR_SUPERVISOR, t0, &e),
	    0);
	assert_string_equal(state_of(id, st), "queued");
}

/* Messages and receipts: only the other State of the request speaks. */
static void
test_party(void **state)
{
	char id[HN_REQUEST_ID_LEN + 1], st[24];
	struct hn_rq_change_args a;
	struct hn_error e;

	(void)state;
	assert_int_equal(receive(preservation, t0, id, NULL), 0);
	memset(&a, 0, sizeof(a));
	a.id = id;
	a.to = "withdrawn";
	a.cause = HN_BY_MESSAGE;
	a.on = "withdrawal";
	a.party = "DEU";
	a.now = t0;
	assert_int_equal(change(&a, &e, NULL), HN_EDENIED);
	assert_string_equal(state_of(id, st), "received");
	a.party = "VNM";
	a.on = "release"; /* the wrong message for a withdrawal */
	assert_int_equal(change(&a, &e, NULL), HN_ESTATE);
	a.on = "withdrawal";
	assert_int_equal(change(&a, &e, st), 0);
	assert_string_equal(st, "withdrawn");
	a.id = "0123456789abcdef0123456789abcdef";
	assert_int_equal(change(&a, &e, NULL), HN_ENOTFOUND);
}

/* Art. 43: an arriving disclosure names a preservation held from the
 * same sender. */
static void
test_disclosure_arrival(void **state)
{
	char pid[HN_REQUEST_ID_LEN + 1], id[HN_REQUEST_ID_LEN + 1];
	char text[1024];
	struct hn_error e;

	(void)state;
	assert_int_equal(receive(preservation, t0, pid, NULL), 0);
#define TD \
	"{\"kind\":\"traffic_disclosure\",\"from\":\"VNM\",\"to\":\"FRA\"," \
	"\"requesting_authority\":\"A\",\"offence\":\"O\",\"facts\":\"F\"," \
	"\"data\":[{\"description\":\"D\",\"relation_to_offence\":\"R\"}]," \
	"\"purpose\":\"P\",\"preservation_reference\":\"%s\"}"
	snprintf(text, sizeof(text), TD, "0123456789abcdef0123456789abcdef");
	assert_int_equal(receive(text, t0, id, &e), HN_EVALIDATE);
	assert_string_equal(e.field, "preservation_reference");
	assert_string_equal(e.article, "43");
	snprintf(text, sizeof(text), TD, "VNM-PRES-1");
	assert_int_equal(receive(text, t0, id, &e), HN_EVALIDATE);
	assert_string_equal(e.field, "preservation_reference");
	snprintf(text, sizeof(text), TD, pid);
	assert_int_equal(receive(text, t0, id, &e), 0);
#undef TD
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_after_60_days),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_emergency_approval),
		cmocka_unit_test(test_party),
		cmocka_unit_test(test_disclosure_arrival),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
