/*
 * hanoinet demo [--nodes N] [--base-port P] [--dir DIR] [--info FILE]
 *               [--scenario-only | --exit-after SECONDS] [--status]
 *
 * A registry and N nodes (default 3) on loopback, each a `hanoinet serve`
 * child process with its own keys, TLS certificate and database under a
 * temporary directory; a signed directory of the nodes; demo accounts;
 * and a SIMULATED register in which the UN Convention is in force for
 * every party (it is not in force yet in reality: the output and the
 * nodes' /v1/federation say so). Then a short scenario: a preservation
 * request from the first node to the second, acknowledged, then a
 * follow-up mutual legal assistance request. Prints the URLs and logins
 * and runs until Ctrl-C, which stops every node cleanly.
 *
 *   --status         only print the real register's status (no network)
 *   --scenario-only  stop after the scenario (exit 0 if it completed)
 *   --exit-after S   stop S seconds after the scenario
 *   --info FILE      write URLs, CA files and logins as JSON (for tests)
 *   --base-port P    registry on P, nodes on P+1..P+N (default: free ports)
 *   --dir DIR        keep everything in DIR (default: a temporary directory
 *                    removed at the end)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/treaty.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "fed/directory.h"
#include "fed/nodekey.h"
#include "fed/client.h"
#include "fed/signed.h"
#include "util/asset.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

#define MAX_NODES 10
#define DEMO_PASSWORD "hanoinet-demo"
#define LABEL \
	"SIMULATED register: the UN Convention is NOT in force yet; " \
	"this demo pretends every party ratified on 2025-11-03"

static const char *codes[MAX_NODES] = { "VNM", "FRA", "BRA", "ZAF", "NGA",
	"EGY", "CHN", "GBR", "PHL", "THA" };

static const struct {
	const char *name, *role;
} demo_accounts[] = {
	{ "duty", "duty_officer" },
	{ "central", "central_authority" },
	{ "supervisor", "supervisor" },
	{ "auditor", "auditor" },
};
#define NACCOUNTS (sizeof(demo_accounts) / sizeof(demo_accounts[0]))

struct proc {
	char code[4];
	char dir[PATH_MAX];
	unsigned port;
	char url[64];
	char admin_pw[128];
	pid_t pid;
	uint8_t fp[32];
};

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* The old `hanoinet demo`: the real register's status. */
static int
print_status(void)
{
	struct hn_register *reg = NULL;
	const struct hn_instrument_rule *rule;
	char today[HN_DATE_STRLEN];
	int r;

	if ((r = hn_cli_register_load(NULL, &reg)) != 0)
		return r;
	rule = hn_instrument_rule(reg->instrument);
	hn_date_format(hn_date_of_time((int64_t)time(NULL)), today);
	printf("In reality (the register as shipped, data/parties.json, on "
	       "%s):\n",
	    today);
	printf("  %s (%s): %zu parties in the register, %zu signatories, "
	       "%zu of the %zu instruments needed (art. %s)\n",
	    rule->title, rule->code, reg->nparties, reg->signatories,
	    reg->instruments, rule->threshold, rule->art_entry);
	if (reg->entry_into_force == HN_DATE_NONE)
		printf("  => %s is NOT yet in force.\n", rule->title);
	hn_register_free(reg);
	return 0;
}

static unsigned
free_port(void)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	unsigned port = 0;
	int s;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &l) == 0)
		port = ntohs(a.sin_port);
	close(s);
	return port;
}

/* Runs `hanoinet ARGS...` (this very binary); stdout to out (if not NULL)
 * or to the file `log`. Returns the exit status, -1 if it did not run. */
