/* The wire's timestamp form is core's (core/date.h): one parser for both. */
#include "fed/timefmt.h"

#include "core/date.h"

_Static_assert(HN_TIME_LEN + 1 == HN_TIME_STRLEN, "one timestamp form");

int
hn_time_parse(const char *s, int64_t *out)
{
	return hn_datetime_parse(s, out);
}

void
hn_time_format(char out[HN_TIME_LEN + 1], int64_t t)
{
	hn_datetime_format(t, out);
}
