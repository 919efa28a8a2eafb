/* Unit tests for src/core/treaty: the register, entry into force (UNCCC
 * arts. 64, 65, 67; Budapest arts. 36, 37, 47), the treaty gate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/treaty.h"
#include "util/buf.h"
#include "util/file.h"

static int32_t
D(const char *s)
{
	int32_t d = HN_DATE_NONE;

	assert_int_equal(hn_date_parse(s, &d), 0);
	return d;
}

static const char *
S(int32_t d)
{
	static char buf[4][HN_DATE_STRLEN];
	static int i;

	i = (i + 1) % 4;
	hn_date_format(d, buf[i]);
	return buf[i];
}

/* A synthetic register built by the tests. */
struct dep {
	const char *code; /* NULL: generated from the index */
	const char *kind; /* NULL: "state" */
	const char *type; /* NULL: "ratification" */
	const char *date; /* NULL: an instrument without a date */
	const char *denounced;
};

static void
code_of(size_t i, char out[4])
{
	out[0] = (char)('A' + (i / 676) % 26);
	out[1] = (char)('A' + (i / 26) % 26);
	out[2] = (char)('A' + i % 26);
	out[3] = '\0';
}

static struct hn_register *
build(const char *instrument, const struct dep *d, size_t n)
{
	struct hn_buf b = HN_BUF_INIT(HN_REGISTER_MAX_BYTES);
	struct hn_register *reg = NULL;
	struct hn_error err;
	char code[4];
	size_t i;

	assert_int_equal(hn_buf_addf(&b, "{\"instrument\":\"%s\",\"parties\":[",
			     instrument),
	    0);
	for (i = 0; i < n; i++) {
		code_of(i, code);
		assert_int_equal(hn_buf_addf(&b,
				     "%s{\"code\":\"%s\",\"name\":"
				     "\"P%zu\",\"kind\":\"%s\",\"events\":[{\"type\":"
				     "\"signature\"},{\"type\":\"%s\"",
				     i ? "," : "", d[i].code ? d[i].code : code,
				     i, d[i].kind ? d[i].kind : "state",
				     d[i].type ? d[i].type : "ratification"),
		    0);
		if (d[i].date)
			assert_int_equal(hn_buf_addf(&b, ",\"date\":\"%s\"",
					     d[i].date),
			    0);
		assert_int_equal(hn_buf_adds(&b, "}"), 0);
		if (d[i].denounced)
			assert_int_equal(hn_buf_addf(&b,
					     ",{\"type\":"
					     "\"denunciation\",\"date\":\"%s\"}",
					     d[i].denounced),
			    0);
		assert_int_equal(hn_buf_adds(&b, "]}"), 0);
	}
	assert_int_equal(hn_buf_adds(&b, "]}"), 0);
	if (hn_register_load(b.data, b.len, &reg, &err) != 0)
		fail_msg("load: %s: %s", err.field, err.message);
	hn_buf_release(&b);
	return reg;
}

/* n states depositing on `date`, then the extra rows. */
static struct hn_register *
build_n(const char *instrument, size_t n, const char *date,
    const struct dep *extra, size_t nextra)
{
	struct dep *d = calloc(n + nextra, sizeof(*d));
	struct hn_register *reg;
	size_t i;

	assert_non_null(d);
	for (i = 0; i < n; i++)
		d[i].date = date;
	for (i = 0; i < nextra; i++)
		d[n + i] = extra[i];
	reg = build(instrument, d, n + nextra);
	free(d);
	return reg;
}

static const struct hn_party *
P(const struct hn_register *reg, const char *code)
{
	const struct hn_party *p = hn_register_find(reg, code);

	assert_non_null(p);
	return p;
}

static void
test_thirty_nine_is_not_enough(void **state)
{
	struct hn_register *reg = build_n("unccc", 39, "2026-05-01", NULL, 0);
	char why[256];

	assert_int_equal(reg->instruments, 39);
	assert_int_equal(reg->signatories, 39);
	assert_int_equal(reg->threshold_date, HN_DATE_NONE);
	assert_int_equal(reg->entry_into_force, HN_DATE_NONE);
	assert_int_equal(P(reg, "AAA")->in_force_from, HN_DATE_NONE);
	assert_false(hn_party_in_force(P(reg, "AAA"), D("2030-01-01")));
	assert_int_equal(hn_register_between(reg, "AAA", "AAB", D("2030-01-01"),
			     why, sizeof(why)),
	    0);
	assert_string_equal(why,
	    "the UN Convention (unccc) is not in force "
	    "between AAA and AAB on 2030-01-01: fewer than 40 instruments "
	    "deposited (art. 65)");
	hn_register_free(reg);
}

