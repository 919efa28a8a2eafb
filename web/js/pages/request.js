// A request's page: what was asked (every field with its article), the
// deadline clock, the actions its state allows, the timeline (messages,
// transitions, custody events, each with its ledger index), and evidence
// (upload with a progress bar, resumable; download).
import {h, mount} from '../dom.js';
import {t, tOr, fmtDateTime, fmtNumber, toDate} from '../i18n.js';
import {get, post, qs, listOf} from '../api.js';
import {getRequest, transition} from '../backend.js';
import {deadlinesOf, levelOf, countdown, levelBadge} from '../deadline.js';
import {errorText} from '../app.js';
import {kindLabel, stateLabel, direction, counterpart} from './requests.js';
import {fieldLabel, articleText} from './compose.js';
import {uploadEvidence} from '../upload.js';

// Art. 40: the only grounds on which assistance may be refused.
// Codes as in core (docs/requests.md); the last one for preservation only.
export const REFUSAL_GROUNDS = ['non_conformity', 'sovereignty_security_public_order', 'domestic_law_forbids',
	'contrary_to_legal_system', 'discrimination'];
const PRESERVATION_GROUNDS = ['dual_criminality_reservation'];

// Steps that the node takes by itself (delivery) or through its own button
// (a supervisor's approval), never offered as a transition here.
const AUTOMATIC = new Set(['sent', 'delivered', 'approved', 'awaiting_approval']);

/* [{to, needs: [...], article}] the officer may choose now: the node lists
 * them (core's lifecycle, docs/requests.md). */
function allowed(req) {
	return (req.transitions || []).map(x => ({to: x.to, needs: x.needs || [], article: x.article}))
		.filter(x => x.to && !AUTOMATIC.has(x.to));
}

/* Everything that happened to the request, oldest first: its history,
 * messages, and the custody events of its evidence (GET /v1/evidence). */
function timeline(req, items) {
	const ev = [];
	const push = (src, type) => {
		for (const e of src || [])
			ev.push({
				at: toDate(e.at || e.time || e.created_at || e.timestamp),
				type: (e.payload && e.payload.message) || e.type || e.event || e.kind || type,
				from: e.from_state || e.from,
				to: e.to_state || e.to || e.state,
				actor: e.actor || e.by || e.account || e.user || e.node,
				index: e.ledger_index ?? e.index ?? e.ledger,
				note: e.reason || e.note || e.message || e.text || (e.payload && (e.payload.text || e.payload.reason)),
				group: type,
			});
	};
	push(req.history, 'transition');
	push(req.messages, 'message');
	push(req.custody, 'custody');
	for (const it of items || [])
		for (const c of it.custody || [])
			ev.push({
				at: toDate(c.at),
				type: c.action,
				actor: c.actor,
				index: c.ledger_index >= 0 ? c.ledger_index : undefined,
				note: c.reason ? `${it.name}: ${c.reason}` : it.name,
				group: 'custody',
				item: it.item,
			});
	ev.sort((a, b) => (a.at || 0) - (b.at || 0));
	return ev;
}

function renderValue(v) {
	if (v === true)
		return t('common.yes');
	if (v === false)
		return t('common.no');
	if (Array.isArray(v))
		return h('ol', {}, v.map(x => h('li', {}, renderValue(x))));
	if (v && typeof v === 'object')
		return h('dl', {class: 'nested'}, Object.entries(v).map(([k, x]) => [h('dt', {}, fieldLabel(k)), h('dd', {}, renderValue(x))]));
	return String(v ?? '—');
}

