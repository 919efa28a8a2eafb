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
#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
static double *lat;      /* seconds, one per acknowledged request */
static atomic_int nlat;
static atomic_int failures;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
sink(char *p, size_t s, size_t n, void *arg)
{
	return s * n;
}

/*
 * The load: CLIENT_THREADS threads, each driving its share of the CLIENTS
 * connections with one curl multi handle (an event loop, as load
 * generators such as wrk do). Each connection is one kept-alive TLS client
 * with one request in flight at a time; a thread per connection would
 * spend the two CPUs of the test machine on switching between 64 client
 * threads instead of on the server being measured.
 */
#define CLIENT_THREADS 2

struct conn {
	CURL *c;
	double t0;
};

static atomic_long connects;

static CURL *
easy(struct curl_slist *h, const char *u, struct conn *cn)
{
	CURL *c;

	if ((c = curl_easy_init()) == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, u);
	curl_easy_setopt(c, CURLOPT_CAINFO, cacert);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, doc);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_PRIVATE, cn);
	return c;
}

/* Starts the next request on cn, if the run is not over. */
static int
issue(CURLM *m, struct conn *cn)
{
	if (now() >= deadline || atomic_fetch_add(&issued, 1) >= MAX_REQUESTS)
		return 0;
	cn->t0 = now();
	return curl_multi_add_handle(m, cn->c) == CURLM_OK;
}

static void *
client(void *arg)
{
	struct conn cs[CLIENTS];
	struct curl_slist *h = NULL;
	struct conn *cn;
	CURLMsg *msg;
	CURLM *m;
	char u[300];
	long status, nc;
	int i, n = *(int *)arg, active = 0, still, q;

	snprintf(u, sizeof(u), "%s/v1/requests", url);
	if ((m = curl_multi_init()) == NULL)
		return NULL;
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)n);
	curl_multi_setopt(m, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, auth);
	memset(cs, 0, sizeof(cs));
	for (i = 0; i < n; i++)
		if ((cs[i].c = easy(h, u, &cs[i])) != NULL && issue(m, &cs[i]))
			active++;
	while (active > 0) {
		curl_multi_perform(m, &still);
		while ((msg = curl_multi_info_read(m, &q)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&cn);
			status = 0;
			curl_easy_getinfo(cn->c, CURLINFO_RESPONSE_CODE,
			    &status);
			nc = 0;
			curl_easy_getinfo(cn->c, CURLINFO_NUM_CONNECTS, &nc);
			atomic_fetch_add(&connects, nc);
			if (msg->data.result != CURLE_OK || status != 201)
				atomic_fetch_add(&failures, 1);
			else
				lat[atomic_fetch_add(&nlat, 1)] = now() - cn->t0;
			curl_multi_remove_handle(m, cn->c);
			if (!issue(m, cn))
				active--;
		}
		if (active > 0)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	for (i = 0; i < n; i++)
		curl_easy_cleanup(cs[i].c);
	curl_multi_cleanup(m);
	curl_slist_free_all(h);
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
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT)", NULL, NULL,
	    NULL) != SQLITE_OK ||
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
	    "\nhanoinet_store_jobs_total ", "\nhanoinet_store_batch_max ", NULL };
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
		    "per commit on average, %.0f at most\n", v[0], v[1],
		    v[1] / v[0], v[2]);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/hn-bench-intake-XXXXXX", bin[PATH_MAX], cmd[PATH_MAX * 2];
	char pw[128], pw2[128], pw3[128], token[128], portfile[PATH_MAX], buf[32], *slash;
	pthread_t th[CLIENT_THREADS];
	int share[CLIENT_THREADS];
	const char *e;
	double seconds = 5, t0, el, raw, rate, p50, p99, rss1, rss2, rss;
	double scpu, ccpu, mbusy, mtotal, mbusy2, mtotal2;
	ssize_t n;
	pid_t pid;
	FILE *f;
	int i, port = 0, status, rc = 1;

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
	snprintf(cmd, sizeof(cmd), "'%s' account add --dir '%s/node' bench "
	    "duty_officer", bin, dir);
	if (run_capture(cmd, "password: ", pw2, sizeof(pw2)) != 0)
		goto out;
	snprintf(cmd, sizeof(cmd), "'%s' account add --dir '%s/node' audit "
	    "auditor", bin, dir);
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
	    "%.0f/s\n", raw);

	scpu = proc_cpu(pid);
	ccpu = self_cpu();
	machine_cpu(&mbusy, &mtotal);
	t0 = now();
	deadline = t0 + seconds;
	for (i = 0; i < CLIENT_THREADS; i++) {
		share[i] = CLIENTS / CLIENT_THREADS +
		    (i < CLIENTS % CLIENT_THREADS);
		pthread_create(&th[i], NULL, client, &share[i]);
	}
	for (i = 0; i < CLIENT_THREADS; i++)
		pthread_join(th[i], NULL);
	el = now() - t0;
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
	    "keep-alive TLS clients: %.0f/s (failures %d)\n", (int)nlat, el,
	    CLIENTS, rate, atomic_load(&failures));
	printf("latency: p50 %.1f ms, p99 %.1f ms; %ld TLS connections "
	    "opened\n", p50, p99, atomic_load(&connects));
	printf("server RSS idle: %.1f MB before, %.1f MB after the load\n",
	    rss1, rss2);
	if (nlat > 0)
		printf("CPU per request: server %.0f us, client %.0f us; machine "
		    "busy %.0f%% during the load (%ld CPUs)\n", scpu * 1e6 / nlat,
		    ccpu * 1e6 / nlat, mtotal2 > mtotal ? 100.0 * (mbusy2 -
		    mbusy) / (mtotal2 - mtotal) : 0, sysconf(_SC_NPROCESSORS_ONLN));
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
	curl_global_cleanup();
	return rc;
}
