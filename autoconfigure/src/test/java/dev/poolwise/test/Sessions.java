package dev.poolwise.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One application's sessions as the server sees them in {@code pg_stat_activity}, found by
 * {@code application_name} and read over a side connection outside any pool: what the pool holds, what it
 * runs, and a way to end sessions from the outside as an administrator or a failover would.
 */
public final class Sessions {

	private static final String PIDS = "SELECT pid FROM pg_stat_activity WHERE application_name = ? ORDER BY pid";

	private static final String BUSY = "SELECT count(*) FROM pg_stat_activity WHERE application_name = ? "
			+ "AND (state <> 'idle' OR state_change > now() - make_interval(secs => ?))";

	private static final String RUNNING = "SELECT pid FROM pg_stat_activity WHERE application_name = ? "
			+ "AND state = 'active' AND query LIKE ? LIMIT 1";

	private static final String OLDEST = "SELECT coalesce(extract(epoch FROM max(now() - backend_start)), 0) * 1000 "
			+ "FROM pg_stat_activity WHERE application_name = ?";

	private static final String TERMINATE = "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
			+ "FROM pg_stat_activity WHERE application_name = ?";

	private final Server server;

	private final String applicationName;

	public Sessions(Server server, String applicationName) {
		this.server = server;
		this.applicationName = applicationName;
	}

	/**
	 * Sessions of an application on the shared {@link PostgresServer}.
	 * @param applicationName the pool's {@code db.pool.application-name}
	 * @return the view
	 */
	public static Sessions on(String applicationName) {
		return new Sessions(PostgresServer::connect, applicationName);
	}

	/**
	 * A session that began a transaction and then did nothing, holding it open until closed.
	 * @param applicationName the application_name it shows
	 * @return the open session
	 * @throws SQLException if the server refuses
	 */
	public static Connection idleInTransaction(String applicationName) throws SQLException {
		Connection connection = PostgresServer.connect();
		connection.setClientInfo("ApplicationName", applicationName);
		connection.setAutoCommit(false);
		execute(connection, "SELECT 1");
		return connection;
	}

	/**
	 * Runs one statement and discards any result.
	 * @param connection where to run it
	 * @param sql the statement
	 * @throws SQLException if it fails
	 */
	public static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * Backend process ids of the application's sessions.
	 * @return the pids in ascending order
	 */
	public List<Integer> pids() {
		return query(PIDS, (statement) -> {
			List<Integer> pids = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					pids.add(rows.getInt(1));
				}
			}
			return pids;
		});
	}

	/**
	 * Whether every session has been idle, outside a transaction, for at least the given time; Hikari
	 * validates a connection on borrow only after it has been idle for a while.
	 * @param idle the idle time
	 * @return true if so
	 */
	public boolean allIdleFor(Duration idle) {
		return query(BUSY, (statement) -> {
			statement.setDouble(2, idle.toMillis() / 1000.0);
			return single(statement) == 0;
		});
	}

	/**
	 * The session running a statement that starts with the given text.
	 * @param statementStart e.g. {@code SELECT pg_sleep}
	 * @return its pid, or null if no session runs it now
	 */
	public Integer running(String statementStart) {
		return query(RUNNING, (statement) -> {
			statement.setString(2, statementStart + "%");
			try (ResultSet row = statement.executeQuery()) {
				return row.next() ? row.getInt(1) : null;
			}
		});
	}

	/**
	 * Age of the oldest session.
	 * @return time since its backend started, zero without sessions
	 */
	public Duration oldest() {
		return query(OLDEST, (statement) -> Duration.ofMillis(single(statement)));
	}

	/**
	 * Ends every session of the application with {@code pg_terminate_backend}, as an administrator would.
	 * @return the sessions signalled
	 */
	public int terminateAll() {
		return query(TERMINATE, (statement) -> (int) single(statement));
	}

	/**
	 * Ends one session with {@code pg_terminate_backend}.
	 * @param pid its backend pid
	 */
	public void terminate(int pid) {
		try (Connection connection = this.server.connect();
				PreparedStatement statement = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
			statement.setInt(1, pid);
			statement.execute();
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not terminate backend " + pid, ex);
		}
	}

	private <T> T query(String sql, Query<T> query) {
		try (Connection connection = this.server.connect();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, this.applicationName);
			return query.run(statement);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read pg_stat_activity", ex);
		}
	}

	private static long single(PreparedStatement statement) throws SQLException {
		try (ResultSet row = statement.executeQuery()) {
			row.next();
			return row.getLong(1);
		}
	}

	/**
	 * Opens side connections to the server that holds the sessions.
	 */
	@FunctionalInterface
	public interface Server {

		Connection connect() throws SQLException;

	}

	@FunctionalInterface
	private interface Query<T> {

		T run(PreparedStatement statement) throws SQLException;

	}

}
