package dev.poolwise.autoconfigure.autosize;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autosize.AutosizeControls;
import dev.poolwise.autosize.AutosizeState;
import dev.poolwise.test.Load;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.validation.PoolConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Autosizing against a server with max_connections=20: the pool grows only to its share of the budget, and
 * gives back what another instance of the application claims through its side connection, as a second JVM
 * would. A ceiling above the budget with budget.enforce fails startup.
 */
class AutosizeBudgetTests {

	private static final String NAME = "autosize-budget";

	private static EmbeddedPostgres smallServer;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				MetricsAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class,
				AutosizeAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("spring.datasource.url=" + url(), "spring.datasource.username=postgres",
				"management.metrics.use-global-registry=false", "db.pool.application-name=" + NAME,
				"db.pool.size=2", "db.pool.overflow=30", "db.pool.monitor.enabled=false",
				"db.pool.autosize.enabled=true", "db.pool.autosize.interval=300ms", "db.pool.autosize.cooldown=300ms",
				"db.pool.autosize.step=4");

	@BeforeAll
	static void startSmallServer() throws IOException {
		smallServer = EmbeddedPostgres.builder().setServerConfig("max_connections", "20").start();
	}

	@AfterAll
	static void stopSmallServer() throws IOException {
		smallServer.close();
	}

	@Test
	void thePoolGrowsOnlyToItsShareAndYieldsWhatAnotherInstanceWantsOfItsGuarantee() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			AutosizeControls controls = context.getBean(AutosizeControls.class);
			AtomicInteger mostSessions = new AtomicInteger();
			try (Connection observer = connect("observer"); Load load = Load.start(pool, 40, "SELECT pg_sleep(0.01)")) {
				await().atMost(Duration.ofSeconds(90)).until(() -> {
					mostSessions.accumulateAndGet(PostgresServer.sessions(observer, NAME), Math::max);
					AutosizeState state = controls.state("dataSource");
					return state.allowed() != null && pool.getMaximumPoolSize() == state.allowed();
				});
				int share = controls.state("dataSource").allowed();
				assertThat(share).isBetween(10, 20 - 3 - 2);
				assertThat(mostSessions.get()).isLessThanOrEqualTo(share);
				try (Connection other = connect(NAME + " (dbPool autosize)")) {
					claim(other, "/* poolwise autosize other:dataSource floor=2 claim=2 want=30 */ SELECT 1");
					// the other's connection counts as a session in use as soon as it opens, its claim from the next read
					await().atMost(Duration.ofSeconds(60))
						.until(() -> String.valueOf(controls.state("dataSource").share()).contains("2 instance(s)")
								&& pool.getMaximumPoolSize() < share
								&& PostgresServer.sessions(observer, NAME) <= pool.getMaximumPoolSize());
					AutosizeState state = controls.state("dataSource");
					assertThat(state.share()).contains("2 instance(s)");
					assertThat(pool.getMaximumPoolSize()).isEqualTo(state.allowed());
					assertThat(state.allowed()).isGreaterThanOrEqualTo(2 + (share - 4) / 2 - 1);
				}
			}
		});
	}

	@Test
	void aCeilingAboveTheBudgetWithBudgetEnforceFailsStartup() {
		this.contextRunner.withPropertyValues("db.pool.budget.enforce=true").run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = context.getStartupFailure();
			while (!(cause instanceof PoolConfigurationException) && cause.getCause() != null) {
				cause = cause.getCause();
			}
			assertThat(cause).isInstanceOf(PoolConfigurationException.class)
				.hasMessageContaining("db.pool.size + db.pool.overflow=32 is invalid: connection budget exceeded");
		});
	}

	private static void claim(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static Connection connect(String applicationName) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", "postgres");
		properties.setProperty("ApplicationName", applicationName);
		return DriverManager.getConnection(url(), properties);
	}

	private static String url() {
		return "jdbc:postgresql://localhost:" + smallServer.getPort() + "/postgres";
	}

}
