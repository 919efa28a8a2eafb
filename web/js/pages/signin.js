// Sign in. After a session expiry the officer comes back here and, once
// signed in, returns to the page they were on (drafts are in localStorage).
import {h} from '../dom.js';
import {t, setLanguage, current} from '../i18n.js';
import {api} from '../api.js';
import {normaliseSession, saveSession, errorText, userLanguage} from '../app.js';

export async function render(ctx, main) {
	const msg = h('p', {class: 'notice error', role: 'alert', id: 'signin-error', hidden: true});
	const user = h('input', {id: 'username', name: 'username', autocomplete: 'username', required: true,
		autocapitalize: 'none', spellcheck: 'false'});
	const pass = h('input', {id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true});
	const btn = h('button', {type: 'submit', id: 'signin-submit'}, t('signin.submit'));
	const form = h('form', {class: 'card narrow', novalidate: true, onsubmit: async e => {
		e.preventDefault();
		msg.hidden = true;
		if (!user.value.trim() || !pass.value) {
			msg.textContent = t('signin.missing');
			msg.hidden = false;
			return;
		}
		btn.disabled = true;
		try {
			const d = await api('POST', '/v1/session', {name: user.value.trim(), password: pass.value},
				{noAuthRedirect: true});
			let s = normaliseSession(d) || {};
			if (!s.username)
				s.username = user.value.trim();
			// Some nodes answer the login with the token only: ask who we are.
			if (!s.party) {
				try {
					const who = normaliseSession(await api('GET', '/v1/session', undefined, {noAuthRedirect: true}));
					if (who)
						s = {...s, ...Object.fromEntries(Object.entries(who).filter(([, v]) => v))};
				} catch (err) { /* not offered */ }
			}
			pass.value = '';
			saveSession(s);
			const lang = userLanguage(s);
			if (lang !== current())
				await setLanguage(lang);
			let back = '#/inbox';
			try {
				back = sessionStorage.getItem('hn.return') || back;
				sessionStorage.removeItem('hn.return');
			} catch (err) { /* ignore */ }
			ctx.go(back);
		} catch (err) {
			msg.textContent = err.status === 401 || err.code === 'invalid_credentials' ? t('signin.bad_credentials')
				: err.status === 429 || err.code === 'throttled' ? t('signin.locked') : errorText(err);
			msg.hidden = false;
			pass.focus();
		} finally {
			btn.disabled = false;
		}
	}},
	h('h1', {}, t('signin.title')),
	h('p', {class: 'lead'}, t('signin.lead')),
	msg,
	h('div', {class: 'field'}, h('label', {for: 'username'}, t('signin.username')), user),
	h('div', {class: 'field'}, h('label', {for: 'password'}, t('signin.password')), pass),
	h('div', {class: 'actions'}, btn));
	main.append(form);
	if (!ctx.session)
		user.focus();
}
