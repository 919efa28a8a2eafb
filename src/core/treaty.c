#include "core/treaty.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "util/fmt.h"
#include "util/json.h"

/*
 * Entry-into-force rules, one row per instrument. Adding an instrument is
 * adding a row (and its name to the enum).
 */
static const struct hn_instrument_rule rules[HN_INSTR_COUNT_] = {
	/*
	 * UN Convention against Cybercrime. Art. 65: in force on the 90th
	 * day after the 40th instrument; for a party depositing later, the
	 * 30th day after its deposit or the general date, whichever is later;
	 * an instrument of a regional economic integration organisation does
	 * not count in addition to those of its members. Art. 67: a
	 * denunciation takes effect one year after receipt.
	 */
	/*
	 * Art. 64: open for signature in Hanoi in 2025, then at United
	 * Nations Headquarters until 31 December 2026; after that, accession.
	 * Art. 42: the dual-criminality reservation for preservation.
	 */
	{ HN_INSTR_UNCCC, "unccc", "the UN Convention", 40, false,
	    { HN_PERIOD_DAYS, 90 }, { HN_PERIOD_DAYS, 30 },
	    { HN_PERIOD_YEARS, 1 }, "65", "67", "2026-12-31", "64", "42",
	    NULL },
	/*
	 * Budapest Convention. Art. 36(3): in force on the first day of the
	 * month following three months after the fifth instrument (the
	 * condition on Council of Europe members is not modelled); arts.
	 * 36(4), 37(2): the same period after a later deposit or accession.
	 * Art. 47(2): a denunciation takes effect on the first day of the
	 * month following three months after receipt.
	 */
	/*
	 * Art. 36(1): open for signature with no closing date (art. 37:
	 * accession by invitation). Art. 29(4): the dual-criminality
	 * reservation for preservation.
	 */
	{ HN_INSTR_BUDAPEST, "budapest", "the Budapest Convention", 5, false,
	    { HN_PERIOD_MONTHS_THEN_1ST, 3 }, { HN_PERIOD_MONTHS_THEN_1ST, 3 },
	    { HN_PERIOD_MONTHS_THEN_1ST, 3 }, "36, 37", "47", NULL, "36", "29",
	    "4" },
};

static const char *const basis_names[HN_BASIS_COUNT_] = { "unccc", "budapest",
	"bilateral", "reciprocity" };

/* Art. 64 (UNCCC), arts. 36, 37 (Budapest): the kinds of instrument. */
static const char *const event_names[HN_EV_COUNT_] = { "signature",
	"ratification", "acceptance", "approval", "accession", "denunciation" };

static const char *const channel_names[HN_CH_COUNT_] = { "central_authority",
	"network_24_7", "interpol", "diplomatic" };

/*
 * Budapest art. 42: the only reservations that may be made, as article and
 * paragraph ("No other reservation may be made").
 */
static const struct {
	const char *article, *paragraph;
} budapest_reservations[] = { { "4", "2" }, { "6", "3" }, { "9", "4" },
	{ "10", "3" }, { "11", "3" }, { "14", "3" }, { "22", "2" },
	{ "29", "4" }, { "41", "1" } };

const struct hn_instrument_rule *
hn_instrument_rule(enum hn_instrument id)
{
	if ((unsigned)id >= HN_INSTR_COUNT_)
		return NULL;
	/* the table is indexed by its own ids, and a rule can be met */
	assert(rules[id].id == id && rules[id].threshold >= 1);
	return &rules[id];
}

int32_t
hn_period_apply(struct hn_period p, int32_t date)
{
	switch (p.unit) {
	case HN_PERIOD_DAYS:
		return hn_date_add_days(date, p.n);
	case HN_PERIOD_YEARS:
		return hn_date_add_years(date, p.n);
	case HN_PERIOD_MONTHS_THEN_1ST:
		return hn_date_first_of_next_month(
		    hn_date_add_months(date, p.n));
	}
	return HN_DATE_NONE;
}

const char *
hn_instrument_name(enum hn_instrument id)
{
	const struct hn_instrument_rule *r = hn_instrument_rule(id);

	return r != NULL ? r->code : "?";
}

int
hn_instrument_parse(const char *s, enum hn_instrument *out)
{
	int i;

	for (i = 0; s != NULL && i < HN_INSTR_COUNT_; i++)
		if (strcmp(s, rules[i].code) == 0) {
			*out = (enum hn_instrument)i;
			return 0;
		}
	return HN_EINVAL;
}

