package io.chatapp.chats;

import io.chatapp.chats.users.UserDirectory;
import io.chatapp.testsupport.OpenApiContract;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/** The published OpenAPI document lists exactly the API's endpoints. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "chatapp.chats.chat-creations-per-minute=1000" })
@Import(ChatsTestSupport.TestTokens.class)
class OpenApiDocumentTests {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		ChatsTestSupport.register(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	/** Same context as {@link ChatsApiEndToEndTests}, so it is started once. */
	@MockitoBean
	UserDirectory users;

	@Test
	void documentListsExactlyTheControllersEndpoints() {
		assertThat(OpenApiContract.implemented(this.mappings, "io.chatapp.chats")).hasSizeGreaterThan(10)
			.isEqualTo(OpenApiContract.documented("http://127.0.0.1:" + this.port));
	}

}
