/*
 * case.h - the CASE/UCO 1.4 description of an evidence export
 * (case.jsonld): the investigation and its authorisation, one File per
 * item with its hashes, and for every custody step one investigative action
 * and one provenance record, chained in order. Pure: the caller (node/
 * export.c) reads the items and their custody steps from storage.
 *
 * Ids are stable ("kb:KIND-UUID", the UUID name-based on the node, the
 * request and the item or step): exporting again gives the same document
 * for the same history.
 */
#ifndef HN_LEDGER_CASE_H
#define HN_LEDGER_CASE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* One custody step of a file (an evidence_custody row). */
struct hn_case_step {
	int64_t id;
	const char *action, *actor, *reason; /* reason: "" if none */
	int64_t at; /* UTC seconds */
	int64_t ledger_index; /* -1: not in the ledger */
};

/* One exported file. sha1, md5, description: "" if unknown. */
struct hn_case_file {
	int64_t id;
	const char *name, *description, *sha256, *sha1, *md5;
	uint64_t size;
	const struct hn_case_step *steps; /* in order */
	size_t nsteps;
};

/*
 * Builds the document for request req of node `node` with files[0..n);
 * *out receives it (json_decref it). HN_ENOMEM, HN_ETOOBIG (an exhibit
 * number too long).
 */
int hn_case_document(json_t **out, const char *node, const char *req,
    const struct hn_case_file *files, size_t n)
    __attribute__((warn_unused_result));

#endif
