// Metrics page: the instruments each resource exports; a chart (or a table of the latest
// values) of the chosen one, with its unit and statistic, a time window and filters on
// the series' attributes.
'use strict';

renderNav('/metrics');

const resource = document.getElementById('resource');
const filter = document.getElementById('filter');
const windowSelect = document.getElementById('window');
const view = document.getElementById('view');
const live = document.getElementById('live');
let catalog = {};
let selected = pageParam('name');
// Attribute filters of the chosen instrument: {key: value}.
let dimensions = {};
let statistic = pageParam('stat') || '';

resource.dataset.initial = pageParam('resource') || '';
windowSelect.value = ['5', '15', '60', 'all'].includes(pageParam('window')) ? pageParam('window') : '15';
view.value = pageParam('view') === 'table' ? 'table' : 'chart';
for (const [key, value] of new URLSearchParams(location.search)) {
	if (key.startsWith('dim.')) dimensions[key.substring(4)] = value;
}

// Shown first: what a developer looks at most.
const FEATURED = [/^http\.server\.request\.duration$/, /^http\.server\.requests$/, /^jvm\.memory\.used$/, /records[._]lag/,
	/lag/i, /^jvm\.gc/, /^jvm\.cpu/, /^db\.client/];

// At most this many lines: more would be unreadable; the filters choose which.
const MAX_LINES = 8;

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
		onclick: () => { selected = instrument.name; dimensions = {}; statistic = ''; renderInstruments(); drawChart(); },
	}, el('div', { class: 'mono small' }, instrument.name),
	el('div', { class: 'muted small' }, [instrument.type, unitName(instrument.unit)].filter(Boolean).join(' · ')))));
	if (!instruments.length) list.append(el('div', { class: 'empty' }, 'No instruments.'));
}

/** A UCUM unit as people say it: By -> bytes, {messages} -> messages, 1 -> none. */
function unitName(unit) {
	if (!unit || unit === '1') return '';
	const names = { By: 'bytes', 'By/s': 'bytes/s', s: 's', ms: 'ms', us: 'µs', ns: 'ns', min: 'min', h: 'h',
		'%': '%', Hz: 'Hz', bit: 'bits', KiBy: 'KiB', MiBy: 'MiB', GiBy: 'GiB' };
	if (names[unit]) return names[unit];
	return unit.replace(/\{([^}]*)\}/g, '$1');
}

function formatter(unit) {
	if (unit === 'By' || unit === 'By/s') {
		return (value) => {
			const abs = Math.abs(value);
			const suffix = unit === 'By/s' ? '/s' : '';
			if (abs >= 1 << 30) return (value / (1 << 30)).toFixed(1) + ' GiB' + suffix;
			if (abs >= 1 << 20) return (value / (1 << 20)).toFixed(1) + ' MiB' + suffix;
			if (abs >= 1 << 10) return (value / (1 << 10)).toFixed(1) + ' KiB' + suffix;
			return niceNumber(value) + ' B' + suffix;
		};
	}
	const name = unitName(unit);
	const short = ['s', 'ms', 'µs', 'ns', '%'].includes(name) ? name : '';
	return (value) => niceNumber(value) + (short ? ' ' + short : '');
}

/** A Micrometer percentile gauge (tag phi) or a series with a quantile tag: its level. */
function quantileTag(attributes) {
	const value = (attributes || {}).phi ?? (attributes || {}).quantile;
	return value === undefined ? null : Number(value);
}

function seriesLabel(attributes, hidden) {
	const entries = Object.entries(attributes || {}).filter(([key]) => !hidden.includes(key));
	return entries.length ? entries.map(([k, v]) => k + '=' + v).join(', ') : '(all)';
}

/** The statistics the chosen instrument can show, the first being the default. */
function statistics(body) {
	if (body.statistic === 'percentiles') {
		return [['p50,p90,p99', 'p50 / p90 / p99'], ['p50', 'p50'], ['p90', 'p90'], ['p99', 'p99'],
			['mean', 'mean'], ['count', 'count/s']];
	}
	if (body.statistic === 'rate') return [['rate', 'rate/s'], ['total', 'total']];
	return [['value', 'value']];
}

const time = (point) => new Date(point.time).getTime();

