/*
 * log_int.h - private helpers shared by the `hanoinet log` command files
 * (log.c: dispatch and proof verification, log_merkle.c, log_note.c,
 * log_node.c). Every helper prints its own error and returns the exit
 * status (2: usage, unreadable or bad input) or 0.
 */
#ifndef HN_CLI_LOG_INT_H
#define HN_CLI_LOG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/merkle.h"
#include "util/buf.h"

#define LOG_FILE_MAX (256u << 20) /* leaf files: 256 MiB */
#define LOG_KEY_MAX 4096 /* key files */

/* Strict unsigned decimal. 0 or 2 (error printed, names `what`). */
int log_u64(const char *s, const char *what, uint64_t *v);
/* 64 hex digits (either case). 0 or 2. */
int log_hash(const char *s, const char *what, uint8_t out[32]);

/* Reads a whole file ("-" = stdin) with a limit. 0 or 2. */
int log_read(const char *path, size_t max, struct hn_buf *out);

/*
 * Reads a leaf file (one leaf per line as hex, an empty line is the empty
 * leaf, a final newline adds no leaf) into a newly allocated array of leaf
 * hashes. 0 or 2.
 */
int log_leaves(const char *path, struct hn_sha256 *h, uint8_t (**out)[32],
    uint64_t *n);

/* Reads a proof file (one hex hash per line). 0 or 2. */
int log_proof(const char *path, uint8_t (*proof)[32], size_t *n);
/* Prints a proof, one lowercase hex hash per line. */
void log_print_proof(const uint8_t (*proof)[32], size_t n);
void log_print_hash(const uint8_t h[32]);

int log_cmd_merkle(int argc, char **argv);
int log_cmd_note(int argc, char **argv);
int log_cmd_checkpoint(int argc, char **argv);
int log_cmd_prove(int argc, char **argv);
int log_cmd_verify(int argc, char **argv);
int log_cmd_append(int argc, char **argv);
int log_cmd_export(int argc, char **argv);

#endif
