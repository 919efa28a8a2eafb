/*
 * node.h - a running node: its configuration, data directory, storage and
 * the shared state every handler reaches through r->node.
 *
 * Data directory (hanoinet init): DIR/hanoinet.conf, DIR/hanoinet.db,
 * DIR/signing.key (0600), DIR/tls.key (0600), DIR/tls.crt, DIR/blobs/;
 * the directory itself is 0700.
 *
 * Configuration: `key = value` lines, '#' comments. The accepted keys are
 * the rows of the table in node.c (an unknown key is an error, so a typo
 * does not silently fall back to a default).
 */
#ifndef HN_NODE_NODE_H
#define HN_NODE_NODE_H

#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "fed/signed.h"
#include "util/buf.h"
#include "util/err.h"

struct hn_store;
struct hn_http;
struct hn_fednode;
struct hn_ledger;
struct hn_db;
struct hn_register;
struct hn_request_row;

#define HN_CONF_MAX_ENTRIES 64
#define HN_CONF_VALUE_MAX 512
#define HN_DEFAULT_LISTEN "127.0.0.1:8247"
#define HN_DEFAULT_BODY_MAX (1U << 20)

struct hn_conf {
	char path[PATH_MAX];
	char dir[PATH_MAX]; /* the data directory (the config file's dir) */
	int n;
	char key[HN_CONF_MAX_ENTRIES][64];
	char value[HN_CONF_MAX_ENTRIES][HN_CONF_VALUE_MAX];
};

/* Parses a config file; HN_EPARSE names the line, HN_EINVAL unknown keys. */
int hn_conf_load(struct hn_conf *c, const char *path, struct hn_error *err)
    __attribute__((warn_unused_result));
/* The value of key, or its default from the key table. */
const char *hn_conf_get(const struct hn_conf *c, const char *key);
/* Integer value within [min, max]; HN_ERANGE otherwise. */
int hn_conf_int(const struct hn_conf *c, const char *key, long min, long max,
    long *out, struct hn_error *err) __attribute__((warn_unused_result));
/* Writes the commented default configuration for `party` and `name`. */
int hn_conf_write_default(const char *path, const char *party, const char *name,
    struct hn_error *err) __attribute__((warn_unused_result));
/* DIR/FILE into out; HN_ETOOBIG if too long. */
int hn_conf_path(const struct hn_conf *c, const char *file, char *out,
    size_t max);

/*
 * Hooks for other areas (federation): called on the writer thread INSIDE
 * the transaction of a request change, after the row and its ledger entry
 * are written; a non-zero return rolls the change back and is answered to
 * the client (e.g. HN_EDENIED from the treaty gate when a request is
 * sent). after_commit runs after a successful commit, outside the
 * transaction (e.g. to wake the delivery worker).
 */
struct hn_node_hooks {
	void *ctx;
	/* The gate (node/requests.h hn_rq_change) moved request rq and its
	 * protocol row sends message `kind` to the other State: the request
	 * document itself for HN_MSG_REQUEST ("request"), else a body
	 * {"request": id, "state": rq->state, "payload": payload}. */
	int (*request_send)(void *ctx, struct hn_db *db,
	    const struct hn_request_row *rq, const char *kind,
	    const json_t *payload, int64_t now, struct hn_error *err);
	void (*after_commit)(void *ctx);
	/* A message about a request that changes no state (hn_rq_note),
	 * to be sent to the other State inside the same transaction. */
	int (*request_note)(void *ctx, struct hn_db *db,
	    const struct hn_request_row *rq, const char *kind,
	    const json_t *payload, int64_t now, struct hn_error *err);
};

struct hn_node {
	struct hn_conf conf;
	char party[8]; /* ISO 3166-1 alpha-3 (or EUU) */
	char name[256]; /* node name (certificate CN) */
	struct hn_store *store;
	json_t *parties; /* the register: {"parties": [...]} */
	size_t body_max;
	int64_t session_ttl; /* seconds */
	int max_failed_logins; /* per (address, account): net/throttle.h */
	int64_t lockout_s; /* how long those failures are remembered */
	int demo; /* `demo = yes`: the demo password is allowed */
	int64_t started;
	uint8_t tls_fp[32]; /* SHA-256 of our certificate */
	struct hn_fednode *fed; /* the federation (node/federation.h) */

	/* The ledger (the node owns it; federation and evidence use it).
	 * `ledger` is bound to the writer connection: use it only inside
	 * hn_store_write/hn_store_call jobs. `ledger_ro` is on its own
	 * connection (it sees committed entries only): checkpoints, proofs,
	 * tiles; hold ledger_mu while using it. */
	struct hn_ledger *ledger;
	struct hn_ledger *ledger_ro;
	struct hn_db *ledger_db;
	pthread_mutex_t ledger_mu;
	struct hn_buf lastcp; /* last signed checkpoint (ledger_mu) */
	uint64_t lastcp_size;
	pthread_t signer; /* hn_node_signer_start */
	int signer_on;
	atomic_int signer_stop;
	uint8_t sk[64]; /* Ed25519 (seed || pk), wiped at close */
	char key_name[HN_SIGNER_MAX + 1]; /* "hanoinet/VNM": log origin */
	char vkey[HN_VKEY_MAX + 1]; /* our C2SP verifier key */

	struct hn_register *reg; /* the register (core/treaty.h) */
	int64_t ack_target, ack_target_emergency, due_soon; /* deadlines */
	int64_t emergency_execution; /* art. 41: acknowledged -> executed */
	struct hn_node_hooks hooks;
};

/*
 * Appends a ledger entry (compact JSON of `entry`, which is not stolen)
 * inside the running write job; *index gets its index. Writer thread only.
 */
int hn_node_ledger_append(struct hn_node *n, const json_t *entry,
    uint64_t *index, struct hn_error *err);
/* The same with the entry's text already made (outside the writer). */
int hn_node_ledger_append_text(struct hn_node *n, const char *text,
    uint64_t *index, struct hn_error *err);

/*
 * Appends to out a signed checkpoint covering every committed entry (a
 * fresh one if the log grew since the last one). Thread-safe; never call
 * it from inside a write job.
 */
int hn_node_checkpoint(struct hn_node *n, struct hn_buf *out,
    struct hn_error *err);

/*
 * The checkpoint signer (serve): a thread that follows the store's commits
 * and signs a checkpoint covering every committed entry at most
 * HN_SIGN_BATCH_MS after the last signature (one signature for all the
 * appends in between), so no entry stays unsigned for more than about
 * that. At start it signs what an earlier run left unsigned; a failed
 * signature (a full disk) is retried every second. hn_node_close stops it
 * after a last signature. Not started: checkpoints are signed on demand
 * only (hn_node_checkpoint), as offline tools do.
 */
#define HN_SIGN_BATCH_MS 200
int hn_node_signer_start(struct hn_node *n, struct hn_error *err);

/*
 * Writes the signing key file `path` (0600) for the log origin / key name
 * "hanoinet/PARTY" (C2SP note private key, ledger/note.h).
 */
int hn_node_keygen(const char *path, const char *party, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Loads the configuration at conf_path, opens the store and the register.
 * The caller starts the HTTP server; hn_node_close frees (NULL ok).
 */
int hn_node_open(struct hn_node **out, const char *conf_path,
    struct hn_error *err) __attribute__((warn_unused_result));
void hn_node_close(struct hn_node *n);

/* Periodic upkeep (expired sessions); called about once a minute. */
void hn_node_tick(struct hn_node *n, int64_t now);

#endif
