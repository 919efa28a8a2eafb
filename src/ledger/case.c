#include "ledger/case.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "crypto/sha256.h"
#include "util/buf.h"
#include "util/encode.h"
#include "util/err.h"
#include "util/fmt.h"
#include "util/json.h"

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
	HN_FMT_FIXED(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", x, x + 8, x + 12,
	    x + 16, x + 20);
}

static char *
kb_id(const char *kind, const char *a, const char *b, const char *c)
{
	char u[37], *s = NULL;
	size_t n;

	uuid_of(u, a, b, c);
	n = strlen(kind) + strlen(u) + 5; /* "kb:", "-" and the NUL */
	if ((s = malloc(n)) != NULL)
		HN_FMT_FIXED(s, n, "kb:%s-%s", kind, u);
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
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kb",
	    "http://example.org/kb/", "case-investigation",
	    "https://ontology.caseontology.org/case/investigation/",
	    "uco-action",
	    "https://ontology.unifiedcyberontology.org/uco/action/", "uco-core",
	    "https://ontology.unifiedcyberontology.org/uco/core/",
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
		{ "acknowledged",
		    "Receipt acknowledged by the requesting State" },
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
    const struct hn_case_file *it, const char *method, const char *value)
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

		if ((r = hn_fmt(key, sizeof(key), "%lld/%s", (long long)it->id,
			 method)) != 0)
			return r;
		if ((hid = kb_id("hash", node, req, key)) == NULL)
			return HN_ENOMEM;
	}
	r = add(graph,
	    json_pack("{s:s,s:s,s:s,s:o}", "@id", hid, "@type",
		"uco-types:Hash", "uco-types:hashMethod", method,
		"uco-types:hashValue", typed("xsd:hexBinary", value)));
	if (r == 0)
		r = add(refs, ref(hid));
	free(hid);
	return r;
}

/* The document being built. */
struct doc {
	const char *node, *req;
	json_t *graph; /* every node */
	json_t *objs; /* the investigation's uco-core:object (shared) */
	char *tool; /* the tool's id */
};

/* The investigation, its authorisation, the organisation and the tool. */
static int
doc_head(struct doc *d)
{
	char *inv = NULL, *auth = NULL, *org = NULL;
	char focus[2048];
	int r = HN_ENOMEM;

	inv = kb_id("investigation", d->node, d->req, "");
	auth = kb_id("authorization", d->node, d->req, "");
	org = kb_id("organization", d->node, "", "");
	d->tool = kb_id("tool", "hanoinet", HN_VERSION, "");
	if (inv == NULL || auth == NULL || org == NULL || d->tool == NULL)
		goto out;
	if ((r = hn_fmt(focus, sizeof(focus), "Evidence for request %s",
		 d->req)) != 0)
		goto out;
	if ((r = add(d->graph,
		 json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "@id", inv, "@type",
		     "case-investigation:Investigation", "uco-core:name",
		     d->req, "case-investigation:focus", focus,
		     "case-investigation:relevantAuthorization", ref(auth),
		     "uco-core:object", json_incref(d->objs)))) != 0 ||
	    (r = add(d->graph,
		 json_pack("{s:s,s:s,s:s,s:s}", "@id", auth, "@type",
		     "case-investigation:Authorization",
		     "case-investigation:authorizationType",
		     "Request for mutual legal assistance (United Nations Convention "
		     "against Cybercrime, art. 40)",
		     "case-investigation:authorizationIdentifier", d->req))) !=
		0 ||
	    (r = add(d->graph,
		 json_pack("{s:s,s:s,s:s}", "@id", org, "@type",
		     "uco-identity:Organization", "uco-core:name", d->node))) !=
		0)
		goto out;
	r = add(d->graph,
	    json_pack("{s:s,s:s,s:s,s:s}", "@id", d->tool, "@type",
		"uco-tool:Tool", "uco-core:name", "hanoinet",
		"uco-tool:version", HN_VERSION));
out:
	free(inv);
	free(auth);
	free(org);
	return r;
}

