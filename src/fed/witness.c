/*
 * witness.c - nodes countersign each other's ledger checkpoints, so
 * that no node can rewrite its past unnoticed (docs/protocol.md, 6).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/sign.h"
#include "fed/fed_int.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "store/fed.h"
#include "util/encode.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

#define PROOF_TEXT_MAX 8192

struct wstate_job {
	const char *peer;
	uint64_t size;
	const uint8_t *root;
	const char *checkpoint;
	const char *witness;
	const char *line;
	int64_t now_ms;
};

static int
wstate_store(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct wstate_job *j = arg;
	int r;

	if (j->root != NULL &&
	    (r = hn_fedstore_witness_put(db, j->peer, j->size, j->root,
		 j->checkpoint, j->now_ms)) < 0)
		return r;
	if (j->line != NULL &&
	    (r = hn_fedstore_cosig_add(db, j->peer, j->size, j->witness,
		 j->line, j->now_ms)) < 0)
		return r;
	return 0;
}

struct alert_job {
	const char *peer, *message;
	int64_t now_ms;
};

static int
alert_store(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct alert_job *j = arg;

	return hn_fedstore_alert_add(db, j->peer, j->message, j->now_ms);
}

static void
alert(struct hn_fed *f, const char *peer, const char *message)
{
	struct alert_job j = { peer, message, hn_fed_now_ms() };
	struct hn_error err;

	STAT_INC(f, witness_alerts);
	hn_diag(HN_DIAG_ERROR, "witness.alert", "peer=%s message=\"%s\"", peer,
	    message);
	if (f->env.write(f->env.ctx, alert_store, &j, &err) < 0)
		hn_diag(HN_DIAG_ERROR, "witness.alert_not_stored", "peer=%s",
		    peer);
}

uint64_t
hn_fed_witness_held(struct hn_fed *f, const char *peer)
{
	struct hn_witness_row w;
	struct hn_db *db;
	uint64_t size = 0;

	if (f->env.reader(f->env.ctx, &db) < 0)
		return 0;
	if (hn_fedstore_witness_get(db, peer, &w) == 0) {
		size = w.size;
		hn_witness_row_release(&w);
	}
	f->env.release(f->env.ctx, db);
	return size;
}

/* The peer's log key (type 0x01) from its directory entry. */
static int
peer_key(struct hn_fed *f, const char *peer, struct hn_note_verifier *v,
    struct hn_error *err)
{
	const struct hn_dir_party *p;
	int r;

	pthread_rwlock_rdlock(&f->dir_lock);
	p = hn_directory_find(f->dir, peer);
	if (p == NULL)
		r = hn_error_set(err, HN_ENOTFOUND, "peer", NULL,
		    "%s is not in the directory", peer);
	else
		r = hn_note_verifier_parse(v, p->signing_key,
		    strlen(p->signing_key), err);
	pthread_rwlock_unlock(&f->dir_lock);
	return r;
}

int
hn_fed_witness_check(struct hn_fed *f, const char *peer, const char *note,
    size_t len, const uint8_t (*proof)[32], size_t nproof, int64_t now,
    struct hn_buf *out, struct hn_error *err)
{
	struct hn_note_verifier logkey;
	struct hn_note_signer me;
	struct hn_witness_state st;
	struct hn_witness_row held;
	struct hn_checkpoint cp;
	struct hn_note n;
	struct wstate_job wj;
	struct hn_db *db = NULL;
	char msg[600];
	const char *line;
	size_t before = out->len;
	int r, have = 0;

