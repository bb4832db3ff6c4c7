package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;

/**
 * Small real models for the dashboard tests: real child processes started from a jar of
 * {@link FakeService}, so resources start, stop, log and exit like the real ones without
 * the whole system.
 */
public final class LightModels {

	private static boolean jarBuilt;

	private LightModels() {
	}

	/**
	 * Options for a model of its own: a data directory under {@code target/}, no console.
	 * @param name the test's name
	 * @return options to add to
	 */
	public static Map<String, String> options(String name) {
		Map<String, String> options = new LinkedHashMap<>();
		options.put("data-dir", Path.of("target", "dashboard-tests", name).toAbsolutePath().toString());
		options.put("fresh", "true");
		options.put("console", "false");
		options.put("startup-timeout", "60");
		return options;
	}

	/**
	 * A job {@code setup} and a service {@code web} that waits for it to complete.
	 * @param name the test's name (its data directory)
	 * @return the model, not started
	 */
	static DistributedApplication jobAndService(String name) {
		Map<String, String> options = options(name);
		DistributedApplication.Builder builder = DistributedApplication.builder(HostOptions.of(options)).name("Light");
		Path jar = fakeServiceJar();
		DistributedApplication.ProjectBuilder setup = builder.addJob("setup", jar);
		builder.addService("web", jar).withHttpEndpoint(freePort()).waitForCompletion(setup);
		return builder.build();
	}

	/**
	 * A jar whose main class is {@link FakeService}, built once per test JVM.
	 * @return the jar
	 */
	public static synchronized Path fakeServiceJar() {
		Path jar = Path.of("target", "dashboard-tests", "fake-service.jar").toAbsolutePath();
		if (jarBuilt) {
			return jar;
		}
		jarBuilt = true;
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
		String entry = FakeService.class.getName().replace('.', '/') + ".class";
		try {
			Files.createDirectories(jar.getParent());
			try (OutputStream file = Files.newOutputStream(jar);
					JarOutputStream out = new JarOutputStream(file, manifest);
					InputStream in = FakeService.class.getClassLoader().getResourceAsStream(entry)) {
				out.putNextEntry(new JarEntry(entry));
				in.transferTo(out);
				out.closeEntry();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return jar;
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
