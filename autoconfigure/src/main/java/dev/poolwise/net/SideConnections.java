package dev.poolwise.net;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import dev.poolwise.autoconfigure.DirectConnections;

/**
 * Bounded connections to a pool's server that go around the pool. The statistics sampler and the endpoint
 * must never wait for, or take, a connection the application needs, so they open their own with the pool's
 * URL, credentials and driver properties ({@link DirectConnections}), without its session options.
 */
public final class SideConnections {

	private static final String NAME_AND_TIMEOUT = "SELECT set_config('application_name', ?, false), "
			+ "set_config('statement_timeout', ?, false)";

	private SideConnections() {
	}

	/**
	 * Opens a connection for a bounded read. It names itself, so it is told apart from the application's
	 * sessions in {@code pg_stat_activity} even when the URL sets an ApplicationName; the server cancels
	 * each statement after {@code timeout}, and the socket gives up a little later in case the server stops
	 * answering at all.
	 * @param pool the pool whose server to reach
	 * @param applicationName the name the connection shows in {@code pg_stat_activity}
	 * @param timeout longest a statement may run, in whole seconds of at least 1
	 * @return a new autocommit connection
	 * @throws SQLException if the server cannot be reached
	 */
	public static Connection open(HikariDataSource pool, String applicationName, Duration timeout)
			throws SQLException {
		Properties info = DirectConnections.properties(pool);
		PGProperty.SOCKET_TIMEOUT.set(info, (int) timeout.toSeconds() * 3);
		Connection connection = new Driver().connect(pool.getJdbcUrl(), info);
		try (PreparedStatement statement = connection.prepareStatement(NAME_AND_TIMEOUT)) {
			statement.setString(1, applicationName);
			statement.setString(2, Long.toString(timeout.toMillis()));
			statement.execute();
			return connection;
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
	}

	/**
	 * The {@code application_name} the pool's sessions carry on the server: the URL's parameter, else the
	 * pool's driver property, else pgjdbc's default.
	 * @param pool the pool
	 * @return the application name
	 */
	public static String applicationName(HikariDataSource pool) {
		Properties merged = Driver.parseURL(pool.getJdbcUrl(), pool.getDataSourceProperties());
		return PGProperty.APPLICATION_NAME.getOrDefault((merged != null) ? merged : pool.getDataSourceProperties());
	}

}
