/*
 * protocol.h - the life of a request between two States, as data (core,
 * pure).
 *
 * A request lives on two nodes: the requesting State's copy and the
 * requested State's copy. One table per kind (hn_protocol_for) lists every
 * change either copy may go through. A row says:
 *   - whose copy changes (side) and from which state to which;
 *   - what causes it: a user of that node (the API, the CLI, the console),
 *     a message from the other node, the receipt of our own message, or a
 *     timer;
 *   - for a user: the roles allowed, and what the change needs (grounds
 *     and reasons, an approver who is not the author, the 60 days of
 *     art. 42, the preservation a disclosure refers to);
 *   - the message it sends to the other node (the other copy's table has
 *     the row that message takes there);
 *   - the clocks it starts and stops;
 *   - the rule it implements, cited exactly.
 * The node's one gate (node/requests.h) checks every change against it:
 * API transitions, approval, the CLI, inbound messages, receipts and
 * timers. Views list the user rows a user may take now (actions); the
 * console shows exactly those. `hanoinet request protocol` prints the
 * tables (hn_protocol_text), and docs/protocol.md holds the same text.
 *
 * Why the copies cannot diverge (the model check in
 * tests/unit/test_protocol_model.c explores it): each node sends the
 * messages about one request in order, one at a time (the next after the
 * receipt of the previous one), so each direction is an ordered channel;
 * a message that is not a legal change of the receiver's copy is refused
 * for good; and where the two sides may cross (a withdrawal against a
 * final answer), the table says who wins: a final answer of the
 * requested State stands, and the requesting copy follows it even after
 * its own withdrawal.
 */
#ifndef HN_CORE_PROTOCOL_H
#define HN_CORE_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/grounds.h"
#include "core/request.h"
#include "util/err.h"

enum hn_state {
	/* requesting side */
	HN_ST_DRAFT,
	HN_ST_AWAITING_APPROVAL,
	HN_ST_QUEUED,
	HN_ST_DELIVERED,
	HN_ST_REJECTED, /* the requested node refused the request message
			   for good (its gate): it holds no copy */
	/* requested side (the requesting copy mirrors these answers) */
	HN_ST_RECEIVED,
	HN_ST_ACKNOWLEDGED,
	HN_ST_EXECUTED,
	HN_ST_PARTIALLY_EXECUTED,
	HN_ST_REFUSED,
	HN_ST_POSTPONED,
	HN_ST_PRESERVED,
	HN_ST_EXTENDED,
	HN_ST_EXPIRED,
	HN_ST_RELEASED,
	/* both sides */
	HN_ST_WITHDRAWN,
	/* no copy yet (the requested node before the request arrives) */
	HN_ST_NONE,
	HN_ST_COUNT_
};

enum hn_side { HN_SIDE_REQUESTING, HN_SIDE_REQUESTED };

enum hn_cause {
	HN_BY_USER, /* an officer of this node: API, CLI, console */
	HN_BY_MESSAGE, /* a message of the other node (row->on) */
	HN_BY_RECEIPT, /* the other node receipted our message (row->on) */
	HN_BY_TIMER, /* the node's clock */
};

/* Roles (the same bits as net/http.h HN_ROLE_*). */
#define HN_PR_DUTY_OFFICER 0x1
#define HN_PR_CENTRAL_AUTHORITY 0x2
#define HN_PR_SUPERVISOR 0x4
#define HN_PR_OFFICERS \
	(HN_PR_DUTY_OFFICER | HN_PR_CENTRAL_AUTHORITY | HN_PR_SUPERVISOR)

/* What a row needs besides its from-state, cause and role. */
#define HN_PN_GROUNDS 0x01 /* >= 1 allowed ground and reasons */
#define HN_PN_REASON 0x02 /* a reason text */
#define HN_PN_OTHER_APPROVER 0x04 /* the actor is not the author */
#define HN_PN_MIN_PRESERVATION 0x08 /* art. 42: 60 days since preserved */
#define HN_PN_PRESERVATION_REF \
	0x10 /* art. 43: names a preservation \
		between the same parties */

/* Clocks (core/deadline.h computes their due times). */
#define HN_CLK_ACK 0x1 /* art. 41: acknowledge a 24/7 request */
#define HN_CLK_STATED 0x2 /* art. 40: the requester's deadline */
#define HN_CLK_EXECUTION 0x4 /* art. 41: an emergency's execution */
#define HN_CLK_PRESERVATION 0x8 /* art. 42: the preservation period */
#define HN_CLK_ALL 0xf

/* The pseudo message that carries the request itself (its envelope kind
 * is the request's kind name). */
