// Compose a request: choose the kind, then a form built from the node's own
// table (GET /v1/kinds): every field with its article, checked as you type
// with the same rules, errors from the node shown at the field they name.
// The draft is written to localStorage on every change, so a closed tab, a
// lost connection or an expired session never loses the officer's work.
import {h, mount, append} from '../dom.js';
import {t, tOr, fmtDateTime} from '../i18n.js';
import {createRequest} from '../backend.js';
import {validate} from '../kinds.js';
import {errorText} from '../app.js';
import {kindLabel} from './requests.js';

function draftKey(ctx, kind) {
	return `hn.draft.${(ctx.session && ctx.session.username) || '-'}.${kind}`;
}

export function loadDraft(ctx, kind) {
	try {
		return JSON.parse(localStorage.getItem(draftKey(ctx, kind)) || 'null');
	} catch (e) {
		return null;
	}
}

function saveDraft(ctx, kind, body) {
	try {
		localStorage.setItem(draftKey(ctx, kind), JSON.stringify({body, saved_at: new Date().toISOString()}));
		return true;
	} catch (e) {
		return false;
	}
}

function dropDraft(ctx, kind) {
	try { localStorage.removeItem(draftKey(ctx, kind)); } catch (e) { /* ignore */ }
}

export function fieldLabel(name, fallback) {
	const leaf = String(name).replace(/\[\d+\]/g, '').split('.').pop();
	return tOr(`field.${leaf}`, fallback || leaf);
}

export function articleText(a) {
	return a ? t('field.article', {article: a}) : '';
}

export function ruleText(e) {
	const p = {...e.params};
	if (p.fields)
		p.fields = p.fields.map(f => fieldLabel(f)).join(t('valid.or'));
	return t(`valid.${e.rule}`, p);
}

const idOf = path => 'fld-' + path.replace(/[^A-Za-z0-9_]+/g, '-');

export async function render(ctx, main, {args}) {
	let kinds = [];
	try {
		({kinds} = await ctx.loadKinds());
	} catch (e) {
		if (e.status === 401)
			throw e;
		append(main, h('h1', {}, t('compose.choose_title')), h('p', {class: 'notice error', role: 'alert'}, errorText(e)));
		return;
	}
	const kindName = args[0];
	const kind = kinds.find(k => k.name === kindName);
	if (!kind)
		return chooser(ctx, main, kinds);
	let parties = [];
	try { parties = (await ctx.loadParties()).list; } catch (e) { /* free text then */ }
	return form(ctx, main, kind, parties);
}

function chooser(ctx, main, kinds) {
	append(main, h('h1', {}, t('compose.choose_title')),
		h('p', {class: 'lead'}, t('compose.choose_lead')),
		h('ul', {class: 'kinds', id: 'kind-list'}, kinds.map(k => {
			const d = loadDraft(ctx, k.name);
			return h('li', {}, h('a', {class: 'kind-card', href: `#/compose/${encodeURIComponent(k.name)}`, id: `kind-${k.name}`},
				h('strong', {}, kindLabel(k.name)),
				h('span', {class: 'art'}, articleText(k.article)),
				h('span', {class: 'desc'}, tOr(`kind_desc.${k.name}`, '')),
				k.emergency ? h('span', {class: 'badge level-due_soon'}, t('compose.needs_approval')) : null,
				d ? h('span', {class: 'badge draft'}, t('compose.draft_from', {when: fmtDateTime(d.saved_at)})) : null));
		})));
}

