/*
 * Unit tests for src/fed/client: the one HTTPS client, against a small
 * OpenSSL server on loopback (a thread of this test). Pins (one, a list
 * with the right one anywhere, none right: refused before the request is
 * sent), CA file with the host name, no trust, the client certificate
 * seen by the server, the bearer token, a body streamed from a file range,
 * the response bound, one kept-alive connection that is dropped when the
 * pins change, a peer that closes while the client still sends, and bad
 * options.
 *
 * SIGPIPE: the server thread blocks it (its OpenSSL writes with write(2),
 * and a client that gives up on /big closes a socket it still writes to);
 * the client runs in the main thread with the default action, so a write
 * of the library to a closed socket that raised SIGPIPE would kill the
 * test (libcurl sends with MSG_NOSIGNAL).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "fed/client.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/err.h"

struct srv {
	char dir[64], crt[128], key[128], ccrt[128], ckey[128];
	uint8_t fp[32], cfp[32];
	SSL_CTX *ctx;
	int lfd, port, stop;
	pthread_t th;
	int conns; /* connections accepted */
	int requests; /* requests answered */
	char last_head[4096];
};

/* A self-signed P-256 certificate for 127.0.0.1: PEM files and the
 * SHA-256 of its DER. */
static void
make_cert(const char *crt, const char *key, uint8_t fp[32])
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_EXTENSION *ext;
	X509V3_CTX v3;
	unsigned int n = 0;
	FILE *fc, *fk;

	assert_non_null(pk);
	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, pk);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)"127.0.0.1", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
	    "IP:127.0.0.1");
	assert_non_null(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
	    "critical,CA:TRUE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, pk, EVP_sha256()) > 0);
	assert_int_equal(X509_digest(x, EVP_sha256(), fp, &n), 1);
	fc = fopen(crt, "w");
	fk = fopen(key, "w");
	assert_non_null(fc);
	assert_non_null(fk);
	PEM_write_X509(fc, x);
	PEM_write_PrivateKey(fk, pk, NULL, NULL, 0, NULL, NULL);
	fclose(fc);
	fclose(fk);
	X509_free(x);
	EVP_PKEY_free(pk);
}

static int
accept_any(int ok, X509_STORE_CTX *x)
{
	(void)ok;
	(void)x;
	return 1;
}

/* Reads one request (head + Content-Length body) and answers it. 0 on
 * success, -1 when the connection ends. */
static int
serve_one(struct srv *s, SSL *ssl)
{
	char head[4096], *cl, ans[1024], hex[65], cfp[65] = "";
	uint8_t md[32];
	size_t hl = 0, blen = 0, got = 0, i;
	struct hn_sha256 h;
	unsigned char buf[16384];
	X509 *peer;
	int k, big;

	for (;;) {
		if (hl == sizeof(head) - 1)
			return -1;
		if ((k = SSL_read(ssl, head + hl, 1)) <= 0)
			return -1;
		hl++;
		head[hl] = '\0';
		if (hl >= 4 && memcmp(head + hl - 4, "\r\n\r\n", 4) == 0)
			break;
	}
	snprintf(s->last_head, sizeof(s->last_head), "%s", head);
	if (strncmp(head, "PUT /close ", 11) == 0)
		return -1; /* closed with the body unread: a reset */
	if ((cl = strcasestr(head, "Content-Length:")) != NULL)
		blen = strtoul(cl + 15, NULL, 10);
	if (hn_sha256_init(&h) != 0)
		return -1;
	while (got < blen) {
		size_t want =
		    blen - got < sizeof(buf) ? blen - got : sizeof(buf);

		if ((k = SSL_read(ssl, buf, (int)want)) <= 0) {
			hn_sha256_release(&h);
			return -1;
		}
		hn_sha256_update(&h, buf, (size_t)k);
		got += (size_t)k;
	}
	hn_sha256_final(&h, md);
	hn_sha256_release(&h);
	hn_hex_encode(hex, md, 32);
	if ((peer = SSL_get1_peer_certificate(ssl)) != NULL) {
		unsigned int n = 0;

		X509_digest(peer, EVP_sha256(), md, &n);
		hn_hex_encode(cfp, md, 32);
		X509_free(peer);
	}
	/* counted before the answer: a client that has it sees the count */
	__atomic_add_fetch(&s->requests, 1, __ATOMIC_SEQ_CST);
	big = strncmp(head, "GET /big ", 9) == 0;
	if (big) {
		snprintf(ans, sizeof(ans),
		    "HTTP/1.1 200 OK\r\n"
		    "Content-Length: 100000\r\n\r\n");
		SSL_write(ssl, ans, (int)strlen(ans));
		memset(buf, 'x', sizeof(buf));
		for (i = 0; i < 100000; i += 10000)
			SSL_write(ssl, buf, 10000);
	} else {
		char body[512];
		int bl = snprintf(body, sizeof(body),
		    "{\"len\":%zu,"
		    "\"sha256\":\"%s\",\"client\":\"%s\"}",
		    blen, hex, cfp);

		snprintf(ans, sizeof(ans),
		    "HTTP/1.1 200 OK\r\n"
		    "Content-Type: application/json\r\n"
		    "Content-Length: %d\r\n\r\n%s",
		    bl, body);
		SSL_write(ssl, ans, (int)strlen(ans));
	}
	return 0;
}

