#include "ledger/bundle.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "crypto/sshsig.h"
#include "ledger/bundle_proof.h"
#include "store/blob.h"
#include "store/evidence.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/json.h"

#define MANIFEST_HEAD1 "%%%% HASHDEEP-1.0\n"
#define MANIFEST_HEAD2 "%%%% size,sha256,filename\n"
#define PATH_LEN 4096

static int
join(char *out, size_t max, const char *dir, const char *name)
{
	int n = snprintf(out, max, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= max ? HN_ETOOBIG : 0;
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
		return hn_error_set(err, r, NULL, NULL, "cannot write %s", path);
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
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			r = HN_EEXIST;
			break;
		}
	}
	closedir(d);
	return r;
}

/* --- CASE/UCO ------------------------------------------------------- */

/*
 * A stable id from a name: re-exporting gives the same ids. Shaped as a
 * name-based UUID (version 5 bits; SHA-256 in place of SHA-1), which the
 * UCO shapes recognise as a UUID.
 */
static void
uuid_of(char out[37], const char *a, const char *b, const char *c)
{
	struct hn_buf s = HN_BUF_INIT(4096);
	uint8_t h[32];
	char x[65];

	if (hn_buf_addf(&s, "hanoinet-case/%s/%s/%s", a, b, c) != 0)
		hn_buf_reset(&s);
	hn_sha256(s.data != NULL ? s.data : "", s.len, h);
	hn_buf_release(&s);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x50);
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	hn_hex_encode(x, h, 16);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", x, x + 8, x + 12,
	    x + 16, x + 20);
}

static char *
kb_id(const char *kind, const char *a, const char *b, const char *c)
{
	char u[37], *s = NULL;
	size_t n;

	uuid_of(u, a, b, c);
	n = strlen(kind) + strlen(u) + 5;
	if ((s = malloc(n)) != NULL)
		snprintf(s, n, "kb:%s-%s", kind, u);
	return s;
}

static json_t *
ref(const char *id)
{
	return json_pack("{s:s}", "@id", id);
}

static json_t *
typed(const char *type, const char *value)
{
	return json_pack("{s:s,s:s}", "@type", type, "@value", value);
}

static int
add(json_t *arr, json_t *v)
{
	return v == NULL || json_array_append_new(arr, v) != 0 ? HN_ENOMEM : 0;
}

static json_t *
case_context(void)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "kb", "http://example.org/kb/",
	    "case-investigation",
	    "https://ontology.caseontology.org/case/investigation/",
	    "uco-action", "https://ontology.unifiedcyberontology.org/uco/action/",
	    "uco-core", "https://ontology.unifiedcyberontology.org/uco/core/",
	    "uco-identity",
	    "https://ontology.unifiedcyberontology.org/uco/identity/",
	    "uco-observable",
	    "https://ontology.unifiedcyberontology.org/uco/observable/",
	    "uco-tool", "https://ontology.unifiedcyberontology.org/uco/tool/",
	    "uco-types", "https://ontology.unifiedcyberontology.org/uco/types/",
	    "xsd", "http://www.w3.org/2001/XMLSchema#");
}

static const char *
action_title(const char *a)
{
	static const struct {
		const char *a, *t;
	} t[] = {
		{ "intake", "Intake (fingerprinted on arrival)" },
		{ "seal", "Sealed (encrypted at rest)" },
		{ "transfer_out", "Transfer to the requesting State" },
		{ "acknowledged", "Receipt acknowledged by the requesting State" },
		{ "received", "Received from the sending State" },
		{ "verified", "Verified" },
		{ "opened", "Opened" },
		{ "exported", "Exported" },
		{ "deleted", "Deleted at the end of retention" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].a, a) == 0)
			return t[i].t;
	return a;
}

static int
hash_node(json_t *graph, json_t *refs, const char *node, const char *req,
    const struct hn_evidence_item *it, const char *method, const char *value)
{
	char *hid = NULL;
	int r;

	if (value[0] == '\0')
		return 0;
	if ((hid = kb_id("hash", node, req, method)) == NULL)
		return HN_ENOMEM;
	/* distinct per item */
	free(hid);
	{
		char key[256];

		snprintf(key, sizeof(key), "%lld/%s", (long long)it->id, method);
		if ((hid = kb_id("hash", node, req, key)) == NULL)
			return HN_ENOMEM;
	}
	r = add(graph, json_pack("{s:s,s:s,s:s,s:o}", "@id", hid, "@type",
	    "uco-types:Hash", "uco-types:hashMethod", method,
	    "uco-types:hashValue", typed("xsd:hexBinary", value)));
	if (r == 0)
		r = add(refs, ref(hid));
	free(hid);
	return r;
}

