/*
 * hanoinet request kinds: the request kinds table as JSON, the same
 * document a node serves at GET /v1/kinds.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/request.h"

int
cmd_request_kinds(int argc, char **argv)
{
	json_t *k;
	char *s;

	if (argc != 1)
		return hn_cli_usage("usage: hanoinet request kinds");
	if ((k = hn_kinds_json()) == NULL)
		return hn_cli_fail(2, "out of memory");
	s = json_dumps(k, JSON_INDENT(1));
	json_decref(k);
	if (s == NULL)
		return hn_cli_fail(2, "out of memory");
	puts(s);
	free(s);
	return 0;
}
