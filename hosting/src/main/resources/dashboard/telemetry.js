// Shared by the telemetry pages (console, structured logs, traces, metrics): log levels.
// Loaded after common.js.
'use strict';

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
