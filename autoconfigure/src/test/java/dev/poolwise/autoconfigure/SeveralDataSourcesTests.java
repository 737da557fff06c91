package dev.poolwise.autoconfigure;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.registry.JvmPoolRegistry;
import dev.poolwise.registry.PoolTarget;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several PostgreSQL pools: each gets its own settings, and pools to the same place are noticed and counted
 * together, across application contexts.
 */
@ExtendWith(OutputCaptureExtension.class)
class SeveralDataSourcesTests {

	private static EmbeddedPostgres smallServer;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class));

	@BeforeAll
	static void startSmallServer() throws IOException {
		smallServer = EmbeddedPostgres.builder()
			.setServerConfig("max_connections", "20")
			.setServerConfig("reserved_connections", "2")
			.start();
	}

	@AfterAll
	static void stopSmallServer() throws IOException {
		smallServer.close();
	}

	@Test
	void eachPoolGetsTheDefaultsWithItsOwnOverrides() {
		this.contextRunner.withBean("primary", HikariDataSource.class, PostgresServer::unstartedPool)
			.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.withPropertyValues("db.pool.size=4", "db.pool.overflow=6", "db.pool.datasources.reporting.size=2",
					"db.pool.datasources.reporting.session.statement-timeout=30s",
					"db.pool.datasources.reporting.application-name=reporting")
			.run((context) -> {
				HikariDataSource primary = context.getBean("primary", HikariDataSource.class);
				HikariDataSource reporting = context.getBean("reporting", HikariDataSource.class);
				assertThat(primary.getMinimumIdle()).isEqualTo(4);
				assertThat(primary.getMaximumPoolSize()).isEqualTo(10);
				assertThat(reporting.getMinimumIdle()).isEqualTo(2);
				assertThat(reporting.getMaximumPoolSize()).isEqualTo(8);
				assertThat(show(primary, "statement_timeout")).isEqualTo("0");
				assertThat(show(reporting, "statement_timeout")).isEqualTo("30s");
				assertThat(show(reporting, "application_name")).isEqualTo("reporting");
				assertThat(context.getBean(TunedPools.class).all()).extracting(TunedPool::beanName)
					.containsExactly("primary", "reporting");
			});
	}

	@Test
	void aBadValueForOnePoolNamesThatPoolsKey() {
		this.contextRunner.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.withPropertyValues("db.pool.datasources.reporting.recycle=5s")
			.run((context) -> {
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("db.pool.datasources.reporting.recycle=5s is invalid");
			});
	}

	@Test
	void aPoolsKeysDoNotNestAnotherPoolsKeys() {
		this.contextRunner.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.withPropertyValues("db.pool.datasources.reporting.datasources.other.size=3")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("db.pool.datasources.reporting.datasources.other.size");
			});
	}

	@Test
	void aKeyForABeanNameNoPoolHasFailsStartupListingThePoolBeanNames() {
		this.contextRunner.withBean("primary", HikariDataSource.class, PostgresServer::unstartedPool)
			.withBean("reportingPool", HikariDataSource.class, PostgresServer::unstartedPool)
			.withPropertyValues("db.pool.datasources.reportingPool.size=2", "db.pool.datasources.reportngPool.size=3",
					"db.pool.datasources.reportngPool.overflow=1")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("db.pool.datasources.reportngPool=[overflow, size] is invalid: no HikariDataSource bean "
							+ "is named 'reportngPool', so Poolwise would ignore these settings")
					.doesNotContain("db.pool.datasources.reportingPool=");
				assertThat(analysis.getAction()).contains("db.pool.datasources.reportngPool: Use the bean name of a "
						+ "pool (primary, reportingPool) instead of 'reportngPool', or remove "
						+ "db.pool.datasources.reportngPool.*.");
			});
	}

	@Test
	void aSecondPoolToTheSameTargetIsReportedOncePerJvmNamingBothPools(CapturedOutput output) {
		String template1 = PostgresServer.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/template1$1");
		ApplicationContextRunner cached = this.contextRunner
			.withBean("primary", HikariDataSource.class, () -> PostgresServer.unstartedPool(template1))
			.withPropertyValues("db.pool.size=1", "db.pool.overflow=0");
		cached.withBean("copy", HikariDataSource.class, () -> PostgresServer.unstartedPool(template1)).run((context) -> cached.run((next) -> {
			assertThat(output).contains("Pool 'copy' of context")
				.contains("next to pool 'primary' of context")
				.contains("Spring's cached test contexts against one database do this and need nothing done");
			assertThat(output.toString().split("is a second pool to", -1)).hasSize(2);
		}));
	}

	@Test
	void aPoolInACachedContextIsSeenFromTheNextContext(CapturedOutput output) {
		ApplicationContextRunner cached = this.contextRunner.withPropertyValues(PostgresServer.datasourceProperties());
		cached.run((first) -> cached.run((second) -> {
			assertThat(JvmPoolRegistry.get().onServer(server(PostgresServer.jdbcUrl()))).hasSize(2);
			assertThat(output.toString().split("is a second pool to postgres@", -1)).hasSizeLessThanOrEqualTo(2);
		}));
		assertThat(JvmPoolRegistry.get().onServer(server(PostgresServer.jdbcUrl()))).isEmpty();
	}

	@Test
	void theBudgetCountsEveryLivePoolOfTheJvm(CapturedOutput output) {
		ApplicationContextRunner small = tenConnectionPoolOnTheSmallServer();
		small.run((first) -> {
			assertThat(output).doesNotContain("connection budget exceeded");
			small.run((second) -> assertThat(output)
				.contains("connection budget exceeded: 1 instance(s) x 20 connections (pool 'dataSource' with 10 "
						+ "plus 1 other live pool(s) of this JVM with 10)"));
		});
	}

	@Test
	void aPoolClosedOutsideItsContextNoLongerCountsInTheBudget(CapturedOutput output) {
		ApplicationContextRunner small = tenConnectionPoolOnTheSmallServer();
		small.run((first) -> {
			first.getBean(HikariDataSource.class).close();
			small.run((second) -> assertThat(output).doesNotContain("connection budget exceeded"));
		});
	}

	@Test
	void theBudgetLeavesOutSlotsReservedForRolesWithReservedConnections(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + smallServer.getJdbcUrl("postgres", "postgres"),
					"db.pool.size=2", "db.pool.overflow=14")
			.run((context) -> assertThat(output)
				.contains("connection budget exceeded: 1 instance(s) x 16 connections = 16, but the server has "
						+ "max_connections=20 - 3 superuser_reserved - 2 reserved - "));
	}

	@Test
	void aBudgetWarningNamesTheInstancesAndEnforceKeysOfThePoolThatExceedsIt(CapturedOutput output) {
		this.contextRunner.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.withPropertyValues("db.pool.datasources.reporting.size=4", "db.pool.datasources.reporting.instances=50")
			.run((context) -> assertThat(output).contains("connection budget exceeded: 50 instance(s) x 14 connections")
				.contains("(db.pool.datasources.reporting.budget.enforce=true fails startup instead)"));
	}

	@Test
	void anEnforcedBudgetNamesTheKeysOfThePoolThatExceedsIt() {
		this.contextRunner.withBean("reporting", HikariDataSource.class, PostgresServer::unstartedPool)
			.withPropertyValues("db.pool.datasources.reporting.size=4", "db.pool.datasources.reporting.instances=50",
					"db.pool.datasources.reporting.budget.enforce=true")
			.run((context) -> {
				FailureAnalysis analysis = new PoolConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription())
					.contains("db.pool.datasources.reporting.size + db.pool.datasources.reporting.overflow=14 is "
							+ "invalid: connection budget exceeded: 50 instance(s) x 14 connections")
					.doesNotContain("db.pool.size");
				assertThat(analysis.getAction())
					.contains("Keep size + overflow of 'reporting' at or below ")
					.contains("db.pool.datasources.reporting.size=4 and db.pool.datasources.reporting.overflow=");
			});
	}

	@Test
	void closingAContextClosesItsPoolSoContextsNeverExhaustTheServer() {
		ApplicationContextRunner small = this.contextRunner
			.withPropertyValues("spring.datasource.url=" + smallServer.getJdbcUrl("postgres", "postgres"),
					"db.pool.size=6", "db.pool.overflow=0");
		for (int i = 0; i < 8; i++) {
			small.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				try (Connection connection = pool.getConnection()) {
					assertThat(connection.isValid(1)).isTrue();
				}
				org.awaitility.Awaitility.await()
					.until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 6);
			});
		}
		assertThat(JvmPoolRegistry.get().onServer(server(smallServer.getJdbcUrl("postgres", "postgres"))))
			.isEmpty();
	}

	private static String show(HikariDataSource pool, String name) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SHOW " + name)) {
			row.next();
			return row.getString(1);
		}
	}

	private ApplicationContextRunner tenConnectionPoolOnTheSmallServer() {
		return this.contextRunner.withPropertyValues(
				"spring.datasource.url=" + smallServer.getJdbcUrl("postgres", "postgres"), "db.pool.size=2",
				"db.pool.overflow=8");
	}

	private static String server(String url) {
		return PoolTarget.of(url, null).server();
	}

}
