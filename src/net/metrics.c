#include "net/metrics.h"

#include "net/fednode.h"
#include "net/http.h"
#include "net/node.h"
#include "store/store.h"

int
hn_metrics_write(struct hn_node *n, struct hn_db *db, int64_t now,
    struct hn_buf *out)
{
	struct hn_store_stats st;
	int r = 0;

	hn_store_stats(n->store, &st);
	r |= hn_http_metrics(out);
	r |= hn_buf_addf(out, "# HELP hanoinet_store_commits_total "
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
	r |= hn_buf_addf(out, "# HELP hanoinet_uptime_seconds Since start.\n"
	    "# TYPE hanoinet_uptime_seconds gauge\n"
	    "hanoinet_uptime_seconds %lld\n", (long long)(now - n->started));
	r |= hn_fednode_metrics(n, db, out);
	return r ? HN_ETOOBIG : 0;
}
