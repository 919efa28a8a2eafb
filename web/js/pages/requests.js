// Inbox and outbox: requests in the node's order (GET /v1/requests: open
// emergencies first, art. 41; then the earliest deadline first, so overdue
// before due soon before on time; then the newest), never re-sorted here,
// each with a live countdown; filters by kind, party, state and due level,
// kept in the address (#/inbox?kind=...).
import {h, mount, append} from '../dom.js';
import {t, tOr, fmtDateTime} from '../i18n.js';
import {qs} from '../api.js';
import {listRequests} from '../backend.js';
import {errorText} from '../app.js';
import {nextDeadline, levelOf, countdown, levelBadge} from '../deadline.js';

/* incoming or outgoing, from the node's own word or by our party code. */
export function direction(r, party) {
	const d = r.direction || r.side || r.role;
	if (d === 'in' || d === 'incoming' || d === 'inbound' || d === 'requested' || d === 'received')
		return 'in';
	if (d === 'out' || d === 'outgoing' || d === 'outbound' || d === 'requesting' || d === 'sent')
		return 'out';
	if (party && r.to === party && r.from !== party)
		return 'in';
	return 'out';
}

export function counterpart(r, party) {
	return direction(r, party) === 'in' ? r.from : r.to;
}

export function kindLabel(k) { return tOr(`kind.${k}`, k); }
export function stateLabel(s) { return tOr(`state.${s}`, s); }

export async function render(ctx, main, {page, query}) {
	const dir = page === 'inbox' ? 'in' : 'out';
	const filters = {kind: query.get('kind') || '', party: query.get('party') || '',
		state: query.get('state') || '', due: query.get('due') || ''};
	let all = [];
	let loadError = null;
	try {
		all = (await listRequests(ctx)).filter(r => direction(r, ctx.party()) === dir);
	} catch (e) {
		if (e.status === 401)
			throw e;
		loadError = e;
	}
	const kinds = [...new Set(all.map(r => r.kind))].sort();
	const parties = [...new Set(all.map(r => counterpart(r, ctx.party())).filter(Boolean))].sort();
	const states = [...new Set(all.map(r => r.state))].sort();
	let kindNames = [];
	const emergency = new Set();
	try {
		for (const k of (await ctx.loadKinds()).kinds) {
			kindNames.push(k.name);
			if (k.emergency)
				emergency.add(k.name);
		}
	} catch (e) { /* list anyway */ }

	const sel = (name, values, label, fmt) => h('div', {class: 'field inline'},
		h('label', {for: `f-${name}`}, label),
		h('select', {id: `f-${name}`, name, onchange: apply},
			h('option', {value: ''}, t('filter.all')),
			values.map(v => h('option', {value: v, selected: filters[name] === v}, fmt ? fmt(v) : v))));
	function apply() {
		const q = {};
		for (const n of ['kind', 'party', 'state', 'due']) {
			const v = document.getElementById(`f-${n}`).value;
			if (v)
				q[n] = v;
		}
		history.replaceState(null, '', `#/${page}${qs(q)}`);
		draw(q);
	}

	const tbody = h('tbody');
	const count = h('p', {class: 'count', role: 'status'});
	function draw(f) {
		const now = Date.now();
		const rows = all.filter(r =>
			(!f.kind || r.kind === f.kind) &&
			(!f.party || counterpart(r, ctx.party()) === f.party) &&
			(!f.state || r.state === f.state) &&
			(!f.due || levelOf(nextDeadline(r), now) === f.due));
		count.textContent = t('list.count', {n: rows.length});
		mount(tbody, rows.length ? rows.map(r => {
			const dl = nextDeadline(r);
			const lv = levelOf(dl, now);
			return h('tr', {class: `row level-${lv}${emergency.has(r.kind) ? ' emergency' : ''}`, 'data-id': r.id},
				h('td', {'data-label': t('list.urgency')}, levelBadge(lv)),
				h('td', {'data-label': t('list.deadline')}, dl ? [countdown(dl), h('br'),
					h('small', {}, tOr(`deadline.${dl.name}`, dl.name))] : t('deadline.none')),
				h('td', {'data-label': t('list.kind')}, h('a', {href: `#/request/${encodeURIComponent(r.id)}`,
					class: 'rowlink'}, kindLabel(r.kind))),
				h('td', {'data-label': t('list.party')}, counterpart(r, ctx.party()) || '—'),
				h('td', {'data-label': t('list.state')}, h('span', {class: `state state-${r.state}`}, stateLabel(r.state))),
				h('td', {'data-label': t('list.reference'), class: 'mono'}, String(r.id).slice(0, 12)),
				h('td', {'data-label': t('list.created')}, fmtDateTime(r.created_at || r.created || r.received_at)));
		}) : h('tr', {}, h('td', {colspan: 7, class: 'empty'}, t(dir === 'in' ? 'list.empty_in' : 'list.empty_out'))));
	}

	append(main, 
		h('h1', {}, t(dir === 'in' ? 'list.inbox_title' : 'list.outbox_title')),
		loadError ? h('p', {class: 'notice error', role: 'alert'}, errorText(loadError)) : null,
		h('form', {class: 'filters', role: 'search', 'aria-label': t('filter.title'), onsubmit: e => e.preventDefault()},
			sel('kind', [...new Set([...kindNames, ...kinds])], t('list.kind'), kindLabel),
			sel('party', parties, t('list.party')),
			sel('state', states, t('list.state'), stateLabel),
			sel('due', ['overdue', 'due_soon', 'ok'], t('list.urgency'), v => t(`level.${v}`))),
		count,
		h('div', {class: 'table-wrap'}, h('table', {class: 'requests responsive', id: `${page}-table`},
			h('caption', {class: 'sr-only'}, t(dir === 'in' ? 'list.inbox_title' : 'list.outbox_title')),
			h('thead', {}, h('tr', {}, ['urgency', 'deadline', 'kind', 'party', 'state', 'reference', 'created']
				.map(c => h('th', {scope: 'col'}, t(`list.${c}`))))),
			tbody)));
	draw(filters);
	// Refresh from the node every 30 s so new arrivals show up.
	const timer = setInterval(async () => {
		try {
			const fresh = (await listRequests(ctx)).filter(r => direction(r, ctx.party()) === dir);
			all.splice(0, all.length, ...fresh);
			const q = {};
			for (const n of ['kind', 'party', 'state', 'due'])
				q[n] = document.getElementById(`f-${n}`)?.value || '';
			draw(q);
		} catch (e) { /* next time */ }
	}, 30000);
	return () => clearInterval(timer);
}
