/*
 * An exhaustive model check of the request protocol (core/protocol.h) over
 * the real tables (issue 12, "Proof"), and proof that it catches a broken
 * row.
 * ctest-labels: slow
 *
 * The world: two nodes, the requesting copy (starts in draft) and the
 * requested copy (starts in none). Each node has a persistent outbox: the
 * messages its changes committed, in order; only the head may be on the
 * wire, and it leaves the outbox when its receipt comes back (the node's
 * one gate, node/requests.h). The network holds copies of messages (at
 * most 2 of each) and receipts; it delays, loses, duplicates and reorders
 * them, and a node may crash between commit and send (what is on the wire
 * is lost, the outbox and the copy were committed and survive). The
 * actions, every one taken in every order:
 *   - a user of either node takes a change: every row of the table is
 *     tried, for every combination of the three roles and for the author
 *     and another person, with and without grounds and reasons; the real
 *     hn_proto_check decides;
 *   - a timer row fires; the clock passes the 60 days of art. 42 (time is
 *     a boolean per copy: "60 days since the copy was preserved");
 *   - the outbox head is put on the wire (a send or a resend);
 *   - a copy is delivered: a message id the receiver processed before gets
 *     its original receipt again (deduplication); otherwise the receiver
 *     checks the row (cause message, on = the message's kind, to = the
 *     state it names) and either takes it or refuses the message for good;
 *     either way a receipt goes back saying which;
 *   - a receipt is delivered: the sender pops its outbox head, and for an
 *     accepted message takes its receipt row if there is one (queued ->
 *     delivered for the request);
 *   - a copy or a receipt is lost; a node crashes (everything in flight
 *     is lost).
 * A sender retries its head until it is receipted: a message that is
 * never delivered (given up) is outside this model, and would split the
 * copies whatever the table says.
 * A breadth-first search with visited-state hashing explores every
 * interleaving, level by level, until no new state appears (then every
 * reachable world was checked, and depth is the farthest one's distance)
 * or the time budget is spent (never fewer than 10 actions deep). Copies
 * and receipts of messages already receipted change nothing any more and
 * are dropped (as if lost; see canon()), so states= counts the distinct
 * worlds that can still differ. In every state:
 *   1. every change was taken by the right side, cause and role: the row
 *      hn_proto_check returned is a row of that side, cause (and message),
 *      from- and to-state, the actor holds one of its roles and its needs
 *      were met; and independently of the table, a user or timer changes
 *      only what its own side decides (the requesting side: draft,
 *      awaiting_approval, queued, withdrawn; the requested side: its
 *      answers), a message only what the other side decided, an emergency
 *      is queued only by a supervisor other than its author (art. 41),
 *      and a preservation is released or expires only after 60 days
 *      (art. 42);
 *   2. the two copies are never both final in different states;
 *   3. once everything is delivered (outboxes empty, nothing in flight)
 *      the copies agree: the same state, or delivered against received,
 *      or draft/awaiting_approval (or withdrawn before the request was
 *      sent) against none (queued against received is not agreement:
 *      by then the request's receipt has come back);
 *   4. a copy in a final state has no open clock (the clocks its rows
 *      started and did not stop).
 * And from every state, the network alone delivering everything in order
 * must end in a state that satisfies 2-4 (so 3 is checked beyond the
 * depth reached, too).
 * A violation prints the shortest trace to it (breadth first).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/grounds.h"
#include "core/protocol.h"
#include "core/request.h"

#define REQ HN_SIDE_REQUESTING
#define ED HN_SIDE_REQUESTED

#define M_MSGS 8 /* messages one side may commit (an outbox) */
#define M_COPIES 2 /* copies of one message, or receipts, in flight */
#define M_KINDS 16 /* message kinds of one table */
#define M_STEPS 24 /* changes one copy may take from one state */
#define M_BAD 64 /* invariant-1 findings remembered */
#define M_MIN_DEPTH 10 /* the minimum */
#define M_MAX_DEPTH 200
#define M_MAX_STATES (3u << 20)
#define M_FLUSH_MAX 256 /* actions the network needs to deliver it all */

#define F_PRES 0x1 /* the copy has been preserved (preserved_at is set) */
#define F_D60 0x2 /* 60 days have passed since (art. 42) */

#define T0 INT64_C(1798761600) /* 2027-01-01: the copy was preserved */
#define DAY INT64_C(86400)

/* One world. Plain bytes (no padding), so it hashes and compares as such. */
struct mstate {
	uint32_t wire[2]; /* copies in flight of side s's message i (2 bits) */
	uint32_t rcpt[2]; /* receipts in flight for side s's message i */
	uint16_t done[2]; /* node s processed the other side's message i */
	uint16_t refused[2]; /* ... and refused it (its receipt says so) */
	uint8_t st[2]; /* the copies: enum hn_state */
	uint8_t clk[2]; /* their open clocks: HN_CLK_* */
	uint8_t flags[2]; /* F_* */
	uint8_t nsent[2]; /* messages side s committed */
	uint8_t head[2]; /* side s's outbox head (the ones before: receipted) */
	uint8_t msg[2]
		   [M_MSGS]; /* message i of side s: kind << 4 | state named */
	uint8_t pad[2];
};
_Static_assert(sizeof(struct mstate) == 52, "struct mstate has padding");

struct mnode {
	struct mstate s;
	uint32_t parent;
	uint32_t act;
};

enum act_type {
	A_USER, /* node n takes user step i */
	A_TIMER, /* node n takes timer step i */
	A_CLOCK, /* 60 days pass for node n's copy */
	A_PUT, /* node n puts its outbox head on the wire */
	A_DELIVER, /* a copy of node n's message i reaches the other */
	A_LOSE, /* a copy of node n's message i is lost */
	A_RECEIPT, /* a receipt for node n's message i reaches n (step) */
	A_LOSE_RECEIPT, /* a receipt for node n's message i is lost */
	A_CRASH, /* node n crashes: everything in flight is lost */
};
#define ACT(t, n, i, j) \
	((uint32_t)(t) | (uint32_t)(n) << 4 | (uint32_t)(i) << 5 | \
	    (uint32_t)(j) << 10)
#define ACT_TYPE(a) ((a)&0xf)
#define ACT_NODE(a) (((a) >> 4) & 1)
#define ACT_I(a) (((a) >> 5) & 0x1f)
#define ACT_J(a) ((a) >> 10)

struct step {
	const struct hn_proto_row *row; /* NULL: refused (a message) */
	unsigned how; /* user: roles | other actor << 3 | bare << 4 */
	int bad; /* 1 + index into m->bad: the step breaks invariant 1 */
};

struct steps {
	bool done;
	uint8_t n;
	struct step s[M_STEPS];
};

