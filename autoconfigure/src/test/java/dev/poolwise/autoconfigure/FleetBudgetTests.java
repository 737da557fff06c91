package dev.poolwise.autoconfigure;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.endpoint.DbPoolEndpointAutoConfiguration;
import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.endpoint.DbPoolEndpoint;
import dev.poolwise.endpoint.ResizeDescriptor;
import dev.poolwise.health.PoolHealthIndicator;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection budget counts the application's instances on the server, so a stale
 * {@code db.pool.instances} does not hide a fleet that grew. Other instances are other JVMs: each leaves
 * on the server what a Poolwise instance leaves, pool sessions named like the application and a side
 * connection whose statement carries its JVM's marker. Contexts of this JVM are one instance.
 */
@ExtendWith(OutputCaptureExtension.class)
class FleetBudgetTests {

	private static final String NAME = "fleet-check";

	private static EmbeddedPostgres smallServer;

	/**
	 * How the application is named, unless a test names it by its JDBC URL: pgjdbc lets the URL's
	 * ApplicationName win over every property, so spring.application.name must not be set beside it.
	 */
	private static final String NAMED = "spring.application.name=" + NAME;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolHealthContributorAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + url(), "spring.datasource.username=postgres", "db.pool.size=2");

	@BeforeAll
	static void startSmallServer() throws IOException {
		smallServer = EmbeddedPostgres.builder().setServerConfig("max_connections", "30").start();
	}

	@AfterAll
	static void stopSmallServer() throws IOException {
		smallServer.close();
	}

	@Test
	void theBudgetAtStartupIsJudgedForTheInstancesCountedOnTheServerWhenMoreThanConfigured(CapturedOutput output)
			throws SQLException {
		try (OtherInstance first = OtherInstance.start("a1", 3); OtherInstance second = OtherInstance.start("b2", 3)) {
			this.contextRunner.withPropertyValues(NAMED, "db.pool.overflow=3")
				.run((context) -> assertThat(output).doesNotContain("connection budget"));
			this.contextRunner.withPropertyValues(NAMED, "db.pool.overflow=8")
				.run((context) -> assertThat(output).contains("connection budget exceeded: 3 instance(s) (counted on "
						+ "the server; db.pool.instances=1) x 10 connections = 30, but the server has "
						+ "max_connections=30 - 3 superuser_reserved - 0 reserved - 2 in use = 25"));
		}
	}

	@Test
	void theStartupCheckIsNotCountedAmongTheApplicationsSessionsWhenTheUrlNamesTheApplication(
			CapturedOutput output) throws SQLException {
		try (OtherInstance first = OtherInstance.start("a8", 3); OtherInstance second = OtherInstance.start("b9", 3)) {
			this.contextRunner
				.withPropertyValues("spring.datasource.url=" + url() + "?ApplicationName=" + NAME, "db.pool.overflow=8")
				.run((context) -> assertThat(output).contains("connection budget exceeded: 3 instance(s) (counted on "
						+ "the server; db.pool.instances=1) x 10 connections = 30, but the server has "
						+ "max_connections=30 - 3 superuser_reserved - 0 reserved - 2 in use = 25"));
		}
	}

	@Test
	void aResizeIsJudgedForTheInstancesCountedOnTheServerNow() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(DbPoolEndpointAutoConfiguration.class))
			.withPropertyValues(NAMED, "db.pool.overflow=3", "db.pool.endpoint.resize-enabled=true",
					"db.pool.budget.enforce=true", "management.endpoints.web.exposure.include=dbpool")
			.run((context) -> {
				DbPoolEndpoint endpoint = context.getBean(DbPoolEndpoint.class);
				try (OtherInstance first = OtherInstance.start("f6", 1);
						OtherInstance second = OtherInstance.start("e7", 1)) {
					ResizeDescriptor resize = endpoint.resize("dataSource", null, 8);
					assertThat(resize.outcome()).isEqualTo(ResizeDescriptor.Outcome.INVALID);
					assertThat(resize.message()).contains("3 instance(s) (counted on the server; db.pool.instances=1)");
				}
				assertThat(endpoint.resize("dataSource", null, 8).outcome())
					.isEqualTo(ResizeDescriptor.Outcome.APPLIED);
			});
	}

	@Test
	void aConfiguredNumberLargerThanTheCountIsUsedAsBefore(CapturedOutput output) throws SQLException {
		try (OtherInstance other = OtherInstance.start("c3", 2)) {
			this.contextRunner.withPropertyValues(NAMED, "db.pool.overflow=8", "db.pool.instances=4")
				.run((context) -> assertThat(output).contains("connection budget exceeded: 4 instance(s) x 10 "
						+ "connections = 40"));
		}
	}

	@Test
	void healthWarnsWithTheInstancesCountedNowWhenTheFleetGrowsAfterStartup() {
		this.contextRunner.withPropertyValues(NAMED, "db.pool.overflow=8").run((context) -> {
			HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
			assertThat(warnings(health.health())).isEmpty();
			try (OtherInstance first = OtherInstance.start("d4", 1);
					OtherInstance second = OtherInstance.start("e5", 1)) {
				await().untilAsserted(() -> assertThat(warnings(health.health())).singleElement()
					.asString()
					.startsWith("connection budget exceeded: 3 instance(s) (counted on the server; "
							+ "db.pool.instances=1) x 10 connections = 30, but the server had"));
			}
			await().untilAsserted(() -> assertThat(warnings(health.health())).isEmpty());
		});
	}

	@Test
	void contextsOfOneJvmThatShareANameAreOneInstanceNotCountedTwice() {
		ApplicationContextRunner runner = this.contextRunner.withPropertyValues(NAMED, "db.pool.overflow=8");
		runner.run((first) -> runner.run((second) -> {
			HealthIndicator firstHealth = first.getBean("dbPoolHealthContributor", HealthIndicator.class);
			HealthIndicator secondHealth = second.getBean("dbPoolHealthContributor", HealthIndicator.class);
			secondHealth.health();
			assertThat(warnings(firstHealth.health())).isEmpty();
			assertThat(warnings(secondHealth.health())).isEmpty();
		}));
	}

	@Test
	void anotherContextsPoolIsPlannedThroughItsMaximumAndNotCountedAgainAmongTheSessionsInUse(CapturedOutput output) {
		this.contextRunner.withPropertyValues("db.pool.size=10", "db.pool.overflow=0").run((first) -> {
			HikariDataSource pool = first.getBean(TunedPools.class).get("dataSource").dataSource();
			pool.getConnection().close();
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 10);
			this.contextRunner.withPropertyValues("db.pool.size=8", "db.pool.overflow=0")
				.run((second) -> assertThat(second).hasNotFailed());
			assertThat(output).doesNotContain("connection budget");
		});
	}

	@Test
	void aRoleWithoutPgReadAllStatsCountsTheSessionsItCannotSeeIntoAndSaysSo(CapturedOutput output)
			throws SQLException {
		try (Connection admin = DriverManager.getConnection(url(), "postgres", null);
				Statement statement = admin.createStatement()) {
			statement.execute("DO $$ BEGIN CREATE ROLE poolwise_plain LOGIN; EXCEPTION WHEN duplicate_object THEN "
					+ "NULL; END $$");
		}
		List<Connection> others = new ArrayList<>();
		try {
			for (int i = 0; i < 6; i++) {
				others.add(DriverManager.getConnection(url(), "postgres", null));
			}
			this.contextRunner.withPropertyValues("spring.datasource.username=poolwise_plain").run((context) -> {
				int inUse = context.getBean(TunedPools.class).get("dataSource").budget().budget().inUse();
				assertThat(inUse).isGreaterThanOrEqualTo(others.size());
				assertThat(output).contains("Pool 'dataSource' connection budget: role poolwise_plain cannot see into "
						+ "other roles' sessions in pg_stat_activity (no pg_read_all_stats), so the ")
					.contains("GRANT pg_read_all_stats TO poolwise_plain for an exact count.");
			});
			this.contextRunner.run((context) -> assertThat(output).containsOnlyOnce("cannot see into other roles'"));
		}
		finally {
			for (Connection other : others) {
				other.close();
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static List<String> warnings(Health health) {
		return (List<String>) health.getDetails().get(PoolHealthIndicator.WARNINGS);
	}

	private static String url() {
		return "jdbc:postgresql://localhost:" + smallServer.getPort() + "/postgres";
	}

	/**
	 * What another JVM running the application leaves on the server: pool sessions named like the
	 * application, and a health-probe connection whose last statement carries its instance marker.
	 */
	private static final class OtherInstance implements AutoCloseable {

		private final List<Connection> connections = new ArrayList<>();

		static OtherInstance start(String id, int poolSessions) throws SQLException {
			OtherInstance instance = new OtherInstance();
			for (int i = 0; i < poolSessions; i++) {
				instance.connections.add(connect(NAME));
			}
			Connection probe = connect(NAME + " (dbPool health)");
			instance.connections.add(probe);
			try (Statement statement = probe.createStatement()) {
				statement.execute("/* poolwise instance " + id + " */ SELECT 1");
			}
			return instance;
		}

		private static Connection connect(String applicationName) throws SQLException {
			Properties properties = new Properties();
			properties.setProperty("user", "postgres");
			properties.setProperty("ApplicationName", applicationName);
			return DriverManager.getConnection(url(), properties);
		}

		@Override
		public void close() throws SQLException {
			for (Connection connection : this.connections) {
				connection.close();
			}
		}

	}

}
