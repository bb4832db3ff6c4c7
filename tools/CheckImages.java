import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Checks image tarballs that Jib wrote (jib:buildTar) without a container runtime: the
 * entrypoint runs the image's own java, every classpath entry and the main class are in
 * the layers, the runtime's programs and the loader are executable, and the image does not
 * run as root. Exit status 1 names each problem.
 *
 * <p>
 * Usage: {@code java tools/CheckImages.java <module>/target/jib-image.tar ...}
 */
public final class CheckImages {

	private static final Pattern ENTRYPOINT = Pattern.compile("\"Entrypoint\"\\s*:\\s*\\[(.*?)]");

	private static final Pattern QUOTED = Pattern.compile("(\"(?:[^\"\\\\]|\\\\.)*\")");

	public static void main(String[] args) throws IOException {
		if (args.length == 0) {
			System.err.println("usage: java tools/CheckImages.java IMAGE.tar ...");
			System.exit(2);
		}
		List<String> problems = new ArrayList<>();
		for (String arg : args) {
			List<String> found = check(Path.of(arg));
			found.forEach((problem) -> problems.add(arg + ": " + problem));
			if (found.isEmpty()) {
				System.out.println(arg + ": ok");
			}
		}
		problems.forEach(System.err::println);
		System.exit(problems.isEmpty() ? 0 : 1);
	}

	static List<String> check(Path image) throws IOException {
		Map<String, byte[]> outer = new LinkedHashMap<>();
		try (InputStream in = Files.newInputStream(image)) {
			readTar(in, (name, mode, content) -> outer.put(name, content));
		}
		List<String> problems = new ArrayList<>();
		String manifest = text(outer.get("manifest.json"));
		if (manifest == null) {
			return List.of("no manifest.json: not an image tarball");
		}
		String config = text(outer.get(strings(manifest, "\"Config\"\\s*:\\s*(\"[^\"]*\")").get(0)));
		Map<String, Integer> files = new LinkedHashMap<>();
		Map<String, byte[]> contents = new LinkedHashMap<>();
		Matcher layers = Pattern.compile("\"Layers\"\\s*:\\s*\\[(.*?)]").matcher(manifest);
		if (!layers.find()) {
			return List.of("manifest.json lists no layers");
		}
		for (String layer : strings(layers.group(1), "(\"[^\"]*\")")) {
			try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(outer.get(layer)))) {
				readTar(in, (name, mode, content) -> {
					String path = "/" + name.replaceFirst("^\\./", "").replaceFirst("^/", "");
					files.put(path, mode);
					if (path.equals("/app/jib-classpath-file") || path.equals("/app/jib-main-class-file")) {
						contents.put(path, content);
					}
				});
			}
		}
		Matcher entrypoint = ENTRYPOINT.matcher(config);
		if (!entrypoint.find()) {
			return List.of("no entrypoint");
		}
		List<String> command = strings(entrypoint.group(1), QUOTED.pattern());
		if (command.isEmpty() || !command.get(0).equals("java")) {
			problems.add("the entrypoint does not start java: " + command);
		}
		String java = config.contains("/opt/java/bin") ? "/opt/java/bin/java" : null;
		if (java != null) {
			// A runtime of its own (from scratch): the program, the loader and a user.
			for (String program : List.of(java, "/opt/java/lib/jspawnhelper", "/lib64/ld-linux-x86-64.so.2")) {
				Integer mode = files.get(program);
				if (mode == null) {
					problems.add(program + " is missing");
				}
				else if ((mode & 0111) == 0) {
					problems.add(program + " is not executable (" + Integer.toOctalString(mode) + ")");
				}
			}
			if (!files.containsKey("/lib/x86_64-linux-gnu/libc.so.6")) {
				problems.add("no C library");
			}
			if (!config.matches("(?s).*\"User\"\\s*:\\s*\"[1-9][0-9]*(:[0-9]+)?\".*")) {
				problems.add("runs as root");
			}
		}
		byte[] classpath = contents.get("/app/jib-classpath-file");
		if (classpath == null) {
			problems.add("no /app/jib-classpath-file");
		}
		else {
			for (String entry : text(classpath).trim().split(":")) {
				String prefix = entry.endsWith("/*") ? entry.substring(0, entry.length() - 1) : entry;
				if (files.keySet().stream().noneMatch((path) -> path.equals(prefix) || path.startsWith(prefix))) {
					problems.add("classpath entry " + entry + " is not in the image");
				}
			}
		}
		String mainClass = command.isEmpty() ? "" : command.get(command.size() - 1);
		if (!files.containsKey("/app/classes/" + mainClass.replace('.', '/') + ".class")) {
			problems.add("main class " + mainClass + " is not in /app/classes");
		}
		return problems;
	}

	private static List<String> strings(String json, String regex) {
		List<String> values = new ArrayList<>();
		Matcher matcher = Pattern.compile(regex).matcher(json);
		while (matcher.find()) {
			String quoted = matcher.group(1);
			values.add(quoted.substring(1, quoted.length() - 1).replace("\\\"", "\""));
		}
		return values;
	}

	private static String text(byte[] bytes) {
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

	interface Entry {

		void accept(String name, int mode, byte[] content) throws IOException;

	}

	/** Reads a ustar/GNU tar stream: regular files and directories, with their modes. */
	private static void readTar(InputStream in, Entry entry) throws IOException {
		byte[] header = new byte[512];
		String longName = null;
		while (in.readNBytes(header, 0, 512) == 512) {
			if (header[0] == 0) {
				return;
			}
			String name = field(header, 0, 100);
			String prefix = field(header, 345, 155);
			if (!prefix.isEmpty()) {
				name = prefix + "/" + name;
			}
			int mode = (int) octal(header, 100, 8);
			long size = octal(header, 124, 12);
			char type = (char) header[156];
			ByteArrayOutputStream content = new ByteArrayOutputStream();
			long left = size;
			byte[] buffer = new byte[8192];
			while (left > 0) {
				int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
				if (read < 0) {
					throw new IOException("truncated tar");
				}
				content.write(buffer, 0, read);
				left -= read;
			}
			in.skipNBytes((512 - size % 512) % 512);
			if (type == 'L') {
				longName = new String(content.toByteArray(), StandardCharsets.UTF_8).replace("\0", "");
				continue;
			}
			if (type == 'x') {
				// PAX records, "<length> <key>=<value>\n": a path too long for the header.
				for (String paxRecord : new String(content.toByteArray(), StandardCharsets.UTF_8).split("\n")) {
					int space = paxRecord.indexOf(' ');
					if (space > 0 && paxRecord.startsWith("path=", space + 1)) {
						longName = paxRecord.substring(space + 6);
					}
				}
				continue;
			}
			if (longName != null) {
				name = longName;
				longName = null;
			}
			if (type == '0' || type == '\0' || type == '5' || type == '2') {
				entry.accept(name.replaceFirst("/$", ""), mode, content.toByteArray());
			}
		}
	}

	private static String field(byte[] header, int offset, int length) {
		int end = offset;
		while (end < offset + length && header[end] != 0) {
			end++;
		}
		return new String(header, offset, end - offset, StandardCharsets.UTF_8);
	}

	private static long octal(byte[] header, int offset, int length) {
		String value = field(header, offset, length).trim();
		return value.isEmpty() ? 0 : Long.parseLong(value, 8);
	}

}
