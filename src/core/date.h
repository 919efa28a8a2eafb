/*
 * date.h - calendar dates and times for the Convention's rules (core, pure).
 *
 * A date is an int32_t counting days since 1970-01-01 in the proleptic
 * Gregorian calendar (negative before 1970); HN_DATE_NONE means "no date".
 * A time is an int64_t of Unix seconds, UTC. Nothing here reads the clock:
 * "today" is always a parameter.
 *
 * Parsing is strict: exactly "YYYY-MM-DD" (years 0001-9999, a real day of a
 * real month), times exactly "YYYY-MM-DDTHH:MM:SSZ"; anything else, including
 * trailing bytes, is HN_EPARSE. No function allocates.
 */
#ifndef HN_CORE_DATE_H
#define HN_CORE_DATE_H

#include <stdbool.h>
#include <stdint.h>

#define HN_DATE_NONE INT32_MIN
#define HN_DATE_STRLEN 11 /* "YYYY-MM-DD" + NUL */
#define HN_TIME_STRLEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define HN_DAY_SECONDS 86400

bool hn_leap_year(int y);
/* Days in month m (1-12) of year y; 0 for an invalid month. */
int hn_days_in_month(int y, int m);

/* 0 and *out set if y-m-d is a real date with 1 <= y <= 9999, else HN_EINVAL. */
int hn_date_from_ymd(int y, int m, int d, int32_t *out);
void hn_date_to_ymd(int32_t date, int *y, int *m, int *d);

/* Strict "YYYY-MM-DD" (a NUL-terminated string); HN_EPARSE otherwise. */
int hn_date_parse(const char *s, int32_t *out);
/* Writes "YYYY-MM-DD" (or "-" for HN_DATE_NONE); always NUL-terminated. */
void hn_date_format(int32_t date, char out[HN_DATE_STRLEN]);

/* "The Nth day after D" is D + N days (UNCCC art. 65). */
int32_t hn_date_add_days(int32_t date, int32_t n);
/*
 * "One year after D": the same month and day n years later; 29 February
 * becomes 1 March when the target year is not a leap year (UNCCC art. 67).
 */
int32_t hn_date_add_years(int32_t date, int n);
/*
 * "N months after D": the same day n months later, clamped to the end of a
 * shorter month (30 November + 3 months = 28 or 29 February).
 */
int32_t hn_date_add_months(int32_t date, int n);
/* The first day of the month following the month of `date`. */
int32_t hn_date_first_of_next_month(int32_t date);

/* The date (UTC) a time falls on, and midnight UTC at the start of a date. */
int32_t hn_date_of_time(int64_t t);
int64_t hn_time_of_date(int32_t date);

/*
 * The one timestamp form, in the register, the API, the ledger and on the
 * wire (docs/protocol.md): RFC 3339 in UTC with seconds,
 * "2026-11-23T16:40:05Z", exactly 20 bytes, no fractions, no offsets, so
 * that equal instants have equal bytes. Parsing is strict (HN_EPARSE
 * otherwise); formatting writes "?" for a year outside 0000-9999.
 */
int hn_datetime_parse(const char *s, int64_t *out)
    __attribute__((warn_unused_result));
void hn_datetime_format(int64_t t, char out[HN_TIME_STRLEN]);

#endif
