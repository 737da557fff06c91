package dev.poolwise.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.autoconfigure.health.PoolHealthContributorAutoConfiguration;
import dev.poolwise.pool.PoolStatistics;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.tuned.TunedPool;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.list;
import static org.awaitility.Awaitility.await;

/**
 * The dbPool indicator against the real server, with small pools (size 1, overflow 3) so a few held
 * connections reach each threshold.
 */
class PoolHealthIndicatorTests {

	private static final Duration ONE_SECOND = Duration.ofSeconds(1);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				PoolHealthContributorAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.size=1", "db.pool.overflow=3");

	@Test
	void upWithPoolNumbersAndServerVersion() {
		this.contextRunner.run((context) -> {
			Borrowed.from(context, 1).close();
			Health health = indicator(context).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry(PoolHealthIndicator.POOL, "dataSource")
				.containsEntry(PoolHealthIndicator.ACTIVE, 0)
				.containsEntry(PoolHealthIndicator.IDLE, 1)
				.containsEntry(PoolHealthIndicator.TOTAL, 1)
				.containsEntry(PoolHealthIndicator.MAX, 4)
				.containsEntry(PoolHealthIndicator.MIN, 1)
				.containsEntry(PoolHealthIndicator.PENDING, 0)
				.containsEntry(PoolHealthIndicator.UTILIZATION, 0.0)
				.containsEntry(PoolHealthIndicator.SERVER_VERSION, serverVersion())
				.containsEntry(PoolHealthIndicator.PRIMARY, true)
				.containsEntry(PoolHealthIndicator.WARNINGS, List.of())
				.doesNotContainKeys(PoolHealthIndicator.ERROR, PoolHealthIndicator.MISSING_EXTENSIONS);
			assertThat(health.getDetails().get(PoolHealthIndicator.SERVER)).asString().endsWith(":" + port());
			assertThat((double) health.getDetails().get(PoolHealthIndicator.LATENCY)).isPositive();
			assertThat(health.toString()).doesNotContain(PostgresServer.PASSWORD);
		});
	}

