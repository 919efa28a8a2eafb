/* Unit tests for src/core/protocol: the user rows of every kind and side
 * against a matrix written independently of the table; who may take
 * them (side, cause, role); what they need (grounds, reasons, another
 * approver, the 60 days of art. 42, the preservation a disclosure names);
 * the messages and their rows on the other copy; the printed tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/protocol.h"
#include "util/buf.h"
#include "util/file.h"

/* "from>to" for users, per table and side. */
static const char *const req_plain[] = { "draft>queued", "draft>withdrawn",
	"queued>withdrawn", "delivered>withdrawn", "acknowledged>withdrawn",
	"postponed>withdrawn", NULL };
static const char *const req_preservation[] = { "draft>queued",
	"draft>withdrawn", "queued>withdrawn", "delivered>withdrawn",
	"acknowledged>withdrawn", "postponed>withdrawn", "preserved>withdrawn",
	"extended>withdrawn", NULL };
static const char *const req_emergency[] = { "draft>awaiting_approval",
	"awaiting_approval>queued", "awaiting_approval>draft",
	"awaiting_approval>withdrawn", "draft>withdrawn", "queued>withdrawn",
	"delivered>withdrawn", "acknowledged>withdrawn", "postponed>withdrawn",
	NULL };
/* The requested State never withdraws: only the requester does (art. 40). */
static const char *const ed_plain[] = { "received>acknowledged",
	"acknowledged>executed", "acknowledged>partially_executed",
	"acknowledged>refused", "acknowledged>postponed", "postponed>executed",
	"postponed>partially_executed", "postponed>refused", NULL };
static const char *const ed_preservation[] = { "received>acknowledged",
	"acknowledged>preserved", "acknowledged>refused",
	"acknowledged>postponed", "postponed>preserved", "postponed>refused",
	"preserved>extended", "preserved>released", "extended>released", NULL };

