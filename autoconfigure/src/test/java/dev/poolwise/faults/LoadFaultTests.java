package dev.poolwise.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.health.PoolHealthIndicator;
import dev.poolwise.test.Call;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.Sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * More demand than the pool has, connections held too long, connections recycled under load and killed in
 * the middle of transactions: callers still get a connection or a clear exception within {@code timeout},
 * and the data stays consistent.
 */
@ExtendWith(OutputCaptureExtension.class)
class LoadFaultTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final Duration MARGIN = Duration.ofSeconds(1);

	private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);

	private static final int ACCOUNTS = 10;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.timeout=" + TIMEOUT.toMillis() + "ms");

	@Test
	void underFourTimesMoreCallersThanConnectionsEveryCallSucceedsOrTimesOutWithinTheTimeoutAndHealthAnswers() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(PoolHealthContributorAutoConfiguration.class))
			.withPropertyValues("db.pool.size=2", "db.pool.overflow=2",
					"db.pool.health.timeout=" + HEALTH_TIMEOUT.toMillis() + "ms")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				HealthIndicator health = context.getBean("dbPoolHealthContributor", HealthIndicator.class);
				pool.getConnection().close();
				ExecutorService load = Executors.newSingleThreadExecutor();
				try {
					Future<List<Call>> calls = load.submit(() -> ConcurrentCalls.start(16,
							ConcurrentCalls::platformThread, () -> Call.execute(pool, "SELECT pg_sleep(0.5)")));
					await().atMost(Duration.ofSeconds(5))
						.pollInterval(Duration.ofMillis(10))
						.until(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() > 0);
					assertHealthAnswersWithTheWaitingThreads(health);
					List<Call> overload = calls.get(30, TimeUnit.SECONDS);
					ConcurrentCalls.assertWithinTimeout(overload, TIMEOUT.plus(MARGIN), Duration.ofMillis(500));
					assertThat(overload).filteredOn(Call::succeeded).hasSizeGreaterThanOrEqualTo(4);
					assertThat(overload).filteredOn((call) -> !call.succeeded()).isNotEmpty();
				}
				finally {
					load.shutdownNow();
				}
				assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isLessThanOrEqualTo(4);
				for (int round = 0; round < 3; round++) {
					assertThat(ConcurrentCalls.start(4, ConcurrentCalls::platformThread,
							() -> Call.execute(pool, "SELECT pg_sleep(0.1)")))
						.allMatch(Call::succeeded);
				}
			});
	}

	@Test
	void aConnectionHeldPastTheLeakThresholdIsReportedOnceWithTheBorrowersStack(CapturedOutput output) {
		this.contextRunner.withPropertyValues("db.pool.size=1", "db.pool.leak-detection-threshold=2s")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				try (Connection leaked = pool.getConnection()) {
					await().atLeast(Duration.ofMillis(1900))
						.atMost(Duration.ofSeconds(5))
						.until(() -> output.toString().contains("Connection leak detection triggered"));
				}
				await().atMost(Duration.ofSeconds(5)).until(() -> output.toString().contains("(unleaked)"));
				String log = output.toString();
				assertThat(log.split("Connection leak detection triggered", -1)).hasSize(2);
				assertThat(log.substring(log.indexOf("Connection leak detection triggered")))
					.contains("Apparent connection leak detected")
					.contains("at " + LoadFaultTests.class.getName() + ".lambda$aConnectionHeldPastTheLeakThreshold");
				assertThat(log).doesNotContain(PostgresServer.PASSWORD);
			});
	}

	@Test
	void underLoadNoConnectionOutlivesRecycleAndNoCallFails() {
		Duration recycle = Duration.ofSeconds(30);
		Sessions sessions = Sessions.on("faults-churn");
		this.contextRunner
			.withPropertyValues("db.pool.application-name=faults-churn", "db.pool.size=3", "db.pool.overflow=0",
					"db.pool.recycle=30s", "db.pool.pre-ping=false", "db.pool.idle-timeout=0")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				pool.getConnection().close();
				await().atMost(Duration.ofSeconds(5)).until(() -> sessions.pids().size() == 3);
				List<Integer> first = sessions.pids();
				AtomicLong oldest = new AtomicLong();
				Load load = new Load(3, () -> Call.execute(pool, "SELECT 1"));
				try (load) {
					await().atMost(recycle.plusSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
						oldest.accumulateAndGet(sessions.oldest().toMillis(), Math::max);
						return sessions.pids().stream().noneMatch(first::contains);
					});
				}
				assertThat(load.failures()).isEmpty();
				assertThat(load.calls()).isPositive();
				assertThat(Duration.ofMillis(oldest.get())).as("oldest session seen; Hikari retires up to 25%% early")
					.isBetween(recycle.multipliedBy(3).dividedBy(4).minus(MARGIN), recycle.plus(MARGIN));
			});
	}

	@Test
	void transfersKilledAtRandomPointsLeaveNoPartialTransferAndTheTotalUnchanged() throws SQLException {
		try (Connection side = PostgresServer.connect(); Statement statement = side.createStatement()) {
			statement.execute("DROP TABLE IF EXISTS faults_transfers, faults_accounts");
			statement.execute("CREATE TABLE faults_accounts (id int PRIMARY KEY, balance bigint NOT NULL)");
			statement.execute("CREATE TABLE faults_transfers (id bigserial PRIMARY KEY, from_id int NOT NULL, "
					+ "to_id int NOT NULL, amount bigint NOT NULL)");
			statement.execute("INSERT INTO faults_accounts SELECT id, 1000 FROM generate_series(1, " + ACCOUNTS
					+ ") id");
		}
		this.contextRunner
			.withPropertyValues("db.pool.application-name=faults-transfers", "db.pool.size=4", "db.pool.overflow=0",
					"db.pool.timeout=2s")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				AtomicInteger kills = new AtomicInteger();
				Load load = new Load(4, () -> Call.of(() -> transfer(pool)));
				try (load; Killer killer = new Killer("faults-transfers", kills)) {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> kills.get() >= 100 && load.calls() - load.failures().size() >= 400);
				}
				assertThat(load.failures()).as("transfers hit by a kill").isNotEmpty();
				assertThat(load.failures()).extracting(Call::failure).hasOnlyElementsOfType(SQLException.class);
				try (Connection side = PostgresServer.connect(); Statement statement = side.createStatement()) {
					assertThat(single(statement, "SELECT sum(balance) FROM faults_accounts"))
						.isEqualTo(ACCOUNTS * 1000L);
					assertThat(single(statement, "SELECT count(*) FROM faults_accounts a WHERE balance <> 1000 "
							+ "+ (SELECT coalesce(sum(amount), 0) FROM faults_transfers WHERE to_id = a.id) "
							+ "- (SELECT coalesce(sum(amount), 0) FROM faults_transfers WHERE from_id = a.id)"))
						.as("accounts whose balance disagrees with the journal of committed transfers")
						.isZero();
					assertThat(single(statement, "SELECT count(*) FROM faults_transfers"))
						.as("journal rows, at least every transfer whose commit was acknowledged")
						.isGreaterThanOrEqualTo(load.calls() - load.failures().size());
					statement.execute("DROP TABLE faults_transfers, faults_accounts");
				}
			});
	}

	/**
	 * Moves a random amount between two random accounts and journals it, all in one transaction; rows are
	 * locked in id order so concurrent transfers cannot deadlock.
	 */
	private static void transfer(DataSource pool) throws SQLException {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int from = random.nextInt(1, ACCOUNTS + 1);
		int to = 1 + (from + random.nextInt(1, ACCOUNTS) - 1) % ACCOUNTS;
		long amount = random.nextLong(1, 100);
		try (Connection connection = pool.getConnection();
				PreparedStatement move = connection
					.prepareStatement("UPDATE faults_accounts SET balance = balance + ? WHERE id = ?");
				PreparedStatement journal = connection
					.prepareStatement("INSERT INTO faults_transfers (from_id, to_id, amount) VALUES (?, ?, ?)")) {
			connection.setAutoCommit(false);
			for (int id : new int[] { Math.min(from, to), Math.max(from, to) }) {
				move.setLong(1, (id == from) ? -amount : amount);
				move.setInt(2, id);
				move.executeUpdate();
			}
			journal.setInt(1, from);
			journal.setInt(2, to);
			journal.setLong(3, amount);
			journal.executeUpdate();
			connection.commit();
		}
	}

	/**
	 * Health reads the pool's counters instead of borrowing, so callers queued for a connection neither
	 * delay it nor turn it DOWN: it answers within its timeout, UP, naming the waiting threads.
	 */
	private static void assertHealthAnswersWithTheWaitingThreads(HealthIndicator indicator) {
		long start = System.nanoTime();
		Health health = indicator.health();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(HEALTH_TIMEOUT);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails().get(PoolHealthIndicator.PENDING)).asInstanceOf(InstanceOfAssertFactories.INTEGER)
			.isPositive();
		assertThat(health.getDetails().get(PoolHealthIndicator.WARNINGS))
			.asInstanceOf(InstanceOfAssertFactories.list(String.class))
			.anySatisfy((warning) -> assertThat(warning).contains("thread(s) waiting for a connection"));
	}

	private static long single(Statement statement, String sql) throws SQLException {
		try (ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getLong(1);
		}
	}

	/**
	 * Callers that repeat a call until closed, keeping every failure.
	 */
	private static final class Load implements AutoCloseable {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicInteger calls = new AtomicInteger();

		private final List<Call> failures = new CopyOnWriteArrayList<>();

		private final ExecutorService callers;

		private final List<Future<?>> tasks = new ArrayList<>();

		Load(int threads, Supplier<Call> call) {
			this.callers = Executors.newFixedThreadPool(threads);
			for (int i = 0; i < threads; i++) {
				this.tasks.add(this.callers.submit(() -> {
					while (this.running.get()) {
						Call outcome = call.get();
						this.calls.incrementAndGet();
						if (!outcome.succeeded()) {
							this.failures.add(outcome);
						}
					}
				}));
			}
		}

		int calls() {
			return this.calls.get();
		}

		List<Call> failures() {
			return this.failures;
		}

		@Override
		public void close() throws Exception {
			this.running.set(false);
			for (Future<?> task : this.tasks) {
				task.get(10, TimeUnit.SECONDS);
			}
			this.callers.shutdown();
		}

	}

	/**
	 * Terminates a random session of the application that is inside a transaction, every 10ms, as
	 * failovers and administrators do at the worst moment.
	 */
	private static final class Killer implements AutoCloseable {

		private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor();

		private final Connection side;

		Killer(String applicationName, AtomicInteger kills) throws SQLException {
			this.side = PostgresServer.connect();
			PreparedStatement kill = this.side.prepareStatement("SELECT count(*) FILTER (WHERE "
					+ "pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity WHERE application_name = ? "
					+ "AND xact_start IS NOT NULL ORDER BY random() LIMIT 1) victim");
			kill.setString(1, applicationName);
			this.schedule.scheduleAtFixedRate(() -> {
				try (ResultSet row = kill.executeQuery()) {
					row.next();
					kills.addAndGet(row.getInt(1));
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			}, 0, 10, TimeUnit.MILLISECONDS);
		}

		@Override
		public void close() throws Exception {
			this.schedule.shutdown();
			this.schedule.awaitTermination(5, TimeUnit.SECONDS);
			this.side.close();
		}

	}

}
