// Parties: the register as a table (signed, instrument, in force from) with
// whether the Convention is in force between that party and us today.
// A simulated register (the demo's) is labelled as such on the page.
import {h, mount, append} from '../dom.js';
import {t, tOr, fmtDate} from '../i18n.js';
import {errorText} from '../app.js';

const INSTRUMENTS = ['ratification', 'acceptance', 'approval', 'accession'];

/* One row, from the node's computed status or, failing that, the raw events. */
export function partyRow(p) {
	const ev = Array.isArray(p.events) ? p.events : [];
	const sig = ev.find(e => e.type === 'signature');
	const ins = ev.find(e => INSTRUMENTS.includes(e.type) && e.date);
	const st = p.status || {};
	return {
		code: p.code,
		name: p.name || '',
		kind: p.kind || 'state',
		signed: p.signed ?? st.signed ?? (sig ? sig.date || '' : null),
		instrument: p.instrument ?? st.instrument ?? (ins ? ins.type : null),
		deposited: p.deposited ?? st.deposited ?? (ins ? ins.date : null),
		inForceFrom: p.in_force_from ?? st.in_force_from ?? null,
		inForce: p.in_force ?? st.in_force ?? null,
		withUs: p.in_force_with_us ?? p.with_us ?? st.in_force_with_us ?? null,
	};
}

export function isSimulated(meta) {
	if (!meta)
		return false;
	return !!(meta.simulated || meta.demo || meta.register === 'simulated' ||
		(meta.register && (meta.register.simulated || meta.register.demo)) ||
		/simulat/i.test(String(meta.source || meta.note || meta.title || '')));
}

export async function render(ctx, main, {query}) {
	let list = [], meta = {}, loadError = null;
	try {
		({list, meta} = await ctx.loadParties());
	} catch (e) {
		if (e.status === 401)
			throw e;
		loadError = e;
	}
	const rows = list.map(partyRow).sort((a, b) => a.name.localeCompare(b.name));
	const us = ctx.party();
	const usRow = rows.find(r => r.code === us);
	const withUs = r => {
		if (r.withUs !== null)
			return r.withUs;
		if (r.code === us)
			return null;
		if (r.inForce === null || !usRow || usRow.inForce === null)
			return null;
		return !!(r.inForce && usRow.inForce);
	};
	const q = h('input', {id: 'party-filter', type: 'search', value: query.get('q') || '', oninput: draw,
		'aria-controls': 'parties-table'});
	const only = h('input', {id: 'party-inforce', type: 'checkbox', onchange: draw});
	const tbody = h('tbody');
	const count = h('p', {class: 'count', role: 'status'});
	const yn = v => (v === null ? h('span', {class: 'unknown'}, t('common.unknown'))
		: v ? h('span', {class: 'badge level-ok'}, t('parties.in_force_yes'))
			: h('span', {class: 'badge muted'}, t('parties.in_force_no')));

	function draw() {
		const needle = q.value.trim().toLowerCase();
		const shown = rows.filter(r => (!needle || r.code.toLowerCase().includes(needle) || r.name.toLowerCase().includes(needle)) &&
			(!only.checked || withUs(r) === true));
		count.textContent = t('parties.count', {n: shown.length, total: rows.length});
		mount(tbody, shown.length ? shown.map(r => h('tr', {class: r.code === us ? 'us' : ''},
			h('td', {'data-label': t('parties.code'), class: 'mono'}, r.code),
			h('td', {'data-label': t('parties.name')}, r.name, r.kind === 'reio' ? h('small', {}, ' ', t('parties.reio')) : null,
				r.code === us ? h('small', {}, ' ', t('parties.us')) : null),
			h('td', {'data-label': t('parties.signed')}, r.signed === null ? '—' : r.signed ? fmtDate(r.signed) : t('parties.signed_undated')),
			h('td', {'data-label': t('parties.instrument')}, r.instrument ? `${tOr(`instrument.${r.instrument}`, r.instrument)}${r.deposited ? ` (${fmtDate(r.deposited)})` : ''}` : '—'),
			h('td', {'data-label': t('parties.in_force_from')}, r.inForceFrom ? fmtDate(r.inForceFrom) : '—'),
			h('td', {'data-label': t('parties.with_us')}, r.code === us ? '—' : yn(withUs(r)))))
			: h('tr', {}, h('td', {colspan: 6, class: 'empty'}, t('parties.none'))));
	}

	append(main, h('h1', {}, t('parties.title')),
		loadError ? h('p', {class: 'notice error', role: 'alert'}, errorText(loadError)) : null,
		isSimulated(meta) ? h('p', {class: 'notice warn simulated', id: 'simulated-register'}, t('parties.simulated')) : null,
		meta && meta.source === 'directory' ? h('p', {class: 'notice info'}, t('parties.from_directory')) : null,
		h('p', {class: 'lead'}, t('parties.lead', {party: us || '—'})),
		h('form', {class: 'filters', role: 'search', onsubmit: e => e.preventDefault()},
			h('div', {class: 'field inline'}, h('label', {for: 'party-filter'}, t('parties.filter')), q),
			h('div', {class: 'field inline check'}, only, h('label', {for: 'party-inforce'}, t('parties.only_in_force')))),
		count,
		h('div', {class: 'table-wrap'}, h('table', {class: 'responsive', id: 'parties-table'},
			h('caption', {class: 'sr-only'}, t('parties.title')),
			h('thead', {}, h('tr', {}, ['code', 'name', 'signed', 'instrument', 'in_force_from', 'with_us']
				.map(c => h('th', {scope: 'col'}, t(`parties.${c}`))))),
			tbody)));
	draw();
}
