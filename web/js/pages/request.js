// A request's page: what was asked (every field with its article), the
// deadline clock, the actions its state allows, the timeline (messages,
// transitions, custody events, each with its ledger index), and evidence
// (upload with a progress bar, resumable; download; send to the other
// State's node and watch the transfer until its receipt).
import {h, mount} from '../dom.js';
import {t, tOr, fmtDateTime, fmtNumber, toDate} from '../i18n.js';
import {get, post, qs, listOf} from '../api.js';
import {getRequest, transition} from '../backend.js';
import {deadlinesOf, levelOf, countdown, levelBadge} from '../deadline.js';
import {errorText} from '../app.js';
import {kindLabel, stateLabel, direction, counterpart} from './requests.js';
import {fieldLabel, articleText} from './compose.js';
import {uploadEvidence} from '../upload.js';
import {TEXT_MAX, maySend, settled, sendEvidence, transfersOf, latestOut, custodyOf, receivedOf, everSent} from '../transfer.js';

/* The changes this officer may make now, exactly as the node lists them
 * (GET /v1/requests/ID "actions", from core's protocol table: side, state,
 * role, and what each needs). Nothing is decided here: a step the node
 * does not list is not offered, and one it lists is. */
function actionsOf(req) {
	return (Array.isArray(req.actions) ? req.actions : []).filter(a => a && typeof a.to === 'string' && a.to);
}

/* Art. 41: the approval of an emergency request by a supervisor who is
 * not its author; it sends the request (POST .../approve). */
function isApproval(a) {
	return (a.needs || []).some(n => n === 'other_approver' || n === 'another_approver');
}

function needs(a, what) {
	return (a.needs || []).includes(what);
}

/* The button's words in the officer's language; the node's label when
 * the console has no translation for that step. */
function actionLabel(a) {
	return isApproval(a) ? t('action.approve') : tOr(`action.${a.to}`, a.label || stateLabel(a.to));
}

const INSTRUMENTS = {unccc: 'UNCCC', budapest: 'Budapest'};

/* A citation as the node gives it: a formatted string ("UNCCC art.
 * 40(21)(a)", shown as it is), an article number ("42": "art. 42" in the
 * officer's language), or {instrument, article, paragraph, letter, text}
 * (its text when it has one). */
