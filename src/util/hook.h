/*
 * hook.h - test hooks: fault and timing injection points that only the
 * test executable honours.
 *
 * Two implementations of one contract, chosen at link time:
 *   src/util/hook_none.c  linked into the shipped `hanoinet` (and every
 *                         library user): no hook is ever set; it holds no
 *                         hook names, so the shipped binary cannot be
 *                         steered by the environment.
 *   tests/hooks/hook_env.c  linked into `hanoinet-test` only (same main.c,
 *                         same libraries): each hook reads one HN_TEST_*
 *                         environment variable.
 * Integration tests run `hanoinet-test` ($HN_BIN); the shipped binary is
 * $HN_SHIPPED_BIN (tests/integration/build_hooks.sh checks it carries no
 * hook).
 */
#ifndef HN_UTIL_HOOK_H
#define HN_UTIL_HOOK_H

enum hn_hook {
	/* evidence sender (docs/protocol.md section 7) */
	HN_HOOK_XFER_DUMP, /* str: directory; keep each signed object sent */
	HN_HOOK_XFER_STOP_AFTER, /* int: stop the sender after N pieces */
	HN_HOOK_XFER_HOLD_AFTER, /* int: hold after N pieces until ... */
	HN_HOOK_XFER_RELEASE, /* str: ... this file exists (else until stop) */
	HN_HOOK_XFER_REQUEST, /* str: announce this request id instead */
	HN_HOOK_XFER_WRONG_SHA, /* set: announce a false SHA-256 */
	/* `evidence add --url` (net/upload.c) */
	HN_HOOK_UPLOAD_FAIL_AFTER, /* int: drop the connection once after N
				      pieces */
	/* evidence intake (node/evidence.c) */
	HN_HOOK_UPLOAD_HOLD, /* str: a PUT holds its upload, once it has it,
				until this file exists (it creates FILE.held
				first; at most 30 s) */
	HN_HOOK_COUNT
};

/* The hook's text, or NULL when unset (always NULL in the shipped build).
 * Empty counts as unset. */
const char *hn_hook_str(enum hn_hook h);

/* The hook's value as a decimal integer; 0 when unset or not a number. */
long hn_hook_int(enum hn_hook h);

/* 1 when the hook is set (to anything non-empty), else 0. */
int hn_hook_on(enum hn_hook h);

#endif
