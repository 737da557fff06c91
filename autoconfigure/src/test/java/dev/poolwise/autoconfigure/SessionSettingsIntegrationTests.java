package dev.poolwise.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session settings reach every pooled connection exactly as written, and nothing written can become a
 * second setting.
 */
class SessionSettingsIntegrationTests {

	private static final String HOSTILE = "a b\\c 'd' \"e\" -c work_mem=1GB; SET role postgres; --x";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties());

	@Test
	void everySettingIsInEffectOnABorrowedConnection() {
		this.contextRunner
			.withPropertyValues("db.pool.session.statement-timeout=5s", "db.pool.session.lock-timeout=2s",
					"db.pool.session.idle-in-transaction-timeout=1m", "db.pool.session.settings.work-mem=16MB",
					"db.pool.session.settings.random-page-cost=1.1",
					"db.pool.session.settings.search-path=\"my schema\", public")
			.run((context) -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(show(connection, "statement_timeout")).isEqualTo("5s");
					assertThat(show(connection, "lock_timeout")).isEqualTo("2s");
					assertThat(show(connection, "idle_in_transaction_session_timeout")).isEqualTo("1min");
					assertThat(show(connection, "work_mem")).isEqualTo("16MB");
					assertThat(show(connection, "random_page_cost")).isEqualTo("1.1");
					assertThat(show(connection, "search_path")).isEqualTo("\"my schema\", public");
				}
			});
	}

	@Test
	void anUnderscoredKeyKeepsItsUnderscoreAndReachesTheSession() {
		this.contextRunner.withPropertyValues("db.pool.session.settings.work_mem=16MB").run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThat(show(connection, "work_mem")).isEqualTo("16MB");
			}
		});
	}

	@Test
	void aValueBuiltToInjectIsDeliveredVerbatimAndNeverExecuted() {
		this.contextRunner.withPropertyValues("db.pool.session.settings.[poolwise.marker]=" + HOSTILE)
			.run((context) -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(show(connection, "poolwise.marker")).isEqualTo(HOSTILE);
					assertThat(show(connection, "work_mem")).isEqualTo("4MB");
				}
			});
	}

	@Test
	void applicationNameShowsInPgStatActivity() {
		this.contextRunner.withPropertyValues("db.pool.application-name=poolwise-session-test").run((context) -> {
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThat(show(connection, "application_name")).isEqualTo("poolwise-session-test");
			}
		});
	}

	private static String show(Connection connection, String name) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SHOW \"" + name + "\"")) {
			row.next();
			return row.getString(1);
		}
	}

}