static int
run_self(char *const args[], struct hn_buf *out, const char *log)
{
	int pfd[2] = { -1, -1 }, st = -1, fd;
	char buf[4096];
	ssize_t n;
	pid_t pid;

	if (out != NULL && pipe(pfd) != 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if (out != NULL) {
			dup2(pfd[1], 1);
			close(pfd[0]);
			close(pfd[1]);
		}
		if (log != NULL &&
		    (fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) >=
			0) {
			if (out == NULL)
				dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execv("/proc/self/exe", args);
		_exit(127);
	}
	if (out != NULL) {
		close(pfd[1]);
		while ((n = read(pfd[0], buf, sizeof(buf))) > 0)
			if (hn_buf_add(out, buf, (size_t)n) != 0)
				break;
		close(pfd[0]);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static pid_t
spawn_serve(struct proc *p)
{
	char listen[64], portfile[PATH_MAX + 8], log[PATH_MAX + 16];
	char *args[] = { "hanoinet", "serve", "--dir", p->dir, "--listen",
		listen, "--port-file", portfile, NULL };
	pid_t pid;
	int fd;

	HN_FMT_FIXED(listen, sizeof(listen), "127.0.0.1:%u", p->port);
	if (hn_fmt(portfile, sizeof(portfile), "%s/port", p->dir) != 0 ||
	    hn_fmt(log, sizeof(log), "%s/serve.log", p->dir) != 0)
		return -1;
	unlink(portfile);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		/* The children ignore Ctrl-C on the terminal: the demo stops
		 * them in order with SIGTERM. */
		setpgid(0, 0);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) >=
		    0) {
			dup2(fd, 2);
			close(fd);
		}
		execv("/proc/self/exe", args);
		_exit(127);
	}
	return pid;
}

static int
wait_port(struct proc *p, int seconds)
{
	char path[PATH_MAX + 8];
	struct stat st;
	int i, status;

	/* p->dir is PATH_MAX: each path beside it has room for its suffix */
	HN_FMT_FIXED(path, sizeof(path), "%s/port", p->dir);
	for (i = 0; i < seconds * 20; i++) {
		if (stat(path, &st) == 0 && st.st_size > 0)
			return 0;
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			p->pid = 0;
			return -1;
		}
		usleep(50000);
	}
	return -1;
}

static void
stop_all(struct proc *ps, size_t n)
{
	size_t i;
	int k, st, alive;

	for (i = 0; i < n; i++)
		if (ps[i].pid > 0)
			kill(ps[i].pid, SIGTERM);
	for (k = 0; k < 100; k++) {
		alive = 0;
		for (i = 0; i < n; i++) {
			if (ps[i].pid <= 0)
				continue;
			if (waitpid(ps[i].pid, &st, WNOHANG) == ps[i].pid)
				ps[i].pid = 0;
			else
				alive = 1;
		}
		if (!alive)
			return;
		usleep(100000);
	}
	for (i = 0; i < n; i++)
		if (ps[i].pid > 0) {
			kill(ps[i].pid, SIGKILL);
			waitpid(ps[i].pid, &st, 0);
			ps[i].pid = 0;
		}
}

static int
append_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");
	int r;

	if (f == NULL)
		return -1;
	r = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		r = -1;
	return r;
}

/* The simulated register: the shipped one, every party ratified on
 * 2025-11-03 (so in force for all from 2026-02-01, art. 65), FRA with the
 * art. 42 reservation. */
static int
write_register(const char *path)
{
	const struct hn_asset *a = hn_asset_find("data/parties.json");
	json_t *reg = NULL, *p, *ev;
	char *s = NULL;
	size_t i;
	int r = -1;

	if (a == NULL ||
	    (reg = hn_json_parse((const char *)a->data, a->len, a->len,
		 HN_JSON_MAX_DEPTH, NULL)) == NULL)
		return -1;
	json_array_foreach(json_object_get(reg, "parties"), i, p)
	{
		json_t *keep = json_array(), *e;
		size_t j;

		json_array_foreach(json_object_get(p, "events"), j,
		    e) if (strcmp(hn_json_str(e, "type") ?
				   hn_json_str(e, "type") :
				   "",
			       "signature") == 0) json_array_append(keep, e);
		ev = json_pack("{s:s, s:s, s:b, s:s}", "type", "ratification",
		    "date", "2025-11-03", "confirmed", 1, "note",
		    "SIMULATED for hanoinet demo");
		json_array_append_new(keep, ev);
		json_object_set_new(p, "events", keep);
		/* A SIMULATED reservation (art. 42: dual criminality for
		 * preservation), so that the demo shows the ground open for
		 * FRA only. The shipped register asserts none for any State. */
		if (strcmp(hn_json_str(p, "code") ? hn_json_str(p, "code") : "",
			"FRA") == 0)
			json_object_set_new(p, "reservations",
			    json_pack("[{s:s, s:s}]", "article", "42", "note",
				"SIMULATED for hanoinet demo"));
	}
	json_object_set_new(reg, "title", json_string(LABEL));
	if ((s = json_dumps(reg, JSON_INDENT(1))) != NULL &&
	    hn_file_write_atomic(path, s, strlen(s), 0644) == 0)
		r = 0;
	free(s);
	json_decref(reg);
	return r;
}

