/*
 * hanoinet request create|list|show|transition|approve: the node's API
 * from the command line (cli/node_client.h for --node, --cacert, --dir and
 * the session). hanoinet request receive --dir DIR FILE: registers, in a
 * local data directory, a request that arrived outside the network (in
 * writing, art. 40) as an incoming request.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/node_client.h"
#include "core/request.h"
#include "crypto/sign.h"
#include "node/node.h"
#include "node/requests.h"
#include "store/requests.h"
#include "store/store.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"

static int
print_json(const json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (s == NULL)
		return hn_cli_fail(2, "out of memory");
	printf("%s\n", s);
	free(s);
	return 0;
}

int
cmd_request_create(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet request create [--node URL] "
	    "[--cacert FILE] [--dir DIR] [--json] FILE|-";
	struct hn_buf b = HN_BUF_INIT(HN_REQUEST_MAX_BYTES);
	struct hn_cli_node o;
	struct hn_client *cl = NULL;
	json_t *ans = NULL;
	int r, js = 0;
	const struct hn_cli_opt opts[] = { HN_OPT_NODE(&o),
		HN_OPT_FLAG("json", &js), HN_OPT_END };

	hn_cli_node_init(&o);
	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	if ((r = hn_file_read(argv[1], &b)) != 0) {
		hn_buf_release(&b);
		return hn_cli_fail(2, "%s: %s", argv[1], hn_strerror(r));
	}
	if ((r = hn_cli_connect(&cl, &o, 1)) != 0)
		goto out;
	if ((r = hn_cli_call(cl, "POST", "/v1/requests", b.data ? b.data : "",
		 &ans)) != 0)
		goto out;
	if (js)
		r = print_json(ans);
	else
		printf("created %s (%s, %s) ledger index %lld\n",
		    hn_json_str(ans, "id"), hn_json_str(ans, "kind"),
		    hn_json_str(ans, "state"),
		    (long long)json_integer_value(
			json_object_get(ans, "ledger_index")));
out:
	json_decref(ans);
	hn_buf_release(&b);
	hn_client_free(cl);
	return r;
}

/* Appends "&key=value" (value URL-escaped by curl's rules: we only accept
 * safe characters) to q. */
static int
add_query(char *q, size_t max, const char *key, const char *v)
{
	size_t i, n = strlen(q);

	for (i = 0; v[i]; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
			(v[i] >= 'A' && v[i] <= 'Z') ||
			(v[i] >= '0' && v[i] <= '9') || v[i] == '_' ||
			v[i] == '.' || v[i] == '-'))
			return -1;
	return hn_fmt_add(q, max, &n, "%c%s=%s", n ? '&' : '?', key, v) != 0 ?
	    -1 :
	    0;
}

/* The query of request list: each filter in the order given. */
struct list_query {
	char q[900];
	const char *usage;
};

static int
list_filter(void *ctx, const char *name, const char *value)
{
	struct list_query *lq = ctx;

	if (add_query(lq->q, sizeof(lq->q), name, value) != 0)
		return hn_cli_usage(
		    "--%s %s: only letters, digits, '_', '.' "
		    "and '-' (and at most %zu bytes in all); usage: %s",
		    name, value, sizeof(lq->q) - 1, lq->usage);
	return 0;
}

