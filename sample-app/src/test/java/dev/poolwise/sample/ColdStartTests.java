package dev.poolwise.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClientException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cold instance takes traffic only once its pool is warm: from the launch of the application to the first
 * {@code 200} of {@code /actuator/health/readiness}, whose {@code dbPoolWarm} then shows the pool full.
 */
class ColdStartTests {

	private static EmbeddedPostgres postgres;

	@BeforeAll
	static void startServer() throws IOException {
		postgres = EmbeddedPostgres.builder().start();
	}

	@AfterAll
	static void stopServer() throws IOException {
		postgres.close();
	}

	@Test
	void withSizeFiveReadinessWaitsForFiveConnections() throws Exception {
		readyOnceWarm(5);
	}

	@Test
	void withSizeTwentyReadinessWaitsForTwentyConnections() throws Exception {
		readyOnceWarm(20);
	}

	private void readyOnceWarm(int size) throws Exception {
		int port = freePort();
		SampleClient client = new SampleClient(port);
		long launch = System.nanoTime();
		CompletableFuture<ConfigurableApplicationContext> application = CompletableFuture
			.supplyAsync(() -> new SpringApplicationBuilder(SampleApplication.class).run("--server.port=" + port,
					"--spring.datasource.url=jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres",
					"--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
					"--db.pool.size=" + size, "--db.pool.overflow=0", "--db.pool.application-name=cold-" + size));
		try {
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).ignoreExceptionsInstanceOf(
					RestClientException.class).until(() -> client.get("/actuator/health/readiness").getStatusCode()
						.equals(HttpStatus.OK));
			Duration ready = Duration.ofNanos(System.nanoTime() - launch);
			ResponseEntity<JsonNode> readiness = client.get("/actuator/health/readiness");
			JsonNode warm = readiness.getBody().path("components").path("dbPoolWarm");
			System.out.println("COLD START size=" + size + ": ready " + ready.toMillis() + " ms after launch; pool warm "
					+ warm.path("details").path("warmedUpMillis").asLong() + " ms after its indicator was created");
			assertThat(warm.path("status").asString()).isEqualTo("UP");
			assertThat(warm.path("details").has("warmedUpMillis")).isTrue();
		}
		finally {
			application.get().close();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
