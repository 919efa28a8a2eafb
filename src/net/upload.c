#include "net/upload.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/json.h"

#define RESP_MAX (1u << 20)

struct call {
	CURL *c;
	const struct hn_upload_opts *o;
	struct hn_buf resp;
	long status;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct hn_buf *b = arg;

	if (hn_buf_add(b, p, size * n) != 0)
		return 0;
	return size * n;
}

/*
 * One HTTP exchange: method, path (appended to the URL), body of len bytes
 * with content type ctype. Sets c->status and c->resp; HN_ENET if no
 * answer came.
 */
static int
exchange(struct call *c, const char *method, const char *path,
    const void *body, size_t len, const char *ctype, struct hn_error *err)
{
	struct curl_slist *h = NULL;
	struct hn_buf url = HN_BUF_INIT(8192), auth = HN_BUF_INIT(1024);
	struct hn_buf ct = HN_BUF_INIT(256);
	CURLcode cc;
	int r = 0;

	hn_buf_reset(&c->resp);
	c->status = 0;
	if (hn_buf_addf(&url, "%s%s", c->o->url, path) != 0 ||
	    hn_buf_addf(&auth, "Authorization: Bearer %s", c->o->token) != 0 ||
	    hn_buf_addf(&ct, "Content-Type: %s", ctype) != 0) {
		r = hn_error_set(err, HN_ETOOBIG, NULL, NULL, "URL too long");
		goto out;
	}
	h = curl_slist_append(h, auth.data);
	h = curl_slist_append(h, ct.data);
	h = curl_slist_append(h, "Expect:");
	curl_easy_reset(c->c);
	curl_easy_setopt(c->c, CURLOPT_URL, url.data);
	curl_easy_setopt(c->c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c->c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c->c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->c, CURLOPT_WRITEDATA, &c->resp);
	curl_easy_setopt(c->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c->c, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(c->c, CURLOPT_PROTOCOLS_STR, "https,http");
	if (c->o->cacert != NULL)
		curl_easy_setopt(c->c, CURLOPT_CAINFO, c->o->cacert);
	if (body != NULL) {
		curl_easy_setopt(c->c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c->c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	}
	cc = curl_easy_perform(c->c);
	if (cc != CURLE_OK) {
		r = hn_error_set(err, HN_ENET, NULL, NULL, "%s %s: %s", method,
		    url.data, curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(c->c, CURLINFO_RESPONSE_CODE, &c->status);
out:
	curl_slist_free_all(h);
	hn_buf_release(&url);
	hn_buf_release(&auth);
	hn_buf_release(&ct);
	return r;
}

/* The node's JSON answer, or an error carrying its message. */
static json_t *
answer(struct call *c, long want, struct hn_error *err)
{
	json_t *j = NULL;

	if (c->resp.len > 0)
		j = hn_json_parse(c->resp.data, c->resp.len, RESP_MAX,
		    HN_JSON_MAX_DEPTH, NULL);
	if (c->status == want && j != NULL)
		return j;
	hn_error_set(err, c->status == 409 ? HN_ESTATE : c->status >= 500 ||
	    c->status == 0 ? HN_ENET : HN_EDENIED, NULL, NULL,
	    "the node answered %ld: %s", c->status,
	    j != NULL && hn_json_str(j, "message") != NULL ?
	    hn_json_str(j, "message") : "(no message)");
	json_decref(j);
	return NULL;
}

static int
get_offset(struct call *c, const char *id, uint64_t *off, struct hn_error *err)
{
	char path[256];
	json_t *j;
	int r;

	snprintf(path, sizeof(path), "/v1/evidence/uploads/%s", id);
	if ((r = exchange(c, "GET", path, NULL, 0, "application/json",
	    err)) != 0)
		return r;
	if ((j = answer(c, 200, err)) == NULL)
		return err != NULL && err->code ? err->code : HN_ENET;
	*off = (uint64_t)json_integer_value(json_object_get(j, "offset"));
	json_decref(j);
	return 0;
}

static void
pause_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int
hn_upload_file(const struct hn_upload_opts *o, const char *path,
    json_t **item, struct hn_error *err)
{
	struct call c = { NULL, o, HN_BUF_INIT(RESP_MAX), 0 };
	json_t *req = NULL, *j = NULL;
	char *body = NULL, id[80], p[256];
	const char *name, *s;
	uint8_t *buf = NULL;
	uint64_t off = 0, size;
	unsigned pieces = 0, tries = 0;
	struct stat st;
	ssize_t n;
	int fd = -1, r, failed_once = 0;

	*item = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return hn_error_set(err, HN_ENOTFOUND, NULL, NULL, "%s: %s",
		    path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		r = hn_error_set(err, HN_EINVAL, NULL, NULL,
		    "%s: not a regular file", path);
		goto out;
	}
	size = (uint64_t)st.st_size;
	name = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if ((c.c = curl_easy_init()) == NULL ||
	    (buf = malloc(HN_UPLOAD_PUT)) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	req = json_pack("{s:s,s:s,s:s}", "request", o->request, "name", name,
	    "description", o->description != NULL ? o->description : "");
	if (req == NULL || (body = hn_json_dump(req)) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	if ((r = exchange(&c, "POST", "/v1/evidence", body, strlen(body),
	    "application/json", err)) != 0)
		goto out;
	if ((j = answer(&c, 201, err)) == NULL) {
		r = err != NULL && err->code ? err->code : HN_ENET;
		goto out;
	}
	s = hn_json_str(j, "upload");
	if (s == NULL || strlen(s) >= sizeof(id)) {
		r = hn_error_set(err, HN_EPARSE, NULL, NULL,
		    "the node gave no upload id");
		goto out;
	}
	snprintf(id, sizeof(id), "%s", s);
	json_decref(j);
	j = NULL;
	snprintf(p, sizeof(p), "/v1/evidence/uploads/%s", id);

	while (off < size) {
		char q[300];
		size_t want = size - off < HN_UPLOAD_PUT ? (size_t)(size - off) :
		    HN_UPLOAD_PUT;

		if (lseek(fd, (off_t)off, SEEK_SET) != (off_t)off ||
		    (n = hn_fd_read_full(fd, buf, want)) != (ssize_t)want) {
			r = hn_error_set(err, HN_EIO, NULL, NULL,
			    "%s: read error (did the file change?)", path);
			goto out;
		}
		snprintf(q, sizeof(q), "%s?offset=%llu", p,
		    (unsigned long long)off);
		if (o->fail_after != 0 && pieces == o->fail_after &&
		    !failed_once) {
			failed_once = 1;
			r = hn_error_set(err, HN_ENET, NULL, NULL,
			    "simulated interruption");
		} else {
			r = exchange(&c, "PUT", q, buf, want,
			    "application/octet-stream", err);
			if (r == 0 && (j = answer(&c, 200, err)) == NULL)
				r = err != NULL && err->code ? err->code : HN_ENET;
		}
		if (r != 0) {
			/* ask where the node stands and go on from there */
			if (++tries > HN_UPLOAD_RETRIES)
				goto out;
			pause_ms(100u << (tries < 6 ? tries : 6));
			if (get_offset(&c, id, &off, err) != 0)
				continue;
			continue;
		}
		tries = 0;
		pieces++;
		off = (uint64_t)json_integer_value(json_object_get(j, "offset"));
		json_decref(j);
		j = NULL;
		if (o->progress != NULL)
			o->progress(o->arg, off);
	}
	snprintf(p, sizeof(p), "/v1/evidence/uploads/%s/finish", id);
	if ((r = exchange(&c, "POST", p, "{}", 2, "application/json",
	    err)) != 0)
		goto out;
	if ((*item = answer(&c, 201, err)) == NULL) {
		r = err != NULL && err->code ? err->code : HN_ENET;
		goto out;
	}
	if ((uint64_t)json_integer_value(json_object_get(*item, "size")) !=
	    size) {
		r = hn_error_set(err, HN_EVERIFY, NULL, NULL,
		    "the node stored %lld bytes, the file has %llu",
		    (long long)json_integer_value(json_object_get(*item, "size")),
		    (unsigned long long)size);
		json_decref(*item);
		*item = NULL;
		goto out;
	}
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	if (c.c != NULL)
		curl_easy_cleanup(c.c);
	hn_buf_release(&c.resp);
	json_decref(req);
	json_decref(j);
	free(body);
	free(buf);
	return r;
}
