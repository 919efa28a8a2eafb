/* GET /v1/kinds (core's table), GET /v1/parties[/{code}] (the register). */
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/request.h"
#include "core/treaty.h"
#include "net/http.h"
#include "node/node.h"
#include "net/routes.h"
#include "util/json.h"

int
hn_api_kinds(struct hn_req *r)
{
	return hn_resp_json(r, 200, hn_kinds_json());
}

/* A register entry with what the node computes about it today. */
static json_t *
party_view(struct hn_node *n, const json_t *entry, int32_t today)
{
	const struct hn_party *p;
	char d[HN_DATE_STRLEN];
	json_t *o;

	o = json_deep_copy(entry);
	p = hn_register_find(n->reg,
	    hn_json_str(entry, "code") ? hn_json_str(entry, "code") : "");
	if (o == NULL || p == NULL)
		return o;
	json_object_set_new(o, "in_force",
	    json_boolean(hn_party_in_force(p, today)));
	if (p->in_force_from != HN_DATE_NONE) {
		hn_date_format(p->in_force_from, d);
		json_object_set_new(o, "in_force_from", json_string(d));
	}
	return o;
}

int
hn_api_parties(struct hn_req *r)
{
	const json_t *list = json_object_get(r->node->parties, "parties");
	int32_t today = hn_date_of_time(r->now);
	char d[HN_DATE_STRLEN];
	json_t *out, *v;
	size_t i;

	if ((out = json_array()) == NULL)
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "internal error");
	json_array_foreach(list, i, v)
	    json_array_append_new(out, party_view(r->node, v, today));
	v = json_pack("{s:s, s:o, s:I}", "instrument",
	    hn_instrument_name(r->node->reg->instrument), "parties", out,
	    "instruments", (json_int_t)r->node->reg->instruments);
	if (v != NULL && r->node->reg->entry_into_force != HN_DATE_NONE) {
		hn_date_format(r->node->reg->entry_into_force, d);
		json_object_set_new(v, "entry_into_force", json_string(d));
	}
	return hn_resp_json(r, 200, v);
}

int
hn_api_party(struct hn_req *r)
{
	const json_t *list = json_object_get(r->node->parties, "parties");
	const char *code = hn_req_param(r, "code");
	const char *c;
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
	{
		c = hn_json_str(v, "code");
		if (c != NULL && strcmp(c, code) == 0)
			return hn_resp_json(r, 200,
			    party_view(r->node, v, hn_date_of_time(r->now)));
	}
	return hn_resp_error(r, 404, "not_found", "code", NULL,
	    "no party %.8s in the register", code);
}