/* A node's data directory, configuration and directory entry. */
static int
make_node(struct proc *p, const char *base, const char *code,
    const char *regvkey, const char *regpath, const char *registry_url,
    json_t *parties)
{
	struct hn_buf out = HN_BUF_INIT(1 << 16), crt = HN_BUF_INIT(1 << 16);
	char *args[] = { "hanoinet", "init", "--party", (char *)code, "--dir",
		p->dir, NULL };
	char path[PATH_MAX + 32], conf[4096], name[64],
	    keyname[HN_SIGNER_MAX + 1];
	char vkey[HN_VKEY_MAX + 1], hex[hn_hex_len(32)], *pw;
	uint8_t sk[HN_ED25519_SK_LEN];
	int r = -1, n;

	memcpy(p->code, code, 4);
	if (hn_fmt(p->dir, sizeof(p->dir), "%s/%s", base, code) != 0)
		goto out;
	if (run_self(args, &out, NULL) != 0 || out.data == NULL ||
	    (pw = strstr(out.data, "password: ")) == NULL)
		goto out;
	pw += strlen("password: ");
	n = (int)strcspn(pw, "\n");
	if (n <= 0 || n >= (int)sizeof(p->admin_pw))
		goto out;
	memcpy(p->admin_pw, pw, (size_t)n);
	p->admin_pw[n] = '\0';
	HN_FMT_FIXED(p->url, sizeof(p->url), "https://127.0.0.1:%u", p->port);
	n = hn_fmt(conf, sizeof(conf),
	    "\n# hanoinet demo (demo = yes: the accounts' password is the "
	    "demo password, exempt from the strength check)\ndemo = yes\n"
	    "register = %s\nregister_label = %s\n"
	    "registry_key = %s\n%s%s%s"
	    "retry_base_ms = 200\nretry_max_ms = 5000\n%s",
	    regpath, LABEL, regvkey, registry_url ? "registry_url = " : "",
	    registry_url ? registry_url : "", registry_url ? "\n" : "",
	    parties == NULL ? "role = registry\nwitness_interval_s = 0\n" :
			      "witness_interval_s = 10\n");
	HN_FMT_FIXED(path, sizeof(path), "%s/hanoinet.conf", p->dir);
	if (n != 0 || append_file(path, conf) != 0)
		goto out;
	HN_FMT_FIXED(path, sizeof(path), "%s/tls.crt", p->dir);
	if (hn_file_read(path, &crt) != 0 ||
	    hn_x509_fingerprint_pem(crt.data, crt.len, p->fp) != 0)
		goto out;
	if (parties != NULL) {
		HN_FMT_FIXED(path, sizeof(path), "%s/signing.key", p->dir);
		HN_FMT_FIXED(name, sizeof(name), "hanoinet/%s", code);
		if (hn_nodekey_load(path, name, sk, keyname, vkey, NULL) != 0)
			goto out;
		hn_wipe(sk, sizeof(sk));
		hn_hex_encode(hex, p->fp, 32);
		json_array_append_new(parties,
		    json_pack("{s:s, s:s, s:s, s:s, "
			      "s:{s:s, s:s, s:s}, s:{s:s, s:s}, s:[s, s], s:{s:s}}",
			"code", code, "node_url", p->url, "tls_sha256", hex,
			"signing_key", vkey, "contact_24_7", "name",
			"24/7 point of contact (demo)", "phone",
			"+00 0000 0000", "hours", "24/7", "central_authority",
			"name", "Central authority (demo)", "email",
			"ca@example.invalid", "languages", "en", "fr",
			"register", "unccc", "party (SIMULATED)"));
	}
	r = 0;
out:
	hn_buf_release(&out);
	hn_buf_release(&crt);
	return r;
}

/* ---- a small client of the nodes' API ---- */

