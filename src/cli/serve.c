/*
 * hanoinet serve [-c FILE | --dir DIR] [--listen ADDR:PORT]
 *     [--port-file FILE] [--print-routes]
 * Runs the node until SIGTERM or SIGINT, then stops accepting, lets
 * in-flight requests finish and closes the database cleanly.
 */
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "crypto/sign.h"
#include "node/federation.h"
#include "net/http.h"
#include "node/node.h"
#include "net/routes.h"
#include "node/requests.h"
#include "node/tls.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/diag.h"
#include "util/fmt.h"
#include "util/mem.h"

#define USAGE \
	"hanoinet serve [-c FILE | --dir DIR] " \
	"[--listen ADDR:PORT] [--port-file FILE] [--print-routes]"

static void
print_routes(void)
{
	const struct hn_route *rt;
	unsigned b;

	/* one line per route: METHOD PATTERN ROLE,ROLE,... (for tests) */
	for (rt = hn_routes; rt->method != NULL; rt++) {
		printf("%s %s ", rt->method, rt->pattern);
		for (b = 1; b <= HN_ROLE_PEER; b <<= 1) {
			if (!(rt->roles & b))
				continue;
			printf("%s%s",
			    b == 1 || !(rt->roles & (b - 1)) ? "" : ",",
			    b == HN_ROLE_PUBLIC	  ? "public" :
				b == HN_ROLE_PEER ? "peer" :
						    hn_role_name(b));
		}
		printf("\n");
	}
}

/* A configuration integer 1..max into *out. 0 or 1 (error printed). */
static int
conf_unsigned(struct hn_node *node, const char *name, long max, unsigned *out)
{
	struct hn_error e;
	long x;

	hn_error_clear(&e);
	if (hn_conf_int(&node->conf, name, 1, max, &x, &e) != 0)
		return hn_cli_fail(1, "%s", e.message);
	*out = (unsigned)x;
	return 0;
}

/*
 * The HTTP server's settings from the node's configuration; the TLS key and
 * certificate are read into key and crt (hc points into them). 0 or 1
 * (error printed).
 */
static int
serve_http_config(struct hn_node *node, const char *listen,
    struct hn_http_config *hc, struct hn_buf *key, struct hn_buf *crt)
{
	char path[PATH_MAX];

	memset(hc, 0, sizeof(*hc));
	hc->listen = listen ? listen : hn_conf_get(&node->conf, "listen");
	hc->body_max = node->body_max;
	hc->origin = hn_conf_get(&node->conf, "origin");
	if (conf_unsigned(node, "max_connections", 10000,
		&hc->max_connections) != 0 ||
	    conf_unsigned(node, "max_connections_per_ip", 10000,
		&hc->max_per_ip) != 0 ||
	    conf_unsigned(node, "timeout", 3600, &hc->timeout_s) != 0 ||
	    conf_unsigned(node, "header_timeout", 3600,
		&hc->header_timeout_s) != 0)
		return 1;
	if (hn_conf_path(&node->conf, "tls.key", path, sizeof(path)) != 0 ||
	    hn_file_read(path, key) != 0 ||
	    hn_conf_path(&node->conf, "tls.crt", path, sizeof(path)) != 0 ||
	    hn_file_read(path, crt) != 0)
		return hn_cli_fail(1,
		    "cannot read the TLS key and certificate "
		    "in %s",
		    node->conf.dir);
	hc->tls_key_pem = key->data;
	hc->tls_cert_pem = crt->data;
	return 0;
}

/*
 * Until SIGTERM or SIGINT (returned): every 2 s a WAL checkpoint and the
 * memory given back; every minute the node's tick and the request timers,
 * and stalled evidence transfers resumed.
 */
static int
serve_loop(struct hn_node *node, const sigset_t *set)
{
	struct hn_error e;
	struct timespec ts;
	unsigned ticks;
	int sig;

	hn_error_clear(&e);
	for (ticks = 0;; ticks++) {
		ts.tv_sec = 2;
		ts.tv_nsec = 0;
		sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT)
			return sig;
		hn_store_checkpoint(node->store);
		/* after a burst: idle readers closed, caches released */
		hn_store_shrink(node->store);
		malloc_trim(0); /* give freed memory back */
		if (ticks % 30 == 0) {
			hn_node_tick(node, (int64_t)time(NULL));
			/* art. 42: preservations whose period ran out expire
			 * (through the gate; the requesting State is told) */
			if (hn_rq_timers(node, (int64_t)time(NULL), 64, NULL,
				&e) != 0)
				hn_diag(HN_DIAG_WARN, "request.timers_failed",
				    "msg=\"%s\"", e.message);
		}
	}
}

/* What serve was asked for. */
struct serve_opts {
	const char *conf, *dir, *listen, *portfile;
};

