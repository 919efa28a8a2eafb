#include "net/metrics.h"

#include "node/federation.h"
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#include "store/ledger.h"
#include "net/http.h"
#include "store/requests.h"
#include "node/node.h"
#include "store/store.h"

static atomic_ullong insufficient_storage;

void
hn_metrics_insufficient_storage(void)
{
	atomic_fetch_add(&insufficient_storage, 1);
}

/* Storage exhaustion: 507 answers, failed writes, readiness. */
static int
storage_metrics(struct hn_node *n, const struct hn_store_stats *st,
    struct hn_buf *out)
{
	int ready = hn_store_ready(n->store) == 0;

	return hn_buf_addf(out,
	    "# HELP hanoinet_http_insufficient_storage_total Writes "
	    "answered 507 (no space left on device).\n"
	    "# TYPE hanoinet_http_insufficient_storage_total counter\n"
	    "hanoinet_http_insufficient_storage_total %llu\n"
	    "# HELP hanoinet_store_full_failures_total Database writes "
	    "that failed for lack of space.\n"
	    "# TYPE hanoinet_store_full_failures_total counter\n"
	    "hanoinet_store_full_failures_total %llu\n"
	    "# HELP hanoinet_ready 1 when the node can take writes "
	    "(/readyz).\n# TYPE hanoinet_ready gauge\n"
	    "hanoinet_ready %d\n",
	    atomic_load(&insufficient_storage),
	    (unsigned long long)st->full_failures, ready);
}

int
hn_metrics_write(struct hn_node *n, struct hn_db *db, int64_t now,
    struct hn_buf *out)
{
	struct hn_store_stats st;
	json_t *counts = NULL, *states;
	const char *kind, *state;
	json_t *v;
	int64_t overdue = 0;
	uint64_t size, signed_size;
	int r = 0;

	if ((r = hn_requests_counts(db, now, &counts, &overdue)) != 0)
		return r;
	r |= hn_buf_adds(out,
	    "# HELP hanoinet_requests Requests by kind and "
	    "state.\n# TYPE hanoinet_requests gauge\n");
	json_object_foreach(counts, kind, states)
	{
		json_object_foreach(states, state, v) r |= hn_buf_addf(out,
		    "hanoinet_requests{kind=\"%s\","
		    "state=\"%s\"} %lld\n",
		    kind, state, (long long)json_integer_value(v));
	}
	json_decref(counts);
	r |= hn_buf_addf(out,
	    "# HELP hanoinet_requests_overdue Open requests "
	    "past a deadline.\n# TYPE hanoinet_requests_overdue gauge\n"
	    "hanoinet_requests_overdue %lld\n",
	    (long long)overdue);
	pthread_mutex_lock(&n->ledger_mu);
	size = hn_ledger_size(n->ledger_ro);
	signed_size = n->lastcp.len > 0 ? n->lastcp_size : 0;
	pthread_mutex_unlock(&n->ledger_mu);
	r |= hn_buf_addf(out,
	    "# HELP hanoinet_ledger_entries Entries in the "
	    "audit log.\n# TYPE hanoinet_ledger_entries gauge\n"
	    "hanoinet_ledger_entries %llu\n"
	    "# HELP hanoinet_ledger_signed_size Entries covered by the "
	    "last signed checkpoint.\n"
	    "# TYPE hanoinet_ledger_signed_size gauge\n"
	    "hanoinet_ledger_signed_size %llu\n",
	    (unsigned long long)size, (unsigned long long)signed_size);

	hn_store_stats(n->store, &st);
	r |= hn_http_metrics(out);
	r |= hn_buf_addf(out,
	    "# HELP hanoinet_store_commits_total "
	    "Group-committed transactions.\n"
	    "# TYPE hanoinet_store_commits_total counter\n"
	    "hanoinet_store_commits_total %llu\n"
	    "# HELP hanoinet_store_jobs_total Writes committed or failed.\n"
	    "# TYPE hanoinet_store_jobs_total counter\n"
	    "hanoinet_store_jobs_total %llu\n"
	    "# HELP hanoinet_store_jobs_failed_total Writes rolled back.\n"
	    "# TYPE hanoinet_store_jobs_failed_total counter\n"
	    "hanoinet_store_jobs_failed_total %llu\n"
	    "# HELP hanoinet_store_batch_max Largest group commit so far.\n"
	    "# TYPE hanoinet_store_batch_max gauge\n"
	    "hanoinet_store_batch_max %llu\n",
	    (unsigned long long)st.batches, (unsigned long long)st.jobs,
	    (unsigned long long)st.failed, (unsigned long long)st.max_batch);
	r |= hn_buf_addf(out,
	    "# HELP hanoinet_uptime_seconds Since start.\n"
	    "# TYPE hanoinet_uptime_seconds gauge\n"
	    "hanoinet_uptime_seconds %lld\n",
	    (long long)(now - n->started));
	r |= storage_metrics(n, &st, out);
	r |= hn_fednode_metrics(n, db, out);
	return r ? HN_ETOOBIG : 0;
}
