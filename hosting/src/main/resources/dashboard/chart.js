// A small SVG line chart: lines per series, time on the x axis. No library needed.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
	const node = document.createElementNS(SVG, tag);
	for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
	for (const child of children) node.append(child);
	return node;
}

function niceNumber(value) {
	const abs = Math.abs(value);
	if (abs === 0) return '0';
	if (abs >= 1e9) return (value / 1e9).toFixed(1) + 'G';
	if (abs >= 1e6) return (value / 1e6).toFixed(1) + 'M';
	if (abs >= 1e4) return (value / 1e3).toFixed(1) + 'k';
	if (abs >= 100) return value.toFixed(0);
	if (abs >= 1) return value.toFixed(2);
	return value.toPrecision(2);
}

// Distinct in hue and readable as lines on a light or a dark panel.
const PALETTE = ['#3b82f6', '#f97316', '#10b981', '#e11d48', '#a855f7', '#06b6d4', '#ca8a04', '#64748b'];

/**
 * Draws series [{label, colour?, points: [{t (ms), v, gap?}]}] into an SVG element sized by
 * CSS. A point with gap set starts a new segment: the line is never drawn across time
 * without data. Each run of points is its own path (class "segment"), a lone point a dot.
 * options: {yLabel, format(value), minX, maxX (ms)}. Returns the colours used, in series
 * order, for a legend.
 */
function lineChart(target, series, options) {
	const opts = options || {};
	const format = opts.format || niceNumber;
	const width = target.clientWidth || 800;
	const height = target.clientHeight || 340;
	const pad = { left: 76, right: 16, top: 12, bottom: 28 };
	target.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
	target.replaceChildren();
	if (opts.yLabel) {
		target.append(svg('text', { class: 'chart-text y-label', x: 0, y: 0, 'font-size': 11, 'text-anchor': 'middle',
			transform: 'translate(12,' + ((height - pad.bottom + pad.top) / 2) + ') rotate(-90)' }, opts.yLabel));
	}
	const all = series.flatMap((s) => s.points);
	if (all.length === 0) {
		target.append(svg('text', { class: 'chart-text', x: width / 2, y: height / 2, 'text-anchor': 'middle' },
			'No data points in this window'));
		return series.map((s, index) => s.colour || PALETTE[index % PALETTE.length]);
	}
	const times = all.map((p) => p.t);
	const values = all.map((p) => p.v);
	let minX = opts.minX !== undefined ? Math.min(opts.minX, ...times) : Math.min(...times);
	let maxX = opts.maxX !== undefined ? Math.max(opts.maxX, ...times) : Math.max(...times);
	if (maxX === minX) { minX -= 1000; maxX += 1000; }
	let minY = Math.min(0, ...values);
	let maxY = Math.max(...values);
	if (maxY === minY) maxY = minY + 1;
	maxY += (maxY - minY) * 0.05;
	const x = (t) => pad.left + (t - minX) / (maxX - minX) * (width - pad.left - pad.right);
	const y = (v) => height - pad.bottom - (v - minY) / (maxY - minY) * (height - pad.top - pad.bottom);
	for (let i = 0; i <= 4; i++) {
		const value = minY + (maxY - minY) * i / 4;
		target.append(svg('line', { class: 'chart-grid', x1: pad.left, x2: width - pad.right, y1: y(value),
			y2: y(value) }));
		target.append(svg('text', { class: 'chart-text', x: pad.left - 6, y: y(value) + 4, 'text-anchor': 'end',
			'font-size': 11 }, format(value)));
	}
	for (let i = 0; i <= 4; i++) {
		const time = minX + (maxX - minX) * i / 4;
		target.append(svg('text', { class: 'chart-text', x: x(time), y: height - 8, 'text-anchor': i === 0 ? 'start'
			: i === 4 ? 'end' : 'middle', 'font-size': 11 },
		new Date(time).toLocaleTimeString([], { hour12: false })));
	}
	const colours = [];
	series.forEach((s, index) => {
		const colour = s.colour || PALETTE[index % PALETTE.length];
		colours.push(colour);
		const points = s.points.slice().sort((a, b) => a.t - b.t);
		const runs = [];
		for (const point of points) {
			if (!runs.length || point.gap) runs.push([]);
			runs[runs.length - 1].push(point);
		}
		for (const run of runs) {
			if (run.length === 1) {
				target.append(svg('circle', { class: 'segment', 'data-series': index, cx: x(run[0].t), cy: y(run[0].v),
					r: 3, fill: colour }));
				continue;
			}
			const d = run.map((p, i) => (i ? 'L' : 'M') + x(p.t).toFixed(1) + ',' + y(p.v).toFixed(1)).join(' ');
			target.append(svg('path', { class: 'segment', 'data-series': index, d, fill: 'none', stroke: colour,
				'stroke-width': 1.8 }));
		}
	});
	return colours;
}
