/* Unit tests for src/core/deadline: arts. 40, 41, 42 at their boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/date.h"
#include "core/deadline.h"
#include "util/json.h"

#define H 3600
#define DAY 86400
static const int64_t T0 = 1795392000; /* 2026-11-23T00:00:00Z */

static struct hn_deadline out[HN_DEADLINES_MAX];

static int
compute(const struct hn_deadline_input *in, int64_t now)
{
	struct hn_deadline_config c;

	hn_deadline_config_default(&c);
	memset(out, 0, sizeof(out));
	return hn_deadlines_compute(in, &c, now, out, HN_DEADLINES_MAX);
}

static struct hn_deadline_input
input(const char *kind, enum hn_side side, enum hn_state st)
{
	struct hn_deadline_input in;

	hn_deadline_input_init(&in);
	in.kind = hn_kind_find(kind);
	in.side = side;
	in.state = st;
	return in;
}

static void
test_acknowledge(void **state)
{
	static const struct {
		const char *kind;
		int64_t at; /* seconds after receipt */
		enum hn_level want;
	} t[] = {
		/* 24 h target; due soon in the last 6 h */
		{ "preservation", 0, HN_LEVEL_OK },
		{ "preservation", 18 * H - 1, HN_LEVEL_OK },
		{ "preservation", 18 * H, HN_LEVEL_DUE_SOON },
		{ "preservation", 24 * H - 1, HN_LEVEL_DUE_SOON },
		{ "preservation", 24 * H, HN_LEVEL_OVERDUE },
		{ "traffic_disclosure", 24 * H, HN_LEVEL_OVERDUE },
		/* emergency: 1 h target; due soon in the last quarter */
		{ "emergency", 45 * 60 - 1, HN_LEVEL_OK },
		{ "emergency", 45 * 60, HN_LEVEL_DUE_SOON },
		{ "emergency", H - 1, HN_LEVEL_DUE_SOON },
		{ "emergency", H, HN_LEVEL_OVERDUE },
	};
	struct hn_deadline_input in;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		in = input(t[i].kind, HN_SIDE_REQUESTED, HN_ST_RECEIVED);
		in.received_at = T0;
		assert_int_equal(compute(&in, T0 + t[i].at), 1);
		assert_string_equal(out[0].name, "acknowledge");
		assert_string_equal(out[0].article, "41");
		assert_int_equal(out[0].due,
		    T0 + (strcmp(t[i].kind, "emergency") ? 24 * H : H));
		if (out[0].level != t[i].want)
			fail_msg("case %zu: level %s", i,
			    hn_level_name(out[0].level));
	}
	/* acknowledged: met; MLA kinds do not go through the 24/7 network;
	 * the requesting side does not acknowledge */
	in = input("preservation", HN_SIDE_REQUESTED, HN_ST_ACKNOWLEDGED);
	in.received_at = T0;
	assert_int_equal(compute(&in, T0 + 30 * H), 0);
	in = input("mla", HN_SIDE_REQUESTED, HN_ST_RECEIVED);
	in.received_at = T0;
	assert_int_equal(compute(&in, T0 + 30 * H), 0);
	in = input("emergency", HN_SIDE_REQUESTING, HN_ST_DELIVERED);
	in.created_at = T0;
	assert_int_equal(compute(&in, T0 + 30 * H), 0);
	/* configuration */
	{
		struct hn_deadline_config c = { 2 * H, 10 * 60, H, 24 * H };

		in = input("emergency", HN_SIDE_REQUESTED, HN_ST_RECEIVED);
		in.received_at = T0;
		assert_int_equal(hn_deadlines_compute(&in, &c, T0, out, 4), 1);
		assert_int_equal(out[0].due, T0 + 600);
		in.kind = hn_kind_find("preservation");
		/* due soon in the last quarter (30 min) of 2 h */
		assert_int_equal(hn_deadlines_compute(&in, &c, T0 + 89 * 60,
				     out, 4),
		    1);
		assert_int_equal(out[0].level, HN_LEVEL_OK);
		assert_int_equal(hn_deadlines_compute(&in, &c, T0 + 90 * 60,
				     out, 4),
		    1);
		assert_int_equal(out[0].due, T0 + 2 * H);
		assert_int_equal(out[0].level, HN_LEVEL_DUE_SOON);
		assert_int_equal(hn_deadlines_compute(&in, NULL, T0, out, 4),
		    1);
		assert_int_equal(out[0].due, T0 + 24 * H);
	}
}