/* Builds case.jsonld for items[0..n) with their custody events. */
static int
case_document(json_t **out, struct hn_db *db, const char *node,
    const char *req, const struct hn_evidence_item *items, size_t n)
{
	json_t *doc = NULL, *graph = NULL, *inv_objs = NULL, *hashes, *facets;
	struct hn_custody_event *evs = NULL;
	char *inv = NULL, *auth = NULL, *org = NULL, *tool = NULL;
	char *file = NULL, *act = NULL, *prev_act = NULL, *prov = NULL,
	    *prev_prov = NULL, *ff = NULL, *cf = NULL, *who = NULL;
	char key[256], ts[21], desc[2048], exhibit[300], root_exhibit[300];
	char size[32];
	size_t i, j, nev = 0;
	int r = HN_ENOMEM;

	*out = NULL;
	if ((graph = json_array()) == NULL || (inv_objs = json_array()) == NULL)
		goto out;
	inv = kb_id("investigation", node, req, "");
	auth = kb_id("authorization", node, req, "");
	org = kb_id("organization", node, "", "");
	tool = kb_id("tool", "hanoinet", HN_VERSION, "");
	if (inv == NULL || auth == NULL || org == NULL || tool == NULL)
		goto out;
	snprintf(desc, sizeof(desc), "Evidence for request %s", req);
	if ((r = add(graph, json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "@id", inv,
	    "@type", "case-investigation:Investigation", "uco-core:name", req,
	    "case-investigation:focus", desc,
	    "case-investigation:relevantAuthorization", ref(auth),
	    "uco-core:object", json_incref(inv_objs)))) != 0)
		goto out;
	if ((r = add(graph, json_pack("{s:s,s:s,s:s,s:s}", "@id", auth, "@type",
	    "case-investigation:Authorization",
	    "case-investigation:authorizationType",
	    "Request for mutual legal assistance (United Nations Convention "
	    "against Cybercrime, art. 40)",
	    "case-investigation:authorizationIdentifier", req))) != 0)
		goto out;
	if ((r = add(graph, json_pack("{s:s,s:s,s:s}", "@id", org, "@type",
	    "uco-identity:Organization", "uco-core:name", node))) != 0)
		goto out;
	if ((r = add(graph, json_pack("{s:s,s:s,s:s,s:s}", "@id", tool, "@type",
	    "uco-tool:Tool", "uco-core:name", "hanoinet", "uco-tool:version",
	    HN_VERSION))) != 0)
		goto out;

	for (i = 0; i < n; i++) {
		const struct hn_evidence_item *it = &items[i];

		if (it->deleted_at != 0)
			continue; /* not exported */
		r = HN_ENOMEM;
		snprintf(key, sizeof(key), "%lld", (long long)it->id);
		free(file);
		free(ff);
		free(cf);
		file = kb_id("file", node, req, key);
		ff = kb_id("file-facet", node, req, key);
		cf = kb_id("content-data-facet", node, req, key);
		if (file == NULL || ff == NULL || cf == NULL)
			goto out;
		if ((hashes = json_array()) == NULL)
			goto out;
		if ((r = hash_node(graph, hashes, node, req, it, "SHA256",
		    it->sha256)) != 0 ||
		    (r = hash_node(graph, hashes, node, req, it, "SHA1",
		    it->sha1)) != 0 ||
		    (r = hash_node(graph, hashes, node, req, it, "MD5",
		    it->md5)) != 0) {
			json_decref(hashes);
			goto out;
		}
		snprintf(size, sizeof(size), "%llu", (unsigned long long)it->size);
		facets = json_pack("[{s:s,s:s,s:s,s:o},{s:s,s:s,s:o}]",
		    "@id", ff, "@type", "uco-observable:FileFacet",
		    "uco-observable:fileName", it->name,
		    "uco-observable:sizeInBytes", typed("xsd:integer", size),
		    "@id", cf, "@type", "uco-observable:ContentDataFacet",
		    "uco-observable:hash", hashes);
		if (facets == NULL)
			goto out;
		if (it->description[0] != '\0')
			r = add(graph, json_pack("{s:s,s:s,s:s,s:o}", "@id", file,
			    "@type", "uco-observable:File", "uco-core:description",
			    it->description, "uco-core:hasFacet", facets));
		else
			r = add(graph, json_pack("{s:s,s:s,s:o}", "@id", file,
			    "@type", "uco-observable:File", "uco-core:hasFacet",
			    facets));
		if (r != 0 || (r = add(inv_objs, ref(file))) != 0)
			goto out;

		free(evs);
		evs = NULL;
		if ((r = hn_custody_list(db, it->id, &evs, &nev)) != 0)
			goto out;
		free(prev_act);
		free(prev_prov);
		prev_act = prev_prov = NULL;
		snprintf(root_exhibit, sizeof(root_exhibit), "%s/%lld", req,
		    (long long)it->id);
		for (j = 0; j < nev; j++) {
			const struct hn_custody_event *e = &evs[j];
			json_t *a;

			r = HN_ENOMEM;
			snprintf(key, sizeof(key), "%lld/%lld", (long long)it->id,
			    (long long)e->id);
			free(act);
			free(prov);
			free(who);
			act = kb_id("investigative-action", node, req, key);
			prov = kb_id("provenance-record", node, req, key);
			who = kb_id("identity", node, e->actor, "");
			if (act == NULL || prov == NULL || who == NULL)
				goto out;
			hn_time_rfc3339(ts, e->at);
			if (snprintf(exhibit, sizeof(exhibit), "%s/%zu",
			    root_exhibit, j + 1) >= (int)sizeof(exhibit)) {
				r = HN_ETOOBIG;
				goto out;
			}
			if (e->ledger_index >= 0)
				snprintf(desc, sizeof(desc), "Custody step %zu of %s: "
				    "%s by %s at %s%s%s (ledger entry %lld)", j + 1,
				    it->name, e->action, e->actor, ts,
				    e->reason[0] ? "; reason: " : "", e->reason,
				    (long long)e->ledger_index);
			else
				snprintf(desc, sizeof(desc), "Custody step %zu of %s: "
				    "%s by %s at %s%s%s", j + 1, it->name, e->action,
				    e->actor, ts, e->reason[0] ? "; reason: " : "",
				    e->reason);
			/* the person (or service) who acted; one node per name */
			if ((r = add(graph, json_pack("{s:s,s:s,s:s}", "@id", who,
			    "@type", "uco-identity:Identity", "uco-core:name",
			    e->actor))) != 0)
				goto out;
			if ((r = add(graph, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o}",
			    "@id", prov, "@type", "case-investigation:ProvenanceRecord",
			    "uco-core:description", desc,
			    "case-investigation:exhibitNumber", exhibit,
			    "case-investigation:rootExhibitNumber", root_exhibit,
			    "uco-core:name", e->action,
			    "uco-core:object", ref(file)))) != 0)
				goto out;
			a = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "@id", act,
			    "@type", "case-investigation:InvestigativeAction",
			    "uco-core:name", action_title(e->action),
			    "uco-core:description", desc,
			    "uco-action:startTime", typed("xsd:dateTime", ts),
			    "uco-action:performer", ref(who),
			    "uco-action:instrument", ref(tool),
			    "uco-action:result", json_pack("[o,o]", ref(file),
			    ref(prov)));
			if (a == NULL)
				goto out;
			if (prev_prov != NULL &&
			    (json_object_set_new(a, "uco-action:object",
			    ref(prev_prov)) != 0 ||
			    json_object_set_new(a, "case-investigation:wasInformedBy",
			    ref(prev_act)) != 0)) {
				json_decref(a);
				goto out;
			}
			if ((r = add(graph, a)) != 0 ||
			    (r = add(inv_objs, ref(act))) != 0 ||
			    (r = add(inv_objs, ref(prov))) != 0)
				goto out;
			free(prev_act);
			free(prev_prov);
			prev_act = act;
			prev_prov = prov;
			act = prov = NULL;
		}
	}
	/* identities appear once per actor: drop duplicates */
	{
		json_t *seen = json_object(), *g2 = json_array(), *v;
		size_t k;

		if (seen == NULL || g2 == NULL) {
			json_decref(seen);
			json_decref(g2);
			r = HN_ENOMEM;
			goto out;
		}
		json_array_foreach(graph, k, v) {
			const char *id = hn_json_str(v, "@id");

			if (id != NULL && json_object_get(seen, id) != NULL)
				continue;
			json_object_set_new(seen, id != NULL ? id : "", json_true());
			json_array_append(g2, v);
		}
		json_decref(seen);
		json_decref(graph);
		graph = g2;
	}
	if ((doc = json_pack("{s:o,s:O}", "@context", case_context(), "@graph",
	    graph)) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	*out = doc;
	r = 0;
out:
	free(evs);
	free(inv);
	free(auth);
	free(org);
	free(tool);
	free(file);
	free(ff);
	free(cf);
	free(act);
	free(prov);
	free(prev_act);
	free(prev_prov);
	free(who);
	json_decref(graph);
	json_decref(inv_objs);
	return r;
}

