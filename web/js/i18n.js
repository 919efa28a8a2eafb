// i18n.js - the six UN languages. Every string the console shows comes from
// web/i18n/LANG.json (same keys in every file; tests/browser checks that).
// Arabic is written right to left: <html dir="rtl">, and the CSS uses
// logical properties (margin-inline-start, text-align: start) throughout.

export const LANGS = [
	{code: 'ar', name: 'العربية', dir: 'rtl'},
	{code: 'zh', name: '中文', dir: 'ltr'},
	{code: 'en', name: 'English', dir: 'ltr'},
	{code: 'fr', name: 'Français', dir: 'ltr'},
	{code: 'ru', name: 'Русский', dir: 'ltr'},
	{code: 'es', name: 'Español', dir: 'ltr'},
];

let lang = 'en';
let table = {};
let fallback = {};
const listeners = new Set();

async function fetchTable(code) {
	const r = await fetch(`/web/i18n/${code}.json`, {credentials: 'same-origin'});
	if (!r.ok)
		throw new Error(`i18n ${code}: HTTP ${r.status}`);
	return r.json();
}

export function current() { return lang; }
export function dir() { return (LANGS.find(l => l.code === lang) || {}).dir || 'ltr'; }
export function onChange(fn) { listeners.add(fn); }

/* Translate key; {name} placeholders are replaced from params. A missing key
 * shows the English text (never the bare key) so a gap is still readable. */
export function t(key, params) {
	let s = table[key] ?? fallback[key] ?? key;
	if (params)
		s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
	return s;
}

/* Translate if the key exists, else return the fallback text (used for names
 * that come from the node, such as a field the console does not know yet). */
export function tOr(key, otherwise) {
	return (key in table) ? t(key) : (key in fallback ? fallback[key] : otherwise);
}

export async function setLanguage(code) {
	if (!LANGS.some(l => l.code === code))
		code = 'en';
	if (!Object.keys(fallback).length)
		fallback = await fetchTable('en');
	table = code === 'en' ? fallback : await fetchTable(code);
	lang = code;
	const root = document.documentElement;
	root.lang = code;
	root.dir = dir();
	document.title = t('app.title');
	for (const fn of listeners)
		fn(code);
}

/* The language to start with: the one kept for this user, else the one last
 * used in this browser, else the browser's preference, else English. */
export function preferred(user) {
	try {
		const byUser = user && localStorage.getItem(`hn.lang.user.${user}`);
		if (byUser)
			return byUser;
		const last = localStorage.getItem('hn.lang');
		if (last)
			return last;
	} catch (e) { /* storage disabled: fall through */ }
	for (const l of navigator.languages || [navigator.language || 'en']) {
		const c = String(l).slice(0, 2).toLowerCase();
		if (LANGS.some(x => x.code === c))
			return c;
	}
	return 'en';
}

export function remember(user, code) {
	try {
		localStorage.setItem('hn.lang', code);
		if (user)
			localStorage.setItem(`hn.lang.user.${user}`, code);
	} catch (e) { /* storage disabled: the choice lasts for this page only */ }
}

// Formatting with the browser's ICU data (plural forms, digits, calendars).
// Dates for people, in the page's language, always in UTC and on a 24-hour
// clock, so that two States read the same instant the same way: "4 Dec
// 2026, 16:20 UTC", "4 déc. 2026, 16:20 UTC". English is written the
// international (British) way, day before month.
const LOCALE = {en: 'en-GB'};
const DATE = {day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC'};
const TIME = {hour: '2-digit', minute: '2-digit', hourCycle: 'h23'};

function locale() {
	return LOCALE[lang] || lang;
}

export function fmtDateTime(v) {
	const d = toDate(v);
	if (!d)
		return '—';
	return new Intl.DateTimeFormat(locale(), {...DATE, ...TIME}).format(d) + ' UTC';
}

export function fmtDate(v) {
	const d = toDate(v);
	if (!d)
		return '—';
	return new Intl.DateTimeFormat(locale(), DATE).format(d);
}

export function fmtNumber(n, opts) {
	return new Intl.NumberFormat(lang, opts).format(n);
}

/* A duration in milliseconds as "2 d 3 h", "3 h 12 min" or "45 s". */
export function fmtDuration(ms) {
	let s = Math.max(0, Math.floor(Math.abs(ms) / 1000));
	const d = Math.floor(s / 86400); s -= d * 86400;
	const hr = Math.floor(s / 3600); s -= hr * 3600;
	const mi = Math.floor(s / 60); s -= mi * 60;
	const u = (n, unit) => new Intl.NumberFormat(lang, {style: 'unit', unit, unitDisplay: 'narrow'}).format(n);
	if (d > 0)
		return `${u(d, 'day')} ${u(hr, 'hour')}`;
	if (hr > 0)
		return `${u(hr, 'hour')} ${u(mi, 'minute')}`;
	if (mi > 0)
		return `${u(mi, 'minute')} ${u(s, 'second')}`;
	return u(s, 'second');
}

export function toDate(v) {
	if (v === undefined || v === null || v === '')
		return null;
	const d = typeof v === 'number' ? new Date(v < 1e12 ? v * 1000 : v) : new Date(v);
	return isNaN(d.getTime()) ? null : d;
}