static int
call(struct proc *p, const char *token, const char *method, const char *path,
    json_t *body, long *status, json_t **resp)
{
	struct hn_buf b = HN_BUF_INIT(1 << 20);
	struct hn_client_opts o = { .url = p->url,
		.trust = HN_TRUST_PINS,
		.pins = &p->fp,
		.npins = 1,
		.token = token };
	struct hn_client *c = NULL;
	struct hn_error err;
	char *s = NULL;
	int r;

	*resp = NULL;
	if ((r = hn_client_new(&c, &o, &err)) != 0)
		goto out;
	if (body != NULL && (s = json_dumps(body, JSON_COMPACT)) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	if ((r = hn_client_request(c, method, path, "application/json", s,
		 s ? strlen(s) : 0, 30000, status, &b, &err)) != 0)
		goto out;
	*resp = hn_json_parse(b.data ? b.data : "", b.len, b.max, 64, NULL);
out:
	free(s);
	json_decref(body);
	hn_client_free(c);
	hn_buf_release(&b);
	return r;
}

static char *
login(struct proc *p, const char *name, const char *pw)
{
	json_t *o = NULL;
	char *tok = NULL;
	long st = 0;

	if (call(p, NULL, "POST", "/v1/session",
		json_pack("{s:s, s:s}", "name", name, "password", pw), &st,
		&o) == 0 &&
	    st == 201 && hn_json_str(o, "token") != NULL)
		tok = strdup(hn_json_str(o, "token"));
	json_decref(o);
	return tok;
}

static int
make_accounts(struct proc *p)
{
	char *admin = login(p, "admin", p->admin_pw);
	json_t *o = NULL;
	long st = 0;
	size_t i;
	int r = 0;

	if (admin == NULL)
		return -1;
	for (i = 0; i < NACCOUNTS && r == 0; i++) {
		if (call(p, admin, "POST", "/v1/accounts",
			json_pack("{s:s, s:s, s:s}", "name",
			    demo_accounts[i].name, "role",
			    demo_accounts[i].role, "password", DEMO_PASSWORD),
			&st, &o) != 0 ||
		    (st != 201 && st != 409))
			r = -1;
		json_decref(o);
		o = NULL;
	}
	free(admin);
	return r;
}

/* Waits (bounded) until request `id` on p reaches `state`. */
static int
rq_wait(struct proc *p, const char *tok, const char *id, const char *state,
    int seconds)
{
	char path[128];
	json_t *o = NULL;
	const char *s;
	long st = 0;
	int i, r = -1;

	HN_FMT_FIXED(path, sizeof(path), "/v1/requests/%s", id);
	for (i = 0; i < seconds * 10 && !stop_flag && r != 0; i++) {
		if (call(p, tok, "GET", path, NULL, &st, &o) == 0 &&
		    st == 200 && (s = hn_json_str(o, "state")) != NULL &&
		    strcmp(s, state) == 0)
			r = 0;
		else
			usleep(100000);
		json_decref(o);
		o = NULL;
	}
	if (r != 0)
		fprintf(stderr, "  request %s on %s did not reach %s in %d s\n",
		    id, p->code, state, seconds);
	return r;
}

/* A request through `from`'s API as `user`: created, queued, delivered. */
static int
rq_send(struct proc *from, struct proc *to, const char *user, json_t *doc,
    char id[33])
{
	char *tok = login(from, user, DEMO_PASSWORD), path[128];
	json_t *o = NULL;
	const char *s;
	long st = 0;
	int r = -1;

	if (tok == NULL) {
		json_decref(doc);
		return -1;
	}
	if (call(from, tok, "POST", "/v1/requests", doc, &st, &o) != 0 ||
	    st != 201 || (s = hn_json_str(o, "id")) == NULL ||
	    strlen(s) != 32) {
		fprintf(stderr, "  could not create the request (HTTP %ld)\n",
		    st);
		goto out;
	}
	memcpy(id, s, 33);
	json_decref(o);
	o = NULL;
	HN_FMT_FIXED(path, sizeof(path), "/v1/requests/%s/transitions", id);
	if (call(from, tok, "POST", path, json_pack("{s:s}", "to", "queued"),
		&st, &o) != 0 ||
	    st != 200) {
		fprintf(stderr, "  could not send request %s (HTTP %ld)\n", id,
		    st);
		goto out;
	}
	printf("  request %s queued on %s (ledger index %lld)\n", id,
	    from->code,
	    (long long)json_integer_value(json_object_get(o, "ledger_index")));
	if (rq_wait(from, tok, id, "delivered", 30) != 0)
		goto out;
	json_decref(o);
	o = NULL;
	HN_FMT_FIXED(path, sizeof(path), "/v1/messages/%s", id);
	if (call(from, tok, "GET", path, NULL, &st, &o) == 0 && st == 200)
		printf("  delivered to %s: signed receipt, %s's ledger index "
		       "%lld; the request has the same id there\n",
		    to->code, to->code,
		    (long long)json_integer_value(
			json_object_get(o, "their_ledger_index")));
	r = 0;
out:
	json_decref(o);
	free(tok);
	return r;
}

/* `user` on p moves request id to `state`; waits until `other` sees it. */
static int
rq_answer(struct proc *p, struct proc *other, const char *user, const char *id,
    const char *state, const char *reason)
{
	char *tok = login(p, user, DEMO_PASSWORD), *otok = NULL, path[128];
	json_t *o = NULL;
	long st = 0;
	int r = -1;

	if (tok == NULL)
		return -1;
	HN_FMT_FIXED(path, sizeof(path), "/v1/requests/%s/transitions", id);
	if (call(p, tok, "POST", path,
		json_pack("{s:s, s:s}", "to", state, "reason", reason), &st,
		&o) != 0 ||
	    st != 200) {
		fprintf(stderr, "  %s could not move %s to %s (HTTP %ld)\n",
		    p->code, id, state, st);
		goto out;
	}
	printf("  %s: %s (ledger index %lld on %s)\n", p->code, state,
	    (long long)json_integer_value(json_object_get(o, "ledger_index")),
	    p->code);
	if ((otok = login(other, user, DEMO_PASSWORD)) == NULL ||
	    rq_wait(other, otok, id, state, 30) != 0)
		goto out;
	printf("  %s sees it: the request is %s there too\n", other->code,
	    state);
	r = 0;
out:
	json_decref(o);
	free(otok);
	free(tok);
	return r;
}

static int
scenario(struct proc *a, struct proc *b)
{
	char pres[33], mla[33];
	json_t *req;

	printf("\nScenario (UN Convention, SIMULATED register):\n");
	req = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			"s:[{s:s, s:s}], s:s, s:s, s:b}",
	    "kind", "preservation", "from", a->code, "to", b->code, "language",
	    "en", "requesting_authority", "Cyber crime unit (demo)", "offence",
	    "Fraud by means of a computer system (art. 13)", "proceedings",
	    "Investigation 2026/123 (demo)", "facts",
	    "Phishing site hosted by a provider in the requested State", "data",
	    "description",
	    "Subscriber and traffic data of the "
	    "hosting account",
	    "relation_to_offence",
	    "Hosts the phishing "
	    "site",
	    "custodian", "Example Hosting Ltd (demo)", "necessity",
	    "Logs are deleted after 30 days", "mla_to_follow", 1);
	printf("1. %s asks %s to preserve stored data (art. 42)\n", a->code,
	    b->code);
	if (rq_send(a, b, "duty", req, pres) != 0)
		return -1;
	printf("2. %s acknowledges and preserves the data (art. 42)\n",
	    b->code);
	if (rq_answer(b, a, "duty", pres, "acknowledged",
		"Received by the 24/7 point of contact") != 0 ||
	    rq_answer(b, a, "duty", pres, "preserved",
		"Data preserved for 60 days (art. 42)") != 0)
		return -1;
	printf("3. %s follows up with a mutual legal assistance request "
	       "(art. 40)\n",
	    a->code);
	req = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kind",
	    "mla", "from", a->code, "to", b->code, "requesting_authority",
	    "Central authority (demo)", "proceedings",
	    "Investigation 2026/123 (demo)", "facts",
	    "See the preservation "
	    "request",
	    "assistance_sought", "Disclosure of the preserved data", "purpose",
	    "Evidence for the prosecution", "reference", pres);
	if (rq_send(a, b, "central", req, mla) != 0)
		return -1;
	printf("Scenario complete.\n");
	return 0;
}