/* --- export ---------------------------------------------------------- */

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
    "         -n " HN_BUNDLE_NS " -s manifest.hashdeep.sig < manifest.hashdeep\n"
    "  3. The SHA-256 of the manifest, as recorded in the audit log:\n"
    "       sha256sum manifest.hashdeep     (expected: %s)\n"
    "  4. Everything at once, offline, with hanoinet:\n"
    "       hanoinet evidence verify .\n"
    "  5. The CASE document against the UCO/CASE 1.4 shapes:\n"
    "       case_validate case.jsonld   (or any SHACL validator)\n";

struct manifest_line {
	const char *name;
	uint64_t size;
	char sha256[65];
};

int
hn_bundle_export(struct hn_custody *c, const struct hn_bundle_export *x,
    struct hn_bundle_summary *sum, struct hn_error *err)
{
	struct hn_evidence_item *items = NULL;
	struct hn_buf man = HN_BUF_INIT(HN_BUNDLE_MANIFEST_MAX);
	struct hn_buf sig = HN_BUF_INIT(HN_SSHSIG_MAX);
	struct hn_buf as = HN_BUF_INIT(1024), txt = HN_BUF_INIT(16384);
	struct hn_buf proof = HN_BUF_INIT(1 << 20);
	char files[PATH_LEN], path[PATH_LEN], ts[21];
	uint8_t md[32];
	json_t *entry = NULL, *names = NULL, *doc = NULL, *d = NULL;
	char *entry_s = NULL, *doc_s = NULL;
	size_t n = 0, i, live = 0;
	uint64_t size;
	int64_t idx = -1;
	int r, in_tx = 0;

