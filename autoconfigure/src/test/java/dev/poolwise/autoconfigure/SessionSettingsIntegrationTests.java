package dev.poolwise.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.core.TransactionState;
import org.postgresql.jdbc.PgConnection;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.support.SpringApplicationJsonEnvironmentPostProcessor;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ByteArrayResource;

import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Session settings reach every pooled connection exactly as written, and nothing written can become a
 * second setting.
 */
@ExtendWith(OutputCaptureExtension.class)
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
	void aSettingTheServerSpellsInMixedCaseIsFoundWhateverTheKeysCase() {
		this.contextRunner.withPropertyValues("db.pool.session.settings.[IntervalStyle]=iso_8601")
			.run((context) -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(show(connection, "IntervalStyle")).isEqualTo("iso_8601");
				}
			});
	}

	@Test
	void yamlKeysKeepTheirUnderscoresWithOrWithoutBrackets() {
		String yaml = """
				db:
				  pool:
				    session:
				      settings:
				        work_mem: 16MB
				        "[random_page_cost]": 1.1
				""";
		this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(loadYaml(yaml))).run((context) -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(show(connection, "work_mem")).isEqualTo("16MB");
					assertThat(show(connection, "random_page_cost")).isEqualTo("1.1");
				}
			});
	}

	@Test
	void aCustomSettingFromAnEnvironmentVariableReachesTheSession() {
		this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("DB_POOL_SESSION_SETTINGS_MYAPP_TENANT", "acme"))))
			.run((context) -> {
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(show(connection, "myapp.tenant")).isEqualTo("acme");
				}
			});
	}

	@Test
	void springApplicationJsonAsTheReadmeWritesItSetsASettingWithAnUnderscore() {
		String json = "{\"db\":{\"pool\":{\"session\":{\"settings\":{\"work-mem\":\"16MB\"}}}}}";
		this.contextRunner.withInitializer((context) -> {
			ConfigurableEnvironment environment = context.getEnvironment();
			environment.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("SPRING_APPLICATION_JSON", json)));
			new SpringApplicationJsonEnvironmentPostProcessor().postProcessEnvironment(environment,
					new SpringApplication());
		}).run((context) -> {
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

	private static PropertySource<?> loadYaml(String yaml) {
		try {
			return new YamlPropertySourceLoader().load("application.yml", new ByteArrayResource(yaml.getBytes()))
				.get(0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Test
	void aSettingChangedBySetIsRestoredWhenTheConnectionIsReturned(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("db.pool.session.statement-timeout=5s", "db.pool.size=1", "db.pool.overflow=0")
			.run((context) -> {
				DataSource pool = context.getBean(DataSource.class);
				int changed;
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
					changed = connection.unwrap(PgConnection.class).getBackendPID();
					statement.execute("SET statement_timeout = 0");
				}
				try (Connection connection = pool.getConnection()) {
					assertThat(connection.unwrap(PgConnection.class).getBackendPID()).isEqualTo(changed);
					assertThat(show(connection, "statement_timeout")).isEqualTo("5s");
				}
				assertThat(output).contains("returned a connection that ran a session setting");
			});
	}

	@Test
	void aConnectionWhoseSettingDriftedOutOfSightIsReplacedWithOneWarningNamingTheSetting(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("db.pool.session.statement-timeout=5s", "db.pool.size=1", "db.pool.overflow=0")
			.run((context) -> {
				DataSource pool = context.getBean(DataSource.class);
				try (Connection connection = PostgresServer.connect(); Statement statement = connection.createStatement()) {
					statement.execute("CREATE OR REPLACE FUNCTION poolwise_drift() RETURNS void LANGUAGE plpgsql AS "
							+ "$$ BEGIN PERFORM set_config('statement_timeout', '0', false); END $$");
				}
				int drifted;
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
					drifted = connection.unwrap(PgConnection.class).getBackendPID();
					statement.execute("SELECT poolwise_drift()");
				}
				// Hikari validates a connection that has been idle for more than 500ms, so poll slower than that
				await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(700)).untilAsserted(() -> {
					try (Connection connection = pool.getConnection()) {
						assertThat(connection.unwrap(PgConnection.class).getBackendPID()).isNotEqualTo(drifted);
						assertThat(show(connection, "statement_timeout")).isEqualTo("5s");
					}
				});
				assertThat(output).contains("Pool 'dataSource': a connection's statement_timeout is 0ms where "
						+ "Poolwise set 5000ms; something ran SET statement_timeout on it");
			});
	}

	@Test
	void withoutAutoCommitTheDriftCheckLeavesNoTransactionOpenOnTheConnectionItHandsOut() {
		this.contextRunner
			.withPropertyValues("db.pool.session.statement-timeout=5s", "db.pool.size=1", "db.pool.overflow=0",
					"spring.datasource.hikari.auto-commit=false")
			.run((context) -> {
				DataSource pool = context.getBean(DataSource.class);
				pool.getConnection().close();
				// Hikari validates a connection that has been idle for more than 500ms: borrow it after that
				await().atMost(Duration.ofSeconds(10))
					.pollDelay(Duration.ofMillis(700))
					.pollInterval(Duration.ofMillis(700))
					.untilAsserted(() -> {
						try (Connection connection = pool.getConnection()) {
							assertThat(connection.unwrap(PgConnection.class).getTransactionState())
								.isEqualTo(TransactionState.IDLE);
							assertThat(show(connection, "statement_timeout")).isEqualTo("5s");
							connection.rollback();
						}
					});
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
