/* Unit tests for src/core/request: the kinds table and validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/request.h"
#include "util/buf.h"
#include "util/file.h"

/* The preservation request of issue 2, field names fixed by art. 42. */
static const char *preservation_doc =
    "{\"kind\":\"preservation\",\"from\":\"VNM\",\"to\":\"FRA\","
    "\"requesting_authority\":\"Cyber unit, Ministry of Public Security\","
    "\"offence\":\"ransomware (art. 7)\",\"proceedings\":\"case 2026/118\","
    "\"facts\":\"Hospital systems were encrypted on 20 November.\","
    "\"data\":[{\"description\":\"account data of mail box x@example.fr\","
    "\"relation_to_offence\":\"ransom note sent from it\"}],"
    "\"custodian\":\"Example Mail SAS\",\"necessity\":\"logs rotate in 7 "
    "days\",\"mla_to_follow\":true,\"confidential\":true}";

static struct hn_problems ps;

static json_t *
parse(const char *s)
{
	json_error_t e;
	json_t *v = json_loads(s, 0, &e);

	if (v == NULL)
		fail_msg("test JSON: %s", e.text);
	return v;
}

static int
validate(const json_t *req)
{
	hn_problems_init(&ps);
	return hn_request_validate(req, &ps);
}

static bool
has(const char *field, const char *msg, const char *article)
{
	size_t i;

	for (i = 0; i < ps.n; i++)
		if (strcmp(ps.p[i].field, field) == 0 &&
		    (msg == NULL || strcmp(ps.p[i].message, msg) == 0) &&
		    (article == NULL || strcmp(ps.p[i].article, article) == 0))
			return true;
	return false;
}

static void
dump(void)
{
	char line[512];
	size_t i;

	for (i = 0; i < ps.n; i++) {
		hn_problem_format(&ps.p[i], line, sizeof(line));
		print_message("  %s\n", line);
	}
}

#define EXPECT(f, m, a) \
	do { \
		if (!has(f, m, a)) { \
			dump(); \
			fail_msg("expected %s: %s (art. %s)", f, m, a); \
		} \
	} while (0)

/* A valid value for every field of the table (required and optional). */
static json_t *
sample(const struct hn_field *fs, const char *kind, bool optional)
{
	json_t *o = json_object(), *v = NULL;
	const struct hn_field *f;

	for (f = fs; f->name != NULL; f++) {
		if (!f->required && !optional &&
		    strcmp(f->name, "custodian") != 0)
			continue;
		switch (f->type) {
		case HN_FT_TEXT:
			v = json_string("some text");
			break;
		case HN_FT_PARTY:
			v = json_string(strcmp(f->name, "to") ? "VNM" : "FRA");
			break;
		case HN_FT_BOOL:
			v = json_false();
			break;
		case HN_FT_TRUE:
			v = json_true();
			break;
		case HN_FT_BASIS:
			v = json_string("budapest");
			break;
		case HN_FT_KIND:
			v = json_string(kind);
			break;
		case HN_FT_TIME:
			v = json_string("2026-12-01T12:00:00Z");
			break;
		case HN_FT_LANG:
			v = json_string("fr");
			break;
		case HN_FT_ITEMS:
			v = json_pack("[o, o]",
			    sample(f->items, kind, optional),
			    sample(f->items, kind, optional));
			break;
		}
		assert_int_equal(json_object_set_new(o, f->name, v), 0);
	}
	return o;
}

static void
test_preservation_example(void **state)
{
	json_t *req = parse(preservation_doc);
	enum hn_basis b;

	assert_int_equal(validate(req), 0);
	assert_int_equal(ps.n, 0);
	assert_int_equal(hn_request_basis(req, &b), 0);
	assert_int_equal(b, HN_BASIS_UNCCC);
	json_decref(req);
}