	memset(&n, 0, sizeof(n));
	memset(&me, 0, sizeof(me));
	memset(&held, 0, sizeof(held));
	if ((r = peer_key(f, peer, &logkey, err)) < 0)
		return r;
	if (f->key_name[0] == '\0')
		return hn_error_set(err, HN_ESTATE, "key_name", NULL,
		    "this node has no witness key name");
	if ((r = hn_note_signer_from_sk(&me, f->key_name, HN_NOTE_COSIG_V1,
		 f->sk, err)) < 0)
		goto out;
	memset(&st, 0, sizeof(st));
	hn_merkle_empty_root(st.root);
	if ((r = f->env.reader(f->env.ctx, &db)) < 0)
		goto out;
	if (hn_fedstore_witness_get(db, peer, &held) == 0) {
		st.size = held.size;
		memcpy(st.root, held.root, 32);
		have = 1;
	}
	f->env.release(f->env.ctx, db);
	r = hn_witness_cosign(note, len, &logkey, NULL, &st, proof, nproof, &me,
	    (uint64_t)now, out, err);
	if (r == HN_EVERIFY || r == HN_ESTATE) {
		(void)hn_fmt_cut(msg, sizeof(msg),
		    "checkpoint of %s rejected "
		    "(held size %llu): %.400s",
		    peer, (unsigned long long)(have ? held.size : 0),
		    err ? err->message : "");
		alert(f, peer, msg);
		goto out;
	}
	if (r < 0)
		goto out;
	/* The new state, and our cosignature line (the last line). */
	if ((r = hn_note_parse(&n, out->data + before, out->len - before,
		 err)) < 0 ||
	    (r = hn_checkpoint_parse(&cp, n.text, n.text_len, err)) < 0)
		goto out;
	line = out->data + out->len - 1;
	while (line > out->data + before && line[-1] != '\n')
		line--;
	wj.peer = peer;
	wj.size = cp.size;
	wj.root = cp.root;
	wj.checkpoint = note;
	wj.witness = f->cfg.party;
	wj.line = line;
	wj.now_ms = hn_fed_now_ms();
	{
		/* line ends with "\n": store it without. */
		char *l = strndup(line, strlen(line) - 1);

		if (l == NULL) {
			r = HN_ENOMEM;
			goto out;
		}
		wj.line = l;
		/* The checkpoint text is stored as received (NUL-terminated
		 * copy). */
		{
			char *c = strndup(note, len);

			if (c == NULL) {
				free(l);
				r = HN_ENOMEM;
				goto out;
			}
			wj.checkpoint = c;
			r = f->env.write(f->env.ctx, wstate_store, &wj, err);
			free(c);
		}
		free(l);
	}
	if (r < 0)
		goto out;
	STAT_INC(f, witness_cosigned);
	hn_diag(HN_DIAG_INFO, "witness.cosigned", "peer=%s size=%llu", peer,
	    (unsigned long long)cp.size);
	r = 0;
out:
	hn_note_release(&n);
	hn_note_signer_wipe(&me);
	hn_witness_row_release(&held);
	return r;
}

static int
json_resp(struct hn_buf *resp, int *status, int http, const char *code,
    const char *message)
{
	json_t *j = json_pack("{s:s, s:s}", code ? "error" : "status",
	    code ? code : "ok", "message", message);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	int r;

	*status = http;
	hn_buf_reset(resp);
	r = s ? hn_buf_adds(resp, s) : HN_ENOMEM;
	free(s);
	json_decref(j);
	return r;
}

