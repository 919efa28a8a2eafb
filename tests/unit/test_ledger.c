/*
 * Unit tests for src/ledger/log (+ store/ledger): appends in transactions,
 * roots and proofs against an in-memory tree, tiles and entry bundles,
 * rollback safety, reopening, signed checkpoints, tampering detected at
 * open and by the audit, and crash safety (a child killed with SIGKILL in
 * the middle of a batch; every committed entry survives).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "ledger/checkpoint.h"
#include "store/ledger.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/tile.h"
#include "store/db.h"
#include "util/buf.h"
#include "util/err.h"

#define HL HN_MERKLE_HASH_LEN
#define N 70000 /* 273 full level-0 tiles, 1 full level-1 tile, level 2 */

static char dir[256];
static char dbpath[300];
static uint8_t sk[64], pk[32];
static struct hn_sha256 sha;
static uint8_t (*leaves)[HL];

static void
entry_of(uint64_t i, char *buf, size_t *len)
{
	int n = snprintf(buf, 64, "{\"event\":\"test\",\"i\":%llu}",
	    (unsigned long long)i);
	*len = (size_t)n;
}

static int
setup(void **state)
{
	char tmpl[] = "/tmp/hn-ledger-XXXXXX";
	uint64_t i;

	if (mkdtemp(tmpl) == NULL)
		return -1;
	snprintf(dir, sizeof(dir), "%s", tmpl);
	snprintf(dbpath, sizeof(dbpath), "%s/hanoinet.db", dir);
	if (hn_crypto_init() != 0 || hn_sha256_init(&sha) != 0)
		return -1;
	hn_ed25519_keypair(pk, sk);
	if ((leaves = malloc((size_t)N * HL)) == NULL)
		return -1;
	for (i = 0; i < N; i++) {
		char e[64];
		size_t len;
		entry_of(i, e, &len);
		hn_merkle_leaf_hash(&sha, e, len, leaves[i]);
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return -1;
	free(leaves);
	hn_sha256_release(&sha);
	return 0;
}

static void
fresh(struct hn_db **db, struct hn_ledger **l, const char *path)
{
	struct hn_error err;
	char side[400];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	assert_int_equal(hn_db_open(db, path, &err), 0);
	assert_int_equal(hn_ledger_open(l, *db, "hanoinet.example/VNM", sk,
			     NULL, &err),
	    0);
}

static void
append_range(struct hn_db *db, struct hn_ledger *l, uint64_t lo, uint64_t hi)
{
	uint64_t i, idx;

	assert_int_equal(hn_db_begin(db), 0);
	for (i = lo; i < hi; i++) {
		char e[64];
		size_t len;
		entry_of(i, e, &len);
		assert_int_equal(hn_ledger_append(l, e, len, &idx), 0);
		assert_true(idx == i);
	}
	assert_int_equal(hn_db_commit(db), 0);
}

/* Checks roots, proofs and tiles of the stored log against memory. */
static void
check_against_memory(struct hn_ledger *l, uint64_t size)
{
	static const uint64_t sizes[] = { 1, 2, 3, 255, 256, 257, 511, 512,
		1000, 65535, 65536, 65537, 69999, 70000 };
	uint8_t root[HL], want[HL], proof[HN_MERKLE_PROOF_MAX][HL];
	struct hn_merkle_mem t;
	size_t i, j, n;

	assert_true(hn_ledger_size(l) == size);
	assert_int_equal(hn_merkle_mem_build(&t, &sha,
			     (const uint8_t(*)[HL])leaves, size),
	    0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t s = sizes[i], idx[4];
		if (s > size)
			continue;
		hn_merkle_root_of(&sha, (const uint8_t(*)[HL])leaves, s, want);
		assert_int_equal(hn_ledger_root(l, s, root), 0);
		assert_memory_equal(root, want, HL);
		idx[0] = 0;
		idx[1] = s - 1;
		idx[2] = s / 2;
		idx[3] = (s * 7) / 9;
		for (j = 0; j < 4; j++) {
			assert_int_equal(hn_ledger_inclusion(l, idx[j], s,
					     proof, &n),
			    0);
			assert_int_equal(hn_merkle_verify_inclusion(&sha,
					     idx[j], s, leaves[idx[j]],
					     (const uint8_t(*)[HL])proof, n,
					     want, HL),
			    0);
		}
		for (j = 0; j < i; j++) {
			uint8_t r1[HL];
			uint64_t s1 = sizes[j];
			hn_merkle_root_of(&sha, (const uint8_t(*)[HL])leaves,
			    s1, r1);
			assert_int_equal(hn_ledger_consistency(l, s1, s, proof,
					     &n),
			    0);
			assert_int_equal(hn_merkle_verify_consistency(&sha, s1,
					     s, r1, HL, want, HL,
					     (const uint8_t(*)[HL])proof, n),
			    0);
		}
	}
	hn_merkle_root_of(&sha, (const uint8_t(*)[HL])leaves, size, want);
	assert_int_equal(hn_ledger_root(l, size, root), 0);
	assert_memory_equal(root, want, HL);
	assert_int_equal(hn_ledger_root(l, size + 1, root), HN_ERANGE);
	assert_int_equal(hn_ledger_inclusion(l, size, size, proof, &n),
	    HN_ERANGE);
	assert_int_equal(hn_ledger_inclusion(l, 0, size + 1, proof, &n),
	    HN_ERANGE);
	assert_int_equal(hn_ledger_consistency(l, 0, size, proof, &n),
	    HN_ERANGE);
	assert_int_equal(hn_ledger_consistency(l, 1, size + 1, proof, &n),
	    HN_ERANGE);
	hn_merkle_mem_release(&t);
}

static void
test_append_proofs_tiles(void **state)
{
	struct hn_db *db = NULL;
	struct hn_ledger *l = NULL;
	struct hn_buf b = HN_BUF_INIT(1 << 20);
	struct hn_merkle_mem t;
	struct hn_error err;
	uint64_t idx;

	fresh(&db, &l, dbpath);
	assert_true(hn_ledger_size(l) == 0);
	/* outside a transaction, an append commits on its own */
	{
		char e[64];
		size_t len;
		entry_of(0, e, &len);
		assert_int_equal(hn_ledger_append(l, e, len, &idx), 0);
		assert_true(idx == 0);
	}
	append_range(db, l, 1, 300);
	check_against_memory(l, 300);
	append_range(db, l, 300, N);
	check_against_memory(l, N);

	/* tiles: level 0 = leaf hashes, level 1 = roots of level-0 tiles */
	assert_int_equal(hn_merkle_mem_build(&t, &sha,
			     (const uint8_t(*)[HL])leaves, N),
	    0);
	assert_int_equal(hn_ledger_tile(l, 0, 5, 256, &b), 0);
	assert_int_equal(b.len, 8192);
	assert_memory_equal(b.data, leaves[5 * 256], 8192);
	hn_buf_reset(&b);
	assert_int_equal(hn_ledger_tile(l, 0, 273, 112, &b), 0); /* partial */
	assert_memory_equal(b.data, leaves[273 * 256], 112 * HL);
	hn_buf_reset(&b);
	assert_int_equal(hn_ledger_tile(l, 0, 273, 113, &b), HN_ENOTFOUND);
	assert_int_equal(hn_ledger_tile(l, 0, 273, 256, &b), HN_ENOTFOUND);
	assert_int_equal(hn_ledger_tile(l, 0, 5, 10, &b), 0); /* old partial */
	assert_memory_equal(b.data, leaves[5 * 256], 10 * HL);
	hn_buf_reset(&b);
	assert_int_equal(hn_ledger_tile(l, 1, 0, 256, &b), 0);
	assert_memory_equal(b.data, t.level[8][0], 8192);
	hn_buf_reset(&b);
	assert_int_equal(hn_ledger_tile(l, 1, 1, 17, &b), 0);
	assert_memory_equal(b.data, t.level[8][256], 17 * HL);
	hn_buf_reset(&b);
	assert_int_equal(hn_ledger_tile(l, 2, 0, 1, &b), 0);
	assert_memory_equal(b.data, t.level[16][0], HL);
	hn_buf_reset(&b);
	assert_int_equal(hn_ledger_tile(l, 2, 0, 2, &b), HN_ENOTFOUND);
	assert_int_equal(hn_ledger_tile(l, 3, 0, 1, &b), HN_ENOTFOUND);
	assert_int_equal(hn_ledger_tile(l, 0, 0, 0, &b), HN_EINVAL);
	assert_int_equal(hn_ledger_tile(l, 0, 0, 257, &b), HN_EINVAL);
	assert_int_equal(hn_ledger_tile(l, 8, 0, 1, &b), HN_EINVAL);
	assert_int_equal(hn_ledger_tile(l, -2, 0, 1, &b), HN_EINVAL);
	/* entry bundle: uint16 length-prefixed entries */
	assert_int_equal(hn_ledger_tile(l, HN_TILE_ENTRIES, 2, 256, &b), 0);
	{
		size_t off = 0, i;
		for (i = 0; i < 256; i++) {
			char e[64];
			size_t len, got;
			uint8_t lh[HL];
			entry_of(512 + i, e, &len);
			got = (size_t)((uint8_t)b.data[off] << 8 |
			    (uint8_t)b.data[off + 1]);
			assert_int_equal(got, len);
			assert_memory_equal(b.data + off + 2, e, len);
			hn_merkle_leaf_hash(&sha, b.data + off + 2, got, lh);
			assert_memory_equal(lh, leaves[512 + i], HL);
			off += 2 + len;
		}
		assert_int_equal(off, b.len);
	}
	hn_buf_reset(&b);
	assert_int_equal(hn_ledger_entry(l, 12345, &b), 0);
	{
		char e[64];
		size_t len;
		entry_of(12345, e, &len);
		assert_int_equal(b.len, len);
		assert_memory_equal(b.data, e, len);
	}
	assert_int_equal(hn_ledger_entry(l, N, &b), HN_ENOTFOUND);
	assert_int_equal(hn_ledger_audit(l, &err), 0);
	/* too big an entry */
	{
		char *big = calloc(1, HN_LEDGER_ENTRY_MAX + 1);
		assert_non_null(big);
		assert_int_equal(hn_ledger_append(l, big,
				     HN_LEDGER_ENTRY_MAX + 1, &idx),
		    HN_ETOOBIG);
		assert_int_equal(hn_ledger_append(l, big, HN_LEDGER_ENTRY_MAX,
				     &idx),
		    0);
		assert_true(idx == N);
		free(big);
	}
	hn_merkle_mem_release(&t);
	hn_buf_release(&b);
	hn_ledger_free(l);
	hn_db_close(db);
}

static void
test_reopen_and_rollback(void **state)
{
	struct hn_db *db = NULL, *db2 = NULL;
	struct hn_ledger *l = NULL, *l2 = NULL;
	struct hn_error err;
	uint8_t root[HL], want[HL];
	uint64_t idx;

	fresh(&db, &l, dbpath);
	append_range(db, l, 0, 1000);
	hn_ledger_free(l);
	hn_db_close(db);

	assert_int_equal(hn_db_open(&db, dbpath, &err), 0);
	assert_int_equal(hn_ledger_open(&l, db, "hanoinet.example/VNM", NULL,
			     NULL, &err),
	    0);
	check_against_memory(l, 1000);

	/* a rolled-back append leaves no trace */
	assert_int_equal(hn_db_begin(db), 0);
	assert_int_equal(hn_ledger_append(l, "junk", 4, &idx), 0);
	assert_true(idx == 1000);
	assert_true(hn_ledger_size(l) == 1001);
	assert_int_equal(hn_db_rollback(db), 0);
	assert_true(hn_ledger_size(l) == 1000);
	check_against_memory(l, 1000);

	/*
	 * Rolled back across a tile boundary, then another connection
	 * appends the same number of entries: the state must be the other
	 * connection's, never the rolled-back one.
	 */
	assert_int_equal(hn_db_begin(db), 0);
	{
		uint64_t i;
		for (i = 0; i < 100; i++)
			assert_int_equal(hn_ledger_append(l, "junk", 4, &idx),
			    0);
	}
	assert_int_equal(hn_db_rollback(db), 0);
	assert_int_equal(hn_db_open(&db2, dbpath, &err), 0);
	assert_int_equal(hn_ledger_open(&l2, db2, "hanoinet.example/VNM", NULL,
			     NULL, &err),
	    0);
	append_range(db2, l2, 1000, 1100);
	check_against_memory(l, 1100);
	/* and appends continue correctly from the first connection */
	append_range(db, l, 1100, 1300);
	check_against_memory(l2, 1300);
	hn_merkle_root_of(&sha, (const uint8_t(*)[HL])leaves, 1300, want);
	assert_int_equal(hn_ledger_root(l, 1300, root), 0);
	assert_memory_equal(root, want, HL);
	/*
	 * The node's group commit (store/store.c): each job in a SAVEPOINT,
	 * a failed job rolled back alone (ROLLBACK TO fires no hook), the
	 * next job appends in the same transaction.
	 */
	assert_int_equal(hn_db_begin(db), 0);
	assert_int_equal(hn_db_exec(db, "SAVEPOINT job"), 0);
	assert_int_equal(hn_ledger_append(l, "failed job", 10, &idx), 0);
	assert_true(idx == 1300);
	assert_int_equal(hn_db_exec(db, "ROLLBACK TO job"), 0);
	assert_int_equal(hn_db_exec(db, "RELEASE job"), 0);
	assert_int_equal(hn_db_exec(db, "SAVEPOINT job"), 0);
	{
		char e[64];
		size_t len;
		entry_of(1300, e, &len);
		assert_int_equal(hn_ledger_append(l, e, len, &idx), 0);
		assert_true(idx == 1300);
	}
	assert_int_equal(hn_db_exec(db, "RELEASE job"), 0);
	assert_int_equal(hn_db_commit(db), 0);
	check_against_memory(l, 1301);
	check_against_memory(l2, 1301);
	/* explicit hn_ledger_rollback also works */
	assert_int_equal(hn_ledger_rollback(l), 0);
	assert_true(hn_ledger_size(l) == 1301);
	assert_int_equal(hn_ledger_audit(l, &err), 0);
	hn_ledger_free(l2);
	hn_db_close(db2);
	hn_ledger_free(l);
	hn_db_close(db);
}

static void
test_checkpoint_and_tamper(void **state)
{
	struct hn_db *db = NULL;
	struct hn_ledger *l = NULL, *ro = NULL;
	struct hn_buf note = HN_BUF_INIT(8192);
	struct hn_note_signer s;
	struct hn_note_verifier v;
	struct hn_checkpoint c;
	struct hn_error err;
	uint8_t want[HL];
	char sql[256];

	fresh(&db, &l, dbpath);
	assert_int_equal(hn_ledger_checkpoint(l, &note), 0); /* empty log */
	append_range(db, l, 0, 600);
	assert_int_equal(hn_note_signer_from_sk(&s, "hanoinet.example/VNM",
			     HN_NOTE_ED25519, sk, NULL),
	    0);
	hn_note_signer_verifier(&s, &v);
	hn_buf_reset(&note);
	assert_int_equal(hn_ledger_checkpoint(l, &note), 0);
	assert_int_equal(hn_checkpoint_open(&c, note.data, note.len, &v, 1,
			     "hanoinet.example/VNM", &err),
	    0);
	assert_true(c.size == 600);
	hn_merkle_root_of(&sha, (const uint8_t(*)[HL])leaves, 600, want);
	assert_memory_equal(c.root, want, HL);
	/* never inside a transaction; never by a read-only log */
	assert_int_equal(hn_db_begin(db), 0);
	assert_int_equal(hn_ledger_checkpoint(l, &note), HN_ESTATE);
	assert_int_equal(hn_db_rollback(db), 0);
	/* the pending variant: only inside one, covering its entries, and
	 * recorded with them (a rollback takes both away) */
	assert_int_equal(hn_ledger_checkpoint_pending(l, &note), HN_ESTATE);
	{
		uint64_t idx;
		uint8_t lr[HL];

		assert_int_equal(hn_db_begin(db), 0);
		assert_int_equal(hn_ledger_append(l, "pending", 7, &idx), 0);
		assert_true(idx == 600);
		hn_buf_reset(&note);
		assert_int_equal(hn_ledger_checkpoint_pending(l, &note), 0);
		assert_int_equal(hn_checkpoint_open(&c, note.data, note.len, &v,
				     1, "hanoinet.example/VNM", &err),
		    0);
		assert_true(c.size == 601);
		assert_int_equal(hn_ledger_root(l, 601, lr), 0);
		assert_memory_equal(c.root, lr, HL);
		assert_int_equal(hn_db_rollback(db), 0);
		assert_int_equal(hn_ledger_rollback(l), 0);
		assert_true(hn_ledger_size(l) == 600);
		hn_buf_reset(&note);
		assert_int_equal(hn_ledger_last_checkpoint(l, &note), 0);
		assert_int_equal(hn_checkpoint_open(&c, note.data, note.len, &v,
				     1, "hanoinet.example/VNM", &err),
		    0);
		assert_true(c.size == 600); /* the pending one is gone */
	}
	assert_int_equal(hn_ledger_open(&ro, db, "hanoinet.example/VNM", NULL,
			     NULL, &err),
	    0);
	assert_int_equal(hn_ledger_checkpoint(ro, &note), HN_EDENIED);
	hn_ledger_free(ro);
	hn_ledger_free(l);

	/* rewrite one entry behind the log's back: open and audit refuse */
	snprintf(sql, sizeof(sql),
	    "UPDATE ledger_entries SET entry = 'forged' WHERE idx = 7");
	assert_int_equal(hn_db_exec(db, sql), 0);
	assert_int_equal(hn_ledger_open(&l, db, "hanoinet.example/VNM", sk,
			     NULL, &err),
	    0); /* 7 is in an old full tile: caught by the audit */
	assert_int_equal(hn_ledger_audit(l, &err), HN_EVERIFY);
	hn_ledger_free(l);
	/* in the last full tile: caught at open */
	assert_int_equal(hn_db_exec(db,
			     "UPDATE ledger_entries SET entry = "
			     "'forged' WHERE idx = 300"),
	    0);
	assert_int_equal(hn_ledger_open(&l, db, "hanoinet.example/VNM", sk,
			     NULL, &err),
	    HN_EVERIFY);
	assert_int_equal(hn_db_exec(db,
			     "UPDATE ledger_entries SET entry = "
			     "'forged' WHERE idx = 599"),
	    0);
	assert_int_equal(hn_ledger_open(&l, db, "hanoinet.example/VNM", sk,
			     NULL, &err),
	    HN_EVERIFY); /* the signed checkpoint no longer holds */
	/* truncation: entries lost after a checkpoint */
	assert_int_equal(hn_db_exec(db,
			     "DELETE FROM ledger_entries WHERE "
			     "idx >= 590"),
	    0);
	assert_int_equal(hn_ledger_open(&l, db, "hanoinet.example/VNM", sk,
			     NULL, &err),
	    HN_EVERIFY);
	/* a missing tile */
	assert_int_equal(hn_db_exec(db, "DELETE FROM ledger_tiles"), 0);
	assert_int_equal(hn_ledger_open(&l, db, "hanoinet.example/VNM", sk,
			     NULL, &err),
	    HN_EVERIFY);
	/* bad origin */
	assert_int_equal(hn_ledger_open(&l, db, "", sk, NULL, &err), HN_EINVAL);
	assert_int_equal(hn_ledger_open(&l, db, "a\nb", sk, NULL, &err),
	    HN_EINVAL);
	hn_note_signer_wipe(&s);
	hn_buf_release(&note);
	hn_db_close(db);
}

static void
test_tile_paths(void **state)
{
	static const struct {
		int level;
		uint64_t index;
		int width;
		const char *path;
	} t[] = {
		{ 0, 0, 256, "tile/0/000" },
		{ 0, 1234067, 256, "tile/0/x001/x234/067" },
		{ 1, 1000, 17, "tile/1/x001/000.p/17" },
		{ 7, 999, 255, "tile/7/999.p/255" },
		{ HN_TILE_ENTRIES_LEVEL, 5, 1, "tile/entries/005.p/1" },
		{ 2, UINT64_MAX, 256,
		    "tile/2/x018/x446/x744/x073/x709/x551/615" },
	};
	static const char *bad[] = { "", "tile/", "tile/8/000", "tile/0/00",
		"tile/0/0000", "tile/0/x000/001", "tile/0/001/002",
		"tile/0/x1/002", "tile/0/000.p/0", "tile/0/000.p/256",
		"tile/0/000.p/017", "tile/0/000.p/", "tile/0/000.q/1",
		"tile/0/000/", "tile/-1/000", "tile/00/000", "tile/entries",
		"tile/0/x018/x446/x744/x073/x709/x551/616",
		"tile/0/x001/x002/x003/x004/x005/x006/x007/008", "Tile/0/000" };
	char buf[HN_TILE_PATH_MAX];
	uint64_t idx;
	int level, width;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(hn_tile_path(buf, sizeof(buf), t[i].level,
				     t[i].index, t[i].width),
		    0);
		assert_string_equal(buf, t[i].path);
		assert_int_equal(hn_tile_parse(buf, &level, &idx, &width), 0);
		assert_int_equal(level, t[i].level);
		assert_true(idx == t[i].index);
		assert_int_equal(width, t[i].width);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (hn_tile_parse(bad[i], &level, &idx, &width) == 0)
			fail_msg("accepted tile path '%s'", bad[i]);
	assert_int_equal(hn_tile_path(buf, 8, 0, 1234067, 256), HN_ETOOBIG);
	assert_int_equal(hn_tile_path(buf, sizeof(buf), 8, 0, 256), HN_EINVAL);
	assert_int_equal(hn_tile_path(buf, sizeof(buf), 0, 0, 0), HN_EINVAL);
	/* the spec's example: a tree of 70,000 leaves */
	assert_int_equal(hn_tile_width(70000, 0, 272), 256);
	assert_int_equal(hn_tile_width(70000, 0, 273), 112);
	assert_int_equal(hn_tile_width(70000, 0, 274), 0);
	assert_int_equal(hn_tile_width(70000, 1, 0), 256);
	assert_int_equal(hn_tile_width(70000, 1, 1), 17);
	assert_int_equal(hn_tile_width(70000, 2, 0), 1);
	assert_int_equal(hn_tile_width(70000, 3, 0), 0);
	assert_int_equal(hn_tile_width(256, 1, 0), 1);
	{
		static const uint8_t bundle[] = { 0, 2, 'h', 'i', 0, 0, 0, 1,
			'x', 0 };
		const uint8_t *e;
		size_t off = 0, len;
		assert_int_equal(hn_tile_bundle_next(bundle, 8, &off, &e, &len),
		    1);
		assert_int_equal(len, 2);
		assert_int_equal(hn_tile_bundle_next(bundle, 8, &off, &e, &len),
		    1);
		assert_int_equal(len, 0);
		assert_int_equal(hn_tile_bundle_next(bundle, 8, &off, &e, &len),
		    HN_EPARSE);
		off = 6;
		assert_int_equal(hn_tile_bundle_next(bundle, 9, &off, &e, &len),
		    1);
		assert_int_equal(hn_tile_bundle_next(bundle, 9, &off, &e, &len),
		    0);
		off = 8;
		assert_int_equal(hn_tile_bundle_next(bundle, 10, &off, &e,
				     &len),
		    HN_EPARSE);
	}
}

/* A tile client's view: roots and proofs from tiles alone. */
static int
read_ledger_tile(void *arg, int level, uint64_t index, int width,
    struct hn_buf *out)
{
	return hn_ledger_tile(arg, level, index, width, out);
}

static int
read_lying_tile(void *arg, int level, uint64_t index, int width,
    struct hn_buf *out)
{
	int r = hn_ledger_tile(arg, level, index, width, out);

	if (r == 0 && level == 0 && index == 3)
		out->data[100] ^= 1;
	return r;
}

static void
test_tile_reader(void **state)
{
	struct hn_db *db = NULL;
	struct hn_ledger *l = NULL;
	struct hn_tile_reader tr;
	uint8_t root[HL], want[HL], p1[HN_MERKLE_PROOF_MAX][HL];
	uint8_t p2[HN_MERKLE_PROOF_MAX][HL];
	static const uint64_t sizes[] = { 1, 255, 256, 257, 1000, 65536,
		70000 };
	size_t i, n1, n2;

	fresh(&db, &l, dbpath);
	append_range(db, l, 0, N);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t s = sizes[i];
		memset(&tr, 0, sizeof(tr));
		tr.read = read_ledger_tile;
		tr.arg = l;
		tr.size = s;
		tr.h = &sha;
		assert_int_equal(hn_merkle_root(hn_tile_get, &tr, &sha, s,
				     root),
		    0);
		hn_merkle_root_of(&sha, (const uint8_t(*)[HL])leaves, s, want);
		assert_memory_equal(root, want, HL);
		assert_int_equal(hn_merkle_inclusion_proof(hn_tile_get, &tr,
				     &sha, s / 3, s, p1, HN_MERKLE_PROOF_MAX,
				     &n1),
		    0);
		assert_int_equal(hn_ledger_inclusion(l, s / 3, s, p2, &n2), 0);
		assert_int_equal(n1, n2);
		assert_memory_equal(p1, p2, n1 * HL);
		if (s > 1) {
			assert_int_equal(hn_merkle_consistency_proof(hn_tile_get,
					     &tr, &sha, s / 2, s, p1,
					     HN_MERKLE_PROOF_MAX, &n1),
			    0);
			assert_int_equal(hn_ledger_consistency(l, s / 2, s, p2,
					     &n2),
			    0);
			assert_int_equal(n1, n2);
			assert_memory_equal(p1, p2, n1 * HL);
		}
	}
	/* a server that lies about one tile: the proof fails to verify */
	memset(&tr, 0, sizeof(tr));
	tr.read = read_lying_tile;
	tr.arg = l;
	tr.size = N;
	tr.h = &sha;
	hn_merkle_root_of(&sha, (const uint8_t(*)[HL])leaves, N, want);
	assert_int_equal(hn_merkle_inclusion_proof(hn_tile_get, &tr, &sha,
			     3 * 256 + 7, N, p1, HN_MERKLE_PROOF_MAX, &n1),
	    0);
	assert_int_not_equal(hn_merkle_verify_inclusion(&sha, 3 * 256 + 7, N,
				 leaves[3 * 256 + 7], (const uint8_t(*)[HL])p1,
				 n1, want, HL),
	    0);
	hn_ledger_free(l);
	hn_db_close(db);
}

