/*
 * hanoinet login [--node URL] [--cacert FILE] [--dir DIR] NAME
 *   reads the password from the terminal (no echo) or standard input and
 *   keeps the session token in a 0600 file (cli/node_client.h).
 * hanoinet logout [--node URL] ...
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/node_client.h"
#include "crypto/password.h"
#include "crypto/sign.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"

static int
read_password(char *buf, size_t max)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO), ok;
	size_t n;

	if (tty) {
		fprintf(stderr, "password: ");
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	ok = fgets(buf, (int)max, stdin) != NULL;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return -1;
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n > 0 ? 0 : -1;
}

static int
save_token(const char *url, const char *token)
{
	char path[PATH_MAX], dir[PATH_MAX], *slash;
	char line[160];

	if (hn_cli_session_path(url, path, sizeof(path)) != 0)
		return -1;
	HN_FMT_FIXED(dir, sizeof(dir), "%s", path); /* both PATH_MAX */
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	if (hn_mkdirs(dir, 0700) != 0)
		return -1;
	if (hn_fmt(line, sizeof(line), "%s\n", token) != 0)
		return -1;
	if (hn_file_write_atomic(path, line, strlen(line), 0600) != 0) {
		hn_wipe(line, sizeof(line));
		return -1;
	}
	hn_wipe(line, sizeof(line));
	return 0;
}

int
cmd_login(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet login [--node URL] "
	    "[--cacert FILE] [--dir DIR] NAME (password on stdin)";
	char pw[HN_PASSWORD_MAX + 2];
	struct hn_cli_node o;
	struct hn_client *cl = NULL;
	json_t *body = NULL, *ans = NULL;
	char *text = NULL;
	int r;
	const struct hn_cli_opt opts[] = { HN_OPT_NODE(&o), HN_OPT_END };

	hn_cli_node_init(&o);
	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	if (argv[1][0] == '-')
		return hn_cli_usage("%s: not an account name; usage: %s",
		    argv[1], usage);
	if (read_password(pw, sizeof(pw)) != 0)
		return hn_cli_usage("no password given");
	if ((r = hn_cli_connect(&cl, &o, 0)) != 0)
		goto out;
	if (hn_client_set_token(cl, NULL) != 0) {
		r = hn_cli_fail(2, "out of memory");
		goto out;
	}
	body = json_pack("{s:s, s:s}", "name", argv[1], "password", pw);
	if (body == NULL || (text = json_dumps(body, JSON_COMPACT)) == NULL) {
		r = hn_cli_fail(2, "out of memory");
		goto out;
	}
	if ((r = hn_cli_call(cl, "POST", "/v1/session", text, &ans)) != 0)
		goto out;
	if (hn_json_str(ans, "token") == NULL ||
	    save_token(o.node, hn_json_str(ans, "token")) != 0) {
		r = hn_cli_fail(2, "cannot keep the session token");
		goto out;
	}
	printf("logged in to %s as %s (%s) until %s\n", o.node,
	    hn_json_str(ans, "name"), hn_json_str(ans, "role"),
	    hn_json_str(ans, "expires_at"));
	r = 0;
out:
	hn_wipe(pw, sizeof(pw));
	if (text != NULL) {
		hn_wipe(text, strlen(text));
		free(text);
	}
	json_decref(body);
	json_decref(ans);
	hn_client_free(cl);
	return r;
}

int
cmd_logout(int argc, char **argv)
{
	static const char usage[] = "hanoinet logout [--node URL] "
				    "[--cacert FILE] [--dir DIR]";
	struct hn_cli_node o;
	struct hn_client *cl = NULL;
	char path[PATH_MAX];
	json_t *ans = NULL;
	int r;
	const struct hn_cli_opt opts[] = { HN_OPT_NODE(&o), HN_OPT_END };

	hn_cli_node_init(&o);
	if ((r = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) != HN_CLI_GO)
		return r;
	if ((r = hn_cli_connect(&cl, &o, 1)) != 0)
		return r;
	r = hn_cli_call(cl, "DELETE", "/v1/session", NULL, &ans);
	json_decref(ans);
	hn_client_free(cl);
	if (hn_cli_session_path(o.node, path, sizeof(path)) == 0)
		unlink(path);
	if (r == 0)
		printf("logged out of %s\n", o.node);
	return r;
}
