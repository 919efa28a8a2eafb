#include "core/request.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/grounds.h"
#include "core/protocol.h"
#include "util/fmt.h"
#include "util/json.h"

#define TEXT HN_REQUEST_MAX_TEXT
#define SHORT 1024
#define ITEMS HN_REQUEST_MAX_ITEMS
#define END \
	{ \
		NULL, 0, false, 0, NULL, NULL, NULL \
	}

/* Fields every kind has (the header of a request). */
#define HEAD(art) \
	{ "kind", HN_FT_KIND, true, 32, NULL, NULL, "the request kind" }, \
	    { "from", HN_FT_PARTY, true, 3, art, NULL, \
		    "the requesting party (ISO 3166-1 alpha-3)" }, \
	    { "to", HN_FT_PARTY, true, 3, art, NULL, \
		    "the requested party (ISO 3166-1 alpha-3)" }, \
	    { "legal_basis", HN_FT_BASIS, false, 16, NULL, NULL, \
		    "unccc (default), budapest, bilateral or reciprocity" }, \
	{ \
		"language", HN_FT_LANG, false, HN_LANGTAG_MAX, "40", NULL, \
		    "the language it is written in: one the requested party accepts" \
	}

/*
 * Fields every kind may have at the end. Art. 40: the requested party
 * executes "taking account of deadlines the requester explains", so a
 * stated deadline needs its reason.
 */
#define TAIL \
	{ "reference", HN_FT_TEXT, false, 128, NULL, NULL, \
		"the requester's own file number" }, \
	    { "deadline", HN_FT_TIME, false, 20, "40", NULL, \
		    "execute by this time (UTC), if the requester needs it" }, \
	{ \
		"deadline_reason", HN_FT_TEXT, false, TEXT, "40", NULL, \
		    "why the deadline matters (required with a deadline)" \
	}

/* Art. 42 (c): the data to preserve and how it relates to the offence. */
static const struct hn_field items_42[] = { { "description", HN_FT_TEXT, true,
						TEXT, "42 (c)", NULL,
						"the stored data to preserve" },
	{ "relation_to_offence", HN_FT_TEXT, true, TEXT, "42 (c)", NULL,
	    "how the data relates to the offence" },
	END };

static const struct hn_field items_43[] = {
	{ "description", HN_FT_TEXT, true, TEXT, "43", NULL,
	    "the preserved traffic data concerned" },
	{ "relation_to_offence", HN_FT_TEXT, true, TEXT, "43", NULL,
	    "how the data relates to the offence" },
	END
};

static const struct hn_field items_44[] = {
	{ "description", HN_FT_TEXT, true, TEXT, "44", NULL,
	    "the stored data to search, seize or disclose" },
	{ "relation_to_offence", HN_FT_TEXT, true, TEXT, "44", NULL,
	    "how the data relates to the offence" },
	END
};

static const struct hn_field items_41[] = {
	{ "description", HN_FT_TEXT, true, TEXT, "41", NULL,
	    "the data needed to avert the emergency" },
	{ "relation_to_offence", HN_FT_TEXT, false, TEXT, "41", NULL,
	    "how the data relates to the emergency or an offence" },
	END
};

/* Art. 42 (a)-(g): the fields of a preservation request (fixed names). */
static const struct hn_field f_preservation[] = { HEAD("42"),
	{ "requesting_authority", HN_FT_TEXT, true, SHORT, "42 (a)", NULL,
	    "the authority seeking preservation" },
	{ "offence", HN_FT_TEXT, true, TEXT, "42 (b)", NULL,
	    "the offence under investigation or prosecution" },
	{ "proceedings", HN_FT_TEXT, true, TEXT, "42 (b)", NULL,
	    "the criminal proceedings concerned" },
	{ "facts", HN_FT_TEXT, true, TEXT, "42 (b)", NULL,
	    "a brief summary of the related facts" },
	{ "convention_offence", HN_FT_BOOL, false, 0, "42", NULL,
	    "the offence is one established under the Convention (UNCCC "
	    "arts. 7-17, Budapest arts. 2-11): no dual-criminality refusal" },
	{ "data", HN_FT_ITEMS, true, ITEMS, "42 (c)", items_42,
	    "the stored data to preserve" },
	/* Art. 42 (d): "any available information" - possibly none. */
	{ "custodian", HN_FT_TEXT, false, TEXT, "42 (d)", NULL,
	    "any available information identifying the custodian" },
	{ "system_location", HN_FT_TEXT, false, TEXT, "42 (d)", NULL,
	    "any available information on the location of the system" },
	{ "necessity", HN_FT_TEXT, true, TEXT, "42 (e)", NULL,
	    "why preservation is necessary" },
	{ "mla_to_follow", HN_FT_TRUE, true, 0, "42 (f)", NULL,
	    "a mutual assistance request will follow (must be true)" },
	{ "confidential", HN_FT_BOOL, false, 0, "42 (g)", NULL,
	    "keep the request confidential; do not notify the user" },
	TAIL, END };