export function citeText(c) {
	if (!c)
		return '';
	if (typeof c === 'object') {
		if (c.text)
			return c.text;
		const ref = `${c.article || ''}${c.paragraph ? `(${c.paragraph})` : ''}${c.letter ? `(${c.letter})` : ''}`;
		const ins = c.instrument ? `${INSTRUMENTS[c.instrument] || c.instrument} ` : '';
		return ref ? `${ins}${articleText(ref)}` : ins.trim();
	}
	const s = String(c);
	return /^[0-9]/.test(s) ? articleText(s) : s;
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

/* A transfer the node refused, in the officer's language (field and
 * article from errorText), with the node's own words when it gave them:
 * they name the party or the limit. */
function transferError(x) {
	if (x.code === 'forbidden' && x.article === '36')
		return `${t('transfer.onward_refused')} (${articleText('36')})`;
	const base = errorText(x);
	return x.body && x.body.message ? `${base} (${x.body.message})` : base;
}

/* Items whose transfers are looked up at once when the page loads. */
const XFER_LOOKUPS = 32;

/* A value of the document as people read it: a field of type time (the
 * node's RFC 3339 UTC) as a date in the page's language; nested lists and
 * items with the kind's own field order and labels. */
function renderValue(v, f) {
	if (f && f.type === 'time' && typeof v === 'string' && toDate(v))
		return h('time', {datetime: v}, fmtDateTime(v));
	if (v === true)
		return t('common.yes');
	if (v === false)
		return t('common.no');
	if (Array.isArray(v))
		return h('ol', {}, v.map(x => h('li', {}, renderValue(x, f && f.items ? {items: f.items, type: 'item'} : null))));
	if (v && typeof v === 'object')
		return h('dl', {class: 'nested'}, inOrder(Object.entries(v), f && f.items).map(([k, x, g]) =>
			[h('dt', {}, fieldLabel(k)), h('dd', {}, renderValue(x, g))]));
	return String(v ?? '—');
}

/* "Created: 4 Dec 2026, 16:20 UTC" (nothing when the node gave no time) */
function dateLine(id, key, v) {
	const d = toDate(v);
	return d ? h('p', {}, h('span', {class: 'k'}, t(key)), ' ',
		h('time', {id, datetime: d.toISOString()}, fmtDateTime(d))) : null;
}

/* [name, value] pairs in the order of the kind's fields (GET /v1/kinds
 * lists them in the article's order: 42 (a), (b), ...), each with its
 * field; names the kind does not list come last, by name. */
function inOrder(entries, fields) {
	const pos = new Map((fields || []).map((f, i) => [f.name, i]));
	const at = k => (pos.has(k) ? pos.get(k) : pos.size);
	return entries.map(([k, v]) => [k, v, fields ? fields[pos.get(k)] : undefined])
		.sort((a, b) => at(a[0]) - at(b[0]) || a[0].localeCompare(b[0]));
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
	/* item -> its newest transfer to the other party (GET
	 * /v1/evidence/{id}/transfers, or the answer to our POST), and the
	 * last transfer message: both kept across redraws */
	const xfers = new Map();
	let xferStatus = '';
	let watchTimer = null;
	async function load() {
		current = await getRequest(ctx, id);
		return current;
	}

	async function draw(req) {
		const dir = direction(req, ctx.party());
		const kind = kinds && kinds.kinds.find(k => k.name === req.kind);
		const body = req.body || req.fields || req.content || (req.direction ? {} : req);
		const skip = new Set(['id', 'kind', 'state', 'history', 'transitions', 'actions', 'side', 'next_due', 'created_by', 'received_at', 'legal_basis', 'messages', 'custody', 'deadlines', 'evidence',
			'allowed_transitions', 'direction', 'created_at', 'updated_at', 'ledger_index', 'body', 'from', 'to',
			'in_reply_to', 'delivery', 'attempts', 'acknowledged_at', 'executed_at', 'preserved_at']);
		const dls = deadlinesOf(req).sort((a, b) => a.due - b.due);
		const actions = actionsOf(req);
		/* Art. 40 consultation is a message, not a change of state: offered
		 * once the request went over the network (it came from there, or
		 * its history shows it queued for the other State); the node
		 * answers 409 when it cannot go. */
		const wentOut = dir === 'in' || (req.history || []).some(e => (e.to_state || e.to) === 'queued');
		const waiting = req.state === 'awaiting_approval' && !actions.some(isApproval);
		mount(box,
			h('p', {class: 'crumbs'}, h('a', {href: dir === 'in' ? '#/inbox' : '#/outbox'}, t(dir === 'in' ? 'nav.inbox' : 'nav.outbox'))),
			h('h1', {}, kindLabel(req.kind), ' ', h('span', {class: 'art'}, articleText(kind ? kind.article : req.article))),
			h('div', {class: 'summary'},
				h('p', {}, h('span', {class: 'k'}, t('request.state')), ' ',
					h('span', {class: `state state-${req.state}`, id: 'request-state'}, stateLabel(req.state))),
				h('p', {}, h('span', {class: 'k'}, t(dir === 'in' ? 'request.from' : 'request.to')), ' ', counterpart(req, ctx.party()) || '—'),
				h('p', {}, h('span', {class: 'k'}, t('list.reference')), ' ', h('span', {class: 'mono'}, String(req.id))),
				dateLine('request-created', 'request.created', req.created_at),
				dir === 'in' ? dateLine('request-received', 'request.received', req.received_at) : null,
				req.ledger_index !== undefined ? h('p', {}, h('span', {class: 'k'}, t('request.ledger_index')), ' ',
					h('a', {href: `#/audit?index=${req.ledger_index}`}, `#${req.ledger_index}`)) : null),
			h('section', {class: 'clock', 'aria-labelledby': 'h-deadlines'},
				h('h2', {id: 'h-deadlines'}, t('request.deadlines')),
				dls.length ? h('ul', {class: 'deadlines'}, dls.map(dl => h('li', {class: `level-${levelOf(dl)}`},
					levelBadge(dl.met ? 'ok' : levelOf(dl)), ' ',
					h('strong', {}, tOr(`deadline.${dl.name}`, dl.name)), dl.article ? [' ', h('span', {class: 'art'}, articleText(dl.article))] : null, ' ',
					dl.met ? t('deadline.met') : countdown(dl), ' ',
					h('small', {}, fmtDateTime(dl.due))))) : h('p', {}, t('deadline.none'))),
			h('section', {class: 'actions-box', 'aria-labelledby': 'h-actions'},
				h('h2', {id: 'h-actions'}, t('request.actions')),
				waiting ? h('p', {class: 'notice warn', id: 'request-waiting'}, t('request.waiting_supervisor')) : null,
				actions.length || wentOut ? h('div', {class: 'buttons', id: 'actions'},
					actions.map(actionButton),
					wentOut ? h('button', {type: 'button', class: 'secondary', id: 'act-more_information',
						onclick: () => actionForm({to: 'more_information', message: true, needs: ['reason'], article: '40'})},
					t('action.more_information')) : null) :
					h('p', {id: 'request-no-actions'}, t('request.no_actions')),
				h('div', {id: 'action-form'})),
			h('section', {'aria-labelledby': 'h-content'},
				h('h2', {id: 'h-content'}, t('request.content')),
				h('dl', {class: 'content', id: 'request-content'}, inOrder(Object.entries(body).filter(([k]) => !skip.has(k)),
					kind && kind.fields).map(([k, v, f]) =>
					[h('dt', {'data-field': k}, fieldLabel(k), f && f.article ? h('span', {class: 'art'}, ' ', articleText(f.article)) : null),
						h('dd', {}, renderValue(v, f))]))),
			evidenceSection(req),
			h('section', {'aria-labelledby': 'h-timeline'},
				h('h2', {id: 'h-timeline'}, t('request.timeline')),
				timelineList(req)));
	}

	function timelineList(req) {
		return h('ol', {class: 'timeline', id: 'timeline'}, timeline(req, evidence).map(e => h('li', {class: `ev ev-${e.group}`,
			'data-action': e.group === 'custody' ? e.type : null, 'data-item': e.item ?? null},
			h('time', {datetime: e.at ? e.at.toISOString() : ''}, fmtDateTime(e.at)),
			h('span', {class: 'ev-type'}, tOr(`event.${e.type}`, e.type)),
			e.to && e.to !== e.from ? h('span', {}, e.from ? `${stateLabel(e.from)} → ${stateLabel(e.to)}` : stateLabel(e.to)) : null,
			e.actor ? h('span', {class: 'actor'}, e.actor) : null,
			e.note ? h('span', {class: 'note'}, e.note) : null,
			e.index !== undefined && e.index !== null ? h('a', {class: 'ledger', href: `#/audit?index=${e.index}`,
				title: t('request.check_proof')}, t('request.ledger_entry', {index: e.index})) : null)));
	}

	/* After a download: only the timeline is redrawn (its custody
	 * "opened" event), so a form being filled in on the page is kept. */
	async function refreshTimeline() {
		try {
			const req = await reload();
			if (!req)
				return;
			const old = box.querySelector('#timeline');
			if (old)
				old.replaceWith(timelineList(req));
		} catch (e) { /* the next full refresh says what is wrong */ }
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
		a.addEventListener('click', () => setTimeout(() => { if (!stop) refreshTimeline(); }, 1500));
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
				h('thead', {}, h('tr', {}, ['name', 'size', 'sha256', 'download', 'transfer'].map(c => h('th', {scope: 'col'}, t(`evidence.${c}`))))),
				h('tbody', {}, items.map(ev => h('tr', {'data-item': ev.item ?? null},
					h('td', {'data-label': t('evidence.name')}, ev.name || ev.filename || ev.id),
					h('td', {'data-label': t('evidence.size')}, fmtNumber(Number(ev.size || 0))),
					h('td', {'data-label': t('evidence.sha256'), class: 'mono hash'}, ev.sha256 || '—'),
					h('td', {'data-label': t('evidence.download')}, evidenceLink(ev)),
					h('td', {'data-label': t('evidence.transfer')}, transferCell(ev))))) ) :
				h('p', {}, t('evidence.none')),
			h('p', {id: 'transfer-status', role: 'status', 'aria-live': 'polite'}, xferStatus),
			h('div', {id: 'transfer-slot'}),
			form);
	}

	/* The request's other party, the only one its evidence may go to (the
	 * node checks the same, src/net/api_evxfer.c); null if none. */
	function otherParty() {
		const p = current && counterpart(current, ctx.party());
		return typeof p === 'string' && p.length === 3 && p !== ctx.party() ? p : null;
	}

	function ledgerLink(index, key, params) {
		return h('a', {class: 'ledger', href: `#/audit?index=${index}`, title: t('request.check_proof')},
			t(key, {...params, index}));
	}

	/* An item's transfer column: where it came from (an item received from
	 * the other State), or the state of its newest transfer to the other
	 * party with the ledger entries on both sides, and the button that
	 * sends it (officers only: the route's roles). */
	function transferCell(ev) {
		const id = `transfer-${ev.item}`;
		const rec = receivedOf(ev);
		if (rec)
			return h('div', {class: 'xfer', id},
				h('span', {class: 'xfer-state xfer-received'}, t(rec.verified !== undefined ? 'transfer.received_verified' :
					'transfer.received', {party: rec.from})),
				rec.verified !== undefined ? ledgerLink(rec.verified, 'request.ledger_entry') : null,
				rec.conditions ? h('span', {class: 'note'}, t('transfer.conditions_are', {text: rec.conditions})) : null);
		if (ev.item === undefined)
			return h('div', {class: 'xfer'}, '—');
		const other = otherParty();
		const x = xfers.get(ev.item);
		const parts = [];
		if (x) {
			const party = x.peer || other;
			const pct = Number(x.total) > 0 ? Math.min(100, Math.floor(Number(x.sent || 0) * 100 / Number(x.total))) : 0;
			const text = x.state === 'sending' ? t('transfer.sending', {party, pct: fmtNumber(pct)}) :
				x.state === 'interrupted' ? t('transfer.interrupted', {pct: fmtNumber(pct)}) :
				x.state === 'acknowledged' ? t('transfer.acknowledged', {party}) :
				x.state === 'failed' ? t('transfer.failed', {party}) : x.state;
			parts.push(h('span', {class: `xfer-state xfer-${x.state}`, 'data-state': x.state}, text));
			if (!settled(x.state))
				parts.push(h('progress', {max: 100, value: pct, 'aria-label': text}));
			if (x.error && x.state !== 'acknowledged')
				parts.push(h('small', {class: 'xfer-error'}, x.error));
			const c = custodyOf(ev, x.transfer);
			const sent = c.sent ?? (x.posted && x.posted.transfer === x.transfer ? x.posted.index : undefined);
			if (sent !== undefined && sent >= 0)
				parts.push(ledgerLink(sent, 'transfer.sent_entry'));
			if (c.acknowledged !== undefined)
				parts.push(ledgerLink(c.acknowledged, 'transfer.receipt_entry'));
			if (x.state === 'acknowledged' && x.their_ledger_index >= 0)
				parts.push(h('span', {class: 'ledger their'}, t('transfer.their_entry', {party, index: x.their_ledger_index})));
		}
		if (other && maySend(ctx.session)) {
			if (!x || x.state === 'failed')
				parts.push(h('button', {type: 'button', class: 'small secondary', id: `transfer-send-${ev.item}`,
					onclick: () => transferForm(ev, other)}, t(x ? 'transfer.send_again' : 'transfer.send', {party: other})));
			else if (x.state === 'interrupted' || (x.state === 'sending' && x.active === false))
				parts.push(h('button', {type: 'button', class: 'small secondary', id: `transfer-resume-${ev.item}`,
					onclick: e => resume(ev, other, e.currentTarget)}, t('transfer.resume')));
		}
		return h('div', {class: 'xfer', id}, parts.length ? parts : '—');
	}

	function setStatus(text) {
		xferStatus = text;
		const el = document.getElementById('transfer-status');
		if (el)
			el.textContent = text;
	}

	/* Redraws one item's transfer column in place (a poll must not redraw
	 * the page under the officer); focus stays in the column. */
	function updateCell(item, focus) {
		const ev = (evidence || []).find(x => x.item === item);
		const old = document.getElementById(`transfer-${item}`);
		if (!ev || !old)
			return;
		const had = focus || old.contains(document.activeElement);
		const cell = transferCell(ev);
		old.replaceWith(cell);
		if (had) {
			cell.setAttribute('tabindex', '-1');
			cell.focus();
		}
	}

	/* The node's answer to POST .../transfer: 202 sending (started,
	 * resumed or already running), or 200 when that party already
	 * acknowledged the item. */
	function started(ev, other, r) {
		const was = xfers.get(ev.item) || {};
		const ack = r.state === 'acknowledged';
		xfers.set(ev.item, {...was, transfer: r.transfer, direction: 'out', peer: other, state: r.state || 'sending',
			total: r.total, sent: ack ? r.total : was.transfer === r.transfer ? was.sent : 0, error: '', active: !ack,
			their_ledger_index: r.their_ledger_index ?? was.their_ledger_index,
			posted: r.ledger_index >= 0 ? {transfer: r.transfer, index: r.ledger_index} : was.posted});
		setStatus(t(ack ? 'transfer.already' : 'transfer.started', {name: ev.name || String(ev.item), party: other}));
		updateCell(ev.item, true);
		watch();
	}

	async function resume(ev, other, btn) {
		btn.disabled = true;
		try {
			started(ev, other, await sendEvidence(ev.item, {to: other}));
		} catch (x) {
			btn.disabled = false;
			if (x.status !== 401)
				setStatus(t('transfer.not_sent', {error: transferError(x)}));
		}
	}

	/* Send an item to the other party: the reason (required, custody) and
	 * the art. 36 conditions that travel with it. */
	function transferForm(ev, other) {
		const slot = document.getElementById('transfer-slot');
		const reason = h('textarea', {id: 'transfer-reason', rows: 3, maxlength: TEXT_MAX, 'aria-required': 'true',
			'aria-describedby': 'transfer-reason-err'});
		const cond = h('textarea', {id: 'transfer-conditions', rows: 3, maxlength: TEXT_MAX,
			'aria-describedby': 'transfer-conditions-hint transfer-conditions-err'});
		const controls = {reason, conditions: cond};
		const errs = {
			reason: h('p', {class: 'field-error', id: 'transfer-reason-err', role: 'alert', hidden: true}),
			conditions: h('p', {class: 'field-error', id: 'transfer-conditions-err', role: 'alert', hidden: true}),
		};
		const err = h('p', {class: 'notice error', id: 'transfer-error', role: 'alert', hidden: true});
		const btn = h('button', {type: 'submit', id: 'transfer-confirm'}, t('transfer.send', {party: other}));
		/* an error at its field (the node names one), else above the buttons */
		const show = (field, text) => {
			for (const [k, p] of Object.entries(errs)) {
				p.hidden = k !== field;
				controls[k].removeAttribute('aria-invalid');
			}
			err.hidden = field in errs;
			if (field in errs) {
				errs[field].textContent = text;
				controls[field].setAttribute('aria-invalid', 'true');
				controls[field].focus();
			} else {
				err.textContent = text;
			}
		};
		const close = () => {
			mount(slot);
			const b = document.getElementById(`transfer-send-${ev.item}`);
			if (b)
				b.focus();
		};
		mount(slot, h('form', {class: 'card', id: 'transfer-form', novalidate: true,
			onkeydown: e => { if (e.key === 'Escape') close(); },
			onsubmit: async e => {
				e.preventDefault();
				const why = reason.value.trim();
				if (!why)
					return show('reason', t('transfer.need_reason'));
				btn.disabled = true;
				try {
					const r = await sendEvidence(ev.item, {to: other, reason: why, conditions: cond.value.trim()});
					mount(slot);
					started(ev, other, r);
				} catch (x) {
					if (x.status !== 401)
						show(x.field, transferError(x));
				} finally {
					btn.disabled = false;
				}
			}},
		h('h3', {}, t('transfer.title', {name: ev.name || String(ev.item), party: other})),
		h('p', {class: 'hint'}, t('transfer.lead', {party: other})),
		h('div', {class: 'field'}, h('label', {for: 'transfer-reason'}, t('transfer.reason')), reason, errs.reason),
		h('div', {class: 'field'},
			h('label', {for: 'transfer-conditions'}, t('transfer.conditions'), ' ', h('span', {class: 'art'}, articleText('36'))),
			h('p', {class: 'hint', id: 'transfer-conditions-hint'}, t('transfer.conditions_hint')), cond, errs.conditions),
		err,
		h('div', {class: 'actions'}, btn,
			h('button', {type: 'button', class: 'secondary', id: 'transfer-cancel', onclick: close}, t('action.cancel')))));
		reason.focus();
	}

	/* The newest transfer of each item that was ever sent (custody
	 * transfer_out), asked in parallel. */
	async function loadTransfers(items) {
		const other = otherParty();
		const want = (items || []).filter(ev => ev.item !== undefined && !ev.origin && everSent(ev)).slice(0, XFER_LOOKUPS);
		await Promise.all(want.map(async ev => {
			try {
				const x = latestOut(await transfersOf(ev.item), other);
				if (x)
					xfers.set(ev.item, {...xfers.get(ev.item), ...x});
			} catch (e) { /* kept as it was; the next refresh asks again */ }
		}));
	}

	/* While a transfer is under way, ask the node where it stands: every
	 * 1.5 s while a thread sends it, every 10 s while it waits to resume;
	 * until acknowledged or failed, or the page is left. */
	function watch() {
		const open = () => [...xfers.entries()].filter(([, x]) => !settled(x.state));
		if (watchTimer !== null || stop || !open().length)
			return;
		const step = async () => {
			let ended = false;
			for (const [item, x] of open()) {
				try {
					const n = latestOut(await transfersOf(item), x.peer);
					if (stop)
						return;
					if (!n || (x.transfer && n.transfer !== x.transfer))
						continue;
					xfers.set(item, {...x, ...n});
					if (settled(n.state)) {
						const ev = (evidence || []).find(e => e.item === item);
						ended = true;
						setStatus(`${ev ? ev.name : item}: ${t(n.state === 'acknowledged' ? 'transfer.acknowledged' :
							'transfer.failed', {party: n.peer})}`);
					}
					updateCell(item);
				} catch (e) {
					if (e.status === 401) {
						watchTimer = null;
						return;
					}
				}
			}
			if (ended && !stop) {
				/* the receipt's custody entry: the page now, or at least
				 * the table if the officer is typing */
				if (!busy()) {
					watchTimer = null;
					await refresh(false);
					return;
				}
				const fresh = await loadEvidence();
				if (fresh) {
					evidence = fresh;
					fresh.forEach(ev => updateCell(ev.item));
				}
			}
			const fast = open().some(([, x]) => x.state === 'sending' && x.active !== false);
			watchTimer = !stop && open().length ? setTimeout(step, fast ? 1500 : 10000) : null;
		};
		watchTimer = setTimeout(step, 1000);
	}

	/* The officer is filling in a form, which a redraw would lose. */
	function busy() {
		const a = document.activeElement;
		return !!(box.querySelector('#transition-form, #transfer-form') ||
			(a && box.contains(a) && /INPUT|TEXTAREA|SELECT/.test(a.tagName)));
	}

	/* One step the node offers: a button (the approval sends at once, the
	 * others open their form); a step that may not be taken yet (the 60
	 * days of art. 42) is shown disabled with the date it opens. */
	function actionButton(a) {
		const id = isApproval(a) ? 'approve' : `act-${a.to}`;
		const when = toDate(a.not_before);
		const cite = citeText(a.citation || a.article);
		return h('span', {class: 'action'},
			h('button', {type: 'button', id, 'data-to': a.to, disabled: !!when,
				class: a.to === 'refused' || a.to === 'withdrawn' ? 'danger' : '',
				'aria-describedby': when ? `${id}-when` : null, title: cite || null,
				onclick: () => (isApproval(a) ? approve() : actionForm(a))}, actionLabel(a)),
			when ? h('small', {class: 'not-before', id: `${id}-when`},
				t('action.not_before', {when: fmtDateTime(when)}), cite ? ` (${cite})` : '') : null);
	}

	/* The form of a step: the grounds the node allows for this request
	 * (each with its source) when it needs grounds, a reason when it needs
	 * one, else a confirmation. */
	function actionForm(act) {
		const to = act.to;
		const slot = document.getElementById('action-form');
		const wantGrounds = needs(act, 'grounds');
		const wantReason = needs(act, 'reason') || wantGrounds;
		const reason = wantReason ? h('textarea', {id: 'action-reason', rows: 3, 'aria-required': 'true'}) : null;
		const err = h('p', {class: 'field-error', id: 'action-error', role: 'alert', hidden: true});
		const cite = citeText(act.citation || act.article);
		const grounds = wantGrounds ? h('fieldset', {class: 'grounds', id: 'action-grounds'},
			h('legend', {}, t('action.grounds'), cite ? [' ', h('span', {class: 'art'}, cite)] : null),
			(act.grounds || []).map(g => h('label', {class: 'check'},
				h('input', {type: 'checkbox', name: 'ground', value: g.code}), ' ',
				tOr(`ground.${g.code}`, g.text || g.code), ' ',
				h('span', {class: 'art cite'}, citeText(g.citation || g.article))))) : null;
		const fail = text => {
			err.textContent = text;
			err.hidden = false;
		};
		mount(slot, h('form', {class: 'card', id: 'transition-form', 'data-to': to, onsubmit: async e => {
			e.preventDefault();
			const g = grounds ? [...grounds.querySelectorAll('input:checked')].map(x => x.value) : undefined;
			if (grounds && !g.length)
				return fail(t('action.need_ground'));
			const why = reason ? reason.value.trim() : '';
			if (reason && !why) {
				reason.focus();
				return fail(t('action.need_reason'));
			}
			try {
				if (act.message) {
					const r = await post(`/v1/requests/${encodeURIComponent(id)}/messages`, {kind: to, text: why});
					ctx.notice = {kind: 'ok', text: t('action.message_sent', {index: r.ledger_index})};
					refresh(true);
					return;
				}
				const r = await transition(ctx, current, {to, reason: why || undefined, grounds: g});
				ctx.notice = {kind: 'ok', text: t('action.done', {state: stateLabel(to), index: r && (r.ledger_index ?? r.index ?? '—')})};
				refresh(true);
			} catch (x) {
				if (x.status !== 401)
					fail(errorText(x));
			}
		}},
		h('h3', {}, act.message ? t('action.more_information') : actionLabel(act), cite ? h('span', {class: 'art'}, ' ', cite) : null),
		grounds,
		reason ? h('div', {class: 'field'}, h('label', {for: 'action-reason'},
			act.message ? t('action.message_text') : t('action.reason_required')), reason) : null,
		err,
		h('div', {class: 'actions'}, h('button', {type: 'submit', id: 'action-confirm'}, t('action.confirm')),
			h('button', {type: 'button', class: 'secondary', id: 'action-cancel', onclick: () => mount(slot)}, t('action.cancel')))));
		const first = grounds ? grounds.querySelector('input') : reason;
		(first || slot.querySelector('#action-confirm')).focus();
	}

	/* Art. 41: approving sends; the node answers once the request is
	 * queued for the other State. */
	async function approve() {
		const btn = document.getElementById('approve');
		if (btn)
			btn.disabled = true;
		try {
			const r = await post(`/v1/requests/${encodeURIComponent(id)}/approve`, {});
			ctx.notice = {kind: 'ok', text: t('action.approved', {index: r && (r.ledger_index ?? r.index ?? '—')})};
			refresh(true);
		} catch (x) {
			if (btn)
				btn.disabled = false;
			if (x.status !== 401)
				box.prepend(h('p', {class: 'notice error', role: 'alert'}, errorText(x)));
		}
	}

	/* The request and its evidence again; null when the page has gone. */
	async function reload() {
		const req = await load();
		const fresh = await loadEvidence();
		if (stop)
			return null;
		if (fresh)
			evidence = fresh;
		return req;
	}

	async function refresh(withNotice) {
		try {
			const req = await reload();
			if (!req)
				return;
			await loadTransfers(evidence);
			if (stop)
				return;
			await draw(req);
			watch();
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
	await load();
	evidence = await loadEvidence();
	await loadTransfers(evidence);
	await draw(current);
	watch();
	const timer = setInterval(() => {
		// Refresh in the background unless the officer is typing in a form.
		if (!busy())
			refresh(false);
	}, 15000);
	return () => { stop = true; clearInterval(timer); clearTimeout(watchTimer); };
}
