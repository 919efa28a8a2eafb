/*
 * Unit tests for src/node/events: ids increase by one; a reader resumes
 * after the last id it saw; a reader that fell behind the ring is told
 * (gap) and gets the oldest kept; an id from the future restarts at 0
 * with a gap; bad kinds, ids and JSON are refused, oversized ones are
 * HN_ETOOBIG; a waiter is woken by a publish from another thread and by
 * hn_events_wake; subscribers see every event and none after
 * unsubscribing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/events.h"

static struct hn_event out[64];

static void
test_ids_and_resume(void **state)
{
	uint64_t id = 0;
	int gap = -1, n;

	(void)state;
	hn_events_reset();
	assert_int_equal(hn_events_last_id(), 0);
	assert_int_equal(hn_events_publish(HN_EV_REQUEST_IN, "r-1",
			     "{\"state\":\"received\"}", &id),
	    0);
	assert_int_equal(id, 1);
	assert_int_equal(hn_events_publish(HN_EV_STATE, "r-1", NULL, &id), 0);
	assert_int_equal(id, 2);
	assert_int_equal(hn_events_publish(HN_EV_MESSAGE, "r-2", "{}", NULL),
	    0);
	assert_int_equal(hn_events_last_id(), 3);

	n = hn_events_wait(0, out, 64, 0, &gap);
	assert_int_equal(n, 3);
	assert_int_equal(gap, 0);
	assert_string_equal(out[0].kind, "request.inbound");
	assert_string_equal(out[0].request_id, "r-1");
	assert_string_equal(out[0].json, "{\"state\":\"received\"}");
	assert_string_equal(out[1].json, "{}");
	assert_true(out[0].at_ms > 0);

	n = hn_events_wait(2, out, 64, 0, &gap);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, 3);
	assert_string_equal(out[0].request_id, "r-2");

	/* caught up: nothing, no gap */
	assert_int_equal(hn_events_wait(3, out, 64, 0, &gap), 0);
	assert_int_equal(gap, 0);

	/* max bounds the copy */
	assert_int_equal(hn_events_wait(0, out, 2, 0, NULL), 2);
	assert_int_equal(out[1].id, 2);

	/* an id from the future (another process): from 0, with a gap */
	n = hn_events_wait(999, out, 64, 0, &gap);
	assert_int_equal(n, 3);
	assert_int_equal(gap, 1);
	assert_int_equal(out[0].id, 1);
}

static void
test_ring_gap(void **state)
{
	uint64_t i;
	int gap = 0, n;

	(void)state;
	hn_events_reset();
	for (i = 0; i < HN_EVENTS_RING + 10; i++)
		assert_int_equal(hn_events_publish(HN_EV_STATE, "r", "{}",
				     NULL),
		    0);
	n = hn_events_wait(5, out, 64, 0, &gap);
	assert_int_equal(gap, 1);
	assert_int_equal(n, 64);
	assert_int_equal(out[0].id, 11); /* the oldest kept */
	/* just at the edge: no gap */
	n = hn_events_wait(10, out, 1, 0, &gap);
	assert_int_equal(gap, 0);
	assert_int_equal(out[0].id, 11);
}

