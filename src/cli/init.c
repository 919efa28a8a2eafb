/* hanoinet init --party CODE --dir DIR [--name NAME]: a new data directory. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "net/auth.h"
#include "node/node.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/file.h"
#include "util/fmt.h"

static int
path_in(char *out, size_t max, const char *dir, const char *file)
{
	return hn_fmt(out, max, "%s/%s", dir, file) != 0 ? -1 : 0;
}

static int
valid_party(const char *p)
{
	return p != NULL && strlen(p) == 3 && p[0] >= 'A' && p[0] <= 'Z' &&
	    p[1] >= 'A' && p[1] <= 'Z' && p[2] >= 'A' && p[2] <= 'Z';
}

int
cmd_init(int argc, char **argv)
{
	static const char usage[] = "hanoinet init --party CODE --dir DIR "
				    "[--name NAME]";
	const char *party = NULL, *dir = NULL, *name = "localhost";
	const struct hn_cli_opt opts[] = { HN_OPT_REQ("party", &party),
		HN_OPT_REQ("dir", &dir), HN_OPT("name", &name), HN_OPT_END };
	char path[PATH_MAX], generated[HN_GENERATED_PASSWORD_LEN + 1];
	struct hn_buf key = HN_BUF_INIT(1 << 16), crt = HN_BUF_INIT(1 << 16);
	struct hn_account a;
	struct hn_error e;
	struct hn_db *db = NULL;
	struct stat sb;
	int r, status = 1;

	memset(&a, 0, sizeof(a));
	memset(generated, 0, sizeof(generated));
	hn_error_clear(&e);
	if ((r = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) != HN_CLI_GO)
		return r;
	if (!valid_party(party))
		return hn_cli_usage("--party %s: CODE is 3 capital letters; "
				    "usage: %s",
		    party, usage);
	if (hn_crypto_init() != 0)
		return hn_cli_fail(1, "cannot initialise libsodium");
	if (path_in(path, sizeof(path), dir, "hanoinet.conf") != 0)
		return hn_cli_usage("directory name too long");
	if (stat(path, &sb) == 0)
		return hn_cli_fail(1,
		    "%s exists: this directory is already "
		    "a node (refusing to overwrite its keys)",
		    path);
	if (hn_mkdirs(dir, 0700) != 0 || chmod(dir, 0700) != 0)
		return hn_cli_fail(1, "cannot create %s: %s", dir,
		    strerror(errno));

	/* TLS identity */
	if ((r = hn_x509_generate(name, HN_X509_DAYS_MAX, &key, &crt, &e)) !=
	    0) {
		hn_cli_fail(1, "%s", e.message);
		goto out;
	}
	if (path_in(path, sizeof(path), dir, "tls.key") != 0 ||
	    hn_file_write_atomic(path, key.data, key.len, 0600) != 0 ||
	    path_in(path, sizeof(path), dir, "tls.crt") != 0 ||
	    hn_file_write_atomic(path, crt.data, crt.len, 0644) != 0) {
		hn_cli_fail(1, "cannot write %s", path);
		goto out;
	}

	/* the node's Ed25519 signing key (ledger, federation) */
	if (path_in(path, sizeof(path), dir, "signing.key") != 0 ||
	    hn_node_keygen(path, party, &e) != 0) {
		hn_cli_fail(1, "%s", e.message);
		goto out;
	}

	/* evidence blobs live here */
	if (path_in(path, sizeof(path), dir, "blobs") != 0 ||
	    hn_mkdirs(path, 0700) != 0) {
		hn_cli_fail(1, "cannot create %s", path);
		goto out;
	}

	/* database + the first admin */
	if (path_in(path, sizeof(path), dir, "hanoinet.db") != 0 ||
	    hn_db_open(&db, path, &e) != 0) {
		hn_cli_fail(1, "%s", e.message);
		goto out;
	}
	if (chmod(path, 0600) != 0) {
		hn_cli_fail(1, "cannot chmod %s", path);
		goto out;
	}
	if (hn_account_prepare(&a, "admin", "admin", NULL, "en", generated,
		(int64_t)time(NULL), 0, &e) != 0 ||
	    hn_accounts_insert(db, &a, NULL) != 0) {
		hn_cli_fail(1, "cannot create the admin account: %s",
		    e.message[0] ? e.message : hn_db_errmsg(db));
		goto out;
	}

	/* the configuration last: its presence marks a complete directory */
	if (path_in(path, sizeof(path), dir, "hanoinet.conf") != 0 ||
	    hn_conf_write_default(path, party, name, &e) != 0) {
		hn_cli_fail(1, "%s", e.message);
		goto out;
	}
	printf("initialised node %s (%s) in %s\n", party, name, dir);
	printf("account: admin\npassword: %s\n", generated);
	printf("(the password is shown once; log in with 'hanoinet login "
	       "--cacert %s/tls.crt admin')\n",
	    dir);
	status = 0;
out:
	hn_db_close(db);
	hn_buf_release_secret(&key);
	hn_buf_release(&crt);
	hn_wipe(generated, sizeof(generated));
	hn_wipe(&a, sizeof(a));
	return status;
}
