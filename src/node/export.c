#include "node/export.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "crypto/sha256.h"
#include "crypto/sshsig.h"
#include "ledger/case.h"
#include "store/blob.h"
#include "store/evidence.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"

#define PATH_LEN 4096

/* The verifier (ledger/bundle.c) reads names of at most this length. */
_Static_assert(HN_BUNDLE_NAME_MAX == HN_EV_NAME_MAX,
    "export and verification must agree on file name length");

static int
join(char *out, size_t max, const char *dir, const char *name)
{
	return hn_fmt(out, max, "%s/%s", dir, name);
}

static int
write_file(const char *dir, const char *name, const void *p, size_t n,
    struct hn_error *err)
{
	char path[PATH_LEN];
	int r;

	if ((r = join(path, sizeof(path), dir, name)) != 0)
		return hn_error_set(err, r, NULL, NULL, "path too long");
	if ((r = hn_file_write_atomic(path, p, n, 0644)) != 0)
		return hn_error_set(err, r, NULL, NULL, "cannot write %s",
		    path);
	return 0;
}

static int
dir_empty_or_absent(const char *path)
{
	struct dirent *de;
	DIR *d;
	int r = 0;

	if ((d = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : HN_EIO;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			r = HN_EEXIST;
			break;
		}
	}
	closedir(d);
	return r;
}

static const char readme_fmt[] =
    "Evidence export for request %s\n"
    "Exported by node %s (hanoinet %s) on %s.\n"
    "\n"
    "What is here\n"
    "  files/                  the evidence files\n"
    "  manifest.hashdeep       size and SHA-256 of every file (hashdeep format)\n"
    "  manifest.hashdeep.sig   SSH signature of the manifest by the node\n"
    "  allowed_signers         the node's public key for ssh-keygen\n"
    "  case.jsonld             CASE/UCO 1.4 description: investigation,\n"
    "                          authorisation, files, every custody step\n"
    "  manifest.tlog-proof     proof that the node's audit log records the\n"
    "                          manifest's SHA-256 (C2SP tlog-proof)%s\n"
    "\n"
    "How to check it with standard tools (run in this directory)\n"
    "  1. The files match the manifest (exit status 0):\n"
    "       (cd files && hashdeep -c sha256 -a -l -r -k ../manifest.hashdeep .)\n"
    "  2. The manifest was signed by the node (compare the key in\n"
    "     allowed_signers with the one published for %s):\n"
    "       ssh-keygen -Y verify -f allowed_signers -I %s \\\n"
    "         -n " HN_BUNDLE_NS
    " -s manifest.hashdeep.sig < manifest.hashdeep\n"
    "  3. The SHA-256 of the manifest, as recorded in the audit log:\n"
    "       sha256sum manifest.hashdeep     (expected: %s)\n"
    "  4. Everything at once, offline, with hanoinet:\n"
    "       hanoinet evidence verify .\n"
    "  5. The CASE document against the UCO/CASE 1.4 shapes:\n"
    "       case_validate case.jsonld   (or any SHACL validator)\n";

/* One export in progress. */
struct export
{
	struct hn_custody *c;
	const struct hn_bundle_export *x;
	struct hn_bundle_summary *sum;
	struct hn_evidence_item *items; /* the request's, deleted ones too */
	size_t n;
	char ts[HN_TIME_STRLEN]; /* x->at */
	struct hn_buf man; /* manifest.hashdeep */
	json_t *entry; /* the ledger entry, as appended */
	int64_t idx; /* its index, -1 without a ledger */
};

/* files/NAME for every live item (each checked on its way out of the
 * store by hn_blob_copy_out) and manifest.hashdeep listing them. */
static int
write_files(struct export *e, struct hn_error *err)
{
	const struct hn_bundle_export *x = e->x;
	char files[PATH_LEN], path[PATH_LEN];
	uint8_t md[32];
	uint64_t size;
	size_t i;
	int r;

	if ((r = join(files, sizeof(files), x->out, "files")) != 0 ||
	    (r = hn_mkdirs(files, 0755)) != 0)
		return hn_error_set(err, r ? r : HN_EIO, "out", NULL,
		    "cannot create %s/files", x->out);
	if ((r = hn_buf_adds(&e->man, HN_BUNDLE_MANIFEST_HEAD)) != 0 ||
	    (r = hn_buf_addf(&e->man,
		 "## Invoked from: hanoinet evidence "
		 "export --request %s (node %s, %s)\n## $ hashdeep -c sha256 -l "
		 "-r .\n## \n",
		 x->request_id, x->node_name, e->ts)) != 0)
		return r;
	for (i = 0; i < e->n; i++) {
		const struct hn_evidence_item *it = &e->items[i];

		if (it->deleted_at != 0)
			continue;
		if ((r = join(path, sizeof(path), files, it->name)) != 0)
			return r;
		if ((r = hn_blob_copy_out(x->blobroot, it->sha256, x->keys,
			 path, &size, err)) != 0)
			return r;
		if (size != it->size)
			return hn_error_set(err, HN_EVERIFY, NULL, NULL,
			    "%s: %llu bytes in the store, %llu recorded",
			    it->name, (unsigned long long)size,
			    (unsigned long long)it->size);
		if ((r = hn_buf_addf(&e->man, "%llu,%s,./%s\n",
			 (unsigned long long)it->size, it->sha256, it->name)) !=
		    0)
			return r;
		e->sum->files++;
		e->sum->bytes += size;
	}
	if ((r = write_file(x->out, "manifest.hashdeep", e->man.data,
		 e->man.len, err)) != 0)
		return r;
	hn_sha256(e->man.data, e->man.len, md);
	hn_hex_encode(e->sum->manifest_sha256, md, 32);
	return 0;
}