int
hn_fed_cosig_receive(struct hn_fed *f, const char *body, size_t len,
    const uint8_t *peer_fp, int64_t now, int *status, struct hn_buf *resp)
{
	const struct hn_dir_party *p;
	struct hn_note_verifier mine, wit;
	struct hn_checkpoint cp;
	struct hn_error err;
	struct hn_note n;
	struct wstate_job wj;
	char peer[4] = "", line[1024], b64[hn_b64_len(HN_NOTE_SIG_MAX + 4)];
	uint8_t raw[HN_NOTE_SIG_MAX + 4];
	uint64_t ts;
	size_t i;
	int r, found = 0;

	memset(&n, 0, sizeof(n));
	pthread_rwlock_rdlock(&f->dir_lock);
	p = peer_fp ? hn_directory_find_tls(f->dir, peer_fp) : NULL;
	if (p != NULL) {
		memcpy(peer, p->code, 4);
		r = hn_note_verifier_parse(&wit, p->signing_key,
		    strlen(p->signing_key), &err);
	}
	pthread_rwlock_unlock(&f->dir_lock);
	if (p == NULL || r < 0) {
		r = json_resp(resp, status, 403, "certificate_mismatch",
		    "the TLS client certificate is not a node's in the "
		    "directory");
		goto out;
	}
	/* Our own key as a note verifier. */
	memset(&mine, 0, sizeof(mine));
	memcpy(mine.name, f->key_name, strlen(f->key_name) + 1);
	mine.type = HN_NOTE_ED25519;
	memcpy(mine.pk, f->sk + 32, 32);
	mine.key_id = hn_note_key_id(mine.name, mine.type, mine.pk);
	if (hn_checkpoint_open(&cp, body, len, &mine, 1, NULL, &err) < 0) {
		r = json_resp(resp, status, 400, "bad_signature",
		    "not a checkpoint signed by this node");
		goto out;
	}
	if ((r = hn_note_parse(&n, body, len, &err)) < 0) {
		r = json_resp(resp, status, 400, "malformed", err.message);
		goto out;
	}
	wit.type = HN_NOTE_COSIG_V1;
	wit.key_id = hn_note_key_id(wit.name, wit.type, wit.pk);
	for (i = 0; i < n.nsigs && !found; i++) {
		if (strcmp(n.sigs[i].name, wit.name) != 0 ||
		    n.sigs[i].key_id != wit.key_id)
			continue;
		if (hn_cosig_verify(n.text, n.text_len, n.sigs[i].sig,
			n.sigs[i].sig_len, wit.pk, &ts) < 0) {
			r = json_resp(resp, status, 400, "bad_signature",
			    "the cosignature does not verify");
			goto out;
		}
		raw[0] = (uint8_t)(wit.key_id >> 24);
		raw[1] = (uint8_t)(wit.key_id >> 16);
		raw[2] = (uint8_t)(wit.key_id >> 8);
		raw[3] = (uint8_t)wit.key_id;
		memcpy(raw + 4, n.sigs[i].sig, n.sigs[i].sig_len);
		hn_b64_encode(b64, raw, 4 + n.sigs[i].sig_len);
		if (hn_fmt(line, sizeof(line), "\xe2\x80\x94 %s %s", wit.name,
			b64) != 0) {
			r = json_resp(resp, status, 400, "malformed",
			    "signature line too long");
			goto out;
		}
		found = 1;
	}
	if (!found) {
		r = json_resp(resp, status, 400, "bad_signature",
		    "no cosignature by the sending node");
		goto out;
	}
	wj.peer = f->cfg.party;
	wj.size = cp.size;
	wj.root = NULL;
	wj.checkpoint = NULL;
	wj.witness = peer;
	wj.line = line;
	wj.now_ms = now * 1000;
	if ((r = f->env.write(f->env.ctx, wstate_store, &wj, &err)) < 0)
		goto out;
	hn_diag(HN_DIAG_INFO, "witness.cosignature_received",
	    "witness=%s "
	    "size=%llu",
	    peer, (unsigned long long)cp.size);
	r = json_resp(resp, status, 200, NULL, "stored");
out:
	hn_note_release(&n);
	return r;
}

/* Parses "one base64 hash per line" into proof (at most 64). */
static int
parse_proof(const char *s, size_t len, uint8_t (*proof)[32], size_t *n)
{
	const char *e, *end = s + len;

	*n = 0;
	while (s < end) {
		e = memchr(s, '\n', (size_t)(end - s));
		if (e == NULL)
			e = end;
		if (e > s) {
			if (*n == 64 ||
			    hn_b64_decode(proof[*n], 32, s, (size_t)(e - s)) !=
				32)
				return HN_EPARSE;
			(*n)++;
		}
		s = e + 1;
	}
	return 0;
}