const char *
hn_basis_name(enum hn_basis b)
{
	return (unsigned)b < HN_BASIS_COUNT_ ? basis_names[b] : "?";
}

int
hn_basis_parse(const char *s, enum hn_basis *out)
{
	int i;

	for (i = 0; s != NULL && i < HN_BASIS_COUNT_; i++)
		if (strcmp(s, basis_names[i]) == 0) {
			*out = (enum hn_basis)i;
			return 0;
		}
	return HN_EINVAL;
}

const char *
hn_event_type_name(enum hn_event_type t)
{
	return (unsigned)t < HN_EV_COUNT_ ? event_names[t] : "?";
}

const char *
hn_channel_name(enum hn_channel c)
{
	return (unsigned)c < HN_CH_COUNT_ ? channel_names[c] : "?";
}

int
hn_channel_parse(const char *s, enum hn_channel *out)
{
	int i;

	for (i = 0; s != NULL && i < HN_CH_COUNT_; i++)
		if (strcmp(s, channel_names[i]) == 0) {
			*out = (enum hn_channel)i;
			return 0;
		}
	return HN_EINVAL;
}

static bool
alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool
hn_langtag_valid(const char *s)
{
	size_t i, run = 0, n;

	if (s == NULL || (n = strlen(s)) < 2 || n > HN_LANGTAG_MAX)
		return false;
	for (i = 0; i < n && s[i] != '-'; i++)
		if (!alpha(s[i]))
			return false;
	if (i < 2 || i > 3)
		return false;
	for (; i < n; i++) {
		if (s[i] == '-') {
			if (i + 1 == n || s[i + 1] == '-')
				return false;
			run = 0;
		} else if (!(alpha(s[i]) || (s[i] >= '0' && s[i] <= '9')) ||
		    ++run > 8) {
			return false;
		}
	}
	return true;
}

static bool
is_instrument(enum hn_event_type t)
{
	return t == HN_EV_RATIFICATION || t == HN_EV_ACCEPTANCE ||
	    t == HN_EV_APPROVAL || t == HN_EV_ACCESSION;
}

static bool
valid_code(const char *s)
{
	return s != NULL && strlen(s) == HN_PARTY_CODE_LEN && s[0] >= 'A' &&
	    s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' &&
	    s[2] <= 'Z';
}

void
hn_register_free(struct hn_register *reg)
{
	size_t i;

	if (reg == NULL)
		return;
	for (i = 0; i < reg->nparties; i++) {
		free(reg->parties[i].events);
		free(reg->parties[i].reservations);
	}
	free(reg->parties);
	free(reg);
}

/*
 * "parties[3] (FRA)" or "parties[3]" while the code is not known: at most
 * 35 bytes, so it fits load_party's where[48], and every field name built
 * on it (where + ".reservations[%zu].paragraph", at most 47 + 45 bytes) fits
 * HN_ERR_FIELD_MAX: those are formatted with HN_FMT_FIXED.
 */
_Static_assert(HN_ERR_FIELD_MAX > 47 + 45, "register field names fit");

static void
label(char *buf, size_t n, size_t i, const char *code)
{
	if (valid_code(code))
		HN_FMT_FIXED(buf, n, "parties[%zu] (%s)", i, code);
	else
		HN_FMT_FIXED(buf, n, "parties[%zu]", i);
}

/*
 * UNCCC art. 64: signature was open until 31 December 2026; a State that
 * did not sign by then becomes a party by accession. A signature dated
 * later is an error in the register, not a signature.
 */
static int
check_signature(const struct hn_event *ev,
    const struct hn_instrument_rule *rule, const char *field,
    struct hn_error *err)
{
	char d[HN_DATE_STRLEN];
	int32_t until;

	if (ev->type != HN_EV_SIGNATURE || ev->date == HN_DATE_NONE ||
	    rule->signature_until == NULL ||
	    hn_date_parse(rule->signature_until, &until) != 0 ||
	    ev->date <= until)
		return 0;
	hn_date_format(ev->date, d);
	return hn_error_set(err, HN_EINVAL, field, rule->art_signature,
	    "a signature dated %s: %s was open for signature until %s; after "
	    "that a State becomes a party by accession (art. %s)",
	    d, rule->title, rule->signature_until, rule->art_signature);
}