struct model {
	const struct hn_kind *kind;
	const struct hn_protocol *p;
	const char *msgs[M_KINDS]; /* message kinds; 0 is the request */
	unsigned nmsgs;
	const char *ground; /* one ground a refusal of this kind may invoke */
	struct hn_refusal_ctx rctx;
	/* hn_proto_check is pure: its answers, by what they depend on */
	struct steps user[2][HN_ST_COUNT_][4];
	struct steps timer[2][HN_ST_COUNT_][4];
	struct steps rcptm[2][HN_ST_COUNT_][4][M_KINDS];
	struct step1 {
		bool done;
		struct step s[1];
	} msgm[2][HN_ST_COUNT_][4][M_KINDS][HN_ST_COUNT_];
	char bad[M_BAD][320];
	int nbad;
	/* the search */
	struct mnode *nodes;
	size_t n, cap;
	uint32_t *hash;
	size_t hcap;
	double budget; /* seconds before the search stops deepening */
	bool quiet; /* no trace printed */
	unsigned maxdepth;
	/* the outcome */
	unsigned depth;
	bool exhaustive;
	double secs;
	int inv; /* the invariant violated (0: none; -1: a bound) */
	char why[400];
	size_t at; /* the state where it was seen */
	bool by_act; /* ... after taking act from it */
	uint32_t act;
	bool by_flush; /* ... after the network delivered everything */
};

static double
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
st_name(unsigned s)
{
	return hn_state_name((enum hn_state)s);
}

static void
clocks_text(unsigned c, char *buf, size_t n)
{
	size_t len = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < 4 && len < n; i++)
		if (c & (1u << i))
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
			    len ? "," : "", hn_clock_names[i]);
}

static unsigned
wire_get(uint32_t w, unsigned i)
{
	return (w >> (2 * i)) & 3;
}

static void
wire_add(uint32_t *w, unsigned i, int d)
{
	unsigned c = wire_get(*w, i) + (unsigned)d;

	*w = (*w & ~(3u << (2 * i))) | c << (2 * i);
}

static unsigned
msg_index(struct model *m, const char *kind)
{
	unsigned i;

	for (i = 0; i < m->nmsgs; i++)
		if (strcmp(m->msgs[i], kind) == 0)
			return i;
	return M_KINDS;
}

static void
msg_add(struct model *m, const char *kind)
{
	if (kind == NULL || msg_index(m, kind) < M_KINDS)
		return;
	assert_true(m->nmsgs < M_KINDS);
	m->msgs[m->nmsgs++] = kind;
}

/* ---- facts and the checks of invariant 1 ---- */

static const char *const author = "alice";
static const char *const other = "bob";
static const char *const reason = "the reasons, in full";

static void
facts_init(struct model *m, struct hn_proto_facts *f, unsigned flags,
    unsigned how)
{
	memset(f, 0, sizeof(*f));
	f->roles = how & HN_PR_OFFICERS;
	f->actor = f->roles ? ((how & 0x8) ? other : author) : NULL;
	f->author = author;
	f->now = T0 + ((flags & F_D60) ? 61 : 1) * DAY;
	f->preserved_at = (flags & F_PRES) ? T0 : 0;
	f->preservation_ref_ok = true;
	f->refusal = &m->rctx;
	if (!(how & 0x10)) {
		f->grounds = &m->ground;
		f->ngrounds = m->ground != NULL ? 1 : 0;
		f->reason = reason;
	}
}

static void
how_text(unsigned how, char *buf, size_t n)
{
	snprintf(buf, n, "roles=%s%s%s actor=%s%s",
	    (how & HN_PR_DUTY_OFFICER) ? "duty_officer," : "",
	    (how & HN_PR_CENTRAL_AUTHORITY) ? "central_authority," : "",
	    (how & HN_PR_SUPERVISOR) ? "supervisor," : "",
	    (how & 0x8) ? "another person" : "the author",
	    (how & 0x10) ? ", no grounds or reasons" : "");
}

/* What a change by a user or timer of `side` may lead to: the states that
 * side decides. A message leads to what the other side decided; a receipt
 * only confirms delivery. */
static const char *
owner_check(enum hn_side side, enum hn_cause cause, unsigned from, unsigned to)
{
	bool answer = to >= HN_ST_RECEIVED && to <= HN_ST_RELEASED;

	switch (cause) {
	case HN_BY_USER:
	case HN_BY_TIMER:
		if (side == REQ)
			return (to == HN_ST_DRAFT ||
				   to == HN_ST_AWAITING_APPROVAL ||
				   to == HN_ST_QUEUED ||
				   to == HN_ST_WITHDRAWN) ?
			    NULL :
			    "the requesting State decides only draft, "
			    "awaiting_approval, queued and withdrawn";
		return (answer && to != HN_ST_RECEIVED) ?
		    NULL :
		    "the requested State decides only its answers (it may "
		    "not withdraw the request)";
	case HN_BY_MESSAGE:
		if (side == REQ)
			return answer ?
			    NULL :
			    "a message of the requested State may only bring "
			    "its answer";
		return ((from == HN_ST_NONE && to == HN_ST_RECEIVED) ||
			   to == HN_ST_WITHDRAWN) ?
		    NULL :
		    "a message of the requesting State may only bring the "
		    "request or its withdrawal";
	case HN_BY_RECEIPT:
		return (side == REQ &&
			   (to == HN_ST_DELIVERED || to == HN_ST_REJECTED)) ?
		    NULL :
		    "a receipt only confirms delivery (queued -> delivered) "
		    "or its refusal by the other node (-> rejected)";
	}
	return "unknown cause";
}

/* The view lists row r among the actions of a user with roles. */
static bool
offered(struct model *m, enum hn_side side, unsigned from, unsigned roles,
    const struct hn_proto_row *r)
{
	const struct hn_proto_row *out[M_STEPS];
	size_t i, n;

	n = hn_proto_actions(m->p, side, (enum hn_state)from, roles, out,
	    M_STEPS);
	for (i = 0; i < n && i < M_STEPS; i++)
		if (out[i] == r)
			return true;
	return false;
}

/* Invariant 1 for one change hn_proto_check allowed: 0, or 1 + the index
 * of its description in m->bad. */
