// Console logs page: the AppHost's copy of each resource's stdout/stderr, tailed live.
'use strict';

renderNav('/console');

const MAX_LINES = 5000;
const select = document.getElementById('resource');
const search = document.getElementById('search');
const follow = document.getElementById('follow');
const output = document.getElementById('lines');
let last = 0;
let generation = 0;

select.dataset.initial = pageParam('resource') || '';
search.value = pageParam('q') || '';

// Colour codes some tools still write (e.g. ANSI colours) are dropped.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

function highlight(text, needle) {
	if (!needle) return [text];
	const parts = [];
	const lower = text.toLowerCase();
	const wanted = needle.toLowerCase();
	let from = 0;
	for (let at = lower.indexOf(wanted); at >= 0; at = lower.indexOf(wanted, from)) {
		parts.push(text.substring(from, at), el('mark', {}, text.substring(at, at + needle.length)));
		from = at + needle.length;
	}
	parts.push(text.substring(from));
	return parts;
}

// The level of each resource's last line: a stack trace's lines carry none of their own
// and are coloured like the line that started it.
const lastLevel = new Map();

function lineLevel(item, text) {
	const level = logLevel(text);
	if (level) {
		lastLevel.set(item.resource, level);
		return level;
	}
	const continued = /^(\s|at |Caused by:|\.\.\. \d+ more)/.test(text);
	return continued ? (lastLevel.get(item.resource) || '') : '';
}

function append(items) {
	if (!items.length) return;
	const needle = search.value.trim();
	const fragment = document.createDocumentFragment();
	for (const item of items) {
		const text = item.text.replace(ANSI, '');
		const level = lineLevel(item, text);
		// Coloured by level; the resource is a small marker in its own colour.
		fragment.append(el('span', { class: 'line ' + levelClass(level), 'data-level': level || 'NONE',
			title: item.resource + ' · ' + formatDateTime(item.time) },
		el('span', { class: 'res', 'data-resource': item.resource },
			el('span', { class: 'res-dot', style: { background: resourceColor(item.resource) } }), item.resource),
		...highlight(text, needle)));
	}
	output.append(fragment);
	while (output.childElementCount > MAX_LINES) output.firstChild.remove();
	if (follow.checked) output.scrollTop = output.scrollHeight;
	document.getElementById('count').textContent = output.childElementCount + ' lines';
}

function query(after) {
	const params = new URLSearchParams();
	if (select.value) params.set('resource', select.value);
	if (search.value.trim()) params.set('q', search.value.trim());
	params.set('after', after);
	if (after === 0) params.set('limit', '2000');
	return '/api/logs/console?' + params;
}

async function poll() {
	const mine = generation;
	try {
		const body = await api(query(last));
		if (mine !== generation) return;
		append(body.items);
		last = body.last;
		showError('');
	} catch (e) {
		showError('Cannot read the logs: ' + e.message);
	}
}

function restart() {
	generation++;
	last = 0;
	lastLevel.clear();
	output.replaceChildren();
	setPageParams({ resource: select.value, q: search.value.trim() });
	poll();
}

async function loadResources() {
	try {
		const body = await api('/api/resources');
		fillSelect(select, body.items.map((r) => r.name), 'All resources');
	} catch (e) {
		showError('Cannot list the resources: ' + e.message);
	}
}

let searchTimer;
select.addEventListener('change', restart);
search.addEventListener('input', () => {
	clearTimeout(searchTimer);
	searchTimer = setTimeout(restart, 300);
});
document.getElementById('clear').addEventListener('click', () => {
	output.replaceChildren();
	document.getElementById('count').textContent = '';
});
output.addEventListener('scroll', () => {
	// Scrolling up pauses following; scrolling back to the end resumes it.
	follow.checked = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
});

loadResources().then(() => every(1000, poll));
