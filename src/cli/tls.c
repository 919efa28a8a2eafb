/*
 * hanoinet tls renew|status: the node's TLS certificate (node/tls.h).
 *   renew  [--dir DIR] [--days N]  a new key and certificate, pending until
 *          the directory lists its fingerprint and the node restarts
 *   status [--dir DIR]             the current and pending certificates
 * Exit status: 0 ok, 1 failed, 2 usage.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "node/node.h"
#include "node/tls.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"

static void
print_date(const char *label, int64_t t)
{
	char s[32];
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	if (strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		s[0] = '\0';
	printf("%s%s\n", label, s);
}

static int
load_conf(struct hn_conf *c, const char *dir)
{
	char path[PATH_MAX];
	struct hn_error e;

	if (hn_fmt(path, sizeof(path), "%s/hanoinet.conf", dir) != 0)
		return hn_cli_usage("--dir: path too long");
	if (hn_conf_load(c, path, &e) != 0)
		return hn_cli_fail(1, "%s", e.message);
	return 0;
}

static int
tls_renew(int argc, char **argv)
{
	static const char usage[] = "hanoinet tls renew [--dir DIR] [--days N]";
	const char *dir = ".", *days_s = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir),
		HN_OPT("days", &days_s), HN_OPT_END };
	struct hn_conf *c;
	struct hn_error e;
	char hex[hn_hex_len(32)], *end;
	uint8_t fp[32];
	int64_t na;
	long days = HN_X509_DAYS_MAX;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) != HN_CLI_GO)
		return r;
	if (days_s != NULL) {
		days = strtol(days_s, &end, 10);
		if (*days_s == '\0' || *end != '\0' || days < 1 ||
		    days > HN_X509_DAYS_MAX)
			return hn_cli_usage("--days: 1 to %d",
			    HN_X509_DAYS_MAX);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return hn_cli_fail(1, "out of memory");
	if ((r = load_conf(c, dir)) != 0)
		goto out;
	if (hn_node_tls_renew(dir, hn_conf_get(c, "name"), (int)days, fp, &na,
		&e) != 0) {
		r = hn_cli_fail(1, "%s", e.message);
		goto out;
	}
	hn_hex_encode(hex, fp, 32);
	printf("pending: %s/tls.next.crt\n", dir);
	printf("tls_sha256: %s\n", hex);
	print_date("not_after: ", na);
	printf("next: add tls_sha256 %s to this party's endpoint in the "
	       "directory, next to the current one; once the signed "
	       "directory is published, restart the node: it switches when "
	       "the directory it holds lists the new fingerprint\n",
	    hex);
	r = 0;
out:
	free(c);
	return r;
}

/* Prints one certificate's line; 0 if it exists. */
static int
show(const char *dir, const char *file, const char *label)
{
	struct hn_buf crt = HN_BUF_INIT(1 << 16);
	char path[PATH_MAX], hex[hn_hex_len(32)];
	uint8_t fp[32];
	int64_t na;
	int r;

	if ((r = hn_fmt(path, sizeof(path), "%s/%s", dir, file)) != 0 ||
	    (r = hn_file_read(path, &crt)) != 0 ||
	    (r = hn_x509_fingerprint_pem(crt.data, crt.len, fp)) != 0 ||
	    (r = hn_x509_not_after(crt.data, crt.len, &na)) != 0) {
		hn_buf_release(&crt);
		return r;
	}
	hn_hex_encode(hex, fp, 32);
	printf("%s: %s\n", label, hex);
	printf("%s_", label);
	print_date("not_after: ", na);
	hn_buf_release(&crt);
	return 0;
}

static int
tls_status(int argc, char **argv)
{
	static const char usage[] = "hanoinet tls status [--dir DIR]";
	const char *dir = ".";
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir), HN_OPT_END };
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) != HN_CLI_GO)
		return r;
	if (show(dir, "tls.crt", "current") != 0)
		return hn_cli_fail(1, "cannot read %s/tls.crt", dir);
	if (show(dir, "tls.next.crt", "pending") != 0)
		printf("pending: none\n");
	return 0;
}

static const struct hn_cmd tls_cmds[] = {
	{ "renew", tls_renew,
	    "a new key and certificate, pending until the directory lists "
	    "it [--dir DIR] [--days N]" },
	{ "status", tls_status,
	    "the current and pending certificates [--dir DIR]" },
	{ NULL, NULL, NULL }
};

int
cmd_tls(int argc, char **argv)
{
	if (hn_crypto_init() != 0)
		return hn_cli_fail(2, "cannot initialise the crypto library");
	return hn_cli_dispatch("tls", tls_cmds, argc - 1, argv + 1);
}
