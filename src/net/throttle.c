#include "net/throttle.h"

#include <ctype.h>
#include <string.h>

#include "crypto/sha256.h"

#define NAME_KEYED 64 /* bytes of the name that make the key */
#define PRIO_MAX 1000000u

void
hn_throttle_init(struct hn_throttle *t, const struct hn_throttle_cfg *c,
    const uint8_t salt[32])
{
	memset(t->s, 0, sizeof(t->s));
	t->cfg = *c;
	memcpy(t->salt, salt, sizeof(t->salt));
	pthread_mutex_init(&t->mu, NULL);
}

int64_t
hn_throttle_delay(const struct hn_throttle_cfg *c, int fails)
{
	int64_t d;
	int k;

	if (fails < c->free)
		return 0;
	d = c->base_ms;
	for (k = c->free; k < fails && d < c->cap_ms; k++)
		d *= 2;
	return d < c->cap_ms ? d : c->cap_ms;
}

/* SHA-256(salt || kind || addr || 0 || name), cut. */
static void
make_key(const struct hn_throttle *t, char kind, const char *addr,
    const char *name, uint8_t out[HN_THROTTLE_KEY])
{
	uint8_t buf[32 + 1 + 64 + 1 + NAME_KEYED], h[32];
	size_t n = 0, l;

	memcpy(buf, t->salt, 32);
	n = 32;
	buf[n++] = (uint8_t)kind;
	l = strnlen(addr, 63);
	memcpy(buf + n, addr, l);
	n += l;
	buf[n++] = 0;
	for (l = 0; name != NULL && name[l] != '\0' && l < NAME_KEYED; l++)
		buf[n++] = (uint8_t)tolower((unsigned char)name[l]);
	hn_sha256(buf, n, h);
	memcpy(out, h, HN_THROTTLE_KEY);
}

/* The slot of key (created if asked, evicting the least recently failed
 * idle slot of its bucket), or NULL. Call with t->mu held. */
static struct hn_throttle_slot *
find(struct hn_throttle *t, const uint8_t key[HN_THROTTLE_KEY], int create,
    int64_t now_ms)
{
	struct hn_throttle_slot *b, *victim = NULL;
	size_t base;
	int i;

	base = ((size_t)key[0] << 8 | key[1]) %
	    (HN_THROTTLE_SLOTS / HN_THROTTLE_WAYS) * HN_THROTTLE_WAYS;
	b = &t->s[base];
	for (i = 0; i < HN_THROTTLE_WAYS; i++) {
		if (b[i].used && memcmp(b[i].key, key, HN_THROTTLE_KEY) == 0) {
			if (b[i].busy == 0 &&
			    now_ms - b[i].last_ms > t->cfg.window_ms)
				b[i].fails = 0; /* forgotten */
			return &b[i];
		}
	}
	if (!create)
		return NULL;
	for (i = 0; i < HN_THROTTLE_WAYS; i++) {
		if (b[i].busy)
			continue;
		if (!b[i].used) {
			victim = &b[i];
			break;
		}
		if (victim == NULL || b[i].last_ms < victim->last_ms)
			victim = &b[i];
	}
	if (victim == NULL)
		return NULL; /* every way busy: not tracked this time */
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->key, key, HN_THROTTLE_KEY);
	victim->used = 1;
	victim->last_ms = now_ms;
	return victim;
}

void
hn_throttle_begin(struct hn_throttle *t, const char *addr, const char *name,
    int64_t now_ms, struct hn_throttle_ticket *tk)
{
	struct hn_throttle_slot *e, *a;
	unsigned p;
	int f;

	memset(tk, 0, sizeof(*tk));
	make_key(t, 'k', addr, name, tk->key);
	make_key(t, 'a', addr, "", tk->akey);
	pthread_mutex_lock(&t->mu);
	e = find(t, tk->key, 1, now_ms);
	a = find(t, tk->akey, 1, now_ms);
	/* attempts still in progress count as failures to come: a burst of
	 * parallel guesses is throttled before its first answer */
	f = e != NULL ? e->fails + e->busy : 0;
	tk->delay_ms = hn_throttle_delay(&t->cfg, f);
	tk->verify = 1;
	if (e != NULL) {
		if (tk->delay_ms > 0 && e->busy > 0)
			tk->verify = 0;
		else
			e->busy++;
	}
	p = (unsigned)f * 8 + (unsigned)(a != NULL ? a->fails : 0) / 8;
	tk->prio = p < PRIO_MAX ? p : PRIO_MAX;
	pthread_mutex_unlock(&t->mu);
}

void
hn_throttle_end(struct hn_throttle *t, const struct hn_throttle_ticket *tk,
    int ok, int64_t now_ms)
{
	struct hn_throttle_slot *e, *a;

	if (!tk->verify)
		return;
	pthread_mutex_lock(&t->mu);
	e = find(t, tk->key, 0, now_ms);
	if (e != NULL && e->busy > 0)
		e->busy--;
	if (ok) {
		if (e != NULL)
			e->fails = 0;
	} else {
		if (e == NULL)
			e = find(t, tk->key, 1, now_ms);
		if (e != NULL && e->fails < 1000000) {
			e->fails++;
			e->last_ms = now_ms;
		}
		if ((a = find(t, tk->akey, 1, now_ms)) != NULL &&
		    a->fails < 1000000) {
			a->fails++;
			a->last_ms = now_ms;
		}
	}
	pthread_mutex_unlock(&t->mu);
}
