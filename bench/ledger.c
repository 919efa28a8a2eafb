/*
 * bench_ledger: durable appends of 256-byte leaves to the ledger (SQLite,
 * WAL, synchronous=FULL; one commit per 10,000 entries, and at least every
 * 100 ms; 250 entries per hn_ledger_append_many call), at 1M and at 10M
 * leaves, and the time of an inclusion proof at 10M; against the baseline of
 * the same run: the raw SHA-256 leaf-hash rate (OpenSSL EVP, context reused) of
 * the same leaves.
 *
 *   bench_ledger [LEAVES]    (default 10000000; the DB lives in a temporary
 *                             directory under $TMPDIR or /tmp, removed after)
 *
 * Last line: BENCH ledger ratio=R appends_per_s=A proof_us_10m=P
 * with A the durable append rate over all LEAVES and R = A / raw rate.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "store/ledger.h"
#include "ledger/merkle.h"
#include "store/db.h"

#define LEAF 256
#define BATCH 10000
#define BATCH_NS 100000000LL /* 100 ms */
#define PROOFS 2000
#define CHUNK 250 /* divides BATCH and 1M */

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Leaf i: 256 bytes, distinct and cheap to make (xorshift of i). */
static void
leaf_of(uint64_t i, uint8_t out[LEAF])
{
	uint64_t x = i * 0x9E3779B97F4A7C15ULL + 1;
	int k;

	for (k = 0; k < LEAF; k += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(out + k, &x, 8);
	}
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/hn-bench-ledger-XXXXXX", path[128], cmd[160];
	uint8_t leaf[LEAF], h[32], root[32], proof[HN_MERKLE_PROOF_MAX][32];
	uint64_t total = 10000000, i, idx, n1m, c, m = 0;
	static uint8_t chunk[CHUNK][LEAF];
	const void *ents[CHUNK];
	size_t lens[CHUNK];
	struct hn_sha256 sha;
	struct hn_db *db = NULL;
	struct hn_ledger *l = NULL;
	struct hn_error err;
	uint8_t pk[32], sk[64];
	int64_t t0, t1, tb, t1m = 0, tproof;
	double raw_rate, rate_1m, rate_all, proof_us;
	uint64_t sink = 0, commits = 0;
	size_t np;
	int rc = 1, in_txn = 0;

	if (argc > 1)
		total = strtoull(argv[1], NULL, 10);
	if (total < 1000) {
		fprintf(stderr, "usage: bench_ledger [LEAVES >= 1000]\n");
		return 2;
	}
	n1m = total < 1000000 ? total : 1000000;
	if (hn_crypto_init() != 0 || hn_sha256_init(&sha) != 0)
		return 1;
	hn_ed25519_keypair(pk, sk);

	/* Baseline: raw leaf hashes of the same leaves, context reused. */
	{
		uint64_t nb = total < 2000000 ? total : 2000000;
		t0 = now_ns();
		for (i = 0; i < nb; i++) {
			leaf_of(i, leaf);
			hn_merkle_leaf_hash(&sha, leaf, LEAF, h);
			sink += h[0];
		}
		t1 = now_ns();
		raw_rate = (double)nb / ((double)(t1 - t0) / 1e9);
		printf("baseline: %" PRIu64 " raw SHA-256 leaf hashes of %d "
		       "bytes: %.0f/s (%.1f MB/s)\n",
		    nb, LEAF, raw_rate, raw_rate * (LEAF + 1) / 1e6);
	}

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/hanoinet.db", dir);
	if (hn_db_open(&db, path, &err) != 0 ||
	    hn_ledger_open(&l, db, "bench.example/LOG", sk, NULL, &err) != 0) {
		fprintf(stderr, "open: %s\n", err.message);
		goto out;
	}

	/*
	 * Durable appends through hn_ledger_append_many, CHUNK entries per
	 * call (as a group-commit writer would hand them over); commit every
	 * BATCH entries or 100 ms, whichever comes first.
	 */
	for (c = 0; c < CHUNK; c++) {
		ents[c] = chunk[c];
		lens[c] = LEAF;
	}
	t0 = tb = now_ns();
	for (i = 0; i < total; i += m) {
		if (!in_txn) {
			if (hn_db_begin(db) != 0)
				goto dberr;
			in_txn = 1;
		}
		m = total - i < CHUNK ? total - i : CHUNK;
		for (c = 0; c < m; c++)
			leaf_of(i + c, chunk[c]);
		if (hn_ledger_append_many(l, ents, lens, (size_t)m, &idx) !=
			0 ||
		    idx != i)
			goto dberr;
		if ((i + m) % BATCH == 0 || now_ns() - tb >= BATCH_NS ||
		    i + m == total || i + m == n1m) {
			if (hn_db_commit(db) != 0)
				goto dberr;
			in_txn = 0;
			commits++;
			tb = now_ns();
			if (i + m == n1m)
				t1m = tb;
		}
	}
	t1 = now_ns();
	rate_1m = (double)n1m / ((double)(t1m - t0) / 1e9);
	rate_all = (double)total / ((double)(t1 - t0) / 1e9);
	printf("appends: %" PRIu64 " durable appends in %" PRIu64 " commits; "
	       "first %" PRIu64 ": %.0f/s; all %" PRIu64 ": %.0f/s\n",
	    total, commits, n1m, rate_1m, total, rate_all);

	/* Inclusion proofs at the full size, random indices, checked. */
	if (hn_ledger_root(l, total, root) != 0)
		goto dberr;
	srand(42);
	tproof = 0;
	for (i = 0; i < PROOFS; i++) {
		uint64_t k =
		    (((uint64_t)rand() << 31) ^ (uint64_t)rand()) % total;
		int64_t a = now_ns();
		if (hn_ledger_inclusion(l, k, total, proof, &np) != 0)
			goto dberr;
		tproof += now_ns() - a;
		leaf_of(k, leaf);
		hn_merkle_leaf_hash(&sha, leaf, LEAF, h);
		if (hn_merkle_verify_inclusion(&sha, k, total, h,
			(const uint8_t(*)[32])proof, np, root, 32) != 0) {
			fprintf(stderr, "proof %" PRIu64 " does not verify\n",
			    k);
			goto out;
		}
	}
	proof_us = (double)tproof / PROOFS / 1e3;
	printf("proofs: %d inclusion proofs at %" PRIu64 " leaves: %.1f us "
	       "each (verified)\n",
	    PROOFS, total, proof_us);
	printf("BENCH ledger ratio=%.3f appends_per_s=%.0f proof_us_10m=%.1f\n",
	    rate_all / raw_rate, rate_all, proof_us);
	rc = sink == 0xffffffffffffffffULL; /* keep the baseline live */
	goto out;
dberr:
	fprintf(stderr, "ledger: %s\n", hn_db_errmsg(db));
out:
	hn_ledger_free(l);
	hn_db_close(db);
	hn_sha256_release(&sha);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	hn_wipe(sk, sizeof(sk));
	return rc;
}
