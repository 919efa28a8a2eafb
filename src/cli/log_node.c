/*
 * hanoinet log checkpoint|prove|verify: the ledger of a node's data
 * directory (DIR/hanoinet.db, DIR/signing.key; --dir DIR, default ".").
 * The origin and key name are the name in DIR/signing.key (the node's
 * name); without the key (an auditor's copy) they come from --vkey.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/log_int.h"
#include "ledger/checkpoint.h"
#include "store/ledger.h"
#include "ledger/note.h"
#include "ledger/tile.h"
#include "util/encode.h"
#include "util/err.h"
#include "util/file.h"
#include "util/fmt.h"

struct node {
	struct hn_db *db;
	struct hn_ledger *l;
	struct hn_note_signer s;
	int have_key;
	struct hn_note_verifier v;
	int have_vkey;
};

static void
node_close(struct node *n)
{
	hn_ledger_free(n->l);
	hn_db_close(n->db);
	hn_note_signer_wipe(&n->s);
	memset(n, 0, sizeof(*n));
}

/*
 * Opens DIR's database and ledger; the key is required when need_key.
 * Returns 0, 1 (the stored log does not verify) or 2.
 */
static int
node_open1(struct node *n, const char *dir, const char *vkey, int need_key,
    int create)
{
	char path[4096];
	struct hn_buf key;
	struct hn_error err;
	struct stat st;
	const char *origin;
	int r;

	memset(n, 0, sizeof(*n));
	if (dir == NULL)
		dir = ".";
	if (vkey != NULL) {
		if (hn_note_verifier_parse(&n->v, vkey, strlen(vkey), &err) !=
		    0)
			return hn_cli_usage("--vkey: %s", err.message);
		if (n->v.type != HN_NOTE_ED25519)
			return hn_cli_usage("--vkey: not an Ed25519 note key");
		n->have_vkey = 1;
	}
	if (hn_fmt(path, sizeof(path), "%s/signing.key", dir) != 0)
		return hn_cli_usage("--dir: path too long");
	if (stat(path, &st) == 0) {
		if ((r = log_read(path, LOG_KEY_MAX, &key)) != 0)
			return r;
		r = hn_note_signer_parse(&n->s, key.data, key.len, &err);
		hn_buf_release_secret(&key);
		if (r != 0)
			return hn_cli_fail(2, "%s: %s", path, err.message);
		if (n->s.type != HN_NOTE_ED25519)
			return hn_cli_fail(2, "%s: not an Ed25519 note key",
			    path);
		n->have_key = 1;
		if (!n->have_vkey) {
			hn_note_signer_verifier(&n->s, &n->v);
			n->have_vkey = 1;
		}
	} else if (need_key) {
		return hn_cli_fail(2,
		    "%s: no signing key (make one with "
		    "'hanoinet init' or 'hanoinet log note keygen NAME --out "
		    "%s')",
		    path, path);
	}
	if (!n->have_key && !n->have_vkey)
		return hn_cli_usage("no %s: give the node's --vkey", path);
	origin = n->have_key ? n->s.name : n->v.name;
	if (hn_fmt(path, sizeof(path), "%s/hanoinet.db", dir) != 0)
		return hn_cli_usage("--dir: path too long");
	if (!create && stat(path, &st) != 0)
		return hn_cli_fail(2,
		    "%s does not exist (is %s a node's data "
		    "directory?)",
		    path, dir);
	if ((r = hn_db_open(&n->db, path, &err)) != 0)
		return hn_cli_fail(2, "%s", err.message);
	if ((r = hn_ledger_open(&n->l, n->db, origin,
		 n->have_key ? n->s.sk : NULL, origin, &err)) != 0)
		return hn_cli_fail(r == HN_EVERIFY ? 1 : 2, "%s: %s", path,
		    err.message);
	return 0;
}

static int
node_open(struct node *n, const char *dir, const char *vkey, int need_key)
{
	int r = node_open1(n, dir, vkey, need_key, 0);

	if (r != 0)
		node_close(n);
	return r;
}

