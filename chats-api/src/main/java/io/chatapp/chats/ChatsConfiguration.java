package io.chatapp.chats;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ChatsConfiguration {

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}
