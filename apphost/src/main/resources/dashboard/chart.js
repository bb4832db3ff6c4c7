// A small SVG line chart: one line per series, time on the x axis. No library needed.
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

const PALETTE = ['#5b3fd1', '#0b8a6f', '#d1603f', '#2f7ed8', '#c23b8c', '#8a6d0b', '#3f9fd1', '#6b7280'];

/**
 * Draws series [{label, points: [{time, value}]}] into an SVG element sized by CSS.
 * Returns the colours used, in series order, for a legend.
 */
function lineChart(target, series) {
	const width = target.clientWidth || 800;
	const height = target.clientHeight || 340;
	const pad = { left: 64, right: 16, top: 12, bottom: 28 };
	target.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
	target.replaceChildren();
	const all = series.flatMap((s) => s.points);
	if (all.length === 0) {
		target.append(svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', fill: '#667085' },
			'No data points yet'));
		return [];
	}
	const times = all.map((p) => new Date(p.time).getTime());
	const values = all.map((p) => p.value);
	let minX = Math.min(...times);
	let maxX = Math.max(...times);
	if (maxX === minX) { minX -= 1000; maxX += 1000; }
	let minY = Math.min(0, ...values);
	let maxY = Math.max(...values);
	if (maxY === minY) maxY = minY + 1;
	maxY += (maxY - minY) * 0.05;
	const x = (t) => pad.left + (t - minX) / (maxX - minX) * (width - pad.left - pad.right);
	const y = (v) => height - pad.bottom - (v - minY) / (maxY - minY) * (height - pad.top - pad.bottom);
	for (let i = 0; i <= 4; i++) {
		const value = minY + (maxY - minY) * i / 4;
		target.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value),
			stroke: '#e3e6eb' }));
		target.append(svg('text', { x: pad.left - 6, y: y(value) + 4, 'text-anchor': 'end', 'font-size': 11,
			fill: '#667085' }, niceNumber(value)));
	}
	for (let i = 0; i <= 4; i++) {
		const time = minX + (maxX - minX) * i / 4;
		target.append(svg('text', { x: x(time), y: height - 8, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end'
			: 'middle', 'font-size': 11, fill: '#667085' },
		new Date(time).toLocaleTimeString([], { hour12: false })));
	}
	const colours = [];
	series.forEach((s, index) => {
		const colour = PALETTE[index % PALETTE.length];
		colours.push(colour);
		const points = s.points.slice().sort((a, b) => new Date(a.time) - new Date(b.time));
		const d = points.map((p, i) => (i ? 'L' : 'M') + x(new Date(p.time).getTime()).toFixed(1) + ','
			+ y(p.value).toFixed(1)).join(' ');
		target.append(svg('path', { d, fill: 'none', stroke: colour, 'stroke-width': 1.8 }));
		if (points.length === 1) {
			target.append(svg('circle', { cx: x(new Date(points[0].time).getTime()), cy: y(points[0].value), r: 3,
				fill: colour }));
		}
	});
	return colours;
}
