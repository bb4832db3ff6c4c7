package io.chatapp.worker;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Keeps {@code user_profiles} a replica of users-api's profiles and presence, so the
 * chats service never calls users-api to read them.
 *
 * <p>
 * Retries and replays can deliver an older event after a newer one, so each part of a
 * profile changes only for an event at least as new as the one that last changed it:
 * {@code updated_at} for username, display name and avatar, {@code presence_updated_at}
 * for presence. Presence may arrive before the user's registration; the row then holds
 * the presence under an empty placeholder profile that any profile event replaces.
 */
@Service
class ProfileReplica {

	private static final Set<String> STATUSES = Set.of("online", "away", "busy", "offline");

	private final JdbcClient jdbc;

	private final JsonMapper jsonMapper;

	private final ProcessedEvents processedEvents;

	ProfileReplica(JdbcClient jdbc, JsonMapper jsonMapper, ProcessedEvents processedEvents) {
		this.jdbc = jdbc;
		this.jsonMapper = jsonMapper;
		this.processedEvents = processedEvents;
	}

	@Transactional
	void profileChanged(Event event) {
		Profile profile = event.data(this.jsonMapper, Profile.class);
		if (!this.processedEvents.firstDelivery(ProfilesListener.GROUP, event.id())) {
			return;
		}
		this.jdbc.sql("""
				INSERT INTO user_profiles (user_id, username, display_name, avatar_url, updated_at)
				VALUES (:userId, :username, :displayName, :avatarUrl, :occurredAt)
				ON CONFLICT (user_id) DO UPDATE
				SET username = EXCLUDED.username, display_name = EXCLUDED.display_name,
				    avatar_url = EXCLUDED.avatar_url, updated_at = EXCLUDED.updated_at
				WHERE user_profiles.updated_at <= EXCLUDED.updated_at
				""")
			.param("userId", event.requireUserId())
			.param("username", profile.username())
			.param("displayName", (profile.displayName() != null) ? profile.displayName() : profile.username())
			.param("avatarUrl", profile.avatarUrl())
			.param("occurredAt", utc(event))
			.update();
	}

	@Transactional
	void presenceChanged(Event event) {
		Presence presence = event.data(this.jsonMapper, Presence.class);
		if (!this.processedEvents.firstDelivery(ProfilesListener.GROUP, event.id())) {
			return;
		}
		this.jdbc.sql("""
				INSERT INTO user_profiles (user_id, username, display_name, presence, updated_at, presence_updated_at)
				VALUES (:userId, '', '', :presence, '-infinity', :occurredAt)
				ON CONFLICT (user_id) DO UPDATE
				SET presence = EXCLUDED.presence, presence_updated_at = EXCLUDED.presence_updated_at
				WHERE user_profiles.presence_updated_at <= EXCLUDED.presence_updated_at
				""")
			.param("userId", event.requireUserId())
			.param("presence", presence.status())
			.param("occurredAt", utc(event))
			.update();
	}

	private static OffsetDateTime utc(Event event) {
		return event.occurredAt().atOffset(ZoneOffset.UTC);
	}

	/**
	 * What the replica keeps of a {@code user.registered} or {@code user.updated} event's
	 * data.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Profile(String username, String displayName, String avatarUrl) {

		Profile {
			Objects.requireNonNull(username, "username");
		}

	}

	/**
	 * What the replica keeps of a {@code user.presence_changed} event's data.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Presence(String status) {

		Presence {
			if (!STATUSES.contains(status)) {
				throw new IllegalArgumentException("Unknown presence status: " + status);
			}
		}

	}

}
