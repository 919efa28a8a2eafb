/*
 * throttle.h - login throttling keyed by (client address, account name)
 * (issue 15). Delaying, not refusing, and never locking an account:
 *
 *   - the first `free` failures of an (address, name) within `window` cost
 *     nothing; each further attempt from there waits before its password
 *     is checked: base, doubling per failure, at most cap (attempts still
 *     in progress count as failures, so a parallel burst is no way
 *     around it);
 *   - while one attempt of a delayed (address, name) is in progress, a
 *     concurrent one is not checked: it is answered 429 `throttled` after
 *     the same delay (a flood's parallel guesses cost one check per delay);
 *   - a correct password clears its (address, name); failures from other
 *     addresses never touch it, so nobody locks anyone out;
 *   - the delay and the queue place depend on the name typed, never on
 *     whether the account exists: unknown, wrong and "locked" look alike;
 *   - prio (for crypto/password.h's queue of verifications) grows with
 *     the failures of the (address, name) and, less, of the address: a
 *     fresh login goes before a flood's next guess.
 *
 * Keys are salted hashes (no address or name is kept in clear); the table
 * is fixed (HN_THROTTLE_SLOTS, least recently failed evicted first); it is
 * in memory: a restart forgets. Time is an argument (milliseconds of a
 * monotonic clock), so the rules are unit-tested without sleeping.
 */
#ifndef HN_NET_THROTTLE_H
#define HN_NET_THROTTLE_H

#include <pthread.h>
#include <stdint.h>

#define HN_THROTTLE_SLOTS 4096
#define HN_THROTTLE_WAYS 8 /* slots per bucket */
#define HN_THROTTLE_KEY 16

struct hn_throttle_cfg {
	int free; /* failures before delays (max_failed_logins) */
	int64_t window_ms; /* failures are forgotten after (lockout_minutes) */
	int64_t base_ms; /* the first delay */
	int64_t cap_ms; /* the longest delay */
};

struct hn_throttle_slot {
	uint8_t key[HN_THROTTLE_KEY];
	int used;
	int fails;
	int busy; /* attempts being checked */
	int64_t last_ms; /* last failure */
};

struct hn_throttle {
	struct hn_throttle_cfg cfg;
	uint8_t salt[32];
	pthread_mutex_t mu;
	struct hn_throttle_slot s[HN_THROTTLE_SLOTS];
};

/* What one attempt may do (from hn_throttle_begin). */
struct hn_throttle_ticket {
	uint8_t key[HN_THROTTLE_KEY]; /* (address, name) */
	uint8_t akey[HN_THROTTLE_KEY]; /* address */
	int64_t delay_ms; /* wait this long first */
	unsigned prio; /* then verify at this priority (0: best) */
	int verify; /* 0: another attempt is in progress: answer 429 */
};

/* Sets the table up (the salt: random bytes). */
void hn_throttle_init(struct hn_throttle *t, const struct hn_throttle_cfg *c,
    const uint8_t salt[32]);

/* An attempt for name from addr arrives at now_ms. */
void hn_throttle_begin(struct hn_throttle *t, const char *addr,
    const char *name, int64_t now_ms, struct hn_throttle_ticket *tk);

/* Its outcome (only for a ticket with verify set): ok = the password
 * matched an account. */
void hn_throttle_end(struct hn_throttle *t, const struct hn_throttle_ticket *tk,
    int ok, int64_t now_ms);

/* The delay after `fails` failures (pure). */
int64_t hn_throttle_delay(const struct hn_throttle_cfg *c, int fails);

#endif
