package io.chatapp.worker;

import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Keeps the spans and log records the worker exports, as an OTLP collector would receive
 * them.
 */
@TestConfiguration(proxyBeanMethods = false)
class TestTelemetry {

	@Bean
	InMemorySpanExporter spanExporter() {
		return InMemorySpanExporter.create();
	}

	@Bean
	InMemoryLogRecordExporter logRecordExporter() {
		return InMemoryLogRecordExporter.create();
	}

}