/* One connection at a time: a new one replaces the old (whose client
 * moved on), so a client that keeps its connection shows one accept. */
static void *
srv_main(void *arg)
{
	struct srv *s = arg;
	SSL *ssl = NULL;
	sigset_t pipe;
	int fd = -1;

	/* EPIPE instead of a signal for this thread's writes (write(2) sends
	 * SIGPIPE to the writing thread, which keeps it pending) */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);
	while (!__atomic_load_n(&s->stop, __ATOMIC_SEQ_CST)) {
		struct pollfd p[2] = { { s->lfd, POLLIN, 0 },
			{ fd, POLLIN, 0 } };

		if (ssl != NULL && SSL_pending(ssl) > 0)
			p[1].revents = POLLIN;
		else if (poll(p, fd >= 0 ? 2 : 1, 100) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			int nfd = accept(s->lfd, NULL, NULL);

			if (nfd < 0)
				continue;
			if (ssl != NULL) {
				SSL_free(ssl);
				close(fd);
			}
			fd = nfd;
			ssl = SSL_new(s->ctx);
			SSL_set_fd(ssl, fd);
			__atomic_add_fetch(&s->conns, 1, __ATOMIC_SEQ_CST);
			if (SSL_accept(ssl) != 1) {
				SSL_free(ssl);
				close(fd);
				ssl = NULL;
				fd = -1;
			}
			continue;
		}
		if (fd >= 0 && (p[1].revents & (POLLIN | POLLHUP)) &&
		    serve_one(s, ssl) != 0) {
			SSL_free(ssl);
			close(fd);
			ssl = NULL;
			fd = -1;
		}
	}
	if (ssl != NULL) {
		SSL_free(ssl);
		close(fd);
	}
	return NULL;
}