#define BATCH 1000

/* The child: appends batches forever, reporting each committed count. */
/* Appends entries lo..hi-1 with hn_ledger_append_many, n per call. */
static void
append_many_range(struct hn_ledger *l, uint64_t lo, uint64_t hi, size_t n)
{
	static char e[300][64];
	const void *ents[300];
	size_t lens[300], k, m;
	uint64_t i, first;

	assert_true(n <= 300);
	for (i = lo; i < hi; i += m) {
		m = hi - i < n ? (size_t)(hi - i) : n;
		for (k = 0; k < m; k++) {
			entry_of(i + k, e[k], &lens[k]);
			ents[k] = e[k];
		}
		assert_int_equal(hn_ledger_append_many(l, ents, lens, m,
				     &first),
		    0);
		assert_true(first == i);
	}
}

static void
test_append_many(void **state)
{
	static const size_t chunks[] = { 1, 15, 16, 17, 31, 33, 250, 256, 300 };
	struct hn_db *db = NULL;
	struct hn_ledger *l = NULL;
	struct hn_error err;
	const void *ents[3];
	size_t lens[3], c;
	uint64_t i = 0, first;
	char path[320], e[64];
	static char big[HN_LEDGER_ENTRY_MAX + 1];

	snprintf(path, sizeof(path), "%s/many.db", dir);
	fresh(&db, &l, path);
	/* batches of every size around the 16-row INSERT and tile edges,
	 * interleaved with single appends, in transactions */
	for (c = 0; i < 5000;
	     c = (c + 1) % (sizeof(chunks) / sizeof(chunks[0]))) {
		uint64_t end =
		    i + 3 * chunks[c] < 5000 ? i + 3 * chunks[c] : 5000;
		assert_int_equal(hn_db_begin(db), 0);
		append_many_range(l, i, end, chunks[c]);
		assert_int_equal(hn_db_commit(db), 0);
		i = end;
		if (i < 5000) {
			append_range(db, l, i, i + 1);
			i++;
		}
	}
	check_against_memory(l, 5000);
	assert_int_equal(hn_ledger_audit(l, &err), 0);

	/* outside a transaction a batch commits on its own; n = 0 is a no-op */
	append_many_range(l, 5000, 5290, 290);
	assert_int_equal(hn_ledger_append_many(l, ents, lens, 0, &first), 0);
	assert_true(first == 5290);
	check_against_memory(l, 5290);

	/* a bad entry anywhere in the batch: nothing is written */
	entry_of(5290, e, &lens[0]);
	ents[0] = e;
	ents[1] = big;
	lens[1] = sizeof(big);
	ents[2] = e;
	lens[2] = lens[0];
	assert_int_equal(hn_ledger_append_many(l, ents, lens, 3, &first),
	    HN_ETOOBIG);
	ents[1] = NULL;
	lens[1] = 1;
	assert_int_equal(hn_ledger_append_many(l, ents, lens, 3, &first),
	    HN_EINVAL);
	assert_true(hn_ledger_size(l) == 5290);

	/* a batch rolled back to a SAVEPOINT (crossing a tile boundary) and
	 * a whole rolled-back transaction leave no trace */
	assert_int_equal(hn_db_begin(db), 0);
	assert_int_equal(hn_db_exec(db, "SAVEPOINT job"), 0);
	append_many_range(l, 5290, 5590, 300);
	assert_true(hn_ledger_size(l) == 5590);
	assert_int_equal(hn_db_exec(db, "ROLLBACK TO job"), 0);
	assert_int_equal(hn_db_exec(db, "RELEASE job"), 0);
	append_many_range(l, 5290, 5300, 10);
	assert_int_equal(hn_db_commit(db), 0);
	assert_int_equal(hn_db_begin(db), 0);
	append_many_range(l, 5300, 5600, 300);
	assert_int_equal(hn_db_rollback(db), 0);
	assert_true(hn_ledger_size(l) == 5300);
	append_many_range(l, 5300, 5400, 64);
	check_against_memory(l, 5400);
	assert_int_equal(hn_ledger_audit(l, &err), 0);

	/* and the stored log reopens to the same tree */
	hn_ledger_free(l);
	hn_db_close(db);
	assert_int_equal(hn_db_open(&db, path, &err), 0);
	assert_int_equal(hn_ledger_open(&l, db, "hanoinet.example/VNM", sk,
			     NULL, &err),
	    0);
	check_against_memory(l, 5400);
	hn_ledger_free(l);
	hn_db_close(db);
}

