// app.js - the console's shell: language, session, navigation, hash router.
// Pages live in pages/*.js and export render(ctx, main, params).

import {h, mount} from './dom.js';
import {t, LANGS, setLanguage, preferred, remember, current, onChange} from './i18n.js';
import {api, get, listOf} from './api.js';
import {normaliseKinds} from './kinds.js';
import {tick} from './deadline.js';

const ROUTES = {
	signin: () => import('./pages/signin.js'),
	inbox: () => import('./pages/requests.js'),
	outbox: () => import('./pages/requests.js'),
	compose: () => import('./pages/compose.js'),
	request: () => import('./pages/request.js'),
	parties: () => import('./pages/parties.js'),
	audit: () => import('./pages/audit.js'),
	stats: () => import('./pages/stats.js'),
};
const NAV = ['inbox', 'outbox', 'compose', 'parties', 'audit', 'stats'];

/* Shared state the pages read through ctx. */
export const ctx = {
	session: null,      /* {username, role, party, language} */
	kinds: null,        /* normalised GET /v1/kinds */
	parties: null,      /* GET /v1/parties */
	notice: null,       /* one-shot message shown on the next page */
	cleanup: null,
	async loadKinds() {
		if (!this.kinds)
			this.kinds = normaliseKinds(await get('/v1/kinds'));
		return this.kinds;
	},
	async loadParties() {
		if (!this.parties)
			this.parties = await fetchParties();
		return this.parties;
	},
	go(hash) {
		if (location.hash === hash)
			route();
		else
			location.hash = hash;
	},
	party() {
		return (this.session && this.session.party) || null;
	},
	refreshShell() { shell(); },
};

/* The register from the node (GET /v1/parties); a node without that route
 * yet: the parties of the signed directory it holds (GET /v1/directory),
 * each with its register entry. Either way, a simulated register (the
 * demo's) is labelled: GET /v1/federation says so in register_label. */
async function fetchParties() {
	let fed = null;
	try { fed = await get('/v1/federation'); } catch (e) { fed = null; }
	const label = fed && fed.register_label;
	try {
		const d = await get('/v1/parties');
		const meta = Array.isArray(d) ? {} : {...d};
		if (label)
			Object.assign(meta, {simulated: true, label});
		return {list: listOf(d, 'parties'), meta};
	} catch (e) {
		if (e.status !== 404)
			throw e;
	}
	const d = await get('/v1/directory');
	const text = (d && d.text) || '';
	const dir = JSON.parse(text.slice(text.indexOf('\n') + 1));
	const list = (dir.parties || []).map(p => {
		const reg = p.register && (p.register.unccc || p.register.budapest);
		return {code: p.code, name: p.name || '', kind: p.kind || 'state',
			in_force: typeof reg === 'string' ? /party/i.test(reg) : null, register_text: reg || null,
			languages: p.languages};
	});
	return {list, meta: {simulated: !!label, label, source: 'directory'}};
}

/* The account's own record of the session, whatever the node calls it. */
export function normaliseSession(d) {
	if (!d)
		return null;
	const a = d.account || d.user || d;
	const roles = a.roles || (a.role ? [a.role] : []);
	return {
		username: a.name || a.username || a.login || '',
		role: a.role || roles[0] || '',
		roles,
		party: a.party || d.party || null,
		language: a.lang || a.language || null,
		expires: d.expires_at || d.expires || null,
	};
}

export function saveSession(s) {
	ctx.session = s;
	try {
		if (s)
			sessionStorage.setItem('hn.session', JSON.stringify(s));
		else
			sessionStorage.removeItem('hn.session');
	} catch (e) { /* private mode */ }
}

/* Keep the language choice per user: on the account (PATCH /v1/session
 * {"lang"}), so that it follows the officer to any browser; the account's
 * language is then what a sign-in starts with. A node without that route
 * (404/405, remembered in this browser) keeps the choice in localStorage
 * under the user's name instead. */