/* Art. 42: at least 60 days, then until the follow-up is decided. */
static void
test_preservation(void **state)
{
	struct hn_deadline_input in;
	const int64_t P = T0 + 5 * H;

	in = input("preservation", HN_SIDE_REQUESTED, HN_ST_PRESERVED);
	in.received_at = T0;
	in.preserved_at = P;
	assert_int_equal(compute(&in, P), 1);
	assert_string_equal(out[0].name, "preservation");
	assert_string_equal(out[0].article, "42");
	assert_int_equal(out[0].due, P + 60 * DAY);
	assert_int_equal(out[0].level, HN_LEVEL_OK);
	assert_false(out[0].until_decision);
	compute(&in, P + 60 * DAY - 6 * H - 1);
	assert_int_equal(out[0].level, HN_LEVEL_OK);
	compute(&in, P + 60 * DAY - 6 * H);
	assert_int_equal(out[0].level, HN_LEVEL_DUE_SOON);
	compute(&in, P + 60 * DAY - 1);
	assert_int_equal(out[0].level, HN_LEVEL_DUE_SOON);
	compute(&in, P + 60 * DAY);
	assert_int_equal(out[0].level, HN_LEVEL_OVERDUE);
	/* extended: same rule */
	in.state = HN_ST_EXTENDED;
	assert_int_equal(compute(&in, P), 1);
	/* follow-up received, not decided: held until the decision */
	in.followup_received_at = P + 50 * DAY;
	assert_int_equal(compute(&in, P + 90 * DAY), 1);
	assert_true(out[0].until_decision);
	assert_int_equal(out[0].level, HN_LEVEL_OK);
	assert_int_equal(out[0].due, P + 60 * DAY);
	/* decided after the 60 days: held until the decision */
	in.followup_decided_at = P + 70 * DAY;
	compute(&in, P + 69 * DAY);
	assert_false(out[0].until_decision);
	assert_int_equal(out[0].due, P + 70 * DAY);
	compute(&in, P + 70 * DAY);
	assert_int_equal(out[0].level, HN_LEVEL_OVERDUE);
	/* decided early: still 60 days */
	in.followup_decided_at = P + 10 * DAY;
	compute(&in, P + 11 * DAY);
	assert_int_equal(out[0].due, P + 60 * DAY);
	/* released or expired: no deadline; not yet preserved: none */
	in.state = HN_ST_RELEASED;
	assert_int_equal(compute(&in, P), 0);
	in.state = HN_ST_EXPIRED;
	assert_int_equal(compute(&in, P), 0);
	in = input("preservation", HN_SIDE_REQUESTED, HN_ST_PRESERVED);
	assert_int_equal(compute(&in, P), 0);
	/* the requesting side sees when its MLA request must arrive */
	in = input("preservation", HN_SIDE_REQUESTING, HN_ST_DELIVERED);
	in.preserved_at = P;
	assert_int_equal(compute(&in, P), 1);
	assert_int_equal(out[0].due, P + 60 * DAY);
}

/* Art. 40: deadlines the requester states. */
static void
test_stated(void **state)
{
	struct hn_deadline_input in;

	in = input("mla", HN_SIDE_REQUESTED, HN_ST_ACKNOWLEDGED);
	in.received_at = T0;
	in.stated_deadline = T0 + 10 * DAY;
	assert_int_equal(compute(&in, T0), 1);
	assert_string_equal(out[0].name, "requested_by");
	assert_string_equal(out[0].article, "40");
	assert_int_equal(out[0].level, HN_LEVEL_OK);
	compute(&in, T0 + 10 * DAY - 6 * H);
	assert_int_equal(out[0].level, HN_LEVEL_DUE_SOON);
	compute(&in, T0 + 10 * DAY);
	assert_int_equal(out[0].level, HN_LEVEL_OVERDUE);
	in.state = HN_ST_EXECUTED;
	assert_int_equal(compute(&in, T0), 0);
	/* together with the acknowledgement target */
	in = input("preservation", HN_SIDE_REQUESTED, HN_ST_RECEIVED);
	in.received_at = T0;
	in.stated_deadline = T0 + 2 * H;
	assert_int_equal(compute(&in, T0 + 100 * 60), 2);
	assert_string_equal(out[0].name, "acknowledge");
	assert_string_equal(out[1].name, "requested_by");
	assert_int_equal(out[1].level, HN_LEVEL_DUE_SOON);
	/* bounded output */
	{
		struct hn_deadline_config c;

		hn_deadline_config_default(&c);
		assert_int_equal(hn_deadlines_compute(&in, &c, T0, out, 1), 1);
		assert_int_equal(hn_deadlines_compute(NULL, &c, T0, out, 1),
		    HN_EINVAL);
	}
}