static void
test_kinds_table(void **state)
{
	static const struct {
		const char *name, *article;
	} want[] = { { "preservation", "42" }, { "traffic_disclosure", "43" },
		{ "stored_data", "44" }, { "realtime_traffic", "45" },
		{ "interception", "46" }, { "emergency", "41" },
		{ "mla", "40" } };
	static const char *pres[] = { "kind", "from", "to",
		"requesting_authority", "offence", "proceedings", "facts",
		"data", "custodian", "system_location", "necessity",
		"mla_to_follow", "confidential", "legal_basis" };
	const struct hn_kind *k;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		k = hn_kind_find(want[i].name);
		assert_non_null(k);
		assert_string_equal(k->article, want[i].article);
		assert_non_null(hn_kind_field(k, "legal_basis"));
		assert_non_null(hn_kind_field(k, "deadline"));
		assert_non_null(hn_kind_field(k, "deadline_reason"));
	}
	assert_null(hn_kind_find("Preservation"));
	assert_null(hn_kind_find(NULL));
	k = hn_kind_find("preservation");
	for (i = 0; i < sizeof(pres) / sizeof(pres[0]); i++)
		assert_non_null(hn_kind_field(k, pres[i]));
	assert_false(hn_kind_field(k, "custodian")->required);
	assert_true(hn_kind_field(k, "mla_to_follow")->required);
	assert_string_equal(hn_kind_field(k, "necessity")->article, "42 (e)");
	assert_true(hn_kind_find("emergency")->emergency);
	assert_true(k->preservation);
}

/* Every kind: the full sample and the required-only sample are valid. */
static void
test_samples_valid(void **state)
{
	const struct hn_kind *k;
	json_t *req;
	int opt;

	for (k = hn_kinds; k->name != NULL; k++)
		for (opt = 0; opt < 2; opt++) {
			req = sample(k->fields, k->name, opt);
			if (validate(req) != 0) {
				dump();
				fail_msg("%s sample (optional=%d) invalid",
				    k->name, opt);
			}
			json_decref(req);
		}
}

/* Every required field of every kind missing in turn (and nested). */
static void
test_every_required_missing(void **state)
{
	const struct hn_kind *k;
	const struct hn_field *f, *g;
	json_t *req, *item;
	char path[128];
	int n = 0;

	for (k = hn_kinds; k->name != NULL; k++) {
		for (f = k->fields; f->name != NULL; f++) {
			if (!f->required || strcmp(f->name, "kind") == 0)
				continue;
			req = sample(k->fields, k->name, true);
			json_object_del(req, f->name);
			assert_int_equal(validate(req), HN_EVALIDATE);
			EXPECT(f->name, "required", f->article);
			assert_int_equal(ps.n, 1);
			/* null counts as missing too */
			json_object_set_new(req, f->name, json_null());
			assert_int_equal(validate(req), HN_EVALIDATE);
			EXPECT(f->name, "required", f->article);
			json_decref(req);
			n++;
			if (f->type != HN_FT_ITEMS)
				continue;
			for (g = f->items; g->name != NULL; g++) {
				if (!g->required)
					continue;
				req = sample(k->fields, k->name, true);
				item = json_array_get(json_object_get(req,
							  f->name),
				    1);
				json_object_del(item, g->name);
				assert_int_equal(validate(req), HN_EVALIDATE);
				snprintf(path, sizeof(path), "%s[1].%s",
				    f->name, g->name);
				EXPECT(path, "required", g->article);
				assert_int_equal(ps.n, 1);
				json_decref(req);
				n++;
			}
		}
	}
	assert_true(n > 50);
}

