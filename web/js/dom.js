// dom.js - build DOM nodes without innerHTML (text is never parsed as HTML,
// so data from a node or a peer cannot inject markup; the CSP forbids inline
// script anyway).

/* h('p', {class: 'x', onclick: fn}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
	const svg = tag.startsWith('svg:');
	const el = svg
		? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
		: document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k.startsWith('on') && typeof v === 'function')
			el.addEventListener(k.slice(2), v);
		else if (k === 'dataset')
			Object.assign(el.dataset, v);
		else if (k === 'value' && !svg)
			el.value = v;
		else if (k === 'checked' && !svg)
			el.checked = !!v;
		else
			el.setAttribute(k, v === true ? '' : String(v));
	}
	append(el, ...children);
	return el;
}

/* Append children (nodes, strings, arrays; null/false skipped). */
export function append(el, ...children) {
	for (const c of children.flat(Infinity)) {
		if (c === undefined || c === null || c === false)
			continue;
		el.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return el;
}

export function clear(el) {
	while (el.firstChild)
		el.removeChild(el.firstChild);
	return el;
}

/* Replace the contents of el with children. */
export function mount(el, ...children) {
	clear(el);
	return append(el, ...children);
}
