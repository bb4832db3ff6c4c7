package io.chatapp.outbox;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * The W3C {@code traceparent} to store with an outbox row, so that the published event
 * (and whoever consumes it) continues the trace of the request that made the change.
 */
public final class Traceparent {

	private Traceparent() {
	}

	/**
	 * The trace context of the current span.
	 * @return a {@code traceparent} value, or null outside a trace
	 */
	public static String current() {
		SpanContext context = Span.current().getSpanContext();
		if (!context.isValid()) {
			return null;
		}
		return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
	}

}