int
log_cmd_checkpoint(int argc, char **argv)
{
	static const char usage[] = "hanoinet log checkpoint [--dir DIR]";
	const char *dir = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir), HN_OPT_END };
	struct hn_buf note = HN_BUF_INIT(65536);
	struct node n;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) !=
		HN_CLI_GO ||
	    (r = node_open(&n, dir, NULL, 1)) != 0)
		return r;
	if ((r = hn_ledger_checkpoint(n.l, &note)) != 0)
		r = hn_cli_fail(2, "cannot sign the checkpoint: %s",
		    hn_strerror(r));
	else
		fwrite(note.data, 1, note.len, stdout);
	hn_buf_release(&note);
	node_close(&n);
	return r;
}

int
log_cmd_prove(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet log prove INDEX [--size N] [--dir DIR] [--vkey VKEY]";
	const char *dir = NULL, *size_s = NULL, *vkey = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir),
		HN_OPT("size", &size_s), HN_OPT("vkey", &vkey), HN_OPT_END };
	uint8_t proof[HN_MERKLE_PROOF_MAX][32], root[32], leaf[32];
	struct hn_buf entry = HN_BUF_INIT(HN_LEDGER_ENTRY_MAX + 1);
	struct hn_sha256 h = { NULL };
	char lh[65], rh[65];
	uint64_t index, size;
	struct node n;
	size_t np;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
		HN_CLI_GO ||
	    (r = log_u64(argv[1], "INDEX", &index)) != 0 ||
	    (size_s != NULL && (r = log_u64(size_s, "--size", &size)) != 0) ||
	    (r = node_open(&n, dir, vkey, 0)) != 0)
		return r;
	if (size_s == NULL)
		size = hn_ledger_size(n.l);
	if (index >= size || size > hn_ledger_size(n.l)) {
		r = hn_cli_fail(2,
		    "index %s / size %llu out of range: the log "
		    "has %llu entries",
		    argv[1], (unsigned long long)size,
		    (unsigned long long)hn_ledger_size(n.l));
		goto out;
	}
	if (hn_sha256_init(&h) != 0 ||
	    (r = hn_ledger_entry(n.l, index, &entry)) != 0 ||
	    (r = hn_ledger_root(n.l, size, root)) != 0 ||
	    (r = hn_ledger_inclusion(n.l, index, size, proof, &np)) != 0) {
		r = hn_cli_fail(2, "cannot make the proof: %s", hn_strerror(r));
		goto out;
	}
	hn_merkle_leaf_hash(&h, entry.data, entry.len, leaf);
	/* The proof on stdout; what it proves on stderr. */
	hn_hex_encode(lh, leaf, 32);
	hn_hex_encode(rh, root, 32);
	fprintf(stderr, "index %llu size %llu leaf-hash %s root %s\n",
	    (unsigned long long)index, (unsigned long long)size, lh, rh);
	log_print_proof((const uint8_t(*)[32])proof, np);
	r = 0;
out:
	if (h.ctx != NULL)
		hn_sha256_release(&h);
	hn_buf_release(&entry);
	node_close(&n);
	return r;
}

struct files {
	const char *dir;
};

static int
read_tile_file(void *arg, int level, uint64_t index, int width,
    struct hn_buf *out)
{
	const struct files *f = arg;
	char rel[HN_TILE_PATH_MAX], path[4200];
	int r;

	if ((r = hn_tile_path(rel, sizeof(rel), level, index, width)) != 0)
		return r;
	if (hn_fmt(path, sizeof(path), "%s/%s", f->dir, rel) != 0)
		return HN_ETOOBIG;
	r = hn_file_read(path, out);
	/* A partial tile may be gone once the full one exists. */
	if (r == HN_ENOTFOUND && width < HN_TILE_FULL) {
		if (hn_tile_path(rel, sizeof(rel), level, index,
			HN_TILE_FULL) != 0 ||
		    hn_fmt(path, sizeof(path), "%s/%s", f->dir, rel) != 0)
			return HN_ETOOBIG;
		if ((r = hn_file_read(path, out)) == 0) {
			size_t want = (size_t)width * (level < 0 ? 0 : 32);
			if (level >= 0 && out->len >= want)
				out->len = want;
		}
	}
	return r;
}