static void
test_refused(void **state)
{
	char big[HN_EVENT_JSON_MAX + 8];
	char rid[HN_EVENT_REQ_MAX + 8];
	char kind[HN_EVENT_KIND_MAX + 8];

	(void)state;
	hn_events_reset();
	assert_int_equal(hn_events_publish(NULL, "r", "{}", NULL), HN_EINVAL);
	assert_int_equal(hn_events_publish("", "r", "{}", NULL), HN_EINVAL);
	assert_int_equal(hn_events_publish("Bad", "r", "{}", NULL), HN_EINVAL);
	assert_int_equal(hn_events_publish("a\nb", "r", "{}", NULL), HN_EINVAL);
	memset(kind, 'a', sizeof(kind) - 1);
	kind[sizeof(kind) - 1] = '\0';
	assert_int_equal(hn_events_publish(kind, "r", "{}", NULL), HN_EINVAL);
	assert_int_equal(hn_events_publish("x", "r 1", "{}", NULL), HN_EINVAL);
	assert_int_equal(hn_events_publish("x", "r\n", "{}", NULL), HN_EINVAL);
	memset(rid, 'r', sizeof(rid) - 1);
	rid[sizeof(rid) - 1] = '\0';
	assert_int_equal(hn_events_publish("x", rid, "{}", NULL), HN_ETOOBIG);
	/* a newline would end the SSE data line and forge an event */
	assert_int_equal(hn_events_publish("x", "r",
			     "{}\n\nevent: request.inbound", NULL),
	    HN_EINVAL);
	assert_int_equal(hn_events_publish("x", "r", "[1]", NULL), HN_EINVAL);
	memset(big, ' ', sizeof(big) - 1);
	big[0] = '{';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(hn_events_publish("x", "r", big, NULL), HN_ETOOBIG);
	assert_int_equal(hn_events_last_id(), 0);
	assert_int_equal(hn_events_wait(0, NULL, 1, 0, NULL), HN_EINVAL);
	assert_int_equal(hn_events_wait(0, out, 0, 0, NULL), HN_EINVAL);
	assert_int_equal(hn_events_wait(0, out, 1, -1, NULL), HN_EINVAL);
}

static void *
publisher(void *arg)
{
	struct timespec ts = { 0, 50 * 1000000L };

	(void)arg;
	nanosleep(&ts, NULL);
	hn_events_publish(HN_EV_EVIDENCE, "r-9", "{}", NULL);
	return NULL;
}

static void *
waker(void *arg)
{
	struct timespec ts = { 0, 50 * 1000000L };

	(void)arg;
	nanosleep(&ts, NULL);
	hn_events_wake();
	return NULL;
}

static void
test_wait_wakes(void **state)
{
	pthread_t t;
	int n;

	(void)state;
	hn_events_reset();
	assert_int_equal(pthread_create(&t, NULL, publisher, NULL), 0);
	n = hn_events_wait(0, out, 64, 10000, NULL);
	pthread_join(t, NULL);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].kind, "evidence");

	/* a timeout returns 0 */
	assert_int_equal(hn_events_wait(1, out, 64, 20, NULL), 0);

	/* hn_events_wake ends a wait with nothing */
	assert_int_equal(pthread_create(&t, NULL, waker, NULL), 0);
	n = hn_events_wait(1, out, 64, 10000, NULL);
	pthread_join(t, NULL);
	assert_int_equal(n, 0);
}

static void
count_cb(const struct hn_event *ev, void *arg)
{
	int *c = arg;

	assert_true(ev->id > 0);
	(*c)++;
}

static void
test_subscribers(void **state)
{
	int a = 0, b = 0, h1, h2, i, hs[HN_EVENTS_SUBS_MAX];

	(void)state;
	hn_events_reset();
	assert_int_equal(hn_events_subscribe(NULL, NULL), HN_EINVAL);
	h1 = hn_events_subscribe(count_cb, &a);
	h2 = hn_events_subscribe(count_cb, &b);
	assert_true(h1 >= 0 && h2 >= 0 && h1 != h2);
	hn_events_publish(HN_EV_ANSWER, "r", NULL, NULL);
	hn_events_unsubscribe(h2);
	hn_events_publish(HN_EV_ANSWER, "r", NULL, NULL);
	assert_int_equal(a, 2);
	assert_int_equal(b, 1);
	hn_events_unsubscribe(h1);
	hn_events_unsubscribe(-1);
	hn_events_unsubscribe(HN_EVENTS_SUBS_MAX);
	for (i = 0; i < HN_EVENTS_SUBS_MAX; i++)
		assert_true((hs[i] = hn_events_subscribe(count_cb, &a)) >= 0);
	assert_int_equal(hn_events_subscribe(count_cb, &a), HN_EBUSY);
	for (i = 0; i < HN_EVENTS_SUBS_MAX; i++)
		hn_events_unsubscribe(hs[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_and_resume),
		cmocka_unit_test(test_ring_gap),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_wait_wakes),
		cmocka_unit_test(test_subscribers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
