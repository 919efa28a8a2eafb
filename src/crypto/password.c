#include "crypto/password.h"

#include <pthread.h>
#include <pwquality.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "util/err.h"
#include "util/fmt.h"

#define OPSLIMIT 2
#define MEMLIMIT (32U << 20)

/*
 * At most HN_PASSWORD_CONCURRENCY hashes at once. The others wait in
 * order of priority (lower first), then of arrival: a login whose
 * (address, account) has no failures goes before a flood's next guess.
 */
struct waiter {
	unsigned prio;
	uint64_t ticket;
	struct waiter *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct waiter *waiting;
static uint64_t tickets;
static int running;

static int
first(const struct waiter *w)
{
	const struct waiter *p;

	for (p = waiting; p != NULL; p = p->next)
		if (p->prio < w->prio ||
		    (p->prio == w->prio && p->ticket < w->ticket))
			return 0;
	return 1;
}

static void
enter(unsigned prio)
{
	struct waiter w, **pp;

	pthread_mutex_lock(&mu);
	w.prio = prio;
	w.ticket = ++tickets;
	w.next = waiting;
	waiting = &w;
	while (running >= HN_PASSWORD_CONCURRENCY || !first(&w))
		pthread_cond_wait(&cv, &mu);
	for (pp = &waiting; *pp != &w; pp = &(*pp)->next)
		;
	*pp = w.next;
	running++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void
leave(void)
{
	pthread_mutex_lock(&mu);
	running--;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

int
hn_password_hash(char out[HN_PASSWORD_HASH_MAX], const char *pw)
{
	size_t n = strnlen(pw, HN_PASSWORD_MAX + 1);
	int rc;

	if (n > HN_PASSWORD_MAX)
		return HN_ETOOBIG;
	enter(0);
	rc = crypto_pwhash_str_alg(out, pw, n, OPSLIMIT, MEMLIMIT,
	    crypto_pwhash_ALG_ARGON2ID13);
	leave();
	return rc == 0 ? 0 : HN_ENOMEM;
}

int
hn_password_verify_prio(const char *hash, const char *pw, unsigned prio)
{
	size_t n = strnlen(pw, HN_PASSWORD_MAX + 1);
	int rc;

	if (n > HN_PASSWORD_MAX || strncmp(hash, "$argon2id$", 10) != 0)
		return HN_EVERIFY;
	enter(prio);
	rc = crypto_pwhash_str_verify(hash, pw, n);
	leave();
	return rc == 0 ? 0 : HN_EVERIFY;
}

int
hn_password_verify(const char *hash, const char *pw)
{
	return hn_password_verify_prio(hash, pw, 0);
}

/* A hash of a random password with the accounts' parameters, made once. */
static char dummy[HN_PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_make(void)
{
	char pw[33];

	hn_password_generate(pw, 32);
	if (hn_password_hash(dummy, pw) != 0)
		dummy[0] = '\0';
	sodium_memzero(pw, sizeof(pw));
}

void
hn_password_dummy(const char *pw, unsigned prio)
{
	char h[HN_PASSWORD_HASH_MAX];

	pthread_once(&dummy_once, dummy_make);
	if (dummy[0] != '\0') {
		if (hn_password_verify_prio(dummy, pw, prio) == 0)
			dummy[0] = '\0'; /* a 1 in 2^128 guess: never again */
		return;
	}
	if (hn_password_hash(h, pw) == 0) /* the same cost, at worst */
		sodium_memzero(h, sizeof(h));
}

static pthread_mutex_t quality_mu = PTHREAD_MUTEX_INITIALIZER;

int
hn_password_strength(const char *pw, const char *user, char *why, size_t max)
{
	pwquality_settings_t *s;
	char buf[PWQ_MAX_ERROR_MESSAGE_LEN];
	void *aux = NULL;
	int score;

	if ((s = pwquality_default_settings()) == NULL)
		return HN_ENOMEM;
	/* our own settings, not the host's /etc/security/pwquality.conf:
	 * every node applies the same rule */
	if (pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH,
		HN_PASSWORD_MIN) != 0 ||
	    pwquality_set_int_value(s, PWQ_SETTING_MAX_REPEAT, 3) != 0 ||
	    pwquality_set_int_value(s, PWQ_SETTING_MAX_SEQUENCE, 4) != 0 ||
	    pwquality_set_int_value(s, PWQ_SETTING_DICT_CHECK, 1) != 0 ||
	    pwquality_set_int_value(s, PWQ_SETTING_USER_CHECK, 1) != 0) {
		pwquality_free_settings(s);
		return HN_ENOMEM;
	}
	/* cracklib keeps its dictionary in static state: one check at once */
	pthread_mutex_lock(&quality_mu);
	score = pwquality_check(s, pw, NULL, user, &aux);
	if (score < 0)
		(void)hn_fmt_cut(why, max, "%s",
		    pwquality_strerror(buf, sizeof(buf), score, aux));
	pthread_mutex_unlock(&quality_mu);
	if (score < 0) {
		pwquality_free_settings(s);
		return HN_EINVAL;
	}
	pwquality_free_settings(s);
	if (score < HN_PASSWORD_MIN_SCORE) {
		(void)hn_fmt_cut(why, max,
		    "the password is too easy to guess (strength %d of 100, "
		    "at least %d needed)",
		    score, HN_PASSWORD_MIN_SCORE);
		return HN_EINVAL;
	}
	return 0;
}

void
hn_password_generate(char *out, size_t len)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = (i % 5 == 4 && i + 1 < len) ?
		    '-' :
		    alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[len] = '\0';
}
