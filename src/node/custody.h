/*
 * custody.h - evidence with its chain of custody: every step (intake,
 * seal, transfer out, received, verified, opened, exported, deleted) is a
 * row in evidence_custody AND an entry in the node's ledger, committed
 * in one transaction, so that the custody history cannot be rewritten
 * without the signed checkpoints showing it.
 *
 * The ledger is reached through struct hn_custody_sink (append one
 * entry inside the open transaction, return its index), so this module
 * does not depend on how the log is opened; a NULL append records the
 * event in the database only (ledger_index -1).
 *
 * Ledger entries are compact JSON objects with sorted keys:
 *   {"action":"intake","actor":"alice","at":"2026-11-23T17:00:00Z",
 *    "item":1,"name":"disk.img","node":"...","request":"...","sha256":"...",
 *    "size":123,"type":"evidence.custody", ...}
 * and, for an export, {"type":"evidence.export","manifest_sha256":"...",
 * "request":"...","items":[...],...} (bundle.h).
 */
#ifndef HN_NODE_CUSTODY_H
#define HN_NODE_CUSTODY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/evidence.h"
#include "store/intake.h"
#include "util/err.h"

struct hn_custody_sink {
	/* appends entry to the log inside the caller's transaction */
	int (
	    *append)(void *ctx, const void *entry, size_t len, uint64_t *index);
	void *ctx;
};

struct hn_custody {
	struct hn_db *db;
	const char *node; /* this node's name */
	struct hn_custody_sink sink;
};

/*
 * Appends the ledger entry `entry` (a JSON object; "type", "node" are
 * added) through the sink, if any. *index = -1 without a sink. Must be
 * called inside a transaction.
 */
int hn_custody_append(struct hn_custody *c, json_t *entry, int64_t *index)
    __attribute__((warn_unused_result));

/*
 * Records one custody event inside the caller's transaction: ledger entry
 * (action, item, request, name, sha256, size, actor, at, reason, detail)
 * then the evidence_custody row with its index.
 */
int hn_custody_event_tx(struct hn_custody *c, const struct hn_evidence_item *it,
    const char *action, int64_t at, const char *actor, const char *reason,
    json_t *detail, struct hn_error *err) __attribute__((warn_unused_result));

/* The same in its own transaction. */
int hn_custody_event(struct hn_custody *c, const struct hn_evidence_item *it,
    const char *action, int64_t at, const char *actor, const char *reason,
    json_t *detail, struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Registers a finished intake as an item of request_id, in one
 * transaction: the item row, an "intake" event (who, when, SHA-256, SHA-1
 * and MD5 when computed, size) and a "seal" event (object address, sealed
 * for which node key, chunk size). it receives the stored item.
 * HN_EEXIST (err says so) if the request already has an item named name.
 */
int hn_custody_add_item(struct hn_custody *c,
    const struct hn_intake_result *res, const char *request_id,
    const char *name, const char *description, const char *actor, int64_t at,
    const char *sealed_for_hex, struct hn_evidence_item *it,
    struct hn_error *err) __attribute__((warn_unused_result));
/* The same inside the caller's transaction (e.g. a store/store.h job). */
int hn_custody_add_item_tx(struct hn_custody *c,
    const struct hn_intake_result *res, const char *request_id,
    const char *name, const char *description, const char *actor, int64_t at,
    const char *sealed_for_hex, struct hn_evidence_item *it,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * An item received from another node (by hand: hanoinet evidence receive;
 * over the network: node/evrecv.c), in one transaction (the caller's if
 * one is open on c->db): the item with its intake and seal events
 * (hn_custody_add_item), its art. 36 origin and conditions, the
 * "received" event (in->received: its detail) and the "verified" event
 * (in->verified: its reason), and the incoming transfer row. it gets the
 * stored item, origin and conditions included.
 */
struct hn_custody_in {
	const struct hn_intake_result *res;
	const char *request_id, *name, *description;
	const char *actor; /* who records it */
	int64_t at;
	const char *sealed_for_hex; /* this node's key */
	const char *from; /* the sender (art. 36) */
	const char *conditions; /* the sender's conditions (art. 36) */
	json_t *received; /* detail of "received" (NULL: none) */
	const char *verified; /* reason of "verified" */
};

int hn_custody_receive(struct hn_custody *c, const struct hn_custody_in *in,
    struct hn_evidence_item *it, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Item it handed to `peer` outside the network (sealed for its key, sent
 * by other means), in one transaction: the "transfer_out" event (detail:
 * recipient, conditions, sealed_for) and the outgoing transfer row with
 * the art. 36 conditions. HN_EDENIED (nothing recorded) for received
 * data without the sender's authorisation (art. 36).
 */
int hn_custody_hand_over(struct hn_custody *c,
    const struct hn_evidence_item *it, const char *peer, const char *conditions,
    const char *sealed_for, int64_t at, const char *actor, const char *reason,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * Deletes item it at the end of its retention: the "deleted" event and
 * the mark, in one transaction (the row, its hash and its custody
 * history stay); once that is durable, its object in blobs (unless
 * another item uses the same content). HN_ESTATE (nothing done) while
 * it is under retention at `at` or none is set.
 */
int hn_custody_delete(struct hn_custody *c, const char *blobs,
    const struct hn_evidence_item *it, int64_t at, const char *actor,
    const char *reason, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Art. 36: records `ref`, the sender's authorisation of onward transfers
 * of received item it (1 to HN_EV_TEXT_MAX bytes: HN_EINVAL, HN_ETOOBIG).
 */
int hn_custody_consent(struct hn_custody *c, const struct hn_evidence_item *it,
    const char *ref) __attribute__((warn_unused_result));

/* Sets the end of item it's retention period (UTC seconds; 0: none). */
int hn_custody_retain(struct hn_custody *c, const struct hn_evidence_item *it,
    int64_t until) __attribute__((warn_unused_result));

#endif
