// ctest-labels: browser;slow
// The console's own logic, without a browser (Node has the same WebCrypto):
// - the six translations: same keys and placeholders as English, real
//   translations (not English copies), every key the code uses exists;
// - the in-browser RFC 6962 proof check passes every shared test vector
//   (valid ones verify, every wantErr one is rejected) and reproduces the
//   RFC 6962 small-tree hashes;
// - the console validates a request exactly as the node does: for every
//   kind, a valid request and a series of broken ones, the fields and
//   articles the console reports equal those `hanoinet request validate`
//   reports (the same table, GET /v1/kinds = `hanoinet request kinds`).
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import {execFileSync, spawnSync} from 'node:child_process';
import {Harness, BIN, SRC, assert} from './lib/harness.mjs';

const H = new Harness('console_units', {timeoutMs: 240000});
const web = path.join(SRC, 'web');
const SHARED = process.env.HN_SHARED || path.join(SRC, '..', 'shared');
const LANGS = ['ar', 'en', 'es', 'fr', 'ru', 'zh'];
const tables = Object.fromEntries(LANGS.map(l => [l, JSON.parse(fs.readFileSync(path.join(web, 'i18n', `${l}.json`), 'utf8'))]));
const en = tables.en;

// Values that are the same in a language as in English on purpose (names,
// codes, words that are spelled alike).
const SAME_OK = new Set(['app.name', 'nav.signed_in_as', 'evidence.sha256', 'field.article']);
const SAME_OK_BY_LANG = {
	fr: ['nav.parties', 'nav.audit', 'audit.title', 'event.message', 'parties.instrument', 'instrument.ratification', 'parties.code'],
	es: ['common.no'],
};

