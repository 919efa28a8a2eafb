#include "core/protocol.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "util/buf.h"

static const char *const state_names[HN_ST_COUNT_] = { "draft",
	"awaiting_approval", "queued", "delivered", "rejected", "received",
	"acknowledged", "executed", "partially_executed", "refused",
	"postponed", "preserved", "extended", "expired", "released",
	"withdrawn", "none" };

const char *const hn_need_names[] = { "grounds", "reason", "other_approver",
	"min_preservation", "preservation_ref", NULL };
const char *const hn_clock_names[] = { "ack", "stated", "execution",
	"preservation", NULL };

/*
 * The rules each row implements. Article numbers of the UN Convention are
 * those of its final text (A/RES/79/243); its paragraphs are not cited
 * here where no source at hand confirms them. Budapest: ETS No. 185.
 */
static const struct hn_citation c40 = { "unccc", "40", NULL, NULL, true };
static const struct hn_citation c41 = { "unccc", "41", NULL, NULL, true };
static const struct hn_citation c42 = { "unccc", "42", NULL, NULL, true };
static const struct hn_citation c43 = { "unccc", "43", NULL, NULL, true };
/* Preserved at least 60 days: UNCCC art. 42 (paragraph not confirmed),
 * Budapest art. 29(7) (confirmed). */
static const struct hn_citation c42_60 = { "budapest", "29", "7", NULL, true };

#define REQING HN_SIDE_REQUESTING
#define REQED HN_SIDE_REQUESTED
#define OFF HN_PR_OFFICERS
#define SUP HN_PR_SUPERVISOR
#define ALL HN_CLK_ALL

/* A user row of the requesting side. */
#define RU(f, t, roles, needs, sends, starts, stops, label, cite) \
	{ \
		REQING, HN_ST_##f, HN_ST_##t, HN_BY_USER, roles, needs, NULL, \
		    sends, starts, stops, label, cite \
	}

/*
 * An answer of the requested State: its user (or timer) row, and the row
 * the message it sends takes on the requesting copy (the requesting node
 * checks the grounds and reasons it carries too, not who took it).
 */
#define ANSWER_ROWS(cause, f, t, roles, needs, msg, starts, stops, label, \
    cite) \
	{ REQED, HN_ST_##f, HN_ST_##t, cause, roles, needs, NULL, msg, starts, \
		stops, label, cite }, \
	{ \
		REQING, HN_ST_##f, HN_ST_##t, HN_BY_MESSAGE, 0, \
		    (needs) & (HN_PN_GROUNDS | HN_PN_REASON), msg, NULL, \
		    starts, stops, NULL, cite \
	}
#define ANSWER(f, t, needs, msg, starts, stops, label, cite) \
	ANSWER_ROWS(HN_BY_USER, f, t, OFF, needs, msg, starts, stops, label, \
	    cite)
/* The first answer: the requesting copy may still be queued (the
 * request's receipt has not come back yet) or delivered. */
#define FIRST_ANSWER(t, needs, msg, starts, stops, label, cite) \
	{ REQED, HN_ST_RECEIVED, HN_ST_##t, HN_BY_USER, OFF, needs, NULL, msg, \
		starts, stops, label, cite }, \
	    { REQING, HN_ST_QUEUED, HN_ST_##t, HN_BY_MESSAGE, 0, 0, msg, NULL, \
		    starts, stops, NULL, cite }, \
	{ \
		REQING, HN_ST_DELIVERED, HN_ST_##t, HN_BY_MESSAGE, 0, 0, msg, \
		    NULL, starts, stops, NULL, cite \
	}
/*
 * A final answer that crossed the requester's withdrawal: the requested
 * node refuses the withdrawal (its copy is final), and the requesting
 * copy follows the answer, so both end in the answer's state.
 */
#define CROSSED(t, needs, msg, cite) \
	{ \
		REQING, HN_ST_WITHDRAWN, HN_ST_##t, HN_BY_MESSAGE, 0, \
		    (needs) & (HN_PN_GROUNDS | HN_PN_REASON), msg, NULL, 0, \
		    ALL, NULL, cite \
	}