	memset(sum, 0, sizeof(*sum));
	sum->ledger_index = -1;
	if ((r = dir_empty_or_absent(x->out)) != 0)
		return hn_error_set(err, r, "out", NULL,
		    "%s exists and is not empty", x->out);
	if ((r = hn_evidence_list(c->db, x->request_id, &items, &n)) != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot list the evidence of %s", x->request_id);
	for (i = 0; i < n; i++)
		live += items[i].deleted_at == 0;
	if (live == 0) {
		r = hn_error_set(err, HN_ENOTFOUND, "request", NULL,
		    "request %s has no evidence to export", x->request_id);
		goto out;
	}
	if ((r = join(files, sizeof(files), x->out, "files")) != 0 ||
	    (r = hn_mkdirs(files, 0755)) != 0) {
		r = hn_error_set(err, r ? r : HN_EIO, "out", NULL,
		    "cannot create %s/files", x->out);
		goto out;
	}
	hn_time_rfc3339(ts, x->at);
	if ((r = hn_buf_adds(&man, MANIFEST_HEAD1 MANIFEST_HEAD2)) != 0 ||
	    (r = hn_buf_addf(&man, "## Invoked from: hanoinet evidence export "
	    "--request %s (node %s, %s)\n## $ hashdeep -c sha256 -l -r .\n"
	    "## \n", x->request_id, x->node_name, ts)) != 0)
		goto out;
	/* every file out of the store is checked (hn_blob_copy_out) */
	for (i = 0; i < n; i++) {
		if (items[i].deleted_at != 0)
			continue;
		if ((r = join(path, sizeof(path), files, items[i].name)) != 0)
			goto out;
		if ((r = hn_blob_copy_out(x->blobroot, items[i].sha256, x->keys,
		    path, &size, err)) != 0)
			goto out;
		if (size != items[i].size) {
			r = hn_error_set(err, HN_EVERIFY, NULL, NULL,
			    "%s: %llu bytes in the store, %llu recorded",
			    items[i].name, (unsigned long long)size,
			    (unsigned long long)items[i].size);
			goto out;
		}
		if ((r = hn_buf_addf(&man, "%llu,%s,./%s\n",
		    (unsigned long long)items[i].size, items[i].sha256,
		    items[i].name)) != 0)
			goto out;
		sum->files++;
		sum->bytes += size;
	}
	if ((r = write_file(x->out, "manifest.hashdeep", man.data, man.len,
	    err)) != 0)
		goto out;
	hn_sha256(man.data, man.len, md);
	hn_hex_encode(sum->manifest_sha256, md, 32);

	/* custody: one "exported" event per item and the export entry */
	if ((names = json_array()) == NULL || (d = json_object()) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	if (json_object_set_new(d, "manifest_sha256",
	    json_string(sum->manifest_sha256)) != 0) {
		r = HN_ENOMEM;
		goto out;
	}
	if ((r = hn_db_begin(c->db)) != 0) {
		r = hn_error_set(err, r, NULL, NULL, "cannot begin: %s",
		    hn_db_errmsg(c->db));
		goto out;
	}
	in_tx = 1;
	for (i = 0; i < n; i++) {
		if (items[i].deleted_at != 0)
			continue;
		if ((r = hn_custody_event_tx(c, &items[i], "exported", x->at,
		    x->actor, x->reason, d, err)) != 0)
			goto out;
		if (json_array_append_new(names, json_pack("{s:s,s:s,s:I}",
		    "name", items[i].name, "sha256", items[i].sha256, "size",
		    (json_int_t)items[i].size)) != 0) {
			r = HN_ENOMEM;
			goto out;
		}
	}
	/* the entry names the files while it stays well under the ledger's
	 * entry limit; the manifest's hash covers them in any case */
	entry = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "type",
	    "evidence.export", "request", x->request_id, "manifest_sha256",
	    sum->manifest_sha256, "actor", x->actor, "at", ts, "files",
	    (json_int_t)sum->files);
	if (entry != NULL && sum->files <= 100 &&
	    json_object_set(entry, "items", names) != 0) {
		r = HN_ENOMEM;
		goto out;
	}
	if (entry == NULL || (x->reason != NULL && x->reason[0] != '\0' &&
	    json_object_set_new(entry, "reason", json_string(x->reason)) != 0)) {
		r = HN_ENOMEM;
		goto out;
	}
	if ((r = hn_custody_log(c, entry, &idx)) != 0) {
		r = hn_error_set(err, r, NULL, NULL,
		    "cannot append the export to the ledger");
		goto out;
	}
	if ((r = hn_db_commit(c->db)) != 0) {
		r = hn_error_set(err, r, NULL, NULL, "cannot commit: %s",
		    hn_db_errmsg(c->db));
		goto out;
	}
	in_tx = 0;
	sum->ledger_index = idx;

	/* the CASE document, with the custody steps just recorded */
	if ((r = case_document(&doc, c->db, x->node_name, x->request_id, items,
	    n)) != 0)
		goto out;
	if ((doc_s = json_dumps(doc, JSON_INDENT(1) | JSON_ENSURE_ASCII)) ==
	    NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	if ((r = write_file(x->out, "case.jsonld", doc_s, strlen(doc_s),
	    err)) != 0)
		goto out;

	/* the signature and the key to check it with */
	if ((r = hn_sshsig_sign(&sig, man.data, man.len, HN_BUNDLE_NS,
	    x->sk)) != 0 ||
	    (r = write_file(x->out, "manifest.hashdeep.sig", sig.data, sig.len,
	    err)) != 0)
		goto out;
	if ((r = hn_buf_addf(&as, "%s namespaces=\"%s\" ", x->node_name,
	    HN_BUNDLE_NS)) != 0 || (r = hn_ssh_pubkey_format(&as, x->sk + 32)) != 0 ||
	    (r = hn_buf_adds(&as, "\n")) != 0 ||
	    (r = write_file(x->out, "allowed_signers", as.data, as.len, err)) != 0)
		goto out;

	/* the proof that the ledger records the manifest */
	if (x->prove != NULL && idx >= 0) {
		if ((entry_s = hn_json_dump(entry)) == NULL) {
			r = HN_ENOMEM;
			goto out;
		}
		/* hn_custody_log added "node": the entry as appended */
		if ((r = x->prove(x->prove_ctx, (uint64_t)idx, entry_s,
		    strlen(entry_s), &proof, err)) != 0)
			goto out;
		if ((r = write_file(x->out, "manifest.tlog-proof", proof.data,
		    proof.len, err)) != 0)
			goto out;
		sum->tlog_proof = 1;
	}
	if ((r = hn_buf_addf(&txt, readme_fmt, x->request_id, x->node_name,
	    HN_VERSION, ts, sum->tlog_proof ? "" :
	    "\n                          (absent: this node has no audit log)",
	    x->node_name, x->node_name, sum->manifest_sha256)) != 0 ||
	    (r = write_file(x->out, "README.txt", txt.data, txt.len, err)) != 0)
		goto out;
	r = 0;
out:
	if (in_tx)
		hn_db_rollback(c->db);
	free(items);
	free(entry_s);
	free(doc_s);
	json_decref(doc);
	json_decref(entry);
	json_decref(names);
	json_decref(d);
	hn_buf_release(&man);
	hn_buf_release(&sig);
	hn_buf_release(&as);
	hn_buf_release(&txt);
	hn_buf_release(&proof);
	return r;
}

/* --- verify ---------------------------------------------------------- */

struct report {
	struct hn_buf *out;
	int problems;
};

static void
say(struct report *rp, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct report *rp, int ok, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!ok)
		rp->problems++;
	if (hn_buf_addf(rp->out, "%s %s\n", ok ? "ok  " : "FAIL", line) != 0)
		rp->problems++;
}

struct mentry {
	char name[HN_EV_NAME_MAX + 1];
	uint64_t size;
	char sha256[65];
	int seen; /* found in files/ */
	int in_case;
};

/* Parses manifest text into entries (allocated). */
static int
parse_manifest(const char *m, size_t len, struct mentry **out, size_t *n,
    struct report *rp)
{
	const char *p = m, *end = m + len, *nl, *c1, *c2;
	struct mentry *v = NULL, *nv;
	size_t cap = 0, cnt = 0, lineno = 0, i;
	char num[32];
	int ok = 1;

