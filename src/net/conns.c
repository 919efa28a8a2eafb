#include "net/conns.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "util/diag.h"
#include "util/err.h"

#define REAP_EVERY_MS 250

enum phase {
	PHASE_HEADER, /* waiting for a complete request header */
	PHASE_BODY, /* the body arrives */
	PHASE_BUSY /* the handler runs or the response goes out */
};

/* A peer address as bytes: 4 (IPv4) or 16 (IPv6). */
struct addr {
	uint8_t b[16];
	uint8_t len;
};

struct hn_conn {
	struct hn_conn *prev, *next;
	int fd;
	struct addr a;
	enum phase phase;
	int served; /* completed a request header at least once */
	int closing; /* shut down by a deadline */
	double since; /* start of the current deadline (monotonic) */
	size_t win_bytes; /* body bytes since `since` */
};

struct hn_conns {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t reaper;
	int stop;
	struct hn_conn *head;
	unsigned n;
	struct hn_conns_limits l;
	unsigned startups_per_ip, reserve;
};

static atomic_uint open_now;
static atomic_ullong refused_startups, refused_reserve;
static atomic_ullong closed_header, closed_body;

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
addr_of(const struct sockaddr *sa, socklen_t len, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		memcpy(a->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		a->len = 4;
	} else if (sa->sa_family == AF_INET6 &&
	    len >= sizeof(struct sockaddr_in6)) {
		memcpy(a->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		a->len = 16;
	}
}

static int
addr_eq(const struct addr *x, const struct addr *y)
{
	return x->len == y->len && memcmp(x->b, y->b, x->len) == 0;
}

/* Caller holds mu. Closes c at its deadline (once). */
static void
cut(struct hn_conn *c, const char *why)
{
	if (c->closing)
		return;
	c->closing = 1;
	(void)shutdown(c->fd, SHUT_RDWR);
	if (c->phase == PHASE_BODY)
		atomic_fetch_add(&closed_body, 1);
	else
		atomic_fetch_add(&closed_header, 1);
	hn_diag(HN_DIAG_DEBUG, "http.deadline", "why=%s served=%d", why,
	    c->served);
}

static void
reap(struct hn_conns *t, double now)
{
	double to = t->l.header_timeout;
	struct hn_conn *c;

	for (c = t->head; c != NULL; c = c->next) {
		if (c->phase == PHASE_HEADER && now - c->since > to)
			cut(c, "header");
		else if (c->phase == PHASE_BODY && now - c->since >= to) {
			if (c->win_bytes < t->l.body_min)
				cut(c, "body");
			c->since = now;
			c->win_bytes = 0;
		}
	}
}

static void *
reaper_main(void *arg)
{
	struct hn_conns *t = arg;
	struct timespec ts;

	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += REAP_EVERY_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&t->cv, &t->mu, &ts);
		if (!t->stop)
			reap(t, mono());
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

int
hn_conns_new(struct hn_conns **out, const struct hn_conns_limits *l)
{
	pthread_condattr_t ca;
	struct hn_conns *t;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return HN_ENOMEM;
	t->l = *l;
	t->startups_per_ip = l->max_total / 16 > 2 ? l->max_total / 16 : 2;
	if (l->max_per_ip > 0 && t->startups_per_ip > l->max_per_ip)
		t->startups_per_ip = l->max_per_ip;
	t->reserve = l->max_total / 8 > 2 ? l->max_total / 8 : 2;
	pthread_mutex_init(&t->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&t->reaper, NULL, reaper_main, t) != 0) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		free(t);
		return HN_EINTERNAL;
	}
	*out = t;
	return 0;
}

