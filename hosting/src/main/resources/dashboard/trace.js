// Trace detail: a waterfall of every span (children under their parent, bars on a shared
// time axis); clicking a span shows its attributes, events and links.
'use strict';

renderNav('/traces');

const traceId = pageParam('id');
let selectedSpanId = pageParam('span');

/**
 * Spans in tree order with their depth. A span whose parent is not here but that links to a
 * span here (a Kafka consumer linking to the producer of its record) goes under that span,
 * so a message's whole path reads top to bottom; anything else becomes a root.
 */
function treeOrder(spans) {
	const byId = new Map(spans.map((span) => [span.spanId, span]));
	const children = new Map();
	const roots = [];
	const parentOf = (span) => {
		if (span.parentSpanId && byId.has(span.parentSpanId) && span.parentSpanId !== span.spanId) {
			return span.parentSpanId;
		}
		const link = (span.links || []).find((l) => byId.has(l.spanId) && l.spanId !== span.spanId);
		return link && !isAncestor(span.spanId, link.spanId) ? link.spanId : null;
	};
	const isAncestor = (ancestorId, spanId) => {
		for (let id = spanId, steps = 0; id && steps < spans.length; steps++) {
			if (id === ancestorId) return true;
			const span = byId.get(id);
			id = span && byId.has(span.parentSpanId) ? span.parentSpanId : null;
		}
		return false;
	};
	for (const span of spans) {
		const parent = parentOf(span);
		if (parent) {
			if (!children.has(parent)) children.set(parent, []);
			children.get(parent).push(span);
		} else {
			roots.push(span);
		}
	}
	const byStart = (a, b) => a.startOffsetMs - b.startOffsetMs;
	const ordered = [];
	const visited = new Set();
	const visit = (span, depth) => {
		if (visited.has(span)) return;
		visited.add(span);
		ordered.push({ span, depth });
		(children.get(span.spanId) || []).sort(byStart).forEach((child) => visit(child, depth + 1));
	};
	roots.sort(byStart).forEach((root) => visit(root, 0));
	// Spans caught in a cycle of links are shown as roots rather than lost.
	spans.filter((span) => !visited.has(span)).sort(byStart).forEach((span) => visit(span, 0));
	return ordered;
}

function ticks(total) {
	const marks = [];
	for (let i = 0; i <= 4; i++) marks.push(total * i / 4);
	return marks;
}

function spanLabel(span) {
	return span.name;
}

function offsetOf(trace, iso) {
	const origin = Math.min(...trace.spans.map((span) => new Date(span.startTime).getTime() - span.startOffsetMs));
	return new Date(iso).getTime() - origin;
}

function logsOf(trace, spanId) {
	return (trace.logs || []).filter((log) => log.spanId === spanId);
}

/** One log record: time in the trace, level, resource, message, and the span it belongs to. */
function logRow(trace, log) {
	const span = trace.spans.find((candidate) => candidate.spanId === log.spanId);
	const spanLink = span
		? el('a', { href: '#', 'data-select-span': span.spanId,
			onclick: (event) => { event.preventDefault(); select(trace, span.spanId); } }, span.name)
		: el('span', { class: 'muted' }, log.spanId ? 'span ' + log.spanId.substring(0, 8) : 'no span');
	return el('tr', { 'data-log-span': log.spanId, 'data-severity': log.severity },
		el('td', { class: 'nowrap mono small', title: formatDateTime(log.time) },
			'+' + formatDuration(offsetOf(trace, log.time))),
		el('td', {}, el('span', { class: 'badge plain lvl-badge ' + levelClass(log.severity) }, log.severity)),
		el('td', {}, chip(log.resource)),
		el('td', { class: 'log-message' }, log.message),
		el('td', { class: 'small' }, spanLink));
}

function renderLogs(trace) {
	const logs = trace.logs || [];
	document.getElementById('logs-count').replaceChildren(logs.length + ' records, by time · ',
		el('a', { href: '/structured?traceId=' + encodeURIComponent(trace.traceId) }, 'open in structured logs'));
	const container = document.getElementById('trace-logs');
	if (!logs.length) {
		container.replaceChildren(el('div', { class: 'empty' }, 'No log records with this trace id.'));
		return;
	}
	container.replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Time'), el('th', {}, 'Level'),
		el('th', {}, 'Resource'), el('th', {}, 'Message'), el('th', {}, 'Span'))),
	el('tbody', {}, logs.map((log) => logRow(trace, log)))));
}

