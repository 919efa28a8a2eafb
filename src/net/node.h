/*
 * node.h - a running node: its configuration, data directory, storage and
 * the shared state every handler reaches through r->node.
 *
 * Data directory (hanoinet init): DIR/hanoinet.conf, DIR/hanoinet.db,
 * DIR/signing.key (0600), DIR/tls.key (0600), DIR/tls.crt, DIR/blobs/;
 * the directory itself is 0700.
 *
 * Configuration: `key = value` lines, '#' comments. The accepted keys are
 * the rows of the table in node.c (an unknown key is an error, so a typo
 * does not silently fall back to a default).
 */
#ifndef HN_NET_NODE_H
#define HN_NET_NODE_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct hn_store;
struct hn_http;
struct hn_fednode;

#define HN_CONF_MAX_ENTRIES 64
#define HN_CONF_VALUE_MAX 512
#define HN_DEFAULT_LISTEN "127.0.0.1:8247"
#define HN_DEFAULT_BODY_MAX (1U << 20)

struct hn_conf {
	char path[PATH_MAX];
	char dir[PATH_MAX]; /* the data directory (the config file's dir) */
	int n;
	char key[HN_CONF_MAX_ENTRIES][64];
	char value[HN_CONF_MAX_ENTRIES][HN_CONF_VALUE_MAX];
};

/* Parses a config file; HN_EPARSE names the line, HN_EINVAL unknown keys. */
int hn_conf_load(struct hn_conf *c, const char *path, struct hn_error *err)
    __attribute__((warn_unused_result));
/* The value of key, or its default from the key table. */
const char *hn_conf_get(const struct hn_conf *c, const char *key);
/* Integer value within [min, max]; HN_ERANGE otherwise. */
int hn_conf_int(const struct hn_conf *c, const char *key, long min, long max,
    long *out, struct hn_error *err) __attribute__((warn_unused_result));
/* Writes the commented default configuration for `party` and `name`. */
int hn_conf_write_default(const char *path, const char *party,
    const char *name, struct hn_error *err)
    __attribute__((warn_unused_result));
/* DIR/FILE into out; HN_ETOOBIG if too long. */
int hn_conf_path(const struct hn_conf *c, const char *file, char *out,
    size_t max);

struct hn_node {
	struct hn_conf conf;
	char party[8];             /* ISO 3166-1 alpha-3 (or EUU) */
	char name[256];            /* node name (certificate CN) */
	struct hn_store *store;
	json_t *parties;           /* the register: {"parties": [...]} */
	size_t body_max;
	int64_t session_ttl;       /* seconds */
	int max_failed_logins;
	int64_t lockout_s;
	int64_t started;
	uint8_t tls_fp[32];        /* SHA-256 of our certificate */
	struct hn_fednode *fed;    /* the federation (net/fednode.h) */
};

/*
 * Loads the configuration at conf_path, opens the store and the register.
 * The caller starts the HTTP server; hn_node_close frees (NULL ok).
 */
int hn_node_open(struct hn_node **out, const char *conf_path,
    struct hn_error *err) __attribute__((warn_unused_result));
void hn_node_close(struct hn_node *n);

/* Periodic upkeep (expired sessions); called about once a minute. */
void hn_node_tick(struct hn_node *n, int64_t now);

#endif