/* The File node of it with its facets and hashes; *file gets its id. */
static int
doc_file(struct doc *d, const struct hn_case_file *it, char **file)
{
	json_t *hashes = NULL, *facets;
	char key[256], size[32];
	char *ff = NULL, *cf = NULL;
	int r = HN_ENOMEM;

	if ((r = hn_fmt(key, sizeof(key), "%lld", (long long)it->id)) != 0)
		return r;
	*file = kb_id("file", d->node, d->req, key);
	ff = kb_id("file-facet", d->node, d->req, key);
	cf = kb_id("content-data-facet", d->node, d->req, key);
	if (*file == NULL || ff == NULL || cf == NULL ||
	    (hashes = json_array()) == NULL)
		goto out;
	if ((r = hash_node(d->graph, hashes, d->node, d->req, it, "SHA256",
		 it->sha256)) != 0 ||
	    (r = hash_node(d->graph, hashes, d->node, d->req, it, "SHA1",
		 it->sha1)) != 0 ||
	    (r = hash_node(d->graph, hashes, d->node, d->req, it, "MD5",
		 it->md5)) != 0)
		goto out;
	if ((r = hn_fmt(size, sizeof(size), "%llu",
		 (unsigned long long)it->size)) != 0)
		goto out;
	r = HN_ENOMEM;
	facets = json_pack("[{s:s,s:s,s:s,s:o},{s:s,s:s,s:o}]", "@id", ff,
	    "@type", "uco-observable:FileFacet", "uco-observable:fileName",
	    it->name, "uco-observable:sizeInBytes", typed("xsd:integer", size),
	    "@id", cf, "@type", "uco-observable:ContentDataFacet",
	    "uco-observable:hash", hashes);
	hashes = NULL; /* transferred (or freed by a failed pack) */
	if (facets == NULL)
		goto out;
	if (it->description[0] != '\0')
		r = add(d->graph,
		    json_pack("{s:s,s:s,s:s,s:o}", "@id", *file, "@type",
			"uco-observable:File", "uco-core:description",
			it->description, "uco-core:hasFacet", facets));
	else
		r = add(d->graph,
		    json_pack("{s:s,s:s,s:o}", "@id", *file, "@type",
			"uco-observable:File", "uco-core:hasFacet", facets));
	if (r == 0)
		r = add(d->objs, ref(*file));
out:
	json_decref(hashes);
	free(ff);
	free(cf);
	return r;
}

/* A step's description has no fixed bound (its reason): at most this. */
#define HN_CASE_DESC_MAX 65536

/* Custody step j of file it: its actor, provenance record and action. */
struct step_ids {
	char *act, *prov, *who;
	char *prev_act, *prev_prov; /* the step before (NULL for the first) */
};

/* The actor, provenance record and action nodes of one step. */
static int
doc_step_nodes(struct doc *d, const struct hn_case_step *e, const char *file,
    const char *root_exhibit, const char *exhibit, const char *ts,
    const char *desc, struct step_ids *ids)
{
	json_t *a;
	int r;

	/* the person (or service) who acted; one node per name */
	if ((r = add(d->graph,
		 json_pack("{s:s,s:s,s:s}", "@id", ids->who, "@type",
		     "uco-identity:Identity", "uco-core:name", e->actor))) !=
		0 ||
	    (r = add(d->graph,
		 json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "@id", ids->prov,
		     "@type", "case-investigation:ProvenanceRecord",
		     "uco-core:description", desc,
		     "case-investigation:exhibitNumber", exhibit,
		     "case-investigation:rootExhibitNumber", root_exhibit,
		     "uco-core:name", e->action, "uco-core:object",
		     ref(file)))) != 0)
		return r;
	a = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "@id", ids->act,
	    "@type", "case-investigation:InvestigativeAction", "uco-core:name",
	    action_title(e->action), "uco-core:description", desc,
	    "uco-action:startTime", typed("xsd:dateTime", ts),
	    "uco-action:performer", ref(ids->who), "uco-action:instrument",
	    ref(d->tool), "uco-action:result",
	    json_pack("[o,o]", ref(file), ref(ids->prov)));
	if (a == NULL)
		return HN_ENOMEM;
	if (ids->prev_prov != NULL &&
	    (json_object_set_new(a, "uco-action:object", ref(ids->prev_prov)) !=
		    0 ||
		json_object_set_new(a, "case-investigation:wasInformedBy",
		    ref(ids->prev_act)) != 0)) {
		json_decref(a);
		return HN_ENOMEM;
	}
	if ((r = add(d->graph, a)) != 0 ||
	    (r = add(d->objs, ref(ids->act))) != 0)
		return r;
	return add(d->objs, ref(ids->prov));
}

