// Shared by every page: navigation, the JSON API client, formatting and small DOM helpers.
'use strict';

const PAGES = [
	['/', 'Resources'],
	['/console', 'Console logs'],
	['/structured', 'Structured logs'],
	['/traces', 'Traces'],
	['/metrics', 'Metrics'],
	['/kafka', 'Kafka'],
];

/*
 * The application the dashboard belongs to: its name (the brand and the page titles) and its
 * services in the model's order (their colours). Every API call waits for it, so nothing is
 * drawn in a colour that changes a moment later.
 */
let application = { name: '', services: [] };

const applicationLoaded = fetch('/api/apphost', { headers: { 'Accept': 'application/json' } })
	.then((response) => (response.ok ? response.json() : null))
	.catch(() => null)
	.then((body) => {
		if (body) application = { name: body.name || '', services: body.services || [] };
		showApplicationName();
	});

/** "<page> · <application> dashboard", the title of a page. */
function pageTitle(page) {
	return page + ' · ' + (application.name ? application.name + ' dashboard' : 'Dashboard');
}

function showApplicationName() {
	const brand = document.getElementById('brand-name');
	if (brand) brand.textContent = application.name;
	const suffix = document.title.lastIndexOf(' · ');
	if (suffix >= 0) document.title = pageTitle(document.title.substring(0, suffix));
}

function renderNav(active) {
	const nav = document.createElement('nav');
	nav.className = 'side';
	nav.append(el('div', { class: 'brand' }, el('span', { id: 'brand-name' }, application.name),
		el('small', {}, 'AppHost dashboard')));
	for (const [href, title] of PAGES) {
		nav.append(el('a', { href, class: href === active ? 'active' : '' }, title));
	}
	nav.append(el('button', { class: 'shortcut-hint', title: 'Keyboard shortcuts', onclick: toggleShortcutHelp },
		'Shortcuts ', el('kbd', {}, '?')));
	document.body.prepend(nav);
}

// Keyboard shortcuts, as in GitHub or Gmail: "g" then a letter goes to a page, "/" focuses the
// page's filter, "?" lists them. Ignored while typing in a field or with a modifier key held.
const SHORTCUTS = [
	['g r', 'Resources', '/'],
	['g c', 'Console logs', '/console'],
	['g s', 'Structured logs', '/structured'],
	['g t', 'Traces', '/traces'],
	['g m', 'Metrics', '/metrics'],
	['g k', 'Kafka', '/kafka'],
];

/** Whether a key event belongs to a text field (or carries a modifier): shortcuts leave it alone. */
function isTyping(event) {
	const target = event.target;
	if (event.ctrlKey || event.metaKey || event.altKey) return true;
	if (!target || !target.tagName) return false;
	const tag = target.tagName.toLowerCase();
	return tag === 'input' || tag === 'textarea' || tag === 'select' || target.isContentEditable;
}

function toggleShortcutHelp() {
	let overlay = document.getElementById('shortcut-help');
	if (overlay) {
		overlay.remove();
		return;
	}
	const rows = SHORTCUTS.map(([keys, title]) => [keys, 'go to ' + title]).concat([
		['/', 'focus the filter or search field'], ['Esc', 'close this help or the details panel'],
		['?', 'show or hide this help']]);
	overlay = el('div', { id: 'shortcut-help', class: 'overlay', onclick: (event) => {
		if (event.target === overlay) overlay.remove();
	} }, el('div', { class: 'overlay-box', role: 'dialog', 'aria-label': 'Keyboard shortcuts' },
		el('h2', {}, 'Keyboard shortcuts'),
		el('table', {}, el('tbody', {}, rows.map(([keys, what]) => el('tr', {},
			el('td', { class: 'nowrap' }, keys.split(' ').flatMap((key, i) => [i ? ' ' : null, el('kbd', {}, key)])),
			el('td', {}, what)))))));
	document.body.append(overlay);
}

let pendingG = 0;

document.addEventListener('keydown', (event) => {
	if (isTyping(event)) return;
	const help = document.getElementById('shortcut-help');
	if (event.key === 'Escape' && help) {
		help.remove();
		return;
	}
	if (event.key === '?') {
		event.preventDefault();
		toggleShortcutHelp();
		return;
	}
	if (event.key === '/') {
		const field = document.querySelector('main input[type=search], main input[type=text]');
		if (field) {
			event.preventDefault();
			field.focus();
			field.select();
		}
		return;
	}
	if (Date.now() - pendingG < 1500) {
		pendingG = 0;
		const target = SHORTCUTS.find(([keys]) => keys === 'g ' + event.key.toLowerCase());
		if (target) {
			event.preventDefault();
			location.href = target[2];
		}
		return;
	}
	if (event.key === 'g') pendingG = Date.now();
});

/** Creates an element: el('a', {href: '/'}, 'text', childNode, ...). */
function el(tag, attrs, ...children) {
	const node = document.createElement(tag);
	for (const [key, value] of Object.entries(attrs || {})) {
		if (value === null || value === undefined || value === false) continue;
		if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
		else if (key === 'style' && typeof value === 'object') Object.assign(node.style, value);
		else node.setAttribute(key, value === true ? '' : value);
	}
	for (const child of children.flat()) {
		if (child === null || child === undefined || child === false) continue;
		node.append(child instanceof Node ? child : String(child));
	}
	return node;
}

