package io.chatapp.reliability;

import java.time.Duration;

/**
 * Time since a scenario's load started, for the report's timings.
 */
final class Clock {

	private final long start = System.nanoTime();

	Duration elapsed() {
		return Duration.ofNanos(System.nanoTime() - this.start);
	}

	String now() {
		return ReliabilityReport.duration(elapsed());
	}

	void sleepUntil(Duration offset) {
		Duration left = offset.minus(elapsed());
		if (!left.isNegative()) {
			SystemUnderTest.sleep(left);
		}
	}

}
