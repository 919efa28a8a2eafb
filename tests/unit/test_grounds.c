/* Unit tests for src/core/grounds: the grounds for refusal, each with one
 * citation, and which of them a refusal may invoke for every kind x legal
 * basis x reservation x offence (UNCCC arts. 40, 42, 43; Budapest arts.
 * 25(4), 27(4), 29(4), 29(5), 30(2)). The expected sets are written here
 * from the texts, independently of the table in grounds.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grounds.h"
#include "core/protocol.h"
#include "util/buf.h"
#include "util/file.h"

/* Every code the table knows, and codes it must not know. */
static const char *const codes[] = { "non_conformity",
	"sovereignty_security_public_order", "domestic_law_forbids",
	"contrary_to_legal_system", "discrimination",
	"dual_criminality_reservation", "political_offence",
	"law_or_treaty_ground", "treaty_ground", "domestic_law_ground" };
static const char *const forged[] = { "", "bank_secrecy", "fiscal_matter",
	"fiscal_matters", "fiscal_offence", "dislike", "Discrimination",
	"discrimination ", " discrimination", "sovereignty",
	"political_offense", "dual_criminality", "40 (a)", "40(21)(a)",
	"non_conformity\n", "non_conformity\x01" };

#define P 'P' /* preservation, art. 42 (Budapest 29) */
#define T 'T' /* traffic disclosure, art. 43 (Budapest 30) */
#define M 'M' /* mutual assistance: every other kind */

static char
cls(const char *kind)
{
	if (strcmp(kind, "preservation") == 0)
		return P;
	if (strcmp(kind, "traffic_disclosure") == 0)
		return T;
	return M;
}

/*
 * The oracle: the citation of `code` for a refusal of a kind of class c
 * under basis b, or NULL when the code is not a ground there. `reserved`:
 * the requested party made the dual-criminality reservation; `conv`: the
 * offence is established under the Convention.
 */
static const char *
expect(const char *code, char c, enum hn_basis b, bool reserved, bool conv)
{
	static const struct {
		enum hn_basis basis;
		char cls;
		const char *code, *cite;
	} t[] = {
		/* UNCCC art. 40: mutual legal assistance. */
		{ HN_BASIS_UNCCC, M, "non_conformity", "UNCCC art. 40(21)(a)" },
		{ HN_BASIS_UNCCC, M, "sovereignty_security_public_order",
		    "UNCCC art. 40(21)(b)" },
		{ HN_BASIS_UNCCC, M, "domestic_law_forbids",
		    "UNCCC art. 40(21)(c)" },
		{ HN_BASIS_UNCCC, M, "contrary_to_legal_system",
		    "UNCCC art. 40(21)(d)" },
		{ HN_BASIS_UNCCC, M, "discrimination", "UNCCC art. 40" },
		/* UNCCC arts. 42, 43: the narrow subset */
		{ HN_BASIS_UNCCC, P, "sovereignty_security_public_order",
		    "UNCCC art. 40(21)(b)" },
		{ HN_BASIS_UNCCC, P, "discrimination", "UNCCC art. 40" },
		{ HN_BASIS_UNCCC, T, "sovereignty_security_public_order",
		    "UNCCC art. 40(21)(b)" },
		{ HN_BASIS_UNCCC, T, "discrimination", "UNCCC art. 40" },
		/* Budapest 25(4), 27(4) */
		{ HN_BASIS_BUDAPEST, M, "political_offence",
		    "Budapest art. 27(4)(a)" },
		{ HN_BASIS_BUDAPEST, M, "sovereignty_security_public_order",
		    "Budapest art. 27(4)(b)" },
		{ HN_BASIS_BUDAPEST, M, "law_or_treaty_ground",
		    "Budapest art. 25(4)" },
		/* Budapest 29(5): "may only be refused if" */
		{ HN_BASIS_BUDAPEST, P, "political_offence",
		    "Budapest art. 29(5)(a)" },
		{ HN_BASIS_BUDAPEST, P, "sovereignty_security_public_order",
		    "Budapest art. 29(5)(b)" },
		/* Budapest 30(2): "may only be withheld if" */
		{ HN_BASIS_BUDAPEST, T, "political_offence",
		    "Budapest art. 30(2)(a)" },
		{ HN_BASIS_BUDAPEST, T, "sovereignty_security_public_order",
		    "Budapest art. 30(2)(b)" },
	};
	size_t i;

	/* the reservation: preservation only, a party that made it, an
	 * offence outside the Convention */
	if (strcmp(code, "dual_criminality_reservation") == 0)
		return c == P && reserved && !conv ?
		    (b == HN_BASIS_UNCCC	   ? "UNCCC art. 42" :
			    b == HN_BASIS_BUDAPEST ? "Budapest art. 29(4)" :
						     NULL) :
		    NULL;
	if (b == HN_BASIS_BILATERAL)
		return strcmp(code, "treaty_ground") == 0 ? "bilateral treaty" :
							    NULL;
	if (b == HN_BASIS_RECIPROCITY)
		return strcmp(code, "domestic_law_ground") == 0 ?
		    "reciprocity" :
		    NULL;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].basis == b && t[i].cls == c &&
		    strcmp(t[i].code, code) == 0)
			return t[i].cite;
	return NULL;
}

