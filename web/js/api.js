// api.js - the node's JSON API (docs/api.yaml). Same origin, session cookie
// hn_session (HttpOnly: the console never sees the token). Errors arrive as
// {"error", "message", "field", "article"} and are thrown as ApiError. A 401
// on anything but the login itself fires 'hn:unauthorized' so the app can
// send the officer to sign in again; pages save their work before that
// (drafts are written on every keystroke).

export class ApiError extends Error {
	constructor(status, body) {
		super((body && body.message) || `HTTP ${status}`);
		this.status = status;
		this.code = (body && body.error) || (status === 0 ? 'network' : `http_${status}`);
		this.field = body && body.field;
		this.article = body && body.article;
		this.body = body;
	}
}

const MAX_JSON = 16 * 1024 * 1024;

export async function api(method, path, body, opts = {}) {
	const init = {method, credentials: 'same-origin', headers: {'Accept': 'application/json'}};
	if (body !== undefined) {
		init.headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	if (opts.signal)
		init.signal = opts.signal;
	let r;
	try {
		r = await fetch(path, init);
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		throw new ApiError(0, {error: 'network', message: String(e.message || e)});
	}
	const text = await r.text();
	if (text.length > MAX_JSON)
		throw new ApiError(r.status, {error: 'too_large'});
	let data = null;
	const ct = r.headers.get('Content-Type') || '';
	if (text && ct.includes('json')) {
		try { data = JSON.parse(text); } catch (e) { data = null; }
	} else if (text) {
		data = {text};
	}
	if (r.status === 401 && !opts.noAuthRedirect)
		window.dispatchEvent(new CustomEvent('hn:unauthorized', {detail: {path}}));
	if (!r.ok)
		throw new ApiError(r.status, data);
	return data;
}

export const get = (p, o) => api('GET', p, undefined, o);
export const post = (p, b, o) => api('POST', p, b === undefined ? {} : b, o);
export const del = (p, o) => api('DELETE', p, undefined, o);

/* A query string from an object, skipping empty values. */
export function qs(obj) {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(obj || {}))
		if (v !== undefined && v !== null && v !== '')
			p.set(k, v);
	const s = p.toString();
	return s ? `?${s}` : '';
}

/* Lists may come as a bare array or wrapped ({"requests": [...]}, {"items": [...]}). */
export function listOf(data, ...keys) {
	if (Array.isArray(data))
		return data;
	for (const k of [...keys, 'items', 'data', 'results'])
		if (data && Array.isArray(data[k]))
			return data[k];
	return [];
}
