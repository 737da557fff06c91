package dev.poolwise.autoconfigure.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.migration.MigrationDataSource;
import dev.poolwise.migration.MigrationTimeouts;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Flyway migration at startup, longer than the session statement timeout the application's requests
 * get, against the shared PostgreSQL server. Each test migrates a schema of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class PoolwiseMigrationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolwiseMigrationAutoConfiguration.class, FlywayAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.session.statement-timeout=500ms",
				"spring.flyway.locations=classpath:db/slow-migration");

	@Test
	void aMigrationLongerThanTheSessionTimeoutSucceedsAndNoPooledConnectionKeepsItsSettings() {
		this.contextRunner
			.withPropertyValues("spring.flyway.schemas=migration_ok", "spring.flyway.init-sqls=SET statement_timeout = 0",
					"db.pool.size=30", "db.pool.overflow=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				List<Connection> held = new ArrayList<>();
				List<String> timeouts = new ArrayList<>();
				try {
					for (int i = 0; i < 30; i++) {
						Connection connection = pool.getConnection();
						held.add(connection);
						timeouts.add(show(connection, "SHOW statement_timeout"));
					}
				}
				finally {
					for (Connection connection : held) {
						connection.close();
					}
				}
				assertThat(timeouts).hasSize(30).containsOnly("500ms");
				try (Connection side = PostgresServer.connect()) {
					assertThat(show(side, "SELECT count(*) FROM migration_ok.migrated")).isEqualTo("0");
					await().atMost(Duration.ofSeconds(10)).until(() -> show(side, "SELECT count(*) FROM pg_stat_activity "
							+ "WHERE application_name LIKE '%(dbPool migration)'").equals("0"));
				}
			});
	}

	@Test
	void everySessionTimeoutOfThePoolIsOffDuringAMigrationUnlessTheMigrationHasItsOwn() {
		this.contextRunner
			.withPropertyValues("spring.flyway.schemas=migration_timeouts", "db.pool.session.lock-timeout=300ms",
					"db.pool.session.idle-in-transaction-timeout=300ms",
					"db.pool.session.settings.transaction-timeout=500ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (Connection pooled = context.getBean(HikariDataSource.class).getConnection()) {
					assertThat(show(pooled, "SHOW transaction_timeout")).isEqualTo("500ms");
					assertThat(show(pooled, "SHOW lock_timeout")).isEqualTo("300ms");
				}
				try (Connection migration = new MigrationDataSource(context.getBean(HikariDataSource.class),
						new MigrationTimeouts(Duration.ZERO, Duration.ofSeconds(7), Duration.ZERO, Duration.ZERO))
					.getConnection()) {
					assertThat(show(migration, "SHOW transaction_timeout")).isEqualTo("0");
					assertThat(show(migration, "SHOW idle_in_transaction_session_timeout")).isEqualTo("0");
					assertThat(show(migration, "SHOW lock_timeout")).isEqualTo("7s");
					assertThat(show(migration, "SHOW work_mem")).as("other settings are kept").isNotBlank();
				}
			});
	}

	@Test
	void aMigrationCancelledByItsOwnStatementTimeoutNamesTheProperty() {
		this.contextRunner
			.withPropertyValues("spring.flyway.schemas=migration_cancelled", "db.pool.migration.statement-timeout=300ms")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new MigrationTimeoutFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("cancelled by the server's statement timeout (SQLState 57014");
				assertThat(analysis.getAction()).startsWith("Raise db.pool.migration.statement-timeout");
			});
	}

	@Test
	void flywayCoreWithoutSpringBootsFlywayModuleIsSaidAtStartup(CapturedOutput output) {
		new ApplicationContextRunner().withClassLoader(new FilteredClassLoader("org.springframework.boot.flyway."))
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					PoolwiseAutoConfiguration.class, PoolwiseMigrationAutoConfiguration.class))
			.withPropertyValues(PostgresServer.datasourceProperties())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("flyway-core is on the classpath but Spring Boot's Flyway module is not, "
						+ "so no migration runs at startup");
			});
	}

	private static String show(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getString(1);
		}
	}

}
