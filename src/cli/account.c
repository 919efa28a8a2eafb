/*
 * hanoinet account add --dir DIR NAME ROLE [--lang L]: creates an account
 * directly in the node's database (the local administrator's way, for the
 * first accounts and the demo) and prints its password once. The running
 * node sees it at once (SQLite WAL). Over the API: POST /v1/accounts.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "crypto/sign.h"
#include "net/auth.h"
#include "store/accounts.h"
#include "store/store.h"
#include "util/fmt.h"

static int
account_add(int argc, char **argv)
{
	static const char usage[] = "hanoinet account add --dir DIR NAME ROLE "
				    "[--lang ar|en|es|fr|ru|zh]";
	const char *dir = ".", *lang = "en";
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir),
		HN_OPT("lang", &lang), HN_OPT_END };
	char generated[HN_GENERATED_PASSWORD_LEN + 1], path[PATH_MAX];
	struct hn_account a;
	struct hn_error e;
	struct hn_db *db = NULL;
	int r;

	hn_error_clear(&e);
	memset(&a, 0, sizeof(a));
	if ((r = hn_cli_args(argc, argv, opts, 2, 2, usage, NULL)) != HN_CLI_GO)
		return r;
	if (hn_crypto_init() != 0)
		return hn_cli_fail(1, "cannot initialise libsodium");
	if (hn_fmt(path, sizeof(path), "%s/hanoinet.db", dir) != 0)
		return hn_cli_usage("path too long");
	if (hn_account_prepare(&a, argv[1], argv[2], NULL, lang, generated,
		(int64_t)time(NULL), 0, &e) != 0) {
		r = hn_cli_usage("%s", e.message);
		goto out;
	}
	if (hn_db_open(&db, path, &e) != 0) {
		r = hn_cli_fail(1, "%s", e.message);
		goto out;
	}
	if ((r = hn_accounts_insert(db, &a, NULL)) != 0) {
		r = hn_cli_fail(1,
		    r == HN_EEXIST ? "account %s exists" :
				     "cannot create account %s",
		    a.name);
		goto out;
	}
	printf("account: %s\nrole: %s\npassword: %s\n", a.name, a.role,
	    generated);
	r = 0;
out:
	hn_db_close(db);
	hn_wipe(generated, sizeof(generated));
	hn_wipe(&a, sizeof(a));
	return r;
}

static const struct hn_cmd account_cmds[] = {
	{ "add", account_add, "create an account in a local data directory" },
	{ NULL, NULL, NULL }
};

int
cmd_account(int argc, char **argv)
{
	return hn_cli_dispatch("account", account_cmds, argc - 1, argv + 1);
}
