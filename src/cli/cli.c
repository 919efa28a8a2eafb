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
			printf("  %-14s %s\n", c->name, c->summary);
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
