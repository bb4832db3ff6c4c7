package io.chatapp.migration;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * One-shot job: prepares each service's schema and role, applies its migrations, and
 * exits 0. Any failure exits non-zero after one line that says what went wrong. Services
 * never migrate on their own; they start after this job has completed.
 */
@SpringBootApplication
@EnableConfigurationProperties(MigrationProperties.class)
public class DbMigrationApplication {

	private static final Logger log = LoggerFactory.getLogger(DbMigrationApplication.class);

	public static void main(String[] args) {
		int exitCode;
		try {
			exitCode = SpringApplication.exit(SpringApplication.run(DbMigrationApplication.class, args));
		}
		catch (RuntimeException ex) {
			log.error("Database migration failed: {}", rootCauseMessage(ex));
			exitCode = 1;
		}
		System.exit(exitCode);
	}

	@Bean
	ApplicationRunner migrate(DataSource dataSource, MigrationProperties properties) {
		return (args) -> new DatabaseMigrator(dataSource, properties.schemas()).migrate();
	}

	private static String rootCauseMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

}
