package dev.poolwise.autosize;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.holders.HolderTracking;
import dev.poolwise.login.LoginRecordingDataSource;
import dev.poolwise.pool.ConnectionBirths;
import dev.poolwise.pool.PoolSettings;
import dev.poolwise.test.Load;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances of one application, each an autosized pool with the defaults and a claim of its own, on a
 * server of their own with {@code max_connections=60} (57 slots for ordinary roles), and the load moving: the
 * first busy alone (50 callers) until it holds most of the budget, then the second busy too (50 callers), then the
 * first idle while the second stays busy. The guaranteed share, (57 - 4 side connections open - 3 slots kept for
 * side connections that come and go - 3 floors of 2) / 3 + 2 = 16, is far enough above the floor that growing
 * toward it a step at a time would take longer than the bound. The server is sampled every 20ms over a superuser
 * connection, itself one of the 57. No login may be refused for want of slots: not the pools', and not a side
 * connection's, such as the one a pool that runs dry opens to read who holds its connections.
 */
@ExtendWith(OutputCaptureExtension.class)
class AutosizeFleetTests {

	private static final int MAX_CONNECTIONS = 60;

	private static final int USABLE = MAX_CONNECTIONS - 3;

	private static final String APPLICATION = "fleet-moving";

	private static final PoolSettings.Autosize DEFAULTS = new PoolSettings.Autosize(true, Duration.ofSeconds(1), 2,
			0.3, Duration.ofMillis(2), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(5));

	private static final Pattern GUARANTEED = Pattern.compile("guaranteed (\\d+)");

	private static final String WORK = "SELECT pg_sleep(0.02)";

	private static EmbeddedPostgres server;

	@BeforeAll
	static void startSmallServer() throws IOException {
		server = EmbeddedPostgres.builder().setServerConfig("max_connections", Integer.toString(MAX_CONNECTIONS)).start();
	}

	@AfterAll
	static void stopSmallServer() throws IOException {
		server.close();
	}

	@Test
	void aBusyInstanceGivesAnotherItsGuaranteedShareWithinSecondsLendsTheRestWhenIdleAndTheFleetNeverExceedsTheBudget(
			CapturedOutput output) throws Exception {
		moveLoad("poolwise_fleet_moving_stats", true, output);
	}

	@Test
	void theFleetStaysInsideTheBudgetAndResplitsWhenItsRoleCannotSeeOtherRolesSessions(CapturedOutput output)
			throws Exception {
		moveLoad("poolwise_fleet_moving_blind", false, output);
	}