/* Every full tile of a tree of `size` hashes to its node in the tile
 * above (read through tr). 0, 1 or 2 (error printed). */
static int
verify_tile_levels(struct files *f, struct hn_tile_reader *tr,
    struct hn_sha256 *h, uint64_t size)
{
	struct hn_buf hashes = HN_BUF_INIT(8192);
	uint8_t lh[32], up[32];
	uint64_t idx;
	int level, r = 0;

	for (level = 0; level < HN_TILE_LEVELS - 1; level++) {
		for (idx = 0; hn_tile_width(size, level, idx) == HN_TILE_FULL;
		     idx++) {
			hn_buf_reset(&hashes);
			if ((r = read_tile_file(f, level, idx, HN_TILE_FULL,
				 &hashes)) != 0) {
				r = hn_cli_fail(2,
				    "cannot read tile %d/%llu: %s", level,
				    (unsigned long long)idx, hn_strerror(r));
				goto out;
			}
			if (hashes.len != 8192 ||
			    hn_tile_get(tr, 8 * (unsigned)(level + 1), idx,
				up) != 0) {
				r = hn_cli_fail(1, "tile %d/%llu is malformed",
				    level, (unsigned long long)idx);
				goto out;
			}
			hn_merkle_root_of(h, (const uint8_t(*)[32])hashes.data,
			    256, lh);
			if (memcmp(lh, up, 32) != 0) {
				r = hn_cli_fail(1,
				    "tile %d/%llu does not match "
				    "the tile above it",
				    level, (unsigned long long)idx);
				goto out;
			}
		}
	}
out:
	hn_buf_release(&hashes);
	return r;
}

/* Every entry in the entry bundles of a tree of `size` hashes to its leaf
 * in the level-0 tiles; *count receives the entries checked. 0, 1 or 2. */
static int
verify_tile_entries(struct files *f, struct hn_sha256 *h, uint64_t size,
    uint64_t *count)
{
	struct hn_buf bundle = HN_BUF_INIT(1 << 25);
	struct hn_buf hashes = HN_BUF_INIT(8192);
	const uint8_t *e;
	uint8_t lh[32];
	uint64_t idx;
	size_t off, len, k;
	int w, r = 0;

	for (idx = 0; (w = hn_tile_width(size, HN_TILE_ENTRIES_LEVEL, idx)) > 0;
	     idx++) {
		off = 0;
		k = 0;
		hn_buf_reset(&bundle);
		hn_buf_reset(&hashes);
		if ((r = read_tile_file(f, HN_TILE_ENTRIES_LEVEL, idx, w,
			 &bundle)) != 0 ||
		    (r = read_tile_file(f, 0, idx, w, &hashes)) != 0) {
			r = hn_cli_fail(2, "cannot read tile %llu: %s",
			    (unsigned long long)idx, hn_strerror(r));
			goto out;
		}
		if (hashes.len != (size_t)w * 32) {
			r = hn_cli_fail(1,
			    "level-0 tile %llu has the wrong "
			    "size",
			    (unsigned long long)idx);
			goto out;
		}
		while ((r = hn_tile_bundle_next((const uint8_t *)bundle.data,
			    bundle.len, &off, &e, &len)) == 1 &&
		    k < (size_t)w) {
			hn_merkle_leaf_hash(h, e, len, lh);
			if (memcmp(lh, hashes.data + 32 * k, 32) != 0) {
				r = hn_cli_fail(1,
				    "entry %llu does not match "
				    "its leaf hash",
				    (unsigned long long)(idx * 256 + k));
				goto out;
			}
			k++;
			(*count)++;
		}
		if (r < 0 || k != (size_t)w) {
			r = hn_cli_fail(1,
			    "entry bundle %llu is malformed or "
			    "has the wrong number of entries",
			    (unsigned long long)idx);
			goto out;
		}
	}
	r = 0;
out:
	hn_buf_release(&bundle);
	hn_buf_release(&hashes);
	return r;
}

/*
 * An auditor's check of a static tlog-tiles copy (hanoinet log export or
 * any mirror): the checkpoint's signature, the root from the tiles, and
 * every entry against the level-0 tiles. 0, 1 or 2.
 */
