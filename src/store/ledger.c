#include "store/ledger.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sign.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "ledger/tree.h"
#include "store/ledger_rows.h"

#define HL HN_MERKLE_HASH_LEN
#define LEVELS HN_TILE_LEVELS /* 256^8 = 2^64 */
#define CACHE 8 /* tiles kept for proofs */

_Static_assert(HN_TILE_NODES_BYTES == HN_TREE_NODES_BYTES,
    "a stored tile is a ledger/tree.h tile");

struct tile_cache {
	int used;
	unsigned level;
	uint64_t idx;
	uint8_t n[HN_TREE_NODES][HL];
};

struct hn_ledger {
	struct hn_db *db;
	char origin[HN_ORIGIN_MAX + 1];
	struct hn_note_signer signer;
	int can_sign;
	int stale;
	struct hn_sha256 sha;
	struct hn_tree_edge e; /* the right edge, in memory (ledger/tree.h) */
	struct tile_cache cache[CACHE];
	unsigned cache_next;
};

static void
cache_clear(struct hn_ledger *l)
{
	unsigned i;

	for (i = 0; i < CACHE; i++)
		l->cache[i].used = 0;
}

static int
get_tile(struct hn_ledger *l, unsigned L, uint64_t idx,
    const uint8_t (**out)[HL])
{
	struct tile_cache *c;
	unsigned i;
	int r;

	assert(L < LEVELS && l->cache_next < CACHE);
	for (i = 0; i < CACHE; i++) {
		c = &l->cache[i];
		if (c->used && c->level == L && c->idx == idx) {
			*out = (const uint8_t(*)[HL])c->n;
			return 0;
		}
	}
	c = &l->cache[l->cache_next];
	l->cache_next = (l->cache_next + 1) % CACHE;
	c->used = 0;
	if ((r = hn_store_ledger_get_tile(l->db, L, idx, (uint8_t *)c->n)) != 0)
		return r == HN_ENOTFOUND ? HN_EVERIFY : r;
	c->used = 1;
	c->level = L;
	c->idx = idx;
	*out = (const uint8_t(*)[HL])c->n;
	return 0;
}

/*
 * hn_merkle_get_fn over tiles in storage and the in-memory edge: every
 * perfect subtree is a stored node, so this never hashes.
 */
static int
ledger_get(void *arg, unsigned level, uint64_t index, uint8_t out[HL])
{
	struct hn_ledger *l = arg;
	const uint8_t(*nodes)[HL];
	unsigned L, node;
	uint64_t tile;
	int r;

	if (level >= 64 || index >= (l->e.size >> level))
		return HN_ERANGE;
	hn_tree_locate(level, index, &L, &tile, &node);
	if (tile < hn_tree_full_tiles(l->e.size, L)) {
		if ((r = get_tile(l, L, tile, &nodes)) != 0)
			return r;
	} else {
		nodes = (const uint8_t(*)[HL])l->e.t[L];
	}
	memcpy(out, nodes[node], HL);
	return 0;
}

struct load_ctx {
	struct hn_ledger *l;
	uint64_t next;
};

static int
load_leaf(void *arg, uint64_t idx, const void *entry, size_t len)
{
	struct load_ctx *c = arg;
	uint8_t leaf[HL];

	if (idx != c->next)
		return HN_EVERIFY; /* a gap in the entries */
	hn_merkle_leaf_hash(&c->l->sha, entry, len, leaf);
	hn_tree_put(c->l->e.t[0], &c->l->sha, (unsigned)(idx & 255), leaf);
	c->next++;
	return 0;
}