/* Art. 43: expedited disclosure of preserved traffic data. */
static const struct hn_field f_traffic[] = { HEAD("43"),
	{ "requesting_authority", HN_FT_TEXT, true, SHORT, "43", NULL,
	    "the authority requesting disclosure" },
	/* Art. 43: a disclosure arises from the execution of a preservation
	 * (Budapest 30(1): "a request made pursuant to Article 29"). */
	{ "preservation_reference", HN_FT_TEXT, true, 128, "43", NULL,
	    "the preservation request (art. 42) this disclosure arises from" },
	{ "offence", HN_FT_TEXT, true, TEXT, "43", NULL,
	    "the offence under investigation" },
	{ "facts", HN_FT_TEXT, true, TEXT, "43", NULL,
	    "a brief summary of the facts" },
	{ "data", HN_FT_ITEMS, true, ITEMS, "43", items_43,
	    "the preserved traffic data concerned" },
	{ "purpose", HN_FT_TEXT, true, TEXT, "43", NULL,
	    "identify the service providers and the path of the "
	    "communication" },
	{ "confidential", HN_FT_BOOL, false, 0, "40", NULL,
	    "keep the request confidential" },
	TAIL, END };

/* Art. 44 (content per art. 40 (a)-(g)): stored data. */
static const struct hn_field f_stored[] = { HEAD("44"),
	{ "requesting_authority", HN_FT_TEXT, true, SHORT, "40 (a)", NULL,
	    "the authority making the request" },
	{ "offence", HN_FT_TEXT, true, TEXT, "40 (b)", NULL,
	    "the offence concerned" },
	{ "proceedings", HN_FT_TEXT, true, TEXT, "40 (b)", NULL,
	    "subject and nature of the proceedings, and who conducts them" },
	{ "facts", HN_FT_TEXT, true, TEXT, "40 (c)", NULL,
	    "a summary of the relevant facts" },
	{ "assistance_sought", HN_FT_TEXT, true, TEXT, "40 (d)", NULL,
	    "search, access, seizure or disclosure sought" },
	{ "procedure", HN_FT_TEXT, false, TEXT, "40 (d)", NULL,
	    "any particular procedure wished" },
	{ "persons", HN_FT_TEXT, false, TEXT, "40 (e)", NULL,
	    "identity, location and nationality of any person concerned" },
	{ "purpose", HN_FT_TEXT, true, TEXT, "40 (f)", NULL,
	    "the purpose of the evidence, information or action" },
	{ "period", HN_FT_TEXT, false, SHORT, "40 (g)", NULL,
	    "the period concerned by the data" },
	{ "data", HN_FT_ITEMS, true, ITEMS, "44", items_44,
	    "the stored data sought" },
	{ "custodian", HN_FT_TEXT, false, TEXT, "44", NULL,
	    "what is known of the custodian" },
	{ "system_location", HN_FT_TEXT, false, TEXT, "44", NULL,
	    "the location of the computer system" },
	{ "preservation_reference", HN_FT_TEXT, false, 128, "44", NULL,
	    "the preservation request (art. 42) this follows" },
	{ "expedited", HN_FT_BOOL, false, 0, "44", NULL,
	    "the data is at risk of loss or modification" },
	{ "confidential", HN_FT_BOOL, false, 0, "40", NULL,
	    "keep the request confidential" },
	TAIL, END };

