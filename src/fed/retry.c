#include "fed/retry.h"

#include <string.h>

#include "crypto/sign.h"

long
hn_retry_delay_ms(const struct hn_retry *p, int attempts)
{
	double d = (double)p->base_ms;
	int i;

	for (i = 1; i < attempts && d < (double)p->max_ms; i++)
		d *= 2;
	if (d > (double)p->max_ms)
		d = (double)p->max_ms;
	/* +-50 % jitter so that many senders do not retry in step. */
	d = d * (0.5 + (double)hn_random_uniform(1000) / 1000.0);
	return d < 1 ? 1 : (long)d;
}

int
hn_retry_exhausted(const struct hn_retry *p, int attempts)
{
	return p->max_attempts > 0 && attempts >= p->max_attempts;
}

int
hn_retry_answer(long status, const char *code)
{
	if (status == 0 || status >= 500 || status == 429)
		return 1;
	if (code != NULL && strcmp(code, "stale_directory") == 0)
		return 1;
	return status < 400 || status >= 500;
}