	*out = NULL;
	*n = 0;
	if (len > HN_BUNDLE_MANIFEST_MAX) {
		say(rp, 0, "manifest.hashdeep: larger than %u bytes",
		    HN_BUNDLE_MANIFEST_MAX);
		return HN_ETOOBIG;
	}
	if (len < strlen(MANIFEST_HEAD1 MANIFEST_HEAD2) ||
	    memcmp(m, MANIFEST_HEAD1 MANIFEST_HEAD2,
	    strlen(MANIFEST_HEAD1 MANIFEST_HEAD2)) != 0) {
		say(rp, 0, "manifest.hashdeep: not a hashdeep sha256 manifest "
		    "(header lines)");
		return HN_EPARSE;
	}
	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			say(rp, 0, "manifest.hashdeep: line %zu has no newline",
			    lineno);
			ok = 0;
			break;
		}
		if (lineno <= 2 || (nl - p >= 2 && p[0] == '#' && p[1] == '#')) {
			p = nl + 1;
			continue;
		}
		c1 = memchr(p, ',', (size_t)(nl - p));
		c2 = c1 ? memchr(c1 + 1, ',', (size_t)(nl - c1 - 1)) : NULL;
		if (c1 == NULL || c2 == NULL || c1 - p == 0 ||
		    (size_t)(c1 - p) >= sizeof(num) || c2 - c1 - 1 != 64 ||
		    nl - c2 - 1 < 3 || c2[1] != '.' || c2[2] != '/' ||
		    (size_t)(nl - c2 - 3) > HN_EV_NAME_MAX ||
		    memchr(c2 + 3, '/', (size_t)(nl - c2 - 3)) != NULL) {
			say(rp, 0, "manifest.hashdeep: line %zu is malformed",
			    lineno);
			ok = 0;
			p = nl + 1;
			continue;
		}
		if (cnt == HN_BUNDLE_FILES_MAX) {
			say(rp, 0, "manifest.hashdeep: more than %d files",
			    HN_BUNDLE_FILES_MAX);
			ok = 0;
			break;
		}
		if (cnt == cap) {
			cap = cap ? 2 * cap : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				free(v);
				return HN_ENOMEM;
			}
			v = nv;
		}
		memset(&v[cnt], 0, sizeof(v[cnt]));
		memcpy(num, p, (size_t)(c1 - p));
		num[c1 - p] = '\0';
		{
			char *e = NULL;

			errno = 0;
			v[cnt].size = strtoull(num, &e, 10);
			if (errno != 0 || *e != '\0' || num[0] == '-') {
				say(rp, 0, "manifest.hashdeep: line %zu: bad size",
				    lineno);
				ok = 0;
			}
		}
		memcpy(v[cnt].sha256, c1 + 1, 64);
		v[cnt].sha256[64] = '\0';
		if (hn_blob_addr_valid(v[cnt].sha256) != 0) {
			say(rp, 0, "manifest.hashdeep: line %zu: bad SHA-256",
			    lineno);
			ok = 0;
		}
		memcpy(v[cnt].name, c2 + 3, (size_t)(nl - c2 - 3));
		v[cnt].name[nl - c2 - 3] = '\0';
		for (i = 0; i < cnt; i++) {
			if (strcmp(v[i].name, v[cnt].name) == 0) {
				say(rp, 0, "manifest.hashdeep: %s listed twice",
				    v[cnt].name);
				ok = 0;
			}
		}
		cnt++;
		p = nl + 1;
	}
	*out = v;
	*n = cnt;
	return ok ? 0 : HN_EPARSE;
}

int
hn_bundle_manifest_check(const char *m, size_t len, size_t *nfiles,
    struct hn_buf *report, int *problems)
{
	struct report rp = { report, 0 };
	struct mentry *v = NULL;
	size_t n = 0;
	int r;

	r = parse_manifest(m, len, &v, &n, &rp);
	free(v);
	if (nfiles != NULL)
		*nfiles = n;
	if (problems != NULL)
		*problems = rp.problems;
	return r;
}

