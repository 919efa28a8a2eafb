#include "crypto/password.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "util/err.h"

#define OPSLIMIT 2
#define MEMLIMIT (32U << 20)

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int running;

static void
enter(void)
{
	pthread_mutex_lock(&mu);
	while (running >= HN_PASSWORD_CONCURRENCY)
		pthread_cond_wait(&cv, &mu);
	running++;
	pthread_mutex_unlock(&mu);
}

static void
leave(void)
{
	pthread_mutex_lock(&mu);
	running--;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

int
hn_password_hash(char out[HN_PASSWORD_HASH_MAX], const char *pw)
{
	size_t n = strnlen(pw, HN_PASSWORD_MAX + 1);
	int rc;

	if (n > HN_PASSWORD_MAX)
		return HN_ETOOBIG;
	enter();
	rc = crypto_pwhash_str_alg(out, pw, n, OPSLIMIT, MEMLIMIT,
	    crypto_pwhash_ALG_ARGON2ID13);
	leave();
	return rc == 0 ? 0 : HN_ENOMEM;
}

int
hn_password_verify(const char *hash, const char *pw)
{
	size_t n = strnlen(pw, HN_PASSWORD_MAX + 1);
	int rc;

	if (n > HN_PASSWORD_MAX || strncmp(hash, "$argon2id$", 10) != 0)
		return HN_EVERIFY;
	enter();
	rc = crypto_pwhash_str_verify(hash, pw, n);
	leave();
	return rc == 0 ? 0 : HN_EVERIFY;
}

void
hn_password_dummy(const char *pw)
{
	char h[HN_PASSWORD_HASH_MAX];

	if (hn_password_hash(h, pw) == 0)
		sodium_memzero(h, sizeof(h));
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