static int
step_check(struct model *m, enum hn_side side, unsigned from, unsigned to,
    enum hn_cause cause, const char *on, const struct hn_proto_facts *f,
    unsigned flags, const struct hn_proto_row *r)
{
	const char *w = NULL;
	int i;

	if (r == NULL || r < m->p->rows || r >= m->p->rows + m->p->nrows)
		w = "hn_proto_check allowed it without a row of the table";
	else if (r->side != side)
		w = "the row is the other side's";
	else if (r->cause != cause)
		w = "the row is for another cause";
	else if (r->from != from || r->to != to)
		w = "the row is another change";
	else if ((cause == HN_BY_MESSAGE || cause == HN_BY_RECEIPT) &&
	    (r->on == NULL || strcmp(r->on, on) != 0))
		w = "the row is for another message";
	else if (cause == HN_BY_USER && (r->roles & f->roles) == 0)
		w = "the actor holds none of the row's roles";
	else if ((r->needs & HN_PN_GROUNDS) &&
	    (f->ngrounds == 0 || f->reason == NULL))
		w = "the row needs grounds and reasons, none were given";
	else if ((r->needs & HN_PN_REASON) && f->reason == NULL)
		w = "the row needs a reason, none was given";
	else if ((r->needs & HN_PN_OTHER_APPROVER) &&
	    (f->actor == NULL || strcmp(f->actor, f->author) == 0))
		w = "the row needs an approver other than the author";
	else if ((r->needs & HN_PN_MIN_PRESERVATION) && !(flags & F_D60))
		w = "the row needs the 60 days of art. 42";
	else if (cause == HN_BY_USER && !offered(m, side, from, f->roles, r))
		w = "the console would not offer it (hn_proto_actions)";
	else if ((w = owner_check(side, cause, from, to)) != NULL)
		;
	else if (m->kind->emergency && side == REQ && to == HN_ST_QUEUED &&
	    (from != HN_ST_AWAITING_APPROVAL || cause != HN_BY_USER ||
		!(f->roles & HN_PR_SUPERVISOR) || f->actor == NULL ||
		strcmp(f->actor, f->author) == 0))
		w = "an emergency is queued only by the approval of a "
		    "supervisor other than its author (art. 41)";
	else if (side == ED &&
	    (from == HN_ST_PRESERVED || from == HN_ST_EXTENDED) &&
	    (to == HN_ST_RELEASED || to == HN_ST_EXPIRED) && !(flags & F_D60))
		w = "a preservation is released or expires only after 60 "
		    "days (art. 42)";
	if (w == NULL)
		return 0;
	for (i = 0; i < m->nbad; i++)
		if (strstr(m->bad[i], w) != NULL)
			break;
	if (i == m->nbad && m->nbad < M_BAD)
		i = m->nbad++;
	else if (i == m->nbad)
		i = M_BAD - 1;
	snprintf(m->bad[i], sizeof(m->bad[i]), "%s %s -> %s by %s%s%s: %s",
	    hn_side_name(side), st_name(from), st_name(to),
	    hn_cause_name(cause), on ? " " : "", on ? on : "", w);
	return i + 1;
}

static void
steps_add(struct steps *ss, const struct hn_proto_row *r, unsigned how, int bad)
{
	unsigned i;

	for (i = 0; i < ss->n; i++)
		if (ss->s[i].row == r && (ss->s[i].bad != 0) == (bad != 0))
			return;
	assert_true(ss->n < M_STEPS);
	ss->s[ss->n].row = r;
	ss->s[ss->n].how = how;
	ss->s[ss->n].bad = bad;
	ss->n++;
}

/* Every change a user (cause HN_BY_USER) or a timer may take from st:
 * every to-state of the table is tried, with every combination of roles,
 * actor and facts for a user. */
static struct steps *
local_steps(struct model *m, enum hn_side side, unsigned st, unsigned flags,
    enum hn_cause cause)
{
	struct steps *ss = cause == HN_BY_USER ? &m->user[side][st][flags] :
						 &m->timer[side][st][flags];
	const struct hn_proto_row *r;
	struct hn_proto_facts f;
	struct hn_error err;
	unsigned tried = 0, how, to;
	size_t i;

	if (ss->done)
		return ss;
	ss->done = true;
	for (i = 0; i < m->p->nrows; i++) {
		to = m->p->rows[i].to;
		if (m->p->rows[i].from != st || (tried & (1u << to)))
			continue;
		tried |= 1u << to;
		for (how = 0; how < 32; how++) {
			if (cause == HN_BY_USER && (how & HN_PR_OFFICERS) == 0)
				continue;
			if (cause != HN_BY_USER && how != 0)
				break;
			facts_init(m, &f, flags, how);
			r = NULL;
			if (hn_proto_check(m->p, side, (enum hn_state)st,
				(enum hn_state)to, cause, NULL, &f, &r,
				&err) != 0)
				continue;
			steps_add(ss, r, how,
			    step_check(m, side, st, to, cause, NULL, &f, flags,
				r));
		}
	}
	return ss;
}

/* The receiver's answer to message `k` naming state `named`: one step,
 * whose row is NULL when the message is refused. */
static struct step1 *
msg_steps(struct model *m, enum hn_side side, unsigned st, unsigned flags,
    unsigned k, unsigned named)
{
	struct step1 *ss = &m->msgm[side][st][flags][k][named];
	const struct hn_proto_row *r = NULL;
	struct hn_proto_facts f;
	struct hn_error err;

	if (ss->done)
		return ss;
	ss->done = true;
	facts_init(m, &f, flags, 0);
	if (hn_proto_check(m->p, side, (enum hn_state)st, (enum hn_state)named,
		HN_BY_MESSAGE, m->msgs[k], &f, &r, &err) != 0)
		return ss;
	ss->s[0].row = r;
	ss->s[0].bad = step_check(m, side, st, named, HN_BY_MESSAGE, m->msgs[k],
	    &f, flags, r);
	return ss;
}

/* What the receipt of our accepted message `k` changes (usually nothing;
 * queued -> delivered for the request). */
static struct steps *
rcpt_steps(struct model *m, enum hn_side side, unsigned st, unsigned flags,
    unsigned k)
{
	struct steps *ss = &m->rcptm[side][st][flags][k];
	const struct hn_proto_row *r;
	struct hn_proto_facts f;
	struct hn_error err;
	unsigned tried = 0, to;
	size_t i;

	if (ss->done)
		return ss;
	ss->done = true;
	facts_init(m, &f, flags, 0);
	for (i = 0; i < m->p->nrows; i++) {
		to = m->p->rows[i].to;
		if (m->p->rows[i].from != st || (tried & (1u << to)))
			continue;
		tried |= 1u << to;
		r = NULL;
		if (hn_proto_check(m->p, side, (enum hn_state)st,
			(enum hn_state)to, HN_BY_RECEIPT, m->msgs[k], &f, &r,
			&err) != 0)
			continue;
		steps_add(ss, r, 0,
		    step_check(m, side, st, to, HN_BY_RECEIPT, m->msgs[k], &f,
			flags, r));
	}
	return ss;
}

/* ---- actions ---- */

/* Takes row r on node n's copy; -1 (m->why set) when the outbox is full. */
static int
take(struct model *m, struct mstate *s, unsigned n,
    const struct hn_proto_row *r)
{
	unsigned k, named;

	s->st[n] = (uint8_t)r->to;
	s->clk[n] = (uint8_t)((s->clk[n] & ~r->stops) | r->starts);
	if (r->to == HN_ST_PRESERVED)
		s->flags[n] |= F_PRES;
	if (r->sends == NULL)
		return 0;
	if (s->nsent[n] == M_MSGS) {
		snprintf(m->why, sizeof(m->why),
		    "the %s side committed more "
		    "than %d messages (the model's bound; does the table "
		    "loop?)",
		    hn_side_name((enum hn_side)n), M_MSGS);
		return -1;
	}
	k = msg_index(m, r->sends);
	/* The request names the state the requested copy starts in; any
	 * other message the state the sender's copy reached. */
	named = strcmp(r->sends, HN_MSG_REQUEST) == 0 ?
	    (unsigned)hn_state_initial(ED) :
	    (unsigned)r->to;
	s->msg[n][s->nsent[n]++] = (uint8_t)(k << 4 | named);
	return 0;
}

static void
msg_text(struct model *m, const struct mstate *s, unsigned n, unsigned i,
    char *buf, size_t len)
{
	snprintf(buf, len, "%s#%u(%s)", m->msgs[s->msg[n][i] >> 4], i,
	    st_name(s->msg[n][i] & 0xf));
}

