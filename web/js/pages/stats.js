// Statistics: requests by kind and by party over time, median time to
// acknowledge and to execute, overdue counts; computed in the browser from
// the node's list of requests (and their histories), drawn as inline SVG.
import {h, mount, append} from '../dom.js';
import {t, fmtDuration, fmtNumber, toDate} from '../i18n.js';
import {get} from '../api.js';
import {errorText} from '../app.js';
import {bars, columns} from '../charts.js';
import {nextDeadline, levelOf} from '../deadline.js';
import {kindLabel, counterpart, direction} from './requests.js';
import {listRequests} from '../backend.js';

const WEEKS = 12;
const MAX_DETAILS = 150;
const ACK = ['acknowledged'];
const DONE = ['executed', 'partially_executed'];

export function median(xs) {
	if (!xs.length)
		return null;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function weekStart(d) {
	const x = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
	const wd = (x.getUTCDay() + 6) % 7; /* Monday */
	return new Date(x.getTime() - wd * 86400000);
}

function firstAt(req, states) {
	for (const e of req.history || []) {
		const to = e.to_state || e.to || e.state;
		if (states.includes(to))
			return toDate(e.at || e.time || e.created_at);
	}
	return null;
}

export async function render(ctx, main) {
	let all = [];
	try {
		all = await listRequests(ctx);
	} catch (e) {
		if (e.status === 401)
			throw e;
		append(main, h('p', {class: 'notice error', role: 'alert'}, errorText(e)));
	}
	const now = Date.now();
	const created = r => toDate(r.created_at || r.created || r.received_at);
	// Histories: from the list when it carries them, else fetched (bounded).
	const needDetail = all.filter(r => !r.history && direction(r, ctx.party()) === 'in')
		.sort((a, b) => (created(b) || 0) - (created(a) || 0)).slice(0, MAX_DETAILS);
	for (const r of needDetail) {
		try {
			const d = await get(`/v1/requests/${encodeURIComponent(r.id)}`);
			r.history = (d.request ? d.request.history : null) || d.history || [];
		} catch (e) {
			if (e.status === 401)
				return;
		}
	}
	const kinds = [...new Set(all.map(r => r.kind))].sort();
	// By kind, per week, the last WEEKS weeks.
	const start = weekStart(new Date(now - (WEEKS - 1) * 7 * 86400000));
	const buckets = [...Array(WEEKS)].map((_, i) => new Date(start.getTime() + i * 7 * 86400000));
	const wfmt = new Intl.DateTimeFormat(document.documentElement.lang, {month: 'short', day: 'numeric', timeZone: 'UTC'});
	const series = kinds.map(k => ({name: kindLabel(k), values: buckets.map((b, i) => all.filter(r => {
		const c = created(r);
		const end = i + 1 < buckets.length ? buckets[i + 1] : new Date(8.64e15);
		return r.kind === k && c && c >= b && c < end;
	}).length)}));
	const byParty = {};
	for (const r of all) {
		const p = counterpart(r, ctx.party()) || '—';
		byParty[p] = (byParty[p] || 0) + 1;
	}
	const ack = [], done = [];
	const ackByKind = {};
	for (const r of all) {
		const c = created(r);
		const a = toDate(r.acknowledged_at) || firstAt(r, ACK);
		const x = toDate(r.executed_at) || firstAt(r, DONE);
		if (c && a) {
			ack.push(a - c);
			(ackByKind[r.kind] = ackByKind[r.kind] || []).push(a - c);
		}
		if (c && x)
			done.push(x - c);
	}
	const overdue = {};
	for (const r of all)
		if (levelOf(nextDeadline(r), now) === 'overdue')
			overdue[r.kind] = (overdue[r.kind] || 0) + 1;
	const totalOverdue = Object.values(overdue).reduce((a, b) => a + b, 0);
	const mAck = median(ack), mDone = median(done);
	const tile = (id, label, value, sub) => h('div', {class: 'tile', id}, h('p', {class: 'tile-label'}, label),
		h('p', {class: 'tile-value'}, value), sub ? h('p', {class: 'tile-sub'}, sub) : null);

	append(main, h('h1', {}, t('stats.title')),
		h('p', {class: 'lead'}, t('stats.lead', {n: fmtNumber(all.length)})),
		h('div', {class: 'tiles'},
			tile('stat-total', t('stats.total'), fmtNumber(all.length)),
			tile('stat-ack', t('stats.median_ack'), mAck === null ? '—' : fmtDuration(mAck), t('stats.sample', {n: ack.length})),
			tile('stat-exec', t('stats.median_exec'), mDone === null ? '—' : fmtDuration(mDone), t('stats.sample', {n: done.length})),
			tile('stat-overdue', t('stats.overdue'), fmtNumber(totalOverdue))),
		h('div', {class: 'charts'},
			columns(t('stats.by_kind_week'), buckets.map(b => wfmt.format(b)), series, {bucketHead: t('stats.week')}),
			bars(t('stats.by_party'), Object.entries(byParty).sort((a, b) => b[1] - a[1]).slice(0, 20)
				.map(([p, v]) => ({label: p, value: v})), {labelHead: t('list.party'), valueHead: t('stats.count')}),
			bars(t('stats.median_ack_by_kind'), Object.entries(ackByKind).map(([k, xs]) => ({label: kindLabel(k), value: median(xs) / 1000})),
				{fmt: v => fmtDuration(v * 1000), color: '#2e7d32', labelHead: t('list.kind'), valueHead: t('stats.median_ack')}),
			bars(t('stats.overdue_by_kind'), kinds.map(k => ({label: kindLabel(k), value: overdue[k] || 0})),
				{color: '#b3261e', labelHead: t('list.kind'), valueHead: t('stats.count')})));
}
