/*
 * roster.h - the on-call roster document (SQL only; what a valid roster is:
 * core/roster.h). One document per node, replaced whole.
 */
#ifndef HN_STORE_ROSTER_H
#define HN_STORE_ROSTER_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

/* The stored roster with "updated_at" and "updated_by"; an empty roster
 * ({"zone":"UTC","people":[]}) if none was ever stored. */
int hn_roster_get(struct hn_db *db, json_t **out);
/* Replaces the roster with doc (already validated). */
int hn_roster_put(struct hn_db *db, const json_t *doc, const char *by,
    int64_t now);

#endif
