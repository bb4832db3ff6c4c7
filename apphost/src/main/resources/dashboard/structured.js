// Structured logs page: OTLP log records from the services, filtered on the server.
'use strict';

renderNav('/structured');

const resource = document.getElementById('resource');
const level = document.getElementById('level');
const search = document.getElementById('search');
const live = document.getElementById('live');
const traceId = pageParam('traceId');
const expanded = new Set();

resource.dataset.initial = pageParam('resource') || '';
level.value = pageParam('level') || '';
search.value = pageParam('q') || '';
if (traceId) {
	document.getElementById('trace-filter').replaceChildren('Only trace ' + traceId.substring(0, 12) + '… ',
		el('a', { href: '/structured' }, 'show all'));
}

const LEVEL_STYLE = { TRACE: '', DEBUG: '', INFO: 'info', WARN: 'warn', ERROR: 'bad', FATAL: 'bad' };

function row(item, index) {
	const key = item.time + '|' + index + '|' + item.message;
	const traceCell = item.traceId
		? el('a', { href: '/trace?id=' + encodeURIComponent(item.traceId)
			+ (item.spanId ? '&span=' + encodeURIComponent(item.spanId) : ''), class: 'mono small',
			onclick: (event) => event.stopPropagation() }, item.traceId.substring(0, 8))
		: el('span', { class: 'muted' }, '–');
	const tr = el('tr', { class: 'clickable' },
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
	if (traceId) params.set('traceId', traceId);
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
	setPageParams({ resource: resource.value, level: level.value, q: search.value.trim(), traceId });
	refresh(true);
}

let timer;
resource.addEventListener('change', filtersChanged);
level.addEventListener('change', filtersChanged);
search.addEventListener('input', () => {
	clearTimeout(timer);
	timer = setTimeout(filtersChanged, 300);
});
every(2000, () => refresh(false));
