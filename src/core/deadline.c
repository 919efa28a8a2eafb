#include "core/deadline.h"

#include <assert.h>
#include <string.h>

#include "core/date.h"
#include "util/err.h"

static const char *const level_names[] = { "ok", "due_soon", "overdue" };

void
hn_deadline_config_default(struct hn_deadline_config *c)
{
	c->ack_target = 24 * 3600;
	c->ack_target_emergency = 3600;
	c->due_soon = 6 * 3600;
	c->emergency_execution = 24 * 3600;
}

void
hn_deadline_input_init(struct hn_deadline_input *in)
{
	memset(in, 0, sizeof(*in));
	in->created_at = in->received_at = in->preserved_at = HN_TIME_NONE;
	in->followup_received_at = in->followup_decided_at = HN_TIME_NONE;
	in->stated_deadline = in->acknowledged_at = HN_TIME_NONE;
}

const char *
hn_level_name(enum hn_level l)
{
	return (unsigned)l <= HN_LEVEL_OVERDUE ? level_names[l] : "?";
}

int
hn_level_parse(const char *s, enum hn_level *out)
{
	int i;

	for (i = 0; s != NULL && i <= HN_LEVEL_OVERDUE; i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum hn_level)i;
			return 0;
		}
	return HN_EINVAL;
}

enum hn_level
hn_deadline_level(int64_t start, int64_t due, int64_t now, int64_t due_soon)
{
	int64_t window = due_soon;

	if (now >= due)
		return HN_LEVEL_OVERDUE;
	if (start != HN_TIME_NONE && start < due && (due - start) / 4 < window)
		window = (due - start) / 4;
	return due - now <= window ? HN_LEVEL_DUE_SOON : HN_LEVEL_OK;
}

bool
hn_deadline_state_final(enum hn_state s)
{
	return s == HN_ST_EXECUTED || s == HN_ST_PARTIALLY_EXECUTED ||
	    s == HN_ST_REFUSED || s == HN_ST_WITHDRAWN || s == HN_ST_EXPIRED ||
	    s == HN_ST_RELEASED || s == HN_ST_REJECTED;
}

static void
add(struct hn_deadline *out, size_t max, size_t *n, const char *name,
    int64_t start, int64_t due, int64_t now, const struct hn_deadline_config *c,
    const char *article, bool until_decision)
{
	struct hn_deadline *d;

	assert(*n <= max);
	if (*n >= max)
		return;
	d = &out[(*n)++];
	d->name = name;
	d->due = due;
	d->article = article;
	d->until_decision = until_decision;
	d->level = until_decision ?
	    HN_LEVEL_OK :
	    hn_deadline_level(start, due, now, c->due_soon);
}

int
hn_deadlines_compute(const struct hn_deadline_input *in,
    const struct hn_deadline_config *cfg, int64_t now, struct hn_deadline *out,
    size_t max)
{
	struct hn_deadline_config def;
	int64_t start, due, target;
	size_t n = 0;

	assert(out != NULL || max == 0);
	if (in == NULL || in->kind == NULL)
		return HN_EINVAL;
	if (cfg == NULL) {
		hn_deadline_config_default(&def);
		cfg = &def;
	}
	/* A finished request has no open clock, whichever it had. */
	if (hn_deadline_state_final(in->state))
		return 0;
	/* Art. 41: the 24/7 point of contact answers at once; the node's
	 * target for the acknowledgement runs from receipt. */
	if (in->kind->via_247 && in->side == HN_SIDE_REQUESTED &&
	    in->state == HN_ST_RECEIVED && in->received_at != HN_TIME_NONE) {
		target = in->kind->emergency ? cfg->ack_target_emergency :
					       cfg->ack_target;
		add(out, max, &n, "acknowledge", in->received_at,
		    in->received_at + target, now, cfg, "41", false);
	}
	/* Art. 41: an emergency is not over once acknowledged; the data
	 * that averts it is due within the node's target, counted from the
	 * acknowledgement, until the request is finished. Both copies run
	 * the clock: the requesting side from when the acknowledgement
	 * reached it. */
	if (in->kind->emergency && in->acknowledged_at != HN_TIME_NONE &&
	    (in->state == HN_ST_ACKNOWLEDGED || in->state == HN_ST_POSTPONED)) {
		target = cfg->emergency_execution > 0 ?
		    cfg->emergency_execution :
		    24 * 3600;
		add(out, max, &n, "execution", in->acknowledged_at,
		    in->acknowledged_at + target, now, cfg, "41", false);
	}
	/* Art. 42: at least 60 days from when preservation took effect;
	 * then, once the follow-up request was received, until it is
	 * decided. */
	if (in->kind->preservation && in->preserved_at != HN_TIME_NONE &&
	    (in->state == HN_ST_PRESERVED || in->state == HN_ST_EXTENDED ||
		in->side == HN_SIDE_REQUESTING)) {
		due = in->preserved_at + HN_PRESERVATION_MIN_SECONDS;
		if (in->followup_received_at != HN_TIME_NONE &&
		    in->followup_decided_at == HN_TIME_NONE)
			add(out, max, &n, "preservation", in->preserved_at, due,
			    now, cfg, "42", true);
		else {
			if (in->followup_decided_at != HN_TIME_NONE &&
			    in->followup_decided_at > due)
				due = in->followup_decided_at;
			add(out, max, &n, "preservation", in->preserved_at, due,
			    now, cfg, "42", false);
		}
	}
	/* Art. 40: deadlines the requester explains are taken into account
	 * while the request is open. */
	if (in->stated_deadline != HN_TIME_NONE) {
		start = in->side == HN_SIDE_REQUESTED ? in->received_at :
							in->created_at;
		add(out, max, &n, "requested_by", start, in->stated_deadline,
		    now, cfg, "40", false);
	}
	assert(n <= 4); /* one of each clock at most */
	return (int)n;
}

int
hn_deadline_stated_check(const json_t *req, int64_t now, struct hn_problems *ps)
{
	char at[HN_TIME_STRLEN];
	int64_t dl;

	if (hn_request_deadline(req, &dl) != 0 || dl > now)
		return 0;
	hn_datetime_format(dl, at);
	hn_problems_add(ps, "deadline", "40",
	    "%s is in the past: a stated "
	    "deadline must lie in the future",
	    at);
	return HN_EVALIDATE;
}

static int64_t
clamp_time(int64_t t)
{
	const int64_t max = (INT64_C(1) << HN_ORDER_TIME_BITS) - 1;

	return t < 0 ? 0 : t > max ? max : t;
}

int64_t
hn_deadline_order_key(const struct hn_deadline_input *in, int64_t next_due)
{
	const int64_t tmax = (INT64_C(1) << HN_ORDER_TIME_BITS) - 1;
	int64_t key = 0;

	/* art. 41: open emergencies before everything else */
	if (in->kind == NULL || !in->kind->emergency ||
	    hn_deadline_state_final(in->state))
		key |= INT64_C(1) << (HN_ORDER_TIME_BITS + 1);
	if (next_due != HN_TIME_NONE)
		return key | clamp_time(next_due);
	key |= INT64_C(1) << HN_ORDER_TIME_BITS;
	return key |
	    (tmax -
		(in->created_at == HN_TIME_NONE ? 0 :
						  clamp_time(in->created_at)));
}
