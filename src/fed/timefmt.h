/*
 * timefmt.h - the one timestamp form on the wire: RFC 3339 in UTC with
 * seconds, "2026-11-23T16:40:05Z" (exactly 20 bytes, no fractions, no
 * offsets), so that equal instants have equal bytes. The same form as
 * core/date.h hn_datetime_parse (which this calls).
 */
#ifndef HN_FED_TIMEFMT_H
#define HN_FED_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define HN_TIME_LEN 20

/* Parses; HN_EPARSE unless s is exactly the form above and a real date. */
int hn_time_parse(const char *s, int64_t *out)
    __attribute__((warn_unused_result));
/* Formats t (seconds since the epoch) into out[HN_TIME_LEN + 1]. */
void hn_time_format(char out[HN_TIME_LEN + 1], int64_t t);

#endif
