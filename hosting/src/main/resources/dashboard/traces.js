// Traces page: recent traces with their services and duration; a row opens the waterfall.
'use strict';

renderNav('/traces');

const service = document.getElementById('service');
const attribute = document.getElementById('attribute');
const sort = document.getElementById('sort');
const live = document.getElementById('live');

service.dataset.initial = pageParam('service') || '';
attribute.value = pageParam('attribute') || '';
sort.value = pageParam('sort') === 'duration' ? 'duration' : 'time';

function row(trace, longest) {
	const width = longest > 0 ? Math.max(0.5, 100 * trace.durationMs / longest) : 0;
	const href = '/trace?id=' + encodeURIComponent(trace.traceId);
	return el('tr', { class: 'clickable', 'data-trace': trace.traceId, onclick: () => { location.href = href; } },
		el('td', { class: 'nowrap mono small', title: formatDateTime(trace.startTime) }, formatTime(trace.startTime)),
		el('td', {}, el('a', { href }, el('strong', {}, trace.rootName || '(missing root span)')),
			el('div', { class: 'muted small mono' }, trace.traceId)),
		el('td', {}, trace.services.map(chip)),
		el('td', { class: 'right' }, trace.spanCount),
		el('td', { class: 'right' }, trace.errorCount
			? el('span', { class: 'badge bad' }, trace.errorCount) : el('span', { class: 'muted' }, '0')),
		el('td', { class: 'right nowrap' }, formatDuration(trace.durationMs)),
		el('td', { class: 'bar-cell' }, el('div', { class: 'dur-bar', style: { width: width + '%',
			background: trace.errorCount ? 'var(--bad)' : resourceColor(trace.rootService || '') } })));
}

async function refresh(force) {
	if (!live.checked && !force) return;
	const params = new URLSearchParams();
	if (service.value) params.set('service', service.value);
	if (attribute.value.trim()) params.set('attribute', attribute.value.trim());
	params.set('sort', sort.value);
	params.set('limit', '200');
	try {
		const [body, names] = await Promise.all([api('/api/telemetry/traces?' + params),
			api('/api/telemetry/resources')]);
		fillSelect(service, names.items.map((n) => n.name).sort(), 'All services');
		const longest = Math.max(0, ...body.items.map((trace) => trace.durationMs));
		document.querySelector('#traces tbody').replaceChildren(...body.items.map((t) => row(t, longest)));
		document.getElementById('empty').hidden = body.items.length > 0;
		document.getElementById('count').textContent = body.items.length + ' shown';
		showError('');
	} catch (e) {
		showError('Cannot read the traces: ' + e.message);
	}
}

function filtersChanged() {
	if (attribute.value.trim() && !attribute.value.includes('=')) {
		showError('Write the attribute filter as key=value');
		return;
	}
	setPageParams({ service: service.value, attribute: attribute.value.trim(),
		sort: sort.value === 'duration' ? 'duration' : '' });
	refresh(true);
}

let timer;
service.addEventListener('change', filtersChanged);
sort.addEventListener('change', filtersChanged);
attribute.addEventListener('input', () => {
	clearTimeout(timer);
	timer = setTimeout(filtersChanged, 400);
});
document.getElementById('duration-header').addEventListener('click', () => {
	sort.value = 'duration';
	filtersChanged();
});
every(2000, () => refresh(false));
