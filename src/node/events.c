/*
 * events.c - the node's event bus: a ring of the last HN_EVENTS_RING
 * events under one mutex, a condition variable on the monotonic clock
 * for readers, and a short table of callback subscribers under a
 * rwlock (held for reading while callbacks run, so unsubscribe waits
 * for a running callback).
 */
#include "node/events.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

static struct {
	pthread_once_t once;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t last; /* id of the newest event; ring[(id-1) % RING] */
	unsigned wakes; /* bumped by hn_events_wake */
	struct hn_event ring[HN_EVENTS_RING];
	pthread_rwlock_t sub_mu;
	struct {
		hn_events_fn fn;
		void *arg;
	} subs[HN_EVENTS_SUBS_MAX];
} bus = { .once = PTHREAD_ONCE_INIT,
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.sub_mu = PTHREAD_RWLOCK_INITIALIZER };

static void
bus_init(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&bus.cv, &a);
	pthread_condattr_destroy(&a);
}

static int
kind_ok(const char *s)
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (; s[n] != '\0'; n++) {
		if (n + 1 >= HN_EVENT_KIND_MAX)
			return 0;
		if (!((s[n] >= 'a' && s[n] <= 'z') || s[n] == '.' ||
			s[n] == '_'))
			return 0;
	}
	return 1;
}

static int
check_args(const char *kind, const char *rid, const char *json)
{
	const char *p;

	if (!kind_ok(kind))
		return HN_EINVAL;
	if (rid != NULL) {
		if (strlen(rid) >= HN_EVENT_REQ_MAX)
			return HN_ETOOBIG;
		for (p = rid; *p != '\0'; p++)
			if (*p <= ' ' || *p > '~')
				return HN_EINVAL;
	}
	if (json != NULL) {
		if (strlen(json) >= HN_EVENT_JSON_MAX)
			return HN_ETOOBIG;
		if (json[0] != '{' || strpbrk(json, "\r\n") != NULL)
			return HN_EINVAL;
	}
	return 0;
}

static void
notify(const struct hn_event *ev)
{
	size_t i;

	pthread_rwlock_rdlock(&bus.sub_mu);
	for (i = 0; i < HN_EVENTS_SUBS_MAX; i++)
		if (bus.subs[i].fn != NULL)
			bus.subs[i].fn(ev, bus.subs[i].arg);
	pthread_rwlock_unlock(&bus.sub_mu);
}

int
hn_events_publish(const char *kind, const char *request_id, const char *json,
    uint64_t *id)
{
	struct hn_event ev, *slot;
	struct timespec ts;
	int r;

	if ((r = check_args(kind, request_id, json)) != 0)
		return r;
	pthread_once(&bus.once, bus_init);
	memset(&ev, 0, sizeof(ev));
	clock_gettime(CLOCK_REALTIME, &ts);
	ev.at_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	memcpy(ev.kind, kind, strlen(kind) + 1);
	if (request_id != NULL)
		memcpy(ev.request_id, request_id, strlen(request_id) + 1);
	if (json != NULL)
		memcpy(ev.json, json, strlen(json) + 1);
	else
		memcpy(ev.json, "{}", 3);

	pthread_mutex_lock(&bus.mu);
	ev.id = ++bus.last;
	slot = &bus.ring[(ev.id - 1) % HN_EVENTS_RING];
	*slot = ev;
	pthread_cond_broadcast(&bus.cv);
	pthread_mutex_unlock(&bus.mu);

	if (id != NULL)
		*id = ev.id;
	notify(&ev);
	return 0;
}

uint64_t
hn_events_last_id(void)
{
	uint64_t v;

	pthread_mutex_lock(&bus.mu);
	v = bus.last;
	pthread_mutex_unlock(&bus.mu);
	return v;
}

static void
deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Copies what is there after `after`; bus.mu held. */
static size_t
copy_out(uint64_t after, struct hn_event *out, size_t max, int *gap)
{
	uint64_t first, id;
	size_t n = 0;

	first = bus.last > HN_EVENTS_RING ? bus.last - HN_EVENTS_RING + 1 : 1;
	if (after + 1 < first) {
		*gap = 1;
		after = first - 1;
	}
	for (id = after + 1; id <= bus.last && n < max; id++)
		out[n++] = bus.ring[(id - 1) % HN_EVENTS_RING];
	return n;
}

int
hn_events_wait(uint64_t after, struct hn_event *out, size_t max, int timeout_ms,
    int *gap)
{
	struct timespec ts;
	unsigned wakes;
	int g = 0;
	size_t n;

	if (out == NULL || max == 0 || timeout_ms < 0)
		return HN_EINVAL;
	pthread_once(&bus.once, bus_init);
	deadline(&ts, timeout_ms);
	pthread_mutex_lock(&bus.mu);
	if (after > bus.last) {
		g = 1;
		after = 0;
	}
	wakes = bus.wakes;
	while (bus.last <= after && bus.wakes == wakes && timeout_ms > 0)
		if (pthread_cond_timedwait(&bus.cv, &bus.mu, &ts) != 0)
			break;
	n = copy_out(after, out, max, &g);
	pthread_mutex_unlock(&bus.mu);
	if (gap != NULL)
		*gap = g;
	return (int)n;
}

void
hn_events_wake(void)
{
	pthread_once(&bus.once, bus_init);
	pthread_mutex_lock(&bus.mu);
	bus.wakes++;
	pthread_cond_broadcast(&bus.cv);
	pthread_mutex_unlock(&bus.mu);
}

int
hn_events_subscribe(hn_events_fn fn, void *arg)
{
	int i, r = HN_EBUSY;

	if (fn == NULL)
		return HN_EINVAL;
	pthread_rwlock_wrlock(&bus.sub_mu);
	for (i = 0; i < HN_EVENTS_SUBS_MAX; i++) {
		if (bus.subs[i].fn == NULL) {
			bus.subs[i].fn = fn;
			bus.subs[i].arg = arg;
			r = i;
			break;
		}
	}
	pthread_rwlock_unlock(&bus.sub_mu);
	return r;
}

void
hn_events_unsubscribe(int handle)
{
	if (handle < 0 || handle >= HN_EVENTS_SUBS_MAX)
		return;
	pthread_rwlock_wrlock(&bus.sub_mu);
	bus.subs[handle].fn = NULL;
	bus.subs[handle].arg = NULL;
	pthread_rwlock_unlock(&bus.sub_mu);
}

void
hn_events_reset(void)
{
	pthread_once(&bus.once, bus_init);
	pthread_mutex_lock(&bus.mu);
	bus.last = 0;
	memset(bus.ring, 0, sizeof(bus.ring));
	pthread_mutex_unlock(&bus.mu);
}
