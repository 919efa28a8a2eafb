/* Unit tests for src/core/lifecycle: the full state x state matrix per
 * kind and side, approvals, refusal grounds (art. 40). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/lifecycle.h"

/* The allowed transitions as issue 2 lists them, written independently of
 * the table in lifecycle.c: "from>to" per kind class and side. */
static const char *const req_plain[] = { "draft>queued", "queued>sent",
	"sent>delivered", "draft>withdrawn", "queued>withdrawn",
	"sent>withdrawn", "delivered>withdrawn", NULL };
static const char *const req_emergency[] = { "draft>awaiting_approval",
	"awaiting_approval>approved", "approved>queued", "queued>sent",
	"sent>delivered", "draft>withdrawn", "awaiting_approval>withdrawn",
	"approved>withdrawn", "queued>withdrawn", "sent>withdrawn",
	"delivered>withdrawn", NULL };
/* The requester withdraws while the answer is open (mirrored states). */
static const char *const req_open[] = { "acknowledged>withdrawn",
	"postponed>withdrawn", NULL };
static const char *const req_open_preservation[] = {
	"preserved>withdrawn", "extended>withdrawn", NULL };
static const char *const ed_plain[] = { "received>acknowledged",
	"acknowledged>executed", "acknowledged>partially_executed",
	"acknowledged>refused", "acknowledged>postponed",
	"postponed>executed", "postponed>partially_executed",
	"postponed>refused", "received>withdrawn", "acknowledged>withdrawn",
	"postponed>withdrawn", NULL };
static const char *const ed_preservation[] = { "received>acknowledged",
	"acknowledged>preserved", "acknowledged>refused",
	"acknowledged>postponed", "postponed>preserved", "postponed>refused",
	"preserved>extended", "preserved>expired", "preserved>released",
	"extended>expired", "extended>released", "received>withdrawn",
	"acknowledged>withdrawn", "postponed>withdrawn",
	"preserved>withdrawn", "extended>withdrawn", NULL };

static bool
listed(const char *const *l, enum hn_state a, enum hn_state b)
{
	char s[64];

	snprintf(s, sizeof(s), "%s>%s", hn_state_name(a), hn_state_name(b));
	for (; *l != NULL; l++)
		if (strcmp(*l, s) == 0)
			return true;
	return false;
}

static const char *const ok_grounds[] = { "non_conformity" };
static const struct hn_transition_args full = { ok_grounds, 1,
	"the reasons", true };

static void
test_matrix(void **state)
{
	const struct hn_kind *k;
	const struct hn_transition *out[HN_ST_COUNT_ * 2];
	const char *const *want;
	struct hn_error err;
	char a[64], b[64];
	int side, from, to, r;
	size_t n, nwant, checked = 0;

	for (k = hn_kinds; k->name != NULL; k++)
		for (side = 0; side < 2; side++) {
			if (side == HN_SIDE_REQUESTING)
				want = k->emergency ? req_emergency : req_plain;
			else
				want = k->preservation ? ed_preservation :
				    ed_plain;
			for (from = 0; from < HN_ST_COUNT_; from++) {
				nwant = 0;
				for (to = 0; to < HN_ST_COUNT_; to++) {
					bool ok = listed(want, from, to) ||
					    (side == HN_SIDE_REQUESTING &&
					    (listed(req_open, from, to) ||
					    (k->preservation && listed(
					    req_open_preservation, from,
					    to))));

					nwant += ok;
					r = hn_transition_check(k, side, from,
					    to, &full, &err);
					checked++;
					if (ok && r != 0)
						fail_msg("%s %s: %s -> %s "
						    "refused: %s", k->name,
						    hn_side_name(side),
						    hn_state_name(from),
						    hn_state_name(to),
						    err.message);
					if (ok)
						continue;
					if (r != HN_ESTATE)
						fail_msg("%s %s: %s -> %s "
						    "allowed", k->name,
						    hn_side_name(side),
						    hn_state_name(from),
						    hn_state_name(to));
					/* the error names both states */
					snprintf(a, sizeof(a), "from %s ",
					    hn_state_name(from));
					snprintf(b, sizeof(b), "to %s ",
					    hn_state_name(to));
					assert_non_null(strstr(err.message, a));
					assert_non_null(strstr(err.message, b));
				}
				n = hn_transitions_from(k, side, from, out,
				    sizeof(out) / sizeof(out[0]));
				assert_int_equal(n, nwant);
				while (n-- > 0) {
					assert_int_equal(out[n]->from, from);
					assert_true(listed(want, from,
					    out[n]->to) || out[n]->to ==
					    HN_ST_WITHDRAWN);
				}
				assert_int_equal(hn_state_terminal(k, side,
				    from), nwant == 0);
			}
		}
	assert_int_equal(checked, 7 * 2 * HN_ST_COUNT_ * HN_ST_COUNT_);
}

