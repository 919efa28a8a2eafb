#include "core/date.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "util/fmt.h"

bool
hn_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
hn_days_in_month(int y, int m)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && hn_leap_year(y) ? 29 : mdays[m - 1];
}

/* Days from civil (H. Hinnant's algorithm), valid for the whole int range
 * used here (years 1-9999 and a few beyond for arithmetic). */
static int32_t
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void
hn_date_to_ymd(int32_t date, int *y, int *m, int *d)
{
	int64_t z = (int64_t)date + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;

	/* the algorithm's ranges, for every int32 date */
	assert(doy >= 0 && doy <= 365 && mm >= 1 && mm <= 12 && dd >= 1 &&
	    dd <= 31);
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int
hn_date_from_ymd(int y, int m, int d, int32_t *out)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > hn_days_in_month(y, m))
		return HN_EINVAL;
	*out = days_from_civil(y, m, d);
	return 0;
}

/* Exactly n ASCII digits at s; -1 otherwise. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
parse_ymd(const char *s, int32_t *out)
{
	int y, m, d;

	if (s[4] != '-' || s[7] != '-')
		return HN_EPARSE;
	if ((y = digits(s, 4)) < 0 || (m = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0)
		return HN_EPARSE;
	return hn_date_from_ymd(y, m, d, out) == 0 ? 0 : HN_EPARSE;
}

int
hn_date_parse(const char *s, int32_t *out)
{
	if (s == NULL || strlen(s) != 10)
		return HN_EPARSE;
	return parse_ymd(s, out);
}

void
hn_date_format(int32_t date, char out[HN_DATE_STRLEN])
{
	int y, m, d;

	if (date == HN_DATE_NONE) {
		HN_FMT_FIXED(out, HN_DATE_STRLEN, "-");
		return;
	}
	hn_date_to_ymd(date, &y, &m, &d);
	if (y < 0 || y > 9999) {
		HN_FMT_FIXED(out, HN_DATE_STRLEN, "?");
		return;
	}
	/* the modulos tell the compiler the output fits (y, m, d are in range) */
	HN_FMT_FIXED(out, HN_DATE_STRLEN, "%04u-%02u-%02u",
	    (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

int32_t
hn_date_add_days(int32_t date, int32_t n)
{
	return date + n;
}

int32_t
hn_date_add_years(int32_t date, int n)
{
	int y, m, d;

	hn_date_to_ymd(date, &y, &m, &d);
	y += n;
	if (m == 2 && d == 29 && !hn_leap_year(y)) {
		m = 3;
		d = 1;
	}
	return days_from_civil(y, m, d);
}

int32_t
hn_date_add_months(int32_t date, int n)
{
	int y, m, d, k;

	hn_date_to_ymd(date, &y, &m, &d);
	k = (m - 1) + n;
	y += k >= 0 ? k / 12 : -((11 - k) / 12);
	m = ((k % 12) + 12) % 12 + 1;
	if (d > hn_days_in_month(y, m))
		d = hn_days_in_month(y, m);
	return days_from_civil(y, m, d);
}

int32_t
hn_date_first_of_next_month(int32_t date)
{
	int y, m, d;

	hn_date_to_ymd(date, &y, &m, &d);
	if (++m > 12) {
		m = 1;
		y++;
	}
	return days_from_civil(y, m, 1);
}

int32_t
hn_date_of_time(int64_t t)
{
	int64_t q = t / HN_DAY_SECONDS;

	if (t % HN_DAY_SECONDS < 0)
		q--;
	return (int32_t)q;
}

int64_t
hn_time_of_date(int32_t date)
{
	return (int64_t)date * HN_DAY_SECONDS;
}

int
hn_datetime_parse(const char *s, int64_t *out)
{
	int32_t date;
	int hh, mi, ss;

	if (s == NULL || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return HN_EPARSE;
	if (parse_ymd(s, &date) != 0)
		return HN_EPARSE;
	if ((hh = digits(s + 11, 2)) < 0 || hh > 23 ||
	    (mi = digits(s + 14, 2)) < 0 || mi > 59 ||
	    (ss = digits(s + 17, 2)) < 0 || ss > 59)
		return HN_EPARSE;
	*out = hn_time_of_date(date) + hh * 3600 + mi * 60 + ss;
	return 0;
}

void
hn_datetime_format(int64_t t, char out[HN_TIME_STRLEN])
{
	int32_t date = hn_date_of_time(t);
	int64_t s = t - hn_time_of_date(date);
	int y, m, d;

	hn_date_to_ymd(date, &y, &m, &d);
	if (y < 0 || y > 9999) {
		HN_FMT_FIXED(out, HN_TIME_STRLEN, "?");
		return;
	}
	if (hn_fmt(out, HN_TIME_STRLEN, "%04u-%02u-%02uT%02u:%02u:%02uZ",
		(unsigned)y, (unsigned)m, (unsigned)d, (unsigned)(s / 3600),
		(unsigned)(s / 60 % 60), (unsigned)(s % 60)) != 0)
		HN_FMT_FIXED(out, HN_TIME_STRLEN, "?");
}
