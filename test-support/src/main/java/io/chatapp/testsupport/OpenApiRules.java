package io.chatapp.testsupport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

import tools.jackson.databind.JsonNode;

/**
 * The rules of Redocly's {@code recommended} ruleset that an OpenAPI 3.1 document
 * generated from controllers can break, checked in plain Java so that the build enforces
 * them on machines without Node.js (where {@link RedoclyLint} cannot run the real
 * linter). Each violation names its Redocly rule. On top of those, ChatApp's own rule:
 * {@code problem-details}, every 4xx/5xx response is {@code application/problem+json}
 * with the shared {@code Problem} schema, whose fields are the contract's, and a 429
 * declares {@code Retry-After}.
 *
 * <p>
 * Not checked: {@code info-license} (a warning): the project has not chosen a license,
 * and the documents do not invent one. Example and schema-type rules do not apply, as the
 * documents carry no examples and their schemas come from Java types.
 */
public final class OpenApiRules {

	private static final Set<String> METHODS = Set.of("get", "head", "post", "put", "patch", "delete", "options",
			"trace");

	private static final java.util.regex.Pattern TEMPLATE = java.util.regex.Pattern.compile("\\{([^}/]+)}");

	private static final java.util.regex.Pattern URL_SAFE = java.util.regex.Pattern
		.compile("^[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=]*$");

	private static final List<String> CHECKED_COMPONENTS = List.of("schemas", "responses", "parameters", "examples",
			"requestBodies", "headers");

	private static final List<String> PROBLEM_FIELDS = List.of("type", "title", "status", "detail", "errors");

	private OpenApiRules() {
	}

	/**
	 * Checks a document.
	 * @param document the OpenAPI document
	 * @return the violations, each as {@code "rule: where: what"}; empty when it passes
	 */
	public static List<String> violations(JsonNode document) {
		List<String> violations = new ArrayList<>();
		servers(document, violations);
		tags(document, violations);
		paths(document, violations);
		references(document, violations);
		problemSchema(document, violations);
		return violations;
	}

	private static void servers(JsonNode document, List<String> violations) {
		JsonNode servers = document.path("servers");
		if (!servers.isArray() || servers.isEmpty()) {
			violations.add("no-empty-servers: servers: the document names no server");
		}
		for (JsonNode server : servers) {
			String url = server.path("url").asString("");
			if (url.isEmpty() || url.contains("example.com")) {
				violations.add("no-server-example.com: servers: " + url + " is not a real server");
			}
			if (url.length() > 1 && url.endsWith("/")) {
				violations.add("no-server-trailing-slash: servers: " + url);
			}
		}
	}

	private static void tags(JsonNode document, List<String> violations) {
		Set<String> names = new HashSet<>();
		for (JsonNode tag : document.path("tags")) {
			String name = tag.path("name").asString("");
			if (!names.add(name)) {
				violations.add("no-duplicated-tag-names: tags: " + name);
			}
			if (tag.path("description").asString("").isBlank()) {
				violations.add("tag-description: tags: " + name + " has no description");
			}
		}
		forEachOperation(document, (where, operation) -> {
			for (JsonNode tag : operation.path("tags")) {
				if (!names.contains(tag.asString())) {
					violations.add("operation-tag-defined: " + where + ": tag " + tag.asString()
							+ " is not among the document's tags");
				}
			}
		});
	}