static int
setup(void **state)
{
	struct srv *s = calloc(1, sizeof(*s));
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int one = 1;

	snprintf(s->dir, sizeof(s->dir), "/tmp/hn-client-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->crt, sizeof(s->crt), "%s/srv.crt", s->dir);
	snprintf(s->key, sizeof(s->key), "%s/srv.key", s->dir);
	snprintf(s->ccrt, sizeof(s->ccrt), "%s/cli.crt", s->dir);
	snprintf(s->ckey, sizeof(s->ckey), "%s/cli.key", s->dir);
	make_cert(s->crt, s->key, s->fp);
	make_cert(s->ccrt, s->ckey, s->cfp);
	s->ctx = SSL_CTX_new(TLS_server_method());
	assert_int_equal(SSL_CTX_use_certificate_file(s->ctx, s->crt,
			     SSL_FILETYPE_PEM),
	    1);
	assert_int_equal(SSL_CTX_use_PrivateKey_file(s->ctx, s->key,
			     SSL_FILETYPE_PEM),
	    1);
	SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, accept_any);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 8), 0);
	getsockname(s->lfd, (struct sockaddr *)&a, &al);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->th, NULL, srv_main, s), 0);
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct srv *s = *state;
	char cmd[128];

	__atomic_store_n(&s->stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(s->th, NULL);
	close(s->lfd);
	SSL_CTX_free(s->ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	assert_int_equal(system(cmd), 0);
	free(s);
	return 0;
}

static void
url_of(struct srv *s, char *out, size_t n)
{
	snprintf(out, n, "https://127.0.0.1:%d/", s->port);
}

static struct hn_client *
pinned(struct srv *s, const uint8_t (*pins)[32], size_t n)
{
	struct hn_client_opts o;
	struct hn_client *c = NULL;
	struct hn_error e;
	char url[64];

	url_of(s, url, sizeof(url));
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.trust = HN_TRUST_PINS;
	o.pins = pins;
	o.npins = n;
	o.timeout_ms = 5000;
	assert_int_equal(hn_client_new(&c, &o, &e), 0);
	return c;
}

static long
get(struct hn_client *c, const char *path, struct hn_buf *b, int *rc,
    struct hn_error *e)
{
	long st = 0;

	hn_buf_reset(b);
	hn_error_clear(e);
	*rc = hn_client_request(c, "GET", path, NULL, NULL, 0, 0, &st, b, e);
	return st;
}

static void
test_pins(void **state)
{
	struct srv *s = *state;
	struct hn_buf b = HN_BUF_INIT(4096);
	uint8_t pins[3][32];
	struct hn_client *c;
	struct hn_error e;
	int rc;

	/* the one pin */
	c = pinned(s, &s->fp, 1);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 200);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(b.data, "\"len\":0"));
	hn_client_free(c);
	/* a list: the right pin last, first */
	memset(pins, 0xab, sizeof(pins));
	memcpy(pins[2], s->fp, 32);
	c = pinned(s, (const uint8_t(*)[32])pins, 3);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 200);
	hn_client_free(c);
	memset(pins, 0xab, sizeof(pins));
	memcpy(pins[0], s->fp, 32);
	c = pinned(s, (const uint8_t(*)[32])pins, 3);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 200);
	hn_client_free(c);
	/* none right: refused in the handshake, nothing sent */
	memset(pins, 0xab, sizeof(pins));
	pins[1][0] = s->fp[0];
	__atomic_store_n(&s->requests, 0, __ATOMIC_SEQ_CST);
	c = pinned(s, (const uint8_t(*)[32])pins, 3);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 0);
	assert_int_equal(rc, HN_ENET);
	assert_string_equal(e.field, "certificate");
	assert_int_equal(s->requests, 0);
	hn_client_free(c);
	/* the client certificate's (also self-signed): refused */
	c = pinned(s, &s->cfp, 1);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 0);
	assert_int_equal(rc, HN_ENET);
	hn_client_free(c);
	hn_buf_release(&b);
}

static void
test_keepalive_and_new_pins(void **state)
{
	struct srv *s = *state;
	struct hn_buf b = HN_BUF_INIT(4096);
	uint8_t pins[2][32], bad[32];
	struct hn_client *c;
	struct hn_error e;
	int rc, i;

	c = pinned(s, &s->fp, 1);
	for (i = 0; i < 5; i++)
		assert_int_equal(get(c, "/x", &b, &rc, &e), 200);
	assert_int_equal(s->conns, 1);
	/* the same pins: the connection stays */
	hn_client_set_pins(c, &s->fp, 1);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 200);
	assert_int_equal(s->conns, 1);
	/* a new list (renewal announced): a new, checked connection */
	memset(pins, 0x11, sizeof(pins));
	memcpy(pins[1], s->fp, 32);
	hn_client_set_pins(c, (const uint8_t(*)[32])pins, 2);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 200);
	assert_int_equal(s->conns, 2);
	/* pins that no longer match: refused at once */
	memset(bad, 0x22, sizeof(bad));
	hn_client_set_pins(c, &bad, 1);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 0);
	assert_int_equal(rc, HN_ENET);
	assert_string_equal(e.field, "certificate");
	hn_client_free(c);
	hn_buf_release(&b);
}