/* Art. 40: a stated deadline lies in the future when the request is made. */
static void
test_stated_check(void **state)
{
	static const struct {
		const char *deadline; /* NULL: none stated */
		int64_t now;
		int want;
	} t[] = {
		{ "2020-01-01T00:00:00Z", T0, HN_EVALIDATE },
		{ "2026-11-22T23:59:59Z", T0, HN_EVALIDATE },
		{ "2026-11-23T00:00:00Z", T0,
		    HN_EVALIDATE }, /* now: not after */
		{ "2026-11-23T00:00:01Z", T0, 0 },
		{ "2030-01-01T00:00:00Z", T0, 0 }, { NULL, T0, 0 },
		{ "not a time", T0, 0 }, /* hn_request_validate's problem */
	};
	struct hn_problems ps;
	json_t *req;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		req = json_pack("{s:s, s:s, s:s}", "kind", "mla", "from", "VNM",
		    "to", "FRA");
		assert_non_null(req);
		if (t[i].deadline != NULL)
			json_object_set_new(req, "deadline",
			    json_string(t[i].deadline));
		hn_problems_init(&ps);
		if (hn_deadline_stated_check(req, t[i].now, &ps) != t[i].want)
			fail_msg("case %zu (%s): wrong answer", i,
			    t[i].deadline ? t[i].deadline : "none");
		assert_int_equal(ps.n, t[i].want != 0 ? 1 : 0);
		if (t[i].want != 0) {
			assert_string_equal(ps.p[0].field, "deadline");
			assert_string_equal(ps.p[0].article, "40");
			assert_non_null(strstr(ps.p[0].message, "in the past"));
			assert_non_null(strstr(ps.p[0].message, t[i].deadline));
		}
		json_decref(req);
	}
	/* JSON null states no deadline */
	req = json_pack("{s:n}", "deadline");
	hn_problems_init(&ps);
	assert_int_equal(hn_deadline_stated_check(req, T0, &ps), 0);
	json_decref(req);
}

static const enum hn_state finals[] = { HN_ST_EXECUTED,
	HN_ST_PARTIALLY_EXECUTED, HN_ST_REFUSED, HN_ST_EXPIRED, HN_ST_RELEASED,
	HN_ST_WITHDRAWN, HN_ST_REJECTED };

/* No open clock in a final state: every kind, both sides, every time
 * that could start one, long after each would be overdue. */
static void
test_final_no_clock(void **state)
{
	struct hn_deadline_input in;
	enum hn_side side;
	size_t k, f;
	int s, st;

	for (k = 0; hn_kinds[k].name != NULL; k++) {
		for (s = 0; s < 2; s++) {
			side = s ? HN_SIDE_REQUESTED : HN_SIDE_REQUESTING;
			for (f = 0; f < sizeof(finals) / sizeof(finals[0]);
			     f++) {
				in = input(hn_kinds[k].name, side, finals[f]);
				in.created_at = in.received_at = T0;
				in.preserved_at = in.acknowledged_at = T0 + H;
				in.followup_received_at = T0 + 2 * H;
				in.stated_deadline = T0 + DAY;
				if (compute(&in, T0 + 400 * DAY) != 0)
					fail_msg("%s, %s, %s: a deadline in a "
						 "final state (%s)",
					    hn_kinds[k].name,
					    hn_side_name(side),
					    hn_state_name(finals[f]),
					    out[0].name);
				assert_true(hn_deadline_state_final(finals[f]));
			}
		}
	}
	/* and the others are not final */
	for (st = 0; st < HN_ST_COUNT_; st++) {
		for (f = 0; f < sizeof(finals) / sizeof(finals[0]); f++)
			if (finals[f] == (enum hn_state)st)
				break;
		assert_int_equal(hn_deadline_state_final((enum hn_state)st),
		    f < sizeof(finals) / sizeof(finals[0]));
	}
}

