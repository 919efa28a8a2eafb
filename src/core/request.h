/*
 * request.h - request kinds and their validation (core, pure).
 *
 * Owner: core (issue 2). Used by cli/request (validate), net/ (POST
 * /v1/requests, GET /v1/kinds) and fed/ (incoming requests).
 *
 * Each request kind is one row of a table: its name, article, and fields,
 * each field with its type, whether it is required, its maximum length and
 * the article item it comes from. Validation walks the table and returns a
 * LIST of problems (field, message, article) so that an officer sees every
 * mistake at once. The same table is exported as JSON (hn_kinds_json) so
 * that clients validate with the server's own rules. docs/requests.md
 * describes every kind and field.
 */
#ifndef HN_CORE_REQUEST_H
#define HN_CORE_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/treaty.h"
#include "util/err.h"

#define HN_REQUEST_MAX_BYTES (1u << 20) /* one request document */
#define HN_REQUEST_MAX_TEXT (64u << 10) /* one text field, in bytes */
#define HN_REQUEST_MAX_DEPTH 32 /* JSON nesting */
#define HN_REQUEST_MAX_ITEMS 256 /* entries of a list field */

enum hn_ftype {
	HN_FT_TEXT, /* non-empty string of at most `max` bytes */
	HN_FT_PARTY, /* three capital letters, e.g. "VNM" */
	HN_FT_BOOL, /* true or false */
	HN_FT_TRUE, /* must be true (e.g. art. 42 (f)) */
	HN_FT_BASIS, /* "unccc", "budapest", "bilateral", "reciprocity" */
	HN_FT_KIND, /* the name of a kind */
	HN_FT_TIME, /* "YYYY-MM-DDTHH:MM:SSZ" (UTC) */
	HN_FT_ITEMS, /* non-empty array of objects described by `items` */
	HN_FT_LANG, /* a language tag: "fr", "es-419", "zh-Hans" */
};

/* "text", "party", ... as /v1/kinds and docs/requests.md name them. */
const char *hn_ftype_name(enum hn_ftype t);

struct hn_field {
	const char *name;
	enum hn_ftype type;
	bool required;
	size_t max; /* bytes for text, entries for lists */
	const char *article; /* "42 (c)" */
	const struct hn_field *items; /* HN_FT_ITEMS: NULL-name-terminated */
	const char *help; /* one line for forms and docs */
};

struct hn_kind {
	const char *name; /* "preservation" */
	const char *article; /* "42" */
	const char *title; /* "Expedited preservation of stored data" */
	const struct hn_field *fields; /* terminated by a NULL name */
	bool via_247; /* may go through the 24/7 network (art. 41) */
	bool emergency; /* needs a supervisor's approval before sending */
	bool preservation; /* has the preserved/extended/expired states */
};

/* The kinds, terminated by a row whose name is NULL. */
extern const struct hn_kind hn_kinds[];

/* The kind called `name`, or NULL. */
const struct hn_kind *hn_kind_find(const char *name);
/* The field `name` of kind k (top level), or NULL. */
const struct hn_field *hn_kind_field(const struct hn_kind *k, const char *name);

#define HN_PROBLEMS_MAX 64
#define HN_PROBLEM_FIELD_MAX 128
#define HN_PROBLEM_MESSAGE_MAX 160
#define HN_PROBLEM_ARTICLE_MAX 32

struct hn_problem {
	char field[HN_PROBLEM_FIELD_MAX]; /* "data[0].relation_to_offence" */
	char message[HN_PROBLEM_MESSAGE_MAX]; /* "required" */
	char article[HN_PROBLEM_ARTICLE_MAX]; /* "42 (c)"; "" when none */
};

/* A list of at most HN_PROBLEMS_MAX problems; `truncated` says more were
 * found. Initialise with hn_problems_init (or zero it). */
struct hn_problems {
	size_t n;
	bool truncated;
	struct hn_problem p[HN_PROBLEMS_MAX];
};