static void
test_cafile_none_system(void **state)
{
	struct srv *s = *state;
	struct hn_buf b = HN_BUF_INIT(4096);
	struct hn_client_opts o;
	struct hn_client *c = NULL;
	struct hn_error e;
	char url[64];
	int rc;

	url_of(s, url, sizeof(url));
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.timeout_ms = 5000;
	o.trust = HN_TRUST_CAFILE;
	o.cafile = s->crt;
	assert_int_equal(hn_client_new(&c, &o, &e), 0);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 200);
	hn_client_free(c);
	/* another CA: refused */
	o.cafile = s->ccrt;
	assert_int_equal(hn_client_new(&c, &o, &e), 0);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 0);
	assert_int_equal(rc, HN_ENET);
	hn_client_free(c);
	/* the system's CAs do not know a self-signed certificate */
	o.trust = HN_TRUST_SYSTEM;
	o.cafile = NULL;
	assert_int_equal(hn_client_new(&c, &o, &e), 0);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 0);
	assert_int_equal(rc, HN_ENET);
	hn_client_free(c);
	/* no check (signed content) */
	o.trust = HN_TRUST_NONE;
	assert_int_equal(hn_client_new(&c, &o, &e), 0);
	assert_int_equal(get(c, "/x", &b, &rc, &e), 200);
	hn_client_free(c);
	hn_buf_release(&b);
}

static void
test_identity_token_body(void **state)
{
	struct srv *s = *state;
	struct hn_buf b = HN_BUF_INIT(4096);
	struct hn_client_opts o;
	struct hn_client *c = NULL;
	struct hn_error e;
	char url[64], hex[65], path[160];
	uint8_t md[32], *data;
	size_t n = 300000;
	long st = 0;
	int fd;

	url_of(s, url, sizeof(url));
	memset(&o, 0, sizeof(o));
	o.url = url;
	o.trust = HN_TRUST_PINS;
	o.pins = &s->fp;
	o.npins = 1;
	o.cert = s->ccrt;
	o.key = s->ckey;
	o.token = "tok123";
	o.accept = "application/json";
	assert_int_equal(hn_client_new(&c, &o, &e), 0);
	assert_int_equal(hn_client_request(c, "POST", "/in", "text/plain",
			     "hello", 5, 0, &st, &b, &e),
	    0);
	assert_int_equal(st, 200);
	hn_hex_encode(hex, s->cfp, 32);
	assert_non_null(strstr(b.data, hex)); /* mutual TLS */
	assert_non_null(strstr(b.data, "\"len\":5"));
	assert_non_null(strcasestr(s->last_head,
	    "Authorization: Bearer "
	    "tok123\r\n"));
	assert_non_null(strcasestr(s->last_head, "Accept: application/json"));
	assert_non_null(strcasestr(s->last_head, "Content-Type: text/plain"));
	assert_null(strcasestr(s->last_head, "Expect:"));
	/* the token goes; a token with a line break is refused */
	assert_int_equal(hn_client_set_token(c, NULL), 0);
	hn_buf_reset(&b);
	assert_int_equal(hn_client_request(c, "DELETE", "/s", NULL, NULL, 0, 0,
			     &st, &b, &e),
	    0);
	assert_null(strcasestr(s->last_head, "Authorization"));
	assert_true(strncmp(s->last_head, "DELETE /s ", 10) == 0);
	assert_int_not_equal(hn_client_set_token(c, "a\r\nX-Evil: 1"), 0);

	/* a file range, streamed: bytes [1000, 1000 + 250000) */
	snprintf(path, sizeof(path), "%s/data", s->dir);
	assert_non_null(data = malloc(n));
	hn_random(data, n);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	hn_sha256(data + 1000, 250000, md);
	hn_hex_encode(hex, md, 32);
	hn_buf_reset(&b);
	assert_int_equal(hn_client_request_fd(c, "PUT", "/up?offset=1000",
			     "application/octet-stream", fd, 1000, 250000, 0,
			     &st, &b, &e),
	    0);
	assert_int_equal(st, 200);
	assert_true(strncmp(s->last_head, "PUT /up?offset=1000 ", 20) == 0);
	assert_non_null(strstr(b.data, "\"len\":250000"));
	assert_non_null(strstr(b.data, hex));
	/* a range past the end of the file: HN_EIO, not a short body */
	hn_buf_reset(&b);
	assert_int_equal(hn_client_request_fd(c, "PUT", "/up", NULL, fd, n - 10,
			     100, 0, &st, &b, &e),
	    HN_EIO);
	close(fd);
	free(data);
	hn_client_free(c);
	hn_buf_release(&b);
}