static int
doc_step(struct doc *d, const struct hn_case_file *it, size_t j,
    const char *file, const char *root_exhibit, struct step_ids *ids)
{
	const struct hn_case_step *e = &it->steps[j];
	char key[256], ts[HN_TIME_STRLEN], exhibit[300];
	struct hn_buf desc = HN_BUF_INIT(HN_CASE_DESC_MAX);
	int r;

	if ((r = hn_fmt(key, sizeof(key), "%lld/%lld", (long long)it->id,
		 (long long)e->id)) != 0)
		return r;
	ids->act = kb_id("investigative-action", d->node, d->req, key);
	ids->prov = kb_id("provenance-record", d->node, d->req, key);
	ids->who = kb_id("identity", d->node, e->actor, "");
	if (ids->act == NULL || ids->prov == NULL || ids->who == NULL)
		return HN_ENOMEM;
	hn_datetime_format(e->at, ts);
	if ((r = hn_fmt(exhibit, sizeof(exhibit), "%s/%zu", root_exhibit,
		 j + 1)) != 0)
		return r;
	/* a reason has no fixed bound: the description grows to fit it */
	r = hn_buf_addf(&desc, "Custody step %zu of %s: %s by %s at %s%s%s",
	    j + 1, it->name, e->action, e->actor, ts,
	    e->reason[0] ? "; reason: " : "", e->reason);
	if (r == 0 && e->ledger_index >= 0)
		r = hn_buf_addf(&desc, " (ledger entry %lld)",
		    (long long)e->ledger_index);
	if (r == 0)
		r = doc_step_nodes(d, e, file, root_exhibit, exhibit, ts,
		    desc.data, ids);
	hn_buf_release(&desc);
	return r;
}

/* Every custody step of it, each informed by the one before. */
static int
doc_steps(struct doc *d, const struct hn_case_file *it, const char *file)
{
	struct step_ids ids;
	char root_exhibit[300];
	size_t j;
	int r = 0;

	assert(it->steps != NULL || it->nsteps == 0);
	memset(&ids, 0, sizeof(ids));
	if ((r = hn_fmt(root_exhibit, sizeof(root_exhibit), "%s/%lld", d->req,
		 (long long)it->id)) != 0)
		return r;
	for (j = 0; r == 0 && j < it->nsteps; j++) {
		if ((r = doc_step(d, it, j, file, root_exhibit, &ids)) != 0)
			break;
		free(ids.prev_act);
		free(ids.prev_prov);
		free(ids.who);
		ids.prev_act = ids.act;
		ids.prev_prov = ids.prov;
		ids.act = ids.prov = ids.who = NULL;
	}
	free(ids.act);
	free(ids.prov);
	free(ids.who);
	free(ids.prev_act);
	free(ids.prev_prov);
	return r;
}

/* Identities appear once per actor: keeps the first node of every id. */
static int
dedupe(json_t **graph)
{
	json_t *seen = json_object(), *g2 = json_array(), *v;
	size_t k;

	if (seen == NULL || g2 == NULL) {
		json_decref(seen);
		json_decref(g2);
		return HN_ENOMEM;
	}
	json_array_foreach(*graph, k, v)
	{
		const char *id = hn_json_str(v, "@id");

		if (id != NULL && json_object_get(seen, id) != NULL)
			continue;
		if (json_object_set_new(seen, id != NULL ? id : "",
			json_true()) != 0 ||
		    json_array_append(g2, v) != 0) {
			json_decref(seen);
			json_decref(g2);
			return HN_ENOMEM;
		}
	}
	json_decref(seen);
	json_decref(*graph);
	*graph = g2;
	return 0;
}

int
hn_case_document(json_t **out, const char *node, const char *req,
    const struct hn_case_file *items, size_t n)
{
	struct doc d;
	char *file = NULL;
	size_t i;
	int r = HN_ENOMEM;

	assert(out != NULL && node != NULL && req != NULL);
	assert(items != NULL || n == 0);
	*out = NULL;
	memset(&d, 0, sizeof(d));
	d.node = node;
	d.req = req;
	if ((d.graph = json_array()) == NULL || (d.objs = json_array()) == NULL)
		goto out;
	if ((r = doc_head(&d)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		r = doc_file(&d, &items[i], &file);
		if (r == 0)
			r = doc_steps(&d, &items[i], file);
		free(file);
		file = NULL;
		if (r != 0)
			goto out;
	}
	if ((r = dedupe(&d.graph)) != 0)
		goto out;
	if ((*out = json_pack("{s:o,s:O}", "@context", case_context(), "@graph",
		 d.graph)) == NULL)
		r = HN_ENOMEM;
out:
	free(d.tool);
	json_decref(d.graph);
	json_decref(d.objs);
	return r;
}