static int
verify_tiles(const char *dir, const char *vkey)
{
	char path[4200];
	struct files f = { dir };
	struct hn_note_verifier v;
	struct hn_buf cp;
	struct hn_tile_reader *tr = NULL;
	struct hn_checkpoint c;
	struct hn_sha256 h = { NULL };
	struct hn_error err;
	uint8_t root[32];
	uint64_t count = 0;
	int r;

	if (vkey == NULL)
		return hn_cli_usage("--tiles needs the log's --vkey");
	if (hn_note_verifier_parse(&v, vkey, strlen(vkey), &err) != 0)
		return hn_cli_usage("--vkey: %s", err.message);
	if (hn_fmt(path, sizeof(path), "%s/checkpoint", dir) != 0)
		return hn_cli_usage("path too long");
	if ((r = log_read(path, 65536, &cp)) != 0)
		return r;
	if (hn_checkpoint_open(&c, cp.data, cp.len, &v, 1, NULL, &err) != 0) {
		r = hn_cli_fail(1, "%s does not verify: %s", path, err.message);
		goto out;
	}
	if (hn_sha256_init(&h) != 0 || (tr = calloc(1, sizeof(*tr))) == NULL) {
		r = hn_cli_fail(2, "out of memory");
		goto out;
	}
	tr->read = read_tile_file;
	tr->arg = &f;
	tr->size = c.size;
	tr->h = &h;
	if ((r = hn_merkle_root(hn_tile_get, tr, &h, c.size, root)) != 0) {
		r = hn_cli_fail(r == HN_EVERIFY ? 1 : 2,
		    "cannot compute the "
		    "root from the tiles: %s",
		    hn_strerror(r));
		goto out;
	}
	if (memcmp(root, c.root, 32) != 0) {
		r = hn_cli_fail(1,
		    "the tiles do not match the checkpoint root");
		goto out;
	}
	if ((r = verify_tile_levels(&f, tr, &h, c.size)) != 0 ||
	    (r = verify_tile_entries(&f, &h, c.size, &count)) != 0)
		goto out;
	printf("ok: checkpoint %llu of %s verifies with %s; the root matches "
	       "the tiles; %llu entries match their leaf hashes\n",
	    (unsigned long long)c.size, c.origin, v.name,
	    (unsigned long long)count);
	r = 0;
out:
	free(tr);
	if (h.ctx != NULL)
		hn_sha256_release(&h);
	hn_buf_release(&cp);
	return r;
}

/*
 * Entries after the last signed checkpoint are not yet protected: a rewrite
 * of them would go unnoticed. Said, not failed: a running node signs them
 * within a second (node.h), a stopped one at its next start.
 */
static void
unsigned_tail(uint64_t signed_size, uint64_t size)
{
	if (size > signed_size)
		printf("unsigned: %llu entries (%llu..%llu) are after the last "
		       "signed checkpoint: nothing proves they were not "
		       "rewritten\n",
		    (unsigned long long)(size - signed_size),
		    (unsigned long long)signed_size,
		    (unsigned long long)(size - 1));
}