/* Art. 65: the 40th instrument lands on a day with several deposits. */
static void
test_fortieth_on_a_busy_day(void **state)
{
	static const struct dep extra[] = {
		{ "FRA", NULL, "accession", "2027-02-01", NULL }, /* 39th */
		{ "GER", NULL, "approval", "2027-02-01", NULL }, /* 40th */
		{ "ITA", NULL, "acceptance", "2027-02-01", NULL }, /* 41st */
		{ "ESP", NULL, NULL, "2027-02-01", NULL }, /* 42nd */
		{ "PRT", NULL, NULL, "2027-02-02", NULL },
		{ "NLD", NULL, NULL, "2027-04-02", NULL },
		{ "BEL", NULL, NULL, "2027-04-03", NULL },
		{ "POL", NULL, NULL, "2027-06-01", NULL },
	};
	struct hn_register *reg = build_n("unccc", 38, "2027-01-10", extra,
	    sizeof(extra) / sizeof(extra[0]));
	static const struct {
		const char *code, *from;
	} want[] = {
		{ "AAA", "2027-05-02" }, /* before the 40th: general date */
		{ "FRA", "2027-05-02" },
		{ "GER", "2027-05-02" },
		{ "ITA", "2027-05-02" }, /* same day as the 40th */
		{ "ESP", "2027-05-02" },
		{ "PRT", "2027-05-02" }, /* +30 = 2027-03-04 < general */
		{ "NLD", "2027-05-02" }, /* +30 = 2027-05-02 = general */
		{ "BEL", "2027-05-03" }, /* +30 = 2027-05-03 > general */
		{ "POL", "2027-07-01" },
	};
	size_t i;

	assert_int_equal(reg->instruments, 46);
	assert_string_equal(S(reg->threshold_date), "2027-02-01");
	/* the 90th day after 1 February 2027 */
	assert_string_equal(S(reg->entry_into_force), "2027-05-02");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(S(P(reg, want[i].code)->in_force_from),
		    want[i].from);
	assert_int_equal(P(reg, "GER")->instrument, HN_EV_APPROVAL);
	assert_false(hn_party_in_force(P(reg, "FRA"), D("2027-05-01")));
	assert_true(hn_party_in_force(P(reg, "FRA"), D("2027-05-02")));
	assert_false(hn_party_in_force(P(reg, "POL"), D("2027-06-30")));
	assert_true(hn_party_in_force(P(reg, "POL"), D("2027-07-01")));
	hn_register_free(reg);
}

/* Art. 65: a reio's instrument does not count towards the 40. */
static void
test_reio_does_not_count(void **state)
{
	static const struct dep eu_first[] = {
		{ "EUU", "reio", "approval", "2027-01-05", NULL },
	};
	static const struct dep eu_then_40th[] = {
		{ "EUU", "reio", "approval", "2027-01-05", NULL },
		{ "ZZZ", NULL, NULL, "2027-03-01", NULL },
	};
	static const struct dep eu_late[] = {
		{ "EUU", "reio", "approval", "2027-09-20", NULL },
	};
	struct hn_register *reg;

	reg = build_n("unccc", 39, "2027-01-01", eu_first, 1);
	assert_int_equal(reg->instruments, 39);
	assert_int_equal(reg->entry_into_force, HN_DATE_NONE);
	hn_register_free(reg);

	reg = build_n("unccc", 39, "2027-01-01", eu_then_40th, 2);
	assert_int_equal(reg->instruments, 40);
	assert_string_equal(S(reg->threshold_date), "2027-03-01");
	assert_string_equal(S(reg->entry_into_force), "2027-05-30");
	/* deposited before the 40th: the general date */
	assert_string_equal(S(P(reg, "EUU")->in_force_from), "2027-05-30");
	hn_register_free(reg);

	reg = build_n("unccc", 40, "2027-01-01", eu_late, 1);
	assert_int_equal(reg->instruments, 40);
	assert_string_equal(S(reg->entry_into_force), "2027-04-01");
	assert_string_equal(S(P(reg, "EUU")->in_force_from), "2027-10-20");
	hn_register_free(reg);
}

/* An instrument without a date is recorded but has no legal effect. */
static void
test_undated_instrument(void **state)
{
	static const struct dep extra[] = { { "AZE", NULL, NULL, NULL, NULL } };
	struct hn_register *reg = build_n("unccc", 39, "2027-01-01", extra, 1);

	assert_int_equal(reg->instruments, 39);
	assert_int_equal(P(reg, "AZE")->deposited, HN_DATE_NONE);
	assert_int_equal(P(reg, "AZE")->instrument, -1);
	assert_int_equal(P(reg, "AZE")->nevents, 2);
	hn_register_free(reg);
}

/* Leap years: deposits on 29 February, denunciation one year later. */
static void
test_leap_years_and_denunciation(void **state)
{
	static const struct dep extra[] = {
		{ "LEA", NULL, NULL, "2028-02-29", NULL },
		{ "DEN", NULL, NULL, "2027-06-01", "2028-02-29" },
		{ "DNB", NULL, NULL, "2027-06-01", "2029-03-15" },
		{ "EAR", NULL, NULL, "2027-06-01", "2027-06-15" },
	};
	struct hn_register *reg = build_n("unccc", 40, "2027-01-01", extra,
	    sizeof(extra) / sizeof(extra[0]));
	char why[256];

	assert_string_equal(S(reg->entry_into_force), "2027-04-01");
	/* 30th day after 29 February 2028 */
	assert_string_equal(S(P(reg, "LEA")->in_force_from), "2028-03-30");
	/* Art. 67: one year after receipt; 29 February -> 1 March */
	assert_string_equal(S(P(reg, "DEN")->denunciation_effective),
	    "2029-03-01");
	assert_true(hn_party_in_force(P(reg, "DEN"), D("2029-02-28")));
	assert_false(hn_party_in_force(P(reg, "DEN"), D("2029-03-01")));
	assert_string_equal(S(P(reg, "DNB")->denunciation_effective),
	    "2030-03-15");
	assert_true(hn_party_in_force(P(reg, "DNB"), D("2030-03-14")));
	assert_false(hn_party_in_force(P(reg, "DNB"), D("2030-03-15")));
	/* denounced before its entry into force took effect */
	assert_string_equal(S(P(reg, "EAR")->in_force_from), "2027-07-01");
	assert_true(hn_party_in_force(P(reg, "EAR"), D("2027-07-01")));
	assert_false(hn_party_in_force(P(reg, "EAR"), D("2028-06-15")));

	assert_int_equal(hn_register_between(reg, "AAA", "DEN", D("2029-03-01"),
			     why, sizeof(why)),
	    0);
	assert_string_equal(why,
	    "the UN Convention (unccc) is not in force "
	    "between AAA and DEN on 2029-03-01: the denunciation by DEN took "
	    "effect on 2029-03-01 (art. 67)");
	assert_int_equal(hn_register_between(reg, "AAA", "DEN", D("2029-02-28"),
			     why, sizeof(why)),
	    1);
	assert_string_equal(why,
	    "the UN Convention (unccc) is in force "
	    "between AAA and DEN on 2029-02-28 (art. 65)");
	hn_register_free(reg);
}