/** Calls the JSON API; rejects with the server's error message. */
async function api(path, options) {
	await applicationLoaded;
	const response = await fetch(path, Object.assign({ headers: { 'Accept': 'application/json' } }, options || {}));
	let body = null;
	try {
		body = await response.json();
	} catch (e) {
		// Not JSON: reported below with the status.
	}
	if (!response.ok) {
		throw new Error((body && body.error) || ('HTTP ' + response.status));
	}
	return body;
}

function postJson(path, body) {
	return api(path, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
		body: body === undefined ? '{}' : JSON.stringify(body),
	});
}

/** Shows or hides the page's error banner (an element with id "error"). */
function showError(message) {
	const banner = document.getElementById('error');
	if (!banner) return;
	banner.textContent = message || '';
	banner.classList.toggle('shown', !!message);
}

/** Calls fn now and every intervalMs while the tab is visible; fn may be async. */
function every(intervalMs, fn) {
	let running = false;
	const tick = async () => {
		if (running || document.hidden) return;
		running = true;
		try {
			await fn();
		} finally {
			running = false;
		}
	};
	tick();
	return setInterval(tick, intervalMs);
}

function formatTime(iso) {
	if (!iso) return '';
	const date = new Date(iso);
	return date.toLocaleTimeString([], { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0');
}

function formatDateTime(iso) {
	if (!iso) return '';
	const date = new Date(iso);
	return date.toLocaleDateString() + ' ' + date.toLocaleTimeString([], { hour12: false });
}

function formatDuration(ms) {
	if (ms === null || ms === undefined) return '';
	if (ms < 1) return (ms * 1000).toFixed(0) + ' µs';
	if (ms < 1000) return (ms < 10 ? ms.toFixed(2) : ms.toFixed(1)) + ' ms';
	if (ms < 60000) return (ms / 1000).toFixed(2) + ' s';
	return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}

function formatSince(iso) {
	if (!iso) return '';
	const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
	if (seconds < 60) return seconds + ' s ago';
	if (seconds < 3600) return Math.floor(seconds / 60) + ' min ago';
	return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min ago';
}

/*
 * Resource colours: medium tones that carry white text (contrast about 4.5:1 or more) and
 * stay visible on a dark background. The model's services take them in the model's order,
 * and the palette is ordered so that neighbours are far apart on the hue wheel (118 degrees
 * or more), so two services declared one after the other are never look-alikes (a hue wheel
 * put them side by side). Any other name gets a colour picked by a hash of it; a replica
 * (web-2) takes its service's colour, its name tells them apart.
 */
const RESOURCE_PALETTE = ['#2f6fdb', '#c2410c', '#0f7a55', '#b8327a', '#4d7c0f', '#7c4dd8', '#8a6a00', '#0e7490',
	'#a63d40', '#5b6b7f'];

function resourceColor(name) {
	const text = String(name || '');
	let index = application.services.indexOf(text);
	if (index < 0) index = application.services.indexOf(text.replace(/-\d+$/, ''));
	if (index >= 0) return RESOURCE_PALETTE[index % RESOURCE_PALETTE.length];
	let hash = 0x811c9dc5;
	for (const c of text.replace(/-\d+$/, '')) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193) >>> 0;
	return RESOURCE_PALETTE[hash % RESOURCE_PALETTE.length];
}

function chip(service) {
	return el('span', { class: 'chip', style: { background: resourceColor(service) } }, service);
}

/** Key/value grid for attributes; values that are objects are shown as JSON. */
function keyValues(map) {
	const entries = Object.entries(map || {});
	if (entries.length === 0) return el('div', { class: 'muted small' }, 'none');
	const grid = el('div', { class: 'kv' });
	for (const [key, value] of entries.sort(([a], [b]) => a.localeCompare(b))) {
		grid.append(el('div', { class: 'k' }, key),
			el('div', { class: 'v' }, typeof value === 'object' ? JSON.stringify(value) : String(value)));
	}
	return grid;
}

/** Query parameters of the page URL. */
function pageParam(name) {
	return new URLSearchParams(location.search).get(name);
}

/** Replaces the page URL's query (no reload), so filters survive a reload and can be shared. */
function setPageParams(params) {
	const query = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) {
		if (value !== null && value !== undefined && value !== '') query.set(key, value);
	}
	const search = query.toString();
	history.replaceState(null, '', location.pathname + (search ? '?' + search : ''));
}

/** Fills a <select> with options, keeping the current choice when it still exists. */
function fillSelect(select, values, firstLabel) {
	const current = select.value || select.dataset.initial || '';
	const wanted = [''].concat(values);
	const existing = Array.from(select.options).map((option) => option.value);
	if (existing.join('\n') !== wanted.join('\n')) {
		select.replaceChildren(el('option', { value: '' }, firstLabel),
			...values.map((value) => el('option', { value }, value)));
	}
	select.value = wanted.includes(current) ? current : '';
	delete select.dataset.initial;
}

function prettyJson(text) {
	if (typeof text !== 'string') return text;
	const trimmed = text.trim();
	if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return text;
	try {
		return JSON.stringify(JSON.parse(trimmed), null, 2);
	} catch (e) {
		return text;
	}
}