static void
child(int fd)
{
	struct hn_db *db = NULL;
	struct hn_ledger *l = NULL;
	uint64_t i = 0, idx;

	if (hn_db_open(&db, dbpath, NULL) != 0 ||
	    hn_ledger_open(&l, db, "hanoinet.example/VNM", sk, NULL, NULL) != 0)
		_exit(3);
	i = hn_ledger_size(l);
	for (;;) {
		uint64_t end = i + BATCH;
		if (end > N)
			_exit(0);
		if (hn_db_begin(db) != 0)
			_exit(4);
		/* odd batches through hn_ledger_append_many, 37 at a time */
		while ((end / BATCH) % 2 == 1 && i < end) {
			static char e[37][64];
			const void *ents[37];
			size_t lens[37], k, m;
			m = end - i < 37 ? (size_t)(end - i) : 37;
			for (k = 0; k < m; k++) {
				entry_of(i + k, e[k], &lens[k]);
				ents[k] = e[k];
			}
			if (hn_ledger_append_many(l, ents, lens, m, &idx) !=
				0 ||
			    idx != i)
				_exit(5);
			i += m;
		}
		for (; i < end; i++) {
			char e[64];
			size_t len;
			entry_of(i, e, &len);
			if (hn_ledger_append(l, e, len, &idx) != 0 || idx != i)
				_exit(5);
		}
		if (hn_db_commit(db) != 0)
			_exit(6);
		if (write(fd, &i, sizeof(i)) != sizeof(i))
			_exit(7);
	}
}