export async function chooseLanguage(code) {
	const s = ctx.session;
	remember(s && s.username, code);
	await setLanguage(code);
	if (!s || localStorage.getItem('hn.lang.server') === 'no')
		return;
	try {
		await api('PATCH', '/v1/session', {lang: code}, {noAuthRedirect: true});
		s.language = code;
		saveSession(s);
	} catch (e) {
		if (e.status === 404 || e.status === 405)
			try { localStorage.setItem('hn.lang.server', 'no'); } catch (x) { /* ignore */ }
	}
}

/* The language for a signed-in user: the account's (when the node keeps
 * it), else their choice in this browser, else the browser's preference. */
export function userLanguage(s) {
	let mine = null, serverKeeps = true;
	try {
		mine = localStorage.getItem(`hn.lang.user.${s.username}`);
		serverKeeps = localStorage.getItem('hn.lang.server') !== 'no';
	} catch (e) { /* storage disabled */ }
	if (serverKeeps && s.language)
		return s.language;
	return mine || s.language || preferred(null);
}

/* Whether this node runs on a simulated register (the demo's): asked once
 * (GET /v1/federation is public), then said on every page, signed in or
 * not, so that nobody takes a demonstration for the real network. */
let simulated = null; /* null: not asked yet */
function askSimulated() {
	simulated = false;
	get('/v1/federation').then(f => {
		if (f && f.register_label) {
			simulated = true;
			shell();
		}
	}, () => { simulated = null; /* ask again on the next page */ });
}

function shell() {
	const s = ctx.session;
	if (simulated === null)
		askSimulated();
	const here = (location.hash.slice(2).split(/[/?]/)[0]) || 'inbox';
	const langSel = h('select', {id: 'lang', 'aria-label': t('nav.language'),
		onchange: e => chooseLanguage(e.target.value)},
	LANGS.map(l => h('option', {value: l.code, lang: l.code, selected: l.code === current()}, l.name)));
	const header = h('div', {class: 'bar'},
		h('a', {class: 'brand', href: '#/inbox'}, h('span', {class: 'logo', 'aria-hidden': 'true'}, '◆'), t('app.name')),
		s ? h('nav', {'aria-label': t('nav.main')}, h('ul', {},
			NAV.map(n => h('li', {}, h('a', {href: `#/${n}`, id: `nav-${n}`,
				'aria-current': n === here ? 'page' : false}, t(`nav.${n}`)))))) : null,
		h('div', {class: 'tools'},
			h('label', {class: 'lang', for: 'lang'}, h('span', {class: 'sr-only'}, t('nav.language')), langSel),
			s ? h('span', {class: 'who'}, t('nav.signed_in_as', {user: s.username, party: s.party || '—'})) : null,
			s ? h('button', {type: 'button', id: 'signout', class: 'secondary', onclick: signOut}, t('nav.signout')) : null));
	mount(document.getElementById('top'), header, simulated ?
		h('p', {class: 'simulated-strip', id: 'simulated-banner', role: 'note'}, t('app.simulated')) : null);
	const skip = document.querySelector('.skip');
	if (skip)
		skip.textContent = t('nav.skip');
	mount(document.getElementById('foot'), h('p', {}, t('app.footer')));
}

async function signOut() {
	try {
		await api('DELETE', '/v1/session', undefined, {noAuthRedirect: true});
	} catch (e) { /* gone already */ }
	saveSession(null);
	ctx.kinds = null;
	ctx.notice = {kind: 'info', text: t('signin.signed_out')};
	ctx.go('#/signin');
}