/* An article or paragraph number: 1-3 digits, no leading zero. */
static bool
article_number(const char *s)
{
	size_t i, n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n > 3 || s[0] == '0')
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
load_reservation(const json_t *jr, struct hn_reservation *rv, const char *where,
    size_t j, const struct hn_instrument_rule *rule, struct hn_error *err)
{
	const json_t *v;
	const char *s;
	char f[HN_ERR_FIELD_MAX];
	size_t i;

	HN_FMT_FIXED(f, sizeof(f), "%s.reservations[%zu]", where, j);
	if (!json_is_object(jr))
		return hn_error_set(err, HN_EINVAL, f, NULL, "not an object");
	HN_FMT_FIXED(f, sizeof(f), "%s.reservations[%zu].article", where, j);
	if ((s = hn_json_str(jr, "article")) == NULL)
		return hn_error_set(err, HN_EINVAL, f, NULL,
		    "required string missing (an article number, e.g. \"%s\")",
		    rule->art_reservation);
	if (!article_number(s))
		return hn_error_set(err, HN_EINVAL, f, NULL,
		    "not an article number, e.g. \"%s\"",
		    rule->art_reservation);
	HN_FMT_FIXED(rv->article, sizeof(rv->article), "%s", s);
	HN_FMT_FIXED(f, sizeof(f), "%s.reservations[%zu].paragraph", where, j);
	v = json_object_get(jr, "paragraph");
	if (v != NULL && !json_is_null(v)) {
		if (!article_number(json_string_value(v)))
			return hn_error_set(err, HN_EINVAL, f, NULL,
			    "not a paragraph number, e.g. \"4\"");
		HN_FMT_FIXED(rv->paragraph, sizeof(rv->paragraph), "%s",
		    json_string_value(v));
	}
	if (rule->id == HN_INSTR_BUDAPEST) {
		/* Art. 42: only the listed reservations may be made. */
		for (i = 0; i < sizeof(budapest_reservations) /
			 sizeof(budapest_reservations[0]);
		     i++)
			if (strcmp(rv->article,
				budapest_reservations[i].article) == 0)
				break;
		HN_FMT_FIXED(f, sizeof(f), "%s.reservations[%zu].%s", where, j,
		    i ==
			    sizeof(budapest_reservations) /
				sizeof(budapest_reservations[0]) ?
			"article" :
			"paragraph");
		if (i ==
			sizeof(budapest_reservations) /
			    sizeof(budapest_reservations[0]) ||
		    (rv->paragraph[0] != '\0' &&
			strcmp(rv->paragraph,
			    budapest_reservations[i].paragraph) != 0))
			return hn_error_set(err, HN_EINVAL, f, "42",
			    "the Budapest Convention allows no reservation "
			    "under art. %s%s%s%s; only arts. 4(2), 6(3), 9(4), "
			    "10(3), 11(3), 14(3), 22(2), 29(4) and 41(1) "
			    "(art. 42)",
			    rv->article, rv->paragraph[0] ? "(" : "",
			    rv->paragraph, rv->paragraph[0] ? ")" : "");
	}
	rv->date = HN_DATE_NONE;
	v = json_object_get(jr, "date");
	HN_FMT_FIXED(f, sizeof(f), "%s.reservations[%zu].date", where, j);
	if (v != NULL && !json_is_null(v) &&
	    (!json_is_string(v) ||
		hn_date_parse(json_string_value(v), &rv->date) != 0))
		return hn_error_set(err, HN_EINVAL, f, NULL,
		    "not a date YYYY-MM-DD");
	v = json_object_get(jr, "text");
	HN_FMT_FIXED(f, sizeof(f), "%s.reservations[%zu].text", where, j);
	if (v != NULL && !json_is_null(v) && !json_is_string(v))
		return hn_error_set(err, HN_EINVAL, f, NULL, "not a string");
	if (v != NULL && json_string_length(v) > HN_RESERVATION_TEXT_MAX)
		return hn_error_set(err, HN_ETOOBIG, f, NULL,
		    "longer than %d bytes", HN_RESERVATION_TEXT_MAX);
	return 0;
}