static int
listed(const char *const *l, enum hn_state f, enum hn_state t)
{
	char s[64];

	snprintf(s, sizeof(s), "%s>%s", hn_state_name(f), hn_state_name(t));
	for (; *l != NULL; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

static struct hn_proto_facts
officer(void)
{
	static const char *const g[] = { "sovereignty_security_public_order" };
	static struct hn_refusal_ctx rc;
	struct hn_proto_facts f;

	memset(&rc, 0, sizeof(rc));
	rc.kind = hn_kind_find("mla");
	memset(&f, 0, sizeof(f));
	f.roles = HN_PR_OFFICERS;
	f.actor = "bob";
	f.author = "alice";
	f.now = 2000000000;
	f.preserved_at = 1;
	f.preservation_ref_ok = true;
	f.refusal = &rc;
	f.grounds = g;
	f.ngrounds = 1;
	f.reason = "because";
	return f;
}

/* Every kind, side, from, to: a user may take exactly the listed rows. */
static void
test_user_matrix(void **state)
{
	const struct hn_kind *k;
	struct hn_proto_facts f = officer();
	struct hn_error err;
	int side, from, to, want, r;

	(void)state;
	for (k = hn_kinds; k->name != NULL; k++) {
		const struct hn_protocol *p = hn_protocol_for(k);

		for (side = 0; side < 2; side++)
			for (from = 0; from < HN_ST_COUNT_; from++)
				for (to = 0; to < HN_ST_COUNT_; to++) {
					const char *const *l = side == 0 ?
					    (k->emergency ? req_emergency :
						    k->preservation ?
							    req_preservation :
							    req_plain) :
					    (k->preservation ? ed_preservation :
							       ed_plain);

					want = listed(l, from, to);
					r = hn_proto_check(p, side, from, to,
					    HN_BY_USER, NULL, &f, NULL, &err);
					if ((r == 0) != want)
						fail_msg("%s %s %s>%s: %d (%s)",
						    k->name, hn_side_name(side),
						    hn_state_name(from),
						    hn_state_name(to), r,
						    err.message);
				}
	}
}

static void
test_side_role_cause(void **state)
{
	const struct hn_protocol *mla = hn_protocol_for(hn_kind_find("mla"));
	const struct hn_protocol *em =
	    hn_protocol_for(hn_kind_find("emergency"));
	struct hn_proto_facts f = officer();
	struct hn_error err;

	(void)state;
	/* the requested State may not withdraw: 403 naming the side */
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTED,
			     HN_ST_ACKNOWLEDGED, HN_ST_WITHDRAWN, HN_BY_USER,
			     NULL, &f, NULL, &err),
	    HN_EDENIED);
	assert_non_null(strstr(err.message, "requesting"));
	/* nor the requester acknowledge or refuse */
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTING,
			     HN_ST_DELIVERED, HN_ST_ACKNOWLEDGED, HN_BY_USER,
			     NULL, &f, NULL, &err),
	    HN_EDENIED);
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTING,
			     HN_ST_ACKNOWLEDGED, HN_ST_REFUSED, HN_BY_USER,
			     NULL, &f, NULL, &err),
	    HN_EDENIED);
	/* a receipt's change is the network's, not a user's */
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTING, HN_ST_QUEUED,
			     HN_ST_DELIVERED, HN_BY_USER, NULL, &f, NULL, &err),
	    HN_EDENIED);
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTING, HN_ST_QUEUED,
			     HN_ST_DELIVERED, HN_BY_RECEIPT, HN_MSG_REQUEST,
			     NULL, NULL, &err),
	    0);
	/* the other node refused the request (its gate) or it could not
	 * be delivered, for good: rejected, also after a withdrawal */
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTING, HN_ST_QUEUED,
			     HN_ST_REJECTED, HN_BY_RECEIPT, HN_MSG_REFUSED,
			     NULL, NULL, &err),
	    0);
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTING,
			     HN_ST_WITHDRAWN, HN_ST_REJECTED, HN_BY_RECEIPT,
			     HN_MSG_REFUSED, NULL, NULL, &err),
	    0);
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTING,
			     HN_ST_DELIVERED, HN_ST_REJECTED, HN_BY_RECEIPT,
			     HN_MSG_REFUSED, NULL, NULL, &err),
	    HN_ESTATE);
	assert_true(hn_proto_final(mla, HN_SIDE_REQUESTING, HN_ST_REJECTED));
	/* an inbound refusal needs known grounds and reasons */
	f.grounds = NULL;
	f.ngrounds = 0;
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTING,
			     HN_ST_ACKNOWLEDGED, HN_ST_REFUSED, HN_BY_MESSAGE,
			     "refusal", &f, NULL, &err),
	    HN_EINVAL);
	assert_string_equal(err.field, "grounds");
	f = officer();
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTING,
			     HN_ST_ACKNOWLEDGED, HN_ST_REFUSED, HN_BY_MESSAGE,
			     "refusal", &f, NULL, &err),
	    0);
	/* not in the table at all: 409 */
	assert_int_equal(hn_proto_check(mla, HN_SIDE_REQUESTING,
			     HN_ST_DELIVERED, HN_ST_DRAFT, HN_BY_USER, NULL, &f,
			     NULL, &err),
	    HN_ESTATE);
	/* art. 41: approving needs a supervisor who is not the author */
	assert_int_equal(hn_proto_check(em, HN_SIDE_REQUESTING,
			     HN_ST_AWAITING_APPROVAL, HN_ST_QUEUED, HN_BY_USER,
			     NULL, &f, NULL, &err),
	    0); /* officer() includes the supervisor role */
	f.roles = HN_PR_DUTY_OFFICER;
	assert_int_equal(hn_proto_check(em, HN_SIDE_REQUESTING,
			     HN_ST_AWAITING_APPROVAL, HN_ST_QUEUED, HN_BY_USER,
			     NULL, &f, NULL, &err),
	    HN_EDENIED);
	f.roles = HN_PR_SUPERVISOR;
	f.actor = "alice";
	assert_int_equal(hn_proto_check(em, HN_SIDE_REQUESTING,
			     HN_ST_AWAITING_APPROVAL, HN_ST_QUEUED, HN_BY_USER,
			     NULL, &f, NULL, &err),
	    HN_EDENIED);
	assert_string_equal(err.article, "41");
	/* no way around approval */
	f = officer();
	assert_int_equal(hn_proto_check(em, HN_SIDE_REQUESTING, HN_ST_DRAFT,
			     HN_ST_QUEUED, HN_BY_USER, NULL, &f, NULL, &err),
	    HN_ESTATE);
}

