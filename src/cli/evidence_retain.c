/*
 * evidence_retain.c - an item's retention: retain (set the end of its
 * period), delete (its content once the period ended; the row, its hash
 * and custody history stay).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/evidence_int.h"

/* YYYY-MM-DD (UTC midnight) to seconds; -1 if malformed. */
static int64_t
parse_day(const char *s)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	return (int64_t)timegm(&tm);
}

/* retain --request ID --name NAME --until YYYY-MM-DD */
int
ev_cmd_retain(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet evidence retain --request ID "
	    "--name NAME --until YYYY-MM-DD [--dir DIR]";
	const char *request = NULL, *name = NULL, *until = NULL;
	const char *dir = ev_default_dir();
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name), HN_OPT_REQ("until", &until),
		HN_OPT("dir", &dir), HN_OPT_END };
	struct hn_evidence_item it;
	struct ev_node n;
	int64_t t;
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if ((t = parse_day(until)) < 0)
		return hn_cli_usage("--until %s: not a date YYYY-MM-DD; "
				    "usage: %s",
		    until, usage);
	if ((rc = ev_node_open(&n, dir)) != 0)
		return rc;
	if ((rc = ev_find_item(&n, request, name, &it)) == 0 &&
	    (rc = hn_custody_retain(&n.custody, &it, t)) != 0)
		rc = hn_cli_fail(1, "cannot record: %s", hn_strerror(rc));
	ev_node_close(&n);
	return rc;
}

/*
 * delete --request ID --name NAME --reason WHY: only once its retention
 * period has ended; the object goes (unless another item uses the same
 * content), the row, its hash and its custody history stay.
 */
int
ev_cmd_delete(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet evidence delete --request ID "
	    "--name NAME --reason WHY [--by WHO] [--dir DIR]";
	const char *request = NULL, *name = NULL, *why = NULL;
	const char *dir = ev_default_dir(), *actor = ev_default_actor();
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name), HN_OPT_REQ("reason", &why),
		HN_OPT("dir", &dir), HN_OPT("by", &actor), HN_OPT_END };
	struct hn_evidence_item it;
	struct hn_error err;
	int64_t now = (int64_t)time(NULL);
	struct ev_node n;
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if (why[0] == '\0')
		return hn_cli_usage("--reason must not be empty; usage: %s",
		    usage);
	if ((rc = ev_node_open(&n, dir)) != 0)
		return rc;
	if ((rc = ev_find_item(&n, request, name, &it)) != 0)
		goto done;
	hn_error_clear(&err);
	rc = hn_custody_delete(&n.custody, n.blobs, &it, now, actor, why, &err);
	if (rc == HN_ESTATE) {
		rc = hn_cli_fail(1,
		    "%s is under retention%s: it is deleted only "
		    "once its retention period ends",
		    it.name,
		    it.retention_until == 0 ?
			" (no end set: 'hanoinet evidence "
			"retain')" :
			"");
		goto done;
	}
	if (rc != 0) {
		rc = hn_cli_fail(1, "cannot delete: %s",
		    err.message[0] ? err.message : hn_strerror(rc));
		goto done;
	}
	printf("%s deleted (SHA-256 %s kept in the record)\n", it.name,
	    it.sha256);
	rc = 0;
done:
	ev_node_close(&n);
	return rc;
}
