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

int
hn_case_document(json_t **out, const char *node, const char *req,
    const struct hn_case_file *items, size_t n)
{
	json_t *doc = NULL, *graph = NULL, *inv_objs = NULL, *hashes, *facets;
	char *inv = NULL, *auth = NULL, *org = NULL, *tool = NULL;
	char *file = NULL, *act = NULL, *prev_act = NULL, *prov = NULL,
	    *prev_prov = NULL, *ff = NULL, *cf = NULL, *who = NULL;
	char key[256], ts[HN_TIME_STRLEN], desc[2048], exhibit[300];
	char root_exhibit[300], size[32];
	size_t i, j;
	int r = HN_ENOMEM;

	assert(out != NULL && node != NULL && req != NULL);
	assert(items != NULL || n == 0);
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
		const struct hn_case_file *it = &items[i];

		assert(it->steps != NULL || it->nsteps == 0);
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

		free(prev_act);
		free(prev_prov);
		prev_act = prev_prov = NULL;
		snprintf(root_exhibit, sizeof(root_exhibit), "%s/%lld", req,
		    (long long)it->id);
		for (j = 0; j < it->nsteps; j++) {
			const struct hn_case_step *e = &it->steps[j];
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
			hn_datetime_format(e->at, ts);
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

