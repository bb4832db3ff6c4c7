package io.chatapp.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The repository the tests run in: where the built jars and the report are, and which
 * commit they come from.
 */
final class Checkout {

	private Checkout() {
	}

	static Path root() {
		for (Path candidate = Path.of("").toAbsolutePath(); candidate != null; candidate = candidate.getParent()) {
			if (Files.exists(candidate.resolve("mvnw")) && Files.isDirectory(candidate.resolve("apphost"))) {
				return candidate;
			}
		}
		throw new IllegalStateException("Run from inside the repository");
	}

	/**
	 * The commit, marked when the checkout has changes the jars may have been built from.
	 * @param root the repository
	 * @return e.g. {@code 1a2b3c4} or {@code 1a2b3c4 with local changes}
	 */
	static String commit(Path root) {
		String head = git(root, "rev-parse", "--short", "HEAD");
		// The document itself changes with every run; anything else means the jars may
		// not match the commit.
		String changes = git(root, "status", "--porcelain", "--", ".", ":!docs/reliability.md");
		return head + (changes.isBlank() ? "" : " with local changes");
	}

	private static String git(Path root, String... args) {
		List<String> command = new ArrayList<>(List.of("git"));
		command.addAll(List.of(args));
		try {
			Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			return (process.waitFor() == 0) ? output : "unknown";
		}
		catch (IOException ex) {
			return "unknown";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "unknown";
		}
	}

}