/**
 * A series' points as one statistic [{t, v, gap}]: a counter's rate per second between
 * reports (a counter that went down restarted: the line breaks there), a percentile of a
 * histogram, or the value.
 */
function plotPoints(body, points, stat) {
	const result = [];
	let breakNext = false;
	for (let i = 0; i < points.length; i++) {
		const point = points[i];
		const gap = breakNext || !!point.gap;
		breakNext = false;
		let value;
		if (stat === 'rate' || stat === 'count') {
			const previous = points[i - 1];
			if (!previous || point.gap) {
				breakNext = !!previous;
				continue;
			}
			const seconds = (time(point) - time(previous)) / 1000;
			if (seconds <= 0) continue;
			if (stat === 'count') {
				value = point.count / seconds;
			} else if (body.temporality === 'delta') {
				value = point.value / seconds;
			} else {
				if (point.value < previous.value) {
					breakNext = true;
					continue;
				}
				value = (point.value - previous.value) / seconds;
			}
		} else if (stat === 'mean') {
			value = point.value;
		} else if (/^p[\d.]+$/.test(stat)) {
			value = (point.percentiles || {})[stat];
		} else {
			value = point.value;
		}
		if (value === undefined || value === null || !Number.isFinite(value)) continue;
		result.push({ t: time(point), v: value, gap });
	}
	return result;
}

function axisLabel(body, stat, quantiles) {
	const unit = unitName(body.unit);
	if (stat === 'rate') return 'rate/s · ' + (unit ? unit + '/s' : 'per second');
	if (stat === 'count') return 'count/s · measurements per second';
	const what = stat === 'total' ? 'total' : stat === 'mean' ? 'mean' : stat === 'value'
		? (quantiles ? 'percentile (' + quantiles + ')' : 'value') : stat.split(',').join('/');
	return what + (unit ? ' · ' + unit : '');
}

function dimensionControls(series, hidden) {
	const keys = new Map();
	for (const s of series) {
		for (const [key, value] of Object.entries(s.attributes || {})) {
			if (!keys.has(key)) keys.set(key, new Set());
			keys.get(key).add(String(value));
		}
	}
	const controls = [];
	for (const [key, values] of [...keys].sort(([a], [b]) => a.localeCompare(b))) {
		if (values.size < 2 || hidden.includes(key)) continue;
		const select = el('select', { 'data-dimension': key, onchange: () => {
			if (select.value) dimensions[key] = select.value; else delete dimensions[key];
			drawChart();
		} }, el('option', { value: '' }, 'All (' + values.size + ')'),
		[...values].sort().map((value) => el('option', { value }, value)));
		select.value = values.has(dimensions[key]) ? dimensions[key] : '';
		controls.push(el('label', {}, key, select));
	}
	return controls;
}

function latestTable(body, series, stats) {
	const percentileColumns = body.statistic === 'percentiles';
	const format = formatter(body.unit);
	const head = ['Series', 'Time'].concat(percentileColumns ? ['Count', 'Mean', 'p50', 'p90', 'p99']
		: body.statistic === 'rate' ? ['Rate/s', 'Total'] : ['Value']);
	const rows = series.map((s) => {
		const last = s.points[s.points.length - 1];
		let cells;
		if (!last) {
			cells = head.slice(2).map(() => '–');
		} else if (percentileColumns) {
			const p = last.percentiles || {};
			cells = [last.count ?? '–', format(last.value)].concat(['p50', 'p90', 'p99'].map((k) => (p[k] === undefined
				? '–' : format(p[k]))));
		} else if (body.statistic === 'rate') {
			const rates = plotPoints(body, s.points, 'rate');
			cells = [rates.length ? formatter('')(rates[rates.length - 1].v) : '–', format(last.value)];
		} else {
			cells = [format(last.value)];
		}
		return el('tr', { 'data-series': s.label }, el('td', { class: 'mono small' }, s.label),
			el('td', { class: 'nowrap small' }, last ? formatTime(last.time) : '–'),
			cells.map((cell) => el('td', { class: 'right mono small' }, String(cell))));
	});
	return el('table', { id: 'latest', class: 'latest' }, el('thead', {}, el('tr', {}, head.map((h) => el('th', {}, h)))),
		el('tbody', {}, rows));
}

