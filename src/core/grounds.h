/*
 * grounds.h - the grounds on which a requested State may refuse, each with
 * its exact source, and which of them a refusal may invoke for a given
 * kind, legal basis and requested party (core, pure).
 *
 * Art. 40 lists the grounds for mutual legal assistance in general;
 * preservation (art. 42) and the disclosure of preserved traffic data
 * (art. 43) may be refused only on a narrow subset (Budapest 29(5) and
 * 30(2): a political offence, or sovereignty, security, ordre public or
 * other essential interests). The dual-criminality ground exists only for
 * a party that made the reservation, and only for an offence not
 * established under the Convention.
 *
 * Every citation names one thing: instrument, article, paragraph, letter.
 * Where the UN text's paragraph or letter could not be confirmed from a
 * source, `confirmed` is false and the docs say so (docs/requests.md,
 * "Grounds for refusal").
 *
 * The table (hn_grounds[]) has one row per ground and source: the same
 * code (e.g. "sovereignty_security_public_order") appears once per
 * instrument and kind class it applies to, each row with its own citation
 * (UNCCC art. 40(21)(b); Budapest arts. 27(4)(b), 29(5)(b), 30(2)(b)).
 * A client sends codes; the node finds the row that applies.
 */
#ifndef HN_CORE_GROUNDS_H
#define HN_CORE_GROUNDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/request.h"
#include "core/treaty.h"
#include "util/err.h"

#define HN_CITATION_MAX 64 /* bytes of a formatted citation */
#define HN_GROUNDS_MAX 32 /* codes in one refusal */

struct hn_citation {
	const char *instrument; /* "unccc", "budapest", "bilateral",
				   "reciprocity" */
	const char *article; /* "40"; NULL for bilateral and reciprocity */
	const char *paragraph; /* "21"; NULL when none */
	const char *letter; /* "a"; NULL when none */
	bool confirmed; /* paragraph/letter checked against a text */
};

/* "UNCCC art. 40(21)(a)", "Budapest art. 29(5)", "bilateral treaty";
 * always NUL-terminated (cut if n is too small), returns buf. */
const char *hn_citation_format(const struct hn_citation *c, char *buf,
    size_t n);

/* The kinds a ground row applies to, by the article they come from. */
#define HN_GK_MLA 0x1 /* every kind but preservation and traffic */
#define HN_GK_PRESERVATION 0x2 /* art. 42 (Budapest 29) */
#define HN_GK_TRAFFIC 0x4 /* art. 43 (Budapest 30) */
#define HN_GK_ALL 0x7

struct hn_ground {
	const char *code; /* stable: "sovereignty_security_public_order" */
	const char *text; /* one line, English */
	struct hn_citation src; /* where the ground is stated */
	/* The provision that opens the ground for these kinds when it is not
	 * the ground's own source (UNCCC arts. 42, 43 refer back to art. 40);
	 * article NULL when none. */
	struct hn_citation via;
	enum hn_basis basis; /* the legal basis under which the row applies */
	unsigned kinds; /* HN_GK_* */
	/* Only for a requested party that made the reservation, and only for
	 * an offence not established under the Convention. */
	bool reservation;
};

/* The kind class (HN_GK_PRESERVATION, HN_GK_TRAFFIC or HN_GK_MLA) of k. */
unsigned hn_ground_kind_class(const struct hn_kind *k);

/* What a refusal is about. (struct hn_party_decl: treaty.h; it comes
 * from the register or the node's configuration, never code.) */
struct hn_refusal_ctx {
	const struct hn_kind *kind;
	enum hn_basis basis;
	struct hn_party_decl requested; /* the refusing party's declarations */
	bool convention_offence; /* the offence is one established under the
				    Convention (then no dual criminality) */
};

/*
 * Fills ctx for a parsed, valid request: its kind, its legal_basis
 * (default unccc), its `convention_offence` (default false), and the
 * requested party's declarations (NULL: none). 0, or HN_EINVAL for an
 * unknown kind or basis.
 */
int hn_refusal_ctx_init(struct hn_refusal_ctx *ctx, const json_t *req,
    const struct hn_party_decl *requested);

/*
 * The grounds a refusal in ctx may invoke: writes up to max pointers to
 * static rows into out[] (out may be NULL when max is 0) and returns how
 * many there are in total. Each code appears at most once.
 */
size_t hn_grounds_allowed(const struct hn_refusal_ctx *ctx,
    const struct hn_ground **out, size_t max);

/* The row for `code` that applies in ctx, or NULL. */
const struct hn_ground *hn_ground_allowed(const struct hn_refusal_ctx *ctx,
    const char *code);

/*
 * 0 if every code is a ground allowed in ctx (at least one code, at most
 * HN_GROUNDS_MAX, no code twice).
 * HN_EINVAL otherwise, err naming field "grounds" and the article: an
 * unknown code, a non-ground (bank secrecy, fiscal matters: art. 40), a
 * ground not open for this kind (art. 42/43 subset) or this party (no
 * reservation), or none at all.
 */
int hn_grounds_check(const struct hn_refusal_ctx *ctx, const char *const *codes,
    size_t n, struct hn_error *err) __attribute__((warn_unused_result));

/* The first row with this code (whatever the context), or NULL. */
const struct hn_ground *hn_ground_find(const char *code);

/* Every row, terminated by a NULL code. */
extern const struct hn_ground hn_grounds[];

/*
 * The grounds as JSON (GET /v1/kinds "grounds"): one entry per code, in
 * table order, {"code", "article", "text", "preservation_only",
 * "citation": {...}, "applies": [{"basis", "kinds": [names], "citation",
 * "via", "reservation"}]}, a citation being {"instrument", "article",
 * "paragraph", "letter", "confirmed", "text"}. "article" and "citation"
 * are the first row's. A new reference; NULL on ENOMEM.
 */
json_t *hn_grounds_json(void);

#endif
