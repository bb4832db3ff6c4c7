// Resources page: every resource of the AppHost with its state, polled every second; a click
// on a row opens its details (environment, command line, health check, links to its telemetry).
'use strict';

renderNav('/');

const STATE_STYLE = {
	HEALTHY: 'ok', RUNNING: 'ok', STARTING: 'info', WAITING: 'info', STOPPING: 'warn',
	UNHEALTHY: 'bad', FAILED_TO_START: 'bad', NOT_STARTED: '', UNAVAILABLE: '',
};

const TYPE_LABEL = { kafka: 'Kafka', postgres: 'PostgreSQL', service: 'Project', job: 'Job' };

const filter = document.getElementById('filter');
filter.value = pageParam('filter') || '';
let selected = pageParam('resource');
// Secret values the user chose to see, by resource and variable; everything else stays masked.
const revealed = new Set();

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

/** Whether a resource needs attention: its row is highlighted. */
function troubled(resource) {
	return resource.state === 'UNHEALTHY' || resource.state === 'FAILED_TO_START'
		|| (resource.state === 'EXITED' && resource.exitCode !== 0 && resource.exitCode !== null
			&& resource.detail !== 'stopped');
}

const q = (name) => encodeURIComponent(name);

/** Pages of the dashboard already filtered on one resource. */
function resourceLinks(resource) {
	return [
		['Console logs', '/console?resource=' + q(resource.name), 'console'],
		['Structured logs', '/structured?resource=' + q(resource.name), 'structured'],
		['Error logs', '/structured?resource=' + q(resource.name) + '&level=ERROR', 'errors'],
		['Traces', '/traces?service=' + q(resource.name), 'traces'],
		['Metrics', '/metrics?resource=' + q(resource.name), 'metrics'],
	];
}

function errorBadge(resource) {
	if (!resource.errorCount) return null;
	return el('a', {
		class: 'badge bad error-count', href: '/structured?resource=' + q(resource.name) + '&level=ERROR',
		title: resource.errorCount + ' ERROR log records since it started', onclick: (e) => e.stopPropagation(),
	}, resource.errorCount + (resource.errorCount === 1 ? ' error' : ' errors'));
}

function actionButton(resource, action, label) {
	return el('button', {
		disabled: !resource.actions[action],
		'data-action': action,
		title: label + ' ' + resource.name,
		onclick: async (event) => {
			event.stopPropagation();
			event.target.disabled = true;
			try {
				await postJson('/api/resources/' + q(resource.name) + '/' + action);
				showError('');
			} catch (e) {
				showError(label + ' ' + resource.name + ': ' + e.message);
			}
			refresh();
		},
	}, label);
}

function endpointLinks(endpoints) {
	return endpoints.map((endpoint) => endpoint.href
		? el('div', {}, el('a', { href: endpoint.href, target: '_blank', rel: 'noopener',
			onclick: (e) => e.stopPropagation() }, endpoint.address))
		: el('div', { class: 'mono small' }, endpoint.address));
}