static void
test_needs(void **state)
{
	const struct hn_protocol *pres =
	    hn_protocol_for(hn_kind_find("preservation"));
	const struct hn_protocol *dis =
	    hn_protocol_for(hn_kind_find("traffic_disclosure"));
	struct hn_proto_facts f = officer();
	struct hn_error err;
	const char *bank[] = { "bank_secrecy" };

	(void)state;
	/* art. 42: 60 days from preserved, for a release and for expiry */
	f.preserved_at = f.now - 59 * 86400;
	assert_int_equal(hn_proto_check(pres, HN_SIDE_REQUESTED,
			     HN_ST_PRESERVED, HN_ST_RELEASED, HN_BY_USER, NULL,
			     &f, NULL, &err),
	    HN_ESTATE);
	assert_string_equal(err.article, "42");
	assert_int_equal(hn_proto_check(pres, HN_SIDE_REQUESTED, HN_ST_EXTENDED,
			     HN_ST_EXPIRED, HN_BY_TIMER, NULL, &f, NULL, &err),
	    HN_ESTATE);
	f.preserved_at = f.now - 60 * 86400;
	assert_int_equal(hn_proto_check(pres, HN_SIDE_REQUESTED,
			     HN_ST_PRESERVED, HN_ST_RELEASED, HN_BY_USER, NULL,
			     &f, NULL, &err),
	    0);
	assert_int_equal(hn_proto_check(pres, HN_SIDE_REQUESTED,
			     HN_ST_PRESERVED, HN_ST_EXPIRED, HN_BY_TIMER, NULL,
			     &f, NULL, &err),
	    0);
	/* a user does not expire a preservation: the timer does */
	assert_int_equal(hn_proto_check(pres, HN_SIDE_REQUESTED,
			     HN_ST_PRESERVED, HN_ST_EXPIRED, HN_BY_USER, NULL,
			     &f, NULL, &err),
	    HN_EDENIED);
	/* the requester's withdrawal ends it at any time */
	f.preserved_at = f.now - 1;
	assert_int_equal(hn_proto_check(pres, HN_SIDE_REQUESTED,
			     HN_ST_PRESERVED, HN_ST_WITHDRAWN, HN_BY_MESSAGE,
			     "withdrawal", &f, NULL, &err),
	    0);
	/* refusal: grounds and reasons (art. 40), on both copies */
	f.reason = " ";
	assert_int_equal(hn_proto_check(pres, HN_SIDE_REQUESTED,
			     HN_ST_ACKNOWLEDGED, HN_ST_REFUSED, HN_BY_USER,
			     NULL, &f, NULL, &err),
	    HN_EINVAL);
	assert_string_equal(err.field, "reason");
	assert_int_equal(hn_proto_check(pres, HN_SIDE_REQUESTING,
			     HN_ST_ACKNOWLEDGED, HN_ST_REFUSED, HN_BY_MESSAGE,
			     "refusal", &f, NULL, &err),
	    HN_EINVAL);
	f.reason = "r";
	f.grounds = bank;
	assert_int_equal(hn_proto_check(pres, HN_SIDE_REQUESTING,
			     HN_ST_ACKNOWLEDGED, HN_ST_REFUSED, HN_BY_MESSAGE,
			     "refusal", &f, NULL, &err),
	    HN_EINVAL);
	assert_string_equal(err.field, "grounds");
	f.ngrounds = 0;
	assert_int_equal(hn_proto_check(pres, HN_SIDE_REQUESTED,
			     HN_ST_ACKNOWLEDGED, HN_ST_REFUSED, HN_BY_USER,
			     NULL, &f, NULL, &err),
	    HN_EINVAL);
	/* art. 43: the preservation a disclosure arises from */
	f = officer();
	f.preservation_ref_ok = false;
	assert_int_equal(hn_proto_check(dis, HN_SIDE_REQUESTING, HN_ST_DRAFT,
			     HN_ST_QUEUED, HN_BY_USER, NULL, &f, NULL, &err),
	    HN_EVALIDATE);
	assert_string_equal(err.field, "preservation_reference");
	assert_int_equal(hn_proto_check(dis, HN_SIDE_REQUESTED, HN_ST_NONE,
			     HN_ST_RECEIVED, HN_BY_MESSAGE, HN_MSG_REQUEST, &f,
			     NULL, &err),
	    HN_EVALIDATE);
}

