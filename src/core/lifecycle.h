/*
 * lifecycle.h - states of a request and the transitions allowed between
 * them, per kind and per side (core, pure).
 *
 * Owner: core (issue 2). Used by net/ (POST /v1/requests/{id}/transitions,
 * the console's buttons), fed/ (incoming status messages) and store/.
 *
 * The requesting side:  draft -> queued -> sent -> delivered; an emergency
 *   request (art. 41) goes draft -> awaiting_approval -> approved -> queued
 *   (a supervisor approves). Then it follows the requested State's answers
 *   (hn_answer_applies). The requester may withdraw it at any point while
 *   it is open (-> withdrawn).
 * The requested side:   received -> acknowledged -> executed |
 *   partially_executed | refused | postponed; postponed -> executed |
 *   partially_executed | refused; withdrawn by the requester while open.
 *   Preservation (art. 42): acknowledged -> preserved -> extended ->
 *   expired | released (preserved may also expire or be released directly),
 *   or refused.
 * A refusal carries at least one ground of art. 40 and a reason text; a
 * postponement a reason text (art. 40: reasons are given).
 */
#ifndef HN_CORE_LIFECYCLE_H
#define HN_CORE_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/request.h"
#include "util/err.h"

enum hn_state {
	/* requesting side */
	HN_ST_DRAFT,
	HN_ST_AWAITING_APPROVAL,
	HN_ST_APPROVED,
	HN_ST_QUEUED,
	HN_ST_SENT,
	HN_ST_DELIVERED,
	/* requested side */
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
	HN_ST_COUNT_
};

enum hn_side { HN_SIDE_REQUESTING, HN_SIDE_REQUESTED };

/* "draft", "awaiting_approval", ...; "?" when out of range. */
const char *hn_state_name(enum hn_state s);
/* 0 and *out set, or HN_EINVAL for an unknown name. */
int hn_state_parse(const char *name, enum hn_state *out);
const char *hn_side_name(enum hn_side side); /* "requesting"/"requested" */
int hn_side_parse(const char *name, enum hn_side *out);

/* The state a request starts in: draft (requesting) or received. */
enum hn_state hn_state_initial(enum hn_side side);
/* No transition leaves this state for this kind and side. */
bool hn_state_terminal(const struct hn_kind *k, enum hn_side side,
    enum hn_state s);

/*
 * The requesting side mirrors the requested State's answers (federation:
 * an acknowledgement, refusal, response... names the state the request
 * reached there). True if a request in state `from` on the requesting
 * side moves to answer state `to`: `to` is a requested-side state other
 * than withdrawn, reachable from `from` (queued, sent and delivered count
 * as received) in the requested side's table. False for a stale or
 * repeated answer, an answer to a request not sent, or one withdrawn.
 */
bool hn_answer_applies(const struct hn_kind *k, enum hn_state from,
    enum hn_state to);

/* What a transition needs besides being in the table. */
#define HN_NEED_SUPERVISOR 0x1 /* the actor is a supervisor (emergency) */
#define HN_NEED_GROUNDS 0x2    /* >= 1 art. 40 ground and a reason text */
#define HN_NEED_REASON 0x4     /* a reason text */

/* Which kinds a row applies to. */
#define HN_FOR_ALL 0x0
#define HN_FOR_EMERGENCY 0x1     /* only kinds with k->emergency */
#define HN_FOR_NOT_EMERGENCY 0x2 /* only kinds without */
#define HN_FOR_PRESERVATION 0x4  /* only kinds with k->preservation */
#define HN_FOR_NOT_PRESERVATION 0x8

struct hn_transition {
	enum hn_side side;
	enum hn_state from;
	enum hn_state to;
	unsigned kinds;      /* HN_FOR_* */
	unsigned needs;      /* HN_NEED_* */
	const char *article; /* the rule it implements */
};

/* A ground for refusal (art. 40). */
struct hn_ground {
	const char *code;    /* stable: "sovereignty_security_public_order" */
	const char *article; /* "40 (b)" */
	const char *text;
	bool preservation_only; /* art. 42 dual-criminality reservation */
};

/* The grounds, terminated by a NULL code. */
extern const struct hn_ground hn_grounds[];
const struct hn_ground *hn_ground_find(const char *code);

/* What the actor brings with a transition. */
struct hn_transition_args {
	const char *const *grounds; /* ground codes (refusal) */
	size_t ngrounds;
	const char *reason; /* reason text (refusal, postponement) */
	bool supervisor;    /* the actor holds the supervisor role */
};

/*
 * 0 if kind k may go from `from` to `to` on `side` with `args` (may be
 * NULL when the transition needs nothing). Otherwise HN_ESTATE for a
 * transition not in the table ("illegal transition from sent to draft for
 * preservation (requesting side)"), HN_EDENIED for a missing supervisor,
 * HN_EINVAL for missing or invalid grounds or reason; err says which.
 */
int hn_transition_check(const struct hn_kind *k, enum hn_side side,
    enum hn_state from, enum hn_state to,
    const struct hn_transition_args *args, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * The transitions allowed from `from` for kind k on `side` (the console's
 * buttons): writes up to `max` pointers into static rows to out[] and
 * returns how many there are in total.
 */
size_t hn_transitions_from(const struct hn_kind *k, enum hn_side side,
    enum hn_state from, const struct hn_transition **out, size_t max);

#endif
