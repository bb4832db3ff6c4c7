package io.chatapp.outbox;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

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

	/**
	 * A stored W3C {@code traceparent} ({@code 00-<trace>-<span>-<flags>}) as a remote
	 * span context.
	 * @param traceparent the stored value, or {@code null}
	 * @return the context, or {@code null} if there is none or it is malformed
	 */
	public static SpanContext parse(String traceparent) {
		if (traceparent == null || traceparent.length() < 55) {
			return null;
		}
		String[] parts = traceparent.split("-");
		if (parts.length < 4 || parts[1].length() != 32 || parts[2].length() != 16 || parts[3].length() != 2) {
			return null;
		}
		try {
			SpanContext context = SpanContext.createFromRemoteParent(parts[1], parts[2],
					TraceFlags.fromHex(parts[3], 0), TraceState.getDefault());
			return context.isValid() ? context : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
