// upload.js - evidence upload in chunks, resumable (docs/api.yaml, evidence):
//   POST /v1/evidence {request, name, description}  -> {upload, offset, chunk_size, put_max}
//   PUT  /v1/evidence/uploads/{id}?offset=N  (bytes) -> {offset, durable}
//   GET  /v1/evidence/uploads/{id}                   -> {offset}  (where to go on)
//   POST /v1/evidence/uploads/{id}/finish            -> {item, sha256, size}
// The node hashes and encrypts as the bytes arrive. The upload id is kept in
// localStorage under the file's name, size and date, so that after an
// interruption (network, closed tab, expired session) choosing the same
// file again continues from the node's offset. XHR is used for the pieces
// because fetch() reports no upload progress.

const PIECE_DEFAULT = 1024 * 1024;
const PIECE_MAX = 8 * 1024 * 1024;

function resumeKey(reqId, file) {
	return `hn.upload.${reqId}.${file.name}.${file.size}.${file.lastModified}`;
}

function fail(status, body) {
	return Object.assign(new Error((body && body.message) || `HTTP ${status}`),
		{status, code: (body && body.error) || (status ? `http_${status}` : 'network'), body});
}

function xhrPut(url, blob, onProgress, signal) {
	return new Promise((resolve, reject) => {
		const x = new XMLHttpRequest();
		x.open('PUT', url);
		x.withCredentials = true;
		x.setRequestHeader('Content-Type', 'application/octet-stream');
		x.upload.onprogress = e => onProgress(e.loaded);
		x.onload = () => {
			let body = null;
			try { body = JSON.parse(x.responseText || 'null'); } catch (e) { body = null; }
			if (x.status === 401)
				window.dispatchEvent(new CustomEvent('hn:unauthorized', {detail: {path: url}}));
			if (x.status >= 200 && x.status < 300)
				resolve(body || {});
			else
				reject(fail(x.status, body));
		};
		x.onerror = () => reject(fail(0, {error: 'network'}));
		x.onabort = () => reject(fail(0, {error: 'aborted'}));
		if (signal)
			signal.addEventListener('abort', () => x.abort(), {once: true});
		x.send(blob);
	});
}

async function json(method, url, body) {
	const r = await fetch(url, {method, credentials: 'same-origin',
		headers: body ? {'Content-Type': 'application/json', 'Accept': 'application/json'} : {'Accept': 'application/json'},
		body: body ? JSON.stringify(body) : undefined});
	let d = null;
	try { d = await r.json(); } catch (e) { d = null; }
	if (r.status === 401)
		window.dispatchEvent(new CustomEvent('hn:unauthorized', {detail: {path: url}}));
	if (!r.ok)
		throw fail(r.status, d);
	return d || {};
}

/* Pieces of about 1 MiB (at least one of the node's durable chunks, at
 * most what it takes in one PUT): a steady progress bar, little to resend. */
function pieceSize(u) {
	const chunk = Number(u.chunk_size) || 0;
	const max = Math.min(Number(u.put_max) || PIECE_MAX, PIECE_MAX);
	return Math.max(1, Math.min(max, Math.max(chunk, PIECE_DEFAULT)));
}

/* Upload file for request reqId; onProgress(sent, total, resumedFrom).
 * Resolves with the node's evidence item {item, sha256, size, ...}. */
export async function uploadEvidence(reqId, file, description, onProgress, signal) {
	const key = resumeKey(reqId, file);
	let id = null;
	let offset = 0;
	let piece = PIECE_DEFAULT;
	let resumedFrom = 0;
	try { id = localStorage.getItem(key); } catch (e) { id = null; }
	if (id) {
		try {
			const s = await json('GET', `/v1/evidence/uploads/${encodeURIComponent(id)}`);
			offset = Number(s.offset || 0);
			resumedFrom = offset;
			piece = pieceSize(s);
		} catch (e) {
			if (e.status === 401)
				throw e;
			id = null; /* gone (finished or cancelled): start again */
		}
	}
	if (!id) {
		const c = await json('POST', '/v1/evidence', {request: reqId, name: file.name,
			description: description || undefined});
		id = c.upload || c.upload_id || c.id;
		offset = Number(c.offset || 0);
		piece = pieceSize(c);
		try { localStorage.setItem(key, id); } catch (e) { /* resume lasts for this page only */ }
	}
	const url = `/v1/evidence/uploads/${encodeURIComponent(id)}`;
	onProgress(offset, file.size, resumedFrom);
	while (offset < file.size) {
		const start = offset;
		const end = Math.min(start + piece, file.size);
		const r = await xhrPut(`${url}?offset=${start}`, file.slice(start, end),
			n => onProgress(start + n, file.size, resumedFrom), signal);
		offset = Number(r.offset ?? end);
		if (offset <= start)
			throw fail(0, {error: 'upload_stalled'});
		onProgress(offset, file.size, resumedFrom);
	}
	const item = await json('POST', `${url}/finish`);
	try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
	return {...item, resumedFrom};
}