static void
test_between(void **state)
{
	static const struct dep extra[] = {
		{ "LAT", NULL, NULL, "2027-08-01", NULL },
		{ "NOI", NULL, "signature", "2026-06-01", NULL },
	};
	struct hn_register *reg = build_n("unccc", 40, "2027-01-01", extra, 2);
	static const struct {
		const char *a, *b, *on;
		int want;
		const char *why;
	} t[] = {
		{ "AAA", "AAB", "2027-03-31", 0,
		    "it enters into force on 2027-04-01 (art. 65)" },
		{ "AAA", "AAB", "2027-04-01", 1, NULL },
		{ "AAA", "LAT", "2027-08-30", 0,
		    "it enters into force for LAT on 2027-08-31 (art. 65)" },
		{ "LAT", "AAA", "2027-08-31", 1, NULL },
		{ "AAA", "NOI", "2030-01-01", 0,
		    "NOI has deposited no instrument (art. 65)" },
		{ "XXX", "AAA", "2030-01-01", 0, "XXX is not in the register" },
	};
	char why[256], want[256];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(hn_register_between(reg, t[i].a, t[i].b,
				     D(t[i].on), why, sizeof(why)),
		    t[i].want);
		if (t[i].why == NULL)
			continue;
		snprintf(want, sizeof(want),
		    "the UN Convention (unccc) is not "
		    "in force between %s and %s on %s: %s",
		    t[i].a, t[i].b, t[i].on, t[i].why);
		assert_string_equal(why, want);
	}
	hn_register_free(reg);
}

/* Budapest arts. 36, 37, 47: first day of the month after three months,
 * "three months after D" clamped to the month's end. */
static void
test_budapest(void **state)
{
	static const struct dep d[] = {
		{ "AAA", NULL, NULL, "2025-06-10", NULL },
		{ "AAB", NULL, NULL, "2025-07-01", NULL },
		{ "AAC", NULL, NULL, "2025-08-31", NULL },
		{ "AAD", NULL, NULL, "2025-09-15", NULL },
		{ "AAE", NULL, NULL, "2025-11-30", NULL }, /* 5th */
		{ "NOV", NULL, "accession", "2027-11-30", "2028-11-30" },
		{ "JAN", NULL, "accession", "2026-01-31", NULL },
		{ "DEC", NULL, NULL, "2026-12-01", "2027-12-01" },
		{ "EUU", "reio", NULL, "2025-01-01", NULL },
	};
	struct hn_register *reg = build("budapest", d, sizeof(d) / sizeof(*d));
	char why[256];

	assert_int_equal(reg->instrument, HN_INSTR_BUDAPEST);
	assert_int_equal(reg->instruments, 8);
	assert_string_equal(S(reg->threshold_date), "2025-11-30");
	/* 30 November + 3 months = 28 February 2026 -> 1 March 2026 */
	assert_string_equal(S(reg->entry_into_force), "2026-03-01");
	assert_string_equal(S(P(reg, "AAA")->in_force_from), "2026-03-01");
	/* 2027-11-30 + 3 months = 2028-02-29 -> 2028-03-01 */
	assert_string_equal(S(P(reg, "NOV")->in_force_from), "2028-03-01");
	/* 2026-01-31 + 3 months = 2026-04-30 -> 2026-05-01 */
	assert_string_equal(S(P(reg, "JAN")->in_force_from), "2026-05-01");
	assert_string_equal(S(P(reg, "DEC")->in_force_from), "2027-04-01");
	/* Art. 47: 2028-11-30 + 3 months = 2029-02-28 -> 2029-03-01 */
	assert_string_equal(S(P(reg, "NOV")->denunciation_effective),
	    "2029-03-01");
	assert_string_equal(S(P(reg, "DEC")->denunciation_effective),
	    "2028-04-01");
	assert_true(hn_party_in_force(P(reg, "DEC"), D("2028-03-31")));
	assert_false(hn_party_in_force(P(reg, "DEC"), D("2028-04-01")));
	assert_int_equal(hn_register_between(reg, "AAA", "JAN", D("2026-04-30"),
			     why, sizeof(why)),
	    0);
	assert_string_equal(why,
	    "the Budapest Convention (budapest) is not "
	    "in force between AAA and JAN on 2026-04-30: it enters into force "
	    "for JAN on 2026-05-01 (art. 36, 37)");
	hn_register_free(reg);
}

/* confirmed: false is informational only. */
static void
test_confirmed_is_informational(void **state)
{
	static const char *doc =
	    "{\"parties\":[{\"code\":\"AAA\",\"name\":"
	    "\"A\",\"kind\":\"state\",\"extra\":1,\"events\":[{\"type\":"
	    "\"ratification\",\"date\":\"2027-01-01\",\"confirmed\":false,"
	    "\"note\":\"n\",\"place\":\"Hanoi\",\"whatever\":[1]}]}]}";
	struct hn_register *reg = NULL;
	struct hn_error err;

	assert_int_equal(hn_register_load(doc, strlen(doc), &reg, &err), 0);
	assert_int_equal(reg->instrument, HN_INSTR_UNCCC);
	assert_int_equal(reg->instruments, 1);
	assert_false(reg->parties[0].events[0].confirmed);
	assert_string_equal(S(reg->parties[0].deposited), "2027-01-01");
	hn_register_free(reg);
}

