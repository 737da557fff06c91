package dev.poolwise.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;

import dev.poolwise.sample.load.LoadStatus;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as a user runs it: no {@code spring.datasource.url}, so on its own embedded PostgreSQL, and
 * every call over real HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationIntegrationTests {

	private static final String POOL = "dataSource";

	/**
	 * The health component that reports the pool: Poolwise's, which replaces Spring Boot's db indicator.
	 */
	private static final String POOL_HEALTH_COMPONENT = "dbPool";

	private final SampleClient client;

	private final TunedPool pool;

	private final EmbeddedPostgres embeddedPostgres;

	SampleApplicationIntegrationTests(@LocalServerPort int port, @Autowired TunedPools pools,
			@Autowired EmbeddedPostgres embeddedPostgres) {
		this.client = new SampleClient(port);
		this.pool = pools.get(POOL);
		this.embeddedPostgres = embeddedPostgres;
	}

	@Test
	void poolwiseTunesBootsPoolOnTheEmbeddedServer(CapturedOutput output) {
		String embeddedUrl = "jdbc:postgresql://localhost:" + this.embeddedPostgres.getPort() + "/postgres";
		assertThat(this.pool).isNotNull();
		assertThat(this.pool.dataSource().getJdbcUrl()).isEqualTo(embeddedUrl);
		assertThat(this.pool.dataSource().getMaximumPoolSize()).isEqualTo(10);
		assertThat(this.pool.tuning().size().source()).isEqualTo("db.pool.size");
		assertThat(output).contains("Poolwise tuned pool 'dataSource' for " + embeddedUrl + ": size=5 (db.pool.size)");
	}

	/**
	 * Everything the actuator says about the pool, in one place: Poolwise's dbPool health, db_pool_* meters
	 * and /actuator/dbpool endpoint next to Spring Boot's hikaricp_* meters.
	 */
	@Test
	void actuatorReportsThePool() {
		ResponseEntity<JsonNode> health = this.client.get("/actuator/health");
		assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(health.getBody().path("status").asString()).isEqualTo("UP");
		assertThat(health.getBody().path("components").path(POOL_HEALTH_COMPONENT).path("status").asString())
			.isEqualTo("UP");
		ResponseEntity<JsonNode> readiness = this.client.get("/actuator/health/readiness");
		assertThat(readiness.getBody().path("components").path(POOL_HEALTH_COMPONENT).path("status").asString())
			.isEqualTo("UP");
		assertThat(health.getBody().path("components").path(POOL_HEALTH_COMPONENT).path("details").path("max").asInt())
			.isEqualTo(10);
		assertThat(health.getBody().path("components").has("db")).as("Boot's blocking db indicator, replaced by dbPool")
			.isFalse();
		PrometheusScrape prometheus = this.client.prometheus();
		assertThat(prometheus.value("hikaricp_connections_active", POOL)).isPresent();
		assertThat(prometheus.value("hikaricp_connections_max", POOL)).hasValue(10.0);
		assertThat(prometheus.value("hikaricp_connections_min", POOL)).hasValue(5.0);
		assertThat(prometheus.value("db_pool_utilization", POOL)).isPresent();
		assertThat(prometheus.value("db_pool_overflow_active", POOL)).isPresent();
		assertThat(prometheus.text()).contains("db_pool_server_connections_max{").contains("db_pool_size_recommended{");
		ResponseEntity<JsonNode> dbpool = this.client.get("/actuator/dbpool");
		assertThat(dbpool.getStatusCode()).isEqualTo(HttpStatus.OK);
		JsonNode pool = dbpool.getBody().path("pools").path("dataSource");
		assertThat(pool.path("configuration").path("size").path("value").asInt()).isEqualTo(5);
		assertThat(pool.path("configuration").path("size").path("source").asString()).isEqualTo("db.pool.size");
		assertThat(pool.path("statistics").path("max").asInt()).isEqualTo(10);
		assertThat(pool.path("server").isMissingNode()).isFalse();
	}

	@Test
	void transferMovesTheAmountAndKeepsTheTotal() {
		BigDecimal total = this.client.totalBalance();
		BigDecimal from = this.client.balance(1);
		BigDecimal to = this.client.balance(2);
		ResponseEntity<JsonNode> transfer = this.client.transfer(1L, 2L, new BigDecimal("12.34"));
		assertThat(transfer.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(transfer.getBody().path("amount").decimalValue()).isEqualByComparingTo("12.34");
		assertThat(this.client.balance(1)).isEqualByComparingTo(from.subtract(new BigDecimal("12.34")));
		assertThat(this.client.balance(2)).isEqualByComparingTo(to.add(new BigDecimal("12.34")));
		assertThat(this.client.totalBalance()).isEqualByComparingTo(total);
	}

	@Test
	void overdraftIsRefusedWithConflictAndChangesNothing() {
		BigDecimal from = this.client.balance(3);
		BigDecimal to = this.client.balance(1);
		ResponseEntity<JsonNode> transfer = this.client.transfer(3L, 1L, from.add(new BigDecimal("0.01")));
		assertThat(transfer.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(transfer.getBody().path("detail").asString()).startsWith("Account 3 holds");
		assertThat(this.client.balance(3)).isEqualByComparingTo(from);
		assertThat(this.client.balance(1)).isEqualByComparingTo(to);
	}

	@Test
	void transfersThatCanNeverSucceedAreBadRequests() {
		BigDecimal total = this.client.totalBalance();
		assertThat(this.client.transfer(1L, 1L, BigDecimal.ONE).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(this.client.transfer(1L, 2L, BigDecimal.ZERO).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(this.client.transfer(1L, 2L, new BigDecimal("0.001")).getStatusCode())
			.isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(this.client.transfer(1L, null, BigDecimal.ONE).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		ResponseEntity<JsonNode> unknown = this.client.transfer(1L, 99L, BigDecimal.ONE);
		assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(unknown.getBody().path("detail").asString()).isEqualTo("Account 99 does not exist");
		assertThat(this.client.totalBalance()).isEqualByComparingTo(total);
	}

	@Test
	void concurrentTransfersInOppositeDirectionsNeitherDeadlockNorLoseMoney() throws Exception {
		BigDecimal total = this.client.totalBalance();
		List<Callable<HttpStatusCode>> transfers = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			transfers.add(() -> this.client.transfer(1L, 2L, BigDecimal.ONE).getStatusCode());
			transfers.add(() -> this.client.transfer(2L, 1L, BigDecimal.ONE).getStatusCode());
		}
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			for (Future<HttpStatusCode> status : executor.invokeAll(transfers)) {
				assertThat(status.get()).isEqualTo(HttpStatus.CREATED);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.client.totalBalance()).isEqualByComparingTo(total);
	}

	@Test
	void slowReportHoldsItsConnectionForTheRequestedTime() {
		long start = System.nanoTime();
		ResponseEntity<JsonNode> report = this.client.get("/reports/slow?seconds=0.5");
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(report.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(report.getBody().path("seconds").asDouble()).isEqualTo(0.5);
		assertThat(report.getBody().path("accounts").asLong()).isEqualTo(4);
		assertThat(report.getBody().path("totalBalance").decimalValue()).isEqualByComparingTo("1750.00");
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(500));
		assertThat(this.client.get("/reports/slow?seconds=11").getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void loadGeneratorDrivesThePoolToItsMaximum() {
		ResponseEntity<JsonNode> started = this.client.startLoad(30, 60, 300);
		try {
			assertThat(started.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
			assertThat(started.getBody().path("running").asBoolean()).isTrue();
			assertThat(this.client.startLoad(1, 1, 0).getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				PrometheusScrape prometheus = this.client.prometheus();
				double max = prometheus.value("hikaricp_connections_max", POOL).orElseThrow();
				assertThat(prometheus.value("hikaricp_connections_active", POOL)).hasValue(max);
				assertThat(prometheus.value("hikaricp_connections_pending", POOL))
					.hasValueSatisfying((pending) -> assertThat(pending).isPositive());
			});
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				JsonNode pool = this.client.get("/actuator/health").getBody().path("components")
					.path(POOL_HEALTH_COMPONENT);
				assertThat(pool.path("status").asString()).as("saturation is a warning, not an outage").isEqualTo("UP");
				assertThat(pool.path("details").path("pending").asInt()).isPositive();
				assertThat(pool.path("details").path("warnings").toString()).contains("critical: 10 of 10 connections")
					.contains("waiting for a connection");
			});
		}
		finally {
			this.client.stopLoad();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> !this.client.load().running());
		LoadStatus finished = this.client.load();
		assertThat(finished.threads()).isEqualTo(30);
		assertThat(finished.completed()).isPositive();
		assertThat(finished.started()).isEqualTo(finished.completed() + finished.failed() + finished.timeouts());
	}

	@Test
	void loadRequestsOutOfBoundsAreBadRequests() {
		assertThat(this.client.startLoad(201, 10, 100).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(this.client.startLoad(10, 0, 100).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(this.client.startLoad(10, 10, 10_001).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
	}

}
