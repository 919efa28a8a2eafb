/*
 * hanoinet request validate FILE: "ok" and exit 0 for a valid request;
 * otherwise one line per problem "FIELD: what is wrong (art. 42 (c))" on
 * stdout and exit 1 (also for JSON that does not parse, is too deep or too
 * large); exit 2 for a usage error or an unreadable file.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/request.h"
#include "util/buf.h"
#include "util/file.h"

int
cmd_request_validate(int argc, char **argv)
{
	static const char usage[] = "hanoinet request validate FILE|-";
	struct hn_buf b = HN_BUF_INIT(HN_REQUEST_MAX_BYTES);
	struct hn_problems *ps = NULL;
	json_t *req = NULL;
	char line[HN_PROBLEM_FIELD_MAX + HN_PROBLEM_MESSAGE_MAX + 64];
	size_t i;
	int r;

	if ((r = hn_cli_args(argc, argv, NULL, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	if (argv[1][0] == '-' && argv[1][1] != '\0')
		return hn_cli_usage("unknown option %s; usage: %s", argv[1],
		    usage);
	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return hn_cli_fail(2, "out of memory");
	r = hn_file_read(argv[1], &b);
	if (r == HN_ETOOBIG) {
		printf("(document): larger than %u bytes\n",
		    HN_REQUEST_MAX_BYTES);
		r = 1;
		goto out;
	}
	if (r != 0) {
		r = hn_cli_fail(2, "%s: %s", argv[1], hn_strerror(r));
		goto out;
	}
	if (hn_request_parse(b.data, b.len, &req, ps) == 0) {
		puts("ok");
		r = 0;
		goto out;
	}
	for (i = 0; i < ps->n; i++) {
		hn_problem_format(&ps->p[i], line, sizeof(line));
		puts(line);
	}
	if (ps->truncated)
		printf("(document): more than %d problems, the rest not "
		       "shown\n",
		    HN_PROBLEMS_MAX);
	r = 1;
out:
	json_decref(req);
	free(ps);
	hn_buf_release(&b);
	return r;
}