static void
ctx_for(struct hn_refusal_ctx *ctx, const struct hn_kind *k, enum hn_basis b,
    bool reserved, bool conv)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->kind = k;
	ctx->basis = b;
	ctx->requested.dual_criminality_preservation = reserved;
	ctx->convention_offence = conv;
}

/* Every ground x kind x basis x reservation x offence, and every forged
 * code in each of those contexts. */
static void
test_every_combination(void **state)
{
	const struct hn_ground *list[HN_GROUNDS_MAX], *g;
	const struct hn_kind *k;
	struct hn_refusal_ctx ctx;
	struct hn_error err;
	char cite[HN_CITATION_MAX];
	const char *want, *one[1];
	size_t i, j, n, nwant, checked = 0;
	int b, res, conv, r;

	for (k = hn_kinds; k->name != NULL; k++)
		for (b = 0; b < HN_BASIS_COUNT_; b++)
			for (res = 0; res < 2; res++)
				for (conv = 0; conv < 2; conv++) {
					ctx_for(&ctx, k, (enum hn_basis)b, res,
					    conv);
					n = hn_grounds_allowed(&ctx, list,
					    HN_GROUNDS_MAX);
					assert_true(n <= HN_GROUNDS_MAX);
					nwant = 0;
					for (i = 0; i <
					     sizeof(codes) / sizeof(codes[0]);
					     i++) {
						want = expect(codes[i],
						    cls(k->name),
						    (enum hn_basis)b, res,
						    conv);
						one[0] = codes[i];
						hn_error_clear(&err);
						r = hn_grounds_check(&ctx, one,
						    1, &err);
						g = hn_ground_allowed(&ctx,
						    codes[i]);
						if ((want != NULL) !=
							(r == 0) ||
						    (want != NULL) !=
							(g != NULL))
							fail_msg(
							    "%s, %s, %s, reservation %d, convention "
							    "offence %d: want %s, got %d (%s)",
							    codes[i], k->name,
							    hn_basis_name(b),
							    res, conv,
							    want ? want :
								   "refused",
							    r, err.message);
						if (want == NULL) {
							assert_int_equal(r,
							    HN_EINVAL);
							assert_string_equal(
							    err.field,
							    "grounds");
							assert_true(
							    err.message[0] !=
							    '\0');
						} else {
							nwant++;
							assert_string_equal(
							    hn_citation_format(
								&g->src, cite,
								sizeof(cite)),
							    want);
							/* it is in the list,
							 * once */
							for (j = 0; j < n &&
							     list[j] != g;
							     j++)
								;
							assert_true(j < n);
						}
						checked++;
					}
					/* the list holds exactly the expected
					 * codes, each once */
					assert_int_equal(n, nwant);
					for (i = 0; i < n; i++)
						for (j = 0; j < i; j++)
							assert_string_not_equal(
							    list[i]->code,
							    list[j]->code);
					for (i = 0; i <
					     sizeof(forged) / sizeof(forged[0]);
					     i++) {
						one[0] = forged[i];
						assert_int_equal(
						    hn_grounds_check(&ctx, one,
							1, &err),
						    HN_EINVAL);
						assert_string_equal(err.field,
						    "grounds");
						assert_null(
						    hn_ground_allowed(&ctx,
							forged[i]));
						checked++;
					}
				}
	/* 7 kinds x 4 bases x 2 x 2, each with every code */
	assert_int_equal(checked,
	    7 * 4 * 2 * 2 *
		(sizeof(codes) / sizeof(codes[0]) +
		    sizeof(forged) / sizeof(forged[0])));
	/* every code of the table is one of the codes above */
	for (g = hn_grounds; g->code != NULL; g++) {
		for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			if (strcmp(g->code, codes[i]) == 0)
				break;
		if (i == sizeof(codes) / sizeof(codes[0]))
			fail_msg("untested ground %s", g->code);
	}
}