int
cmd_request_list(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet request list [--node URL] "
	    "[--cacert FILE] [--dir DIR] [--kind K] [--party P] [--state S] "
	    "[--side S] [--due ok|due_soon|overdue] [--limit N] [--cursor C] "
	    "[--json]";
	struct list_query lq = { "", usage };
	struct hn_cli_node o;
	struct hn_client *cl = NULL;
	char path[1024] = "/v1/requests";
	json_t *ans = NULL, *items, *it;
	size_t k;
	int r, js = 0;
	const struct hn_cli_opt opts[] = { HN_OPT_NODE(&o),
		HN_OPT_FLAG("json", &js), HN_OPT_EACH("kind", list_filter, &lq),
		HN_OPT_EACH("party", list_filter, &lq),
		HN_OPT_EACH("state", list_filter, &lq),
		HN_OPT_EACH("side", list_filter, &lq),
		HN_OPT_EACH("due", list_filter, &lq),
		HN_OPT_EACH("limit", list_filter, &lq),
		HN_OPT_EACH("cursor", list_filter, &lq), HN_OPT_END };

	hn_cli_node_init(&o);
	if ((r = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) != HN_CLI_GO)
		return r;
	HN_FMT_FIXED(path, sizeof(path), "/v1/requests%s", lq.q); /* q[900] */
	if ((r = hn_cli_connect(&cl, &o, 1)) != 0)
		return r;
	if ((r = hn_cli_call(cl, "GET", path, NULL, &ans)) != 0)
		goto out;
	if (js) {
		r = print_json(ans);
		goto out;
	}
	items = json_object_get(ans, "requests");
	printf("%-32s  %-18s  %-10s  %-3s  %-3s  %-18s  %s\n", "ID", "KIND",
	    "SIDE", "FROM", "TO", "STATE", "NEXT DUE");
	json_array_foreach(items, k,
	    it) printf("%-32s  %-18s  %-10s  %-4s %-3s  %-18s  %s\n",
	    hn_json_str(it, "id"), hn_json_str(it, "kind"),
	    hn_json_str(it, "side"), hn_json_str(it, "from"),
	    hn_json_str(it, "to"), hn_json_str(it, "state"),
	    hn_json_str(it, "next_due") ? hn_json_str(it, "next_due") : "-");
	if (hn_json_str(ans, "next_cursor") != NULL)
		printf("(more: --cursor %s)\n",
		    hn_json_str(ans, "next_cursor"));
out:
	json_decref(ans);
	hn_client_free(cl);
	return r;
}

int
cmd_request_show(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet request show [--node URL] "
	    "[--cacert FILE] [--dir DIR] ID (32 hex digits)";
	struct hn_cli_node o;
	struct hn_client *cl = NULL;
	char path[128];
	json_t *ans = NULL;
	int r, js = 0; /* --json: the answer is JSON either way */
	const struct hn_cli_opt opts[] = { HN_OPT_NODE(&o),
		HN_OPT_FLAG("json", &js), HN_OPT_END };

	hn_cli_node_init(&o);
	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	if (!hn_rq_id_valid(argv[1]))
		return hn_cli_usage("%s: not a request id; usage: %s", argv[1],
		    usage);
	HN_FMT_FIXED(path, sizeof(path), "/v1/requests/%s", argv[1]); /* 32 */
	if ((r = hn_cli_connect(&cl, &o, 1)) != 0)
		return r;
	if ((r = hn_cli_call(cl, "GET", path, NULL, &ans)) == 0)
		r = print_json(ans);
	json_decref(ans);
	hn_client_free(cl);
	return r;
}

static int
transition(struct hn_cli_node *o, const char *id, const char *to, json_t *body)
{
	struct hn_client *cl = NULL;
	char path[160], *text = NULL;
	json_t *ans = NULL;
	int r;

	if (hn_fmt(path, sizeof(path), "/v1/requests/%s/%s", id,
		to != NULL ? "transitions" : "approve") != 0)
		return hn_cli_fail(2, "request id too long");
	if ((text = json_dumps(body, JSON_COMPACT)) == NULL)
		return hn_cli_fail(2, "out of memory");
	if ((r = hn_cli_connect(&cl, o, 1)) != 0)
		goto out;
	if ((r = hn_cli_call(cl, "POST", path, text, &ans)) != 0)
		goto out;
	printf("%s: %s -> %s, ledger index %lld\n", hn_json_str(ans, "id"),
	    hn_json_str(ans, "from_state"), hn_json_str(ans, "state"),
	    (long long)json_integer_value(
		json_object_get(ans, "ledger_index")));
out:
	free(text);
	json_decref(ans);
	hn_client_free(cl);
	return r;
}

static int
add_ground(void *ctx, const char *name, const char *value)
{
	(void)name;
	if (json_array_append_new(ctx, json_string(value)) != 0)
		return hn_cli_fail(2, "out of memory");
	return 0;
}

