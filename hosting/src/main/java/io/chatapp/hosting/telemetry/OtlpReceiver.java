package io.chatapp.hosting.telemetry;

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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.Status;
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
 * <p>
 * Within {@link Limits}: requests too large are answered 413 (gRPC: RESOURCE_EXHAUSTED),
 * requests beyond those in flight 429 (gRPC: UNAVAILABLE); protobuf bodies are stored a
 * chunk at a time ({@link OtlpStream}), and no failure escapes into the server's threads.
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

	// A rejected request's body is read and discarded up to this size before the answer,
	// so that the client, still sending, sees the answer rather than a reset connection.
	private static final long MAX_DISCARDED_BYTES = 64L << 20;

	// How long a request waits for one of the slots in flight before it is answered 429.
	private static final long PERMIT_WAIT_MILLIS = 250;

	// OTLP/JSON writes trace and span ids as hex, protobuf's JSON mapping expects base64.
	private static final Pattern HEX_ID = Pattern
		.compile("\"(traceId|spanId|parentSpanId|trace_id|span_id|parent_span_id)\"(\\s*:\\s*)\"([0-9a-fA-F]*)\"");

	private final TelemetryStore store;

	private final String host;

	private final int httpPort;

	private final int grpcPort;

	private final Limits limits;

	// Requests being read and stored (OTLP/HTTP and OTLP/gRPC together); more are
	// answered 429 (gRPC: UNAVAILABLE) soon, and exporters retry them.
	private final Semaphore inFlight;

	private HttpServer http;

	private ExecutorService httpExecutor;

	private ExecutorService grpcExecutor;

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
		this(store, host, httpPort, grpcPort, Limits.defaults());
	}

	/**
	 * A receiver with explicit request limits.
	 * @param store where the telemetry goes
	 * @param host address to listen on, e.g. {@code 127.0.0.1}
	 * @param httpPort OTLP/HTTP port; 0 picks a free one, negative turns OTLP/HTTP off
	 * @param grpcPort OTLP/gRPC port; 0 picks a free one, negative turns OTLP/gRPC off
	 * @param limits how large and how many requests are accepted
	 */
	public OtlpReceiver(TelemetryStore store, String host, int httpPort, int grpcPort, Limits limits) {
		this.store = store;
		this.host = host;
		this.httpPort = httpPort;
		this.grpcPort = grpcPort;
		this.limits = limits;
		this.inFlight = new Semaphore(limits.inFlight());
	}

	/**
	 * Starts listening.
	 * @throws UncheckedIOException when a port cannot be bound
	 */
	public synchronized void start() {
		try {
			if (this.httpPort >= 0) {
				this.http = HttpServer.create(new InetSocketAddress(this.host, this.httpPort), 64);
				// More threads than requests in flight, so that those beyond are
				// answered 429 soon instead of waiting in the queue.
				this.httpExecutor = executor("otlp-http", this.limits.inFlight() + 2);
				this.http.setExecutor(this.httpExecutor);
				this.http.createContext("/v1/", this::handleHttp);
				this.http.start();
			}
			if (this.grpcPort >= 0) {
				// gRPC-java checks maxInboundMessageSize on the compressed frame
				// and again while decompressing, so a gzip bomb is cut off early.
				// Messages are parsed whole, in the executor's threads: few of
				// them, few messages at once.
				this.grpcExecutor = executor("otlp-grpc", this.limits.inFlight() + 2);
				this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(this.host, this.grpcPort))
					.executor(this.grpcExecutor)
					.maxInboundMessageSize(this.limits.maxRequestBytes())
					.maxConcurrentCallsPerConnection(this.limits.inFlight() + 2)
					.addService(new TraceService(this))
					.addService(new MetricsService(this))
					.addService(new LogsService(this))
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

	private static ExecutorService executor(String name, int threads) {
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	/**
	 * Waits a moment for a request slot: services exporting in the same second should not
	 * see 429, an overload should see it soon.
	 */
	private boolean acquire() {
		try {
			return this.inFlight.tryAcquire(PERMIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Requests being handled right now (for tests).
	 * @return the number of OTLP requests being read and stored
	 */
	int requestsInFlight() {
		return this.limits.inFlight() - this.inFlight.availablePermits();
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
		if (this.grpcExecutor != null) {
			this.grpcExecutor.shutdownNow();
			this.grpcExecutor = null;
		}
	}

	private void handleHttp(HttpExchange exchange) {
		try (exchange) {
			try {
				serve(exchange);
			}
			catch (Throwable ex) {
				// Even an OutOfMemoryError: answer if still possible, and keep
				// the thread.
				HttpErrors.answer(exchange, ex);
			}
		}
	}

	private void serve(HttpExchange exchange) throws IOException {
		if (!"POST".equals(exchange.getRequestMethod())) {
			exchange.getResponseHeaders().set("Allow", "POST");
			reject(exchange, 405, "Use POST");
			return;
		}
		String path = exchange.getRequestURI().getPath();
		if (!path.equals("/v1/traces") && !path.equals("/v1/metrics") && !path.equals("/v1/logs")) {
			reject(exchange, 404, "No OTLP endpoint " + path);
			return;
		}
		String contentType = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
		boolean json = contentType.equals("application/json");
		if (!json && !contentType.equals("application/x-protobuf") && !contentType.equals("application/protobuf")) {
			reject(exchange, 415, "Send application/x-protobuf or application/json");
			return;
		}
		String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
		boolean gzip = encoding != null && encoding.equalsIgnoreCase("gzip");
		if (!gzip && encoding != null && !encoding.isBlank() && !encoding.equalsIgnoreCase("identity")) {
			reject(exchange, 415, "Unsupported Content-Encoding " + encoding);
			return;
		}
		long length = contentLength(exchange);
		if (length > this.limits.maxRequestBytes()) {
			reject(exchange, 413, tooLarge());
			return;
		}
		if (!acquire()) {
			// OTLP exporters retry a 429 after a back-off.
			exchange.getResponseHeaders().set("Retry-After", "1");
			reject(exchange, 429, "Too many OTLP requests at once, retry later");
			return;
		}
		try {
			ingest(exchange, path, json, gzip);
		}
		finally {
			this.inFlight.release();
		}
	}

	private void ingest(HttpExchange exchange, String path, boolean json, boolean gzip) throws IOException {
		byte[] raw = exchange.getRequestBody().readNBytes(this.limits.maxRequestBytes() + 1);
		if (raw.length > this.limits.maxRequestBytes()) {
			reject(exchange, 413, tooLarge());
			return;
		}
		int maxDecoded = json ? this.limits.maxJsonBytes() : this.limits.maxDecompressedBytes();
		if (gzip) {
			// Inflated once to count only, so that nothing of a request that turns
			// out too large is stored; only a small buffer is held meanwhile.
			long inflated;
			try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
				inflated = skipAtMost(in, maxDecoded + 1L);
			}
			catch (IOException ex) {
				reject(exchange, 400, "Bad gzip body: " + ex.getMessage());
				return;
			}
			if (inflated > maxDecoded) {
				reject(exchange, 413, "Request larger than " + maxDecoded + " bytes after decompression");
				return;
			}
		}
		else if (raw.length > maxDecoded) {
			reject(exchange, 413, "Request larger than " + maxDecoded + " bytes");
			return;
		}
		Message response;
		try (InputStream body = gzip ? new GZIPInputStream(new ByteArrayInputStream(raw))
				: new ByteArrayInputStream(raw)) {
			response = json ? ingestJson(path, body.readAllBytes()) : ingestProtobuf(path, body);
		}
		catch (InvalidProtocolBufferException ex) {
			reply(exchange, 400, "text/plain",
					("Bad OTLP request: " + ex.getMessage()).getBytes(StandardCharsets.UTF_8));
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

	private Message ingestProtobuf(String path, InputStream body) throws IOException {
		CodedInputStream in = CodedInputStream.newInstance(body);
		switch (path) {
			case "/v1/traces" -> {
				OtlpStream.traces(in, this.store);
				return ExportTraceServiceResponse.getDefaultInstance();
			}
			case "/v1/metrics" -> {
				OtlpStream.metrics(in, this.store);
				return ExportMetricsServiceResponse.getDefaultInstance();
			}
			default -> {
				OtlpStream.logs(in, this.store);
				return ExportLogsServiceResponse.getDefaultInstance();
			}
		}
	}

	private Message ingestJson(String path, byte[] body) throws InvalidProtocolBufferException {
		switch (path) {
			case "/v1/traces" -> {
				this.store.add(parse(body, ExportTraceServiceRequest.newBuilder()).build());
				return ExportTraceServiceResponse.getDefaultInstance();
			}
			case "/v1/metrics" -> {
				this.store.add(parse(body, ExportMetricsServiceRequest.newBuilder()).build());
				return ExportMetricsServiceResponse.getDefaultInstance();
			}
			default -> {
				this.store.add(parse(body, ExportLogsServiceRequest.newBuilder()).build());
				return ExportLogsServiceResponse.getDefaultInstance();
			}
		}
	}

	private String tooLarge() {
		return "Request larger than " + this.limits.maxRequestBytes() + " bytes";
	}

	private static <B extends Message.Builder> B parse(byte[] body, B builder) throws InvalidProtocolBufferException {
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

	private static long contentLength(HttpExchange exchange) {
		String value = exchange.getRequestHeaders().getFirst("Content-Length");
		try {
			return (value != null) ? Long.parseLong(value.trim()) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * Answers a request without reading it, after discarding what it sends (up to a
	 * limit): a client still sending its body may otherwise miss the answer.
	 */
	private static void reject(HttpExchange exchange, int status, String message) throws IOException {
		try (InputStream body = exchange.getRequestBody()) {
			skipAtMost(body, MAX_DISCARDED_BYTES);
		}
		catch (IOException ex) {
			// Answered anyway.
		}
		reply(exchange, status, "text/plain", message.getBytes(StandardCharsets.UTF_8));
	}

	private static long skipAtMost(InputStream in, long max) throws IOException {
		byte[] buffer = new byte[8192];
		long total = 0;
		int read;
		while (total < max && (read = in.read(buffer, 0, (int) Math.min(buffer.length, max - total))) >= 0) {
			total += read;
		}
		return total;
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

	/**
	 * Stores one gRPC export: at most as many at once as over HTTP, and never lets an
	 * error escape into gRPC's threads.
	 */
	private <R> void export(Runnable store, R response, StreamObserver<R> observer) {
		if (!acquire()) {
			observer.onError(Status.UNAVAILABLE.withDescription("Too many OTLP requests at once, retry later")
				.asRuntimeException());
			return;
		}
		try {
			store.run();
		}
		catch (Throwable ex) {
			observer.onError(Status.INTERNAL.withDescription(String.valueOf(ex)).asRuntimeException());
			return;
		}
		finally {
			this.inFlight.release();
		}
		observer.onNext(response);
		observer.onCompleted();
	}

	/**
	 * What the receiver accepts.
	 *
	 * @param maxRequestBytes largest request body as sent (OTLP/HTTP, compressed or not)
	 * and largest gRPC message (after decompression); larger ones are answered 413 (gRPC:
	 * RESOURCE_EXHAUSTED)
	 * @param maxDecompressedBytes largest gzip-compressed protobuf body after
	 * decompression; larger ones are answered 413
	 * @param maxJsonBytes largest OTLP/JSON body (after decompression): JSON is parsed
	 * whole, which takes many times its size
	 * @param inFlight requests read and stored at once; more wait up to 250 ms, then are
	 * answered 429 (gRPC: UNAVAILABLE)
	 */
	public record Limits(int maxRequestBytes, int maxDecompressedBytes, int maxJsonBytes, int inFlight) {

		public Limits {
			if (maxRequestBytes < 1 || maxDecompressedBytes < 1 || maxJsonBytes < 1 || inFlight < 1) {
				throw new IllegalArgumentException("OTLP limits must be positive");
			}
		}

		/**
		 * 4 MiB per request as sent, 16 MiB after decompression, 1 MiB of JSON, two
		 * requests at once. Exporters send batches of some 100 KB.
		 * @return the default limits
		 */
		public static Limits defaults() {
			return new Limits(4 << 20, 16 << 20, 1 << 20, 2);
		}

	}

	private static final class TraceService extends TraceServiceGrpc.TraceServiceImplBase {

		private final OtlpReceiver receiver;

		TraceService(OtlpReceiver receiver) {
			this.receiver = receiver;
		}

		@Override
		public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
			this.receiver.export(() -> this.receiver.store.add(request),
					ExportTraceServiceResponse.getDefaultInstance(), response);
		}

	}

	private static final class MetricsService extends MetricsServiceGrpc.MetricsServiceImplBase {

		private final OtlpReceiver receiver;

		MetricsService(OtlpReceiver receiver) {
			this.receiver = receiver;
		}

		@Override
		public void export(ExportMetricsServiceRequest request, StreamObserver<ExportMetricsServiceResponse> response) {
			this.receiver.export(() -> this.receiver.store.add(request),
					ExportMetricsServiceResponse.getDefaultInstance(), response);
		}

	}

	private static final class LogsService extends LogsServiceGrpc.LogsServiceImplBase {

		private final OtlpReceiver receiver;

		LogsService(OtlpReceiver receiver) {
			this.receiver = receiver;
		}

		@Override
		public void export(ExportLogsServiceRequest request, StreamObserver<ExportLogsServiceResponse> response) {
			this.receiver.export(() -> this.receiver.store.add(request), ExportLogsServiceResponse.getDefaultInstance(),
					response);
		}

	}

}