/* The messages name the field, the article and why. */
static void
test_messages(void **state)
{
	static const struct {
		const char *kind;
		enum hn_basis basis;
		bool reserved, conv;
		const char *codes[3];
		size_t n;
		const char *article, *msg;
	} t[] = {
		{ "mla", HN_BASIS_UNCCC, false, false, { NULL }, 0, "40",
		    "a refusal needs at least one ground" },
		{ "preservation", HN_BASIS_BUDAPEST, false, false, { NULL }, 0,
		    "29(5)", "a refusal needs at least one ground" },
		/* art. 40: never grounds */
		{ "mla", HN_BASIS_UNCCC, false, false, { "bank_secrecy" }, 1,
		    "40", "bank_secrecy is not a ground for refusal" },
		{ "stored_data", HN_BASIS_UNCCC, false, false,
		    { "discrimination", "fiscal_matter" }, 2, "40",
		    "fiscal_matter is not a ground for refusal" },
		{ "stored_data", HN_BASIS_BUDAPEST, false, false,
		    { "fiscal_offence" }, 1, "25(4)",
		    "fiscal_offence is not a ground for refusal" },
		{ "mla", HN_BASIS_UNCCC, false, false, { "dislike" }, 1, "40",
		    "unknown ground 'dislike'" },
		{ "mla", HN_BASIS_UNCCC, false, false, { NULL }, 1, "40",
		    "unknown ground ''" },
		{ "mla", HN_BASIS_UNCCC, false, false,
		    { "discrimination", "discrimination" }, 2, "40",
		    "discrimination given twice" },
		/* the narrow subset of arts. 42, 43 and 29(5), 30(2) */
		{ "preservation", HN_BASIS_UNCCC, false, false,
		    { "non_conformity" }, 1, "42",
		    "non_conformity is not a ground for preservation under "
		    "unccc; the grounds are: sovereignty_security_public_order, "
		    "discrimination" },
		{ "traffic_disclosure", HN_BASIS_UNCCC, false, false,
		    { "domestic_law_forbids" }, 1, "43",
		    "domestic_law_forbids is not a ground for traffic_disclosure "
		    "under unccc; the grounds are: "
		    "sovereignty_security_public_order, discrimination" },
		{ "preservation", HN_BASIS_BUDAPEST, true, false,
		    { "law_or_treaty_ground" }, 1, "29(5)",
		    "law_or_treaty_ground is not a ground for preservation under "
		    "budapest; the grounds are: political_offence, "
		    "sovereignty_security_public_order, "
		    "dual_criminality_reservation" },
		{ "traffic_disclosure", HN_BASIS_BUDAPEST, false, false,
		    { "discrimination" }, 1, "30(2)",
		    "discrimination is not a ground for traffic_disclosure under "
		    "budapest; the grounds are: political_offence, "
		    "sovereignty_security_public_order" },
		{ "mla", HN_BASIS_UNCCC, false, false, { "political_offence" },
		    1, "40", NULL },
		/* the reservation */
		{ "preservation", HN_BASIS_UNCCC, false, false,
		    { "dual_criminality_reservation" }, 1, "42",
		    "dual_criminality_reservation: the requested party made no "
		    "dual-criminality reservation (UNCCC art. 42)" },
		{ "preservation", HN_BASIS_UNCCC, true, true,
		    { "dual_criminality_reservation" }, 1, "42",
		    "dual_criminality_reservation: the reservation does not "
		    "apply to an offence established under the Convention "
		    "(arts. 7-17, UNCCC art. 42)" },
		{ "preservation", HN_BASIS_BUDAPEST, true, true,
		    { "dual_criminality_reservation" }, 1, "29",
		    "dual_criminality_reservation: the reservation does not "
		    "apply to an offence established under the Convention "
		    "(arts. 2-11, Budapest art. 29(4))" },
		{ "stored_data", HN_BASIS_UNCCC, true, false,
		    { "dual_criminality_reservation" }, 1, "40", NULL },
		/* bilateral: the treaty's grounds */
		{ "mla", HN_BASIS_BILATERAL, false, false, { "non_conformity" },
		    1, "",
		    "non_conformity is not a ground for mla under "
		    "bilateral; the grounds are: treaty_ground" },
	};
	struct hn_refusal_ctx ctx;
	struct hn_error err;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ctx_for(&ctx, hn_kind_find(t[i].kind), t[i].basis,
		    t[i].reserved, t[i].conv);
		hn_error_clear(&err);
		if (hn_grounds_check(&ctx, t[i].codes, t[i].n, &err) !=
		    HN_EINVAL)
			fail_msg("case %zu passed", i);
		assert_string_equal(err.field, "grounds");
		assert_string_equal(err.article, t[i].article);
		if (t[i].msg != NULL && strcmp(err.message, t[i].msg) != 0)
			fail_msg("case %zu: %s", i, err.message);
	}
	/* too many, and no context */
	{
		const char *many[HN_GROUNDS_MAX + 1];

		for (i = 0; i <= HN_GROUNDS_MAX; i++)
			many[i] = "discrimination";
		ctx_for(&ctx, hn_kind_find("mla"), HN_BASIS_UNCCC, false,
		    false);
		assert_int_equal(hn_grounds_check(&ctx, many,
				     HN_GROUNDS_MAX + 1, &err),
		    HN_EINVAL);
		assert_string_equal(err.message, "at most 32 grounds");
		assert_int_equal(hn_grounds_check(&ctx, NULL, 1, &err),
		    HN_EINVAL);
		ctx.kind = NULL;
		assert_int_equal(hn_grounds_check(&ctx, many, 1, &err),
		    HN_EINVAL);
		assert_string_equal(err.field, "kind");
		assert_int_equal(hn_grounds_check(NULL, many, 1, NULL),
		    HN_EINVAL);
		assert_int_equal(hn_grounds_allowed(NULL, NULL, 0), 0);
		assert_null(hn_ground_allowed(NULL, "discrimination"));
	}
	/* a long forged code is cut in the message, never overrun */
	{
		char longcode[2000];
		const char *one[1] = { longcode };

		memset(longcode, 'x', sizeof(longcode) - 1);
		longcode[sizeof(longcode) - 1] = '\0';
		ctx_for(&ctx, hn_kind_find("mla"), HN_BASIS_UNCCC, false,
		    false);
		assert_int_equal(hn_grounds_check(&ctx, one, 1, &err),
		    HN_EINVAL);
		assert_true(strlen(err.message) < 100);
	}
}