static void
test_preservation_rules(void **state)
{
	static const struct {
		const char *patch; /* merged into the example */
		const char *field, *msg, *article;
	} t[] = {
		{ "{\"data\":[{\"description\":\"x\"}]}",
		    "data[0].relation_to_offence", "required", "42 (c)" },
		{ "{\"data\":[{\"description\":\"x\",\"relation_to_offence\":"
		  "\"  \"}]}",
		    "data[0].relation_to_offence", "required", "42 (c)" },
		{ "{\"data\":[]}", "data", "required", "42 (c)" },
		{ "{\"data\":{}}", "data", "must be a list", "42 (c)" },
		{ "{\"data\":[\"x\"]}", "data[0]", "must be an object",
		    "42 (c)" },
		{ "{\"custodian\":7}", "custodian", "must be a string",
		    "42 (d)" },
		{ "{\"convention_offence\":\"yes\"}", "convention_offence",
		    "must be true or false", "42" },
		{ "{\"mla_to_follow\":false}", "mla_to_follow", "must be true",
		    "42 (f)" },
		{ "{\"mla_to_follow\":\"true\"}", "mla_to_follow",
		    "must be true", "42 (f)" },
		{ "{\"confidential\":\"yes\"}", "confidential",
		    "must be true or false", "42 (g)" },
		{ "{\"from\":\"vnm\"}", "from",
		    "must be three capital letters, e.g. VNM", "42" },
		{ "{\"to\":\"FRAN\"}", "to",
		    "must be three capital letters, e.g. VNM", "42" },
		{ "{\"to\":12}", "to",
		    "must be three capital letters, e.g. VNM", "42" },
		{ "{\"to\":\"VNM\"}", "to", "must differ from `from`", "42" },
		{ "{\"x\\ny\":1}", "x?y", "unknown field", "" },
		{ "{\"offence\":42}", "offence", "must be a string", "42 (b)" },
		{ "{\"facts\":\"\"}", "facts", "required", "42 (b)" },
		{ "{\"custodain\":\"typo\"}", "custodain", "unknown field",
		    "" },
		{ "{\"data\":[{\"description\":\"x\",\"relation_to_offence\":"
		  "\"y\",\"size\":1}]}",
		    "data[0].size", "unknown field", "" },
		{ "{\"legal_basis\":\"friendship\"}", "legal_basis",
		    "must be unccc, budapest, bilateral or reciprocity", "" },
		{ "{\"deadline\":\"2026-12-01T00:00:00Z\"}", "deadline_reason",
		    "required when a deadline is stated", "40" },
		{ "{\"deadline\":\"tomorrow\",\"deadline_reason\":\"x\"}",
		    "deadline", "must be a UTC time YYYY-MM-DDTHH:MM:SSZ",
		    "40" },
	};
	json_t *req, *patch;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		req = parse(preservation_doc);
		patch = parse(t[i].patch);
		assert_int_equal(json_object_update(req, patch), 0);
		if (validate(req) != HN_EVALIDATE)
			fail_msg("case %zu passed", i);
		EXPECT(t[i].field, t[i].msg, t[i].article);
		json_decref(patch);
		json_decref(req);
	}
	/* Art. 42 (d): "any available information" - none is valid, either
	 * one alone too (on ec57569: "custodian or system_location
	 * required") */
	req = parse(preservation_doc);
	json_object_del(req, "custodian");
	assert_int_equal(validate(req), 0);
	json_object_set_new(req, "system_location", json_string("France"));
	assert_int_equal(validate(req), 0);
	json_object_set_new(req, "convention_offence", json_true());
	assert_int_equal(validate(req), 0);
	json_object_set_new(req, "legal_basis", json_string("budapest"));
	json_object_set_new(req, "deadline",
	    json_string("2026-12-01T00:00:00Z"));
	json_object_set_new(req, "deadline_reason", json_string("trial"));
	assert_int_equal(validate(req), 0);
	json_decref(req);
}

/* Art. 43: a disclosure of preserved traffic data arises from a
 * preservation and names it (on ec57569 the field was optional). */
