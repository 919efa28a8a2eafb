// ctest-labels: browser;slow
// Two nodes of `hanoinet demo` (a registry, VNM and FRA, on loopback, a
// SIMULATED register): a failed validation shows the field and its article;
// a duty officer on VNM composes and sends a preservation request; it
// arrives in FRA's inbox; FRA's officer (not offered "Withdraw")
// acknowledges it; VNM (offered "Withdraw", not the answers) sees the
// acknowledgement; the simulated register is labelled; the audit page
// checks the checkpoint's signature in the browser (and an inclusion proof
// when the node serves proofs); evidence upload when the node has the
// evidence API; FRA's officer sends the item to VNM from the request page
// (an empty reason and the node's own refusal shown at their fields), the
// page follows it to VNM's signed receipt, and VNM holds the same bytes
// with custody "received" and "verified"; Arabic right to left on a laptop
// and a phone. Screenshots of the main pages are taken on the way.
import {Harness, signIn, assert, sleep, LAPTOP, PHONE} from './lib/harness.mjs';

const H = new Harness('console_network', {timeoutMs: 540000});
const PW = 'hanoinet-demo';
let demo, A, B, ctxA, ctxB, pa, pb, reqId;
let evSha = null, evData = null; /* the uploaded item, for the transfer steps */

async function settled(page) {
	await page.waitForSelector('main h1');
	await page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy'));
}

await H.step('hanoinet demo starts a registry and two nodes, and runs its scenario', async () => {
	demo = await H.startDemo(2, 480);
	[A, B] = demo.nodes.map(n => ({...n, ca: n.caPem}));
	assert(A.party === 'VNM' && B.party === 'FRA', `parties ${A.party} ${B.party}`);
	assert(/SIMULATED register/.test(demo.output), 'the demo says its register is simulated');
}, 150000);

// The console builds its forms from the node's table of kinds.
if ((await H.api(A, 'GET', '/v1/kinds')).status === 404) {
	H.skip('the rest of the file', 'the node has no GET /v1/kinds (request API) yet');
	await H.finish();
}

await H.step('a failed validation shows the field and its article', async () => {
	ctxA = await H.browser(LAPTOP);
	pa = await ctxA.newPage();
	await pa.goto(A.url + '/');
	/* the simulated register is said on every page, before signing in too */
	const strip = await pa.waitForSelector('#simulated-banner');
	assert(/SIMULATED/.test(await strip.textContent()), 'banner on the sign-in page');
	await signIn(pa, 'duty', PW);
	await pa.waitForSelector('#inbox-table');
	assert(/SIMULATED/.test(await pa.textContent('#simulated-banner')), 'banner on the inbox');
	await pa.click('#nav-compose');
	await pa.waitForSelector('#kind-preservation');
	await H.screenshot(pa, 'compose-kinds');
	await pa.click('#kind-preservation');
	await pa.waitForSelector('#compose-form');
	// As you type: touch a field and leave it empty.
	await pa.fill('#fld-requesting_authority', 'x');
	await pa.fill('#fld-requesting_authority', '');
	const e1 = await pa.textContent('#fld-requesting_authority-err');
	assert(/Required/.test(e1) && /art\. 42 \(a\)/.test(e1), `requesting_authority error: ${e1}`);
	assert(await pa.getAttribute('#fld-requesting_authority', 'aria-invalid') === 'true', 'aria-invalid');
	// On sending: every problem, each at its field with its article.
	await pa.click('#send');
	await pa.waitForSelector('#error-summary:not([hidden])');
	const e2 = await pa.textContent('#fld-data-0-relation_to_offence-err');
	assert(/art\. 42 \(c\)/.test(e2), `nested field error: ${e2}`);
	// Art. 42 (d) asks only for "any available information": none is no error.
	assert(await pa.isHidden('#fld-custodian-err'), 'no error at custodian (art. 42 (d))');
	const e4 = await pa.textContent('#fld-mla_to_follow-err');
	assert(/art\. 42 \(f\)/.test(e4), `mla_to_follow: ${e4}`);
	const summary = await pa.textContent('#error-summary');
	assert(/Requesting authority/.test(summary) && /42 \(e\)/.test(summary), `summary: ${summary}`);
	await H.screenshot(pa, 'compose-validation');
});

