/*
 * hanoinet demo: for now, the register's status (the federation issue
 * turns this into a local network of nodes).
 */
#include <stdio.h>
#include <time.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/treaty.h"

int
cmd_demo(int argc, char **argv)
{
	struct hn_register *reg = NULL;
	const struct hn_instrument_rule *rule;
	const struct hn_party *p;
	char d[HN_DATE_STRLEN], today[HN_DATE_STRLEN];
	size_t i, undated = 0;
	int r;

	if ((r = hn_cli_register_load(NULL, &reg)) != 0)
		return r;
	rule = hn_instrument_rule(reg->instrument);
	hn_date_format(hn_date_of_time((int64_t)time(NULL)), today);
	printf("hanoinet demo - the register of parties as shipped "
	    "(data/parties.json), on %s\n\n", today);
	printf("%s (%s): %zu parties in the register, %zu signatories\n",
	    rule->title, rule->code, reg->nparties, reg->signatories);
	printf("instruments deposited that count: %zu of the %zu needed "
	    "(art. %s)\n", reg->instruments, rule->threshold, rule->art_entry);
	if (reg->entry_into_force == HN_DATE_NONE)
		printf("=> %s is NOT yet in force: requests rely on the "
		    "Budapest Convention, bilateral treaties or reciprocity "
		    "(legal_basis).\n", rule->title);
	else
		printf("=> entry into force: %s\n",
		    (hn_date_format(reg->entry_into_force, d), d));
	printf("\ninstruments of ratification, acceptance, approval or "
	    "accession:\n");
	for (i = 0; i < reg->nparties; i++) {
		p = &reg->parties[i];
		for (size_t j = 0; j < p->nevents; j++) {
			const struct hn_event *e = &p->events[j];

			if (e->type == HN_EV_SIGNATURE ||
			    e->type == HN_EV_DENUNCIATION)
				continue;
			hn_date_format(e->date, d);
			printf("  %s %-28s %-13s %s%s\n", p->code, p->name,
			    hn_event_type_name(e->type),
			    e->date == HN_DATE_NONE ? "no date" : d,
			    e->date == HN_DATE_NONE ?
			    " (no legal effect until deposited)" :
			    !e->confirmed ? " (unconfirmed)" : "");
			if (e->date == HN_DATE_NONE)
				undated++;
		}
	}
	if (undated == 0 && reg->instruments == 0)
		printf("  (none)\n");
	printf("\nTry: hanoinet parties summary | hanoinet parties status VNM "
	    "| hanoinet parties between VNM FRA --basis unccc\n");
	hn_register_free(reg);
	return 0;
}
