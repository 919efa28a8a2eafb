/*
 * fuzz_request: request parsing and validation against the kinds table,
 * then the lifecycle and deadlines of whatever kind it names.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/deadline.h"
#include "core/protocol.h"
#include "core/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hn_problems ps;
	struct hn_deadline_input in;
	struct hn_deadline out[HN_DEADLINES_MAX];
	const struct hn_proto_row *tr[32];
	enum hn_basis basis;
	json_t *req = NULL;
	char line[512];
	size_t i;
	int s;

	hn_problems_init(&ps);
	if (hn_request_parse((const char *)data, size, &req, &ps) != 0) {
		for (i = 0; i < ps.n; i++)
			hn_problem_format(&ps.p[i], line, sizeof(line));
		return 0;
	}
	if (hn_request_basis(req, &basis) != 0)
		abort(); /* validation must have rejected it */
	hn_deadline_input_init(&in);
	in.kind = hn_kind_find(json_string_value(json_object_get(req, "kind")));
	if (in.kind == NULL)
		abort();
	in.received_at = 1795392000;
	in.preserved_at = 1795392000 + (int64_t)size;
	for (s = 0; s < HN_ST_COUNT_; s++) {
		in.state = (enum hn_state)s;
		in.side = (enum hn_side)(s & 1);
		(void)hn_proto_actions(hn_protocol_for(in.kind), in.side,
		    in.state, HN_PR_OFFICERS, tr, 32);
		(void)hn_deadlines_compute(&in, NULL, 1795392000 + 3600, out,
		    HN_DEADLINES_MAX);
	}
	json_decref(req);
	return 0;
}
