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
#include "store/blob.h"
#include "store/intake.h"
#include "util/encode.h"
#include "util/fmt.h"
#include "util/json.h"

struct transfer_args {
	struct ev_node *n;
	const struct hn_evidence_item *it;
	const char *action, *direction, *peer, *conditions, *actor, *why;
	json_t *d;
	int64_t now;
};

/* The custody event and, with a direction, the transfer row. */
static int
transfer_tx(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct transfer_args *a = arg;
	int r;

	if ((r = hn_custody_event_tx(&a->n->custody, a->it, a->action, a->now,
	    a->actor, a->why, a->d, err)) != 0)
		return r;
	if (a->direction != NULL &&
	    (r = hn_transfer_insert(db, a->it->id, a->direction, a->peer,
	    a->conditions, a->now)) != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot record the transfer");
	return 0;
}

static int
transfer_job(struct ev_node *n, const struct hn_evidence_item *it,
    const char *action, const char *direction, const char *peer,
    const char *conditions, const char *actor, const char *why, json_t *d,
    struct hn_error *err)
{
	struct transfer_args a = { n, it, action, direction, peer, conditions,
	    actor, why, d, (int64_t)time(NULL) };

	return hn_db_tx(n->db, transfer_tx, &a, err);
}

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
	static const char usage[] = "hanoinet evidence seal-for --request ID "
	    "--name NAME --recipient VKEY --out FILE [--conditions TEXT] "
	    "[--by WHO] [--reason WHY] [--dir DIR]";
	const char *request = NULL, *name = NULL, *vkey = NULL, *out = NULL;
	const char *cond = "", *dir = ev_default_dir(), *actor = ev_default_actor();
	const char *why = "";
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name),
		HN_OPT_REQ("recipient", &vkey),
		HN_OPT_REQ("out", &out),
		HN_OPT("conditions", &cond),
		HN_OPT("dir", &dir),
		HN_OPT("by", &actor),
		HN_OPT("reason", &why),
		HN_OPT_END
	};
	struct hn_note_verifier v;
	struct hn_evidence_item it;
	struct hn_error err;
	char tmp[4200];
	json_t *d = NULL;
	struct ev_node n;
	int rc, fd;

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
	if (hn_evidence_onward_allowed(&it) != 0) {
		/* art. 36: no onward transfer without the sender's consent */
		rc = hn_cli_fail(1, "art. 36: %s was received from %s; sending it "
		    "on needs that State's authorisation (record it with "
		    "'hanoinet evidence consent')", it.name, it.origin);
		goto done;
	}
	if (hn_fmt(tmp, sizeof(tmp), "%s.partial", out) != 0) {
		rc = hn_cli_fail(2, "%s: path too long", out);
		goto done;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0) {
		rc = hn_cli_fail(2, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	rc = hn_blob_export_sealed(n.blobs, it.sha256, &n.keys, v.pk, fd, &err);
	if (rc == 0 && fsync(fd) != 0)
		rc = hn_error_set(&err, HN_EIO, NULL, NULL, "cannot sync %s", tmp);
	close(fd);
	if (rc == 0 && rename(tmp, out) != 0)
		rc = hn_error_set(&err, HN_EIO, NULL, NULL, "cannot rename %s",
		    tmp);
	if (rc != 0) {
		unlink(tmp);
		rc = hn_cli_fail(1, "%s", err.message);
		goto done;
	}
	d = json_pack("{s:s,s:s,s:s}", "recipient", v.name, "conditions", cond,
	    "sealed_for", vkey);
	if ((rc = transfer_job(&n, &it, "transfer_out", "out", v.name, cond,
	    actor, why, d, &err)) != 0) {
		unlink(out);
		rc = hn_cli_fail(1, "%s", err.message);
		goto done;
	}
	printf("%s sealed for %s: %s (sha256 %s)\n", it.name, v.name, out,
	    it.sha256);
	rc = 0;
done:
	json_decref(d);
	ev_node_close(&n);
	return rc;
}

struct receive_args {
	struct ev_node *n;
	const struct hn_intake_result *res;
	struct hn_evidence_item *it;
	const char *request, *name, *from, *cond, *actor, *pkhex;
	json_t *d;
	int64_t now;
};

/* The item, its intake, seal, received and verified events, its origin
 * and the incoming transfer: one transaction. */
static int
receive_tx(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct receive_args *a = arg;
	struct hn_evidence_item *it = a->it;
	int r;

	if ((r = hn_custody_add_item_tx(&a->n->custody, a->res, a->request,
	    a->name, "", a->actor, a->now, a->pkhex, it, err)) != 0)
		return r;
	/* art. 36: who sent it and under which conditions */
	/* checked by the receive command (HN_EV_WHO_MAX, HN_EV_TEXT_MAX) */
	HN_FMT_FIXED(it->origin, sizeof(it->origin), "%s", a->from);
	HN_FMT_FIXED(it->conditions, sizeof(it->conditions), "%s", a->cond);
	if ((r = hn_evidence_set_origin(db, it->id, a->from, a->cond)) != 0 ||
	    (r = hn_custody_event_tx(&a->n->custody, it, "received", a->now,
	    a->actor, "", a->d, err)) != 0 ||
	    (r = hn_custody_event_tx(&a->n->custody, it, "verified", a->now,
	    a->actor, "SHA-256 matches the sender's", NULL, err)) != 0)
		return r;
	return hn_transfer_insert(db, it->id, "in", a->from, a->cond, a->now);
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
	static const char usage[] = "hanoinet evidence receive FILE --request "
	    "ID --name NAME --sha256 HEX --from NODE [--conditions TEXT] "
	    "[--by WHO] [--dir DIR]";
	const char *request = NULL, *name = NULL, *sha = NULL, *from = NULL;
	const char *cond = "", *dir = ev_default_dir(), *actor = ev_default_actor();
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name),
		HN_OPT_REQ("sha256", &sha),
		HN_OPT_REQ("from", &from),
		HN_OPT("conditions", &cond),
		HN_OPT("dir", &dir),
		HN_OPT("by", &actor),
		HN_OPT_END
	};
	struct hn_intake_result res;
	struct hn_evidence_item it;
	struct hn_error err;
	int64_t now = (int64_t)time(NULL);
	struct receive_args ra;
	char pkhex[65];
	json_t *d = NULL;
	struct ev_node n;
	int rc, fd, existed = 0;

	if ((rc = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if (hn_blob_addr_valid(sha) != 0)
		return hn_cli_usage("--sha256 must be 64 lowercase hex digits\n"
		    "usage: %s", usage);
	if (strlen(from) > HN_EV_WHO_MAX)
		return hn_cli_usage("--from is longer than %d bytes\nusage: %s",
		    HN_EV_WHO_MAX, usage);
	if (strlen(cond) > HN_EV_TEXT_MAX)
		return hn_cli_usage("--conditions is longer than %d bytes\n"
		    "usage: %s", HN_EV_TEXT_MAX, usage);
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
	memset(&res, 0, sizeof(res));
	rc = hn_blob_receive_sealed(n.blobs, sha, &n.keys, fd, &res.size,
	    &existed, &err);
	close(fd);
	if (rc != 0) {
		rc = hn_cli_fail(1, "refused: %s", err.message);
		goto done;
	}
	HN_FMT_FIXED(res.addr, sizeof(res.addr), "%s", sha);
	res.existed = existed;
	hn_hex_encode(pkhex, n.keys.ed_pk, 32);
	memset(&it, 0, sizeof(it));
	d = json_pack("{s:s,s:s}", "from", from, "conditions", cond);
	ra.n = &n;
	ra.res = &res;
	ra.it = &it;
	ra.request = request;
	ra.name = name;
	ra.from = from;
	ra.cond = cond;
	ra.actor = actor;
	ra.pkhex = pkhex;
	ra.d = d;
	ra.now = now;
	if ((rc = hn_db_tx(n.db, receive_tx, &ra, &err)) != 0) {
		rc = hn_cli_fail(1, "%s", err.message[0] ? err.message :
		    hn_strerror(rc));
		goto done;
	}
	printf("%s  %s  %llu bytes  item %lld  received from %s\n", sha, it.name,
	    (unsigned long long)res.size, (long long)it.id, from);
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
	const struct hn_cli_opt opts[] = {
		HN_OPT_REQ("request", &request),
		HN_OPT_REQ("name", &name),
		HN_OPT_REQ("ref", &ref),
		HN_OPT("dir", &dir),
		HN_OPT_END
	};
	struct hn_evidence_item it;
	struct ev_node n;
	int rc;

	if ((rc = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
	    HN_CLI_GO)
		return rc;
	if (ref[0] == '\0' || strlen(ref) > HN_EV_TEXT_MAX)
		return hn_cli_usage("--ref must be 1 to %d bytes\nusage: %s",
		    HN_EV_TEXT_MAX, usage);
	if ((rc = ev_node_open(&n, dir)) != 0)
		return rc;
	if ((rc = ev_find_item(&n, request, name, &it)) == 0 &&
	    (rc = hn_evidence_set_consent(n.db, it.id, ref)) != 0)
		rc = hn_cli_fail(1, "cannot record: %s", hn_strerror(rc));
	ev_node_close(&n);
	return rc;
}
