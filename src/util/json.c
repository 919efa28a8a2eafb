#include "util/json.h"

#include <stdlib.h>

int
hn_json_depth(const json_t *v)
{
	const char *k;
	json_t *c;
	size_t i;
	int d, m = 0;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, c)
		{
			d = hn_json_depth(c);
			if (d > m)
				m = d;
		}
		return m + 1;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, c)
		{
			d = hn_json_depth(c);
			if (d > m)
				m = d;
		}
		return m + 1;
	}
	return 0;
}

json_t *
hn_json_parse(const char *data, size_t len, size_t max, int max_depth,
    struct hn_error *err)
{
	json_error_t je;
	json_t *v;

	if (len > max) {
		hn_error_set(err, HN_ETOOBIG, NULL, NULL,
		    "JSON document of %zu bytes exceeds the limit of %zu", len,
		    max);
		return NULL;
	}
	v = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &je);
	if (v == NULL) {
		hn_error_set(err, HN_EPARSE, NULL, NULL,
		    "JSON does not parse at line %d column %d: %s", je.line,
		    je.column, je.text);
		return NULL;
	}
	if (hn_json_depth(v) > max_depth) {
		json_decref(v);
		hn_error_set(err, HN_EINVAL, NULL, NULL,
		    "JSON nesting deeper than %d levels", max_depth);
		return NULL;
	}
	return v;
}

const char *
hn_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

char *
hn_json_dump(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}