static void
row_text(const struct hn_proto_row *r, char *buf, size_t len)
{
	char a[48], b[48];

	clocks_text(r->starts, a, sizeof(a));
	clocks_text(r->stops, b, sizeof(b));
	snprintf(buf, len, "%s -> %s%s%s%s%s%s%s", st_name(r->from),
	    st_name(r->to), r->sends ? ", sends " : "",
	    r->sends ? r->sends : "", a[0] ? ", starts " : "", a,
	    b[0] ? ", stops " : "", b);
}

/* Violation of invariant 1 found on a step: remember where. */
static int
step_bad(struct model *m, const struct step *st)
{
	memcpy(m->why, m->bad[st->bad - 1], sizeof(m->bad[0]));
	return -1;
}

/*
 * Applies act to *s in place. 0 done, 1 not enabled here, -1 a violation
 * of invariant 1 or a bound (m->why says which). desc (may be NULL) gets
 * what happened.
 */
static int
act_do(struct model *m, struct mstate *s, uint32_t act, char *desc, size_t dlen)
{
	unsigned n = ACT_NODE(act), i = ACT_I(act), j = ACT_J(act);
	unsigned o = 1 - n, k, named;
	const struct steps *ss;
	const struct step *st;
	char a[160], b[96];
	struct hn_error err;
	struct hn_proto_facts f;
	const struct hn_proto_row *r;
	int refused;

	if (desc != NULL)
		desc[0] = '\0';
	switch (ACT_TYPE(act)) {
	case A_USER:
	case A_TIMER:
		ss = local_steps(m, (enum hn_side)n, s->st[n], s->flags[n],
		    ACT_TYPE(act) == A_USER ? HN_BY_USER : HN_BY_TIMER);
		if (i >= ss->n)
			return 1;
		st = &ss->s[i];
		if (desc != NULL) {
			row_text(st->row, a, sizeof(a));
			how_text(st->how, b, sizeof(b));
			if (ACT_TYPE(act) == A_USER)
				snprintf(desc, dlen, "%s: user %s (%s)",
				    hn_side_name((enum hn_side)n), a, b);
			else
				snprintf(desc, dlen, "%s: timer %s",
				    hn_side_name((enum hn_side)n), a);
		}
		if (st->bad)
			return step_bad(m, st);
		return take(m, s, n, st->row);
	case A_CLOCK:
		if (!(s->flags[n] & F_PRES) || (s->flags[n] & F_D60) ||
		    (n == REQ && !(s->flags[ED] & F_D60)))
			return 1;
		s->flags[n] |= F_D60;
		if (desc != NULL)
			snprintf(desc, dlen,
			    "%s: 60 days pass since the copy "
			    "was preserved",
			    hn_side_name((enum hn_side)n));
		return 0;
	case A_PUT:
		if (s->head[n] == s->nsent[n] ||
		    wire_get(s->wire[n], s->head[n]) == M_COPIES)
			return 1;
		wire_add(&s->wire[n], s->head[n], 1);
		if (desc != NULL) {
			msg_text(m, s, n, s->head[n], a, sizeof(a));
			snprintf(desc, dlen, "%s: puts %s on the wire",
			    hn_side_name((enum hn_side)n), a);
		}
		return 0;
	case A_DELIVER:
		if (i >= s->nsent[n] || wire_get(s->wire[n], i) == 0)
			return 1;
		wire_add(&s->wire[n], i, -1);
		if (desc != NULL)
			msg_text(m, s, n, i, a, sizeof(a));
		if (s->done[o] & (1u << i)) {
			refused = (s->refused[o] >> i) & 1;
			if (desc != NULL)
				snprintf(desc, dlen,
				    "%s receives %s again: "
				    "already processed, its receipt again",
				    hn_side_name((enum hn_side)o), a);
		} else if (j == 1) {
			/* the receiver's gate refuses the request for a reason
			 * outside the table (not in force between the two on
			 * that day, not valid there): no copy is made */
			if ((s->msg[n][i] >> 4) != 0)
				return 1;
			if (desc != NULL)
				snprintf(desc, dlen,
				    "%s receives %s: its gate "
				    "refuses it (treaty, validation)",
				    hn_side_name((enum hn_side)o), a);
			s->done[o] |= (uint16_t)(1u << i);
			s->refused[o] |= (uint16_t)(1u << i);
		} else {
			k = s->msg[n][i] >> 4;
			named = s->msg[n][i] & 0xf;
			st = &msg_steps(m, (enum hn_side)o, s->st[o],
			    s->flags[o], k, named)
				  ->s[0];
			refused = st->row == NULL;
			if (desc != NULL && refused) {
				facts_init(m, &f, s->flags[o], 0);
				r = NULL;
				(void)!hn_proto_check(m->p, (enum hn_side)o,
				    (enum hn_state)s->st[o],
				    (enum hn_state)named, HN_BY_MESSAGE,
				    m->msgs[k], &f, &r, &err);
				snprintf(desc, dlen,
				    "%s receives %s: refused "
				    "in %s (%.200s)",
				    hn_side_name((enum hn_side)o), a,
				    st_name(s->st[o]), err.message);
			} else if (desc != NULL) {
				row_text(st->row, b, sizeof(b));
				snprintf(desc, dlen, "%s receives %s: %s",
				    hn_side_name((enum hn_side)o), a, b);
			}
			if (st->bad)
				return step_bad(m, st);
			s->done[o] |= (uint16_t)(1u << i);
			if (refused)
				s->refused[o] |= (uint16_t)(1u << i);
			else if (take(m, s, o, st->row) != 0)
				return -1;
		}
		/* Beyond M_COPIES receipts the extra one is as good as lost. */
		if (wire_get(s->rcpt[n], i) < M_COPIES)
			wire_add(&s->rcpt[n], i, 1);
		return 0;
	case A_LOSE:
	case A_LOSE_RECEIPT:
		if (i >= s->nsent[n])
			return 1;
		if (ACT_TYPE(act) == A_LOSE) {
			if (wire_get(s->wire[n], i) == 0)
				return 1;
			wire_add(&s->wire[n], i, -1);
		} else {
			if (wire_get(s->rcpt[n], i) == 0)
				return 1;
			wire_add(&s->rcpt[n], i, -1);
		}
		if (desc != NULL) {
			msg_text(m, s, n, i, a, sizeof(a));
			snprintf(desc, dlen, "the network loses %s %s of %s",
			    ACT_TYPE(act) == A_LOSE ? "a copy" : "a receipt", a,
			    hn_side_name((enum hn_side)n));
		}
		return 0;
	case A_RECEIPT:
		if (i >= s->nsent[n] || wire_get(s->rcpt[n], i) == 0)
			return 1;
		refused = (s->refused[o] >> i) & 1;
		if (desc != NULL) {
			msg_text(m, s, n, i, a, sizeof(a));
			snprintf(desc, dlen, "%s gets the receipt of %s (%s)%s",
			    hn_side_name((enum hn_side)n), a,
			    refused ? "refused" : "accepted",
			    i == s->head[n] ? "" : ": stale, nothing to do");
		}
		if (i != s->head[n]) {
			if (j != 0)
				return 1;
			wire_add(&s->rcpt[n], i, -1);
			return 0;
		}
		ss = NULL;
		if (!refused)
			ss = rcpt_steps(m, (enum hn_side)n, s->st[n],
			    s->flags[n], s->msg[n][i] >> 4);
		else if ((s->msg[n][i] >> 4) == 0 && /* the request, refused */
		    msg_index(m, HN_MSG_REFUSED) < M_KINDS)
			ss = rcpt_steps(m, (enum hn_side)n, s->st[n],
			    s->flags[n], msg_index(m, HN_MSG_REFUSED));
		if (ss == NULL || ss->n == 0) {
			if (j != 0)
				return 1;
			wire_add(&s->rcpt[n], i, -1);
			s->head[n]++;
			return 0;
		}
		if (j >= ss->n)
			return 1;
		st = &ss->s[j];
		if (desc != NULL) {
			size_t len = strlen(desc);

			row_text(st->row, b, sizeof(b));
			snprintf(desc + len, dlen - len, ", takes %s", b);
		}
		if (st->bad)
			return step_bad(m, st);
		wire_add(&s->rcpt[n], i, -1);
		s->head[n]++;
		return take(m, s, n, st->row);
	case A_CRASH:
		if ((s->wire[0] | s->wire[1] | s->rcpt[0] | s->rcpt[1]) == 0)
			return 1;
		s->wire[0] = s->wire[1] = s->rcpt[0] = s->rcpt[1] = 0;
		if (desc != NULL)
			snprintf(desc, dlen,
			    "%s crashes: what was in flight "
			    "is lost (outboxes and copies were committed)",
			    hn_side_name((enum hn_side)n));
		return 0;
	}
	return 1;
}