int
log_cmd_verify(int argc, char **argv)
{
	static const char usage[] =
	    "hanoinet log verify [--dir DIR] "
	    "[--vkey VKEY] | --tiles EXPORTDIR --vkey VKEY";
	const char *dir = NULL, *vkey = NULL, *tiles = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir),
		HN_OPT("vkey", &vkey), HN_OPT("tiles", &tiles), HN_OPT_END };
	struct hn_buf note = HN_BUF_INIT(65536);
	struct hn_checkpoint c;
	struct hn_error err;
	uint8_t root[32];
	struct node n;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 0, 0, usage, NULL)) != HN_CLI_GO)
		return r;
	if (tiles != NULL)
		return verify_tiles(tiles, vkey);
	if ((r = node_open(&n, dir, vkey, 0)) != 0)
		return r;
	if ((r = hn_ledger_audit(n.l, &err)) != 0) {
		r = hn_cli_fail(r == HN_EVERIFY ? 1 : 2,
		    "the log does not "
		    "verify: %s",
		    err.message);
		goto out;
	}
	r = hn_ledger_last_checkpoint(n.l, &note);
	if (r == HN_ENOTFOUND) {
		printf("ok: %llu entries, tiles consistent; no checkpoint "
		       "signed yet\n",
		    (unsigned long long)hn_ledger_size(n.l));
		unsigned_tail(0, hn_ledger_size(n.l));
		r = 0;
		goto out;
	}
	if (r != 0) {
		r = hn_cli_fail(2, "cannot read the last checkpoint: %s",
		    hn_strerror(r));
		goto out;
	}
	if (hn_checkpoint_open(&c, note.data, note.len, &n.v, 1,
		hn_ledger_origin(n.l), &err) != 0) {
		r = hn_cli_fail(1,
		    "the last checkpoint does not verify with "
		    "key %s: %s",
		    n.v.name, err.message);
		goto out;
	}
	if (c.size > hn_ledger_size(n.l) ||
	    hn_ledger_root(n.l, c.size, root) != 0 ||
	    memcmp(root, c.root, 32) != 0) {
		r = hn_cli_fail(1,
		    "the log does not match its checkpoint of "
		    "size %llu",
		    (unsigned long long)c.size);
		goto out;
	}
	printf("ok: %llu entries, tiles consistent, every recorded "
	       "checkpoint matches; last signed checkpoint %llu verifies with "
	       "%s\n",
	    (unsigned long long)hn_ledger_size(n.l), (unsigned long long)c.size,
	    n.v.name);
	unsigned_tail(c.size, hn_ledger_size(n.l));
	r = 0;
out:
	hn_buf_release(&note);
	node_close(&n);
	return r;
}

/* The lines of b (the last one without its newline) into *ents, *lens. */
static int
split_lines(const struct hn_buf *b, const void ***ents, size_t **lens,
    size_t *n)
{
	size_t p, k = 0, max = 0;

	for (p = 0; p < b->len; p++)
		if (b->data[p] == '\n')
			max++;
	max++;
	*ents = calloc(max, sizeof(**ents));
	*lens = calloc(max, sizeof(**lens));
	if (*ents == NULL || *lens == NULL)
		return HN_ENOMEM;
	for (p = 0; p < b->len; k++) {
		const char *s = b->data + p, *nl = memchr(s, '\n', b->len - p);
		size_t len = nl != NULL ? (size_t)(nl - s) : b->len - p;

		(*ents)[k] = s;
		(*lens)[k] = len;
		p += len + 1;
	}
	*n = k;
	return 0;
}

/*
 * hanoinet log append [--dir DIR] FILE: records each line of FILE as one
 * entry, all in one transaction (an operator's out-of-band event, e.g. a
 * manual configuration change). Creates DIR/hanoinet.db if needed.
 */
int
log_cmd_append(int argc, char **argv)
{
	static const char usage[] = "hanoinet log append [--dir DIR] FILE";
	const char *dir = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir), HN_OPT_END };
	const void **ents = NULL;
	size_t *lens = NULL, cnt = 0, k;
	struct hn_buf b;
	struct node n;
	uint64_t first = 0;
	int r;

	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) != HN_CLI_GO)
		return r;
	if ((r = log_read(argv[1], LOG_FILE_MAX, &b)) != 0)
		return r;
	if ((r = node_open1(&n, dir, NULL, 1, 1)) != 0) {
		node_close(&n);
		hn_buf_release(&b);
		return r;
	}
	if ((r = split_lines(&b, &ents, &lens, &cnt)) != 0 ||
	    (r = hn_ledger_append_many(n.l, ents, lens, cnt, &first)) != 0) {
		/* one transaction: nothing is appended unless all are */
		r = hn_cli_fail(2, "cannot append: %s%s", hn_strerror(r),
		    r == HN_ETOOBIG ? " (entries are at most 65535 bytes)" :
				      "");
		goto out;
	}
	/* printed once durable: consecutive, as one connection appended them */
	for (k = 0; k < cnt; k++)
		printf("%llu\n", (unsigned long long)(first + k));
out:
	free(ents);
	free(lens);
	hn_buf_release(&b);
	node_close(&n);
	return r;
}