void hn_problems_init(struct hn_problems *ps);
void hn_problems_add(struct hn_problems *ps, const char *field,
    const char *article, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "FIELD: MESSAGE (art. ARTICLE)" or "FIELD: MESSAGE". */
void hn_problem_format(const struct hn_problem *p, char *buf, size_t n);

/*
 * Checks a parsed request against its kind's row: required fields present,
 * types and lengths, unknown fields (an error: a typo must not pass),
 * `from`/`to` three capital letters (whether they are parties is checked
 * when the request is sent), mla_to_follow true (art. 42 (f)), a
 * traffic_disclosure's `preservation_reference` (art. 43), a stated
 * `deadline` with its `deadline_reason` (art. 40). Art. 42 (d) asks only
 * for "any available information": custodian and system_location are
 * optional. Appends the problems to
 * `out` (which the caller initialised). Returns 0 when there are none,
 * HN_EVALIDATE otherwise.
 */
int hn_request_validate(const json_t *req, struct hn_problems *out);

/*
 * Texts shown to officers (issue 15): a control character (C0 but TAB, LF
 * and the CR of a CRLF; DEL; C1) or a bidirectional override or isolate
 * (U+202A..U+202E, U+2066..U+2069) could hide or reorder what another officer
 * reads
 * ("Trojan Source"). The marks LRM, RLM and ALM, which Arabic text needs
 * and which reorder nothing beyond their neighbours, pass.
 * hn_text_unsafe: the byte offset of the first such character of s (valid
 * UTF-8, len bytes) and its code point in *cp, or -1 if there is none.
 */
long hn_text_unsafe(const char *s, size_t len, unsigned *cp);
/*
 * Every string of v (objects and arrays walked, depth bounded): 0, or
 * HN_EVALIDATE with err's field the path of the first unsafe one
 * ("payload.reason", "data[0].description"; `prefix` names v itself).
 */
int hn_text_check(const json_t *v, const char *prefix, struct hn_error *err)
    __attribute__((warn_unused_result));

/*
 * Parses a request document (at most HN_REQUEST_MAX_BYTES, depth at most
 * HN_REQUEST_MAX_DEPTH) and validates it. A document that does not parse,
 * is too large or too deep is one problem with field "(document)". On
 * success (0) *out is the parsed request (caller json_decref()s it); else
 * *out is NULL and the return is HN_EVALIDATE.
 */
int hn_request_parse(const char *text, size_t len, json_t **out,
    struct hn_problems *problems);

/* The request's legal basis (default unccc); HN_EINVAL if invalid. */
int hn_request_basis(const json_t *req, enum hn_basis *out);

/*
 * The kinds table as JSON (served at GET /v1/kinds):
 * {"limits": {"request_bytes", "text_bytes", "depth", "items"},
 *  "kinds": [{"name", "article", "title", "via_247", "emergency",
 *             "preservation", "one_of": [] (kept for old clients),
 *             "fields": [{"name", "type", "required", "max", "article",
 *                         "help", "items": [...]}],
 *             "transitions": [{"side", "from", "to", "article",
 *                              "needs": ["supervisor"|"grounds"|"reason"]}]}],
 *  "states": ["draft", ...],
 *  "grounds": hn_grounds_json() (grounds.h): [{"code", "article", "text",
 *              "preservation_only", "citation", "applies"}]}
 * (core/protocol.h explains states and transitions, core/grounds.h the
 * grounds.)
 * A new reference; NULL on ENOMEM.
 */
json_t *hn_kinds_json(void);

/*
 * Art. 40: a request goes "in a language acceptable to the requested
 * State". 0 if req states no "language", or one whose primary subtag
 * (case-insensitive: "es-419" is "es") is among the n tags the requested
 * party `to` accepts (its directory entry); otherwise HN_EDENIED and a
 * reason naming both ("FRA accepts requests in fr, en; this request is in
 * es (art. 40)").
 */
int hn_request_language_check(const json_t *req, const char *to,
    const char *const *accepted, size_t n, char *reason, size_t reasonlen);

/*
 * The treaty gate for a parsed, valid request: this node's party `self` is
 * its `from` or its `to`; the other one and the request's legal_basis go to
 * hn_treaty_gate() (treaty.h). Returns 0 if allowed, HN_EDENIED with a
 * reason naming the basis, HN_EINVAL if self is neither party or the basis
 * is invalid (reason says so).
 */
int hn_request_gate(const json_t *req, const struct hn_register *const *regs,
    size_t nregs, const struct hn_partners *partners, const char *self,
    int32_t date, char *reason, size_t reasonlen);

/* The stated "deadline" (art. 40) as Unix seconds; HN_ENOTFOUND if absent,
 * HN_EINVAL if malformed. */
int hn_request_deadline(const json_t *req, int64_t *out);

#endif