await H.step('the draft survives a reload (saved as the officer types)', async () => {
	await pa.fill('#fld-requesting_authority', 'Cyber crime unit, Ha Noi');
	await pa.reload();
	await pa.waitForSelector('#compose-form');
	assert(await pa.inputValue('#fld-requesting_authority') === 'Cyber crime unit, Ha Noi', 'draft restored');
	assert(/restored/.test(await pa.textContent('#draft-status')), 'says it was restored');
});

await H.step('VNM composes and sends a preservation request to FRA', async () => {
	await pa.selectOption('#fld-to', 'FRA');
	await pa.fill('#fld-offence', 'Fraud by means of a computer system (art. 13)');
	await pa.fill('#fld-proceedings', 'Investigation 2026/777, Ha Noi prosecutor');
	await pa.fill('#fld-facts', 'A phishing site hosted in the requested State collects bank credentials.');
	await pa.fill('#fld-data-0-description', 'Subscriber data and access logs of the hosting account');
	await pa.fill('#fld-data-0-relation_to_offence', 'The account hosts the phishing site');
	await pa.fill('#fld-custodian', 'Example Hosting SAS');
	await pa.fill('#fld-necessity', 'The provider deletes access logs after 30 days');
	await pa.check('#fld-mla_to_follow');
	assert(await pa.isHidden('#fld-custodian-err'), 'no error left at custodian');
	await pa.click('#send');
	await pa.waitForURL(/#\/request\//);
	reqId = decodeURIComponent(pa.url().split('#/request/')[1]);
	await pa.waitForSelector('#request-state');
	const note = await pa.textContent('main .notice');
	assert(/ledger entry \d+/.test(note), `notice names the ledger entry: ${note}`);
	// Delivered within a few seconds (the node's delivery worker).
	for (let i = 0; i < 40; i++) {
		await pa.reload();
		await pa.waitForSelector('#request-state');
		if (/Delivered/.test(await pa.textContent('#request-state')))
			break;
		await sleep(500);
	}
	assert(/Delivered/.test(await pa.textContent('#request-state')), 'delivered to FRA');
}, 60000);

await H.step('the request arrives in FRA\'s inbox, sorted by urgency with a countdown', async () => {
	ctxB = await H.browser(LAPTOP);
	pb = await ctxB.newPage();
	await pb.goto(B.url + '/');
	await signIn(pb, 'duty', PW);
	await pb.waitForSelector('#inbox-table');
	const row = pb.locator(`#inbox-table tr[data-id="${reqId}"]`);
	for (let i = 0; i < 30 && !(await row.count()); i++) {
		await sleep(500);
		await pb.reload();
		await pb.waitForSelector('#inbox-table');
	}
	assert(await row.count() === 1, 'the new request is in the inbox');
	const text = await row.textContent();
	assert(/Expedited preservation/.test(text) && /VNM/.test(text) && /Received/.test(text), `row: ${text}`);
	assert(/Due in \d+h/.test(text) || /Due in/.test(text), `countdown: ${text}`);
	const first = await pb.getAttribute('#inbox-table tbody tr:first-child', 'data-id');
	assert(first === reqId, 'the newest unacknowledged request is first (most urgent)');
	await H.screenshot(pb, 'inbox');
});

await H.step('FRA acknowledges it; the timeline shows the step', async () => {
	await pb.click(`#inbox-table tr[data-id="${reqId}"] a.rowlink`);
	await pb.waitForSelector('#act-acknowledged');
	// FRA's copy is the requested side's: it answers, it does not withdraw
	// (issue 12: only FRA's copy changed, VNM's stayed delivered).
	assert(await pb.locator('#act-withdrawn').count() === 0, 'the requested State is not offered "Withdraw"');
	await H.screenshot(pb, 'request-received');
	await pb.click('#act-acknowledged');
	// an acknowledgement needs nothing (no reasons box), only a confirmation
	assert(await pb.locator('#action-reason').count() === 0, 'no reasons asked for an acknowledgement');
	await pb.click('#action-confirm');
	await pb.waitForFunction(() => /Acknowledged/.test(document.getElementById('request-state')?.textContent || ''));
	const tl = await pb.textContent('#timeline');
	assert(/Received → Acknowledged/.test(tl), `timeline: ${tl}`);
	assert(/ledger #\d+/.test(tl), 'ledger index in the timeline');
	await H.screenshot(pb, 'request');
});

await H.step('VNM sees the acknowledgement', async () => {
	let state = '';
	for (let i = 0; i < 40; i++) {
		await pa.reload();
		await pa.waitForSelector('#request-state');
		state = await pa.textContent('#request-state');
		if (/Acknowledged/.test(state))
			break;
		await sleep(500);
	}
	assert(/Acknowledged/.test(state), `state on VNM: ${state}`);
	const tl = await pa.textContent('#timeline');
	assert(/Delivered → Acknowledged\s*FRA/.test(tl), `VNM's timeline names FRA's answer: ${tl}`);
	// VNM asked: it may withdraw, the answers are FRA's
	assert(await pa.locator('#act-withdrawn').count() === 1, 'the requester may withdraw');
	for (const x of ['acknowledged', 'refused', 'executed', 'preserved'])
		assert(await pa.locator(`#act-${x}`).count() === 0, `the requester is not offered ${x}`);
	await pa.click('#nav-outbox');
	await pa.waitForSelector(`#outbox-table tr[data-id="${reqId}"]`);
	await H.screenshot(pa, 'outbox');
}, 60000);

await H.step('FRA asks for more information (art. 40); VNM reads it in its timeline', async () => {
	await pb.click('#act-more_information');
	await pb.click('#action-confirm');
	assert(await pb.isVisible('#transition-form .field-error'), 'an empty question is refused in the form');
	await pb.fill('#action-reason', 'Which hosting account names exactly?');
	await pb.click('#action-confirm');
	await pb.waitForFunction(() => /Sent to the other State/.test(document.querySelector('main .notice')?.textContent || ''));
	assert(/Acknowledged/.test(await pb.textContent('#request-state')), 'no state change on FRA');
	let tl = '';
	await pa.goto(`${A.url}/#/request/${reqId}`);
	for (let i = 0; i < 40; i++) {
		await pa.reload();
		await pa.waitForSelector('#timeline');
		tl = await pa.textContent('#timeline');
		if (/Which hosting account names exactly\?/.test(tl))
			break;
		await sleep(500);
	}
	assert(/More information\s*FRA\s*Which hosting account names exactly\?/.test(tl), `VNM's timeline: ${tl}`);
	assert(/Acknowledged/.test(await pa.textContent('#request-state')), 'no state change on VNM');
}, 60000);

await H.step('the parties page labels the simulated register', async () => {
	await pb.click('#nav-parties');
	await pb.waitForSelector('#parties-table');
	const label = await pb.textContent('#simulated-register');
	assert(/SIMULATED/.test(label), `label: ${label}`);
	assert(/VNM/.test(await pb.textContent('#parties-table')), 'VNM listed');
	await H.screenshot(pb, 'parties-demo');
});

let proofIndex = null;
await H.step('the audit page checks the checkpoint signature in the browser', async () => {
	await pb.click('#nav-audit');
	await settled(pb);
	await pb.waitForSelector('#checkpoint');
	await pb.waitForFunction(() => /verified|NOT/.test(document.getElementById('sig-result')?.textContent || ''));
	const r = await pb.textContent('#sig-result');
	assert(/Signature verified/.test(r), `signature: ${r}`);
	await H.screenshot(pb, 'audit');
	// A forged key must not verify.
	await pb.fill('#vkey', 'hanoinet/FRA+00000000+AfU0k4Op1AqCRLPa3t+3bkED0GaZQBVW2SosSAGyhQKs');
	await pb.click('#sig-check');
	await pb.waitForFunction(() => /NOT/.test(document.getElementById('sig-result').textContent));
	const size = Number((await pb.textContent('#checkpoint-size')).replace(/\D/g, ''));
	assert(size >= 2, `log size ${size}`);
	proofIndex = size - 1;
});

{
	const probe = await H.api(B, 'GET', `/v1/log/proof/${proofIndex ?? 0}`);
	if (probe.status === 404 && /endpoint/.test(probe.text))
		H.skip('a ledger proof is checked in the browser', 'the node has no GET /v1/log/proof/{index} yet');
	else
		await H.step('a ledger proof is checked in the browser', async () => {
			await pb.fill('#proof-index', String(proofIndex));
			await pb.click('#proof-check');
			await pb.waitForSelector('#proof-ok, #proof-bad, #proof-unavailable');
			assert(await pb.locator('#proof-ok').count() === 1, await pb.textContent('#proof-result'));
			await pb.locator('#proof-result').scrollIntoViewIfNeeded();
			await H.screenshot(pb, 'audit-proof');
		});
}

{
	const probe = await H.api(B, 'POST', '/v1/evidence', {});
	if (probe.status === 404 && /endpoint/.test(probe.text))
		H.skip('evidence upload shows its progress', 'the node has no evidence API (POST /v1/evidence) yet');
	else
		await H.step('evidence upload shows its progress, resumes after an interruption, is listed with its SHA-256, downloads, and its custody (opened) shows in the timeline with ledger indexes', async () => {
			const {createHash} = await import('node:crypto');
			const data = Buffer.alloc(5 * 1024 * 1024 + 123);
			for (let i = 0; i < data.length; i++)
				data[i] = (i * 31 + (i >> 10)) & 0xff;
			const sha = createHash('sha256').update(data).digest('hex');
			// A file on disk: the same file chosen again has the same date,
			// which is how the console recognises an upload to resume.
			const {writeFileSync} = await import('node:fs');
			const file = `${H.tmp}/access-log.bin`;
			writeFileSync(file, data);
			await pb.goto(`${B.url}/#/request/${encodeURIComponent(reqId)}`);
			await pb.waitForSelector('#evidence-file');
			// The link drops during the third piece.
			let puts = 0;
			await pb.route('**/v1/evidence/uploads/**', route => {
				if (route.request().method() === 'PUT' && ++puts === 3)
					return route.abort('connectionreset');
				return route.continue();
			});
			await pb.setInputFiles('#evidence-file', file);
			await pb.click('#evidence-upload');
			await pb.waitForFunction(() => /stopped/.test(document.getElementById('evidence-status').textContent), null, {timeout: 30000});
			const part = Number(await pb.getAttribute('#evidence-progress', 'value'));
			assert(part > 0 && part < 100, `progress stopped part way (${part}%)`);
			await H.screenshot(pb, 'evidence-interrupted');
			await pb.unroute('**/v1/evidence/uploads/**');
			// The same file again: it continues where it stopped.
			await pb.setInputFiles('#evidence-file', file);
			await pb.click('#evidence-upload');
			await pb.waitForFunction(() => /Resumed at byte/.test(document.getElementById('evidence-status').textContent) ||
				/SHA-256/.test(document.getElementById('evidence-status').textContent));
			const resumedText = await pb.textContent('#evidence-status');
			await pb.waitForFunction(() => /SHA-256/.test(document.getElementById('evidence-status').textContent), null, {timeout: 60000});
			const status = await pb.textContent('#evidence-status');
			assert(/Resumed at byte [1-9]/.test(resumedText) || /Resumed at byte [1-9]/.test(status), `resumed: ${resumedText}`);
			assert(status.includes(sha), `the node's SHA-256 is the file's: ${status}`);
			await pb.waitForSelector('#evidence-table');
			assert((await pb.textContent('#evidence-table')).includes(sha), 'listed with its hash');
			await pb.locator('#h-evidence').scrollIntoViewIfNeeded();
			await H.screenshot(pb, 'evidence');
			// Download: the node streams it verified and records who opened
			// it; the custody event shows in the timeline with its ledger index.
			const {readFileSync} = await import('node:fs');
			const link = pb.locator('#evidence-table tr', {hasText: sha}).locator('a[id^="evidence-download-"]');
			assert(await link.count() === 1, 'a download link for the item');
			// work in progress on the page survives the download
			await pb.fill('#evidence-desc', 'half-typed description');
			const [dl] = await Promise.all([pb.waitForEvent('download', {timeout: 30000}), link.click()]);
			assert(dl.suggestedFilename() === 'access-log.bin', `file name: ${dl.suggestedFilename()}`);
			const got = readFileSync(await dl.path());
			assert(got.length === data.length && createHash('sha256').update(got).digest('hex') === sha,
				'the downloaded file is the uploaded one');
			await pb.waitForSelector('#timeline li[data-action="opened"] a.ledger', {timeout: 30000});
			const opened = await pb.textContent('#timeline li[data-action="opened"]');
			assert(/access-log\.bin/.test(opened) && /#\d+|\d/.test(opened), `custody in the timeline: ${opened}`);
			assert(await pb.inputValue('#evidence-desc') === 'half-typed description', 'the form kept what was typed');
			await pb.fill('#evidence-desc', '');
			for (const action of ['intake', 'seal'])
				assert(await pb.locator(`#timeline li[data-action="${action}"] a.ledger`).count() === 1, `custody ${action} in the timeline`);
			await pb.locator('#timeline li[data-action="opened"]').scrollIntoViewIfNeeded();
			await H.screenshot(pb, 'evidence-custody');
			evSha = sha;
			evData = data;
				}, 90000);
}

let evItem = null, theirIndex = null;
if (evSha === null)
	H.skip('an evidence item is sent to the other State', 'no uploaded item (see above)');
else {
	await H.step('sending evidence: an empty reason is refused at its field, and the node\'s refusal is shown at its field', async () => {
		const row = pb.locator('#evidence-table tr', {hasText: evSha});
		evItem = await row.getAttribute('data-item');
		const send = row.locator(`#transfer-send-${evItem}`);
		assert(await send.count() === 1 && /Send to VNM/.test(await send.textContent()), 'a "Send to VNM" button on the item');
		let posts = 0;
		await pb.route('**/v1/evidence/*/transfer', route => { posts++; return route.continue(); });
		// Keyboard: the button opens the form and the focus is in the reason.
		await send.focus();
		await pb.keyboard.press('Enter');
		await pb.waitForSelector('#transfer-form');
		assert(await pb.evaluate(() => document.activeElement.id) === 'transfer-reason', 'focus on the reason');
		assert(/art\. 36/.test(await pb.textContent('label[for="transfer-conditions"]')), 'conditions cite art. 36');
		await pb.click('#transfer-confirm');
		await pb.waitForSelector('#transfer-reason-err:not([hidden])');
		assert(/reason/.test(await pb.textContent('#transfer-reason-err')), 'says a reason is needed');
		assert(await pb.getAttribute('#transfer-reason', 'aria-invalid') === 'true', 'aria-invalid on the reason');
		assert(posts === 0, 'nothing asked of the node without a reason');
		// The node counts bytes: 600 Cyrillic letters fit the form's 1024
		// characters but not the node's 1024 bytes; its 413 is shown at the field.
		await pb.fill('#transfer-reason', 'Disclosure follows the preservation of 2026/777 (arts. 42, 44)');
		await pb.fill('#transfer-conditions', 'Ж'.repeat(600));
		await pb.click('#transfer-confirm');
		await pb.waitForSelector('#transfer-conditions-err:not([hidden])');
		const e = await pb.textContent('#transfer-conditions-err');
		assert(/Too large/.test(e) && /Field: conditions/.test(e) && /1024 bytes/.test(e), `the node's error at the field: ${e}`);
		assert(await pb.isHidden('#transfer-reason-err'), 'the reason is no longer in error');
		assert(posts === 1, `one call (${posts})`);
		await pb.unroute('**/v1/evidence/*/transfer');
		const list = await pb.evaluate(async i => (await (await fetch(`/v1/evidence/${i}/transfers`)).json()).transfers, evItem);
		assert(Array.isArray(list) && list.length === 0, `nothing recorded: ${JSON.stringify(list)}`);
		await H.screenshot(pb, 'evidence-send-error');
	});

	await H.step('FRA sends the item to VNM; the page follows it until VNM\'s signed receipt, with the ledger entries of both', async () => {
		await pb.fill('#transfer-conditions', 'Use only in proceedings 2026/777 of the Ha Noi prosecutor (art. 36)');
		await pb.click('#transfer-confirm');
		await pb.waitForSelector('#transfer-form', {state: 'detached'});
		assert(/Sending “access-log\.bin” to VNM|access-log\.bin: Acknowledged/.test(await pb.textContent('#transfer-status')),
			`status: ${await pb.textContent('#transfer-status')}`);
		// Bounded: the page asks the node every 1.5 s by itself (no reload).
		await pb.waitForSelector(`#transfer-${evItem} [data-state="acknowledged"]`, {timeout: 60000});
		await pb.waitForSelector(`#transfer-${evItem} a.ledger >> nth=1`, {timeout: 20000});
		const cell = await pb.textContent(`#transfer-${evItem}`);
		assert(/Acknowledged by VNM/.test(cell), `state: ${cell}`);
		assert(/sent: ledger #\d+/.test(cell) && /receipt: ledger #\d+/.test(cell), `our ledger entries: ${cell}`);
		const m = /ledger of VNM #(\d+)/.exec(cell);
		assert(m, `VNM's ledger entry: ${cell}`);
		theirIndex = Number(m[1]);
		assert(await pb.locator(`#transfer-send-${evItem}`).count() === 0, 'no Send button once acknowledged');
		assert(/access-log\.bin: Acknowledged by VNM/.test(await pb.textContent('#transfer-status')), 'announced');
		const out = await pb.textContent(`#timeline li[data-action="transfer_out"][data-item="${evItem}"]`);
		assert(/Disclosure follows the preservation/.test(out) && /ledger #\d+/.test(out), `custody transfer_out: ${out}`);
		assert(await pb.locator(`#timeline li[data-action="acknowledged"][data-item="${evItem}"] a.ledger`).count() === 1,
			'custody acknowledged in the timeline');
		await pb.evaluate(() => document.getElementById('h-evidence').scrollIntoView());
		await H.screenshot(pb, 'evidence-sent');
	}, 90000);

	await H.step('VNM holds the item for the same request: same SHA-256 and bytes, received from FRA and verified, conditions kept', async () => {
		await pa.goto(`${A.url}/#/request/${encodeURIComponent(reqId)}`);
		const row = pa.locator('#evidence-table tr', {hasText: evSha});
		for (let i = 0; i < 20 && !(await row.count()); i++) {
			await sleep(500);
			await pa.reload();
			await pa.waitForSelector('#request-state');
		}
		assert(await row.count() === 1, 'the item is in VNM\'s evidence list for the request');
		const item = await row.getAttribute('data-item');
		const cell = await pa.textContent(`#transfer-${item}`);
		assert(/Received from FRA, verified/.test(cell), `received: ${cell}`);
		assert(/Use only in proceedings 2026\/777/.test(cell), `the art. 36 conditions came with it: ${cell}`);
		assert(await row.locator('button').count() === 0, 'no Send button on a received item');
		const v = /ledger #(\d+)/.exec(cell);
		assert(v && Number(v[1]) === theirIndex, `FRA's receipt names VNM's "verified" entry (${v && v[1]} = ${theirIndex})`);
		for (const action of ['received', 'verified'])
			assert(await pa.locator(`#timeline li[data-action="${action}"][data-item="${item}"] a.ledger`).count() === 1,
				`custody ${action} in VNM's timeline`);
		assert(/FRA/.test(await pa.textContent(`#timeline li[data-action="verified"][data-item="${item}"]`)), 'by FRA\'s node');
		const {createHash} = await import('node:crypto');
		const {readFileSync} = await import('node:fs');
		const [dl] = await Promise.all([pa.waitForEvent('download', {timeout: 30000}), pa.click(`#evidence-download-${item}`)]);
		const got = readFileSync(await dl.path());
		assert(got.length === evData.length && createHash('sha256').update(got).digest('hex') === evSha,
			'VNM gives back the bytes FRA uploaded');
		await pa.locator('#h-evidence').scrollIntoViewIfNeeded();
		await H.screenshot(pa, 'evidence-received');
	}, 60000);

	await H.step('an auditor sees the transfer but gets no Send button (the route is for officers)', async () => {
		const ctxU = await H.browser(LAPTOP);
		const pu = await ctxU.newPage();
		await pu.goto(`${B.url}/#/request/${encodeURIComponent(reqId)}`);
		await signIn(pu, 'auditor', PW);
		await pu.waitForSelector(`#transfer-${evItem} [data-state="acknowledged"]`);
		assert(await pu.locator('#evidence-table button').count() === 0, 'no button for an auditor');
		await ctxU.close();
	});
}

await H.step('statistics draw as SVG charts', async () => {
	await pb.click('#nav-stats');
	await settled(pb);
	assert(await pb.locator('svg.chart').count() >= 3, 'charts');
	const total = await pb.textContent('#stat-total');
	assert(Number(total.replace(/\D/g, '')) >= 3, `requests counted: ${total}`);
	await H.screenshot(pb, 'stats');
});

await H.step('Arabic: right to left, on a laptop and on a phone', async () => {
	await pb.click('#nav-inbox');
	await pb.waitForSelector('#inbox-table');
	await pb.selectOption('#lang', 'ar');
	await pb.waitForFunction(() => document.documentElement.dir === 'rtl' && document.querySelector('#inbox-table') &&
		!document.getElementById('main').hasAttribute('aria-busy'));
	const row = await pb.locator(`#inbox-table tr[data-id="${reqId}"]`).textContent();
	assert(/[\u0600-\u06ff]/.test(row), `row in Arabic: ${row}`);
	const firstCell = await pb.locator('#inbox-table thead th').first().boundingBox();
	assert(firstCell.x > LAPTOP.width / 2, `first column on the right (x=${firstCell.x})`);
	await H.screenshot(pb, 'inbox-ar');
	await pb.goto(`${B.url}/#/request/${encodeURIComponent(reqId)}`);
	await pb.waitForSelector('#request-state');
	await H.screenshot(pb, 'request-ar');
	const ctxP = await H.browser(PHONE);
	const pp = await ctxP.newPage();
	await pp.goto(B.url + '/');
	await signIn(pp, 'duty', PW);
	await pp.waitForSelector('#inbox-table');
	await pp.selectOption('#lang', 'ar');
	await pp.waitForFunction(() => document.documentElement.dir === 'rtl' && document.querySelector('#inbox-table tbody tr') &&
		!document.getElementById('main').hasAttribute('aria-busy'));
	const overflow = await pp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
	await H.screenshot(pp, 'inbox-ar-phone');
	await pp.goto(`${B.url}/#/request/${encodeURIComponent(reqId)}`);
	await pp.waitForSelector('#request-state');
	const wide = await pp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert(wide <= 1, `the request page (evidence and its transfer) fits a phone (${wide}px)`);
	await H.screenshot(pp, 'request-ar-phone');
	if (evItem !== null) {
		await pp.waitForSelector(`#transfer-${evItem} [data-state="acknowledged"]`);
		await pp.evaluate(() => document.getElementById('h-evidence').scrollIntoView());
		await H.screenshot(pp, 'evidence-ar-phone');
	}
	await ctxP.close();
});

await H.step('no script errors on the way', async () => {
	const errs = H.consoleErrors.filter(e => !/Failed to load resource/.test(e));
	assert(errs.length === 0, errs.join(' | '));
});

await H.finish();
