package dev.poolwise.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.jdbc.PgConnection;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.Call;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.Pools;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.Sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The server ends, refuses or times out sessions: the caller that was hit gets a clear exception with the
 * server's reason, a session the server ended is never handed out again, and the pool refills by itself.
 */
class ServerFaultTests {

	private static final String LIMITED_ROLE = "faults_limited";

	private static final String PASSWORD = PostgresServer.PASSWORD;

	private static final Duration MARGIN = Duration.ofSeconds(1);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.size=3", "db.pool.overflow=0", "db.pool.timeout=2s");

	@BeforeAll
	static void createLimitedRole() throws SQLException {
		try (Connection connection = PostgresServer.connect(); Statement statement = connection.createStatement()) {
			statement.execute("DROP ROLE IF EXISTS " + LIMITED_ROLE);
			statement.execute("CREATE ROLE " + LIMITED_ROLE + " LOGIN CONNECTION LIMIT 2 PASSWORD '" + PASSWORD + "'");
		}
	}

	@Test
	void callersAfterIdleSessionsWereTerminatedAllSucceedAndThePoolRefills() {
		Sessions sessions = Sessions.on("faults-terminated-idle");
		this.contextRunner.withPropertyValues("db.pool.application-name=faults-terminated-idle").run((context) -> {
			HikariDataSource pool = Pools.warm(context.getBean(HikariDataSource.class), sessions);
			List<Integer> terminated = sessions.pids();
			assertThat(sessions.terminateAll()).isEqualTo(3);
			await().atMost(Duration.ofSeconds(5)).until(() -> sessions.pids().stream().noneMatch(terminated::contains));
			List<Call> calls = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				calls.add(Call.execute(pool, "SELECT 1"));
			}
			assertThat(calls).allMatch(Call::succeeded);
			Pools.awaitFull(pool, sessions);
			assertThat(sessions.pids()).doesNotContainAnyElementsOf(terminated);
		});
	}

	@Test
	void aSessionTerminatedMidQueryFailsThatCallClearlyAndIsNeverReused() {
		Sessions sessions = Sessions.on("faults-terminated-busy");
		this.contextRunner.withPropertyValues("db.pool.application-name=faults-terminated-busy").run((context) -> {
			HikariDataSource pool = Pools.warm(context.getBean(HikariDataSource.class), sessions);
			CompletableFuture<Void> terminate = CompletableFuture.runAsync(() -> sessions.terminate(await()
				.atMost(Duration.ofSeconds(5))
				.until(() -> sessions.running("SELECT pg_sleep"), Objects::nonNull)));
			int pid;
			try (Connection connection = pool.getConnection()) {
				pid = connection.unwrap(PgConnection.class).getBackendPID();
				Call query = Call.execute(connection, "SELECT pg_sleep(5)");
				terminate.join();
				assertThat(query.failure()).hasMessageContaining("terminating connection due to administrator command");
				assertThat(query.sqlState()).isEqualTo("57P01");
				assertThat(connection.isClosed()).as("evicted by the pool").isTrue();
			}
			Pools.awaitFull(pool, sessions);
			assertThat(sessions.pids()).doesNotContain(pid);
			for (int i = 0; i < 3; i++) {
				try (Connection connection = pool.getConnection()) {
					assertThat(connection.unwrap(PgConnection.class).getBackendPID()).isNotEqualTo(pid);
				}
			}
		});
	}

	@Test
	void aRoleAtItsConnectionLimitGetsTheServersReasonWithoutAReconnectStormAndRecoversWhenASlotFrees()
			throws SQLException {
		String url = PostgresServer.jdbcUrl().replaceFirst("\\?.*", "");
		try (FaultProxy proxy = FaultProxy.inFrontOf(url)) {
			this.contextRunner
				.withPropertyValues("spring.datasource.url=" + proxy.jdbcUrl(),
						"spring.datasource.username=" + LIMITED_ROLE, "db.pool.timeout=1s")
				.run((context) -> {
					HikariDataSource pool = context.getBean(HikariDataSource.class);
					try (Connection otherClient = DriverManager.getConnection(url, LIMITED_ROLE, PASSWORD);
							Connection held = pool.getConnection()) {
						int attempts = proxy.acceptedConnections();
						long start = System.nanoTime();
						for (int i = 0; i < 3; i++) {
							Call call = Call.execute(pool, "SELECT 1");
							assertThat(call.failure()).isInstanceOf(SQLTransientConnectionException.class)
								.hasMessageContaining("request timed out after")
								.hasRootCauseMessage("FATAL: too many connections for role \"" + LIMITED_ROLE + "\"");
							assertThat(call.sqlState()).isEqualTo("53300");
							assertThat(call.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(1).plus(MARGIN));
						}
						Duration window = Duration.ofNanos(System.nanoTime() - start);
						int retries = proxy.acceptedConnections() - attempts;
						assertThat(retries).as("connection attempts in %s", window).isBetween(1, 12);
						otherClient.close();
						Duration recovery = Pools.awaitFirstSuccess(pool, Duration.ofSeconds(15));
						assertThat(recovery).isLessThanOrEqualTo(Pools.HIKARI_MAX_BACKOFF.plusSeconds(1).plus(MARGIN));
					}
				});
		}
	}

	@Test
	void aServerThatAcceptsTheLoginButNeverAnswersTheStartupCheckFailsStartupWithinTheLoginTimeout()
			throws SQLException {
		try (Connection locker = PostgresServer.connect(); Statement statement = locker.createStatement()) {
			locker.setAutoCommit(false);
			statement.execute("LOCK TABLE pg_catalog.pg_settings IN ACCESS EXCLUSIVE MODE");
			Call startup = Call.of(() -> assertTimeoutPreemptively(Duration.ofSeconds(10), () -> this.contextRunner
				.withPropertyValues("db.pool.login-timeout=1s", "db.pool.session.statement-timeout=5s")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("Read timed out");
				})));
			assertThat(startup.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(2).plus(MARGIN));
			locker.rollback();
		}
	}

	@Test
	void aStatementTimeoutFailsTheStatementAndKeepsTheSession() {
		this.contextRunner
			.withPropertyValues("db.pool.size=1", "db.pool.session.statement-timeout=500ms")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				int pid;
				try (Connection connection = pool.getConnection()) {
					pid = connection.unwrap(PgConnection.class).getBackendPID();
					Call query = Call.execute(connection, "SELECT pg_sleep(5)");
					assertThat(query.failure()).hasMessageContaining("canceling statement due to statement timeout");
					assertThat(query.sqlState()).isEqualTo("57014");
					assertThat(query.elapsed()).isLessThanOrEqualTo(Duration.ofMillis(500).plus(MARGIN));
				}
				try (Connection connection = pool.getConnection()) {
					assertThat(connection.unwrap(PgConnection.class).getBackendPID()).isEqualTo(pid);
					assertThat(Call.execute(connection, "SELECT 1").succeeded()).isTrue();
				}
			});
	}

	@Test
	void aSessionEndedByTheIdleInTransactionTimeoutReportsItAndIsNeverReused() {
		Sessions sessions = Sessions.on("faults-idle-in-transaction");
		this.contextRunner
			.withPropertyValues("db.pool.application-name=faults-idle-in-transaction", "db.pool.size=1",
					"db.pool.session.idle-in-transaction-timeout=1s")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				int pid;
				try (Connection connection = pool.getConnection()) {
					pid = connection.unwrap(PgConnection.class).getBackendPID();
					connection.setAutoCommit(false);
					assertThat(Call.execute(connection, "SELECT 1").succeeded()).isTrue();
					await().atMost(Duration.ofSeconds(5)).until(() -> !sessions.pids().contains(pid));
					Call query = Call.execute(connection, "SELECT 1");
					assertThat(query.failure())
						.hasMessageContaining("terminating connection due to idle-in-transaction timeout");
					assertThat(query.sqlState()).isEqualTo("25P03");
					assertThat(connection.isClosed()).as("evicted by the pool").isTrue();
				}
				try (Connection connection = pool.getConnection()) {
					assertThat(connection.unwrap(PgConnection.class).getBackendPID()).isNotEqualTo(pid);
					assertThat(Call.execute(connection, "SELECT 1").succeeded()).isTrue();
				}
			});
	}

}
