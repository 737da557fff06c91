package dev.poolwise.net;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

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

	private static final String NAME_AND_TIMEOUT = "SELECT set_config('application_name', ?, false), "
			+ "set_config('statement_timeout', ?, false)";

	private SideConnections() {
	}

	/**
	 * Driver properties for {@code Driver#connect(pool.getJdbcUrl(), properties)}.
	 * @param pool the pool whose settings to copy
	 * @param purpose what the connection is for, e.g. {@code health}
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
	 * the socket gives up at twice that in case the server stops answering at all. The name is set once more
	 * after login because a URL's ApplicationName wins over the properties.
	 * @param pool the pool whose server to reach
	 * @param purpose what the connection is for, e.g. {@code monitor}
	 * @param timeout longest a statement may run
	 * @return a new autocommit connection
	 * @throws SQLException if the server cannot be reached
	 */
	public static Connection open(HikariDataSource pool, String purpose, Duration timeout) throws SQLException {
		int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
		Properties info = properties(pool, purpose);
		PGProperty.CONNECT_TIMEOUT.set(info, seconds);
		PGProperty.LOGIN_TIMEOUT.set(info, seconds);
		PGProperty.SOCKET_TIMEOUT.set(info, 2 * seconds);
		Connection connection = new Driver().connect(pool.getJdbcUrl(), info);
		try (PreparedStatement statement = connection.prepareStatement(NAME_AND_TIMEOUT)) {
			statement.setString(1, name(pool, purpose));
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
	 * The name a connection beside the pool carries in {@code pg_stat_activity}.
	 * @param pool the pool
	 * @param purpose what the connection is for
	 * @return e.g. {@code orders (dbPool health)}
	 */
	public static String name(HikariDataSource pool, String purpose) {
		return applicationName(pool) + " (dbPool " + purpose + ")";
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
