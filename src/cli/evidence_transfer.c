/*
 * evidence_transfer.c - moving an item between nodes by hand, with art. 36
 * (no onward transfer of received data without the sender's consent):
 * seal-for (sealed to another node's key), receive (a sealed stream
 * checked and stored), consent (the sender's authorisation recorded).
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
#include "node/evhand.h"
#include "store/blob.h"
#include "util/encode.h"
#include "util/json.h"

/*
 * seal-for --request ID --name NAME --recipient VKEY --out FILE
 *   [--conditions TEXT] [--by WHO] [--reason WHY]
 * The item sealed to another node's key (what the federation sends),
 * refused for received data without the sender's recorded authorisation
 * (art. 36).
 */
int
ev_cmd_seal_for(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet evidence seal-for --request ID "
	    "--name NAME --recipient VKEY --out FILE [--conditions TEXT] "
	    "[--by WHO] [--reason WHY] [--dir DIR]";
	const char *request = NULL, *name = NULL, *vkey = NULL, *out = NULL;
	const char *cond = "", *dir = ev_default_dir(),
		   *actor = ev_default_actor();
	const char *why = "";
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name), HN_OPT_REQ("recipient", &vkey),
		HN_OPT_REQ("out", &out), HN_OPT("conditions", &cond),
		HN_OPT("dir", &dir), HN_OPT("by", &actor),
		HN_OPT("reason", &why), HN_OPT_END };
	struct hn_note_verifier v;
	struct hn_evidence_item it;
	struct hn_error err;
	struct ev_node n;
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	hn_error_clear(&err);
	if (hn_note_verifier_parse(&v, vkey, strlen(vkey), &err) != 0 ||
	    v.type != HN_NOTE_ED25519)
		return hn_cli_usage("--recipient: not a node's verifier key "
				    "(name+keyid+base64)");
	if ((rc = ev_node_open(&n, dir)) != 0)
		return rc;
	if ((rc = ev_find_item(&n, request, name, &it)) != 0)
		goto done;
	rc = hn_evhand_seal_for(&n.custody, n.blobs, &n.keys, &it, v.name, v.pk,
	    vkey, out, cond, (int64_t)time(NULL), actor, why, &err);
	if (rc == HN_EDENIED) {
		/* art. 36: no onward transfer without the sender's consent */
		rc = hn_cli_fail(1,
		    "art. 36: %s was received from %s; sending it "
		    "on needs that State's authorisation (record it with "
		    "'hanoinet evidence consent')",
		    it.name, it.origin);
		goto done;
	}
	if (rc != 0) {
		rc = hn_cli_fail(strcmp(err.field, "out") == 0 ? 2 : 1, "%s",
		    err.message);
		goto done;
	}
	printf("%s sealed for %s: %s (sha256 %s)\n", it.name, v.name, out,
	    it.sha256);
	rc = 0;
done:
	ev_node_close(&n);
	return rc;
}

/*
 * receive FILE --request ID --name NAME --sha256 HEX --from NODE
 *   [--conditions TEXT] [--by WHO]
 * Stores a stream sealed for this node after checking every chunk and the
 * SHA-256 the sender announced; records who sent it and its conditions.
 */
int
ev_cmd_receive(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet evidence receive FILE --request "
	    "ID --name NAME --sha256 HEX --from NODE [--conditions TEXT] "
	    "[--by WHO] [--dir DIR]";
	const char *request = NULL, *name = NULL, *sha = NULL, *from = NULL;
	const char *cond = "", *dir = ev_default_dir(),
		   *actor = ev_default_actor();
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name), HN_OPT_REQ("sha256", &sha),
		HN_OPT_REQ("from", &from), HN_OPT("conditions", &cond),
		HN_OPT("dir", &dir), HN_OPT("by", &actor), HN_OPT_END };
	struct hn_evidence_item it;
	struct hn_error err;
	int64_t now = (int64_t)time(NULL);
	struct hn_custody_in in;
	uint64_t size = 0;
	char pkhex[65];
	json_t *d = NULL;
	struct ev_node n;
	int rc, fd;

	if ((rc = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if (hn_blob_addr_valid(sha) != 0)
		return hn_cli_usage("--sha256 must be 64 lowercase hex digits; "
				    "usage: %s",
		    usage);
	if (strlen(from) > HN_EV_WHO_MAX)
		return hn_cli_usage("--from is longer than %d bytes; usage: %s",
		    HN_EV_WHO_MAX, usage);
	if (strlen(cond) > HN_EV_TEXT_MAX)
		return hn_cli_usage("--conditions is longer than %d bytes; "
				    "usage: %s",
		    HN_EV_TEXT_MAX, usage);
	if ((fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0)
		return hn_cli_fail(2, "%s: %s", argv[1], strerror(errno));
	if ((rc = ev_node_open(&n, dir)) != 0) {
		close(fd);
		return rc;
	}
	if ((rc = ev_request_held(&n, request)) != 0) {
		close(fd);
		goto done;
	}
	hn_error_clear(&err);
	hn_hex_encode(pkhex, n.keys.ed_pk, 32);
	d = json_pack("{s:s,s:s}", "from", from, "conditions", cond);
	memset(&in, 0, sizeof(in));
	in.request_id = request;
	in.name = name;
	in.description = "";
	in.actor = actor;
	in.at = now;
	in.sealed_for_hex = pkhex;
	in.from = from;
	in.conditions = cond;
	in.received = d;
	in.verified = "SHA-256 matches the sender's";
	rc = hn_evhand_receive(&n.custody, n.blobs, &n.keys, fd, sha, &in,
	    &size, &it, &err);
	close(fd);
	if (rc != 0) {
		rc = hn_cli_fail(1, "%s",
		    err.message[0] ? err.message : hn_strerror(rc));
		goto done;
	}
	printf("%s  %s  %llu bytes  item %lld  received from %s\n", sha,
	    it.name, (unsigned long long)size, (long long)it.id, from);
	rc = 0;
done:
	json_decref(d);
	ev_node_close(&n);
	return rc;
}

/* consent --request ID --name NAME --ref TEXT: the sender's authorisation. */
int
ev_cmd_consent(int argc, char **argv)
{
	static const char usage[] = "hanoinet evidence consent --request ID "
				    "--name NAME --ref TEXT [--dir DIR]";
	const char *request = NULL, *name = NULL, *ref = NULL;
	const char *dir = ev_default_dir();
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name), HN_OPT_REQ("ref", &ref),
		HN_OPT("dir", &dir), HN_OPT_END };
	struct hn_evidence_item it;
	struct ev_node n;
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if (ref[0] == '\0' || strlen(ref) > HN_EV_TEXT_MAX)
		return hn_cli_usage("--ref must be 1 to %d bytes; usage: %s",
		    HN_EV_TEXT_MAX, usage);
	if ((rc = ev_node_open(&n, dir)) != 0)
		return rc;
	if ((rc = ev_find_item(&n, request, name, &it)) == 0 &&
	    (rc = hn_custody_consent(&n.custody, &it, ref)) != 0)
		rc = hn_cli_fail(1, "cannot record: %s", hn_strerror(rc));
	ev_node_close(&n);
	return rc;
}
