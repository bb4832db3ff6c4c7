package io.chatapp.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class ReliabilityReportTests {

	private static final String PAGE = """
			# Reliability

			## Results

			%s

			old scenarios

			%s

			## Cluster

			%s

			old cluster

			%s

			## Findings
			""".formatted(ReliabilityReport.BEGIN, ReliabilityReport.END, ClusterFaultTests.BEGIN,
			ClusterFaultTests.END);

	@TempDir
	Path directory;

	@Test
	void eachClassRewritesOnlyItsOwnSectionInEitherOrder() throws IOException {
		Path first = this.directory.resolve("first.md");
		Files.writeString(first, PAGE);
		ReliabilityReport.writeSection(first, ReliabilityReport.BEGIN, ReliabilityReport.END, "new scenarios\n");
		ReliabilityReport.writeSection(first, ClusterFaultTests.BEGIN, ClusterFaultTests.END, "new cluster\n");
		Path second = this.directory.resolve("second.md");
		Files.writeString(second, PAGE);
		ReliabilityReport.writeSection(second, ClusterFaultTests.BEGIN, ClusterFaultTests.END, "new cluster\n");
		ReliabilityReport.writeSection(second, ReliabilityReport.BEGIN, ReliabilityReport.END, "new scenarios\n");

		String page = Files.readString(first);
		assertThat(Files.readString(second)).isEqualTo(page);
		assertThat(page).doesNotContain("old scenarios", "old cluster")
			.contains(ReliabilityReport.BEGIN + "\n\nnew scenarios\n\n" + ReliabilityReport.END)
			.contains(ClusterFaultTests.BEGIN + "\n\nnew cluster\n\n" + ClusterFaultTests.END)
			.startsWith("# Reliability\n\n## Results\n")
			.endsWith("## Findings\n");
	}

	@Test
	void aPageWithoutTheSectionsMarkersIsRefused() throws IOException {
		Path page = this.directory.resolve("page.md");
		Files.writeString(page, "# Reliability\n\n" + ReliabilityReport.BEGIN + "\n" + ReliabilityReport.END + "\n");
		assertThatIllegalStateException()
			.isThrownBy(() -> ReliabilityReport.writeSection(page, ClusterFaultTests.BEGIN, ClusterFaultTests.END, "x"))
			.withMessageContaining("lacks the markers");
		assertThat(Files.readString(page)).doesNotContain("x\n");
	}

}