export async function render(ctx, main, {args}) {
	const id = args[0];
	const box = h('div');
	main.append(box);
	let kinds = null;
	try { kinds = await ctx.loadKinds(); } catch (e) { kinds = null; }
	let stop = false;

	let current = null;
	let evidence = null;
	let lastUpload = '';
	async function load() {
		current = await getRequest(ctx, id);
		return current;
	}

	async function draw(req) {
		const dir = direction(req, ctx.party());
		const kind = kinds && kinds.kinds.find(k => k.name === req.kind);
		kindOf = kind || null;
		const body = req.body || req.fields || req.content || (req.direction ? {} : req);
		const skip = new Set(['id', 'kind', 'state', 'history', 'transitions', 'side', 'next_due', 'created_by', 'received_at', 'legal_basis', 'messages', 'custody', 'deadlines', 'evidence',
			'allowed_transitions', 'direction', 'created_at', 'updated_at', 'ledger_index', 'body', 'from', 'to',
			'in_reply_to', 'delivery', 'attempts', 'acknowledged_at', 'executed_at', 'preserved_at']);
		const dls = deadlinesOf(req).sort((a, b) => a.due - b.due);
		const actions = allowed(req);
		// art. 40 consultation: once the request went over the network
		if (dir === 'in' || !['draft', 'awaiting_approval', 'approved', 'withdrawn'].includes(req.state))
			actions.push({to: 'more_information', message: true, needs: ['reason'], article: '40'});
		const approvable = req.state === 'awaiting_approval' && ctx.session &&
			(ctx.session.roles || [ctx.session.role]).some(r => r === 'supervisor' || r === 'admin');
		mount(box,
			h('p', {class: 'crumbs'}, h('a', {href: dir === 'in' ? '#/inbox' : '#/outbox'}, t(dir === 'in' ? 'nav.inbox' : 'nav.outbox'))),
			h('h1', {}, kindLabel(req.kind), ' ', h('span', {class: 'art'}, articleText(kind ? kind.article : req.article))),
			h('div', {class: 'summary'},
				h('p', {}, h('span', {class: 'k'}, t('request.state')), ' ',
					h('span', {class: `state state-${req.state}`, id: 'request-state'}, stateLabel(req.state))),
				h('p', {}, h('span', {class: 'k'}, t(dir === 'in' ? 'request.from' : 'request.to')), ' ', counterpart(req, ctx.party()) || '—'),
				h('p', {}, h('span', {class: 'k'}, t('list.reference')), ' ', h('span', {class: 'mono'}, String(req.id))),
				req.ledger_index !== undefined ? h('p', {}, h('span', {class: 'k'}, t('request.ledger_index')), ' ',
					h('a', {href: `#/audit?index=${req.ledger_index}`}, `#${req.ledger_index}`)) : null),
			h('section', {class: 'clock', 'aria-labelledby': 'h-deadlines'},
				h('h2', {id: 'h-deadlines'}, t('request.deadlines')),
				dls.length ? h('ul', {class: 'deadlines'}, dls.map(dl => h('li', {class: `level-${levelOf(dl)}`},
					levelBadge(dl.met ? 'ok' : levelOf(dl)), ' ',
					h('strong', {}, tOr(`deadline.${dl.name}`, dl.name)), ' ',
					dl.met ? t('deadline.met') : countdown(dl), ' ',
					h('small', {}, fmtDateTime(dl.due))))) : h('p', {}, t('deadline.none'))),
			h('section', {class: 'actions-box', 'aria-labelledby': 'h-actions'},
				h('h2', {id: 'h-actions'}, t('request.actions')),
				approvable ? h('button', {type: 'button', id: 'approve', onclick: () => approve()}, t('action.approve')) : null,
				req.state === 'awaiting_approval' && !approvable ? h('p', {class: 'notice warn'}, t('request.waiting_supervisor')) : null,
				actions.length ? h('div', {class: 'buttons'}, actions.map(a => h('button', {type: 'button',
					class: a.to === 'refused' || a.to === 'withdrawn' ? 'danger' : a.message ? 'secondary' : '', id: `act-${a.to}`,
					onclick: () => actionForm(a)}, tOr(`action.${a.to}`, stateLabel(a.to))))) :
					(!approvable ? h('p', {}, t('request.no_actions')) : null),
				h('div', {id: 'action-form'})),
			h('section', {'aria-labelledby': 'h-content'},
				h('h2', {id: 'h-content'}, t('request.content')),
				h('dl', {class: 'content'}, Object.entries(body).filter(([k]) => !skip.has(k)).map(([k, v]) => {
					const f = kind && kind.fields.find(x => x.name === k);
					return [h('dt', {}, fieldLabel(k), f && f.article ? h('span', {class: 'art'}, ' ', articleText(f.article)) : null),
						h('dd', {}, renderValue(v))];
				}))),
			evidenceSection(req),
			h('section', {'aria-labelledby': 'h-timeline'},
				h('h2', {id: 'h-timeline'}, t('request.timeline')),
				h('ol', {class: 'timeline', id: 'timeline'}, timeline(req, evidence).map(e => h('li', {class: `ev ev-${e.group}`,
					'data-action': e.group === 'custody' ? e.type : null, 'data-item': e.item ?? null},
					h('time', {datetime: e.at ? e.at.toISOString() : ''}, fmtDateTime(e.at)),
					h('span', {class: 'ev-type'}, tOr(`event.${e.type}`, e.type)),
					e.to && e.to !== e.from ? h('span', {}, e.from ? `${stateLabel(e.from)} → ${stateLabel(e.to)}` : stateLabel(e.to)) : null,
					e.actor ? h('span', {class: 'actor'}, e.actor) : null,
					e.note ? h('span', {class: 'note'}, e.note) : null,
					e.index !== undefined && e.index !== null ? h('a', {class: 'ledger', href: `#/audit?index=${e.index}`,
						title: t('request.check_proof')}, t('request.ledger_entry', {index: e.index})) : null)))));
	}

	/* GET /v1/evidence/{item}/content: streamed and verified by the node,
	 * which records who opened it (custody "opened"). */
	function evidenceLink(ev) {
		const href = ev.item !== undefined ? `/v1/evidence/${encodeURIComponent(ev.item)}/content` : ev.download || ev.url;
		if (!href)
			return h('span', {class: 'unknown'}, t('evidence.no_download'));
		const a = h('a', {href, download: ev.name || '', id: ev.item !== undefined ? `evidence-download-${ev.item}` : null,
			class: 'button', title: ev.sha256 ? `SHA-256 ${ev.sha256}` : null}, t('evidence.download'));
		/* the custody event appears in the timeline once the node logged it */
		a.addEventListener('click', () => setTimeout(() => { if (!stop) refresh(false); }, 1500));
		return a;
	}

	function evidenceSection(req) {
		const items = evidence || listOf(req.evidence || [], 'evidence');
		const file = h('input', {type: 'file', id: 'evidence-file'});
		const desc = h('input', {id: 'evidence-desc', maxlength: 4096});
		const bar = h('progress', {id: 'evidence-progress', max: 100, value: 0, hidden: true});
		const pct = h('span', {id: 'evidence-status', role: 'status', 'aria-live': 'polite'}, lastUpload);
		const btn = h('button', {type: 'submit', id: 'evidence-upload'}, t('evidence.upload'));
		const form = h('form', {class: 'upload', onsubmit: async e => {
			e.preventDefault();
			if (!file.files.length) {
				pct.textContent = t('evidence.choose_file');
				return;
			}
			btn.disabled = true;
			bar.hidden = false;
			try {
				const f = file.files[0];
				const r = await uploadEvidence(id, f, desc.value, (sent, total, resumed) => {
					const p = total ? Math.floor(sent * 100 / total) : 100;
					bar.value = p;
					pct.textContent = (resumed ? t('evidence.resumed', {from: fmtNumber(resumed)}) + ' ' : '') +
						t('evidence.progress', {pct: p, sent: fmtNumber(sent), total: fmtNumber(total)});
				});
				bar.value = 100;
				pct.textContent = t('evidence.done', {sha: r.sha256 || ''}) +
					(r.resumedFrom ? ` ${t('evidence.resumed', {from: fmtNumber(r.resumedFrom)})}` : '');
				lastUpload = pct.textContent; /* kept across the redraw below */
				evidence = await loadEvidence();
				refresh();
			} catch (err) {
				pct.textContent = t('evidence.failed', {error: errorText(err)});
			} finally {
				btn.disabled = false;
			}
		}},
		h('div', {class: 'field'}, h('label', {for: 'evidence-file'}, t('evidence.file')), file),
		h('div', {class: 'field'}, h('label', {for: 'evidence-desc'}, t('evidence.description')), desc),
		h('div', {class: 'actions'}, btn, bar, pct),
		h('p', {class: 'hint'}, t('evidence.resumable')));
		return h('section', {'aria-labelledby': 'h-evidence'},
			h('h2', {id: 'h-evidence'}, t('evidence.title')),
			items.length ? h('table', {class: 'responsive', id: 'evidence-table'},
				h('thead', {}, h('tr', {}, ['name', 'size', 'sha256', 'download'].map(c => h('th', {scope: 'col'}, t(`evidence.${c}`))))),
				h('tbody', {}, items.map(ev => h('tr', {},
					h('td', {'data-label': t('evidence.name')}, ev.name || ev.filename || ev.id),
					h('td', {'data-label': t('evidence.size')}, fmtNumber(Number(ev.size || 0))),
					h('td', {'data-label': t('evidence.sha256'), class: 'mono hash'}, ev.sha256 || '—'),
					h('td', {'data-label': t('evidence.download')}, evidenceLink(ev))))) ) :
				h('p', {}, t('evidence.none')),
			form);
	}

	let kindOf = null;
	function actionForm(act) {
		const to = act.to;
		const slot = document.getElementById('action-form');
		const reason = h('textarea', {id: 'action-reason', rows: 3});
		const err = h('p', {class: 'field-error', role: 'alert', hidden: true});
		const needs = act.needs || [];
		const list = kinds && kinds.grounds ? kinds.grounds.filter(g => !g.preservation_only || (kindOf && kindOf.preservation))
			: [...REFUSAL_GROUNDS, ...(kindOf && kindOf.preservation ? PRESERVATION_GROUNDS : [])].map(code => ({code, article: '40'}));
		const grounds = needs.includes('grounds') || to === 'refused' ? h('fieldset', {class: 'grounds'},
			h('legend', {}, t('action.grounds'), ' ', h('span', {class: 'art'}, articleText('40'))),
			list.map(g => h('label', {class: 'check'}, h('input', {type: 'checkbox', name: 'ground', value: g.code}), ' ',
				tOr(`ground.${g.code}`, g.text || g.code), ' ', h('span', {class: 'art'}, articleText(g.article))))) : null;
		const needsReason = needs.includes('reason') || needs.includes('grounds') || to === 'refused' || to === 'postponed';
		mount(slot, h('form', {class: 'card', id: 'transition-form', onsubmit: async e => {
			e.preventDefault();
			const g = grounds ? [...grounds.querySelectorAll('input:checked')].map(x => x.value) : undefined;
			if (to === 'refused' && !g.length) {
				err.textContent = t('action.need_ground');
				err.hidden = false;
				return;
			}
			if (needsReason && !reason.value.trim()) {
				err.textContent = t('action.need_reason');
				err.hidden = false;
				reason.focus();
				return;
			}
			try {
				if (act.message) {
					const r = await post(`/v1/requests/${encodeURIComponent(id)}/messages`, {kind: to, text: reason.value.trim()});
					ctx.notice = {kind: 'ok', text: t('action.message_sent', {index: r.ledger_index})};
					refresh(true);
					return;
				}
				const r = await transition(ctx, current, {to, reason: reason.value.trim() || undefined, grounds: g});
				ctx.notice = {kind: 'ok', text: t('action.done', {state: stateLabel(to), index: r && (r.ledger_index ?? r.index ?? '—')})};
				refresh(true);
			} catch (x) {
				if (x.status === 401)
					return;
				err.textContent = errorText(x);
				err.hidden = false;
			}
		}},
		h('h3', {}, tOr(`action.${to}`, stateLabel(to)), act.article ? h('span', {class: 'art'}, ' ', articleText(act.article)) : null),
		grounds,
		h('div', {class: 'field'}, h('label', {for: 'action-reason'}, act.message ? t('action.message_text') :
			needsReason ? t('action.reason_required') : t('action.note')), reason),
		err,
		h('div', {class: 'actions'}, h('button', {type: 'submit', id: 'action-confirm'}, t('action.confirm')),
			h('button', {type: 'button', class: 'secondary', onclick: () => mount(slot)}, t('action.cancel')))));
		(grounds ? grounds.querySelector('input') : reason).focus();
	}

	async function approve() {
		try {
			const r = await post(`/v1/requests/${encodeURIComponent(id)}/approve`, {});
			ctx.notice = {kind: 'ok', text: t('action.approved', {index: r && (r.ledger_index ?? r.index ?? '—')})};
			refresh(true);
		} catch (x) {
			if (x.status !== 401)
				box.prepend(h('p', {class: 'notice error', role: 'alert'}, errorText(x)));
		}
	}

	async function refresh(withNotice) {
		try {
			const req = await load();
			const fresh = await loadEvidence();
			if (stop)
				return;
			if (fresh)
				evidence = fresh;
			await draw(req);
			if (withNotice && ctx.notice) {
				box.prepend(h('p', {class: `notice ${ctx.notice.kind}`, role: 'status'}, ctx.notice.text));
				ctx.notice = null;
			}
		} catch (e) {
			if (e.status !== 401)
				box.prepend(h('p', {class: 'notice error', role: 'alert'}, errorText(e)));
		}
	}

	async function loadEvidence() {
		try {
			const d = await get(`/v1/evidence${qs({request: id})}`);
			return listOf(d, 'items').filter(x => !x.deleted);
		} catch (e) {
			return null; /* no evidence API on this node */
		}
	}
	evidence = await loadEvidence();
	await draw(await load());
	const timer = setInterval(() => {
		// Refresh in the background unless the officer is typing in a form.
		if (!box.querySelector('#transition-form') && !(document.activeElement && box.contains(document.activeElement) &&
			/INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName)))
			refresh(false);
	}, 15000);
	return () => { stop = true; clearInterval(timer); };
}
