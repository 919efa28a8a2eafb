// charts.js - small charts as inline SVG (no library; the CSP allows no
// inline style, so everything is SVG attributes and CSS classes). Each chart
// comes with the same numbers as a table for screen readers and keyboards.
import {h} from './dom.js';
import {fmtNumber, t} from './i18n.js';

export const PALETTE = ['#1f5fa8', '#b35900', '#2e7d32', '#8e24aa', '#c62828', '#00838f', '#5d4037', '#455a64'];

function table(caption, head, rows) {
	return h('details', {class: 'chart-table'}, h('summary', {}, caption),
		h('table', {}, h('thead', {}, h('tr', {}, head.map(x => h('th', {scope: 'col'}, x)))),
			h('tbody', {}, rows.map(r => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', {scope: 'row'}, c) : h('td', {}, c))))))));
}

/* Horizontal bars, each with its label above it (long, translated labels
 * never get cut): items [{label, value}], fmt(value) -> text. */
export function bars(title, items, opts = {}) {
	const fmt = opts.fmt || (v => fmtNumber(v));
	const W = 640, row = 40, right = 110;
	const H = Math.max(1, items.length) * row + 6;
	const max = Math.max(1, ...items.map(i => i.value));
	const svg = h('svg:svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title, width: '100%'},
		items.map((it, i) => {
			const y = 4 + i * row;
			const w = Math.max(it.value > 0 ? 2 : 0, (W - right) * it.value / max);
			return h('svg:g', {},
				h('svg:text', {x: 0, y: y + 13, class: 'chart-label'}, it.label),
				h('svg:rect', {x: 0, y: y + 18, width: w, height: 16, fill: it.color || opts.color || PALETTE[0], rx: 2}),
				h('svg:text', {x: w + 6, y: y + 31, class: 'chart-value'}, fmt(it.value)));
		}));
	return h('figure', {class: 'chart-fig'}, h('figcaption', {}, title), svg,
		table(opts.tableLabel || t('stats.as_table'), [opts.labelHead || '', opts.valueHead || ''], items.map(i => [i.label, fmt(i.value)])));
}

/* Stacked columns: buckets [label], series [{name, values[]}]. */
export function columns(title, buckets, series, opts = {}) {
	const W = 640, H = 240, left = 40, bottom = 40, top = 10;
	const totals = buckets.map((_, i) => series.reduce((a, s) => a + (s.values[i] || 0), 0));
	const max = Math.max(1, ...totals);
	const bw = (W - left - 10) / Math.max(1, buckets.length);
	const scale = v => (H - bottom - top) * v / max;
	const g = [];
	// y axis: 0 and max
	g.push(h('svg:line', {x1: left, y1: H - bottom, x2: W - 5, y2: H - bottom, class: 'axis'}));
	g.push(h('svg:text', {x: left - 6, y: H - bottom, 'text-anchor': 'end', class: 'chart-value'}, fmtNumber(0)));
	g.push(h('svg:text', {x: left - 6, y: top + 10, 'text-anchor': 'end', class: 'chart-value'}, fmtNumber(max)));
	buckets.forEach((b, i) => {
		let y = H - bottom;
		series.forEach((s, si) => {
			const v = s.values[i] || 0;
			if (!v)
				return;
			const hh = scale(v);
			y -= hh;
			g.push(h('svg:rect', {x: left + i * bw + 3, y, width: Math.max(1, bw - 6), height: hh,
				fill: PALETTE[si % PALETTE.length]}, h('svg:title', {}, `${s.name}: ${fmtNumber(v)}`)));
		});
		if (buckets.length <= 16 || i % 2 === 0)
			g.push(h('svg:text', {x: left + i * bw + bw / 2, y: H - bottom + 16, 'text-anchor': 'middle', class: 'chart-label small'}, b));
	});
	const legend = h('ul', {class: 'legend'}, series.map((s, si) => h('li', {},
		h('svg:svg', {width: 12, height: 12, 'aria-hidden': 'true'}, h('svg:rect', {width: 12, height: 12, fill: PALETTE[si % PALETTE.length]})), ' ', s.name)));
	return h('figure', {class: 'chart-fig'}, h('figcaption', {}, title),
		h('svg:svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title, width: '100%'}, g), legend,
		table(opts.tableLabel || t('stats.as_table'), [opts.bucketHead || '', ...series.map(s => s.name)],
			buckets.map((b, i) => [b, ...series.map(s => fmtNumber(s.values[i] || 0))])));
}
