package io.chatapp.chats.sync;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import io.chatapp.chats.ChatsProperties;
import io.chatapp.chats.CurrentUser;
import io.chatapp.servicedefaults.web.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/sync}: the caller's events after a token, from the database (not from
 * Kafka retention or memory), so it works after any time offline. With {@code timeout} it
 * long-polls until an event arrives or the time is up.
 */
@RestController
@Tag(name = "Sync", description = "Catching up on events after being offline, by long polling")
class SyncController {

	private final EventLog events;

	private final ChatsProperties properties;

	private final Semaphore waiters;

	private final EventFeed feed;

	SyncController(EventLog events, EventFeed feed, ChatsProperties properties) {
		this.events = events;
		this.feed = feed;
		this.properties = properties;
		this.waiters = new Semaphore(properties.syncMaxWaiters());
	}

	@GetMapping(path = "/api/sync", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(operationId = "sync", summary = "Get the caller's events after a token",
			description = "Without since: a fresh token and no events. With timeout: waits up to that many ms for an event.")
	@ApiResponse(responseCode = "200", description = "The events, and the token for the next call")
	SyncResponse sync(@AuthenticationPrincipal Jwt token, @RequestParam(required = false) String since,
			@RequestParam(defaultValue = "0") @Min(0) @Max(60_000) long timeout) throws InterruptedException {
		UUID userId = CurrentUser.id(token);
		if (since == null) {
			return new SyncResponse(List.of(), this.events.now().encode());
		}
		SyncToken after;
		try {
			after = SyncToken.decode(since);
		}
		catch (IllegalArgumentException ex) {
			throw ProblemException.invalid("since", "is not a token from this API");
		}
		EventLog.Batch batch = this.events.read(userId, after, this.properties.syncBatchSize());
		long wait = Math.min(timeout, this.properties.syncMaxTimeout().toMillis());
		if (!batch.events().isEmpty() || wait == 0 || !this.waiters.tryAcquire()) {
			return new SyncResponse(batch.events(), batch.next().encode());
		}
		try {
			long deadline = System.nanoTime() + Duration.ofMillis(wait).toNanos();
			while (batch.events().isEmpty()) {
				// Woken as soon as this instance's feed has read past the position, which
				// it does right after any instance numbered new events.
				long left = deadline - System.nanoTime();
				if (left <= 0 || !this.feed.awaitPast(batch.next().position(), Duration.ofNanos(left))) {
					break;
				}
				batch = this.events.read(userId, batch.next(), this.properties.syncBatchSize());
			}
			return new SyncResponse(batch.events(), batch.next().encode());
		}
		finally {
			this.waiters.release();
		}
	}

	/**
	 * Events after the token, oldest first.
	 *
	 * @param events the events
	 * @param nextToken pass as {@code since} on the next call
	 */
	record SyncResponse(List<JsonNode> events, String nextToken) {
	}

}
