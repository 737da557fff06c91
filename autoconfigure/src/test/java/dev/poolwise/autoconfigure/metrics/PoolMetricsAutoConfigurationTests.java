package dev.poolwise.autoconfigure.metrics;

import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.metrics.PoolMeterBinder;
import dev.poolwise.metrics.ServerStatisticsSampler;
import dev.poolwise.test.MetricsContexts;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PoolMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = MetricsContexts.runner()
		.withPropertyValues("db.pool.size=2", "db.pool.overflow=3", "db.pool.monitor.interval=1s",
				"spring.application.name=metrics-wiring");

	@Test
	void everyMeterIsTaggedWithThePoolAndNothingButStateAndScope() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			List<Meter> meters = registry.getMeters()
				.stream()
				.filter((meter) -> meter.getId().getName().startsWith("db.pool"))
				.toList();
			assertThat(meters).extracting((meter) -> meter.getId().getName())
				.containsOnly("db.pool.utilization", "db.pool.size.recommended", "db.pool.overflow.active",
						"db.pool.queue.waiting", "db.pool.queue.turned.away", "db.pool.login.failures", "db.pool.server.connections", "db.pool.server.connections.max",
						"db.pool.server.oldest.transaction", "db.pool.server.oldest.query", "db.pool.server.waiting");
			assertThat(meters).allSatisfy((meter) -> {
				assertThat(meter.getId().getTag("pool")).isEqualTo("dataSource");
				assertThat(meter.getId().getTags()).extracting(Tag::getKey).isSubsetOf("pool", "state", "scope");
			});
			assertThat(registry.find("db.pool.server.connections").meters()).hasSize(10)
				.extracting((meter) -> meter.getId().getTag("scope") + "/" + meter.getId().getTag("state"))
				.contains("application/idle_in_transaction", "database/idle_in_transaction_aborted",
						"database/other");
		});
	}

	@Test
	void eachPoolHasItsOwnMetersTaggedWithItsBeanName() {
		this.contextRunner.withBean("primary", HikariDataSource.class, PostgresServer::unstartedPool)
			.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				for (String name : List.of("db.pool.utilization", "db.pool.size.recommended", "db.pool.overflow.active",
						"db.pool.server.connections.max", "db.pool.server.oldest.transaction",
						"db.pool.server.oldest.query", "db.pool.server.waiting")) {
					assertThat(registry.find(name).meters()).as(name)
						.extracting((meter) -> meter.getId().getTag("pool"))
						.containsExactlyInAnyOrder("primary", "reporting");
				}
				assertThat(registry.find("db.pool.server.connections").tag("pool", "primary").meters()).hasSize(10);
				assertThat(registry.find("db.pool.server.connections").tag("pool", "reporting").meters()).hasSize(10);
			});
	}

	@Test
	void eachPoolsMetersFollowOnlyThatPool() {
		this.contextRunner.withBean("primary", HikariDataSource.class, PostgresServer::unstartedPool)
			.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.withPropertyValues("db.pool.datasources.reporting.size=1", "db.pool.datasources.reporting.overflow=9")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				DataSource reporting = context.getBean("reporting", DataSource.class);
				try (Connection first = reporting.getConnection(); Connection second = reporting.getConnection()) {
					assertThat(registry.get("db.pool.utilization").tag("pool", "reporting").gauge().value())
						.isEqualTo(2.0 / 10);
					assertThat(registry.get("db.pool.overflow.active").tag("pool", "reporting").gauge().value())
						.isGreaterThanOrEqualTo(1.0);
					assertThat(registry.get("db.pool.utilization").tag("pool", "primary").gauge().value()).isZero();
					assertThat(registry.get("db.pool.overflow.active").tag("pool", "primary").gauge().value())
						.isZero();
				}
			});
	}

	@Test
	void poolMetersFollowTheConnectionsInUse() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			DataSource dataSource = context.getBean(DataSource.class);
			try (Connection first = dataSource.getConnection(); Connection second = dataSource.getConnection();
					Connection third = dataSource.getConnection()) {
				assertThat(registry.get("db.pool.utilization").gauge().value()).isEqualTo(3.0 / 5);
				assertThat(registry.get("db.pool.overflow.active").gauge().value()).isEqualTo(1.0);
			}
			assertThat(registry.get("db.pool.utilization").gauge().value()).isZero();
		});
	}

	@Test
	void recommendedSizeComesFromHikarisOwnTimersAfterOneWindow() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			DataSource dataSource = context.getBean(DataSource.class);
			try (Connection connection = dataSource.getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
			assertThat(registry.get("hikaricp.connections.usage").timer().count()).isOne();
			await().untilAsserted(
					() -> assertThat(registry.get("db.pool.size.recommended").gauge().value()).isEqualTo(1.0));
		});
	}

	@Test
	void prometheusNamesAreTheOnesTheAlertsAndDashboardUse() {
		this.contextRunner
			.withBean(PrometheusMeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
			.withConfiguration(AutoConfigurations.of(CompositeMeterRegistryAutoConfiguration.class))
			.run((context) -> {
				PrometheusMeterRegistry prometheus = context.getBean(PrometheusMeterRegistry.class);
				await().untilAsserted(() -> assertThat(prometheus.scrape())
					.contains("db_pool_server_connections_max{pool=\"dataSource\"} 297"));
				Set<String> names = prometheus.scrape()
					.lines()
					.filter((line) -> line.startsWith("db_pool"))
					.map((line) -> line.substring(0, line.indexOf('{')))
					.collect(Collectors.toSet());
				assertThat(names).containsExactlyInAnyOrder("db_pool_utilization", "db_pool_size_recommended",
						"db_pool_overflow_active", "db_pool_queue_waiting", "db_pool_queue_turned_away_total",
						"db_pool_login_failures_total", "db_pool_server_connections",
						"db_pool_server_connections_max",
						"db_pool_server_oldest_transaction_seconds", "db_pool_server_oldest_query_seconds",
						"db_pool_server_waiting");
			});
	}

	@Test
	void openTelemetryConnectionPoolMetersAreScrapedUnderTheirConventionalNames() {
		this.contextRunner
			.withBean(PrometheusMeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
			.withConfiguration(AutoConfigurations.of(CompositeMeterRegistryAutoConfiguration.class))
			.withPropertyValues("db.pool.metrics.opentelemetry.enabled=true")
			.run((context) -> {
				PrometheusMeterRegistry prometheus = context.getBean(PrometheusMeterRegistry.class);
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				String pooled = "db_client_connection_pool_name=\"dataSource\"";
				try (Connection held = pool.getConnection()) {
					// Function meters hold their object weakly: what they read must survive a collection.
					System.gc();
					await().untilAsserted(() -> assertThat(prometheus.scrape()).contains(
							"db_client_connection_count{" + pooled + ",db_client_connection_state=\"used\"} 1",
							"db_client_connection_max{" + pooled + "} " + pool.getMaximumPoolSize(),
							"db_client_connection_idle_min{" + pooled + "} " + pool.getMinimumIdle(),
							"db_client_connection_pending_requests{" + pooled + "} 0",
							"db_client_connection_timeouts_total{" + pooled + "} 0",
							"db_client_connection_wait_time_seconds_count{" + pooled + "} 1"));
				}
				await().untilAsserted(() -> assertThat(prometheus.scrape()).contains(
						"db_client_connection_use_time_seconds_count{" + pooled + "} 1",
						"db_client_connection_create_time_seconds_count"));
				assertThat(prometheus.scrape()).contains("hikaricp_connections_acquire_seconds_count");
			});
	}

	@Test
	void openTelemetryMetersAreOffByDefault() {
		this.contextRunner.run((context) -> assertThat(context.getBean(MeterRegistry.class)
			.find("db.client.connection.count")
			.meters()).isEmpty());
	}

	@Test
	void monitorDisabledLeavesOnlyThePoolMeters() {
		this.contextRunner.withPropertyValues("db.pool.monitor.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ServerStatisticsSampler.class).hasSingleBean(PoolMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("db.pool.utilization").gauge()).isNotNull();
			assertThat(registry.find("db.pool.server.connections").meters()).isEmpty();
		});
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PoolMeterBinder.class)
				.doesNotHaveBean(ServerStatisticsSampler.class));
	}

	@Test
	void backsOffWhenPoolwiseIsDisabled() {
		this.contextRunner.withPropertyValues("db.pool.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(PoolMeterBinder.class).doesNotHaveBean(ServerStatisticsSampler.class);
			assertThat(context.getBean(MeterRegistry.class).find("db.pool.utilization").meters()).isEmpty();
		});
	}

}