/* One peer: fetch, check, cosign, return the cosignature. */
static int
witness_peer(struct hn_fed *f, const char *code, int64_t now)
{
	struct hn_buf cpb = HN_BUF_INIT(HN_NOTE_MAX),
		      pb = HN_BUF_INIT(PROOF_TEXT_MAX),
		      out = HN_BUF_INIT(HN_NOTE_MAX), resp = HN_BUF_INIT(4096);
	uint8_t proof[64][32];
	const struct hn_dir_party *p;
	struct hn_checkpoint cp;
	struct hn_client *peer;
	struct hn_error err;
	struct hn_note n;
	char path[128];
	uint64_t held;
	size_t np = 0;
	long status;
	int r;

	memset(&n, 0, sizeof(n));
	pthread_rwlock_rdlock(&f->dir_lock);
	p = hn_directory_find(f->dir, code);
	peer = p ? hn_fed_peer_for(f, f->wpeers, &f->nwpeers, p, &err) : NULL;
	pthread_rwlock_unlock(&f->dir_lock);
	if (peer == NULL) {
		r = HN_ENOTFOUND;
		goto out;
	}
	if ((r = hn_client_request(peer, "GET", "/v1/log/checkpoint", NULL,
		 NULL, 0, f->cfg.timeout_ms, &status, &cpb, &err)) < 0 ||
	    status != 200) {
		hn_diag(HN_DIAG_INFO, "witness.unreachable",
		    "peer=%s status=%ld "
		    "error=\"%s\"",
		    code, status, r < 0 ? err.message : "");
		r = r < 0 ? r : HN_ENET;
		goto out;
	}
	if ((r = hn_note_parse(&n, cpb.data, cpb.len, &err)) < 0 ||
	    (r = hn_checkpoint_parse(&cp, n.text, n.text_len, &err)) < 0) {
		alert(f, code, "the checkpoint served does not parse");
		goto out;
	}
	held = hn_fed_witness_held(f, code);
	if (held > 0 && cp.size > held) {
		if ((r = hn_fmt(path, sizeof(path),
			 "/v1/log/consistency?from=%llu&to=%llu",
			 (unsigned long long)held,
			 (unsigned long long)cp.size)) != 0)
			goto out;
		if ((r = hn_client_request(peer, "GET", path, NULL, NULL, 0,
			 f->cfg.timeout_ms, &status, &pb, &err)) < 0 ||
		    status != 200) {
			r = r < 0 ? r : HN_ENET;
			goto out;
		}
		if (parse_proof(pb.data ? pb.data : "", pb.len, proof, &np) <
		    0) {
			alert(f, code, "the consistency proof does not parse");
			r = HN_EVERIFY;
			goto out;
		}
	}
	if ((r = hn_fed_witness_check(f, code, cpb.data, cpb.len,
		 (const uint8_t(*)[32])proof, np, now, &out, &err)) < 0)
		goto out;
	/* Give the peer our cosignature (best effort). */
	if (hn_client_request(peer, "POST", "/v1/log/cosignature",
		"text/plain; charset=utf-8", out.data, out.len,
		f->cfg.timeout_ms, &status, &resp, &err) < 0 ||
	    status != 200)
		hn_diag(HN_DIAG_INFO, "witness.cosignature_not_returned",
		    "peer=%s status=%ld", code, status);
	r = 0;
out:
	hn_note_release(&n);
	hn_buf_release(&cpb);
	hn_buf_release(&pb);
	hn_buf_release(&out);
	hn_buf_release(&resp);
	return r;
}

int
hn_fed_witness_round(struct hn_fed *f, int64_t now)
{
	char codes[HN_DIR_MAX_PARTIES][4];
	struct hn_fed_stats s0, s1;
	size_t i, n = 0;

	hn_fed_stats(f, &s0);
	pthread_rwlock_rdlock(&f->dir_lock);
	for (i = 0; f->dir != NULL && i < f->dir->nparties; i++)
		if (strcmp(f->dir->parties[i].code, f->cfg.party) != 0)
			memcpy(codes[n++], f->dir->parties[i].code, 4);
	pthread_rwlock_unlock(&f->dir_lock);
	for (i = 0; i < n; i++)
		(void)witness_peer(f, codes[i], now);
	hn_fed_stats(f, &s1);
	return (int)(s1.witness_alerts - s0.witness_alerts);
}

void *
hn_fed_witness_main(void *arg)
{
	struct hn_fed *f = arg;
	struct timespec ts;

	for (;;) {
		pthread_mutex_lock(&f->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += f->cfg.witness_interval_ms / 1000;
		ts.tv_nsec += (f->cfg.witness_interval_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		while (!f->stopping &&
		    pthread_cond_timedwait(&f->cv, &f->mu, &ts) == 0)
			;
		if (f->stopping) {
			pthread_mutex_unlock(&f->mu);
			break;
		}
		pthread_mutex_unlock(&f->mu);
		(void)hn_fed_witness_round(f, (int64_t)time(NULL));
	}
	return NULL;
}
