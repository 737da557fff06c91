package dev.poolwise.failover;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.FaultProxy;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.test.ReplicatedServers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Primary failover under a write load, against a real primary and a synchronous hot standby: the pool
 * follows the primary within a bound, stale connections cost at most one failed call each, and no write is
 * lost, doubled or accepted by the old primary.
 */
class PrimaryFailoverTests {

	private static final int SIZE = 4;

	private static final int THREADS = 4;

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	/**
	 * From the first failed call to the first write on the new primary, the promotion included.
	 */
	private static final Duration WINDOW = Duration.ofSeconds(10);

	/**
	 * How long the test without Poolwise watches every write fail.
	 */
	private static final Duration OBSERVED = Duration.ofSeconds(5);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues("spring.datasource.username=postgres",
				"spring.datasource.password=" + PostgresServer.PASSWORD, "db.pool.size=" + SIZE, "db.pool.overflow=0",
				"db.pool.timeout=" + TIMEOUT.toMillis() + "ms", "db.pool.application-name=failover");

	@Test
	void writesMoveToThePromotedStandbyWhenThePrimaryStopsFast() throws SQLException {
		primaryStopsAndStandbyIsPromoted("fast");
	}

	@Test
	void writesMoveToThePromotedStandbyWhenThePrimaryStopsImmediately() throws SQLException {
		primaryStopsAndStandbyIsPromoted("immediate");
	}

	private void primaryStopsAndStandbyIsPromoted(String mode) throws SQLException {
		try (ReplicatedServers servers = ReplicatedServers.start()) {
			createTable(servers);
			this.contextRunner.withPropertyValues("spring.datasource.url=" + servers.bothUrl("targetServerType=primary"))
				.run((context) -> {
					WriteLoad load = WriteLoad.start(context.getBean(HikariDataSource.class), THREADS);
					try (load) {
						await().atMost(Duration.ofSeconds(10)).until(() -> load.successesStartedAfter(0) >= 50);
						servers.stopPrimary(mode);
						servers.promoteStandby();
						long promoted = System.nanoTime();
						await().atMost(WINDOW).until(() -> load.successesStartedAfter(promoted) >= 20);
					}
					WriteLoad.Summary summary = load.summary("stop -m " + mode + " and promote");
					assertThat(summary.window()).isLessThanOrEqualTo(WINDOW);
					assertThat(summary.stale()).isLessThanOrEqualTo(SIZE + THREADS);
					assertEveryAcknowledgedWriteOnceOnTheNewPrimary(servers, load);
				});
		}
	}

	@Test
	void writesFollowAHostNameMovedToThePromotedStandbyWhileTheOldPrimaryStaysUpReadOnly() throws SQLException {
		try (ReplicatedServers servers = ReplicatedServers.start();
				FaultProxy hostName = FaultProxy.inFrontOf(servers.primaryUrl(""))) {
			createTable(servers);
			this.contextRunner.withPropertyValues("spring.datasource.url=" + hostName.jdbcUrl() + "?targetServerType=primary")
				.run((context) -> {
					WriteLoad load = WriteLoad.start(context.getBean(HikariDataSource.class), THREADS);
					try (load) {
						await().atMost(Duration.ofSeconds(10)).until(() -> load.successesStartedAfter(0) >= 50);
						long moved = moveHostName(servers, hostName);
						await().atMost(WINDOW).until(() -> load.successesStartedAfter(moved) >= 20);
					}
					WriteLoad.Summary summary = load.summary("host name moved, old primary read-only");
					assertThat(summary.window()).isLessThanOrEqualTo(WINDOW);
					assertThat(summary.stale()).isLessThanOrEqualTo(SIZE + THREADS);
					assertThat(summary.states()).containsKey("25006");
					assertEveryAcknowledgedWriteOnceOnTheNewPrimary(servers, load);
					assertThat(ids(servers.connectStandby())).as("rows accepted by the read-only old primary")
						.containsAll(ids(servers.connectPrimary()));
				});
		}
	}

	/**
	 * A switchover as DNS and cloud endpoints do it: fence the old primary read-only (it stays up), promote
	 * the standby, then point the name at it. Connections already open stay on the old primary.
	 * @return when the name pointed at the new primary
	 */
	private static long moveHostName(ReplicatedServers servers, FaultProxy hostName) throws SQLException {
		servers.fencePrimary();
		servers.promoteStandby();
		hostName.retarget(servers.standbyPort());
		return System.nanoTime();
	}

	private static void createTable(ReplicatedServers servers) throws SQLException {
		try (Connection connection = servers.connectPrimary(); Statement statement = connection.createStatement()) {
			statement.execute(WriteLoad.TABLE);
		}
	}

	/**
	 * Every write a caller was told succeeded is on the new primary, once; nothing is there that was not
	 * attempted. A failed call's row may be there: a commit can reach the standby before the connection
	 * that sent it dies.
	 */
	private static void assertEveryAcknowledgedWriteOnceOnTheNewPrimary(ReplicatedServers servers, WriteLoad load)
			throws SQLException {
		List<Long> rows = ids(servers.connectStandby());
		assertThat(rows).doesNotHaveDuplicates();
		assertThat(rows).containsAll(load.succeeded());
		assertThat(load.attempted()).containsAll(rows);
	}

	private static List<Long> ids(Connection connection) throws SQLException {
		List<Long> ids = new ArrayList<>();
		try (connection; Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id FROM writes")) {
			while (rows.next()) {
				ids.add(rows.getLong(1));
			}
		}
		return ids;
	}

}
