/*
 * hanoinet parties status|between|summary: the register of parties
 * (arts. 64, 65, 67). --json prints exactly the keys of issue 2.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/treaty.h"

struct opts {
	const char *reg;
	const char *on;
	const char *basis;
	int json;
	const char *args[2];
};

/*
 * Parses [--register FILE] [--on DATE] [--basis B] [--json] ARGS... (want
 * of them; --basis only with basis) against usage: HN_CLI_GO or the exit
 * status (cli/cli.h hn_cli_args).
 */
static int
parse(int argc, char **argv, int want, bool basis, const char *usage,
    struct opts *o)
{
	struct hn_cli_opt opts[] = { HN_OPT_FLAG("json", &o->json),
		HN_OPT("register", &o->reg), HN_OPT("on", &o->on),
		HN_OPT("basis", &o->basis), HN_OPT_END };
	const struct hn_cli_opt end = HN_OPT_END;
	int i, r;

	memset(o, 0, sizeof(*o));
	if (!basis)
		opts[3] = end;
	if ((r = hn_cli_args(argc, argv, opts, want, want, usage, NULL)) !=
	    HN_CLI_GO)
		return r;
	for (i = 0; i < want; i++)
		o->args[i] = argv[1 + i];
	return HN_CLI_GO;
}

/* --on DATE, or today (UTC). */
static int
on_date(const struct opts *o, int32_t *out)
{
	if (o->on == NULL) {
		*out = hn_date_of_time((int64_t)time(NULL));
		return 0;
	}
	if (hn_date_parse(o->on, out) != 0)
		return hn_cli_usage("--on %s: not a date YYYY-MM-DD", o->on);
	return 0;
}

static json_t *
jdate(int32_t d)
{
	char s[HN_DATE_STRLEN];

	if (d == HN_DATE_NONE)
		return json_null();
	hn_date_format(d, s);
	return json_string(s);
}

static int
emit(json_t *o)
{
	char *s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	if (s == NULL)
		return hn_cli_fail(2, "out of memory");
	puts(s);
	free(s);
	return 0;
}

static const char *
show(int32_t d, char buf[HN_DATE_STRLEN])
{
	hn_date_format(d, buf);
	return buf;
}

static int
cmd_status(int argc, char **argv)
{
	struct hn_register *reg = NULL;
	const struct hn_party *p;
	struct opts o;
	char d1[HN_DATE_STRLEN], d2[HN_DATE_STRLEN], why[256];
	const char *instr;
	int32_t on;
	int r;

	if ((r = parse(argc, argv, 1, false,
		 "hanoinet parties status CODE "
		 "[--on DATE] [--register FILE] [--json]",
		 &o)) != HN_CLI_GO)
		return r;
	if ((r = on_date(&o, &on)) != 0 ||
	    (r = hn_cli_register_load(o.reg, &reg)) != 0)
		return r;
	if ((p = hn_register_find(reg, o.args[0])) == NULL) {
		r = hn_cli_fail(2, "unknown party code '%s'", o.args[0]);
		goto out;
	}
	instr = p->instrument >= 0 ? hn_event_type_name(p->instrument) : NULL;
	if (o.json) {
		r = emit(json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:b}",
		    "code", p->code, "signed", jdate(p->signed_on),
		    "instrument", instr ? json_string(instr) : json_null(),
		    "deposited", jdate(p->deposited), "in_force_from",
		    jdate(p->in_force_from), "denunciation_effective",
		    jdate(p->denunciation_effective), "in_force",
		    hn_party_in_force(p, on)));
		goto out;
	}
	printf("%s  %s (%s) - %s (%s)\n", p->code, p->name,
	    p->kind == HN_PARTY_REIO ? "regional organisation" : "State",
	    hn_instrument_rule(reg->instrument)->title,
	    hn_instrument_name(reg->instrument));
	printf("  signed:                 %s%s\n", show(p->signed_on, d1),
	    p->has_signature && p->signed_on == HN_DATE_NONE ?
		" (date not recorded)" :
		"");
	if (instr != NULL)
		printf("  instrument deposited:   %s %s\n", instr,
		    show(p->deposited, d1));
	else
		printf("  instrument deposited:   none with a date\n");
	printf("  in force from:          %s\n", show(p->in_force_from, d1));
	printf("  denunciation effective: %s\n",
	    show(p->denunciation_effective, d1));
	hn_register_between(reg, p->code, p->code, on, why, sizeof(why));
	printf("  in force on %s:  %s\n", show(on, d2),
	    hn_party_in_force(p, on) ? "yes" : "no");
	if (!hn_party_in_force(p, on))
		printf("  why: %s\n", why);
	r = 0;
