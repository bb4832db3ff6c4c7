package io.chatapp.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OpenLoopTests {

	/** A clock that only moves when told to. */
	static final class FakeClock implements OpenLoop.Clock {

		long now = 1_000_000_000L;

		@Override
		public long nanoTime() {
			return this.now;
		}

		@Override
		public void sleepUntil(long nanos) {
			this.now = Math.max(this.now, nanos);
		}

	}

	@Test
	void intendedTimesFollowTheRateWhateverHappened() {
		assertThat(OpenLoop.intendedTime(0, 1000, 0)).isZero();
		assertThat(OpenLoop.intendedTime(0, 1000, 1)).isEqualTo(1_000_000);
		assertThat(OpenLoop.intendedTime(5, 250, 1000)).isEqualTo(5 + 4_000_000_000L);
	}

	@Test
	void latencyCountsFromTheIntendedTimeNotFromWhenTheRequestWentOut() throws Exception {
		FakeClock clock = new FakeClock();
		List<Long> intended = new ArrayList<>();
		// 10 requests at 100/s, 10 ms apart. Request 2 stalls the generator for 50 ms
		// (as a blocking send would): requests 3..7 go out late, and each answers at
		// once.
		OpenLoop.Result result = new OpenLoop(clock, 100).run(100, 0.1, (i, due) -> {
			intended.add(due);
			if (i == 2) {
				clock.now += 50_000_000L;
			}
			return CompletableFuture.completedFuture(201);
		}, null);
		assertThat(result.ok()).isEqualTo(10);
		assertThat(intended).hasSize(10);
		assertThat(intended.get(1) - intended.get(0)).isEqualTo(10_000_000L);
		// Request 2 took 50 ms; 3 was due 10 ms after 2 but went out 40 ms late, 4 30 ms
		// late...
		// A closed-loop measurement would see 0 for 3..7; from the intended time they are
		// 40..0 ms.
		assertThat(result.latency().getMaxValue()).isBetween(49_900_000L, 50_100_000L);
		assertThat(result.latency().getTotalCount()).isEqualTo(10);
		long late = result.latency().getCountBetweenValues(1, 100_000_000L);
		assertThat(late).isEqualTo(5);
	}

	@Test
	void errorsAndRateLimitsAreCountedApart() throws Exception {
		FakeClock clock = new FakeClock();
		OpenLoop.Result result = new OpenLoop(clock, 10).run(10, 1, (i, due) -> {
			if (i == 0) {
				return CompletableFuture.completedFuture(429);
			}
			if (i == 1) {
				return CompletableFuture.failedFuture(new java.io.IOException("reset"));
			}
			return CompletableFuture.completedFuture((i == 2) ? 503 : 201);
		}, null);
		assertThat(result.ok()).isEqualTo(7);
		assertThat(result.rateLimited()).isEqualTo(1);
		assertThat(result.errors()).isEqualTo(2);
		assertThat(result.errorStatuses()).containsEntry(-1, 1L).containsEntry(503, 1L).hasSize(2);
		assertThat(result.achievedRate()).isEqualTo(7.0);
	}

	@Test
	void theAchievedRateCountsTheTimeTheLastRequestsTookAfterTheSchedule() throws Exception {
		FakeClock clock = new FakeClock();
		OpenLoop.Result result = new OpenLoop(clock, 100).run(10, 1, (i, due) -> {
			// The last answer comes two seconds after it was due.
			CompletableFuture<Integer> answer = new CompletableFuture<>();
			if (i == 9) {
				clock.sleepUntil(clock.nanoTime() + 2_000_000_000L);
			}
			answer.complete(201);
			return answer;
		}, null);
		assertThat(result.ok()).isEqualTo(10);
		assertThat(result.seconds()).isGreaterThan(1.0);
		assertThat(result.achievedRate()).isLessThan(10.0);
	}

}
