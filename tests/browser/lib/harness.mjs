// harness.mjs - what every browser test shares: real hanoinet nodes on
// loopback (started here, killed at the end), Debian's chromium driven by
// playwright-core (never a downloaded browser), bounded steps, and the
// closing line "N passed, N failed".
import {chromium} from 'playwright-core';
import {spawn, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';

export const BIN = process.env.HN_BIN || path.resolve('build/hanoinet');
export const SRC = process.env.HN_SRC || path.resolve(new URL('../../..', import.meta.url).pathname);
export const CHROMIUM = process.env.HN_CHROMIUM || '/usr/bin/chromium';
// Screenshots go to the build directory; to refresh the ones in the README:
//   HN_SCREENS=$PWD/docs/screens ctest --test-dir build -L browser
// (written into the source tree only when asked, so that `make check` does
// not leave every worktree with modified images).
export const SCREENS = process.env.HN_SCREENS ||
	path.join(process.env.HN_BUILD || os.tmpdir(), 'screens');

export const LAPTOP = {width: 1280, height: 800};
export const PHONE = {width: 390, height: 844};

export class Harness {
	constructor(name, {timeoutMs = 480000} = {}) {
		this.name = name;
		this.passed = 0;
		this.failed = 0;
		this.skipped = 0;
		this.procs = [];
		this.contexts = [];
		this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), `hn-browser-${name}-`));
		this.consoleErrors = [];
		// The whole file is bounded: past the limit everything is stopped.
		this.watchdog = setTimeout(() => {
			console.log(`not ok - ${name}: overall time limit (${timeoutMs} ms) reached`);
			this.failed++;
			this.finish();
		}, timeoutMs);
		for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
			process.on(sig, () => { this.failed++; this.finish(); });
		process.on('uncaughtException', e => {
			console.log(`not ok - ${name}: ${e && e.stack ? e.stack : e}`);
			this.failed++;
			this.finish();
		});
		// Whatever happens (even a closed stdout), nothing we started
		// outlives us: a synchronous kill on exit.
		process.on('exit', () => {
			for (const p of this.procs)
				if (p.exitCode === null && p.signalCode === null)
					try { p.kill('SIGKILL'); } catch (e) { /* gone */ }
			if (this.demo)
				try { process.kill(-this.demo.pid, 'SIGKILL'); } catch (e) { /* gone */ }
		});
	}

	/* One named check, bounded in time; a failure is counted, not thrown. */
	async step(name, fn, timeoutMs = 60000) {
		let timer;
		const t0 = Date.now();
		try {
			await Promise.race([fn(), new Promise((_, rej) => {
				timer = setTimeout(() => rej(new Error(`step timed out after ${timeoutMs} ms`)), timeoutMs);
			})]);
			this.passed++;
			console.log(`ok - ${name} (${Date.now() - t0} ms)`);
			return true;
		} catch (e) {
			this.failed++;
			console.log(`not ok - ${name}: ${e && e.stack ? e.stack.split('\n').slice(0, 4).join('\n    ') : e}`);
			return false;
		} finally {
			clearTimeout(timer);
		}
	}

	/* A check that cannot run yet (the node lacks what it needs): said
	 * plainly, counted apart, never as passed. */
	skip(name, why) {
		this.skipped++;
		console.log(`ok - ${name} # SKIP ${why}`);
	}

	/* `hanoinet demo` in its test mode: a registry and `nodes` nodes on
	 * loopback, the scenario run, URLs and logins in an info file. Resolves
	 * with the info once the scenario completed. */
	async startDemo(nodes = 2, seconds = 600) {
		const info = path.join(this.tmp, 'demo.json');
		const out = path.join(this.tmp, 'demo.out');
		const fd = fs.openSync(out, 'a');
		const p = spawn(BIN, ['demo', '--nodes', String(nodes), '--info', info, '--dir', path.join(this.tmp, 'demo'),
			'--exit-after', String(seconds)], {stdio: ['ignore', fd, fd], detached: true /* own process group: its nodes die with it */});
		this.procs.push(p);
		this.demo = p;
		for (let i = 0; i < 1200; i++) {
			const text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
			if (/Scenario complete\./.test(text) && fs.existsSync(info))
				break;
			if (p.exitCode !== null)
				throw new Error(`demo exited ${p.exitCode}: ${text}`);
			await sleep(100);
		}
		const d = JSON.parse(fs.readFileSync(info, 'utf8'));
		d.output = fs.readFileSync(out, 'utf8');
		for (const n of d.nodes)
			n.caPem = fs.readFileSync(n.ca);
		return d;
	}
	initNode(party) {
		const dir = path.join(this.tmp, party);
		const out = execFileSync(BIN, ['init', '--party', party, '--dir', dir], {encoding: 'utf8', timeout: 60000});
		const m = /^password: (\S+)/m.exec(out);
		if (!m)
			throw new Error(`init printed no password: ${out}`);
		return {dir, party, adminPassword: m[1]};
	}

	/* hanoinet serve on a free loopback port; resolves when it listens. */
	async startNode(node, extra = []) {
		const portFile = path.join(node.dir, 'port');
		fs.rmSync(portFile, {force: true});
		const log = fs.openSync(path.join(node.dir, 'serve.log'), 'a');
		const p = spawn(BIN, ['serve', '--dir', node.dir, '--listen', '127.0.0.1:0', '--port-file', portFile, ...extra],
			{stdio: ['ignore', log, log]});
		this.procs.push(p);
		for (let i = 0; i < 200; i++) {
			if (fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8').trim())
				break;
			if (p.exitCode !== null)
				throw new Error(`serve exited: ${fs.readFileSync(path.join(node.dir, 'serve.log'), 'utf8')}`);
			await sleep(50);
		}
		node.port = Number(fs.readFileSync(portFile, 'utf8').trim());
		node.url = `https://127.0.0.1:${node.port}`;
		node.ca = fs.readFileSync(path.join(node.dir, 'tls.crt'));
		node.proc = p;
		return node;
	}

	/* A JSON call to a node (TLS checked against the node's certificate). */
	api(node, method, p, body, token) {
		return new Promise((resolve, reject) => {
			const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
			const req = https.request(`${node.url}${p}`, {method, ca: node.ca, timeout: 30000,
				checkServerIdentity: () => undefined, /* the node's certificate names localhost; the CA pin is what counts */
				/* a Content-Length, not chunked: the node refuses chunked bodies (400 length_required) */
				headers: {'Accept': 'application/json', ...(data ? {'Content-Type': 'application/json', 'Content-Length': data.length} : {}),
					...(token ? {'Authorization': `Bearer ${token}`} : {})}}, res => {
				const chunks = [];
				res.on('data', c => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json = null;
					try { json = JSON.parse(text); } catch (e) { json = null; }
					resolve({status: res.statusCode, headers: res.headers, json, text});
				});
			});
			req.on('timeout', () => req.destroy(new Error('timeout')));
			req.on('error', reject);
			if (data)
				req.write(data);
			req.end();
		});
	}

	/* Logs in as admin and creates an account; returns its password. */
	async addAccount(node, name, role) {
		if (!node.adminToken) {
			const r = await this.api(node, 'POST', '/v1/session', {name: 'admin', password: node.adminPassword});
			if (r.status !== 201)
				throw new Error(`admin login: ${r.status} ${r.text}`);
			node.adminToken = r.json.token;
		}
		/* random, without the account's name (the node checks strength) */
		const rnd = () => Math.random().toString(36).slice(2, 10);
		const password = `${rnd()}-${rnd()}-${rnd()}`;
		const r = await this.api(node, 'POST', '/v1/accounts', {name, role, password}, node.adminToken);
		if (r.status !== 201)
			throw new Error(`create ${name}: ${r.status} ${r.text}`);
		return password;
	}

	/* A fresh browser profile (own user-data-dir), self-signed TLS accepted. */
	async browser(viewport = LAPTOP, opts = {}) {
		const dir = fs.mkdtempSync(path.join(this.tmp, 'profile-'));
		const ctx = await chromium.launchPersistentContext(dir, {
			executablePath: CHROMIUM,
			headless: true,
			args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
				'--disable-background-networking', '--disable-component-update', '--disable-sync',
				...(opts.lang ? [`--lang=${opts.lang}`] : [])],
			ignoreHTTPSErrors: true,
			viewport,
			locale: opts.lang || 'en-GB',
			timezoneId: 'UTC',
		});
		ctx.setDefaultTimeout(15000);
		this.contexts.push(ctx);
		ctx.on('page', pg => this.watchPage(pg));
		for (const pg of ctx.pages())
			this.watchPage(pg);
		return ctx;
	}

	watchPage(pg) {
		pg.on('console', m => {
			if (m.type() === 'error')
				this.consoleErrors.push(m.text());
		});
		pg.on('pageerror', e => this.consoleErrors.push(String(e)));
	}

	async screenshot(page, name) {
		fs.mkdirSync(SCREENS, {recursive: true});
		await page.screenshot({path: path.join(SCREENS, `${name}.png`)});
	}

	async finish() {
		clearTimeout(this.watchdog);
		for (const c of this.contexts)
			await c.close().catch(() => {});
		// The demo stops its nodes itself on SIGINT; give it a moment.
		if (this.demo && this.demo.exitCode === null) {
			this.demo.kill('SIGINT');
			for (let i = 0; i < 100 && this.demo.exitCode === null; i++)
				await sleep(100);
		}
		for (const p of this.procs)
			if (p.exitCode === null)
				p.kill('SIGKILL');
		if (this.demo)
			try { process.kill(-this.demo.pid, 'SIGKILL'); } catch (e) { /* the group is gone: good */ }
		fs.rmSync(this.tmp, {recursive: true, force: true});
		if (this.skipped)
			console.log(`# ${this.skipped} skipped (see SKIP lines)`);
		console.log(`${this.passed} passed, ${this.failed} failed`);
		process.exit(this.failed ? 1 : 0);
	}
}

export function sleep(ms) {
	return new Promise(r => setTimeout(r, ms));
}

export function assert(cond, msg) {
	if (!cond)
		throw new Error(`assertion failed: ${msg}`);
}

/* Signs in through the form. */
export async function signIn(page, name, password) {
	await page.waitForSelector('#username');
	await page.fill('#username', name);
	await page.fill('#password', password);
	await page.click('#signin-submit');
}
