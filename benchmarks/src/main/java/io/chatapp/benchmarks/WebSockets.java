package io.chatapp.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many authenticated {@code /ws} sockets on one selector thread: tens of thousands fit in
 * a small heap, where a {@code java.net.http.WebSocket} each would not. Each socket sends
 * {@code auth} right after the upgrade, counts as ready on {@code ready}, and is pinged
 * every 20 s (the server closes after 60 s of silence).
 */
final class WebSockets implements AutoCloseable {

	/** Told about text frames and closes, on the selector thread: keep it short. */
	interface Listener {

		void onText(Socket socket, String text, long receivedNanos);

		default void onClose(Socket socket, int code) {
		}

	}

	enum State {

		CONNECTING, UPGRADING, AUTHENTICATING, READY, CLOSED

	}

	/** One socket. */
	static final class Socket {

		final String token;

		final Object tag;

		volatile State state = State.CONNECTING;

		volatile int closeCode;

		SocketChannel channel;

		SelectionKey key;

		ByteBuffer in = ByteBuffer.allocate(512);

		final Queue<ByteBuffer> out = new ArrayDeque<>();

		long lastPing = System.nanoTime();

		Socket(String token, Object tag) {
			this.token = token;
			this.tag = tag;
		}

		Object tag() {
			return this.tag;
		}

		State state() {
			return this.state;
		}

		int closeCode() {
			return this.closeCode;
		}

	}

	private static final long PING_INTERVAL = TimeUnit.SECONDS.toNanos(20);

	private final InetSocketAddress address;

	private final String host;

	private final String path;

	private final Listener listener;

	private final Selector selector;

	private final Thread thread;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final List<Socket> sockets = new ArrayList<>();

	private final Semaphore opening;

	private final AtomicInteger ready = new AtomicInteger();

	private final AtomicInteger closed = new AtomicInteger();

	private final AtomicInteger refused = new AtomicInteger();

	private final int maxOpening;

	private volatile boolean running = true;

	private int pingCursor;

