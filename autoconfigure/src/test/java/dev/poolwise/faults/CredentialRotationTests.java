package dev.poolwise.faults;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.util.PSQLException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.autoconfigure.metrics.PoolMetricsAutoConfiguration;
import dev.poolwise.health.PoolHealthIndicator;
import dev.poolwise.test.RotatingCredentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A role's password rotated on a server that checks it (scram-sha-256, as production servers do) while the
 * application is under load: the pool follows the credentials provider without a failed call, and a
 * rejected login is said plainly and counted. The pool has no overflow, so once it holds all its connections
 * it opens none until they are retired.
 */
@ExtendWith(OutputCaptureExtension.class)
class CredentialRotationTests {

	private static final String ROLE = "rotating";

	private static final String FIRST = "first-Rotating-5ecret";

	private static final String SECOND = "second-Rotating-5ecret";

	private static EmbeddedPostgres server;

	private final RotatingCredentials credentials = new RotatingCredentials(ROLE, FIRST);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolHealthContributorAutoConfiguration.class, MetricsAutoConfiguration.class,
				PoolMetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withBean("vaultCredentials", HikariCredentialsProvider.class, () -> this.credentials)
		.withPropertyValues("management.metrics.use-global-registry=false", "spring.application.name=rotation-check",
				"db.pool.size=4", "db.pool.overflow=0", "db.pool.monitor.enabled=false",
				"db.pool.health.timeout=5s");

	@BeforeAll
	static void startServerThatChecksPasswords() throws IOException, SQLException {
		server = EmbeddedPostgres.builder()
			.setServerConfig("password_encryption", "scram-sha-256")
			.setDataDirectoryCustomizer(CredentialRotationTests::requirePassword)
			.start();
		superuser("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + FIRST + "'");
	}

	@AfterAll
	static void stopServer() throws IOException {
		server.close();
	}

	@BeforeEach
	void firstPassword() throws SQLException {
		superuser("ALTER ROLE " + ROLE + " PASSWORD '" + FIRST + "'");
		this.credentials.rotate(FIRST);
	}

	@Test
	void rotatingThePasswordUnderLoadFailsNoCallAndNewSessionsLogInWithTheNewSecret(CapturedOutput output) {
		this.contextRunner.withPropertyValues(datasource("stale-Configured-Pa55")).run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			try (Load load = Load.start(pool, 4)) {
				// ALTER ROLE replaces the role's one password at once: a login under way across it and the
				// provider's switch is rightly rejected, and one joining after softEvictConnections keeps its session
				await().until(() -> load.succeeded.get() > 200 && isFull(pool));
				long rotated = System.nanoTime();
				Timestamp rotatedOnServer = serverClock();
				superuser("ALTER ROLE " + ROLE + " PASSWORD '" + SECOND + "'");
				this.credentials.rotate(SECOND);
				pool.getHikariPoolMXBean().softEvictConnections();
				await().atMost(Duration.ofSeconds(60)).until(() -> sessionsFromBefore(rotatedOnServer) == 0
						&& pool.getHikariPoolMXBean().getTotalConnections() >= 4);
				Duration switched = Duration.ofNanos(System.nanoTime() - rotated);
				int atSwitch = load.succeeded.get();
				await().until(() -> load.succeeded.get() > atSwitch + 200);
				load.stop();
				System.out.printf("Credential rotation under load: %d calls, %d failed, every session on the new "
						+ "secret %d ms after ALTER ROLE%n", load.succeeded.get() + load.failed.size(),
						load.failed.size(), switched.toMillis());
				assertThat(load.failed).isEmpty();
			}
			assertThatExceptionOfType(PSQLException.class).isThrownBy(() -> login(FIRST).close())
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
			login(SECOND).close();
			Health health = context.getBean("dbPoolHealthContributor", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(loginFailures(context.getBean(MeterRegistry.class))).isZero();
		});
		assertThat(output).doesNotContain(FIRST).doesNotContain(SECOND);
	}

