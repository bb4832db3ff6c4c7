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
 * @param syncPollInterval how often a waiting sync looks for new events
 * @param syncBatchSize most events returned by one sync call
 * @param maxGroupMembers largest group
 * @param syncMaxWaiters most {@code /api/sync} calls waiting at once; each holds a
 * request thread, so further calls answer at once instead of waiting
 * @param sequencerInterval how often events are given their log position when no local
 * commit asked for it (events committed by an instance that stopped before numbering
 * them)
 */
@ConfigurationProperties("chatapp.chats")
public record ChatsProperties(@DefaultValue("120") int sendsPerMinute, @DefaultValue("30") int chatCreationsPerMinute,
		@DefaultValue("2s") Duration usersDeadline, @DefaultValue("30s") Duration syncMaxTimeout,
		@DefaultValue("100ms") Duration syncPollInterval, @DefaultValue("500") int syncBatchSize,
		@DefaultValue("1000") int maxGroupMembers, @DefaultValue("64") int syncMaxWaiters,
		@DefaultValue("200ms") Duration sequencerInterval) {
}
