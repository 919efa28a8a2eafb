#include "core/lifecycle.h"

#include <string.h>

static const char *const state_names[HN_ST_COUNT_] = { "draft",
	"awaiting_approval", "approved", "queued", "sent", "delivered",
	"received", "acknowledged", "executed", "partially_executed",
	"refused", "postponed", "preserved", "extended", "expired",
	"released", "withdrawn" };

#define REQING HN_SIDE_REQUESTING
#define REQED HN_SIDE_REQUESTED
#define EMERG HN_FOR_EMERGENCY
#define NOT_EMERG HN_FOR_NOT_EMERGENCY
#define PRES HN_FOR_PRESERVATION
#define NOT_PRES HN_FOR_NOT_PRESERVATION
#define SUPER HN_NEED_SUPERVISOR
#define GROUNDS HN_NEED_GROUNDS
#define REASON HN_NEED_REASON

static const struct hn_transition table[] = {
	/* The requesting side. Art. 41: an emergency request is approved
	 * by a supervisor before it leaves (see mission.md: a forged request
	 * cannot enter; emergency requests carry an approval). */
	{ REQING, HN_ST_DRAFT, HN_ST_QUEUED, NOT_EMERG, 0, "40" },
	{ REQING, HN_ST_DRAFT, HN_ST_AWAITING_APPROVAL, EMERG, 0, "41" },
	{ REQING, HN_ST_AWAITING_APPROVAL, HN_ST_APPROVED, EMERG, SUPER,
	    "41" },
	{ REQING, HN_ST_APPROVED, HN_ST_QUEUED, EMERG, 0, "41" },
	{ REQING, HN_ST_QUEUED, HN_ST_SENT, 0, 0, "40" },
	{ REQING, HN_ST_SENT, HN_ST_DELIVERED, 0, 0, "40" },
	/* Art. 40: the requester says when assistance is no longer needed. */
	{ REQING, HN_ST_DRAFT, HN_ST_WITHDRAWN, 0, 0, "40" },
	{ REQING, HN_ST_AWAITING_APPROVAL, HN_ST_WITHDRAWN, EMERG, 0, "40" },
	{ REQING, HN_ST_APPROVED, HN_ST_WITHDRAWN, EMERG, 0, "40" },
	{ REQING, HN_ST_QUEUED, HN_ST_WITHDRAWN, 0, 0, "40" },
	{ REQING, HN_ST_SENT, HN_ST_WITHDRAWN, 0, 0, "40" },
	{ REQING, HN_ST_DELIVERED, HN_ST_WITHDRAWN, 0, 0, "40" },
	/* ... and while the requested State's answer is still open (the
	 * requesting side mirrors that answer: hn_answer_applies). */
	{ REQING, HN_ST_ACKNOWLEDGED, HN_ST_WITHDRAWN, 0, 0, "40" },
	{ REQING, HN_ST_POSTPONED, HN_ST_WITHDRAWN, 0, 0, "40" },
	{ REQING, HN_ST_PRESERVED, HN_ST_WITHDRAWN, PRES, 0, "40" },
	{ REQING, HN_ST_EXTENDED, HN_ST_WITHDRAWN, PRES, 0, "40" },

	/* The requested side (art. 40: execute, refuse on the listed
	 * grounds with reasons, or postpone with reasons). */
	{ REQED, HN_ST_RECEIVED, HN_ST_ACKNOWLEDGED, 0, 0, "41" },
	{ REQED, HN_ST_ACKNOWLEDGED, HN_ST_EXECUTED, NOT_PRES, 0, "40" },
	{ REQED, HN_ST_ACKNOWLEDGED, HN_ST_PARTIALLY_EXECUTED, NOT_PRES, 0,
	    "40" },
	{ REQED, HN_ST_ACKNOWLEDGED, HN_ST_REFUSED, 0, GROUNDS, "40" },
	{ REQED, HN_ST_ACKNOWLEDGED, HN_ST_POSTPONED, 0, REASON, "40" },
	{ REQED, HN_ST_POSTPONED, HN_ST_EXECUTED, NOT_PRES, 0, "40" },
	{ REQED, HN_ST_POSTPONED, HN_ST_PARTIALLY_EXECUTED, NOT_PRES, 0,
	    "40" },
	{ REQED, HN_ST_POSTPONED, HN_ST_REFUSED, 0, GROUNDS, "40" },
	/* Art. 42: preserved at least 60 days, then until the follow-up
	 * request is decided; then it expires or is released. */
	{ REQED, HN_ST_ACKNOWLEDGED, HN_ST_PRESERVED, PRES, 0, "42" },
	{ REQED, HN_ST_POSTPONED, HN_ST_PRESERVED, PRES, 0, "42" },
	{ REQED, HN_ST_PRESERVED, HN_ST_EXTENDED, PRES, 0, "42" },
	{ REQED, HN_ST_PRESERVED, HN_ST_EXPIRED, PRES, 0, "42" },
	{ REQED, HN_ST_PRESERVED, HN_ST_RELEASED, PRES, 0, "42" },
	{ REQED, HN_ST_EXTENDED, HN_ST_EXPIRED, PRES, 0, "42" },
	{ REQED, HN_ST_EXTENDED, HN_ST_RELEASED, PRES, 0, "42" },
	/* Art. 40: withdrawn by the requester while the request is open. */
	{ REQED, HN_ST_RECEIVED, HN_ST_WITHDRAWN, 0, 0, "40" },
	{ REQED, HN_ST_ACKNOWLEDGED, HN_ST_WITHDRAWN, 0, 0, "40" },
	{ REQED, HN_ST_POSTPONED, HN_ST_WITHDRAWN, 0, 0, "40" },
	{ REQED, HN_ST_PRESERVED, HN_ST_WITHDRAWN, PRES, 0, "40" },
	{ REQED, HN_ST_EXTENDED, HN_ST_WITHDRAWN, PRES, 0, "40" },
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

/*
 * Art. 40: the only grounds for refusal. Bank secrecy and fiscal matters
 * are explicitly not grounds (see not_grounds below).
 */
const struct hn_ground hn_grounds[] = {
	{ "non_conformity", "40 (a)",
	    "the request does not conform to the article's requirements",
	    false },
	{ "sovereignty_security_public_order", "40 (b)",
	    "execution is likely to prejudice sovereignty, security, ordre "
	    "public or other essential interests", false },
	{ "domestic_law_forbids", "40 (c)",
	    "domestic law would forbid the same action in a domestic case",
	    false },
	{ "contrary_to_legal_system", "40 (d)",
	    "granting the request would be contrary to the legal system",
	    false },
	{ "discrimination", "40 (e)",
	    "the request aims at prosecuting a person on account of sex, "
	    "race, language, religion, nationality, ethnic origin or "
	    "political opinions", false },
	/* Art. 42: a reservation for offences outside the Convention where
	 * dual criminality is required for disclosure. */
	{ "dual_criminality_reservation", "42",
	    "dual criminality is required and the offence is not covered "
	    "(reservation)", true },
	{ NULL, NULL, NULL, false }
};

static const char *const not_grounds[] = { "bank_secrecy", "fiscal_matter",
	"fiscal_matters" };

const char *
hn_state_name(enum hn_state s)
{
	return (unsigned)s < HN_ST_COUNT_ ? state_names[s] : "?";
}

int
hn_state_parse(const char *name, enum hn_state *out)
{
	int i;

	for (i = 0; name != NULL && i < HN_ST_COUNT_; i++)
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

enum hn_state
hn_state_initial(enum hn_side side)
{
	return side == HN_SIDE_REQUESTING ? HN_ST_DRAFT : HN_ST_RECEIVED;
}

static bool
applies(const struct hn_transition *t, const struct hn_kind *k)
{
	if ((t->kinds & EMERG) && !k->emergency)
		return false;
	if ((t->kinds & NOT_EMERG) && k->emergency)
		return false;
	if ((t->kinds & PRES) && !k->preservation)
		return false;
	if ((t->kinds & NOT_PRES) && k->preservation)
		return false;
	return true;
}

size_t
hn_transitions_from(const struct hn_kind *k, enum hn_side side,
    enum hn_state from, const struct hn_transition **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; k != NULL && i < NTABLE; i++) {
		if (table[i].side != side || table[i].from != from ||
		    !applies(&table[i], k))
			continue;
		if (n < max)
			out[n] = &table[i];
		n++;
	}
	return n;
}

bool
hn_state_terminal(const struct hn_kind *k, enum hn_side side,
    enum hn_state s)
{
	return hn_transitions_from(k, side, s, NULL, 0) == 0;
}

bool
hn_answer_applies(const struct hn_kind *k, enum hn_state from,
    enum hn_state to)
{
	bool seen[HN_ST_COUNT_] = { false };
	enum hn_state queue[HN_ST_COUNT_];
	size_t head = 0, tail = 0, i;

	if (k == NULL || (unsigned)to >= HN_ST_COUNT_ || to < HN_ST_RECEIVED ||
	    to == HN_ST_WITHDRAWN)
		return false;
	if (from == HN_ST_QUEUED || from == HN_ST_SENT ||
	    from == HN_ST_DELIVERED)
		from = HN_ST_RECEIVED; /* the requested side starts there */
	else if ((unsigned)from >= HN_ST_COUNT_ || from < HN_ST_RECEIVED ||
	    from == HN_ST_WITHDRAWN)
		return false; /* not sent yet, or withdrawn by us */
	/* breadth-first over the requested side's table: an answer that
	 * arrives after a later one (or after a lost one) is still placed */
	seen[from] = true;
	queue[tail++] = from;
	while (head < tail) {
		enum hn_state s = queue[head++];

		for (i = 0; i < NTABLE; i++) {
			if (table[i].side != REQED || table[i].from != s ||
			    !applies(&table[i], k) || seen[table[i].to])
				continue;
			if (table[i].to == to)
				return true;
			seen[table[i].to] = true;
			queue[tail++] = table[i].to;
		}
	}
	return false;
}

const struct hn_ground *
hn_ground_find(const char *code)
{
	const struct hn_ground *g;

	for (g = hn_grounds; code != NULL && g->code != NULL; g++)
		if (strcmp(g->code, code) == 0)
			return g;
	return NULL;
}

static bool
has_text(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return true;
	return false;
}

/* Art. 40: at least one listed ground, and the reasons. */
static int
check_grounds(const struct hn_kind *k, const struct hn_transition_args *a,
    struct hn_error *err)
{
	const struct hn_ground *g;
	size_t i, j;

	if (a == NULL || a->ngrounds == 0)
		return hn_error_set(err, HN_EINVAL, "grounds", "40",
		    "a refusal needs at least one ground");
	for (i = 0; i < a->ngrounds; i++) {
		const char *c = a->grounds[i] != NULL ? a->grounds[i] : "";

		for (j = 0; j < sizeof(not_grounds) / sizeof(*not_grounds);
		    j++)
			if (strcmp(c, not_grounds[j]) == 0)
				return hn_error_set(err, HN_EINVAL, "grounds",
				    "40", "%s is not a ground for refusal", c);
		if ((g = hn_ground_find(c)) == NULL)
			return hn_error_set(err, HN_EINVAL, "grounds", "40",
			    "unknown ground '%.64s'", c);
		if (g->preservation_only && !k->preservation)
			return hn_error_set(err, HN_EINVAL, "grounds", "42",
			    "%s applies to preservation requests only", c);
	}
	if (!has_text(a->reason))
		return hn_error_set(err, HN_EINVAL, "reason", "40",
		    "a refusal must give its reasons");
	return 0;
}

int
hn_transition_check(const struct hn_kind *k, enum hn_side side,
    enum hn_state from, enum hn_state to,
    const struct hn_transition_args *args, struct hn_error *err)
{
	const struct hn_transition *t = NULL;
	size_t i;

	if (k == NULL)
		return hn_error_set(err, HN_EINVAL, "kind", NULL,
		    "unknown kind");
	for (i = 0; i < NTABLE; i++)
		if (table[i].side == side && table[i].from == from &&
		    table[i].to == to && applies(&table[i], k)) {
			t = &table[i];
			break;
		}
	if (t == NULL)
		return hn_error_set(err, HN_ESTATE, "state", NULL,
		    "illegal transition from %s to %s for %s (%s side)",
		    hn_state_name(from), hn_state_name(to), k->name,
		    hn_side_name(side));
	if ((t->needs & SUPER) && (args == NULL || !args->supervisor))
		return hn_error_set(err, HN_EDENIED, "state", t->article,
		    "%s to %s needs a supervisor", hn_state_name(from),
		    hn_state_name(to));
	if (t->needs & GROUNDS)
		return check_grounds(k, args, err);
	if ((t->needs & REASON) && (args == NULL || !has_text(args->reason)))
		return hn_error_set(err, HN_EINVAL, "reason", t->article,
		    "%s needs a reason", hn_state_name(to));
	return 0;
}
