package dev.poolwise.pgbouncer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.TestAbortedException;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.PgBouncerServer;
import dev.poolwise.test.PostgresServer;
import dev.poolwise.tuned.TunedPools;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-side prepared statements behind PgBouncer: kept where the PgBouncer in front routes them (1.24.1,
 * built from Debian trixie's source), off where it does not (bookworm's 1.18, or 1.24.1 with
 * {@code max_prepared_statements = 0}), decided at startup by a probe and said in one line.
 */
@ExtendWith(OutputCaptureExtension.class)
class PgBouncerPreparedStatementsTests {

	private static final int THREADS = 8;

	private static final int STATEMENTS = 40;

	private static PgBouncerServer recent;

	private static PgBouncerServer recentWithoutRouting;

	private static PgBouncerServer debian;

	private static TestAbortedException missing;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues("spring.datasource.username=" + PostgresServer.username(), "db.pool.pgbouncer.enabled=true",
				"db.pool.size=2", "db.pool.overflow=6", "db.pool.timeout=5s");

	/**
	 * Without a binary every test is skipped with the command that installs it, one by one, so the report
	 * counts them; in CI the start fails them all instead. 1.24.1 routes at most 10 statements per server
	 * connection here, fewer than the statements the load uses, so its own eviction is exercised too.
	 */
	@BeforeAll
	static void startPgBouncers() {
		try {
			debian = PgBouncerServer.start(2);
			recent = PgBouncerServer.startRecent(2, "max_prepared_statements = 10");
			recentWithoutRouting = PgBouncerServer.startRecent(2, "max_prepared_statements = 0");
		}
		catch (TestAbortedException ex) {
			missing = ex;
		}
	}

	@AfterAll
	static void stopPgBouncers() {
		for (PgBouncerServer server : new PgBouncerServer[] { debian, recent, recentWithoutRouting }) {
			if (server != null) {
				server.close();
			}
		}
	}

	private static String url(PgBouncerServer server) {
		if (missing != null) {
			throw missing;
		}
		return "spring.datasource.url=" + server.jdbcUrl("postgres");
	}

