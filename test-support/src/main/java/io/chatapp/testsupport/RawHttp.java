package io.chatapp.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends: bytes that are
 * not UTF-8, characters a URI may not hold, bodies that lie about their length. One
 * request per connection.
 */
public final class RawHttp {

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
		String text = new String(all, StandardCharsets.UTF_8);
		int headerEnd = text.indexOf("\r\n\r\n");
		if (headerEnd < 0) {
			throw new IOException("No HTTP response: " + text.substring(0, Math.min(200, text.length())));
		}
		String[] lines = text.substring(0, headerEnd).split("\r\n");
		String[] statusLine = lines[0].split(" ", 3);
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
		}
		String body = text.substring(headerEnd + 4);
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			body = dechunk(body);
		}
		return new Response(Integer.parseInt(statusLine[1]), headers, body);
	}

	private static String dechunk(String chunked) {
		StringBuilder body = new StringBuilder();
		int at = 0;
		while (at < chunked.length()) {
			int lineEnd = chunked.indexOf("\r\n", at);
			if (lineEnd < 0) {
				break;
			}
			int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
			if (size == 0) {
				break;
			}
			// Sizes count bytes; the body is ASCII JSON or close to it here.
			byte[] rest = chunked.substring(lineEnd + 2).getBytes(StandardCharsets.UTF_8);
			String chunk = new String(rest, 0, Math.min(size, rest.length), StandardCharsets.UTF_8);
			body.append(chunk);
			at = lineEnd + 2 + chunk.length() + 2;
		}
		return body.toString();
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