/* Art. 41: an acknowledged emergency keeps a clock until it is finished,
 * on both copies; other kinds have none after the acknowledgement. */
static void
test_emergency_execution(void **state)
{
	static const enum hn_state open[] = { HN_ST_ACKNOWLEDGED,
		HN_ST_POSTPONED };
	const int64_t A = T0 + 20 * 60; /* acknowledged 20 min after receipt */
	struct hn_deadline_config c;
	struct hn_deadline_input in;
	size_t i;
	int s;

	for (s = 0; s < 2; s++) {
		for (i = 0; i < 2; i++) {
			in = input("emergency",
			    s ? HN_SIDE_REQUESTED : HN_SIDE_REQUESTING,
			    open[i]);
			in.created_at = in.received_at = T0;
			in.acknowledged_at = A;
			assert_int_equal(compute(&in, A), 1);
			assert_string_equal(out[0].name, "execution");
			assert_string_equal(out[0].article, "41");
			assert_int_equal(out[0].due, A + 24 * H);
			assert_int_equal(out[0].level, HN_LEVEL_OK);
			compute(&in, A + 18 * H - 1);
			assert_int_equal(out[0].level, HN_LEVEL_OK);
			compute(&in, A + 18 * H);
			assert_int_equal(out[0].level, HN_LEVEL_DUE_SOON);
			compute(&in, A + 24 * H);
			assert_int_equal(out[0].level, HN_LEVEL_OVERDUE);
			assert_int_equal(compute(&in, A + 90 * DAY), 1);
			assert_int_equal(out[0].level, HN_LEVEL_OVERDUE);
		}
	}
	/* configured: emergency_execution_hours = 4 */
	hn_deadline_config_default(&c);
	assert_int_equal(c.emergency_execution, 24 * H);
	c.emergency_execution = 4 * H;
	in = input("emergency", HN_SIDE_REQUESTED, HN_ST_ACKNOWLEDGED);
	in.received_at = T0;
	in.acknowledged_at = A;
	assert_int_equal(hn_deadlines_compute(&in, &c, A + 3 * H, out, 4), 1);
	assert_int_equal(out[0].due, A + 4 * H);
	assert_int_equal(out[0].level, HN_LEVEL_DUE_SOON); /* last quarter */
	c.emergency_execution = 0; /* the default */
	assert_int_equal(hn_deadlines_compute(&in, &c, A, out, 4), 1);
	assert_int_equal(out[0].due, A + 24 * H);
	/* with the stated deadline: both */
	in.stated_deadline = A + 2 * H;
	assert_int_equal(compute(&in, A), 2);
	assert_string_equal(out[0].name, "execution");
	assert_string_equal(out[1].name, "requested_by");
	/* before the acknowledgement: the 1-hour acknowledgement only; not
	 * acknowledged yet on the requesting side: none */
	in = input("emergency", HN_SIDE_REQUESTED, HN_ST_RECEIVED);
	in.received_at = T0;
	assert_int_equal(compute(&in, T0), 1);
	assert_string_equal(out[0].name, "acknowledge");
	in = input("emergency", HN_SIDE_REQUESTING, HN_ST_DELIVERED);
	in.created_at = T0;
	assert_int_equal(compute(&in, T0), 0);
	/* finished: none */
	for (i = 0; i < sizeof(finals) / sizeof(finals[0]); i++) {
		in = input("emergency", HN_SIDE_REQUESTED, finals[i]);
		in.received_at = T0;
		in.acknowledged_at = A;
		assert_int_equal(compute(&in, A + 30 * H), 0);
	}
	/* not an emergency: no execution clock after acknowledgement */
	for (i = 0; hn_kinds[i].name != NULL; i++) {
		if (hn_kinds[i].emergency)
			continue;
		in = input(hn_kinds[i].name, HN_SIDE_REQUESTED,
		    HN_ST_ACKNOWLEDGED);
		in.received_at = T0;
		in.acknowledged_at = A;
		assert_int_equal(compute(&in, A + 30 * H), 0);
	}
}