	/**
	 * @param url {@code ws://host:port/ws}
	 * @param maxOpening sockets being opened at once (connect, upgrade, auth)
	 */
	WebSockets(String url, int maxOpening, Listener listener) throws IOException {
		URI uri = URI.create(url);
		this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
		this.host = uri.getHost() + ":" + uri.getPort();
		this.path = uri.getRawPath();
		this.listener = listener;
		this.maxOpening = maxOpening;
		this.opening = new Semaphore(maxOpening);
		this.selector = Selector.open();
		this.thread = new Thread(this::loop, "bench-websockets");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	static String wsUrl(String httpUrl) {
		return httpUrl.replaceFirst("^http", "ws") + "/ws";
	}

	/** Opens a socket, waiting while too many others are still opening. */
	Socket open(String token, Object tag) throws InterruptedException {
		this.opening.acquire();
		Socket socket = new Socket(token, tag);
		run(() -> connect(socket));
		return socket;
	}

	/** Waits until every socket opened so far is ready or closed. */
	boolean awaitOpened(long timeout, TimeUnit unit) throws InterruptedException {
		if (this.opening.tryAcquire(this.maxOpening, timeout, unit)) {
			this.opening.release(this.maxOpening);
			return true;
		}
		return false;
	}

	int ready() {
		return this.ready.get();
	}

	int closed() {
		return this.closed.get();
	}

	/** Closed by the server with 1013: the instance holds as many sockets as it may. */
	int refused() {
		return this.refused.get();
	}

	void sendText(Socket socket, String text) {
		run(() -> write(socket, WsFrames.text(text, ThreadLocalRandom.current().nextInt())));
	}

	private void run(Runnable task) {
		this.tasks.add(task);
		this.selector.wakeup();
	}

	private void connect(Socket socket) {
		this.sockets.add(socket);
		try {
			socket.channel = SocketChannel.open();
			socket.channel.configureBlocking(false);
			socket.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			socket.channel.setOption(StandardSocketOptions.SO_RCVBUF, 8192);
			socket.channel.setOption(StandardSocketOptions.SO_SNDBUF, 8192);
			socket.key = socket.channel.register(this.selector, SelectionKey.OP_CONNECT, socket);
			if (socket.channel.connect(this.address)) {
				connected(socket);
			}
		}
		catch (IOException ex) {
			fail(socket, 1006);
		}
	}

	private void connected(Socket socket) throws IOException {
		socket.state = State.UPGRADING;
		byte[] key = new byte[16];
		ThreadLocalRandom.current().nextBytes(key);
		String request = "GET " + this.path + " HTTP/1.1\r\nHost: " + this.host
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
		socket.key.interestOps(SelectionKey.OP_READ);
		write(socket, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
	}

	private void loop() {
		while (this.running) {
			try {
				this.selector.select(100);
				Runnable task;
				while ((task = this.tasks.poll()) != null) {
					task.run();
				}
				for (SelectionKey key : this.selector.selectedKeys()) {
					Socket socket = (Socket) key.attachment();
					try {
						if (!key.isValid()) {
							continue;
						}
						if (key.isConnectable()) {
							socket.channel.finishConnect();
							connected(socket);
						}
						else {
							if (key.isWritable()) {
								flush(socket);
							}
							if (key.isValid() && key.isReadable()) {
								read(socket);
							}
						}
					}
					catch (IOException | RuntimeException ex) {
						fail(socket, 1006);
					}
				}
				this.selector.selectedKeys().clear();
				pingSome();
			}
			catch (IOException ex) {
				// The selector itself failed: nothing more can be done here.
				return;
			}
		}
	}

	/** Pings the sockets in turn so that each gets one every 20 s, spread out. */
	private void pingSome() {
		int count = this.sockets.size();
		if (count == 0) {
			return;
		}
		long now = System.nanoTime();
		int batch = Math.max(1, count / 100);
		for (int i = 0; i < batch; i++) {
			this.pingCursor = (this.pingCursor + 1) % count;
			Socket socket = this.sockets.get(this.pingCursor);
			if (socket.state == State.READY && now - socket.lastPing > PING_INTERVAL) {
				socket.lastPing = now;
				write(socket, WsFrames.text("{\"type\":\"ping\"}", ThreadLocalRandom.current().nextInt()));
			}
		}
	}

	private void read(Socket socket) throws IOException {
		int n = socket.channel.read(socket.in);
		if (n < 0) {
			fail(socket, 1006);
			return;
		}
		long now = System.nanoTime();
		socket.in.flip();
		if (socket.state == State.UPGRADING) {
			String head = StandardCharsets.US_ASCII.decode(socket.in.duplicate()).toString();
			int end = head.indexOf("\r\n\r\n");
			if (end < 0) {
				socket.in.compact();
				grow(socket, socket.in.capacity() * 2);
				return;
			}
			if (!head.startsWith("HTTP/1.1 101")) {
				fail(socket, head.startsWith("HTTP/1.1 503") ? 1013 : 1002);
				return;
			}
			socket.in.position(end + 4);
			socket.state = State.AUTHENTICATING;
			write(socket, WsFrames.text("{\"type\":\"auth\",\"token\":\"" + socket.token + "\"}",
					ThreadLocalRandom.current().nextInt()));
		}
		while (socket.state != State.CLOSED) {
			long needed = WsFrames.frameLength(socket.in);
			if (needed < 0 || needed > socket.in.remaining()) {
				if (needed > socket.in.capacity()) {
					socket.in.compact();
					grow(socket, (int) needed);
					socket.in.flip();
				}
				break;
			}
			frame(socket, WsFrames.decode(socket.in), now);
		}
		if (socket.state != State.CLOSED) {
			socket.in.compact();
		}
	}

	private static void grow(Socket socket, int capacity) {
		if (capacity <= socket.in.capacity()) {
			return;
		}
		ByteBuffer bigger = ByteBuffer.allocate(capacity);
		socket.in.flip();
		bigger.put(socket.in);
		socket.in = bigger;
	}

	private void frame(Socket socket, WsFrames.Frame frame, long now) {
		switch (frame.opcode()) {
			case WsFrames.TEXT, WsFrames.CONTINUATION -> {
				String text = frame.text();
				if (socket.state == State.AUTHENTICATING && text.contains("\"type\":\"ready\"")) {
					socket.state = State.READY;
					this.ready.incrementAndGet();
					opened();
				}
				this.listener.onText(socket, text, now);
			}
			case WsFrames.PING ->
				write(socket, WsFrames.encode(WsFrames.PONG, frame.payload(), ThreadLocalRandom.current().nextInt()));
			case WsFrames.CLOSE -> {
				write(socket, WsFrames.encode(WsFrames.CLOSE, frame.payload(), ThreadLocalRandom.current().nextInt()));
				fail(socket, frame.closeCode());
			}
			default -> {
			}
		}
	}

	private void opened() {
		this.opening.release();
	}

	private void write(Socket socket, ByteBuffer bytes) {
		if (socket.state == State.CLOSED) {
			return;
		}
		socket.out.add(bytes);
		try {
			flush(socket);
		}
		catch (IOException ex) {
			fail(socket, 1006);
		}
	}

	private void flush(Socket socket) throws IOException {
		while (!socket.out.isEmpty()) {
			ByteBuffer head = socket.out.peek();
			socket.channel.write(head);
			if (head.hasRemaining()) {
				socket.key.interestOps(socket.key.interestOps() | SelectionKey.OP_WRITE);
				return;
			}
			socket.out.poll();
		}
		if (socket.key.isValid()) {
			socket.key.interestOps(socket.key.interestOps() & ~SelectionKey.OP_WRITE);
		}
	}

	private void fail(Socket socket, int code) {
		if (socket.state == State.CLOSED) {
			return;
		}
		State was = socket.state;
		socket.state = State.CLOSED;
		socket.closeCode = code;
		this.closed.incrementAndGet();
		if (code == 1013) {
			this.refused.incrementAndGet();
		}
		if (was == State.READY) {
			this.ready.decrementAndGet();
		}
		else {
			opened();
		}
		try {
			if (socket.channel != null) {
				socket.channel.close();
			}
		}
		catch (IOException ex) {
			// Closing is best effort.
		}
		socket.in = ByteBuffer.allocate(0);
		this.listener.onClose(socket, code);
	}

	/** Closes every socket (close frame 1000, then the connection) and the selector. */
	@Override
	public void close() throws InterruptedException {
		run(() -> {
			for (Socket socket : this.sockets) {
				if (socket.state != State.CLOSED) {
					write(socket, WsFrames.encode(WsFrames.CLOSE, new byte[] { 0x03, (byte) 0xE8 },
							ThreadLocalRandom.current().nextInt()));
				}
			}
		});
		Thread.sleep(500);
		run(() -> {
			for (Socket socket : new ArrayList<>(this.sockets)) {
				if (socket.state != State.CLOSED) {
					fail(socket, 1000);
				}
			}
			this.running = false;
		});
		this.thread.join(10_000);
		try {
			this.selector.close();
		}
		catch (IOException ex) {
			// Closing is best effort.
		}
	}

}