/*
 * What is on the wire about a message before the sender's outbox head can
 * no longer change anything: the message was processed (its receipt came
 * back), so a late copy only draws its original receipt again, and a late
 * receipt finds nothing to pop. Such leftovers are dropped, which is the
 * network losing them; the states that differ only by them behave alike,
 * so the search visits one.
 */
static void
canon(struct mstate *s)
{
	unsigned n;

	for (n = 0; n < 2; n++) {
		s->wire[n] &= ~((1u << (2 * s->head[n])) - 1);
		s->rcpt[n] &= ~((1u << (2 * s->head[n])) - 1);
	}
}

/* act_do, then canon. */
static int
act(struct model *m, struct mstate *s, uint32_t a, char *desc, size_t dlen)
{
	int r = act_do(m, s, a, desc, dlen);

	if (r == 0)
		canon(s);
	return r;
}

/* ---- invariants 2-4 ---- */

static bool
quiet(const struct mstate *s)
{
	return s->head[0] == s->nsent[0] && s->head[1] == s->nsent[1] &&
	    (s->wire[0] | s->wire[1] | s->rcpt[0] | s->rcpt[1]) == 0;
}

static bool
request_sent(struct model *m, const struct mstate *s)
{
	unsigned i;

	for (i = 0; i < s->nsent[REQ]; i++)
		if ((s->msg[REQ][i] >> 4) == 0)
			return true;
	return false;
}

static int
state_check(struct model *m, const struct mstate *s)
{
	unsigned a = s->st[REQ], b = s->st[ED], n;
	bool fa = hn_proto_final(m->p, REQ, (enum hn_state)a);
	bool fb = hn_proto_final(m->p, ED, (enum hn_state)b);
	char c[48];

	if (fa && fb && a != b) {
		snprintf(m->why, sizeof(m->why),
		    "contradictory final copies: "
		    "requesting %s, requested %s",
		    st_name(a), st_name(b));
		return 2;
	}
	/* Not queued against received: when everything is delivered, the
	 * request's receipt has come back too. */
	if (quiet(s) && a != b &&
	    !(a == HN_ST_DELIVERED && b == HN_ST_RECEIVED) &&
	    !((a == HN_ST_DRAFT || a == HN_ST_AWAITING_APPROVAL) &&
		b == HN_ST_NONE) &&
	    !(a == HN_ST_WITHDRAWN && b == HN_ST_NONE && !request_sent(m, s)) &&
	    !(a == HN_ST_REJECTED && b == HN_ST_NONE)) {
		snprintf(m->why, sizeof(m->why),
		    "everything delivered, the "
		    "copies disagree: requesting %s, requested %s",
		    st_name(a), st_name(b));
		return 3;
	}
	for (n = 0; n < 2; n++)
		if (s->clk[n] != 0 &&
		    hn_proto_final(m->p, (enum hn_side)n,
			(enum hn_state)s->st[n])) {
			clocks_text(s->clk[n], c, sizeof(c));
			snprintf(m->why, sizeof(m->why),
			    "the %s copy is "
			    "final (%s) with an open clock: %s",
			    hn_side_name((enum hn_side)n), st_name(s->st[n]),
			    c);
			return 4;
		}
	return 0;
}

/* The network alone delivers everything, in order: the next action of the
 * flush from s (0 when s is quiet). */
static uint32_t
flush_next(const struct mstate *s)
{
	unsigned n, i;

	for (n = 0; n < 2; n++)
		for (i = 0; i < s->nsent[n]; i++)
			if (wire_get(s->rcpt[n], i) != 0)
				return ACT(A_RECEIPT, n, i, 0);
	for (n = 0; n < 2; n++)
		for (i = 0; i < s->nsent[n]; i++)
			if (wire_get(s->wire[n], i) != 0)
				return ACT(A_DELIVER, n, i, 0);
	for (n = 0; n < 2; n++)
		if (s->head[n] < s->nsent[n])
			return ACT(A_PUT, n, 0, 0);
	return 0;
}

/* 0, or the invariant the flush of s ends up violating (-1: a bound). If
 * out is not NULL it prints the flush. */
static int
flush_check(struct model *m, const struct mstate *s0, FILE *out)
{
	struct mstate s = *s0;
	char desc[400];
	uint32_t a;
	int i, r;

	for (i = 0; i < M_FLUSH_MAX && !quiet(&s); i++) {
		a = flush_next(&s);
		r = act(m, &s, a, out ? desc : NULL, sizeof(desc));
		if (out != NULL)
			fprintf(out, "      then %s\n", desc);
		if (r == -1)
			return m->why[0] && strstr(m->why, "bound") ? -1 : 1;
		if (r != 0) {
			snprintf(m->why, sizeof(m->why), "flush stuck");
			return -1;
		}
		/* A receipt row may pick among several: the first. */
	}
	if (!quiet(&s)) {
		snprintf(m->why, sizeof(m->why),
		    "the network does not "
		    "settle in %d actions",
		    M_FLUSH_MAX);
		return -1;
	}
	return state_check(m, &s);
}

/* ---- the search ---- */

static uint64_t
state_hash(const struct mstate *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t h = UINT64_C(1469598103934665603);
	size_t i;

	for (i = 0; i < sizeof(*s); i++) {
		h ^= p[i];
		h *= UINT64_C(1099511628211);
	}
	return h ^ (h >> 29);
}

static void
hash_put(struct model *m, uint32_t idx)
{
	size_t h = (size_t)state_hash(&m->nodes[idx].s) & (m->hcap - 1);

	while (m->hash[h] != 0)
		h = (h + 1) & (m->hcap - 1);
	m->hash[h] = idx + 1;
}

