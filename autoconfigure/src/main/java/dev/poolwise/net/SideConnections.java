package dev.poolwise.net;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * Physical connections to a pool's server that go around the pool. Whatever Poolwise needs from the server
 * (the startup check, the statistics sampler, the endpoint) must never wait for, or take, a connection the
 * application needs, so it opens its own with the pool's URL, credentials and driver properties. The pool's
 * session {@code options} are left out: they belong to the application's sessions, and a bad one must not
 * hide the server's state.
 */
public final class SideConnections {

	private SideConnections() {
	}

	/**
	 * Opens a connection exactly as the pool would, less its session options.
	 * @param pool the pool whose server to reach
	 * @return a new autocommit connection
	 * @throws SQLException if the server cannot be reached
	 */
	public static Connection open(HikariDataSource pool) throws SQLException {
		return new Driver().connect(pool.getJdbcUrl(), properties(pool));
	}

	/**
	 * Opens a connection for a bounded read: it carries its own application name, so it is told apart from
	 * the application's sessions in {@code pg_stat_activity}, and every statement is cancelled by the server
	 * after {@code timeout}; the socket gives up a little later in case the server stops answering at all.
	 * @param pool the pool whose server to reach
	 * @param applicationName the name the connection shows in {@code pg_stat_activity}
	 * @param timeout longest a statement may run, in whole seconds of at least 1
	 * @return a new autocommit connection
	 * @throws SQLException if the server cannot be reached
	 */
	public static Connection open(HikariDataSource pool, String applicationName, Duration timeout)
			throws SQLException {
		Properties info = properties(pool);
		PGProperty.APPLICATION_NAME.set(info, applicationName);
		PGProperty.SOCKET_TIMEOUT.set(info, (int) timeout.toSeconds() * 3);
		Connection connection = new Driver().connect(pool.getJdbcUrl(), info);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET statement_timeout = " + timeout.toMillis());
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

	private static Properties properties(HikariDataSource pool) {
		Properties info = new Properties();
		info.putAll(pool.getDataSourceProperties());
		info.remove(PGProperty.OPTIONS.getName());
		if (pool.getUsername() != null) {
			info.setProperty("user", pool.getUsername());
		}
		if (pool.getPassword() != null) {
			info.setProperty("password", pool.getPassword());
		}
		return info;
	}

}