static int
load_reservations(const json_t *jp, struct hn_party *p, const char *where,
    const struct hn_instrument_rule *rule, struct hn_error *err)
{
	const json_t *list = json_object_get(jp, "reservations"), *v;
	char f[HN_ERR_FIELD_MAX];
	size_t j;
	int r;

	HN_FMT_FIXED(f, sizeof(f), "%s.reservations", where);
	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return hn_error_set(err, HN_EINVAL, f, NULL, "not an array");
	if (json_array_size(list) > HN_PARTY_MAX_RESERVATIONS)
		return hn_error_set(err, HN_ETOOBIG, f, NULL,
		    "more than %d reservations", HN_PARTY_MAX_RESERVATIONS);
	if (json_array_size(list) == 0)
		return 0;
	p->reservations =
	    calloc(json_array_size(list), sizeof(*p->reservations));
	if (p->reservations == NULL)
		return hn_error_set(err, HN_ENOMEM, f, NULL, "out of memory");
	json_array_foreach(list, j, v)
	{
		struct hn_reservation *rv = &p->reservations[j];

		if ((r = load_reservation(v, rv, where, j, rule, err)) != 0)
			return r;
		p->nreservations++;
		/* UNCCC art. 42, Budapest art. 29(4). */
		if (strcmp(rv->article, rule->art_reservation) == 0 &&
		    (rule->para_reservation == NULL ||
			rv->paragraph[0] == '\0' ||
			strcmp(rv->paragraph, rule->para_reservation) == 0))
			p->decl.dual_criminality_preservation = true;
	}
	return 0;
}

/* "declarations": {"languages": [tags], "channels": [names]}. */
static int
load_declarations(const json_t *jp, struct hn_party *p, const char *where,
    struct hn_error *err)
{
	const json_t *d = json_object_get(jp, "declarations"), *list, *v;
	char f[HN_ERR_FIELD_MAX];
	enum hn_channel c;
	size_t j;

	HN_FMT_FIXED(f, sizeof(f), "%s.declarations", where);
	if (d == NULL || json_is_null(d))
		return 0;
	if (!json_is_object(d))
		return hn_error_set(err, HN_EINVAL, f, NULL, "not an object");
	list = json_object_get(d, "languages");
	HN_FMT_FIXED(f, sizeof(f), "%s.declarations.languages", where);
	if (list != NULL && !json_is_null(list) && !json_is_array(list))
		return hn_error_set(err, HN_EINVAL, f, NULL, "not an array");
	if (json_array_size(list) > HN_DECL_MAX_LANGUAGES)
		return hn_error_set(err, HN_ETOOBIG, f, NULL,
		    "more than %d languages", HN_DECL_MAX_LANGUAGES);
	json_array_foreach(list, j, v)
	{
		HN_FMT_FIXED(f, sizeof(f), "%s.declarations.languages[%zu]",
		    where, j);
		if (!hn_langtag_valid(json_string_value(v)))
			return hn_error_set(err, HN_EINVAL, f, "40",
			    "not a language tag, e.g. fr or es-419");
		HN_FMT_FIXED(p->decl.languages[p->decl.nlanguages++],
		    sizeof(p->decl.languages[0]), "%s", json_string_value(v));
	}
	list = json_object_get(d, "channels");
	HN_FMT_FIXED(f, sizeof(f), "%s.declarations.channels", where);
	if (list != NULL && !json_is_null(list) && !json_is_array(list))
		return hn_error_set(err, HN_EINVAL, f, NULL, "not an array");
	if (json_array_size(list) > HN_CH_COUNT_ * 2)
		return hn_error_set(err, HN_ETOOBIG, f, NULL,
		    "more than %d channels", HN_CH_COUNT_ * 2);
	json_array_foreach(list, j, v)
	{
		HN_FMT_FIXED(f, sizeof(f), "%s.declarations.channels[%zu]",
		    where, j);
		if (hn_channel_parse(json_string_value(v), &c) != 0)
			return hn_error_set(err, HN_EINVAL, f, NULL,
			    "unknown channel (central_authority, "
			    "network_24_7, interpol or diplomatic)");
		p->decl.channels |= 1u << c;
	}
	return 0;
}

