#include "core/grounds.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "util/fmt.h"

#define U "unccc"
#define B "budapest"
#define NOVIA \
	{ \
		NULL, NULL, NULL, NULL, false \
	}
#define MLA HN_GK_MLA
#define PRES HN_GK_PRESERVATION
#define TRAF HN_GK_TRAFFIC

static const char t_conform[] =
    "the request does not conform to the "
    "provisions of the article on mutual legal assistance";
static const char t_sovereignty[] =
    "execution is likely to prejudice "
    "sovereignty, security, ordre public or other essential interests";
static const char t_domestic[] = "domestic law would forbid the action "
				 "requested in a similar domestic case";
static const char t_legal_system[] =
    "granting the request would be "
    "contrary to the legal system relating to mutual legal assistance";
static const char t_discrimination[] =
    "the request aims at prosecuting or "
    "punishing a person on account of sex, race, language, religion, "
    "nationality, ethnic origin or political opinions";
static const char t_dual[] =
    "reservation: dual criminality is required "
    "for disclosure and cannot be fulfilled for an offence not established "
    "under the Convention";
static const char t_political[] =
    "the request concerns an offence the "
    "requested party considers a political offence or connected with one";

/*
 * The grounds, one row per ground and source. UNCCC: the article numbers
 * are those of the final text (art. 40 lists the grounds for mutual legal
 * assistance; arts. 42 and 43 open a subset of them for preservation and
 * for the disclosure of preserved traffic data; art. 42 the dual-
 * criminality reservation). The paragraph numbers of the UN text could not
 * be checked against a source (the full text is not in the stored
 * corpora): they are marked unconfirmed, and the subset for arts. 42-43
 * (sovereignty and the discrimination safeguard, the UN counterparts of
 * Budapest 29(5) and 30(2), which have no political-offence ground in
 * art. 40) is to be checked against the text (docs/requests.md).
 * Budapest: every row checked against the Convention's text (arts. 25,
 * 27, 29, 30).
 * Bank secrecy and fiscal matters are never grounds (art. 40; Budapest
 * 25(4)): see not_grounds.
 */
const struct hn_ground hn_grounds[] = {
	/* UNCCC art. 40: mutual legal assistance in general. */
	{ "non_conformity", t_conform, { U, "40", "21", "a", false }, NOVIA,
	    HN_BASIS_UNCCC, MLA, false },
	{ "sovereignty_security_public_order", t_sovereignty,
	    { U, "40", "21", "b", false }, NOVIA, HN_BASIS_UNCCC, MLA, false },
	{ "domestic_law_forbids", t_domestic, { U, "40", "21", "c", false },
	    NOVIA, HN_BASIS_UNCCC, MLA, false },
	{ "contrary_to_legal_system", t_legal_system,
	    { U, "40", "21", "d", false }, NOVIA, HN_BASIS_UNCCC, MLA, false },
	{ "discrimination", t_discrimination, { U, "40", NULL, NULL, false },
	    NOVIA, HN_BASIS_UNCCC, MLA, false },
	/* UNCCC arts. 42, 43: the narrow subset. */
	{ "sovereignty_security_public_order", t_sovereignty,
	    { U, "40", "21", "b", false }, { U, "42", NULL, NULL, false },
	    HN_BASIS_UNCCC, PRES, false },
	{ "discrimination", t_discrimination, { U, "40", NULL, NULL, false },
	    { U, "42", NULL, NULL, false }, HN_BASIS_UNCCC, PRES, false },
	{ "dual_criminality_reservation", t_dual,
	    { U, "42", NULL, NULL, false }, NOVIA, HN_BASIS_UNCCC, PRES, true },
	{ "sovereignty_security_public_order", t_sovereignty,
	    { U, "40", "21", "b", false }, { U, "43", NULL, NULL, false },
	    HN_BASIS_UNCCC, TRAF, false },
	{ "discrimination", t_discrimination, { U, "40", NULL, NULL, false },
	    { U, "43", NULL, NULL, false }, HN_BASIS_UNCCC, TRAF, false },
	/* Budapest art. 27(4), in addition to the grounds of 25(4). */
	{ "political_offence", t_political, { B, "27", "4", "a", true }, NOVIA,
	    HN_BASIS_BUDAPEST, MLA, false },
	{ "sovereignty_security_public_order", t_sovereignty,
	    { B, "27", "4", "b", true }, NOVIA, HN_BASIS_BUDAPEST, MLA, false },
	{ "law_or_treaty_ground",
	    "a ground for refusal under the requested "
	    "party's law or an applicable mutual assistance treaty (name it in "
	    "the reason)",
	    { B, "25", "4", NULL, true }, NOVIA, HN_BASIS_BUDAPEST, MLA,
	    false },
	/* Budapest art. 29(5): "a request for preservation may only be
	 * refused if"; 29(4) the reservation. */
	{ "political_offence", t_political, { B, "29", "5", "a", true }, NOVIA,
	    HN_BASIS_BUDAPEST, PRES, false },
	{ "sovereignty_security_public_order", t_sovereignty,
	    { B, "29", "5", "b", true }, NOVIA, HN_BASIS_BUDAPEST, PRES,
	    false },
	{ "dual_criminality_reservation", t_dual, { B, "29", "4", NULL, true },
	    NOVIA, HN_BASIS_BUDAPEST, PRES, true },
	/* Budapest art. 30(2): "may only be withheld if". */
	{ "political_offence", t_political, { B, "30", "2", "a", true }, NOVIA,
	    HN_BASIS_BUDAPEST, TRAF, false },
	{ "sovereignty_security_public_order", t_sovereignty,
	    { B, "30", "2", "b", true }, NOVIA, HN_BASIS_BUDAPEST, TRAF,
	    false },
	/* A bilateral treaty or reciprocity: the grounds are the treaty's or
	 * the requested party's law's; the reason names them. */
	{ "treaty_ground",
	    "a ground for refusal the bilateral treaty provides "
	    "(name it in the reason)",
	    { "bilateral", NULL, NULL, NULL, true }, NOVIA, HN_BASIS_BILATERAL,
	    HN_GK_ALL, false },
	{ "domestic_law_ground",
	    "a ground for refusal under the requested "
	    "party's law (name it in the reason)",
	    { "reciprocity", NULL, NULL, NULL, true }, NOVIA,
	    HN_BASIS_RECIPROCITY, HN_GK_ALL, false },
	{ NULL, NULL, NOVIA, NOVIA, HN_BASIS_UNCCC, 0, false }
};

