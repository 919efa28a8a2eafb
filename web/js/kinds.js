// kinds.js - the request kinds as the node describes them (GET /v1/kinds),
// turned into one shape the form builder and the validator share. The
// console validates with the node's own table (required fields, their
// articles, limits), so what passes here passes there; the node checks again
// and its answer wins (shown at the field it names).

// Types for fields the node lists by name only. Anything else is text.
const KNOWN = {
	kind: {type: 'string', hidden: true},
	from: {type: 'party'},
	to: {type: 'party'},
	legal_basis: {type: 'string', enum: ['unccc', 'budapest', 'bilateral', 'reciprocity']},
	facts: {type: 'string', long: true},
	necessity: {type: 'string', long: true},
	assistance_sought: {type: 'string', long: true},
	emergency: {type: 'string', long: true},
	risk: {type: 'string', long: true},
	reasons: {type: 'string', long: true},
	data: {type: 'array', items: {fields: [
		{name: 'description', type: 'string', required: true, long: true},
		{name: 'relation_to_offence', type: 'string', required: true, long: true},
	]}},
	mla_to_follow: {type: 'boolean', const: true},
	confidential: {type: 'boolean'},
};

export const TEXT_MAX_DEFAULT = 65536;

const TIME_RE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$';
// A language tag as core/request.c checks it (art. 40): fr, es-419, zh-Hans.
const LANG_RE = '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$';

function normField(f, defaults, limits) {
	if (typeof f === 'string')
		f = {name: f};
	const k = KNOWN[f.name] || {};
	let type = f.type || k.type || 'string';
	const out = {
		name: f.name,
		type,
		required: !!(f.required ?? defaults.required),
		article: f.article || defaults.article || '',
		max: f.max_len ?? f.maxLength ?? f.max_length,
		min: f.min ?? f.min_len ?? f.minLength,
		minItems: f.min_items ?? f.minItems,
		maxItems: f.max_items ?? f.maxItems,
		pattern: f.pattern,
		enum: f.enum || f.values || k.enum,
		const: f.const ?? k.const,
		long: f.long ?? k.long,
		hidden: f.hidden ?? k.hidden,
		label: f.label,
		help: f.help,
		oneOf: f.one_of || f.any_of || f.group,
	};
	// The node's types (GET /v1/kinds, core/request.c): text, party, bool,
	// true, legal_basis, kind, time, list, language; "max" is bytes for
	// text and language tags, entries for lists.
	switch (type) {
	case 'text':
	case 'string':
		out.type = 'string';
		out.max = out.max ?? (f.max || limits.text_max);
		if (out.long === undefined)
			out.long = out.max > 1024;
		break;
	case 'bool':
		out.type = 'boolean';
		break;
	case 'true':
		out.type = 'boolean';
		out.const = true;
		out.required = true;
		break;
	case 'legal_basis':
		out.type = 'string';
		out.enum = out.enum || ['unccc', 'budapest', 'bilateral', 'reciprocity'];
		break;
	case 'kind':
		out.type = 'string';
		out.hidden = true;
		break;
	case 'time':
		out.type = 'time';
		out.pattern = out.pattern || TIME_RE;
		break;
	case 'language':
		out.type = 'string';
		out.pattern = out.pattern || LANG_RE;
		out.max = out.max ?? f.max;
		break;
	case 'list':
	case 'array':
		out.type = 'array';
		out.maxItems = out.maxItems ?? f.max;
		break;
	}
	if (out.name === 'from' || out.name === 'to') {
		out.type = 'party';
		out.pattern = out.pattern || '^[A-Z]{3}$';
	}
	if (out.type === 'array') {
		const it = f.items || k.items || {};
		const sub = Array.isArray(it) ? it : (it.fields || it.properties || (k.items && k.items.fields) || []);
		out.items = (Array.isArray(sub) ? sub : Object.entries(sub).map(([n, v]) => ({name: n, ...v})))
			.map(s => normField(s, {required: true, article: out.article}, limits));
		if (out.minItems === undefined && out.required)
			out.minItems = 1;
	}
	return out;
}