static int
load_event(const json_t *je, struct hn_event *ev, const char *where, size_t j,
    const struct hn_instrument_rule *rule, struct hn_error *err)
{
	const json_t *v;
	const char *s;
	char f[HN_ERR_FIELD_MAX];
	int i, r;

	HN_FMT_FIXED(f, sizeof(f), "%s.events[%zu]", where, j);
	if (!json_is_object(je))
		return hn_error_set(err, HN_EINVAL, f, NULL, "not an object");
	HN_FMT_FIXED(f, sizeof(f), "%s.events[%zu].type", where, j);
	if ((s = hn_json_str(je, "type")) == NULL)
		return hn_error_set(err, HN_EINVAL, f, NULL,
		    "required string missing");
	for (i = 0; i < HN_EV_COUNT_; i++)
		if (strcmp(s, event_names[i]) == 0)
			break;
	if (i == HN_EV_COUNT_)
		return hn_error_set(err, HN_EINVAL, f, NULL,
		    "unknown event type (signature, ratification, acceptance, "
		    "approval, accession or denunciation)");
	ev->type = (enum hn_event_type)i;
	ev->date = HN_DATE_NONE;
	v = json_object_get(je, "date");
	HN_FMT_FIXED(f, sizeof(f), "%s.events[%zu].date", where, j);
	if (v != NULL && !json_is_null(v) &&
	    (!json_is_string(v) ||
		hn_date_parse(json_string_value(v), &ev->date) != 0))
		return hn_error_set(err, HN_EINVAL, f, NULL,
		    "not a date YYYY-MM-DD");
	if ((r = check_signature(ev, rule, f, err)) != 0)
		return r;
	ev->confirmed = true;
	v = json_object_get(je, "confirmed");
	HN_FMT_FIXED(f, sizeof(f), "%s.events[%zu].confirmed", where, j);
	if (v != NULL && !json_is_boolean(v))
		return hn_error_set(err, HN_EINVAL, f, NULL, "not a boolean");
	if (v != NULL)
		ev->confirmed = json_is_true(v);
	return 0;
}

static int
load_party(const json_t *jp, size_t i, struct hn_party *p,
    const struct hn_instrument_rule *rule, struct hn_error *err)
{
	const json_t *events, *v;
	const char *s, *code;
	char where[48], f[HN_ERR_FIELD_MAX];
	size_t j;
	int r;

	code = hn_json_str(jp, "code");
	label(where, sizeof(where), i, code);
	if (!json_is_object(jp))
		return hn_error_set(err, HN_EINVAL, where, NULL,
		    "not an object");
	HN_FMT_FIXED(f, sizeof(f), "%s.code", where);
	if (!valid_code(code))
		return hn_error_set(err, HN_EINVAL, f, NULL,
		    "not three capital letters (ISO 3166-1 alpha-3)");
	memcpy(p->code, code, HN_PARTY_CODE_LEN + 1);
	HN_FMT_FIXED(f, sizeof(f), "%s.name", where);
	if ((s = hn_json_str(jp, "name")) == NULL || *s == '\0')
		return hn_error_set(err, HN_EINVAL, f, NULL,
		    "required string missing");
	if (strlen(s) >= sizeof(p->name))
		return hn_error_set(err, HN_ETOOBIG, f, NULL,
		    "longer than %zu bytes", sizeof(p->name) - 1);
	HN_FMT_FIXED(p->name, sizeof(p->name), "%s", s);
	HN_FMT_FIXED(f, sizeof(f), "%s.kind", where);
	s = hn_json_str(jp, "kind");
	if (s != NULL && strcmp(s, "state") == 0)
		p->kind = HN_PARTY_STATE;
	else if (s != NULL && strcmp(s, "reio") == 0)
		p->kind = HN_PARTY_REIO;
	else
		return hn_error_set(err, HN_EINVAL, f, NULL,
		    "must be \"state\" or \"reio\"");
	if ((r = load_reservations(jp, p, where, rule, err)) != 0 ||
	    (r = load_declarations(jp, p, where, err)) != 0)
		return r;
	HN_FMT_FIXED(f, sizeof(f), "%s.events", where);
	events = json_object_get(jp, "events");
	if (events == NULL)
		return 0;
	if (!json_is_array(events))
		return hn_error_set(err, HN_EINVAL, f, NULL, "not an array");
	if (json_array_size(events) > HN_REGISTER_MAX_EVENTS)
		return hn_error_set(err, HN_ETOOBIG, f, NULL,
		    "more than %d events", HN_REGISTER_MAX_EVENTS);
	if (json_array_size(events) == 0)
		return 0;
	p->events = calloc(json_array_size(events), sizeof(*p->events));
	if (p->events == NULL)
		return hn_error_set(err, HN_ENOMEM, f, NULL, "out of memory");
	json_array_foreach(events, j, v)
	{
		if ((r = load_event(v, &p->events[j], where, j, rule, err)) !=
		    0)
			return r;
		p->nevents++;
	}
	return 0;
}