/*
 * Every citation names one thing: no two grounds share a citation, and no
 * ground's citation is also a field's (on ec57569 "40 (a)" was both the
 * requesting authority and a refusal ground, "40 (e)" too).
 */
static void
test_citations_unambiguous(void **state)
{
	const struct hn_ground *g, *h;
	const struct hn_kind *k;
	const struct hn_field *f;
	char a[HN_CITATION_MAX], b[HN_CITATION_MAX];
	json_t *j = hn_grounds_json(), *e;
	size_t i;

	for (g = hn_grounds; g->code != NULL; g++) {
		hn_citation_format(&g->src, a, sizeof(a));
		assert_true(a[0] != '\0');
		for (h = hn_grounds; h != g; h++) {
			hn_citation_format(&h->src, b, sizeof(b));
			if (strcmp(a, b) == 0 && strcmp(g->code, h->code) != 0)
				fail_msg("%s and %s both cite %s", g->code,
				    h->code, a);
		}
	}
	/* the short "article" of /v1/kinds against every field's: a ground
	 * cited by paragraph or letter is never a field's citation (a ground
	 * cited by its whole article, like "UNCCC art. 42" for the
	 * reservation, names that article and nothing else) */
	json_array_foreach(j, i, e)
	{
		const char *art =
		    json_string_value(json_object_get(e, "article"));
		json_t *c = json_object_get(e, "citation");

		assert_non_null(art);
		if (json_is_null(json_object_get(c, "paragraph")) &&
		    json_is_null(json_object_get(c, "letter")))
			continue;
		for (k = hn_kinds; k->name != NULL; k++)
			for (f = k->fields; f->name != NULL; f++)
				if (f->article != NULL &&
				    strcmp(f->article, art) == 0)
					fail_msg("ground %s and field %s.%s "
						 "both cite %s",
					    json_string_value(
						json_object_get(e, "code")),
					    k->name, f->name, art);
	}
	json_decref(j);
	/* the formatter: every part, and short buffers */
	{
		struct hn_citation c = { "budapest", "29", "5", "a", true };
		struct hn_citation none = { NULL, NULL, NULL, NULL, false };

		assert_string_equal(hn_citation_format(&c, a, sizeof(a)),
		    "Budapest art. 29(5)(a)");
		c.letter = NULL;
		assert_string_equal(hn_citation_format(&c, a, sizeof(a)),
		    "Budapest art. 29(5)");
		assert_string_equal(hn_citation_format(&c, a, 6), "Budap");
		assert_string_equal(hn_citation_format(&none, a, sizeof(a)),
		    "");
		assert_string_equal(hn_citation_format(NULL, a, sizeof(a)), "");
		a[0] = 'z';
		hn_citation_format(&c, a, 0);
		assert_int_equal(a[0], 'z');
	}
	/* Budapest rows were checked against the text; UN paragraphs not */
	for (g = hn_grounds; g->code != NULL; g++)
		if (strcmp(g->src.instrument, "unccc") == 0)
			assert_false(g->src.confirmed);
		else
			assert_true(g->src.confirmed);
}