static void
test_errors(void **state)
{
	static const struct {
		const char *doc, *field, *msg;
		int code;
	} t[] = {
		{ "[]", "(root)", "not a JSON object", HN_EINVAL },
		{ "{", "", NULL, HN_EPARSE },
		{ "{}", "parties", "required array missing", HN_EINVAL },
		{ "{\"parties\":{}}", "parties", "required array missing",
		    HN_EINVAL },
		{ "{\"instrument\":\"echr\",\"parties\":[]}", "instrument",
		    "must be \"unccc\" or \"budapest\"", HN_EINVAL },
		{ "{\"parties\":[1]}", "parties[0]", "not an object",
		    HN_EINVAL },
		{ "{\"parties\":[{\"code\":\"fra\",\"name\":\"F\",\"kind\":"
		  "\"state\"}]}",
		    "parties[0].code",
		    "not three capital letters (ISO 3166-1 alpha-3)",
		    HN_EINVAL },
		{ "{\"parties\":[{\"code\":\"FRA\",\"kind\":\"state\"}]}",
		    "parties[0] (FRA).name", "required string missing",
		    HN_EINVAL },
		{ "{\"parties\":[{\"code\":\"FRA\",\"name\":\"F\",\"kind\":"
		  "\"empire\"}]}",
		    "parties[0] (FRA).kind", "must be \"state\" or \"reio\"",
		    HN_EINVAL },
		{ "{\"parties\":[{\"code\":\"FRA\",\"name\":\"F\",\"kind\":"
		  "\"state\",\"events\":{}}]}",
		    "parties[0] (FRA).events", "not an array", HN_EINVAL },
		{ "{\"parties\":[{\"code\":\"AAA\",\"name\":\"A\",\"kind\":"
		  "\"state\"},{\"code\":\"BBB\",\"name\":\"B\",\"kind\":"
		  "\"state\"},{\"code\":\"CCC\",\"name\":\"C\",\"kind\":"
		  "\"state\"},{\"code\":\"FRA\",\"name\":\"F\",\"kind\":"
		  "\"state\",\"events\":[{\"type\":\"signature\"},{\"type\":"
		  "\"ratification\",\"date\":\"2026-02-30\"}]}]}",
		    "parties[3] (FRA).events[1].date", "not a date YYYY-MM-DD",
		    HN_EINVAL },
		{ "{\"parties\":[{\"code\":\"FRA\",\"name\":\"F\",\"kind\":"
		  "\"state\",\"events\":[{\"type\":\"ratification\","
		  "\"date\":20260101}]}]}",
		    "parties[0] (FRA).events[0].date", "not a date YYYY-MM-DD",
		    HN_EINVAL },
		{ "{\"parties\":[{\"code\":\"FRA\",\"name\":\"F\",\"kind\":"
		  "\"state\",\"events\":[{\"type\":\"ratifcation\"}]}]}",
		    "parties[0] (FRA).events[0].type", NULL, HN_EINVAL },
		{ "{\"parties\":[{\"code\":\"FRA\",\"name\":\"F\",\"kind\":"
		  "\"state\",\"events\":[{\"date\":\"2026-01-01\"}]}]}",
		    "parties[0] (FRA).events[0].type",
		    "required string missing", HN_EINVAL },
		{ "{\"parties\":[{\"code\":\"FRA\",\"name\":\"F\",\"kind\":"
		  "\"state\",\"events\":[{\"type\":\"signature\","
		  "\"confirmed\":\"no\"}]}]}",
		    "parties[0] (FRA).events[0].confirmed", "not a boolean",
		    HN_EINVAL },
		{ "{\"parties\":[{\"code\":\"FRA\",\"name\":\"F\",\"kind\":"
		  "\"state\"},{\"code\":\"FRA\",\"name\":\"G\",\"kind\":"
		  "\"state\"}]}",
		    "parties[1] (FRA).code", "duplicate of parties[0]",
		    HN_EINVAL },
	};
	struct hn_register *reg;
	struct hn_error err;
	size_t i;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		reg = (struct hn_register *)&err; /* must be reset to NULL */
		hn_error_clear(&err);
		r = hn_register_load(t[i].doc, strlen(t[i].doc), &reg, &err);
		if (r != t[i].code)
			fail_msg("case %zu: %d (%s: %s)", i, r, err.field,
			    err.message);
		assert_null(reg);
		assert_string_equal(err.field, t[i].field);
		if (t[i].msg != NULL)
			assert_string_equal(err.message, t[i].msg);
	}
}

static void
test_limits(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_REGISTER_MAX_BYTES * 2);
	struct hn_register *reg = NULL;
	struct hn_error err;
	char code[4];
	size_t i;

	/* too many parties */
	assert_int_equal(hn_buf_adds(&b, "{\"parties\":["), 0);
	for (i = 0; i <= HN_REGISTER_MAX_PARTIES; i++) {
		code_of(i, code);
		assert_int_equal(hn_buf_addf(&b,
				     "%s{\"code\":\"%s\","
				     "\"name\":\"x\",\"kind\":\"state\"}",
				     i ? "," : "", code),
		    0);
	}
	assert_int_equal(hn_buf_adds(&b, "]}"), 0);
	assert_int_equal(hn_register_load(b.data, b.len, &reg, &err),
	    HN_ETOOBIG);
	assert_string_equal(err.field, "parties");
	/* too many events */
	hn_buf_reset(&b);
	assert_int_equal(hn_buf_adds(&b,
			     "{\"parties\":[{\"code\":\"AAA\","
			     "\"name\":\"x\",\"kind\":\"state\",\"events\":["),
	    0);
	for (i = 0; i <= HN_REGISTER_MAX_EVENTS; i++)
		assert_int_equal(hn_buf_addf(&b, "%s{\"type\":\"signature\"}",
				     i ? "," : ""),
		    0);
	assert_int_equal(hn_buf_adds(&b, "]}]}"), 0);
	assert_int_equal(hn_register_load(b.data, b.len, &reg, &err),
	    HN_ETOOBIG);
	assert_string_equal(err.field, "parties[0] (AAA).events");
	/* too large */
	hn_buf_reset(&b);
	assert_int_equal(hn_buf_adds(&b, "{\"parties\":[], \"pad\":\""), 0);
	for (i = 0; i < HN_REGISTER_MAX_BYTES / 64; i++)
		assert_int_equal(hn_buf_adds(&b,
				     "0123456789abcdef0123456789"
				     "abcdef0123456789abcdef0123456789abcdef"),
		    0);
	assert_int_equal(hn_buf_adds(&b, "\"}"), 0);
	assert_int_equal(hn_register_load(b.data, b.len, &reg, &err),
	    HN_ETOOBIG);
	/* too deep */
	hn_buf_reset(&b);
	assert_int_equal(hn_buf_adds(&b, "{\"parties\":[], \"x\":"), 0);
	for (i = 0; i < 40; i++)
		assert_int_equal(hn_buf_adds(&b, "["), 0);
	for (i = 0; i < 40; i++)
		assert_int_equal(hn_buf_adds(&b, "]"), 0);
	assert_int_equal(hn_buf_adds(&b, "}"), 0);
	assert_int_equal(hn_register_load(b.data, b.len, &reg, &err),
	    HN_EINVAL);
	assert_null(reg);
	hn_buf_release(&b);
}

