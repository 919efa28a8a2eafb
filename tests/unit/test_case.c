/*
 * Unit tests for src/ledger/case (the CASE/UCO writer, pure): the nodes
 * of a two-file export (investigation, authorisation, organisation, tool,
 * files with only their known hashes, one action and one provenance record
 * per custody step, each action informed by the step before), one
 * identity per actor, exhibit numbers, ledger indices in descriptions,
 * stable ids (the same history gives the same document), an empty export.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/case.h"
#include "util/json.h"

static const struct hn_case_step steps1[] = {
	{ 1, "intake", "alice", "", 1764800000, 3 },
	{ 2, "seal", "alice", "", 1764800000, 4 },
	{ 5, "exported", "bob", "court order 7", 1764900000, -1 },
};
static const struct hn_case_step steps2[] = {
	{ 3, "received", "carol", "", 1764800100, 9 },
	{ 4, "verified", "alice", "SHA-256 matches", 1764800101, 10 },
};
static const struct hn_case_file files[] = {
	{ 7, "disk.img", "a disk", "aa", "bb", "", 123, steps1, 3 },
	{ 9, "mail.eml", "", "cc", "", "dd", 45, steps2, 2 },
};

/* Nodes of the graph of type t. */
static size_t
count_type(json_t *graph, const char *t)
{
	json_t *v;
	size_t i, n = 0;

	json_array_foreach(graph, i, v)
	{
		const char *ty = hn_json_str(v, "@type");

		n += ty != NULL && strcmp(ty, t) == 0;
	}
	return n;
}

static json_t *
node_named(json_t *graph, const char *type, const char *key, const char *value)
{
	json_t *v;
	size_t i;

	json_array_foreach(graph, i, v)
	{
		const char *ty = hn_json_str(v, "@type"),
			   *s = hn_json_str(v, key);

		if (ty != NULL && strcmp(ty, type) == 0 && s != NULL &&
		    strcmp(s, value) == 0)
			return v;
	}
	return NULL;
}

static void
test_document(void **state)
{
	json_t *doc = NULL, *graph, *a, *p, *prev, *inv;
	const char *d;

	(void)state;
	assert_int_equal(hn_case_document(&doc, "hanoinet.example/VNM", "REQ-1",
			     files, 2),
	    0);
	assert_non_null(json_object_get(doc, "@context"));
	graph = json_object_get(doc, "@graph");
	assert_true(json_is_array(graph));
	assert_int_equal(count_type(graph, "case-investigation:Investigation"),
	    1);
	assert_int_equal(count_type(graph, "case-investigation:Authorization"),
	    1);
	assert_int_equal(count_type(graph, "uco-identity:Organization"), 1);
	assert_int_equal(count_type(graph, "uco-tool:Tool"), 1);
	assert_int_equal(count_type(graph, "uco-observable:File"), 2);
	/* SHA256 + SHA1 for the first, SHA256 + MD5 for the second */
	assert_int_equal(count_type(graph, "uco-types:Hash"), 4);
	assert_int_equal(count_type(graph,
			     "case-investigation:InvestigativeAction"),
	    5);
	assert_int_equal(count_type(graph,
			     "case-investigation:ProvenanceRecord"),
	    5);
	/* alice, bob, carol: once each although alice acts three times */
	assert_int_equal(count_type(graph, "uco-identity:Identity"), 3);
	/* the investigation lists 2 files + 5 actions + 5 records */
	inv = node_named(graph, "case-investigation:Investigation",
	    "uco-core:name", "REQ-1");
	assert_non_null(inv);
	assert_int_equal(json_array_size(
			     json_object_get(inv, "uco-core:object")),
	    12);

	/* step 3 of disk.img: exhibit, reason, no ledger entry */
	p = node_named(graph, "case-investigation:ProvenanceRecord",
	    "case-investigation:exhibitNumber", "REQ-1/7/3");
	assert_non_null(p);
	d = hn_json_str(p, "uco-core:description");
	assert_non_null(strstr(d,
	    "Custody step 3 of disk.img: exported by "
	    "bob at 2025-12-05T"));
	assert_non_null(strstr(d, "; reason: court order 7"));
	assert_null(strstr(d, "ledger entry"));
	p = node_named(graph, "case-investigation:ProvenanceRecord",
	    "case-investigation:exhibitNumber", "REQ-1/9/1");
	assert_non_null(
	    strstr(hn_json_str(p, "uco-core:description"), "(ledger entry 9)"));

	/* the first action of a file stands alone, the next is informed by
	 * it and takes its provenance record as object */
	a = node_named(graph, "case-investigation:InvestigativeAction",
	    "uco-core:name", "Received from the sending State");
	assert_non_null(a);
	assert_null(json_object_get(a, "case-investigation:wasInformedBy"));
	prev = a;
	a = node_named(graph, "case-investigation:InvestigativeAction",
	    "uco-core:name", "Verified");
	assert_non_null(a);
	assert_string_equal(hn_json_str(json_object_get(a,
					    "case-investigation:wasInformedBy"),
				"@id"),
	    hn_json_str(prev, "@id"));
	assert_non_null(json_object_get(a, "uco-action:object"));
	json_decref(doc);
}

static void
test_stable_ids(void **state)
{
	json_t *d1 = NULL, *d2 = NULL, *d3 = NULL;
	char *s1, *s2, *s3;

	(void)state;
	assert_int_equal(hn_case_document(&d1, "N", "REQ-1", files, 2), 0);
	assert_int_equal(hn_case_document(&d2, "N", "REQ-1", files, 2), 0);
	assert_int_equal(hn_case_document(&d3, "N", "REQ-2", files, 2), 0);
	s1 = json_dumps(d1, JSON_COMPACT);
	s2 = json_dumps(d2, JSON_COMPACT);
	s3 = json_dumps(d3, JSON_COMPACT);
	assert_string_equal(s1, s2);
	assert_string_not_equal(s1, s3); /* ids depend on the request */
	free(s1);
	free(s2);
	free(s3);
	json_decref(d1);
	json_decref(d2);
	json_decref(d3);
}

static void
test_empty(void **state)
{
	json_t *doc = NULL, *graph;

	(void)state;
	assert_int_equal(hn_case_document(&doc, "N", "REQ-1", NULL, 0), 0);
	graph = json_object_get(doc, "@graph");
	assert_int_equal(json_array_size(graph), 4); /* the head only */
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_stable_ids),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
