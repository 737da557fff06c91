package dev.poolwise.pgbouncer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.PgBouncerServer;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.tuned.TunedPools;
import dev.poolwise.validation.PoolConfigurationException;
import dev.poolwise.validation.Violation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A pool behind a real PgBouncer in transaction pooling mode: Debian 12's 1.18 here, 1.24.1 in
 * {@link RecentPgBouncerModeTests}.
 */
class PgBouncerModeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	/**
	 * Longest a call may take while PgBouncer is down: up to {@code timeout} waiting for a connection,
	 * plus one borrow-time validation of a dead connection, whose validation timeout Poolwise caps at
	 * {@code timeout} (Hikari's own default is 5s), plus a margin for a busy machine.
	 */
	private static final Duration OUTAGE_BOUND = TIMEOUT.plus(TIMEOUT).plus(Duration.ofSeconds(2));

	static PgBouncerServer pgbouncer;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + running().jdbcUrl("postgres"),
				"spring.datasource.username=" + PostgresServer.username(), "db.pool.pgbouncer.enabled=true",
				"db.pool.size=2", "db.pool.overflow=6", "db.pool.timeout=" + TIMEOUT.toSeconds() + "s");

	static TestAbortedException missing;

	/**
	 * Without the binary every test is skipped with the install command, one by one, so the report counts
	 * them; in CI the start fails them all instead.
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

	/**
	 * Whether this PgBouncer routes named prepared statements (1.21+ with max_prepared_statements above 0).
	 */
	boolean routesPreparedStatements() {
		return false;
	}

	@Test
	void preparedStatementsUnderLoadNeverHitAnotherClientsServerConnection() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			if (routesPreparedStatements()) {
				assertThat(pool.getDataSourceProperties()).doesNotContainKey("prepareThreshold");
			}
			else {
				assertThat(pool.getDataSourceProperties()).containsEntry("prepareThreshold", "0");
			}
			assertThat(context.getBean(TunedPools.class).get("dataSource").budget()).isNull();
			assertThat(concurrentPreparedStatementFailures(pool)).isZero();
		});
	}

	@Test
	void serverSidePreparedStatementsLeftOnBreakOnlyWhereThePgBouncerDoesNotRouteThem() {
		this.contextRunner.withPropertyValues("db.pool.pgbouncer.prepared-statements=true").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getDataSourceProperties()).doesNotContainKey("prepareThreshold");
			int failures = concurrentPreparedStatementFailures(pool);
			if (routesPreparedStatements()) {
				assertThat(failures).isZero();
			}
			else {
				assertThat(failures).isPositive();
			}
		});
	}

	@Test
	void sessionSettingsAreRefusedWithTheAlternatives() {
		this.contextRunner.withPropertyValues("db.pool.session.statement-timeout=5s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(PoolConfigurationException.class)
				.hasMessageContaining("db.pool.session.statement-timeout=5s is invalid")
				.hasMessageContaining("transaction pooling");
			PoolConfigurationException failure = (PoolConfigurationException) context.getStartupFailure().getCause();
			assertThat(failure.getViolations().get(0).fix()).contains("ALTER ROLE", "SET LOCAL statement_timeout");
		});
	}

	@Test
	void aKeepaliveSlowerThanPgBouncersClientIdleTimeoutIsRefused() {
		this.contextRunner.withPropertyValues("db.pool.pgbouncer.client-idle-timeout=60s", "db.pool.keepalive=2m")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("db.pool.pgbouncer.client-idle-timeout=1m is invalid")
				.hasMessageContaining("only every 2m"));
	}

	@Test
	void withPrePingOffARecycleNotBelowPgBouncersClientIdleTimeoutIsRefused() {
		this.contextRunner
			.withPropertyValues("db.pool.pgbouncer.client-idle-timeout=10m", "db.pool.pre-ping=false",
					"db.pool.recycle=30m", "db.pool.idle-timeout=10m")
			.run((context) -> {
				assertThat(context).hasFailed();
				PoolConfigurationException failure = (PoolConfigurationException) context.getStartupFailure()
					.getCause();
				assertThat(failure.getViolations()).extracting(Violation::property)
					.containsExactly("db.pool.recycle", "db.pool.idle-timeout");
				assertThat(failure).hasMessageContaining("db.pool.recycle=30m is invalid: with pre-ping off nothing "
						+ "keeps idle connections alive, and PgBouncer closes any idle for "
						+ "db.pool.pgbouncer.client-idle-timeout=10m; recycle must retire every connection sooner, "
						+ "as idle-timeout never retires the permanent (size) ones.")
					.hasMessageContaining("db.pool.idle-timeout=10m is invalid");
				assertThat(failure.getViolations().get(0).fix()).startsWith("Set it to at least 30s and below 10m")
					.contains("db.pool.pre-ping=true");
			});
	}

	@Test
	void withPrePingOffNoRecycleLimitIsRefused() {
		this.contextRunner
			.withPropertyValues("db.pool.pgbouncer.client-idle-timeout=10m", "db.pool.pre-ping=false",
					"db.pool.recycle=0", "db.pool.idle-timeout=5m")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageStartingWith("db.pool.recycle=off is invalid: with pre-ping off")
				.hasMessageNotContaining("idle-timeout=5m"));
	}

	@Test
	void withPrePingOffEveryConnectionRetiredBeforePgBouncersClientIdleTimeoutIsAccepted() {
		this.contextRunner
			.withPropertyValues("db.pool.pgbouncer.client-idle-timeout=10m", "db.pool.pre-ping=false",
					"db.pool.recycle=9m", "db.pool.idle-timeout=5m")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getKeepaliveTime()).isZero();
				assertThat(selectOne(pool)).isOne();
			});
	}

	@Test
	void thePoolRecoversFromAPgBouncerRestart() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getValidationTimeout()).isEqualTo(TIMEOUT.toMillis());
			assertThat(selectOne(pool)).isOne();
			pgbouncer.stop();
			long started = System.nanoTime();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> selectOne(pool));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(OUTAGE_BOUND);
			pgbouncer.restart();
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> selectOne(pool) == 1);
		});
	}

	@Test
	void reconnectAndKillFromTheAdminConsoleAreHealed() {
		this.contextRunner.run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(selectOne(pool)).isOne();
			pgbouncer.admin("RECONNECT postgres");
			assertThat(selectOne(pool)).isOne();
			pgbouncer.admin("KILL postgres");
			pgbouncer.admin("RESUME postgres");
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> selectOne(pool) == 1);
			assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isLessThanOrEqualTo(8);
		});
	}

	/**
	 * Eight threads, each running the same prepared statement 150 times on whatever connection it borrows.
	 * @return the number of failed executions
	 */
	private static int concurrentPreparedStatementFailures(HikariDataSource pool) throws Exception {
		AtomicInteger failures = new AtomicInteger();
		ExecutorService workers = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int worker = 0; worker < 8; worker++) {
				runs.add(workers.submit(() -> repeatPrepared(pool, 150, failures)));
			}
			for (Future<?> run : runs) {
				run.get();
			}
		}
		finally {
			workers.shutdownNow();
		}
		return failures.get();
	}

	private static void repeatPrepared(HikariDataSource pool, int times, AtomicInteger failures) {
		for (int i = 0; i < times; i++) {
			try (Connection connection = pool.getConnection();
					PreparedStatement statement = connection.prepareStatement("SELECT ?::int + 1")) {
				statement.setInt(1, i);
				try (ResultSet row = statement.executeQuery()) {
					row.next();
					if (row.getInt(1) != i + 1) {
						failures.incrementAndGet();
					}
				}
			}
			catch (SQLException ex) {
				failures.incrementAndGet();
			}
		}
	}

	private static int selectOne(HikariDataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT 1");
				ResultSet row = statement.executeQuery()) {
			row.next();
			return row.getInt(1);
		}
	}

}