static void
test_gate(void **state)
{
	struct hn_register *un = build_n("unccc", 40, "2027-01-01", NULL, 0);
	struct hn_register *few = build_n("unccc", 3, "2027-01-01", NULL, 0);
	struct hn_register *bud = build_n("budapest", 5, "2020-01-01", NULL, 0);
	const struct hn_register *regs[] = { few, bud };
	const struct hn_register *regs2[] = { un };
	static const char *const bil[] = { "AAC" };
	static const char *const rec[] = { "AAD", "AAE" };
	struct hn_partners partners = { bil, 1, rec, 2 };
	char why[256];
	enum hn_basis b;
	int32_t on = D("2026-11-23");

	assert_int_equal(hn_treaty_gate(regs, 2, &partners, "AAA", "AAB", on,
			     HN_BASIS_UNCCC, why, sizeof(why)),
	    HN_EDENIED);
	assert_string_equal(why,
	    "the UN Convention (unccc) is not in force "
	    "between AAA and AAB on 2026-11-23: fewer than 40 instruments "
	    "deposited (art. 65)");
	assert_int_equal(hn_treaty_gate(regs, 2, &partners, "AAA", "AAB", on,
			     HN_BASIS_BUDAPEST, why, sizeof(why)),
	    0);
	assert_string_equal(why,
	    "the Budapest Convention (budapest) is in "
	    "force between AAA and AAB on 2026-11-23 (art. 36, 37)");
	assert_int_equal(hn_treaty_gate(regs2, 1, &partners, "AAA", "AAB", on,
			     HN_BASIS_BUDAPEST, why, sizeof(why)),
	    HN_EDENIED);
	assert_string_equal(why,
	    "the Budapest Convention (budapest) cannot be "
	    "relied on between AAA and AAB: no register of it is configured");
	assert_int_equal(hn_treaty_gate(regs2, 1, NULL, "AAA", "AAB",
			     D("2027-04-01"), HN_BASIS_UNCCC, why, sizeof(why)),
	    0);
	assert_int_equal(hn_treaty_gate(regs2, 1, NULL, "AAA", "AAB",
			     D("2027-03-31"), HN_BASIS_UNCCC, why, sizeof(why)),
	    HN_EDENIED);
	/* bilateral and reciprocity come from the configuration */
	assert_int_equal(hn_treaty_gate(regs, 2, &partners, "VNM", "AAC", on,
			     HN_BASIS_BILATERAL, why, sizeof(why)),
	    0);
	assert_string_equal(why,
	    "a bilateral treaty (bilateral) with AAC is "
	    "declared in the configuration of VNM's node");
	assert_int_equal(hn_treaty_gate(regs, 2, &partners, "VNM", "AAD", on,
			     HN_BASIS_BILATERAL, why, sizeof(why)),
	    HN_EDENIED);
	assert_string_equal(why,
	    "a bilateral treaty (bilateral) with AAD is "
	    "not declared in the configuration of VNM's node");
	assert_int_equal(hn_treaty_gate(regs, 2, &partners, "VNM", "AAE", on,
			     HN_BASIS_RECIPROCITY, why, sizeof(why)),
	    0);
	assert_int_equal(hn_treaty_gate(regs, 2, &partners, "VNM", "AAC", on,
			     HN_BASIS_RECIPROCITY, why, sizeof(why)),
	    HN_EDENIED);
	assert_int_equal(hn_treaty_gate(regs, 2, NULL, "VNM", "AAE", on,
			     HN_BASIS_RECIPROCITY, why, sizeof(why)),
	    HN_EDENIED);
	assert_int_equal(hn_treaty_gate(regs, 2, NULL, "VNM", "AAE", on,
			     (enum hn_basis)99, why, sizeof(why)),
	    HN_EDENIED);
	/* names */
	assert_int_equal(hn_basis_parse("reciprocity", &b), 0);
	assert_int_equal(b, HN_BASIS_RECIPROCITY);
	assert_int_equal(hn_basis_parse("Unccc", &b), HN_EINVAL);
	assert_int_equal(hn_basis_parse(NULL, &b), HN_EINVAL);
	assert_string_equal(hn_basis_name(HN_BASIS_BUDAPEST), "budapest");
	hn_register_free(un);
	hn_register_free(few);
	hn_register_free(bud);
}

/*
 * UNCCC art. 64: signature was open until 31 December 2026; after that a
 * State joins by accession. A signature dated later is refused at load,
 * naming the event and the article (ec57569 accepted it). Budapest art.
 * 36(1) has no closing date.
 */
