/*
 * hanoinet request SUBCOMMAND: a table, one row per subcommand (validate
 * here; create, list, show, transition talk to a node and are added as rows
 * by the node issue).
 */
#include <stddef.h>

#include "cli/cli.h"

static const struct hn_cmd request_cmds[] = {
	{ "validate", cmd_request_validate,
	    "FILE: check a request against its kind's articles" },
	{ "kinds", cmd_request_kinds,
	    "print the request kinds table as JSON (as GET /v1/kinds)" },
	{ NULL, NULL, NULL }
};

int
cmd_request(int argc, char **argv)
{
	return hn_cli_dispatch("request", request_cmds, argc - 1, argv + 1);
}
