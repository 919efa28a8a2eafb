#include "node/tls.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/x509.h"
#include "fed/directory.h"
#include "node/node.h"
#include "util/buf.h"
#include "util/diag.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"

#define PEM_MAX (1 << 16)

int
hn_node_tls_renew(const char *dir, const char *name, int days, uint8_t fp[32],
    int64_t *not_after, struct hn_error *err)
{
	struct hn_buf key = HN_BUF_INIT(PEM_MAX), crt = HN_BUF_INIT(PEM_MAX);
	char path[PATH_MAX];
	int r;

	if ((r = hn_x509_generate(name, days, &key, &crt, err)) != 0)
		goto out;
	if ((r = hn_x509_fingerprint_pem(crt.data, crt.len, fp)) != 0 ||
	    (r = hn_x509_not_after(crt.data, crt.len, not_after)) != 0) {
		hn_error_set(err, r, NULL, NULL,
		    "cannot read the new "
		    "certificate");
		goto out;
	}
	/* the key first: a pending certificate always has its key */
	if ((r = hn_fmt(path, sizeof(path), "%s/tls.next.key", dir)) != 0 ||
	    (r = hn_file_write_atomic(path, key.data, key.len, 0600)) != 0 ||
	    (r = hn_fmt(path, sizeof(path), "%s/tls.next.crt", dir)) != 0 ||
	    (r = hn_file_write_atomic(path, crt.data, crt.len, 0644)) != 0) {
		hn_error_set(err, r, NULL, NULL, "cannot write %s: %s", path,
		    hn_strerror(r));
		goto out;
	}
	r = 0;
out:
	hn_buf_release_secret(&key);
	hn_buf_release(&crt);
	return r;
}

/* 1 if the held directory lists fp for our party, or none is held. */
static int
directory_allows(struct hn_node *n, const uint8_t fp[32], int64_t now)
{
	const struct hn_dir_party *p;
	struct hn_directory *d = NULL;
	const char *vkey = hn_conf_get(&n->conf, "registry_key");
	char path[PATH_MAX];
	struct hn_error e;
	int r, ok;

	if (hn_conf_path(&n->conf, "directory.signed", path, sizeof(path)) != 0)
		return 0;
	if (vkey == NULL || vkey[0] == '\0')
		return access(path, F_OK) != 0; /* nothing to check against */
	r = hn_directory_load(path, vkey, now, &d, &e);
	if (r == HN_ENOTFOUND)
		return 1;
	if (r != 0) {
		hn_diag(HN_DIAG_WARN, "tls.directory_unreadable", "msg=\"%s\"",
		    e.message);
		return 0;
	}
	p = hn_directory_find(d, n->party);
	ok = p == NULL || hn_dir_party_has_pin(p, fp);
	hn_directory_free(d);
	return ok;
}

static int
name_in(char *out, size_t size, const char *dir, const char *file)
{
	return hn_fmt(out, size, "%s/%s", dir, file);
}

/* DIR/from renamed to DIR/to (replacing it); or, with keep, linked. */
static int
move(const char *dir, const char *from, const char *to, int keep)
{
	char a[PATH_MAX], b[PATH_MAX];

	if (name_in(a, sizeof(a), dir, from) != 0 ||
	    name_in(b, sizeof(b), dir, to) != 0)
		return HN_ETOOBIG;
	if (keep) {
		if (unlink(b) != 0 && errno != ENOENT)
			return hn_errno_code(errno);
		if (link(a, b) != 0)
			return hn_errno_code(errno);
		return 0;
	}
	if (rename(a, b) != 0)
		return hn_errno_code(errno);
	return 0;
}

/*
 * The current pair is linked as tls.prev.* (to go back by hand), then the
 * pending key and certificate are renamed over it: DIR/tls.crt and
 * DIR/tls.key always exist. A crash between the two renames leaves the
 * new key and tls.next.crt without tls.next.key: the next start finishes.
 */
static int
switch_files(const char *dir)
{
	char path[PATH_MAX];
	int r, half;

	if ((r = name_in(path, sizeof(path), dir, "tls.next.key")) != 0)
		return r;
	half = access(path, F_OK) != 0;
	if (!half &&
	    ((r = move(dir, "tls.crt", "tls.prev.crt", 1)) != 0 ||
		(r = move(dir, "tls.key", "tls.prev.key", 1)) != 0 ||
		(r = move(dir, "tls.next.key", "tls.key", 0)) != 0))
		return r;
	if ((r = move(dir, "tls.next.crt", "tls.crt", 0)) != 0)
		return r;
	return hn_fsync_parent(path);
}

/* Logs a warning when the certificate in use expires within 30 days. */
static void
warn_expiry(struct hn_node *n, int64_t now)
{
	struct hn_buf crt = HN_BUF_INIT(PEM_MAX);
	char path[PATH_MAX];
	int64_t na;

	if (hn_conf_path(&n->conf, "tls.crt", path, sizeof(path)) == 0 &&
	    hn_file_read(path, &crt) == 0 &&
	    hn_x509_not_after(crt.data, crt.len, &na) == 0 &&
	    na - now < HN_TLS_WARN_DAYS * 86400)
		hn_diag(HN_DIAG_WARN, "tls.expires_soon",
		    "days=%lld hint=\"hanoinet tls renew\"",
		    (long long)((na - now) / 86400));
	hn_buf_release(&crt);
}

int
hn_node_tls_switch(struct hn_node *n, int64_t now, int *switched,
    struct hn_error *err)
{
	struct hn_buf crt = HN_BUF_INIT(PEM_MAX);
	char path[PATH_MAX], hex[65], old[65];
	uint8_t fp[32];
	int r;

	*switched = 0;
	if ((r = hn_conf_path(&n->conf, "tls.next.crt", path, sizeof(path))) !=
	    0)
		return hn_error_set(err, r, NULL, NULL, "path too long");
	if ((r = hn_file_read(path, &crt)) == HN_ENOTFOUND) {
		r = 0; /* nothing pending */
		goto out;
	}
	if (r != 0 || (r = hn_x509_fingerprint_pem(crt.data, crt.len, fp))) {
		hn_error_set(err, r, NULL, NULL, "cannot read %s", path);
		goto out;
	}
	hn_hex_encode(hex, fp, 32);
	hn_hex_encode(old, n->tls_fp, 32);
	if (!directory_allows(n, fp, now)) {
		hn_diag(HN_DIAG_WARN, "tls.pending",
		    "sha256=%s reason=\"the directory does not list it yet: "
		    "still serving %s\"",
		    hex, old);
		goto out;
	}
	if ((r = switch_files(n->conf.dir)) != 0) {
		hn_error_set(err, r, NULL, NULL,
		    "cannot switch to the pending certificate in %s: %s",
		    n->conf.dir, hn_strerror(r));
		goto out;
	}
	memcpy(n->tls_fp, fp, 32);
	*switched = 1;
	hn_diag(HN_DIAG_INFO, "tls.switched", "sha256=%s previous=%s", hex,
	    old);
out:
	hn_buf_release(&crt);
	if (r == 0)
		warn_expiry(n, now);
	return r;
}