/* One kind: {name, article, fields: [...], groups: [{fields: [a, b], article, report}]} */
function normKind(k, name, limits) {
	const kname = k.name || k.kind || k.id || name;
	const fields = [];
	const seen = new Set();
	const add = (f, defaults) => {
		const n = normField(f, defaults, limits);
		if (n.name && !seen.has(n.name)) {
			seen.add(n.name);
			fields.push(n);
		}
	};
	const src = k.fields || k.properties;
	if (Array.isArray(src))
		src.forEach(f => add(f, {}));
	else if (src && typeof src === 'object')
		Object.entries(src).forEach(([n, v]) => add({name: n, ...v}, {}));
	(k.required || []).forEach(f => add(f, {required: true}));
	(k.optional || []).forEach(f => add(f, {required: false}));
	const groups = [];
	for (const g of k.one_of || k.any_of || k.groups || []) {
		const names = Array.isArray(g) ? g : (g.fields || []);
		const first = fields.find(f => f.name === names[0]);
		groups.push({fields: names, article: g.article || (first ? first.article : ''), report: g.report || g.field || names[0]});
	}
	// Fields marked as members of an "at least one of" group.
	const byGroup = {};
	for (const f of fields)
		if (typeof f.oneOf === 'string')
			(byGroup[f.oneOf] = byGroup[f.oneOf] || []).push(f);
	for (const fs of Object.values(byGroup))
		groups.push({fields: fs.map(f => f.name), article: fs[0].article, report: fs[0].name});
	for (const g of groups)
		for (const f of fields)
			if (g.fields.includes(f.name))
				f.required = false, f.inGroup = g;
	return {
		name: kname,
		article: String(k.article || ''),
		emergency: !!(k.emergency || k.needs_approval),
		via247: !!k.via_247,
		preservation: !!k.preservation,
		title: k.title,
		fields,
		groups,
	};
}

/* Normalise the answer of GET /v1/kinds. */
export function normaliseKinds(data) {
	const limits = {text_max: TEXT_MAX_DEFAULT};
	const l = (data && data.limits) || {};
	limits.text_max = l.text_bytes ?? l.text_max ?? l.field_max ?? TEXT_MAX_DEFAULT;
	let list = [];
	if (Array.isArray(data))
		list = data.map(k => normKind(k, k.name, limits));
	else if (data && Array.isArray(data.kinds))
		list = data.kinds.map(k => normKind(k, k.name, limits));
	else if (data && data.kinds && typeof data.kinds === 'object')
		list = Object.entries(data.kinds).map(([n, k]) => normKind(k, n, limits));
	// The steps a request may take are not here: the node lists those a
	// user may take now with each request (GET /v1/requests/ID "actions").
	return {kinds: list, limits};
}

function isEmpty(v) {
	return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ||
		(Array.isArray(v) && v.length === 0);
}

function checkValue(f, v, path, errors) {
	const err = (rule, params) => errors.push({field: path, rule, article: f.article, params: params || {}});
	if (isEmpty(v)) {
		if (f.required && f.type !== 'boolean')
			err('required');
		else if (f.const === true)
			err('must_be_true');
		return;
	}
	switch (f.type) {
	case 'boolean':
		if (typeof v !== 'boolean')
			return err('type_boolean');
		if (f.const !== undefined && v !== f.const)
			return err('must_be_true');
		return;
	case 'array':
		if (!Array.isArray(v))
			return err('type_array');
		if (f.minItems && v.length < f.minItems)
			return err('min_items', {min: f.minItems});
		if (f.maxItems && v.length > f.maxItems)
			return err('max_items', {max: f.maxItems});
		v.forEach((item, i) => {
			for (const s of f.items || [])
				checkValue(s, item ? item[s.name] : undefined, `${path}[${i}].${s.name}`, errors);
		});
		return;
	case 'integer':
	case 'number':
		if (typeof v !== 'number' || (f.type === 'integer' && !Number.isInteger(v)))
			return err('type_number');
		return;
	default:
		if (typeof v !== 'string')
			return err('type_string');
		if (f.max !== undefined && new TextEncoder().encode(v).length > f.max)
			return err('too_long', {max: f.max});
		if (f.min !== undefined && v.length < f.min)
			return err('too_short', {min: f.min});
		if (f.pattern && !(new RegExp(f.pattern, 'u')).test(v))
			return err(f.type === 'party' ? 'party_code' : 'pattern');
		if (f.enum && !f.enum.includes(v))
			return err('enum');
	}
}

/* Every problem with a request body, in field order:
 * [{field: "data[0].relation_to_offence", rule, article, params}] */
export function validate(kind, body) {
	const errors = [];
	for (const f of kind.fields) {
		if (f.hidden)
			continue;
		checkValue(f, body[f.name], f.name, errors);
	}
	for (const g of kind.groups)
		if (g.fields.every(n => isEmpty(body[n])))
			errors.push({field: g.report, rule: 'one_of', article: g.article, params: {fields: g.fields}});
	// The requested party is another party (core/request.c).
	if (!isEmpty(body.to) && body.to === body.from)
		errors.push({field: 'to', rule: 'same_party', article: kind.article, params: {}});
	// A stated deadline comes with its reason (art. 40).
	const dl = kind.fields.find(f => f.name === 'deadline_reason');
	if (dl && !isEmpty(body.deadline) && isEmpty(body.deadline_reason))
		errors.push({field: 'deadline_reason', rule: 'deadline_reason', article: dl.article || '40', params: {}});
	return errors;
}
