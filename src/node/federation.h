/*
 * federation.h - binds the federation runtime (src/fed/) to a running node:
 * its group-commit store, its audit ledger, its register and treaty
 * gate, its keys and configuration; the node's hooks that send what the
 * protocol table says (node/requests.h); arriving messages through the
 * one gate; free messages about a request. The HTTP handlers are in
 * net/api_fed.c. docs/protocol.md is the wire contract.
 *
 * Configuration keys (node/node.c): registry_key, registry_url,
 * registry_tls_sha256, retry_base_ms, retry_max_ms, max_attempts,
 * delivery_workers,
 * peer_timeout_ms, inbox_window_s, inbox_skew_s, witness_interval_s,
 * directory_refresh_s, bilateral, reciprocity, register_label.
 */
#ifndef HN_NODE_FEDERATION_H
#define HN_NODE_FEDERATION_H

#include <jansson.h>
#include <stdint.h>

#include "fed/envelope.h"
#include "util/buf.h"
#include "util/err.h"

struct hn_node;
struct hn_db;
struct hn_fed;

/*
 * Opens the node's ledger on the writer connection and a checkpointing
 * connection, reads (creating if missing) DIR/signing.key, loads the held
 * directory DIR/directory.signed and starts the delivery, witness and
 * directory threads. Call after hn_node_open, before serving.
 */
int hn_fednode_start(struct hn_node *n, struct hn_error *err)
    __attribute__((warn_unused_result));
/* Stops the threads and frees (after the HTTP server stopped). */
void hn_fednode_stop(struct hn_node *n);

/* The runtime (NULL before start), e.g. to queue a message inside a job
 * and kick the worker after it. */
struct hn_fed *hn_fednode_fed(struct hn_node *n);

/* Calls fn(ctx, sender, msg_id) after each received message is committed
 * (benchmarks; fn must not block). NULL fn: none. */
void hn_fednode_observe(struct hn_node *n,
    void (*fn)(void *ctx, const char *sender, const char *msg_id), void *ctx);

/*
 * A free message about a request (kind more_information, art. 40:
 * consultation before refusal): the request `ref` must be held here,
 * between us and `to`, and have gone over the network. Checks on the
 * reader connection db, then queues the message with its ledger entry in
 * one write job and wakes the delivery worker. `field` names `ref` in the
 * caller's input (errors point at it). Errors: HN_ENOTFOUND (no such
 * request), HN_EINVAL (field "to": not the request's other party),
 * HN_ESTATE (not gone over the network, or no federation), HN_EDB.
 */
struct hn_fednode_msg {
	const char *to, *kind, *ref, *field;
	const json_t *body;
	int64_t now_ms;
	char id[HN_MSGID_LEN + 1]; /* out: the message id */
	uint64_t index; /* out: its ledger index */
};
int hn_fednode_message(struct hn_node *n, struct hn_db *db,
    struct hn_fednode_msg *m, struct hn_error *err)
    __attribute__((warn_unused_result));

/* Appends the federation's Prometheus families to out. */
int hn_fednode_metrics(struct hn_node *n, struct hn_db *db, struct hn_buf *out);

#endif