/* Parses the options into o: HN_CLI_GO, or the exit status. */
static int
serve_options(struct serve_opts *o, int argc, char **argv)
{
	int routes = 0, help = 0, r;
	const struct hn_cli_opt opts[] = { HN_OPT_LETTER("config", 'c',
					       &o->conf),
		HN_OPT_LETTER("dir", 'd', &o->dir),
		HN_OPT_LETTER("listen", 'l', &o->listen),
		HN_OPT("port-file", &o->portfile),
		HN_OPT_FLAG("print-routes", &routes),
		HN_OPT_FLAG_LETTER("help", 'h', &help), /* -h; --help too */
		HN_OPT_END };

	memset(o, 0, sizeof(*o));
	if ((r = hn_cli_args(argc, argv, opts, 0, 0, USAGE, NULL)) != HN_CLI_GO)
		return r;
	if (help) {
		printf("usage: %s\n", USAGE);
		return 0;
	}
	if (routes) {
		print_routes();
		return 0;
	}
	if (o->conf != NULL && o->dir != NULL)
		return hn_cli_usage("--config and --dir: one or the other; "
				    "usage: %s",
		    USAGE);
	return HN_CLI_GO;
}

int
cmd_serve(int argc, char **argv)
{
	struct serve_opts o;
	const char *conf, *listen;
	struct hn_buf key = HN_BUF_INIT(1 << 16), crt = HN_BUF_INIT(1 << 16);
	struct hn_http_config hc;
	struct hn_http *http = NULL;
	struct hn_node *node = NULL;
	struct hn_error e;
	char path[PATH_MAX], num[16];
	sigset_t set;
	unsigned port = 0;
	int sig, status = 1, switched;

	hn_error_clear(&e);
	if ((status = serve_options(&o, argc, argv)) != HN_CLI_GO)
		return status;
	status = 1;
	conf = o.conf;
	listen = o.listen;
	if (conf == NULL) {
		if (hn_fmt(path, sizeof(path), "%s/hanoinet.conf",
			o.dir ? o.dir : ".") != 0)
			return hn_cli_usage("path too long");
		conf = path;
	}
	if (hn_crypto_init() != 0)
		return hn_cli_fail(1, "cannot initialise libsodium");

	/* Signals are taken by sigwait in this thread only: block them
	 * before any thread starts so that every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* never die of a peer gone: MHD and libcurl send with MSG_NOSIGNAL,
	 * any other write to a closed socket gets EPIPE */
	signal(SIGPIPE, SIG_IGN);
	/* Two malloc arenas, no heap churn per message (util/mem.h); the
	 * periodic trim in serve_loop keeps the idle node small (< 20 MB
	 * RSS). */
	hn_mem_policy();

	if (hn_node_open(&node, conf, &e) != 0) {
		hn_cli_fail(1, "%s", e.message);
		goto out;
	}
	/* a renewed certificate the directory now lists (node/tls.h) */
	if (hn_node_tls_switch(node, (int64_t)time(NULL), &switched, &e) != 0)
		hn_diag(HN_DIAG_ERROR, "tls.switch_failed", "msg=\"%s\"",
		    e.message);
	if (serve_http_config(node, listen, &hc, &key, &crt) != 0)
		goto out;
	/* no appended entry stays unsigned for long (node.h) */
	if (hn_node_signer_start(node, &e) != 0) {
		hn_cli_fail(1, "%s", e.message);
		goto out;
	}
	if (hn_fednode_start(node, &e) != 0) {
		hn_cli_fail(1, "federation: %s", e.message);
		goto out;
	}
	if (hn_http_start(&http, node, &hc, &port, &e) != 0) {
		hn_cli_fail(1, "%s", e.message);
		goto out;
	}
	hn_diag(HN_DIAG_INFO, "serve.listening",
	    "party=%s listen=%s port=%u "
	    "pid=%ld",
	    node->party, hc.listen, port, (long)getpid());
	if (o.portfile != NULL) {
		HN_FMT_FIXED(num, sizeof(num), "%u\n", port);
		if (hn_file_write_atomic(o.portfile, num, strlen(num), 0644) !=
		    0) {
			hn_cli_fail(1, "cannot write %s", o.portfile);
			goto out;
		}
	}
	sig = serve_loop(node, &set);
	hn_diag(HN_DIAG_INFO, "serve.stopping", "signal=%d", sig);
	status = 0;
out:
	hn_http_stop(http); /* in-flight requests finish first */
	hn_fednode_stop(node); /* then deliveries and evidence transfers
				  stop (interrupted ones resume at start) */
	hn_node_close(node); /* then the writer drains and the DB closes */
	if (status == 0)
		hn_diag(HN_DIAG_INFO, "serve.stopped", "clean=1");
	hn_buf_release_secret(&key);
	hn_buf_release(&crt);
	return status;
}
