package io.chatapp.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * WebSocket frames (RFC 6455) as a client writes and reads them: client frames are
 * masked, server frames are not (a masked one is unmasked anyway).
 */
final class WsFrames {

	static final int CONTINUATION = 0x0;

	static final int TEXT = 0x1;

	static final int BINARY = 0x2;

	static final int CLOSE = 0x8;

	static final int PING = 0x9;

	static final int PONG = 0xA;

	private WsFrames() {
	}

	/** One decoded frame. */
	record Frame(int opcode, boolean fin, byte[] payload) {

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		/** The status code of a close frame, 1005 when it carries none. */
		int closeCode() {
			return (this.payload.length >= 2) ? ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF) : 1005;
		}

	}

	/** A final, masked client frame. */
	static ByteBuffer encode(int opcode, byte[] payload, int mask) {
		int length = payload.length;
		int header = 2 + ((length < 126) ? 0 : (length <= 0xFFFF) ? 2 : 8) + 4;
		ByteBuffer frame = ByteBuffer.allocate(header + length);
		frame.put((byte) (0x80 | opcode));
		if (length < 126) {
			frame.put((byte) (0x80 | length));
		}
		else if (length <= 0xFFFF) {
			frame.put((byte) (0x80 | 126));
			frame.putShort((short) length);
		}
		else {
			frame.put((byte) (0x80 | 127));
			frame.putLong(length);
		}
		frame.putInt(mask);
		byte[] key = { (byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask };
		for (int i = 0; i < length; i++) {
			frame.put((byte) (payload[i] ^ key[i & 3]));
		}
		return frame.flip();
	}

	static ByteBuffer text(String text, int mask) {
		return encode(TEXT, text.getBytes(StandardCharsets.UTF_8), mask);
	}

	/**
	 * Reads one frame from {@code in} (in read mode). Returns null, with the position
	 * unchanged, when the buffer does not hold a whole frame yet.
	 */
	static Frame decode(ByteBuffer in) {
		int start = in.position();
		if (in.remaining() < 2) {
			return null;
		}
		int first = in.get() & 0xFF;
		int second = in.get() & 0xFF;
		boolean masked = (second & 0x80) != 0;
		long length = second & 0x7F;
		if (length == 126) {
			if (in.remaining() < 2) {
				in.position(start);
				return null;
			}
			length = in.getShort() & 0xFFFF;
		}
		else if (length == 127) {
			if (in.remaining() < 8) {
				in.position(start);
				return null;
			}
			length = in.getLong();
		}
		if (length > Integer.MAX_VALUE - 16) {
			throw new IllegalStateException("Frame too large: " + length);
		}
		byte[] key = new byte[4];
		if (masked) {
			if (in.remaining() < 4) {
				in.position(start);
				return null;
			}
			in.get(key);
		}
		if (in.remaining() < length) {
			in.position(start);
			return null;
		}
		byte[] payload = new byte[(int) length];
		in.get(payload);
		if (masked) {
			for (int i = 0; i < payload.length; i++) {
				payload[i] ^= key[i & 3];
			}
		}
		return new Frame(first & 0x0F, (first & 0x80) != 0, payload);
	}

	/** Bytes a whole frame needs, or -1 if its header is not complete yet. */
	static long frameLength(ByteBuffer in) {
		int p = in.position();
		if (in.remaining() < 2) {
			return -1;
		}
		int second = in.get(p + 1) & 0xFF;
		long length = second & 0x7F;
		int header = 2 + (((second & 0x80) != 0) ? 4 : 0);
		if (length == 126) {
			if (in.remaining() < 4) {
				return -1;
			}
			length = in.getShort(p + 2) & 0xFFFF;
			header += 2;
		}
		else if (length == 127) {
			if (in.remaining() < 10) {
				return -1;
			}
			length = in.getLong(p + 2);
			header += 8;
		}
		return header + length;
	}

}