/*
 * Every row that sends a message has its counterpart on the other copy
 * (a row of cause message with that kind and the same target), and every
 * message row answers a sending row: the two copies speak one language.
 */
static void
test_messages_pair(void **state)
{
	const struct hn_protocol *const *p;
	size_t i, j;

	(void)state;
	for (p = hn_protocols; *p != NULL; p++)
		for (i = 0; i < (*p)->nrows; i++) {
			const struct hn_proto_row *t = &(*p)->rows[i];
			int found = 0;

			if (t->cause == HN_BY_USER)
				assert_non_null(t->label);
			if (t->sends == NULL && t->cause != HN_BY_MESSAGE)
				continue;
			for (j = 0; j < (*p)->nrows && !found; j++) {
				const struct hn_proto_row *u = &(*p)->rows[j];

				if (t->sends != NULL)
					found = u->side != t->side &&
					    u->cause == HN_BY_MESSAGE &&
					    strcmp(u->on, t->sends) == 0 &&
					    (strcmp(t->sends, HN_MSG_REQUEST) ==
							0 ?
						    u->to == HN_ST_RECEIVED :
						    u->to == t->to);
				else
					found = u->side != t->side &&
					    u->sends != NULL &&
					    strcmp(u->sends, t->on) == 0;
			}
			if (!found)
				fail_msg("%s row %zu (%s %s>%s) has no "
					 "counterpart",
				    (*p)->name, i, hn_side_name(t->side),
				    hn_state_name(t->from),
				    hn_state_name(t->to));
		}
}

static void
test_final_and_names(void **state)
{
	const struct hn_protocol *pres =
	    hn_protocol_for(hn_kind_find("preservation"));
	enum hn_state s;
	char *text;

	(void)state;
	assert_true(hn_proto_final(pres, HN_SIDE_REQUESTED, HN_ST_EXPIRED));
	assert_true(hn_proto_final(pres, HN_SIDE_REQUESTED, HN_ST_WITHDRAWN));
	assert_false(hn_proto_final(pres, HN_SIDE_REQUESTED, HN_ST_PRESERVED));
	/* a final answer still wins over the requester's withdrawal */
	assert_false(hn_proto_final(pres, HN_SIDE_REQUESTING, HN_ST_WITHDRAWN));
	assert_true(hn_proto_final(pres, HN_SIDE_REQUESTING, HN_ST_RELEASED));
	assert_int_equal(hn_state_parse("none", &s), HN_EINVAL);
	assert_int_equal(hn_state_parse("approved", &s), HN_EINVAL);
	assert_int_equal(hn_state_parse("withdrawn", &s), 0);
	assert_int_equal(s, HN_ST_WITHDRAWN);
	assert_string_equal(hn_state_name(HN_ST_COUNT_), "?");
	assert_null(hn_protocol_for(NULL));
	text = hn_protocol_text();
	assert_non_null(text);
	assert_non_null(strstr(text, "### preservation"));
	assert_non_null(strstr(text, "Budapest art. 29(7)"));
	free(text);
}

/* docs/protocol.md holds exactly what `hanoinet request protocol` prints. */
static void
test_docs_in_sync(void **state)
{
	struct hn_buf doc = HN_BUF_INIT(1u << 20);
	const char *src = getenv("HN_SRC"), *a, *b;
	char path[4096], *text;

	(void)state;
	if (src == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/docs/protocol.md", src);
	assert_int_equal(hn_file_read(path, &doc), 0);
	assert_non_null(a = strstr(doc.data, "<!-- protocol:begin -->\n"));
	a += strlen("<!-- protocol:begin -->\n");
	assert_non_null(b = strstr(a, "<!-- protocol:end -->"));
	assert_non_null(text = hn_protocol_text());
	if (strlen(text) != (size_t)(b - a) ||
	    memcmp(text, a, (size_t)(b - a)) != 0)
		fail_msg("docs/protocol.md differs from `hanoinet request "
			 "protocol` between the protocol markers: paste its "
			 "output there");
	free(text);
	hn_buf_release(&doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_matrix),
		cmocka_unit_test(test_side_role_cause),
		cmocka_unit_test(test_needs),
		cmocka_unit_test(test_messages_pair),
		cmocka_unit_test(test_final_and_names),
		cmocka_unit_test(test_docs_in_sync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
