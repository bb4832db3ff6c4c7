package io.chatapp.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WsFramesTests {

	@Test
	void clientFramesAreMaskedAndDecodeBack() {
		ByteBuffer frame = WsFrames.text("{\"type\":\"ping\"}", 0x11223344);
		assertThat(frame.get(0) & 0xFF).isEqualTo(0x81);
		assertThat(frame.get(1) & 0x80).isEqualTo(0x80);
		assertThat(frame.getInt(2)).isEqualTo(0x11223344);
		// The payload on the wire is not the text.
		assertThat(frame.get(6)).isNotEqualTo((byte) '{');
		WsFrames.Frame decoded = WsFrames.decode(frame);
		assertThat(decoded.opcode()).isEqualTo(WsFrames.TEXT);
		assertThat(decoded.fin()).isTrue();
		assertThat(decoded.text()).isEqualTo("{\"type\":\"ping\"}");
	}

	@Test
	void lengthsOf126AndMoreUseTheExtendedHeader() {
		byte[] medium = "x".repeat(300).getBytes(StandardCharsets.UTF_8);
		ByteBuffer frame = WsFrames.encode(WsFrames.TEXT, medium, 7);
		assertThat(frame.get(1) & 0x7F).isEqualTo(126);
		assertThat(frame.remaining()).isEqualTo(2 + 2 + 4 + 300);
		assertThat(WsFrames.frameLength(frame)).isEqualTo(frame.remaining());
		assertThat(WsFrames.decode(frame).payload()).isEqualTo(medium);

		byte[] large = new byte[70_000];
		ByteBuffer big = WsFrames.encode(WsFrames.BINARY, large, 7);
		assertThat(big.get(1) & 0x7F).isEqualTo(127);
		assertThat(WsFrames.decode(big).payload()).hasSize(70_000);
	}

	@Test
	void anIncompleteFrameIsLeftInTheBuffer() {
		ByteBuffer server = serverFrame(WsFrames.TEXT, "{\"type\":\"ready\"}".getBytes(StandardCharsets.UTF_8));
		ByteBuffer partial = ByteBuffer.wrap(server.array(), 0, server.remaining() - 3);
		assertThat(WsFrames.decode(partial)).isNull();
		assertThat(partial.position()).isZero();
		ByteBuffer header = ByteBuffer.wrap(server.array(), 0, 1);
		assertThat(WsFrames.frameLength(header)).isEqualTo(-1);
		WsFrames.Frame whole = WsFrames.decode(server);
		assertThat(whole.text()).isEqualTo("{\"type\":\"ready\"}");
		assertThat(server.hasRemaining()).isFalse();
	}

	@Test
	void closeFramesCarryTheirCode() {
		ByteBuffer close = serverFrame(WsFrames.CLOSE, new byte[] { 0x03, (byte) 0xF5, 'f', 'u', 'l', 'l' });
		WsFrames.Frame frame = WsFrames.decode(close);
		assertThat(frame.opcode()).isEqualTo(WsFrames.CLOSE);
		assertThat(frame.closeCode()).isEqualTo(1013);
		assertThat(new WsFrames.Frame(WsFrames.CLOSE, true, new byte[0]).closeCode()).isEqualTo(1005);
	}

	@Test
	void twoFramesInOneReadComeOutOneByOne() {
		ByteBuffer first = serverFrame(WsFrames.TEXT, "a".getBytes(StandardCharsets.UTF_8));
		ByteBuffer second = serverFrame(WsFrames.PING, "b".getBytes(StandardCharsets.UTF_8));
		ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining()).put(first).put(second).flip();
		assertThat(WsFrames.decode(both).text()).isEqualTo("a");
		assertThat(WsFrames.decode(both).opcode()).isEqualTo(WsFrames.PING);
		assertThat(WsFrames.decode(both)).isNull();
	}

	/** An unmasked frame, as a server sends it. */
	private static ByteBuffer serverFrame(int opcode, byte[] payload) {
		ByteBuffer frame = ByteBuffer.allocate(2 + payload.length);
		frame.put((byte) (0x80 | opcode)).put((byte) payload.length).put(payload);
		return frame.flip();
	}

}
