// Audit: the node's current signed checkpoint, the cosignatures it holds
// (other nodes vouching for it), and a proof check for any entry: the
// browser fetches the inclusion proof and recomputes the root itself
// (WebCrypto SHA-256, RFC 6962), so the check does not rest on the node's word.
import {h, mount, append} from '../dom.js';
import {t, fmtDateTime, fmtNumber} from '../i18n.js';
import {get, listOf} from '../api.js';
import {parseCheckpoint, verifyInclusion, verifyNote, parseVerifierKey, leafHash, decodeHash, b64ToBytes, toHex} from '../merkle.js';
import {errorText} from '../app.js';

async function fetchCheckpoint() {
	const d = await get('/v1/log/checkpoint');
	const text = typeof d === 'string' ? d : d.text || d.checkpoint || d.note || '';
	const cp = parseCheckpoint(text);
	let cos = listOf(d && d.cosignatures ? d.cosignatures : [], 'cosignatures');
	if (!cos.length) {
		// GET /v1/log/cosignatures: one per line "LOG SIZE WITNESS SIGNATURE-LINE"
		try {
			const c = await get('/v1/log/cosignatures');
			const lines = String((c && c.text) || '').split('\n').filter(Boolean);
			cos = lines.map(l => {
				const [log, size, witness] = l.split(' ');
				return {name: witness, log, size};
			}).filter(x => x.name);
		} catch (e) { /* none */ }
	}
	return {raw: d, text, cp, cosignatures: cos};
}

function proofHashes(p) {
	const list = p.proof || p.hashes || p.path || p.inclusion || [];
	return (Array.isArray(list) ? list : []).map(decodeHash);
}

/* Check entry `index`: returns {ok, reason, size, root, leafHash} */
export async function checkEntry(index, cpInfo) {
	const p = await get(`/v1/log/proof/${encodeURIComponent(index)}`);
	const size = BigInt(p.size ?? p.tree_size ?? p.treeSize ?? (cpInfo.cp ? cpInfo.cp.size : 0));
	let root = p.root ? decodeHash(p.root) : null;
	let against = 'node';
	// Prefer the root of a signed checkpoint of the same size.
	const pcp = parseCheckpoint(p.checkpoint || '');
	if (pcp && pcp.size === size) {
		root = pcp.root;
		against = 'checkpoint';
	} else if (cpInfo.cp && cpInfo.cp.size === size) {
		root = cpInfo.cp.root;
		against = 'checkpoint';
	}
	let lh = p.leaf_hash || p.leafHash ? decodeHash(p.leaf_hash || p.leafHash) : null;
	const leafBytes = p.leaf !== undefined ? b64ToBytes(p.leaf) : p.entry !== undefined ? b64ToBytes(p.entry) : null;
	let leafChecked = false;
	if (leafBytes) {
		const mine = await leafHash(leafBytes);
		if (lh && toHex(mine) !== toHex(lh))
			return {ok: false, reason: 'leaf_mismatch', size, against};
		lh = mine;
		leafChecked = true;
	}
	if (!root)
		return {ok: false, reason: 'no_root', size, against};
	const v = await verifyInclusion(BigInt(p.index ?? index), size, lh, proofHashes(p), root);
	return {...v, size, root, leafHash: lh, against, leafChecked, entry: p.entry_text || p.event || p.summary || null};
}