/* GET /v1/kinds "grounds": one entry per code with the old keys, its
 * citation and every place it applies. */
static void
test_json(void **state)
{
	json_t *j = hn_grounds_json(), *e, *a, *c;
	const struct hn_ground *g;
	size_t i, k, rows;

	assert_non_null(j);
	assert_int_equal(json_array_size(j), sizeof(codes) / sizeof(codes[0]));
	json_array_foreach(j, i, e)
	{
		const char *code =
		    json_string_value(json_object_get(e, "code"));

		assert_string_equal(code, codes[i]);
		assert_non_null(json_string_value(json_object_get(e, "text")));
		assert_true(
		    json_is_boolean(json_object_get(e, "preservation_only")));
		assert_int_equal(json_is_true(
				     json_object_get(e, "preservation_only")),
		    strcmp(code, "dual_criminality_reservation") == 0);
		c = json_object_get(e, "citation");
		assert_non_null(
		    json_string_value(json_object_get(c, "instrument")));
		assert_true(json_is_boolean(json_object_get(c, "confirmed")));
		for (rows = 0, g = hn_grounds; g->code != NULL; g++)
			rows += strcmp(g->code, code) == 0;
		assert_int_equal(json_array_size(json_object_get(e, "applies")),
		    rows);
		json_array_foreach(json_object_get(e, "applies"), k, a)
		{
			enum hn_basis b;

			assert_int_equal(hn_basis_parse(json_string_value(
							    json_object_get(a,
								"basis")),
					     &b),
			    0);
			assert_true(
			    json_array_size(json_object_get(a, "kinds")) > 0);
			assert_non_null(json_object_get(a, "via"));
			assert_true(
			    json_is_boolean(json_object_get(a, "reservation")));
		}
	}
	/* the UN preservation subset says which article opens it */
	e = json_array_get(j, 1);
	a = json_array_get(json_object_get(e, "applies"), 1);
	assert_string_equal(json_string_value(
				json_object_get(json_object_get(a, "via"),
				    "text")),
	    "UNCCC art. 42");
	assert_string_equal(json_string_value(
				json_array_get(json_object_get(a, "kinds"), 0)),
	    "preservation");
	assert_true(json_is_false(
	    json_object_get(json_object_get(a, "citation"), "confirmed")));
	json_decref(j);
}

