package dev.poolwise.net;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.util.DriverInfo;

import dev.poolwise.pool.JdbcUrls;
import dev.poolwise.pool.PoolCredentials;

/**
 * The one recipe for physical connections that go around a pool: the startup check, the health probe, the
 * statistics sampler and the endpoint must never wait for, or take, a connection the application needs.
 * Each uses the pool's URL, current credentials ({@link PoolCredentials}) and driver properties without
 * its session {@code options}, so a refused setting cannot keep it from opening, and names itself
 * {@code <application name> (dbPool <purpose>)} in {@code pg_stat_activity}, so it is told apart from the
 * application's sessions and counted apart from them.
 */
public final class SideConnections {

	/** Purpose of the startup check's connection. */
	public static final String STARTUP_CHECK = "startup check";

	/** Purpose of the health probe's connection. */
	public static final String HEALTH = "health";

	/** Purpose of the server-statistics sampler's connection. */
	public static final String MONITOR = "monitor";

	/** Purpose of the endpoint's short-lived connections. */
	public static final String ENDPOINT = "endpoint";

	/** Purpose of the read-replica monitor's connections, one to the primary and one to each replica. */
	public static final String REPLICA_MONITOR = "replica monitor";

	/** Purpose of the read-replica startup check's connections. */
	public static final String REPLICA_CHECK = "replica check";

	/** Purpose of a schema migration's connections, opened and closed by the migration tool. */
	public static final String MIGRATION = "migration";

	/** Purpose of the connection that reads the backends of a dry pool's holders. */
	public static final String HOLDERS = "holders";

	/** Purpose of the autosize controller's connection: its statements carry the pool's claim, not the fleet marker. */
	public static final String AUTOSIZE = "autosize";

	/** Purpose of the test connection that tries a reloaded SSL bundle's material before the pool uses it. */
	public static final String TLS_CANARY = "tls canary";

	private static final String NAME = "SELECT set_config('application_name', ?, false)";

	private static final String NAME_AND_TIMEOUT = NAME + ", set_config('statement_timeout', ?, false)";

	private SideConnections() {
	}

	/**
	 * Driver properties for {@code Driver#connect(pool.getJdbcUrl(), properties)}.
	 * @param pool the pool whose settings to copy
	 * @param purpose what the connection is for, e.g. {@link #HEALTH}
	 * @return a new, modifiable copy holding the credentials; never log it
	 */
	public static Properties properties(HikariDataSource pool, String purpose) {
		Properties properties = new Properties();
		properties.putAll(pool.getDataSourceProperties());
		properties.remove("options");
		Credentials credentials = PoolCredentials.of(pool);
		if (credentials.getUsername() != null) {
			properties.setProperty("user", credentials.getUsername());
		}
		if (credentials.getPassword() != null) {
			properties.setProperty("password", credentials.getPassword());
		}
		PGProperty.APPLICATION_NAME.set(properties, name(pool, purpose));
		return properties;
	}

	/**
	 * Opens a connection for bounded reads. Connecting and logging in take at most {@code timeout} (rounded
	 * up to whole seconds, as pgjdbc counts), the server cancels each statement after {@code timeout}, and
	 * the socket gives up at twice that in case the server stops answering at all.
	 * @param pool the pool whose server to reach
	 * @param purpose what the connection is for, e.g. {@link #MONITOR}
	 * @param timeout longest a statement may run
	 * @return a new autocommit connection
	 * @throws SQLException if the server cannot be reached
	 */
	public static Connection open(HikariDataSource pool, String purpose, Duration timeout) throws SQLException {
		return open(pool, purpose, timeout, Map.of());
	}

	/**
	 * Opens a connection for bounded reads, as {@link #open(HikariDataSource, String, Duration)} does, with
	 * some of the pool's driver properties replaced.
	 * @param pool the pool whose server to reach
	 * @param purpose what the connection is for, e.g. {@link #TLS_CANARY}
	 * @param timeout longest a statement may run
	 * @param replaced driver properties that differ from the pool's
	 * @return a new autocommit connection
	 * @throws SQLException if the server cannot be reached
	 */
	public static Connection open(HikariDataSource pool, String purpose, Duration timeout,
			Map<String, String> replaced) throws SQLException {
		int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
		Properties info = properties(pool, purpose);
		info.putAll(replaced);
		PGProperty.CONNECT_TIMEOUT.set(info, seconds);
		PGProperty.LOGIN_TIMEOUT.set(info, seconds);
		PGProperty.SOCKET_TIMEOUT.set(info, 2 * seconds);
		return named(pool, purpose, info, Long.toString(timeout.toMillis()));
	}

