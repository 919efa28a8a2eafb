/*
 * roster.h - the node's on-call roster for alerts (issue 16): who is on duty
 * when, in which language, how to reach them, in which order to escalate.
 *
 * Pure: validation only, no I/O and no clock. The document is JSON:
 *   {"zone": "UTC",
 *    "people": [{"name", "lang", "email", "webhook"?, "order",
 *                "supervisor"?, "slots": [{"day": "mon".."sun",
 *                                          "from": "HH:MM", "to": "HH:MM"}]}]}
 * "to" after "from" within one day (a slot over midnight is two slots);
 * "24:00" ends a day. Errors name the field ("people[1].email").
 */
#ifndef HN_CORE_ROSTER_H
#define HN_CORE_ROSTER_H

#include <jansson.h>

#include "util/err.h"

#define HN_ROSTER_PEOPLE_MAX 64
#define HN_ROSTER_SLOTS_MAX 32
#define HN_ROSTER_NAME_MAX 64
#define HN_ROSTER_EMAIL_MAX 254
#define HN_ROSTER_URL_MAX 512
#define HN_ROSTER_DOC_MAX (64 * 1024)

/*
 * Checks a roster document. 0 if valid; HN_EVALIDATE with err->field naming
 * the first bad field otherwise. Unknown keys are refused (a typo would
 * otherwise silently leave someone off duty).
 */
int hn_roster_validate(const json_t *doc, struct hn_error *err)
    __attribute__((warn_unused_result));

#endif