/* Art. 40 (Budapest 25(4) for fiscal offences): never a ground. */
static const char *const not_grounds[] = { "bank_secrecy", "fiscal_matter",
	"fiscal_matters", "fiscal_offence" };

/* The article a refusal's grounds come from, per basis and kind class,
 * for error messages. */
static const char *
rule_article(enum hn_basis basis, unsigned cls)
{
	switch (basis) {
	case HN_BASIS_UNCCC:
		return cls == PRES ? "42" : cls == TRAF ? "43" : "40";
	case HN_BASIS_BUDAPEST:
		return cls == PRES ? "29(5)" :
		    cls == TRAF	   ? "30(2)" :
				     "25(4), 27(4)";
	default:
		return NULL;
	}
}

static const char *
instrument_title(const char *instrument)
{
	if (strcmp(instrument, "unccc") == 0)
		return "UNCCC";
	if (strcmp(instrument, "budapest") == 0)
		return "Budapest";
	if (strcmp(instrument, "bilateral") == 0)
		return "bilateral treaty";
	return instrument;
}

const char *
hn_citation_format(const struct hn_citation *c, char *buf, size_t n)
{
	if (n == 0)
		return buf;
	buf[0] = '\0';
	if (c == NULL || c->instrument == NULL)
		return buf;
	if (c->article == NULL)
		(void)hn_fmt_cut(buf, n, "%s", instrument_title(c->instrument));
	else
		(void)hn_fmt_cut(buf, n, "%s art. %s%s%s%s%s%s%s",
		    instrument_title(c->instrument), c->article,
		    c->paragraph ? "(" : "", c->paragraph ? c->paragraph : "",
		    c->paragraph ? ")" : "", c->letter ? "(" : "",
		    c->letter ? c->letter : "", c->letter ? ")" : "");
	return buf;
}

unsigned
hn_ground_kind_class(const struct hn_kind *k)
{
	if (k == NULL)
		return 0;
	if (k->preservation || strcmp(k->article, "42") == 0)
		return PRES;
	if (strcmp(k->article, "43") == 0)
		return TRAF;
	return MLA;
}

int
hn_refusal_ctx_init(struct hn_refusal_ctx *ctx, const json_t *req,
    const struct hn_party_decl *requested)
{
	memset(ctx, 0, sizeof(*ctx));
	if (requested != NULL)
		ctx->requested = *requested;
	ctx->kind =
	    hn_kind_find(json_string_value(json_object_get(req, "kind")));
	ctx->convention_offence =
	    json_is_true(json_object_get(req, "convention_offence"));
	if (ctx->kind == NULL || hn_request_basis(req, &ctx->basis) != 0)
		return HN_EINVAL;
	return 0;
}

