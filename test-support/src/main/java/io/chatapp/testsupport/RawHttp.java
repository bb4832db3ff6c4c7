package io.chatapp.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends: bytes that are
 * not UTF-8, characters a URI may not hold, bodies that lie about their length. One
 * request per connection.
 */
public final class RawHttp {

	private static final byte[] CRLF = { '\r', '\n' };

	private static final byte[] CRLF_CRLF = { '\r', '\n', '\r', '\n' };

	private final String host;

	private final int port;

	public RawHttp(String host, int port) {
		this.host = host;
		this.port = port;
	}

	/**
	 * Sends a request exactly as given.
	 * @param method the method
	 * @param target the request target, sent byte for byte (ISO-8859-1)
	 * @param headers extra headers
	 * @param body the body, or null
	 * @return the response
	 * @throws IOException if the server cannot be reached
	 */
	public Response send(String method, String target, Map<String, String> headers, byte[] body) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(this.host, this.port), 5_000);
			socket.setSoTimeout(30_000);
			ByteArrayOutputStream request = new ByteArrayOutputStream();
			request.writeBytes((method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
			request.writeBytes(("Host: " + this.host + ":" + this.port + "\r\nConnection: close\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			headers.forEach((name, value) -> request
				.writeBytes((name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
			if (body != null) {
				request.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
			}
			request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
			if (body != null) {
				request.writeBytes(body);
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.toByteArray());
			out.flush();
			return read(socket.getInputStream());
		}
	}

	private static Response read(InputStream in) throws IOException {
		byte[] all = in.readAllBytes();
		int headerEnd = indexOf(all, CRLF_CRLF, 0);
		if (headerEnd < 0) {
			throw new IOException(
					"No HTTP response: " + new String(all, 0, Math.min(200, all.length), StandardCharsets.ISO_8859_1));
		}
		String[] lines = new String(all, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
		String[] statusLine = lines[0].split(" ", 3);
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
		}
		byte[] body = Arrays.copyOfRange(all, headerEnd + 4, all.length);
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			body = dechunk(body);
		}
		return new Response(Integer.parseInt(statusLine[1]), headers, new String(body, StandardCharsets.UTF_8));
	}

	private static byte[] dechunk(byte[] chunked) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		int at = 0;
		while (at < chunked.length) {
			int lineEnd = indexOf(chunked, CRLF, at);
			if (lineEnd < 0) {
				throw new IOException("Truncated chunk");
			}
			String sizeLine = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
			int size = Integer.parseInt(sizeLine, 16);
			if (size == 0) {
				break;
			}
			body.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
			at = lineEnd + 2 + size + 2;
		}
		return body.toByteArray();
	}

	private static int indexOf(byte[] data, byte[] pattern, int from) {
		outer: for (int i = from; i <= data.length - pattern.length; i++) {
			for (int j = 0; j < pattern.length; j++) {
				if (data[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/**
	 * A response.
	 *
	 * @param status the status code
	 * @param headers headers by lower-case name
	 * @param body the body as text (chunked encoding removed)
	 */
	public record Response(int status, Map<String, String> headers, String body) {

		public String contentType() {
			return this.headers.getOrDefault("content-type", "");
		}

	}

}
