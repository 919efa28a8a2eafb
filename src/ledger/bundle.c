#include "ledger/bundle.h"

#include <assert.h>
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
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"

#define PATH_LEN 4096

static int
join(char *out, size_t max, const char *dir, const char *name)
{
	return hn_fmt(out, max, "%s/%s", dir, name);
}

/* 0 for 64 lower-case hex digits (a SHA-256 as the manifest writes it). */
static int
sha256_hex_valid(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return HN_EINVAL;
	return s[i] == '\0' ? 0 : HN_EINVAL;
}

struct report {
	struct hn_buf *out;
	int problems;
};

static void say(struct report *rp, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct report *rp, int ok, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)hn_vfmt_cut(line, sizeof(line), fmt, ap); /* a report line */
	va_end(ap);
	if (!ok)
		rp->problems++;
	if (hn_buf_addf(rp->out, "%s %s\n", ok ? "ok  " : "FAIL", line) != 0)
		rp->problems++;
}

struct mentry {
	char name[HN_BUNDLE_NAME_MAX + 1];
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
	if (len < strlen(HN_BUNDLE_MANIFEST_HEAD) ||
	    memcmp(m, HN_BUNDLE_MANIFEST_HEAD,
		strlen(HN_BUNDLE_MANIFEST_HEAD)) != 0) {
		say(rp, 0,
		    "manifest.hashdeep: not a hashdeep sha256 manifest "
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
		if (lineno <= 2 ||
		    (nl - p >= 2 && p[0] == '#' && p[1] == '#')) {
			p = nl + 1;
			continue;
		}
		c1 = memchr(p, ',', (size_t)(nl - p));
		c2 = c1 ? memchr(c1 + 1, ',', (size_t)(nl - c1 - 1)) : NULL;
		if (c1 == NULL || c2 == NULL || c1 - p == 0 ||
		    (size_t)(c1 - p) >= sizeof(num) || c2 - c1 - 1 != 64 ||
		    nl - c2 - 1 < 3 || c2[1] != '.' || c2[2] != '/' ||
		    (size_t)(nl - c2 - 3) > HN_BUNDLE_NAME_MAX ||
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
				say(rp, 0,
				    "manifest.hashdeep: line %zu: bad size",
				    lineno);
				ok = 0;
			}
		}
		memcpy(v[cnt].sha256, c1 + 1, 64);
		v[cnt].sha256[64] = '\0';
		if (sha256_hex_valid(v[cnt].sha256) != 0) {
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
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
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
			say(rp, 0,
			    "files/%s: %llu bytes, the manifest says %llu",
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
check_signature(const char *dir, const struct hn_buf *man, const char *pinned,
    const char *principal_in, uint8_t trusted_out[32], char *principal_out,
    size_t pmax, struct report *rp)
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
	if (principal_in != NULL &&
	    hn_fmt(principal, sizeof(principal), "%s", principal_in) != 0) {
		say(rp, 0, "the principal is longer than %zu bytes",
		    sizeof(principal) - 1);
		goto out;
	} else if (principal_in == NULL &&
	    first_principal(as.data, principal, sizeof(principal)) != 0) {
		say(rp, 0, "allowed_signers: no principal");
		goto out;
	}
	if (hn_fmt(principal_out, pmax, "%s", principal) != 0) {
		say(rp, 0, "the principal is longer than %zu bytes",
		    pmax > 0 ? pmax - 1 : 0);
		goto out;
	}
	if (hn_ssh_allowed_signer(as.data, as.len, principal, HN_BUNDLE_NS,
		key) != 0) {
		say(rp, 0,
		    "allowed_signers: no ssh-ed25519 key for %s in "
		    "namespace %s",
		    principal, HN_BUNDLE_NS);
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
	if (read_small(dir, "manifest.hashdeep.sig", HN_SSHSIG_MAX, &sig) !=
	    0) {
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
		say(rp, 0,
		    "manifest.hashdeep.sig: does not verify for %s%s: the "
		    "manifest or the signature was altered",
		    principal, pinned != NULL ? " with the pinned key" : "");
		goto out;
	}
	if (pinned != NULL)
		say(rp, 1,
		    "manifest.hashdeep.sig: good signature by %s "
		    "(pinned key)",
		    principal);
	else
		say(rp, 1,
		    "manifest.hashdeep.sig: good signature by %s with the "
		    "key in allowed_signers (%s); compare it with the key the "
		    "node publishes",
		    principal, pk.data);
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

/* Indexes the graph's nodes by @id; 1 if a node lacks @id or @type or an
 * id is defined twice. */
static int
case_index(json_t *graph, json_t *ids, struct report *rp)
{
	json_t *o;
	size_t i;
	int bad = 0;

	json_array_foreach(graph, i, o)
	{
		const char *id = hn_json_str(o, "@id");

		if (id == NULL || typ(o)[0] == '\0') {
			say(rp, 0,
			    "case.jsonld: graph node %zu has no @id or @type",
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
	return bad;
}

/* 1 unless ref (an {"@id": ...} object under key) names a node. */
static int
dangling(json_t *o, const char *key, json_t *ids)
{
	const char *r = ref_of(json_object_get(o, key));

	return r == NULL || json_object_get(ids, r) == NULL;
}

static int
check_action(json_t *o, json_t *ids, struct report *rp)
{
	static const char *const keys[] = { "uco-action:performer",
		"uco-action:instrument", "uco-action:object",
		"case-investigation:wasInformedBy" };
	size_t k;
	int bad = 0;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (json_object_get(o, keys[k]) != NULL &&
		    dangling(o, keys[k], ids)) {
			say(rp, 0,
			    "case.jsonld: action %s: %s refers to nothing",
			    hn_json_str(o, "@id"), keys[k]);
			bad = 1;
		}
	}
	return bad;
}

/* The file's name, size and SHA-256 from its facets (NULL if absent). */
static void
file_facts(json_t *o, json_t *ids, const char **name, const char **size,
    const char **sha)
{
	json_t *f, *h;
	size_t j, hi;

	*name = *size = *sha = NULL;
	json_array_foreach(json_object_get(o, "uco-core:hasFacet"), j, f)
	{
		if (strcmp(typ(f), "uco-observable:FileFacet") == 0) {
			*name = hn_json_str(f, "uco-observable:fileName");
			*size = hn_json_str(json_object_get(f,
						"uco-observable:sizeInBytes"),
			    "@value");
		}
		if (strcmp(typ(f), "uco-observable:ContentDataFacet") != 0)
			continue;
		json_array_foreach(json_object_get(f, "uco-observable:hash"),
		    hi, h)
		{
			json_t *hn =
			    json_object_get(ids, ref_of(h) ? ref_of(h) : "");
			const char *meth =
			    hn_json_str(hn, "uco-types:hashMethod");

			if (meth != NULL && strcmp(meth, "SHA256") == 0)
				*sha = hn_json_str(json_object_get(hn,
						       "uco-types:hashValue"),
				    "@value");
		}
	}
}

/* A File node: in the manifest with the same size and SHA-256, and with
 * at least one provenance record. */
static int
check_file(json_t *o, json_t *graph, json_t *ids, struct mentry *m, size_t n,
    struct report *rp)
{
	const char *fname, *sha, *size, *fid = hn_json_str(o, "@id");
	char sz[32];
	json_t *v;
	size_t j, k;
	int has_prov = 0, bad = 0;

	if (fid == NULL)
		return 1; /* reported by case_index */
	file_facts(o, ids, &fname, &size, &sha);
	if (fname == NULL || sha == NULL || size == NULL) {
		say(rp, 0, "case.jsonld: file %s lacks a name, size or SHA-256",
		    fid);
		return 1;
	}
	for (k = 0; k < n; k++)
		if (strcmp(m[k].name, fname) == 0)
			break;
	if (k == n) {
		say(rp, 0, "case.jsonld: file %s is not in the manifest",
		    fname);
		return 1;
	}
	m[k].in_case = 1;
	HN_FMT_FIXED(sz, sizeof(sz), "%llu", (unsigned long long)m[k].size);
	if (strcmp(sz, size) != 0 || strcmp(sha, m[k].sha256) != 0) {
		say(rp, 0,
		    "case.jsonld: file %s: size or SHA-256 differs from "
		    "the manifest",
		    fname);
		bad = 1;
	}
	json_array_foreach(graph, j, v)
	{
		const char *obj = ref_of(json_object_get(v, "uco-core:object"));

		if (strcmp(typ(v), "case-investigation:ProvenanceRecord") ==
			0 &&
		    obj != NULL && strcmp(obj, fid) == 0)
			has_prov = 1;
	}
	if (!has_prov) {
		say(rp, 0, "case.jsonld: file %s has no provenance record",
		    fname);
		bad = 1;
	}
	return bad;
}

static void
check_case(const char *dir, struct mentry *m, size_t n, struct report *rp)
{
	struct hn_buf b;
	struct hn_error e;
	json_t *doc = NULL, *graph, *ids = NULL, *o;
	size_t i, k, nfiles = 0, ninv = 0, nprov = 0, nact = 0;
	int bad = 0;

	if (read_small(dir, "case.jsonld", HN_BUNDLE_CASE_MAX, &b) != 0) {
		say(rp, 0, "case.jsonld: missing or unreadable");
		hn_buf_release(&b);
		return;
	}
	doc = hn_json_parse(b.data, b.len, HN_BUNDLE_CASE_MAX,
	    HN_JSON_MAX_DEPTH, &e);
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
	bad |= case_index(graph, ids, rp);
	json_array_foreach(graph, i, o)
	{
		const char *t = typ(o);

		if (strcmp(t, "case-investigation:Investigation") == 0) {
			ninv++;
			if (dangling(o,
				"case-investigation:relevantAuthorization",
				ids)) {
				say(rp, 0,
				    "case.jsonld: the investigation has no "
				    "authorisation");
				bad = 1;
			}
		} else if (strcmp(t, "case-investigation:ProvenanceRecord") ==
		    0) {
			nprov++;
			if (dangling(o, "uco-core:object", ids)) {
				say(rp, 0,
				    "case.jsonld: provenance record %s refers "
				    "to nothing",
				    hn_json_str(o, "@id"));
				bad = 1;
			}
		} else if (strcmp(t,
			       "case-investigation:InvestigativeAction") == 0) {
			nact++;
			bad |= check_action(o, ids, rp);
		} else if (strcmp(t, "uco-observable:File") == 0) {
			nfiles++;
			bad |= check_file(o, graph, ids, m, n, rp);
		}
	}
	for (k = 0; k < n; k++) {
		if (!m[k].in_case) {
			say(rp, 0,
			    "case.jsonld: manifest file %s is not described",
			    m[k].name);
			bad = 1;
		}
	}
	if (ninv != 1) {
		say(rp, 0, "case.jsonld: %zu investigations (expected 1)",
		    ninv);
		bad = 1;
	}
	if (!bad)
		say(rp, 1,
		    "case.jsonld: %zu files agree with the manifest, %zu "
		    "custody steps (investigative actions), %zu provenance "
		    "records",
		    nfiles, nact, nprov);
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
		say(rp, 0,
		    "manifest.tlog-proof: missing (no proof that the "
		    "node's ledger records this manifest)");
		goto out;
	}
	if (r != 0) {
		say(rp, 0, "manifest.tlog-proof: unreadable");
		goto out;
	}
	if (!have_pk) {
		say(rp, 0,
		    "manifest.tlog-proof: not checked (no trusted node "
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
		say(rp, 0,
		    "manifest.tlog-proof: the logged entry is not an "
		    "evidence export");
		goto out;
	}
	if (strcmp(hn_json_str(j, "manifest_sha256"), hex) != 0) {
		say(rp, 0,
		    "manifest.tlog-proof: the ledger records manifest "
		    "SHA-256 %s, the manifest here is %s",
		    hn_json_str(j, "manifest_sha256"), hex);
		goto out;
	}
	say(rp, 1,
	    "manifest.tlog-proof: entry %llu of %s's ledger (tree size "
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
hn_bundle_verify(const char *dir, const char *pinned_key, const char *principal,
    struct hn_buf *report, int *problems)
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
