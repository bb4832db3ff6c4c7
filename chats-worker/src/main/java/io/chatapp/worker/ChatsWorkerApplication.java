package io.chatapp.worker;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * chats-worker: Kafka consumers that keep the derived state of the {@code chats} schema
 * (notifications, the user profile replica, chat activity). Its HTTP port serves only
 * health and metrics.
 *
 * <p>
 * Started with {@code --replay-dlt=<dead-letter topic>} it is instead a one-shot command
 * that copies a dead-letter topic back into the topic its records came from, then exits
 * (see {@link DltReplay}).
 */
@SpringBootApplication
@EnableConfigurationProperties(WorkerProperties.class)
public class ChatsWorkerApplication {

	public static void main(String[] args) {
		SpringApplication application = application(args);
		if (DltReplay.isRequested(args)) {
			System.exit(SpringApplication.exit(application.run(args)));
		}
		application.run(args);
	}

	/**
	 * The application for these arguments: the worker, or the DLT replay command.
	 * @param args command line arguments
	 * @return the application, not yet run
	 */
	static SpringApplication application(String... args) {
		SpringApplication application = new SpringApplication(ChatsWorkerApplication.class);
		if (DltReplay.isRequested(args)) {
			// The command runs beside a live worker: it must not take the HTTP port nor
			// join the consumer groups.
			application.setWebApplicationType(WebApplicationType.NONE);
			application.setDefaultProperties(Map.of("spring.kafka.listener.auto-startup", "false"));
		}
		return application;
	}

}