/* Arts. 45 and 46 also state the collection period and why it is needed. */
#define COLLECTION(art) \
	HEAD(art), \
	    { "requesting_authority", HN_FT_TEXT, true, SHORT, "40 (a)", NULL, \
		    "the authority making the request" }, \
	    { "offence", HN_FT_TEXT, true, TEXT, "40 (b)", NULL, \
		    "the offence concerned" }, \
	    { "proceedings", HN_FT_TEXT, true, TEXT, "40 (b)", NULL, \
		    "subject and nature of the proceedings, and who conducts them" }, \
	    { "facts", HN_FT_TEXT, true, TEXT, "40 (c)", NULL, \
		    "a summary of the relevant facts" }, \
	    { "target", HN_FT_TEXT, true, TEXT, art, NULL, \
		    "the communications, accounts or identifiers concerned" }, \
	    { "persons", HN_FT_TEXT, false, TEXT, "40 (e)", NULL, \
		    "identity, location and nationality of any person concerned" }, \
	    { "purpose", HN_FT_TEXT, true, TEXT, "40 (f)", NULL, \
		    "the purpose of the collection" }, \
	    { "period", HN_FT_TEXT, true, SHORT, art, NULL, \
		    "the period of collection" }, \
	    { "necessity", HN_FT_TEXT, true, TEXT, art, NULL, \
		    "why the collection is needed" }, \
	    { "custodian", HN_FT_TEXT, false, TEXT, art, NULL, \
		    "the service provider concerned" }, \
	    { "confidential", HN_FT_BOOL, false, 0, "40", NULL, \
		    "keep the request confidential" }, \
	    TAIL, END

static const struct hn_field f_realtime[] = { COLLECTION("45") };
static const struct hn_field f_interception[] = { COLLECTION("46") };

/* Art. 41: data to avert a significant and imminent risk to life or
 * safety, through the 24/7 network. */
static const struct hn_field f_emergency[] = { HEAD("41"),
	{ "requesting_authority", HN_FT_TEXT, true, SHORT, "41", NULL,
	    "the authority making the request" },
	{ "emergency", HN_FT_TEXT, true, TEXT, "41", NULL,
	    "the significant and imminent risk to the life or safety of a "
	    "person" },
	{ "facts", HN_FT_TEXT, true, TEXT, "41", NULL,
	    "a summary of the facts" },
	{ "data", HN_FT_ITEMS, true, ITEMS, "41", items_41,
	    "the data needed to avert the emergency" },
	{ "offence", HN_FT_TEXT, false, TEXT, "41", NULL,
	    "the offence concerned, if any" },
	{ "custodian", HN_FT_TEXT, false, TEXT, "41", NULL,
	    "what is known of the custodian" },
	{ "system_location", HN_FT_TEXT, false, TEXT, "41", NULL,
	    "the location of the computer system" },
	{ "confidential", HN_FT_BOOL, false, 0, "40", NULL,
	    "keep the request confidential" },
	TAIL, END };

/* Art. 40 (a)-(g): any other mutual legal assistance. */
static const struct hn_field f_mla[] = { HEAD("40"),
	{ "requesting_authority", HN_FT_TEXT, true, SHORT, "40 (a)", NULL,
	    "the authority making the request" },
	{ "proceedings", HN_FT_TEXT, true, TEXT, "40 (b)", NULL,
	    "subject and nature of the proceedings, and who conducts them" },
	{ "offence", HN_FT_TEXT, false, TEXT, "40 (b)", NULL,
	    "the offence concerned" },
	{ "facts", HN_FT_TEXT, true, TEXT, "40 (c)", NULL,
	    "a summary of the relevant facts" },
	{ "assistance_sought", HN_FT_TEXT, true, TEXT, "40 (d)", NULL,
	    "the assistance sought" },
	{ "procedure", HN_FT_TEXT, false, TEXT, "40 (d)", NULL,
	    "any particular procedure wished" },
	{ "persons", HN_FT_TEXT, false, TEXT, "40 (e)", NULL,
	    "identity, location and nationality of any person concerned" },
	{ "purpose", HN_FT_TEXT, true, TEXT, "40 (f)", NULL,
	    "the purpose of the evidence, information or action" },
	{ "period", HN_FT_TEXT, false, SHORT, "40 (g)", NULL,
	    "for electronic data, the period concerned" },
	{ "confidential", HN_FT_BOOL, false, 0, "40", NULL,
	    "keep the request confidential" },
	TAIL, END };

