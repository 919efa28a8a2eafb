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

/*
 * One option of a command, in a table ended by HN_OPT_END (at most
 * HN_CLI_OPTS_MAX rows). "--name VALUE" or "--name=VALUE" stores VALUE in
 * *val (left as the caller set it when the option is absent: its
 * default); with flag set instead of val, "--name" takes no value and sets
 * *flag to 1; with each instead, the option may be repeated and each(ctx,
 * name, VALUE) is called for every occurrence, in order (it returns 0, or
 * the exit status after printing why). An option with a letter is also
 * "-l VALUE" or "-lVALUE" ("-l" for a flag). A required option that is
 * absent is an error naming it.
 */
struct hn_cli_opt {
	const char *name; /* without the leading "--" */
	const char **val;
	int *flag;
	int required;
	char letter; /* 0: none */
	int (*each)(void *ctx, const char *name, const char *value);
	void *ctx;
};

#define HN_CLI_OPTS_MAX 32

/* Table rows: an option with a value, a required one, a flag; the end. */
#define HN_OPT(name, val) \
	{ \
		(name), (val), NULL, 0, 0, NULL, NULL \
	}
#define HN_OPT_REQ(name, val) \
	{ \
		(name), (val), NULL, 1, 0, NULL, NULL \
	}
#define HN_OPT_FLAG(name, flag) \
	{ \
		(name), NULL, (flag), 0, 0, NULL, NULL \
	}
/* A value also given as "-l VALUE"; a flag also given as "-l". */
#define HN_OPT_LETTER(name, l, val) \
	{ \
		(name), (val), NULL, 0, (l), NULL, NULL \
	}
#define HN_OPT_REQ_LETTER(name, l, val) \
	{ \
		(name), (val), NULL, 1, (l), NULL, NULL \
	}
#define HN_OPT_FLAG_LETTER(name, l, flag) \
	{ \
		(name), NULL, (flag), 0, (l), NULL, NULL \
	}
/* A repeatable option: fn(ctx, name, value) for each occurrence. */
#define HN_OPT_EACH(name, fn, ctx) \
	{ \
		(name), NULL, NULL, 0, 0, (fn), (ctx) \
	}
#define HN_OPT_EACH_REQ(name, fn, ctx) \
	{ \
		(name), NULL, NULL, 1, 0, (fn), (ctx) \
	}
#define HN_OPT_END \
	{ \
		NULL, NULL, NULL, 0, 0, NULL, NULL \
	}

#define HN_CLI_GO (-1) /* hn_cli_args: parsed, go on */

/*
 * Parses a command's arguments argv[1..argc) against opts (NULL: none).
 * Options may come anywhere before "--"; every other word ("-" too: stdin)
 * is a positional argument, moved in order to argv[1..1+*npos); in a
 * table with letters, "-x" is an option too (unknown if no row has x). "--help"
 * prints "usage: " usage on stdout. An unknown option, an option without its
 * value, a missing required option, or fewer than min_pos or more than max_pos
 * (-1: any number) positional arguments prints one line on stderr: "hanoinet:
 * PROBLEM; usage: USAGE" (the problem names the option). Returns HN_CLI_GO, or
 * the exit status: 0 after --help, 2 after an error.
 */
int hn_cli_args(int argc, char **argv, const struct hn_cli_opt *opts,
    int min_pos, int max_pos, const char *usage, int *npos);

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
int cmd_roster(int argc, char **argv);
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
int cmd_tls(int argc, char **argv);

#endif