/* The requester's withdrawal reaching the requested copy in state f. */
#define WITHDRAWAL(f) \
	{ \
		REQED, HN_ST_##f, HN_ST_WITHDRAWN, HN_BY_MESSAGE, 0, 0, \
		    "withdrawal", NULL, 0, ALL, NULL, &c40 \
	}
#define WITHDRAW(f) \
	RU(f, WITHDRAWN, OFF, 0, "withdrawal", 0, ALL, "Withdraw", &c40)

/* Art. 40: the requester says when assistance is no longer needed; a
 * request that has not left is withdrawn without a message. */
#define REQUESTING_COMMON \
	RU(DRAFT, WITHDRAWN, OFF, 0, NULL, 0, ALL, "Withdraw", &c40), \
	    { REQING, HN_ST_QUEUED, HN_ST_DELIVERED, HN_BY_RECEIPT, 0, 0, \
		    HN_MSG_REQUEST, NULL, 0, 0, NULL, &c40 }, \
	    { REQING, HN_ST_QUEUED, HN_ST_REJECTED, HN_BY_RECEIPT, 0, 0, \
		    HN_MSG_REFUSED, NULL, 0, ALL, NULL, &c40 }, \
	    { REQING, HN_ST_WITHDRAWN, HN_ST_REJECTED, HN_BY_RECEIPT, 0, 0, \
		    HN_MSG_REFUSED, NULL, 0, ALL, NULL, &c40 }, \
	    WITHDRAW(QUEUED), WITHDRAW(DELIVERED), WITHDRAW(ACKNOWLEDGED), \
	    WITHDRAW(POSTPONED)

/* A request arrives: the requested copy is made (art. 40: a request is
 * authenticated by the receiver; the gate checks the legal basis). */
#define ARRIVAL(needs) \
	{ \
		REQED, HN_ST_NONE, HN_ST_RECEIVED, HN_BY_MESSAGE, 0, needs, \
		    HN_MSG_REQUEST, NULL, HN_CLK_ACK | HN_CLK_STATED, 0, NULL, \
		    &c40 \
	}

/* Art. 40: execute, refuse on the listed grounds with reasons, or
 * postpone with reasons; art. 41: acknowledge what came through the 24/7
 * network. */
#define EXECUTION_ANSWERS(ack_starts) \
	FIRST_ANSWER(ACKNOWLEDGED, 0, "acknowledgement", ack_starts, \
	    HN_CLK_ACK, "Acknowledge", &c41), \
	    ANSWER(ACKNOWLEDGED, EXECUTED, 0, "response", 0, ALL, "Executed", \
		&c40), \
	    ANSWER(ACKNOWLEDGED, PARTIALLY_EXECUTED, 0, "response", 0, ALL, \
		"Partially executed", &c40), \
	    ANSWER(ACKNOWLEDGED, REFUSED, HN_PN_GROUNDS, "refusal", 0, ALL, \
		"Refuse", &c40), \
	    ANSWER(ACKNOWLEDGED, POSTPONED, HN_PN_REASON, "postponement", 0, \
		0, "Postpone", &c40), \
	    ANSWER(POSTPONED, EXECUTED, 0, "response", 0, ALL, "Executed", \
		&c40), \
	    ANSWER(POSTPONED, PARTIALLY_EXECUTED, 0, "response", 0, ALL, \
		"Partially executed", &c40), \
	    ANSWER(POSTPONED, REFUSED, HN_PN_GROUNDS, "refusal", 0, ALL, \
		"Refuse", &c40), \
	    CROSSED(EXECUTED, 0, "response", &c40), \
	    CROSSED(PARTIALLY_EXECUTED, 0, "response", &c40), \
	    CROSSED(REFUSED, HN_PN_GROUNDS, "refusal", &c40), \
	    WITHDRAWAL(RECEIVED), WITHDRAWAL(ACKNOWLEDGED), \
	    WITHDRAWAL(POSTPONED)

/* Arts. 44-46 and 40: requests that are executed. */
static const struct hn_proto_row t_execution[] = {
	RU(DRAFT, QUEUED, OFF, 0, HN_MSG_REQUEST, HN_CLK_ACK | HN_CLK_STATED, 0,
	    "Send", &c40),
	REQUESTING_COMMON,
	ARRIVAL(0),
	EXECUTION_ANSWERS(0),
};

/* Art. 43: the disclosure names the preservation it arises from, on
 * both nodes. */
static const struct hn_proto_row t_disclosure[] = {
	RU(DRAFT, QUEUED, OFF, HN_PN_PRESERVATION_REF, HN_MSG_REQUEST,
	    HN_CLK_ACK | HN_CLK_STATED, 0, "Send", &c43),
	REQUESTING_COMMON,
	ARRIVAL(HN_PN_PRESERVATION_REF),
	EXECUTION_ANSWERS(0),
};

/*
 * Art. 41: an emergency request leaves only with the approval of a
 * supervisor who is not its author (a forged or rash request cannot
 * go out on one person's word); approving sends it. After
 * acknowledgement its execution has a clock of its own.
 */
static const struct hn_proto_row t_emergency[] = {
	RU(DRAFT, AWAITING_APPROVAL, OFF, 0, NULL, 0, 0, "Submit for approval",
	    &c41),
	RU(AWAITING_APPROVAL, QUEUED, SUP, HN_PN_OTHER_APPROVER, HN_MSG_REQUEST,
	    HN_CLK_ACK | HN_CLK_STATED, 0, "Approve and send", &c41),
	RU(AWAITING_APPROVAL, DRAFT, SUP, HN_PN_REASON, NULL, 0, 0,
	    "Return to the author", &c41),
	RU(AWAITING_APPROVAL, WITHDRAWN, OFF, 0, NULL, 0, ALL, "Withdraw",
	    &c40),
	REQUESTING_COMMON,
	ARRIVAL(0),
	EXECUTION_ANSWERS(HN_CLK_EXECUTION),
};

/*
 * Art. 42: preserved at least 60 days (Budapest 29(7)), then until the
 * follow-up request is decided; only the requester's withdrawal ends it
 * earlier. Refusal on the narrow grounds of core/grounds.c.
 */
static const struct hn_proto_row t_preservation[] = {
	RU(DRAFT, QUEUED, OFF, 0, HN_MSG_REQUEST, HN_CLK_ACK | HN_CLK_STATED, 0,
	    "Send", &c42),
	REQUESTING_COMMON,
	WITHDRAW(PRESERVED),
	WITHDRAW(EXTENDED),
	ARRIVAL(0),
	FIRST_ANSWER(ACKNOWLEDGED, 0, "acknowledgement", 0, HN_CLK_ACK,
	    "Acknowledge", &c41),
	ANSWER(ACKNOWLEDGED, PRESERVED, 0, "status_update", HN_CLK_PRESERVATION,
	    HN_CLK_STATED, "Preserved", &c42),
	ANSWER(ACKNOWLEDGED, REFUSED, HN_PN_GROUNDS, "refusal", 0, ALL,
	    "Refuse", &c42),
	ANSWER(ACKNOWLEDGED, POSTPONED, HN_PN_REASON, "postponement", 0, 0,
	    "Postpone", &c40),
	ANSWER(POSTPONED, PRESERVED, 0, "status_update", HN_CLK_PRESERVATION,
	    HN_CLK_STATED, "Preserved", &c42),
	ANSWER(POSTPONED, REFUSED, HN_PN_GROUNDS, "refusal", 0, ALL, "Refuse",
	    &c42),
	ANSWER(PRESERVED, EXTENDED, 0, "preservation_extension", 0, 0, "Extend",
	    &c42),
	ANSWER(PRESERVED, RELEASED, HN_PN_MIN_PRESERVATION, "release", 0, ALL,
	    "Release", &c42_60),
	ANSWER(EXTENDED, RELEASED, HN_PN_MIN_PRESERVATION, "release", 0, ALL,
	    "Release", &c42_60),
	ANSWER_ROWS(HN_BY_TIMER, PRESERVED, EXPIRED, 0, HN_PN_MIN_PRESERVATION,
	    "status_update", 0, ALL, NULL, &c42_60),
	ANSWER_ROWS(HN_BY_TIMER, EXTENDED, EXPIRED, 0, HN_PN_MIN_PRESERVATION,
	    "status_update", 0, ALL, NULL, &c42_60),
	CROSSED(REFUSED, HN_PN_GROUNDS, "refusal", &c42),
	CROSSED(RELEASED, 0, "release", &c42_60),
	CROSSED(EXPIRED, 0, "status_update", &c42_60),
	WITHDRAWAL(RECEIVED),
	WITHDRAWAL(ACKNOWLEDGED),
	WITHDRAWAL(POSTPONED),
	WITHDRAWAL(PRESERVED),
	WITHDRAWAL(EXTENDED),
};

