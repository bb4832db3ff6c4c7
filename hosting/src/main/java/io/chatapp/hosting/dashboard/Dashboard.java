package io.chatapp.hosting.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.chatapp.hosting.DistributedApplication;
import io.chatapp.hosting.HostOptions;
import io.chatapp.hosting.HostingException;
import io.chatapp.hosting.telemetry.HttpErrors;
import io.chatapp.hosting.telemetry.OtlpReceiver;
import io.chatapp.hosting.telemetry.TelemetryApi;
import io.chatapp.hosting.telemetry.TelemetryStore;

/**
 * The AppHost's dashboard (what Aspire's is to an Aspire AppHost): resources with their
 * state and actions, console logs, structured logs, traces, metrics and Kafka, as plain
 * pages served by the JDK's HTTP server, each backed by a JSON API under {@code /api}.
 *
 * <p>
 * Start it before the resources, so it sees every state change and its OTLP receiver is
 * up when the services begin to export.
 */
public final class Dashboard implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor;

	private final KafkaApi kafka;

	private final Settings settings;

	private OtlpReceiver receiver;

	private Dashboard(HttpServer server, ExecutorService executor, KafkaApi kafka, Settings settings) {
		this.server = server;
		this.executor = executor;
		this.kafka = kafka;
		this.settings = settings;
	}

	/**
	 * Starts the dashboard for a model with its OTLP receiver, as the options say.
	 * @param app the model, not necessarily started yet
	 * @param options {@code dashboard.address} (127.0.0.1), {@code dashboard.port}
	 * (18888), {@code dashboard.token} (random; required beyond loopback),
	 * {@code otlp.http-port} (18890), {@code otlp.grpc-port} (18889) and
	 * {@code telemetry.memory-mb} (32: the byte budget of all telemetry stores)
	 * @return the running dashboard
	 * @throws HostingException when a port is taken
	 */
	public static Dashboard start(DistributedApplication app, HostOptions options) {
		Settings settings = Settings.from(options);
		TelemetryStore store = new TelemetryStore(
				TelemetryStore.Limits.defaults().withTotalBytes(telemetryMegabytes(options) << 20));
		OtlpReceiver receiver = new OtlpReceiver(store, "127.0.0.1",
				options.port("otlp.http-port", OtlpReceiver.DEFAULT_HTTP_PORT),
				options.port("otlp.grpc-port", OtlpReceiver.DEFAULT_GRPC_PORT));
		try {
			receiver.start();
		}
		catch (UncheckedIOException ex) {
			throw new HostingException(
					ex.getMessage() + ": " + ex.getCause().getMessage() + " (otlp.http-port, otlp.grpc-port)", ex);
		}
		try {
			Dashboard dashboard = start(app, settings, new TelemetryApi(store), store::errorCount);
			dashboard.receiver = receiver;
			return dashboard;
		}
		catch (RuntimeException ex) {
			receiver.close();
			throw ex;
		}
	}

	/**
	 * Starts the dashboard with an explicit telemetry API.
	 * @param app the model
	 * @param settings where to listen and the token
	 * @param telemetry serves {@code /api/telemetry/**}, or {@code null} for none
	 * @return the running dashboard
	 */
	static Dashboard start(DistributedApplication app, Settings settings, HttpHandler telemetry) {
		return start(app, settings, telemetry, null);
	}

	/**
	 * Starts the dashboard with an explicit telemetry API and its error counts.
	 * @param app the model
	 * @param settings where to listen and the token
	 * @param telemetry serves {@code /api/telemetry/**}, or {@code null} for none
	 * @param errors counts a resource's ERROR log records for its badge, or {@code null}
	 * @return the running dashboard
	 */
	static Dashboard start(DistributedApplication app, Settings settings, HttpHandler telemetry,
			ResourcesApi.ErrorCounter errors) {
		HttpServer server;
		try {
			server = HttpServer.create(new InetSocketAddress(settings.address(), settings.port()), 64);
		}
		catch (BindException ex) {
			throw new HostingException("Cannot start the dashboard: port " + settings.port() + " on "
					+ settings.address().getHostAddress() + " is already in use (dashboard.port)", ex);
		}
		catch (IOException ex) {
			throw new HostingException("Cannot start the dashboard: " + ex.getMessage(), ex);
		}
		AtomicInteger threads = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(8, (runnable) -> {
			Thread thread = new Thread(runnable, "dashboard-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		KafkaApi kafka = new KafkaApi(app);
		Guard guard = new Guard(settings.token(), settings.address().isLoopbackAddress(), app.name());
		Map<String, HttpHandler> routes = Map.of("/", new StaticFiles(), "/api/resources",
				new ResourcesApi(app, executor, errors), "/api/logs/console", new ConsoleLogsApi(app), "/api/kafka",
				kafka, "/api/telemetry", (telemetry != null) ? telemetry : new NoTelemetry(), "/api/apphost",
				new AppHostApi(app));
		routes.forEach((path, handler) -> {
			HttpContext context = server.createContext(path, handler);
			// First: whatever fails (even out of memory) is answered, and the
			// thread lives on.
			context.getFilters().add(HttpErrors.filter());
			context.getFilters().add(guard);
		});
		server.setExecutor(executor);
		server.start();
		return new Dashboard(server, executor, kafka, settings);
	}

	/**
	 * Where it listens.
	 * @return e.g. {@code http://127.0.0.1:18888}
	 */
	public String url() {
		InetAddress address = this.settings.address();
		String host = address.isAnyLocalAddress() ? hostName() : address.getHostAddress();
		if (host.contains(":")) {
			host = "[" + host + "]";
		}
		return "http://" + host + ":" + this.server.getAddress().getPort();
	}

	/**
	 * The URL to open in a browser: with the login token when one is required.
	 * @return e.g. {@code http://0.0.0.0:18888/login?t=...}
	 */
	public String browserUrl() {
		return (this.settings.token() != null) ? url() + "/login?t=" + this.settings.token() : url();
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.kafka.close();
		this.executor.shutdownNow();
		if (this.receiver != null) {
			this.receiver.close();
		}
	}

	private static long telemetryMegabytes(HostOptions options) {
		String value = options.get("telemetry.memory-mb", "32");
		try {
			long megabytes = Long.parseLong(value);
			if (megabytes >= 1 && megabytes <= 65536) {
				return megabytes;
			}
		}
		catch (NumberFormatException ex) {
			// Reported below.
		}
		throw new HostingException("Invalid telemetry.memory-mb=" + value + " (1 to 65536)");
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

	/**
	 * Where the dashboard listens and whether it needs a token.
	 *
	 * @param address the address to bind
	 * @param port the port, 0 for any
	 * @param token the login token, or {@code null} for none (allowed on loopback only)
	 */
	record Settings(InetAddress address, int port, String token) {

		Settings {
			if (token == null && !address.isLoopbackAddress()) {
				throw new HostingException("The dashboard listens on " + address.getHostAddress()
						+ ", beyond loopback, so it needs a token");
			}
		}

		static Settings from(HostOptions options) {
			InetAddress address;
			String configured = options.get("dashboard.address", "127.0.0.1");
			try {
				address = InetAddress.getByName(configured);
			}
			catch (UnknownHostException ex) {
				throw new HostingException("Invalid dashboard.address=" + configured, ex);
			}
			String token = options.find("dashboard.token").orElse(address.isLoopbackAddress() ? null : randomToken());
			return new Settings(address, options.port("dashboard.port", 18888), token);
		}

		static Settings loopback(int port) {
			return new Settings(InetAddress.getLoopbackAddress(), port, null);
		}

		private static String randomToken() {
			byte[] bytes = new byte[24];
			new SecureRandom().nextBytes(bytes);
			return HexFormat.of().formatHex(bytes);
		}

	}

	/**
	 * Answers the telemetry API while no receiver runs.
	 */
	private static final class NoTelemetry extends JsonApi {

		@Override
		Response handle(Request request) {
			throw new ApiException(503, "Telemetry is not collected by this AppHost");
		}

	}

}