out:
	hn_register_free(reg);
	return r;
}

static int
cmd_between(int argc, char **argv)
{
	struct hn_register *reg = NULL;
	enum hn_basis basis = HN_BASIS_UNCCC;
	const struct hn_register *regs[1];
	struct opts o;
	char d[HN_DATE_STRLEN], why[512];
	int32_t on;
	int r, i, ok;

	if ((r = parse(argc, argv, 2, true,
		 "hanoinet parties between A B "
		 "[--on DATE] [--basis unccc|budapest] [--register FILE] [--json]",
		 &o)) != HN_CLI_GO)
		return r;
	if ((r = on_date(&o, &on)) != 0)
		return r;
	if (o.basis != NULL &&
	    (hn_basis_parse(o.basis, &basis) != 0 ||
		(basis != HN_BASIS_UNCCC && basis != HN_BASIS_BUDAPEST)))
		return hn_cli_usage("--basis %s: must be unccc or budapest",
		    o.basis);
	if ((r = hn_cli_register_load(o.reg, &reg)) != 0)
		return r;
	for (i = 0; i < 2; i++)
		if (hn_register_find(reg, o.args[i]) == NULL) {
			r = hn_cli_fail(2, "unknown party code '%s'",
			    o.args[i]);
			goto out;
		}
	regs[0] = reg;
	ok = hn_treaty_gate(regs, 1, NULL, o.args[0], o.args[1], on, basis, why,
		 sizeof(why)) == 0;
	if (o.json)
		r = emit(json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "a",
		    o.args[0], "b", o.args[1], "on", show(on, d), "basis",
		    hn_basis_name(basis), "in_force", ok, "reason", why));
	else
		printf("%s\n%s\n", ok ? "in force" : "not in force", why);
out:
	hn_register_free(reg);
	return r;
}

static int
cmd_summary(int argc, char **argv)
{
	struct hn_register *reg = NULL;
	const struct hn_instrument_rule *rule;
	struct opts o;
	char d1[HN_DATE_STRLEN];
	int r;

	if ((r = parse(argc, argv, 0, false,
		 "hanoinet parties summary "
		 "[--register FILE] [--json]",
		 &o)) != HN_CLI_GO)
		return r;
	if ((r = hn_cli_register_load(o.reg, &reg)) != 0)
		return r;
	rule = hn_instrument_rule(reg->instrument);
	if (o.json) {
		r = emit(json_pack("{s:I, s:I, s:o, s:o}", "signatories",
		    (json_int_t)reg->signatories, "instruments",
		    (json_int_t)reg->instruments, "fortieth_instrument",
		    jdate(reg->threshold_date), "entry_into_force",
		    jdate(reg->entry_into_force)));
		goto out;
	}
	printf("%s (%s)\n", rule->title, rule->code);
	printf("  parties in the register: %zu\n", reg->nparties);
	printf("  signatories:             %zu\n", reg->signatories);
	printf("  instruments counted:     %zu of %zu needed (art. %s)\n",
	    reg->instruments, rule->threshold, rule->art_entry);
	printf("  instrument no. %-3zu      %s\n", rule->threshold,
	    show(reg->threshold_date, d1));
	printf("  entry into force:        %s\n",
	    show(reg->entry_into_force, d1));
	if (reg->entry_into_force == HN_DATE_NONE)
		printf("  %s is not yet in force: fewer than %zu instruments "
		       "deposited.\n",
		    rule->title, rule->threshold);
out:
	hn_register_free(reg);
	return r;
}

static const struct hn_cmd parties_cmds[] = {
	{ "status", cmd_status,
	    "CODE [--on DATE] [--register FILE] [--json]: one party" },
	{ "between", cmd_between,
	    "A B [--on DATE] [--basis unccc|budapest] [--register FILE] "
	    "[--json]" },
	{ "summary", cmd_summary, "[--register FILE] [--json]: the counts" },
	{ NULL, NULL, NULL }
};

int
cmd_parties(int argc, char **argv)
{
	return hn_cli_dispatch("parties", parties_cmds, argc - 1, argv + 1);
}
