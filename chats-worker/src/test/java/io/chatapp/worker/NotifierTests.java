package io.chatapp.worker;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NotifierTests {

	@Test
	void mentionsAreFoundCaseInsensitivelyAndWithoutTrailingPunctuation() {
		assertThat(Notifier.mentionedUsernames("Hey @Alice, ask @bob.smith. Mail carol@example.com or @x"))
			.contains("alice", "bob.smith")
			.doesNotContain("example.com", "x");
	}

	@Test
	void previewIsOneLineOfAtMost140Characters() {
		assertThat(Notifier.preview("  two\n\nlines  ")).isEqualTo("two lines");
		String preview = Notifier.preview("😀".repeat(200));
		assertThat(preview.codePointCount(0, preview.length())).isEqualTo(140);
		assertThat(preview).endsWith("…");
		assertThat(Notifier.preview("a".repeat(140))).isEqualTo("a".repeat(140));
	}

}