static void
test_traffic_reference(void **state)
{
	static const char *doc =
	    "{\"kind\":\"traffic_disclosure\","
	    "\"from\":\"VNM\",\"to\":\"FRA\",\"requesting_authority\":"
	    "\"Cyber unit\",\"preservation_reference\":\"PRES-1\","
	    "\"offence\":\"fraud\",\"facts\":\"f\",\"data\":[{"
	    "\"description\":\"d\",\"relation_to_offence\":\"r\"}],"
	    "\"purpose\":\"the path of the communication\"}";
	json_t *req = parse(doc);

	assert_int_equal(validate(req), 0);
	json_object_del(req, "preservation_reference");
	assert_int_equal(validate(req), HN_EVALIDATE);
	EXPECT("preservation_reference", "required", "43");
	assert_int_equal(ps.n, 1);
	json_object_set_new(req, "preservation_reference", json_string(" "));
	assert_int_equal(validate(req), HN_EVALIDATE);
	EXPECT("preservation_reference", "required", "43");
	json_object_set_new(req, "preservation_reference", json_integer(1));
	assert_int_equal(validate(req), HN_EVALIDATE);
	EXPECT("preservation_reference", "must be a string", "43");
	/* art. 42 only: the field does not exist for other kinds */
	json_object_set_new(req, "preservation_reference", json_string("P"));
	json_object_set_new(req, "convention_offence", json_true());
	assert_int_equal(validate(req), HN_EVALIDATE);
	EXPECT("convention_offence", "unknown field", "");
	json_decref(req);
}

static void
test_kind_and_document(void **state)
{
	static const struct {
		const char *doc, *field, *msg;
	} t[] = {
		{ "[]", "(document)", "not a JSON object" },
		{ "{}", "kind", "required" },
		{ "{\"kind\":\"search\"}", "kind", NULL },
		{ "{\"kind\":7}", "kind", NULL },
	};
	json_t *req;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		req = parse(t[i].doc);
		assert_int_equal(validate(req), HN_EVALIDATE);
		assert_int_equal(ps.n, 1);
		EXPECT(t[i].field, t[i].msg, NULL);
		json_decref(req);
	}
}

static void
test_limits(void **state)
{
	struct hn_buf b = HN_BUF_INIT(4u << 20);
	json_t *req = NULL;
	char *big;
	size_t i;

	/* a text field of 64 KiB passes, one byte more does not */
	big = malloc(HN_REQUEST_MAX_TEXT + 2);
	assert_non_null(big);
	memset(big, 'a', HN_REQUEST_MAX_TEXT + 1);
	big[HN_REQUEST_MAX_TEXT] = '\0';
	req = parse(preservation_doc);
	json_object_set_new(req, "facts", json_string(big));
	assert_int_equal(validate(req), 0);
	big[HN_REQUEST_MAX_TEXT] = 'a';
	big[HN_REQUEST_MAX_TEXT + 1] = '\0';
	json_object_set_new(req, "facts", json_string(big));
	assert_int_equal(validate(req), HN_EVALIDATE);
	EXPECT("facts", "longer than 65536 bytes", "42 (b)");
	json_decref(req);
	free(big);

	/* the document: parse errors, 1 MiB, depth 32 */
	hn_problems_init(&ps);
	assert_int_equal(hn_request_parse("{\"kind\":", 8, &req, &ps),
	    HN_EVALIDATE);
	assert_null(req);
	assert_int_equal(ps.n, 1);
	assert_string_equal(ps.p[0].field, "(document)");
	hn_problems_init(&ps);
	assert_int_equal(hn_request_parse(preservation_doc,
			     strlen(preservation_doc), &req, &ps),
	    0);
	assert_non_null(req);
	json_decref(req);
	req = NULL;
	assert_int_equal(hn_buf_adds(&b, "{\"kind\":\"mla\",\"x\":\""), 0);
	for (i = 0; i < HN_REQUEST_MAX_BYTES / 16; i++)
		assert_int_equal(hn_buf_adds(&b, "0123456789abcdef"), 0);
	assert_int_equal(hn_buf_adds(&b, "\"}"), 0);
	hn_problems_init(&ps);
	assert_int_equal(hn_request_parse(b.data, b.len, &req, &ps),
	    HN_EVALIDATE);
	assert_null(req);
	assert_int_equal(ps.n, 1);
	assert_non_null(strstr(ps.p[0].message, "exceeds the limit"));
	hn_buf_reset(&b);
	for (i = 0; i < 33; i++)
		assert_int_equal(hn_buf_adds(&b, "["), 0);
	for (i = 0; i < 33; i++)
		assert_int_equal(hn_buf_adds(&b, "]"), 0);
	hn_problems_init(&ps);
	assert_int_equal(hn_request_parse(b.data, b.len, &req, &ps),
	    HN_EVALIDATE);
	assert_non_null(strstr(ps.p[0].message, "nesting deeper"));
	/* too many list entries */
	req = parse(preservation_doc);
	{
		json_t *data = json_object_get(req, "data");
		json_t *one = json_array_get(data, 0);

		for (i = 0; i < HN_REQUEST_MAX_ITEMS; i++)
			json_array_append(data, one);
	}
	assert_int_equal(validate(req), HN_EVALIDATE);
	EXPECT("data", "more than 256 entries", "42 (c)");
	json_decref(req);
	hn_buf_release(&b);
}

