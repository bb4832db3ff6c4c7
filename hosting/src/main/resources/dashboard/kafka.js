// Kafka page: topics with offsets, the latest records of a topic (replay for dead letters),
// consumer groups with their lag.
'use strict';

renderNav('/kafka');

const showInternal = document.getElementById('internal');
let selectedTopic = pageParam('topic');
let tab = pageParam('tab') === 'groups' ? 'groups' : 'topics';
const openGroups = new Set();

function switchTab(name) {
	tab = name;
	document.querySelectorAll('.tabs button').forEach((b) => b.classList.toggle('active', b.dataset.tab === name));
	document.getElementById('topics-tab').hidden = name !== 'topics';
	document.getElementById('groups-tab').hidden = name !== 'groups';
	setPageParams({ tab: name === 'groups' ? 'groups' : '', topic: selectedTopic });
	if (name === 'groups') loadGroups(); else loadTopics();
}

async function loadTopics() {
	try {
		const body = await api('/api/kafka/topics');
		const topics = body.items.filter((topic) => showInternal.checked || !topic.internal);
		document.querySelector('#topics tbody').replaceChildren(...topics.map((topic) => el('tr', {
			class: 'clickable' + (topic.name === selectedTopic ? ' selected' : ''), 'data-topic': topic.name,
			onclick: () => openTopic(topic.name),
		},
		el('td', {}, el('strong', { class: 'mono' }, topic.name), ' ',
			topic.hasDeadLetters ? el('span', { class: 'badge bad', title: topic.messages + ' dead letters' }, 'dead letters')
			: (topic.dlt ? el('span', { class: 'badge plain', title: 'dead-letter topic, empty' }, 'DLT') : null),
			topic.internal ? el('span', { class: 'badge plain' }, 'internal') : null),
		el('td', { class: 'right' }, topic.partitionCount),
		el('td', { class: 'right' }, topic.messages),
		el('td', { class: 'mono small' }, topic.partitions.map((p) => p.partition + ':' + p.endOffset).join('  ')))));
		document.getElementById('count').textContent = topics.length + ' topics';
		showError('');
	} catch (e) {
		showError('Cannot list the topics: ' + e.message);
	}
}

function headerList(headers) {
	return el('div', { class: 'header-list' }, headers.map((header) => el('div', {},
		el('span', { class: 'k' }, header.key + ': '), header.valueEncoding === 'base64'
			? el('span', { class: 'muted' }, '(binary) ' + header.value) : header.value)));
}

async function replay(topic, record, button) {
	button.disabled = true;
	try {
		const result = await postJson('/api/kafka/dlt/' + encodeURIComponent(topic) + '/replay',
			{ partition: record.partition, offset: record.offset });
		button.replaceWith(el('span', { class: 'badge ok' }, 'replayed to ' + result.to.topic + '-'
			+ result.to.partition + '@' + result.to.offset));
	} catch (e) {
		button.disabled = false;
		showError('Replay failed: ' + e.message);
	}
}