/* The requesting side follows the requested State's answers. */
static void
test_answers(void **state)
{
	const struct hn_kind *p = hn_kind_find("preservation");
	const struct hn_kind *m = hn_kind_find("mla");

	(void)state;
	assert_non_null(p);
	assert_non_null(m);
	/* in order */
	assert_true(hn_answer_applies(p, HN_ST_DELIVERED, HN_ST_ACKNOWLEDGED));
	assert_true(hn_answer_applies(p, HN_ST_ACKNOWLEDGED,
	    HN_ST_PRESERVED));
	assert_true(hn_answer_applies(p, HN_ST_PRESERVED, HN_ST_RELEASED));
	/* the answer overtook the receipt, or one was lost: still placed */
	assert_true(hn_answer_applies(p, HN_ST_QUEUED, HN_ST_ACKNOWLEDGED));
	assert_true(hn_answer_applies(p, HN_ST_SENT, HN_ST_PRESERVED));
	assert_true(hn_answer_applies(m, HN_ST_DELIVERED, HN_ST_EXECUTED));
	/* stale, repeated, or out of the kind's rules */
	assert_false(hn_answer_applies(p, HN_ST_PRESERVED,
	    HN_ST_ACKNOWLEDGED));
	assert_false(hn_answer_applies(p, HN_ST_ACKNOWLEDGED,
	    HN_ST_ACKNOWLEDGED));
	assert_false(hn_answer_applies(p, HN_ST_RELEASED, HN_ST_EXTENDED));
	assert_false(hn_answer_applies(p, HN_ST_DELIVERED, HN_ST_EXECUTED));
	assert_false(hn_answer_applies(m, HN_ST_DELIVERED, HN_ST_PRESERVED));
	/* not sent yet, withdrawn by us, or not an answer state */
	assert_false(hn_answer_applies(p, HN_ST_DRAFT, HN_ST_ACKNOWLEDGED));
	assert_false(hn_answer_applies(p, HN_ST_WITHDRAWN,
	    HN_ST_ACKNOWLEDGED));
	assert_false(hn_answer_applies(p, HN_ST_DELIVERED, HN_ST_WITHDRAWN));
	assert_false(hn_answer_applies(p, HN_ST_DELIVERED, HN_ST_SENT));
	assert_false(hn_answer_applies(p, HN_ST_DELIVERED, HN_ST_RECEIVED));
	assert_false(hn_answer_applies(p, HN_ST_DELIVERED,
	    (enum hn_state)99));
	assert_false(hn_answer_applies(NULL, HN_ST_DELIVERED,
	    HN_ST_ACKNOWLEDGED));
}

