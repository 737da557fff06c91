package dev.poolwise.autoconfigure.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Liquibase migration at startup through Spring Boot's Liquibase auto-configuration, longer than the
 * session statement timeout the application's requests get, against the shared PostgreSQL server, as the
 * Flyway tests do. Each test migrates a schema of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class LiquibaseMigrationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolwiseMigrationAutoConfiguration.class, LiquibaseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.session.statement-timeout=500ms",
				"spring.liquibase.change-log=classpath:db/liquibase/slow.sql");

	@BeforeAll
	static void createSchemas() throws SQLException {
		try (Connection connection = PostgresServer.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE SCHEMA IF NOT EXISTS liquibase_ok");
			statement.execute("CREATE SCHEMA IF NOT EXISTS liquibase_cancelled");
		}
	}

	@Test
	void aMigrationLongerThanTheSessionTimeoutRunsOnConnectionsOfItsOwnAndThePoolKeepsItsTimeout() {
		this.contextRunner.withPropertyValues("spring.liquibase.default-schema=liquibase_ok").run((context) -> {
			assertThat(context).hasNotFailed();
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			try (Connection connection = pool.getConnection()) {
				assertThat(query(connection, "SHOW statement_timeout")).isEqualTo("500ms");
			}
			try (Connection side = PostgresServer.connect()) {
				assertThat(query(side, "SELECT count(*) FROM liquibase_ok.migrated")).isEqualTo("0");
				await().atMost(Duration.ofSeconds(10)).until(() -> query(side, "SELECT count(*) FROM pg_stat_activity "
						+ "WHERE application_name LIKE '%(dbPool migration)'").equals("0"));
			}
		});
	}

	@Test
	void aMigrationCancelledByItsOwnStatementTimeoutNamesTheProperty() {
		this.contextRunner
			.withPropertyValues("spring.liquibase.default-schema=liquibase_cancelled",
					"db.pool.migration.statement-timeout=300ms")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new MigrationTimeoutFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription())
					.contains("cancelled by the server's statement timeout (SQLState 57014");
				assertThat(analysis.getAction()).startsWith("Raise db.pool.migration.statement-timeout");
			});
	}

	@Test
	void liquibaseCoreWithoutSpringBootsLiquibaseModuleIsSaidAtStartup(CapturedOutput output) {
		new ApplicationContextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.liquibase."))
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					PoolwiseAutoConfiguration.class, PoolwiseMigrationAutoConfiguration.class))
			.withPropertyValues(PostgresServer.datasourceProperties())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("liquibase-core is on the classpath but Spring Boot's Liquibase module is "
						+ "not, so no migration runs at startup");
			});
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getString(1);
		}
	}

}
