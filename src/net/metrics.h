/*
 * metrics.h - /metrics in the Prometheus text exposition format: HTTP
 * latency histogram, requests by kind and state, overdue requests, ledger
 * size, group-commit counters. Other areas add their families here.
 */
#ifndef HN_NET_METRICS_H
#define HN_NET_METRICS_H

#include <stdint.h>

#include "util/buf.h"

struct hn_node;
struct hn_db;

/* Counts one write refused for lack of storage (507). Thread-safe. */
void hn_metrics_insufficient_storage(void);

int hn_metrics_write(struct hn_node *n, struct hn_db *db, int64_t now,
    struct hn_buf *out);

#endif