void
hn_conns_free(struct hn_conns *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->reaper, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

int
hn_conns_admit(struct hn_conns *t, const struct sockaddr *sa, socklen_t len)
{
	unsigned mine = 0, startups = 0, all_startups = 0;
	struct hn_conn *c;
	struct addr a;
	int ok = 1;

	addr_of(sa, len, &a);
	pthread_mutex_lock(&t->mu);
	for (c = t->head; c != NULL; c = c->next) {
		all_startups += c->phase == PHASE_HEADER && !c->closing;
		if (addr_eq(&c->a, &a)) {
			mine++;
			startups += c->phase == PHASE_HEADER && !c->closing;
		}
	}
	if (all_startups >= t->l.max_total / 2 &&
	    startups >= t->startups_per_ip) {
		atomic_fetch_add(&refused_startups, 1);
		ok = 0;
	} else if (t->n + t->reserve >= t->l.max_total && mine >= 2) {
		atomic_fetch_add(&refused_reserve, 1);
		ok = 0;
	}
	pthread_mutex_unlock(&t->mu);
	return ok;
}

struct hn_conn *
hn_conns_add(struct hn_conns *t, int fd, const struct sockaddr *sa,
    socklen_t len)
{
	struct hn_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		(void)shutdown(fd, SHUT_RDWR);
		return NULL;
	}
	c->fd = fd;
	addr_of(sa, len, &c->a);
	c->phase = PHASE_HEADER;
	c->since = mono();
	pthread_mutex_lock(&t->mu);
	c->next = t->head;
	if (t->head != NULL)
		t->head->prev = c;
	t->head = c;
	t->n++;
	pthread_mutex_unlock(&t->mu);
	atomic_fetch_add(&open_now, 1);
	return c;
}

void
hn_conns_remove(struct hn_conns *t, struct hn_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		t->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	t->n--;
	pthread_mutex_unlock(&t->mu);
	atomic_fetch_sub(&open_now, 1);
	free(c);
}

static void
set_phase(struct hn_conns *t, struct hn_conn *c, enum phase p)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	c->phase = p;
	c->since = mono();
	c->win_bytes = 0;
	if (p != PHASE_HEADER)
		c->served = 1;
	pthread_mutex_unlock(&t->mu);
}

void
hn_conns_header_done(struct hn_conns *t, struct hn_conn *c, int body)
{
	set_phase(t, c, body ? PHASE_BODY : PHASE_BUSY);
}

void
hn_conns_body(struct hn_conns *t, struct hn_conn *c, size_t n)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	c->win_bytes += n;
	pthread_mutex_unlock(&t->mu);
}

void
hn_conns_busy(struct hn_conns *t, struct hn_conn *c)
{
	set_phase(t, c, PHASE_BUSY);
}

void
hn_conns_idle(struct hn_conns *t, struct hn_conn *c)
{
	set_phase(t, c, PHASE_HEADER);
}

int
hn_conns_metrics(struct hn_buf *out)
{
	int r = 0;

	r |= hn_buf_addf(out,
	    "# HELP hanoinet_http_connections Open HTTPS connections.\n"
	    "# TYPE hanoinet_http_connections gauge\n"
	    "hanoinet_http_connections %u\n",
	    atomic_load(&open_now));
	r |= hn_buf_addf(out,
	    "# HELP hanoinet_http_connections_refused_total Connections "
	    "refused at accept: too many unfinished headers from one "
	    "address, or the reserved slots.\n"
	    "# TYPE hanoinet_http_connections_refused_total counter\n"
	    "hanoinet_http_connections_refused_total{reason=\"startups\"} "
	    "%llu\n"
	    "hanoinet_http_connections_refused_total{reason=\"reserve\"} "
	    "%llu\n",
	    atomic_load(&refused_startups), atomic_load(&refused_reserve));
	r |= hn_buf_addf(out,
	    "# HELP hanoinet_http_deadline_closed_total Connections closed "
	    "for a request header or body too slow.\n"
	    "# TYPE hanoinet_http_deadline_closed_total counter\n"
	    "hanoinet_http_deadline_closed_total{phase=\"header\"} %llu\n"
	    "hanoinet_http_deadline_closed_total{phase=\"body\"} %llu\n",
	    atomic_load(&closed_header), atomic_load(&closed_body));
	return r ? HN_ETOOBIG : 0;
}