#define TABLE(name, rows) \
	{ \
		name, rows, sizeof(rows) / sizeof(rows[0]) \
	}

static const struct hn_protocol p_execution = TABLE("execution", t_execution);
static const struct hn_protocol p_disclosure =
    TABLE("disclosure", t_disclosure);
static const struct hn_protocol p_emergency = TABLE("emergency", t_emergency);
static const struct hn_protocol p_preservation =
    TABLE("preservation", t_preservation);

const struct hn_protocol *const hn_protocols[] = { &p_preservation,
	&p_disclosure, &p_emergency, &p_execution, NULL };

/*
 * A row is well formed (checked by assert wherever a table is read, so a
 * bad row added to a table fails the first Debug test that walks it): a
 * real side, real states, a known cause; a user row names who may take it
 * (officers only) and its button; a message or receipt row its message
 * kind; only known needs and clocks.
 */
static bool
row_ok(const struct hn_proto_row *t)
{
	if (t->side != HN_SIDE_REQUESTING && t->side != HN_SIDE_REQUESTED)
		return false;
	if ((unsigned)t->from >= HN_ST_COUNT_ || (unsigned)t->to >= HN_ST_NONE)
		return false;
	if ((t->needs &
		~(unsigned)(HN_PN_GROUNDS | HN_PN_REASON |
		    HN_PN_OTHER_APPROVER | HN_PN_MIN_PRESERVATION |
		    HN_PN_PRESERVATION_REF)) != 0 ||
	    (t->starts & ~(unsigned)HN_CLK_ALL) != 0 ||
	    (t->stops & ~(unsigned)HN_CLK_ALL) != 0)
		return false;
	switch (t->cause) {
	case HN_BY_USER:
		return t->roles != 0 && (t->roles & ~HN_PR_OFFICERS) == 0 &&
		    t->label != NULL && t->on == NULL;
	case HN_BY_MESSAGE:
	case HN_BY_RECEIPT:
		return t->on != NULL;
	case HN_BY_TIMER:
		return t->on == NULL;
	}
	return false;
}

static bool __attribute__((unused)) /* only in assert() */
table_ok(const struct hn_protocol *p)
{
	size_t i;

	if (p->name == NULL || (p->rows == NULL && p->nrows > 0))
		return false;
	for (i = 0; i < p->nrows; i++)
		if (!row_ok(&p->rows[i]))
			return false;
	return true;
}

const struct hn_protocol *
hn_protocol_for(const struct hn_kind *k)
{
	if (k == NULL)
		return NULL;
	if (k->emergency)
		return &p_emergency;
	if (k->preservation)
		return &p_preservation;
	if (strcmp(k->name, "traffic_disclosure") == 0)
		return &p_disclosure;
	return &p_execution;
}

const char *
hn_state_name(enum hn_state s)
{
	return (unsigned)s < HN_ST_COUNT_ ? state_names[s] : "?";
}

int
hn_state_parse(const char *name, enum hn_state *out)
{
	int i;

	for (i = 0; name != NULL && i < HN_ST_NONE; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum hn_state)i;
			return 0;
		}
	return HN_EINVAL;
}

const char *
hn_side_name(enum hn_side side)
{
	return side == HN_SIDE_REQUESTING ? "requesting" : "requested";
}

int
hn_side_parse(const char *name, enum hn_side *out)
{
	if (name != NULL && strcmp(name, "requesting") == 0)
		*out = HN_SIDE_REQUESTING;
	else if (name != NULL && strcmp(name, "requested") == 0)
		*out = HN_SIDE_REQUESTED;
	else
		return HN_EINVAL;
	return 0;
}