static void
test_signature_period(void **state)
{
	static const struct {
		const char *instrument, *type, *date;
		bool ok;
	} t[] = {
		{ "unccc", "signature", "2025-10-25", true },
		{ "unccc", "signature", "2026-12-31", true },
		{ "unccc", "signature", "2027-01-01", false },
		{ "unccc", "signature", "2031-06-30", false },
		{ "unccc", "signature", NULL, true },
		{ "unccc", "accession", "2027-01-01", true },
		{ "unccc", "ratification", "2027-01-01", true },
		{ "budapest", "signature", "2027-01-01", true },
		{ "budapest", "signature", "2040-05-05", true },
	};
	struct hn_register *reg;
	struct hn_error err;
	char doc[512];
	size_t i;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(doc, sizeof(doc),
		    "{\"instrument\":\"%s\",\"parties\":"
		    "[{\"code\":\"AAA\",\"name\":\"A\",\"kind\":\"state\"},"
		    "{\"code\":\"NOR\",\"name\":\"N\",\"kind\":\"state\","
		    "\"events\":[{\"type\":\"signature\",\"date\":"
		    "\"2026-01-05\"},{\"type\":\"%s\"%s%s%s}]}]}",
		    t[i].instrument, t[i].type, t[i].date ? ",\"date\":\"" : "",
		    t[i].date ? t[i].date : "", t[i].date ? "\"" : "");
		reg = NULL;
		hn_error_clear(&err);
		r = hn_register_load(doc, strlen(doc), &reg, &err);
		if ((r == 0) != t[i].ok)
			fail_msg("case %zu: %d (%s: %s)", i, r, err.field,
			    err.message);
		hn_register_free(reg);
		if (t[i].ok)
			continue;
		assert_int_equal(r, HN_EINVAL);
		assert_string_equal(err.field,
		    "parties[1] (NOR).events[1].date");
		assert_string_equal(err.article, "64");
	}
	/* the message says what happened and what the text allows */
	{
		static const char *late =
		    "{\"parties\":[{\"code\":\"NOR\","
		    "\"name\":\"N\",\"kind\":\"state\",\"events\":[{\"type\":"
		    "\"signature\",\"date\":\"2027-01-01\"}]}]}";

		assert_int_equal(hn_register_load(late, strlen(late), &reg,
				     &err),
		    HN_EINVAL);
		assert_null(reg);
		assert_string_equal(err.field,
		    "parties[0] (NOR).events[0].date");
		assert_string_equal(err.message,
		    "a signature dated 2027-01-01: "
		    "the UN Convention was open for signature until 2026-12-31; "
		    "after that a State becomes a party by accession (art. 64)");
	}
}

#define PARTY(extra) \
	"{\"instrument\":\"unccc\",\"parties\":[{\"code\":\"AAA\"," \
	"\"name\":\"A\",\"kind\":\"state\"},{\"code\":\"BBB\",\"name\":" \
	"\"B\",\"kind\":\"state\"},{\"code\":\"CCC\",\"name\":\"C\"," \
	"\"kind\":\"state\"},{\"code\":\"FRA\",\"name\":\"F\",\"kind\":" \
	"\"state\"," extra "}]}"
#define BUDAPEST(extra) \
	"{\"instrument\":\"budapest\",\"parties\":[{\"code\":\"FRA\"," \
	"\"name\":\"F\",\"kind\":\"state\"," extra "}]}"

/* Reservations and declarations per party: what the register says, with
 * limits and errors that name the place. */