static void
test_crash_safety(void **state)
{
	char path[320];
	struct hn_db *db = NULL;
	struct hn_ledger *l = NULL;
	struct hn_error err;
	uint64_t committed = 0, got, size, start = 0;
	int fds[2], status, round;

	snprintf(path, sizeof(path), "%s", dbpath);
	fresh(&db, &l, path);
	hn_ledger_free(l);
	hn_db_close(db);
	for (round = 0; round < 3; round++) {
		pid_t pid;
		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			child(fds[1]);
		}
		close(fds[1]);
		/* kill it in the middle of a later batch */
		while (read(fds[0], &got, sizeof(got)) == sizeof(got)) {
			committed = got;
			if (committed >= start + 5 * BATCH) {
				usleep(2000 + round * 1500);
				break;
			}
		}
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		close(fds[0]);
		assert_true(WIFSIGNALED(status) || WEXITSTATUS(status) == 0);

		assert_int_equal(hn_db_open(&db, path, &err), 0);
		assert_int_equal(hn_ledger_open(&l, db, "hanoinet.example/VNM",
				     sk, NULL, &err),
		    0);
		size = hn_ledger_size(l);
		/* every acknowledged batch is there; never half a batch */
		assert_true(size >= committed);
		assert_true(size % BATCH == 0);
		assert_int_equal(hn_ledger_audit(l, &err), 0);
		check_against_memory(l, size);
		hn_ledger_free(l);
		hn_db_close(db);
		/* the next child continues from what is stored */
		start = committed = size;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_proofs_tiles),
		cmocka_unit_test(test_reopen_and_rollback),
		cmocka_unit_test(test_checkpoint_and_tamper),
		cmocka_unit_test(test_tile_paths),
		cmocka_unit_test(test_tile_reader),
		cmocka_unit_test(test_append_many),
		cmocka_unit_test(test_crash_safety),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
