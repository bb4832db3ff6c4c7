package io.chatapp.apphost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.HostingException;
import io.chatapp.hosting.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * ChatApp's command line: every documented option, the library's and ChatApp's, is
 * accepted in any order, {@code --help} lists them all with the model's resources, and an
 * unknown option, a resource the model does not have or a malformed value stops the
 * AppHost with status 2 before anything starts.
 */
class AppHostOptionsTests {

	@TempDir
	Path temp;

	@Test
	void everyOptionIsAcceptedAndReadBack() {
		HostOptions options = AppHostOptions.parser()
			.parse("--profile=production", "--fresh", "--data-dir", "/tmp/d", "--config=" + emptyConfig(), "--replicas",
					"chats-api=2", "--users-api.replicas=3", "--web.enabled=false", "--chats-worker.args=--debug",
					"--users-api.jvm-args=-Xmx1g -Xss1m", "--kafka.port=19092", "--kafka.controller-port=19093",
					"--kafka.brokers=3", "--postgres.port=15432", "--users-api.port=15002",
					"--users-api.grpc-port=15003", "--chats-api.port=15001", "--chats-worker.port=15004",
					"--web.port=15000", "--users-db-password=u", "--chats-db-password=c", "--dashboard.enabled=true",
					"--dashboard.port=28888", "--dashboard.address=127.0.0.1", "--dashboard.token=t",
					"--otlp.http-port=28890", "--otlp.grpc-port=28889", "--otlp.endpoint=http://collector:4318",
					"--telemetry.memory-mb=64", "--startup-timeout=60", "--console=false", "--no-build",
					"--kafka.bootstrap-servers=k:9092", "--postgres.url=jdbc:x", "--postgres.username=admin",
					"--postgres.password=secret", "--repo-root=/tmp/r");

		assertThat(options.profile()).isEqualTo(Profile.PRODUCTION);
		assertThat(options.fresh()).isTrue();
		assertThat(options.dataDirectory()).hasToString("/tmp/d");
		assertThat(options.replicas("chats-api")).isEqualTo(2);
		assertThat(options.replicas("users-api")).isEqualTo(3);
		assertThat(options.get("web.enabled", "")).isEqualTo("false");
		assertThat(options.list("users-api.jvm-args")).containsExactly("-Xmx1g", "-Xss1m");
		assertThat(options.port("kafka.port", 9092)).isEqualTo(19092);
		assertThat(options.brokers("kafka.brokers")).isEqualTo(3);
		assertThat(options.port("web.port", 5000)).isEqualTo(15000);
		assertThat(options.console()).isFalse();
		assertThat(options.otlpEndpoint()).contains("http://collector:4318");
		assertThat(options.repositoryRoot()).hasToString("/tmp/r");
		assertThat(AppHost.build(options).resource("users-api")).isPresent();
	}

