// backend.js - where the console gets requests from.
//
// The node's request API (/v1/requests: lifecycle, deadlines and history
// kept by the node) when it has one. Until then, the federation's message
// API (/v1/messages, docs/protocol.md section 4), from which the console
// rebuilds each case: a request message starts a case; the messages that
// answer it (in_reply_to) move its state; the deadlines of core's rules
// (docs/requests.md: acknowledge 24/7 requests within 24 h, emergencies
// within 1 h; preservation 60 days; a deadline the requester states) are
// computed here from the messages' times. Which one is in use is detected
// once per session (a 404 "no such endpoint" on /v1/requests).
import {api, get, post, qs, listOf} from './api.js';

const PAGE = 200;
const MAX_PAGES = 10;
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

let mode = null; /* 'requests' | 'messages' */

// The request kinds of the protocol (docs/protocol.md section 4).
const REQUEST_KINDS = new Set(['preservation', 'traffic_disclosure', 'stored_data', 'realtime_traffic',
	'interception', 'emergency', 'mla']);

/* 'requests' when the node has the request API and it knows the cases the
 * federation carried (or there are none); 'messages' when the node has no
 * request API, or has one that does not (yet) see the requests that went
 * over the network. */
export async function backendMode() {
	if (mode)
		return mode;
	let reqs = null;
	try {
		reqs = listOf(await get('/v1/requests?limit=50'), 'requests');
	} catch (e) {
		if (e.status !== 404 && e.status !== 405)
			throw e;
	}
	let fedRequests = 0;
	try {
		const [i, o] = await Promise.all([get('/v1/messages?box=in&limit=50'), get('/v1/messages?box=out&limit=50')]);
		fedRequests = [...listOf(i, 'messages'), ...listOf(o, 'messages')].filter(m => REQUEST_KINDS.has(m.kind)).length;
	} catch (e) {
		if (e.status === 401)
			throw e;
		fedRequests = -1; /* no federation on this node */
	}
	if (reqs === null)
		mode = fedRequests >= 0 ? 'messages' : 'requests';
	else
		mode = fedRequests > 0 && reqs.length === 0 ? 'messages' : 'requests';
	return mode;
}

export function resetBackend() { mode = null; }

/* What a reply message does to the case it answers. */
const REPLY_STATE = {
	acknowledgement: () => 'acknowledged',
	refusal: () => 'refused',
	postponement: () => 'postponed',
	response: b => (b && b.outcome === 'partially_executed' ? 'partially_executed' : 'executed'),
	preservation_extension: () => 'extended',
	release: () => 'released',
	withdrawal: () => 'withdrawn',
	status_update: (b, c) => (b && b.state) || (c.kind === 'preservation' ? 'preserved' : null),
};

/* The message a transition sends (messages mode). */
export const TRANSITION_MESSAGE = {
	acknowledged: 'acknowledgement',
	refused: 'refusal',
	postponed: 'postponement',
	executed: 'response',
	partially_executed: 'response',
	preserved: 'status_update',
	extended: 'preservation_extension',
	released: 'release',
	withdrawn: 'withdrawal',
	expired: 'status_update',
};

async function allMessages(box) {
	const out = [];
	let before = null;
	for (let i = 0; i < MAX_PAGES; i++) {
		const d = await get(`/v1/messages${qs({box, limit: PAGE, before})}`);
		const ms = listOf(d, 'messages');
		out.push(...ms);
		if (ms.length < PAGE)
			break;
		before = ms[ms.length - 1].seq;
	}
	return out;
}

function iso(ms) {
	return ms ? new Date(Number(ms)).toISOString() : null;
}

/* core's due-soon rule: at most 6 h left, or a quarter of the span if shorter. */
function deadline(name, start, due, article, now) {
	const span = due - start;
	const left = due - now;
	const level = left < 0 ? 'overdue' : left <= Math.min(6 * HOUR, span / 4) ? 'due_soon' : 'ok';
	return {name, due: iso(due), level, article};
}