static void
test_names(void **state)
{
	enum hn_state s;
	enum hn_side side;
	int i;

	for (i = 0; i < HN_ST_COUNT_; i++) {
		assert_int_equal(hn_state_parse(hn_state_name(i), &s), 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(hn_state_parse("Draft", &s), HN_EINVAL);
	assert_int_equal(hn_state_parse(NULL, &s), HN_EINVAL);
	assert_string_equal(hn_state_name(HN_ST_COUNT_), "?");
	assert_string_equal(hn_state_name(HN_ST_PARTIALLY_EXECUTED),
	    "partially_executed");
	assert_int_equal(hn_side_parse("requested", &side), 0);
	assert_int_equal(side, HN_SIDE_REQUESTED);
	assert_int_equal(hn_side_parse("x", &side), HN_EINVAL);
	assert_int_equal(hn_state_initial(HN_SIDE_REQUESTING), HN_ST_DRAFT);
	assert_int_equal(hn_state_initial(HN_SIDE_REQUESTED), HN_ST_RECEIVED);
}

static void
test_illegal_message(void **state)
{
	struct hn_error err;

	assert_int_equal(hn_transition_check(hn_kind_find("preservation"),
	    HN_SIDE_REQUESTING, HN_ST_SENT, HN_ST_DRAFT, NULL, &err),
	    HN_ESTATE);
	assert_string_equal(err.message, "illegal transition from sent to "
	    "draft for preservation (requesting side)");
	assert_int_equal(hn_transition_check(NULL, HN_SIDE_REQUESTING,
	    HN_ST_DRAFT, HN_ST_QUEUED, NULL, &err), HN_EINVAL);
	assert_int_equal(hn_transition_check(hn_kind_find("mla"),
	    HN_SIDE_REQUESTING, (enum hn_state)99, HN_ST_QUEUED, NULL, &err),
	    HN_ESTATE);
}

/* Art. 41: an emergency request leaves only with a supervisor's approval. */
static void
test_supervisor(void **state)
{
	const struct hn_kind *k = hn_kind_find("emergency");
	struct hn_transition_args officer = { NULL, 0, NULL, false };
	struct hn_error err;

	assert_int_equal(hn_transition_check(k, HN_SIDE_REQUESTING,
	    HN_ST_AWAITING_APPROVAL, HN_ST_APPROVED, &officer, &err),
	    HN_EDENIED);
	assert_string_equal(err.message,
	    "awaiting_approval to approved needs a supervisor");
	assert_int_equal(hn_transition_check(k, HN_SIDE_REQUESTING,
	    HN_ST_AWAITING_APPROVAL, HN_ST_APPROVED, NULL, &err), HN_EDENIED);
	/* and it cannot skip the approval */
	assert_int_equal(hn_transition_check(k, HN_SIDE_REQUESTING,
	    HN_ST_DRAFT, HN_ST_QUEUED, &full, &err), HN_ESTATE);
}

/* Art. 40: refusal on listed grounds only, with reasons. */
static void
test_refusal(void **state)
{
	static const struct {
		const char *kind;
		const char *grounds[3];
		size_t n;
		const char *reason;
		int want;
		const char *msg;
	} t[] = {
		{ "mla", { NULL }, 0, "r", HN_EINVAL,
		    "a refusal needs at least one ground" },
		{ "mla", { "non_conformity" }, 1, NULL, HN_EINVAL,
		    "a refusal must give its reasons" },
		{ "mla", { "non_conformity" }, 1, " \n", HN_EINVAL,
		    "a refusal must give its reasons" },
		{ "mla", { "bank_secrecy" }, 1, "r", HN_EINVAL,
		    "bank_secrecy is not a ground for refusal" },
		{ "stored_data", { "discrimination", "fiscal_matter" }, 2, "r",
		    HN_EINVAL, "fiscal_matter is not a ground for refusal" },
		{ "mla", { "dislike" }, 1, "r", HN_EINVAL,
		    "unknown ground 'dislike'" },
		{ "mla", { NULL }, 1, "r", HN_EINVAL, "unknown ground ''" },
		{ "mla", { "dual_criminality_reservation" }, 1, "r", HN_EINVAL,
		    "dual_criminality_reservation applies to preservation "
		    "requests only" },
		{ "preservation", { "dual_criminality_reservation" }, 1, "r",
		    0, NULL },
		{ "mla", { "sovereignty_security_public_order",
		    "domestic_law_forbids", "contrary_to_legal_system" }, 3,
		    "r", 0, NULL },
		{ "interception", { "discrimination" }, 1, "r", 0, NULL },
	};
	struct hn_transition_args args;
	struct hn_error err;
	size_t i;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		args.grounds = t[i].grounds;
		args.ngrounds = t[i].n;
		args.reason = t[i].reason;
		args.supervisor = false;
		hn_error_clear(&err);
		r = hn_transition_check(hn_kind_find(t[i].kind),
		    HN_SIDE_REQUESTED, HN_ST_ACKNOWLEDGED, HN_ST_REFUSED,
		    &args, &err);
		if (r != t[i].want)
			fail_msg("case %zu: %d %s", i, r, err.message);
		if (t[i].msg != NULL)
			assert_string_equal(err.message, t[i].msg);
	}
	/* no args at all */
	assert_int_equal(hn_transition_check(hn_kind_find("mla"),
	    HN_SIDE_REQUESTED, HN_ST_POSTPONED, HN_ST_REFUSED, NULL, &err),
	    HN_EINVAL);
	/* a postponement gives its reasons too */
	assert_int_equal(hn_transition_check(hn_kind_find("mla"),
	    HN_SIDE_REQUESTED, HN_ST_ACKNOWLEDGED, HN_ST_POSTPONED, NULL,
	    &err), HN_EINVAL);
	assert_string_equal(err.field, "reason");
	for (i = 0; hn_grounds[i].code != NULL; i++)
		assert_ptr_equal(hn_ground_find(hn_grounds[i].code),
		    &hn_grounds[i]);
	assert_null(hn_ground_find("bank_secrecy"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_illegal_message),
		cmocka_unit_test(test_supervisor),
		cmocka_unit_test(test_refusal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
