package io.chatapp.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTests {

	@Test
	void onlyTheBlockBetweenTheMarkersIsReplaced() {
		String readme = "# Benchmarks\n\n## Method\n\nhand written\n\n" + Report.START + "\nold table\n" + Report.END
				+ "\n\n## Before and after\n\nalso hand written\n";
		String updated = Report.replaceResults(readme, "| new | table |\n", "unused");
		assertThat(updated).contains("## Method\n\nhand written")
			.contains("## Before and after\n\nalso hand written")
			.contains(Report.START + "\n| new | table |\n" + Report.END)
			.doesNotContain("old table");
		assertThat(Report.replaceResults(updated, "| new | table |", "unused")).isEqualTo(updated);
	}

	@Test
	void aReadmeWithoutMarkersGetsThemAppended() {
		String updated = Report.replaceResults("# Notes\n\nkeep me\n", "table", "unused");
		assertThat(updated).startsWith("# Notes\n\nkeep me\n").endsWith(Report.START + "\ntable\n" + Report.END + "\n");
	}

	@Test
	void noReadmeStartsFromTheTemplate() {
		String template = "# Benchmarks\n\nmethod\n\n" + Report.START + "\n" + Report.END + "\n";
		assertThat(Report.replaceResults(null, "table", template))
			.isEqualTo("# Benchmarks\n\nmethod\n\n" + Report.START + "\ntable\n" + Report.END + "\n");
	}

}