/* Many problems at once: all reported, the list bounded. */
static void
test_problem_list(void **state)
{
	json_t *req = parse("{\"kind\":\"preservation\"}");
	char key[16];
	int i;

	assert_int_equal(validate(req), HN_EVALIDATE);
	EXPECT("from", "required", "42");
	EXPECT("data", "required", "42 (c)");
	assert_false(has("custodian", NULL, NULL)); /* art. 42 (d) */
	EXPECT("mla_to_follow", "required", "42 (f)");
	assert_false(ps.truncated);
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "x%d", i);
		json_object_set_new(req, key, json_true());
	}
	assert_int_equal(validate(req), HN_EVALIDATE);
	assert_int_equal(ps.n, HN_PROBLEMS_MAX);
	assert_true(ps.truncated);
	json_decref(req);
}

static void
test_format(void **state)
{
	struct hn_problem p;
	char buf[256];

	hn_problems_init(&ps);
	hn_problems_add(&ps, "data[0].relation_to_offence", "42 (c)",
	    "required");
	hn_problem_format(&ps.p[0], buf, sizeof(buf));
	assert_string_equal(buf,
	    "data[0].relation_to_offence: required (art. 42 (c))");
	memset(&p, 0, sizeof(p));
	snprintf(p.field, sizeof(p.field), "x");
	snprintf(p.message, sizeof(p.message), "unknown field");
	hn_problem_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "x: unknown field");
}

