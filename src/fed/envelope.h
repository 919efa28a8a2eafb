/*
 * envelope.h - signed messages between nodes, and the receipts that
 * acknowledge them.
 *
 * An envelope is a signed object (fed/signed.h) of type
 * hanoinet-envelope-v1 whose signer is the sending party's code and whose
 * payload is a compact JSON object:
 *
 *   {"body":{...},"id":"<32 hex>","in_reply_to":"...","kind":"preservation",
 *    "recipient":"FRA","sender":"VNM","time":"2026-11-23T16:40:05Z","v":1}
 *
 * The receiver looks the signer up in the directory, verifies the signature
 * over the exact bytes received, and only then parses the JSON; the
 * payload's sender must equal the signer. Nothing is re-serialised before
 * verification (docs/protocol.md).
 *
 * A receipt is a signed object of type hanoinet-receipt-v1 signed by the
 * receiving party: {"checkpoint":"...","ledger_index":N,"message_id":"...",
 * "received_at":"...","recipient":"FRA","sender":"VNM","v":1}.
 *
 * Ownership: *_open return a struct the caller frees with the matching
 * *_free; *_free(NULL) is a no-op.
 */
#ifndef HN_FED_ENVELOPE_H
#define HN_FED_ENVELOPE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sign.h"
#include "fed/directory.h"
#include "util/buf.h"
#include "util/err.h"

#define HN_ENV_MAX ((1u << 20) + 4096) /* bytes of a signed envelope */
#define HN_ENV_DEPTH 32
#define HN_MSGID_LEN 32 /* hex digits of a message id */
#define HN_REF_MAX 64 /* bytes of in_reply_to */
#define HN_KIND_MAX 31
#define HN_RECEIPT_MAX 16384
#define HN_REFUSED_MAX 512 /* bytes of a refusal reason in a receipt */
#define HN_CHECKPOINT_MAX 8192

/* Message kinds: every request kind, then the messages about a request. */
struct hn_msg_kind {
	const char *name;
	int is_request; /* starts a request (core's kinds) */
	int needs_reply_to; /* must name the request or message answered */
	const char *article; /* of the Convention, for documentation */
};

/* The NULL-terminated table of kinds. */
extern const struct hn_msg_kind hn_msg_kinds[];
const struct hn_msg_kind *hn_msg_kind_find(const char *name);

struct hn_envelope {
	char id[HN_MSGID_LEN + 1];
	char sender[4], recipient[4];
	char kind[HN_KIND_MAX + 1];
	int64_t time;
	char in_reply_to[HN_REF_MAX + 1]; /* "" when none */
	json_t *body; /* borrowed from doc */
	json_t *doc; /* the parsed payload (owned) */
	char *raw; /* the signed object (owned) */
	size_t raw_len;
	size_t payload_off; /* payload = raw + payload_off */
};

void hn_envelope_free(struct hn_envelope *e);

/* A fresh random 128-bit message id in lowercase hex. */
void hn_msgid_new(char id[HN_MSGID_LEN + 1]);
/* 1 if s is 32 lowercase hex digits. */
int hn_msgid_valid(const char *s);

/*
 * Builds and signs an envelope; appends the signed object to out. body
 * must be a JSON object (not consumed); in_reply_to may be NULL or "".
 */
int hn_envelope_seal(struct hn_buf *out, const char *id, const char *sender,
    const char *recipient, const char *kind, int64_t time,
    const char *in_reply_to, const json_t *body,
    const uint8_t sk[HN_ED25519_SK_LEN], struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Verifies under the sender's entry in dir, then parses. Errors:
 * HN_EPARSE/HN_ETOOBIG malformed (field named), HN_ENOTFOUND signer not in
 * the directory ("unknown_sender"), HN_EVERIFY bad signature, HN_EINVAL a
 * payload field is wrong (field named; sender != signer is field "sender").
 */
int hn_envelope_open(struct hn_envelope **out, const char *data, size_t len,
    const struct hn_directory *dir, struct hn_error *err)
    __attribute__((warn_unused_result));

/* The same with an explicit key (the signer must still be a party code). */
int hn_envelope_open_pk(struct hn_envelope **out, const char *data, size_t len,
    const uint8_t pk[HN_ED25519_PK_LEN], struct hn_error *err)
    __attribute__((warn_unused_result));

struct hn_receipt {
	char message_id[HN_MSGID_LEN + 1];
	char sender[4], recipient[4]; /* of the message receipted */
	int64_t received_at;
	uint64_t ledger_index;
	char *checkpoint; /* signed checkpoint note (owned) */
	char refused[HN_REFUSED_MAX + 1]; /* "" or why the message was
					     refused for good (the receiver
					     keeps it; never retried) */
	char *raw; /* the signed receipt (owned) */
	size_t raw_len;
};

void hn_receipt_free(struct hn_receipt *r);

/* Signs a receipt as `recipient` (the receiving party). */
int hn_receipt_seal(struct hn_buf *out, const char *message_id,
    const char *sender, const char *recipient, int64_t received_at,
    uint64_t ledger_index, const char *checkpoint,
    const uint8_t sk[HN_ED25519_SK_LEN], struct hn_error *err)
    __attribute__((warn_unused_result));
/*
 * The same for a message stored but refused (`refused`: why, at most
 * HN_REFUSED_MAX bytes; NULL or "" for an accepted one): the message is
 * not a legal change of the receiver's copy of its request (docs/
 * protocol.md section 4). The sender must not send it again.
 */
int hn_receipt_seal_refused(struct hn_buf *out, const char *message_id,
    const char *sender, const char *recipient, int64_t received_at,
    uint64_t ledger_index, const char *checkpoint, const char *refused,
    const uint8_t sk[HN_ED25519_SK_LEN], struct hn_error *err)
    __attribute__((warn_unused_result));

/* Verifies a receipt under the signer's directory entry (or pk if dir is
 * NULL) and parses it. */
int hn_receipt_open(struct hn_receipt **out, const char *data, size_t len,
    const struct hn_directory *dir, const uint8_t *pk, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
