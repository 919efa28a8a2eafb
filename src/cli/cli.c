#include "cli/cli.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int vfail(int status, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static int
vfail(int status, const char *fmt, va_list ap)
{
	fputs("hanoinet: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return status;
}

int
hn_cli_usage(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(2, fmt, ap);
	va_end(ap);
	return r;
}

int
hn_cli_fail(int status, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(status, fmt, ap);
	va_end(ap);
	return r;
}

static const struct hn_cli_opt *
find_opt(const struct hn_cli_opt *opts, const char *name, size_t len)
{
	const struct hn_cli_opt *o;

	for (o = opts; o != NULL && o->name != NULL; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

/* The option whose letter is argv word w ("-l" or "-lVALUE"), if any. */
static const struct hn_cli_opt *
find_letter(const struct hn_cli_opt *opts, const char *w)
{
	const struct hn_cli_opt *o;

	if (w[0] != '-' || w[1] == '\0' || w[1] == '-')
		return NULL;
	for (o = opts; o != NULL && o->name != NULL; o++)
		if (o->letter != 0 && o->letter == w[1] &&
		    (w[2] == '\0' || o->flag == NULL))
			return o;
	return NULL;
}

/* Gives option o its value v (NULL: a flag). */
static int
set_opt(const struct hn_cli_opt *o, const char *v)
{
	if (o->flag != NULL)
		*o->flag = 1;
	else if (o->each != NULL)
		return o->each(o->ctx, o->name, v);
	else
		*o->val = v;
	return 0;
}

/*
 * The option at argv[*i] ("--name[=value]", or "-l[value]" by its
 * letter) into *o, given its value; advances *i past a separate value.
 */
static int
take_opt(const struct hn_cli_opt *opts, const struct hn_cli_opt **o, int argc,
    char **argv, int *i, const char *usage)
{
	const char *w = argv[*i], *name = w + 2, *eq = NULL;
	size_t len;

	if (w[1] != '-') { /* by its letter: "-lVALUE" or "-l VALUE" */
		*o = find_letter(opts, w);
		eq = w[2] != '\0' ? w + 1 : NULL;
	} else {
		eq = strchr(name, '=');
		len = eq != NULL ? (size_t)(eq - name) : strlen(name);
		if ((*o = find_opt(opts, name, len)) == NULL)
			return hn_cli_usage("unknown option --%.*s; usage: %s",
			    (int)len, name, usage);
	}
	if ((*o)->flag != NULL) {
		if (eq != NULL)
			return hn_cli_usage("option --%s takes no value; "
					    "usage: %s",
			    (*o)->name, usage);
		return set_opt(*o, NULL);
	}
	if (eq != NULL)
		return set_opt(*o, eq + 1);
	if (*i + 1 < argc)
		return set_opt(*o, argv[++*i]);
	return hn_cli_usage("option --%s needs a value; usage: %s", (*o)->name,
	    usage);
}

int
hn_cli_args(int argc, char **argv, const struct hn_cli_opt *opts, int min_pos,
    int max_pos, const char *usage, int *npos)
{
	const struct hn_cli_opt *o;
	char seen[HN_CLI_OPTS_MAX] = { 0 };
	int i, np = 0, opts_done = 0, letters = 0, r;

	for (o = opts; o != NULL && o->name != NULL; o++) {
		assert(o - opts < HN_CLI_OPTS_MAX); /* a table in the code */
		if (o - opts >= HN_CLI_OPTS_MAX)
			return hn_cli_fail(2, "%s: too many options", usage);
		letters |= o->letter != 0;
	}
	for (i = 1; i < argc; i++) {
		if (!opts_done && letters && argv[i][0] == '-' &&
		    argv[i][1] != '-' && argv[i][1] != '\0' &&
		    find_letter(opts, argv[i]) == NULL) {
			/* a table with letters: "-x" is an option too */
			return hn_cli_usage("unknown option %s; usage: %s",
			    argv[i], usage);
		} else if (!opts_done && strcmp(argv[i], "--") == 0) {
			opts_done = 1;
		} else if (!opts_done && strcmp(argv[i], "--help") == 0) {
			printf("usage: %s\n", usage);
			return 0;
		} else if (!opts_done &&
		    (strncmp(argv[i], "--", 2) == 0 ||
			find_letter(opts, argv[i]) != NULL)) {
			if ((r = take_opt(opts, &o, argc, argv, &i, usage)) !=
			    0)
				return r;
			seen[o - opts] = 1;
		} else {
			argv[1 + np++] =
			    argv[i]; /* np <= i - 1: no overwrite */
		}
	}
	for (o = opts; o != NULL && o->name != NULL; o++)
		if (o->required && !seen[o - opts] &&
		    (o->val == NULL || *o->val == NULL))
			return hn_cli_usage("missing --%s; usage: %s", o->name,
			    usage);
	if (np < min_pos)
		return hn_cli_usage("missing arguments; usage: %s", usage);
	if (max_pos >= 0 && np > max_pos)
		return hn_cli_usage("too many arguments; usage: %s", usage);
	if (npos != NULL)
		*npos = np;
	return HN_CLI_GO;
}

/* "  name  summary", the summary folded at 79 columns under itself. */
static void
print_row(const char *name, const char *summary)
{
	enum { INDENT = 21, WIDTH = 79 };
	const char *p = summary, *sp;
	int col, n;

	col = printf("  %-18s ", name);
	if (col > INDENT) { /* a name longer than its column */
		printf("\n%*s", INDENT, "");
		col = INDENT;
	}
	while (*p != '\0') {
		sp = strchr(p, ' ');
		n = sp != NULL ? (int)(sp - p) : (int)strlen(p);
		if (col > INDENT && col + 1 + n > WIDTH) {
			printf("\n%*s", INDENT, "");
			col = INDENT;
		}
		col += printf("%s%.*s", col > INDENT ? " " : "", n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
	putchar('\n');
}

int
hn_cli_dispatch(const char *group, const struct hn_cmd *table, int argc,
    char **argv)
{
	const struct hn_cmd *c;
	const char *sp = *group != '\0' ? " " : "";

	if (argc < 1 || strcmp(argv[0], "--help") == 0 ||
	    strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "help") == 0) {
		printf("usage: hanoinet%s%s <command> [options]\n\n", sp,
		    group);
		for (c = table; c->name != NULL; c++)
			print_row(c->name, c->summary);
		if (*group == '\0')
			printf("\n'hanoinet COMMAND help': its subcommands; "
			       "'hanoinet COMMAND --help': options.\n");
		return argc < 1 ? 2 : 0;
	}
	for (c = table; c->name != NULL; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->run(argc, argv);
	return hn_cli_usage("unknown command '%s%s%s' (try 'hanoinet%s%s help')",
	    group, sp, argv[0], sp, group);
}

int
cmd_version(int argc, char **argv)
{
	printf("hanoinet %s\n", HN_VERSION);
	return 0;
}
