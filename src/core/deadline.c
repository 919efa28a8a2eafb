#include "core/deadline.h"

#include <string.h>

#include "util/err.h"

static const char *const level_names[] = { "ok", "due_soon", "overdue" };

void
hn_deadline_config_default(struct hn_deadline_config *c)
{
	c->ack_target = 24 * 3600;
	c->ack_target_emergency = 3600;
	c->due_soon = 6 * 3600;
}

void
hn_deadline_input_init(struct hn_deadline_input *in)
{
	memset(in, 0, sizeof(*in));
	in->created_at = in->received_at = in->preserved_at = HN_TIME_NONE;
	in->followup_received_at = in->followup_decided_at = HN_TIME_NONE;
	in->stated_deadline = HN_TIME_NONE;
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

static bool
closed(enum hn_state s)
{
	return s == HN_ST_EXECUTED || s == HN_ST_PARTIALLY_EXECUTED ||
	    s == HN_ST_REFUSED || s == HN_ST_WITHDRAWN ||
	    s == HN_ST_EXPIRED || s == HN_ST_RELEASED;
}

static void
add(struct hn_deadline *out, size_t max, size_t *n, const char *name,
    int64_t start, int64_t due, int64_t now, const struct hn_deadline_config *c,
    const char *article, bool until_decision)
{
	struct hn_deadline *d;

	if (*n >= max)
		return;
	d = &out[(*n)++];
	d->name = name;
	d->due = due;
	d->article = article;
	d->until_decision = until_decision;
	d->level = until_decision ? HN_LEVEL_OK :
	    hn_deadline_level(start, due, now, c->due_soon);
}

int
hn_deadlines_compute(const struct hn_deadline_input *in,
    const struct hn_deadline_config *cfg, int64_t now,
    struct hn_deadline *out, size_t max)
{
	struct hn_deadline_config def;
	int64_t start, due, target;
	size_t n = 0;

	if (in == NULL || in->kind == NULL)
		return HN_EINVAL;
	if (cfg == NULL) {
		hn_deadline_config_default(&def);
		cfg = &def;
	}
	/* Art. 41: the 24/7 point of contact answers at once; the node's
	 * target for the acknowledgement runs from receipt. */
	if (in->kind->via_247 && in->side == HN_SIDE_REQUESTED &&
	    in->state == HN_ST_RECEIVED && in->received_at != HN_TIME_NONE) {
		target = in->kind->emergency ? cfg->ack_target_emergency :
		    cfg->ack_target;
		add(out, max, &n, "acknowledge", in->received_at,
		    in->received_at + target, now, cfg, "41", false);
	}
	/* Art. 42: at least 60 days from when preservation took effect;
	 * then, once the follow-up request was received, until it is
	 * decided. */
	if (in->kind->preservation && in->preserved_at != HN_TIME_NONE &&
	    (in->state == HN_ST_PRESERVED || in->state == HN_ST_EXTENDED ||
	    in->side == HN_SIDE_REQUESTING) && !closed(in->state)) {
		due = in->preserved_at + HN_PRESERVATION_MIN_SECONDS;
		if (in->followup_received_at != HN_TIME_NONE &&
		    in->followup_decided_at == HN_TIME_NONE)
			add(out, max, &n, "preservation", in->preserved_at,
			    due, now, cfg, "42", true);
		else {
			if (in->followup_decided_at != HN_TIME_NONE &&
			    in->followup_decided_at > due)
				due = in->followup_decided_at;
			add(out, max, &n, "preservation", in->preserved_at,
			    due, now, cfg, "42", false);
		}
	}
	/* Art. 40: deadlines the requester explains are taken into account
	 * while the request is open. */
	if (in->stated_deadline != HN_TIME_NONE && !closed(in->state)) {
		start = in->side == HN_SIDE_REQUESTED ? in->received_at :
		    in->created_at;
		add(out, max, &n, "requested_by", start, in->stated_deadline,
		    now, cfg, "40", false);
	}
	return (int)n;
}
