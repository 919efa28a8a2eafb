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
 *   preservation  (art. 42) data is held at least 60 days from when the
 *                 preservation took effect and then, once the follow-up
 *                 request is received, until it is decided.
 *   requested_by  (art. 40) a deadline the requester stated with reasons.
 * A deadline that no longer applies (acknowledged, preservation ended,
 * request closed) is not listed.
 */
#ifndef HN_CORE_DEADLINE_H
#define HN_CORE_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/protocol.h"
#include "core/request.h"

#define HN_TIME_NONE INT64_MIN
#define HN_PRESERVATION_MIN_SECONDS (60 * 86400) /* art. 42: 60 days */
#define HN_DEADLINES_MAX 4

struct hn_deadline_config {
	int64_t ack_target;           /* seconds; default 24 h (art. 41) */
	int64_t ack_target_emergency; /* seconds; default 1 h (art. 41) */
	/*
	 * A deadline is due_soon once the time left is at most this many
	 * seconds or a quarter of its whole span, whichever is shorter
	 * (default 6 h), so that a 1-hour target is not due soon at once.
	 */
	int64_t due_soon;
};

void hn_deadline_config_default(struct hn_deadline_config *c);

/* What is known of a request; HN_TIME_NONE for what has not happened. */
struct hn_deadline_input {
	const struct hn_kind *kind;
	enum hn_side side;
	enum hn_state state;
	int64_t created_at;   /* requesting side: when it was created */
	int64_t received_at;  /* requested side: when it arrived */
	int64_t preserved_at; /* art. 42: when preservation took effect */
	int64_t followup_received_at; /* art. 42: the MLA request arrived */
	int64_t followup_decided_at;  /* art. 42: and was decided */
	int64_t stated_deadline; /* art. 40: the request's "deadline" */
};

/* Initialises every time to HN_TIME_NONE. */
void hn_deadline_input_init(struct hn_deadline_input *in);

enum hn_level { HN_LEVEL_OK, HN_LEVEL_DUE_SOON, HN_LEVEL_OVERDUE };

struct hn_deadline {
	const char *name;    /* "acknowledge", "preservation", "requested_by" */
	int64_t due;         /* Unix seconds UTC */
	enum hn_level level;
	const char *article; /* "41", "42", "40" */
	/* preservation: held until the follow-up request is decided, `due`
	 * is the earliest end; level stays ok while it is pending. */
	bool until_decision;
};

const char *hn_level_name(enum hn_level l); /* "ok", "due_soon", "overdue" */
int hn_level_parse(const char *s, enum hn_level *out);

/*
 * Writes the deadlines that apply to out[0..max) (at most
 * HN_DEADLINES_MAX are ever produced) and returns how many. Returns
 * HN_EINVAL if in or in->kind is NULL.
 */
int hn_deadlines_compute(const struct hn_deadline_input *in,
    const struct hn_deadline_config *cfg, int64_t now,
    struct hn_deadline *out, size_t max);

/* The level of a deadline spanning [start, due] at `now`. */
enum hn_level hn_deadline_level(int64_t start, int64_t due, int64_t now,
    int64_t due_soon);

#endif