/* A preservation refused by the requested side (its protocol row). */
static int
refuse(const struct hn_proto_facts *f, struct hn_error *err)
{
	hn_error_clear(err);
	return hn_proto_check(hn_protocol_for(hn_kind_find("preservation")),
	    HN_SIDE_REQUESTED, HN_ST_ACKNOWLEDGED, HN_ST_REFUSED, HN_BY_USER,
	    NULL, f, NULL, err);
}

/* The context of a request document, and the protocol's refusal row. */
static void
test_request_and_protocol(void **state)
{
	static const char *doc =
	    "{\"kind\":\"preservation\","
	    "\"legal_basis\":\"budapest\",\"convention_offence\":true}";
	const char *pol[] = { "political_offence" };
	const char *dual[] = { "dual_criminality_reservation" };
	struct hn_party_decl decl;
	struct hn_refusal_ctx ctx;
	struct hn_proto_facts f;
	struct hn_error err;
	json_t *req = json_loads(doc, 0, NULL);

	memset(&decl, 0, sizeof(decl));
	decl.dual_criminality_preservation = true;
	assert_int_equal(hn_refusal_ctx_init(&ctx, req, &decl), 0);
	assert_string_equal(ctx.kind->name, "preservation");
	assert_int_equal(ctx.basis, HN_BASIS_BUDAPEST);
	assert_true(ctx.convention_offence);
	assert_true(ctx.requested.dual_criminality_preservation);
	json_object_set_new(req, "convention_offence", json_false());
	json_object_del(req, "legal_basis");
	assert_int_equal(hn_refusal_ctx_init(&ctx, req, NULL), 0);
	assert_int_equal(ctx.basis, HN_BASIS_UNCCC);
	assert_false(ctx.convention_offence);
	assert_false(ctx.requested.dual_criminality_preservation);
	json_object_set_new(req, "legal_basis", json_string("friendship"));
	assert_int_equal(hn_refusal_ctx_init(&ctx, req, NULL), HN_EINVAL);
	json_object_set_new(req, "kind", json_string("search"));
	assert_int_equal(hn_refusal_ctx_init(&ctx, req, NULL), HN_EINVAL);
	json_decref(req);

	/* the protocol's refusal row checks the grounds in the context the
	 * gate gives it (core/protocol.c) */
	memset(&f, 0, sizeof(f));
	f.roles = HN_PR_OFFICERS;
	f.grounds = pol;
	f.ngrounds = 1;
	f.reason = "a political offence";
	ctx_for(&ctx, hn_kind_find("preservation"), HN_BASIS_UNCCC, false,
	    false);
	f.refusal = &ctx;
	assert_int_equal(refuse(&f, &err), HN_EINVAL); /* not under unccc */
	assert_string_equal(err.field, "grounds");
	assert_string_equal(err.article, "42");
	ctx.basis = HN_BASIS_BUDAPEST;
	assert_int_equal(refuse(&f, &err), 0); /* Budapest 29(5)(a) */
	f.grounds = dual;
	assert_int_equal(refuse(&f, &err), HN_EINVAL);
	ctx.requested.dual_criminality_preservation = true;
	assert_int_equal(refuse(&f, &err), 0); /* Budapest 29(4) */
	ctx.convention_offence = true;
	assert_int_equal(refuse(&f, &err), HN_EINVAL);
	ctx.convention_offence = false;
	f.reason = " ";
	assert_int_equal(refuse(&f, &err), HN_EINVAL);
	assert_string_equal(err.field, "reason");
}