static int
cmp_date(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int32_t
earliest(int32_t cur, int32_t d)
{
	if (d == HN_DATE_NONE)
		return cur;
	return cur == HN_DATE_NONE || d < cur ? d : cur;
}

/* Computes every party's dates under the register's instrument rule. */
static int
compute(struct hn_register *reg, struct hn_error *err)
{
	const struct hn_instrument_rule *rule =
	    hn_instrument_rule(reg->instrument);
	struct hn_party *p;
	int32_t *dates = NULL, own;
	size_t i, j, n = 0;

	assert(rule != NULL); /* hn_register_load parsed the instrument */
	if (reg->nparties > 0 &&
	    (dates = calloc(reg->nparties, sizeof(*dates))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	for (i = 0; i < reg->nparties; i++) {
		p = &reg->parties[i];
		p->signed_on = p->deposited = p->denounced = HN_DATE_NONE;
		p->in_force_from = p->denunciation_effective = HN_DATE_NONE;
		p->instrument = -1;
		for (j = 0; j < p->nevents; j++) {
			const struct hn_event *e = &p->events[j];

			if (e->type == HN_EV_SIGNATURE) {
				p->has_signature = true;
				p->signed_on = earliest(p->signed_on, e->date);
			} else if (e->type == HN_EV_DENUNCIATION) {
				p->denounced = earliest(p->denounced, e->date);
			} else if (is_instrument(e->type) &&
			    e->date != HN_DATE_NONE &&
			    (p->deposited == HN_DATE_NONE ||
				e->date < p->deposited)) {
				/* An undated instrument has no legal effect. */
				p->deposited = e->date;
				p->instrument = (int)e->type;
			}
		}
		if (p->has_signature)
			reg->signatories++;
		/* UNCCC art. 65: a reio's instrument does not count. */
		if (p->deposited != HN_DATE_NONE &&
		    (p->kind == HN_PARTY_STATE || rule->reio_counts))
			dates[n++] = p->deposited;
		if (p->denounced != HN_DATE_NONE)
			p->denunciation_effective =
			    hn_period_apply(rule->denunciation, p->denounced);
	}
	reg->instruments = n;
	reg->threshold_date = reg->entry_into_force = HN_DATE_NONE;
	assert(n <= reg->nparties);
	if (n >= rule->threshold) {
		/* Several deposits on one day: the date is what matters. */
		qsort(dates, n, sizeof(*dates), cmp_date);
		reg->threshold_date = dates[rule->threshold - 1];
		reg->entry_into_force =
		    hn_period_apply(rule->general, reg->threshold_date);
	}
	free(dates);
	if (reg->entry_into_force == HN_DATE_NONE)
		return 0;
	for (i = 0; i < reg->nparties; i++) {
		p = &reg->parties[i];
		if (p->deposited == HN_DATE_NONE)
			continue;
		/* Art. 65: before or on the 40th: the general date; later:
		 * 30 days after deposit or the general date, the later. */
		if (p->deposited <= reg->threshold_date) {
			p->in_force_from = reg->entry_into_force;
		} else {
			own = hn_period_apply(rule->party, p->deposited);
			p->in_force_from = own > reg->entry_into_force ?
			    own :
			    reg->entry_into_force;
		}
		/* no party is bound before the instrument itself */
		assert(p->in_force_from >= reg->entry_into_force);
	}
	return 0;
}

int
hn_register_load(const char *json, size_t len, struct hn_register **out,
    struct hn_error *err)
{
	struct hn_register *reg = NULL;
	json_t *root = NULL, *parties, *jp;
	const json_t *v;
	size_t i, k;
	struct hn_error local;
	int r = 0;

	*out = NULL;
	if (err == NULL)
		err = &local;
	hn_error_clear(err);
	root = hn_json_parse(json, len, HN_REGISTER_MAX_BYTES,
	    HN_JSON_MAX_DEPTH, err);
	if (root == NULL)
		return err->code;
	if (!json_is_object(root)) {
		r = hn_error_set(err, HN_EINVAL, "(root)", NULL,
		    "not a JSON object");
		goto out;
	}
	if ((reg = calloc(1, sizeof(*reg))) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	reg->instrument = HN_INSTR_UNCCC;
	v = json_object_get(root, "instrument");
	if (v != NULL &&
	    hn_instrument_parse(json_string_value(v), &reg->instrument) != 0) {
		r = hn_error_set(err, HN_EINVAL, "instrument", NULL,
		    "must be \"unccc\" or \"budapest\"");
		goto out;
	}
	parties = json_object_get(root, "parties");
	if (!json_is_array(parties)) {
		r = hn_error_set(err, HN_EINVAL, "parties", NULL,
		    "required array missing");
		goto out;
	}
	if (json_array_size(parties) > HN_REGISTER_MAX_PARTIES) {
		r = hn_error_set(err, HN_ETOOBIG, "parties", NULL,
		    "more than %d parties", HN_REGISTER_MAX_PARTIES);
		goto out;
	}
	if (json_array_size(parties) > 0 &&
	    (reg->parties = calloc(json_array_size(parties),
		 sizeof(*reg->parties))) == NULL) {
		r = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	json_array_foreach(parties, i, jp)
	{
		/* Counted first, so that hn_register_free sees its events. */
		reg->nparties++;
		if ((r = load_party(jp, i, &reg->parties[i],
			 &rules[reg->instrument], err)) != 0)
			goto out;
		for (k = 0; k < i; k++)
			if (strcmp(reg->parties[k].code,
				reg->parties[i].code) == 0) {
				char f[64];

				HN_FMT_FIXED(f, sizeof(f),
				    "parties[%zu] "
				    "(%s).code",
				    i, reg->parties[i].code);
				r = hn_error_set(err, HN_EINVAL, f, NULL,
				    "duplicate of parties[%zu]", k);
				goto out;
			}
	}
	if ((r = compute(reg, err)) != 0)
		goto out;
	*out = reg;
	reg = NULL; /* transferred */
out:
	hn_register_free(reg);
	json_decref(root);
	return r;
}

const struct hn_party *
hn_register_find(const struct hn_register *reg, const char *code)
{
	size_t i;

	if (reg == NULL || code == NULL)
		return NULL;
	for (i = 0; i < reg->nparties; i++)
		if (strcmp(reg->parties[i].code, code) == 0)
			return &reg->parties[i];
	return NULL;
}

int
hn_register_decl(const struct hn_register *reg, const char *code,
    struct hn_party_decl *out)
{
	const struct hn_party *p = hn_register_find(reg, code);

	memset(out, 0, sizeof(*out));
	if (p == NULL)
		return HN_ENOTFOUND;
	*out = p->decl;
	return 0;
}

bool
hn_party_in_force(const struct hn_party *p, int32_t date)
{
	/* Art. 65 from its entry into force; art. 67: no longer in force
	 * from the day its denunciation takes effect. */
	return p != NULL && p->in_force_from != HN_DATE_NONE &&
	    date >= p->in_force_from &&
	    (p->denunciation_effective == HN_DATE_NONE ||
		date < p->denunciation_effective);
}

/* Why `code` is not in force on `date`, or NULL if it is. */
static void
party_reason(const struct hn_register *reg, const char *code, int32_t date,
    char *buf, size_t n)
{
	const struct hn_instrument_rule *rule = &rules[reg->instrument];
	const struct hn_party *p = hn_register_find(reg, code);
	char d[HN_DATE_STRLEN];

	buf[0] = '\0';
	if (p == NULL) {
		(void)hn_fmt_cut(buf, n, "%s is not in the register", code);
	} else if (p->deposited == HN_DATE_NONE) {
		(void)hn_fmt_cut(buf, n,
		    "%s has deposited no instrument (art. "
		    "%s)",
		    code, rule->art_entry);
	} else if (date < p->in_force_from) {
		hn_date_format(p->in_force_from, d);
		(void)hn_fmt_cut(buf, n,
		    "it enters into force for %s on %s "
		    "(art. %s)",
		    code, d, rule->art_entry);
	} else if (p->denunciation_effective != HN_DATE_NONE &&
	    date >= p->denunciation_effective) {
		hn_date_format(p->denunciation_effective, d);
		(void)hn_fmt_cut(buf, n,
		    "the denunciation by %s took effect "
		    "on %s (art. %s)",
		    code, d, rule->art_denunciation);
	}
}

int
hn_register_between(const struct hn_register *reg, const char *a, const char *b,
    int32_t date, char *reason, size_t reasonlen)
{
	const struct hn_instrument_rule *rule;
	char d[HN_DATE_STRLEN], d2[HN_DATE_STRLEN], why[160], who[32];
	bool ok;

	assert(reg != NULL && a != NULL && b != NULL);
	assert((unsigned)reg->instrument < HN_INSTR_COUNT_);
	rule = &rules[reg->instrument];

	hn_date_format(date, d);
	why[0] = '\0';
	if (reg->entry_into_force == HN_DATE_NONE) {
		(void)hn_fmt_cut(why, sizeof(why),
		    "fewer than %zu instruments "
		    "deposited (art. %s)",
		    rule->threshold, rule->art_entry);
	} else if (date < reg->entry_into_force) {
		hn_date_format(reg->entry_into_force, d2);
		(void)hn_fmt_cut(why, sizeof(why),
		    "it enters into force on %s "
		    "(art. %s)",
		    d2, rule->art_entry);
	} else {
		party_reason(reg, a, date, why, sizeof(why));
		if (why[0] == '\0')
			party_reason(reg, b, date, why, sizeof(why));
	}
	ok = why[0] == '\0';
	/* "between VNM and FRA", or "for VNM" when asked about one party. */
	if (strcmp(a, b) == 0)
		HN_FMT_FIXED(who, sizeof(who), "for %.3s", a);
	else
		HN_FMT_FIXED(who, sizeof(who), "between %.3s and %.3s", a, b);
	if (ok)
		(void)hn_fmt_cut(reason, reasonlen,
		    "%s (%s) is in force %s on "
		    "%s (art. %s)",
		    rule->title, rule->code, who, d, rule->art_entry);
	else
		(void)hn_fmt_cut(reason, reasonlen,
		    "%s (%s) is not in force "
		    "%s on %s: %s",
		    rule->title, rule->code, who, d, why);
	return ok ? 1 : 0;
}

static bool
declared(const char *const *list, size_t n, const char *code)
{
	size_t i;

	for (i = 0; list != NULL && i < n; i++)
		if (list[i] != NULL && strcmp(list[i], code) == 0)
			return true;
	return false;
}

int
hn_treaty_gate(const struct hn_register *const *regs, size_t nregs,
    const struct hn_partners *partners, const char *a, const char *b,
    int32_t date, enum hn_basis basis, char *reason, size_t reasonlen)
{
	const struct hn_instrument_rule *rule;
	enum hn_instrument want;
	size_t i;
	bool ok;

	switch (basis) {
	case HN_BASIS_UNCCC:
	case HN_BASIS_BUDAPEST:
		want = basis == HN_BASIS_UNCCC ? HN_INSTR_UNCCC :
						 HN_INSTR_BUDAPEST;
		for (i = 0; i < nregs; i++)
			if (regs[i] != NULL && regs[i]->instrument == want)
				return hn_register_between(regs[i], a, b, date,
					   reason, reasonlen) == 1 ?
				    0 :
				    HN_EDENIED;
		rule = &rules[want];
		(void)hn_fmt_cut(reason, reasonlen,
		    "%s (%s) cannot be relied "
		    "on between %s and %s: no register of it is configured",
		    rule->title, rule->code, a, b);
		return HN_EDENIED;
	case HN_BASIS_BILATERAL:
	case HN_BASIS_RECIPROCITY:
		ok = basis == HN_BASIS_BILATERAL ? partners != NULL &&
			declared(partners->bilateral, partners->nbilateral, b) :
						   partners != NULL &&
			declared(partners->reciprocity, partners->nreciprocity,
			    b);
		(void)hn_fmt_cut(reason, reasonlen,
		    "%s (%s) with %s is "
		    "%sdeclared in the configuration of %s's node",
		    basis == HN_BASIS_BILATERAL ? "a bilateral treaty" :
						  "reciprocity",
		    hn_basis_name(basis), b, ok ? "" : "not ", a);
		return ok ? 0 : HN_EDENIED;
	default:
		(void)hn_fmt_cut(reason, reasonlen, "unknown legal basis");
		return HN_EDENIED;
	}
}