/*
 * In one transaction: an "exported" custody event per live item and the
 * export's ledger entry {"type":"evidence.export",...}.
 */
static int
record_tx(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct export *e = arg;
	const struct hn_bundle_export *x = e->x;
	json_t *names = NULL, *d = NULL, *entry = NULL;
	size_t i;
	int r = HN_ENOMEM;

	(void)db; /* the custody's connection: the same one */
	if ((names = json_array()) == NULL ||
	    (d = json_pack("{s:s}", "manifest_sha256",
		 e->sum->manifest_sha256)) == NULL)
		goto out;
	for (i = 0; i < e->n; i++) {
		const struct hn_evidence_item *it = &e->items[i];

		if (it->deleted_at != 0)
			continue;
		if ((r = hn_custody_event_tx(e->c, it, "exported", x->at,
			 x->actor, x->reason, d, err)) != 0)
			goto out;
		if (json_array_append_new(names,
			json_pack("{s:s,s:s,s:I}", "name", it->name, "sha256",
			    it->sha256, "size", (json_int_t)it->size)) != 0) {
			r = HN_ENOMEM;
			goto out;
		}
	}
	/* the entry names the files while it stays well under the ledger's
	 * entry limit; the manifest's hash covers them in any case */
	r = HN_ENOMEM;
	entry = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "type",
	    "evidence.export", "request", x->request_id, "manifest_sha256",
	    e->sum->manifest_sha256, "actor", x->actor, "at", e->ts, "files",
	    (json_int_t)e->sum->files);
	if (entry == NULL ||
	    (e->sum->files <= 100 &&
		json_object_set(entry, "items", names) != 0))
		goto out;
	if (x->reason != NULL && x->reason[0] != '\0' &&
	    json_object_set_new(entry, "reason", json_string(x->reason)) != 0)
		goto out;
	if ((r = hn_custody_append(e->c, entry, &e->idx)) != 0) {
		r = hn_error_set(err, r, NULL, NULL,
		    "cannot append the export to the ledger");
		goto out;
	}
	json_decref(e->entry);
	e->entry = entry;
	entry = NULL; /* transferred */
	r = 0;
out:
	json_decref(entry);
	json_decref(names);
	json_decref(d);
	return r;
}

