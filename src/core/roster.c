#include "core/roster.h"

#include <string.h>

#include "util/fmt.h"

static const char *const langs[] = { "ar", "en", "es", "fr", "ru", "zh", NULL };
static const char *const days[] = { "mon", "tue", "wed", "thu", "fri", "sat",
	"sun", NULL };

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int
only_keys(const json_t *o, const char *const *keys, const char *prefix,
    struct hn_error *err)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)o, k, v)
	{
		(void)v;
		if (!in_list(k, keys))
			return hn_error_set(err, HN_EVALIDATE, prefix, NULL,
			    "unknown key \"%.40s\"", k);
	}
	return 0;
}

/* "HH:MM" -> minutes of the day (0..1440), -1 if malformed. */
static int
minutes(const char *s)
{
	int h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':' ||
	    strspn(s, "0123456789:") != 5)
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

/* field names fit: indexes are bounded by the list maxima */
#define FIELD(buf, ...) ((void)!hn_fmt(buf, sizeof(buf), __VA_ARGS__))

static int
check_slot(const json_t *s, size_t p, size_t i, struct hn_error *err)
{
	static const char *const keys[] = { "day", "from", "to", NULL };
	const char *day = json_string_value(json_object_get(s, "day"));
	char f[64];
	int a, b, r;

	FIELD(f, "people[%zu].slots[%zu]", p, i);
	if (!json_is_object(s))
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "a slot is an object {day, from, to}");
	if ((r = only_keys(s, keys, f, err)) != 0)
		return r;
	FIELD(f, "people[%zu].slots[%zu].day", p, i);
	if (day == NULL || !in_list(day, days))
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "day is one of mon tue wed thu fri sat sun");
	a = minutes(json_string_value(json_object_get(s, "from")));
	b = minutes(json_string_value(json_object_get(s, "to")));
	FIELD(f, "people[%zu].slots[%zu].from", p, i);
	if (a < 0 || a >= 1440)
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "from is a time HH:MM (00:00 to 23:59)");
	FIELD(f, "people[%zu].slots[%zu].to", p, i);
	if (b < 0 || b <= a)
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "to is a time HH:MM after from (24:00 ends the day)");
	return 0;
}

static int
check_email(const char *e)
{
	const char *at;

	if (e == NULL || strlen(e) > HN_ROSTER_EMAIL_MAX)
		return 0;
	at = strchr(e, '@');
	/* no spaces, controls or angle brackets: it goes into SMTP commands */
	for (const char *c = e; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == '<' || *c == '>' ||
		    *c == 0x7f)
			return 0;
	return at != NULL && at != e && strchr(at + 1, '@') == NULL &&
	    strchr(at + 1, '.') != NULL && at[1] != '.';
}

static int
check_contacts(const json_t *o, const char *f0, struct hn_error *err)
{
	const json_t *w = json_object_get(o, "webhook");
	const char *u = json_string_value(w);
	char f[64];

	FIELD(f, "%s.email", f0);
	if (!check_email(json_string_value(json_object_get(o, "email"))))
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "email is an address name@domain (at most %d bytes)",
		    HN_ROSTER_EMAIL_MAX);
	FIELD(f, "%s.webhook", f0);
	if (w != NULL &&
	    (u == NULL || strncmp(u, "https://", 8) != 0 || strlen(u) < 9 ||
		strlen(u) > HN_ROSTER_URL_MAX || strpbrk(u, " \r\n\t") != NULL))
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "webhook is an https:// URL of at most %d bytes",
		    HN_ROSTER_URL_MAX);
	return 0;
}

static int
check_person(const json_t *o, size_t p, struct hn_error *err)
{
	static const char *const keys[] = { "name", "lang", "email", "webhook",
		"order", "supervisor", "slots", NULL };
	const char *name = json_string_value(json_object_get(o, "name"));
	const char *lang = json_string_value(json_object_get(o, "lang"));
	const json_t *ord = json_object_get(o, "order");
	const json_t *sup = json_object_get(o, "supervisor");
	const json_t *slots = json_object_get(o, "slots"), *s;
	char f0[32], f[64];
	size_t i;
	int r;

	FIELD(f0, "people[%zu]", p);
	if (!json_is_object(o))
		return hn_error_set(err, HN_EVALIDATE, f0, NULL,
		    "a person is an object");
	if ((r = only_keys(o, keys, f0, err)) != 0)
		return r;
	FIELD(f, "%s.name", f0);
	if (name == NULL || name[0] == '\0' ||
	    strlen(name) >= HN_ROSTER_NAME_MAX)
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "name is 1 to %d bytes", HN_ROSTER_NAME_MAX - 1);
	FIELD(f, "%s.lang", f0);
	if (lang == NULL || !in_list(lang, langs))
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "lang is one of ar en es fr ru zh");
	if ((r = check_contacts(o, f0, err)) != 0)
		return r;
	FIELD(f, "%s.order", f0);
	if (!json_is_integer(ord) || json_integer_value(ord) < 1 ||
	    json_integer_value(ord) > HN_ROSTER_PEOPLE_MAX)
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "order is an integer 1 to %d (1 is alerted first)",
		    HN_ROSTER_PEOPLE_MAX);
	FIELD(f, "%s.supervisor", f0);
	if (sup != NULL && !json_is_boolean(sup))
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "supervisor is true or false");
	FIELD(f, "%s.slots", f0);
	if (!json_is_array(slots) || json_array_size(slots) == 0 ||
	    json_array_size(slots) > HN_ROSTER_SLOTS_MAX)
		return hn_error_set(err, HN_EVALIDATE, f, NULL,
		    "slots is a list of 1 to %d weekly slots",
		    HN_ROSTER_SLOTS_MAX);
	json_array_foreach(slots, i, s)
	{
		if ((r = check_slot(s, p, i, err)) != 0)
			return r;
	}
	return 0;
}

int
hn_roster_validate(const json_t *doc, struct hn_error *err)
{
	static const char *const keys[] = { "zone", "people", NULL };
	const json_t *people = json_object_get(doc, "people"), *p;
	const char *zone = json_string_value(json_object_get(doc, "zone"));
	size_t i;
	int r;

	if (!json_is_object(doc))
		return hn_error_set(err, HN_EVALIDATE, "", NULL,
		    "the roster is a JSON object");
	if ((r = only_keys(doc, keys, "", err)) != 0)
		return r;
	/* weekly slots are read in UTC: one zone, no daylight-saving gaps */
	if (json_object_get(doc, "zone") != NULL &&
	    (zone == NULL || strcmp(zone, "UTC") != 0))
		return hn_error_set(err, HN_EVALIDATE, "zone", NULL,
		    "zone is \"UTC\" (slots are weekly UTC times)");
	if (!json_is_array(people) ||
	    json_array_size(people) > HN_ROSTER_PEOPLE_MAX)
		return hn_error_set(err, HN_EVALIDATE, "people", NULL,
		    "people is a list of at most %d people",
		    HN_ROSTER_PEOPLE_MAX);
	json_array_foreach(people, i, p)
	{
		if ((r = check_person(p, i, err)) != 0)
			return r;
	}
	return 0;
}
