package io.chatapp.users.user;

import java.time.Instant;

import com.google.protobuf.Timestamp;
import io.chatapp.users.v1.Presence;

/** The one place where stored users become {@code chatapp.users.v1} messages. */
final class UserProtoMapper {

	private UserProtoMapper() {
	}

	static io.chatapp.users.v1.User toProto(User user) {
		Presence.Builder presence = Presence.newBuilder().setStatus(toProto(user.presence()));
		if (user.lastSeenAt() != null) {
			presence.setLastSeenAt(timestamp(user.lastSeenAt()));
		}
		return io.chatapp.users.v1.User.newBuilder()
			.setId(user.id().toString())
			.setUsername(user.username())
			.setDisplayName(user.displayName())
			.setAvatarUrl(nullToEmpty(user.avatarUrl()))
			.setStatusMessage(nullToEmpty(user.statusMessage()))
			.setPresence(presence)
			.setCreatedAt(timestamp(user.createdAt()))
			.build();
	}

	private static io.chatapp.users.v1.PresenceStatus toProto(PresenceStatus status) {
		return switch (status) {
			case ONLINE -> io.chatapp.users.v1.PresenceStatus.PRESENCE_STATUS_ONLINE;
			case AWAY -> io.chatapp.users.v1.PresenceStatus.PRESENCE_STATUS_AWAY;
			case BUSY -> io.chatapp.users.v1.PresenceStatus.PRESENCE_STATUS_BUSY;
			case OFFLINE -> io.chatapp.users.v1.PresenceStatus.PRESENCE_STATUS_OFFLINE;
		};
	}

	private static Timestamp timestamp(Instant instant) {
		return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
	}

	private static String nullToEmpty(String value) {
		return (value != null) ? value : "";
	}

}