	private static void paths(JsonNode document, List<String> violations) {
		JsonNode global = document.path("security");
		Set<String> schemes = new HashSet<>(document.path("components").path("securitySchemes").propertyNames());
		Map<String, String> operationIds = new HashMap<>();
		Map<String, String> normalized = new HashMap<>();
		List<String> pathKeys = new ArrayList<>(document.path("paths").propertyNames());
		for (String path : pathKeys) {
			if (path.length() > 1 && path.endsWith("/")) {
				violations.add("no-path-trailing-slash: " + path);
			}
			if (path.contains("?")) {
				violations.add("path-not-include-query: " + path);
			}
			String shape = path.replaceAll("\\{[^}]+}", "{}");
			String twin = normalized.putIfAbsent(shape, path);
			if (twin != null) {
				violations.add("no-identical-paths: " + twin + " and " + path);
			}
		}
		for (int i = 0; i < pathKeys.size(); i++) {
			for (int j = i + 1; j < pathKeys.size(); j++) {
				if (ambiguous(pathKeys.get(i), pathKeys.get(j))) {
					violations.add("no-ambiguous-paths: " + pathKeys.get(i) + " and " + pathKeys.get(j));
				}
			}
		}
		forEachOperation(document, (where, operation) -> {
			if (operation.path("summary").asString("").isBlank()) {
				violations.add("operation-summary: " + where + " has no summary");
			}
			String operationId = operation.path("operationId").asString("");
			if (operationId.isBlank()) {
				violations.add("operation-operationId: " + where + " has no operationId");
			}
			else {
				String other = operationIds.putIfAbsent(operationId, where);
				if (other != null) {
					violations
						.add("operation-operationId-unique: " + where + " and " + other + " share " + operationId);
				}
				if (!URL_SAFE.matcher(operationId).matches()) {
					violations.add("operation-operationId-url-safe: " + where + ": " + operationId);
				}
			}
			Set<String> codes = new HashSet<>(operation.path("responses").propertyNames());
			if (codes.stream().noneMatch((code) -> code.matches("2[0-9X]{2}|2XX"))) {
				violations.add("operation-2xx-response: " + where + " documents no success response");
			}
			if (codes.stream().noneMatch((code) -> code.matches("4[0-9Xx]{2}"))) {
				violations.add("operation-4xx-response: " + where + " documents no 4xx response");
			}
			for (String code : codes) {
				JsonNode response = resolve(document, operation.path("responses").path(code));
				for (Map.Entry<String, JsonNode> header : response.path("headers").properties()) {
					JsonNode resolved = resolve(document, header.getValue());
					if (!resolved.has("schema") && !resolved.has("content")) {
						violations.add("struct: " + where + " " + code + " header " + header.getKey()
								+ " has neither schema nor content");
					}
				}
				if (code.equals("429") && !response.path("headers").has("Retry-After")) {
					violations.add("problem-details: " + where + " 429 does not declare Retry-After");
				}
				if (code.matches("[45][0-9X]{2}")) {
					problemResponse(document, where + " " + code, operation.path("responses").path(code), violations);
				}
			}
			JsonNode security = operation.has("security") ? operation.path("security") : global;
			if (!security.isArray()) {
				violations.add("security-defined: " + where + " states no security requirement");
			}
			for (JsonNode requirement : security) {
				for (String scheme : requirement.propertyNames()) {
					if (!schemes.contains(scheme)) {
						violations.add("security-defined: " + where + ": scheme " + scheme + " is not defined");
					}
				}
			}
			parameters(document, where, operation, violations);
		});
	}

	private static void parameters(JsonNode document, String where, JsonNode operation, List<String> violations) {
		String path = where.substring(where.indexOf(' ') + 1);
		Set<String> templated = new LinkedHashSet<>();
		Matcher matcher = TEMPLATE.matcher(path);
		while (matcher.find()) {
			templated.add(matcher.group(1));
		}
		Set<String> declared = new HashSet<>();
		Set<String> seen = new HashSet<>();
		for (JsonNode parameter : operation.path("parameters")) {
			JsonNode resolved = resolve(document, parameter);
			if (!seen.add(resolved.path("in").asString() + ":" + resolved.path("name").asString())) {
				violations.add("operation-parameters-unique: " + where + ": " + resolved.path("in").asString() + " "
						+ resolved.path("name").asString());
			}
		}
		List<JsonNode> parameters = new ArrayList<>();
		document.path("paths").path(path).path("parameters").forEach(parameters::add);
		operation.path("parameters").forEach(parameters::add);
		for (JsonNode parameter : parameters) {
			JsonNode resolved = resolve(document, parameter);
			String name = resolved.path("name").asString();
			String in = resolved.path("in").asString();
			if ("path".equals(in)) {
				declared.add(name);
				if (!templated.contains(name)) {
					violations
						.add("path-parameters-defined: " + where + ": path parameter " + name + " is not in the path");
				}
			}
		}
		for (String name : templated) {
			if (!declared.contains(name)) {
				violations.add("path-parameters-defined: " + where + ": {" + name + "} is not declared");
			}
		}
	}

