/*
 * evwire.h - the federation side of evidence transfers (docs/protocol.md
 * section 7): the signed objects a sending node puts on the wire and how
 * the receiving node authenticates them, exactly as POST /v1/inbox does.
 *
 * An evidence-transfer object is a signed object (fed/signed.h) of type
 * hanoinet-evidence-v1 whose signer is the sending party's code and whose
 * payload is a compact JSON object with at least
 *   {"v":1,"op":"offer|chunk|finish","transfer":"<32 hex>",
 *    "sender":"VNM","recipient":"FRA","time":"2026-11-23T20:00:00Z", ...}
 * Because the type is bound into the signature, an evidence object can
 * never pass as an envelope on /v1/inbox, nor an envelope as a chunk.
 *
 * The sending side uses the held directory to find the recipient (URL,
 * TLS pin, signing key: the key the sealed stream is wrapped for) and
 * the node's own key to sign.
 */
#ifndef HN_FED_EVWIRE_H
#define HN_FED_EVWIRE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "fed/directory.h"
#include "fed/envelope.h"
#include "fed/fed.h"
#include "util/buf.h"
#include "util/err.h"

#define HN_EVW_MAX ((1u << 20) + 4096) /* bytes of one signed object */
#define HN_EVW_DEPTH 4
#define HN_EVW_PIECE (512u << 10) /* sealed-stream bytes per chunk */

/*
 * Authenticates a signed evidence-transfer object that arrived over
 * mutual TLS (peer_fp: SHA-256 of the client certificate, NULL if none),
 * in this order, stopping at the first failure:
 *   503 stale_directory       no unexpired directory held
 *   400 malformed             not a signed object of this type, or the
 *                             payload is not a JSON object with v, op,
 *                             transfer, sender, recipient, time
 *   403 unknown_sender        the signer is not in the directory
 *   403 certificate_mismatch  the client certificate is not the signer's
 *   403 bad_signature         the signature does not verify
 *   400 malformed             payload sender != signer
 *   400 wrong_recipient       the recipient is not this node's party
 *   400 stale_time            time outside the inbox window
 * On success returns 0 with *payload (owned by the caller) and sender;
 * otherwise *status, *code and msg are set (and the rejection logged).
 */
int hn_fed_evidence_open(struct hn_fed *f, const char *body, size_t len,
    const uint8_t *peer_fp, int64_t now, json_t **payload, char sender[4],
    int *status, const char **code, char *msg, size_t msglen)
    __attribute__((warn_unused_result));

/* Signs payload (a JSON object, compact, keys sorted) as this node. */
int hn_fed_evidence_sign(struct hn_fed *f, const json_t *payload,
    struct hn_buf *out) __attribute__((warn_unused_result));

/*
 * A copy of the directory entry of `code` (entry->entry is NULL in the
 * copy). HN_ESTATE: no unexpired directory; HN_ENOTFOUND: not listed.
 */
int hn_fed_party_copy(struct hn_fed *f, const char *code, int64_t now,
    struct hn_dir_party *out) __attribute__((warn_unused_result));

/* Verifies a receipt under its signer's directory key and parses it. */
int hn_fed_receipt_check(struct hn_fed *f, const char *data, size_t len,
    struct hn_receipt **out, struct hn_error *err)
    __attribute__((warn_unused_result));

/* This node's party code. */
const char *hn_fed_self(struct hn_fed *f);
long hn_fed_timeout_ms(struct hn_fed *f);

#endif
