/*
 * hanoinet request kinds [--markdown]: the request kinds table as JSON, the
 * same document a node serves at GET /v1/kinds; --markdown prints the
 * tables of docs/requests.md (a unit test keeps the two in step).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/protocol.h"
#include "core/request.h"
#include "util/fmt.h"

static void
row(const char *prefix, const struct hn_field *f)
{
	char max[32] = "";

	if (f->type == HN_FT_TEXT || f->type == HN_FT_ITEMS)
		HN_FMT_FIXED(max, sizeof(max), "%zu", f->max);
	printf("| `%s%s` | %s | %s | %s | %s | %s |\n", prefix, f->name,
	    hn_ftype_name(f->type), f->required ? "yes" : "no", max,
	    f->article ? f->article : "", f->help ? f->help : "");
}

static void
markdown(void)
{
	const struct hn_kind *k;
	const struct hn_field *f, *g;
	char prefix[64];

	for (k = hn_kinds; k->name != NULL; k++) {
		printf("### `%s` (art. %s): %s\n\n", k->name, k->article,
		    k->title);
		printf("| field | type | required | max | article | meaning |\n"
		       "|---|---|---|---|---|---|\n");
		for (f = k->fields; f->name != NULL; f++) {
			row("", f);
			HN_FMT_FIXED(prefix, sizeof(prefix), "%.40s[].",
			    f->name);
			for (g = f->items; g != NULL && g->name != NULL; g++)
				row(prefix, g);
		}
		printf("\n");
	}
}

int
cmd_request_kinds(int argc, char **argv)
{
	static const char usage[] = "hanoinet request kinds [--markdown]";
	int md = 0, r;
	const struct hn_cli_opt opts[] = { HN_OPT_FLAG("markdown", &md),
		HN_OPT_END };
	json_t *k;
	char *s;

	if ((r = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) != HN_CLI_GO)
		return r;
	if (md) {
		markdown();
		return 0;
	}
	if ((k = hn_kinds_json()) == NULL)
		return hn_cli_fail(2, "out of memory");
	s = json_dumps(k, JSON_INDENT(1));
	json_decref(k);
	if (s == NULL)
		return hn_cli_fail(2, "out of memory");
	puts(s);
	free(s);
	return 0;
}

/* hanoinet request protocol: every kind's table as Markdown (the text
 * docs/protocol.md holds between its protocol markers). */
int
cmd_request_protocol(int argc, char **argv)
{
	char *s;
	int r;

	if ((r = hn_cli_args(argc, argv, NULL, 0, 0,
		 "hanoinet request "
		 "protocol",
		 NULL)) != HN_CLI_GO)
		return r;
	if ((s = hn_protocol_text()) == NULL)
		return hn_cli_fail(2, "out of memory");
	fputs(s, stdout);
	free(s);
	return 0;
}
