/*
 * retry.h - the one retry policy of the delivery engine, for messages (the
 * outbox workers, fed.c) and evidence transfers (node/evsend.c) alike
 * (docs/protocol.md section 5, docs/evidence.md): after a failed attempt
 * the next waits base_ms doubled per attempt up to max_ms, with +-50 %
 * jitter so that many senders do not retry in step; after max_attempts
 * (0: never) the item fails for good; and an answer says whether trying
 * again can help.
 */
#ifndef HN_FED_RETRY_H
#define HN_FED_RETRY_H

struct hn_retry {
	long base_ms; /* first delay (> 0) */
	long max_ms; /* cap of the delay */
	long max_attempts; /* attempts before failing for good; 0: no limit */
};

/* The delay before the next attempt after `attempts` failed ones (1: the
 * first failed), jittered; at least 1 ms. */
long hn_retry_delay_ms(const struct hn_retry *p, int attempts);

/* 1 if `attempts` attempts exhaust the policy (fail for good). */
int hn_retry_exhausted(const struct hn_retry *p, int attempts);

/*
 * Whether an HTTP answer other than success is worth retrying: a definite
 * refusal (4xx) will not change by retrying; a busy or confused receiver
 * (5xx, 429, no answer: status 0, or error code "stale_directory") may.
 * code: the answer's JSON "error", or NULL. 1: retry; 0: final.
 */
int hn_retry_answer(long status, const char *code);

#endif