static void
test_bounds(void **state)
{
	struct srv *s = *state;
	struct hn_buf b = HN_BUF_INIT(1024);
	struct hn_client *c;
	struct hn_error e;
	int rc;

	c = pinned(s, &s->fp, 1);
	assert_int_equal(get(c, "/big", &b, &rc, &e), 0);
	assert_int_equal(rc, HN_ETOOBIG);
	assert_true(b.len <= 1024);
	/* the client goes on */
	assert_int_equal(get(c, "/x", &b, &rc, &e), 200);
	hn_client_free(c);
	hn_buf_release(&b);
}

/* The peer reads the head, then closes with the body unread: the client
 * writes into a reset connection and gets HN_ENET, not SIGPIPE. */
static void
test_peer_closes(void **state)
{
	struct srv *s = *state;
	struct hn_buf b = HN_BUF_INIT(4096);
	struct hn_client *c;
	struct hn_error e;
	char path[160];
	uint64_t n = 16u << 20;
	long st = 0;
	int fd, i;

	snprintf(path, sizeof(path), "%s/sparse", s->dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)n), 0);
	c = pinned(s, &s->fp, 1);
	for (i = 0; i < 3; i++) {
		hn_buf_reset(&b);
		assert_int_equal(hn_client_request_fd(c, "PUT", "/close", NULL,
				     fd, 0, n, 0, &st, &b, &e),
		    HN_ENET);
	}
	/* the client goes on */
	assert_int_equal(get(c, "/x", &b, &i, &e), 200);
	close(fd);
	hn_client_free(c);
	hn_buf_release(&b);
}

static void
test_options(void **state)
{
	struct hn_client_opts o;
	struct hn_client *c = NULL;
	struct hn_error e;
	uint8_t pins[HN_CLIENT_PINS_MAX + 1][32];
	struct hn_buf b = HN_BUF_INIT(64);
	long st;

	(void)state;
	memset(pins, 0, sizeof(pins));
	memset(&o, 0, sizeof(o));
	o.trust = HN_TRUST_NONE;
	o.url = "http://127.0.0.1:1";
	assert_int_equal(hn_client_new(&c, &o, &e), HN_EINVAL);
	assert_string_equal(e.field, "url");
	o.url = "https://";
	assert_int_equal(hn_client_new(&c, &o, &e), HN_EINVAL);
	o.url = "https://127.0.0.1:1";
	o.trust = HN_TRUST_PINS;
	assert_int_equal(hn_client_new(&c, &o, &e), HN_EINVAL);
	assert_string_equal(e.field, "pins");
	o.pins = (const uint8_t(*)[32])pins;
	o.npins = HN_CLIENT_PINS_MAX + 1;
	assert_int_equal(hn_client_new(&c, &o, &e), HN_EINVAL);
	o.trust = HN_TRUST_CAFILE;
	assert_int_equal(hn_client_new(&c, &o, &e), HN_EINVAL);
	assert_string_equal(e.field, "cafile");
	o.trust = HN_TRUST_NONE;
	o.cert = "x.crt";
	assert_int_equal(hn_client_new(&c, &o, &e), HN_EINVAL);
	o.cert = NULL;
	o.token = "a\nb";
	assert_int_equal(hn_client_new(&c, &o, &e), HN_EINVAL);
	assert_string_equal(e.field, "token");
	o.token = NULL;
	assert_null(c);
	/* nothing listens on port 1: no answer */
	o.timeout_ms = 2000;
	assert_int_equal(hn_client_new(&c, &o, &e), 0);
	assert_string_equal(hn_client_url(c), "https://127.0.0.1:1");
	assert_int_equal(hn_client_request(c, "GET", "/", NULL, NULL, 0, 0, &st,
			     &b, &e),
	    HN_ENET);
	assert_int_equal(st, 0);
	hn_client_free(c);
	hn_client_free(NULL);
	hn_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_and_new_pins,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cafile_none_system, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_identity_token_body, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_closes, setup,
		    teardown),
		cmocka_unit_test(test_options),
	};

	if (hn_crypto_init() != 0 || hn_client_global_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
