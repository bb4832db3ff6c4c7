package io.chatapp.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The chats-api instances Spring Cloud LoadBalancer balances over: the static list the
 * AppHost passes in {@code chatapp.gateway.chats-api-urls} (one URL per replica). A
 * discovery service (Kubernetes, Consul) would replace this class and nothing else.
 */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClient(name = ChatsApiInstances.SERVICE_ID, configuration = ChatsApiInstances.Supplier.class)
class ChatsApiInstances {

	static final String SERVICE_ID = "chats-api";

	static List<ServiceInstance> instances(WebProperties properties) {
		List<ServiceInstance> instances = new ArrayList<>();
		for (URI url : properties.chatsApiUrls()) {
			instances.add(new DefaultServiceInstance(SERVICE_ID + "-" + (instances.size() + 1), SERVICE_ID,
					url.getHost(), url.getPort(), "https".equals(url.getScheme())));
		}
		return instances;
	}

	/** Lives in the load balancer's own context for chats-api, so not scanned. */
	static class Supplier {

		@Bean
		ServiceInstanceListSupplier chatsApiInstanceSupplier(WebProperties properties) {
			return ServiceInstanceListSuppliers.from(SERVICE_ID, instances(properties).toArray(ServiceInstance[]::new));
		}

	}

}
