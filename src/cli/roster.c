/*
 * hanoinet roster show|set --dir DIR [FILE]: the on-call roster of a local
 * data directory (issue 16; core/roster.h says what a valid one is). set
 * reads FILE ("-": standard input), validates it and replaces the roster;
 * an error names the field. The running node sees it at once (SQLite WAL).
 * Over the API: GET/PUT /v1/roster.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli.h"
#include "core/roster.h"
#include "store/roster.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"

static int
open_db(const char *dir, struct hn_db **db)
{
	char path[PATH_MAX];
	struct hn_error e;

	hn_error_clear(&e);
	if (hn_fmt(path, sizeof(path), "%s/hanoinet.db", dir) != 0)
		return hn_cli_usage("path too long");
	if (hn_db_open(db, path, &e) != 0)
		return hn_cli_fail(1, "%s", e.message);
	return 0;
}

static int
roster_show(int argc, char **argv)
{
	static const char usage[] = "hanoinet roster show --dir DIR";
	const char *dir = ".";
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir), HN_OPT_END };
	struct hn_db *db = NULL;
	json_t *v = NULL;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) != HN_CLI_GO)
		return r;
	if ((r = open_db(dir, &db)) != 0)
		return r;
	if (hn_roster_get(db, &v) != 0) {
		r = hn_cli_fail(1, "cannot read the roster");
		goto out;
	}
	r = json_dumpf(v, stdout, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 ? 0 : 1;
	putchar('\n');
out:
	json_decref(v);
	hn_db_close(db);
	return r;
}

static int
roster_set(int argc, char **argv)
{
	static const char usage[] = "hanoinet roster set --dir DIR FILE";
	const char *dir = ".";
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir), HN_OPT_END };
	struct hn_db *db = NULL;
	struct hn_error e;
	struct hn_buf b;
	json_t *v = NULL;
	int r;

	hn_error_clear(&e);
	hn_buf_init(&b, HN_ROSTER_DOC_MAX);
	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		goto out;
	if (hn_file_read(argv[1], &b) != 0) {
		r = hn_cli_fail(1, "%s: cannot read (at most %d bytes)",
		    argv[1], HN_ROSTER_DOC_MAX);
		goto out;
	}
	if ((v = hn_json_parse(b.data ? b.data : "", b.len, b.max, 8, &e)) ==
		NULL ||
	    hn_roster_validate(v, &e) != 0) {
		r = hn_cli_fail(1, "%s: %s%s%s", argv[1], e.field,
		    e.field[0] ? ": " : "", e.message);
		goto out;
	}
	if ((r = open_db(dir, &db)) != 0)
		goto out;
	if (hn_roster_put(db, v, "local", (int64_t)time(NULL)) != 0) {
		r = hn_cli_fail(1, "cannot store the roster");
		goto out;
	}
	printf("roster: %zu people\n",
	    json_array_size(json_object_get(v, "people")));
	r = 0;
out:
	json_decref(v);
	hn_db_close(db);
	hn_buf_release(&b);
	return r;
}

static const struct hn_cmd roster_cmds[] = { { "show", roster_show,
						 "print the on-call roster" },
	{ "set", roster_set, "validate a roster file and store it" },
	{ NULL, NULL, NULL } };

int
cmd_roster(int argc, char **argv)
{
	return hn_cli_dispatch("roster", roster_cmds, argc - 1, argv + 1);
}
