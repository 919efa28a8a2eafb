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
 * source, `confirmed` is false and the docs say so.
 */
#ifndef HN_CORE_GROUNDS_H
#define HN_CORE_GROUNDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/request.h"
#include "core/treaty.h"
#include "util/err.h"

#define HN_CITATION_MAX 64 /* bytes of a formatted citation */

struct hn_citation {
	const char *instrument; /* "unccc", "budapest" */
	const char *article;    /* "40" */
	const char *paragraph;  /* "21"; NULL when none */
	const char *letter;     /* "a"; NULL when none */
	bool confirmed;         /* paragraph/letter checked against a text */
};

/* "UNCCC art. 40(21)(a)", "Budapest art. 29(5)"; always NUL-terminated,
 * returns buf. */
const char *hn_citation_format(const struct hn_citation *c, char *buf,
    size_t n);

struct hn_ground {
	const char *code; /* stable: "sovereignty_security_public_order" */
	const char *text; /* one line, English */
	struct hn_citation src;
};

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
 * The grounds a refusal in ctx may invoke: writes up to max pointers to
 * static rows into out[] (out may be NULL when max is 0) and returns how
 * many there are in total.
 */
size_t hn_grounds_allowed(const struct hn_refusal_ctx *ctx,
    const struct hn_ground **out, size_t max);

/*
 * 0 if every code is a ground allowed in ctx (at least one code).
 * HN_EINVAL otherwise, err naming field "grounds" and the article: an
 * unknown code, a non-ground (bank secrecy, fiscal matters: art. 40), a
 * ground not open for this kind (art. 42/43 subset) or this party (no
 * reservation), or none at all.
 */
int hn_grounds_check(const struct hn_refusal_ctx *ctx,
    const char *const *codes, size_t n, struct hn_error *err)
    __attribute__((warn_unused_result));

/* The ground with this code (whatever the context), or NULL. */
const struct hn_ground *hn_ground_find(const char *code);

/* Every ground, terminated by a NULL code. */
extern const struct hn_ground hn_grounds[];

#endif
