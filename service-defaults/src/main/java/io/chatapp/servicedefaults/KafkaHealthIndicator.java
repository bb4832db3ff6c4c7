package io.chatapp.servicedefaults;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Kafka is up when the cluster can be described within {@value #TIMEOUT_MILLIS} ms. The
 * admin client is created on the first check (so a bootstrap address that does not
 * resolve yet reports DOWN instead of failing the start) and kept for the next ones.
 */
class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

	private static final int TIMEOUT_MILLIS = 2000;

	private final Map<String, Object> adminConfig;

	private Admin admin;

	KafkaHealthIndicator(Map<String, Object> adminConfig) {
		super("Kafka health check failed");
		this.adminConfig = Map.copyOf(adminConfig);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		DescribeClusterResult cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MILLIS));
		long deadline = System.nanoTime() + Duration.ofMillis(TIMEOUT_MILLIS + 500).toNanos();
		String clusterId = cluster.clusterId().get(remaining(deadline), TimeUnit.NANOSECONDS);
		int nodes = cluster.nodes().get(remaining(deadline), TimeUnit.NANOSECONDS).size();
		builder.up().withDetail("clusterId", clusterId).withDetail("nodes", nodes);
	}

	private static long remaining(long deadline) {
		return Math.max(0, deadline - System.nanoTime());
	}

	private synchronized Admin admin() {
		if (this.admin == null) {
			this.admin = Admin.create(this.adminConfig);
		}
		return this.admin;
	}

	@Override
	public synchronized void destroy() {
		if (this.admin != null) {
			this.admin.close(Duration.ofSeconds(2));
		}
	}

}
