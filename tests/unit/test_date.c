/* Unit tests for src/core/date: strict parsing and the calendar rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/date.h"
#include "util/err.h"

static int32_t
D(const char *s)
{
	int32_t d = HN_DATE_NONE;

	assert_int_equal(hn_date_parse(s, &d), 0);
	return d;
}

static void
test_parse_good(void **state)
{
	static const struct {
		const char *s;
		int32_t days;
	} t[] = { { "1970-01-01", 0 }, { "1970-01-02", 1 },
		{ "1969-12-31", -1 }, { "2000-03-01", 11017 },
		{ "2024-02-29", 19782 }, { "2026-11-23", 20780 },
		{ "0001-01-01", -719162 }, { "9999-12-31", 2932896 } };
	char buf[HN_DATE_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(D(t[i].s), t[i].days);
		hn_date_format(t[i].days, buf);
		assert_string_equal(buf, t[i].s);
	}
	hn_date_format(HN_DATE_NONE, buf);
	assert_string_equal(buf, "-");
}

static void
test_parse_bad(void **state)
{
	static const char *bad[] = { "", "2026-02-30", "2026-2-3",
		"2026-02-03x", " 2026-02-03", "2026-02-03 ", "2026/02/03",
		"2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
		"0000-01-01", "2025-02-29", "1900-02-29", "20260203",
		"2026-02-3", "+026-02-03", "2026-0a-03", "2026-04-31",
		"2026-02-03T00:00:00Z", "２０２６-02-03" };
	int32_t d = 42;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hn_date_parse(bad[i], &d), HN_EPARSE);
		assert_int_equal(d, 42); /* untouched on failure */
	}
	assert_int_equal(hn_date_parse(NULL, &d), HN_EPARSE);
	/* 2000 was a leap year, 1900 was not */
	assert_int_equal(hn_date_parse("2000-02-29", &d), 0);
}

static void
test_roundtrip(void **state)
{
	char buf[HN_DATE_STRLEN];
	int32_t d, back;
	int y, m, dd;

	for (d = D("1899-12-01"); d < D("2101-02-01"); d++) {
		hn_date_to_ymd(d, &y, &m, &dd);
		assert_int_equal(hn_date_from_ymd(y, m, dd, &back), 0);
		assert_int_equal(back, d);
		hn_date_format(d, buf);
		assert_int_equal(D(buf), d);
	}
}

static void
test_arithmetic(void **state)
{
	static const struct {
		const char *from;
		int kind; /* 0 days, 1 years, 2 months, 3 first of next */
		int n;
		const char *to;
	} t[] = {
		/* "the Nth day after D" is D + N days */
		{ "2026-03-02", 0, 90, "2026-05-31" },
		{ "2027-12-15", 0, 30, "2028-01-14" },
		{ "2028-02-01", 0, 30, "2028-03-02" },
		{ "2027-02-01", 0, 30, "2027-03-03" },
		/* one year after D; 29 February -> 1 March */
		{ "2027-03-15", 1, 1, "2028-03-15" },
		{ "2028-02-29", 1, 1, "2029-03-01" },
		{ "2028-02-29", 1, 4, "2032-02-29" },
		{ "2028-02-28", 1, 1, "2029-02-28" },
		{ "2027-12-31", 1, 1, "2028-12-31" },
		/* months, clamped to the month's end */
		{ "2025-11-30", 2, 3, "2026-02-28" },
		{ "2027-11-30", 2, 3, "2028-02-29" },
		{ "2026-01-31", 2, 1, "2026-02-28" },
		{ "2026-01-31", 2, 3, "2026-04-30" },
		{ "2026-12-01", 2, 3, "2027-03-01" },
		{ "2026-10-15", 2, 3, "2027-01-15" },
		{ "2026-03-31", 2, -1, "2026-02-28" },
		{ "2026-01-15", 2, -13, "2024-12-15" },
		{ "2026-05-10", 2, 24, "2028-05-10" },
		/* first day of the following month */
		{ "2026-02-28", 3, 0, "2026-03-01" },
		{ "2026-12-31", 3, 0, "2027-01-01" },
		{ "2026-12-01", 3, 0, "2027-01-01" },
	};
	char buf[HN_DATE_STRLEN];
	int32_t r = 0;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int32_t d = D(t[i].from);

		switch (t[i].kind) {
		case 0:
			r = hn_date_add_days(d, t[i].n);
			break;
		case 1:
			r = hn_date_add_years(d, t[i].n);
			break;
		case 2:
			r = hn_date_add_months(d, t[i].n);
			break;
		case 3:
			r = hn_date_first_of_next_month(d);
			break;
		}
		hn_date_format(r, buf);
		if (strcmp(buf, t[i].to) != 0)
			fail_msg("case %zu: %s -> %s, want %s", i, t[i].from,
			    buf, t[i].to);
	}
}

static void
test_time(void **state)
{
	static const char *bad[] = { "2026-11-23T24:00:00Z",
		"2026-11-23T10:60:00Z", "2026-11-23T10:00:60Z",
		"2026-11-23T10:00:00", "2026-11-23T10:00:00+01:00",
		"2026-11-23 10:00:00Z", "2026-11-23T10:00:00.5Z",
		"2026-02-30T10:00:00Z", "2026-11-23T10:00:00Zx", "" };
	char buf[HN_TIME_STRLEN];
	int64_t t = 7;
	size_t i;

	assert_int_equal(hn_datetime_parse("1970-01-01T00:00:00Z", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(hn_datetime_parse("2026-11-23T16:35:01Z", &t), 0);
	assert_int_equal(t, 1795451701);
	hn_datetime_format(t, buf);
	assert_string_equal(buf, "2026-11-23T16:35:01Z");
	assert_int_equal(hn_date_of_time(t), D("2026-11-23"));
	assert_int_equal(hn_date_of_time(-1), D("1969-12-31"));
	assert_int_equal(hn_time_of_date(D("2026-11-23")), 1795392000);
	hn_datetime_format(-1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 7;
		assert_int_equal(hn_datetime_parse(bad[i], &t), HN_EPARSE);
		assert_int_equal(t, 7);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
