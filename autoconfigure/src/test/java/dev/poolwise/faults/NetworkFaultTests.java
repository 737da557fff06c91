package dev.poolwise.faults;

import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.jdbc.PgConnection;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.startup.DatabaseUnavailableException;
import dev.poolwise.test.Call;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.Pools;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.Sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The network between pool and server fails in the ways networks do, through a {@link FaultProxy}: every
 * caller gets a working connection or a clear exception within the bound its properties set, and the pool
 * heals by itself once the network does. The URL carries the password too, and no output may show it.
 */
@ExtendWith(OutputCaptureExtension.class)
class NetworkFaultTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final Duration MARGIN = Duration.ofSeconds(1);

	/**
	 * Bound on the first successful call once the network is back: Hikari's back-off, then one wait.
	 */
	private static final Duration RECOVERY = Pools.HIKARI_MAX_BACKOFF.plus(TIMEOUT).plus(MARGIN);

	private final FaultProxy proxy = FaultProxy.inFrontOf(PostgresServer.jdbcUrl());

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("spring.datasource.url=" + this.proxy.jdbcUrl() + "&password=" + PostgresServer.PASSWORD,
				"db.pool.size=2", "db.pool.overflow=0", "db.pool.timeout=" + TIMEOUT.toMillis() + "ms",
				"db.pool.connect-timeout=1s", "db.pool.login-timeout=1s");

	@AfterEach
	void closeProxyAndCheckNothingLeakedThePassword(CapturedOutput output) {
		this.proxy.close();
		assertThat(output).doesNotContain(PostgresServer.PASSWORD);
	}

	@Test
	void callersDuringAnOutageFailWithinTheTimeoutAndThePoolRefillsOnceTheServerIsBack() {
		Sessions sessions = Sessions.on("faults-outage");
		this.contextRunner.withPropertyValues("db.pool.application-name=faults-outage").run((context) -> {
			HikariDataSource pool = Pools.warm(context.getBean(HikariDataSource.class), sessions);
			this.proxy.closeConnections();
			this.proxy.refuse();
			for (int i = 0; i < 3; i++) {
				Call call = Call.execute(pool, "SELECT 1");
				assertThat(call.failure()).isInstanceOf(SQLTransientConnectionException.class)
					.hasMessageContaining("request timed out after")
					.cause()
					.hasMessageContaining("127.0.0.1:" + this.proxy.port());
				assertThat(call.elapsed()).isLessThanOrEqualTo(TIMEOUT.plus(MARGIN));
			}
			assertHealsOnceTheNetworkDoes(pool, sessions);
		});
	}

	@Test
	void aServerThatNeverAnswersFailsStartupWithinTheLoginTimeout() {
		this.proxy.blackhole();
		Call startup = Call.of(() -> this.contextRunner.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.cause()
				.isInstanceOf(DatabaseUnavailableException.class)
				.hasMessageContaining("Could not connect to PostgreSQL at jdbc:postgresql://127.0.0.1:"
						+ this.proxy.port())
				.hasMessageContaining("password=******")
				.hasMessageContaining("Connection attempt timed out");
			for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
				assertThat(String.valueOf(ex.getMessage())).doesNotContain(PostgresServer.PASSWORD);
			}
		}));
		assertThat(startup.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(1).plus(MARGIN));
	}

	@Test
	void idleConnectionsInABlackholeCostACallerAtMostTimeoutPlusOneValidation() {
		Sessions sessions = Sessions.on("faults-blackhole-idle");
		this.contextRunner.withPropertyValues("db.pool.application-name=faults-blackhole-idle").run((context) -> {
			HikariDataSource pool = Pools.warm(context.getBean(HikariDataSource.class), sessions);
			Duration validation = Duration.ofMillis(pool.getValidationTimeout());
			this.proxy.blackhole();
			for (int i = 0; i < 3; i++) {
				Call call = Call.execute(pool, "SELECT 1");
				assertThat(call.failure()).isInstanceOf(SQLTransientConnectionException.class);
				assertThat(call.elapsed()).isLessThanOrEqualTo(TIMEOUT.plus(validation).plus(MARGIN));
			}
			assertHealsOnceTheNetworkDoes(pool, sessions);
		});
	}

	@Test
	void aQueryInABlackholeFailsAfterTheSocketTimeoutAndItsConnectionIsEvicted() {
		Sessions sessions = Sessions.on("faults-blackhole-query");
		this.contextRunner
			.withPropertyValues("db.pool.application-name=faults-blackhole-query", "db.pool.socket-timeout=2s")
			.run((context) -> {
				HikariDataSource pool = Pools.warm(context.getBean(HikariDataSource.class), sessions);
				CompletableFuture<Void> blackhole = CompletableFuture.runAsync(() -> {
					await().atMost(Duration.ofSeconds(5)).until(() -> sessions.running("SELECT pg_sleep") != null);
					this.proxy.blackhole();
				});
				try (Connection connection = pool.getConnection()) {
					int pid = connection.unwrap(PgConnection.class).getBackendPID();
					Call query = Call.execute(connection, "SELECT pg_sleep(1)");
					blackhole.join();
					assertThat(query.failure()).hasMessageContaining("An I/O error occurred");
					assertThat(query.sqlState()).isEqualTo("08006");
					assertThat(query.elapsed()).isLessThanOrEqualTo(Duration.ofSeconds(2).plus(MARGIN));
					assertThat(connection.isClosed()).as("evicted by the pool").isTrue();
					this.proxy.passThrough();
					Pools.awaitFull(pool, sessions);
					assertThat(sessions.pids()).doesNotContain(pid);
				}
			});
	}

	@Test
	void aLoginThatNeverGetsAnAnswerIsAbandonedAfterTheLoginTimeout() {
		Duration timeout = Duration.ofSeconds(3);
		this.contextRunner
			.withPropertyValues("db.pool.application-name=faults-blackhole-login", "db.pool.size=1",
					"db.pool.overflow=1", "db.pool.timeout=3s")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				try (Connection held = pool.getConnection()) {
					this.proxy.blackhole();
					int attemptsBefore = this.proxy.acceptedConnections();
					Call call = Call.execute(pool, "SELECT 1");
					assertThat(call.failure()).isInstanceOf(SQLTransientConnectionException.class)
						.cause()
						.hasMessageContaining("Connection attempt timed out");
					assertThat(call.elapsed()).isLessThanOrEqualTo(timeout.plus(MARGIN));
					int attempts = this.proxy.acceptedConnections() - attemptsBefore;
					assertThat(attempts).as("logins abandoned after the 1s login-timeout, retried within 3s")
						.isGreaterThanOrEqualTo(2);
				}
			});
	}

	@Test
	void aResetMidQueryFailsAtOnceAndThePoolReplacesEveryResetConnection() {
		Sessions sessions = Sessions.on("faults-reset");
		this.contextRunner.withPropertyValues("db.pool.application-name=faults-reset").run((context) -> {
			HikariDataSource pool = Pools.warm(context.getBean(HikariDataSource.class), sessions);
			AtomicLong resetAt = new AtomicLong();
			CompletableFuture<Void> reset = CompletableFuture.runAsync(() -> {
				await().atMost(Duration.ofSeconds(5)).until(() -> sessions.running("SELECT pg_sleep") != null);
				resetAt.set(System.nanoTime());
				this.proxy.resetConnections();
			});
			int acceptedBefore = this.proxy.acceptedConnections();
			try (Connection connection = pool.getConnection()) {
				Call query = Call.execute(connection, "SELECT pg_sleep(3)");
				long failedAt = System.nanoTime();
				reset.join();
				assertThat(query.failure()).hasMessageContaining("An I/O error occurred");
					assertThat(query.sqlState()).isEqualTo("08006");
				assertThat(Duration.ofNanos(failedAt - resetAt.get())).isLessThanOrEqualTo(MARGIN);
				assertThat(connection.isClosed()).as("evicted by the pool").isTrue();
			}
			try (Connection first = pool.getConnection(); Connection second = pool.getConnection()) {
				assertThat(first.isValid(1)).isTrue();
				assertThat(second.isValid(1)).isTrue();
			}
			assertThat(this.proxy.acceptedConnections() - acceptedBefore).as("both reset connections replaced")
				.isEqualTo(2);
		});
	}

	@Test
	void addedLatencyOnlyMakesCallsSlower() {
		Duration oneWay = Duration.ofMillis(50);
		Sessions sessions = Sessions.on("faults-latency");
		this.contextRunner.withPropertyValues("db.pool.application-name=faults-latency").run((context) -> {
			HikariDataSource pool = Pools.warm(context.getBean(HikariDataSource.class), sessions);
			List<Integer> pids = sessions.pids();
			int accepted = this.proxy.acceptedConnections();
			this.proxy.latency(oneWay, oneWay);
			List<Call> calls = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				calls.add(Call.execute(pool, "SELECT 1"));
			}
			assertThat(calls).allSatisfy((call) -> {
				assertThat(call.succeeded()).isTrue();
				assertThat(call.elapsed()).isBetween(oneWay.multipliedBy(2), TIMEOUT);
			});
			assertThat(sessions.pids()).isEqualTo(pids);
			assertThat(this.proxy.acceptedConnections()).as("no connection was replaced").isEqualTo(accepted);
			assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isEqualTo(2);
		});
	}

	/**
	 * Heals the network: the first call must succeed within Hikari's back-off plus one wait, and the pool
	 * must fill up again.
	 */
	private void assertHealsOnceTheNetworkDoes(HikariDataSource pool, Sessions sessions) {
		this.proxy.passThrough();
		Duration recovery = Pools.awaitFirstSuccess(pool, RECOVERY.multipliedBy(2));
		assertThat(recovery).isLessThanOrEqualTo(RECOVERY);
		Pools.awaitFull(pool, sessions);
	}

}
