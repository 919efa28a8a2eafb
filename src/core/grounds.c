#include "core/grounds.h"

#include <stdio.h>
#include <string.h>

/*
 * The grounds of art. 40 (the general list) and the art. 42 reservation.
 * Paragraph and letter numbers of the UN text are not confirmed here
 * (confirmed = false); see docs/requests.md.
 */
const struct hn_ground hn_grounds[] = {
	{ "non_conformity",
	    "the request does not conform to the article's requirements",
	    { "unccc", "40", NULL, NULL, false } },
	{ "sovereignty_security_public_order",
	    "execution is likely to prejudice sovereignty, security, ordre "
	    "public or other essential interests",
	    { "unccc", "40", NULL, NULL, false } },
	{ "domestic_law_forbids",
	    "domestic law would forbid the same action in a domestic case",
	    { "unccc", "40", NULL, NULL, false } },
	{ "contrary_to_legal_system",
	    "granting the request would be contrary to the legal system",
	    { "unccc", "40", NULL, NULL, false } },
	{ "discrimination",
	    "the request aims at prosecuting a person on account of sex, "
	    "race, language, religion, nationality, ethnic origin or "
	    "political opinions", { "unccc", "40", NULL, NULL, false } },
	{ "dual_criminality_reservation",
	    "dual criminality is required and the offence is not covered "
	    "(reservation)", { "unccc", "42", NULL, NULL, false } },
	{ NULL, NULL, { NULL, NULL, NULL, NULL, false } }
};

/* Art. 40: bank secrecy or fiscal matters alone are no ground. */
static const char *const not_grounds[] = { "bank_secrecy", "fiscal_matter",
	"fiscal_matters" };

const char *
hn_citation_format(const struct hn_citation *c, char *buf, size_t n)
{
	int w;

	if (n == 0)
		return buf;
	w = snprintf(buf, n, "%s art. %s%s%s%s%s%s%s",
	    strcmp(c->instrument, "unccc") == 0 ? "UNCCC" : "Budapest",
	    c->article, c->paragraph ? "(" : "", c->paragraph ? c->paragraph :
	    "", c->paragraph ? ")" : "", c->letter ? "(" : "",
	    c->letter ? c->letter : "", c->letter ? ")" : "");
	if (w < 0)
		buf[0] = '\0';
	return buf;
}

const struct hn_ground *
hn_ground_find(const char *code)
{
	const struct hn_ground *g;

	for (g = hn_grounds; code != NULL && g->code != NULL; g++)
		if (strcmp(g->code, code) == 0)
			return g;
	return NULL;
}

static bool
allowed(const struct hn_refusal_ctx *ctx, const struct hn_ground *g)
{
	if (strcmp(g->code, "dual_criminality_reservation") == 0)
		return ctx->kind != NULL && ctx->kind->preservation &&
		    ctx->requested.dual_criminality_preservation &&
		    !ctx->convention_offence;
	return true;
}

size_t
hn_grounds_allowed(const struct hn_refusal_ctx *ctx,
    const struct hn_ground **out, size_t max)
{
	const struct hn_ground *g;
	size_t n = 0;

	for (g = hn_grounds; g->code != NULL; g++) {
		if (!allowed(ctx, g))
			continue;
		if (n < max)
			out[n] = g;
		n++;
	}
	return n;
}

int
hn_grounds_check(const struct hn_refusal_ctx *ctx, const char *const *codes,
    size_t n, struct hn_error *err)
{
	const struct hn_ground *g;
	char cite[HN_CITATION_MAX];
	size_t i, j;

	if (n == 0)
		return hn_error_set(err, HN_EINVAL, "grounds", "40",
		    "a refusal needs at least one ground");
	for (i = 0; i < n; i++) {
		const char *c = codes[i] != NULL ? codes[i] : "";

		for (j = 0; j < sizeof(not_grounds) / sizeof(*not_grounds);
		    j++)
			if (strcmp(c, not_grounds[j]) == 0)
				return hn_error_set(err, HN_EINVAL, "grounds",
				    "40", "%s is not a ground for refusal", c);
		if ((g = hn_ground_find(c)) == NULL)
			return hn_error_set(err, HN_EINVAL, "grounds", "40",
			    "unknown ground '%.64s'", c);
		if (!allowed(ctx, g))
			return hn_error_set(err, HN_EINVAL, "grounds",
			    g->src.article, "%s may not be invoked here (%s)",
			    c, hn_citation_format(&g->src, cite,
			    sizeof(cite)));
	}
	return 0;
}
