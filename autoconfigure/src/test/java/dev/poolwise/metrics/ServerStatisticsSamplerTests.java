package dev.poolwise.metrics;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.metrics.ServerStatistics.Scope;
import dev.poolwise.metrics.ServerStatistics.State;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.MetricsContexts;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.Sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The sampler against a real server: what it counts, that it never competes with the application for a
 * connection, and that meters keep answering from memory when the server does not.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServerStatisticsSamplerTests {

	private final ApplicationContextRunner contextRunner = MetricsContexts.runner()
		.withPropertyValues("db.pool.size=2", "db.pool.overflow=0", "db.pool.monitor.interval=1s");

	@Test
	void sessionIdleInTransactionOfTheSameApplicationIsCountedAndAgesTheOldestTransaction() {
		this.contextRunner.withPropertyValues("spring.application.name=orders-itx").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			try (Connection session = Sessions.idleInTransaction("orders-itx")) {
				await().untilAsserted(() -> {
					assertThat(connections(registry, "idle_in_transaction", "application")).isEqualTo(1);
					assertThat(connections(registry, "idle_in_transaction", "database")).isGreaterThanOrEqualTo(1);
					assertThat(registry.get("db.pool.server.oldest.transaction").timeGauge().value(TimeUnit.SECONDS))
						.isPositive();
				});
			}
			await().untilAsserted(
					() -> assertThat(connections(registry, "idle_in_transaction", "application")).isZero());
			assertThat(registry.get("db.pool.server.connections.max").gauge().value()).isEqualTo(297);
		});
	}

	@Test
	void aPoolsOwnMonitorIntervalDrivesItsSampler() {
		this.contextRunner
			.withPropertyValues("db.pool.monitor.interval=1h", "db.pool.datasources.dataSource.monitor.interval=1s")
			.run((context) -> {
				ServerStatisticsSampler sampler = context.getBean(ServerStatisticsSampler.class);
				await().until(() -> sampler.latest("dataSource") != null);
				Instant first = sampler.latest("dataSource").sampledAt();
				await().until(() -> sampler.latest("dataSource").sampledAt().isAfter(first));
			});
	}

	@Test
	void applicationScopeFollowsAnApplicationNameSetInTheUrlAndLeavesTheSamplerOut() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl() + "&ApplicationName=orders-url")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				try (Connection pooled = context.getBean(HikariDataSource.class).getConnection()) {
					await().untilAsserted(
							() -> assertThat(connections(registry, "idle", "application")).isEqualTo(2));
					assertThat(connections(registry, "active", "application")).isZero();
					assertThat(connections(registry, "active", "database")).isGreaterThanOrEqualTo(1);
				}
			});
	}

	@Test
	void sessionWaitingForALockIsCounted() {
		this.contextRunner.withPropertyValues("spring.application.name=orders-lock").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			try (Connection holder = PostgresServer.connect(); Connection waiter = PostgresServer.connect()) {
				Sessions.execute(holder, "SELECT pg_advisory_lock(4711)");
				CompletableFuture<Void> blocked = CompletableFuture
					.runAsync(() -> executeUnchecked(waiter, "SELECT pg_advisory_lock(4711)"));
				await().untilAsserted(() -> {
					assertThat(registry.get("db.pool.server.waiting").gauge().value()).isEqualTo(1);
					assertThat(registry.get("db.pool.server.oldest.query").timeGauge().value(TimeUnit.SECONDS))
						.isPositive();
				});
				Sessions.execute(holder, "SELECT pg_advisory_unlock(4711)");
				blocked.get(10, TimeUnit.SECONDS);
			}
			await().untilAsserted(() -> assertThat(registry.get("db.pool.server.waiting").gauge().value()).isZero());
		});
	}

	@Test
	void samplerNeverTakesTheOnlyConnectionOfASaturatedPool() {
		// size 1, no overflow, and a caller waits at most 250ms before Hikari gives up on it
		this.contextRunner
			.withPropertyValues("db.pool.size=1", "db.pool.timeout=250ms", "spring.application.name=orders-one")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				ServerStatisticsSampler sampler = context.getBean(ServerStatisticsSampler.class);
				Set<Instant> samples = new HashSet<>();
				try (Connection only = pool.getConnection()) {
					HikariPoolMXBean counters = pool.getHikariPoolMXBean();
					await().untilAsserted(() -> {
						ServerStatistics latest = sampler.latest("dataSource");
						if (latest != null) {
							samples.add(latest.sampledAt());
						}
						assertThat(samples).hasSizeGreaterThanOrEqualTo(3);
					});
					ServerStatistics latest = sampler.latest("dataSource");
					assertThat(latest.sessions(Scope.APPLICATION, State.IDLE)).isOne();
					assertThat(counters.getTotalConnections()).isOne();
					assertThat(counters.getThreadsAwaitingConnection()).isZero();
				}
				try (Connection next = pool.getConnection()) {
					assertThat(next.isValid(1)).isTrue();
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("hikaricp.connections.acquire").timer().count()).isEqualTo(2);
				assertThat(registry.get("hikaricp.connections.timeout").counter().count()).isZero();
				assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isOne();
			});
	}

	@Test
	void scrapeAnswersFromTheLastSampleWhileTheServerHangs(CapturedOutput output) throws Exception {
		try (FaultProxy proxy = FaultProxy.inFrontOf(PostgresServer.jdbcUrl())) {
			this.contextRunner
				.withPropertyValues("spring.datasource.url=" + proxy.jdbcUrl(), "spring.application.name=orders-hang")
				.run((context) -> {
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					try (Connection session = Sessions.idleInTransaction("orders-hang")) {
						await().untilAsserted(() -> assertThat(connections(registry, "idle_in_transaction",
								"application")).isEqualTo(1));
						proxy.blackhole();
						await().until(() -> proxy.bytesSentWhileBlackholed() > 0);
					}
					// the sampler now waits for an answer that does not come, and the session above is gone
					assertTimeoutPreemptively(Duration.ofMillis(500), () -> assertThat(
							connections(registry, "idle_in_transaction", "application")).isEqualTo(1));
					await().atMost(Duration.ofSeconds(20))
						.untilAsserted(() -> assertThat(connections(registry, "idle", "application")).isNaN());
					proxy.passThrough();
					await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
							connections(registry, "idle_in_transaction", "application")).isZero());
					assertThat(output).containsOnlyOnce("Poolwise could not sample server statistics for pool "
							+ "'dataSource', retrying every tick").doesNotContain(PostgresServer.PASSWORD);
				});
		}
	}

	@Test
	void roleWithoutPgReadAllStatsCountsOtherRolesSessionsAsOtherAndWarnsOnce(CapturedOutput output)
			throws SQLException {
		try (Connection admin = PostgresServer.connect()) {
			Sessions.execute(admin, "DO $$ BEGIN CREATE ROLE poolwise_limited LOGIN PASSWORD 'Limited-Pa55'; "
					+ "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
		}
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + PostgresServer.jdbcUrl().replaceAll("[?&]user=[^&]*", ""),
					"spring.datasource.username=poolwise_limited", "spring.datasource.password=Limited-Pa55",
					"spring.application.name=orders-limited")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				ServerStatisticsSampler sampler = context.getBean(ServerStatisticsSampler.class);
				try (Connection pooled = context.getBean(HikariDataSource.class).getConnection();
						Connection others = Sessions.idleInTransaction("orders-limited")) {
					await().untilAsserted(() -> {
						assertThat(connections(registry, "other", "application")).isEqualTo(1);
						assertThat(connections(registry, "idle_in_transaction", "application")).isZero();
						assertThat(connections(registry, "idle", "application")).isEqualTo(2);
					});
					Instant seen = sampler.latest("dataSource").sampledAt();
					await().until(() -> sampler.latest("dataSource").sampledAt().isAfter(seen.plusSeconds(1)));
					assertThat(sampler.latest("dataSource").allSessionsVisible()).isFalse();
					assertThat(output).containsOnlyOnce("Poolwise cannot see the state of other roles' sessions");
				}
			});
	}

	private static double connections(MeterRegistry registry, String state, String scope) {
		return registry.get("db.pool.server.connections").tag("state", state).tag("scope", scope).gauge().value();
	}

	private static void executeUnchecked(Connection connection, String sql) {
		try {
			Sessions.execute(connection, sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
