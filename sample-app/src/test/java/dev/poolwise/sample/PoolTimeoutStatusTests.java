package dev.poolwise.sample;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scenario in small: more concurrent slow reports than the pool has connections. With a pool of
 * one and a timeout of 1s, one report holds the connection for 3s and the next request waits in vain.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "db.pool.size=1", "db.pool.overflow=0", "db.pool.timeout=1s" })
class PoolTimeoutStatusTests {

	private final SampleClient client;

	private final TunedPool pool;

	PoolTimeoutStatusTests(@LocalServerPort int port, @Autowired TunedPools pools) {
		this.client = new SampleClient(port);
		this.pool = pools.get("dataSource");
	}

	@Test
	void requestThatGetsNoConnectionWithinTheTimeoutIsA503WithRetryAfterAndAProblemDetail() {
		CompletableFuture<ResponseEntity<JsonNode>> slow = CompletableFuture
			.supplyAsync(() -> this.client.get("/reports/slow?seconds=3"));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.pool.dataSource().getHikariPoolMXBean().getActiveConnections() == 1);
		ResponseEntity<JsonNode> timedOut = this.client.get("/reports/slow?seconds=0");
		assertThat(timedOut.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(timedOut.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(timedOut.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		JsonNode problem = timedOut.getBody();
		assertThat(problem.path("status").asInt()).isEqualTo(503);
		assertThat(problem.path("title").asString()).isEqualTo("Service Unavailable");
		assertThat(problem.path("pool").asString()).isEqualTo("dataSource");
		assertThat(problem.path("surfacedThrough").asString()).isEqualTo("spring");
		assertThat(problem.path("waitedMillis").asLong()).isBetween(1000L, 2000L);
		assertThat(problem.path("instance").asString()).isEqualTo("/reports/slow");
		assertThat(slow.join().getStatusCode()).isEqualTo(HttpStatus.OK);
	}

}
