package io.chatapp.users.user;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A user's presence, written in lower case on the wire and in the database. */
public enum PresenceStatus {

	ONLINE, AWAY, BUSY, OFFLINE;

	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	@JsonCreator
	public static PresenceStatus of(String value) {
		for (PresenceStatus status : values()) {
			if (status.value().equals(value)) {
				return status;
			}
		}
		throw new IllegalArgumentException("must be one of online, away, busy, offline");
	}

}