	@Test
	void beforeThePoolStartsReportsTheConfiguredSizesAndStillProbes() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(HikariDataSource.class).getHikariPoolMXBean()).isNull();
			Health health = indicator(context).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry(PoolHealthIndicator.TOTAL, 0)
				.containsEntry(PoolHealthIndicator.MAX, 4)
				.containsEntry(PoolHealthIndicator.MIN, 1)
				.containsEntry(PoolHealthIndicator.SERVER_VERSION, serverVersion());
		});
	}

	@ParameterizedTest(name = "{0} of 4 in use")
	@CsvSource(delimiter = '|', value = {
			"2 | 2 of 4 connections in use (utilization 0.50 >= warn-utilization 0.5)",
			"4 | critical: 4 of 4 connections in use (utilization 1.00 >= critical-utilization 0.9)" })
	void utilizationIsAWarningAndNotAnOutage(int inUse, String warning) {
		this.contextRunner.withPropertyValues("db.pool.health.warn-utilization=0.5").run((context) -> {
			try (Borrowed borrowed = Borrowed.from(context, inUse)) {
				Health health = indicator(context).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry(PoolHealthIndicator.UTILIZATION, inUse / 4.0)
					.containsEntry(PoolHealthIndicator.WARNINGS, List.of(warning));
			}
		});
	}

	@Test
	void saturatedStatusIsReportedOnlyWhileThePoolIsSaturated() {
		this.contextRunner.withPropertyValues("db.pool.health.saturated-status=OUT_OF_SERVICE").run((context) -> {
			PoolHealthIndicator indicator = indicator(context);
			try (Borrowed borrowed = Borrowed.from(context, 3)) {
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			}
			try (Borrowed borrowed = Borrowed.from(context, 4)) {
				assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			}
		});
	}

	@Test
	void downNamingOnlyTheMissingRequiredExtensions() {
		this.contextRunner.withPropertyValues("db.pool.health.required-extensions=plpgsql,no_such_extension")
			.run((context) -> {
				Health health = indicator(context).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry(PoolHealthIndicator.MISSING_EXTENSIONS,
						List.of("no_such_extension"));
			});
	}

	@Test
	void warnsWhenTheReplicasExceedTheConnectionBudget() {
		this.contextRunner.withPropertyValues("db.pool.instances=100").run((context) -> {
			Health health = indicator(context).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails().get(PoolHealthIndicator.WARNINGS)).asInstanceOf(list(String.class))
				.singleElement()
				.asString()
				.startsWith("connection budget exceeded: 100 instance(s) x 4 connections = 400, but the server had "
						+ "max_connections=300 - 3 superuser_reserved - 0 reserved - ")
				.endsWith(" at startup");
		});
	}

	@Test
	void probeConnectionIsReusedAndReplacedWhenTheServerDropsIt() {
		this.contextRunner.withPropertyValues("db.pool.application-name=reuse-check", "db.pool.health.max-age=0")
			.run((context) -> {
				PoolHealthIndicator indicator = indicator(context);
				for (int i = 0; i < 5; i++) {
					assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
				}
				assertThat(PostgresServer.sessions("reuse-check (dbPool health)"))
					.as("one probe connection for five calls")
					.isOne();
				try (Connection admin = PostgresServer.connect(); Statement statement = admin.createStatement()) {
					ResultSet terminated = statement.executeQuery("SELECT pg_terminate_backend(pid) "
							+ "FROM pg_stat_activity WHERE application_name = 'reuse-check (dbPool health)'");
					assertThat(terminated.next()).isTrue();
					assertThat(terminated.getBoolean(1)).isTrue();
				}
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void downWithinTheTimeoutWhenTheServerNeverAnswers() {
		this.contextRunner.withPropertyValues("db.pool.health.timeout=300ms").run((context) -> {
			ExecutorService acceptor = Executors.newSingleThreadExecutor();
			List<Socket> accepted = new CopyOnWriteArrayList<>();
			try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
					HikariDataSource dataSource = new HikariDataSource()) {
				acceptor.execute(() -> acceptUntilClosed(silent, accepted));
				dataSource.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/postgres");
				dataSource.setUsername(PostgresServer.username());
				dataSource.setPassword(PostgresServer.PASSWORD);
				dataSource.setPoolName("silent");
				TunedPool real = context.getBean(TunedPools.class).get("dataSource");
				try (PoolHealthIndicator indicator = new PoolHealthIndicator(
						new TunedPool("silent", dataSource, real.tuning(), real.budget(), real.settings(),
								real.logins(), null, null))) {
					for (int call = 0; call < 2; call++) {
						long start = System.nanoTime();
						Health health = indicator.health();
						assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(800));
						assertThat(health.getStatus()).isEqualTo(Status.DOWN);
						assertThat(health.getDetails()).containsEntry(PoolHealthIndicator.ERROR,
								"java.sql.SQLTimeoutException: No answer from the server within 300ms");
						assertThat(health.toString()).doesNotContain(PostgresServer.PASSWORD);
					}
					await().until(() -> !accepted.isEmpty());
					assertThat(accepted).as("connection attempts while the first is stuck").hasSize(1);
				}
			}
			finally {
				acceptor.shutdownNow();
				assertThat(acceptor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
				for (Socket socket : accepted) {
					socket.close();
				}
			}
		});
	}

	/**
	 * Ten calls of 300ms keep the probe stuck behind the lock for 3s, past its 1s query timeout and its
	 * 2s socket timeout: the server cancels it each time and the one probe connection stays. A max-age of
	 * zero makes every call probe, so the first call after the lock already sees it.
	 */
	@Test
	void aProbeStuckOnTheServerIsCancelledThereAndKeepsItsConnection() {
		String probeName = "stuck-check (dbPool health)";
		this.contextRunner
			.withPropertyValues("db.pool.health.timeout=300ms", "db.pool.application-name=stuck-check",
					"db.pool.health.max-age=0")
			.run((context) -> {
				PoolHealthIndicator indicator = indicator(context);
				await().until(() -> indicator.health().getStatus().equals(Status.UP));
				try (Connection observer = PostgresServer.connect(); Connection admin = PostgresServer.connect();
						Statement statement = admin.createStatement()) {
					admin.setAutoCommit(false);
					statement.execute("LOCK TABLE pg_extension IN ACCESS EXCLUSIVE MODE");
					for (int call = 0; call < 10; call++) {
						long start = System.nanoTime();
						Health health = indicator.health();
						assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(800));
						assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					}
					assertThat(PostgresServer.sessions(observer, probeName)).as("probe backends after 3s stuck").isOne();
					admin.rollback();
				}
				await().until(() -> indicator.health().getStatus().equals(Status.UP));
				assertThat(PostgresServer.sessions(probeName)).isOne();
			});
	}

	/**
	 * With a max-age, calls answer from the last probe and a probe runs in the background: a server that
	 * stops answering (the probe stuck behind a lock) is DOWN within max-age + timeout, no call meanwhile
	 * waits for the stuck probe, and once the server answers again health is UP within max-age and a probe.
	 * Awaitility's bounds allow half a second for scheduling on a busy machine.
	 */
	@Test
	void withAMaxAgeAServerThatStopsAnsweringIsDownWithinMaxAgePlusTimeoutAndUpOnceItAnswers() {
		String probeName = "stale-check (dbPool health)";
		Duration timeout = Duration.ofMillis(300);
		Duration bound = Duration.ofMillis(500).plus(timeout).plusMillis(500);
		this.contextRunner
			.withPropertyValues("db.pool.health.timeout=300ms", "db.pool.health.max-age=500ms",
					"db.pool.application-name=stale-check")
			.run((context) -> {
				PoolHealthIndicator indicator = indicator(context);
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
				try (Connection observer = PostgresServer.connect(); Connection admin = PostgresServer.connect();
						Statement statement = admin.createStatement()) {
					admin.setAutoCommit(false);
					statement.execute("LOCK TABLE pg_extension IN ACCESS EXCLUSIVE MODE");
					List<Duration> calls = new CopyOnWriteArrayList<>();
					await().atMost(bound).until(() -> timed(indicator, calls).equals(Status.DOWN));
					for (int call = 0; call < 10; call++) {
						assertThat(timed(indicator, calls)).isEqualTo(Status.DOWN);
					}
					assertThat(calls).allSatisfy((call) -> assertThat(call).isLessThan(timeout));
					assertThat(PostgresServer.sessions(observer, probeName)).as("probe backends while stuck").isOne();
					admin.rollback();
				}
				await().atMost(bound).until(() -> indicator.health().getStatus().equals(Status.UP));
				assertThat(PostgresServer.sessions(probeName)).isOne();
			});
	}

	/**
	 * Within max-age calls share one probe's answer, so a burst of calls costs the server one query.
	 */
	@Test
	void withAMaxAgeCallsWithinItShareOneAnswer() {
		this.contextRunner.withPropertyValues("db.pool.health.max-age=1m").run((context) -> {
			PoolHealthIndicator indicator = indicator(context);
			Object latency = indicator.health().getDetails().get(PoolHealthIndicator.LATENCY);
			for (int i = 0; i < 20; i++) {
				assertThat(indicator.health().getDetails()).containsEntry(PoolHealthIndicator.LATENCY, latency);
			}
		});
	}

	/**
	 * The reason for this indicator: with every connection lent out and 50 threads queued behind them,
	 * Spring Boot's db indicator would wait the pool timeout (5s); this one must answer within 1s.
	 */
	@Test
	void answersWithinTheTimeoutWhileThePoolIsSaturated() {
		this.contextRunner.withPropertyValues("db.pool.timeout=5s").run((context) -> {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			PoolHealthIndicator indicator = indicator(context);
			ExecutorService waiters = Executors.newFixedThreadPool(50);
			try (Borrowed borrowed = Borrowed.from(context, 4)) {
				for (int i = 0; i < 50; i++) {
					waiters.submit(() -> {
						dataSource.getConnection().close();
						return null;
					});
				}
				await().until(() -> PoolStatistics.of(dataSource).pending() == 50);
				List<Health> responses = new ArrayList<>();
				List<Duration> durations = new ArrayList<>();
				for (int i = 0; i < 200; i++) {
					long start = System.nanoTime();
					responses.add(indicator.health());
					durations.add(Duration.ofNanos(System.nanoTime() - start));
				}
				durations.sort(null);
				System.out.printf(Locale.ROOT, "dbPool health, saturated pool, 200 calls: p50=%.2fms p99=%.2fms"
						+ " max=%.2fms%n", millis(durations.get(99)), millis(durations.get(197)), millis(durations.get(199)));
				assertThat(durations).allSatisfy((duration) -> assertThat(duration).isLessThanOrEqualTo(ONE_SECOND));
				assertThat(responses).allSatisfy((health) -> assertThat(health.getStatus()).isEqualTo(Status.UP));
				assertThat(responses.get(0).getDetails()).containsEntry(PoolHealthIndicator.PENDING, 50)
					.containsEntry(PoolHealthIndicator.UTILIZATION, 1.0)
					.containsEntry(PoolHealthIndicator.WARNINGS,
							List.of("critical: 4 of 4 connections in use (utilization 1.00 >= critical-utilization 0.9)",
									"50 thread(s) waiting for a connection, each failing after 5s"));
			}
			finally {
				waiters.shutdown();
				assertThat(waiters.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			}
		});
	}

	private static Status timed(PoolHealthIndicator indicator, List<Duration> durations) {
		long start = System.nanoTime();
		Status status = indicator.health().getStatus();
		durations.add(Duration.ofNanos(System.nanoTime() - start));
		return status;
	}

	private static PoolHealthIndicator indicator(AssertableApplicationContext context) {
		return context.getBean(PoolHealthIndicator.class);
	}

	private static String serverVersion() throws SQLException {
		try (Connection connection = PostgresServer.connect();
				Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("SHOW server_version")) {
			row.next();
			return row.getString(1);
		}
	}

	private static double millis(Duration duration) {
		return duration.toNanos() / 1_000_000.0;
	}

	private static void acceptUntilClosed(ServerSocket server, List<Socket> accepted) {
		try {
			while (true) {
				accepted.add(server.accept());
			}
		}
		catch (IOException ex) {
			// The test closed the server socket.
		}
	}

	/**
	 * Connections borrowed from the pool and held until closed.
	 */
	private record Borrowed(List<Connection> connections) implements AutoCloseable {

		static Borrowed from(AssertableApplicationContext context, int count) throws SQLException {
			HikariDataSource dataSource = context.getBean(HikariDataSource.class);
			List<Connection> connections = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				connections.add(dataSource.getConnection());
			}
			return new Borrowed(connections);
		}

		@Override
		public void close() throws SQLException {
			for (Connection connection : this.connections) {
				connection.close();
			}
		}

	}

	private static int port() {
		return Integer.parseInt(PostgresServer.jdbcUrl().replaceAll(".*:(\\d+)/.*", "$1"));
	}

}