/* The row applies to ctx's basis and kind, regardless of reservations. */
static bool
in_scope(const struct hn_ground *g, const struct hn_refusal_ctx *ctx)
{
	return g->basis == ctx->basis &&
	    (g->kinds & hn_ground_kind_class(ctx->kind)) != 0;
}

/* UNCCC art. 42, Budapest 29(4): only a party that made the reservation,
 * only for an offence not established under the Convention. */
static bool
open_to(const struct hn_ground *g, const struct hn_refusal_ctx *ctx)
{
	return !g->reservation ||
	    (ctx->requested.dual_criminality_preservation &&
		!ctx->convention_offence);
}

const struct hn_ground *
hn_ground_allowed(const struct hn_refusal_ctx *ctx, const char *code)
{
	const struct hn_ground *g;

	if (ctx == NULL || ctx->kind == NULL || code == NULL)
		return NULL;
	for (g = hn_grounds; g->code != NULL; g++)
		if (strcmp(g->code, code) == 0 && in_scope(g, ctx) &&
		    open_to(g, ctx))
			return g;
	return NULL;
}

size_t
hn_grounds_allowed(const struct hn_refusal_ctx *ctx,
    const struct hn_ground **out, size_t max)
{
	const struct hn_ground *g;
	size_t n = 0;

	if (ctx == NULL || ctx->kind == NULL)
		return 0;
	for (g = hn_grounds; g->code != NULL; g++) {
		if (!in_scope(g, ctx) || !open_to(g, ctx))
			continue;
		if (n < max)
			out[n] = g;
		n++;
	}
	return n;
}

/* A row of hn_grounds is well formed: text, a source, known kinds. */
static bool __attribute__((unused)) /* only in assert() */
ground_ok(const struct hn_ground *g)
{
	return g->text != NULL && g->src.instrument != NULL && g->kinds != 0 &&
	    (g->kinds & ~(unsigned)HN_GK_ALL) == 0 &&
	    (g->via.article == NULL || g->via.instrument != NULL);
}

const struct hn_ground *
hn_ground_find(const char *code)
{
	const struct hn_ground *g;

	for (g = hn_grounds; code != NULL && g->code != NULL; g++) {
		assert(ground_ok(g));
		if (strcmp(g->code, code) == 0)
			return g;
	}
	return NULL;
}

static bool
not_a_ground(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(not_grounds) / sizeof(not_grounds[0]); i++)
		if (strcmp(code, not_grounds[i]) == 0)
			return true;
	return false;
}

/* Why a known code is not open in ctx; returns the error. */
static int
not_open(const struct hn_refusal_ctx *ctx, const char *code,
    struct hn_error *err)
{
	const struct hn_ground *g, *list[HN_GROUNDS_MAX];
	char codes[320], cite[HN_CITATION_MAX];
	size_t i, n, off = 0;

	for (g = hn_grounds; g->code != NULL; g++) {
		if (strcmp(g->code, code) != 0 || !in_scope(g, ctx) ||
		    !g->reservation)
			continue;
		hn_citation_format(&g->src, cite, sizeof(cite));
		if (!ctx->requested.dual_criminality_preservation)
			return hn_error_set(err, HN_EINVAL, "grounds",
			    g->src.article,
			    "%s: the requested party made no "
			    "dual-criminality reservation (%s)",
			    code, cite);
		return hn_error_set(err, HN_EINVAL, "grounds", g->src.article,
		    "%s: the reservation does not apply to an offence "
		    "established under the Convention (%s, %s)",
		    code,
		    ctx->basis == HN_BASIS_BUDAPEST ? "arts. 2-11" :
						      "arts. 7-17",
		    cite);
	}
	n = hn_grounds_allowed(ctx, list, HN_GROUNDS_MAX);
	codes[0] = '\0';
	/* Human text: a list too long for codes ends at a whole code. */
	for (i = 0; i < n && i < HN_GROUNDS_MAX; i++)
		if (hn_fmt_add(codes, sizeof(codes), &off, "%s%s",
			i ? ", " : "", list[i]->code) != 0)
			break;
	return hn_error_set(err, HN_EINVAL, "grounds",
	    rule_article(ctx->basis, hn_ground_kind_class(ctx->kind)),
	    "%s is not a ground for %s under %s; the grounds are: %s", code,
	    ctx->kind->name, hn_basis_name(ctx->basis), codes);
}