function parseHash() {
	const raw = location.hash.replace(/^#\/?/, '');
	const [pathPart, query] = raw.split('?');
	const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
	return {page: parts[0] || 'inbox', args: parts.slice(1), query: new URLSearchParams(query || '')};
}

let routing = 0;
let signinNotice = null;
async function route() {
	const my = ++routing;
	const r = parseHash();
	if (!ROUTES[r.page])
		r.page = 'inbox';
	if (!ctx.session && r.page !== 'signin') {
		rememberReturn();
		location.replace('#/signin');
		return;
	}
	if (ctx.cleanup) {
		try { ctx.cleanup(); } catch (e) { /* ignore */ }
		ctx.cleanup = null;
	}
	shell();
	const main = document.getElementById('main');
	main.setAttribute('aria-busy', 'true');
	try {
		const mod = await ROUTES[r.page]();
		if (my !== routing)
			return;
		mount(main);
		let notice = ctx.notice;
		ctx.notice = null;
		/* The sign-in page keeps its reason (expired, signed out) across
		 * re-renders: a second 401 or a language change routes again. */
		if (r.page !== 'signin')
			signinNotice = null;
		else if (notice)
			signinNotice = notice;
		else
			notice = signinNotice;
		if (notice)
			main.append(h('p', {class: `notice ${notice.kind}`, role: 'status'}, notice.text));
		ctx.cleanup = await mod.render(ctx, main, {page: r.page, args: r.args, query: r.query}) || null;
	} catch (e) {
		if (my !== routing)
			return;
		if (e && e.status === 401)
			return; /* the unauthorized handler takes over */
		if (!(e && e.status))
			console.error(e); /* a bug of the console itself: keep it visible to developers */
		main.append(h('p', {class: 'notice error', role: 'alert'}, errorText(e)));
	} finally {
		main.removeAttribute('aria-busy');
	}
	const h1 = main.querySelector('h1');
	if (h1 && my === routing && !main.contains(document.activeElement)) {
		h1.setAttribute('tabindex', '-1');
		h1.focus({preventScroll: true});
	}
}

/* Any error as one sentence in the officer's language. */
export function errorText(e) {
	if (!e)
		return t('error.unknown');
	const code = e.code || 'unknown';
	const key = `error.${code}`;
	let s = t(key);
	if (s === key)
		s = e.status ? t('error.http', {status: e.status}) : t('error.unknown');
	if (e.field)
		s += ` ${t('error.at_field', {field: e.field})}`;
	if (e.article)
		s += ` (${t('field.article', {article: e.article})})`;
	return s;
}

function rememberReturn() {
	const cur = location.hash;
	if (cur && !cur.startsWith('#/signin'))
		try { sessionStorage.setItem('hn.return', cur); } catch (e) { /* ignore */ }
}

window.addEventListener('hn:unauthorized', () => {
	if (!ctx.session && parseHash().page === 'signin')
		return;
	rememberReturn();
	saveSession(null);
	ctx.notice = {kind: 'warn', text: t('signin.expired')};
	location.hash = '#/signin';
});

async function start() {
	let stored = null;
	try { stored = JSON.parse(sessionStorage.getItem('hn.session') || 'null'); } catch (e) { stored = null; }
	await setLanguage(preferred(stored && stored.username));
	// Ask the node who we are; if it cannot say, trust this tab's record
	// until the first 401.
	try {
		const d = await api('GET', '/v1/session', undefined, {noAuthRedirect: true});
		const s = normaliseSession(d);
		if (s && s.username)
			saveSession(s);
	} catch (e) {
		if (e.status === 401) {
			if (stored) {
				rememberReturn();
				ctx.notice = {kind: 'warn', text: t('signin.expired')};
			}
			saveSession(null);
		} else if (stored)
			ctx.session = stored;
	}
	if (ctx.session) {
		const lang = userLanguage(ctx.session);
		if (lang !== current())
			await setLanguage(lang);
	}
	onChange(() => route());
	document.querySelector('.skip')?.addEventListener('click', e => {
		e.preventDefault();
		document.getElementById('main').focus();
	});
	window.addEventListener('hashchange', route);
	setInterval(tick, 1000);
	route();
}

start();
