package io.chatapp.hosting;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a resource's console log keeps of its output.
 */
class ResourceLogTests {

	@Test
	void aPumpFedATenMegabyteLineWithoutLineBreakStaysBoundedAndGoesOn() {
		ResourceLog log = new ResourceLog("noisy", null, null, 2000);
		InputStream output = new SequenceInputStream(new Repeated('x', 10_000_000),
				new ByteArrayInputStream("\r\nafter\nlast without line break".getBytes(StandardCharsets.UTF_8)));

		Processes.pump(output, log);

		List<String> lines = log.tail(10);
		assertThat(lines).hasSize(3);
		assertThat(lines.get(0)).startsWith("x".repeat(ResourceLog.MAX_LINE_LENGTH))
			.endsWith(" ... [" + (10_000_000 - ResourceLog.MAX_LINE_LENGTH) + " more characters]")
			.hasSizeLessThan(ResourceLog.MAX_LINE_LENGTH + 100);
		assertThat(lines.subList(1, 3)).containsExactly("after", "last without line break");
	}

	@Test
	void linesAreKeptWithinTheByteBudgetNewestLast() {
		ResourceLog log = new ResourceLog("noisy", null, null, 2000);
		for (int i = 0; i < 2000; i++) {
			log.append(i + " " + "y".repeat(20_000));
		}
		log.append("newest");

		assertThat(log.estimatedBytes()).isLessThanOrEqualTo(ResourceLog.MAX_BYTES);
		List<String> lines = log.tail(2000);
		assertThat(lines.size()).isBetween(2, 100);
		assertThat(lines.get(lines.size() - 1)).isEqualTo("newest");
		assertThat(lines.get(lines.size() - 2)).startsWith("1999 ").hasSizeLessThan(ResourceLog.MAX_LINE_LENGTH + 100);
	}

	@Test
	void theLineCountStaysTheOtherLimit() {
		ResourceLog log = new ResourceLog("short", null, null, 2000);
		for (int i = 0; i < 5000; i++) {
			log.append("line " + i);
		}

		assertThat(log.tail(10_000)).hasSize(2000).endsWith("line 4999");
	}

	/**
	 * The same byte over and over, without holding them.
	 */
	private static final class Repeated extends InputStream {

		private final int value;

		private long left;

		Repeated(char value, long count) {
			this.value = value;
			this.left = count;
		}

		@Override
		public int read() {
			if (this.left == 0) {
				return -1;
			}
			this.left--;
			return this.value;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			if (this.left == 0) {
				return -1;
			}
			int count = (int) Math.min(length, this.left);
			java.util.Arrays.fill(buffer, offset, offset + count, (byte) this.value);
			this.left -= count;
			return count;
		}

	}

}
