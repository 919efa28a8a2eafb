/*
 * fednode.h - binds the federation runtime (src/fed/) to a running node:
 * its group-commit store, its audit ledger, its register and treaty
 * gate, its keys and configuration; and the HTTP handlers of the
 * federation (POST /v1/inbox, GET /v1/directory, /v1/messages, /v1/log/...,
 * /v1/witness, /v1/federation). docs/protocol.md is the wire contract.
 *
 * Configuration keys (node/node.c): registry_key, registry_url,
 * registry_tls_sha256, retry_base_ms, retry_max_ms, max_attempts,
 * delivery_workers,
 * peer_timeout_ms, inbox_window_s, inbox_skew_s, witness_interval_s,
 * directory_refresh_s, bilateral, reciprocity, register_label.
 */
#ifndef HN_NET_FEDNODE_H
#define HN_NET_FEDNODE_H

#include <stdint.h>

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
void hn_fednode_observe(struct hn_node *n, void (*fn)(void *ctx,
    const char *sender, const char *msg_id), void *ctx);

/* Appends the federation's Prometheus families to out. */
int hn_fednode_metrics(struct hn_node *n, struct hn_db *db,
    struct hn_buf *out);

#endif
