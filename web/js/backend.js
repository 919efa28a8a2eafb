// backend.js - the node's request API (/v1/requests): lifecycle, deadlines
// and history kept by the node. A request keeps one id on both nodes
// (docs/protocol.md section 4): the node sends it when it is queued, and
// the other State's answers move it here.
import {get, post, qs, listOf} from './api.js';

const PAGE = 200;
const MAX_PAGES = 10;

export async function listRequests() {
	const out = [];
	let cursor = null;
	for (let i = 0; i < MAX_PAGES; i++) {
		const d = await get(`/v1/requests${qs({limit: PAGE, cursor})}`);
		out.push(...listOf(d, 'requests'));
		if (!d || !d.next_cursor)
			break;
		cursor = d.next_cursor;
	}
	return out;
}

export async function getRequest(ctx, id) {
	const d = await get(`/v1/requests/${encodeURIComponent(id)}`);
	return d.request ? {...d.request, ...d, request: undefined} : d;
}

/* Creates a request and sends it; returns {id, ledger_index}. The node
 * records a draft; sending is the next step of the lifecycle (an
 * emergency request first waits for a supervisor, art. 41). */
export async function createRequest(ctx, body, kind) {
	const r = await post('/v1/requests', body);
	const id = r.id || (r.request && r.request.id);
	const next = kind && kind.emergency ? 'awaiting_approval' : 'queued';
	const t = await post(`/v1/requests/${encodeURIComponent(id)}/transitions`, {to: next});
	return {...r, ...t, id, ledger_index: t.ledger_index ?? r.ledger_index};
}

/* A step on a request: {to, reason, grounds}; returns {ledger_index}. */
export function transition(ctx, req, step) {
	return post(`/v1/requests/${encodeURIComponent(req.id)}/transitions`, step);
}