/* Lists: open emergencies first, then by next deadline, then newest. */
static void
test_order_key(void **state)
{
	struct hn_deadline_input em, em_done, mla, old;
	int64_t k_em_nodl, k_em_dl, k_em_done, k_dl_early, k_dl_late, k_new,
	    k_old;

	em = input("emergency", HN_SIDE_REQUESTED, HN_ST_ACKNOWLEDGED);
	em.created_at = T0;
	em_done = input("emergency", HN_SIDE_REQUESTED, HN_ST_EXECUTED);
	em_done.created_at = T0 + 5;
	mla = input("mla", HN_SIDE_REQUESTING, HN_ST_DRAFT);
	mla.created_at = T0 + 10;
	old = input("mla", HN_SIDE_REQUESTING, HN_ST_DRAFT);
	old.created_at = T0 - 10;

	k_em_nodl = hn_deadline_order_key(&em, HN_TIME_NONE);
	k_em_dl = hn_deadline_order_key(&em, T0 + 400 * DAY);
	k_em_done = hn_deadline_order_key(&em_done, HN_TIME_NONE);
	k_dl_early = hn_deadline_order_key(&mla, T0 - 100 * DAY); /* overdue */
	k_dl_late = hn_deadline_order_key(&mla, T0 + 2 * H);
	k_new = hn_deadline_order_key(&mla, HN_TIME_NONE);
	k_old = hn_deadline_order_key(&old, HN_TIME_NONE);

	/* an open emergency, even without a deadline, before any other */
	assert_true(k_em_dl < k_em_nodl);
	assert_true(k_em_nodl < k_dl_early);
	/* a finished emergency is ordered like any finished request */
	assert_true(k_dl_late < k_em_done);
	assert_true(k_em_done < k_old); /* newer than old */
	assert_true(k_new < k_em_done); /* older than mla */
	assert_true(k_dl_early < k_dl_late);
	assert_true(k_dl_late < k_new);
	assert_true(k_new < k_old);
	/* bounded, whatever the times */
	assert_true(k_em_dl >= 0 && k_old <= HN_ORDER_KEY_MAX);
	assert_int_equal(hn_deadline_order_key(&mla, INT64_MAX),
	    hn_deadline_order_key(&mla, INT64_C(1) << 50));
	assert_true(hn_deadline_order_key(&mla, -5) >= 0);
	old.created_at = HN_TIME_NONE;
	assert_int_equal(hn_deadline_order_key(&old, HN_TIME_NONE),
	    HN_ORDER_KEY_MAX);
}

static void
test_levels(void **state)
{
	enum hn_level l;

	assert_int_equal(hn_deadline_level(HN_TIME_NONE, 100, 99, 10),
	    HN_LEVEL_DUE_SOON);
	assert_int_equal(hn_deadline_level(HN_TIME_NONE, 100, 89, 10),
	    HN_LEVEL_OK);
	assert_int_equal(hn_deadline_level(HN_TIME_NONE, 100, 100, 10),
	    HN_LEVEL_OVERDUE);
	assert_int_equal(hn_deadline_level(0, 100, 74, 50), HN_LEVEL_OK);
	assert_int_equal(hn_deadline_level(0, 100, 75, 50), HN_LEVEL_DUE_SOON);
	assert_int_equal(hn_level_parse("due_soon", &l), 0);
	assert_int_equal(l, HN_LEVEL_DUE_SOON);
	assert_int_equal(hn_level_parse("late", &l), HN_EINVAL);
	assert_string_equal(hn_level_name(HN_LEVEL_OVERDUE), "overdue");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acknowledge),
		cmocka_unit_test(test_preservation),
		cmocka_unit_test(test_stated),
		cmocka_unit_test(test_stated_check),
		cmocka_unit_test(test_final_no_clock),
		cmocka_unit_test(test_emergency_execution),
		cmocka_unit_test(test_order_key),
		cmocka_unit_test(test_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
