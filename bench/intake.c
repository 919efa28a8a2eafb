/*
 * bench/intake: durable POST /v1/requests per second with 64 concurrent
 * keep-alive clients over TLS against a real `hanoinet serve`, next to the
 * raw single-row SQLite commit rate (WAL, synchronous=FULL, one INSERT per
 * transaction) measured in the same run on the same file system.
 *
 *   ratio   = intake rate / raw commit rate (> 1: group commit beats one
 *             fsync per request)
 *   p99_ms  = 99th percentile latency of an acknowledged POST
 *   rss_idle_mb = the server's VmRSS (/proc/PID/status) when idle after
 *             the load (the larger of before and after)
 *
 * Bounded: HN_BENCH_SECONDS (default 5) of load, at most 200000 requests,
 * 3 s of raw commits. Last line:
 *   BENCH intake ratio=R p99_ms=P rss_idle_mb=M
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CLIENTS 64
#define MAX_REQUESTS 200000
#define RAW_SECONDS 3.0

static const char doc[] =
    "{\"kind\":\"preservation\",\"from\":\"VNM\",\"to\":\"FRA\","
    "\"requesting_authority\":\"Cybercrime unit, Hanoi\","
    "\"offence\":\"unauthorised access (art. 7)\","
    "\"proceedings\":\"investigation 2026/117\","
    "\"facts\":\"intrusion into a hospital's systems\","
    "\"data\":[{\"description\":\"subscriber and traffic data of an "
    "account\",\"relation_to_offence\":\"used for the intrusion\"}],"
    "\"custodian\":\"a hosting provider\",\"necessity\":\"logs are "
    "deleted after 30 days\",\"mla_to_follow\":true}";

static char url[256], cacert[PATH_MAX], auth[160];
static double deadline;
static atomic_int issued;
static double *lat; /* seconds, one per acknowledged request */
static atomic_int nlat;
static atomic_int failures;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The load: CLIENTS kept-alive TLS connections (OpenSSL, TLS 1.2+, the
 * node's certificate verified as curl would), each one client with one
 * POST in flight at a time, driven by CLIENT_THREADS event loops (epoll),
 * as load generators such as wrk do. A thread (or a libcurl handle) per
 * connection made the client use as much CPU per request as the server,
 * on the same two CPUs, so the run measured the client. The requests are
 * plain HTTP/1.1 with Content-Length; a response is complete when its
 * headers and Content-Length bytes of body are in.
 */
#define CLIENT_THREADS 2
#define RESP_MAX 65536

struct conn {
	int fd;
	SSL *ssl;
	double t0;
	size_t have; /* response bytes in buf */
	char buf[RESP_MAX];
};

static SSL_CTX *tls;
static char request[4096];
static size_t request_len;
static int port;

/* A blocking TLS connection to the node, verified against cacert. */
static int
conn_open(struct conn *cn)
{
	struct sockaddr_in a;
	int one = 1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((cn->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(cn->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(cn->fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    (cn->ssl = SSL_new(tls)) == NULL ||
	    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(cn->ssl),
		"127.0.0.1") != 1 ||
	    SSL_set_fd(cn->ssl, cn->fd) != 1 || SSL_connect(cn->ssl) != 1)
		return -1;
	return fcntl(cn->fd, F_SETFL, fcntl(cn->fd, F_GETFL) | O_NONBLOCK);
}

static void
conn_close(struct conn *cn)
{
	if (cn->ssl != NULL)
		SSL_free(cn->ssl);
	if (cn->fd >= 0)
		close(cn->fd);
	cn->ssl = NULL;
	cn->fd = -1;
}

/* Sends the next request on cn, if the run is not over: 1 sent, 0 over,
 * -1 failed. */
static int
issue(struct conn *cn)
{
	struct pollfd p;
	size_t off = 0;
	int n, e, tries = 0;

	if (now() >= deadline || atomic_fetch_add(&issued, 1) >= MAX_REQUESTS)
		return 0;
	cn->t0 = now();
	cn->have = 0;
	while (off < request_len) {
		n = SSL_write(cn->ssl, request + off, (int)(request_len - off));
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		e = SSL_get_error(cn->ssl, n);
		if ((e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) ||
		    ++tries > 100)
			return -1;
		p.fd = cn->fd;
		p.events = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
		poll(&p, 1, 100);
	}
	return 1;
}

/* Case-insensitive search for a header line's value in the head. */
static const char *
header(const char *head, size_t len, const char *name)
{
	size_t nl = strlen(name), i;

	for (i = 0; i + nl + 2 < len; i++)
		if (head[i] == '\n' &&
		    strncasecmp(head + i + 1, name, nl) == 0 &&
		    head[i + 1 + nl] == ':')
			return head + i + 2 + nl;
	return NULL;
}

/* Reads what arrived; 1 when the response is complete (*status set), 0 not
 * yet, -1 failed. */
static int
receive(struct conn *cn, int *status)
{
	const char *end, *cl;
	size_t head, body;
	int n, e;

	for (;;) {
		if (cn->have >= sizeof(cn->buf) - 1)
			return -1;
		n = SSL_read(cn->ssl, cn->buf + cn->have,
		    (int)(sizeof(cn->buf) - 1 - cn->have));
		if (n <= 0) {
			e = SSL_get_error(cn->ssl, n);
			if (e == SSL_ERROR_WANT_READ ||
			    e == SSL_ERROR_WANT_WRITE)
				break;
			return -1;
		}
		cn->have += (size_t)n;
	}
	cn->buf[cn->have] = '\0';
	if ((end = strstr(cn->buf, "\r\n\r\n")) == NULL)
		return 0;
	head = (size_t)(end - cn->buf) + 4;
	if ((cl = header(cn->buf, head, "Content-Length")) == NULL ||
	    strncmp(cn->buf, "HTTP/1.1 ", 9) != 0)
		return -1;
	body = (size_t)strtoul(cl, NULL, 10);
	if (cn->have < head + body)
		return 0;
	if (cn->have > head + body)
		return -1; /* nothing was asked for */
	*status = (int)strtol(cn->buf + 9, NULL, 10);
	if (header(cn->buf, head, "Connection") != NULL &&
	    strstr(header(cn->buf, head, "Connection"), "close") != NULL)
		return -1;
	return 1;
}

struct share {
	struct conn *c;
	int n;
};

static void *
client(void *arg)
{
	struct share *sh = arg;
	struct conn *cs = sh->c, *cn;
	struct epoll_event ev, evs[CLIENTS];
	int i, n, k, ep, r, status, active = 0;

	if ((ep = epoll_create1(0)) < 0)
		return NULL;
	for (i = 0; i < sh->n; i++) {
		if (cs[i].ssl == NULL)
			continue;
		ev.events = EPOLLIN;
		ev.data.ptr = &cs[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev) != 0 ||
		    (r = issue(&cs[i])) < 0) {
			atomic_fetch_add(&failures, 1);
			continue;
		}
		active += r;
	}
	while (active > 0 && now() < deadline + 30) {
		n = epoll_wait(ep, evs, CLIENTS, 1000);
		for (k = 0; k < n; k++) {
			cn = evs[k].data.ptr;
			if (cn->ssl == NULL)
				continue;
			if ((r = receive(cn, &status)) == 0)
				continue;
			if (r < 0 || status != 201) {
				atomic_fetch_add(&failures, 1);
				if (r < 0) { /* this connection is done */
					epoll_ctl(ep, EPOLL_CTL_DEL, cn->fd,
					    NULL);
					conn_close(cn);
					active--;
					continue;
				}
			} else {
				lat[atomic_fetch_add(&nlat, 1)] =
				    now() - cn->t0;
			}
			if ((r = issue(cn)) <= 0) {
				if (r < 0)
					atomic_fetch_add(&failures, 1);
				active--;
			}
		}
	}
	if (active > 0) /* no answer within 30 s */
		atomic_fetch_add(&failures, active);
	close(ep);
	return NULL;
}

/* One INSERT per transaction: what a node without group commit pays. */
static double
raw_rate(const char *dir)
{
	char path[PATH_MAX];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	double t0, el;
	long n = 0;

	snprintf(path, sizeof(path), "%s/raw.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		"CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT)",
		NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES (?)", -1, &st,
		NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return 0;
	}
	t0 = now();
	while ((el = now() - t0) < RAW_SECONDS) {
		sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			break;
		sqlite3_reset(st);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return el > 0 ? (double)n / el : 0;
}

static long
rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* CPU seconds (user + system) the process has used, all its threads. */
static double
proc_cpu(pid_t pid)
{
	char path[64], line[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	if (p == NULL || (p = strrchr(line, ')')) == NULL)
		return 0;
	/* fields after the command: state is field 3, utime 14, stime 15 */
	for (i = 3; i < 14 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %llu %llu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double
self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Busy and total jiffies of the whole machine (/proc/stat). */
static void
machine_cpu(double *busy, double *total)
{
	unsigned long long v[8] = { 0 };
	char line[512];
	FILE *f;
	int i;

	*busy = *total = 0;
	if ((f = fopen("/proc/stat", "r")) == NULL)
		return;
	if (fgets(line, sizeof(line), f) != NULL &&
	    sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		&v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		for (i = 0; i < 8; i++)
			*total += (double)v[i];
		*busy = *total - (double)v[3] - (double)v[4];
	}
	fclose(f);
}

/* Runs a command, returns its output's line starting with `key` (value). */
static int
run_capture(const char *cmd, const char *key, char *out, size_t max)
{
	char line[512];
	size_t kl = strlen(key);
	FILE *p;
	int found = 0;

	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL) {
		if (!found && strncmp(line, key, kl) == 0) {
			line[strcspn(line, "\n")] = '\0';
			if (strlen(line + kl) < max) {
				memcpy(out, line + kl, strlen(line + kl) + 1);
				found = 1;
			}
		}
	}
	return pclose(p) == 0 && found ? 0 : -1;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
login(const char *name, const char *pw, char *token, size_t max)
{
	char u[300], body[256], resp[2048] = "", *p, *q;
	FILE *f;
	CURL *c;
	struct curl_slist *h = NULL;
	long status = 0;

	snprintf(u, sizeof(u), "%s/v1/session", url);
	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"password\":\"%s\"}",
	    name, pw);
	if ((f = fmemopen(resp, sizeof(resp) - 1, "w")) == NULL)
		return -1;
	c = curl_easy_init();
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, u);
	curl_easy_setopt(c, CURLOPT_CAINFO, cacert);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	fclose(f);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	if (status != 201 || (p = strstr(resp, "\"token\":\"")) == NULL)
		return -1;
	p += 9;
	if ((q = strchr(p, '"')) == NULL || (size_t)(q - p) >= max)
		return -1;
	memcpy(token, p, (size_t)(q - p));
	token[q - p] = '\0';
	return 0;
}

/* Prints the server's group-commit counters (GET /metrics, as auditor). */
static void
store_stats(const char *pw)
{
	static char resp[1 << 18];
	char u[300], tok[128], hdr[200], *p;
	const char *keys[] = { "\nhanoinet_store_commits_total ",
		"\nhanoinet_store_jobs_total ", "\nhanoinet_store_batch_max ",
		NULL };
	double v[3] = { 0, 0, 0 };
	struct curl_slist *h = NULL;
	FILE *f;
	CURL *c;
	int i;

	if (login("audit", pw, tok, sizeof(tok)) != 0) {
		printf("group commit: cannot log in to read /metrics\n");
		return;
	}
	snprintf(u, sizeof(u), "%s/metrics", url);
	snprintf(hdr, sizeof(hdr), "Authorization: Bearer %s", tok);
	if ((f = fmemopen(resp, sizeof(resp) - 1, "w")) == NULL)
		return;
	c = curl_easy_init();
	h = curl_slist_append(h, hdr);
	curl_easy_setopt(c, CURLOPT_URL, u);
	curl_easy_setopt(c, CURLOPT_CAINFO, cacert);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_perform(c);
	fclose(f);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	for (i = 0; keys[i] != NULL; i++)
		if ((p = strstr(resp, keys[i])) != NULL)
			v[i] = atof(p + strlen(keys[i]));
	if (v[0] == 0)
		printf("group commit: no counters in /metrics\n");
	else
		printf("group commit: %.0f transactions, %.0f jobs, %.1f jobs "
		       "per commit on average, %.0f at most\n",
		    v[0], v[1], v[1] / v[0], v[2]);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/hn-bench-intake-XXXXXX", bin[PATH_MAX],
	     cmd[PATH_MAX * 2];
	char pw[128], pw2[128], pw3[128], token[128], portfile[PATH_MAX],
	    buf[32], *slash;
	pthread_t th[CLIENT_THREADS];
	struct share share[CLIENT_THREADS];
	static struct conn conns[CLIENTS];
	int opened = 0;
	const char *e;
	double seconds = 5, t0, el, raw, rate, p50, p99, rss1, rss2, rss;
	double scpu, ccpu, mbusy, mtotal, mbusy2, mtotal2;
	ssize_t n;
	pid_t pid;
	FILE *f;
	int i, status, rc = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((e = getenv("HN_BENCH_SECONDS")) != NULL && atof(e) > 0)
		seconds = atof(e) > 60 ? 60 : atof(e);
	if ((n = readlink("/proc/self/exe", bin, sizeof(bin) - 32)) <= 0)
		return 1;
	bin[n] = '\0';
	if ((slash = strrchr(bin, '/')) == NULL)
		return 1;
	snprintf(slash + 1, 16, "hanoinet");
	if (mkdtemp(dir) == NULL)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((lat = calloc(MAX_REQUESTS + CLIENTS, sizeof(double))) == NULL)
		return 1;

	snprintf(cmd, sizeof(cmd), "'%s' init --party VNM --dir '%s/node'", bin,
	    dir);
	if (run_capture(cmd, "password: ", pw, sizeof(pw)) != 0) {
		fprintf(stderr, "bench_intake: init failed\n");
		goto out;
	}
	snprintf(cmd, sizeof(cmd),
	    "'%s' account add --dir '%s/node' bench "
	    "duty_officer",
	    bin, dir);
	if (run_capture(cmd, "password: ", pw2, sizeof(pw2)) != 0)
		goto out;
	snprintf(cmd, sizeof(cmd),
	    "'%s' account add --dir '%s/node' audit "
	    "auditor",
	    bin, dir);
	if (run_capture(cmd, "password: ", pw3, sizeof(pw3)) != 0)
		goto out;
	snprintf(portfile, sizeof(portfile), "%s/node/port", dir);
	if ((pid = fork()) == 0) {
		char log[PATH_MAX], nd[PATH_MAX];

		snprintf(log, sizeof(log), "%s/serve.log", dir);
		snprintf(nd, sizeof(nd), "%s/node", dir);
		if (freopen(log, "w", stderr) == NULL)
			_exit(127);
		execl(bin, "hanoinet", "serve", "--dir", nd, "--listen",
		    "127.0.0.1:0", "--port-file", portfile, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200 && port == 0; i++) {
		if ((f = fopen(portfile, "r")) != NULL) {
			if (fgets(buf, sizeof(buf), f) != NULL)
				port = (int)strtol(buf, NULL, 10);
			fclose(f);
		}
		if (port == 0)
			usleep(50000);
	}
	if (port == 0) {
		fprintf(stderr, "bench_intake: the node did not start\n");
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		goto out;
	}
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", port);
	snprintf(cacert, sizeof(cacert), "%s/node/tls.crt", dir);
	usleep(500000);
	rss1 = (double)rss_kb(pid) / 1024.0;
	if (login("bench", pw2, token, sizeof(token)) != 0) {
		fprintf(stderr, "bench_intake: login failed\n");
		goto stop;
	}
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);

	raw = raw_rate(dir);
	printf("raw SQLite commits (WAL, synchronous=FULL, 1 row each): "
	       "%.0f/s\n",
	    raw);

	/* the clients' connections, opened (TLS handshakes) before the clock */
	if ((tls = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(tls, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_load_verify_locations(tls, cacert, NULL) != 1) {
		fprintf(stderr, "bench_intake: TLS setup failed\n");
		goto stop;
	}
	SSL_CTX_set_verify(tls, SSL_VERIFY_PEER, NULL);
	n = snprintf(request, sizeof(request),
	    "POST /v1/requests HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%d\r\n%s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s",
	    port, auth, strlen(doc), doc);
	if (n < 0 || (size_t)n >= sizeof(request))
		goto stop;
	request_len = (size_t)n;
	for (i = 0; i < CLIENTS; i++) {
		conns[i].fd = -1;
		if (conn_open(&conns[i]) == 0)
			opened++;
		else
			conn_close(&conns[i]);
	}
	if (opened < CLIENTS) {
		fprintf(stderr,
		    "bench_intake: %d of %d TLS connections "
		    "opened\n",
		    opened, CLIENTS);
		atomic_fetch_add(&failures, CLIENTS - opened);
	}

	scpu = proc_cpu(pid);
	ccpu = self_cpu();
	machine_cpu(&mbusy, &mtotal);
	t0 = now();
	deadline = t0 + seconds;
	for (i = 0; i < CLIENT_THREADS; i++) {
		share[i].c = conns + i * (CLIENTS / CLIENT_THREADS);
		share[i].n = i + 1 < CLIENT_THREADS ?
		    CLIENTS / CLIENT_THREADS :
		    CLIENTS - i * (CLIENTS / CLIENT_THREADS);
		pthread_create(&th[i], NULL, client, &share[i]);
	}
	for (i = 0; i < CLIENT_THREADS; i++)
		pthread_join(th[i], NULL);
	el = now() - t0;
	for (i = 0; i < CLIENTS; i++)
		conn_close(&conns[i]);
	scpu = proc_cpu(pid) - scpu;
	ccpu = self_cpu() - ccpu;
	machine_cpu(&mbusy2, &mtotal2);
	rate = (double)atomic_load(&nlat) / el;
	qsort(lat, (size_t)atomic_load(&nlat), sizeof(double), cmp);
	p50 = nlat ? lat[(size_t)(nlat * 0.50)] * 1e3 : 0;
	p99 = nlat ? lat[(size_t)(nlat * 0.99)] * 1e3 : 0;
	sleep(5); /* connections closed, threads gone, memory trimmed */
	rss2 = (double)rss_kb(pid) / 1024.0;
	rss = rss1 > rss2 ? rss1 : rss2;
	printf("intake: %d acknowledged POST /v1/requests in %.2f s with %d "
	       "keep-alive TLS clients: %.0f/s (failures %d)\n",
	    (int)nlat, el, CLIENTS, rate, atomic_load(&failures));
	printf("latency: p50 %.1f ms, p99 %.1f ms; %d kept-alive TLS "
	       "connections\n",
	    p50, p99, opened);
	printf("server RSS idle: %.1f MB before, %.1f MB after the load\n",
	    rss1, rss2);
	if (nlat > 0)
		printf("CPU per request: server %.0f us, client %.0f us; machine "
		       "busy %.0f%% during the load (%ld CPUs)\n",
		    scpu * 1e6 / nlat, ccpu * 1e6 / nlat,
		    mtotal2 > mtotal ?
			100.0 * (mbusy2 - mbusy) / (mtotal2 - mtotal) :
			0,
		    sysconf(_SC_NPROCESSORS_ONLN));
	store_stats(pw3);
	printf("BENCH intake ratio=%.2f p99_ms=%.1f rss_idle_mb=%.1f\n",
	    raw > 0 ? rate / raw : 0, p99, rss);
	rc = atomic_load(&failures) == 0 && nlat > 0 ? 0 : 1;
stop:
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
out:
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	free(lat);
	if (tls != NULL)
		SSL_CTX_free(tls);
	curl_global_cleanup();
	return rc;
}