/* Cases from the two boxes; kindsTable: normalised GET /v1/kinds. */
function buildCases(inbox, outbox, party, kindsTable, now) {
	const kinds = new Map((kindsTable ? kindsTable.kinds : []).map(k => [k.name, k]));
	const isRequest = k => kinds.has(k) || REQUEST_KINDS.has(k);
	const cases = new Map();
	for (const m of inbox)
		if (isRequest(m.kind))
			cases.set(m.id, {id: m.id, kind: m.kind, from: m.from, to: party, direction: 'in', state: 'received',
				created_at: iso(m.received_ms), ledger_index: m.ledger_index, body: m.body || {},
				in_reply_to: m.in_reply_to || null,
				history: [{at: iso(m.received_ms), type: 'received', to: 'received', ledger_index: m.ledger_index, actor: m.from}]});
	for (const m of outbox)
		if (isRequest(m.kind)) {
			const st = m.status === 'delivered' ? 'delivered' : m.status === 'failed' ? 'failed' : 'queued';
			const h = [{at: iso(m.created_ms), type: 'queued', to: 'queued'}];
			if (m.status === 'delivered')
				h.push({at: iso(m.delivered_ms), type: 'delivered', from: 'queued', to: 'delivered',
					note: m.their_ledger_index !== undefined ? `${m.to} #${m.their_ledger_index}` : null});
			if (m.status === 'failed' && m.last_error)
				h.push({at: iso(m.next_attempt_ms), type: 'failed', to: 'failed', note: m.last_error});
			cases.set(m.id, {id: m.id, kind: m.kind, from: party, to: m.to, direction: 'out', state: st,
				created_at: iso(m.created_ms), body: m.body || null, delivery: m.status, attempts: m.attempts,
				in_reply_to: m.in_reply_to || null, history: h});
		}
	// Replies, oldest first, move the state of the case they answer.
	const replies = [
		...inbox.filter(m => !isRequest(m.kind)).map(m => ({...m, at: Number(m.received_ms), mine: false})),
		...outbox.filter(m => !isRequest(m.kind)).map(m => ({...m, at: Number(m.created_ms), mine: true})),
	].sort((a, b) => a.at - b.at);
	for (const m of replies) {
		const c = cases.get(m.in_reply_to);
		if (!c || !REPLY_STATE[m.kind])
			continue;
		const to = REPLY_STATE[m.kind](m.body, c);
		const from = c.state;
		if (to)
			c.state = to;
		if (to === 'acknowledged')
			c.acknowledged_at = iso(m.at);
		if (to === 'executed' || to === 'partially_executed')
			c.executed_at = iso(m.at);
		if (to === 'preserved')
			c.preserved_at = m.at;
		c.history.push({at: iso(m.at), type: m.kind, from, to, actor: m.mine ? party : m.from,
			ledger_index: m.mine ? undefined : m.ledger_index,
			note: m.body ? (m.body.reasons || m.body.reason || m.body.note || m.body.text || null) : (m.mine ? delivery(m) : null)});
	}
	for (const c of cases.values()) {
		const k = kinds.get(c.kind);
		const start = Date.parse(c.created_at);
		c.deadlines = [];
		// art. 41: 24/7 requests are acknowledged promptly (core's defaults).
		if (c.direction === 'in' && c.state === 'received' && k && k.via247)
			c.deadlines.push(deadline('acknowledge', start, start + (k.emergency ? HOUR : DAY), '41', now));
		// art. 42: preserved at least 60 days.
		if (c.preserved_at && (c.state === 'preserved' || c.state === 'extended'))
			c.deadlines.push(deadline('preservation', c.preserved_at, c.preserved_at + 60 * DAY, '42', now));
		// art. 40: a deadline the requester explains.
		const stated = c.body && Date.parse(c.body.deadline);
		const open = !['refused', 'executed', 'partially_executed', 'withdrawn', 'released', 'expired'].includes(c.state);
		if (stated && open)
			c.deadlines.push(deadline('requested_by', start, stated, '40', now));
	}
	return [...cases.values()];
}

function delivery(m) {
	return m.status === 'delivered' && m.their_ledger_index !== undefined ? `→ ${m.to} #${m.their_ledger_index}` : m.status;
}

export async function listRequests(ctx) {
	if (await backendMode() === 'requests') {
		const out = [];
		let cursor = null;
		for (let i = 0; i < MAX_PAGES; i++) {
			const d = await get(`/v1/requests${qs({limit: PAGE, ...(cursor || {})})}`);
			const items = listOf(d, 'requests');
			out.push(...items);
			if (d && d.next_cursor)
				cursor = {cursor: d.next_cursor};
			else if (d && d.next)
				cursor = typeof d.next === 'object' ? d.next : {cursor: d.next};
			else if (d && typeof d.total === 'number' && out.length < d.total && items.length)
				cursor = {offset: out.length};
			else
				break;
		}
		return out;
	}
	let kinds = null;
	try { kinds = await ctx.loadKinds(); } catch (e) { kinds = null; }
	const [inbox, outbox] = await Promise.all([allMessages('in'), allMessages('out')]);
	return buildCases(inbox, outbox, ctx.party(), kinds, Date.now());
}

export async function getRequest(ctx, id) {
	if (await backendMode() === 'requests') {
		const d = await get(`/v1/requests/${encodeURIComponent(id)}`);
		return d.request ? {...d.request, ...d, request: undefined} : d;
	}
	const all = await listRequests(ctx);
	const c = all.find(x => x.id === id);
	if (!c)
		throw Object.assign(new Error('not found'), {status: 404, code: 'not_found'});
	if (!c.body) {
		// Our own request: its body is not in the outbox list; keep what was
		// sent when this browser sent it.
		try { c.body = JSON.parse(localStorage.getItem(`hn.sent.${id}`) || 'null'); } catch (e) { c.body = null; }
	}
	return c;
}

/* Sends a new request; returns {id, ledger_index}. */
export async function createRequest(ctx, body, kind) {
	if (await backendMode() === 'requests') {
		// The node records a draft; sending is the next step of the
		// lifecycle (an emergency request first waits for a supervisor).
		const r = await post('/v1/requests', body);
		const id = r.id || (r.request && r.request.id);
		const next = kind && kind.emergency ? 'awaiting_approval' : 'queued';
		const t = await post(`/v1/requests/${encodeURIComponent(id)}/transitions`, {to: next});
		return {...r, ...t, id, ledger_index: t.ledger_index ?? r.ledger_index};
	}
	const r = await post('/v1/messages', {to: body.to, kind: body.kind, body});
	try { localStorage.setItem(`hn.sent.${r.id}`, JSON.stringify(body)); } catch (e) { /* shown without its content */ }
	return r;
}

/* A step on a case: {to, reason, grounds}; returns {ledger_index}. */
export async function transition(ctx, req, step) {
	if (await backendMode() === 'requests')
		return post(`/v1/requests/${encodeURIComponent(req.id)}/transitions`, step);
	const kind = TRANSITION_MESSAGE[step.to] || 'status_update';
	const body = {};
	if (step.reason)
		body.reasons = step.reason;
	if (step.grounds && step.grounds.length)
		body.grounds = step.grounds;
	if (kind === 'response')
		body.outcome = step.to;
	if (kind === 'status_update')
		body.state = step.to;
	const other = req.direction === 'in' ? req.from : req.to;
	return post('/v1/messages', {to: other, kind, in_reply_to: req.id, body});
}