#define HN_MSG_REQUEST "request"
/* The receipt of a request message that the other node refused for good
 * (its treaty gate, validation, or the protocol), or a delivery that
 * failed for good: rows of cause HN_BY_RECEIPT with on = this. */
#define HN_MSG_REFUSED "refused"

struct hn_proto_row {
	enum hn_side side; /* whose copy changes */
	enum hn_state from;
	enum hn_state to;
	enum hn_cause cause;
	unsigned roles; /* HN_PR_*: who may (user rows only) */
	unsigned needs; /* HN_PN_* */
	const char *on; /* message (or receipted message) kind */
	const char *sends; /* message to the other node, or NULL */
	unsigned starts; /* HN_CLK_* */
	unsigned stops;
	const char *label; /* the console's button (user rows) */
	const struct hn_citation *cite;
};

struct hn_protocol {
	const char *name; /* "execution", "preservation", ... */
	const struct hn_proto_row *rows;
	size_t nrows;
};

/* "draft", ..., "withdrawn"; "none"; "?" when out of range. */
const char *hn_state_name(enum hn_state s);
/* A state a request can be in (not "none"); HN_EINVAL otherwise. */
int hn_state_parse(const char *name, enum hn_state *out);
const char *hn_side_name(enum hn_side side); /* "requesting"/"requested" */
int hn_side_parse(const char *name, enum hn_side *out);
const char *hn_cause_name(enum hn_cause c); /* "user", "message", ... */

/* The state a copy starts in: draft (requesting) or received. */
enum hn_state hn_state_initial(enum hn_side side);

/* The table of kind k (NULL for NULL). */
const struct hn_protocol *hn_protocol_for(const struct hn_kind *k);
/* Every distinct table, terminated by NULL; and which kinds use it. */
extern const struct hn_protocol *const hn_protocols[];

/* No row of any cause leaves state s on side (the copy is settled). */
bool hn_proto_final(const struct hn_protocol *p, enum hn_side side,
    enum hn_state s);

/* What the gate knows when it checks a change. */
struct hn_proto_facts {
	unsigned roles; /* the actor's roles (user rows) */
	const char *actor; /* account name (user rows) */
	const char *author; /* who created the request */
	int64_t now;
	int64_t preserved_at; /* when the copy became preserved (0) */
	bool preservation_ref_ok; /* art. 43: the named preservation exists
				     between the same two parties */
	const struct hn_refusal_ctx *refusal; /* for grounds */
	const char *const *grounds;
	size_t ngrounds;
	const char *reason;
};

#define HN_PRESERVATION_MIN_DAYS 60 /* art. 42; Budapest 29(7) */

/*
 * Checks one change of a copy. cause and on (the message kind for
 * HN_BY_MESSAGE / HN_BY_RECEIPT, else NULL) pick the rows; facts may be
 * NULL for rows that need nothing. On 0 *row (may be NULL) is the row
 * taken. Otherwise err says why:
 *   HN_ESTATE   no such change from this state (409);
 *               also the 60 days of art. 42 not yet over (409);
 *   HN_EDENIED  the change exists but for the other side, for another
 *               cause (the network's, not a user's), for other roles, or
 *               the approver is the author (403);
 *   HN_EINVAL   grounds or reasons missing or not allowed (400);
 *   HN_EVALIDATE the preservation a disclosure refers to is not there.
 */
int hn_proto_check(const struct hn_protocol *p, enum hn_side side,
    enum hn_state from, enum hn_state to, enum hn_cause cause, const char *on,
    const struct hn_proto_facts *facts, const struct hn_proto_row **row,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * The user rows of side leaving `from` that a user with `roles` may take
 * (the console's buttons): up to max pointers into out[], returns how many
 * there are in total. Facts such as the 60 days are not applied here: the
 * view says what each needs.
 */
size_t hn_proto_actions(const struct hn_protocol *p, enum hn_side side,
    enum hn_state from, unsigned roles, const struct hn_proto_row **out,
    size_t max);

/* "grounds", "reason", "other_approver", ...: the names of needs bits
 * (bit i of HN_PN_* is hn_need_names[i]), NULL-terminated. */
extern const char *const hn_need_names[];
/* "ack", "stated", "execution", "preservation" (bit i of HN_CLK_*). */
extern const char *const hn_clock_names[];

/*
 * Every table as Markdown text (the output of `hanoinet request
 * protocol`, and what docs/protocol.md holds between its markers). A new
 * string the caller frees; NULL on ENOMEM.
 */
char *hn_protocol_text(void);

#endif
