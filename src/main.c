/*
 * hanoinet - the node of the UN Convention against Cybercrime's 24/7 and
 * mutual legal assistance network. main() only dispatches: each command
 * lives in src/cli/ and is one row of this table (after git's builtin/).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct hn_cmd commands[] = {
	{ "version", cmd_version, "print the version" },
	{ "message", cmd_message, "seal or open a signed envelope by hand" },
	{ "registry", cmd_registry, "the depositary's tools: keys, signed directory" },
	{ "parties", cmd_parties, "the register: status, between, summary" },
	{ "request", cmd_request, "requests: validate" },
	{ "log", cmd_log, "audit log: checkpoint, prove, verify; merkle, notes" },
	{ "demo", cmd_demo, "the main job (for now: the register's status)" },
	{ "evidence", cmd_evidence, "add, list, get, export and verify evidence" },
	{ "init", cmd_init, "create a node's data directory" },
	{ "serve", cmd_serve, "run the node (HTTPS API)" },
	{ "login", cmd_login, "log in to a node (keeps the session token)" },
	{ "logout", cmd_logout, "end the session" },
	{ "account", cmd_account, "accounts of a local node (add)" },
	{ NULL, NULL, NULL }
};

int
main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--version") == 0))
		return cmd_version(argc - 1, argv + 1);
	return hn_cli_dispatch("", commands, argc - 1, argv + 1);
}