static int
mkdirs_parent(const char *path)
{
	char d[4096];
	char *slash;

	if (hn_fmt(d, sizeof(d), "%s", path) != 0)
		return HN_ETOOBIG;
	if ((slash = strrchr(d, '/')) == NULL)
		return 0;
	*slash = '\0';
	return hn_mkdirs(d, 0755);
}

/* Writes data to path via a temporary file and rename (no fsync: an export
 * can be rerun; the checkpoint is written last, durably). */
static int
write_file(const char *path, const void *data, size_t len)
{
	char tmp[4200];
	FILE *f;
	int ok;

	if (hn_fmt(tmp, sizeof(tmp), "%s.tmp", path) != 0)
		return HN_ETOOBIG;
	if ((f = fopen(tmp, "wb")) == NULL)
		return HN_EIO;
	ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		remove(tmp);
		return HN_EIO;
	}
	return 0;
}

/*
 * hanoinet log export [--dir DIR] OUTDIR: signs a checkpoint and writes it
 * with every tile and entry bundle it needs under OUTDIR, in the C2SP
 * tlog-tiles layout, ready to be served as static files. Full tiles that
 * already exist are kept (they are immutable).
 */
int
log_cmd_export(int argc, char **argv)
{
	static const char usage[] = "hanoinet log export [--dir DIR] OUTDIR";
	const char *dir = NULL;
	const struct hn_cli_opt opts[] = { HN_OPT("dir", &dir), HN_OPT_END };
	struct hn_buf note = HN_BUF_INIT(65536), tile = HN_BUF_INIT(1 << 25);
	char path[4096], rel[HN_TILE_PATH_MAX];
	struct hn_checkpoint c;
	struct hn_note parsed;
	struct node n;
	uint64_t files = 0;
	int level, r;

	if ((r = hn_cli_args(argc, argv, opts, 1, 1, usage, NULL)) !=
		HN_CLI_GO ||
	    (r = node_open(&n, dir, NULL, 1)) != 0)
		return r;
	if ((r = hn_ledger_checkpoint(n.l, &note)) != 0) {
		r = hn_cli_fail(2, "cannot sign the checkpoint: %s",
		    hn_strerror(r));
		goto out;
	}
	if (hn_note_parse(&parsed, note.data, note.len, NULL) != 0) {
		r = hn_cli_fail(2, "internal error: checkpoint does not parse");
		goto out;
	}
	r = hn_checkpoint_parse(&c, parsed.text, parsed.text_len, NULL);
	hn_note_release(&parsed);
	if (r != 0) {
		r = hn_cli_fail(2, "internal error: checkpoint does not parse");
		goto out;
	}
	for (level = HN_TILE_ENTRIES_LEVEL; level < HN_TILE_LEVELS; level++) {
		uint64_t idx;
		int w;
		for (idx = 0; (w = hn_tile_width(c.size, level, idx)) > 0;
		     idx++) {
			struct stat st;
			if (hn_tile_path(rel, sizeof(rel), level, idx, w) !=
				0 ||
			    hn_fmt(path, sizeof(path), "%s/%s", argv[1], rel) !=
				0) {
				r = hn_cli_fail(2, "path too long");
				goto out;
			}
			if (w == HN_TILE_FULL && stat(path, &st) == 0)
				continue;
			hn_buf_reset(&tile);
			if ((r = hn_ledger_tile(n.l, level, idx, w, &tile)) ||
			    (r = mkdirs_parent(path)) != 0 ||
			    (r = write_file(path, tile.data, tile.len)) != 0) {
				r = hn_cli_fail(2, "cannot write %s: %s", path,
				    hn_strerror(r));
				goto out;
			}
			files++;
		}
	}
	if (hn_fmt(path, sizeof(path), "%s/checkpoint", argv[1]) != 0 ||
	    hn_file_write_atomic(path, note.data, note.len, 0644) != 0) {
		r = hn_cli_fail(2, "cannot write %s/checkpoint", argv[1]);
		goto out;
	}
	printf("exported checkpoint %llu and %llu tiles to %s\n",
	    (unsigned long long)c.size, (unsigned long long)files, argv[1]);
	r = 0;
out:
	hn_buf_release(&note);
	hn_buf_release(&tile);
	node_close(&n);
	return r;
}
