package io.chatapp.worker;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumer group {@value #GROUP} on {@code user.events}: the user profile replica.
 */
@Component
class ProfilesListener {

	static final String GROUP = "chats-worker-profiles";

	private final ProfileReplica profiles;

	ProfilesListener(ProfileReplica profiles) {
		this.profiles = profiles;
	}

	@RetryThenDeadLetter(retryTopicSuffix = "." + GROUP + ".retry", dltTopicSuffix = "." + GROUP + ".dlt")
	@KafkaListener(id = GROUP, groupId = GROUP, topics = Event.USER_EVENTS)
	void on(Event event) {
		switch (event.type()) {
			case "user.registered", "user.updated" -> this.profiles.profileChanged(event);
			case "user.presence_changed" -> this.profiles.presenceChanged(event);
			default -> {
				// Not part of the replica.
			}
		}
	}

}
