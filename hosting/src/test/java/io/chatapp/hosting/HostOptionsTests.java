package io.chatapp.hosting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.chatapp.hosting.HostOptions.Kind;
import io.chatapp.hosting.dashboard.LightModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The options parser: the library's options are always known, an application adds its
 * own, and options that name a resource are checked against the model that is built with
 * them.
 */
class HostOptionsTests {

	@TempDir
	Path temp;

	private final HostOptions.Parser parser = HostOptions.parser()
		.command("./shop.sh", "[--fresh] [--KEY=VALUE ...]")
		.description("Starts the shop.")
		.footer("More in the shop's README.")
		.option("web.port", "PORT", Kind.PORT, "web HTTP (8080)")
		.option("web.motto", "TEXT", Kind.TEXT, "what the shop says");

	@Test
	void theLibrarysOptionsAndTheApplicationsAreReadBack() {
		HostOptions options = this.parser.parse("--fresh", "--replicas", "web=2", "--web.port", "18080",
				"--web.motto=hello there", "--data-dir=/tmp/x", "--console=false", "--dashboard.enabled=false",
				"--config=" + emptyConfig());

		assertThat(options.fresh()).isTrue();
		assertThat(options.replicas("web")).isEqualTo(2);
		assertThat(options.replicas("setup")).isEqualTo(1);
		assertThat(options.port("web.port", 8080)).isEqualTo(18080);
		assertThat(options.get("web.motto", "")).isEqualTo("hello there");
		assertThat(options.dataDirectory()).hasToString("/tmp/x");
		assertThat(options.console()).isFalse();
		assertThat(options.otlpEndpoint()).isEmpty();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			--web.prot=1           | Unknown option --web.prot
			--kafka.port=9092      | Unknown option --kafka.port
			--web.port=70000       | --web.port=70000: expected a port from 1 to 65535
			--replicas=web         | Use --replicas <name>=<count>
			--fresh=maybe          | --fresh=maybe: use true or false
			""")
	void anOptionNoneDefinedOrAValueThatCannotBeRightIsRejected(String argument, String message) {
		assertThatExceptionOfType(HostingException.class).isThrownBy(() -> this.parser.parse(argument))
			.withMessageContaining(message);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					--web.replicas=2       |
					--setup.args=1         |
					--kafka.enabled=false  |
					--wbe.replicas=2       | Unknown option --wbe.replicas (no resource named 'wbe'; <name> is one of kafka, setup, web)
					--kafka.replicas=2     | Unknown option --kafka.replicas (kafka is not a service or job; <name>.replicas applies to setup, web)
					--kafka.jvm-args=-Xmx1g | Unknown option --kafka.jvm-args (kafka is not a service or job; <name>.jvm-args applies to setup, web)
					""")
	void anOptionThatNamesAResourceIsCheckedAgainstTheModel(String argument, String message) {
		HostOptions options = this.parser.parse(argument, "--data-dir=" + this.temp);

		if (message == null) {
			assertThat(model(options).services()).containsExactly("kafka", "setup", "web");
		}
		else {
			assertThatExceptionOfType(HostingException.class).isThrownBy(() -> model(options)).withMessage(message);
		}
	}

	@Test
	void theOptionsFileIsCheckedLikeTheCommandLineAndSaysWhereAProblemIs() throws IOException {
		Path file = this.temp.resolve("apphost.properties");
		Files.writeString(file, "web.port=18080\nwbe.enabled=false\n");
		HostOptions options = this.parser.parse("--config=" + file, "--data-dir=" + this.temp);

		assertThat(options.port("web.port", 8080)).isEqualTo(18080);
		assertThatExceptionOfType(HostingException.class).isThrownBy(() -> model(options))
			.withMessageStartingWith("Unknown option --wbe.enabled (in " + file + ")");

		Files.writeString(file, "web.prot=1\n");
		assertThatExceptionOfType(HostingException.class).isThrownBy(() -> this.parser.parse("--config=" + file))
			.withMessageContaining("Unknown option --web.prot (in " + file + ")");
	}

	@Test
	void anApplicationCannotDefineAnOptionTwice() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HostOptions.parser().option("dashboard.port", "PORT", Kind.PORT, "again"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HostOptions.parser().option("<name>.colour", "COLOUR", Kind.TEXT, "per resource"));
	}

	@Test
	void helpListsTheLibrarysOptionsThenTheApplicationsAndTheModelsResources() {
		String help = this.parser.help(List.of("kafka", "setup", "web"));

		assertThat(help).startsWith("Usage: ./shop.sh [--fresh] [--KEY=VALUE ...]\n\nStarts the shop.\n")
			.contains("--profile=development|production", "--<name>.replicas=N", "--dashboard.port=PORT",
					"--otlp.endpoint=URL", "--console=true|false")
			.contains("--web.port=PORT", "web HTTP (8080)", "--web.motto=TEXT")
			.contains("<name> is one of kafka, setup, web.")
			.endsWith("More in the shop's README.\n");
		assertThat(help.indexOf("--console")).isLessThan(help.indexOf("--web.port"));
		assertThat(this.parser.hint()).isEqualTo("./shop.sh --help lists every option.");
		assertThat(HostOptions.helpRequested("--fresh", "-h")).isTrue();
		assertThat(HostOptions.helpRequested("--fresh")).isFalse();
	}

	private static DistributedApplication model(HostOptions options) {
		DistributedApplication.Builder builder = DistributedApplication.builder(options);
		builder.addExternalKafka("kafka", "127.0.0.1:9");
		DistributedApplication.ProjectBuilder setup = builder.addJob("setup", LightModels.fakeServiceJar());
		builder.addService("web", LightModels.fakeServiceJar())
			.withHttpEndpoint(LightModels.freePort())
			.withReplicas(options.replicas("web"))
			.waitForCompletion(setup);
		return builder.build();
	}

	private String emptyConfig() {
		try {
			return Files.writeString(this.temp.resolve("empty.properties"), "").toString();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
