/*
 * deadline.h - the deadlines of a request (core, pure).
 *
 * Owner: core (issue 2). Used by net/ (shown with every request, filters by
 * level, /metrics), the escalation worker and the console.
 *
 * Computed from the request's facts, the node's configuration and `now`
 * (a parameter: core never reads the clock):
 *   acknowledge   (art. 41) requests through the 24/7 network are
 *                 acknowledged within a target (default 24 hours;
 *                 emergency 1 hour), counted from receipt.
 *   execution     (art. 41) an emergency request, once acknowledged, is
 *                 executed within a target (default 24 hours) counted
 *                 from the acknowledgement, on both copies (the
 *                 requesting side counts from when the acknowledgement
 *                 reached it).
 *   preservation  (art. 42) data is held at least 60 days from when the
 *                 preservation took effect and then, once the follow-up
 *                 request is received, until it is decided.
 *   requested_by  (art. 40) a deadline the requester stated with reasons.
 * A deadline that no longer applies (acknowledged, preservation ended,
 * request closed) is not listed. A request in a final state (executed,
 * partially_executed, refused, expired, released, withdrawn, rejected)
 * has no deadline at all, of any name, on either side.
 */
#ifndef HN_CORE_DEADLINE_H
#define HN_CORE_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/protocol.h"
#include "core/request.h"

#define HN_TIME_NONE INT64_MIN
#define HN_PRESERVATION_MIN_SECONDS (60 * 86400) /* art. 42: 60 days */
#define HN_DEADLINES_MAX 4

struct hn_deadline_config {
	int64_t ack_target; /* seconds; default 24 h (art. 41) */
	int64_t ack_target_emergency; /* seconds; default 1 h (art. 41) */
	/*
	 * A deadline is due_soon once the time left is at most this many
	 * seconds or a quarter of its whole span, whichever is shorter
	 * (default 6 h), so that a 1-hour target is not due soon at once.
	 */
	int64_t due_soon;
	/* seconds from the acknowledgement to the execution of an
	 * emergency request; default 24 h (art. 41); 0 means the default */
	int64_t emergency_execution;
};

void hn_deadline_config_default(struct hn_deadline_config *c);

/* What is known of a request; HN_TIME_NONE for what has not happened. */
struct hn_deadline_input {
	const struct hn_kind *kind;
	enum hn_side side;
	enum hn_state state;
	int64_t created_at; /* requesting side: when it was created */
	int64_t received_at; /* requested side: when it arrived */
	int64_t preserved_at; /* art. 42: when preservation took effect */
	int64_t followup_received_at; /* art. 42: the MLA request arrived */
	int64_t followup_decided_at; /* art. 42: and was decided */
	int64_t stated_deadline; /* art. 40: the request's "deadline" */
	int64_t acknowledged_at; /* art. 41: this copy was acknowledged */
};

/* Initialises every time to HN_TIME_NONE. */
void hn_deadline_input_init(struct hn_deadline_input *in);

enum hn_level { HN_LEVEL_OK, HN_LEVEL_DUE_SOON, HN_LEVEL_OVERDUE };

struct hn_deadline {
	const char *name; /* "acknowledge", "execution", "preservation",
			   * "requested_by" */
	int64_t due; /* Unix seconds UTC */
	enum hn_level level;
	const char *article; /* "41", "41", "42", "40" */
	/* preservation: held until the follow-up request is decided, `due`
	 * is the earliest end; level stays ok while it is pending. */
	bool until_decision;
};

const char *hn_level_name(enum hn_level l); /* "ok", "due_soon", "overdue" */
int hn_level_parse(const char *s, enum hn_level *out);

/*
 * Writes the deadlines that apply to out[0..max) (at most
 * HN_DEADLINES_MAX are ever produced) and returns how many: none in a
 * final state (hn_deadline_state_final). Returns HN_EINVAL if in or
 * in->kind is NULL.
 */
int hn_deadlines_compute(const struct hn_deadline_input *in,
    const struct hn_deadline_config *cfg, int64_t now, struct hn_deadline *out,
    size_t max);

/* The level of a deadline spanning [start, due] at `now`. */
enum hn_level hn_deadline_level(int64_t start, int64_t due, int64_t now,
    int64_t due_soon);

/*
 * A final state: the request is finished on this copy and no clock runs
 * (executed, partially_executed, refused, expired, released, withdrawn;
 * rejected: the other node's gate refused the request itself).
 */
bool hn_deadline_state_final(enum hn_state s);

/*
 * Art. 40: the requester states a deadline so that the requested party
 * can take account of it; one that has already passed when the request is
 * made cannot be taken account of. If req states a "deadline" at or
 * before `now`, appends a problem for field "deadline" (article "40") to
 * ps and returns HN_EVALIDATE; otherwise (no deadline, a future one, or a
 * malformed one, which hn_request_validate reports) returns 0.
 *
 * For requests made on this node only. A request that arrives from another
 * State is not refused for a past deadline: it is the requester's
 * statement, made on the requester's clock, and refusing it would lose the
 * request; it is received and shown overdue at once.
 */
int hn_deadline_stated_check(const json_t *req, int64_t now,
    struct hn_problems *ps);

/*
 * The order of lists (GET /v1/requests, the inbox): open emergency
 * requests first (art. 41: "in the most expeditious manner"), then every
 * request with a deadline, the earliest next_due first, then those without
 * one, the most recently created first. A key that sorts ascending in that
 * order: bit 43 clear for an open emergency (kind emergency, not in a
 * final state), bit 42 clear when next_due is set, then next_due (or the
 * complement of created_at) clamped to 42 bits. In [0, HN_ORDER_KEY_MAX].
 * Callers break ties by most recently stored.
 */
#define HN_ORDER_TIME_BITS 42
#define HN_ORDER_KEY_MAX ((INT64_C(1) << (HN_ORDER_TIME_BITS + 2)) - 1)
int64_t hn_deadline_order_key(const struct hn_deadline_input *in,
    int64_t next_due);

#endif
