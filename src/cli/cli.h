/*
 * cli.h - the commands of the hanoinet program (one file each in src/cli/).
 *
 * Each command receives argv with argv[0] set to the command's name and
 * returns the process exit status: 0 success, 1 a negative answer (invalid
 * request, proof does not verify), 2 usage error or unreadable input.
 * Only src/main.c and src/cli/ may print to the terminal or exit.
 */
#ifndef HN_CLI_H
#define HN_CLI_H

struct hn_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Prints "hanoinet: " + message + "\n" on stderr and returns 2. */
int hn_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "hanoinet: " + message + "\n" on stderr and returns `status`. */
int hn_cli_fail(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Runs the subcommand argv[0] found in table (NULL-terminated) or fails. */
int hn_cli_dispatch(const char *group, const struct hn_cmd *table, int argc,
    char **argv);

int cmd_version(int argc, char **argv);
int cmd_registry(int argc, char **argv);
int cmd_message(int argc, char **argv);
int cmd_parties(int argc, char **argv);
int cmd_request(int argc, char **argv);
int cmd_request_validate(int argc, char **argv);
int cmd_request_kinds(int argc, char **argv);
int cmd_request_protocol(int argc, char **argv);
int cmd_request_create(int argc, char **argv);
int cmd_request_list(int argc, char **argv);
int cmd_request_show(int argc, char **argv);
int cmd_request_transition(int argc, char **argv);
int cmd_request_approve(int argc, char **argv);
int cmd_request_receive(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_account(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_log(int argc, char **argv);

struct hn_register;
/*
 * Loads the register at `path` (NULL: the embedded data/parties.json) into
 * *out. On failure prints one line on stderr and returns 2.
 */
int hn_cli_register_load(const char *path, struct hn_register **out);
int cmd_evidence(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif
