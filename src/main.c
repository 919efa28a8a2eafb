/*
 * hanoinet - the node of the UN Convention against Cybercrime's 24/7 and
 * mutual legal assistance network. main() only dispatches: each command
 * lives in src/cli/ and is one row of this table (after git's builtin/).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Summaries name every subcommand (tests/integration/cli_help.sh). */
static const struct hn_cmd commands[] = {
	{ "init", cmd_init,
	    "create a node's data directory (keys, TLS, "
	    "configuration, database)" },
	{ "serve", cmd_serve, "run the node: HTTPS API, console, federation" },
	{ "login", cmd_login, "log in to a node (keeps the session token)" },
	{ "logout", cmd_logout, "end the session" },
	{ "account", cmd_account, "accounts of a local data directory: add" },
	{ "roster", cmd_roster,
	    "the on-call roster of a local data directory: show, set" },
	{ "request", cmd_request,
	    "validate, kinds, protocol; create, list, "
	    "show, transition, approve on a node; receive (in writing)" },
	{ "evidence", cmd_evidence,
	    "add, list, get, export, verify, "
	    "seal-for, receive, send, consent, retain, delete" },
	{ "log", cmd_log,
	    "the audit log: checkpoint, prove, verify, export, "
	    "append; merkle, verify-inclusion, verify-consistency, note" },
	{ "parties", cmd_parties, "the register: status, between, summary" },
	{ "registry", cmd_registry,
	    "the depositary's tools: keygen, entry, "
	    "sign, verify (the signed directory)" },
	{ "message", cmd_message, "seal or open a signed envelope by hand" },
	{ "tls", cmd_tls,
	    "the node's TLS certificate: renew (pending until the "
	    "directory lists it), status" },
	{ "demo", cmd_demo,
	    "the main job: a registry and nodes on loopback "
	    "(--status: the register's status only)" },
	{ "version", cmd_version, "print the version (also --version)" },
	{ NULL, NULL, NULL }
};

int
main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--version") == 0))
		return cmd_version(argc - 1, argv + 1);
	return hn_cli_dispatch("", commands, argc - 1, argv + 1);
}
