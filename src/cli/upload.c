#include "cli/upload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/node_client.h"
#include "fed/client.h"
#include "util/buf.h"
#include "util/fmt.h"
#include "util/json.h"

#define RESP_MAX (1u << 20)
#define PIECE_TIMEOUT_MS 300000L /* 4 MiB on a slow line */

struct call {
	struct hn_client *c;
	struct hn_buf resp;
	long status;
};

/* A JSON exchange; sets c->status and c->resp. HN_ENET if no answer. */
static int
exchange(struct call *c, const char *method, const char *path, const char *body,
    struct hn_error *err)
{
	hn_buf_reset(&c->resp);
	return hn_client_request(c->c, method, path, "application/json", body,
	    body != NULL ? strlen(body) : 0, PIECE_TIMEOUT_MS, &c->status,
	    &c->resp, err);
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
	hn_error_set(err,
	    c->status == 409			   ? HN_ESTATE :
		c->status >= 500 || c->status == 0 ? HN_ENET :
						     HN_EDENIED,
	    NULL, NULL, "the node answered %ld: %s", c->status,
	    j != NULL && hn_json_str(j, "message") != NULL ?
		hn_json_str(j, "message") :
		"(no message)");
	json_decref(j);
	return NULL;
}

static int
get_offset(struct call *c, const char *id, uint64_t *off, struct hn_error *err)
{
	char path[256];
	json_t *j;
	int r;

	HN_FMT_FIXED(path, sizeof(path), "/v1/evidence/uploads/%s", id);
	if ((r = exchange(c, "GET", path, NULL, err)) != 0)
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

/* PUT bytes [off, off + want) of the file, streamed. */
static int
put_piece(struct call *c, const char *p, int fd, uint64_t off, size_t want,
    json_t **j, struct hn_error *err)
{
	char q[300];
	int r;

	*j = NULL;
	HN_FMT_FIXED(q, sizeof(q), "%s?offset=%llu", p,
	    (unsigned long long)off);
	hn_buf_reset(&c->resp);
	if ((r = hn_client_request_fd(c->c, "PUT", q,
		 "application/octet-stream", fd, off, want, PIECE_TIMEOUT_MS,
		 &c->status, &c->resp, err)) != 0)
		return r;
	if ((*j = answer(c, 200, err)) == NULL)
		return err != NULL && err->code ? err->code : HN_ENET;
	return 0;
}

int
hn_cli_upload_file(const struct hn_cli_upload *o, const char *path,
    json_t **item, struct hn_error *err)
{
	struct call c = { NULL, HN_BUF_INIT(RESP_MAX), 0 };
	json_t *req = NULL, *j = NULL;
	char *body = NULL, id[80], p[256];
	const char *name, *s;
	uint64_t off = 0, size;
	unsigned pieces = 0, tries = 0;
	struct stat st;
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
	if ((r = hn_cli_client(&c.c, o->url, o->cacert, o->token, err)) != 0)
		goto out;
	req = json_pack("{s:s,s:s,s:s}", "request", o->request, "name", name,
	    "description", o->description != NULL ? o->description : "");
	if (req == NULL || (body = hn_json_dump(req)) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	if ((r = exchange(&c, "POST", "/v1/evidence", body, err)) != 0)
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
	/* id < 80 bytes (checked above): every path below fits */
	HN_FMT_FIXED(id, sizeof(id), "%s", s);
	json_decref(j);
	j = NULL;
	HN_FMT_FIXED(p, sizeof(p), "/v1/evidence/uploads/%s", id);

	while (off < size) {
		size_t want = size - off < HN_UPLOAD_PUT ?
		    (size_t)(size - off) :
		    HN_UPLOAD_PUT;

		if (o->fail_after != 0 && pieces == o->fail_after &&
		    !failed_once) {
			failed_once = 1;
			r = hn_error_set(err, HN_ENET, NULL, NULL,
			    "simulated interruption");
		} else {
			r = put_piece(&c, p, fd, off, want, &j, err);
		}
		if (r == HN_EIO) {
			r = hn_error_set(err, HN_EIO, NULL, NULL,
			    "%s: read error (did the file change?)", path);
			goto out;
		}
		if (r != 0) {
			/* ask where the node stands and go on from there */
			if (++tries > HN_UPLOAD_RETRIES)
				goto out;
			pause_ms(100u << (tries < 6 ? tries : 6));
			(void)get_offset(&c, id, &off, err);
			continue;
		}
		tries = 0;
		pieces++;
		off =
		    (uint64_t)json_integer_value(json_object_get(j, "offset"));
		json_decref(j);
		j = NULL;
		if (o->progress != NULL)
			o->progress(o->arg, off);
	}
	HN_FMT_FIXED(p, sizeof(p), "/v1/evidence/uploads/%s/finish", id);
	if ((r = exchange(&c, "POST", p, "{}", err)) != 0)
		goto out;
	if ((*item = answer(&c, 201, err)) == NULL) {
		r = err != NULL && err->code ? err->code : HN_ENET;
		goto out;
	}
	if ((uint64_t)json_integer_value(json_object_get(*item, "size")) !=
	    size) {
		r = hn_error_set(err, HN_EVERIFY, NULL, NULL,
		    "the node stored %lld bytes, the file has %llu",
		    (long long)json_integer_value(
			json_object_get(*item, "size")),
		    (unsigned long long)size);
		json_decref(*item);
		*item = NULL;
		goto out;
	}
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	hn_client_free(c.c);
	hn_buf_release(&c.resp);
	json_decref(req);
	json_decref(j);
	free(body);
	return r;
}