function renderWaterfall(trace) {
	const spans = trace.spans;
	const total = Math.max(0.001, ...spans.map((span) => span.startOffsetMs + span.durationMs));
	const container = document.getElementById('waterfall');
	const axisTrack = el('div', { class: 'track' }, ticks(total).map((t, i) => el('span', { class: 'tick',
		style: i === 0 ? { left: '4px', transform: 'none' } : i === 4 ? { right: '4px', transform: 'none' }
			: { left: (100 * t / total) + '%' } }, formatDuration(t))));
	const rows = [el('div', { class: 'axis' }, el('div', { class: 'label' }, 'Span'), axisTrack)];
	for (const { span, depth } of treeOrder(spans)) {
		const left = 100 * span.startOffsetMs / total;
		const width = Math.max(0.3, 100 * span.durationMs / total);
		const isError = span.status && span.status.code === 'ERROR';
		const bar = el('div', { class: 'span-bar' + (isError ? ' error' : ''), style: { left: left + '%',
			width: width + '%', background: resourceColor(span.service) } });
		// The duration goes after the bar, or before it near the right edge, or inside a
		// bar that fills the row.
		let place = { left: (left + width + 0.5) + '%' };
		if (left + width > 80) {
			place = left > 15 ? { right: (100 - left + 0.5) + '%' } : { left: (left + 0.5) + '%', color: '#fff',
				fontWeight: 600 };
		}
		const timeLabel = el('span', { class: 'span-time', style: place }, formatDuration(span.durationMs));
		const events = (span.events || []).map((event) => el('div', { class: 'event-dot', title: event.name,
			style: { left: (100 * (new Date(event.time) - new Date(span.startTime)) / total
				+ left) + '%' } }));
		// A mark per log record of the span, at its time, coloured by level.
		const logMarks = logsOf(trace, span.spanId).map((log) => el('div', { class: 'log-mark ' + levelClass(log.severity),
			title: log.severity + ': ' + log.message,
			style: { left: Math.min(99.5, Math.max(0, 100 * offsetOf(trace, log.time) / total)) + '%' } }));
		const rowNode = el('div', { class: 'row' + (span.spanId === selectedSpanId ? ' selected' : ''),
			'data-span': span.spanId, 'data-service': span.service,
			onclick: () => select(trace, span.spanId) },
		el('div', { class: 'label', style: { paddingLeft: (8 + depth * 16) + 'px' },
			title: span.service + ': ' + span.name }, chip(span.service), ' ',
		isError ? el('span', { style: { color: 'var(--bad)' } }, '⚠ ') : null, spanLabel(span)),
		el('div', { class: 'track' }, bar, timeLabel, events, logMarks));
		rows.push(rowNode);
	}
	container.replaceChildren(...rows);
}

function select(trace, spanId) {
	selectedSpanId = spanId;
	document.querySelectorAll('.waterfall .row').forEach((node) =>
		node.classList.toggle('selected', node.dataset.span === spanId));
	const span = trace.spans.find((candidate) => candidate.spanId === spanId);
	const detail = document.getElementById('detail');
	if (!span) {
		detail.replaceChildren(el('span', { class: 'muted' }, 'Click a span to see its attributes and events.'));
		return;
	}
	const status = span.status || {};
	const summary = {
		service: span.service,
		instance: span.instance,
		kind: span.kind,
		status: (status.code || 'UNSET') + (status.message ? ': ' + status.message : ''),
		start: formatDateTime(span.startTime) + ' (+' + formatDuration(span.startOffsetMs) + ')',
		duration: formatDuration(span.durationMs),
		'span id': span.spanId,
		'parent id': span.parentSpanId || '(root)',
	};
	const events = (span.events || []).map((event) => el('div', { class: 'event' },
		el('div', {}, el('strong', {}, event.name), ' ',
			el('span', { class: 'muted small' }, '+' + formatDuration(new Date(event.time) - new Date(span.startTime)))),
		keyValues(event.attributes)));
	const links = (span.links || []).map((link) => {
		// A linked span shown in this waterfall is selected; any other opens its trace.
		const target = trace.spans.find((candidate) => candidate.spanId === link.spanId);
		const anchor = target
			? el('a', { href: '#', onclick: (event) => { event.preventDefault(); select(trace, target.spanId); } },
				target.service + ': ' + target.name)
			: el('a', { href: '/trace?id=' + encodeURIComponent(link.traceId) + '&span='
				+ encodeURIComponent(link.spanId) }, 'trace ' + link.traceId.substring(0, 12) + '…');
		const attributes = Object.keys(link.attributes || {}).length ? keyValues(link.attributes) : null;
		return el('div', { class: 'event' }, anchor, attributes);
	});
	detail.replaceChildren(
		el('h3', {}, span.name),
		keyValues(summary),
		el('h4', {}, 'Attributes'), keyValues(span.attributes),
		el('h4', {}, 'Events (' + events.length + ')'),
		...(events.length ? events : [el('div', { class: 'muted small' }, 'none')]),
		el('h4', {}, 'Links (' + links.length + ')'),
		...(links.length ? links : [el('div', { class: 'muted small' }, 'none')]),
		el('h4', {}, 'Logs (' + logsOf(trace, span.spanId).length + ')'),
		...logsOf(trace, span.spanId).map((log) => el('div', { class: 'event span-log ' + levelClass(log.severity) },
			el('span', { class: 'muted small' }, '+' + formatDuration(offsetOf(trace, log.time)) + ' ' + log.severity + ' '),
			log.message)),
		el('a', { href: '/structured?traceId=' + encodeURIComponent(trace.traceId) },
			'All structured logs of this trace'));
	setPageParams({ id: trace.traceId, span: spanId });
}

async function load() {
	if (!traceId) {
		showError('No trace id given; open a trace from the Traces page.');
		return;
	}
	try {
		const trace = await api('/api/telemetry/traces/' + encodeURIComponent(traceId));
		const spans = trace.spans;
		const root = treeOrder(spans)[0];
		const total = Math.max(0, ...spans.map((span) => span.startOffsetMs + span.durationMs));
		const services = [...new Set(spans.map((span) => span.service))];
		document.getElementById('title').textContent = root ? root.span.name : traceId;
		document.title = pageTitle(root ? root.span.name : 'Trace');
		document.getElementById('summary').replaceChildren(
			el('span', { class: 'mono' }, trace.traceId), ' · ', formatDuration(total), ' · ',
			spans.length + ' spans', ' · ', ...services.map(chip), ' · ',
			el('a', { href: '/structured?traceId=' + encodeURIComponent(trace.traceId) },
				(trace.logs || []).length + ' log records'));
		renderWaterfall(trace);
		renderLogs(trace);
		if (selectedSpanId) {
			select(trace, selectedSpanId);
			const row = document.querySelector('.waterfall .row.selected');
			if (row) row.scrollIntoView({ block: 'center' });
		}
		showError('');
	} catch (e) {
		showError('Cannot read trace ' + traceId + ': ' + e.message);
	}
}

load();