export async function render(ctx, main, {query}) {
	const cpBox = h('div');
	const result = h('div', {id: 'proof-result', role: 'status', 'aria-live': 'polite'});
	const idx = h('input', {id: 'proof-index', type: 'number', min: 0, step: 1, inputmode: 'numeric', value: query.get('index') || ''});
	let info = null;
	try {
		info = await fetchCheckpoint();
	} catch (e) {
		if (e.status === 401)
			return;
		mount(cpBox, h('p', {class: 'notice error'}, errorText(e)));
	}
	// The signature check: against a verifier key the auditor trusts (given
	// out of band, e.g. from the signed directory); prefilled with the key
	// the node states about itself, which only proves self-consistency.
	let nodeKey = '';
	try {
		const n = await get('/v1/federation');
		nodeKey = n.signing_key || n.vkey || n.verifier_key || '';
	} catch (e) { /* not offered */ }
	const vkey = h('input', {id: 'vkey', class: 'mono', value: query.get('vkey') || nodeKey, size: 60, spellcheck: 'false'});
	const sigResult = h('p', {id: 'sig-result', role: 'status', 'aria-live': 'polite'});
	async function checkSig(e) {
		if (e)
			e.preventDefault();
		if (!info || !info.cp) {
			sigResult.textContent = t('audit.no_checkpoint');
			return;
		}
		if (!parseVerifierKey(vkey.value)) {
			sigResult.className = 'notice error';
			sigResult.textContent = t('audit.bad_vkey');
			return;
		}
		const ok = await verifyNote(info.text, vkey.value);
		sigResult.className = ok ? 'notice ok' : 'notice error';
		sigResult.textContent = ok ? t('audit.sig_ok', {key: vkey.value.split('+').slice(0, 2).join('+')}) : t('audit.sig_bad');
	}
	if (info) {
		const cp = info.cp;
		const sigs = cp ? cp.signatures : [];
		// Cosignatures of OUR log (the node also keeps those it made of others).
		const ours = info.cosignatures.filter(c => !c.log || !cp || c.log === cp.origin);
		const cos = ours.length ? ours.map(c => ({name: c.name || c.witness || c.origin || c.key_name || '?',
			time: c.time || c.timestamp || c.at, keyId: c.key_id || c.keyId || '', size: c.size})) : sigs.slice(1).map(s => ({name: s.name, keyId: s.keyId}));
		mount(cpBox,
			cp ? h('dl', {class: 'kv', id: 'checkpoint'},
				h('dt', {}, t('audit.origin')), h('dd', {class: 'mono'}, cp.origin),
				h('dt', {}, t('audit.size')), h('dd', {id: 'checkpoint-size'}, fmtNumber(cp.size)),
				h('dt', {}, t('audit.root')), h('dd', {class: 'mono hash'}, toHex(cp.root)),
				h('dt', {}, t('audit.signed_by')), h('dd', {}, sigs.length ? sigs[0].name : '—')) :
				h('p', {class: 'notice warn'}, t('audit.no_checkpoint')),
			h('h2', {}, t('audit.cosignatures')),
			cos.length ? h('ul', {class: 'cosigs', id: 'cosignatures'}, cos.map(c => h('li', {},
				h('strong', {}, c.name), c.size ? ` — ${t('audit.cosigned_size', {size: c.size})}` : '', c.time ? ` — ${fmtDateTime(c.time)}` : '', c.keyId ? h('span', {class: 'mono'}, ` ${c.keyId}`) : null)))
				: h('p', {id: 'cosignatures'}, t('audit.no_cosignatures')),
			cp ? h('details', {}, h('summary', {}, t('audit.show_note')), h('pre', {class: 'note'}, info.text)) : null,
			cp ? h('form', {class: 'inline-form', onsubmit: checkSig},
				h('div', {class: 'field inline wide'}, h('label', {for: 'vkey'}, t('audit.vkey')), vkey),
				h('button', {type: 'submit', id: 'sig-check'}, t('audit.check_sig'))) : null,
			cp ? h('p', {class: 'hint'}, t('audit.vkey_hint')) : null,
			sigResult);
	}

	async function check(e) {
		if (e)
			e.preventDefault();
		const v = idx.value.trim();
		if (!/^[0-9]+$/.test(v)) {
			mount(result, h('p', {class: 'notice error'}, t('audit.bad_index')));
			return;
		}
		mount(result, h('p', {}, t('audit.checking')));
		try {
			if (!info)
				info = await fetchCheckpoint();
			const r = await checkEntry(v, info);
			mount(result, r.ok
				? h('div', {class: 'notice ok', id: 'proof-ok'},
					h('p', {}, h('strong', {}, t('audit.proof_ok', {index: v, size: fmtNumber(r.size)}))),
					h('p', {}, t(r.against === 'checkpoint' ? 'audit.against_checkpoint' : 'audit.against_node')),
					h('p', {class: 'mono hash'}, t('audit.root_computed', {root: toHex(r.computed)})),
					r.leafChecked ? h('p', {}, t('audit.leaf_checked')) : null,
					r.entry ? h('pre', {class: 'note'}, typeof r.entry === 'string' ? r.entry : JSON.stringify(r.entry, null, 1)) : null)
				: h('div', {class: 'notice error', id: 'proof-bad'}, h('p', {}, h('strong', {}, t('audit.proof_bad', {index: v}))),
					h('p', {}, t(`audit.reason.${r.reason}`))));
		} catch (x) {
			if (x.status === 404 && /endpoint/.test(x.message || ''))
				mount(result, h('p', {class: 'notice warn', id: 'proof-unavailable'}, t('audit.no_proofs')));
			else if (x.status !== 401)
				mount(result, h('p', {class: 'notice error'}, errorText(x)));
		}
	}

	append(main, h('h1', {}, t('audit.title')), h('p', {class: 'lead'}, t('audit.lead')),
		h('section', {'aria-labelledby': 'h-cp'}, h('h2', {id: 'h-cp'}, t('audit.checkpoint')), cpBox),
		h('section', {'aria-labelledby': 'h-proof'}, h('h2', {id: 'h-proof'}, t('audit.proof_title')),
			h('form', {class: 'inline-form', onsubmit: check},
				h('div', {class: 'field inline'}, h('label', {for: 'proof-index'}, t('audit.entry_index')), idx),
				h('button', {type: 'submit', id: 'proof-check'}, t('audit.check'))),
			h('p', {class: 'hint'}, t('audit.how')),
			result));
	if (query.get('index'))
		check();
	if (vkey.value && info && info.cp)
		checkSig();
}
