package io.chatapp.worker;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumer group {@value #GROUP} on {@code chat.events}: chat bookkeeping.
 */
@Component
class ActivityListener {

	static final String GROUP = "chats-worker-activity";

	private final ChatActivity activity;

	ActivityListener(ChatActivity activity) {
		this.activity = activity;
	}

	@RetryThenDeadLetter(retryTopicSuffix = "." + GROUP + ".retry", dltTopicSuffix = "." + GROUP + ".dlt")
	@KafkaListener(id = GROUP, groupId = GROUP, topics = Event.CHAT_EVENTS)
	void on(Event event) {
		if (event.is("message.created")) {
			this.activity.messageCreated(event);
		}
	}

}