static int
write_info(const char *path, struct proc *ps, size_t n, const char *base)
{
	json_t *o, *nodes, *accs;
	char ca[PATH_MAX + 16], *s;
	size_t i, j;
	int r;

	nodes = json_array();
	for (i = 1; i < n; i++) {
		accs = json_array();
		json_array_append_new(accs,
		    json_pack("{s:s, s:s, s:s}", "name", "admin", "password",
			ps[i].admin_pw, "role", "admin"));
		for (j = 0; j < NACCOUNTS; j++)
			json_array_append_new(accs,
			    json_pack("{s:s, s:s, s:s}", "name",
				demo_accounts[j].name, "password",
				DEMO_PASSWORD, "role", demo_accounts[j].role));
		HN_FMT_FIXED(ca, sizeof(ca), "%s/tls.crt", ps[i].dir);
		json_array_append_new(nodes,
		    json_pack("{s:s, s:s, s:i, s:s, "
			      "s:s, s:o}",
			"party", ps[i].code, "url", ps[i].url, "port",
			(int)ps[i].port, "ca", ca, "dir", ps[i].dir, "accounts",
			accs));
	}
	HN_FMT_FIXED(ca, sizeof(ca), "%s/tls.crt", ps[0].dir);
	o = json_pack("{s:s, s:{s:s, s:i, s:s}, s:o, s:b, s:s, s:s}", "dir",
	    base, "registry", "url", ps[0].url, "port", (int)ps[0].port, "ca",
	    ca, "nodes", nodes, "simulated_register", 1, "register_label",
	    LABEL, "password", DEMO_PASSWORD);
	if (o == NULL || (s = json_dumps(o, JSON_INDENT(2))) == NULL) {
		json_decref(o);
		return -1;
	}
	r = hn_file_write_atomic(path, s, strlen(s), 0600);
	free(s);
	json_decref(o);
	return r;
}

