package dev.poolwise.pgbouncer;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.autosize.AutosizeAutoConfiguration;
import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.autosize.AutosizeState;
import dev.poolwise.autosize.Decision.Action;
import dev.poolwise.test.Load;
import dev.poolwise.test.PgBouncerServer;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Behind PgBouncer there is no server budget to claim, and PgBouncer's default_pool_size (2 here) is what the
 * server really serves: client connections above it queue inside PgBouncer, so growth stops at that knee.
 */
class AutosizeBehindPgBouncerTests {

	private static PgBouncerServer pgbouncer;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				MetricsAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class,
				AutosizeAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("spring.datasource.url=" + running().jdbcUrl("postgres"),
				"spring.datasource.username=" + PostgresServer.username(), "db.pool.pgbouncer.enabled=true",
				"management.metrics.use-global-registry=false", "db.pool.monitor.enabled=false", "db.pool.size=2",
				"db.pool.overflow=10", "db.pool.autosize.enabled=true", "db.pool.autosize.interval=300ms");

	private static TestAbortedException missing;

	/**
	 * Without the binary the test is skipped with the install command, as a test the report counts, not as
	 * an aborted class it does not; in CI the start fails it instead.
	 */
	@BeforeAll
	static void startPgBouncer() {
		try {
			pgbouncer = PgBouncerServer.start(2);
		}
		catch (TestAbortedException ex) {
			missing = ex;
		}
	}

	/**
	 * The server, for each test instance: aborts the test when PgBouncer could not be started.
	 */
	private static PgBouncerServer running() {
		if (missing != null) {
			throw missing;
		}
		return pgbouncer;
	}

	@AfterAll
	static void stopPgBouncer() {
		if (pgbouncer != null) {
			pgbouncer.close();
		}
	}

	@Test
	void growthStopsAtPgBouncersDefaultPoolSizeWithoutABudgetToClaim() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			AutosizeControls controls = context.getBean(AutosizeControls.class);
			try (Load load = Load.start(pool, 12, "SELECT pg_sleep(0.01)")) {
				await().atMost(Duration.ofSeconds(60)).until(() -> controls.state("dataSource").decisions().stream()
					.anyMatch((change) -> change.action() == Action.BACK_OFF));
			}
			AutosizeState state = controls.state("dataSource");
			assertThat(state.allowed()).isNull();
			assertThat(state.share()).isNull();
			assertThat(state.decisions()).noneMatch((change) -> change.to() == 12);
		});
	}

}
