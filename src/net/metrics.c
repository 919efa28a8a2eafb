#include "net/metrics.h"

#include "node/federation.h"
#include <jansson.h>
#include <pthread.h>

#include "store/ledger.h"
#include "net/http.h"
#include "store/requests.h"
#include "node/node.h"
#include "store/store.h"

int
hn_metrics_write(struct hn_node *n, struct hn_db *db, int64_t now,
    struct hn_buf *out)
{
	struct hn_store_stats st;
	json_t *counts = NULL, *states;
	const char *kind, *state;
	json_t *v;
	int64_t overdue = 0;
	uint64_t size;
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
	pthread_mutex_unlock(&n->ledger_mu);
	r |= hn_buf_addf(out,
	    "# HELP hanoinet_ledger_entries Entries in the "
	    "audit log.\n# TYPE hanoinet_ledger_entries gauge\n"
	    "hanoinet_ledger_entries %llu\n",
	    (unsigned long long)size);

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
	r |= hn_fednode_metrics(n, db, out);
	return r ? HN_ETOOBIG : 0;
}
