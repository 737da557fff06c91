package dev.poolwise.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.jdbc.PgConnection;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.poolwise.autoconfigure.PoolwiseAutoConfiguration;
import dev.poolwise.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What one borrower leaves on a pooled session never reaches the next borrower of the same connection: a pool
 * of one, so both borrowers get the same server session, against the real server.
 */
@ExtendWith(OutputCaptureExtension.class)
class SessionStateTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PoolwiseAutoConfiguration.class))
		.withPropertyValues(PostgresServer.datasourceProperties())
		.withPropertyValues("db.pool.size=1", "db.pool.overflow=0", "db.pool.session.statement-timeout=7s");

	@Test
	void aSearchPathSetByOneBorrowerIsRestoredBeforeTheNext(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			DataSource pool = context.getBean(DataSource.class);
			String before = show(pool, "search_path");
			int pid = leave(pool, "SET search_path TO pg_catalog");
			assertThat(sameSession(pool, pid)).isTrue();
			assertThat(show(pool, "search_path")).isEqualTo(before);
			assertThat(show(pool, "statement_timeout")).isEqualTo("7s");
			assertThat(output).contains("returned a connection that ran a "
					+ "session setting (SET, RESET, set_config or SET ROLE), which outlives the transaction; Poolwise "
					+ "put the settings and the role back as the pool set them up before the next borrower got it. To keep it from the pool, "
					+ "use SET LOCAL");
		});
	}

	@Test
	void aSettingChangedThroughAPreparedSetConfigIsRestoredToo() {
		this.contextRunner.run((context) -> {
			DataSource pool = context.getBean(DataSource.class);
			int pid;
			try (Connection connection = pool.getConnection();
					PreparedStatement statement = connection.prepareStatement("SELECT set_config('app.tenant', ?, false)")) {
				statement.setString(1, "tenant-a");
				statement.executeQuery().close();
				pid = connection.unwrap(PgConnection.class).getBackendPID();
			}
			assertThat(sameSession(pool, pid)).isTrue();
			assertThat(query(pool, "SELECT coalesce(current_setting('app.tenant', true), '')")).isEmpty();
		});
	}

	@Test
	void aRoleSetByOneBorrowerIsResetBeforeTheNext() {
		this.contextRunner.run((context) -> {
			DataSource pool = context.getBean(DataSource.class);
			try (Connection connection = PostgresServer.connect(); Statement statement = connection.createStatement()) {
				statement.execute("DO $$ BEGIN CREATE ROLE poolwise_reporting; EXCEPTION WHEN duplicate_object THEN "
						+ "NULL; END $$");
			}
			String user = query(pool, "SELECT current_user");
			int pid = leave(pool, "SET ROLE poolwise_reporting");
			assertThat(sameSession(pool, pid)).isTrue();
			assertThat(query(pool, "SELECT current_user")).isEqualTo(user);
		});
	}

	@Test
	void aListenAnAdvisoryLockATemporaryTableAPrepareAndAHeldCursorAreUndoneBeforeTheNextBorrower(
			CapturedOutput output) {
		this.contextRunner.run((context) -> {
			DataSource pool = context.getBean(DataSource.class);
			int pid = leave(pool, "LISTEN poolwise_orders", "SELECT pg_advisory_lock(4242)",
					"CREATE TEMP TABLE poolwise_staging (id int)", "PREPARE poolwise_find AS SELECT 1",
					"BEGIN", "DECLARE poolwise_held CURSOR WITH HOLD FOR SELECT 1", "COMMIT");
			assertThat(sameSession(pool, pid)).isTrue();
			assertThat(query(pool, "SELECT count(*) FROM pg_listening_channels()")).isEqualTo("0");
			assertThat(query(pool, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = "
					+ "pg_backend_pid()")).isEqualTo("0");
			assertThat(query(pool, "SELECT coalesce(to_regclass('pg_temp.poolwise_staging')::text, 'gone')"))
				.isEqualTo("gone");
			assertThat(query(pool, "SELECT count(*) FROM pg_prepared_statements WHERE from_sql")).isEqualTo("0");
			assertThat(query(pool, "SELECT count(*) FROM pg_cursors WHERE is_holdable")).isEqualTo("0");
			assertThat(output).contains("ran LISTEN", "ran a session advisory lock", "ran a temporary table",
					"ran an SQL PREPARE", "ran a cursor WITH HOLD");
		});
	}

	@Test
	void theDriversOwnPreparedStatementsKeepWorkingAfterAnSqlPrepareIsUndone() {
		this.contextRunner.run((context) -> {
			DataSource pool = context.getBean(DataSource.class);
			for (int round = 0; round < 3; round++) {
				try (Connection connection = pool.getConnection();
						PreparedStatement statement = connection.prepareStatement("SELECT ?::int + 1")) {
					for (int i = 0; i < 8; i++) {
						statement.setInt(1, i);
						try (ResultSet row = statement.executeQuery()) {
							row.next();
							assertThat(row.getInt(1)).isEqualTo(i + 1);
						}
					}
				}
				leave(pool, "PREPARE poolwise_again_" + round + " AS SELECT 1");
			}
		});
	}

	@Test
	void theConnectionInitSqlIsTheSessionsStartAndIsKept() {
		this.contextRunner
			.withPropertyValues("spring.datasource.hikari.connection-init-sql=SET search_path TO pg_catalog, public")
			.run((context) -> {
				DataSource pool = context.getBean(DataSource.class);
				assertThat(show(pool, "search_path")).isEqualTo("pg_catalog, public");
				int pid = leave(pool, "SET search_path TO public");
				assertThat(sameSession(pool, pid)).isTrue();
				assertThat(show(pool, "search_path")).isEqualTo("pg_catalog, public");
			});
	}

	@Test
	void aBorrowerThatChangesNothingLeavesNothingToUndo(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			DataSource pool = context.getBean(DataSource.class);
			int pid = leave(pool, "SELECT 1", "CREATE TABLE IF NOT EXISTS poolwise_kept (id int)");
			assertThat(sameSession(pool, pid)).isTrue();
			assertThat(output).doesNotContain("returned a connection that ran");
		});
	}

	@Test
	void whatABorrowerSetsOnlyForItsTransactionIsNotMadeSessionWideByThePuttingRight() {
		this.contextRunner.run((context) -> {
			DataSource pool = context.getBean(DataSource.class);
			int pid;
			try (Connection connection = pool.getConnection()) {
				connection.setAutoCommit(false);
				try (Statement statement = connection.createStatement()) {
					statement.execute("SET LOCAL statement_timeout = '1s'");
					statement.execute("SELECT set_config('app.tenant', 'tenant-a', false)");
				}
				connection.commit();
				pid = connection.unwrap(PgConnection.class).getBackendPID();
			}
			assertThat(sameSession(pool, pid)).isTrue();
			assertThat(show(pool, "statement_timeout")).isEqualTo("7s");
			assertThat(query(pool, "SELECT coalesce(current_setting('app.tenant', true), '')")).isEmpty();
		});
	}

	@Test
	void aClearWarningsWhileTheConnectionIsLentUndoesNothingTheBorrowerStillUses() {
		this.contextRunner.run((context) -> {
			DataSource pool = context.getBean(DataSource.class);
			String before = show(pool, "search_path");
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("/* tenant */ SET search_path TO pg_catalog");
				connection.clearWarnings();
				try (ResultSet row = statement.executeQuery("SHOW search_path")) {
					row.next();
					assertThat(row.getString(1)).isEqualTo("pg_catalog");
				}
			}
			assertThat(show(pool, "search_path")).isEqualTo(before);
		});
	}

	@Test
	void aSettingWhoseNameIsBoundAsAParameterGetsTheConnectionReplaced() {
		this.contextRunner.run((context) -> {
			DataSource pool = context.getBean(DataSource.class);
			int pid;
			Connection connection = pool.getConnection();
			try (PreparedStatement statement = connection.prepareStatement("SELECT set_config(?, ?, false)")) {
				statement.setString(1, "app.tenant");
				statement.setString(2, "tenant-a");
				statement.executeQuery().close();
				pid = connection.unwrap(PgConnection.class).getBackendPID();
			}
			assertThatExceptionOfType(SQLException.class).isThrownBy(connection::close)
				.withMessageContaining("cannot be put back");
			assertThat(sameSession(pool, pid)).isFalse();
			assertThat(query(pool, "SELECT coalesce(current_setting('app.tenant', true), '')")).isEmpty();
		});
	}

	/**
	 * Runs the statements on a borrowed connection and returns it.
	 * @return the session's backend pid
	 */
	private static int leave(DataSource pool, String... statements) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
			return connection.unwrap(PgConnection.class).getBackendPID();
		}
	}

	private static boolean sameSession(DataSource pool, int pid) throws SQLException {
		try (Connection connection = pool.getConnection()) {
			return connection.unwrap(PgConnection.class).getBackendPID() == pid;
		}
	}

	private static String show(DataSource pool, String setting) throws SQLException {
		return query(pool, "SHOW " + setting);
	}

	private static String query(DataSource pool, String sql) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery(sql)) {
			row.next();
			return row.getString(1);
		}
	}

}
