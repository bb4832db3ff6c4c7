package io.chatapp.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the real Redocly CLI, pinned in {@code tools/openapi-lint} (installed there with
 * {@code npm ci}), on an OpenAPI document: {@code redocly lint --extends recommended}.
 * Without Node.js or that install the lint cannot run, and says why, so a build on a
 * machine without Node.js still passes on {@link OpenApiRules} alone; with
 * {@value #REQUIRED} set to {@code true} (as CI does) a missing linter is an error
 * instead.
 */
public final class RedoclyLint {

	/** Environment variable that makes a linter that cannot run an error. */
	public static final String REQUIRED = "CHATAPP_OPENAPI_LINT_REQUIRED";

	private static final Path TOOL = Path.of("tools", "openapi-lint");

	private RedoclyLint() {
	}

	/**
	 * The outcome of a lint.
	 *
	 * @param ran whether the linter ran
	 * @param exitCode its exit code (0: no errors)
	 * @param output what it printed, or why it did not run
	 * @param document where the document was written
	 */
	public record Result(boolean ran, int exitCode, String output, Path document) {

		/**
		 * The number of warnings the linter reported.
		 * @return the count, 0 when it reported none
		 */
		public int warnings() {
			java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+) warnings?").matcher(this.output);
			return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
		}

	}

	/**
	 * Writes the document to {@code target/openapi/<name>.json} and lints it there.
	 * @param document the OpenAPI document
	 * @param name the file's name, without extension
	 * @return the outcome
	 * @throws IllegalStateException if the linter cannot run and {@value #REQUIRED} is
	 * set
	 */
	public static Result lint(JsonNode document, String name) {
		Path file = Path.of("target", "openapi", name + ".json").toAbsolutePath();
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file,
					JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(document));
			Path tool = findTool();
			Path cli = (tool != null) ? tool.resolve("node_modules/@redocly/cli/bin/cli.js") : null;
			if (cli == null || !Files.isRegularFile(cli)) {
				return notRun("the pinned Redocly CLI is not installed: run `npm ci` in tools/openapi-lint", file);
			}
			String version = nodeVersion();
			if (!supported(version)) {
				return notRun("Node.js " + version + " is too old for the pinned Redocly CLI (needs 20.19+ or 22.12+)",
						file);
			}
			Process process = new ProcessBuilder(List.of("node", cli.toString(), "lint", "--extends", "recommended",
					"--format", "stylish", file.toString()))
				.directory(tool.toFile())
				.redirectErrorStream(true)
				.start();
			process.getOutputStream().close();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException("redocly lint did not finish within 2 minutes:\n" + output);
			}
			return new Result(true, process.exitValue(), output, file);
		}
		catch (IOException ex) {
			if (ex.getMessage() != null && ex.getMessage().contains("\"node\"")) {
				return notRun("Node.js is not installed (no `node` on the PATH)", file);
			}
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String nodeVersion() throws IOException, InterruptedException {
		Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
		String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		process.waitFor();
		return version;
	}

	/** As the pinned CLI's {@code engines}: {@code >=20.19.0 <21 || >=22.12.0}. */
	static boolean supported(String version) {
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("v?(\\d+)\\.(\\d+)").matcher(version);
		if (!matcher.lookingAt()) {
			return false;
		}
		int major = Integer.parseInt(matcher.group(1));
		int minor = Integer.parseInt(matcher.group(2));
		return (major == 20 && minor >= 19) || (major == 22 && minor >= 12) || major > 22;
	}

	private static Result notRun(String why, Path file) {
		if (Boolean.parseBoolean(System.getenv(REQUIRED))) {
			throw new IllegalStateException("redocly lint cannot run, and " + REQUIRED + " is set: " + why);
		}
		return new Result(false, -1, "redocly lint skipped, " + why + "; only the Java check of its rules ran", file);
	}

	/** tools/openapi-lint of the repository, found from a module's directory. */
	private static Path findTool() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve(TOOL).resolve("package.json"))) {
				return dir.resolve(TOOL);
			}
		}
		return null;
	}

}
