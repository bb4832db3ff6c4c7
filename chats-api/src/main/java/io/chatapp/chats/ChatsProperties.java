package io.chatapp.chats;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of chats-api.
 *
 * @param sendsPerMinute messages one user may send per minute (per instance)
 * @param chatCreationsPerMinute chats one user may create per minute (per instance)
 * @param usersDeadline deadline of one gRPC call to users-api
 * @param syncMaxTimeout longest long-poll of {@code /api/sync}
 * @param syncBatchSize most events returned by one sync call
 * @param maxGroupMembers largest group
 * @param syncMaxWaiters most {@code /api/sync} calls waiting at once; each holds a
 * request thread, so further calls answer at once instead of waiting
 * @param sequencerInterval how often events are given their log position when no local
 * commit asked for it (events committed by an instance that stopped before numbering
 * them)
 * @param live the WebSocket {@code /ws}: limits, typing and presence
 */
@ConfigurationProperties("chatapp.chats")
public record ChatsProperties(@DefaultValue("120") int sendsPerMinute, @DefaultValue("30") int chatCreationsPerMinute,
		@DefaultValue("2s") Duration usersDeadline, @DefaultValue("30s") Duration syncMaxTimeout,
		@DefaultValue("500") int syncBatchSize, @DefaultValue("1000") int maxGroupMembers,
		@DefaultValue("64") int syncMaxWaiters, @DefaultValue("200ms") Duration sequencerInterval,
		@DefaultValue Live live) {

	/**
	 * The WebSocket {@code /ws} (docs/contract.md lists the limits a client sees).
	 *
	 * @param authTimeout how long a new socket may go without a valid {@code auth} frame
	 * @param heartbeat how often clients are asked to send {@code ping}
	 * @param idleTimeout how long a socket may stay silent before it is closed
	 * @param maxFrameBytes largest frame a client may send
	 * @param framesPerSecond frames per second a client may send on average
	 * @param frameBurst frames a client may send at once
	 * @param queueFrames most frames waiting to be written to one socket
	 * @param queueBytes most bytes waiting to be written to one socket
	 * @param maxSockets most sockets this instance holds (each costs about 35 KB of heap,
	 * mostly the container's buffers); more are closed with 1013 and clients try again
	 * with back-off, possibly on another instance
	 * @param feedInterval how often the event feed looks for new events when no
	 * notification woke it (a notification normally wakes it at once)
	 * @param typingInterval at most one {@code typing} per user and chat is passed on per
	 * interval
	 * @param typingTtl how long a typing indicator lasts
	 * @param presenceGrace how long a user stays online after their last socket closed
	 * @param presenceRenewInterval how often this instance renews its presence leases
	 * @param presenceLease how long a lease lasts unless renewed (so how long a dead
	 * instance's users stay online)
	 * @param signals whether typing and presence travel over Kafka (off for tests that
	 * run without a broker)
	 */
	public record Live(@DefaultValue("10s") Duration authTimeout, @DefaultValue("25s") Duration heartbeat,
			@DefaultValue("60s") Duration idleTimeout, @DefaultValue("4096") int maxFrameBytes,
			@DefaultValue("20") int framesPerSecond, @DefaultValue("40") int frameBurst,
			@DefaultValue("1000") int queueFrames, @DefaultValue("1048576") int queueBytes,
			@DefaultValue("2000") int maxSockets, @DefaultValue("1s") Duration feedInterval,
			@DefaultValue("2s") Duration typingInterval, @DefaultValue("6s") Duration typingTtl,
			@DefaultValue("5s") Duration presenceGrace, @DefaultValue("10s") Duration presenceRenewInterval,
			@DefaultValue("30s") Duration presenceLease, @DefaultValue("true") boolean signals) {
	}

}