	@Test
	void aPgBouncerThatRoutesPreparedStatementsKeepsThemAndNoCallFails(CapturedOutput output) {
		this.contextRunner.withPropertyValues(url(recent)).run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getDataSourceProperties()).doesNotContainKey("prepareThreshold");
			assertThat(context.getBean(TunedPools.class).get("dataSource").tuning().driverProperties())
				.doesNotContainKey("prepareThreshold");
			assertThat(output).contains("Pool 'dataSource' behind PgBouncer: server-side prepared statements kept: "
					+ "PgBouncer prepared the probe's statement as PGBOUNCER_");
			assertThat(concurrentPreparedStatementFailures(pool)).isZero();
			assertThat(usesServerPreparedStatements(pool)).isTrue();
		});
	}

	@Test
	void aPgBouncerThatPassesPreparedStatementsThroughGetsThemOffAndNoCallFails(CapturedOutput output) {
		this.contextRunner.withPropertyValues(url(debian)).run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getDataSourceProperties()).containsEntry("prepareThreshold", "0");
			assertThat(output).contains("Pool 'dataSource' behind PgBouncer: server-side prepared statements off "
					+ "(prepareThreshold=0): PgBouncer passed the probe's statement through as S_")
				.contains("db.pool.pgbouncer.prepared-statements=true keeps them anyway");
			assertThat(concurrentPreparedStatementFailures(pool)).isZero();
			assertThat(usesServerPreparedStatements(pool)).isFalse();
		});
	}

	@Test
	void theProbeLeavesNoStatementBehindForTheNextClient() {
		this.contextRunner.withPropertyValues(url(debian), "db.pool.pgbouncer.prepared-statements=true")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
						ResultSet left = statement.executeQuery("SELECT count(*) FROM pg_prepared_statements")) {
					left.next();
					assertThat(left.getInt(1)).isZero();
				}
			});
	}

	@Test
	void withMaxPreparedStatementsAtZeroARecentPgBouncerGetsThemOff(CapturedOutput output) {
		this.contextRunner.withPropertyValues(url(recentWithoutRouting)).run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(pool.getDataSourceProperties()).containsEntry("prepareThreshold", "0");
			assertThat(output).contains("passed the probe's statement through as S_");
			assertThat(concurrentPreparedStatementFailures(pool)).isZero();
		});
	}

	@Test
	void theKeyOverridesTheProbe(CapturedOutput output) {
		this.contextRunner.withPropertyValues(url(recent), "db.pool.pgbouncer.prepared-statements=false")
			.run((context) -> {
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(pool.getDataSourceProperties()).containsEntry("prepareThreshold", "0");
				assertThat(output).contains("server-side prepared statements off (prepareThreshold=0), as "
						+ "db.pool.pgbouncer.prepared-statements says")
					.doesNotContain("probe's statement");
			});
	}

	@Test
	void theUsersOwnPrepareThresholdWinsOverTheProbe() {
		this.contextRunner
			.withPropertyValues(url(debian), "spring.datasource.hikari.data-source-properties.prepareThreshold=3")
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getDataSourceProperties())
				.containsEntry("prepareThreshold", "3"));
	}

	@Test
	void deallocateAllAndDiscardAllThroughARoutingPgBouncerBreakNoLaterCall() {
		this.contextRunner.withPropertyValues(url(recent)).run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			assertThat(concurrentPreparedStatementFailures(pool)).isZero();
			for (String reset : List.of("DEALLOCATE ALL", "DISCARD ALL")) {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
					statement.execute(reset);
				}
				assertThat(concurrentPreparedStatementFailures(pool)).as(reset).isZero();
			}
		});
	}

	@Test
	void theApplicationNameFollowsEachTransactionToItsServerConnection() {
		this.contextRunner.withPropertyValues(url(recent), "spring.application.name=orders").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			for (int i = 0; i < 4; i++) {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
						ResultSet row = statement.executeQuery("SELECT current_setting('application_name')")) {
					row.next();
					assertThat(row.getString(1)).isEqualTo("orders");
				}
			}
		});
	}

	/**
	 * Whether a statement executed often enough inside one transaction runs as a named server-side statement,
	 * as the server lists it in the same transaction.
	 */
	private static boolean usesServerPreparedStatements(HikariDataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement statement = connection.prepareStatement("SELECT ?::int * 2")) {
				for (int i = 0; i < 6; i++) {
					statement.setInt(1, i);
					statement.executeQuery().close();
				}
			}
			try (Statement statement = connection.createStatement(); ResultSet named = statement.executeQuery(
					"SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::int * 2'")) {
				named.next();
				return named.getInt(1) > 0;
			}
			finally {
				connection.rollback();
			}
		}
	}

	/**
	 * Eight threads, each cycling through forty distinct prepared statements five times on whatever
	 * connection it borrows, one transaction each.
	 * @return the number of failed or wrong executions
	 */
	private static int concurrentPreparedStatementFailures(HikariDataSource pool) throws Exception {
		AtomicInteger failures = new AtomicInteger();
		ExecutorService workers = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int worker = 0; worker < THREADS; worker++) {
				runs.add(workers.submit(() -> repeatPrepared(pool, failures)));
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

	private static void repeatPrepared(HikariDataSource pool, AtomicInteger failures) {
		for (int i = 0; i < 5 * STATEMENTS; i++) {
			int variant = i % STATEMENTS;
			try (Connection connection = pool.getConnection();
					PreparedStatement statement = connection.prepareStatement("SELECT ?::int + " + variant)) {
				statement.setInt(1, i);
				try (ResultSet row = statement.executeQuery()) {
					row.next();
					if (row.getInt(1) != i + variant) {
						failures.incrementAndGet();
					}
				}
			}
			catch (SQLException ex) {
				failures.incrementAndGet();
			}
		}
	}

}
