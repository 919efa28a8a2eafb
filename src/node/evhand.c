/*
 * evhand.c - evidence carried between nodes by hand (node/evhand.h):
 * sealed for another node into a file, received from one.
 */
#include "node/evhand.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "store/blob.h"
#include "util/fmt.h"

int
hn_evhand_seal_for(struct hn_custody *c, const char *blobs,
    const struct hn_seal_keys *keys, const struct hn_evidence_item *it,
    const char *recipient, const uint8_t recipient_pk[32], const char *vkey,
    const char *out, const char *conditions, int64_t at, const char *actor,
    const char *reason, struct hn_error *err)
{
	char tmp[4200];
	int rc, fd;

	if (hn_evidence_onward_allowed(it) != 0) /* art. 36 */
		return hn_error_set(err, HN_EDENIED, NULL, "36",
		    "%s was "
		    "received from %s; sending it on needs that State's "
		    "authorisation",
		    it->name, it->origin);
	if (hn_fmt(tmp, sizeof(tmp), "%s.partial", out) != 0)
		return hn_error_set(err, HN_ETOOBIG, "out", NULL,
		    "%s: path too long", out);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) <
	    0)
		return hn_error_set(err, HN_EIO, "out", NULL, "%s: %s", tmp,
		    strerror(errno));
	rc = hn_blob_export_sealed(blobs, it->sha256, keys, recipient_pk, fd,
	    err);
	if (rc == 0 && fsync(fd) != 0)
		rc = hn_error_set(err, HN_EIO, NULL, NULL, "cannot sync %s",
		    tmp);
	close(fd);
	if (rc == 0 && rename(tmp, out) != 0)
		rc = hn_error_set(err, HN_EIO, NULL, NULL, "cannot rename %s",
		    tmp);
	if (rc != 0) {
		unlink(tmp);
		return rc;
	}
	if ((rc = hn_custody_hand_over(c, it, recipient, conditions, vkey, at,
		 actor, reason, err)) != 0)
		unlink(out); /* not recorded: not handed over */
	return rc;
}

int
hn_evhand_receive(struct hn_custody *c, const char *blobs,
    const struct hn_seal_keys *keys, int fd, const char *sha256,
    const struct hn_custody_in *in, uint64_t *size, struct hn_evidence_item *it,
    struct hn_error *err)
{
	struct hn_intake_result res;
	struct hn_custody_in x = *in;
	struct hn_error e;
	int rc, existed = 0;

	memset(&res, 0, sizeof(res));
	memset(it, 0, sizeof(*it));
	hn_error_clear(&e);
	if ((rc = hn_blob_receive_sealed(blobs, sha256, keys, fd, &res.size,
		 &existed, &e)) != 0)
		return hn_error_set(err, rc, e.field[0] ? e.field : NULL, NULL,
		    "refused: %s", e.message);
	/* sha256: an object address (hn_blob_receive_sealed checked it) */
	HN_FMT_FIXED(res.addr, sizeof(res.addr), "%s", sha256);
	res.existed = existed;
	*size = res.size;
	x.res = &res;
	return hn_custody_receive(c, &x, it, err);
}
