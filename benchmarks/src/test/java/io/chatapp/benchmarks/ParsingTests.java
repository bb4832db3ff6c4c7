package io.chatapp.benchmarks;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ParsingTests {

	@Test
	void producerPerformanceSummaryIsTheLastFullLine() {
		String output = """
				49985 records sent, 9997.0 records/sec (1.91 MB/sec), 12.3 ms avg latency, 201.0 ms max latency.
				1000000 records sent, 185528.756957 records/sec (35.39 MB/sec), 120.72 ms avg latency, 612.00 ms max latency, 95 ms 50th, 353 ms 95th, 545 ms 99th, 595 ms 99.9th.
				""";
		Baselines.ProducerSummary summary = Baselines.parseProducerSummary(output);
		assertThat(summary.records()).isEqualTo(1_000_000);
		assertThat(summary.recordsPerSecond()).isEqualTo(185528.756957);
		assertThat(summary.mbPerSecond()).isEqualTo(35.39);
		assertThat(summary.avgLatencyMs()).isEqualTo(120.72);
		assertThat(summary.maxLatencyMs()).isEqualTo(612.0);
		assertThat(summary.p50Ms()).isEqualTo(95);
		assertThat(summary.p95Ms()).isEqualTo(353);
		assertThat(summary.p99Ms()).isEqualTo(545);
		assertThat(summary.p999Ms()).isEqualTo(595);
		assertThat(Baselines.parseProducerSummary("49985 records sent, 9997.0 records/sec (1.91 MB/sec)")).isNull();
	}

	@Test
	void heapUsedComesFromTheHeapLinesNeverMetaspace() {
		String g1 = """
				12345:
				 garbage-first heap   total 262144K, used 123456K [0x00000000f0000000, 0x0000000100000000)
				  region size 1024K, 3 young (3072K), 1 survivors (1024K)
				 Metaspace       used 65432K, committed 66000K, reserved 1114112K
				  class space    used 8000K, committed 8300K, reserved 1048576K
				""";
		assertThat(SystemProbe.parseHeapUsed(g1)).isEqualTo(123456L * 1024);
		String serial = """
				12345:
				 def new generation   total 9792K, used 4226K [0x00000000f0000000, 0x00000000f0aa0000, 0x00000000f5550000)
				  eden space 8704K,  43% used [0x00000000f0000000, 0x00000000f03a0000, 0x00000000f0880000)
				  from space 1088K,  38% used [0x00000000f0990000, 0x00000000f09f0000, 0x00000000f0aa0000)
				 tenured generation   total 21888K, used 15000K [0x00000000f5550000, 0x00000000f6ab0000, 0x0000000100000000)
				 Metaspace       used 40000K, committed 40500K, reserved 1114112K
				""";
		assertThat(SystemProbe.parseHeapUsed(serial)).isEqualTo((4226L + 15000L) * 1024);
		assertThatIllegalArgumentException().isThrownBy(() -> SystemProbe.parseHeapUsed("12345:\nno such process"));
	}

	@Test
	void optionsTakeBothSpellingsAndRefuseUnknownOnes() {
		Options options = Options.parse("--quick", "--rates=100,200", "--sockets", "2000", "--soak=10m",
				"--phases=ramp,rates");
		assertThat(options.quick()).isTrue();
		assertThat(options.rates()).isEqualTo(List.of(100, 200));
		assertThat(options.sockets()).isEqualTo(2000);
		assertThat(options.soak()).isEqualTo(Duration.ofMinutes(10));
		assertThat(options.phases()).containsExactly("ramp", "rates", "soak");
		assertThat(Options.parse().phases()).doesNotContain("soak").contains("ramp", "reads", "sockets");
		assertThat(Options.parse("--phases=soak").soak()).isEqualTo(Duration.ofMinutes(10));
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--sokets=10"));
		assertThatIllegalArgumentException().isThrownBy(() -> Options.parse("--phases=ramp,nope"));
		assertThat(Options.duration("90s")).isEqualTo(Duration.ofSeconds(90));
		assertThat(Options.duration("2h")).isEqualTo(Duration.ofHours(2));
	}

	@Test
	void deadThreadsAndOutOfMemoryAreFoundInLogs() {
		String log = "all good\nException in thread \"feed\" java.lang.IllegalStateException: x\n"
				+ "java.lang.OutOfMemoryError: Java heap space\nfine again\n";
		assertThat(Soak.deadThreadLines("chats-api.log", log)).containsExactly(
				"chats-api.log: Exception in thread \"feed\" java.lang.IllegalStateException: x",
				"chats-api.log: java.lang.OutOfMemoryError: Java heap space");
	}

}