static void
test_reservations_and_declarations(void **state)
{
	static const struct {
		const char *doc, *field, *msg;
		int code;
	} bad[] = {
		{ PARTY("\"reservations\":{}"), "parties[3] (FRA).reservations",
		    "not an array", HN_EINVAL },
		{ PARTY("\"reservations\":[42]"),
		    "parties[3] (FRA).reservations[0]", "not an object",
		    HN_EINVAL },
		{ PARTY("\"reservations\":[{}]"),
		    "parties[3] (FRA).reservations[0].article",
		    "required string missing (an article number, e.g. \"42\")",
		    HN_EINVAL },
		{ PARTY("\"reservations\":[{\"article\":42}]"),
		    "parties[3] (FRA).reservations[0].article",
		    "required string missing (an article number, e.g. \"42\")",
		    HN_EINVAL },
		{ PARTY("\"reservations\":[{\"article\":\"forty-two\"}]"),
		    "parties[3] (FRA).reservations[0].article",
		    "not an article number, e.g. \"42\"", HN_EINVAL },
		{ PARTY("\"reservations\":[{\"article\":\"042\"}]"),
		    "parties[3] (FRA).reservations[0].article", NULL,
		    HN_EINVAL },
		{ PARTY("\"reservations\":[{\"article\":\"4200\"}]"),
		    "parties[3] (FRA).reservations[0].article", NULL,
		    HN_EINVAL },
		{ PARTY("\"reservations\":[{\"article\":\"42\"},{\"article\":"
			"\"42\",\"paragraph\":\"x\"}]"),
		    "parties[3] (FRA).reservations[1].paragraph",
		    "not a paragraph number, e.g. \"4\"", HN_EINVAL },
		{ PARTY("\"reservations\":[{\"article\":\"42\",\"date\":"
			"\"2027-02-30\"}]"),
		    "parties[3] (FRA).reservations[0].date",
		    "not a date YYYY-MM-DD", HN_EINVAL },
		{ PARTY("\"reservations\":[{\"article\":\"42\",\"text\":7}]"),
		    "parties[3] (FRA).reservations[0].text", "not a string",
		    HN_EINVAL },
		{ PARTY("\"declarations\":[]"), "parties[3] (FRA).declarations",
		    "not an object", HN_EINVAL },
		{ PARTY("\"declarations\":{\"languages\":\"fr\"}"),
		    "parties[3] (FRA).declarations.languages", "not an array",
		    HN_EINVAL },
		{ PARTY("\"declarations\":{\"languages\":[\"fr\",\"french\"]}"),
		    "parties[3] (FRA).declarations.languages[1]",
		    "not a language tag, e.g. fr or es-419", HN_EINVAL },
		{ PARTY("\"declarations\":{\"languages\":[\"fr\",7]}"),
		    "parties[3] (FRA).declarations.languages[1]", NULL,
		    HN_EINVAL },
		{ PARTY("\"declarations\":{\"channels\":{}}"),
		    "parties[3] (FRA).declarations.channels", "not an array",
		    HN_EINVAL },
		{ PARTY("\"declarations\":{\"channels\":[\"fax\"]}"),
		    "parties[3] (FRA).declarations.channels[0]",
		    "unknown channel (central_authority, network_24_7, interpol "
		    "or diplomatic)",
		    HN_EINVAL },
		/* Budapest art. 42: "No other reservation may be made." */
		{ BUDAPEST("\"reservations\":[{\"article\":\"30\"}]"),
		    "parties[0] (FRA).reservations[0].article",
		    "the Budapest Convention allows no reservation under art. 30; "
		    "only arts. 4(2), 6(3), 9(4), 10(3), 11(3), 14(3), 22(2), "
		    "29(4) and 41(1) (art. 42)",
		    HN_EINVAL },
		{ BUDAPEST(
		      "\"reservations\":[{\"article\":\"29\",\"paragraph\":"
		      "\"5\"}]"),
		    "parties[0] (FRA).reservations[0].paragraph",
		    "the Budapest Convention allows no reservation under art. "
		    "29(5); only arts. 4(2), 6(3), 9(4), 10(3), 11(3), 14(3), "
		    "22(2), 29(4) and 41(1) (art. 42)",
		    HN_EINVAL },
	};
	struct hn_buf b = HN_BUF_INIT(HN_REGISTER_MAX_BYTES);
	struct hn_register *reg;
	struct hn_party_decl d;
	struct hn_error err;
	size_t i;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reg = (struct hn_register *)&err; /* must be reset to NULL */
		hn_error_clear(&err);
		r = hn_register_load(bad[i].doc, strlen(bad[i].doc), &reg,
		    &err);
		if (r != bad[i].code)
			fail_msg("case %zu: %d (%s: %s)", i, r, err.field,
			    err.message);
		assert_null(reg);
		assert_string_equal(err.field, bad[i].field);
		if (bad[i].msg != NULL)
			assert_string_equal(err.message, bad[i].msg);
	}
	/* limits: reservations, languages, channels, text */
	assert_int_equal(
	    hn_buf_adds(&b,
		"{\"parties\":[{\"code\":\"FRA\","
		"\"name\":\"F\",\"kind\":\"state\",\"reservations\":["),
	    0);
	for (i = 0; i <= HN_PARTY_MAX_RESERVATIONS; i++)
		assert_int_equal(hn_buf_addf(&b, "%s{\"article\":\"42\"}",
				     i ? "," : ""),
		    0);
	assert_int_equal(hn_buf_adds(&b, "]}]}"), 0);
	assert_int_equal(hn_register_load(b.data, b.len, &reg, &err),
	    HN_ETOOBIG);
	assert_string_equal(err.field, "parties[0] (FRA).reservations");
	hn_buf_reset(&b);
	assert_int_equal(hn_buf_adds(&b,
			     "{\"parties\":[{\"code\":\"FRA\","
			     "\"name\":\"F\",\"kind\":\"state\",\"declarations\":{"
			     "\"languages\":["),
	    0);
	for (i = 0; i <= HN_DECL_MAX_LANGUAGES; i++)
		assert_int_equal(hn_buf_addf(&b, "%s\"fr\"", i ? "," : ""), 0);
	assert_int_equal(hn_buf_adds(&b, "]}}]}"), 0);
	assert_int_equal(hn_register_load(b.data, b.len, &reg, &err),
	    HN_ETOOBIG);
	assert_string_equal(err.field,
	    "parties[0] (FRA).declarations.languages");
	hn_buf_reset(&b);
	assert_int_equal(hn_buf_adds(&b,
			     "{\"parties\":[{\"code\":\"FRA\","
			     "\"name\":\"F\",\"kind\":\"state\",\"declarations\":{"
			     "\"channels\":["),
	    0);
	for (i = 0; i <= HN_CH_COUNT_ * 2; i++)
		assert_int_equal(hn_buf_addf(&b, "%s\"interpol\"",
				     i ? "," : ""),
		    0);
	assert_int_equal(hn_buf_adds(&b, "]}}]}"), 0);
	assert_int_equal(hn_register_load(b.data, b.len, &reg, &err),
	    HN_ETOOBIG);
	assert_string_equal(err.field,
	    "parties[0] (FRA).declarations.channels");
	hn_buf_reset(&b);
	assert_int_equal(hn_buf_adds(&b,
			     "{\"parties\":[{\"code\":\"FRA\","
			     "\"name\":\"F\",\"kind\":\"state\",\"reservations\":[{"
			     "\"article\":\"42\",\"text\":\""),
	    0);
	for (i = 0; i <= HN_RESERVATION_TEXT_MAX; i++)
		assert_int_equal(hn_buf_adds(&b, "x"), 0);
	assert_int_equal(hn_buf_adds(&b, "\"}]}]}"), 0);
	assert_int_equal(hn_register_load(b.data, b.len, &reg, &err),
	    HN_ETOOBIG);
	assert_string_equal(err.field, "parties[0] (FRA).reservations[0].text");

	/* what a valid register declares */
	{
		static const char *un = PARTY(
		    "\"reservations\":[{\"article\":"
		    "\"11\"},{\"article\":\"42\",\"date\":\"2027-02-01\","
		    "\"text\":\"dual criminality\",\"note\":\"ignored\"}],"
		    "\"declarations\":{\"languages\":[\"fr\",\"en-GB\"],"
		    "\"channels\":[\"central_authority\",\"network_24_7\"],"
		    "\"other\":1}");

		assert_int_equal(hn_register_load(un, strlen(un), &reg, &err),
		    0);
		assert_int_equal(hn_register_decl(reg, "FRA", &d), 0);
		assert_true(d.dual_criminality_preservation);
		assert_int_equal(d.nlanguages, 2);
		assert_string_equal(d.languages[1], "en-GB");
		assert_int_equal(d.channels,
		    (1u << HN_CH_CENTRAL_AUTHORITY) |
			(1u << HN_CH_NETWORK_247));
		assert_int_equal(P(reg, "FRA")->nreservations, 2);
		assert_string_equal(P(reg, "FRA")->reservations[1].article,
		    "42");
		assert_string_equal(S(P(reg, "FRA")->reservations[1].date),
		    "2027-02-01");
		assert_int_equal(P(reg, "FRA")->reservations[0].date,
		    HN_DATE_NONE);
		/* nothing declared */
		assert_int_equal(hn_register_decl(reg, "AAA", &d), 0);
		assert_false(d.dual_criminality_preservation);
		assert_int_equal(d.nlanguages + d.channels, 0);
		memset(&d, 0xff, sizeof(d));
		assert_int_equal(hn_register_decl(reg, "XXX", &d),
		    HN_ENOTFOUND);
		assert_false(d.dual_criminality_preservation);
		assert_int_equal(d.nlanguages, 0);
		assert_int_equal(hn_register_decl(reg, NULL, &d), HN_ENOTFOUND);
		hn_register_free(reg);
	}
	/* a reservation under another article is not the art. 42 one */
	{
		static const char *un = PARTY("\"reservations\":[{\"article\":"
					      "\"11\"}]");

		assert_int_equal(hn_register_load(un, strlen(un), &reg, &err),
		    0);
		assert_int_equal(hn_register_decl(reg, "FRA", &d), 0);
		assert_false(d.dual_criminality_preservation);
		hn_register_free(reg);
	}
	/* Budapest: art. 29(4) is the reservation, with or without the
	 * paragraph; art. 6(3) is another */
	{
		static const char *const docs[] = {
			BUDAPEST("\"reservations\":[{\"article\":\"29\","
				 "\"paragraph\":\"4\"}]"),
			BUDAPEST("\"reservations\":[{\"article\":\"29\"}]"),
			BUDAPEST("\"reservations\":[{\"article\":\"6\","
				 "\"paragraph\":\"3\"}]"),
		};

		for (i = 0; i < 3; i++) {
			assert_int_equal(hn_register_load(docs[i],
					     strlen(docs[i]), &reg, &err),
			    0);
			assert_int_equal(hn_register_decl(reg, "FRA", &d), 0);
			assert_int_equal(d.dual_criminality_preservation,
			    i < 2);
			hn_register_free(reg);
		}
	}
	/* names */
	{
		enum hn_channel c;

		assert_int_equal(hn_channel_parse("interpol", &c), 0);
		assert_int_equal(c, HN_CH_INTERPOL);
		assert_int_equal(hn_channel_parse("Interpol", &c), HN_EINVAL);
		assert_int_equal(hn_channel_parse(NULL, &c), HN_EINVAL);
		assert_string_equal(hn_channel_name(HN_CH_DIPLOMATIC),
		    "diplomatic");
		assert_string_equal(hn_channel_name((enum hn_channel)9), "?");
		assert_true(hn_langtag_valid("zh-Hans"));
		assert_true(hn_langtag_valid("es-419"));
		assert_false(hn_langtag_valid("f"));
		assert_false(hn_langtag_valid("fr-"));
		assert_false(hn_langtag_valid("fr--x"));
		assert_false(hn_langtag_valid("abcdefghijklmnopq"));
		assert_false(hn_langtag_valid(NULL));
	}
	hn_buf_release(&b);
}