	private static void problemResponse(JsonNode document, String where, JsonNode response, List<String> violations) {
		JsonNode content = resolve(document, response).path("content");
		JsonNode problem = content.path("application/problem+json");
		if (content.propertyNames().size() != 1 || problem.isMissingNode()
				|| !"#/components/schemas/Problem".equals(problem.path("schema").path("$ref").asString(""))) {
			violations.add("problem-details: " + where + " is not application/problem+json with the Problem schema");
		}
	}

	private static void problemSchema(JsonNode document, List<String> violations) {
		JsonNode problem = document.path("components").path("schemas").path("Problem");
		if (problem.isMissingNode()) {
			violations.add("problem-details: components.schemas has no Problem schema");
			return;
		}
		for (String field : PROBLEM_FIELDS) {
			if (!problem.path("properties").has(field)) {
				violations.add("problem-details: the Problem schema has no " + field);
			}
		}
	}

	/** Every {@code $ref} resolves, and every component is referenced. */
	private static void references(JsonNode document, List<String> violations) {
		Set<String> referenced = new HashSet<>();
		collectReferences(document, referenced);
		for (String reference : referenced) {
			if (resolve(document, reference).isMissingNode()) {
				violations.add("no-unresolved-refs: " + reference);
			}
		}
		for (String type : CHECKED_COMPONENTS) {
			for (String name : document.path("components").path(type).propertyNames()) {
				String pointer = "#/components/" + type + "/" + name;
				if (!referenced.contains(pointer)) {
					violations.add("no-unused-components: " + pointer + " is never used");
				}
			}
		}
	}

	private static void collectReferences(JsonNode node, Set<String> references) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> property : node.properties()) {
				if ("$ref".equals(property.getKey()) && property.getValue().isString()) {
					references.add(property.getValue().asString());
				}
				else {
					collectReferences(property.getValue(), references);
				}
			}
		}
		else if (node.isArray()) {
			node.forEach((element) -> collectReferences(element, references));
		}
	}

	private static JsonNode resolve(JsonNode document, JsonNode node) {
		return node.has("$ref") ? resolve(document, node.path("$ref").asString()) : node;
	}

	private static JsonNode resolve(JsonNode document, String reference) {
		return reference.startsWith("#") ? document.at(reference.substring(1))
				: tools.jackson.databind.node.MissingNode.getInstance();
	}

	/** As Redocly: same number of segments, and every pair of fixed segments equal. */
	private static boolean ambiguous(String one, String other) {
		String[] a = one.split("/", -1);
		String[] b = other.split("/", -1);
		if (a.length != b.length || variables(a) != variables(b)) {
			return false;
		}
		for (int i = 0; i < a.length; i++) {
			if (!isVariable(a[i]) && !isVariable(b[i]) && !a[i].equals(b[i])) {
				return false;
			}
		}
		return true;
	}

	private static long variables(String[] segments) {
		return java.util.Arrays.stream(segments).filter(OpenApiRules::isVariable).count();
	}

	private static boolean isVariable(String segment) {
		return segment.matches("^\\{.+?}$");
	}

	private static void forEachOperation(JsonNode document, java.util.function.BiConsumer<String, JsonNode> action) {
		for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
			for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
				if (METHODS.contains(operation.getKey())) {
					action.accept(operation.getKey().toUpperCase() + " " + path.getKey(), operation.getValue());
				}
			}
		}
	}

}