const char *
hn_cause_name(enum hn_cause c)
{
	static const char *const names[] = { "user", "message", "receipt",
		"timer" };

	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

enum hn_state
hn_state_initial(enum hn_side side)
{
	return side == HN_SIDE_REQUESTING ? HN_ST_DRAFT : HN_ST_RECEIVED;
}

bool
hn_proto_final(const struct hn_protocol *p, enum hn_side side, enum hn_state s)
{
	size_t i;

	assert(p == NULL || table_ok(p));
	for (i = 0; p != NULL && i < p->nrows; i++)
		if (p->rows[i].side == side && p->rows[i].from == s)
			return false;
	return true;
}

static bool
has_text(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return true;
	return false;
}

static const char *
article_of(const struct hn_proto_row *t)
{
	return t->cite != NULL ? t->cite->article : NULL;
}

static int
check_needs(const struct hn_protocol *p, const struct hn_proto_row *t,
    const struct hn_proto_facts *f, struct hn_error *err)
{
	char when[HN_TIME_STRLEN];
	int64_t until;
	size_t i;
	int r;

	(void)p;
	if (t->needs & HN_PN_OTHER_APPROVER) {
		/* art. 41: approval by another person than the author */
		if (f == NULL || f->actor == NULL || f->author == NULL ||
		    strcmp(f->actor, f->author) == 0)
			return hn_error_set(err, HN_EDENIED, "approver", "41",
			    "the approver must not be the author of the "
			    "request");
	}
	if ((t->needs & HN_PN_GROUNDS) && t->cause == HN_BY_MESSAGE) {
		/* The requesting copy checks that a refusal gives known
		 * grounds and its reasons (art. 40); which grounds the
		 * refusing State may invoke is that State's own check (its
		 * declarations, its view of the offence). */
		if (f == NULL || f->ngrounds == 0)
			return hn_error_set(err, HN_EINVAL, "grounds", "40",
			    "a refusal needs at least one ground");
		for (i = 0; i < f->ngrounds; i++)
			if (f->grounds[i] == NULL ||
			    hn_ground_find(f->grounds[i]) == NULL)
				return hn_error_set(err, HN_EINVAL, "grounds",
				    "40", "'%.64s' is not a ground for refusal",
				    f->grounds[i] ? f->grounds[i] : "");
		if (!has_text(f->reason))
			return hn_error_set(err, HN_EINVAL, "reason", "40",
			    "a refusal must give its reasons");
	} else if (t->needs & HN_PN_GROUNDS) {
		if (f == NULL || f->refusal == NULL)
			return hn_error_set(err, HN_EINVAL, "grounds", "40",
			    "a refusal needs at least one ground");
		if ((r = hn_grounds_check(f->refusal, f->grounds, f->ngrounds,
			 err)) != 0)
			return r;
		if (!has_text(f->reason))
			return hn_error_set(err, HN_EINVAL, "reason", "40",
			    "a refusal must give its reasons");
	}
	if ((t->needs & HN_PN_REASON) && (f == NULL || !has_text(f->reason)))
		return hn_error_set(err, HN_EINVAL, "reason", article_of(t),
		    "%s needs its reasons", hn_state_name(t->to));
	if (t->needs & HN_PN_MIN_PRESERVATION) {
		/* art. 42: preserved at least 60 days; only the requester's
		 * withdrawal (another row) ends it earlier */
		until = (f != NULL && f->preserved_at > 0 ?
				f->preserved_at :
				(f != NULL ? f->now : 0)) +
		    (int64_t)HN_PRESERVATION_MIN_DAYS * 86400;
		if (f == NULL || f->preserved_at <= 0 || f->now < until) {
			hn_datetime_format(until, when);
			return hn_error_set(err, HN_ESTATE, "state", "42",
			    "preserved data is kept at least %d days (art. "
			    "42; Budapest art. 29(7)): not before %s unless "
			    "the requesting State withdraws the request",
			    HN_PRESERVATION_MIN_DAYS, when);
		}
	}
	if ((t->needs & HN_PN_PRESERVATION_REF) &&
	    (f == NULL || !f->preservation_ref_ok))
		return hn_error_set(err, HN_EVALIDATE, "preservation_reference",
		    "43",
		    "a disclosure of traffic data names the preservation "
		    "request (between the same two States) it arises from");
	return 0;
}

static bool
row_is(const struct hn_proto_row *t, enum hn_side side, enum hn_state from,
    enum hn_state to, enum hn_cause cause, const char *on)
{
	if (t->side != side || t->from != from || t->to != to ||
	    t->cause != cause)
		return false;
	if (cause == HN_BY_MESSAGE || cause == HN_BY_RECEIPT)
		return on != NULL && t->on != NULL && strcmp(on, t->on) == 0;
	return true;
}

static const char *
roles_text(unsigned roles)
{
	if ((roles & HN_PR_OFFICERS) == HN_PR_SUPERVISOR)
		return "a supervisor";
	return "an officer";
}

int
hn_proto_check(const struct hn_protocol *p, enum hn_side side,
    enum hn_state from, enum hn_state to, enum hn_cause cause, const char *on,
    const struct hn_proto_facts *facts, const struct hn_proto_row **row,
    struct hn_error *err)
{
	const struct hn_proto_row *t = NULL, *other = NULL;
	size_t i;
	int r;

	if (row != NULL)
		*row = NULL;
	if (p == NULL)
		return hn_error_set(err, HN_EINVAL, "kind", NULL,
		    "unknown kind");
	assert(table_ok(p));
	for (i = 0; i < p->nrows; i++) {
		if (row_is(&p->rows[i], side, from, to, cause, on)) {
			t = &p->rows[i];
			break;
		}
		if (other == NULL && p->rows[i].from == from &&
		    p->rows[i].to == to)
			other = &p->rows[i];
	}
	if (t == NULL && cause == HN_BY_USER) {
		/* the change exists, but not for this side or cause */
		for (i = 0; other == NULL && i < p->nrows; i++)
			if (p->rows[i].to == to && p->rows[i].side != side &&
			    p->rows[i].cause == HN_BY_USER)
				other = &p->rows[i];
		if (other != NULL && other->side != side)
			return hn_error_set(err, HN_EDENIED, "to",
			    article_of(other),
			    "only the %s State may move a "
			    "request to %s",
			    other->side == REQING ? "requesting" : "requested",
			    hn_state_name(to));
		if (other != NULL)
			return hn_error_set(err, HN_EDENIED, "to",
			    article_of(other),
			    "%s to %s is done by the "
			    "network (%s), not by a user",
			    hn_state_name(from), hn_state_name(to),
			    hn_cause_name(other->cause));
	}
	if (t == NULL) {
		if (cause == HN_BY_MESSAGE || cause == HN_BY_RECEIPT)
			return hn_error_set(err, HN_ESTATE, "state", NULL,
			    "a %s moving the %s copy from %s to %s is not in "
			    "the %s protocol",
			    on != NULL ? on : "message", hn_side_name(side),
			    hn_state_name(from), hn_state_name(to), p->name);
		return hn_error_set(err, HN_ESTATE, "state", NULL,
		    "illegal transition from %s to %s (%s side, %s "
		    "protocol)",
		    hn_state_name(from), hn_state_name(to), hn_side_name(side),
		    p->name);
	}
	if (t->cause == HN_BY_USER &&
	    (facts == NULL || (facts->roles & t->roles) == 0))
		return hn_error_set(err, HN_EDENIED, "to", article_of(t),
		    "%s to %s needs %s", hn_state_name(from), hn_state_name(to),
		    roles_text(t->roles));
	if ((r = check_needs(p, t, facts, err)) != 0)
		return r;
	if (row != NULL)
		*row = t;
	return 0;
}

size_t
hn_proto_actions(const struct hn_protocol *p, enum hn_side side,
    enum hn_state from, unsigned roles, const struct hn_proto_row **out,
    size_t max)
{
	size_t i, n = 0;

	assert(out != NULL || max == 0);
	assert(p == NULL || table_ok(p));
	for (i = 0; p != NULL && i < p->nrows; i++) {
		const struct hn_proto_row *t = &p->rows[i];

		if (t->side != side || t->from != from ||
		    t->cause != HN_BY_USER || (t->roles & roles) == 0)
			continue;
		if (n < max)
			out[n] = t;
		n++;
	}
	return n;
}

/* ---- the tables as text ---- */

static int
add_bits(struct hn_buf *b, unsigned bits, const char *const *names)
{
	int r = 0, first = 1;
	size_t i;

	for (i = 0; names[i] != NULL && r == 0; i++)
		if (bits & (1u << i)) {
			r = hn_buf_addf(b, "%s%s", first ? "" : ", ", names[i]);
			first = 0;
		}
	if (first && r == 0)
		r = hn_buf_adds(b, "-");
	return r;
}

static int
add_roles(struct hn_buf *b, const struct hn_proto_row *t)
{
	if (t->cause != HN_BY_USER)
		return hn_buf_adds(b, "-");
	if (t->roles == HN_PR_OFFICERS)
		return hn_buf_adds(b, "officers");
	if (t->roles == HN_PR_SUPERVISOR)
		return hn_buf_adds(b, "supervisor");
	return hn_buf_addf(b, "0x%x", t->roles);
}

static int
add_table(struct hn_buf *b, const struct hn_protocol *p)
{
	const struct hn_kind *k;
	char cite[HN_CITATION_MAX];
	size_t i;
	int r, first = 1;

	r = hn_buf_addf(b, "### %s\n\nKinds:", p->name);
	for (k = hn_kinds; r == 0 && k->name != NULL; k++)
		if (hn_protocol_for(k) == p) {
			r = hn_buf_addf(b, "%s `%s`", first ? "" : ",",
			    k->name);
			first = 0;
		}
	if (r == 0)
		r = hn_buf_adds(b,
		    ".\n\n"
		    "| copy | from | to | cause | who | needs | sends | "
		    "starts | stops | rule |\n"
		    "|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; r == 0 && i < p->nrows; i++) {
		const struct hn_proto_row *t = &p->rows[i];

		r = hn_buf_addf(b, "| %s | %s | %s | %s", hn_side_name(t->side),
		    hn_state_name(t->from), hn_state_name(t->to),
		    hn_cause_name(t->cause));
		if (r == 0 && t->on != NULL)
			r = hn_buf_addf(b, " `%s`", t->on);
		if (r == 0)
			r = hn_buf_adds(b, " | ");
		if (r == 0)
			r = add_roles(b, t);
		if (r == 0)
			r = hn_buf_adds(b, " | ");
		if (r == 0)
			r = add_bits(b, t->needs, hn_need_names);
		if (r == 0)
			r = hn_buf_addf(b, " | %s%s%s | ", t->sends ? "`" : "",
			    t->sends ? t->sends : "-", t->sends ? "`" : "");
		if (r == 0)
			r = add_bits(b, t->starts, hn_clock_names);
		if (r == 0)
			r = hn_buf_adds(b, " | ");
		if (r == 0)
			r = add_bits(b, t->stops, hn_clock_names);
		if (r == 0)
			r = hn_buf_addf(b, " | %s |\n",
			    t->cite != NULL ? hn_citation_format(t->cite, cite,
						  sizeof(cite)) :
					      "-");
	}
	if (r == 0)
		r = hn_buf_adds(b, "\n");
	return r;
}

char *
hn_protocol_text(void)
{
	struct hn_buf b = HN_BUF_INIT(1u << 20);
	const struct hn_protocol *const *p;
	int r;

	r = hn_buf_adds(&b,
	    "Each row: whose copy changes, from which state "
	    "to which, what causes it (a user of that node, a message or a "
	    "receipt from the other node, a timer), who may take it, what it "
	    "needs, the message it sends to the other node, the clocks it "
	    "starts and stops, and the rule it implements. A message that "
	    "matches no row of the receiver's copy is refused for good.\n\n");
	for (p = hn_protocols; r == 0 && *p != NULL; p++)
		r = add_table(&b, *p);
	if (r != 0) {
		hn_buf_release(&b);
		return NULL;
	}
	return hn_buf_detach(&b, NULL);
}
