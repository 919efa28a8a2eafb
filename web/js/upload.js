// upload.js - evidence upload in chunks, resumable: the node keeps what it
// has received; after an interruption (network, closed tab, expired session)
// choosing the same file again continues from the node's offset. XHR is used
// for the chunks because fetch() reports no upload progress.
//
// Protocol (docs/api.yaml, evidence section):
//   POST /v1/evidence {request, name, size, description} -> {id, offset, chunk_size?}
//   GET  /v1/evidence/uploads/{id}                       -> {offset, size, complete}
//   PUT  /v1/evidence/uploads/{id}  Content-Range: bytes A-B/TOTAL, body = the chunk
//        -> {offset, complete, sha256?}

const CHUNK_DEFAULT = 512 * 1024;

function resumeKey(reqId, file) {
	return `hn.upload.${reqId}.${file.name}.${file.size}.${file.lastModified}`;
}

function xhrPut(url, blob, headers, onProgress, signal) {
	return new Promise((resolve, reject) => {
		const x = new XMLHttpRequest();
		x.open('PUT', url);
		x.withCredentials = true;
		for (const [k, v] of Object.entries(headers))
			x.setRequestHeader(k, v);
		x.upload.onprogress = e => onProgress(e.loaded);
		x.onload = () => {
			let body = null;
			try { body = JSON.parse(x.responseText || 'null'); } catch (e) { body = null; }
			if (x.status === 401)
				window.dispatchEvent(new CustomEvent('hn:unauthorized', {detail: {path: url}}));
			if (x.status >= 200 && x.status < 300)
				resolve(body || {});
			else
				reject(Object.assign(new Error((body && body.message) || `HTTP ${x.status}`),
					{status: x.status, code: (body && body.error) || `http_${x.status}`, body}));
		};
		x.onerror = () => reject(Object.assign(new Error('network'), {status: 0, code: 'network'}));
		x.onabort = () => reject(Object.assign(new Error('aborted'), {status: 0, code: 'aborted'}));
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
		throw Object.assign(new Error((d && d.message) || `HTTP ${r.status}`), {status: r.status, code: (d && d.error) || `http_${r.status}`, body: d});
	return d || {};
}

/* Upload file for request reqId; onProgress(sent, total, resumedFrom). */
export async function uploadEvidence(reqId, file, description, onProgress, signal) {
	const key = resumeKey(reqId, file);
	let id = null;
	let offset = 0;
	let chunk = CHUNK_DEFAULT;
	let resumedFrom = 0;
	try { id = localStorage.getItem(key); } catch (e) { id = null; }
	if (id) {
		try {
			const s = await json('GET', `/v1/evidence/uploads/${encodeURIComponent(id)}`);
			offset = Number(s.offset || 0);
			resumedFrom = offset;
			if (s.complete)
				return {id, offset, complete: true, resumedFrom, ...s};
		} catch (e) {
			id = null;
		}
	}
	if (!id) {
		const c = await json('POST', '/v1/evidence', {request: reqId, name: file.name, size: file.size,
			description: description || undefined});
		id = c.upload_id || c.id;
		offset = Number(c.offset || 0);
		if (c.chunk_size)
			chunk = Math.min(Number(c.chunk_size), 8 * 1024 * 1024);
		try { localStorage.setItem(key, id); } catch (e) { /* resume lasts for this page only */ }
	}
	onProgress(offset, file.size, resumedFrom);
	let last = {};
	if (file.size === 0)
		last = await xhrPut(`/v1/evidence/uploads/${encodeURIComponent(id)}`, new Blob([]),
			{'Content-Range': 'bytes */0'}, () => {}, signal);
	while (offset < file.size) {
		const end = Math.min(offset + chunk, file.size);
		const start = offset;
		last = await xhrPut(`/v1/evidence/uploads/${encodeURIComponent(id)}`, file.slice(start, end),
			{'Content-Range': `bytes ${start}-${end - 1}/${file.size}`},
			n => onProgress(start + n, file.size, resumedFrom), signal);
		offset = Number(last.offset ?? end);
		if (offset <= start)
			throw Object.assign(new Error('no_progress'), {code: 'upload_stalled'});
		onProgress(offset, file.size, resumedFrom);
	}
	try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
	return {id, offset, resumedFrom, ...last};
}