	private void moveLoad(String role, boolean readAllStats, CapturedOutput output) throws Exception {
		try (Connection admin = admin("fleet-moving-admin"); Statement statement = admin.createStatement()) {
			statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + PostgresServer.PASSWORD + "'");
			if (readAllStats) {
				statement.execute("GRANT pg_read_all_stats TO " + role);
			}
		}
		AtomicInteger refused = new AtomicInteger();
		List<Member> fleet = new ArrayList<>();
		try (Sampler sampler = Sampler.start()) {
			try {
				for (String name : List.of("a", "b", "c")) {
					fleet.add(Member.start(role, name, refused));
				}
				Member busy = fleet.get(0);
				Member receiving = fleet.get(1);
				try (Load first = Load.start(busy.pool, 50, WORK)) {
					await().atMost(Duration.ofSeconds(60)).until(() -> open(busy) >= 40);
					try (Load second = Load.start(receiving.pool, 50, WORK)) {
						// its maximum within a few ticks (one step a tick took 12 s); then as fast as Hikari opens
						await().atMost(Duration.ofSeconds(6)).untilAsserted(() -> assertThat(receiving.guaranteed())
							.as(receiving::describe)
							.isPositive()
							.isLessThanOrEqualTo(receiving.pool.getMaximumPoolSize()));
						await().atMost(Duration.ofSeconds(20)).untilAsserted(
								() -> assertThat(open(receiving)).as(receiving::describe)
									.isGreaterThanOrEqualTo(receiving.guaranteed()));
						first.close();
						// the first instance idles: what it held beyond its guarantee is lent to the one that waits
						await().atMost(Duration.ofSeconds(20)).untilAsserted(
								() -> assertThat(open(receiving)).as(receiving::describe).isGreaterThanOrEqualTo(35));
					}
				}
			}
			finally {
				fleet.forEach(Member::close);
			}
			assertThat(sampler.samples()).as("samples of pg_stat_activity").isGreaterThan(100);
			assertThat(sampler.most()).as("client sessions on the server, most sampled").isLessThanOrEqualTo(USABLE);
		}
		assertThat(refused).as("logins the server refused for want of slots (53300)").hasValue(0);
		assertThat(output).as("any login refused for want of slots, side connections' too")
			.doesNotContain("remaining connection slots")
			.doesNotContain("too many clients")
			.doesNotContain("53300");
	}

	private static int open(Member member) {
		return member.pool.getHikariPoolMXBean().getTotalConnections();
	}

	private static Connection admin(String applicationName) throws SQLException {
		Connection connection = server.getPostgresDatabase().getConnection();
		connection.setClientInfo("ApplicationName", applicationName);
		return connection;
	}

	/**
	 * One instance: a pool of the application, size 2 and ceiling {@value #USABLE}, prepared as the starter
	 * prepares it, and its autosizer with a claim id of its own.
	 */
	private record Member(HikariDataSource pool, PoolAutosizer autosizer) {

		static Member start(String role, String name, AtomicInteger refused) throws SQLException {
			HikariDataSource pool = new HikariDataSource();
			pool.setPoolName("fleet-" + name);
			pool.setJdbcUrl(server.getJdbcUrl("postgres", "postgres"));
			pool.setUsername(role);
			pool.setPassword(PostgresServer.PASSWORD);
			pool.setMinimumIdle(2);
			pool.setMaximumPoolSize(USABLE);
			pool.setConnectionTimeout(2000);
			pool.addDataSourceProperty("ApplicationName", APPLICATION);
			var logins = LoginRecordingDataSource.install(pool, new ConnectionBirths(), (ex) -> {
				if ("53300".equals(ex.getSQLState())) {
					refused.incrementAndGet();
				}
				return ex;
			});
			HolderTracking.install(pool);
			pool.getConnection().close();
			PoolAutosizer autosizer = new PoolAutosizer(pool, "dataSource", USABLE, DEFAULTS, "jvm-" + name + ":dataSource",
					1, new SimpleMeterRegistry(), logins);
			autosizer.start();
			return new Member(pool, autosizer);
		}

		int guaranteed() {
			String share = this.autosizer.state().share();
			Matcher matcher = GUARANTEED.matcher((share != null) ? share : "");
			return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
		}

		/**
		 * What the instance holds and what its autosizer decided, newest first, for a failure to say.
		 */
		String describe() {
			AutosizeState state = this.autosizer.state();
			return "instance " + this.pool.getPoolName() + ": max " + state.target() + ", open " + open(this) + ", "
					+ state.share() + "; decisions " + state.decisions();
		}

		void close() {
			this.autosizer.stop();
			this.pool.close();
		}

	}

	/**
	 * Counts the client sessions on the server every 20ms until closed.
	 */
	private static final class Sampler implements AutoCloseable {

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final AtomicInteger most = new AtomicInteger();

		private final AtomicLong samples = new AtomicLong();

		private final Thread thread;

		private Sampler(Connection connection) {
			this.thread = new Thread(() -> sample(connection), "fleet-sampler");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		static Sampler start() throws SQLException {
			return new Sampler(admin("fleet-moving-sampler"));
		}

		private void sample(Connection connection) {
			try (connection; PreparedStatement statement = connection
				.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")) {
				while (this.running.get()) {
					try (ResultSet row = statement.executeQuery()) {
						row.next();
						this.most.accumulateAndGet(row.getInt(1), Math::max);
						this.samples.incrementAndGet();
					}
					Thread.sleep(20);
				}
			}
			catch (SQLException | InterruptedException ex) {
				this.most.set(Integer.MAX_VALUE);
			}
		}

		int most() {
			return this.most.get();
		}

		long samples() {
			return this.samples.get();
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.thread.join(5000);
		}

	}

}