async function openTopic(name) {
	selectedTopic = name;
	setPageParams({ topic: name });
	document.querySelectorAll('#topics tbody tr').forEach((tr) =>
		tr.classList.toggle('selected', tr.dataset.topic === name));
	const target = document.getElementById('records');
	target.replaceChildren(el('h2', {}, 'Latest records of ' + name), el('div', { class: 'muted' }, 'Reading…'));
	try {
		const body = await api('/api/kafka/topics/' + encodeURIComponent(name) + '/records?limit=50');
		const rows = body.items.map((record) => {
			const original = record.headers.find((h) => h.key === 'kafka_dlt-original-topic');
			const action = body.dlt ? el('button', { title: 'Produce it back to ' + (original ? original.value : '?'),
				disabled: !original, onclick: (event) => replay(name, record, event.target) }, 'Replay') : null;
			return el('tr', { 'data-offset': record.offset },
				el('td', { class: 'mono small nowrap' }, record.partition + '@' + record.offset),
				el('td', { class: 'nowrap small', title: record.timestamp }, formatDateTime(record.timestamp)),
				el('td', { class: 'mono small' }, record.key === null ? el('span', { class: 'muted' }, 'null')
					: record.key),
				el('td', { style: { maxWidth: '320px' } }, headerList(record.headers)),
				el('td', { style: { width: '40%' } }, el('pre', { class: 'record-value' },
					record.valueEncoding === 'base64' ? '(binary, Base64) ' + record.value
						: prettyJson(record.value === null ? 'null' : record.value))),
				el('td', {}, action));
		});
		target.replaceChildren(el('h2', {}, 'Latest records of ' + name + ' ',
			el('button', { onclick: () => openTopic(name) }, 'Refresh')),
		el('div', { class: 'panel' }, el('table', { id: 'record-table' },
			el('thead', {}, el('tr', {}, el('th', {}, 'Partition@offset'), el('th', {}, 'Time'), el('th', {}, 'Key'),
				el('th', {}, 'Headers'), el('th', {}, 'Value'), el('th', {}, ''))),
			el('tbody', {}, rows)),
		rows.length ? null : el('div', { class: 'empty' }, 'No records.')));
	} catch (e) {
		target.replaceChildren(el('h2', {}, 'Latest records of ' + name));
		showError('Cannot read ' + name + ': ' + e.message);
	}
}

async function loadGroups() {
	try {
		const body = await api('/api/kafka/groups');
		const rows = body.items.flatMap((group) => {
			const open = openGroups.has(group.groupId);
			const tr = el('tr', { class: 'clickable', 'data-group': group.groupId, onclick: () => {
				if (open) openGroups.delete(group.groupId); else openGroups.add(group.groupId);
				loadGroups();
			} },
			el('td', {}, el('strong', { class: 'mono' }, group.groupId)),
			el('td', {}, el('span', { class: 'badge ' + (String(group.state).toUpperCase() === 'STABLE' ? 'ok' : 'warn') }, group.state)),
			el('td', { class: 'right' }, group.members),
			el('td', { class: 'mono small' }, group.topics.join(', ')),
			el('td', { class: 'right' }, el('span', { class: 'badge ' + (group.lag > 0 ? 'warn' : 'ok') }, group.lag)));
			if (!open) return [tr];
			const detail = el('table', {}, el('thead', {}, el('tr', {}, ['Topic', 'Partition', 'Committed', 'End',
				'Lag', 'Member'].map((h) => el('th', {}, h)))),
			el('tbody', {}, group.partitions.map((p) => el('tr', {}, el('td', { class: 'mono small' }, p.topic),
				el('td', {}, p.partition), el('td', {}, p.committed === null ? '–' : p.committed), el('td', {}, p.end),
				el('td', {}, p.lag === null ? '–' : p.lag), el('td', { class: 'small' }, p.member || '–')))));
			return [tr, el('tr', {}, el('td', { colspan: 5 }, detail))];
		});
		document.querySelector('#groups tbody').replaceChildren(...rows);
		if (!rows.length) {
			document.querySelector('#groups tbody').append(el('tr', {}, el('td', { colspan: 5, class: 'empty' },
				'No consumer groups.')));
		}
		document.getElementById('count').textContent = body.items.length + ' consumer groups';
		showError('');
	} catch (e) {
		showError('Cannot list the consumer groups: ' + e.message);
	}
}

document.querySelectorAll('.tabs button').forEach((b) => b.addEventListener('click', () => switchTab(b.dataset.tab)));
showInternal.addEventListener('change', loadTopics);
document.getElementById('refresh-topics').addEventListener('click', loadTopics);
document.getElementById('refresh-groups').addEventListener('click', loadGroups);
switchTab(tab);
if (selectedTopic && tab === 'topics') openTopic(selectedTopic);
every(3000, () => (tab === 'groups' ? loadGroups() : loadTopics()));