	@Test
	void theOrderOfOptionsDoesNotMatter() {
		HostOptions one = AppHostOptions.parser()
			.parse("--fresh", "--replicas", "chats-api=2", "--kafka.port", "19092", "--no-build", "--console=false");
		HostOptions other = AppHostOptions.parser()
			.parse("--console=false", "--no-build", "--kafka.port", "19092", "--replicas", "chats-api=2", "--fresh");

		for (HostOptions options : List.of(one, other)) {
			assertThat(options.fresh()).isTrue();
			assertThat(options.replicas("chats-api")).isEqualTo(2);
			assertThat(options.port("kafka.port", 9092)).isEqualTo(19092);
			assertThat(options.console()).isFalse();
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			--frsh                      | Unknown option --frsh
			--kafka.prot=1              | Unknown option --kafka.prot
			--chat-api.replicas=2       | no resource named 'chat-api'
			--kafka.replicas=2          | Unknown option --kafka.replicas
			fresh                       | Unexpected argument 'fresh'
			""")
	void anUnknownOptionIsRejected(String argument, String message) {
		assertThatExceptionOfType(HostingException.class)
			.isThrownBy(() -> AppHost.build(AppHostOptions.parser().parse(argument, "--fresh")))
			.withMessageContaining(message);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			--users-api.port=70000       | --users-api.port=70000: expected a port from 1 to 65535
			--web.port=abc               | --web.port=abc: expected a port
			--replicas=chats-api         | Use --replicas <name>=<count>
			--replicas=chats-api=0       | --chats-api.replicas=0: expected a count from 1 to 9
			--fresh=maybe                | --fresh=maybe: use true or false
			--profile=fast               | --profile=production
			--startup-timeout=-1         | --startup-timeout=-1: expected seconds
			--telemetry.memory-mb=0      | --telemetry.memory-mb=0: expected megabytes
			--console=0                  | --console=0: use true or false
			--kafka.brokers=0            | --kafka.brokers=0: expected a broker count from 1 to 5
			--kafka.brokers=6            | --kafka.brokers=6: expected a broker count from 1 to 5
			--kafka.brokers=three        | --kafka.brokers=three: expected a broker count
			""")
	void aMalformedValueIsRejectedByName(String argument, String message) {
		assertThatExceptionOfType(HostingException.class).isThrownBy(() -> AppHostOptions.parser().parse(argument))
			.withMessageContaining(message);
	}

	@Test
	void theConfigurationFileIsCheckedLikeTheCommandLine() throws IOException {
		Path file = this.temp.resolve("apphost.properties");
		Files.writeString(file, "kafka.port=19092\nkafka.prot=1\n");

		assertThatExceptionOfType(HostingException.class)
			.isThrownBy(() -> AppHostOptions.parser().parse("--config=" + file))
			.withMessageContaining("Unknown option --kafka.prot (in " + file + ")");
	}

	@ParameterizedTest
	@ValueSource(strings = { "--help", "-h" })
	void helpListsEveryOptionAndStartsNothing(String flag) throws Exception {
		Run run = runAppHost("--fresh", flag, "--data-dir=" + this.temp.resolve("data"), "--bogus");

		assertThat(run.exitCode()).isZero();
		for (String option : List.of("--help", "--no-build", "--profile=development|production", "--fresh",
				"--data-dir=DIR", "--replicas NAME=N", "--<name>.replicas=N", "--<name>.enabled", "--<name>.args",
				"--<name>.jvm-args", "--kafka.port=PORT", "--kafka.brokers=N", "--kafka.bootstrap-servers",
				"--postgres.url", "--dashboard.port=PORT", "--dashboard.token", "--otlp.endpoint",
				"--telemetry.memory-mb", "--startup-timeout", "--console")) {
			assertThat(run.out()).contains(option);
		}
		assertThat(run.out())
			.contains("<name> is one of kafka, postgres, db-migration, users-api, chats-api, chats-worker, web.");
		assertThat(run.err()).isEmpty();
		assertThat(this.temp.resolve("data")).doesNotExist();
	}

	@ParameterizedTest
	@ValueSource(strings = { "--bogus", "--web.port=http", "--kafka.brokers=9" })
	void aBadCommandLineExitsWithStatusTwoAndAHintBeforeAnythingStarts(String argument) throws Exception {
		Run run = runAppHost("--data-dir=" + this.temp.resolve("data"), argument, "--dashboard.port=1");

		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.err()).contains(argument.split("=")[0]).contains("--help");
		assertThat(run.out()).doesNotContain("Dashboard");
		assertThat(this.temp.resolve("data")).doesNotExist();
	}

	private String emptyConfig() {
		try {
			return Files.writeString(this.temp.resolve("empty.properties"), "").toString();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The AppHost's main in a JVM of its own, as run.sh starts it. */
	private static Run runAppHost(String... args) throws Exception {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
						"-cp", System.getProperty("java.class.path"), AppHost.class.getName()));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).start();
		process.getOutputStream().close();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return new Run(process.exitValue(), out, err);
	}

	private record Run(int exitCode, String out, String err) {
	}

}
