// transfer.js - sending an evidence item to the other State's node over the
// federation channel (docs/api.yaml, docs/evidence.md):
//   POST /v1/evidence/{id}/transfer {to, reason, conditions}
//        -> 202 {transfer, state: "sending", total, ledger_index}
//        -> 200 {transfer, state: "acknowledged", their_ledger_index}
//   GET  /v1/evidence/{id}/transfers -> {transfers: [{direction, peer,
//        state, sent, total, their_ledger_index, error, active}, ...]}
// The node sends in the background and resumes by itself; the console
// only starts a transfer and watches its state.
import {get, post, listOf} from './api.js';

/* The node's limit for reason and conditions (HN_EV_TEXT_MAX, bytes). */
export const TEXT_MAX = 1024;

/* Roles the route table lets send (HN_ROLES_OFFICERS in src/net/http.h). */
const SENDERS = new Set(['duty_officer', 'central_authority', 'supervisor']);

export function maySend(session) {
	return !!session && (session.roles && session.roles.length ? session.roles : [session.role]).some(r => SENDERS.has(r));
}

/* States after which nothing moves without an officer. */
export function settled(state) {
	return state === 'acknowledged' || state === 'failed';
}

/* Starts (or resumes) the transfer of item to party `to`. */
export function sendEvidence(item, {to, reason, conditions}) {
	const body = {to};
	if (reason)
		body.reason = reason;
	if (conditions)
		body.conditions = conditions;
	return post(`/v1/evidence/${encodeURIComponent(item)}/transfer`, body);
}

export async function transfersOf(item) {
	return listOf(await get(`/v1/evidence/${encodeURIComponent(item)}/transfers`), 'transfers');
}

/* The newest outgoing transfer to `peer` in a list (oldest first). */
export function latestOut(list, peer) {
	const out = (list || []).filter(x => x.direction === 'out' && (!peer || x.peer === peer));
	return out.length ? out[out.length - 1] : null;
}

/* An item's custody entries for one transfer: {sent, acknowledged} ledger
 * indexes here (custody detail.transfer names the transfer). */
export function custodyOf(ev, xfer) {
	const r = {};
	for (const c of ev.custody || []) {
		const d = c.detail || {};
		if (!xfer || d.transfer !== xfer || !(c.ledger_index >= 0))
			continue;
		if (c.action === 'transfer_out')
			r.sent = c.ledger_index;
		else if (c.action === 'acknowledged')
			r.acknowledged = c.ledger_index;
	}
	return r;
}

/* Did the item come from another State (art. 36 origin), and is its
 * "verified" custody entry here: {from, verified: index|undefined}. */
export function receivedOf(ev) {
	if (!ev.origin)
		return null;
	const v = (ev.custody || []).filter(c => c.action === 'verified' && c.ledger_index >= 0);
	return {from: ev.origin, verified: v.length ? v[v.length - 1].ledger_index : undefined,
		conditions: ev.conditions || ''};
}

/* Has the item been sent anywhere (custody transfer_out)? */
export function everSent(ev) {
	return (ev.custody || []).some(c => c.action === 'transfer_out');
}