#define USAGE \
	"hanoinet demo [--nodes N] [--base-port P] [--dir DIR] " \
	"[--info FILE] [--scenario-only | --exit-after SECONDS] [--status]"

/* One run of the demo: its options, processes and the registry's key. */
struct demo {
	long nodes, baseport, exit_after;
	const char *dir, *info;
	int only; /* --scenario-only */
	int temp; /* base is a temporary directory, removed at the end */
	char base[PATH_MAX];
	char regpath[PATH_MAX + 32];
	char regvkey[HN_VKEY_MAX + 1];
	uint8_t rsk[HN_ED25519_SK_LEN];
	struct proc ps[MAX_NODES + 1]; /* ps[0] is the registry */
	size_t np; /* processes set up in ps */
	json_t *parties; /* the nodes' directory entries */
};

/* A decimal number from lo to hi in *out: 0, or -1. */
static int
demo_long(const char *s, long lo, long hi, long *out)
{
	char *end;

	if (s == NULL)
		return 0;
	*out = strtol(s, &end, 10);
	return *end == '\0' && *out >= lo && *out <= hi ? 0 : -1;
}

/*
 * Parses the options into dm. Returns -1 to go on, or the exit status
 * (usage error, --help, --status).
 */
static int
demo_options(struct demo *dm, int argc, char **argv)
{
	const char *nodes = NULL, *baseport = NULL, *exit_after = NULL;
	int status = 0, r;
	const struct hn_cli_opt opts[] = { HN_OPT("nodes", &nodes),
		HN_OPT("base-port", &baseport), HN_OPT("dir", &dm->dir),
		HN_OPT("info", &dm->info),
		HN_OPT_FLAG("scenario-only", &dm->only),
		HN_OPT("exit-after", &exit_after),
		HN_OPT_FLAG("status", &status), HN_OPT_END };

	if ((r = hn_cli_args(argc, argv, opts, 0, 0, USAGE, NULL)) != HN_CLI_GO)
		return r;
	if (demo_long(nodes, 2, MAX_NODES, &dm->nodes) != 0)
		return hn_cli_usage("demo: --nodes is 2 to %d", MAX_NODES);
	if (demo_long(baseport, 1024, 65535 - MAX_NODES, &dm->baseport) != 0)
		return hn_cli_usage("demo: --base-port is 1024 to %d",
		    65535 - MAX_NODES);
	if (demo_long(exit_after, 0, 86400, &dm->exit_after) != 0)
		return hn_cli_usage("demo: --exit-after is 0 to 86400 seconds");
	if (status)
		return print_status();
	return HN_CLI_GO;
}

