/*
 * evidence.h - the evidence table family: items (one per file received for
 * a request), their custody events, resumable uploads, transfers.
 *
 * An item points at a content-addressed object (store/blob.h) by its
 * SHA-256. Deleting an item (only when its retention ends) removes the
 * object, never the row: the hash and the custody history stay.
 *
 * Art. 36 (personal data): an item received from another node records who
 * sent it (`origin`) and the sender's conditions; it may be transferred
 * onward only once the sender's authorisation is recorded
 * (`onward_consent`), which hn_evidence_onward_allowed checks.
 *
 * Times are UTC seconds since the epoch, given by the caller. Text fields
 * are bounded (the HN_EV_*_MAX sizes, checked: HN_ETOOBIG). Every function
 * runs in the caller's transaction if one is open.
 */
#ifndef HN_STORE_EVIDENCE_H
#define HN_STORE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"


#define HN_EV_REQUEST_MAX 128
#define HN_EV_NAME_MAX 200
#define HN_EV_TEXT_MAX 1024
#define HN_EV_WHO_MAX 128
#define HN_EV_ACTION_MAX 32
#define HN_EV_LIST_MAX 10000

struct hn_evidence_item {
	int64_t id;
	char request_id[HN_EV_REQUEST_MAX + 1];
	char name[HN_EV_NAME_MAX +
	    1]; /* file name in exports: [A-Za-z0-9._+ -] */
	char description[HN_EV_TEXT_MAX + 1];
	char sha256[65]; /* object address */
	char sha1[41]; /* "" if not computed */
	char md5[33];
	uint64_t size;
	int64_t added_at;
	char added_by[HN_EV_WHO_MAX + 1];
	char origin[HN_EV_WHO_MAX + 1]; /* "" local, else sender node */
	char conditions[HN_EV_TEXT_MAX + 1]; /* art. 36 sender conditions */
	char onward_consent[HN_EV_TEXT_MAX + 1]; /* art. 36 authorisation ref */
	int64_t retention_until; /* 0: none set */
	int64_t deleted_at; /* 0: present */
};

struct hn_evidence_custody {
	int64_t id;
	int64_t item_id;
	char action[HN_EV_ACTION_MAX + 1]; /* hn_evidence_custody_action_valid */
	int64_t at;
	char actor[HN_EV_WHO_MAX + 1];
	char reason[HN_EV_TEXT_MAX + 1];
	char detail[HN_EV_TEXT_MAX + 1]; /* JSON object or "" */
	int64_t ledger_index; /* -1: not in the ledger */
};

/*
 * 0 if action is one of: intake seal transfer_out acknowledged received
 * verified opened exported deleted.
 */
int hn_evidence_custody_action_valid(const char *action);

/*
 * Makes a file name safe for exports: the last path component, characters
 * outside [A-Za-z0-9._+ -] replaced by '_', no leading '.', not empty,
 * at most HN_EV_NAME_MAX bytes.
 */
void hn_evidence_safe_name(char out[HN_EV_NAME_MAX + 1], const char *in);

/* Inserts it (it->id set). HN_EEXIST if the request has that name already. */
int hn_evidence_insert(struct hn_db *db, struct hn_evidence_item *it)
    __attribute__((warn_unused_result));
int hn_evidence_get(struct hn_db *db, int64_t id, struct hn_evidence_item *it)
    __attribute__((warn_unused_result));
/*
 * The items of a request (deleted ones included, marked), oldest first;
 * *items is allocated (caller frees), at most HN_EV_LIST_MAX.
 */
int hn_evidence_list(struct hn_db *db, const char *request_id,
    struct hn_evidence_item **items, size_t *n)
    __attribute__((warn_unused_result));
/* Items (other than `except_id`) still using object sha256. */
int hn_evidence_object_refs(struct hn_db *db, const char *sha256,
    int64_t except_id, int64_t *count) __attribute__((warn_unused_result));
int hn_evidence_mark_deleted(struct hn_db *db, int64_t id, int64_t at)
    __attribute__((warn_unused_result));
int hn_evidence_set_consent(struct hn_db *db, int64_t id, const char *consent)
    __attribute__((warn_unused_result));

/* Art. 36: records who sent a received item and the sender's conditions. */
int hn_evidence_set_origin(struct hn_db *db, int64_t id, const char *origin,
    const char *conditions) __attribute__((warn_unused_result));

/* Sets the end of the retention period (0: none). */
int hn_evidence_set_retention(struct hn_db *db, int64_t id, int64_t until)
    __attribute__((warn_unused_result));

/*
 * Records a transfer of item_id to or from `peer` (direction "out" or
 * "in") with the art. 36 conditions that travel with it.
 */
int hn_transfer_insert(struct hn_db *db, int64_t item_id, const char *direction,
    const char *peer, const char *conditions, int64_t at)
    __attribute__((warn_unused_result));

/* Art. 36: 0 if it may be sent to another State, HN_EDENIED if not. */
int hn_evidence_onward_allowed(const struct hn_evidence_item *it);

/*
 * A resumable upload in progress (the API's POST /v1/evidence): what the
 * item will be once finished. The bytes are in DIR/blobs/uploads/ID.part.
 */
struct hn_upload {
	char id[65];
	char request_id[HN_EV_REQUEST_MAX + 1];
	char name[HN_EV_NAME_MAX + 1];
	char description[HN_EV_TEXT_MAX + 1];
	char created_by[HN_EV_WHO_MAX + 1];
	int64_t created_at;
};

int hn_upload_insert(struct hn_db *db, const struct hn_upload *u)
    __attribute__((warn_unused_result));
/* HN_ENOTFOUND if there is no such upload. */
int hn_upload_get(struct hn_db *db, const char *id, struct hn_upload *u)
    __attribute__((warn_unused_result));
int hn_upload_delete(struct hn_db *db, const char *id)
    __attribute__((warn_unused_result));

int hn_evidence_custody_insert(struct hn_db *db, struct hn_evidence_custody *ev)
    __attribute__((warn_unused_result));
/* An item's events, oldest first (allocated; at most HN_EV_LIST_MAX). */
int hn_evidence_custody_list(struct hn_db *db, int64_t item_id,
    struct hn_evidence_custody **evs, size_t *n)
    __attribute__((warn_unused_result));

#endif