static bool
hash_has(struct model *m, const struct mstate *s)
{
	size_t h = (size_t)state_hash(s) & (m->hcap - 1);

	for (; m->hash[h] != 0; h = (h + 1) & (m->hcap - 1))
		if (memcmp(&m->nodes[m->hash[h] - 1].s, s, sizeof(*s)) == 0)
			return true;
	return false;
}

/* Adds s (reached from parent by act) unless seen; -1 on a violation. */
static int
visit(struct model *m, uint32_t parent, uint32_t act, const struct mstate *s)
{
	size_t i;
	int inv;

	if (hash_has(m, s))
		return 0;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 4096;
		m->nodes = realloc(m->nodes, m->cap * sizeof(*m->nodes));
		assert_non_null(m->nodes);
	}
	if (2 * (m->n + 1) > m->hcap) {
		free(m->hash);
		m->hcap = m->hcap ? m->hcap * 2 : 8192;
		m->hash = calloc(m->hcap, sizeof(*m->hash));
		assert_non_null(m->hash);
		for (i = 0; i < m->n; i++)
			hash_put(m, (uint32_t)i);
	}
	m->nodes[m->n].s = *s;
	m->nodes[m->n].parent = parent;
	m->nodes[m->n].act = act;
	hash_put(m, (uint32_t)m->n);
	m->n++;
	if ((inv = state_check(m, s)) != 0) {
		m->inv = inv;
		m->at = m->n - 1;
		return -1;
	}
	if ((inv = flush_check(m, s, NULL)) != 0) {
		m->inv = inv;
		m->at = m->n - 1;
		m->by_flush = true;
		return -1;
	}
	return 0;
}

/* Every action from node idx. */
static int
expand(struct model *m, uint32_t idx)
{
	static const enum act_type per_msg[] = { A_DELIVER, A_LOSE, A_RECEIPT,
		A_LOSE_RECEIPT };
	struct mstate s0 = m->nodes[idx].s, s;
	uint32_t acts[512], a;
	size_t na = 0, t;
	unsigned n, i, j;
	int r;

	for (n = 0; n < 2; n++) {
		for (i = 0; i < M_STEPS; i++) {
			acts[na++] = ACT(A_USER, n, i, 0);
			acts[na++] = ACT(A_TIMER, n, i, 0);
		}
		acts[na++] = ACT(A_CLOCK, n, 0, 0);
		acts[na++] = ACT(A_PUT, n, 0, 0);
		acts[na++] = ACT(A_CRASH, n, 0, 0);
		for (i = 0; i < s0.nsent[n]; i++)
			for (t = 0; t < 4; t++)
				for (j = 0;
				     j < (per_msg[t] == A_RECEIPT ? M_STEPS :
						 per_msg[t] == A_DELIVER ? 2u :
									   1u);
				     j++)
					acts[na++] = ACT(per_msg[t], n, i, j);
	}
	for (t = 0; t < na; t++) {
		a = acts[t];
		s = s0;
		m->why[0] = '\0';
		r = act(m, &s, a, NULL, 0);
		if (r == 1)
			continue;
		if (r == -1) {
			m->inv = strstr(m->why, "bound") ? -1 : 1;
			m->at = idx;
			m->by_act = true;
			m->act = a;
			return -1;
		}
		if (visit(m, idx, a, &s) != 0)
			return -1;
	}
	return 0;
}

static void
state_print(struct model *m, const struct mstate *s, FILE *out)
{
	char c[48], t[64];
	unsigned n, i;

	fprintf(out, "        ");
	for (n = 0; n < 2; n++) {
		clocks_text(s->clk[n], c, sizeof(c));
		fprintf(out, "%s%s=%s%s%s%s%s outbox[", n ? " | " : "",
		    hn_side_name((enum hn_side)n), st_name(s->st[n]),
		    c[0] ? " clocks:" : "", c,
		    (s->flags[n] & F_PRES) ? " preserved_at" : "",
		    (s->flags[n] & F_D60) ? "+60d" : "");
		for (i = s->head[n]; i < s->nsent[n]; i++) {
			msg_text(m, s, n, i, t, sizeof(t));
			fprintf(out, "%s%s", i > s->head[n] ? " " : "", t);
		}
		fprintf(out, "] wire[");
		for (i = 0; i < s->nsent[n]; i++)
			if (wire_get(s->wire[n], i) || wire_get(s->rcpt[n], i))
				fprintf(out, " #%u:%u copies,%u receipts", i,
				    wire_get(s->wire[n], i),
				    wire_get(s->rcpt[n], i));
		fprintf(out, " ]");
	}
	fprintf(out, "\n");
}

/* The shortest trace to the violation, replayed from the start. */
static void
trace_print(struct model *m, FILE *out)
{
	uint32_t path[M_MAX_DEPTH + 2], idx;
	struct mstate s = m->nodes[0].s;
	char desc[400];
	size_t np = 0, i;

	fprintf(out, "MODEL VIOLATION kind=%s table=%s invariant=%d: %s\n",
	    m->kind->name, m->p->name, m->inv, m->why);
	for (idx = (uint32_t)m->at; idx != 0 && np < M_MAX_DEPTH;
	     idx = m->nodes[idx].parent)
		path[np++] = m->nodes[idx].act;
	if (m->by_act)
		fprintf(out, "  trace (%zu actions, the last breaks it):\n",
		    np + 1);
	else
		fprintf(out, "  trace (%zu actions):\n", np);
	fprintf(out, "    start\n");
	state_print(m, &s, out);
	for (i = np; i > 0; i--) {
		(void)act(m, &s, path[i - 1], desc, sizeof(desc));
		fprintf(out, "    %2zu. %s\n", np - i + 1, desc);
		state_print(m, &s, out);
	}
	if (m->by_act) {
		(void)act(m, &s, m->act, desc, sizeof(desc));
		fprintf(out, "    %2zu. %s\n", np + 1, desc);
	}
	if (m->by_flush) {
		fprintf(out, "    then the network delivers everything:\n");
		(void)flush_check(m, &s, out);
	}
	fprintf(out, "    => %s\n", m->why);
}

static void
model_free(struct model *m)
{
	free(m->nodes);
	free(m->hash);
	free(m);
}

/* A model of kind k over table p (not necessarily k's own), not yet run;
 * the caller frees it with model_free. */
static struct model *
model_new(const struct hn_kind *k, const struct hn_protocol *p)
{
	const struct hn_ground *g[1];
	struct model *m = calloc(1, sizeof(*m));
	size_t i;

	assert_non_null(m);
	m->kind = k;
	m->p = p;
	m->maxdepth = M_MAX_DEPTH;
	m->hcap = 1u << 16;
	m->hash = calloc(m->hcap, sizeof(*m->hash));
	assert_non_null(m->hash);
	msg_add(m, HN_MSG_REQUEST);
	for (i = 0; i < p->nrows; i++) {
		msg_add(m, p->rows[i].on);
		msg_add(m, p->rows[i].sends);
	}
	m->rctx.kind = k;
	m->rctx.basis = HN_BASIS_UNCCC;
	if (hn_grounds_allowed(&m->rctx, g, 1) > 0)
		m->ground = g[0]->code;
	return m;
}