/* The shipped register (a copy of ../shared/testdata/...): 73 parties,
 * one ratification without a date (no legal effect). */
static void
test_real_register(void **state)
{
	struct hn_buf b = HN_BUF_INIT(HN_REGISTER_MAX_BYTES);
	struct hn_register *reg = NULL;
	struct hn_error err;
	const char *shared = getenv("HN_SHARED");
	char path[4096];

	if (shared == NULL)
		skip();
	snprintf(path, sizeof(path),
	    "%s/testdata/parties/register-2026-11.json", shared);
	assert_int_equal(hn_file_read(path, &b), 0);
	assert_int_equal(hn_register_load(b.data, b.len, &reg, &err), 0);
	assert_int_equal(reg->nparties, 73);
	assert_int_equal(reg->signatories, 73);
	assert_int_equal(reg->instruments, 0);
	assert_int_equal(reg->entry_into_force, HN_DATE_NONE);
	assert_int_equal(P(reg, "AZE")->deposited, HN_DATE_NONE);
	assert_int_equal(P(reg, "EUU")->kind, HN_PARTY_REIO);
	assert_string_equal(S(P(reg, "VNM")->signed_on), "2025-10-25");
	hn_register_free(reg);
	hn_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thirty_nine_is_not_enough),
		cmocka_unit_test(test_fortieth_on_a_busy_day),
		cmocka_unit_test(test_reio_does_not_count),
		cmocka_unit_test(test_undated_instrument),
		cmocka_unit_test(test_leap_years_and_denunciation),
		cmocka_unit_test(test_between),
		cmocka_unit_test(test_budapest),
		cmocka_unit_test(test_confirmed_is_informational),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_gate),
		cmocka_unit_test(test_signature_period),
		cmocka_unit_test(test_reservations_and_declarations),
		cmocka_unit_test(test_real_register),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
