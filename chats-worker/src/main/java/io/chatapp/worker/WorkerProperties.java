package io.chatapp.worker;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * chats-worker settings; defaults are in {@code application.yml}.
 *
 * <p>
 * The retry settings are read by {@link RetryThenDeadLetter} (through property
 * placeholders, as annotation attributes must be) for every consumer group; binding them
 * here documents and validates them at startup.
 *
 * @param retry how a failed record is retried before it goes to the dead-letter topic
 */
@ConfigurationProperties("chatapp.worker")
@Validated
public record WorkerProperties(@Valid @NotNull Retry retry) {

	/**
	 * Non-blocking retries: a failed record moves to a retry topic and is tried again
	 * after a back-off that grows exponentially, while later records go on.
	 *
	 * @param attempts deliveries in all, the first included; after the last failure the
	 * record goes to the group's dead-letter topic
	 * @param delay back-off before the first retry
	 * @param multiplier factor applied to the back-off for each further retry
	 * @param maxDelay upper bound of the back-off
	 */
	public record Retry(@Min(1) int attempts, @NotNull Duration delay, @DecimalMin("1.0") double multiplier,
			@NotNull Duration maxDelay) {
	}

}
