package io.chatapp.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards a local port to another, so a test can make a running broker reachable only
 * from a given moment: until {@link #start} nothing listens on the port.
 */
final class TcpForwarder implements AutoCloseable {

	private final int port;

	private final int target;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private ServerSocket server;

	TcpForwarder(int port, int target) {
		this.port = port;
		this.target = target;
	}

	void start() throws IOException {
		this.server = new ServerSocket(this.port, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "forwarder-" + this.port);
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.target);
				this.sockets.add(client);
				this.sockets.add(upstream);
				pump(client, upstream);
				pump(upstream, client);
			}
			catch (IOException ex) {
				// Closed, or the target refused: the client sees a dropped connection.
			}
		}
	}

	private static void pump(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				in.transferTo(out);
			}
			catch (IOException ex) {
				// One side closed.
			}
		});
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() {
		try {
			if (this.server != null) {
				this.server.close();
			}
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
