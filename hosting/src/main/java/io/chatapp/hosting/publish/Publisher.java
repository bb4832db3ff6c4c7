package io.chatapp.hosting.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostingException;

/**
 * Writes the model an AppHost runs locally out for a deployment target, as .NET Aspire's
 * publishers do: Kubernetes manifests (one file per resource) or a Compose file. The
 * services run from images named {@code [registry/]<application>/<service>:<version>}.
 */
public final class Publisher {

	/** The first line of every file written, which also marks it as safe to replace. */
	static final String HEADER = "# Generated from the %s AppHost model by --publish=%s: publish again rather than"
			+ " edit.%n";

	private Publisher() {
	}

	/**
	 * The files for a target.
	 * @param app the model, built but not started
	 * @param target {@code kubernetes} or {@code compose}
	 * @param registry image registry prefix, empty for none
	 * @return file name to content, in the order to apply them
	 * @throws HostingException when an address in the model has no counterpart there
	 */
	public static Map<String, String> files(DistributedApplication app, String target, String registry) {
		String prefix = (registry.isEmpty() ? "" : registry.replaceAll("/+$", "") + "/")
				+ app.name().toLowerCase(Locale.ROOT) + "/";
		String header = String.format(HEADER, app.name(), target);
		Map<String, String> files = new LinkedHashMap<>();
		switch (target) {
			case "kubernetes" -> {
				DeploymentModel model = DeploymentModel.of(app, KubernetesManifests.addresses());
				KubernetesManifests.objects(model, prefix)
					.forEach((file, objects) -> files.put(file, header + KubernetesManifests.yaml(objects)));
			}
			case "compose" -> {
				DeploymentModel model = DeploymentModel.of(app, ComposeFile.addresses());
				String yaml = new KubernetesSerialization().asYaml(ComposeFile.compose(model, prefix));
				files.put("compose.yaml", header + yaml.replaceFirst("^---\n", ""));
			}
			default -> throw new HostingException("Unknown publish target " + target + ": use kubernetes or compose");
		}
		return files;
	}

	/**
	 * Checks the files offline (see {@link ManifestValidator}).
	 * @param target {@code kubernetes} or {@code compose}
	 * @param files what {@link #files} returned for that target
	 * @return the problems found, none when the files are consistent
	 */
	public static List<String> validate(String target, Map<String, String> files) {
		return target.equals("compose") ? ManifestValidator.validateCompose(files.get("compose.yaml"))
				: ManifestValidator.validateKubernetes(files);
	}

	/**
	 * Writes the files into a directory, replacing files an earlier publish wrote there
	 * (and only those).
	 * @param files file name to content
	 * @param directory created if missing
	 */
	public static void write(Map<String, String> files, Path directory) {
		try {
			Files.createDirectories(directory);
			try (Stream<Path> existing = Files.list(directory)) {
				for (Path file : existing.filter((path) -> path.toString().endsWith(".yaml")).toList()) {
					List<String> lines = Files.readAllLines(file);
					if (!lines.isEmpty() && lines.get(0).startsWith("# Generated from the ")) {
						Files.delete(file);
					}
				}
			}
			for (Map.Entry<String, String> file : files.entrySet()) {
				Files.writeString(directory.resolve(file.getKey()), file.getValue());
			}
		}
		catch (IOException ex) {
			throw new HostingException("Cannot write to " + directory + ": " + ex.getMessage(), ex);
		}
	}

}
