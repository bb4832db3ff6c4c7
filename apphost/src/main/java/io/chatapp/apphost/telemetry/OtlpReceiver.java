package io.chatapp.apphost.telemetry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;

/**
 * Receives OpenTelemetry data from the services into a {@link TelemetryStore}: OTLP/HTTP
 * ({@code POST /v1/traces}, {@code /v1/metrics}, {@code /v1/logs}; protobuf or JSON,
 * plain or gzip) and OTLP/gRPC (the collector's trace, metrics and logs services).
 *
 * <pre>{@code
 * TelemetryStore store = new TelemetryStore();
 * OtlpReceiver receiver = new OtlpReceiver(store, "127.0.0.1", 18890, 18889);
 * receiver.start();       // services export to receiver.httpEndpoint()
 * ...
 * receiver.close();
 * }</pre>
 */
public final class OtlpReceiver implements AutoCloseable {

	/** The OTLP/HTTP port the AppHost uses. */
	public static final int DEFAULT_HTTP_PORT = 18890;

	/** The OTLP/gRPC port the AppHost uses. */
	public static final int DEFAULT_GRPC_PORT = 18889;

	// Exporters send batches of some 100 KB; this only stops a runaway sender.
	private static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

	// OTLP/JSON writes trace and span ids as hex, protobuf's JSON mapping expects base64.
	private static final Pattern HEX_ID = Pattern
		.compile("\"(traceId|spanId|parentSpanId|trace_id|span_id|parent_span_id)\"(\\s*:\\s*)\"([0-9a-fA-F]*)\"");

	private final TelemetryStore store;

	private final String host;

	private final int httpPort;

	private final int grpcPort;

	private HttpServer http;

	private ExecutorService httpExecutor;

	private Server grpc;

	/**
	 * A receiver on 127.0.0.1 with the default ports.
	 * @param store where the telemetry goes
	 */
	public OtlpReceiver(TelemetryStore store) {
		this(store, "127.0.0.1", DEFAULT_HTTP_PORT, DEFAULT_GRPC_PORT);
	}

	/**
	 * A receiver.
	 * @param store where the telemetry goes
	 * @param host address to listen on, e.g. {@code 127.0.0.1}
	 * @param httpPort OTLP/HTTP port; 0 picks a free one, negative turns OTLP/HTTP off
	 * @param grpcPort OTLP/gRPC port; 0 picks a free one, negative turns OTLP/gRPC off
	 */
	public OtlpReceiver(TelemetryStore store, String host, int httpPort, int grpcPort) {
		this.store = store;
		this.host = host;
		this.httpPort = httpPort;
		this.grpcPort = grpcPort;
	}