await H.step('every language has every key of English, with the same placeholders', async () => {
	const ph = s => [...s.matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort().join(',');
	for (const l of LANGS) {
		const t = tables[l];
		const missing = Object.keys(en).filter(k => !(k in t));
		const extra = Object.keys(t).filter(k => !(k in en));
		assert(!missing.length && !extra.length, `${l}: missing ${missing} extra ${extra}`);
		for (const k of Object.keys(en)) {
			assert(typeof t[k] === 'string' && t[k].trim(), `${l}.${k} empty`);
			assert(ph(t[k]) === ph(en[k]), `${l}.${k}: placeholders ${ph(t[k])} vs ${ph(en[k])}`);
		}
	}
});

await H.step('the translations are translations, in the right script', async () => {
	const script = {ar: /[\u0600-\u06ff]/, ru: /[\u0400-\u04ff]/, zh: /[\u4e00-\u9fff]/};
	for (const l of LANGS.filter(x => x !== 'en')) {
		const same = Object.keys(en).filter(k => tables[l][k] === en[k] && !SAME_OK.has(k) &&
			!(SAME_OK_BY_LANG[l] || []).includes(k) && /[a-z]{3}/i.test(en[k]));
		assert(same.length === 0, `${l}: English left in ${same.join(', ')}`);
		if (script[l]) {
			const latin = Object.keys(en).filter(k => !SAME_OK.has(k) && /[a-z]{4}/i.test(en[k]) &&
				!script[l].test(tables[l][k]) && !/^[A-Z0-9 .:{}()%—-]+$/.test(tables[l][k]));
			assert(latin.length === 0, `${l}: not in its script: ${latin.join(', ')}`);
		}
	}
});

function jsFiles(dir) {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap(e =>
		e.isDirectory() ? jsFiles(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []);
}

const kindsTable = JSON.parse(execFileSync(BIN, ['request', 'kinds'], {encoding: 'utf8'}));

await H.step('every key the code asks for exists, and every kind and field of the node has a label', async () => {
	const used = new Set();
	for (const f of jsFiles(path.join(web, 'js'))) {
		const src = fs.readFileSync(f, 'utf8');
		for (const m of src.matchAll(/\bt\('([a-z_]+\.[a-z0-9_.]+)'/g))
			used.add(m[1]);
	}
	const missing = [...used].filter(k => !(k in en));
	assert(missing.length === 0, `keys used but not defined: ${missing.join(', ')}`);
	assert(used.size > 100, `found ${used.size} keys in the code`);
	const need = [];
	for (const k of kindsTable.kinds) {
		need.push(`kind.${k.name}`, `kind_desc.${k.name}`);
		for (const f of k.fields) {
			if (f.type !== 'kind')
				need.push(`field.${f.name}`);
			for (const s of f.items || [])
				need.push(`field.${s.name}`);
		}
	}
	// Every ground for refusal the node lists (core/grounds.c), in words.
	for (const g of kindsTable.grounds || [])
		need.push(`ground.${g.code}`);
	assert((kindsTable.grounds || []).length >= 5, 'the node lists its grounds');
	for (const lv of ['ok', 'due_soon', 'overdue'])
		need.push(`level.${lv}`);
	// approved and sent are gone (issue 12): approving sends, a receipt
	// delivers
	for (const s of ['draft', 'awaiting_approval', 'queued', 'delivered', 'rejected', 'withdrawn', 'received',
		'acknowledged', 'executed', 'partially_executed', 'refused', 'postponed', 'preserved', 'extended', 'expired', 'released'])
		need.push(`state.${s}`);
	const lacking = [...new Set(need)].filter(k => !(k in en));
	assert(lacking.length === 0, `no label for: ${lacking.join(', ')}`);
	const gone = ['state.approved', 'state.sent'].filter(k => k in en);
	assert(gone.length === 0, `labels of states that no longer exist: ${gone.join(', ')}`);
});

const merkle = await import(path.join(web, 'js', 'merkle.js'));

await H.step('the browser proof check passes every shared inclusion vector', async () => {
	const dir = path.join(SHARED, 'testdata', 'merkle', 'inclusion');
	const files = [];
	const walk = d => fs.readdirSync(d, {withFileTypes: true}).forEach(e =>
		e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.json') && files.push(path.join(d, e.name)));
	walk(dir);
	assert(files.length > 50, `${files.length} vectors`);
	let good = 0, bad = 0;
	for (const f of files) {
		const v = JSON.parse(fs.readFileSync(f, 'utf8'));
		const dec = s => (s === null || s === undefined ? null : merkle.b64ToBytes(s));
		let ok;
		try {
			const proof = (v.proof || []).map(dec);
			const r = await merkle.verifyInclusion(BigInt(v.leafIdx), BigInt(v.treeSize), dec(v.leafHash),
				proof, dec(v.root));
			ok = r.ok;
		} catch (e) {
			ok = false;
		}
		assert(ok === !v.wantErr, `${path.relative(dir, f)}: verified=${ok} wantErr=${!!v.wantErr}`);
		v.wantErr ? bad++ : good++;
	}
	assert(good >= 5 && bad >= 20, `good ${good} bad ${bad}`);
});

await H.step('the browser Merkle code reproduces the RFC 6962 small-tree hashes', async () => {
	const lines = fs.readFileSync(path.join(SHARED, 'testdata', 'merkle', 'rfc6962-small-trees.txt'), 'utf8').split('\n');
	const leaves = [], roots = [];
	for (const l of lines) {
		const m = /^(leaf|root) (\d+) ?([0-9a-f]*)$/.exec(l);
		if (m)
			(m[1] === 'leaf' ? leaves : roots)[Number(m[2])] = m[3];
	}
	const lh = await Promise.all(leaves.map(x => merkle.leafHash(merkle.hexToBytes(x))));
	// MTH(D[n]) by the RFC 6962 recursion; then check every inclusion
	// proof built from it against the browser's verifier.
	const mth = async (a, b) => {
		if (b - a === 1)
			return lh[a];
		let k = 1;
		while (k * 2 < b - a)
			k *= 2;
		return merkle.nodeHash(await mth(a, a + k), await mth(a + k, b));
	};
	const path6962 = async (m, a, b) => {
		if (b - a === 1)
			return [];
		let k = 1;
		while (k * 2 < b - a)
			k *= 2;
		return m < a + k ? [...await path6962(m, a, a + k), await mth(a + k, b)]
			: [...await path6962(m, a + k, b), await mth(a, a + k)];
	};
	for (let n = 1; n <= 8; n++) {
		const root = await mth(0, n);
		assert(merkle.toHex(root) === roots[n], `root of ${n}`);
		for (let i = 0; i < n; i++) {
			const r = await merkle.verifyInclusion(i, n, lh[i], await path6962(i, 0, n), root);
			assert(r.ok, `inclusion ${i} of ${n}`);
			const forged = new Uint8Array(lh[i]);
			forged[0] ^= 1;
			assert(!(await merkle.verifyInclusion(i, n, forged, await path6962(i, 0, n), root)).ok, `forged leaf ${i}/${n}`);
		}
	}
});

await H.step('the browser checks C2SP checkpoint signatures (Ed25519, WebCrypto); forged ones fail', async () => {
	const vkey = 'astra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b';
	for (let n = 0; n < 16; n++) {
		const text = fs.readFileSync(path.join(SHARED, 'testdata', 'c2sp-log', `checkpoint.${n}`), 'utf8');
		assert(await merkle.verifyNote(text, vkey), `checkpoint.${n} verifies`);
		const tampered = text.replace(/\n(\d+)\n/, (m, d) => `\n${Number(d) + 1}\n`);
		assert(!(await merkle.verifyNote(tampered, vkey)), `checkpoint.${n} with another size fails`);
	}
	const text = fs.readFileSync(path.join(SHARED, 'testdata', 'c2sp-log', 'checkpoint.5'), 'utf8');
	assert(!(await merkle.verifyNote(text, 'astra+cad5a3d3+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b')), 'wrong key id');
	assert(!(await merkle.verifyNote(text, 'other+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b')), 'wrong name');
	assert(!(await merkle.verifyNote(text, 'astra+cad5a3d2+AZJqeuyE')), 'malformed key');
});

await H.step('a C2SP checkpoint parses (origin, size, root, signatures)', async () => {
	const text = fs.readFileSync(path.join(SHARED, 'testdata', 'c2sp-log', 'checkpoint.3'), 'utf8');
	const cp = merkle.parseCheckpoint(text);
	assert(cp && cp.origin === 'example.com/testdata' && cp.size === 3n, `parsed ${cp && cp.origin} ${cp && cp.size}`);
	assert(cp.root.length === 32 && cp.signatures.length >= 1 && cp.signatures[0].name === 'astra', 'root and signature');
	assert(merkle.parseCheckpoint(text.replace('\n\n', '\n')) === null, 'a note without its blank line is refused');
	assert(merkle.parseCheckpoint('x\nnot a number\nAAAA\n\n') === null, 'a bad size is refused');
});

const {normaliseKinds, validate} = await import(path.join(web, 'js', 'kinds.js'));

/* A valid request of kind k, built from the table. */
function sample(k) {
	const r = {};
	const val = f => {
		switch (f.type) {
		case 'kind': return k.name;
		case 'party': return f.name === 'from' ? 'VNM' : 'FRA';
		case 'bool': return false;
		case 'true': return true;
		case 'legal_basis': return 'unccc';
		case 'time': return '2026-12-01T12:00:00Z';
		case 'list': return [Object.fromEntries(f.items.filter(s => s.required).map(s => [s.name, `${s.name} text`]))];
		default: return `${f.name} text`;
		}
	};
	for (const f of k.fields)
		if (f.required)
			r[f.name] = val(f);
	for (const g of k.one_of || [])
		r[g[0]] = `${g[0]} text`;
	return r;
}

/* The node's verdict: [{field, article}] from `hanoinet request validate`. */
function nodeVerdict(req) {
	const f = path.join(H.tmp, 'req.json');
	fs.writeFileSync(f, JSON.stringify(req));
	const p = spawnSync(BIN, ['request', 'validate', f], {encoding: 'utf8'});
	if (p.status === 0)
		return [];
	assert(p.status === 1, `validate exit ${p.status}: ${p.stderr}`);
	return p.stdout.trim().split('\n').map(l => {
		const m = /^(\S+): .*?(?: \(art\. ([^)]*\)?)\))?$/.exec(l);
		return {field: m ? m[1] : l, article: m && m[2] ? m[2] : ''};
	});
}

const norm = xs => xs.map(x => `${x.field}|${x.article || ''}`).sort().join('\n');

await H.step('the console validates every kind exactly as the node does', async () => {
	const {kinds} = normaliseKinds(kindsTable);
	assert(kinds.length === kindsTable.kinds.length && kinds.length >= 7, `${kinds.length} kinds`);
	let cases = 0;
	for (const raw of kindsTable.kinds) {
		const kind = kinds.find(k => k.name === raw.name);
		const base = sample(raw);
		const variants = [['valid', base]];
		for (const f of raw.fields) {
			if (f.required && f.type !== 'kind') {
				const r = structuredClone(base);
				delete r[f.name];
				variants.push([`no ${f.name}`, r]);
			}
			if (f.type === 'text') {
				const r = structuredClone(base);
				r[f.name] = 'x'.repeat(f.max + 1);
				variants.push([`${f.name} too long`, r]);
				const b = structuredClone(base);
				b[f.name] = '   ';
				if (f.required)
					variants.push([`${f.name} blank`, b]);
			}
			if (f.type === 'true')
				variants.push([`${f.name} false`, {...structuredClone(base), [f.name]: false}]);
			if (f.type === 'party')
				variants.push([`${f.name} lower case`, {...structuredClone(base), [f.name]: 'vnm'}]);
			if (f.type === 'language')
				for (const v of ['e', 'fr--ca', 'fr_CA', 'fr-abcdefghi', 'es-419', 'zh-Hans', 'sr-Latn-RS-x-abcdefgh'])
					variants.push([`${f.name} ${v}`, {...structuredClone(base), [f.name]: v}]);
			if (f.type === 'time')
				variants.push([`${f.name} not UTC`, {...structuredClone(base), [f.name]: '2026-12-01 12:00', deadline_reason: 'why'}]);
			if (f.type === 'list') {
				for (const s of f.items.filter(x => x.required)) {
					const r = structuredClone(base);
					delete r[f.name][0][s.name];
					variants.push([`no ${f.name}[0].${s.name}`, r]);
				}
				variants.push([`${f.name} empty`, {...structuredClone(base), [f.name]: []}]);
			}
		}
		variants.push(['same party', {...structuredClone(base), to: base.from}]);
		if (raw.fields.some(f => f.name === 'deadline'))
			variants.push(['deadline without reason', {...structuredClone(base), deadline: '2026-12-01T12:00:00Z'}]);
		for (const g of raw.one_of || []) {
			const r = structuredClone(base);
			for (const n of g)
				delete r[n];
			variants.push([`none of ${g}`, r]);
		}
		for (const [name, req] of variants) {
			const mine = validate(kind, req).map(e => ({field: e.field, article: e.article}));
			const theirs = nodeVerdict(req);
			assert(norm(mine) === norm(theirs), `${raw.name} / ${name}:\n  console: ${norm(mine) || 'ok'}\n  node:    ${norm(theirs) || 'ok'}`);
			cases++;
		}
	}
	console.log(`# ${cases} cases compared`);
});

await H.finish();