/* case.jsonld from the custody steps as now recorded (ledger/case.h). */
static int
write_case(struct export *e, struct hn_error *err)
{
	struct hn_evidence_custody **evs = NULL;
	struct hn_case_step **steps = NULL;
	struct hn_case_file *files = NULL;
	json_t *doc = NULL;
	char *doc_s = NULL;
	size_t i, j, nf = 0;
	int r = HN_ENOMEM;

	if ((evs = calloc(e->n + 1, sizeof(*evs))) == NULL ||
	    (steps = calloc(e->n + 1, sizeof(*steps))) == NULL ||
	    (files = calloc(e->n + 1, sizeof(*files))) == NULL)
		goto out;
	for (i = 0; i < e->n; i++) {
		const struct hn_evidence_item *it = &e->items[i];
		struct hn_case_file *f = &files[nf];
		size_t nev = 0;

		if (it->deleted_at != 0)
			continue; /* not exported */
		if ((r = hn_evidence_custody_list(e->c->db, it->id, &evs[nf],
			 &nev)) != 0) {
			r = hn_error_set(err, r, NULL, NULL,
			    "cannot read the custody of %s", it->name);
			goto out;
		}
		r = HN_ENOMEM;
		if (nev > 0 &&
		    (steps[nf] = calloc(nev, sizeof(**steps))) == NULL)
			goto out;
		for (j = 0; j < nev; j++) {
			const struct hn_evidence_custody *ev = &evs[nf][j];
			struct hn_case_step *s = &steps[nf][j];

			s->id = ev->id;
			s->action = ev->action;
			s->actor = ev->actor;
			s->reason = ev->reason;
			s->at = ev->at;
			s->ledger_index = ev->ledger_index;
		}
		f->id = it->id;
		f->name = it->name;
		f->description = it->description;
		f->sha256 = it->sha256;
		f->sha1 = it->sha1;
		f->md5 = it->md5;
		f->size = it->size;
		f->steps = steps[nf];
		f->nsteps = nev;
		nf++;
	}
	if ((r = hn_case_document(&doc, e->x->node_name, e->x->request_id,
		 files, nf)) != 0)
		goto out;
	if ((doc_s = json_dumps(doc, JSON_INDENT(1) | JSON_ENSURE_ASCII)) ==
	    NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	r = write_file(e->x->out, "case.jsonld", doc_s, strlen(doc_s), err);
out:
	for (i = 0; evs != NULL && i <= e->n; i++)
		free(evs[i]);
	for (i = 0; steps != NULL && i <= e->n; i++)
		free(steps[i]);
	free(evs);
	free(steps);
	free(files);
	free(doc_s);
	json_decref(doc);
	return r;
}

/* manifest.hashdeep.sig and allowed_signers (the key to check it with). */
static int
write_signature(struct export *e, struct hn_error *err)
{
	const struct hn_bundle_export *x = e->x;
	struct hn_buf sig = HN_BUF_INIT(HN_SSHSIG_MAX);
	struct hn_buf as = HN_BUF_INIT(1024);
	int r;

	if ((r = hn_sshsig_sign(&sig, e->man.data, e->man.len, HN_BUNDLE_NS,
		 x->sk)) != 0 ||
	    (r = write_file(x->out, "manifest.hashdeep.sig", sig.data, sig.len,
		 err)) != 0)
		goto out;
	if ((r = hn_buf_addf(&as, "%s namespaces=\"%s\" ", x->node_name,
		 HN_BUNDLE_NS)) != 0 ||
	    (r = hn_ssh_pubkey_format(&as, x->sk + 32)) != 0 ||
	    (r = hn_buf_adds(&as, "\n")) != 0)
		goto out;
	r = write_file(x->out, "allowed_signers", as.data, as.len, err);
out:
	hn_buf_release(&sig);
	hn_buf_release(&as);
	return r;
}

/* manifest.tlog-proof: the ledger records the manifest (if there is one). */
static int
write_proof(struct export *e, struct hn_error *err)
{
	const struct hn_bundle_export *x = e->x;
	struct hn_buf proof = HN_BUF_INIT(1 << 20);
	char *entry_s = NULL;
	int r;

	if (x->prove == NULL || e->idx < 0)
		return 0;
	/* hn_custody_append added "node": the entry as appended */
	if ((entry_s = hn_json_dump(e->entry)) == NULL)
		return HN_ENOMEM;
	if ((r = x->prove(x->prove_ctx, (uint64_t)e->idx, entry_s,
		 strlen(entry_s), &proof, err)) == 0 &&
	    (r = write_file(x->out, "manifest.tlog-proof", proof.data,
		 proof.len, err)) == 0)
		e->sum->tlog_proof = 1;
	free(entry_s);
	hn_buf_release(&proof);
	return r;
}

static int
write_readme(struct export *e, struct hn_error *err)
{
	const struct hn_bundle_export *x = e->x;
	struct hn_buf txt = HN_BUF_INIT(16384);
	int r;

	if ((r = hn_buf_addf(&txt, readme_fmt, x->request_id, x->node_name,
		 HN_VERSION, e->ts,
		 e->sum->tlog_proof ?
		     "" :
		     "\n                          (absent: this node has no audit log)",
		 x->node_name, x->node_name, e->sum->manifest_sha256)) == 0)
		r = write_file(x->out, "README.txt", txt.data, txt.len, err);
	hn_buf_release(&txt);
	return r;
}

int
hn_bundle_export(struct hn_custody *c, const struct hn_bundle_export *x,
    struct hn_bundle_summary *sum, struct hn_error *err)
{
	struct export e;
	size_t i, live = 0;
	int r;

	assert(c != NULL && x != NULL && sum != NULL);
	memset(sum, 0, sizeof(*sum));
	sum->ledger_index = -1;
	memset(&e, 0, sizeof(e));
	e.c = c;
	e.x = x;
	e.sum = sum;
	e.idx = -1;
	e.man = (struct hn_buf)HN_BUF_INIT(HN_BUNDLE_MANIFEST_MAX);
	hn_datetime_format(x->at, e.ts);
	if ((r = dir_empty_or_absent(x->out)) != 0)
		return hn_error_set(err, r, "out", NULL,
		    "%s exists and is not empty", x->out);
	if ((r = hn_evidence_list(c->db, x->request_id, &e.items, &e.n)) != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot list the evidence of %s", x->request_id);
	for (i = 0; i < e.n; i++)
		live += e.items[i].deleted_at == 0;
	if (live == 0) {
		r = hn_error_set(err, HN_ENOTFOUND, "request", NULL,
		    "request %s has no evidence to export", x->request_id);
		goto out;
	}
	if ((r = write_files(&e, err)) != 0 ||
	    (r = hn_db_tx(c->db, record_tx, &e, err)) != 0)
		goto out;
	sum->ledger_index = e.idx;
	if ((r = write_case(&e, err)) != 0 ||
	    (r = write_signature(&e, err)) != 0 ||
	    (r = write_proof(&e, err)) != 0 || (r = write_readme(&e, err)) != 0)
		goto out;
	r = 0;
out:
	free(e.items);
	json_decref(e.entry);
	hn_buf_release(&e.man);
	return r;
}
