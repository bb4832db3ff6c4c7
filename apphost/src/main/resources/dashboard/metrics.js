// Metrics page: the instruments each resource exports, and a chart over time of the chosen one.
'use strict';

renderNav('/metrics');

const resource = document.getElementById('resource');
const filter = document.getElementById('filter');
const live = document.getElementById('live');
let catalog = {};
let selected = pageParam('name');

resource.dataset.initial = pageParam('resource') || '';

// Shown first: what a developer looks at most.
const FEATURED = [/^http\.server\.request\.duration$/, /^http\.server\.requests$/, /^jvm\.memory\.used$/, /records[._]lag/,
	/lag/i, /^jvm\.gc/, /^jvm\.cpu/, /^db\.client/];

function rank(name) {
	const index = FEATURED.findIndex((pattern) => pattern.test(name));
	return index < 0 ? FEATURED.length : index;
}

function renderInstruments() {
	const instruments = (catalog[resource.value] || [])
		.filter((instrument) => instrument.name.includes(filter.value.trim()))
		.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
	if (!selected && instruments.length) selected = instruments[0].name;
	const list = document.getElementById('instruments');
	list.replaceChildren(...instruments.map((instrument) => el('div', {
		class: 'item' + (instrument.name === selected ? ' selected' : ''), 'data-instrument': instrument.name,
		onclick: () => { selected = instrument.name; renderInstruments(); drawChart(); },
	}, el('div', { class: 'mono small' }, instrument.name),
	el('div', { class: 'muted small' }, [instrument.type, instrument.unit].filter(Boolean).join(' · ')))));
	if (!instruments.length) list.append(el('div', { class: 'empty' }, 'No instruments.'));
}

function seriesLabel(attributes) {
	const entries = Object.entries(attributes || {});
	return entries.length ? entries.map(([k, v]) => k + '=' + v).join(', ') : '(all)';
}

async function drawChart() {
	const panel = document.getElementById('chart-panel');
	if (!resource.value || !selected) return;
	setPageParams({ resource: resource.value, name: selected });
	try {
		const body = await api('/api/telemetry/metrics/series?resource=' + encodeURIComponent(resource.value)
			+ '&name=' + encodeURIComponent(selected));
		const info = (catalog[resource.value] || []).find((instrument) => instrument.name === selected) || {};
		// Many series (e.g. one per URI and status) would be unreadable: the busiest 8 are drawn.
		const series = body.series.slice().sort((a, b) => b.points.length - a.points.length).slice(0, 8)
			.map((s) => ({ label: seriesLabel(s.attributes), points: s.points }));
		const chart = svg('svg', { id: 'chart' });
		panel.replaceChildren(el('h2', { style: { marginTop: 0 } }, body.name,
			el('span', { class: 'muted small' }, '  ' + [body.type, body.unit].filter(Boolean).join(' · '))),
		el('div', { class: 'muted small' }, info.description || ''), chart);
		const colours = lineChart(chart, series);
		const legend = el('div', { class: 'legend' }, series.map((s, i) => el('span', {},
			el('span', { class: 'swatch', style: { background: colours[i] } }), s.label)));
		panel.append(legend);
		if (body.series.length > series.length) {
			panel.append(el('div', { class: 'muted small' }, (body.series.length - series.length)
				+ ' more series not drawn'));
		}
		showError('');
	} catch (e) {
		showError('Cannot read ' + selected + ': ' + e.message);
	}
}

async function refresh(force) {
	if (!live.checked && !force) return;
	try {
		const body = await api('/api/telemetry/metrics');
		catalog = body.resources || {};
		fillSelect(resource, Object.keys(catalog).sort(), 'Choose a resource');
		if (!resource.value && Object.keys(catalog).length) {
			resource.value = Object.keys(catalog).sort()[0];
		}
		renderInstruments();
		await drawChart();
	} catch (e) {
		showError('Cannot read the metrics: ' + e.message);
	}
}

resource.addEventListener('change', () => {
	selected = null;
	refresh(true);
});
filter.addEventListener('input', renderInstruments);
every(2000, () => refresh(false));
