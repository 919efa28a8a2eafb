/* Unit tests for src/core/deadline: arts. 40, 41, 42 at their boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/date.h"
#include "core/deadline.h"

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
		assert_int_equal(out[0].due, T0 + (strcmp(t[i].kind,
		    "emergency") ? 24 * H : H));
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
		struct hn_deadline_config c = { 2 * H, 10 * 60, H };

		in = input("emergency", HN_SIDE_REQUESTED, HN_ST_RECEIVED);
		in.received_at = T0;
		assert_int_equal(hn_deadlines_compute(&in, &c, T0, out, 4), 1);
		assert_int_equal(out[0].due, T0 + 600);
		in.kind = hn_kind_find("preservation");
		/* due soon in the last quarter (30 min) of 2 h */
		assert_int_equal(hn_deadlines_compute(&in, &c, T0 + 89 * 60,
		    out, 4), 1);
		assert_int_equal(out[0].level, HN_LEVEL_OK);
		assert_int_equal(hn_deadlines_compute(&in, &c, T0 + 90 * 60,
		    out, 4), 1);
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
	assert_int_equal(hn_deadline_level(0, 100, 75, 50),
	    HN_LEVEL_DUE_SOON);
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
		cmocka_unit_test(test_levels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