int
cmd_request_transition(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet request transition [--node URL] "
	    "[--cacert FILE] [--dir DIR] ID STATE [--reason TEXT] "
	    "[--ground CODE]...";
	struct hn_cli_node o;
	json_t *body = NULL, *grounds = json_array();
	const char *reason = NULL;
	int r;
	const struct hn_cli_opt opts[] = { HN_OPT_NODE(&o),
		HN_OPT("reason", &reason),
		HN_OPT_EACH("ground", add_ground, grounds), HN_OPT_END };

	hn_cli_node_init(&o);
	if (grounds == NULL)
		return hn_cli_fail(2, "out of memory");
	if ((r = hn_cli_args(argc, argv, opts, 2, 2, usage, NULL)) != HN_CLI_GO)
		goto out;
	if (!hn_rq_id_valid(argv[1])) {
		r = hn_cli_usage("%s: not a request id; usage: %s", argv[1],
		    usage);
		goto out;
	}
	if ((body = json_object()) == NULL ||
	    (reason != NULL &&
		json_object_set_new(body, "reason", json_string(reason)) !=
		    0)) {
		r = hn_cli_fail(2, "out of memory");
		goto out;
	}
	json_object_set_new(body, "to", json_string(argv[2]));
	if (json_array_size(grounds) > 0)
		json_object_set(body, "grounds", grounds);
	r = transition(&o, argv[1], argv[2], body);
out:
	json_decref(grounds);
	json_decref(body);
	return r;
}

int
cmd_request_approve(int argc, char **argv)
{
	static const char usage[] = "hanoinet request approve [--node URL] "
				    "[--cacert FILE] [--dir DIR] ID";
	struct hn_cli_node o;
	json_t *body;
	int r;
	const struct hn_cli_opt opts[] = { HN_OPT_NODE(&o), HN_OPT_END };

	hn_cli_node_init(&o);
	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	if (!hn_rq_id_valid(argv[1]))
		return hn_cli_usage("%s: not a request id; usage: %s", argv[1],
		    usage);
	body = json_object();
	r = transition(&o, argv[1], NULL, body);
	json_decref(body);
	return r;
}

struct receive_job {
	struct hn_node *node;
	json_t *doc;
	int64_t now;
	struct hn_request_row row;
};

static int
receive_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct receive_job *j = arg;

	return hn_rq_receive(j->node, db, j->doc, NULL, j->now, &j->row, err);
}

int
cmd_request_receive(int argc, char **argv)
{
	struct hn_buf b = HN_BUF_INIT(HN_REQUEST_MAX_BYTES);
	struct hn_problems ps;
	struct receive_job j;
	struct hn_node *n = NULL;
	struct hn_error e;
	static const char usage[] = "hanoinet request receive --dir DIR FILE|-";
	const char *dir = ".", *file;
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir), HN_OPT_END };
	char conf[PATH_MAX], line[256];
	size_t k;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	file = argv[1];
	memset(&j, 0, sizeof(j));
	hn_request_row_init(&j.row);
	hn_error_clear(&e);
	if (hn_crypto_init() != 0)
		return hn_cli_fail(1, "cannot initialise libsodium");
	if ((r = hn_file_read(file, &b)) != 0) {
		hn_buf_release(&b);
		return hn_cli_fail(2, "%s: %s", file, hn_strerror(r));
	}
	hn_problems_init(&ps);
	if (hn_request_parse(b.data ? b.data : "", b.len, &j.doc, &ps) != 0) {
		for (k = 0; k < ps.n; k++) {
			hn_problem_format(&ps.p[k], line, sizeof(line));
			fprintf(stderr, "%s: %s\n", file, line);
		}
		r = 1;
		goto out;
	}
	if (hn_fmt(conf, sizeof(conf), "%s/hanoinet.conf", dir) != 0) {
		r = hn_cli_fail(2, "%s: path too long", dir);
		goto out;
	}
	if ((r = hn_node_open(&n, conf, &e)) != 0) {
		r = hn_cli_fail(2, "%s", e.message);
		goto out;
	}
	j.node = n;
	j.now = (int64_t)time(NULL);
	if ((r = hn_store_write(n->store, receive_job, &j, &e)) != 0) {
		r = hn_cli_fail(1, "%s%s%s", e.message, e.field[0] ? ": " : "",
		    e.field);
		goto out;
	}
	printf("received %s (%s from %s) ledger index %llu\n", j.row.id,
	    j.row.kind, j.row.from, (unsigned long long)j.row.ledger_index);
	r = 0;
out:
	hn_node_close(n);
	hn_request_row_release(&j.row);
	json_decref(j.doc);
	hn_buf_release(&b);
	return r;
}
