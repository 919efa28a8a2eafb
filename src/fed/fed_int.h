/*
 * fed_int.h - the federation runtime's private state, shared by fed.c
 * (directory, inbox, outbox) and witness.c. Not for use outside src/fed/.
 */
#ifndef HN_FED_FED_INT_H
#define HN_FED_FED_INT_H

#include <pthread.h>

#include "fed/fed.h"
#include "fed/retry.h"
#include "fed/client.h"
#include "store/fed.h"

#define MAX_PEERS 64
#define HN_FED_MARKS_MAX 256 /* receipts waiting for the marker thread */
/* A claim: the work item's kind ('m' message, 'e' evidence) and id. */
#define HN_FED_CLAIM_LEN (HN_MSGID_LEN + 2)

/* A verified receipt waiting to be recorded (fed.c, marker thread). */
struct fed_mark {
	struct hn_receipt *rc; /* owned */
	int attempts; /* the row's attempts, this one included */
	int64_t now_ms;
};

struct peer_slot {
	char code[4];
	char url[HN_DIR_URL_MAX + 1];
	struct hn_client *p;
};

struct hn_fed_worker {
	struct hn_fed *f;
	int k;
	pthread_t th;
	int started;
	struct peer_slot peers[MAX_PEERS]; /* this thread's clients */
	size_t npeers;
	struct hn_outbox_due *due; /* scan buffer */
	size_t ndue;
};

struct hn_fed {
	struct hn_fed_config cfg;
	struct hn_fed_env env;
	struct hn_retry retry; /* from cfg: messages, evidence */
	uint8_t sk[HN_ED25519_SK_LEN];

	pthread_rwlock_t dir_lock;
	struct hn_directory *dir; /* held copy, or NULL */

	pthread_mutex_t mu;
	pthread_cond_t cv; /* witness, directory: stop */
	unsigned long kicks; /* bumped by hn_fed_kick */
	int queued; /* hn_fed_queue since the last hn_fed_committed */
	int stopping, started;
	struct hn_fed_worker *workers; /* delivery threads */
	int nworkers;
	pthread_cond_t wcv; /* idle delivery threads */
	char (*inflight)[HN_FED_CLAIM_LEN]; /* work items claimed (mu): one
					       owner each */
	size_t ninflight;
	struct fed_mark marks[HN_FED_MARKS_MAX]; /* for the marker (mu) */
	size_t nmarks;
	pthread_cond_t mcv; /* the marker: marks queued */
	pthread_cond_t roomcv; /* delivery threads: room */
	pthread_t marker;
	int marker_started, workers_done;

	pthread_mutex_t stats_mu;
	struct hn_fed_stats stats;

	/* witnessing (witness.c) */
	pthread_t witness;
	int witness_started;
	struct peer_slot wpeers[MAX_PEERS]; /* witness thread only */
	size_t nwpeers;
	char key_name[HN_SIGNER_MAX + 1];

	/* directory refresh from the registry */
	pthread_t dirthread;
	int dir_started;
	uint8_t registry_pin[32];
	int has_registry_pin;
};


/* The cached client for a directory entry among a thread's slots. Called
 * with the directory lock held. */
struct hn_client *hn_fed_peer_for(struct hn_fed *f, struct peer_slot *slots,
    size_t *n, const struct hn_dir_party *p, struct hn_error *err);

void *hn_fed_witness_main(void *arg);
int64_t hn_fed_now_ms(void);

#define STAT_INC(f, field) \
	do { \
		pthread_mutex_lock(&(f)->stats_mu); \
		(f)->stats.field++; \
		pthread_mutex_unlock(&(f)->stats_mu); \
	} while (0)

#endif
