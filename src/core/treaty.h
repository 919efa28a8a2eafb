/*
 * treaty.h - the register of parties and entry into force (core, pure).
 *
 * Owner: core (issue 2). Used by cli/parties, net/ (GET /v1/parties) and
 * fed/ (the treaty gate on incoming requests).
 *
 * A register is the JSON document described in docs/register.md. Loading
 * it validates every field and computes, once, each party's dates under the
 * rules of the register's instrument (one table row per instrument):
 *   unccc    UN Convention against Cybercrime, arts. 64, 65, 67
 *   budapest Council of Europe Convention on Cybercrime, arts. 36, 37, 47
 * Nothing here reads files or the clock: the caller passes the bytes (the
 * embedded data/parties.json, a --register file, a configured path) and the
 * date of interest.
 */
#ifndef HN_CORE_TREATY_H
#define HN_CORE_TREATY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Limits of a register document, checked before use. */
#define HN_REGISTER_MAX_BYTES (4u << 20)
#define HN_REGISTER_MAX_PARTIES 1024
#define HN_REGISTER_MAX_EVENTS 64 /* per party */
#define HN_PARTY_NAME_MAX 256 /* bytes, including the NUL */
#define HN_PARTY_CODE_LEN 3 /* ISO 3166-1 alpha-3, e.g. "VNM"; "EUU" */
#define HN_PARTY_MAX_RESERVATIONS 16 /* per party */
#define HN_RESERVATION_TEXT_MAX 1024 /* bytes of a reservation's text */
#define HN_DECL_MAX_LANGUAGES 16 /* languages a party declares */
#define HN_LANGTAG_MAX 16 /* bytes of a language tag */

/* The instruments a register may describe (key "instrument"). */
enum hn_instrument { HN_INSTR_UNCCC, HN_INSTR_BUDAPEST, HN_INSTR_COUNT_ };

/* The legal basis a request relies on (request field "legal_basis"). */
enum hn_basis {
	HN_BASIS_UNCCC, /* the UN Convention in force between both */
	HN_BASIS_BUDAPEST, /* the Budapest Convention in force between both */
	HN_BASIS_BILATERAL, /* a bilateral treaty declared in the config */
	HN_BASIS_RECIPROCITY, /* reciprocity declared in the config */
	HN_BASIS_COUNT_
};

enum hn_party_kind { HN_PARTY_STATE, HN_PARTY_REIO };

enum hn_event_type {
	HN_EV_SIGNATURE,
	HN_EV_RATIFICATION,
	HN_EV_ACCEPTANCE,
	HN_EV_APPROVAL,
	HN_EV_ACCESSION,
	HN_EV_DENUNCIATION,
	HN_EV_COUNT_
};

struct hn_event {
	enum hn_event_type type;
	int32_t date; /* deposit / receipt date; HN_DATE_NONE: no effect */
	bool confirmed; /* informational only: changes no computation */
};

/*
 * A reservation a party made (register key "reservations"). Only the
 * article (and paragraph) matter to the node: UNCCC art. 42 and Budapest
 * art. 29(4) are the dual-criminality reservation for preservation.
 */
struct hn_reservation {
	char article[4]; /* "42" */
	char paragraph[4]; /* "4"; "" when the register gives none */
	int32_t date; /* HN_DATE_NONE when the register gives none */
};

/* The channels a party declares it accepts requests through. */
enum hn_channel {
	HN_CH_CENTRAL_AUTHORITY, /* "central_authority": UNCCC art. 40,
				    Budapest art. 27(2) */
	HN_CH_NETWORK_247, /* "network_24_7": UNCCC art. 41,
			      Budapest art. 35 */
	HN_CH_INTERPOL, /* "interpol": Budapest art. 27(9)(b) */
	HN_CH_DIPLOMATIC, /* "diplomatic" */
	HN_CH_COUNT_
};

/*
 * What a party declared or reserved, as the node needs it: computed from
 * the register's "reservations" and "declarations" at load time (never
 * from code). The refusal grounds (grounds.h) and the language check read
 * it.
 */
struct hn_party_decl {
	/* The dual-criminality reservation for preservation: UNCCC art. 42,
	 * Budapest art. 29(4). */
	bool dual_criminality_preservation;
	size_t nlanguages; /* 0: none declared */
	char languages[HN_DECL_MAX_LANGUAGES][HN_LANGTAG_MAX + 1];
	unsigned channels; /* bits 1u << enum hn_channel; 0: none declared */
};

struct hn_party {
	char code[HN_PARTY_CODE_LEN + 1];
	char name[HN_PARTY_NAME_MAX];
	enum hn_party_kind kind;
	struct hn_event *events;
	size_t nevents;
	struct hn_reservation *reservations;
	size_t nreservations;
	struct hn_party_decl decl;

	/* Computed at load time; HN_DATE_NONE when there is none. */
	bool has_signature; /* a signature event, dated or not */
	int32_t signed_on; /* earliest dated signature */
	int instrument; /* enum hn_event_type deposited, or -1 */
	int32_t deposited; /* earliest dated instrument */
	int32_t in_force_from; /* entry into force for this party */
	int32_t denounced; /* earliest dated denunciation received */
	int32_t denunciation_effective; /* no longer in force from this day */
};

struct hn_register {
	enum hn_instrument instrument;
	struct hn_party *parties;
	size_t nparties;

	/* Computed at load time. */
	size_t signatories; /* parties with a signature event, dated or not */
	size_t instruments; /* dated instruments that count (not reio ones) */
	int32_t threshold_date; /* the Nth counting instrument's date */
	int32_t entry_into_force; /* general entry into force */
};

