package dev.poolwise.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.ReplicatedServers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replicas that fail under a read load, against a primary and two asynchronous standbys of this class's
 * own (it stops one and promotes the other): a stopped replica takes no new transaction within 2 s, one
 * that stops answering none after its connect timeout and 1 s, and each rejoins once it is back, a promoted one is no longer used, and reads go on on the others or the primary;
 * when the primary fails over to a replica, writes follow it and reads go on. The promotions run last,
 * since they end replication for good.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaFailureTests {

	private static final int THREADS = 4;

	private static final Duration WITHIN = Duration.ofSeconds(2);

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	private static final ReplicatedServers servers = ReplicatedServers.startAsynchronous(2);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				TransactionAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=" + servers.primaryUrl(""), "spring.datasource.username=postgres",
				"db.pool.size=2", "db.pool.overflow=" + THREADS, "db.pool.replicas.url=" + servers.standbysUrl(0, 1),
				"db.pool.replicas.size=" + THREADS, "db.pool.replicas.overflow=0", "db.pool.replicas.timeout=1s");

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = servers.connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE failed_over (id serial PRIMARY KEY, name text)");
		}
	}

	@AfterAll
	static void stopServers() {
		servers.close();
	}

	@Test
	@Order(1)
	void aStoppedReplicaTakesNoNewTransactionsWithinTwoSecondsAndRejoinsWhenBack() {
		this.contextRunner.run((context) -> {
			Replica stopped = ReplicaRoutingTests.replica(context, 1);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			try (ReadLoad load = new ReadLoad(ReplicaRoutingTests.readOnly(context), jdbc)) {
				await().atMost(Duration.ofSeconds(10)).until(() -> load.startedOn(servers.standbyPort(1), 0) >= 20);
				long stop = System.nanoTime();
				servers.stopStandby(1);
				await().atMost(Duration.ofSeconds(10)).until(() -> stopped.state() == Replica.State.UNREACHABLE);
				await().atMost(Duration.ofSeconds(10)).until(() -> load.startedOn(servers.standbyPort(0), 0) >= 40);
				Duration last = load.lastStartOn(servers.standbyPort(1), stop);
				System.out.println("Replica stopped under load: last transaction started on it " + last.toMillis()
						+ " ms after the stop began; failed calls " + load.failures());
				assertThat(last).isLessThanOrEqualTo(WITHIN);
				assertThat(load.failures()).isLessThanOrEqualTo(THREADS);
				servers.startStandby(1);
				await().atMost(Duration.ofSeconds(30)).until(() -> stopped.state() == Replica.State.AVAILABLE);
				long back = System.nanoTime();
				await().atMost(Duration.ofSeconds(10)).until(() -> load.startedOn(servers.standbyPort(1), back) >= 10);
			}
		});
	}

	@Test
	@Order(2)
	void aReplicaThatStopsAnsweringTakesNoNewTransactionsWithinTheConnectTimeoutAndRejoinsWhenItAnswers() {
		try (FaultProxy proxy = FaultProxy.inFrontOf(servers.standbysUrl(0))) {
			this.contextRunner
				.withPropertyValues("db.pool.replicas.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + ",127.0.0.1:"
						+ servers.standbyPort(1) + "/postgres",
						"db.pool.replicas.connect-timeout=1s", "db.pool.replicas.socket-timeout=3s")
				.run((context) -> {
					Replica silent = ReplicaRoutingTests.replica(context, 0);
					int port = servers.standbyPort(0);
					JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
					Routing routing = ReplicaRoutingTests.routing(context);
					try (ReadLoad load = new ReadLoad(ReplicaRoutingTests.readOnly(context), jdbc)) {
						await().atMost(Duration.ofSeconds(10)).until(() -> load.startedOn(port, 0) >= 20);
						long blackholed = System.nanoTime();
						proxy.blackhole();
						await().atMost(Duration.ofSeconds(10))
							.until(() -> silent.state() == Replica.State.UNREACHABLE);
						Duration out = Duration.ofNanos(System.nanoTime() - blackholed);
						long routed = routing.servedBy(silent.name());
						long after = System.nanoTime();
						await().atMost(Duration.ofSeconds(10))
							.until(() -> load.startedOn(servers.standbyPort(1), after) >= 40
									&& load.oldestInFlight() - after > 0);
						System.out.println("Replica blackholed under load: out of rotation " + out.toMillis()
								+ " ms after the blackhole; failed calls " + load.failures());
						assertThat(out).isLessThanOrEqualTo(CONNECT_TIMEOUT.plus(Duration.ofSeconds(1)));
						assertThat(routing.servedBy(silent.name())).as("transactions routed to it once out")
							.isEqualTo(routed);
						assertThat(load.failures()).isLessThanOrEqualTo(THREADS);
						proxy.passThrough();
						await().atMost(Duration.ofSeconds(30)).until(() -> silent.state() == Replica.State.AVAILABLE);
						long back = System.nanoTime();
						await().atMost(Duration.ofSeconds(10)).until(() -> load.startedOn(port, back) >= 10);
					}
				});
		}
	}

	@Test
	@Order(3)
	void aPromotedReplicaIsNoLongerUsed() {
		this.contextRunner.run((context) -> {
			Replica promoted = ReplicaRoutingTests.replica(context, 0);
			int before;
			try (Connection connection = promoted.pool().getConnection();
					Statement statement = connection.createStatement();
					ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
				row.next();
				before = row.getInt(1);
			}
			servers.promoteStandby(0);
			await().atMost(Duration.ofSeconds(10)).until(() -> promoted.state() == Replica.State.PROMOTED);
			await("the replica pool's session from before the promotion is closed").atMost(Duration.ofSeconds(10))
				.until(() -> !sessionExists(servers.connectStandby(0), before));
			TransactionTemplate readOnly = ReplicaRoutingTests.readOnly(context);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			for (int i = 0; i < 4; i++) {
				assertThat(ReplicaRoutingTests.run(readOnly, (status) -> ReplicaRoutingTests.port(jdbc)))
					.isEqualTo(servers.standbyPort(1));
			}
			await("the promoted replica's pool keeps no sessions on the new primary").atMost(Duration.ofSeconds(10))
				.during(Duration.ofSeconds(1))
				.until(() -> promoted.pool().getHikariPoolMXBean().getTotalConnections() == 0);
		});
	}

	@Test
	@Order(4)
	void whenThePrimaryFailsOverToAReplicaReadsGoOnOnItWritesFollowItAndItLeavesTheRotation() {
		String primaryUrl = "jdbc:postgresql://127.0.0.1:" + servers.primaryPort() + ",127.0.0.1:"
				+ servers.standbyPort(1) + "/postgres?targetServerType=primary";
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + primaryUrl,
					"db.pool.replicas.url=" + servers.standbysUrl(1))
			.run((context) -> {
				Replica replica = ReplicaRoutingTests.replica(context, 0);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				TransactionTemplate writes = new TransactionTemplate(ReplicaRoutingTests.transactionManager(context));
				TransactionTemplate readOnly = ReplicaRoutingTests.readOnly(context);
				int promoted = servers.standbyPort(1);
				try (ReadLoad load = new ReadLoad(readOnly, jdbc)) {
					await().atMost(Duration.ofSeconds(10)).until(() -> load.startedOn(promoted, 0) >= 20);
					long stopped = System.nanoTime();
					servers.stopPrimary("immediate");
					await().atMost(Duration.ofSeconds(10)).until(() -> load.startedOn(promoted, stopped) >= 20);
					assertThat(replica.inRotation()).as("the replica, while the primary is down").isTrue();
					servers.promoteStandby(1);
					await().atMost(Duration.ofSeconds(10)).until(() -> replica.state() == Replica.State.PROMOTED);
					await().atMost(Duration.ofSeconds(10))
						.ignoreExceptions()
						.until(() -> ReplicaRoutingTests.run(writes, (status) -> {
							jdbc.update("INSERT INTO failed_over (name) VALUES ('after')");
							return ReplicaRoutingTests.port(jdbc);
						}) == promoted);
					long failedOver = System.nanoTime();
					await().atMost(Duration.ofSeconds(10)).until(() -> load.startedOn(promoted, failedOver) >= 20);
					System.out.println("Primary failover with a replica: failed read-only calls " + load.failures());
					assertThat(load.failures()).isLessThanOrEqualTo(2 * THREADS);
				}
				String name = "own-" + System.nanoTime();
				writes.executeWithoutResult(
						(status) -> jdbc.update("INSERT INTO failed_over (name) VALUES (?)", name));
				assertThat(ReplicaRoutingTests.run(readOnly, (status) -> jdbc
					.queryForObject("SELECT count(*) FROM failed_over WHERE name = ?", Integer.class, name)))
					.isEqualTo(1);
				assertThat(ReplicaRoutingTests.routing(context).servedByPrimary(Routing.NO_REPLICA)).isPositive();
			});
	}

	private static boolean sessionExists(Connection side, int pid) throws SQLException {
		try (side; Statement statement = side.createStatement();
				ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
			row.next();
			return row.getInt(1) > 0;
		}
	}

	/**
	 * Read-only transactions on a few threads, each recorded with when it started and where it ran.
	 */
	private static final class ReadLoad implements AutoCloseable {

		private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final ConcurrentLinkedQueue<long[]> started = new ConcurrentLinkedQueue<>();

		private final ConcurrentLinkedQueue<Throwable> failed = new ConcurrentLinkedQueue<>();

		private final Map<Thread, Long> inFlight = new ConcurrentHashMap<>();

		ReadLoad(TransactionTemplate readOnly, JdbcTemplate jdbc) {
			for (int i = 0; i < THREADS; i++) {
				this.executor.execute(() -> {
					while (this.running.get()) {
						long start = System.nanoTime();
						this.inFlight.put(Thread.currentThread(), start);
						try {
							int port = ReplicaRoutingTests.run(readOnly, (status) -> ReplicaRoutingTests.port(jdbc));
							this.started.add(new long[] { start, port });
						}
						catch (RuntimeException ex) {
							this.failed.add(ex);
						}
					}
				});
			}
		}

		long startedOn(int port, long after) {
			return this.started.stream().filter((call) -> call[1] == port && call[0] > after).count();
		}

		Duration lastStartOn(int port, long after) {
			return Duration.ofNanos(this.started.stream()
				.filter((call) -> call[1] == port)
				.mapToLong((call) -> call[0] - after)
				.max()
				.orElse(0));
		}

		int failures() {
			return this.failed.size();
		}

		/**
		 * When the oldest call still under way started, so a test can wait for the calls a fault caught.
		 */
		long oldestInFlight() {
			long now = System.nanoTime();
			return this.inFlight.values().stream().reduce(now, (a, b) -> (a - b < 0) ? a : b);
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.executor.shutdown();
			this.executor.awaitTermination(10, TimeUnit.SECONDS);
		}

	}

}