static void
test_kinds_json(void **state)
{
	json_t *j = hn_kinds_json(), *kinds, *k, *f;
	size_t i, j2;
	bool saw = false;

	assert_non_null(j);
	assert_int_equal(json_integer_value(
			     json_object_get(json_object_get(j, "limits"),
				 "text_bytes")),
	    65536);
	kinds = json_object_get(j, "kinds");
	assert_int_equal(json_array_size(kinds), 7);
	json_array_foreach(kinds, i, k)
	{
		assert_non_null(hn_kind_find(
		    json_string_value(json_object_get(k, "name"))));
		json_array_foreach(json_object_get(k, "fields"), j2, f)
		{
			if (strcmp(json_string_value(
				       json_object_get(f, "name")),
				"data") == 0 &&
			    strcmp(json_string_value(
				       json_object_get(k, "name")),
				"preservation") == 0) {
				saw = true;
				assert_int_equal(json_array_size(
						     json_object_get(f,
							 "items")),
				    2);
				assert_string_equal(json_string_value(
							json_object_get(f,
							    "article")),
				    "42 (c)");
			}
		}
	}
	assert_true(saw);
	/* art. 42 (d): no "custodian or system_location" group any more;
	 * the key stays for old clients */
	assert_int_equal(json_array_size(
			     json_object_get(json_array_get(kinds, 0),
				 "one_of")),
	    0);
	assert_true(
	    json_is_array(json_object_get(json_array_get(kinds, 0), "one_of")));
	/* the lifecycle travels with the kinds (the console's buttons) */
	k = json_array_get(kinds, 5);
	assert_string_equal(json_string_value(json_object_get(k, "name")),
	    "emergency");
	saw = false;
	json_array_foreach(json_object_get(k, "transitions"), i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "from")),
			"awaiting_approval") == 0 &&
		    strcmp(json_string_value(json_object_get(f, "to")),
			"queued") == 0) {
			saw = true;
			assert_string_equal(json_string_value(
						json_array_get(json_object_get(f,
								   "needs"),
						    0)),
			    "supervisor");
		}
	}
	assert_true(saw);
	assert_int_equal(json_array_size(json_object_get(j, "states")), 16);
	/* grounds: the old keys, plus the citation and where each applies
	 * (test_grounds.c checks every row) */
	f = json_array_get(json_object_get(j, "grounds"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "code")),
	    "non_conformity");
	assert_string_equal(json_string_value(json_object_get(f, "article")),
	    "40(21)(a)");
	assert_non_null(json_object_get(f, "text"));
	assert_true(json_is_false(json_object_get(f, "preservation_only")));
	assert_string_equal(json_string_value(
				json_object_get(json_object_get(f, "citation"),
				    "text")),
	    "UNCCC art. 40(21)(a)");
	assert_true(json_is_array(json_object_get(f, "applies")));
	json_decref(j);
}

/* docs/requests.md lists every field of every kind as the table has it. */
/* Art. 40: the language of a request. */
static void
test_language(void **state)
{
	static const char *const bad[] = { "e", "english", "fr-", "fr--ca",
		"-fr", "12", "fr_CA", "fr-abcdefghi", "zh-Hans-CN-x-abcdefghij",
		"" };
	static const char *const good[] = { "fr", "FR", "es-419", "zh-Hans",
		"sr-Latn-RS" };
	const char *const acc[] = { "fr", "en" };
	char why[256];
	json_t *req;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		req = parse(preservation_doc);
		json_object_set_new(req, "language", json_string(bad[i]));
		assert_int_not_equal(validate(req), 0);
		EXPECT("language", "must be a language tag, e.g. fr or es-419",
		    "40");
		json_decref(req);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		req = parse(preservation_doc);
		json_object_set_new(req, "language", json_string(good[i]));
		assert_int_equal(validate(req), 0);
		json_decref(req);
	}
	req = parse(preservation_doc);
	assert_int_equal(hn_request_language_check(req, "FRA", acc, 2, why,
			     sizeof(why)),
	    0); /* none stated */
	json_object_set_new(req, "language", json_string("FR-ca"));
	assert_int_equal(hn_request_language_check(req, "FRA", acc, 2, why,
			     sizeof(why)),
	    0);
	json_object_set_new(req, "language", json_string("en"));
	assert_int_equal(hn_request_language_check(req, "FRA", acc, 2, why,
			     sizeof(why)),
	    0);
	json_object_set_new(req, "language", json_string("es"));
	assert_int_equal(hn_request_language_check(req, "FRA", acc, 2, why,
			     sizeof(why)),
	    HN_EDENIED);
	assert_string_equal(why,
	    "FRA accepts requests in fr, en; this request "
	    "is in es (art. 40)");
	json_object_set_new(req, "language", json_string("f"));
	assert_int_equal(hn_request_language_check(req, "FRA", acc, 2, why,
			     sizeof(why)),
	    HN_EDENIED); /* a prefix is not the language */
	assert_int_equal(hn_request_language_check(req, "FRA", acc, 2, why, 8),
	    HN_EDENIED); /* a short buffer is cut, never overrun */
	assert_int_equal(strlen(why), 7);
	json_decref(req);
}