function form(ctx, main, kind, parties) {
	const draft = loadDraft(ctx, kind.name);
	const body = draft && draft.body ? draft.body : {};
	body.kind = kind.name;
	if (!body.from && ctx.party())
		body.from = ctx.party();
	if (!body.legal_basis && kind.fields.some(f => f.name === 'legal_basis'))
		body.legal_basis = 'unccc';
	for (const f of kind.fields)
		if (f.type === 'array' && !Array.isArray(body[f.name]))
			body[f.name] = [{}];
	const touched = new Set();
	let showAll = false;
	const status = h('p', {class: 'draft-status', id: 'draft-status', role: 'status', 'aria-live': 'polite'},
		draft ? t('compose.draft_restored', {when: fmtDateTime(draft.saved_at)}) : '');
	const summary = h('div', {class: 'notice error', id: 'error-summary', role: 'alert', tabindex: '-1', hidden: true});
	const fieldsBox = h('div', {class: 'fields'});
	const serverErrors = new Map(); /* path -> {message, article} */

	function changed(path) {
		touched.add(path);
		serverErrors.delete(path);
		if (saveDraft(ctx, kind.name, body))
			status.textContent = t('compose.draft_saved', {when: fmtDateTime(new Date())});
		check();
	}

	function input(f, path, value, set) {
		const id = idOf(path);
		const common = {id, name: path, 'data-path': path, 'aria-describedby': `${id}-art ${id}-err`,
			required: f.required || undefined};
		if (f.type === 'boolean')
			return h('input', {...common, type: 'checkbox', checked: value === true,
				onchange: e => { set(e.target.checked); changed(path); }});
		if (f.enum)
			return h('select', {...common, onchange: e => { set(e.target.value); changed(path); }},
				h('option', {value: ''}, t('compose.choose')),
				f.enum.map(v => h('option', {value: v, selected: value === v}, tOr(`enum.${f.name}.${v}`, v))));
		if (f.type === 'party' && path === 'to' && parties.length)
			return h('select', {...common, onchange: e => { set(e.target.value); changed(path); }},
				h('option', {value: ''}, t('compose.choose')),
				parties.filter(p => p.code !== ctx.party()).map(p => h('option', {value: p.code, selected: value === p.code},
					`${p.code} — ${p.name || ''}`)));
		if (f.type === 'time')
			/* UTC, as the node wants it: YYYY-MM-DDTHH:MM:SSZ */
			return h('input', {...common, type: 'datetime-local', step: 1,
				value: typeof value === 'string' ? value.replace(/Z$/, '') : '',
				oninput: e => {
					const v = e.target.value;
					set(v ? `${v.length === 16 ? `${v}:00` : v}Z` : undefined);
					changed(path);
				}});
		if (f.type === 'integer' || f.type === 'number')
			return h('input', {...common, type: 'number', value: value ?? '',
				oninput: e => { set(e.target.value === '' ? undefined : Number(e.target.value)); changed(path); }});
		const tag = f.long ? 'textarea' : 'input';
		return h(tag, {...common, value: value ?? '', rows: f.long ? 4 : undefined,
			maxlength: f.max && f.max < 100000 ? f.max : undefined,
			readonly: f.type === 'party' && path === 'from' && ctx.party() ? true : undefined,
			autocapitalize: f.type === 'party' ? 'characters' : undefined,
			oninput: e => { set(e.target.value); changed(path); }});
	}

	function fieldBlock(f, path, value, set) {
		const id = idOf(path);
		const req = f.required ? h('span', {class: 'req'}, t('compose.required')) :
			f.inGroup ? h('span', {class: 'req'}, t('compose.one_of_group')) : h('span', {class: 'opt'}, t('compose.optional'));
		const hint = tOr(`hint.${f.name}`, '') || (f.type === 'time' ? t('hint.time_utc') : '');
		return h('div', {class: `field type-${f.type}`, 'data-field': path},
			h('label', {for: id}, fieldLabel(f.name, f.label), ' ', req),
			hint ? h('p', {class: 'hint'}, hint) : null,
			input(f, path, value, set),
			h('p', {class: 'art', id: `${id}-art`}, articleText(f.article)),
			h('p', {class: 'field-error', id: `${id}-err`, hidden: true}));
	}

	function arrayBlock(f) {
		const items = body[f.name];
		const box = h('fieldset', {class: 'array', 'data-field': f.name, id: idOf(f.name)},
			h('legend', {}, fieldLabel(f.name, f.label), ' ', h('span', {class: 'art'}, articleText(f.article))),
			h('p', {class: 'field-error', id: `${idOf(f.name)}-err`, hidden: true}));
		items.forEach((item, i) => {
			const group = h('div', {class: 'item'}, h('p', {class: 'item-title'}, t('compose.item', {n: i + 1})));
			for (const s of f.items)
				group.append(fieldBlock(s, `${f.name}[${i}].${s.name}`, item[s.name], v => { item[s.name] = v; }));
			if (items.length > 1)
				group.append(h('button', {type: 'button', class: 'secondary small', onclick: () => {
					items.splice(i, 1);
					changed(f.name);
					draw();
				}}, t('compose.remove_item')));
			box.append(group);
		});
		box.append(h('button', {type: 'button', class: 'secondary small', id: `add-${f.name}`, onclick: () => {
			items.push({});
			changed(f.name);
			draw();
			document.getElementById(idOf(`${f.name}[${items.length - 1}].${f.items[0].name}`))?.focus();
		}}, t('compose.add_item')));
		return box;
	}

	function draw() {
		mount(fieldsBox, kind.fields.filter(f => !f.hidden).map(f => f.type === 'array' ? arrayBlock(f)
			: fieldBlock(f, f.name, body[f.name], v => { body[f.name] = v; })));
		check();
	}

	function check() {
		const errs = validate(kind, clean(body));
		const byPath = new Map();
		for (const e of errs)
			if (!byPath.has(e.field))
				byPath.set(e.field, {text: ruleText(e), article: e.article});
		for (const [p, e] of serverErrors)
			byPath.set(p, e);
		for (const el of fieldsBox.querySelectorAll('[data-field]')) {
			const p = el.dataset.field;
			const err = document.getElementById(`${idOf(p)}-err`);
			const ctl = document.getElementById(idOf(p));
			const e = byPath.get(p);
			const show = e && (showAll || touched.has(p) || serverErrors.has(p) ||
				[...touched].some(x => x.startsWith(`${p}[`)));
			if (err) {
				err.hidden = !show;
				err.textContent = show ? `${e.text}${e.article ? ` — ${articleText(e.article)}` : ''}` : '';
			}
			el.classList.toggle('invalid', !!show);
			if (ctl && ctl.tagName !== 'FIELDSET')
				ctl.setAttribute('aria-invalid', show ? 'true' : 'false');
		}
		return {errs, byPath};
	}

	const submit = h('button', {type: 'submit', id: 'send'}, kind.emergency ? t('compose.submit_for_approval') : t('compose.send'));
	const f = h('form', {id: 'compose-form', class: 'card', novalidate: true, onsubmit: async e => {
		e.preventDefault();
		showAll = true;
		const {byPath} = check();
		if (byPath.size) {
			showSummary(byPath);
			return;
		}
		summary.hidden = true;
		submit.disabled = true;
		try {
			const r = await createRequest(ctx, clean(body), kind);
			dropDraft(ctx, kind.name);
			const id = r && (r.id || (r.request && r.request.id));
			ctx.notice = {kind: 'ok', text: kind.emergency ? t('compose.awaiting_approval') :
				t('compose.created', {index: r && (r.ledger_index ?? r.index ?? '—')})};
			ctx.go(id ? `#/request/${encodeURIComponent(id)}` : '#/outbox');
		} catch (err) {
			if (err.status === 401)
				return; /* draft is saved; sign in brings us back here */
			const problems = err.body && Array.isArray(err.body.problems) ? err.body.problems : null;
			if (problems && problems.length) {
				// Every problem the node found, each at its field.
				for (const p of problems)
					serverErrors.set(p.field, {text: serverFieldText({...err, body: {}, message: p.message}), article: p.article});
				showSummary(check().byPath);
			} else if (err.field) {
				serverErrors.set(err.field, {text: serverFieldText(err), article: err.article});
				const m = check().byPath;
				showSummary(m);
			} else {
				mount(summary, h('p', {}, errorText(err)));
				summary.hidden = false;
				summary.focus();
			}
		} finally {
			submit.disabled = false;
		}
	}},
	summary,
	kind.emergency ? h('p', {class: 'notice warn'}, t('compose.emergency_note')) : null,
	fieldsBox,
	h('div', {class: 'actions'}, submit,
		h('button', {type: 'button', class: 'secondary', id: 'discard', onclick: () => {
			if (!confirm(t('compose.discard_confirm')))
				return;
			dropDraft(ctx, kind.name);
			ctx.go(`#/compose`);
		}}, t('compose.discard')),
		status));

	function showSummary(byPath) {
		mount(summary, h('p', {}, t('compose.fix_errors', {n: byPath.size})),
			h('ul', {}, [...byPath].map(([p, e]) => h('li', {}, h('a', {href: '#', 'data-goto': p, onclick: ev => {
				ev.preventDefault();
				const el = document.getElementById(idOf(p)) || fieldsBox.querySelector(`[data-field="${CSS.escape(p)}"] input, [data-field="${CSS.escape(p)}"] textarea`);
				if (el)
					el.focus();
			}}, `${fieldLabel(p)}: ${e.text}${e.article ? ` — ${articleText(e.article)}` : ''}`)))));
		summary.hidden = false;
		summary.focus();
	}

	append(main, h('p', {class: 'crumbs'}, h('a', {href: '#/compose'}, t('compose.choose_title'))),
		h('h1', {}, t('compose.title', {kind: kindLabel(kind.name)}), ' ',
			h('span', {class: 'art'}, articleText(kind.article))), f);
	draw();
}

/* The server's field error in the officer's language: the rule when the node
 * names one we know, else its own message. */
function serverFieldText(err) {
	const b = err.body || {};
	if (b.rule && t(`valid.${b.rule}`) !== `valid.${b.rule}`)
		return t(`valid.${b.rule}`, b);
	const key = `error.${err.code}`;
	const base = t(key) !== key ? t(key) : t('error.validation_failed');
	return err.message ? `${base} (${err.message})` : base;
}

/* The body without empty strings, empty array items or unset booleans, as
 * the node expects (unknown or empty fields are errors there). */
function clean(body) {
	const out = {};
	for (const [k, v] of Object.entries(body)) {
		if (v === undefined || v === null || v === '')
			continue;
		if (Array.isArray(v)) {
			out[k] = v.map(it => {
				const o = {};
				for (const [a, b] of Object.entries(it || {}))
					if (b !== undefined && b !== null && b !== '')
						o[a] = b;
				return o;
			});
			continue;
		}
		out[k] = v;
	}
	return out;
}
