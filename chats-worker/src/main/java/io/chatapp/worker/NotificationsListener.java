package io.chatapp.worker;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumer group {@value #GROUP} on {@code chat.events}: notifications for new messages.
 */
@Component
class NotificationsListener {

	static final String GROUP = "chats-worker-notifications";

	private final Notifier notifier;

	NotificationsListener(Notifier notifier) {
		this.notifier = notifier;
	}

	@RetryThenDeadLetter(retryTopicSuffix = "." + GROUP + ".retry", dltTopicSuffix = "." + GROUP + ".dlt")
	@KafkaListener(id = GROUP, groupId = GROUP, topics = Event.CHAT_EVENTS)
	void on(Event event) {
		if (event.is("message.created")) {
			this.notifier.messageCreated(event);
		}
	}

}