async function drawChart() {
	const panel = document.getElementById('chart-panel');
	if (!resource.value || !selected) return;
	const minutes = windowSelect.value === 'all' ? null : Number(windowSelect.value);
	const since = minutes ? new Date(Date.now() - minutes * 60000).toISOString() : '';
	const params = { resource: resource.value, name: selected, window: windowSelect.value,
		view: view.value === 'table' ? 'table' : '', stat: statistic };
	for (const [key, value] of Object.entries(dimensions)) params['dim.' + key] = value;
	setPageParams(params);
	try {
		const body = await api('/api/telemetry/metrics/series?resource=' + encodeURIComponent(resource.value)
			+ '&name=' + encodeURIComponent(selected) + (since ? '&since=' + encodeURIComponent(since) : ''));
		const stats = statistics(body);
		const stat = stats.some(([key]) => key === statistic) ? statistic : stats[0][0];
		const quantileSeries = body.series.filter((s) => quantileTag(s.attributes) !== null);
		const hidden = quantileSeries.length ? ['phi', 'quantile'] : [];
		const quantiles = quantileSeries.length ? [...new Set(quantileSeries.map((s) => 'p'
			+ +(quantileTag(s.attributes) * 100).toFixed(3)))].join('/') : '';
		const matching = body.series.filter((s) => Object.entries(dimensions)
			.every(([key, value]) => String((s.attributes || {})[key]) === value));
		const labelled = matching.map((s) => {
			const level = quantileTag(s.attributes);
			const suffix = level !== null ? ' p' + +(level * 100).toFixed(3) : '';
			return { attributes: s.attributes, points: s.points, label: seriesLabel(s.attributes, hidden) + suffix };
		});
		const statSelect = el('select', { id: 'statistic', onchange: () => { statistic = statSelect.value; drawChart(); } },
			stats.map(([key, label]) => el('option', { value: key }, label)));
		statSelect.value = stat;
		const controls = el('div', { class: 'toolbar small metric-controls' },
			el('label', {}, 'Statistic', statSelect), dimensionControls(body.series, hidden));
		const header = el('h2', { style: { marginTop: 0 } }, body.name,
			el('span', { class: 'muted small' }, '  ' + [body.type, unitName(body.unit)].filter(Boolean).join(' · ')));
		const description = el('div', { class: 'muted small' }, body.description || '');
		if (view.value === 'table') {
			panel.replaceChildren(header, description, controls, latestTable(body, labelled, stats));
			showError('');
			return;
		}
		// One line per series and statistic; the busiest series first.
		const lines = [];
		const busiest = labelled.slice().sort((a, b) => b.points.length - a.points.length);
		for (const s of busiest) {
			for (const one of stat.split(',')) {
				lines.push({ label: s.label + (stat.includes(',') ? ' ' + one : ''),
					points: plotPoints(body, s.points, one) });
			}
		}
		const drawn = lines.slice(0, MAX_LINES);
		const chart = svg('svg', { id: 'chart', 'data-statistic': stat });
		panel.replaceChildren(header, description, controls, chart);
		const unit = stat === 'rate' ? (body.unit === 'By' ? 'By/s' : '') : stat === 'count' ? '' : body.unit;
		const colours = lineChart(chart, drawn, {
			yLabel: axisLabel(body, stat, quantiles),
			format: formatter(unit),
			minX: minutes ? Date.now() - minutes * 60000 : undefined,
			maxX: minutes ? Date.now() : undefined,
		});
		panel.append(el('div', { class: 'legend' }, drawn.map((line, i) => el('span', { 'data-line': line.label },
			el('span', { class: 'swatch', style: { background: colours[i] } }), line.label))));
		if (lines.length > drawn.length) {
			panel.append(el('div', { class: 'muted small', id: 'more-series' }, (lines.length - drawn.length)
				+ ' more lines not drawn: choose series with the attribute filters above'));
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
	dimensions = {};
	statistic = '';
	refresh(true);
});
filter.addEventListener('input', renderInstruments);
windowSelect.addEventListener('change', drawChart);
view.addEventListener('change', drawChart);
every(2000, () => refresh(false));