/* Runs the search for kind k over table p. A new model the caller frees
 * with model_free; its inv says the outcome (0 none), and unless quiet
 * the trace was printed. */
static struct model *
model_run(const struct hn_kind *k, const struct hn_protocol *p, double budget,
    bool quiet)
{
	struct model *m = model_new(k, p);
	struct mstate s0;
	size_t lo, hi, i;
	double t0 = now_secs();
	bool partial = false;

	m->budget = budget;
	m->quiet = quiet;
	memset(&s0, 0, sizeof(s0));
	s0.st[REQ] = (uint8_t)hn_state_initial(REQ);
	s0.st[ED] = HN_ST_NONE;
	if (visit(m, 0, 0, &s0) != 0)
		goto done;
	lo = 0;
	hi = m->n;
	while (lo < hi && m->depth < m->maxdepth) {
		if (m->depth >= M_MIN_DEPTH && now_secs() - t0 > budget)
			break;
		for (i = lo; i < hi; i++) {
			if (expand(m, (uint32_t)i) != 0)
				goto done;
			if ((i & 1023) == 0 && m->depth >= M_MIN_DEPTH &&
			    (now_secs() - t0 > budget || m->n > M_MAX_STATES)) {
				partial = true;
				break;
			}
		}
		if (partial)
			break;
		m->depth++;
		lo = hi;
		hi = m->n;
	}
	/* Exhaustive: the last level brought nothing new, every reachable
	 * state was visited; depth is then the deepest state's distance. */
	m->exhaustive = lo == hi;
	if (m->exhaustive && m->depth > 0)
		m->depth--;
done:
	m->secs = now_secs() - t0;
	if (m->inv != 0 && !m->quiet)
		trace_print(m, stdout);
	return m;
}

/* ---- the tests ---- */

static double
budget_per_kind(void)
{
	const char *e = getenv("HN_MODEL_SECONDS");
	char *end;
	double d;

	if (e != NULL) {
		d = strtod(e, &end);
		if (end != e && d > 0)
			return d;
	}
	return 5.0;
}

static bool
listed_table(const struct hn_protocol *p)
{
	size_t i;

	for (i = 0; hn_protocols[i] != NULL; i++)
		if (hn_protocols[i] == p)
			return true;
	return false;
}

/* Every kind over its real table; every table is some kind's. */
static void
test_real_tables(void **state)
{
	const struct hn_kind *k;
	const struct hn_protocol *p;
	struct model *m;
	char failed[512] = "";
	size_t i, len = 0;
	bool used;
	double t0 = now_secs();

	for (i = 0; hn_protocols[i] != NULL; i++) {
		used = false;
		for (k = hn_kinds; k->name != NULL; k++)
			used |= hn_protocol_for(k) == hn_protocols[i];
		if (!used)
			fprintf(stdout, "MODEL table %s is no kind's table\n",
			    hn_protocols[i]->name);
		assert_true(used);
	}
	for (k = hn_kinds; k->name != NULL; k++) {
		p = hn_protocol_for(k);
		assert_non_null(p);
		assert_true(listed_table(p));
		m = model_run(k, p, budget_per_kind(), false);
		printf("MODEL kind=%s depth=%u states=%zu\n", k->name, m->depth,
		    m->n);
		printf("  table=%s %s, %.2f s, refusals on ground %s%s\n",
		    p->name,
		    m->exhaustive ? "exhaustive (every reachable "
				    "state)" :
				    "bounded by the time budget",
		    m->secs, m->ground ? m->ground : "(none allowed)",
		    m->inv ? ", VIOLATION (trace above)" : "");
		fflush(stdout);
		/* A refusal row no ground can pass would leave refusals
		 * unexplored. */
		for (i = 0; i < p->nrows; i++)
			if ((p->rows[i].needs & HN_PN_GROUNDS) &&
			    m->ground == NULL && m->inv == 0) {
				printf("MODEL kind=%s: a row needs grounds, "
				       "none is allowed\n",
				    k->name);
				m->inv = -1;
			}
		if (m->inv != 0 || m->depth < M_MIN_DEPTH)
			len += (size_t)snprintf(failed + len,
			    len < sizeof(failed) ? sizeof(failed) - len : 0,
			    " %s", k->name);
		model_free(m);
	}
	printf("MODEL total %.2f s%s%s\n", now_secs() - t0,
	    failed[0] ? ", failing kinds:" : "", failed);
	assert_string_equal(failed, "");
}

/* The other half of "the console shows exactly the changes the gate
 * allows": every action hn_proto_actions lists for a side, state and roles
 * is a user row of them that hn_proto_check lets someone with those roles
 * take once the facts are there (another person than the author, grounds
 * and reasons, the 60 days, the preservation named). */
static void
test_actions_are_changes(void **state)
{
	const struct hn_proto_row *out[M_STEPS], *r;
	const struct hn_kind *k;
	const struct hn_protocol *p;
	struct hn_proto_facts f;
	struct hn_error err;
	struct model *m;
	unsigned side, st, roles;
	size_t i, n, checked = 0;

	for (k = hn_kinds; k->name != NULL; k++) {
		p = hn_protocol_for(k);
		m = model_new(k, p); /* for its facts */
		for (side = 0; side < 2; side++)
			for (st = 0; st < HN_ST_COUNT_; st++)
				for (roles = 1; roles <= HN_PR_OFFICERS;
				     roles++) {
					n = hn_proto_actions(p, side, st, roles,
					    out, M_STEPS);
					assert_true(n <= M_STEPS);
					for (i = 0; i < n; i++) {
						assert_int_equal(out[i]->side,
						    side);
						assert_int_equal(out[i]->from,
						    st);
						assert_int_equal(out[i]->cause,
						    HN_BY_USER);
						assert_true(
						    out[i]->roles & roles);
						facts_init(m, &f,
						    F_PRES | F_D60,
						    roles | 0x8);
						r = NULL;
						if (hn_proto_check(p, side, st,
							out[i]->to, HN_BY_USER,
							NULL, &f, &r,
							&err) != 0)
							fail_msg("%s: %s %s -> %s "
								 "is offered but "
								 "refused: %s",
							    k->name,
							    hn_side_name(side),
							    st_name(st),
							    st_name(out[i]->to),
							    err.message);
						assert_non_null(r);
						assert_int_equal(r->to,
						    out[i]->to);
						checked++;
					}
				}
		model_free(m);
	}
	assert_true(checked > 0);
}

/* ---- broken tables: the check must find each ---- */

#define M_ROWS 256

struct broken {
	struct hn_protocol p;
	struct hn_proto_row rows[M_ROWS];
};

static const struct hn_kind *
kind_named(const char *name)
{
	const struct hn_kind *k = hn_kind_find(name);

	assert_non_null(k);
	return k;
}

static void
broken_init(struct broken *b, const struct hn_kind *k, const char *what)
{
	const struct hn_protocol *p = hn_protocol_for(k);

	assert_non_null(p);
	assert_true(p->nrows < M_ROWS);
	memcpy(b->rows, p->rows, p->nrows * sizeof(b->rows[0]));
	b->p.name = what;
	b->p.rows = b->rows;
	b->p.nrows = p->nrows;
}

