// Structured logs page: OTLP log records from the services, filtered on the server.
'use strict';

renderNav('/structured');

const resource = document.getElementById('resource');
const level = document.getElementById('level');
const search = document.getElementById('search');
const live = document.getElementById('live');
const trace = document.getElementById('trace');
const expanded = new Set();

resource.dataset.initial = pageParam('resource') || '';
level.value = pageParam('level') || '';
search.value = pageParam('q') || '';
trace.value = pageParam('traceId') || '';

function traceFilter() {
	const id = trace.value.trim().toLowerCase();
	return /^[0-9a-f]{32}$/.test(id) ? id : '';
}

function showTraceFilter() {
	const id = traceFilter();
	document.getElementById('trace-filter').replaceChildren(...(id ? [el('a', { href: '/trace?id='
		+ encodeURIComponent(id), 'data-open-trace': id }, 'open trace ' + id.substring(0, 8) + '…'), ' · ',
	el('a', { href: '#', onclick: (event) => { event.preventDefault(); trace.value = ''; filtersChanged(); } },
		'all traces')] : []));
}
showTraceFilter();

const LEVEL_STYLE = { TRACE: '', DEBUG: '', INFO: 'info', WARN: 'warn', ERROR: 'bad', FATAL: 'bad' };

function row(item, index) {
	const key = item.time + '|' + index + '|' + item.message;
	const traceCell = item.traceId
		? el('a', { href: '/trace?id=' + encodeURIComponent(item.traceId)
			+ (item.spanId ? '&span=' + encodeURIComponent(item.spanId) : ''), class: 'mono small',
			'data-trace-link': item.traceId, title: 'Open the trace' + (item.spanId ? ' at span ' + item.spanId : ''),
			onclick: (event) => event.stopPropagation() }, item.traceId.substring(0, 8))
		: el('span', { class: 'muted' }, '–');
	const tr = el('tr', { class: 'clickable', 'data-severity': item.severity },
		el('td', { class: 'nowrap mono small', title: formatDateTime(item.time) }, formatTime(item.time)),
		el('td', {}, chip(item.resource)),
		el('td', {}, el('span', { class: 'badge ' + (LEVEL_STYLE[item.severity] || '') }, item.severity)),
		el('td', { style: { wordBreak: 'break-word' } }, item.message),
		el('td', {}, traceCell));
	const rows = [tr];
	if (expanded.has(key)) {
		rows.push(el('tr', {}, el('td', { colspan: 5 }, keyValues(Object.assign({}, item.attributes,
			item.spanId ? { 'span id': item.spanId } : {})))));
	}
	tr.addEventListener('click', () => {
		if (expanded.has(key)) expanded.delete(key); else expanded.add(key);
		refresh(true);
	});
	return rows;
}

async function refresh(force) {
	if (!live.checked && !force) return;
	const params = new URLSearchParams();
	if (resource.value) params.set('resource', resource.value);
	if (level.value) params.set('level', level.value);
	if (search.value.trim()) params.set('q', search.value.trim());
	if (traceFilter()) params.set('traceId', traceFilter());
	params.set('limit', '500');
	try {
		const [body, names] = await Promise.all([api('/api/telemetry/logs?' + params),
			api('/api/telemetry/resources')]);
		fillSelect(resource, names.items.map((n) => n.name).sort(), 'All resources');
		const tbody = document.querySelector('#logs tbody');
		tbody.replaceChildren(...body.items.flatMap(row));
		document.getElementById('empty').hidden = body.items.length > 0;
		document.getElementById('count').textContent = body.items.length + ' shown';
		showError('');
	} catch (e) {
		showError('Cannot read the logs: ' + e.message);
	}
}

function filtersChanged() {
	if (trace.value.trim() && !traceFilter()) {
		showError('A trace id is up to 32 hexadecimal digits');
		return;
	}
	setPageParams({ resource: resource.value, level: level.value, q: search.value.trim(), traceId: traceFilter() });
	showTraceFilter();
	refresh(true);
}

let timer;
resource.addEventListener('change', filtersChanged);
level.addEventListener('change', filtersChanged);
for (const input of [search, trace]) {
	input.addEventListener('input', () => {
		clearTimeout(timer);
		timer = setTimeout(filtersChanged, 300);
	});
}
every(2000, () => refresh(false));
