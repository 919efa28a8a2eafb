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
	{ "protocol", cmd_request_protocol,
	    "print the protocol: every kind's states and transitions" },
	{ "create", cmd_request_create, "FILE: create a request on the node" },
	{ "list", cmd_request_list,
	    "list requests (--kind --party --state "
	    "--due ...)" },
	{ "show", cmd_request_show,
	    "ID: a request with deadlines and history" },
	{ "transition", cmd_request_transition,
	    "ID STATE [--reason T] [--ground G]: move a request" },
	{ "approve", cmd_request_approve, "ID: approve an emergency request" },
	{ "receive", cmd_request_receive,
	    "--dir DIR FILE: register a request received in writing" },
	{ NULL, NULL, NULL }
};

int
cmd_request(int argc, char **argv)
{
	return hn_cli_dispatch("request", request_cmds, argc - 1, argv + 1);
}
