package io.chatapp.worker;

/**
 * An event lacks what its type requires. Not retried: the record goes to the dead-letter
 * topic at once.
 */
class InvalidEventException extends RuntimeException {

	InvalidEventException(Event event, String problem) {
		super("Event " + event.id() + " (" + event.type() + "): " + problem);
	}

}
