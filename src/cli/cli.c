#include "cli/cli.h"

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
		printf("usage: hanoinet%s%s <command> [options]\n\n", sp, group);
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