/* The base directory: --dir (created) or a new temporary one. */
static int
demo_base(struct demo *dm)
{
	if (dm->dir != NULL) {
		if (hn_mkdirs(dm->dir, 0700) != 0 ||
		    realpath(dm->dir, dm->base) == NULL)
			return hn_cli_fail(1, "cannot create %s", dm->dir);
		return 0;
	}
	if (hn_fmt(dm->base, sizeof(dm->base), "%s/hanoinet-demo.XXXXXX",
		getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") != 0 ||
	    mkdtemp(dm->base) == NULL)
		return hn_cli_fail(1, "cannot create a temporary directory");
	dm->temp = 1;
	return 0;
}

/* The registry's key (dm->rsk, dm->regvkey) and the simulated register. */
static int
demo_registry_key(struct demo *dm)
{
	char regkey[PATH_MAX + 32];
	uint8_t rpk[HN_ED25519_PK_LEN], seed[HN_ED25519_SEED_LEN];
	struct hn_buf keyline = HN_BUF_INIT(1024);
	int r = 0;

	HN_FMT_FIXED(dm->regpath, sizeof(dm->regpath),
	    "%s/register-SIMULATED.json", dm->base);
	HN_FMT_FIXED(regkey, sizeof(regkey), "%s/registry.key", dm->base);
	hn_random(seed, sizeof(seed));
	hn_ed25519_from_seed(rpk, dm->rsk, seed);
	if (write_register(dm->regpath) != 0 ||
	    hn_skey_format(&keyline, "registry.demo", seed) != 0 ||
	    hn_file_write_atomic(regkey, keyline.data, keyline.len, 0600) !=
		0 ||
	    hn_vkey_format(dm->regvkey, sizeof(dm->regvkey), "registry.demo",
		rpk) != 0)
		r = hn_cli_fail(1, "cannot write the registry key or register");
	hn_wipe(seed, sizeof(seed));
	hn_buf_release_secret(&keyline);
	return r;
}

/* Ports, data directories and directory entries; ps[0] is the registry. */
static int
demo_make_nodes(struct demo *dm)
{
	struct proc *ps = dm->ps;
	size_t i;

	for (i = 0; i <= (size_t)dm->nodes; i++) {
		ps[i].port = dm->baseport ? (unsigned)(dm->baseport + (long)i) :
					    free_port();
		if (ps[i].port == 0)
			return hn_cli_fail(1, "no free port");
	}
	dm->parties = json_array();
	HN_FMT_FIXED(ps[0].url, sizeof(ps[0].url), "https://127.0.0.1:%u",
	    ps[0].port);
	if (make_node(&ps[0], dm->base, "UNR", dm->regvkey, dm->regpath, NULL,
		NULL) != 0)
		return hn_cli_fail(1, "cannot set up the registry in %s",
		    dm->base);
	dm->np = 1;
	for (i = 1; i <= (size_t)dm->nodes; i++, dm->np++)
		if (make_node(&ps[i], dm->base, codes[i - 1], dm->regvkey,
			dm->regpath, ps[0].url, dm->parties) != 0)
			return hn_cli_fail(1, "cannot set up node %s in %s",
			    codes[i - 1], dm->base);
	return 0;
}

/* The signed directory, installed in every data directory (the nodes
 * also fetch it from the registry). */
static int
demo_directory(struct demo *dm)
{
	struct hn_buf sdir = HN_BUF_INIT(HN_DIR_MAX);
	char path[PATH_MAX + 32], *desc = NULL;
	json_t *d;
	size_t i;
	int r = 0;

	d = json_pack("{s:i, s:i, s:O}", "serial", 1, "valid_days", 30,
	    "parties", dm->parties);
	if (d == NULL || (desc = json_dumps(d, JSON_COMPACT)) == NULL ||
	    hn_directory_sign(&sdir, desc, strlen(desc), "registry.demo",
		dm->rsk, (int64_t)time(NULL), NULL) != 0) {
		r = hn_cli_fail(1, "cannot sign the directory");
		goto out;
	}
	for (i = 0; i < dm->np; i++) {
		HN_FMT_FIXED(path, sizeof(path), "%s/directory.signed",
		    dm->ps[i].dir);
		if (hn_file_write_atomic(path, sdir.data, sdir.len, 0644) !=
		    0) {
			r = hn_cli_fail(1, "cannot write %s", path);
			goto out;
		}
	}
out:
	hn_buf_release(&sdir);
	free(desc);
	json_decref(d);
	return r;
}

/* Starts every process, waits for its port, makes the demo accounts. */
static int
demo_start(struct demo *dm)
{
	struct proc *ps = dm->ps;
	size_t i;

	for (i = 0; i < dm->np; i++)
		if ((ps[i].pid = spawn_serve(&ps[i])) < 0)
			return hn_cli_fail(1, "cannot start %s", ps[i].code);
	for (i = 0; i < dm->np; i++)
		if (wait_port(&ps[i], 20) != 0)
			return hn_cli_fail(1,
			    "%s did not start (see "
			    "%s/serve.log)",
			    ps[i].code, ps[i].dir);
	for (i = 1; i < dm->np; i++)
		if (make_accounts(&ps[i]) != 0)
			return hn_cli_fail(1,
			    "cannot create the demo accounts "
			    "on %s",
			    ps[i].code);
	return 0;
}

/* URLs and logins on stdout, and in the --info file. */
static int
demo_announce(struct demo *dm)
{
	struct proc *ps = dm->ps;
	size_t i;

	printf("Registry (depositary): %s  (GET /v1/directory; pinned key "
	       "%s)\n",
	    ps[0].url, dm->regvkey);
	printf("Nodes:\n");
	for (i = 1; i < dm->np; i++)
		printf("  %s  %s   CA: %s/tls.crt   admin password: %s\n",
		    ps[i].code, ps[i].url, ps[i].dir, ps[i].admin_pw);
	printf("Logins on every node (password \"%s\"): duty (24/7 duty "
	       "officer), central (central authority), supervisor, auditor\n",
	    DEMO_PASSWORD);
	printf("Try: curl --cacert %s/tls.crt %s/v1/federation\n", ps[1].dir,
	    ps[1].url);
	if (dm->info != NULL && write_info(dm->info, ps, dm->np, dm->base) != 0)
		return hn_cli_fail(1, "cannot write %s", dm->info);
	if (dm->info != NULL)
		printf("URLs and logins written to %s\n", dm->info);
	fflush(stdout);
	return 0;
}

/* The scenario, then (unless --scenario-only) until Ctrl-C or
 * --exit-after. */
static int
demo_run(struct demo *dm)
{
	long i;

	if (scenario(&dm->ps[1], &dm->ps[2]) != 0) {
		dm->temp = 0; /* keep the logs */
		return hn_cli_fail(1,
		    "the scenario did not complete (logs in "
		    "%s)",
		    dm->base);
	}
	fflush(stdout);
	if (dm->only)
		return 0;
	if (dm->exit_after < 0)
		printf("\nRunning. Press Ctrl-C to stop every node.\n");
	fflush(stdout);
	for (i = 0;
	     !stop_flag && (dm->exit_after < 0 || i < dm->exit_after * 10); i++)
		usleep(100000);
	return 0;
}

/* Stops every process; removes a temporary base after a success. */
static void
demo_stop(struct demo *dm, int st)
{
	int rm_base = dm->temp && st == 0;

	printf("\nStopping %zu processes...\n", dm->np);
	stop_all(dm->ps, dm->np);
	printf("Stopped.%s%s\n", rm_base ? "" : " Files kept in ",
	    rm_base ? "" : dm->base);
	if (rm_base) {
		char *rm[] = { "rm", "-rf", dm->base, NULL };
		pid_t pid = fork();

		if (pid == 0) {
			execvp("rm", rm);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
}

int
cmd_demo(int argc, char **argv)
{
	struct demo demo, *dm = &demo;
	struct sigaction sa;
	int st;

	memset(dm, 0, sizeof(*dm));
	dm->nodes = 3;
	dm->exit_after = -1;
	if ((st = demo_options(dm, argc, argv)) >= 0)
		goto done;
	if (hn_crypto_init() != 0 || hn_client_global_init() != 0) {
		st = hn_cli_fail(1, "cannot initialise the crypto libraries");
		goto done;
	}
	hn_diag_set_level(HN_DIAG_WARN);

	printf("hanoinet demo: a registry and %ld nodes on loopback\n\n",
	    dm->nodes);
	if (print_status() != 0) {
		st = 1;
		goto done;
	}
	printf("\n*** This demo uses a SIMULATED register in which the UN "
	       "Convention is in force\n*** for every party (ratified "
	       "2025-11-03, in force from 2026-02-01). It is NOT\n*** the real "
	       "register. Each node shows this label at /v1/federation.\n\n");
	if ((st = demo_base(dm)) != 0)
		goto done;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (demo_registry_key(dm) != 0 || demo_make_nodes(dm) != 0 ||
	    demo_directory(dm) != 0 || demo_start(dm) != 0 ||
	    demo_announce(dm) != 0 || demo_run(dm) != 0)
		st = 1;
	demo_stop(dm, st);
done:
	hn_wipe(dm->rsk, sizeof(dm->rsk));
	json_decref(dm->parties);
	return st;
}
