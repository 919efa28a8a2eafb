/*
 * Unit tests for src/cli/cli.c hn_cli_args, the option table every
 * command parses with: values ("--x V", "--x=V", "-l V", "-lV"), flags,
 * repeatable options called in order, required options, positional
 * arguments (moved to argv[1..]), "--" and "-"; and the outcome of each
 * misuse: exit status 2 (0 for --help), nothing called after the error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cli/cli.h"

#define MAXARGS 12

/* What one parse saw. */
struct seen {
	const char *val, *req;
	int flag;
	char each[128]; /* "name=value," for each call, in order */
	int fail_on; /* each() fails (exit 3) on the value "bad" */
};

/* Appends w to out[128]. */
static void
add(char *out, const char *w)
{
	size_t n = strlen(out), len = strlen(w);

	assert_true(n + len < 128);
	memcpy(out + n, w, len + 1);
}

static int
each(void *ctx, const char *name, const char *value)
{
	struct seen *s = ctx;

	if (strcmp(value, "bad") == 0)
		return 3;
	add(s->each, name);
	add(s->each, "=");
	add(s->each, value);
	add(s->each, ",");
	return 0;
}

static void
test_table(void **state)
{
	static const struct {
		const char *args[MAXARGS]; /* after the command's name */
		int min_pos, max_pos;
		int status; /* HN_CLI_GO, or the exit status */
		const char *val, *req;
		int flag;
		const char *each;
		const char *pos; /* positional arguments, joined by ' ' */
	} t[] = {
		/* values, both spellings; letters; flags */
		{ { "--req", "r", "--val", "v" }, 0, 0, HN_CLI_GO, "v", "r", 0,
		    "", "" },
		{ { "--req=r", "--val=v=w" }, 0, 0, HN_CLI_GO, "v=w", "r", 0,
		    "", "" },
		{ { "-v", "x", "--req", "r" }, 0, 0, HN_CLI_GO, "x", "r", 0, "",
		    "" },
		{ { "-vx", "--req", "r" }, 0, 0, HN_CLI_GO, "x", "r", 0, "",
		    "" },
		{ { "--req", "r", "--flag" }, 0, 0, HN_CLI_GO, NULL, "r", 1, "",
		    "" },
		{ { "--req", "r", "-f" }, 0, 0, HN_CLI_GO, NULL, "r", 1, "",
		    "" },
		/* the last of a repeated value wins; each is called in order */
		{ { "--req", "a", "--req", "b" }, 0, 0, HN_CLI_GO, NULL, "b", 0,
		    "", "" },
		{ { "--each", "1", "--req", "r", "--other", "2", "--each=3" },
		    0, 0, HN_CLI_GO, NULL, "r", 0, "each=1,other=2,each=3,",
		    "" },
		/* positional arguments anywhere, "-" one of them, "--" ends
		 * the options */
		{ { "a", "--req", "r", "-", "b" }, 3, 3, HN_CLI_GO, NULL, "r",
		    0, "", "a - b" },
		{ { "--req", "r", "--", "--val", "-v" }, 2, 2, HN_CLI_GO, NULL,
		    "r", 0, "", "--val -v" },
		{ { "--req", "r", "a", "b" }, 0, -1, HN_CLI_GO, NULL, "r", 0,
		    "", "a b" },
		/* --help: exit 0, nothing required */
		{ { "--help" }, 1, 1, 0, NULL, NULL, 0, "", "" },
		/* misuse: exit 2 */
		{ { "--req", "r", "--nope" }, 0, 0, 2, NULL, NULL, 0, "", "" },
		{ { "--req", "r", "-x" }, 0, 0, 2, NULL, NULL, 0, "", "" },
		{ { "--req", "r", "--val" }, 0, 0, 2, NULL, NULL, 0, "", "" },
		{ { "--req", "r", "-v" }, 0, 0, 2, NULL, NULL, 0, "", "" },
		{ { "--req", "r", "--each" }, 0, 0, 2, NULL, NULL, 0, "", "" },
		{ { "--req", "r", "--flag=1" }, 0, 0, 2, NULL, NULL, 0, "",
		    "" },
		{ { "--req", "r", "-fx" }, 0, 0, 2, NULL, NULL, 0, "", "" },
		{ { "--val", "v" }, 0, 0, 2, NULL, NULL, 0, "", "" },
		{ { "--req", "r" }, 1, 1, 2, NULL, NULL, 0, "", "" },
		{ { "--req", "r", "a", "b" }, 0, 1, 2, NULL, NULL, 0, "", "" },
		/* each's own failure is the status, and parsing stops */
		{ { "--req", "r", "--each", "bad", "--nope" }, 0, 0, 3, NULL,
		    NULL, 0, "", "" },
	};
	size_t i, k;
	int argc, np, st;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *argv[MAXARGS + 1] = { "cmd" }, pos[128] = "";
		struct seen s;
		const struct hn_cli_opt opts[] = { HN_OPT_LETTER("val", 'v',
						       &s.val),
			HN_OPT_REQ("req", &s.req),
			HN_OPT_FLAG_LETTER("flag", 'f', &s.flag),
			HN_OPT_EACH("each", each, &s),
			HN_OPT_EACH("other", each, &s), HN_OPT_END };

		memset(&s, 0, sizeof(s));
		for (argc = 1; t[i].args[argc - 1] != NULL; argc++)
			argv[argc] = (char *)t[i].args[argc - 1];
		np = -1;
		st = hn_cli_args(argc, argv, opts, t[i].min_pos, t[i].max_pos,
		    "cmd [options]", &np);
		if (st != t[i].status)
			fail_msg("case %zu: status %d, want %d", i, st,
			    t[i].status);
		if (st != HN_CLI_GO) {
			assert_int_equal(np, -1); /* untouched */
			continue;
		}
		if (t[i].val == NULL)
			assert_null(s.val);
		else
			assert_string_equal(s.val, t[i].val);
		assert_string_equal(s.req, t[i].req);
		assert_int_equal(s.flag, t[i].flag);
		assert_string_equal(s.each, t[i].each);
		for (k = 0; k < (size_t)np; k++) {
			add(pos, k > 0 ? " " : "");
			add(pos, argv[1 + k]);
		}
		if (strcmp(pos, t[i].pos) != 0)
			fail_msg("case %zu: positional '%s', want '%s'", i, pos,
			    t[i].pos);
	}
}

/* A required repeatable option: missing is an error, once is enough. */
static void
test_each_required(void **state)
{
	struct seen s;
	const struct hn_cli_opt opts[] = { HN_OPT_EACH_REQ("url", each, &s),
		HN_OPT_END };
	char *a1[] = { "cmd", NULL }, *a2[] = { "cmd", "--url", "u", NULL };

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(hn_cli_args(1, a1, opts, 0, 0, "cmd", NULL), 2);
	assert_int_equal(hn_cli_args(3, a2, opts, 0, 0, "cmd", NULL),
	    HN_CLI_GO);
	assert_string_equal(s.each, "url=u,");
}

/* Without letters in the table, "-x" is a positional argument. */
static void
test_dash_word(void **state)
{
	const char *v = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT("v", &v), HN_OPT_END };
	char *a[] = { "cmd", "-x", NULL };
	int np = 0;

	(void)state;
	assert_int_equal(hn_cli_args(2, a, opts, 1, 1, "cmd X", &np),
	    HN_CLI_GO);
	assert_int_equal(np, 1);
	assert_string_equal(a[1], "-x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_each_required),
		cmocka_unit_test(test_dash_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