	/**
	 * Starts listening.
	 * @throws UncheckedIOException when a port cannot be bound
	 */
	public synchronized void start() {
		try {
			if (this.httpPort >= 0) {
				this.http = HttpServer.create(new InetSocketAddress(this.host, this.httpPort), 64);
				this.httpExecutor = Executors.newFixedThreadPool(2, (task) -> {
					Thread thread = new Thread(task, "otlp-http");
					thread.setDaemon(true);
					return thread;
				});
				this.http.setExecutor(this.httpExecutor);
				this.http.createContext("/v1/", this::handleHttp);
				this.http.start();
			}
			if (this.grpcPort >= 0) {
				this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(this.host, this.grpcPort))
					.maxInboundMessageSize(MAX_BODY_BYTES)
					.addService(new TraceService(this.store))
					.addService(new MetricsService(this.store))
					.addService(new LogsService(this.store))
					.build()
					.start();
			}
		}
		catch (IOException ex) {
			close();
			throw new UncheckedIOException("Cannot start the OTLP receiver on " + this.host + " (HTTP port "
					+ this.httpPort + ", gRPC port " + this.grpcPort + ")", ex);
		}
	}

	/**
	 * The bound OTLP/HTTP port.
	 * @return the port, or -1 when not listening
	 */
	public synchronized int httpPort() {
		return (this.http != null) ? this.http.getAddress().getPort() : -1;
	}

	/**
	 * The bound OTLP/gRPC port.
	 * @return the port, or -1 when not listening
	 */
	public synchronized int grpcPort() {
		return (this.grpc != null) ? this.grpc.getPort() : -1;
	}

	/**
	 * What services set as {@code OTEL_EXPORTER_OTLP_ENDPOINT} (with protocol
	 * {@code http/protobuf}).
	 * @return e.g. {@code http://127.0.0.1:18890}
	 */
	public String httpEndpoint() {
		return "http://" + this.host + ":" + httpPort();
	}

	/**
	 * The OTLP/gRPC endpoint (protocol {@code grpc}).
	 * @return e.g. {@code http://127.0.0.1:18889}
	 */
	public String grpcEndpoint() {
		return "http://" + this.host + ":" + grpcPort();
	}

	@Override
	public synchronized void close() {
		if (this.http != null) {
			this.http.stop(0);
			this.http = null;
		}
		if (this.httpExecutor != null) {
			this.httpExecutor.shutdownNow();
			this.httpExecutor = null;
		}
		if (this.grpc != null) {
			this.grpc.shutdown();
			try {
				// Connected exporters may keep it open: cut them off, and return only
				// once
				// the port is released.
				if (!this.grpc.awaitTermination(2, TimeUnit.SECONDS)) {
					this.grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.grpc.shutdownNow();
				Thread.currentThread().interrupt();
			}
			this.grpc = null;
		}
	}

	private void handleHttp(HttpExchange exchange) throws IOException {
		try (exchange) {
			if (!"POST".equals(exchange.getRequestMethod())) {
				exchange.getResponseHeaders().set("Allow", "POST");
				reply(exchange, 405, "text/plain", "Use POST".getBytes(StandardCharsets.UTF_8));
				return;
			}
			String path = exchange.getRequestURI().getPath();
			if (!path.equals("/v1/traces") && !path.equals("/v1/metrics") && !path.equals("/v1/logs")) {
				reply(exchange, 404, "text/plain", ("No OTLP endpoint " + path).getBytes(StandardCharsets.UTF_8));
				return;
			}
			String contentType = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
			boolean json = contentType.equals("application/json");
			if (!json && !contentType.equals("application/x-protobuf") && !contentType.equals("application/protobuf")) {
				reply(exchange, 415, "text/plain",
						"Send application/x-protobuf or application/json".getBytes(StandardCharsets.UTF_8));
				return;
			}
			byte[] body;
			try {
				body = body(exchange);
			}
			catch (BodyException ex) {
				reply(exchange, ex.status, "text/plain", ex.getMessage().getBytes(StandardCharsets.UTF_8));
				return;
			}
			Message response;
			try {
				response = switch (path) {
					case "/v1/traces" -> {
						this.store.add(parse(body, json, ExportTraceServiceRequest.newBuilder()).build());
						yield ExportTraceServiceResponse.getDefaultInstance();
					}
					case "/v1/metrics" -> {
						this.store.add(parse(body, json, ExportMetricsServiceRequest.newBuilder()).build());
						yield ExportMetricsServiceResponse.getDefaultInstance();
					}
					default -> {
						this.store.add(parse(body, json, ExportLogsServiceRequest.newBuilder()).build());
						yield ExportLogsServiceResponse.getDefaultInstance();
					}
				};
			}
			catch (InvalidProtocolBufferException ex) {
				reply(exchange, 400, "text/plain",
						("Bad OTLP request: " + ex.getMessage()).getBytes(StandardCharsets.UTF_8));
				return;
			}
			catch (RuntimeException ex) {
				reply(exchange, 500, "text/plain", String.valueOf(ex).getBytes(StandardCharsets.UTF_8));
				return;
			}
			if (json) {
				reply(exchange, 200, "application/json",
						JsonFormat.printer().print(response).getBytes(StandardCharsets.UTF_8));
			}
			else {
				reply(exchange, 200, "application/x-protobuf", response.toByteArray());
			}
		}
	}

	private static <B extends Message.Builder> B parse(byte[] body, boolean json, B builder)
			throws InvalidProtocolBufferException {
		if (!json) {
			builder.mergeFrom(body);
			return builder;
		}
		String text = new String(body, StandardCharsets.UTF_8);
		Matcher ids = HEX_ID.matcher(text);
		String fixed = ids.replaceAll((match) -> Matcher.quoteReplacement("\"" + match.group(1) + "\"" + match.group(2)
				+ "\"" + Base64.getEncoder().encodeToString(hexToBytes(match.group(3))) + "\""));
		JsonFormat.parser().ignoringUnknownFields().merge(fixed, builder);
		return builder;
	}

	private static byte[] hexToBytes(String hex) {
		return (hex.length() % 2 == 0) ? HexFormat.of().parseHex(hex) : new byte[0];
	}

	private static byte[] body(HttpExchange exchange) throws IOException, BodyException {
		String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
		byte[] raw = readAtMost(exchange.getRequestBody());
		if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
			return raw;
		}
		if (!encoding.equalsIgnoreCase("gzip")) {
			throw new BodyException(415, "Unsupported Content-Encoding " + encoding);
		}
		try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(raw))) {
			return readAtMost(unzipped);
		}
		catch (IOException ex) {
			throw new BodyException(400, "Bad gzip body: " + ex.getMessage());
		}
	}

	private static byte[] readAtMost(InputStream in) throws IOException, BodyException {
		byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
		if (bytes.length > MAX_BODY_BYTES) {
			throw new BodyException(413, "Request larger than " + MAX_BODY_BYTES + " bytes");
		}
		return bytes;
	}

	private static String mediaType(String contentType) {
		if (contentType == null) {
			return "";
		}
		int semicolon = contentType.indexOf(';');
		return ((semicolon >= 0) ? contentType.substring(0, semicolon) : contentType).trim().toLowerCase(Locale.ROOT);
	}

	private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", contentType);
		exchange.sendResponseHeaders(status, (body.length == 0) ? -1 : body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	private static final class BodyException extends Exception {

		private final int status;

		BodyException(int status, String message) {
			super(message);
			this.status = status;
		}

	}

	private static final class TraceService extends TraceServiceGrpc.TraceServiceImplBase {

		private final TelemetryStore store;

		TraceService(TelemetryStore store) {
			this.store = store;
		}

		@Override
		public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
			this.store.add(request);
			response.onNext(ExportTraceServiceResponse.getDefaultInstance());
			response.onCompleted();
		}

	}

	private static final class MetricsService extends MetricsServiceGrpc.MetricsServiceImplBase {

		private final TelemetryStore store;

		MetricsService(TelemetryStore store) {
			this.store = store;
		}

		@Override
		public void export(ExportMetricsServiceRequest request, StreamObserver<ExportMetricsServiceResponse> response) {
			this.store.add(request);
			response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
			response.onCompleted();
		}

	}

	private static final class LogsService extends LogsServiceGrpc.LogsServiceImplBase {

		private final TelemetryStore store;

		LogsService(TelemetryStore store) {
			this.store = store;
		}

		@Override
		public void export(ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> response) {
			this.store.add(request);
			response.onNext(ExportLogsServiceResponse.getDefaultInstance());
			response.onCompleted();
		}

	}

}
