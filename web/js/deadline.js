// deadline.js - deadlines as the node computes them (each with a due time and
// a level: ok, due_soon, overdue); the console only counts down between two
// refreshes, and turns a deadline overdue itself when its time passes.

import {t, fmtDuration, fmtDateTime, toDate} from './i18n.js';
import {h} from './dom.js';

const SOON_MS = 6 * 3600 * 1000; /* used only when the node gives no level */

export function deadlinesOf(req) {
	let d = req.deadlines || [];
	if ((!Array.isArray(d) || !d.length) && req.next_due)
		d = [{name: 'next', due: req.next_due, level: req.due_level}];
	if (!Array.isArray(d))
		d = typeof d === 'object' ? Object.entries(d).map(([name, v]) =>
			(typeof v === 'object' ? {name, ...v} : {name, due: v})) : [];
	return d.map(x => ({
		name: x.name || x.kind || x.type || 'deadline',
		due: toDate(x.due ?? x.due_at ?? x.at ?? x.time),
		level: x.level || x.due_level,
		met: !!(x.met || x.done || x.met_at),
		article: x.article,
	})).filter(x => x.due);
}

export function levelOf(dl, now = Date.now()) {
	if (!dl)
		return 'none';
	const left = dl.due.getTime() - now;
	if (left < 0)
		return 'overdue';
	if (dl.level === 'overdue' || dl.level === 'due_soon')
		return 'due_soon';
	if (dl.level === 'ok')
		return 'ok';
	return left < SOON_MS ? 'due_soon' : 'ok';
}

/* The deadline that matters most now: the earliest one not yet met. */
export function nextDeadline(req) {
	const open = deadlinesOf(req).filter(d => !d.met);
	open.sort((a, b) => a.due - b.due);
	return open[0] || null;
}

/* "Overdue by 2 h 5 min" / "Due in 40 min" */
export function countdownText(dl, now = Date.now()) {
	if (!dl)
		return t('deadline.none');
	const left = dl.due.getTime() - now;
	return left < 0 ? t('deadline.overdue_by', {d: fmtDuration(-left)})
		: t('deadline.due_in', {d: fmtDuration(left)});
}

/* A badge with colour AND words (never colour alone). */
export function levelBadge(level) {
	return h('span', {class: `badge level-${level}`}, t(`level.${level}`));
}

/* An element that keeps its countdown up to date (see tick()). */
export function countdown(dl) {
	const el = h('span', {class: 'countdown', 'data-due': dl ? dl.due.toISOString() : '',
		'data-level': dl && dl.level ? dl.level : ''});
	render(el, dl);
	return el;
}

function render(el, dl) {
	const lv = levelOf(dl);
	el.className = `countdown level-${lv}`;
	el.textContent = countdownText(dl);
	if (dl)
		el.title = fmtDateTime(dl.due);
}

/* Called every second by the app: refresh every visible countdown. */
export function tick() {
	for (const el of document.querySelectorAll('.countdown[data-due]')) {
		if (!el.dataset.due)
			continue;
		render(el, {due: new Date(el.dataset.due), level: el.dataset.level});
	}
}
