/*
 * conns.h - who may connect and how long a request may take (issue 15:
 * slow clients). The HTTP server (net/http.c) keeps one entry per open
 * connection here, from libmicrohttpd's connection notifications; this
 * module decides admissions and closes connections that miss a deadline.
 * It knows sockets and clocks, not HTTP.
 *
 * Models: OpenSSH's MaxStartups (connections that have not yet completed
 * a request header are "startups", bounded per address) and nginx's
 * client_header_timeout + limit_conn.
 *
 * Admission (at accept, before TLS):
 *  - once half of max_total are connections waiting for a request header
 *    ("startups": new ones, and kept-alive ones between requests, which
 *    a slow client could use the same way), an address holding
 *    startups_per_ip (max_total / 16) of them is refused another one; a
 *    burst of quick clients from one address below that pressure is not;
 *  - the last `reserve` slots under max_total go only to addresses holding
 *    fewer than 2 connections: a health probe, a user, a peer from another
 *    address still gets in while a few addresses hold everything else.
 * Deadlines (a reaper thread, every 250 ms):
 *  - header: a request header must be complete header_timeout seconds
 *    after the connection opened (TLS handshake included) or after the
 *    previous response on it was done; an idle keep-alive connection is
 *    therefore closed after header_timeout too;
 *  - body: while a body arrives, every header_timeout seconds must bring
 *    body_min bytes (or the end of the body).
 * A connection past its deadline is shut down (shutdown(2), both ways);
 * its own thread then sees the end of the stream and closes it. The
 * entry, and with it the descriptor, stays valid until hn_conns_remove,
 * which libmicrohttpd calls before it closes the descriptor, so a shutdown
 * never reaches a reused descriptor.
 *
 * Thread-safe: every call takes the table's lock.
 */
#ifndef HN_NET_CONNS_H
#define HN_NET_CONNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "util/buf.h"

struct hn_conns_limits {
	unsigned max_total; /* the server's connection limit */
	unsigned max_per_ip;
	double header_timeout; /* seconds */
	size_t body_min; /* bytes per header_timeout while a body arrives */
};

struct hn_conns;
struct hn_conn;

/* A table and its reaper thread. 0 or HN_ENOMEM / HN_EINTERNAL. */
int hn_conns_new(struct hn_conns **out, const struct hn_conns_limits *l)
    __attribute__((warn_unused_result));
/* Stops the reaper and frees the table (which must be empty). NULL ok. */
void hn_conns_free(struct hn_conns *t);

/* 1: admit a connection from addr; 0: refuse it (counted). */
int hn_conns_admit(struct hn_conns *t, const struct sockaddr *addr,
    socklen_t len);
/* A connection opened (fd, peer address); NULL if out of memory (the
 * connection is then closed at once: fd is shut down). */
struct hn_conn *hn_conns_add(struct hn_conns *t, int fd,
    const struct sockaddr *addr, socklen_t len);
/* The connection is closing; c is freed. NULL ok. */
void hn_conns_remove(struct hn_conns *t, struct hn_conn *c);

/* A request header is complete; a body of some bytes follows or not. */
void hn_conns_header_done(struct hn_conns *t, struct hn_conn *c, int body);
/* n more body bytes arrived. */
void hn_conns_body(struct hn_conns *t, struct hn_conn *c, size_t n);
/* The body is in (or refused): the handler and the response take over. */
void hn_conns_busy(struct hn_conns *t, struct hn_conn *c);
/* The response is done; the clock for the next request header starts. */
void hn_conns_idle(struct hn_conns *t, struct hn_conn *c);

/* Open connections, refusals and deadline closes (process-wide) in
 * Prometheus text. */
int hn_conns_metrics(struct hn_buf *out);

#endif
