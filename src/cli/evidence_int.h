/*
 * evidence_int.h - private to the files of `hanoinet evidence`:
 *   evidence.c           the subcommand table; list, get, export, verify,
 *                        send (through a running node)
 *   evidence_node.c      a node's data directory opened by the CLI
 *   evidence_add.c       add (on the data directory or through the API)
 *   evidence_transfer.c  seal-for, receive, consent (art. 36)
 *   evidence_retain.c    retain, delete
 * Helpers that can fail print their own error and return the exit status
 * (1: a negative answer, 2: usage or unreadable input) or 0.
 */
#ifndef HN_CLI_EVIDENCE_INT_H
#define HN_CLI_EVIDENCE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/seal.h"
#include "ledger/note.h"
#include "node/custody.h"
#include "store/evidence.h"
#include "store/ledger.h"
#include "store/store.h"

#define KEYFILE_MAX 1024
#define NAME_MAX_ (HN_NOTE_NAME_MAX + 1)

/* A node's data directory: its keys, database, ledger, and custody bound
 * to them (entries appended in the caller's transaction). */
struct ev_node {
	char dir[1024];
	char blobs[1100];
	char name[NAME_MAX_];
	uint8_t sk[64];
	struct hn_seal_keys keys;
	struct hn_db *db;
	struct hn_ledger *ledger;
	struct hn_custody custody;
};

/* --dir's default: $HANOINET_DIR, else ".". */
const char *ev_default_dir(void);
/* --by's default: $USER, else "cli". */
const char *ev_default_actor(void);

/* Opens DIR (signing.key, hanoinet.db, blobs/, the ledger). 0 or the exit
 * status; on failure nothing stays open. */
int ev_node_open(struct ev_node *n, const char *dir);
/* Closes what ev_node_open opened and wipes the keys. */
void ev_node_close(struct ev_node *n);

/* Evidence answers a request this node holds (art. 40): 0 or 1/2. */
int ev_request_held(struct ev_node *n, const char *id);
/* The live item NAME of REQUEST into *out: 0 or 1. */
int ev_find_item(struct ev_node *n, const char *request, const char *name,
    struct hn_evidence_item *out);

/* Reads a bearer token (first line of path) into out: 0 or an HN_E* code
 * (prints nothing). */
int ev_read_token(const char *path, char *out, size_t max);

int ev_cmd_add(int argc, char **argv);
int ev_cmd_seal_for(int argc, char **argv);
int ev_cmd_receive(int argc, char **argv);
int ev_cmd_consent(int argc, char **argv);
int ev_cmd_retain(int argc, char **argv);
int ev_cmd_delete(int argc, char **argv);

#endif