/* Recomputes the right edge from storage (call inside a transaction). */
static int
load_locked(struct hn_ledger *l, struct hn_error *err)
{
	struct load_ctx lc;
	const uint8_t(*t)[HL];
	uint64_t size, have, row, base, j;
	unsigned L, w;
	int r;

	cache_clear(l);
	l->stale = 1;
	if ((r = hn_store_ledger_size(l->db, &size)) != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot read the ledger size: %s", hn_db_errmsg(l->db));
	memset(&l->e, 0, sizeof(l->e));
	l->e.size = size;
	for (L = 0; L < LEVELS; L++) {
		if ((r = hn_store_ledger_tiles(l->db, L, &have)) != 0)
			return hn_error_set(err, r, NULL, NULL,
			    "cannot read the ledger tiles: %s",
			    hn_db_errmsg(l->db));
		if (have != hn_tree_full_tiles(size, L))
			return hn_error_set(err, HN_EVERIFY, "ledger", NULL,
			    "ledger storage inconsistent: %" PRIu64 " entries "
			    "need %" PRIu64
			    " full tiles at level %u, found %" PRIu64,
			    size, hn_tree_full_tiles(size, L), L, have);
		row = hn_tree_row_len(size, L);
		w = (unsigned)(row & 255);
		base = row - w;
		if (w == 0)
			continue;
		if (L == 0) {
			lc.l = l;
			lc.next = base;
			r = hn_store_ledger_scan(l->db, base, base + w,
			    load_leaf, &lc);
			if (r == 0 && lc.next != base + w)
				r = HN_EVERIFY;
			if (r != 0)
				return hn_error_set(err, r, "ledger", NULL,
				    "cannot read ledger entries %" PRIu64
				    "..%" PRIu64,
				    base, base + w - 1);
			continue;
		}
		for (j = 0; j < w; j++) {
			if ((r = get_tile(l, L - 1, base + j, &t)) != 0)
				return hn_error_set(err, r, "ledger", NULL,
				    "cannot read tile %u/%" PRIu64, L - 1,
				    base + j);
			hn_tree_put(l->e.t[L], &l->sha, (unsigned)j,
			    t[HN_TREE_ROW(8)]);
		}
	}
	l->stale = 0;
	return 0;
}

/* Recomputes the right edge from one snapshot of storage. */
static int
load(struct hn_ledger *l, struct hn_error *err)
{
	int began, r;

	began = hn_store_read_begin(l->db);
	r = load_locked(l, err);
	hn_store_read_end(l->db, began);
	return r;
}

/* Makes the in-memory state match storage (see ledger.h). */
static int
sync_state(struct hn_ledger *l)
{
	uint64_t size;
	int r;

	if (!l->stale) {
		if ((r = hn_store_ledger_size(l->db, &size)) != 0)
			return r;
		if (size == l->e.size)
			return 0;
	}
	return load(l, NULL);
}

static void
on_rollback(void *arg)
{
	((struct hn_ledger *)arg)->stale = 1;
}

struct tail_ctx {
	struct hn_sha256 *h;
	const uint8_t (*tile)[HL];
	uint64_t base;
	unsigned count;
	int bad;
};

static int
tail_leaf(void *arg, uint64_t idx, const void *entry, size_t len)
{
	struct tail_ctx *c = arg;
	uint8_t leaf[HL];

	hn_merkle_leaf_hash(c->h, entry, len, leaf);
	if (idx != c->base + c->count ||
	    memcmp(leaf, c->tile[idx - c->base], HL) != 0)
		c->bad = 1;
	c->count++;
	return 0;
}

/* The last full level-0 tile must hash the entries it covers. */
static int
check_last_tile(struct hn_ledger *l, struct hn_error *err)
{
	struct tail_ctx c;
	uint64_t n = hn_tree_full_tiles(l->e.size, 0);
	int r;

	if (n == 0)
		return 0;
	if ((r = get_tile(l, 0, n - 1, &c.tile)) != 0)
		return hn_error_set(err, r, "ledger", NULL,
		    "cannot read tile 0/%" PRIu64, n - 1);
	c.h = &l->sha;
	c.base = (n - 1) * 256;
	c.count = 0;
	c.bad = 0;
	if ((r = hn_store_ledger_scan(l->db, c.base, c.base + 256, tail_leaf,
		 &c)) != 0)
		return hn_error_set(err, r, "ledger", NULL,
		    "cannot read the last entries");
	if (c.bad || c.count != 256)
		return hn_error_set(err, HN_EVERIFY, "ledger", NULL,
		    "tile 0/%" PRIu64 " does not match its entries", n - 1);
	return 0;
}

/*
 * Which entry was rewritten: the recorded checkpoints in order of size,
 * the last whose root still matches (`good`) and the first that does not
 * (`bad`): the rewritten entry is in [good, bad). The node signs within a
 * moment of each append, so that is usually one entry.
 */
struct locate {
	struct hn_ledger *l;
	uint64_t good, bad;
	int found;
};

static int
locate_cb(void *arg, uint64_t size, const uint8_t root[32])
{
	struct locate *lc = arg;
	uint8_t got[HL];

	if (size > lc->l->e.size ||
	    hn_merkle_root(ledger_get, lc->l, &lc->l->sha, size, got) != 0 ||
	    hn_memeq_ct(got, root, HL) != 0) {
		lc->bad = size;
		lc->found = 1;
		return 1; /* stop the scan */
	}
	lc->good = size;
	return 0;
}

/* Sets err to say which entry (or range) no longer matches; HN_EVERIFY. */
static int
name_rewrite(struct hn_ledger *l, uint64_t size, struct hn_error *err)
{
	struct locate lc = { l, 0, size, 0 };
	int r;

	r = hn_store_ledger_scan_checkpoints(l->db, locate_cb, &lc);
	if (r != 0 && r != 1) {
		lc.good = 0;
		lc.bad = size;
	}
	if (lc.bad > l->e.size)
		return hn_error_set(err, HN_EVERIFY, "ledger", NULL,
		    "the ledger has %" PRIu64 " entries but a checkpoint of "
		    "size %" PRIu64 " was signed: entries were lost",
		    l->e.size, lc.bad);
	if (lc.bad == lc.good + 1)
		return hn_error_set(err, HN_EVERIFY, "ledger", NULL,
		    "entry %" PRIu64 " was rewritten: the tree at size "
		    "%" PRIu64 " no longer matches the checkpoint signed for "
		    "it (at size %" PRIu64 " it still does)",
		    lc.good, lc.bad, lc.good);
	return hn_error_set(err, HN_EVERIFY, "ledger", NULL,
	    "an entry in %" PRIu64 "..%" PRIu64 " was rewritten: the tree at "
	    "size %" PRIu64 " no longer matches the checkpoint signed for it "
	    "(at size %" PRIu64 " it still does)",
	    lc.good, lc.bad - 1, lc.bad, lc.good);
}

/* Checks the tree against the last checkpoint this node signed. */
static int
check_last_checkpoint(struct hn_ledger *l, struct hn_error *err)
{
	uint8_t root[HL], want[HL];
	uint64_t size;
	int r;

	r = hn_store_ledger_last_checkpoint(l->db, &size, want, NULL);
	if (r == HN_ENOTFOUND)
		return 0;
	if (r != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot read the last checkpoint: %s", hn_db_errmsg(l->db));
	if (size > l->e.size)
		return hn_error_set(err, HN_EVERIFY, "ledger", NULL,
		    "the ledger has %" PRIu64 " entries but a checkpoint of "
		    "size %" PRIu64 " was signed: entries were lost",
		    l->e.size, size);
	if ((r = hn_merkle_root(ledger_get, l, &l->sha, size, root)) != 0)
		return hn_error_set(err, r, "ledger", NULL,
		    "cannot compute the root at %" PRIu64, size);
	if (hn_memeq_ct(root, want, HL) != 0)
		return name_rewrite(l, size, err);
	return 0;
}

int
hn_ledger_open(struct hn_ledger **out, struct hn_db *db, const char *origin,
    const uint8_t sk[64], const char *key_name, struct hn_error *err)
{
	struct hn_ledger *l = NULL;
	size_t ol;
	int r;

	assert(out != NULL && db != NULL);
	*out = NULL;
	ol = origin != NULL ? strlen(origin) : 0;
	if (ol == 0 || ol > HN_ORIGIN_MAX || strchr(origin, '\n') != NULL)
		return hn_error_set(err, HN_EINVAL, "origin", NULL,
		    "the log origin must be one non-empty line of at most %d "
		    "bytes",
		    HN_ORIGIN_MAX);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	l->db = db;
	memcpy(l->origin, origin, ol + 1);
	if ((r = hn_sha256_init(&l->sha)) != 0) {
		hn_error_set(err, r, NULL, NULL, "cannot initialise SHA-256");
		goto fail;
	}
	if (sk != NULL) {
		if ((r = hn_note_signer_from_sk(&l->signer,
			 key_name != NULL ? key_name : origin, HN_NOTE_ED25519,
			 sk, err)) != 0)
			goto fail;
		l->can_sign = 1;
	}
	if ((r = load(l, err)) != 0 || (r = check_last_tile(l, err)) != 0 ||
	    (r = check_last_checkpoint(l, err)) != 0)
		goto fail;
	hn_store_ledger_on_rollback(db, on_rollback, l);
	*out = l;
	return 0;
fail:
	hn_ledger_free(l);
	return r;
}

void
hn_ledger_free(struct hn_ledger *l)
{
	if (l == NULL)
		return;
	if (l->sha.ctx != NULL) {
		hn_store_ledger_on_rollback(l->db, NULL, NULL);
		hn_sha256_release(&l->sha);
	}
	hn_note_signer_wipe(&l->signer);
	free(l);
}

const char *
hn_ledger_origin(const struct hn_ledger *l)
{
	return l->origin;
}

static int
put_tile(void *arg, unsigned level, uint64_t idx, const uint8_t *nodes)
{
	return hn_store_ledger_put_tile(arg, level, idx, nodes);
}

int
hn_ledger_append_many(struct hn_ledger *l, const void *const *entries,
    const size_t *lens, size_t n, uint64_t *first)
{
	uint8_t leaf[HL];
	size_t k;
	int own, r;

	assert(l != NULL && first != NULL && (n == 0 || lens != NULL));
	for (k = 0; k < n; k++) {
		if (lens[k] > HN_LEDGER_ENTRY_MAX)
			return HN_ETOOBIG;
		if (lens[k] > 0 && entries[k] == NULL)
			return HN_EINVAL;
	}
	own = !hn_store_in_transaction(l->db);
	if (own && (r = hn_db_begin(l->db)) != 0)
		return r;
	/*
	 * One size check for the whole batch: nothing else runs on this
	 * connection during the call, so no rollback can intervene.
	 */
	if ((r = sync_state(l)) != 0)
		goto out;
	assert(!l->stale);
	*first = l->e.size;
	if ((r = hn_store_ledger_put_entries(l->db, l->e.size, entries, lens,
		 n)) != 0)
		goto out;
	for (k = 0; k < n; k++) {
		hn_merkle_leaf_hash(&l->sha, lens[k] ? entries[k] : "", lens[k],
		    leaf);
		if ((r = hn_tree_add(&l->e, &l->sha, leaf, put_tile, l->db)) !=
		    0)
			goto out;
	}
	if (own)
		r = hn_db_commit(l->db);
out:
	if (r != 0) {
		l->stale = 1;
		if (own)
			(void)hn_db_rollback(l->db);
	}
	return r;
}

int
hn_ledger_append(struct hn_ledger *l, const void *entry, size_t len,
    uint64_t *index)
{
	return hn_ledger_append_many(l, &entry, &len, 1, index);
}

int
hn_ledger_rollback(struct hn_ledger *l)
{
	return load(l, NULL);
}

uint64_t
hn_ledger_size(struct hn_ledger *l)
{
	(void)sync_state(l);
	return l->e.size;
}

int
hn_ledger_root(struct hn_ledger *l, uint64_t size, uint8_t root[32])
{
	int began, r;

	began = hn_store_read_begin(l->db);
	if ((r = sync_state(l)) == 0)
		r = size > l->e.size ?
		    HN_ERANGE :
		    hn_merkle_root(ledger_get, l, &l->sha, size, root);
	hn_store_read_end(l->db, began);
	return r;
}

/* Signs and records the checkpoint of the current size (see ledger.h). */
static int
checkpoint(struct hn_ledger *l, struct hn_buf *signed_note)
{
	struct hn_buf body = HN_BUF_INIT(HN_NOTE_MAX);
	struct hn_buf note = HN_BUF_INIT(HN_NOTE_MAX);
	struct hn_checkpoint c;
	int r;

	assert(l->can_sign);
	if ((r = sync_state(l)) != 0)
		return r;
	memset(&c, 0, sizeof(c));
	memcpy(c.origin, l->origin, sizeof(c.origin));
	c.size = l->e.size;
	if ((r = hn_merkle_root(ledger_get, l, &l->sha, c.size, c.root)) ||
	    (r = hn_checkpoint_format(&c, &body)) != 0 ||
	    (r = hn_note_sign(&note, body.data, body.len, &l->signer, 1,
		 NULL)) != 0 ||
	    (r = hn_store_ledger_put_checkpoint(l->db, c.size, c.root,
		 note.data, note.len)) != 0)
		goto out;
	r = hn_buf_add(signed_note, note.data, note.len);
out:
	hn_buf_release(&body);
	hn_buf_release(&note);
	return r;
}

int
hn_ledger_checkpoint(struct hn_ledger *l, struct hn_buf *signed_note)
{
	if (!l->can_sign)
		return HN_EDENIED;
	if (hn_store_in_transaction(l->db))
		return HN_ESTATE;
	return checkpoint(l, signed_note);
}

int
hn_ledger_checkpoint_pending(struct hn_ledger *l, struct hn_buf *signed_note)
{
	if (!l->can_sign)
		return HN_EDENIED;
	if (!hn_store_in_transaction(l->db))
		return HN_ESTATE;
	return checkpoint(l, signed_note);
}

int
hn_ledger_last_checkpoint(struct hn_ledger *l, struct hn_buf *note)
{
	uint8_t root[HL];
	uint64_t size;

	return hn_store_ledger_last_checkpoint(l->db, &size, root, note);
}

int
hn_ledger_inclusion(struct hn_ledger *l, uint64_t index, uint64_t size,
    uint8_t (*proof)[32], size_t *n)
{
	int began, r;

	*n = 0;
	began = hn_store_read_begin(l->db);
	if ((r = sync_state(l)) == 0)
		r = size > l->e.size || index >= size ?
		    HN_ERANGE :
		    hn_merkle_inclusion_proof(ledger_get, l, &l->sha, index,
			size, proof, HN_MERKLE_PROOF_MAX, n);
	hn_store_read_end(l->db, began);
	return r;
}

int
hn_ledger_consistency(struct hn_ledger *l, uint64_t size1, uint64_t size2,
    uint8_t (*proof)[32], size_t *n)
{
	int began, r;

	*n = 0;
	began = hn_store_read_begin(l->db);
	if ((r = sync_state(l)) == 0)
		r = size2 > l->e.size || size1 == 0 || size1 > size2 ?
		    HN_ERANGE :
		    hn_merkle_consistency_proof(ledger_get, l, &l->sha, size1,
			size2, proof, HN_MERKLE_PROOF_MAX, n);
	hn_store_read_end(l->db, began);
	return r;
}

int
hn_ledger_entry(struct hn_ledger *l, uint64_t index, struct hn_buf *out)
{
	return hn_store_ledger_get_entry(l->db, index, out);
}

static int
bundle_add(void *arg, uint64_t idx, const void *entry, size_t len)
{
	uint8_t pre[2];
	int r;

	if (len > HN_LEDGER_ENTRY_MAX)
		return HN_ETOOBIG;
	pre[0] = (uint8_t)(len >> 8);
	pre[1] = (uint8_t)len;
	if ((r = hn_buf_add(arg, pre, 2)) != 0)
		return r;
	return hn_buf_add(arg, entry, len);
}

static int
tile_locked(struct hn_ledger *l, int level, uint64_t index, int width,
    struct hn_buf *out)
{
	const uint8_t(*t)[HL];
	uint64_t start, row;
	unsigned L;
	int r;

	if ((r = sync_state(l)) != 0)
		return r;
	L = level == HN_TILE_ENTRIES ? 0 : (unsigned)level;
	row = hn_tree_row_len(l->e.size, L);
	start = index * 256;
	if (start + (uint64_t)width > row)
		return HN_ENOTFOUND;
	if (level == HN_TILE_ENTRIES)
		return hn_store_ledger_scan(l->db, start, start + width,
		    bundle_add, out);
	if (index < hn_tree_full_tiles(l->e.size, L)) {
		if ((r = get_tile(l, L, index, &t)) != 0)
			return r;
		return hn_buf_add(out, t, (size_t)width * HL);
	}
	return hn_buf_add(out, l->e.t[L], (size_t)width * HL);
}

int
hn_ledger_tile(struct hn_ledger *l, int level, uint64_t index, int width,
    struct hn_buf *out)
{
	int began, r;

	if (width < 1 || width > HN_TILE_WIDTH || level < HN_TILE_ENTRIES ||
	    level >= LEVELS || index > (UINT64_MAX >> 8) - 1)
		return HN_EINVAL;
	began = hn_store_read_begin(l->db);
	r = tile_locked(l, level, index, width, out);
	hn_store_read_end(l->db, began);
	return r;
}

struct audit {
	struct hn_ledger *l;
	struct hn_tree_edge e;
	uint64_t next;
	uint8_t tile[HN_TILE_NODES_BYTES];
	struct hn_error *err;
};

static int
audit_tile(void *arg, unsigned level, uint64_t idx, const uint8_t *nodes)
{
	struct audit *a = arg;
	int r;

	if ((r = hn_store_ledger_get_tile(a->l->db, level, idx, a->tile)) != 0)
		return hn_error_set(a->err, r == HN_ENOTFOUND ? HN_EVERIFY : r,
		    "ledger", NULL, "tile %u/%" PRIu64 " is missing", level,
		    idx);
	if (memcmp(a->tile, nodes, HN_TILE_NODES_BYTES) != 0)
		return hn_error_set(a->err, HN_EVERIFY, "ledger", NULL,
		    "tile %u/%" PRIu64 " does not match the entries", level,
		    idx);
	return 0;
}

static int
audit_leaf(void *arg, uint64_t idx, const void *entry, size_t len)
{
	struct audit *a = arg;
	uint8_t leaf[HL];

	if (idx != a->next)
		return hn_error_set(a->err, HN_EVERIFY, "ledger", NULL,
		    "entry %" PRIu64 " is missing", a->next);
	hn_merkle_leaf_hash(&a->l->sha, entry, len, leaf);
	a->next++;
	return hn_tree_add(&a->e, &a->l->sha, leaf, audit_tile, a);
}

static int
audit_checkpoint(void *arg, uint64_t size, const uint8_t root[32])
{
	struct audit *a = arg;
	uint8_t got[HL];
	int r;

	if (size > a->l->e.size)
		return hn_error_set(a->err, HN_EVERIFY, "ledger", NULL,
		    "checkpoint %" PRIu64 " is beyond the %" PRIu64 " entries",
		    size, a->l->e.size);
	if ((r = hn_merkle_root(ledger_get, a->l, &a->l->sha, size, got)))
		return hn_error_set(a->err, r, "ledger", NULL,
		    "cannot compute the root at %" PRIu64, size);
	if (memcmp(got, root, HL) != 0)
		return name_rewrite(a->l, size, a->err);
	return 0;
}

int
hn_ledger_audit(struct hn_ledger *l, struct hn_error *err)
{
	struct audit *a;
	unsigned L;
	int r;

	hn_error_clear(err);
	if ((r = load(l, err)) != 0)
		return r;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	a->l = l;
	a->err = err;
	r = hn_store_ledger_scan(l->db, 0, l->e.size, audit_leaf, a);
	if (r == 0 && a->next != l->e.size)
		r = hn_error_set(err, HN_EVERIFY, "ledger", NULL,
		    "entries end at %" PRIu64 ", expected %" PRIu64, a->next,
		    l->e.size);
	for (L = 0; r == 0 && L < LEVELS; L++)
		if (memcmp(a->e.t[L], l->e.t[L],
			(size_t)(hn_tree_row_len(l->e.size, L) & 255) * HL) !=
		    0)
			r = hn_error_set(err, HN_EVERIFY, "ledger", NULL,
			    "partial tile at level %u differs", L);
	if (r == 0)
		r = hn_store_ledger_scan_checkpoints(l->db, audit_checkpoint,
		    a);
	if (r != 0 && err != NULL && err->code == 0)
		hn_error_set(err, r, "ledger", NULL, "audit failed: %s",
		    hn_strerror(r));
	free(a);
	return r;
}
