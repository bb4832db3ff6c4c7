// Shared by the telemetry pages (console, structured logs, traces, metrics): colours per
// resource and per log level. Loaded after common.js.
'use strict';

/*
 * Resource colours: medium tones that carry white text (contrast about 4.5:1 or more) and
 * stay visible on a dark background. A hue wheel put chats-api and chats-worker next to
 * each other, so the AppHost's own resources get fixed, clearly different colours and
 * anything else a colour picked by a hash of its name; a replica (chats-api-2) takes its
 * service's colour, its name tells them apart.
 */
const RESOURCE_PALETTE = ['#2f6fdb', '#c2410c', '#0f7a55', '#b8327a', '#7c4dd8', '#0e7490', '#8a6a00', '#5b6b7f',
	'#4d7c0f', '#a63d40'];

const KNOWN_RESOURCES = ['chats-api', 'chats-worker', 'users-api', 'outbox-relay', 'web', 'postgres', 'kafka',
	'db-migration', 'chats-events', 'setup'];

function resourceColor(name) {
	const text = String(name || '');
	const base = KNOWN_RESOURCES.find((known) => text === known || new RegExp('^' + known + '-\\d+$').test(text));
	if (base) return RESOURCE_PALETTE[KNOWN_RESOURCES.indexOf(base) % RESOURCE_PALETTE.length];
	let hash = 0x811c9dc5;
	for (const c of text.replace(/-\d+$/, '')) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193) >>> 0;
	return RESOURCE_PALETTE[hash % RESOURCE_PALETTE.length];
}

// chip() in common.js looks serviceColor up when called: on these pages it gets the
// palette above.
// eslint-disable-next-line no-global-assign
serviceColor = resourceColor;

/** TRACE..FATAL of an OTLP record, or the level written in a console line (Spring Boot, logfmt, JSON). */
function logLevel(text) {
	const head = String(text || '').substring(0, 160);
	const match = head.match(/\b(FATAL|ERROR|WARN|WARNING|INFO|DEBUG|TRACE)\b/)
		|| head.match(/"level"\s*:\s*"(\w+)"/i) || head.match(/\blevel=(\w+)/i);
	if (!match) return '';
	const level = match[1].toUpperCase();
	return level === 'WARNING' ? 'WARN' : level;
}

/** CSS class for a level: ERROR and FATAL red, WARN amber, DEBUG and TRACE muted, INFO plain. */
function levelClass(level) {
	return { FATAL: 'lvl-error', ERROR: 'lvl-error', WARN: 'lvl-warn', DEBUG: 'lvl-debug', TRACE: 'lvl-debug' }[level]
		|| 'lvl-info';
}
