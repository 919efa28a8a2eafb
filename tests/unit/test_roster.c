/* Unit tests for src/core/roster: each bad field is refused by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/roster.h"
#include "util/err.h"

#define P0 \
	"{\"name\":\"An\",\"lang\":\"en\",\"email\":\"an@x.org\",\"order\":1,"
#define S0 "\"slots\":[{\"day\":\"mon\",\"from\":\"00:00\",\"to\":\"24:00\"}]"

static void
test_roster_table(void **state)
{
	static const struct {
		const char *doc;
		const char *field; /* NULL: valid */
	} t[] = {
		{ "{\"people\":[]}", NULL },
		{ "{\"zone\":\"UTC\",\"people\":[" P0 S0 "}]}", NULL },
		{ "{\"people\":[" P0 "\"supervisor\":true,"
		  "\"webhook\":\"https://gw.example/x\"," S0 "}]}",
		    NULL },
		{ "[]", "" },
		{ "{}", "people" },
		{ "{\"people\":[],\"x\":1}", "" },
		{ "{\"zone\":\"CET\",\"people\":[]}", "zone" },
		{ "{\"people\":[1]}", "people[0]" },
		{ "{\"people\":[" P0 S0 ",\"x\":1}]}", "people[0]" },
		{ "{\"people\":[" P0 S0 "}," P0 "\"slots\":[{\"day\":\"mon\","
		  "\"from\":\"10:00\",\"to\":\"10:00\"}]}]}",
		    "people[1].slots[0].to" },
		{ "{\"people\":[" P0 "\"slots\":[{\"day\":\"mon\","
		  "\"from\":\"24:00\",\"to\":\"24:00\"}]}]}",
		    "people[0].slots[0].from" },
		{ "{\"people\":[" P0 "\"slots\":[{\"day\":\"mon\","
		  "\"from\":\"0a:00\",\"to\":\"24:00\"}]}]}",
		    "people[0].slots[0].from" },
		{ "{\"people\":[" P0 "\"webhook\":\"https://\"," S0 "}]}",
		    "people[0].webhook" },
		{ "{\"people\":[{\"name\":\"An\",\"lang\":\"en\","
		  "\"email\":\"an@x.org\\r\\nRCPT TO:<e@v.il>\",\"order\":1," S0
		  "}]}",
		    "people[0].email" },
		{ "{\"people\":[{\"name\":\"An\",\"lang\":\"en\","
		  "\"email\":\"an@@x.org\",\"order\":1," S0 "}]}",
		    "people[0].email" },
		{ "{\"people\":[{\"name\":\"An\",\"lang\":\"en\","
		  "\"email\":\"an@x.org\",\"order\":65," S0 "}]}",
		    "people[0].order" },
	};
	struct hn_error e;
	json_t *v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = json_loads(t[i].doc, 0, NULL);
		assert_non_null(v);
		hn_error_clear(&e);
		if (t[i].field == NULL) {
			assert_int_equal(hn_roster_validate(v, &e), 0);
		} else {
			assert_int_equal(hn_roster_validate(v, &e),
			    HN_EVALIDATE);
			assert_string_equal(e.field, t[i].field);
		}
		json_decref(v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roster_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
