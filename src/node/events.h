/*
 * events.h - the node's in-process event bus (issue 16): every inbound
 * request, answer, state change, message and evidence transfer is
 * published here once, naming its request id; GET /v1/events (net/) and
 * the alerting service (node/) read it.
 *
 * One bus per process (one node per process). Events are kept in a
 * bounded ring of HN_EVENTS_RING entries; ids start at 1 and increase by
 * one per event for the life of the process, so a reader resumes after
 * the last id it saw (SSE Last-Event-ID). A reader that fell more than
 * the ring behind is told so (*gap) and must reload its lists.
 *
 * Thread safety: every function may be called from any thread.
 * Publishing never blocks on readers: subscribers' callbacks run on the
 * publisher's thread after the bus lock is released, and must be quick
 * and must not publish (hand work to your own thread).
 */
#ifndef HN_NODE_EVENTS_H
#define HN_NODE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define HN_EVENTS_RING 4096
#define HN_EVENT_KIND_MAX 32 /* with NUL */
#define HN_EVENT_REQ_MAX 80 /* request id, with NUL */
#define HN_EVENT_JSON_MAX 1024 /* the event's data object, with NUL */
#define HN_EVENTS_SUBS_MAX 8

/*
 * Event kinds (the SSE "event:" field). request_id is "" only for events
 * that concern no request (none yet).
 */
#define HN_EV_REQUEST_IN "request.inbound" /* a request arrived */
#define HN_EV_REQUEST_OUT "request.queued" /* this node queued one out */
#define HN_EV_STATE "request.state" /* any state change */
#define HN_EV_ANSWER "request.answer" /* an answer arrived or was sent */
#define HN_EV_MESSAGE "message" /* a message on a request */
#define HN_EV_EVIDENCE "evidence" /* an evidence transfer moved */

struct hn_event {
	uint64_t id; /* > 0, increasing */
	int64_t at_ms; /* wall clock, ms since the epoch */
	char kind[HN_EVENT_KIND_MAX];
	char request_id[HN_EVENT_REQ_MAX];
	char json[HN_EVENT_JSON_MAX]; /* a JSON object, "{}" when none */
};

/*
 * Publishes one event. kind: non-empty, < HN_EVENT_KIND_MAX, [a-z._];
 * request_id: may be NULL (stored as ""), printable ASCII without
 * whitespace; json: NULL or a single-line JSON object (no CR/LF: it is
 * written as one SSE data line) under HN_EVENT_JSON_MAX. The caller
 * builds json with util/json; the bus does not parse it.
 * Returns 0 (and the new id in *id when id is not NULL), HN_EINVAL or
 * HN_ETOOBIG. Never blocks on readers.
 */
int hn_events_publish(const char *kind, const char *request_id,
    const char *json, uint64_t *id);

/* The id of the last event published; 0 before the first. */
uint64_t hn_events_last_id(void);

/*
 * Copies up to max events with id > after into out, oldest first,
 * waiting up to timeout_ms (0: do not wait) for the first one.
 * *gap (may be NULL) is set to 1 when events after `after` were dropped
 * from the ring before this reader got them, else 0. An `after` beyond
 * the last id (a client that saw another process's ids) is treated as
 * 0 with *gap set. Returns the number of events copied (0 on timeout or
 * hn_events_wake) or HN_EINVAL.
 */
int hn_events_wait(uint64_t after, struct hn_event *out, size_t max,
    int timeout_ms, int *gap);

/* Wakes every waiter (shutdown); they return 0. */
void hn_events_wake(void);

/*
 * A subscriber called for each event after it is stored, on the
 * publisher's thread, without the bus lock held. It must not block and
 * must not publish. Returns a handle >= 0, or HN_EBUSY when
 * HN_EVENTS_SUBS_MAX are registered, HN_EINVAL for a NULL fn.
 */
typedef void (*hn_events_fn)(const struct hn_event *ev, void *arg);
int hn_events_subscribe(hn_events_fn fn, void *arg);
/* Removes a subscriber; after it returns fn is not running or called. */
void hn_events_unsubscribe(int handle);

/* Empties the ring and resets ids to 0 (tests only; no readers). */
void hn_events_reset(void);

#endif
