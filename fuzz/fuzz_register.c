/*
 * fuzz_register: the register parser and every computation on what it
 * accepts (status of each party, in force between pairs, the gate, its
 * reservations and declarations and the refusal grounds they open).
 */
#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/grounds.h"
#include "core/treaty.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hn_register *reg = NULL;
	const struct hn_register *regs[1];
	struct hn_error err;
	struct hn_refusal_ctx ctx;
	const struct hn_ground *allowed[HN_GROUNDS_MAX];
	const char *dual[1] = { "dual_criminality_reservation" };
	char why[512];
	int32_t on;
	size_t i;

	if (hn_register_load((const char *)data, size, &reg, &err) != 0)
		return 0;
	regs[0] = reg;
	(void)hn_date_parse("2027-06-01", &on);
	for (i = 0; i < reg->nparties && i < 64; i++) {
		const struct hn_party *p = &reg->parties[i];
		const char *q = reg->parties[(i + 1) % reg->nparties].code;

		(void)hn_party_in_force(p, on);
		(void)hn_register_between(reg, p->code, q, on, why,
		    sizeof(why));
		(void)hn_register_between(reg, p->code, q, p->in_force_from,
		    why, sizeof(why));
		(void)hn_treaty_gate(regs, 1, NULL, p->code, q, on,
		    (enum hn_basis)(i % HN_BASIS_COUNT_), why, sizeof(why));
		if (hn_register_decl(reg, p->code, &ctx.requested) != 0)
			__builtin_trap(); /* the party is in the register */
		ctx.kind = hn_kind_find("preservation");
		ctx.basis = reg->instrument == HN_INSTR_BUDAPEST ?
		    HN_BASIS_BUDAPEST :
		    HN_BASIS_UNCCC;
		ctx.convention_offence = (i & 1) != 0;
		(void)hn_grounds_allowed(&ctx, allowed, HN_GROUNDS_MAX);
		/* the reservation ground is open exactly when the register
		 * records the reservation and the offence is outside */
		if ((hn_grounds_check(&ctx, dual, 1, NULL) == 0) !=
		    (ctx.requested.dual_criminality_preservation &&
			!ctx.convention_offence))
			__builtin_trap();
	}
	hn_register_free(reg);
	return 0;
}