	@Test
	void aRejectedLoginMakesHealthNameTheRoleAndIsCounted(CapturedOutput output) {
		this.contextRunner.withPropertyValues(datasource(FIRST)).run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			HealthIndicator indicator = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
			pool.getConnection().close();
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			superuser("ALTER ROLE " + ROLE + " PASSWORD '" + SECOND + "'");
			pool.getHikariPoolMXBean().softEvictConnections();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> loginFailures(meters) > 0);
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry(PoolHealthIndicator.ERROR,
					"the server rejected the credentials of role 'rotating' (28P01): rotate or fix the password");
			assertThat(health.toString()).doesNotContain(FIRST).doesNotContain(SECOND);
			this.credentials.rotate(SECOND);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> indicator.health().getStatus().equals(Status.UP));
		});
		assertThat(output).doesNotContain(FIRST).doesNotContain(SECOND);
	}

	private static String[] datasource(String configuredPassword) {
		return new String[] { "spring.datasource.url=jdbc:postgresql://localhost:" + server.getPort() + "/postgres",
				"spring.datasource.username=" + ROLE, "spring.datasource.password=" + configuredPassword };
	}

	private static boolean isFull(HikariDataSource pool) {
		return pool.getHikariPoolMXBean().getTotalConnections() == pool.getMaximumPoolSize();
	}

	private static double loginFailures(MeterRegistry meters) {
		return meters.get("db.pool.login.failures").tag("pool", "dataSource").functionCounter().count();
	}

	private static int sessionsFromBefore(Timestamp rotated) throws SQLException {
		try (Connection connection = server.getPostgresDatabase().getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity "
						+ "WHERE usename = ? AND application_name = 'rotation-check' AND backend_start < ?")) {
			statement.setString(1, ROLE);
			statement.setTimestamp(2, rotated);
			try (ResultSet row = statement.executeQuery()) {
				row.next();
				return row.getInt(1);
			}
		}
	}

	private static Timestamp serverClock() throws SQLException {
		try (Connection connection = server.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SELECT clock_timestamp()")) {
			row.next();
			return row.getTimestamp(1);
		}
	}

	private static Connection login(String password) throws SQLException {
		return DriverManager.getConnection("jdbc:postgresql://localhost:" + server.getPort() + "/postgres", ROLE,
				password);
	}

	private static void superuser(String sql) throws SQLException {
		try (Connection connection = server.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * The embedded server trusts local clients; the test role must prove its password over TCP.
	 */
	private static void requirePassword(File dataDirectory) {
		Path hba = dataDirectory.toPath().resolve("pg_hba.conf");
		try {
			String rules = "host all " + ROLE + " 127.0.0.1/32 scram-sha-256\nhost all " + ROLE
					+ " ::1/128 scram-sha-256\n";
			Files.writeString(hba, rules + Files.readString(hba, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + hba, ex);
		}
	}

	/**
	 * Callers borrowing a connection and querying in a loop until stopped.
	 */
	static final class Load implements AutoCloseable {

		final AtomicInteger succeeded = new AtomicInteger();

		final List<Throwable> failed = java.util.Collections.synchronizedList(new ArrayList<>());

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final List<Thread> threads = new ArrayList<>();

		static Load start(HikariDataSource pool, int callers) {
			Load load = new Load();
			for (int i = 0; i < callers; i++) {
				Thread thread = new Thread(() -> load.callUntilStopped(pool), "caller-" + i);
				load.threads.add(thread);
				thread.start();
			}
			return load;
		}

		private void callUntilStopped(HikariDataSource pool) {
			while (this.running.get()) {
				try (Connection connection = pool.getConnection();
						Statement statement = connection.createStatement();
						ResultSet row = statement.executeQuery("SELECT current_user, pg_sleep(0.002)")) {
					row.next();
					this.succeeded.incrementAndGet();
				}
				catch (SQLException ex) {
					this.failed.add(ex);
				}
			}
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			for (Thread thread : this.threads) {
				thread.join(Duration.ofSeconds(30).toMillis());
			}
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

	}

}