int
hn_grounds_check(const struct hn_refusal_ctx *ctx, const char *const *codes,
    size_t n, struct hn_error *err)
{
	const char *art, *c;
	size_t i, j;

	if (ctx == NULL || ctx->kind == NULL)
		return hn_error_set(err, HN_EINVAL, "kind", NULL,
		    "unknown kind");
	art = rule_article(ctx->basis, hn_ground_kind_class(ctx->kind));
	if (n == 0 || codes == NULL)
		return hn_error_set(err, HN_EINVAL, "grounds", art,
		    "a refusal needs at least one ground");
	if (n > HN_GROUNDS_MAX)
		return hn_error_set(err, HN_EINVAL, "grounds", art,
		    "at most %d grounds", HN_GROUNDS_MAX);
	for (i = 0; i < n; i++) {
		c = codes[i] != NULL ? codes[i] : "";
		/* Art. 40: bank secrecy and fiscal matters alone are never
		 * grounds (Budapest 25(4): a fiscal offence). */
		if (not_a_ground(c))
			return hn_error_set(err, HN_EINVAL, "grounds",
			    ctx->basis == HN_BASIS_BUDAPEST ? "25(4)" : "40",
			    "%s is not a ground for refusal", c);
		for (j = 0; j < i; j++)
			if (codes[j] != NULL && strcmp(codes[j], c) == 0)
				return hn_error_set(err, HN_EINVAL, "grounds",
				    art, "%.64s given twice", c);
		if (hn_ground_allowed(ctx, c) != NULL)
			continue;
		if (hn_ground_find(c) == NULL)
			return hn_error_set(err, HN_EINVAL, "grounds", art,
			    "unknown ground '%.64s'", c);
		return not_open(ctx, c, err);
	}
	return 0;
}

static json_t *
citation_json(const struct hn_citation *c)
{
	char text[HN_CITATION_MAX];

	if (c->instrument == NULL)
		return json_null();
	return json_pack("{s:s, s:s?, s:s?, s:s?, s:b, s:s}", "instrument",
	    c->instrument, "article", c->article, "paragraph", c->paragraph,
	    "letter", c->letter, "confirmed", c->confirmed, "text",
	    hn_citation_format(c, text, sizeof(text)));
}

/* {"basis", "kinds": [names], "citation", "via", "reservation"} */
static json_t *
applies_json(const struct hn_ground *g)
{
	const struct hn_kind *k;
	json_t *o, *kinds = json_array();

	for (k = hn_kinds; kinds != NULL && k->name != NULL; k++)
		if ((g->kinds & hn_ground_kind_class(k)) != 0 &&
		    json_array_append_new(kinds, json_string(k->name)) != 0) {
			json_decref(kinds);
			return NULL;
		}
	o = json_pack("{s:s, s:o*, s:o*, s:o*, s:b}", "basis",
	    hn_basis_name(g->basis), "kinds", kinds, "citation",
	    citation_json(&g->src), "via", citation_json(&g->via),
	    "reservation", g->reservation);
	if (o == NULL || json_object_get(o, "kinds") == NULL ||
	    json_object_get(o, "citation") == NULL ||
	    json_object_get(o, "via") == NULL) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
hn_grounds_json(void)
{
	const struct hn_ground *g, *h;
	json_t *arr = json_array(), *o, *applies;
	char art[HN_CITATION_MAX];
	bool pres_only;

	for (g = hn_grounds; arr != NULL && g->code != NULL; g++) {
		if (hn_ground_find(g->code) != g)
			continue; /* listed under its first row */
		applies = json_array();
		pres_only = true;
		for (h = g; applies != NULL && h->code != NULL; h++) {
			if (strcmp(h->code, g->code) != 0)
				continue;
			pres_only = pres_only && h->kinds == PRES;
			if (json_array_append_new(applies, applies_json(h)) !=
			    0) {
				json_decref(applies);
				applies = NULL;
			}
		}
		/* "article": the legacy short form, "40(21)(a)" */
		if (g->src.article != NULL)
			HN_FMT_FIXED(art, sizeof(art), "%s%s%s%s%s%s%s",
			    g->src.article, g->src.paragraph ? "(" : "",
			    g->src.paragraph ? g->src.paragraph : "",
			    g->src.paragraph ? ")" : "",
			    g->src.letter ? "(" : "",
			    g->src.letter ? g->src.letter : "",
			    g->src.letter ? ")" : "");
		else
			hn_citation_format(&g->src, art, sizeof(art));
		o = json_pack("{s:s, s:s, s:s, s:b, s:o*, s:o*}", "code",
		    g->code, "article", art, "text", g->text,
		    "preservation_only", pres_only, "citation",
		    citation_json(&g->src), "applies", applies);
		if (o == NULL || json_object_get(o, "applies") == NULL ||
		    json_object_get(o, "citation") == NULL) {
			json_decref(o);
			goto fail;
		}
		if (json_array_append_new(arr, o) != 0)
			goto fail;
	}
	return arr;
fail:
	json_decref(arr);
	return NULL;
}
