// Resources page: every resource of the AppHost with its state, polled every second.
'use strict';

renderNav('/');

const STATE_STYLE = {
	HEALTHY: 'ok', RUNNING: 'ok', STARTING: 'info', WAITING: 'info', STOPPING: 'warn',
	UNHEALTHY: 'bad', FAILED_TO_START: 'bad', NOT_STARTED: '', UNAVAILABLE: '',
};

const TYPE_LABEL = { kafka: 'Kafka', postgres: 'PostgreSQL', service: 'Project', job: 'Job' };

function stateBadge(resource) {
	let style = STATE_STYLE[resource.state] || '';
	if (resource.state === 'EXITED') style = resource.exitCode === 0 ? 'ok' : 'bad';
	let text = resource.stateLabel;
	if (resource.state === 'WAITING' && resource.waitingFor.length) text += ' for ' + resource.waitingFor.join(', ');
	return el('span', { class: 'badge ' + style, 'data-state': resource.state }, text);
}

function healthBadge(health) {
	if (!health) return el('span', { class: 'muted' }, '–');
	const style = { Healthy: 'ok', Unhealthy: 'bad', Checking: 'info' }[health] || '';
	return el('span', { class: 'badge ' + style }, health);
}

function actionButton(resource, action, label) {
	return el('button', {
		disabled: !resource.actions[action],
		'data-action': action,
		title: label + ' ' + resource.name,
		onclick: async (event) => {
			event.target.disabled = true;
			try {
				await postJson('/api/resources/' + encodeURIComponent(resource.name) + '/' + action);
				showError('');
			} catch (e) {
				showError(label + ' ' + resource.name + ': ' + e.message);
			}
			refresh();
		},
	}, label);
}

function row(resource) {
	const endpoints = resource.endpoints.map((endpoint) => endpoint.href
		? el('div', {}, el('a', { href: endpoint.href, target: '_blank', rel: 'noopener' }, endpoint.address))
		: el('div', { class: 'mono small' }, endpoint.address));
	const started = resource.startTime
		? el('span', { title: formatDateTime(resource.startTime) }, formatTime(resource.startTime))
		: el('span', { class: 'muted' }, '–');
	const detail = [];
	if (resource.state !== 'HEALTHY' && resource.state !== 'WAITING' && resource.detail) {
		detail.push(el('div', { class: 'small' }, resource.detail));
	}
	if (resource.pids.length) detail.push(el('div', { class: 'muted small' }, 'pid ' + resource.pids.join(', ')));
	if (resource.actionError) detail.push(el('div', { class: 'small', style: { color: 'var(--bad)' } },
		resource.actionError));
	return el('tr', { 'data-resource': resource.name },
		el('td', {}, el('a', { href: '/console?resource=' + encodeURIComponent(resource.name) },
			el('strong', {}, resource.name))),
		el('td', {}, el('span', { class: 'badge plain' }, TYPE_LABEL[resource.type] || resource.type)),
		el('td', {}, stateBadge(resource)),
		el('td', {}, healthBadge(resource.health)),
		el('td', { class: 'nowrap' }, started),
		el('td', {}, endpoints.length ? endpoints : el('span', { class: 'muted' }, '–')),
		el('td', { style: { maxWidth: '360px' } }, detail),
		el('td', { class: 'nowrap' }, actionButton(resource, 'start', 'Start'), ' ',
			actionButton(resource, 'stop', 'Stop'), ' ', actionButton(resource, 'restart', 'Restart')));
}

// Rows are replaced only when their resource changed, so a button is not swapped away under
// the pointer between press and release.
const rendered = new Map();

function render(items) {
	const tbody = document.querySelector('#resources tbody');
	const rows = items.map((resource) => {
		const json = JSON.stringify(resource);
		const previous = rendered.get(resource.name);
		if (previous && previous.json === json) return previous.tr;
		const tr = row(resource);
		rendered.set(resource.name, { json, tr });
		return tr;
	});
	rows.forEach((tr, index) => {
		if (tbody.children[index] !== tr) tbody.insertBefore(tr, tbody.children[index] || null);
	});
	while (tbody.children.length > rows.length) tbody.lastChild.remove();
}

async function refresh() {
	try {
		const body = await api('/api/resources');
		render(body.items);
		const ready = body.items.filter((r) => r.state === 'HEALTHY'
			|| (r.state === 'EXITED' && r.exitCode === 0)).length;
		document.getElementById('summary').textContent = ready + ' of ' + body.items.length + ' ready';
		if (document.getElementById('error').textContent.startsWith('The AppHost')) showError('');
	} catch (e) {
		showError('The AppHost does not answer: ' + e.message);
	}
}

every(1000, refresh);