static void
test_docs_in_sync(void **state)
{
	static const char *const tn[] = { "text", "party", "bool", "true",
		"legal_basis", "kind", "time", "list", "language" };
	struct hn_buf doc = HN_BUF_INIT(1u << 20);
	const struct hn_kind *k;
	const struct hn_field *f;
	const char *src = getenv("HN_SRC"), *sect, *next;
	char path[4096], row[256];

	if (src == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/docs/requests.md", src);
	assert_int_equal(hn_file_read(path, &doc), 0);
	for (k = hn_kinds; k->name != NULL; k++) {
		snprintf(row, sizeof(row), "### `%s` (art. %s)", k->name,
		    k->article);
		if ((sect = strstr(doc.data, row)) == NULL)
			fail_msg("docs/requests.md lacks \"%s\"", row);
		next = strstr(sect + 1, "\n### ");
		for (f = k->fields; f->name != NULL; f++) {
			snprintf(row, sizeof(row), "| `%s` | %s | %s |",
			    f->name, tn[f->type], f->required ? "yes" : "no");
			const char *at = strstr(sect, row);

			if (at == NULL || (next != NULL && at > next))
				fail_msg("docs/requests.md, %s: no row \"%s\" "
					 "(regenerate with `hanoinet request kinds --markdown`)",
				    k->name, row);
		}
	}
	hn_buf_release(&doc);
}

static void
test_gate_and_deadline(void **state)
{
	static const char *reg_doc =
	    "{\"instrument\":\"budapest\","
	    "\"parties\":[{\"code\":\"VNM\",\"name\":\"V\",\"kind\":"
	    "\"state\"},{\"code\":\"FRA\",\"name\":\"F\",\"kind\":"
	    "\"state\"}]}";
	static const char *const bil[] = { "FRA" };
	struct hn_partners partners = { bil, 1, NULL, 0 };
	struct hn_register *reg = NULL;
	const struct hn_register *regs[1];
	struct hn_error err;
	json_t *req = parse(preservation_doc);
	char why[256];
	int64_t t;

	assert_int_equal(hn_register_load(reg_doc, strlen(reg_doc), &reg, &err),
	    0);
	regs[0] = reg;
	/* received by FRA: the other party is VNM */
	assert_int_equal(hn_request_gate(req, regs, 1, &partners, "FRA", 20780,
			     why, sizeof(why)),
	    HN_EDENIED);
	assert_string_equal(why,
	    "the UN Convention (unccc) cannot be relied "
	    "on between FRA and VNM: no register of it is configured");
	json_object_set_new(req, "legal_basis", json_string("budapest"));
	assert_int_equal(hn_request_gate(req, regs, 1, &partners, "VNM", 20780,
			     why, sizeof(why)),
	    HN_EDENIED);
	assert_non_null(strstr(why, "fewer than 5 instruments"));
	json_object_set_new(req, "legal_basis", json_string("bilateral"));
	assert_int_equal(hn_request_gate(req, regs, 1, &partners, "VNM", 20780,
			     why, sizeof(why)),
	    0);
	assert_int_equal(hn_request_gate(req, regs, 1, &partners, "DEU", 20780,
			     why, sizeof(why)),
	    HN_EINVAL);
	json_object_set_new(req, "legal_basis", json_string("whim"));
	assert_int_equal(hn_request_gate(req, regs, 1, &partners, "VNM", 20780,
			     why, sizeof(why)),
	    HN_EINVAL);
	/* the stated deadline */
	assert_int_equal(hn_request_deadline(req, &t), HN_ENOTFOUND);
	json_object_set_new(req, "deadline",
	    json_string("2026-11-23T00:00:00Z"));
	assert_int_equal(hn_request_deadline(req, &t), 0);
	assert_int_equal(t, 1795392000);
	json_object_set_new(req, "deadline", json_string("soon"));
	assert_int_equal(hn_request_deadline(req, &t), HN_EINVAL);
	json_decref(req);
	hn_register_free(reg);
}

/* Texts shown to officers: control and bidi-override characters (issue 15). */
static void
test_unsafe_text(void **state)
{
	static const struct {
		const char *s;
		long at;
		unsigned cp;
	} t[] = {
		{ "plain text", -1, 0 },
		{ "two\nlines\twith a tab", -1, 0 },
		{ "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xe2\x80\x8f"
		  "RLM \xe2\x80\x8e LRM \xd8\x9c ALM",
		    -1, 0 },
		{ "\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80", -1, 0 },
		{ "", -1, 0 },
		{ "esc\x1b[2J", 3, 0x1b },
		{ "cr\r", 2, 0x0d },
		{ "cr\rx", 2, 0x0d },
		{ "crlf\r\nok\r\n", -1, 0 },
		{ "\r\r\n", 0, 0x0d },
		{ "del\x7f", 3, 0x7f },
		{ "c1 \xc2\x85", 3, 0x85 },
		{ "c1 \xc2\x9f", 3, 0x9f },
		{ "\xc2\xa0 nbsp ok", -1, 0 },
		{ "invoice \xe2\x80\xae"
		  "fdp.exe",
		    8, 0x202e },
		{ "\xe2\x80\xaa LRE", 0, 0x202a },
		{ "x\xe2\x81\xa6 LRI", 1, 0x2066 },
		{ "x\xe2\x81\xa9", 1, 0x2069 },
		{ "x\xe2\x81\xaa ok", -1, 0 },
	};
	struct hn_error e;
	unsigned cp;
	json_t *v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cp = 0;
		if (hn_text_unsafe(t[i].s, strlen(t[i].s), &cp) != t[i].at)
			fail_msg("case %zu: %s", i, t[i].s);
		if (t[i].at >= 0)
			assert_int_equal(cp, t[i].cp);
	}
	/* the field is named, however deep */
	v = json_pack("{s:s, s:[{s:s}, {s:s}]}", "facts", "ok", "data",
	    "description", "fine", "description", "bad \xe2\x80\xae");
	assert_non_null(v);
	hn_error_clear(&e);
	assert_int_equal(hn_text_check(v, "payload", &e), HN_EVALIDATE);
	assert_string_equal(e.field, "payload.data[1].description");
	hn_error_clear(&e);
	assert_int_equal(hn_text_check(v, "", &e), HN_EVALIDATE);
	assert_string_equal(e.field, "data[1].description");
	json_decref(v);
	v = json_pack("{s:s}", "reason", "fine\nreason");
	assert_int_equal(hn_text_check(v, "", &e), 0);
	assert_int_equal(hn_text_check(NULL, "", &e), 0);
	json_decref(v);
	/* the request document: the field, with the problems */
	v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:s}], s:s, "
		      "s:s, s:b}",
	    "kind", "preservation", "from", "VNM", "to", "FRA",
	    "requesting_authority", "A", "offence", "O\x1b[31m", "proceedings",
	    "P", "data", "description", "D", "relation_to_offence", "R",
	    "facts", "F", "necessity", "N", "mla_to_follow", 1);
	assert_non_null(v);
	{
		struct hn_problems pr;

		hn_problems_init(&pr);
		assert_int_equal(hn_request_validate(v, &pr), HN_EVALIDATE);
		assert_int_equal(pr.n, 1);
		assert_string_equal(pr.p[0].field, "offence");
		assert_non_null(strstr(pr.p[0].message, "U+001B"));
	}
	json_decref(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preservation_example),
		cmocka_unit_test(test_kinds_table),
		cmocka_unit_test(test_samples_valid),
		cmocka_unit_test(test_every_required_missing),
		cmocka_unit_test(test_preservation_rules),
		cmocka_unit_test(test_traffic_reference),
		cmocka_unit_test(test_kind_and_document),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_problem_list),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_kinds_json),
		cmocka_unit_test(test_gate_and_deadline),
		cmocka_unit_test(test_language),
		cmocka_unit_test(test_docs_in_sync),
		cmocka_unit_test(test_unsafe_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
