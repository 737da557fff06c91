package dev.poolwise.test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * A client of an application started on a random port, which hands back every status as it came instead of
 * throwing on 4xx and 5xx, so a test can assert on it.
 */
public final class LocalHttp {

	private LocalHttp() {
	}

	/**
	 * A client of the application's web server.
	 * @param context the running application, started with {@code server.port=0}
	 * @return the client
	 */
	public static RestClient client(ConfigurableApplicationContext context) {
		return RestClient.builder()
			.baseUrl("http://localhost:" + context.getEnvironment().getProperty("local.server.port"))
			.defaultStatusHandler((status) -> true, (request, response) -> {
			})
			.build();
	}

}
