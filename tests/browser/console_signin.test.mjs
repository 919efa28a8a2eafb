// ctest-labels: browser;slow
// The console on one `hanoinet serve` node: served with a strict CSP, sign
// in (wrong password, then right), every page opens without a script error,
// Arabic right to left, the language kept per user, keyboard navigation,
// session expiry back to sign-in and return, sign out.
import {Harness, signIn, assert, LAPTOP, PHONE} from './lib/harness.mjs';

const H = new Harness('console_signin');
let node, pw, ctx, page;

await H.step('a node starts and serves the console with a strict CSP', async () => {
	node = H.initNode('VNM');
	await H.startNode(node);
	pw = await H.addAccount(node, 'duty1', 'duty_officer');
	const r = await H.api(node, 'GET', '/');
	assert(r.status === 200, `GET / ${r.status}`);
	assert(/text\/html/.test(r.headers['content-type']), 'html content type');
	const csp = r.headers['content-security-policy'] || '';
	assert(/default-src 'self'/.test(csp), `CSP ${csp}`);
	assert(!/unsafe-inline|unsafe-eval/.test(csp), 'no unsafe-* in CSP');
	assert(!/<script>|<script [^>]*>[^<]/.test(r.text), 'no inline script in index.html');
	const js = await H.api(node, 'GET', '/web/js/app.js');
	assert(js.status === 200 && /javascript/.test(js.headers['content-type']), 'app.js as JavaScript');
	const css = await H.api(node, 'GET', '/web/css/console.css');
	assert(css.status === 200 && /text\/css/.test(css.headers['content-type']), 'CSS content type');
	for (const l of ['ar', 'en', 'es', 'fr', 'ru', 'zh']) {
		const j = await H.api(node, 'GET', `/web/i18n/${l}.json`);
		assert(j.status === 200 && j.json, `i18n ${l}`);
	}
	const bad = await H.api(node, 'GET', '/web/%2e%2e/data/parties.json');
	assert(bad.status === 404, `traversal refused (${bad.status})`);
});

await H.step('the sign-in page shows; a wrong password is refused in words', async () => {
	ctx = await H.browser(LAPTOP);
	page = await ctx.newPage();
	await page.goto(node.url + '/');
	await page.waitForSelector('#signin-submit');
	await H.screenshot(page, 'signin');
	await signIn(page, 'duty1', 'wrong password');
	await page.waitForSelector('#signin-error:not([hidden])');
	const msg = await page.textContent('#signin-error');
	assert(/wrong/i.test(msg), `error text: ${msg}`);
});

await H.step('signing in opens the inbox with our party', async () => {
	await signIn(page, 'duty1', pw);
	await page.waitForSelector('#inbox-table');
	const who = await page.textContent('.who');
	assert(who.includes('duty1') && who.includes('VNM'), `who: ${who}`);
	assert(await page.getAttribute('#nav-inbox', 'aria-current') === 'page', 'inbox is the current page');
	/* a node on a real register says nothing about a demonstration */
	await page.waitForTimeout(300);
	assert(await page.locator('#simulated-banner').count() === 0, 'no simulated-register banner on a real node');
});

await H.step('keyboard: Tab reaches the navigation and Enter follows a link', async () => {
	await page.keyboard.press('Tab'); /* skip link */
	let found = false;
	for (let i = 0; i < 12 && !found; i++) {
		await page.keyboard.press('Tab');
		found = await page.evaluate(() => document.activeElement && document.activeElement.id === 'nav-parties');
	}
	assert(found, 'Tab reached the Parties link');
	const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
	assert(outline !== 'none', 'focus is visible');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#parties-table');
});