static void
broken_remove(struct broken *b, size_t i)
{
	memmove(&b->rows[i], &b->rows[i + 1],
	    (b->p.nrows - i - 1) * sizeof(b->rows[0]));
	b->p.nrows--;
}

#define INV(n) (1u << (n))

/* Runs the check over the broken table: it must fail, on one of the
 * invariants in the set `want` (INV(1) | ...). */
static void
broken_expect(struct broken *b, const struct hn_kind *k, unsigned want)
{
	struct model *m;

	printf("MODEL broken table: %s (kind %s)\n", b->p.name, k->name);
	m = model_run(k, &b->p, 1.5, false);
	printf("MODEL broken kind=%s depth=%u states=%zu invariant=%d\n",
	    k->name, m->depth, m->n, m->inv);
	fflush(stdout);
	assert_true(m->inv > 0);
	assert_true(want & INV(m->inv));
	model_free(m);
}

/* The requesting copy no longer follows a final answer that crossed its
 * own withdrawal: the copies end contradictory. */
static void
test_broken_withdrawal_loses(void **state)
{
	const struct hn_kind *k = kind_named("mla");
	struct broken b;
	size_t i, removed = 0;

	broken_init(&b, k, "no final answer over a withdrawal");
	for (i = b.p.nrows; i > 0; i--)
		if (b.rows[i - 1].side == REQ &&
		    b.rows[i - 1].from == HN_ST_WITHDRAWN &&
		    b.rows[i - 1].cause == HN_BY_MESSAGE) {
			broken_remove(&b, i - 1);
			removed++;
		}
	assert_true(removed > 0);
	broken_expect(&b, k, INV(2) | INV(3));
}

/* The requested State may withdraw the request (issue 12, point 2). */
static void
test_broken_requested_withdraws(void **state)
{
	const struct hn_kind *k = kind_named("mla");
	struct broken b;
	size_t i;

	broken_init(&b, k, "the requested side withdraws by user");
	for (i = 0; i < b.p.nrows; i++)
		if (b.rows[i].side == REQ && b.rows[i].cause == HN_BY_USER &&
		    b.rows[i].to == HN_ST_WITHDRAWN)
			break;
	assert_true(i < b.p.nrows);
	b.rows[b.p.nrows] = b.rows[i];
	b.rows[b.p.nrows].side = ED;
	b.rows[b.p.nrows].from = HN_ST_RECEIVED;
	b.rows[b.p.nrows].sends = NULL;
	b.p.nrows++;
	broken_expect(&b, k, INV(1));
}

/* The requesting copy no longer mirrors an acknowledgement: once
 * everything is delivered the copies disagree. */
static void
test_broken_answer_not_mirrored(void **state)
{
	const struct hn_kind *k = kind_named("mla");
	struct broken b;
	size_t i, removed = 0;

	broken_init(&b, k, "the requesting copy ignores an acknowledgement");
	for (i = b.p.nrows; i > 0; i--)
		if (b.rows[i - 1].side == REQ &&
		    b.rows[i - 1].cause == HN_BY_MESSAGE &&
		    b.rows[i - 1].to == HN_ST_ACKNOWLEDGED) {
			broken_remove(&b, i - 1);
			removed++;
		}
	assert_true(removed > 0);
	broken_expect(&b, k, INV(3));
}

/* An emergency's author approves it (issue 12, point 4; art. 41). */
static void
test_broken_self_approval(void **state)
{
	const struct hn_kind *k = kind_named("emergency");
	struct broken b;
	size_t i, changed = 0;

	broken_init(&b, k, "self-approval of an emergency");
	for (i = 0; i < b.p.nrows; i++)
		if (b.rows[i].needs & HN_PN_OTHER_APPROVER) {
			b.rows[i].needs &= ~(unsigned)HN_PN_OTHER_APPROVER;
			changed++;
		}
	assert_true(changed > 0);
	broken_expect(&b, k, INV(1));
}

/* A preservation released the day it took effect (issue 12, point 5). */
static void
test_broken_release_early(void **state)
{
	const struct hn_kind *k = kind_named("preservation");
	struct broken b;
	size_t i, changed = 0;

	broken_init(&b, k, "release before the 60 days of art. 42");
	for (i = 0; i < b.p.nrows; i++)
		if (b.rows[i].needs & HN_PN_MIN_PRESERVATION) {
			b.rows[i].needs &= ~(unsigned)HN_PN_MIN_PRESERVATION;
			changed++;
		}
	assert_true(changed > 0);
	broken_expect(&b, k, INV(1));
}

/* A final answer that leaves its clocks running (issue 12, point 6). */
static void
test_broken_clock_left_open(void **state)
{
	const struct hn_kind *k = kind_named("mla");
	struct broken b;
	size_t i, changed = 0;

	broken_init(&b, k, "a final answer stops no clock");
	for (i = 0; i < b.p.nrows; i++)
		if (b.rows[i].side == ED &&
		    hn_proto_final(&b.p, ED, b.rows[i].to) &&
		    b.rows[i].stops != 0) {
			b.rows[i].stops = 0;
			changed++;
		}
	assert_true(changed > 0);
	broken_expect(&b, k, INV(4));
}

/* Every row the network takes (a message's, a receipt's) is needed:
 * without any one of them, in any table, the copies split. */
static void
test_broken_every_network_row(void **state)
{
	const struct hn_kind *k;
	const struct hn_protocol *p;
	struct broken b;
	struct model *m;
	char txt[200];
	size_t t, i, n = 0;

	for (t = 0; hn_protocols[t] != NULL; t++) {
		p = hn_protocols[t];
		for (k = hn_kinds; k->name != NULL; k++)
			if (hn_protocol_for(k) == p)
				break;
		assert_non_null(k->name);
		for (i = 0; i < p->nrows; i++) {
			if (p->rows[i].cause != HN_BY_MESSAGE &&
			    p->rows[i].cause != HN_BY_RECEIPT)
				continue;
			broken_init(&b, k, p->name);
			broken_remove(&b, i);
			m = model_run(k, &b.p, 1.5, true);
			row_text(&p->rows[i], txt, sizeof(txt));
			printf("MODEL broken table=%s without %s %s %s %s: "
			       "invariant=%d (%s)\n",
			    p->name, hn_side_name(p->rows[i].side),
			    hn_cause_name(p->rows[i].cause), p->rows[i].on, txt,
			    m->inv, m->inv ? m->why : "not found");
			if (m->inv <= 0)
				trace_print(m, stdout);
			assert_true(m->inv > 0);
			model_free(m);
			n++;
		}
	}
	assert_true(n > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_tables),
		cmocka_unit_test(test_actions_are_changes),
		cmocka_unit_test(test_broken_withdrawal_loses),
		cmocka_unit_test(test_broken_requested_withdraws),
		cmocka_unit_test(test_broken_answer_not_mirrored),
		cmocka_unit_test(test_broken_self_approval),
		cmocka_unit_test(test_broken_release_early),
		cmocka_unit_test(test_broken_clock_left_open),
		cmocka_unit_test(test_broken_every_network_row),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