static int
hash_file(const char *path, uint8_t md[32], uint64_t *size)
{
	struct hn_sha256 h;
	uint8_t *buf = NULL;
	ssize_t n;
	int fd = -1, r;

	*size = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? HN_ENOTFOUND : HN_EIO;
	if ((buf = malloc(1u << 20)) == NULL) {
		close(fd);
		return HN_ENOMEM;
	}
	if ((r = hn_sha256_init(&h)) != 0)
		goto out;
	for (;;) {
		n = hn_fd_read_full(fd, buf, 1u << 20);
		if (n < 0) {
			r = HN_EIO;
			break;
		}
		if (n == 0)
			break;
		hn_sha256_update(&h, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	if (r == 0)
		hn_sha256_final(&h, md);
	hn_sha256_release(&h);
out:
	free(buf);
	close(fd);
	return r;
}

static void
check_files(const char *dir, struct mentry *m, size_t n, struct report *rp)
{
	char files[PATH_LEN], path[PATH_LEN], hex[65];
	struct dirent *de;
	struct stat st;
	uint8_t md[32];
	uint64_t size;
	size_t i;
	DIR *d;
	int r, found;

	if (join(files, sizeof(files), dir, "files") != 0 ||
	    (d = opendir(files)) == NULL) {
		say(rp, 0, "files/: missing");
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		found = 0;
		for (i = 0; i < n; i++)
			if (strcmp(m[i].name, de->d_name) == 0)
				found = 1;
		if (!found)
			say(rp, 0, "files/%s: not in the manifest", de->d_name);
	}
	closedir(d);
	for (i = 0; i < n; i++) {
		if (join(path, sizeof(path), files, m[i].name) != 0)
			continue;
		if (lstat(path, &st) != 0) {
			say(rp, 0, "files/%s: missing", m[i].name);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			say(rp, 0, "files/%s: not a regular file", m[i].name);
			continue;
		}
		if ((r = hash_file(path, md, &size)) != 0) {
			say(rp, 0, "files/%s: cannot read (%s)", m[i].name,
			    hn_strerror(r));
			continue;
		}
		hn_hex_encode(hex, md, 32);
		m[i].seen = 1;
		if (size != m[i].size)
			say(rp, 0, "files/%s: %llu bytes, the manifest says %llu",
			    m[i].name, (unsigned long long)size,
			    (unsigned long long)m[i].size);
		else if (strcmp(hex, m[i].sha256) != 0)
			say(rp, 0, "files/%s: SHA-256 %s, the manifest says %s",
			    m[i].name, hex, m[i].sha256);
		else
			say(rp, 1, "files/%s: %llu bytes, SHA-256 matches",
			    m[i].name, (unsigned long long)size);
	}
}

static int
read_small(const char *dir, const char *name, size_t max, struct hn_buf *b)
{
	char path[PATH_LEN];
	int r;

	if ((r = join(path, sizeof(path), dir, name)) != 0)
		return r;
	hn_buf_init(b, max);
	return hn_file_read(path, b);
}

/* The first principal of an allowed_signers text. */
static int
first_principal(const char *t, char *out, size_t max)
{
	const char *p = t;
	size_t n = 0;

	while (*p == '#' || *p == '\n') {
		const char *nl = strchr(p, '\n');

		if (nl == NULL)
			return HN_ENOTFOUND;
		p = nl + 1;
	}
	while (p[n] != '\0' && p[n] != ' ' && p[n] != '\t' && p[n] != ',' &&
	    p[n] != '\n')
		n++;
	if (n == 0 || n >= max)
		return HN_ENOTFOUND;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* The raw key of "ssh-ed25519 BASE64". */
static int
parse_pinned(const char *pinned, uint8_t pk[32])
{
	struct hn_buf line = HN_BUF_INIT(1024);
	int r;

	if ((r = hn_buf_addf(&line, "pinned %s\n", pinned)) == 0)
		r = hn_ssh_allowed_signer(line.data, line.len, "pinned",
		    HN_BUNDLE_NS, pk);
	hn_buf_release(&line);
	return r;
}

/*
 * Checks the SSH signature. trusted_out gets the node key the rest of the
 * checks trust (the pinned key, else the one in allowed_signers), even
 * when the signature fails, so that the ledger proof is still checked.
 */
static void
check_signature(const char *dir, const struct hn_buf *man,
    const char *pinned, const char *principal_in, uint8_t trusted_out[32],
    char *principal_out, size_t pmax, struct report *rp)
{
	struct hn_buf as, sig, pk = HN_BUF_INIT(256);
	uint8_t key[32], signer[32], trusted[32];
	char principal[256];
	int r;

	memset(trusted_out, 0, 32);
	principal_out[0] = '\0';
	hn_buf_init(&sig, HN_SSHSIG_MAX);
	if (pinned != NULL && parse_pinned(pinned, trusted) != 0) {
		say(rp, 0, "the pinned key is not \"ssh-ed25519 BASE64\"");
		pinned = NULL;
		memset(trusted, 0, 32);
	}
	if (read_small(dir, "allowed_signers", 1 << 16, &as) != 0) {
		say(rp, 0, "allowed_signers: missing or unreadable");
		goto out;
	}
	if (principal_in != NULL)
		snprintf(principal, sizeof(principal), "%s", principal_in);
	else if (first_principal(as.data, principal, sizeof(principal)) != 0) {
		say(rp, 0, "allowed_signers: no principal");
		goto out;
	}
	snprintf(principal_out, pmax, "%s", principal);
	if (hn_ssh_allowed_signer(as.data, as.len, principal, HN_BUNDLE_NS,
	    key) != 0) {
		say(rp, 0, "allowed_signers: no ssh-ed25519 key for %s in "
		    "namespace %s", principal, HN_BUNDLE_NS);
		goto out;
	}
	if (pinned == NULL)
		memcpy(trusted, key, 32);
	memcpy(trusted_out, trusted, 32);
	if (hn_ssh_pubkey_format(&pk, key) != 0)
		goto out;
	if (pinned != NULL && hn_memeq_ct(key, trusted, 32) != 0)
		say(rp, 0, "allowed_signers: %s's key %s is not the pinned key",
		    principal, pk.data);
	if (read_small(dir, "manifest.hashdeep.sig", HN_SSHSIG_MAX, &sig) != 0) {
		say(rp, 0, "manifest.hashdeep.sig: missing or unreadable");
		goto out;
	}
	r = hn_sshsig_verify(sig.data, sig.len, man->data, man->len,
	    HN_BUNDLE_NS, signer);
	if (r == HN_EPARSE) {
		say(rp, 0, "manifest.hashdeep.sig: not an SSH signature");
		goto out;
	}
	if (r != 0 || hn_memeq_ct(signer, trusted, 32) != 0) {
		say(rp, 0, "manifest.hashdeep.sig: does not verify for %s%s: the "
		    "manifest or the signature was altered", principal,
		    pinned != NULL ? " with the pinned key" : "");
		goto out;
	}
	if (pinned != NULL)
		say(rp, 1, "manifest.hashdeep.sig: good signature by %s "
		    "(pinned key)", principal);
	else
		say(rp, 1, "manifest.hashdeep.sig: good signature by %s with the "
		    "key in allowed_signers (%s); compare it with the key the "
		    "node publishes", principal, pk.data);
out:
	hn_buf_release(&as);
	hn_buf_release(&sig);
	hn_buf_release(&pk);
}

static const char *
typ(json_t *o)
{
	json_t *t = json_object_get(o, "@type");

	if (json_is_array(t))
		t = json_array_get(t, 0);
	return json_is_string(t) ? json_string_value(t) : "";
}

static const char *
ref_of(json_t *v)
{
	if (json_is_array(v))
		v = json_array_get(v, 0);
	return hn_json_str(v, "@id");
}

static void
check_case(const char *dir, struct mentry *m, size_t n, struct report *rp)
{
	struct hn_buf b;
	struct hn_error e;
	json_t *doc = NULL, *graph, *ids = NULL, *o, *v;
	size_t i, k, nfiles = 0, ninv = 0, nprov = 0, nact = 0;
	int bad = 0;

	if (read_small(dir, "case.jsonld", HN_BUNDLE_CASE_MAX, &b) != 0) {
		say(rp, 0, "case.jsonld: missing or unreadable");
		hn_buf_release(&b);
		return;
	}
	doc = hn_json_parse(b.data, b.len, HN_BUNDLE_CASE_MAX, HN_JSON_MAX_DEPTH,
	    &e);
	hn_buf_release(&b);
	if (doc == NULL) {
		say(rp, 0, "case.jsonld: not JSON (%s)", e.message);
		return;
	}
	graph = json_object_get(doc, "@graph");
	if (!json_is_object(json_object_get(doc, "@context")) ||
	    !json_is_array(graph)) {
		say(rp, 0, "case.jsonld: no @context or @graph");
		goto out;
	}
	if ((ids = json_object()) == NULL)
		goto out;
	json_array_foreach(graph, i, o) {
		const char *id = hn_json_str(o, "@id");

		if (id == NULL || typ(o)[0] == '\0') {
			say(rp, 0, "case.jsonld: graph node %zu has no @id or @type",
			    i);
			bad = 1;
			continue;
		}
		if (json_object_get(ids, id) != NULL) {
			say(rp, 0, "case.jsonld: %s defined twice", id);
			bad = 1;
		}
		json_object_set(ids, id, o);
	}
	json_array_foreach(graph, i, o) {
		const char *t = typ(o);

		if (strcmp(t, "case-investigation:Investigation") == 0) {
			const char *a = ref_of(json_object_get(o,
			    "case-investigation:relevantAuthorization"));

			ninv++;
			if (a == NULL || json_object_get(ids, a) == NULL) {
				say(rp, 0, "case.jsonld: the investigation has no "
				    "authorisation");
				bad = 1;
			}
		} else if (strcmp(t, "case-investigation:ProvenanceRecord") == 0) {
			const char *f = ref_of(json_object_get(o, "uco-core:object"));

			nprov++;
			if (f == NULL || json_object_get(ids, f) == NULL) {
				say(rp, 0, "case.jsonld: provenance record %s refers "
				    "to nothing", hn_json_str(o, "@id"));
				bad = 1;
			}
		} else if (strcmp(t, "case-investigation:InvestigativeAction") ==
		    0) {
			static const char *const keys[] = { "uco-action:performer",
				"uco-action:instrument", "uco-action:object",
				"case-investigation:wasInformedBy" };

			nact++;
			for (k = 0; k < 4; k++) {
				const char *r = ref_of(json_object_get(o, keys[k]));

				if (json_object_get(o, keys[k]) != NULL &&
				    (r == NULL || json_object_get(ids, r) == NULL)) {
					say(rp, 0, "case.jsonld: action %s: %s refers "
					    "to nothing", hn_json_str(o, "@id"),
					    keys[k]);
					bad = 1;
				}
			}
		} else if (strcmp(t, "uco-observable:File") == 0) {
			const char *fname = NULL, *sha = NULL, *size = NULL;
			const char *fid = hn_json_str(o, "@id");
			json_t *f, *h;
			size_t j, hi;
			int has_prov = 0;

			nfiles++;
			json_array_foreach(json_object_get(o, "uco-core:hasFacet"),
			    j, f) {
				if (strcmp(typ(f), "uco-observable:FileFacet") == 0) {
					fname = hn_json_str(f, "uco-observable:fileName");
					size = hn_json_str(json_object_get(f,
					    "uco-observable:sizeInBytes"), "@value");
				}
				if (strcmp(typ(f), "uco-observable:ContentDataFacet") ==
				    0) {
					json_array_foreach(json_object_get(f,
					    "uco-observable:hash"), hi, h) {
						json_t *hn = json_object_get(ids,
						    ref_of(h) ? ref_of(h) : "");
						const char *meth = hn_json_str(hn,
						    "uco-types:hashMethod");

						if (meth != NULL &&
						    strcmp(meth, "SHA256") == 0)
							sha = hn_json_str(
							    json_object_get(hn,
							    "uco-types:hashValue"),
							    "@value");
					}
				}
			}
			if (fname == NULL || sha == NULL || size == NULL) {
				say(rp, 0, "case.jsonld: file %s lacks a name, size "
				    "or SHA-256", fid);
				bad = 1;
				continue;
			}
			for (k = 0; k < n; k++)
				if (strcmp(m[k].name, fname) == 0)
					break;
			if (k == n) {
				say(rp, 0, "case.jsonld: file %s is not in the "
				    "manifest", fname);
				bad = 1;
				continue;
			}
			m[k].in_case = 1;
			{
				char sz[32];

				snprintf(sz, sizeof(sz), "%llu",
				    (unsigned long long)m[k].size);
				if (strcmp(sz, size) != 0 ||
				    strcmp(sha, m[k].sha256) != 0) {
					say(rp, 0, "case.jsonld: file %s: size or "
					    "SHA-256 differs from the manifest",
					    fname);
					bad = 1;
				}
			}
			json_array_foreach(graph, j, v) {
				if (strcmp(typ(v),
				    "case-investigation:ProvenanceRecord") == 0 &&
				    ref_of(json_object_get(v, "uco-core:object")) &&
				    strcmp(ref_of(json_object_get(v,
				    "uco-core:object")), fid) == 0)
					has_prov = 1;
			}
			if (!has_prov) {
				say(rp, 0, "case.jsonld: file %s has no provenance "
				    "record", fname);
				bad = 1;
			}
		}
	}
	for (k = 0; k < n; k++) {
		if (!m[k].in_case) {
			say(rp, 0, "case.jsonld: manifest file %s is not described",
			    m[k].name);
			bad = 1;
		}
	}
	if (ninv != 1) {
		say(rp, 0, "case.jsonld: %zu investigations (expected 1)", ninv);
		bad = 1;
	}
	if (!bad)
		say(rp, 1, "case.jsonld: %zu files agree with the manifest, %zu "
		    "custody steps (investigative actions), %zu provenance "
		    "records", nfiles, nact, nprov);
out:
	json_decref(ids);
	json_decref(doc);
}

static void
check_tlog(const char *dir, const struct hn_buf *man, const char *principal,
    const uint8_t pk[32], int have_pk, struct report *rp)
{
	struct hn_buf b;
	struct hn_error e;
	struct hn_buf entry = HN_BUF_INIT(1 << 16);
	json_t *j = NULL;
	uint8_t md[32];
	char hex[65];
	uint64_t index = 0, size = 0;
	int r;

	r = read_small(dir, "manifest.tlog-proof", 1 << 20, &b);
	if (r == HN_ENOTFOUND) {
		say(rp, 0, "manifest.tlog-proof: missing (no proof that the "
		    "node's ledger records this manifest)");
		goto out;
	}
	if (r != 0) {
		say(rp, 0, "manifest.tlog-proof: unreadable");
		goto out;
	}
	if (!have_pk) {
		say(rp, 0, "manifest.tlog-proof: not checked (no trusted node "
		    "key)");
		goto out;
	}
	hn_error_clear(&e);
	r = hn_tlogproof_verify(b.data, b.len, principal, pk, &entry, &index,
	    &size, &e);
	if (r != 0) {
		say(rp, 0, "manifest.tlog-proof: %s", e.message);
		goto out;
	}
	j = hn_json_parse(entry.data, entry.len, 1 << 16, 8, NULL);
	hn_sha256(man->data, man->len, md);
	hn_hex_encode(hex, md, 32);
	if (j == NULL || hn_json_str(j, "manifest_sha256") == NULL ||
	    strcmp(hn_json_str(j, "type") ? hn_json_str(j, "type") : "",
	    "evidence.export") != 0) {
		say(rp, 0, "manifest.tlog-proof: the logged entry is not an "
		    "evidence export");
		goto out;
	}
	if (strcmp(hn_json_str(j, "manifest_sha256"), hex) != 0) {
		say(rp, 0, "manifest.tlog-proof: the ledger records manifest "
		    "SHA-256 %s, the manifest here is %s",
		    hn_json_str(j, "manifest_sha256"), hex);
		goto out;
	}
	say(rp, 1, "manifest.tlog-proof: entry %llu of %s's ledger (tree size "
	    "%llu, checkpoint signed by %s) records this manifest",
	    (unsigned long long)index, principal, (unsigned long long)size,
	    principal);
out:
	json_decref(j);
	hn_buf_release(&b);
	hn_buf_release(&entry);
}

static int
all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n-- > 0)
		acc |= *p++;
	return acc == 0;
}

int
hn_bundle_verify(const char *dir, const char *pinned_key,
    const char *principal, struct hn_buf *report, int *problems)
{
	struct report rp = { report, 0 };
	struct hn_buf man;
	struct mentry *m = NULL;
	uint8_t pk[32];
	char who[256];
	size_t n = 0;
	int r;

	*problems = 0;
	r = read_small(dir, "manifest.hashdeep", HN_BUNDLE_MANIFEST_MAX, &man);
	if (r != 0) {
		hn_buf_release(&man);
		say(&rp, 0, "manifest.hashdeep: %s",
		    r == HN_ENOTFOUND ? "missing: not an evidence export" :
		    hn_strerror(r));
		*problems = rp.problems;
		return r == HN_ENOTFOUND ? HN_ENOTFOUND : HN_EVERIFY;
	}
	r = parse_manifest(man.data, man.len, &m, &n, &rp);
	if (r == HN_ENOMEM)
		goto out;
	if (r == 0)
		say(&rp, 1, "manifest.hashdeep: %zu files listed", n);
	check_files(dir, m, n, &rp);
	check_signature(dir, &man, pinned_key, principal, pk, who, sizeof(who),
	    &rp);
	check_case(dir, m, n, &rp);
	check_tlog(dir, &man, who, pk, who[0] != '\0' && !all_zero(pk, 32),
	    &rp);
	r = rp.problems ? HN_EVERIFY : 0;
out:
	free(m);
	hn_buf_release(&man);
	*problems = rp.problems;
	return r;
}