	/**
	 * Opens a connection bounded as the pool's own are: connecting and logging in by the pool's timeouts,
	 * and each read by its login timeout too (as pgjdbc reads it, the URL first), so that the startup check
	 * fails startup within the login timeout the user set, whatever the server does after the login.
	 * @param pool the pool whose server to reach
	 * @param purpose what the connection is for, e.g. {@link #STARTUP_CHECK}
	 * @return a new autocommit connection
	 * @throws SQLException if the server cannot be reached
	 */
	public static Connection openWithinLoginTimeout(HikariDataSource pool, String purpose) throws SQLException {
		Properties info = properties(pool, purpose);
		Properties effective = Driver.parseURL(pool.getJdbcUrl(), info);
		String loginTimeout = (effective != null) ? effective.getProperty(PGProperty.LOGIN_TIMEOUT.getName()) : null;
		if (loginTimeout != null) {
			PGProperty.SOCKET_TIMEOUT.set(info, loginTimeout);
		}
		return named(pool, purpose, info, null);
	}

	/**
	 * Opens a connection with session settings of its own, for work that runs as long as it needs (a schema
	 * migration): the pool's connect, login and socket timeouts, and the given startup {@code options} in
	 * place of the pool's.
	 * @param pool the pool whose server to reach
	 * @param purpose what the connection is for, e.g. {@link #MIGRATION}
	 * @param options the startup packet's {@code options} ({@code -c name=value ...}), empty for none
	 * @return a new autocommit connection
	 * @throws SQLException if the server cannot be reached
	 */
	public static Connection openWithOptions(HikariDataSource pool, String purpose, String options)
			throws SQLException {
		Properties info = properties(pool, purpose);
		if (!options.isEmpty()) {
			PGProperty.OPTIONS.set(info, options);
		}
		return named(pool, purpose, info, null);
	}

	/**
	 * Connects and sets the name once more after login, because a URL's ApplicationName wins over the
	 * properties: without it, the connection would be counted among the application's sessions.
	 */
	private static Connection named(HikariDataSource pool, String purpose, Properties info,
			@Nullable String statementTimeout) throws SQLException {
		Connection connection = new Driver().connect(pool.getJdbcUrl(), info);
		if (connection == null) {
			throw new SQLException("pgjdbc does not take the URL " + JdbcUrls.mask(pool.getJdbcUrl()));
		}
		try (PreparedStatement statement = connection
			.prepareStatement((statementTimeout != null) ? NAME_AND_TIMEOUT : NAME)) {
			statement.setString(1, name(pool, purpose));
			if (statementTimeout != null) {
				statement.setString(2, statementTimeout);
			}
			statement.execute();
			return connection;
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
	}

	/**
	 * Closes a side connection that may be broken already: a broken connection has nothing left to release,
	 * and the server ends its session either way.
	 * @param connection the connection, or null
	 */
	public static void closeQuietly(@Nullable Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// nothing left to release
			}
		}
	}

	/**
	 * The name a connection beside the pool carries in {@code pg_stat_activity}.
	 * @param pool the pool
	 * @param purpose what the connection is for
	 * @return e.g. {@code orders (dbPool health)}
	 */
	public static String name(HikariDataSource pool, String purpose) {
		return name(applicationName(pool), purpose);
	}

	/**
	 * The name a connection beside a pool carries in {@code pg_stat_activity}, for the pool's application
	 * name: what other instances' connections are found by.
	 * @param applicationName the application_name of the pool's sessions
	 * @param purpose what the connection is for
	 * @return e.g. {@code orders (dbPool health)}
	 */
	public static String name(String applicationName, String purpose) {
		return applicationName + " (dbPool " + purpose + ")";
	}

	/**
	 * The {@code application_name} the pool's sessions carry on the server: the URL's parameter, else the
	 * pool's driver property, else pgjdbc's default (its driver name).
	 * @param pool the pool
	 * @return the application name
	 */
	public static String applicationName(HikariDataSource pool) {
		Properties merged = Driver.parseURL(pool.getJdbcUrl(), pool.getDataSourceProperties());
		String name = PGProperty.APPLICATION_NAME
			.getOrDefault((merged != null) ? merged : pool.getDataSourceProperties());
		return (name != null) ? name : DriverInfo.DRIVER_NAME;
	}

}