function row(resource) {
	const endpoints = endpointLinks(resource.endpoints);
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
	const classes = ['clickable'];
	if (resource.name === selected) classes.push('selected');
	if (troubled(resource)) classes.push('troubled');
	return el('tr', { 'data-resource': resource.name, class: classes.join(' '), title: 'Show the details',
		onclick: (event) => {
			if (event.target.closest('a, button')) return;
			select(selected === resource.name ? null : resource.name);
		} },
	el('td', {}, el('a', { href: '/console?resource=' + q(resource.name) }, el('strong', {}, resource.name)),
		' ', errorBadge(resource)),
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

function matchesFilter(resource) {
	const text = filter.value.trim().toLowerCase();
	if (!text) return true;
	return [resource.name, TYPE_LABEL[resource.type] || resource.type, resource.stateLabel]
		.some((value) => String(value).toLowerCase().includes(text));
}

function render(items) {
	const tbody = document.querySelector('#resources tbody');
	const rows = items.filter(matchesFilter).map((resource) => {
		const json = JSON.stringify(resource) + '|' + (resource.name === selected);
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

/** A value that may be a secret: masked until its eye button is pressed. */
function secretValue(resource, entry, key) {
	if (!entry.secret) return el('span', { class: 'v-text' }, entry.value);
	const id = resource + '|' + key;
	const shown = revealed.has(id);
	return el('span', { class: 'secret' + (shown ? ' shown' : '') },
		el('span', { class: 'v-text' }, shown ? entry.value : '••••••••'), ' ',
		el('button', { class: 'reveal small', title: shown ? 'Hide the value' : 'Show the value',
			onclick: () => {
				if (shown) revealed.delete(id); else revealed.add(id);
				loadDetails();
			} }, shown ? 'Hide' : 'Show'));
}

function healthSection(check) {
	if (!check) return el('div', { class: 'muted small' }, 'No health check (yet).');
	const when = el('span', { class: 'muted small health-when', title: formatDateTime(check.time) },
		'checked ' + formatTime(check.time) + ' (' + formatSince(check.time) + ')');
	const head = el('div', {}, el('span', { class: 'badge ' + (check.healthy ? 'ok' : 'bad') },
		check.status !== null ? 'HTTP ' + check.status : 'no answer'), ' ', el('span', { class: 'mono small' },
		check.target), ' ', when);
	const body = check.body !== null
		? el('pre', { class: 'record-value health-body' }, prettyJson(check.body) || '(empty)')
		: el('pre', { class: 'record-value health-body' }, check.error);
	return el('div', {}, head, body);
}

function detailsPanel(resource) {
	const facts = [
		['Kind', (TYPE_LABEL[resource.type] || resource.type) + ' (' + resource.kind + ')'],
		['State', el('span', {}, stateBadge(resource), ' ', el('span', { class: 'small' }, resource.detail))],
		['Service', resource.service],
		['Replicas', resource.replicas.length + ' (' + resource.replicas.join(', ') + ')'],
		['PIDs', resource.pids.length ? resource.pids.join(', ') : '–'],
		['Started', resource.startTime ? formatDateTime(resource.startTime) : '–'],
		['Restarts', String(resource.restarts)],
		['Exit code', resource.exitCode === null ? '–' : String(resource.exitCode)],
		['Endpoints', resource.endpoints.length ? endpointLinks(resource.endpoints) : '–'],
		['Working directory', resource.workingDirectory || '–'],
		['Log file', resource.logFile || '–'],
		['Errors since start', resource.errorCount === null ? '–' : String(resource.errorCount)],
	];
	const grid = el('div', { class: 'kv details-facts' });
	for (const [key, value] of facts) grid.append(el('div', { class: 'k' }, key), el('div', { class: 'v' }, value));
	const env = resource.environment.length
		? el('table', { class: 'env' }, el('tbody', {}, resource.environment.map((entry) => el('tr',
			{ 'data-env': entry.name }, el('td', { class: 'mono small' }, entry.name),
			el('td', { class: 'mono small' }, secretValue(resource.name, entry, 'env:' + entry.name))))))
		: el('div', { class: 'muted small' }, 'none');
	const args = resource.commandLine.length
		? el('ol', { class: 'args mono small' }, resource.commandLine.map((arg, index) =>
			el('li', {}, secretValue(resource.name, { secret: arg.secret, value: arg.value }, 'arg:' + index))))
		: el('div', { class: 'muted small' }, 'none (not a process of its own)');
	return [
		el('div', { class: 'details-head' },
			el('h2', {}, resource.name), el('span', { class: 'details-links' }, resourceLinks(resource).map(
				([label, href, kind]) => el('a', { href, class: 'button-link', 'data-link': kind }, label))),
			el('button', { class: 'close', title: 'Close (Esc)', onclick: () => select(null) }, '×')),
		grid,
		el('h3', {}, 'Health check'), healthSection(resource.healthCheck),
		el('h3', {}, 'Environment variables ', el('span', { class: 'muted small' },
			'set by the AppHost; secrets are masked')), env,
		el('h3', {}, 'Command line'), args,
	];
}

async function loadDetails() {
	const panel = document.getElementById('details');
	if (!selected) {
		panel.hidden = true;
		panel.replaceChildren();
		delete panel.dataset.key;
		return;
	}
	try {
		const resource = await api('/api/resources/' + q(selected));
		if (resource.name !== selected) return;
		// Redrawn only when something besides the time of the health check changed, so a link
		// or button is not swapped away under the pointer.
		const checked = resource.healthCheck ? resource.healthCheck.time : null;
		if (resource.healthCheck) resource.healthCheck.time = null;
		const key = JSON.stringify(resource) + '|' + Array.from(revealed).join(',');
		if (resource.healthCheck) resource.healthCheck.time = checked;
		if (panel.dataset.key !== key || panel.hidden) {
			panel.replaceChildren(...detailsPanel(resource));
			panel.dataset.key = key;
		} else if (checked) {
			const when = panel.querySelector('.health-when');
			if (when) {
				when.textContent = 'checked ' + formatTime(checked) + ' (' + formatSince(checked) + ')';
				when.title = formatDateTime(checked);
			}
		}
		panel.dataset.resource = resource.name;
		panel.hidden = false;
	} catch (e) {
		panel.replaceChildren(el('div', { class: 'empty' }, 'Cannot show ' + selected + ': ' + e.message));
		panel.hidden = false;
	}
}

function select(name) {
	selected = name;
	setPageParams({ resource: name, filter: filter.value.trim() });
	refresh();
	loadDetails();
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

filter.addEventListener('input', () => {
	setPageParams({ resource: selected, filter: filter.value.trim() });
	refresh();
});
document.addEventListener('keydown', (event) => {
	if (event.key === 'Escape' && selected && !isTyping(event)) select(null);
});
every(1000, refresh);
// The panel re-reads its resource every two seconds: the health check runs every two.
every(2000, loadDetails);
