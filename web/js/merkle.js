// merkle.js - RFC 6962 / RFC 9162 inclusion proofs checked in the browser
// with WebCrypto SHA-256, so an auditor need not trust the node's own
// "verified": leaf hash = SHA-256(0x00 || leaf), interior node =
// SHA-256(0x01 || left || right); verification as RFC 9162 section 2.1.3.2.

async function sha256(bytes) {
	return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

function concat(...parts) {
	const n = parts.reduce((a, p) => a + p.length, 0);
	const out = new Uint8Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

export async function leafHash(leaf) {
	return sha256(concat(new Uint8Array([0]), leaf));
}

export async function nodeHash(l, r) {
	return sha256(concat(new Uint8Array([1]), l, r));
}

/* Decode a hash given as hex or standard base64 (the two forms nodes and
 * test vectors use). Returns null when it is neither. */
export function decodeHash(s) {
	if (s instanceof Uint8Array)
		return s;
	if (typeof s !== 'string')
		return null;
	if (/^[0-9a-fA-F]*$/.test(s) && s.length % 2 === 0 && s.length === 64)
		return hexToBytes(s);
	return b64ToBytes(s);
}

export function hexToBytes(s) {
	if (!/^([0-9a-fA-F]{2})*$/.test(s))
		return null;
	const out = new Uint8Array(s.length / 2);
	for (let i = 0; i < out.length; i++)
		out[i] = parseInt(s.substr(i * 2, 2), 16);
	return out;
}

export function b64ToBytes(s) {
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0)
		return null;
	try {
		const bin = atob(s);
		const out = new Uint8Array(bin.length);
		for (let i = 0; i < bin.length; i++)
			out[i] = bin.charCodeAt(i);
		return out;
	} catch (e) {
		return null;
	}
}

export function toHex(b) {
	return Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
}

function equal(a, b) {
	if (!a || !b || a.length !== b.length)
		return false;
	let d = 0;
	for (let i = 0; i < a.length; i++)
		d |= a[i] ^ b[i];
	return d === 0;
}

/* Root computed from an inclusion proof (RFC 9162 2.1.3.2), or an Error
 * naming what is wrong. index and size may be numbers or BigInts. */
export async function rootFromInclusion(index, size, leafHashBytes, proof) {
	let fn = BigInt(index);
	let sn = BigInt(size) - 1n;
	if (BigInt(size) <= 0n || fn < 0n || fn > sn)
		return new Error('index_out_of_range');
	if (!leafHashBytes || leafHashBytes.length !== 32)
		return new Error('bad_leaf_hash');
	let r = leafHashBytes;
	for (const p of proof) {
		if (!p || p.length !== 32)
			return new Error('bad_proof_hash');
		if (sn === 0n)
			return new Error('proof_too_long');
		if ((fn & 1n) === 1n || fn === sn) {
			r = await nodeHash(p, r);
			if ((fn & 1n) === 0n)
				while ((fn & 1n) === 0n && fn !== 0n) {
					fn >>= 1n;
					sn >>= 1n;
				}
		} else {
			r = await nodeHash(r, p);
		}
		fn >>= 1n;
		sn >>= 1n;
	}
	if (sn !== 0n)
		return new Error('proof_too_short');
	return r;
}

/* true when the proof shows the leaf at index in the tree (size, root). */
export async function verifyInclusion(index, size, leafHashBytes, proof, root) {
	const r = await rootFromInclusion(index, size, leafHashBytes, proof);
	if (r instanceof Error)
		return {ok: false, reason: r.message};
	if (!equal(r, root))
		return {ok: false, reason: 'root_mismatch', computed: r};
	return {ok: true, computed: r};
}

/* A C2SP tlog-checkpoint inside a signed note: origin, size, root hash
 * (base64), optional extension lines, a blank line, then signature lines
 * "— NAME BASE64". Returns null when the text is not a checkpoint. */
export function parseCheckpoint(text) {
	if (typeof text !== 'string')
		return null;
	const sep = text.indexOf('\n\n');
	if (sep < 0)
		return null;
	const body = text.slice(0, sep + 1).split('\n');
	const sigs = text.slice(sep + 2).split('\n').filter(l => l.length);
	if (body.length < 4 || !/^[0-9]+$/.test(body[1]))
		return null;
	const root = b64ToBytes(body[2]);
	if (!root || root.length !== 32)
		return null;
	const signatures = [];
	for (const l of sigs) {
		const m = /^\u2014 (\S+) (\S+)$/.exec(l);
		if (!m)
			return null;
		const raw = b64ToBytes(m[2]);
		signatures.push({name: m[1], keyId: raw && raw.length >= 4 ? toHex(raw.slice(0, 4)) : '',
			// A C2SP cosignature carries a timestamp (8 bytes) before the 64-byte signature.
			cosignature: !!(raw && raw.length === 4 + 8 + 64)});
	}
	return {origin: body[0], size: BigInt(body[1]), root, extensions: body.slice(3, -1), signatures, text};
}

/* A verifier key "name+hexkeyid+base64(0x01 || Ed25519 public key)"
 * (c2sp.org/signed-note, Go's x/mod/sumdb/note) -> {name, keyId, pub}. */
export function parseVerifierKey(vkey) {
	const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(String(vkey || '').trim());
	if (!m)
		return null;
	const raw = b64ToBytes(m[3]);
	if (!raw || raw.length !== 33 || raw[0] !== 1)
		return null;
	return {name: m[1], keyId: m[2], pub: raw.slice(1)};
}

/* true when the signed note carries a valid Ed25519 signature by vkey: the
 * signature line names the key, its 4-byte key ID matches, and the
 * signature verifies over the note's text (everything up to the blank line,
 * final newline included). WebCrypto Ed25519 (Chromium, Firefox, Node). */
export async function verifyNote(text, vkey) {
	const k = parseVerifierKey(vkey);
	if (!k || typeof text !== 'string')
		return false;
	const sep = text.indexOf('\n\n');
	if (sep < 0)
		return false;
	const msg = new TextEncoder().encode(text.slice(0, sep + 1));
	let key;
	try {
		key = await crypto.subtle.importKey('raw', k.pub, {name: 'Ed25519'}, false, ['verify']);
	} catch (e) {
		return false; /* a browser without Ed25519 in WebCrypto */
	}
	for (const l of text.slice(sep + 2).split('\n')) {
		const m = /^\u2014 (\S+) (\S+)$/.exec(l);
		if (!m || m[1] !== k.name)
			continue;
		const raw = b64ToBytes(m[2]);
		if (!raw || raw.length !== 4 + 64 || toHex(raw.slice(0, 4)) !== k.keyId)
			continue;
		if (await crypto.subtle.verify({name: 'Ed25519'}, key, raw.slice(4), msg))
			return true;
	}
	return false;
}