const struct hn_kind hn_kinds[] = { { "preservation", "42",
					"Expedited preservation of stored data",
					f_preservation, true, false, true },
	{ "traffic_disclosure", "43",
	    "Expedited disclosure of preserved traffic data", f_traffic, true,
	    false, false },
	{ "stored_data", "44", "Mutual assistance: stored electronic data",
	    f_stored, false, false, false },
	{ "realtime_traffic", "45", "Real-time collection of traffic data",
	    f_realtime, false, false, false },
	{ "interception", "46", "Interception of content data", f_interception,
	    false, false, false },
	{ "emergency", "41", "Data to avert an emergency (24/7 network)",
	    f_emergency, true, true, false },
	{ "mla", "40", "Mutual legal assistance (any other)", f_mla, false,
	    false, false },
	{ NULL, NULL, NULL, NULL, false, false, false } };

static const char *const ftype_names[] = { "text", "party", "bool", "true",
	"legal_basis", "kind", "time", "list", "language" };

const char *
hn_ftype_name(enum hn_ftype t)
{
	return (unsigned)t < sizeof(ftype_names) / sizeof(ftype_names[0]) ?
	    ftype_names[t] :
	    "?";
}

const struct hn_kind *
hn_kind_find(const char *name)
{
	const struct hn_kind *k;

	for (k = hn_kinds; name != NULL && k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static const struct hn_field *
field_in(const struct hn_field *fs, const char *name)
{
	for (; fs->name != NULL; fs++)
		if (strcmp(fs->name, name) == 0)
			return fs;
	return NULL;
}

const struct hn_field *
hn_kind_field(const struct hn_kind *k, const char *name)
{
	return k != NULL && name != NULL ? field_in(k->fields, name) : NULL;
}

void
hn_problems_init(struct hn_problems *ps)
{
	/* only p[0..n) is ever read: not the 20 KiB of the array (this
	 * memset was a visible share of every POST /v1/requests) */
	ps->n = 0;
	ps->truncated = false;
}

static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void
hn_problems_add(struct hn_problems *ps, const char *field, const char *article,
    const char *fmt, ...)
{
	struct hn_problem *p;
	va_list ap;

	assert(ps != NULL && field != NULL && fmt != NULL);
	assert(ps->n <= HN_PROBLEMS_MAX);
	if (ps->n >= HN_PROBLEMS_MAX) {
		ps->truncated = true;
		return;
	}
	p = &ps->p[ps->n++];
	/*
	 * A report is cut, never refused (like err.h). The validator's own
	 * field paths were checked where they were built (check_object).
	 */
	(void)hn_fmt_cut(p->field, sizeof(p->field), "%s", field);
	(void)hn_fmt_cut(p->article, sizeof(p->article), "%s",
	    article != NULL ? article : "");
	va_start(ap, fmt);
	(void)hn_vfmt_cut(p->message, sizeof(p->message), fmt, ap);
	va_end(ap);
	/* One problem is one line: no control characters from the input. */
	sanitize(p->field);
	sanitize(p->message);
}

void
hn_problem_format(const struct hn_problem *p, char *buf, size_t n)
{
	if (p->article[0] != '\0')
		(void)hn_fmt_cut(buf, n, "%s: %s (art. %s)", p->field,
		    p->message, p->article);
	else
		(void)hn_fmt_cut(buf, n, "%s: %s", p->field, p->message);
}

static bool
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static bool
party_code(const char *s)
{
	return s != NULL && strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' &&
	    s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z';
}

/* The primary subtags of two tags are the same (ASCII, no case). */
static bool
same_language(const char *a, const char *b)
{
	for (; *a != '\0' && *a != '-' && *b != '\0' && *b != '-'; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return false;
	return (*a == '\0' || *a == '-') && (*b == '\0' || *b == '-');
}

int
hn_request_language_check(const json_t *req, const char *to,
    const char *const *accepted, size_t n, char *reason, size_t reasonlen)
{
	const char *lang = json_string_value(json_object_get(req, "language"));
	size_t i, off = 0;

	if (lang == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (same_language(lang, accepted[i]))
			return 0;
	if (reasonlen == 0)
		return HN_EDENIED;
	/* Human text: a list too long for the buffer ends at a whole tag. */
	reason[0] = '\0';
	if (hn_fmt_add(reason, reasonlen, &off, "%s accepts requests in ",
		to) == 0)
		for (i = 0; i < n; i++)
			if (hn_fmt_add(reason, reasonlen, &off, "%s%s",
				i ? ", " : "", accepted[i]) != 0)
				break;
	(void)hn_fmt_cut(reason + off, reasonlen - off,
	    "%s; this request is "
	    "in %s (art. 40)",
	    n ? "" : "no language listed", lang);
	return HN_EDENIED;
}

long
hn_text_unsafe(const char *s, size_t len, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	unsigned c;

	while (i < len) {
		c = u[i];
		if (c < 0x80)
			n = 1;
		else if ((c & 0xe0) == 0xc0)
			n = 2, c &= 0x1f;
		else if ((c & 0xf0) == 0xe0)
			n = 3, c &= 0x0f;
		else
			n = 4, c &= 0x07;
		if (i + n > len)
			n = len - i;
		for (size_t k = 1; k < n; k++)
			c = (c << 6) | (u[i + k] & 0x3f);
		/* CR only as the first half of CRLF (a line break from some
		 * clients); alone it can overwrite a line on a terminal */
		if (c == '\r' && i + 1 < len && u[i + 1] == '\n') {
			i++;
			continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\n') ||
		    (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069)) {
			*cp = c;
			return (long)i;
		}
		i += n;
	}
	return -1;
}

#define TEXT_DEPTH_MAX 16

static int
text_walk(const json_t *v, char *path, size_t max, int depth,
    struct hn_error *err)
{
	const char *key;
	const json_t *e;
	size_t i, at = strlen(path);
	unsigned cp;
	long off;
	int r;

	if (depth > TEXT_DEPTH_MAX)
		return hn_error_set(err, HN_EVALIDATE, path, NULL,
		    "nested too deep");
	if (json_is_string(v)) {
		off = hn_text_unsafe(json_string_value(v),
		    json_string_length(v), &cp);
		if (off < 0)
			return 0;
		return hn_error_set(err, HN_EVALIDATE, path, NULL,
		    "holds a control or bidirectional-override character "
		    "(U+%04X at byte %ld), which could hide or reorder what "
		    "an officer reads",
		    cp, off);
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
		{
			if (hn_fmt(path + at, max - at, "[%zu]", i) != 0)
				return hn_error_set(err, HN_EVALIDATE, path,
				    NULL, "nested too deep to name");
			if ((r = text_walk(e, path, max, depth + 1, err)) != 0)
				return r;
			path[at] = '\0';
		}
		return 0;
	}
	json_object_foreach((json_t *)v, key, e)
	{
		if (hn_text_unsafe(key, strlen(key), &cp) >= 0)
			return hn_error_set(err, HN_EVALIDATE, path, NULL,
			    "a member name holds a control or "
			    "bidirectional-override character (U+%04X)",
			    cp);
		if (hn_fmt(path + at, max - at, "%s%.64s", at ? "." : "",
			key) != 0)
			return hn_error_set(err, HN_EVALIDATE, path, NULL,
			    "nested too deep to name");
		if ((r = text_walk(e, path, max, depth + 1, err)) != 0)
			return r;
		path[at] = '\0';
	}
	return 0;
}

int
hn_text_check(const json_t *v, const char *prefix, struct hn_error *err)
{
	char path[HN_PROBLEM_FIELD_MAX];

	if (v == NULL)
		return 0;
	if (hn_fmt(path, sizeof(path), "%s", prefix) != 0)
		return hn_error_set(err, HN_EVALIDATE, NULL, NULL,
		    "field name too long");
	return text_walk(v, path, sizeof(path), 0, err);
}

static void check_object(const json_t *obj, const struct hn_field *fs,
    const char *prefix, struct hn_problems *ps);

static void
check_field(const json_t *v, const struct hn_field *f, const char *path,
    struct hn_problems *ps)
{
	const char *s = json_string_value(v);
	enum hn_basis b;
	int64_t t;
	char sub[HN_PROBLEM_FIELD_MAX];
	const json_t *e;
	unsigned cp;
	long off;
	size_t i;

	switch (f->type) {
	case HN_FT_TEXT:
		if (s == NULL)
			hn_problems_add(ps, path, f->article,
			    "must be a string");
		else if (json_string_length(v) > f->max)
			hn_problems_add(ps, path, f->article,
			    "longer than %zu bytes", f->max);
		else if (blank(s) && f->required)
			hn_problems_add(ps, path, f->article, "required");
		else if ((off = hn_text_unsafe(s, json_string_length(v),
			      &cp)) >= 0)
			hn_problems_add(ps, path, f->article,
			    "holds a control or bidirectional-override "
			    "character (U+%04X at byte %ld), which could hide "
			    "or reorder what an officer reads",
			    cp, off);
		break;
	case HN_FT_PARTY:
		if (!party_code(s))
			hn_problems_add(ps, path, f->article,
			    "must be three capital letters, e.g. VNM");
		break;
	case HN_FT_BOOL:
		if (!json_is_boolean(v))
			hn_problems_add(ps, path, f->article,
			    "must be true or false");
		break;
	case HN_FT_TRUE:
		if (!json_is_true(v))
			hn_problems_add(ps, path, f->article, "must be true");
		break;
	case HN_FT_BASIS:
		if (hn_basis_parse(s, &b) != 0)
			hn_problems_add(ps, path, f->article,
			    "must be unccc, "
			    "budapest, bilateral or reciprocity");
		break;
	case HN_FT_KIND:
		if (hn_kind_find(s) == NULL)
			hn_problems_add(ps, path, f->article, "unknown kind");
		break;
	case HN_FT_TIME:
		if (hn_datetime_parse(s, &t) != 0)
			hn_problems_add(ps, path, f->article,
			    "must be a UTC time YYYY-MM-DDTHH:MM:SSZ");
		break;
	case HN_FT_LANG:
		if (!hn_langtag_valid(s))
			hn_problems_add(ps, path, f->article,
			    "must be a language tag, e.g. fr or es-419");
		break;
	case HN_FT_ITEMS:
		if (!json_is_array(v)) {
			hn_problems_add(ps, path, f->article, "must be a list");
			break;
		}
		if (json_array_size(v) == 0 && f->required)
			hn_problems_add(ps, path, f->article, "required");
		if (json_array_size(v) > f->max) {
			hn_problems_add(ps, path, f->article,
			    "more than %zu entries", f->max);
			break;
		}
		json_array_foreach(v, i, e)
		{
			/* Paths are short: table names, indexes < max. */
			if (hn_fmt(sub, sizeof(sub), "%s[%zu]", path, i) != 0) {
				hn_problems_add(ps, path, f->article,
				    "nested too deep to name");
				break;
			}
			if (!json_is_object(e))
				hn_problems_add(ps, sub, f->article,
				    "must be an object");
			else
				check_object(e, f->items, sub, ps);
		}
		break;
	}
}

static void
check_object(const json_t *obj, const struct hn_field *fs, const char *prefix,
    struct hn_problems *ps)
{
	const struct hn_field *f;
	const char *key;
	const json_t *v;
	char path[HN_PROBLEM_FIELD_MAX];

	for (f = fs; f->name != NULL; f++) {
		v = json_object_get(obj, f->name);
		if (hn_fmt(path, sizeof(path), "%s%s%s", prefix,
			*prefix ? "." : "", f->name) != 0) {
			hn_problems_add(ps, prefix, f->article,
			    "nested too deep to name");
			continue;
		}
		if (v == NULL || json_is_null(v)) {
			if (f->required)
				hn_problems_add(ps, path, f->article,
				    "required");
			continue;
		}
		check_field(v, f, path, ps);
	}
	/* A typo must not pass: every member must be a known field. */
	json_object_foreach((json_t *)obj, key, v)
	{
		if (field_in(fs, key) != NULL)
			continue;
		if (hn_fmt(path, sizeof(path), "%s%s%.64s", prefix,
			*prefix ? "." : "", key) != 0)
			hn_problems_add(ps, prefix, NULL,
			    "unknown field (name too long to show)");
		else
			hn_problems_add(ps, path, NULL, "unknown field");
	}
}

static bool
present(const json_t *req, const char *name)
{
	const json_t *v = json_object_get(req, name);

	return v != NULL && !json_is_null(v);
}

int
hn_request_validate(const json_t *req, struct hn_problems *out)
{
	const struct hn_kind *k;
	const json_t *kv;
	size_t before = out->n;

	if (!json_is_object(req)) {
		hn_problems_add(out, "(document)", NULL, "not a JSON object");
		return HN_EVALIDATE;
	}
	kv = json_object_get(req, "kind");
	if (kv == NULL || json_is_null(kv)) {
		hn_problems_add(out, "kind", NULL, "required");
		return HN_EVALIDATE;
	}
	if ((k = hn_kind_find(json_string_value(kv))) == NULL) {
		hn_problems_add(out, "kind", NULL,
		    "unknown kind (preservation, "
		    "traffic_disclosure, stored_data, realtime_traffic, "
		    "interception, emergency or mla)");
		return HN_EVALIDATE;
	}
	check_object(req, k->fields, "", out);
	/* Cooperation is between two parties. */
	if (party_code(hn_json_str(req, "from")) &&
	    party_code(hn_json_str(req, "to")) &&
	    strcmp(hn_json_str(req, "from"), hn_json_str(req, "to")) == 0)
		hn_problems_add(out, "to", k->article,
		    "must differ from `from`");
	/* Art. 40: a stated deadline comes with its reason. */
	if (present(req, "deadline") && !present(req, "deadline_reason"))
		hn_problems_add(out, "deadline_reason", "40",
		    "required when a deadline is stated");
	return out->n > before || out->truncated ? HN_EVALIDATE : 0;
}

int
hn_request_parse(const char *text, size_t len, json_t **out,
    struct hn_problems *problems)
{
	struct hn_error err;
	json_t *req;

	*out = NULL;
	hn_error_clear(&err);
	req = hn_json_parse(text, len, HN_REQUEST_MAX_BYTES,
	    HN_REQUEST_MAX_DEPTH, &err);
	if (req == NULL) {
		hn_problems_add(problems, "(document)", NULL, "%s",
		    err.message);
		return HN_EVALIDATE;
	}
	if (hn_request_validate(req, problems) != 0) {
		json_decref(req);
		return HN_EVALIDATE;
	}
	*out = req;
	return 0;
}

int
hn_request_basis(const json_t *req, enum hn_basis *out)
{
	const json_t *v = json_object_get(req, "legal_basis");

	if (v == NULL || json_is_null(v)) {
		*out = HN_BASIS_UNCCC;
		return 0;
	}
	return hn_basis_parse(json_string_value(v), out);
}

static json_t *
fields_json(const struct hn_field *fs)
{
	json_t *arr = json_array(), *o;
	const struct hn_field *f;

	if (arr == NULL)
		return NULL;
	for (f = fs; f->name != NULL; f++) {
		o = json_pack("{s:s, s:s, s:b, s:I, s:s?, s:s?}", "name",
		    f->name, "type", hn_ftype_name(f->type), "required",
		    f->required, "max", (json_int_t)f->max, "article",
		    f->article, "help", f->help);
		if (o == NULL || json_array_append_new(arr, o) != 0)
			goto fail;
		if (f->items != NULL &&
		    json_object_set_new(o, "items", fields_json(f->items)) != 0)
			goto fail;
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

static json_t *
transitions_json(const struct hn_kind *k)
{
	const struct hn_protocol *p = hn_protocol_for(k);
	char cite[HN_CITATION_MAX];
	json_t *arr = json_array(), *o, *needs;
	size_t i, j;

	for (i = 0; arr != NULL && p != NULL && i < p->nrows; i++) {
		const struct hn_proto_row *t = &p->rows[i];

		needs = json_array();
		if (needs != NULL && t->cause == HN_BY_USER &&
		    (t->roles & HN_PR_OFFICERS) == HN_PR_SUPERVISOR)
			json_array_append_new(needs, json_string("supervisor"));
		for (j = 0; needs != NULL && hn_need_names[j] != NULL; j++)
			if (t->needs & (1u << j))
				json_array_append_new(needs,
				    json_string(hn_need_names[j]));
		o = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, "
			      "s:o*}",
		    "side", hn_side_name(t->side), "from",
		    hn_state_name(t->from), "to", hn_state_name(t->to), "cause",
		    hn_cause_name(t->cause), "on", t->on, "sends", t->sends,
		    "article", t->cite != NULL ? t->cite->article : NULL,
		    "citation",
		    t->cite != NULL ?
			hn_citation_format(t->cite, cite, sizeof(cite)) :
			NULL,
		    "needs", needs);
		if (o == NULL || json_object_get(o, "needs") == NULL ||
		    json_array_append_new(arr, o) != 0) {
			json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *
hn_kinds_json(void)
{
	const struct hn_kind *k;
	json_t *root, *kinds, *o, *arr;
	int st;

	root = json_pack("{s:{s:I, s:I, s:i, s:i}, s:[], s:[], s:o*}", "limits",
	    "request_bytes", (json_int_t)HN_REQUEST_MAX_BYTES, "text_bytes",
	    (json_int_t)HN_REQUEST_MAX_TEXT, "depth", HN_REQUEST_MAX_DEPTH,
	    "items", HN_REQUEST_MAX_ITEMS, "kinds", "states", "grounds",
	    hn_grounds_json());
	if (root == NULL)
		return NULL;
	if (json_object_get(root, "grounds") == NULL)
		goto fail;
	kinds = json_object_get(root, "kinds");
	for (k = hn_kinds; k->name != NULL; k++) {
		/* "one_of" stays for clients that read it: no kind has such a
		 * group since art. 42 (d) asks only for available
		 * information. */
		o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:[], s:o*, "
			      "s:o*}",
		    "name", k->name, "article", k->article, "title", k->title,
		    "via_247", k->via_247, "emergency", k->emergency,
		    "preservation", k->preservation, "one_of", "fields",
		    fields_json(k->fields), "transitions", transitions_json(k));
		if (o == NULL || json_object_get(o, "fields") == NULL ||
		    json_object_get(o, "transitions") == NULL) {
			json_decref(o);
			goto fail;
		}
		if (json_array_append_new(kinds, o) != 0)
			goto fail;
	}
	arr = json_object_get(root, "states");
	for (st = 0; st < HN_ST_NONE; st++)
		if (json_array_append_new(arr,
			json_string(hn_state_name(st))) != 0)
			goto fail;
	return root;
fail:
	json_decref(root);
	return NULL;
}

int
hn_request_gate(const json_t *req, const struct hn_register *const *regs,
    size_t nregs, const struct hn_partners *partners, const char *self,
    int32_t date, char *reason, size_t reasonlen)
{
	const char *from = hn_json_str(req, "from"),
		   *to = hn_json_str(req, "to"), *other;
	enum hn_basis basis;

	if (hn_request_basis(req, &basis) != 0) {
		(void)hn_fmt_cut(reason, reasonlen, "invalid legal_basis");
		return HN_EINVAL;
	}
	if (self == NULL || from == NULL || to == NULL ||
	    (strcmp(self, from) != 0 && strcmp(self, to) != 0)) {
		(void)hn_fmt_cut(reason, reasonlen,
		    "this node's party is "
		    "neither the requesting nor the requested party");
		return HN_EINVAL;
	}
	other = strcmp(self, to) == 0 ? from : to;
	return hn_treaty_gate(regs, nregs, partners, self, other, date, basis,
	    reason, reasonlen);
}

int
hn_request_deadline(const json_t *req, int64_t *out)
{
	const json_t *v = json_object_get(req, "deadline");

	if (v == NULL || json_is_null(v))
		return HN_ENOTFOUND;
	return hn_datetime_parse(json_string_value(v), out) == 0 ? 0 :
								   HN_EINVAL;
}
