package dev.poolwise.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample started in Spring AOT mode on the JVM ({@code -Dspring.aot.enabled=true}), with the bean
 * definitions {@code spring-boot:process-aot} generated at build time instead of the ones its auto-configurations
 * would compute, as a native image starts. One launch, on the embedded PostgreSQL the build-time conditions chose.
 */
class SampleApplicationAotIT {

	@Test
	void aotProcessedSampleStartsAndServes() throws IOException, InterruptedException {
		Path jar = Paths.get(System.getProperty("sample.jar"));
		Path log = jar.resolveSibling("aot-sample.log");
		int port = freePort();
		Process sample = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
				"-Dspring.aot.enabled=true", "-jar", jar.toString(), "--server.port=" + port)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			SampleClient client = new SampleClient(port);
			await().atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(500))
				.ignoreExceptions()
				.failFast(() -> !sample.isAlive())
				.until(() -> client.get("/actuator/health").getStatusCode() == HttpStatus.OK);
			assertThat(Files.readString(log)).contains("Starting AOT-processed SampleApplication")
				.contains("Poolwise tuned pool 'dataSource'");
			assertThat(client.get("/actuator/health").getBody().path("components").path("dbPool").path("status")
				.asString()).isEqualTo("UP");
			assertThat(client.accounts()).isNotEmpty();
			ResponseEntity<JsonNode> dbpool = client.get("/actuator/dbpool");
			assertThat(dbpool.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(dbpool.getBody().path("pools").path("dataSource").path("configuration").path("size")
				.path("value").asInt()).isEqualTo(5);
		}
		finally {
			sample.destroy();
			sample.waitFor();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