/* A reservation made in the register opens the ground for that party only
 * (the register, never code, says who reserved). */
static void
test_register_reservation(void **state)
{
	static const char *reg_doc =
	    "{\"instrument\":\"unccc\",\"parties\":["
	    "{\"code\":\"VNM\",\"name\":\"V\",\"kind\":\"state\"},"
	    "{\"code\":\"FRA\",\"name\":\"F\",\"kind\":\"state\","
	    "\"reservations\":[{\"article\":\"42\"}]}]}";
	const char *dual[] = { "dual_criminality_reservation" };
	struct hn_register *reg = NULL;
	struct hn_refusal_ctx ctx;
	struct hn_error err;

	assert_int_equal(hn_register_load(reg_doc, strlen(reg_doc), &reg, &err),
	    0);
	ctx_for(&ctx, hn_kind_find("preservation"), HN_BASIS_UNCCC, false,
	    false);
	assert_int_equal(hn_register_decl(reg, "FRA", &ctx.requested), 0);
	assert_int_equal(hn_grounds_check(&ctx, dual, 1, &err), 0);
	assert_int_equal(hn_register_decl(reg, "VNM", &ctx.requested), 0);
	assert_int_equal(hn_grounds_check(&ctx, dual, 1, &err), HN_EINVAL);
	assert_int_equal(hn_register_decl(reg, "USA", &ctx.requested),
	    HN_ENOTFOUND);
	assert_int_equal(hn_grounds_check(&ctx, dual, 1, &err), HN_EINVAL);
	hn_register_free(reg);
}

/* docs/requests.md lists every ground with its citation. */
static void
test_docs(void **state)
{
	struct hn_buf doc = HN_BUF_INIT(1u << 20);
	const struct hn_ground *g;
	const char *src = getenv("HN_SRC");
	char path[4096], row[256], cite[HN_CITATION_MAX];

	if (src == NULL)
		skip();
	snprintf(path, sizeof(path), "%s/docs/requests.md", src);
	assert_int_equal(hn_file_read(path, &doc), 0);
	for (g = hn_grounds; g->code != NULL; g++) {
		snprintf(row, sizeof(row), "| `%s` | %s |", g->code,
		    hn_citation_format(&g->src, cite, sizeof(cite)));
		if (strstr(doc.data, row) == NULL)
			fail_msg("docs/requests.md lacks a row starting \"%s\"",
			    row);
	}
	hn_buf_release(&doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_combination),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_citations_unambiguous),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_request_and_protocol),
		cmocka_unit_test(test_register_reservation),
		cmocka_unit_test(test_docs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