/* One row per instrument: how it enters into force and ends. */
enum hn_period_unit {
	HN_PERIOD_DAYS, /* D + n days */
	HN_PERIOD_YEARS, /* same day n years later, 29 Feb -> 1 Mar */
	HN_PERIOD_MONTHS_THEN_1ST, /* first of the month after D + n months */
};

struct hn_period {
	enum hn_period_unit unit;
	int n;
};

struct hn_instrument_rule {
	enum hn_instrument id;
	const char *code; /* "unccc" */
	const char *title; /* "the UN Convention" */
	size_t threshold; /* instruments needed for entry into force */
	bool reio_counts; /* does a reio's instrument count? */
	struct hn_period general; /* after the threshold instrument */
	struct hn_period party; /* after a later party's deposit */
	struct hn_period denunciation; /* after receipt of a denunciation */
	const char *art_entry; /* "65" */
	const char *art_denunciation; /* "67" */
	/* The last day a signature may be dated, "YYYY-MM-DD"; NULL: open
	 * indefinitely. After it a State joins by accession. */
	const char *signature_until;
	const char *art_signature; /* "64" */
	/* The article of the dual-criminality reservation for preservation
	 * ("42"; Budapest "29", paragraph "4"). */
	const char *art_reservation;
	const char *para_reservation; /* NULL when none is cited */
};

const struct hn_instrument_rule *hn_instrument_rule(enum hn_instrument id);
int32_t hn_period_apply(struct hn_period p, int32_t date);

const char *hn_instrument_name(enum hn_instrument id); /* "unccc" */
int hn_instrument_parse(const char *s, enum hn_instrument *out);
const char *hn_basis_name(enum hn_basis b); /* "unccc", ..., "reciprocity" */
int hn_basis_parse(const char *s, enum hn_basis *out);
const char *hn_event_type_name(enum hn_event_type t);
/* "central_authority", ...; "?" when out of range. */
const char *hn_channel_name(enum hn_channel c);
/* 0 and *out set, or HN_EINVAL for an unknown name. */
int hn_channel_parse(const char *s, enum hn_channel *out);

/* A language tag: 2-3 letters, then subtags of 1-8 letters or digits
 * joined by '-' (BCP 47 in its everyday form), at most HN_LANGTAG_MAX
 * bytes: "fr", "es-419", "zh-Hans". */
bool hn_langtag_valid(const char *s);

/*
 * Parses and validates a register of `len` bytes (at most
 * HN_REGISTER_MAX_BYTES) and computes every date. On success *out is a new
 * register the caller frees with hn_register_free(). On failure returns
 * HN_EPARSE, HN_ETOOBIG, HN_EINVAL or HN_ENOMEM and err names the place,
 * e.g. field "parties[3] (FRA).events[1].date", message
 * "not a date YYYY-MM-DD". Unknown members are ignored. A signature dated
 * after the instrument's signature period (UNCCC art. 64: 31 December
 * 2026) is refused, article "64". Optional per party: "reservations"
 * (at most HN_PARTY_MAX_RESERVATIONS, each {"article", "paragraph",
 * "date", "text"}) and "declarations" ({"languages", "channels"});
 * docs/register.md describes them.
 */
int hn_register_load(const char *json, size_t len, struct hn_register **out,
    struct hn_error *err) __attribute__((warn_unused_result));
void hn_register_free(struct hn_register *reg);

/* The party with `code`, or NULL. */
const struct hn_party *hn_register_find(const struct hn_register *reg,
    const char *code);

/*
 * The declarations and reservations of party `code` (treaty.h, struct
 * hn_party_decl): 0 and *out filled, or HN_ENOTFOUND (and *out zeroed:
 * nothing declared) when the register has no such party.
 */
int hn_register_decl(const struct hn_register *reg, const char *code,
    struct hn_party_decl *out);

/* Whether the instrument is in force for `p` on `date`. */
bool hn_party_in_force(const struct hn_party *p, int32_t date);

/*
 * Whether the register's instrument is in force between parties a and b on
 * `date` (in force for both, UNCCC art. 65 / Budapest art. 36). Writes a
 * one-line explanation naming the instrument and the article to `reason`
 * (always, also when in force). Returns 1 in force, 0 not in force.
 */
int hn_register_between(const struct hn_register *reg, const char *a,
    const char *b, int32_t date, char *reason, size_t reasonlen);

/* The bilateral and reciprocity partners a node declares (configuration). */
struct hn_partners {
	const char *const *bilateral; /* party codes */
	size_t nbilateral;
	const char *const *reciprocity;
	size_t nreciprocity;
};

/*
 * The treaty gate (fed/ calls it on every incoming request): may a request
 * between `a` (this node's party) and `b` (the other party) rely on `basis`
 * on `date`? For unccc and budapest the register of that instrument among
 * regs[0..nregs) must have it in force between both; for bilateral and
 * reciprocity, `partners` must declare b. Returns 0 if allowed, HN_EDENIED
 * otherwise; `reason` gets a one-line text naming the basis either way, e.g.
 * "the UN Convention (unccc) is not in force between VNM and FRA on
 * 2026-11-23: fewer than 40 instruments deposited (art. 65)".
 */
int hn_treaty_gate(const struct hn_register *const *regs, size_t nregs,
    const struct hn_partners *partners, const char *a, const char *b,
    int32_t date, enum hn_basis basis, char *reason, size_t reasonlen);

#endif
