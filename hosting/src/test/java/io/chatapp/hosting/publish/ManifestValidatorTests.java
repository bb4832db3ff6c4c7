package io.chatapp.hosting.publish;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validator itself: each deliberately broken manifest must be reported.
 */
class ManifestValidatorTests {

	private static final Map<String, String> PUBLISHED = Publisher.files(PublishModels.shop(Map.of()), "kubernetes",
			"");

	@Test
	void publishedManifestsPass() {
		assertThat(ManifestValidator.validateKubernetes(PUBLISHED)).isEmpty();
	}

	@Test
	void aMissingConfigMapIsReported() {
		assertThat(broken("orders-api.yaml",
				(yaml) -> yaml.replaceFirst("name: \"orders-api-config\"", "name: \"other\"")))
			.anySatisfy((problem) -> assertThat(problem).contains("ConfigMap orders-api-config does not exist"));
	}

	@Test
	void aMissingSecretKeyIsReported() {
		assertThat(broken("orders-api.yaml",
				(yaml) -> yaml.replace("  SPRING_DATASOURCE_PASSWORD: \"orders\"", "  OTHER: \"orders\"")))
			.anySatisfy((problem) -> assertThat(problem).contains("names key SPRING_DATASOURCE_PASSWORD"));
	}

	@Test
	void anOperatorSecretCountsOnlyWhenTheOperatorCreatesIt() {
		assertThat(broken("postgres.yaml",
				(yaml) -> yaml.replace("enableSuperuserAccess: true", "enableSuperuserAccess: false")))
			.anySatisfy((problem) -> assertThat(problem)
				.contains("SPRING_DATASOURCE_PASSWORD names Secret postgres-superuser, which does not exist"));
	}

	@Test
	void aMalformedImageReferenceIsReported() {
		Map<String, String> files = Publisher.files(PublishModels.shop(Map.of()), "kubernetes",
				"Registry.example.com:5000/My Team");
		assertThat(ManifestValidator.validateKubernetes(files)).anySatisfy((problem) -> assertThat(problem).isEqualTo(
				"Deployment orders-api container orders-api: Registry.example.com:5000/My Team/shop/orders-api:1.2.3"
						+ " is no valid image reference"));
		assertThat(ManifestValidator.validateCompose(
				Publisher.files(PublishModels.shop(Map.of()), "compose", "registry/UPPER").get("compose.yaml")))
			.anySatisfy(
					(problem) -> assertThat(problem).contains("registry/UPPER/shop/gateway:1.2.3 is no valid image"));
		assertThat(ManifestValidator.validateKubernetes(
				Publisher.files(PublishModels.shop(Map.of()), "kubernetes", "registry.example.com:5000/team")))
			.isEmpty();
	}

	@Test
	void aServiceSelectingNoPodsIsReported() {
		assertThat(broken("gateway.yaml",
				(yaml) -> replaceLast(yaml, "app.kubernetes.io/name: \"gateway\"",
						"app.kubernetes.io/name: \"gateway2\"")))
			.anySatisfy((problem) -> assertThat(problem).contains("Service gateway: its selector"));
	}

	@Test
	void aTargetPortThatIsNoContainerPortIsReported() {
		assertThat(broken("gateway.yaml", (yaml) -> yaml.replace("targetPort: 16000", "targetPort: 16099")))
			.anySatisfy((problem) -> assertThat(problem).contains("targetPort 16099 is no container port"));
	}

	@Test
	void probesOnTheWrongPathOrPortAreReported() {
		assertThat(broken("gateway.yaml", (yaml) -> yaml.replace("path: \"/health\"", "path: \"/actuator/health\"")))
			.anySatisfy((problem) -> assertThat(problem).contains("readiness probe asks /actuator/health"));
		assertThat(broken("gateway.yaml", (yaml) -> yaml.replace("port: 16000", "port: 16098")))
			.anySatisfy((problem) -> assertThat(problem).contains("probe port 16098 is no container port"));
	}

	@Test
	void waitingForAMissingJobIsReported() {
		assertThat(broken("orders-api.yaml", (yaml) -> yaml.replace("job/migration", "job/migrations")))
			.anySatisfy((problem) -> assertThat(problem).contains("waits for Job migrations, which does not exist"));
	}

	@Test
	void aMissingServiceAccountIsReported() {
		Map<String, String> files = new LinkedHashMap<>(PUBLISHED);
		files.remove("job-waiter.yaml");
		assertThat(ManifestValidator.validateKubernetes(files))
			.anySatisfy((problem) -> assertThat(problem).contains("ServiceAccount job-waiter does not exist"))
			.anySatisfy((problem) -> assertThat(problem).contains("may not watch Jobs"));
	}

	@Test
	void unknownKindsAndUnparsableFilesAreReported() {
		assertThat(broken("gateway.yaml", (yaml) -> yaml.replace("kind: \"Service\"", "kind: \"Servise\"")))
			.anySatisfy((problem) -> assertThat(problem).contains("unknown kind v1/Servise"));
		assertThat(broken("gateway.yaml", (yaml) -> yaml + "\n---\nkind: [unclosed\n"))
			.anySatisfy((problem) -> assertThat(problem).startsWith("does not parse"));
	}

	@Test
	void aLocalAddressIsReported() {
		assertThat(broken("gateway.yaml", (yaml) -> yaml.replace("http://orders-api:16001", "http://127.0.0.1:16001")))
			.anySatisfy((problem) -> assertThat(problem).contains("ORDERS_URLS names a local address"));
	}

	@Test
	void composeProblemsAreReported() {
		String compose = Publisher.files(PublishModels.shop(Map.of()), "compose", "").get("compose.yaml");
		assertThat(ManifestValidator.validateCompose(compose)).isEmpty();
		assertThat(ManifestValidator.validateCompose(compose.replace("\n  migration:\n", "\n  migrator:\n")))
			.anySatisfy((problem) -> assertThat(problem).contains("depends_on migration, which is no service"));
		assertThat(ManifestValidator.validateCompose(compose.replace("image: \"postgres:17\"", "ports: []")))
			.anySatisfy((problem) -> assertThat(problem).isEqualTo("postgres: no image"));
	}

	private static java.util.List<String> broken(String file, UnaryOperator<String> change) {
		Map<String, String> files = new LinkedHashMap<>(PUBLISHED);
		String changed = change.apply(files.get(file));
		assertThat(changed).as("the change applies").isNotEqualTo(files.get(file));
		files.put(file, changed);
		return ManifestValidator.validateKubernetes(files);
	}

	private static String replaceLast(String text, String target, String replacement) {
		int at = text.lastIndexOf(target);
		return text.substring(0, at) + replacement + text.substring(at + target.length());
	}

}
