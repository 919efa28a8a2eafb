/*
 * node/tls.h - renewing the node's TLS certificate without breaking its
 * peers (issue 15; docs/man/hanoinet.1, "TLS certificate renewal").
 *
 * Peers pin a node by the SHA-256 of its certificate, listed in the signed
 * directory (an endpoint's tls_sha256[] holds up to four). A renewal is
 * therefore announced before it is used:
 *   1. `hanoinet tls renew` writes a new key and certificate as pending
 *      (DIR/tls.next.key, DIR/tls.next.crt) and prints its fingerprint;
 *      the node keeps serving the current one.
 *   2. The depositary lists that fingerprint next to the current one in
 *      the party's entry and signs a new directory; peers fetch it.
 *   3. At its next start the node switches (hn_node_tls_switch) if the
 *      directory it holds lists the pending fingerprint: the current pair
 *      becomes DIR/tls.prev.*, the pending one DIR/tls.*. A node that
 *      holds no directory (a standalone node) switches at once.
 *   4. The old fingerprint is removed from the directory afterwards.
 */
#ifndef HN_NODE_TLS_H
#define HN_NODE_TLS_H

#include <stdint.h>

#include "util/err.h"

struct hn_node;

/*
 * Writes a fresh key and a certificate of `days` days (1..HN_X509_DAYS_MAX)
 * for `name` as DIR/tls.next.key and DIR/tls.next.crt, replacing an earlier
 * pending pair; fp gets its fingerprint, *not_after its expiry.
 */
int hn_node_tls_renew(const char *dir, const char *name, int days,
    uint8_t fp[32], int64_t *not_after, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * At start, before anything reads DIR/tls.*: switches to the pending
 * certificate if there is one and the held directory lists its
 * fingerprint for this party (or no directory is held); updates
 * n->tls_fp. *switched: 1 if it switched, 0 otherwise (nothing pending,
 * or the directory does not list it yet: logged, the pending pair stays).
 * An error leaves the current certificate in place. Then logs
 * event=tls.expires_soon if the certificate in use expires within
 * HN_TLS_WARN_DAYS days.
 */
#define HN_TLS_WARN_DAYS 30
int hn_node_tls_switch(struct hn_node *n, int64_t now, int *switched,
    struct hn_error *err) __attribute__((warn_unused_result));

#endif
