/*
 * node_client.h - what the client commands share: the --node/--cacert/--dir
 * options, the session token file, printing an error answer.
 *
 * The token lives in $XDG_CONFIG_HOME/hanoinet/session-<hash of URL>
 * (default ~/.config/hanoinet/), mode 0600, one per node.
 */
#ifndef HN_CLI_NODE_CLIENT_H
#define HN_CLI_NODE_CLIENT_H

#include <jansson.h>

#include "cli/cli.h"
#include "fed/client.h"

#define HN_DEFAULT_NODE "https://127.0.0.1:8247"
#define HN_CLI_RESP_MAX (16U << 20) /* a node's JSON answer */
#define HN_CLI_TIMEOUT_MS 60000L /* per request */

struct hn_cli_node {
	const char *node; /* --node URL */
	const char *cacert; /* --cacert FILE */
	const char *dir; /* --dir DIR: cacert DIR/tls.crt by default */
};

/* The defaults: node $HANOINET_NODE or HN_DEFAULT_NODE, the rest NULL. */
void hn_cli_node_init(struct hn_cli_node *o);
/* The rows of --node, --cacert and --dir in a command's option table
 * (cli/cli.h), for o after hn_cli_node_init. */
#define HN_OPT_NODE(o) \
	HN_OPT("node", &(o)->node), HN_OPT("cacert", &(o)->cacert), \
	    HN_OPT("dir", &(o)->dir)

/* The session file path for the node URL. */
int hn_cli_session_path(const char *url, char *out, size_t max);

/* A client of a node's API: the node's certificate trusted from cacert
 * (NULL: the system's CAs), the bearer token (NULL: none), JSON answers. */
int hn_cli_client(struct hn_client **cl, const char *url, const char *cacert,
    const char *token, struct hn_error *err)
    __attribute__((warn_unused_result));

/* Opens a client with the stored session (if any; need_session: fail
 * with a hint to log in first when there is none). Prints on failure. */
int hn_cli_connect(struct hn_client **cl, const struct hn_cli_node *o,
    int need_session);

/*
 * Calls the node; on success (2xx) *out is the parsed JSON answer (NULL
 * for an empty body). Otherwise prints the error answer (error, message,
 * field, article, problems) and returns the exit status (1; 2 when the
 * node could not be reached).
 */
int hn_cli_call(struct hn_client *cl, const char *method, const char *path,
    const char *body, json_t **out);

#endif