await H.step('switching to Arabic lays the page out right to left', async () => {
	await page.selectOption('#lang', 'ar');
	await page.waitForFunction(() => document.documentElement.dir === 'rtl' && document.querySelector('#parties-table') &&
		!document.getElementById('main').hasAttribute('aria-busy'));
	assert(await page.getAttribute('html', 'lang') === 'ar', 'lang=ar');
	const h1 = await page.textContent('h1');
	assert(/[\u0600-\u06ff]/.test(h1), `Arabic heading: ${h1}`);
	// The brand (first in the header) is at the right edge in RTL.
	const box = await page.locator('.brand').boundingBox();
	assert(box.x > LAPTOP.width / 2, `brand on the right (x=${box.x})`);
	const dirOfTable = await page.evaluate(() => getComputedStyle(document.querySelector('table')).direction);
	assert(dirOfTable === 'rtl', 'table is rtl');
	await H.screenshot(page, 'parties-ar');
});

await H.step('the language is kept for this user after a reload', async () => {
	await page.reload();
	await page.waitForFunction(() => document.documentElement.dir === 'rtl' && document.querySelector('h1'));
	assert(await page.getAttribute('html', 'lang') === 'ar', 'still Arabic');
});

{
	const token = (await H.api(node, 'POST', '/v1/session', {name: 'duty1', password: pw})).json.token;
	const me = await H.api(node, 'GET', '/v1/session', undefined, token);
	if (me.json && me.json.lang === 'ar')
		await H.step('the language is kept on the account: another browser opens in Arabic', async () => {
			const c3 = await H.browser(LAPTOP);
			const p3 = await c3.newPage();
			await p3.goto(node.url + '/');
			await signIn(p3, 'duty1', pw);
			await p3.waitForFunction(() => document.documentElement.dir === 'rtl' && document.querySelector('#inbox-table'));
			await c3.close();
		});
	else
		H.skip('the language is kept on the account', 'the node does not store it (no PATCH /v1/session); kept in this browser');
}

await H.step('back to English', async () => {
	await page.selectOption('#lang', 'en');
	await page.waitForFunction(() => document.documentElement.dir === 'ltr');
});

await H.step('every page opens without a script error', async () => {
	for (const p of ['inbox', 'outbox', 'compose', 'parties', 'audit', 'stats']) {
		await page.goto(`${node.url}/#/${p}`);
		await page.waitForSelector('main h1');
		await page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy'));
	}
	const errs = H.consoleErrors.filter(e => !/404|401|Failed to load resource/.test(e));
	assert(errs.length === 0, `console errors: ${errs.join(' | ')}`);
});

await H.step('an expired session sends the officer to sign in, then back', async () => {
	await page.goto(`${node.url}/#/parties`);
	await page.waitForSelector('#parties-table');
	await ctx.clearCookies(); /* the node no longer knows us: as after expiry */
	await page.goto(`${node.url}/#/outbox`); /* its first API call answers 401 */
	await page.waitForSelector('#signin-submit');
	const note = await page.waitForFunction(() => {
		const n = document.querySelector('main .notice');
		return n && /expired/i.test(n.textContent) && n.textContent;
	}, undefined, {timeout: 10000}).then(x => x.jsonValue()).catch(() => null);
	assert(note, `expiry notice: ${note}`);
	await signIn(page, 'duty1', pw);
	await page.waitForSelector('#outbox-table');
});

await H.step('on a phone the navigation wraps and tables become cards', async () => {
	const c2 = await H.browser(PHONE);
	const p2 = await c2.newPage();
	await p2.goto(node.url + '/');
	await signIn(p2, 'duty1', pw);
	await p2.waitForSelector('#inbox-table');
	const overflow = await p2.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert(overflow <= 1, `no horizontal scrolling (${overflow}px)`);
	const thead = await p2.evaluate(() => getComputedStyle(document.querySelector('#inbox-table thead')).display);
	assert(thead === 'none', 'table head hidden on a phone');
	await p2.selectOption('#lang', 'ar');
	await p2.waitForFunction(() => document.documentElement.dir === 'rtl' && document.querySelector('#inbox-table') &&
		!document.getElementById('main').hasAttribute('aria-busy'));
	await H.screenshot(p2, 'inbox-ar-phone-node');
	await c2.close();
});

await H.step('signing out returns to the sign-in page', async () => {
	await page.click('#signout');
	await page.waitForSelector('#signin-submit');
	const r = await page.evaluate(() => fetch('/v1/session').then(x => x.status));
	assert(r === 401, `session gone (${r})`);
});

await H.finish();
